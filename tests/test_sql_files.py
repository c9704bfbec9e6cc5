"""Every SQL file states its purpose, grain and parameters, and binds exactly what it declares."""

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
         "zoom_reg": None, "zoom_dep": None}
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
