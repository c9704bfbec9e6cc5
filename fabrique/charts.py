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
# Territory outlines: mid grey, so that a territory in the lightest tint still shows its edge on white.
OUTLINE = "#b0b0b0"

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
# No tool bar: its buttons (zoom, pan, PNG download) sat on the chart titles on a phone and spoke English
# without a full French dictionary; a viewer needs none of them (every chart has its data table below it and
# the page its exports). No zoom by scrolling or dragging either: a page scrolled with the mouse or a finger
# over a map must scroll the page, and without the tool bar a zoomed chart could not be reset. A click (a
# tap) still selects a territory.
CONFIG = {"locale": "fr", "locales": {"fr": LOCALE_FR}, "displaylogo": False, "displayModeBar": False,
          "scrollZoom": False,
          # A geo map that wants plotly's world base map fetches it from here, not from cdn.plot.ly.
          "topojsonURL": geo.TOPOJSON_URL}


def _merge(base: dict, extra: dict) -> dict:
    """base updated with extra, nested dictionaries merged key by key (like plotly's update_layout)."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


LEGEND_TOP = 34  # px from the top of a chart to its legend: the title's line


def _base_layout(title: str, height: int) -> dict:
    return {
        # Pinned to the top (by default plotly centres it in the top margin, which the legend grows).
        "title": {"text": title, "x": 0, "xanchor": "left", "y": 1, "yanchor": "top", "pad": {"t": 10},
                  "font": {"size": 16}},
        "separators": SEPARATORS,
        "font": {"family": FONT, "size": 13},
        "colorway": PALETTE,
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        # The legend on its own line under the title, from the left: placed in the container (pixels from
        # the top), it pushes the plot area down however many lines it wraps to, and cannot run over
        # the title (at the right end of the title's line, a long legend did in a half-width column).
        "legend": {"orientation": "h", "yref": "container", "y": 1 - LEGEND_TOP / height, "yanchor": "top",
                   "xanchor": "left", "x": 0, "title": None},
        "plot_bgcolor": "white",
        "dragmode": False,  # see CONFIG: no zoom box, no panning
        "hoverlabel": {"font": {"family": FONT}},
        "xaxis": {"showgrid": False, "linecolor": "#999"},
        "yaxis": {"gridcolor": "#e5e5e5", "zerolinecolor": "#999", "rangemode": "tozero"},
    }


# Figures are built in one go from nested dictionaries: plotly validates them once, where each
# update_*() call or magic-underscore keyword (marker_color=…) parses property paths again and cost
# milliseconds per chart on every rerun (measured: a bar chart 23 ms before, a few ms after).
def _figure(traces: list, title: str, height: int = 380, **layout) -> go.Figure:
    return go.Figure(data=traces, layout=_merge(_base_layout(title, height), layout))


def bars(df: pd.DataFrame, x: str, y: str | list[str], *, title: str, labels: dict[str, str],
         horizontal: bool = False, stacked: bool = True, unit: str = "", decimals: int = 0,
         colours: dict[str, str] | None = None, height: int = 380, category_axis: bool = True,
         partial: str | None = None) -> go.Figure:
    """Bars of one or several value columns (each a legend entry named by labels[col]).

    partial: a boolean column marking the rows of an unfinished year, drawn hatched."""
    ys = [y] if isinstance(y, str) else y
    traces = []
    for i, col in enumerate(ys):
        name = labels.get(col, col)
        colour = (colours or {}).get(col, PALETTE[i % len(PALETTE)])
        fmt = f"%{{{'x' if horizontal else 'y'}:,.{decimals}f}}{unit}"
        cat = "%{y}" if horizontal else "%{x}"
        kw = dict(x=df[col], y=df[x].astype(str), orientation="h") if horizontal else dict(x=df[x].astype(str), y=df[col])
        marker = {"color": colour}
        if partial and partial in df.columns and df[partial].any():
            marker["pattern"] = {"shape": ["/" if p else "" for p in df[partial].fillna(False)],
                                 "fgcolor": "white", "size": 6}
        traces.append(go.Bar(name=name, marker=marker,
                             hovertemplate=f"{cat}<br>{name} : {fmt}<extra></extra>", **kw))
    cat_axis, value_axis = ("yaxis", "xaxis") if horizontal else ("xaxis", "yaxis")
    axes: dict[str, dict] = {cat_axis: {}, value_axis: {}}
    if category_axis:  # codes like "08" or years must stay categories, never numbers
        axes[cat_axis]["type"] = "category"
    if horizontal:
        axes["yaxis"]["autorange"] = "reversed"
    if decimals == 0 and len(df) and df[ys].sum(axis=1).max() <= 10:
        axes[value_axis]["dtick"] = 1  # counts: no 0,5 ticks
    return _figure(traces, title, height, barmode="stack" if stacked else "group", showlegend=len(ys) > 1, **axes)


def lines(df: pd.DataFrame, x: str, ys: list[str], *, title: str, labels: dict[str, str],
          unit: str = "", decimals: int = 0, height: int = 360, partial: str | None = None) -> go.Figure:
    """One line per value column over years (x shown as categories so years read 2019, not 2 019).

    partial: a boolean column marking the last rows of an unfinished year: the segment that reaches them is
    dotted (the year is not over, its value is not comparable)."""
    traces = []
    cut = len(df)
    if partial and partial in df.columns and len(df) > 1 and df[partial].fillna(False).any():
        flags = df[partial].fillna(False).tolist()
        cut = flags.index(True)
    for i, col in enumerate(ys):
        name = labels.get(col, col)
        colour = PALETTE[i % len(PALETTE)]
        hover = f"%{{x}}<br>{name} : %{{y:,.{decimals}f}}{unit}<extra></extra>"
        whole = df.iloc[:cut] if cut > 0 else df
        traces.append(go.Scatter(x=whole[x].astype(str), y=whole[col], mode="lines+markers", name=name,
                                 line={"color": colour, "width": 2.5}, hovertemplate=hover, legendgroup=col))
        if 0 < cut < len(df):
            tail = df.iloc[cut - 1:]
            traces.append(go.Scatter(x=tail[x].astype(str), y=tail[col], mode="lines+markers",
                                     name=f"{name} (année incomplète)", showlegend=False, legendgroup=col,
                                     line={"color": colour, "width": 2.5, "dash": "dot"},
                                     marker={"symbol": "circle-open"}, hovertemplate=hover))
    return _figure(traces, title, height, xaxis={"type": "category"})


def choropleth(df: pd.DataFrame, *, level: str, code: str, value: str, name: str, title: str,
               hover_name: str, unit: str = "", decimals: int = 0, height: int = 520,
               colorscale=None, background: bool = False, zmax: float | None = None,
               overlay: list | None = None) -> go.Figure:
    """Régions or départements coloured by value, boundaries fetched once from a static URL.

    Drawn as SVG (plotly `geo`, no base map): no tile server, no WebGL, nothing leaves the host.
    background: every département in light grey underneath, for a df that holds only some of them.
    zmax: a fixed colour range 0..zmax without a colour bar (a few classes, told in the caption).
    overlay: more traces on top (points).
    """
    trace = go.Choropleth(
        geojson=geo.geojson_url(level),
        locations=df[code].astype(str),
        z=df[value].astype(float),
        featureidkey="id",
        colorscale=colorscale or SEQUENTIAL,
        marker={"line": {"color": OUTLINE, "width": 0.6}},
        colorbar={"title": {"text": name}, "thickness": 12, "separatethousands": True},
        customdata=df[[hover_name]].astype(str),
        hovertemplate=f"%{{customdata[0]}}<br>{name} : %{{z:,.{decimals}f}}{unit}<extra></extra>",
        **({"zmin": 0, "zmax": zmax, "showscale": False} if zmax is not None else {}),
    )
    ground = [grey_departements(geo.department_codes())] if background else []
    return map_figure([*ground, trace, *(overlay or [])], title, height)


# No base map, no frame, Mercator (the familiar shape of France), transparent behind the paths.
GEO_BASE = {"projection": {"type": "mercator"}, "visible": False, "showframe": False, "bgcolor": "rgba(0,0,0,0)"}


def map_figure(traces: list, title: str, height: int = 520) -> go.Figure:
    """A blank-background map of mainland France with the overseas insets framed, drawing `traces`.

    An SVG map (plotly `geo`, Mercator, no base layer): a filter change redraws a few hundred paths
    instead of creating a WebGL context per map (measured: the MapLibre maps took most of the
    browser's time on every rerun). A map without territories gets the départements drawn in grey
    underneath (same static file, fetched once), so that readers see France rather than dots on white.
    """
    frames = geo.inset_frames()
    # The inset frames come first: plotly.js looks at the first trace of a geo subplot to decide whether
    # it needs its world base map; a line trace given by lon/lat does not (CONFIG points to a local copy anyway).
    inset_frames = go.Scattergeo(lon=[x for f in frames for x in (*f["lon"], None)],
                                 lat=[y for f in frames for y in (*f["lat"], None)], mode="lines",
                                 line={"color": "#999", "width": 1}, hoverinfo="skip", showlegend=False)
    if not any(isinstance(t, go.Choropleth) for t in traces):
        traces = [grey_departements(geo.department_codes()), *traces]
    # dragmode "orbit" (a 3-D mode, inert on a geo map): no panning, a click still selects. Streamlit replaces
    # a false dragmode with "pan" on a chart that filters by a click; a map that pans under a finger swallows
    # the page's scroll on a phone, and without the tool bar a moved map could not be put back.
    return _figure([inset_frames, *traces], title, height, dragmode="orbit",
                   geo={**GEO_BASE, "lonaxis": {"range": list(geo.NATIONAL_LON)},
                        "lataxis": {"range": list(geo.NATIONAL_LAT)}})


def points(df: pd.DataFrame, *, name: str, hover: str, colour: str = PALETTE[0],
           size: pd.Series | float = 9, customdata: list[str] | None = None) -> go.Scattergeo:
    """Points (already in map coordinates, see geo.to_map), as a trace for map_figure."""
    return go.Scattergeo(
        lon=df["lon"], lat=df["lat"], mode="markers", name=name,
        marker={"size": size, "color": colour, "opacity": 0.85},
        text=df[hover].astype(str), hovertemplate="%{text}<extra></extra>",
        customdata=df[customdata].astype(str) if customdata else None,
    )


# ---------------------------------------------------------------- Parcours des projets (pages/parcours.py)

def _fraction_hover(df: pd.DataFrame, fraction: tuple[str, str] | None) -> tuple[pd.DataFrame | None, str]:
    """customdata and hover text '(3 sur 8)' giving the numerator and denominator of a rate."""
    if not fraction:
        return None, ""
    return df[list(fraction)], " (%{customdata[0]:,.0f} sur %{customdata[1]:,.0f})"


def funnel(df: pd.DataFrame, stage: str, value: str, share: str, *, title: str, labels: dict[str, str],
           colour: str = PALETTE[0], height: int = 400) -> go.Figure:
    """Steps of a path as a funnel: count at each step and its share (ratio 0..1) of the first step."""
    name = labels.get(value, value)
    trace = go.Funnel(
        y=df[stage].astype(str), x=df[value], customdata=df[share].astype(float) * 100,
        marker={"color": colour}, connector={"line": {"color": "#999", "width": 1}},
        texttemplate="%{x:,.0f} (%{customdata:,.0f} %)", textposition="inside",
        hovertemplate=f"%{{y}}<br>{name} : %{{x:,.0f}}<br>{labels.get(share, share)} : "
                      "%{customdata:,.1f} %<extra></extra>",
    )
    return _figure([trace], title, height, showlegend=False,
                   yaxis={"type": "category", "gridcolor": "rgba(0,0,0,0)"})


def rate_lines(df: pd.DataFrame, x: str, ys: list[str], *, title: str, labels: dict[str, str],
               fractions: dict[str, tuple[str, str]] | None = None, height: int = 360) -> go.Figure:
    """Rates (ratios 0..1) over years, drawn as percentages; hover gives numerator and denominator."""
    traces = []
    for i, col in enumerate(ys):
        name = labels.get(col, col)
        custom, frac = _fraction_hover(df, (fractions or {}).get(col))
        traces.append(go.Scatter(x=df[x].astype(str), y=df[col].astype(float) * 100, mode="lines+markers",
                                 name=name, customdata=custom, line={"color": PALETTE[i % len(PALETTE)], "width": 2.5},
                                 hovertemplate=f"%{{x}}<br>{name} : %{{y:,.1f}} %{frac}<extra></extra>"))
    return _figure(traces, title, height, xaxis={"type": "category"}, yaxis={"ticksuffix": " %", "range": [0, 105]})


def rate_bars(df: pd.DataFrame, x: str, y: str, *, title: str, labels: dict[str, str],
              fraction: tuple[str, str] | None = None, horizontal: bool = True,
              colour: str = PALETTE[5], height: int = 360) -> go.Figure:
    """One rate (ratio 0..1) per category, drawn as a percentage; hover gives numerator and denominator."""
    name = labels.get(y, y)
    custom, frac = _fraction_hover(df, fraction)
    values, cats = df[y].astype(float) * 100, df[x].astype(str)
    value_ref, cat_ref = ("%{x:,.1f}", "%{y}") if horizontal else ("%{y:,.1f}", "%{x}")
    trace = go.Bar(
        x=values if horizontal else cats, y=cats if horizontal else values,
        orientation="h" if horizontal else "v", marker={"color": colour}, customdata=custom, name=name,
        hovertemplate=f"{cat_ref}<br>{name} : {value_ref} %{frac}<extra></extra>",
    )
    value_axis = {"ticksuffix": " %", "rangemode": "tozero", "gridcolor": "#e5e5e5"}
    cat_axis = {"type": "category", "showgrid": False, **({"autorange": "reversed"} if horizontal else {})}
    return _figure([trace], title, height, xaxis=value_axis if horizontal else cat_axis,
                   yaxis=cat_axis if horizontal else value_axis)


# ---------------------------------------------------------------- Projets IAE par territoire (pages/iae_territoires.py)

# Starts at a mid blue: the lightest tint of SEQUENTIAL vanishes on a white map background.
BUBBLE_SCALE = [[0.0, "#a6cbe3"], [0.5, "#0072B2"], [1.0, "#0b3c5d"]]


def bubble_map(df: pd.DataFrame, *, value: str, name: str, title: str, hover_name: str, code: str,
               unit: str = "", decimals: int = 0, height: int = 520) -> go.Figure:
    """Territories without boundaries (EPCI, communes) as points in map coordinates (see geo.to_map),
    the area and the colour of each point growing with the value; customdata[0] is the territory code."""
    import numpy as np  # local: only this builder needs it

    v = df[value].astype(float).fillna(0)
    top = float(v.max()) if len(v) and v.max() > 0 else 1.0
    trace = go.Scattergeo(
        lon=df["lon"], lat=df["lat"], mode="markers", name=name, showlegend=False,
        marker={"size": 6 + 20 * np.sqrt(v / top), "sizemode": "diameter", "opacity": 0.8,
                "color": v, "colorscale": BUBBLE_SCALE, "cmin": 0,
                "colorbar": {"title": {"text": name}, "thickness": 12, "separatethousands": True,
                             # whole-number ticks for counts (no "2,5 projets")
                             **({"dtick": 1} if decimals == 0 and top <= 10 else {"tickformat": f",.{decimals}f"})}},
        customdata=df[[code, hover_name]].astype(str),
        hovertemplate=f"%{{customdata[1]}}<br>{name} : %{{marker.color:,.{decimals}f}}{unit}<extra></extra>",
    )
    return map_figure([trace], title, height)


def fit_view(fig: go.Figure, df: pd.DataFrame) -> go.Figure:
    """Frame a map on the extent of df's territories (lon_min, lon_max, lat_min, lat_max in map
    coordinates), with a margin, for a zoomed or filtered perimeter; the national view keeps
    map_figure's frame."""
    box = df[["lon_min", "lon_max", "lat_min", "lat_max"]].astype(float).dropna()
    if box.empty:
        return fig
    lon0, lon1 = box["lon_min"].min(), box["lon_max"].max()
    lat0, lat1 = box["lat_min"].min(), box["lat_max"].max()
    pad_lon, pad_lat = max(0.1 * (lon1 - lon0), 0.15), max(0.1 * (lat1 - lat0), 0.1)
    fig.layout.geo.lonaxis.range = [lon0 - pad_lon, lon1 + pad_lon]
    fig.layout.geo.lataxis.range = [lat0 - pad_lat, lat1 + pad_lat]
    return fig


