"""Place points (WGS84 longitude, latitude) in the shipped QPV 2024 and département polygons.

Pure functions over arrays; the polygons are read once per process and indexed with a shapely STRtree,
so that locating every project of a 100x database stays a vectorised query, not a loop over polygons.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Sequence

import numpy as np
import shapely
from shapely.geometry import shape

from . import config, reference

QPV_FILE = "qpv_2024.geojson"
DEPARTEMENTS_FILE = "departements.geojson"
# The département outlines are generalised (see data/reference/SOURCES.md): a point counts as inside its
# département within this distance of the outline, or within COMMUNE_TOLERANCE_DEG of its commune's
# centroid (small islands dropped by the simplification, such as Sein or Ouessant).
DEPARTEMENT_TOLERANCE_DEG = 0.02
COMMUNE_TOLERANCE_DEG = 0.05


@dataclass(frozen=True)
class _Layer:
    codes: np.ndarray          # code of each polygon, in tree order
    geoms: np.ndarray          # shapely geometries
    tree: shapely.STRtree
    by_code: dict[str, object]


def _read_layer(name: str, key: str) -> _Layer:
    with open(config.REFERENCE_DIR / name, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    codes = np.array([f["properties"][key] for f in features], dtype=object)
    geoms = np.array([shape(f["geometry"]) for f in features], dtype=object)
    shapely.prepare(geoms)  # speeds up the repeated containment tests
    return _Layer(codes, geoms, shapely.STRtree(geoms), dict(zip(codes, geoms)))


@lru_cache(maxsize=1)
def _qpv() -> _Layer:
    return _read_layer(QPV_FILE, "qpv_code")


@lru_cache(maxsize=1)
def _departements() -> _Layer:
    return _read_layer(DEPARTEMENTS_FILE, "dep_code")


@lru_cache(maxsize=1)
def _centroids() -> dict[str, tuple[float, float]]:
    c = reference.read("communes.csv")
    return {code: (lon, lat) for code, lon, lat in zip(c["insee_code"], c["lon"], c["lat"])
            if lon == lon and lat == lat}


def _points(lons: Iterable[float | None], lats: Iterable[float | None]) -> tuple[np.ndarray, np.ndarray]:
    """Points and a mask of the ones that are given (a missing or NaN coordinate gives no point)."""
    x = np.array([np.nan if v is None else v for v in lons], dtype=float)
    y = np.array([np.nan if v is None else v for v in lats], dtype=float)
    given = np.isfinite(x) & np.isfinite(y)
    return shapely.points(np.where(given, x, 0.0), np.where(given, y, 0.0)), given


def _first_container(layer: _Layer, points: np.ndarray, given: np.ndarray) -> list[str | None]:
    out: list[str | None] = [None] * len(points)
    if not given.any():
        return out
    idx = np.flatnonzero(given)
    pairs = layer.tree.query(points[idx], predicate="intersects")
    # A point on a shared boundary intersects two polygons: keep the smallest code, deterministically.
    for i, j in sorted(zip(pairs[0].tolist(), pairs[1].tolist()), key=lambda t: (t[0], layer.codes[t[1]])):
        k = idx[i]
        if out[k] is None:
            out[k] = layer.codes[j]
    return out


def locate(lons: Sequence[float | None], lats: Sequence[float | None]) -> list[str | None]:
    """The QPV 2024 code whose polygon contains each point (None: outside every QPV, or no point)."""
    points, given = _points(lons, lats)
    return _first_container(_qpv(), points, given)


def departement_of(lons: Sequence[float | None], lats: Sequence[float | None]) -> list[str | None]:
    """The département whose (generalised) outline contains each point (None: none, or no point)."""
    points, given = _points(lons, lats)
    return _first_container(_departements(), points, given)


def in_departement(lons: Sequence[float | None], lats: Sequence[float | None], dep_codes: Sequence[str],
                   insee_codes: Sequence[str | None] | None = None) -> list[bool]:
    """Whether each point lies in the given département, with the tolerances stated above.

    A missing point or an unknown département gives True: there is nothing to check.
    """
    points, given = _points(lons, lats)
    layer = _departements()
    centroids = _centroids()
    deps = np.array(list(dep_codes), dtype=object)
    insee = list(insee_codes) if insee_codes is not None else [None] * len(deps)
    out = np.ones(len(deps), dtype=bool)
    for dep in set(deps[given].tolist()):
        geom = layer.by_code.get(dep)
        if geom is None:
            continue
        idx = np.flatnonzero(given & (deps == dep))
        far = shapely.distance(geom, points[idx]) > DEPARTEMENT_TOLERANCE_DEG
        for k in idx[far]:  # few points: the rare island, or a real error
            centre = centroids.get(insee[k]) if insee[k] else None
            out[k] = centre is not None and \
                shapely.distance(shapely.points(*centre), points[k]) <= COMMUNE_TOLERANCE_DEG
    return out.tolist()


def qpv_polygon(code: str):
    """The shipped polygon of a QPV (for the demo generator and tests); KeyError when unknown."""
    return _qpv().by_code[code]


def departement_polygon(code: str):
    return _departements().by_code[code]


def with_located_qpv(projects: "pd.DataFrame") -> "pd.DataFrame":
    """The projects frame with `qpv_located`: the QPV containing (lon, lat), None without coordinates.
    The build registers this frame; queries/build/projects.sql lets the located code win."""
    import pandas as pd

    located = locate(projects["lon"].tolist(), projects["lat"].tolist()) if len(projects) else []
    return projects.assign(qpv_located=pd.Series(located, index=projects.index, dtype=object))
