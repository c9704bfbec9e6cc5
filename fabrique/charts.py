"""Pure DataFrame -> plotly figure builders sharing one colour-blind-safe palette and French formats."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from . import geo

# Okabe-Ito palette (safe for the common colour-vision deficiencies).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
STATUS_COLOURS = {"appellation": "#0072B2", "expérimentation": "#E69F00"}
SEQUENTIAL = [[0.0, "#f0f6fb"], [0.25, "#a6cbe3"], [0.5, "#56B4E9"], [0.75, "#0072B2"], [1.0, "#0b3c5d"]]
FONT = "Source Sans Pro, Arial, sans-serif"

# French number formats in every tick and hover: decimal comma, narrow no-break space for thousands.
SEPARATORS = ",\u202f"

# plotly.js ignores config locale 'fr' unless the dictionary comes with it (months, days for dates).
LOCALE_FR = {
    "moduleType": "locale",
    "name": "fr",
    "dictionary": {"Autoscale": "Échelle automatique", "Zoom in": "Zoom avant", "Zoom out": "Zoom arrière",
                   "Reset axes": "Réinitialiser les axes", "Download plot as a png": "Télécharger en PNG",
                   "Pan": "Déplacer", "Box Select": "Sélection rectangulaire", "Lasso Select": "Sélection au lasso",
                   "Reset view": "Réinitialiser la vue", "Double-click to zoom back out": "Double-cliquez pour dézoomer"},
    "format": {
        "days": ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
        "shortDays": ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
        "months": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                   "octobre", "novembre", "décembre"],
        "shortMonths": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
                        "nov.", "déc."],
        "date": "%d/%m/%Y",
        "decimal": ",",
        "thousands": "\u202f",
    },
}
CONFIG = {"locale": "fr", "locales": {"fr": LOCALE_FR}, "displaylogo": False,
          "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def _layout(fig: go.Figure, title: str, height: int = 380) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 16}},
        separators=SEPARATORS,
        font={"family": FONT, "size": 13},
        colorway=PALETTE,
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1, "title": None},
        plot_bgcolor="white",
        hoverlabel={"font": {"family": FONT}},
    )
    fig.update_xaxes(showgrid=False, linecolor="#999")
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#999", rangemode="tozero")
    return fig


def bars(df: pd.DataFrame, x: str, y: str | list[str], *, title: str, labels: dict[str, str],
         horizontal: bool = False, stacked: bool = True, unit: str = "", decimals: int = 0,
         colours: dict[str, str] | None = None, height: int = 380, category_axis: bool = True) -> go.Figure:
    """Bars of one or several value columns (each a legend entry named by labels[col])."""
    ys = [y] if isinstance(y, str) else y
    fig = go.Figure()
    for i, col in enumerate(ys):
        name = labels.get(col, col)
        colour = (colours or {}).get(col, PALETTE[i % len(PALETTE)])
        fmt = f"%{{{'x' if horizontal else 'y'}:,.{decimals}f}}{unit}"
        cat = "%{y}" if horizontal else "%{x}"
        kw = dict(x=df[col], y=df[x].astype(str), orientation="h") if horizontal else dict(x=df[x].astype(str), y=df[col])
        fig.add_bar(name=name, marker_color=colour, hovertemplate=f"{cat}<br>{name} : {fmt}<extra></extra>", **kw)
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=len(ys) > 1)
    _layout(fig, title, height)
    cat_axis = fig.update_yaxes if horizontal else fig.update_xaxes
    if category_axis:  # codes like "08" or years must stay categories, never numbers
        cat_axis(type="category")
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return fig


def lines(df: pd.DataFrame, x: str, ys: list[str], *, title: str, labels: dict[str, str],
          unit: str = "", decimals: int = 0, height: int = 360) -> go.Figure:
    """One line per value column over years (x shown as categories so years read 2019, not 2 019)."""
    fig = go.Figure()
    for i, col in enumerate(ys):
        name = labels.get(col, col)
        fig.add_scatter(x=df[x].astype(str), y=df[col], mode="lines+markers", name=name,
                        line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                        hovertemplate=f"%{{x}}<br>{name} : %{{y:,.{decimals}f}}{unit}<extra></extra>")
    _layout(fig, title, height)
    fig.update_xaxes(type="category")
    return fig


def sparkline(values: list[float], colour: str = PALETTE[0]) -> go.Figure:
    """A tiny trend line for a key-figure tile (no axes)."""
    fig = go.Figure(go.Scatter(y=values, mode="lines", line={"color": colour, "width": 2}, hoverinfo="skip"))
    fig.update_layout(height=50, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False,
                      plot_bgcolor="rgba(0,0,0,0)", paper_bgcolor="rgba(0,0,0,0)")
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig


def choropleth(df: pd.DataFrame, *, level: str, code: str, value: str, name: str, title: str,
               hover_name: str, unit: str = "", decimals: int = 0, height: int = 520,
               colorscale=None) -> go.Figure:
    """Régions or départements coloured by value, boundaries fetched once from a static URL.

    Uses MapLibre with a blank style: no tile server, no token, nothing leaves the host.
    """
    fig = go.Figure(go.Choroplethmap(
        geojson=geo.geojson_url(level),
        locations=df[code].astype(str),
        z=df[value].astype(float),
        featureidkey="id",
        colorscale=colorscale or SEQUENTIAL,
        marker={"line": {"color": "white", "width": 0.6}},
        colorbar={"title": {"text": name}, "thickness": 12, "separatethousands": True},
        customdata=df[[hover_name]].astype(str),
        hovertemplate=f"%{{customdata[0]}}<br>{name} : %{{z:,.{decimals}f}}{unit}<extra></extra>",
    ))
    return map_layout(fig, title, height)


def map_layout(fig: go.Figure, title: str, height: int = 520) -> go.Figure:
    """Blank-background map centred on mainland France with the overseas insets framed."""
    for frame in geo.inset_frames():
        fig.add_scattermap(lon=frame["lon"], lat=frame["lat"], mode="lines", line={"color": "#999", "width": 1},
                           hoverinfo="skip", showlegend=False)
    fig.update_layout(map={"style": "white-bg", "center": geo.MAINLAND_CENTRE, "zoom": geo.MAINLAND_ZOOM})
    _layout(fig, title, height)
    return fig


def points(fig: go.Figure | None, df: pd.DataFrame, *, name: str, hover: str, colour: str = PALETTE[0],
           size: pd.Series | float = 9, customdata: list[str] | None = None) -> go.Figure:
    """Add points (already in map coordinates, see geo.to_map) to a map figure or a new one."""
    fig = fig or go.Figure()
    fig.add_scattermap(
        lon=df["lon"], lat=df["lat"], mode="markers", name=name,
        marker={"size": size, "color": colour, "opacity": 0.85},
        text=df[hover].astype(str), hovertemplate="%{text}<extra></extra>",
        customdata=df[customdata].astype(str) if customdata else None,
    )
    return fig