# ---------------------------------------------------------------- Couverture des contrats (pages/couverture.py)

def rate_choropleth(df: pd.DataFrame, *, level: str, code: str, rate: str, numerator: str, denominator: str,
                    name: str, title: str, hover_name: str, height: int = 520) -> go.Figure:
    """Régions or départements coloured by a rate (ratio 0..1, drawn as a percentage); the hover gives
    the numerator and the denominator. Territories whose denominator is 0 (rate null) stay blank."""
    trace = go.Choropleth(
        geojson=geo.geojson_url(level),
        locations=df[code].astype(str),
        z=df[rate].astype(float) * 100,
        # Always 0 to 100 %: a rate is read against the whole range (a map of one or two territories
        # coloured on a 48,6 - 49,4 % scale meant nothing).
        zmin=0,
        zmax=100,
        featureidkey="id",
        colorscale=SEQUENTIAL,
        marker={"line": {"color": OUTLINE, "width": 0.6}},
        colorbar={"title": {"text": name}, "thickness": 12, "ticksuffix": " %"},
        customdata=df[[hover_name, numerator, denominator]].astype(object).values.tolist(),
        hovertemplate=(f"%{{customdata[0]}}<br>{name} : %{{z:,.1f}} %"
                       "<br>%{customdata[1]:,.0f} sur %{customdata[2]:,.0f}<extra></extra>"),
    )
    return map_figure([trace], title, height)


