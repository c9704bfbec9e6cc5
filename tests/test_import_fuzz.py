"""Bad input, tried for real: whatever the file holds, the importer answers with a report or a success,
never a traceback, and a refused import leaves the database untouched."""
import datetime as dt
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import openpyxl
from hypothesis import HealthCheck, given, settings, strategies as st

from fabrique import build, importer, schema
from fabrique.__main__ import main as cli

import hostile
from tiny import tiny_records

ROOT = Path(__file__).resolve().parent.parent

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


def test_csv_past_the_row_limit_is_refused_as_a_whole(tmp_path):
    """A projets CSV of 60,000 rows: refused with one located problem stating the limit, not one problem
    per row (it used to print every row's problems)."""
    path = tmp_path / "projets.csv"
    lines = [";".join(HEADERS["projets"])]
    for i in range(60_000):
        lines.append(f"P{i};S9;Projet {i};recyclerie;29232;29;détection;01/02/2021;;;;;;non;;;;")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = importer.import_files([path])
    limit = [p for p in result.problems if p.sheet == "projets"]
    assert [(p.file, p.row, p.rule) for p in limit] == [
        ("projets.csv", None, "feuille trop longue : plus de 50\u202f000 lignes remplies (limite par feuille) ; "
                              "feuille refusée")]
    assert result.records["projects"].empty and result.rejected.empty


# ------------------------------------------------------------------------------------------------
# Hostile workbooks, with the peak memory of the import measured in a separate process

MEASURE = """
import json, resource, sys, time
from fabrique import importer
importer._communes(); importer._departements(); importer._qpv_codes()  # reference data, read by any import
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
r = importer.import_files(sys.argv[1:])
print(json.dumps({"seconds": round(time.perf_counter() - start, 1),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                  "extra_mb": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024),
                  "n_errors": r.n_errors, "n_detailed": len(r.problems), "n_rejected": len(r.rejected),
                  "rules": [p.rule for p in r.problems[:3]]}))
"""


def measured_import(*paths: Path) -> dict:
    """import_files in a fresh interpreter: its peak resident memory above the reference data's."""
    out = subprocess.run([sys.executable, "-c", MEASURE, *map(str, paths)], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-3000:]  # never a traceback, whatever the file
    m = json.loads(out.stdout.splitlines()[-1])
    print(f"{', '.join(p.name for p in paths)} ({', '.join(f'{p.stat().st_size // 1024} Ko' for p in paths)}): {m}")
    return m


def test_two_hundred_thousand_row_workbook_is_refused_before_reading(tmp_path):
    """The issue's file: about 340 KB holding 200,000 rows (it took 87 s and 5.5 GB, and printed 2.6
    million problems). The rows are counted on the raw XML and the file is refused before openpyxl
    reads a row."""
    path = hostile.workbook(tmp_path / "enorme.xlsx", HEADERS["projets"], rows=200_000)
    assert path.stat().st_size < 400_000
    m = measured_import(path)
    assert m["rules"] == ["feuille trop longue : plus de 200\u202f000 lignes dans une feuille du classeur (lignes vides "
                          "mises en forme comprises) ; fichier refusé"]
    assert m["n_errors"] == 1 and m["n_rejected"] == 0
    assert m["extra_mb"] < 100


def test_garbage_rows_below_the_limits_cost_bounded_memory(tmp_path):
    """49,000 rows whose 19 cells all read « x » (under every limit): each row is refused, the first
    1,000 problems are detailed and the others counted."""
    path = hostile.workbook(tmp_path / "dechets.xlsx", HEADERS["projets"], rows=49_000)
    m = measured_import(path)
    assert m["n_rejected"] == 49_000
    assert m["n_detailed"] == importer.MAX_PROBLEMS_DETAILED
    # per row, 16 cells break a rule (all but identifiant, intitule and the three open-vocabulary columns:
    # structure unverifiable, commune, departement, etape, 4 dates, iae, type_siae, 2 job counts,
    # etape_abandon, qpv, longitude, latitude), and every row but the first repeats the identifier « x »;
    # plus the two missing sheets: 49,000 x 16 + 48,999 + 2
    assert m["n_errors"] == 49_000 * 16 + 48_999 + 2 == 833_001
    assert m["extra_mb"] < 500


def test_workbook_that_inflates_past_the_limit_is_refused(tmp_path):
    path = hostile.workbook(tmp_path / "bombe.xlsx", HEADERS["projets"], rows=10,
                            padding=importer.MAX_XLSX_UNCOMPRESSED_BYTES + (8 << 20))
    assert path.stat().st_size < 1_000_000
    m = measured_import(path)
    assert m["rules"][0].startswith("classeur trop volumineux une fois décompressé (208,0 Mo) : la limite est "
                                    "de 200,0 Mo")
    assert m["extra_mb"] < 100


def test_wide_sheet_is_refused(tmp_path):
    header = HEADERS["projets"] + [f"colonne {i}" for i in range(300)]
    path = hostile.workbook(tmp_path / "large.xlsx", header, rows=10)
    result = importer.import_files([path])
    assert [p.rule for p in result.problems if p.sheet == "projets"] == [
        f"feuille trop large : {len(header)} colonnes jusqu'au dernier en-tête (limite 200)"]


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
