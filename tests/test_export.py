"""Downloads (fabrique/export.py, queries/method/export_*.sql) and the « Méthode et données » page.

The CSV is read back the way a French user's tools read it (pandas with sep=';', utf-8-sig, decimal
comma) and compared with the database; the XLSX is opened with openpyxl. A demo-kind database with
formula-like project titles checks the « données fictives » stamp and the neutralised cells.
"""
import datetime as dt
import io
import math

import openpyxl
import pandas as pd
import pytest

from tiny import tiny_records
from fabrique import build, db, export, filters
from test_pages import run_page, texts

NOW = dt.datetime(2026, 11, 26, 9, 30)
INJECTIONS = {
    "P01": '=HYPERLINK("http://exemple.test","clic")',
    "P02": "+33 recyclerie",
    "P03": "-tiers-lieu",
    "P04": "@conciergerie",
    "P05": "\tauto-école",
}
CODE_COLUMNS = ["Code commune (INSEE)", "Code département", "Code région", "SIREN de l'EPCI", "Code QPV"]


@pytest.fixture(scope="module")
def injected_demo_db(tmp_path_factory):
    """tiny_records() with formula-like titles, built as a *demo* set (données fictives)."""
    records = tiny_records()
    projects = records["projects"]
    projects["title"] = [INJECTIONS.get(pid, t) for pid, t in zip(projects["project_id"], projects["title"])]
    path = tmp_path_factory.mktemp("inj") / "injected_demo.duckdb"
    build.build(records, kind="demo", db_path=path, data_date="2023-12-31", archive=False)
    return path


def options(path) -> filters.Options:
    years = db.run("frame/year_range", path=path).iloc[0]
    regs = db.run("frame/regions", path=path)
    deps = db.run("frame/departments", path=path)
    structs = db.run("frame/structures", path=path)
    return filters.Options(int(years["year_min"]), int(years["year_max"]), dict(zip(regs["reg_code"], regs["reg_name"])),
                           {r.dep_code: (r.dep_name, r.reg_code) for r in deps.itertuples()},
                           dict(zip(structs["structure_id"], structs["name"])))


def build_info(path) -> dict:
    out: dict = {}
    for r in db.run("frame/build_info", path=path).itertuples():
        out.setdefault(r.section, {})[r.key] = r.value
    return out


def exported(path, f: filters.Filters):
    projects = db.run("method/export_projects", f.params(), path=path)
    activity = db.run("method/export_activity", f.params(), path=path)
    ctx = export.context(f, options(path), build_info(path), now=NOW)
    return projects, activity, ctx


def read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", decimal=",",
                       dtype={c: str for c in CODE_COLUMNS}, keep_default_na=False, na_values=[""])


def same(a, b) -> bool:
    missing = lambda v: v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))  # noqa: E731
    return (missing(a) and missing(b)) or a == b


# ---------------------------------------------------------------- the SQL of the exported rows

def test_export_projects_rows(tiny_db):
    # 2019-2023: every project is followed. 2022: P04, P08, P09 are open; P05 was created in 2022 and
    # P10 in 2023; P01-P03, P06, P07 ended in 2020-2021.
    whole = db.run("method/export_projects", filters.Filters(2019, 2023).params(), path=tiny_db)
    assert whole["project_id"].tolist() == [f"P{i:02d}" for i in range(1, 11)]
    one_year = db.run("method/export_projects", filters.Filters(2022, 2022).params(), path=tiny_db)
    assert one_year["project_id"].tolist() == ["P04", "P05", "P08", "P09", "P10"]
    iae_bzh = db.run("method/export_projects", filters.Filters(2019, 2023, regs=("53",), iae="oui").params(),
                     path=tiny_db)
    assert iae_bzh["project_id"].tolist() == ["P01", "P02"]
    p01 = whole.iloc[0]
    assert (p01["structure_name"], p01["commune_name"], p01["dep_name"], p01["reg_name"], p01["qpv_code"],
            bool(p01["in_qpv"]), p01["siae_type"], p01["jobs_etp"], p01["insertion_jobs_etp"]) == (
        "Fabrique test Bretagne", "Quimper", "Finistère", "Bretagne", "QN02902M", True, "ACI", 3.0, 8.0)


