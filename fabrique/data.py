"""The only cache layer, and the door every result leaves by: query results keyed by query name, its
parameters and the database version, passed through the viewer's disclosure policy (fabrique.policy)."""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pandas as pd
import streamlit as st

from . import config, db
from .filters import Filters, Options
from .policy import Disclosure, Policy

STAFF_POLICY = Policy()


def _freeze(value):
    return tuple(value) if isinstance(value, list) else value


def _thaw(value):
    return list(value) if isinstance(value, tuple) else value


# Bounded: an entry is one query result for one filter state (exports can reach tens of MB at 100x).
@st.cache_data(max_entries=300, ttl=3600, show_spinner=False)
def _run_cached(name: str, params: tuple, version: tuple, path: str) -> pd.DataFrame:
    return db.run(name, {k: _thaw(v) for k, v in params}, path=path)


@lru_cache(maxsize=None)
def disclosure(name: str) -> Disclosure | None:
    return Disclosure.parse(db.sql_text(name))


def load(name: str, ctx=None, **extra) -> pd.DataFrame:
    """Rows of queries/<name>.sql for a page context (its filters and its viewer's policy), plus
    page-specific parameters. `ctx` may also be a bare Filters (staff view) or None (no filters).

    Only the parameters the query uses enter the cache key, so unrelated filters share entries.
    The viewer's policy is applied here, once, for every page and every export."""
    if isinstance(ctx, Filters):
        f, policy = ctx, STAFF_POLICY
    elif ctx is None:
        f, policy = None, STAFF_POLICY
    else:
        f, policy = ctx.filters, ctx.policy
    params = {**(f.params() if f else {}), **extra}
    used = db.used_params(db.sql_text(name))
    key = tuple(sorted((k, _freeze(params[k])) for k in used if k in params))
    path = config.db_path()
    if policy.protected and disclosure(name) is not None:
        # Suppression is deterministic and can take a second on a large commune table: cached too.
        return _run_protected(name, key, db.version(path), str(path), policy.role)
    return _run_cached(name, key, db.version(path), str(path))


@st.cache_data(max_entries=200, ttl=3600, show_spinner=False)
def _run_protected(name: str, params: tuple, version: tuple, path: str, role: str) -> pd.DataFrame:
    rows = _run_cached(name, params, version, path)
    out = Policy(role).apply(disclosure(name), rows, {k: _thaw(v) for k, v in params}, name)
    out.attrs = dict(out.attrs)
    return out


@st.cache_data(max_entries=20, show_spinner=False)
def _options(version: tuple, path: str) -> Options:
    years = db.run("frame/year_range", path=path).iloc[0]
    regs = db.run("frame/regions", path=path)
    deps = db.run("frame/departments", path=path)
    structs = db.run("frame/structures", path=path)
    info = _build_info(version, path)
    data_date = info.get("meta", {}).get("data_date")
    return Options(
        year_min=int(years["year_min"]),
        year_max=int(years["year_max"]),
        regions=dict(zip(regs["reg_code"], regs["reg_name"])),
        departments={r.dep_code: (r.dep_name, r.reg_code) for r in deps.itertuples()},
        structures=dict(zip(structs["structure_id"], structs["name"])),
        data_date=dt.date.fromisoformat(data_date[:10]) if data_date else None,
    )


def options() -> Options:
    path = config.db_path()
    return _options(db.version(path), str(path))


@st.cache_data(max_entries=20, show_spinner=False)
def _build_info(version: tuple, path: str) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for r in db.run("frame/build_info", path=path).itertuples():
        out.setdefault(r.section, {})[r.key] = r.value
    return out


def build_info() -> dict[str, dict[str, str]]:
    """build_info as {section: {key: value}}."""
    path = config.db_path()
    return _build_info(db.version(path), str(path))


def is_demo() -> bool:
    return build_info().get("meta", {}).get("dataset_kind") == "demo"
