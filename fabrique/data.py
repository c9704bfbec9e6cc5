"""The only cache layer: query results keyed by query name, its parameters and the database version."""
from __future__ import annotations


import pandas as pd
import streamlit as st

from . import config, db
from .filters import Filters, Options


def _freeze(value):
    return tuple(value) if isinstance(value, list) else value


def _thaw(value):
    return list(value) if isinstance(value, tuple) else value


# Bounded: an entry is one query result for one filter state (exports can reach tens of MB at 100x).
@st.cache_data(max_entries=300, ttl=3600, show_spinner=False)
def _run_cached(name: str, params: tuple, version: tuple, path: str) -> pd.DataFrame:
    return db.run(name, {k: _thaw(v) for k, v in params}, path=path)


def db_version() -> tuple:
    return db.version(config.db_path())


def load(name: str, f: Filters | None = None, **extra) -> pd.DataFrame:
    """Rows of queries/<name>.sql for a filter state (plus page-specific parameters).

    Only the parameters the query uses enter the cache key, so unrelated filters share entries.
    """
    params = {**(f.params() if f else {}), **extra}
    used = db.used_params(db.sql_text(name))
    key = tuple(sorted((k, _freeze(params[k])) for k in used if k in params))
    path = config.db_path()
    return _run_cached(name, key, db.version(path), str(path))


@st.cache_data(max_entries=20, show_spinner=False)
def _options(version: tuple, path: str) -> Options:
    years = db.run("frame/year_range", path=path).iloc[0]
    regs = db.run("frame/regions", path=path)
    deps = db.run("frame/departments", path=path)
    structs = db.run("frame/structures", path=path)
    return Options(
        year_min=int(years["year_min"]),
        year_max=int(years["year_max"]),
        regions=dict(zip(regs["reg_code"], regs["reg_name"])),
        departments={r.dep_code: (r.dep_name, r.reg_code) for r in deps.itertuples()},
        structures=dict(zip(structs["structure_id"], structs["name"])),
    )


def options() -> Options:
    path = config.db_path()
    return _options(db.version(path), str(path))


def build_info() -> dict[str, dict[str, str]]:
    """build_info as {section: {key: value}}."""
    rows = load("frame/build_info")
    out: dict[str, dict[str, str]] = {}
    for r in rows.itertuples():
        out.setdefault(r.section, {})[r.key] = r.value
    return out


def is_demo() -> bool:
    return build_info().get("meta", {}).get("dataset_kind") == "demo"