def test_export_activity_rows(tiny_db):
    got = db.run("method/export_activity", filters.Filters(2022, 2023).params(), path=tiny_db)
    assert [tuple(r) for r in got[["structure_id", "year", "sessions_n", "studies_n", "partners_n"]]
            .itertuples(index=False)] == [("S1", 2022, 16, 8, 130), ("S2", 2022, 8, 4, 60),
                                          ("S3", 2022, 3, 1, 20), ("S3", 2023, 5, 2, 30)]
    # Structure filters apply (statut: S2 and S3 are in expérimentation); the project filters do not.
    exp = db.run("method/export_activity", filters.Filters(2019, 2023, status="experimentation", iae="oui").params(),
                 path=tiny_db)
    assert exp["structure_id"].tolist() == ["S2", "S2", "S2", "S3", "S3"]


# ---------------------------------------------------------------- neutralise

@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+33 6", "'+33 6"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("Recyclerie", "Recyclerie"), ("a=b", "a=b"), ("", ""), (None, None), (-2.5, -2.5), (3, 3),
])
def test_neutralise(value, expected):
    assert export.neutralise(value) == expected


# ---------------------------------------------------------------- CSV

def test_csv_reads_back_as_the_database(tiny_db):
    projects, _, ctx = exported(tiny_db, filters.Filters(2019, 2023))
    data = export.to_csv_bytes(projects, ctx)
    assert data.startswith(b"\xef\xbb\xbf")            # BOM: Excel reads UTF-8
    text = data.decode("utf-8-sig")
    assert text.split("\r\n")[0].startswith("Identifiant projet;Identifiant structure;Structure;Titre du projet")
    back = read_csv(data)
    assert list(back.columns) == [export.LABELS[c] for c in projects.columns] + [export.CONTEXT_COLUMN]
    assert len(back) == len(projects) == 10
    for col in projects.columns:
        label = export.LABELS[col]
        for ours, theirs in zip(projects[col], back[label]):
            if col.endswith("_on"):
                expected = None if pd.isna(ours) else ours.strftime("%d/%m/%Y")
            elif pd.api.types.is_bool_dtype(projects[col]):
                expected = "oui" if ours else "non"
            else:
                expected = ours
            assert same(expected, theirs), (col, ours, theirs)
    assert set(back[export.CONTEXT_COLUMN]) == {ctx.line()}
    # One row as French Excel sees it: dates dd/mm/yyyy, decimal comma, oui/non.
    p01 = text.split("\r\n")[1].split(";")
    assert p01[:4] == ["P01", "S1", "Fabrique test Bretagne", "Garage solidaire Quimper"]
    assert "01/03/2019" in p01 and "01/09/2020" in p01 and "3,0" in p01 and "8,0" in p01 and "oui" in p01


def test_csv_activity_and_context_line(tiny_db):
    f = filters.Filters(2022, 2023, regs=("53",))
    _, activity, ctx = exported(tiny_db, f)
    back = read_csv(export.to_csv_bytes(activity, ctx))
    assert back[["Identifiant structure", "Année", "Séances de créativité", "Études d'opportunité déclarées",
                 "Partenaires mobilisés (déclarés par la structure)"]].values.tolist() == [["S1", 2022, 16, 8, 130]]
    assert back[export.CONTEXT_COLUMN][0] == (
        "Données importées · données au 31/12/2023 · Période : 2022 à 2023 · Région : Bretagne · "
        "exporté le 26/11/2026 · source : réseau Fabrique à initiatives (Avise)")


def test_csv_of_a_demo_set_says_fictitious(injected_demo_db):
    projects, _, ctx = exported(injected_demo_db, filters.Filters(2019, 2023))
    back = read_csv(export.to_csv_bytes(projects, ctx))
    assert back[export.CONTEXT_COLUMN].str.startswith("DONNÉES FICTIVES").all()
    assert export.file_name("projets", ctx, filters.Filters(2019, 2023), "csv") == \
        "fabrique_projets_2019-2023_donnees-fictives_export-2026-11-26.csv"


def test_csv_neutralises_formulas_but_not_numbers(injected_demo_db):
    projects, _, ctx = exported(injected_demo_db, filters.Filters(2019, 2023))
    back = read_csv(export.to_csv_bytes(projects, ctx)).set_index("Identifiant projet")
    for pid, title in INJECTIONS.items():
        assert back.loc[pid, "Titre du projet"] == "'" + title, pid
    assert back.loc["P06", "Titre du projet"] == "Restaurant d'insertion Lille"
    # A negative number is data, not a formula: it stays a number.
    numbers = export.to_csv_bytes(pd.DataFrame({"jobs_etp": [-1.5], "title": ["-1,5"]}), ctx).decode("utf-8-sig")
    assert numbers.split("\r\n")[1].startswith("-1,5;'-1,5;")


