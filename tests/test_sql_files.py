"""Every SQL file states its purpose, grain and parameters, and binds exactly what it declares; no CTE body
is written twice across queries/ (repeated SQL goes into a macro or a build table)."""

import re

import pytest

from fabrique import config, db

READ_QUERIES = db.query_names()
ALL_SQL = sorted(str(p.relative_to(config.QUERIES_DIR)) for p in config.QUERIES_DIR.rglob("*.sql"))


@pytest.mark.parametrize("name", READ_QUERIES)
def test_declared_params_match_body(name):
    sql = db.sql_text(name)
    assert any(line.startswith("-- params:") for line in sql.splitlines()), f"{name}: no '-- params:' line"
    assert db.declared_params(sql) == db.used_params(sql)


@pytest.mark.parametrize("rel", ALL_SQL)
def test_opens_with_purpose_and_grain(rel):
    text = (config.QUERIES_DIR / rel).read_text(encoding="utf-8")
    assert text.startswith("-- "), f"{rel}: starts with a comment saying what it is for"
    if not rel.startswith("macros/"):
        assert "-- grain:" in text, f"{rel}: states its grain"


@pytest.mark.parametrize("name", READ_QUERIES)
def test_runs_on_tiny_database(name, tiny_db):
    from fabrique.filters import Filters
    params = {**Filters(2019, 2023).params(), **EXTRA}
    sql = db.sql_text(name)
    missing = db.used_params(sql) - params.keys()
    if missing:
        pytest.fail(f"{name}: add sample values for {sorted(missing)} to EXTRA in this test")
    db.run(name, params, path=tiny_db)


# Sample values of page-specific parameters (each page's own tests check the results).
EXTRA = {"structure_id": "S1", "family": "qpv", "level": "reg", "zone_reg": None, "zone_dep": None,
         "zoom_reg": None, "zoom_dep": None, "perimetre": "reseau", "seuil": "detection"}
# Territory sheet and carnet (tests/test_queries_territoire.py and test_queries_carnet.py check the results).
EXTRA.update({"niveau": "dep", "code": "29", "text": "quimper", "tokens": ["quimper"], "levels": ["reg", "dep"],
              "limit": 5, "group_by": "structure"})


def test_gateway_rejects_missing_parameters(tiny_db):
    with pytest.raises(db.MissingParameter):
        db.run("overview/kpis", {"year_from": 2020}, path=tiny_db)


def test_gateway_reopens_after_replacement(tmp_path):
    """os.replace gives the file a new identity; the next query sees the new data."""
    from tiny import tiny_records
    from fabrique import build
    path = tmp_path / "swap.duckdb"
    build.build(tiny_records(), kind="import", db_path=path, archive=False)
    assert len(db.run("frame/structures", path=path)) == 3
    records = tiny_records()
    records["structures"] = records["structures"].iloc[:1]
    records["structure_departments"] = records["structure_departments"].iloc[:2]
    records["projects"] = records["projects"][records["projects"]["structure_id"] == "S1"]
    records["annual_activity"] = records["annual_activity"][records["annual_activity"]["structure_id"] == "S1"]
    build.build(records, kind="import", db_path=path, archive=False)
    assert db.run("frame/structures", path=path)["structure_id"].tolist() == ["S1"]


# ---------------------------------------------------------------- SQL written once

_CTE_START = re.compile(r"(?:\bwith\b|,)\s*(\w+)\s*(?:\([^()]*\))?\s+as\s*\(", re.IGNORECASE)


def cte_bodies(sql: str) -> list[tuple[str, str]]:
    """(name, body) of every CTE in a SQL text: comments dropped, whitespace collapsed, lower case."""
    text = re.sub(r"--[^\n]*", "", sql)
    out = []
    for m in _CTE_START.finditer(text):
        depth, i = 1, m.end()
        while depth and i < len(text):
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        body = " ".join(text[m.end():i - 1].split()).lower()
        out.append((m.group(1), body))
    return out


def test_cte_finder_sees_a_repeat():
    """The detector below finds a body written twice, whatever the names and the spacing."""
    a = "with cohort as (\n  select * from p where y between 1 and 2\n)\nselect 1"
    b = "-- other\nwith x as (select 1), cohort2 as (select *   from p\n where y between 1 and 2) select 2"
    bodies_a = {body for _, body in cte_bodies(a)}
    bodies_b = {body for _, body in cte_bodies(b)}
    assert bodies_a & bodies_b == {"select * from p where y between 1 and 2"}
    assert ("x", "select 1") in cte_bodies(b)


def test_no_cte_body_is_repeated_across_sql_files():
    """The cohort, perimeter and contract-placement CTEs used to be copied between files: each is now a
    macro (queries/macros) or a build table, and this keeps it so."""
    seen: dict[str, str] = {}
    repeats = []
    for rel in ALL_SQL:
        for name, body in cte_bodies((config.QUERIES_DIR / rel).read_text(encoding="utf-8")):
            first = seen.setdefault(body, f"{rel} ({name})")
            if not first.startswith(rel + " "):
                repeats.append(f"{rel} ({name}) repeats {first}")
    assert repeats == []


def test_no_stage_rank_is_typed():
    """Stages compare through stage_order (macro stage_rank, columns is_created / is_abandoned), never a
    literal rank or a typed stage label."""
    offenders = []
    for rel in ALL_SQL:
        text = re.sub(r"--[^\n]*", "", (config.QUERIES_DIR / rel).read_text(encoding="utf-8"))
        if re.search(r"reached_rank\s*(>=|=|>|<|<=)\s*\d", text) or re.search(r"'(créé|abandonné)'", text):
            offenders.append(rel)
    assert offenders == []
