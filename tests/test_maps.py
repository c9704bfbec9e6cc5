"""Map figures: SVG geo traces only, boundaries wound for d3-geo, offline base map, framing."""
from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from fabrique import charts, config, geo


@pytest.fixture(scope="module")
def static_files():
    geo.write_static()
    return {level: json.loads((config.ROOT / "static" / geo.geojson_url(level).removeprefix("app/static/"))
                              .read_text(encoding="utf-8")) for level in ("dep", "region")}


def _outer_and_holes(gj):
    for feat in gj["features"]:
        geom = feat["geometry"]
        for poly in [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]:
            yield feat["id"], poly[0], poly[1:]


def test_boundaries_are_wound_the_way_d3_reads_them(static_files):
    """Outer rings clockwise (negative shoelace area, y north), holes counter-clockwise: the other way,
    d3-geo fills the whole sphere except the territory."""
    rings = [r for gj in static_files.values() for r in _outer_and_holes(gj)]
    assert len(rings) > 100 and sum(len(holes) for _, _, holes in rings) >= 1
    for code, outer, holes in rings:
        assert geo._signed_area(outer) < 0, code
        assert all(geo._signed_area(h) > 0 for h in holes), code


def test_rewind_reverses_an_rfc7946_square():
    ccw = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]      # RFC 7946 outer ring: counter-clockwise
    hole = [[0.2, 0.2], [0.2, 0.8], [0.8, 0.8], [0.8, 0.2], [0.2, 0.2]]  # RFC 7946 hole: clockwise
    poly = [list(map(list, ccw)), list(map(list, hole))]
    geo._rewind(poly)
    assert poly[0] == ccw[::-1] and poly[1] == hole[::-1]
    assert geo._signed_area(poly[0]) == -1.0


def test_every_feature_has_its_code_as_id(static_files):
    assert {f["id"] for f in static_files["dep"]["features"]} >= {"01", "2A", "2B", "75", "971", "976"}
    assert len(static_files["region"]["features"]) == 18


def test_maps_use_svg_geo_traces_only():
    rows = pd.DataFrame({"code": ["53", "11"], "name": ["Bretagne", "Île-de-France"], "v": [3, 5]})
    pts = pd.DataFrame({"lon": [-1.7, 2.35], "lat": [48.1, 48.86], "name": ["a", "b"], "code": ["x", "y"], "v": [1, 4]})
    figs = [charts.choropleth(rows, level="region", code="code", value="v", name="n", title="t", hover_name="name"),
            charts.map_figure([charts.points(pts, name="p", hover="name")], "t"),
            charts.bubble_map(pts, value="v", name="n", title="t", hover_name="name", code="code")]
    for fig in figs:
        types = {t.type for t in fig.data}
        assert types <= {"choropleth", "scattergeo"}, types
        # plotly.js decides from the first trace of a geo subplot whether it needs its world base map:
        # the inset frames (lon/lat lines, no locations) come first.
        first = fig.data[0]
        assert first.type == "scattergeo" and first.locations is None and first.mode == "lines"
        assert fig.layout.geo.visible is False and fig.layout.geo.projection.type == "mercator"
        assert tuple(fig.layout.geo.lonaxis.range) == geo.NATIONAL_LON
    # A points-only map gets the 101 départements underneath.
    background = [t for t in figs[1].data if t.type == "choropleth"]
    assert len(background) == 1 and len(background[0].locations) == 101


def test_the_national_frame_holds_mainland_corsica_and_the_insets():
    lon0, lon1 = geo.NATIONAL_LON
    lat0, lat1 = geo.NATIONAL_LAT
    for frame in geo.inset_frames():
        assert lon0 <= min(frame["lon"]) and max(frame["lon"]) <= lon1
        assert lat0 <= min(frame["lat"]) and max(frame["lat"]) <= lat1
    assert lon0 < -4.8 and lon1 > 9.56 and lat0 < 41.36 and lat1 > 51.09  # Finistère, Corse, Nord