def grey_departements(codes: list[str], level: str = "dep") -> go.Choropleth:
    """Light grey départements (or régions), no hover, no colour scale: the ground under point layers
    and partial choropleths, so that what is drawn is seen in its place on a blank map."""
    codes = list(codes)
    return go.Choropleth(
        geojson=geo.geojson_url(level), locations=codes, z=[0] * len(codes), featureidkey="id",
        colorscale=[[0, "#f2f2f2"], [1, "#f2f2f2"]], showscale=False, hoverinfo="skip", showlegend=False,
        marker={"line": {"color": "#c8c8c8", "width": 0.6}},
    )


# ---------------------------------------------------------------- Fiche territoire (pages/territoire.py)

# One marker per zoning family, told apart by shape as well as colour (colour-blind safe, and readable in
# black and white on paper); broad families (a whole EPCI, CRTE or GAL) start hidden: they would cover
# every other mark. Click a legend entry to show or hide a family.
FAMILY_MARKERS = {
    "qpv": ("circle", PALETTE[5], True),
    "ville": ("square-open", PALETTE[0], False),
    "ruralite": ("diamond-open", PALETTE[2], False),
    "frr": ("triangle-up", PALETTE[2], True),
    "leader": ("hexagon-open", PALETTE[3], False),
    "pvd": ("square", PALETTE[1], True),
    "acv": ("star", PALETTE[3], True),
}


