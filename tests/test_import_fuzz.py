"""Bad input, tried for real: whatever the file holds, the importer answers with a report or a success,
never a traceback, and a refused import leaves the database untouched."""
import datetime as dt
import hashlib
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from fabrique import build, importer, schema
from fabrique.__main__ import main as cli

from tiny import tiny_records

HEADERS = {sheet: [c.header for c in cols] for sheet, cols in schema.SHEETS.items()}
# Text an Excel cell can hold (openpyxl itself refuses control characters when writing).
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)
CELLS = st.one_of(
    st.none(), TEXT, st.integers(-10**12, 10**12), st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["=HYPERLINK(\"http://x\",\"clic\")", "+1+1", "-2", "@SUM(A1)", "29232", "Quimper", "oui",
                     "ACI", "créé", "Séance de Créativité", "01/02/2021", "2,5", "\u00a0", "é" * 300]),
)
FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_outcome(result: importer.ImportResult) -> None:
    """Either a clean import, or every problem is a complete French report line."""
    for p in result.problems:
        assert p.rule and isinstance(p.message(), str)
    # Nothing dropped silently: each row of a sheet is either imported or rejected.
    assert all(set(df.columns) for df in result.records.values())


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=20), max_size=15),
       sheet=st.sampled_from(["structures", "projets", "activite"]))
def test_random_xlsx_cells(tmp_path_factory, rows, sheet):
    path = tmp_path_factory.mktemp("fuzz") / "classeur.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADERS[sheet])
    for r in rows:
        ws.append([c if not isinstance(c, str) else c[:32000] for c in r])
    wb.save(path)
    check_outcome(importer.import_files([path]))


@FUZZ
@given(body=st.binary(max_size=2000), name=st.sampled_from(["projets.csv", "structures.csv", "activite.csv",
                                                              "classeur.xlsx", "notes.txt"]))
def test_random_bytes(tmp_path_factory, body, name):
    path = tmp_path_factory.mktemp("bytes") / name
    path.write_bytes(body)
    result = importer.import_files([path])
    check_outcome(result)
    if name.endswith(".txt") or not body.strip():
        assert result.problems


@FUZZ
@given(text=st.text(max_size=500), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
       sep=st.sampled_from([";", ",", "\t"]))
def test_random_text_any_encoding(tmp_path_factory, text, encoding, sep):
    path = tmp_path_factory.mktemp("enc") / "projets.csv"
    content = sep.join(HEADERS["projets"]) + "\n" + text
    path.write_bytes(content.encode(encoding, errors="replace"))
    check_outcome(importer.import_files([path]))


def test_workbook_without_expected_sheets(tmp_path):
    path = tmp_path / "vide.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Feuil1"
    wb.save(path)
    result = importer.import_files([path])
    assert {p.sheet for p in result.problems if "absente" in p.rule} >= {"structures", "projets", "activite"}


def test_hundred_thousand_rows(tmp_path):
    """A 100,000-row projets file: every row reported (unknown structure), no crash, in reasonable memory."""
    path = tmp_path / "projets.csv"
    lines = [";".join(HEADERS["projets"])]
    for i in range(100_000):
        lines.append(f"P{i};S9;Projet {i};recyclerie;29232;29;détection;01/02/2021;;;;;;non;;;;")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = importer.import_files([path])
    assert len(result.rejected) == 100_000
    assert result.records["projects"].empty


def test_formula_strings_stay_text(tmp_path):
    records = tiny_records()
    records["projects"].loc[0, "title"] = '=HYPERLINK("http://exemple.invalid","clic")'
    path = tmp_path / "formule.xlsx"
    from fabrique import template
    template.write_records(records, path)
    result = importer.import_files([path])
    assert result.ok, [p.message() for p in result.problems]
    assert result.records["projects"].loc[0, "title"] == '=HYPERLINK("http://exemple.invalid","clic")'


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=3, max_size=18), min_size=1, max_size=5))
def test_refused_import_leaves_database_untouched(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("db")
    db = folder / "fabrique.duckdb"
    build.build(tiny_records(), kind="import", db_path=db, archive=False)
    before = digest(db)
    path = folder / "classeur.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "projets"
    ws.append(HEADERS["projets"])
    for r in rows:
        ws.append(["BAD"] + [c if not isinstance(c, str) else c[:100] for c in r])
    wb.save(path)
    code = cli(["import", str(path), "--db", str(db), "--report", str(folder / "r.csv")])
    if code != 0:
        assert digest(db) == before