def test_fit_view_frames_the_rows_with_a_margin():
    fig = charts.map_figure([], "t")
    box = pd.DataFrame({"lon_min": [-5.1, -1.0], "lon_max": [-1.0, 0.5], "lat_min": [47.3, 47.0],
                        "lat_max": [48.9, 48.0]})
    charts.fit_view(fig, box)
    lon, lat = fig.layout.geo.lonaxis.range, fig.layout.geo.lataxis.range
    assert lon[0] < -5.1 and lon[1] > 0.5 and lat[0] < 47.0 and lat[1] > 48.9
    assert lon[1] - lon[0] < 8  # zoomed in, not the national frame (20.8°)
    charts.fit_view(fig, box.iloc[0:0])  # nothing to frame: unchanged
    assert fig.layout.geo.lonaxis.range == lon


def test_the_base_map_plotly_may_ask_for_is_served_locally():
    assert charts.CONFIG["topojsonURL"] == geo.TOPOJSON_URL
    local = config.ROOT / "static" / geo.TOPOJSON_URL.removeprefix("app/static/") / "world_110m.json"
    topo = json.loads(local.read_text(encoding="utf-8"))
    assert topo["type"] == "Topology" and "countries" in topo["objects"]


def test_partial_choropleth_with_ground_fixed_classes_and_overlay():
    rows = pd.DataFrame({"code": ["29", "35"], "name": ["Finistère", "Ille-et-Vilaine"], "v": [1, 3]})
    pts = pd.DataFrame({"lon": [-4.1], "lat": [48.0], "name": ["Quimper"]})
    fig = charts.choropleth(rows, level="dep", code="code", value="v", name="n", title="t", hover_name="name",
                            background=True, zmax=2, overlay=[charts.points(pts, name="p", hover="name")])
    kinds = [t.type for t in fig.data]
    assert kinds == ["scattergeo", "choropleth", "choropleth", "scattergeo"]  # frames, ground, values, points
    ground, values = fig.data[1], fig.data[2]
    assert len(ground.locations) == 101 and ground.hoverinfo == "skip"
    assert list(values.locations) == ["29", "35"] and (values.zmin, values.zmax, values.showscale) == (0, 2, False)
    assert list(fig.data[3].text) == ["Quimper"]


def test_chart_layout_keeps_french_formats_and_titles():
    """Built in one go, the figures still carry the shared layout and each builder's own settings."""
    df = pd.DataFrame({"year": [2022, 2023], "a": [1, 2], "b": [3, 4]})
    bars = charts.bars(df, "year", ["a", "b"], title="Barres", labels={"a": "A", "b": "B"})
    assert bars.layout.separators == ",\u202f" and bars.layout.title.text == "Barres"
    assert bars.layout.barmode == "stack" and bars.layout.xaxis.type == "category" and bars.layout.yaxis.dtick == 1
    assert [t.marker.color for t in bars.data] == [charts.PALETTE[0], charts.PALETTE[1]]
    rates = charts.rate_lines(df.assign(r=[0.5, 0.25]), "year", ["r"], title="Taux", labels={"r": "R"})
    assert rates.layout.yaxis.ticksuffix == " %" and tuple(rates.layout.yaxis.range) == (0, 105)
    # Legend on its own line under the title, whatever the chart's height; the title pinned to the top.
    for fig in (bars, rates):
        legend, height = fig.layout.legend, fig.layout.height
        assert legend.yref == "container" and legend.yanchor == "top" and legend.orientation == "h"
        assert round((1 - legend.y) * height) == charts.LEGEND_TOP
        assert fig.layout.title.y == 1 and fig.layout.title.yanchor == "top"
    assert list(rates.data[0].y) == [50.0, 25.0]
    hbars = charts.rate_bars(df.assign(r=[0.5, 0.25]), "year", "r", title="T", labels={})
    assert hbars.layout.yaxis.autorange == "reversed" and hbars.layout.xaxis.ticksuffix == " %"