def territory_map(communes: pd.DataFrame, *, families: dict[str, str], title: str, height: int = 560,
                  departements: list[str] = ()) -> go.Figure:
    """The communes of one territory as points (map coordinates, see geo.to_map): every commune a small grey
    dot, then one trace per zoning family (in_<family> columns; families: code -> legend label), then the
    communes with projects, circled by their count (projects_n: a number, or a mask of the disclosure
    policy drawn at the smallest size). `hover` holds each commune's text. Framed on the communes, the
    territory's départements tinted on the grey ground."""
    import numpy as np  # local: only the map builders need it

    communes = communes.assign(lon=communes["lon"].round(4), lat=communes["lat"].round(4))   # ~10 m: enough
    ground = [grey_departements(geo.department_codes())]
    if departements:
        ground.append(go.Choropleth(
            geojson=geo.geojson_url("dep"), locations=list(departements), z=[0] * len(departements),
            featureidkey="id", colorscale=[[0, "#e4eef6"], [1, "#e4eef6"]], showscale=False, hoverinfo="skip",
            showlegend=False, marker={"line": {"color": "#7a9cb8", "width": 1}}))
    traces = [*ground, go.Scattergeo(lon=communes["lon"], lat=communes["lat"], mode="markers", name="Communes",
                            marker={"size": 4, "color": "#9a9a9a"}, text=communes["hover"],
                            hovertemplate="%{text}<extra></extra>")]
    for family, label in families.items():
        rows = communes[communes[f"in_{family}"]]
        if rows.empty:
            continue
        symbol, colour, shown = FAMILY_MARKERS[family]
        # No hover of its own: the grey dot underneath says everything about the commune (a région's map
        # would otherwise send each commune's text once per family: megabytes).
        traces.append(go.Scattergeo(
            lon=rows["lon"], lat=rows["lat"], mode="markers", name=label, visible=True if shown else "legendonly",
            marker={"size": 9, "symbol": symbol, "color": colour, "opacity": 0.9,
                    "line": {"width": 1.2, "color": colour}}, hoverinfo="skip"))
    counts = pd.to_numeric(communes["projects_n"], errors="coerce")
    with_projects = communes[(counts > 0) | communes["projects_n"].map(lambda v: isinstance(v, str))]
    if not with_projects.empty:
        n = pd.to_numeric(with_projects["projects_n"], errors="coerce").fillna(1).astype(float)
        traces.append(go.Scattergeo(
            lon=with_projects["lon"], lat=with_projects["lat"], mode="markers", name="Projets détectés",
            marker={"size": 8 + 6 * np.sqrt(n), "symbol": "circle-open", "color": "#000000",
                    "line": {"width": 1.5}}, hoverinfo="skip"))
    fig = map_figure(traces, title, height)
    box = pd.DataFrame({"lon_min": [communes["lon"].min()], "lon_max": [communes["lon"].max()],
                        "lat_min": [communes["lat"].min()], "lat_max": [communes["lat"].max()]})
    return fit_view(fig, box)


