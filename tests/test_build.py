"""The build is atomic: checks run on a temporary file, the old database survives any failure."""
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fabrique import build, template
from fabrique.__main__ import main as cli

from tiny import tiny_records

ROOT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def count(path: Path, table: str) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(f"select count(*) from {table}").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "fabrique.duckdb"
    monkeypatch.setenv("FABRIQUE_DB", str(path))
    build.build(tiny_records(), kind="import", db_path=path, data_date="2023-12-31")
    return path


def test_failed_check_keeps_previous_database(db, tmp_path):
    before = digest(db)
    records = tiny_records()
    records["projects"].loc[0, "created_on"] = records["projects"].loc[0, "detected_on"].replace(year=2000)
    with pytest.raises(build.BuildError, match="dates_out_of_order"):
        build.build(records, kind="import", db_path=db)
    assert digest(db) == before
    assert [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_exception_mid_build_keeps_previous_database(db, monkeypatch):
    before = digest(db)
    real = build.run_checks

    def explode(con):
        real(con)
        raise RuntimeError("panne simulée")
    monkeypatch.setattr(build, "run_checks", explode)
    with pytest.raises(RuntimeError, match="panne simulée"):
        build.build(tiny_records(), kind="import", db_path=db)
    assert digest(db) == before
    assert count(db, "projects") == 10


def test_killed_build_leaves_previous_database_readable(db):
    """SIGKILL a demo build at 100x scale halfway: the old file is intact and still opens."""
    before = digest(db)
    proc = subprocess.Popen([sys.executable, "-m", "fabrique", "demo", "--scale", "100", "--db", str(db)],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    # Wait until the temporary file exists, i.e. the build is writing, then kill it.
    while time.time() < deadline and not any(p.name.endswith(".tmp") for p in db.parent.iterdir()):
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert digest(db) == before
    assert count(db, "projects") == 10


def test_successful_rebuild_archives_previous(db):
    res = build.build(tiny_records(), kind="import", db_path=db)
    assert res.archived is not None and res.archived.exists()
    assert count(res.archived, "projects") == 10


def test_cli_refuses_bad_import_and_leaves_database(db, tmp_path, capsys):
    before = digest(db)
    bad = tmp_path / "projets.csv"
    bad.write_text("identifiant;structure;intitule\nP1;S9;Test\n", encoding="utf-8")
    report = tmp_path / "rapport.csv"
    assert cli(["import", str(bad), "--db", str(db), "--report", str(report)]) == 1
    out = capsys.readouterr().out
    assert "Importation refusée" in out
    assert digest(db) == before
    assert report.read_bytes().startswith(b"\xef\xbb\xbf")


def test_template_filled_and_imported_round_trips(db, tmp_path):
    filled = tmp_path / "rempli.xlsx"
    template.write_records(tiny_records(), filled)
    assert cli(["import", str(filled), "--db", str(db)]) == 0
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("select dataset_kind from (select value as dataset_kind from build_info "
                           "where key = 'dataset_kind')").fetchone()[0] == "import"
        rows = con.execute("select project_id, insee_code, stage, created_on, is_iae, siae_type, jobs_etp "
                           "from projects where project_id in ('P01', 'P03') order by 1").fetchall()
    finally:
        con.close()
    import datetime as dt
    assert rows == [("P01", "29232", "créé", dt.date(2020, 9, 1), True, "ACI", 3.0),
                    ("P03", "29020", "abandonné", None, False, None, None)]


def test_partial_import_keeps_rejected_rows(db, tmp_path):
    filled = tmp_path / "partiel.xlsx"
    records = tiny_records()
    records["projects"].loc[1, "insee_code"] = "99999"  # P02: unknown commune
    template.write_records(records, filled)
    assert cli(["import", str(filled), "--db", str(db), "--report", str(tmp_path / "r.csv")]) == 1
    assert cli(["import", str(filled), "--db", str(db), "--partial", "--report", str(tmp_path / "r.csv")]) == 0
    assert count(db, "projects") == 9
    con = duckdb.connect(str(db), read_only=True)
    try:
        sheet, row, problems = con.execute("select sheet, row, problems from rejected_rows").fetchone()
    finally:
        con.close()
    assert (sheet, row) == ("projets", 3)
    assert "99999" in problems and "commune" in problems


def test_gal_import_fills_leader_tables(db, tmp_path):
    gal = tmp_path / "gal.csv"
    gal.write_text("gal_id;gal_name;insee_code;epci_siren\n"
                   "GAL1;GAL test Cornouaille;29003;\n"
                   "GAL1;GAL test Cornouaille;29020;\n"
                   "GAL2;GAL test Lille;;200093201\n", encoding="utf-8")
    assert cli(["import-gal", str(gal), "--db", str(db)]) == 0
    assert count(db, "leader_gal") == 2
    assert count(db, "leader_communes") == 2 + count(db, "communes where epci_siren = '200093201'")
    assert count(db, "project_facts where in_gal") == 5  # P02, P03 in GAL1; P06, P07, P08 in the Lille EPCI
    assert count(db, "projects") == 10  # records kept


def test_gal_import_reports_every_problem(db, tmp_path, capsys):
    gal = tmp_path / "gal.csv"
    gal.write_text("gal_id,gal_name,insee_code\nGAL1,Test,Quimpr\n,Sans id,29003\n", encoding="utf-8")
    assert cli(["import-gal", str(gal), "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "ligne 2" in err and "Quimper (29232)" in err
    assert "ligne 3" in err and "identifiant de GAL manquant" in err
    assert count(db, "leader_gal") == 0


def test_records_of_a_database_built_before_a_column_existed_are_read_with_it_empty(db):
    """`make run` rebuilds a stale database from its own records: a column added since (here
    structures.exit_year) is read as empty instead of failing the rebuild."""
    con = duckdb.connect(str(db))
    con.execute("alter table structures drop column exit_year")
    con.close()
    records, _, kind, data_date = build.read_records(db)
    assert (kind, data_date) == ("import", "2023-12-31")
    assert sorted(records["structures"]["structure_id"]) == ["S1", "S2", "S3"]
    rebuilt = build.build(records, kind=kind, db_path=db, data_date=data_date, archive=False)
    assert rebuilt.row_counts["structures"] == 3
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from structures where exit_year is null").fetchone()[0] == 3
    con.close()


# ---------------------------------------------------------------- vocabularies: one source, read everywhere

def test_every_vocabulary_is_a_table_equal_to_its_declaration(db):
    from fabrique import vocab
    con = duckdb.connect(str(db), read_only=True)
    try:
        for v in vocab.ALL:
            table = con.execute(f'select * from "vocab_{v.name}" order by rank').df()
            expected = v.frame()
            assert list(table.columns) == list(expected.columns), v.name
            assert table.astype(str).values.tolist() == expected.astype(str).values.tolist(), v.name
        stage_order = con.execute("select stage_rank, stage, is_step, code from stage_order order by 1").fetchall()
    finally:
        con.close()
    assert stage_order == [(i, t.label, t.is_step, t.code) for i, t in enumerate(vocab.STAGES, 1)]


def test_sql_filters_and_template_read_the_same_vocabularies(db):
    """Stages, statuses, SIAE types and zonings: the database tables, the filter bar's codes and the import
    template's allowed values are the one declaration of fabrique/vocab.py."""
    from fabrique import filters, schema, vocab
    con = duckdb.connect(str(db), read_only=True)
    try:
        def codes(name):
            return [r[0] for r in con.execute(f"select code from vocab_{name} order by rank").fetchall()]
        def labels(name):
            return [r[0] for r in con.execute(f"select label from vocab_{name} order by rank").fetchall()]
        assert codes("zonings") == list(filters.ZONAGES) == vocab.ZONINGS.codes
        assert "crte" not in codes("zonings")
        assert labels("stages") == list(filters.STAGES.values()) == schema.STAGES
        assert labels("statuses") == list(filters.STATUSES.values()) == schema.STATUSES
        assert codes("siae_types") == filters.SIAE_TYPES == schema.SIAE_TYPES
        template = {c.field: c.choices for cols in schema.SHEETS.values() for c in cols}
        assert list(template["stage"]) == labels("stages") and list(template["status"]) == labels("statuses")
        # every zoning's column exists in project_facts (the build also checks it: checks/zoning_columns.sql)
        facts = {r[0] for r in con.execute("describe project_facts").fetchall()}
        assert {t.column for t in vocab.ZONINGS} <= facts
        assert codes("contract_families") == sorted(
            {r[0] for r in con.execute("select distinct family from contracts").fetchall()} | {"leader"},
            key=vocab.CONTRACT_FAMILIES.rank)
    finally:
        con.close()


def test_a_zoning_declared_without_its_column_fails_the_build(tmp_path, monkeypatch):
    from fabrique import vocab
    broken = vocab.Vocabulary("zonings", [*vocab.ZONINGS.terms, vocab.Term("zrr", "ZRR", {"column": "is_zrr"})])
    monkeypatch.setattr(vocab, "ALL", [broken if v.name == "zonings" else v for v in vocab.ALL])
    with pytest.raises(build.BuildError, match="zoning_columns"):
        build.build(tiny_records(), kind="import", db_path=tmp_path / "x.duckdb", archive=False)


# ---------------------------------------------------------------- LEADER GAL: import, demo, none

def meta(path: Path, key: str) -> str:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select value from build_info where section = 'meta' and key = ?", [key]).fetchone()[0]
    finally:
        con.close()


def test_gal_source_is_recorded(db, tmp_path):
    assert meta(db, "gal_source") == "aucun" and count(db, "leader_gal") == 0  # an import without a GAL file
    gal = tmp_path / "gal.csv"
    gal.write_text("gal_id;gal_name;insee_code\nGAL1;GAL test;29003\n", encoding="utf-8")
    assert cli(["import-gal", str(gal), "--db", str(db)]) == 0
    assert meta(db, "gal_source") == "import" and count(db, "leader_gal") == 1


def test_demo_build_uses_the_demo_gal_and_an_import_replaces_them(tmp_path):
    from fabrique import demo
    path = tmp_path / "demo.duckdb"
    records = demo.generate()
    build.build(records, kind="demo", db_path=path, archive=False)
    assert meta(path, "gal_source") == "demo"
    assert count(path, "leader_gal") == len(records["leader_gal"])
    # a rebuild from the database's own records (make run after a SQL change) regenerates the same GAL
    again, _, kind, data_date = build.read_records(path)
    build.build(again, kind=kind, db_path=path, data_date=data_date, archive=False)
    assert meta(path, "gal_source") == "demo" and count(path, "leader_gal") == len(records["leader_gal"])
    # an imported GAL file wins over the fictitious ones
    imports = build.imports_dir(path)
    imports.mkdir()
    (imports / build.GAL_FILE).write_text("gal_id,gal_name,insee_code\nG1,GAL réel,29003\n", encoding="utf-8")
    build.build(records, kind="demo", db_path=path, archive=False)
    assert meta(path, "gal_source") == "import" and count(path, "leader_gal") == 1


def test_exit_before_entry_fails_the_build(tmp_path):
    records = tiny_records()
    records["structures"]["exit_year"] = pd.array([2010, None, None], dtype="Int64")  # S1 joined in 2015
    with pytest.raises(build.BuildError, match="exit_before_entry"):
        build.build(records, kind="import", db_path=tmp_path / "x.duckdb", archive=False)