def test_csv_of_nothing_is_a_header(empty_db):
    projects, activity, ctx = exported(empty_db, filters.Filters(2026, 2026))
    for df in (projects, activity):
        back = read_csv(export.to_csv_bytes(df, ctx))
        assert back.empty and len(back.columns) == len(df.columns) + 1


# ---------------------------------------------------------------- XLSX

def workbook(path, f):
    projects, activity, ctx = exported(path, f)
    return openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes({"projets": projects, "activite": activity}, ctx)))


def context_sheet(wb) -> dict:
    return {k: v for k, v in wb["contexte"].iter_rows(min_row=2, values_only=True)}


def test_xlsx_sheets_cells_and_context(tiny_db):
    wb = workbook(tiny_db, filters.Filters(2019, 2023, regs=("53",)))
    assert wb.sheetnames == ["projets", "activite", "contexte"]
    ws = wb["projets"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Identifiant projet", "Identifiant structure", "Structure", "Titre du projet"]
    assert header[-1] == export.CONTEXT_COLUMN
    assert ws.max_row == 1 + 5                          # P01-P05 lie in Bretagne
    row = {h: c for h, c in zip(header, ws[2])}
    assert row["Code département"].value == "29" and row["Code commune (INSEE)"].value == "29232"  # text
    assert row["Date de détection"].value == dt.datetime(2019, 3, 1)
    assert row["Date de détection"].number_format == export.DATE_FORMAT
    assert row["Emplois créés (ETP)"].value == 3 and row["Dans un QPV"].value == "oui"
    assert [c.value for c in wb["activite"]["D"]][1:] == [2019, 2020, 2021, 2022]   # Année of S1
    ctx = context_sheet(wb)
    assert ctx["Nature des données"] == export.IMPORT_TEXT
    assert ctx["Données au"] == "31/12/2023"
    assert ctx["Exporté le"] == "26/11/2026 à 09:30"
    assert ctx["Source"] == export.SOURCE
    assert ctx["Filtre · Période"] == "2019 à 2023" and ctx["Filtre · Région"] == "Bretagne"
    assert ctx["Millésime · QPV"].startswith("Quartiers prioritaires 2024")
    assert not any("FICTIVES" in str(v) for v in ctx.values())


def test_xlsx_of_a_demo_set_says_fictitious_and_runs_no_formula(injected_demo_db):
    wb = workbook(injected_demo_db, filters.Filters(2019, 2023))
    assert context_sheet(wb)["Nature des données"] == export.DEMO_TEXT
    assert "DONNÉES FICTIVES" in wb["projets"].cell(row=2, column=wb["projets"].max_column).value
    titles = {ws_row[0].value: ws_row[3] for ws_row in wb["projets"].iter_rows(min_row=2)}
    for pid, title in INJECTIONS.items():
        assert titles[pid].value == "'" + title and titles[pid].data_type == "s", pid
    formulas = [c.coordinate for ws in wb for r in ws.iter_rows() for c in r if c.data_type == "f"]
    assert formulas == []


def test_template_download_is_the_import_template():
    wb = openpyxl.load_workbook(io.BytesIO(export.template_bytes()))
    assert {"structures", "projets", "activite"} <= set(wb.sheetnames)


# ---------------------------------------------------------------- the page

def test_methode_page_on_a_demo_set(injected_demo_db, use_db):
    use_db(injected_demo_db)
    at = run_page("methode.py", {"annees": "2019-2023"})
    assert not at.exception, [e.value for e in at.exception]
    assert "**Données fictives**" in texts(at)
    assert ("Données filtrées (Période : 2019 à 2023) : projets suivis pendant la période : **10** ; "
            "lignes d'activité annuelle (structure × année) : **9**.") in texts(at)
    dictionary = at.table[0].value
    assert "Taux études / détections" in dictionary.to_string()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Projets (CSV)", "Activité annuelle (CSV)", "Projets et activité (XLSX)",
                      "Télécharger le modèle d'importation (XLSX)"]


def test_methode_page_on_imported_data(tiny_db, use_db):
    use_db(tiny_db)
    at = run_page("methode.py", {"annees": "2022", "reg": "53"})
    assert not at.exception, [e.value for e in at.exception]
    assert "Données importées du réseau" in texts(at) and "Données fictives" not in texts(at)
    # 2022 in Bretagne: P04 and P05; one activity row (S1, 2022).
    assert ("Données filtrées (Période : 2022 · Région : Bretagne) : projets suivis pendant la période : **2** ; "
            "lignes d'activité annuelle (structure × année) : **1**.") in texts(at)