# ---------------------------------------------------------------- the same figure for a meeting room or a phone

MEETING_FONT, MEETING_TITLE = 18, 22     # px: read from the back of a room (base figures: 13 and 16)
PHONE_TITLE_CHARS = 40                   # a title line at 16 px on a 390 px wide phone
PHONE_TICK_CHARS = 24                    # a category label beside horizontal bars on a phone
PHONE_MAP_HEIGHT = 300                   # px of map under the title: France (Mercator) at 360 px wide is ~250 px tall


def wrap(text: str, width: int) -> str:
    """Text broken into lines of at most `width` characters with plotly's <br> (words kept whole)."""
    import textwrap

    return "<br>".join(textwrap.wrap(str(text), width, break_long_words=False, break_on_hyphens=False)) or str(text)


def _is_map(fig: go.Figure) -> bool:
    return any(t.type in ("choropleth", "scattergeo") for t in fig.data)


def adapt(fig: go.Figure, *, meeting: bool = False, phone: bool = False) -> go.Figure:
    """The figure for a meeting room (larger type everywhere: title, ticks, legend, colour bar, hover) or a
    phone (title on several lines, colour bars under the map, maps as tall as they are wide, long category
    labels wrapped). The figure is changed in place and returned; a plain screen gets it unchanged."""
    if not (meeting or phone):
        return fig
    lay = fig.layout
    base = MEETING_FONT if meeting else (lay.font.size or 13)
    title_size = MEETING_TITLE if meeting else 16
    title = lay.title.text or ""
    if phone:
        title = wrap(title.replace("<br>", " "), int(PHONE_TITLE_CHARS * 16 / title_size))
    lines = title.count("<br>") + 1 if title else 0
    title_px = 10 + round(lines * title_size * 1.25)     # pad + lines
    height = lay.height or 380
    if phone and _is_map(fig):
        # A phone is narrow: a map taller than it is wide leaves blank bands above and below France.
        bar = 60 if any(getattr(t, "showscale", None) is not False and t.type == "choropleth" for t in fig.data) else 0
        legend = 30 if lay.showlegend is not False and sum(1 for t in fig.data if t.showlegend is not False
                                                             and t.type == "scattergeo" and t.name) else 0
        height = title_px + legend + PHONE_MAP_HEIGHT + bar
    elif meeting:
        height = round(height * 1.15)
    fig.update_layout(
        height=height, title_text=title, title_font_size=title_size, font_size=base,
        hoverlabel_font_size=base, margin_t=title_px + 16,
        legend_y=1 - (title_px + 2) / height, legend_font_size=base)
    if meeting:
        # Streamlit's chart theme sets the tick and colour-bar fonts itself: set them explicitly.
        fig.update_xaxes(tickfont_size=base, title_font_size=base)
        fig.update_yaxes(tickfont_size=base, title_font_size=base)
        for trace in fig.data:
            bar = trace.colorbar if trace.type == "choropleth" else (
                trace.marker.colorbar if trace.type == "scattergeo" and trace.marker.colorscale else None)
            if bar is not None:
                bar.update(tickfont_size=base, title_font_size=base)
    if phone:
        fig.update_layout(margin_l=4, margin_r=4)
        for trace in fig.data:
            # Colour bars under the map rather than beside it (beside, they take a third of a phone's width).
            bar = trace.colorbar if trace.type == "choropleth" else (
                trace.marker.colorbar if trace.type == "scattergeo" and trace.marker.colorscale else None)
            if bar is not None:
                bar.update(orientation="h", x=0.5, xanchor="center", y=0, yanchor="bottom", yref="container",
                           ypad=8, len=0.9, thickness=10, title_side="bottom")
        if _is_map(fig) and any(t.type == "choropleth" and t.showscale is not False for t in fig.data):
            fig.update_layout(margin_b=70)
        for trace in fig.data:
            if trace.type == "bar" and trace.orientation == "h" and trace.y is not None:
                # Long category names on several lines, each bar as tall as its name.
                cats = [str(c) for c in trace.y]
                names = [wrap(c, PHONE_TICK_CHARS) for c in cats]
                lines = max(n.count("<br>") + 1 for n in names) if names else 1
                fig.update_yaxes(tickvals=cats, ticktext=names)
                legend = 30 if sum(1 for t in fig.data if t.type == "bar") > 1 else 0
                fig.update_layout(height=max(height, title_px + 16 + legend + len(cats) * (lines * 15 + 12) + 50))
                fig.update_layout(legend_y=1 - (title_px + 2) / fig.layout.height)
                break
    return fig
