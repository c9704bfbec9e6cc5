"""The XLSX import template and writing records into it (round trip through the importer)."""
from __future__ import annotations

import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fabrique import importer, schema, template  # noqa: E402

FIX = ROOT / "tests" / "fixtures" / "import"


@pytest.fixture(scope="module")
def template_path(tmp_path_factory) -> Path:
    return template.write_template(tmp_path_factory.mktemp("tpl") / "modele.xlsx")


def test_template_sheets_and_headers(template_path):
    wb = openpyxl.load_workbook(template_path)
    assert wb.sheetnames == ["mode_d_emploi", "structures", "projets", "activite", "listes"]
    assert wb["listes"].sheet_state == "hidden"
    assert wb.active.title == "mode_d_emploi"
    for sheet in schema.SHEET_ORDER:
        ws = wb[sheet]
        headers = [c.value for c in ws[1]]
        assert headers == [c.header for c in schema.SHEETS[sheet]]
        assert all(c.font.bold for c in ws[1])
        assert ws.freeze_panes == "A2"
        assert ws.max_row == 1  # no data rows
        assert all(ws.column_dimensions[c.column_letter].width >= 10 for c in ws[1])
    assert [c.value for c in wb["projets"][1]][-4:] == ["etape_abandon", "qpv", "longitude", "latitude"]
    assert [c.value for c in wb["structures"][1]][-1] == "annee_sortie"


def test_template_drop_down_lists(template_path):
    wb = openpyxl.load_workbook(template_path)
    lists = wb["listes"]
    found = {}
    for sheet in schema.SHEET_ORDER:
        ws = wb[sheet]
        letters = {c.column_letter: c.value for c in ws[1]}
        for dv in ws.data_validations.dataValidation:
            first = str(dv.sqref).split(":")[0]
            header = letters[first.rstrip("0123456789")]
            # closed lists refuse another value; open ones (suggestions) accept any text
            open_list = header in ("secteur", "motif_abandon", "programme")
            assert dv.type == "list" and bool(dv.showErrorMessage) is not open_list, header
            assert first.endswith("2")
            # formula points at a column of the hidden sheet holding exactly the allowed values
            ref = dv.formula1
            assert ref.startswith("listes!$")
            rng = ref.split("!")[1].replace("$", "")
            values = [c.value for row in lists[rng] for c in row]
            found[header] = values
    assert sorted(found) == sorted(schema.DROPDOWNS)
    assert found["etape"] == schema.STAGES
    assert found["statut"] == schema.STATUSES
    assert found["type_siae"] == schema.SIAE_TYPES
    assert found["secteur"] == schema.SECTOR_SUGGESTIONS
    assert found["motif_abandon"] == schema.ABANDON_REASON_SUGGESTIONS
    assert found["programme"] == schema.PROGRAMME_SUGGESTIONS
    assert found["iae"] == ["oui", "non"]
    assert found["etape_abandon"] == [s for s in schema.STAGES if s not in ("créé", "abandonné")]


def test_template_documentation_sheet(template_path):
    wb = openpyxl.load_workbook(template_path)
    text = "\n".join(str(c.value) for row in wb["mode_d_emploi"].iter_rows() for c in row
                     if c.value is not None)
    assert "une importation remplace l'ensemble des données du réseau" in text.lower()
    for sheet in schema.SHEET_ORDER:
        for col in schema.SHEETS[sheet]:
            assert col.help in text
    assert "séance de créativité | étude d'opportunité" in text
    assert "formules ne sont pas acceptées" in text
    assert "tout texte accepté" in text and "réemploi / économie circulaire" in text
    assert "50\u202f000 lignes remplies par feuille" in text  # the limits, as the importer applies them
    # the example rows are shown, as typed
    assert "Garage solidaire du pays de Quimper" in text and "-4,12787" in text


def test_empty_template_imports_cleanly(template_path):
    r = importer.import_files([template_path])
    assert r.ok, importer.format_report(r.problems)
    assert all(df.empty for df in r.records.values())


def _records() -> dict[str, pd.DataFrame]:
    b = importer.build_frame
    return {
        "structures": b("structures", [
            dict(structure_id="FAB-29", name="Fabrique du Finistère (données fictives)",
                 status="appellation", joined_year=2012, appellation_year=2015, insee_code="29232"),
            dict(structure_id="FAB-35", name='=HYPERLINK("https://example.org")',
                 status="expérimentation", joined_year=2023, appellation_year=None,
                 insee_code="35238", exit_year=2025),
            dict(structure_id="0093", name="Fabrique de Plaine Commune", status="appellation",
                 joined_year=2016, appellation_year=2019, insee_code="93066"),
        ]),
        "structure_departments": b("structure_departments", [
            dict(structure_id="FAB-29", dep_code="29"), dict(structure_id="FAB-29", dep_code="56"),
            dict(structure_id="FAB-35", dep_code="35"),
            dict(structure_id="0093", dep_code="93"), dict(structure_id="0093", dep_code="95"),
        ]),
        "projects": b("projects", [
            dict(project_id="P1", structure_id="FAB-29", title="Garage solidaire de Quimper",
                 sector="garage solidaire", insee_code="29232", qpv_code="QN02902M", stage="créé",
                 abandon_stage=None, detected_on=date(2020, 1, 6), study_on=date(2020, 6, 1),
                 created_on=date(2021, 3, 1), abandoned_on=None, abandon_reason=None, is_iae=True,
                 siae_type="ACI", jobs_etp=2.5, insertion_jobs_etp=6.0,
                 programme="Fabrique à initiatives en territoires fragiles", lon=-4.12787, lat=47.98615),
            dict(project_id="P2", structure_id="FAB-35", title="Conciergerie seniors",
                 sector="conciergerie seniors", insee_code="35238", qpv_code=None,
                 stage="séance de créativité", abandon_stage=None, detected_on=date(2025, 11, 3),
                 study_on=None, created_on=None, abandoned_on=None, abandon_reason=None,
                 is_iae=False, siae_type=None, jobs_etp=None, insertion_jobs_etp=None,
                 programme=None),
            dict(project_id="P3", structure_id="0093", title="Restaurant d'insertion",
                 sector="restauration d'insertion", insee_code="93066", qpv_code="QN09328M",
                 stage="abandonné", abandon_stage="recherche de porteur",
                 detected_on=date(2022, 3, 1), study_on=date(2022, 9, 15), created_on=None,
                 abandoned_on=date(2023, 1, 15), abandon_reason="pas de porteur trouvé",
                 is_iae=True, siae_type="EI", jobs_etp=None, insertion_jobs_etp=None,
                 programme=None),
            dict(project_id="P4", structure_id="0093", title="Auto-école sociale",
                 sector="auto-école sociale", insee_code="93066", qpv_code=None, stage="abandonné",
                 abandon_stage="étude d'opportunité", detected_on=date(2021, 3, 1),
                 study_on=date(2021, 5, 2), created_on=None, abandoned_on=date(2021, 12, 31),
                 abandon_reason="autre", is_iae=False, siae_type=None, jobs_etp=0.0,
                 insertion_jobs_etp=None, programme=None),
        ]),
        "annual_activity": b("annual_activity", [
            dict(structure_id="FAB-29", year=2024, creativity_sessions=12, opportunity_studies=5,
                 partners=140),
            dict(structure_id="FAB-29", year=2025, creativity_sessions=9, opportunity_studies=4,
                 partners=151),
            dict(structure_id="FAB-35", year=2025, creativity_sessions=None, opportunity_studies=1,
                 partners=25),
        ]),
    }


def test_write_records_round_trip(tmp_path):
    records = _records()
    path = template.write_records(records, tmp_path / "export.xlsx")
    r = importer.import_files([path])
    assert r.ok, importer.format_report(r.problems)
    for name, df in records.items():
        pd.testing.assert_frame_equal(r.records[name], df, check_dtype=True)


def test_write_records_layout(tmp_path):
    path = template.write_records(_records(), tmp_path / "export.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["mode_d_emploi", "structures", "projets", "activite", "listes"]
    ws = wb["projets"]
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, [c.value for c in ws[2]]))
    assert isinstance(row["date_detection"], datetime)           # real Excel dates
    assert ws.cell(row=2, column=headers.index("date_detection") + 1).number_format == "DD/MM/YYYY"
    assert row["commune"] == "29232" and row["departement"] == "29"
    assert row["iae"] == "oui" and row["type_siae"] == "ACI"
    assert row["date_abandon"] is None
    s = wb["structures"]
    name_cell = s.cell(row=3, column=2)
    assert name_cell.value == '=HYPERLINK("https://example.org")' and name_cell.data_type == "s"
    assert s.cell(row=4, column=1).value == "0093"
    assert s.cell(row=4, column=7).value == "93;95"
    assert len(ws.data_validations.dataValidation) == 7  # etape, etape_abandon, iae, type_siae + 3 open lists


def test_csv_import_then_export_round_trip(tmp_path):
    first = importer.import_files([FIX / "base" / f"{s}.csv" for s in schema.SHEET_ORDER])
    assert first.ok
    path = template.write_records(first.records, tmp_path / "base.xlsx")
    second = importer.import_files([path])
    assert second.ok, importer.format_report(second.problems)
    for name, df in first.records.items():
        pd.testing.assert_frame_equal(second.records[name], df)


# ------------------------------------------------------------------------------------------------
# schema.json: the template's rules as a Table Schema package, checked with the standard tool

import csv  # noqa: E402
import json  # noqa: E402

from frictionless import Package  # noqa: E402

from fabrique.__main__ import main as cli  # noqa: E402


def _write_csvs(folder: Path, rows: dict[str, list[dict[str, str]]]) -> list[Path]:
    paths = []
    for sheet in schema.SHEET_ORDER:
        path = folder / f"{sheet}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=";")
            w.writerow([c.header for c in schema.SHEETS[sheet]])
            w.writerows([r[c.header] for c in schema.SHEETS[sheet]] for r in rows[sheet])
        paths.append(path)
    return paths


def _verdicts(folder: Path, rows) -> tuple[bool, bool, list[str]]:
    """(the Table Schema accepts the files, the importer finds no error, the schema's error types)."""
    paths = _write_csvs(folder, rows)
    report = Package(str(folder / "schema.json")).validate()
    types = sorted({e.type for task in report.tasks for e in task.errors})
    return report.valid, importer.import_files(paths).ok, types


@pytest.fixture(scope="module")
def schema_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("schema")
    assert cli(["template", str(folder / "modele.xlsx")]) == 0  # writes schema.json beside the workbook
    return folder


def test_template_command_writes_the_table_schema(schema_folder):
    descriptor = json.loads((schema_folder / "schema.json").read_text(encoding="utf-8"))
    assert descriptor["profile"] == "tabular-data-package"
    assert [r["name"] for r in descriptor["resources"]] == schema.SHEET_ORDER
    for res in descriptor["resources"]:
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == [c.header for c in schema.SHEETS[res["name"]]]
        required = [f["name"] for f in fields if f.get("constraints", {}).get("required")]
        assert required == [c.header for c in schema.SHEETS[res["name"]] if c.required]
    projets = {f["name"]: f for f in descriptor["resources"][1]["schema"]["fields"]}
    assert projets["etape"]["constraints"]["enum"] == schema.STAGES
    assert "enum" not in projets["secteur"].get("constraints", {})  # open vocabulary
    assert projets["longitude"]["constraints"] == {"minimum": -180.0, "maximum": 180.0}
    assert descriptor["resources"][1]["schema"]["foreignKeys"] == [
        {"fields": ["structure"], "reference": {"resource": "structures", "fields": ["identifiant"]}}]


def test_schema_and_importer_accept_the_example_rows(schema_folder):
    assert _verdicts(schema_folder, schema.EXAMPLE_ROWS) == (True, True, [])


def _broken(sheet: str, index: int, **changes: str) -> dict:
    rows = {s: [dict(r) for r in rs] for s, rs in schema.EXAMPLE_ROWS.items()}
    rows[sheet][index].update(changes)
    return rows


@pytest.mark.parametrize("rows, schema_error", [
    (_broken("projets", 1, emplois_crees="-1"), "constraint-error"),
    (_broken("projets", 0, etape="créée"), "constraint-error"),
    (_broken("projets", 0, date_detection="31/02/2024"), "type-error"),
    (_broken("projets", 2, iae="peut-être"), "type-error"),
    (_broken("projets", 0, latitude="147,5"), "constraint-error"),
    (_broken("projets", 0, qpv="QN9999"), "constraint-error"),
    (_broken("projets", 1, identifiant=""), "constraint-error"),
    (_broken("projets", 1, identifiant="P-2024-001"), "primary-key"),
    (_broken("projets", 2, structure="FAB-99"), "foreign-key"),
    (_broken("structures", 0, annee_entree="1999"), "constraint-error"),
    (_broken("activite", 1, seances_creativite="2,5"), "type-error"),
], ids=["negative-jobs", "stage", "date", "yes-no", "latitude", "qpv", "no-id", "duplicate-id",
        "unknown-structure", "year", "integer"])
def test_schema_and_importer_refuse_the_same_broken_rows(schema_folder, rows, schema_error):
    valid, imports, types = _verdicts(schema_folder, rows)
    assert (valid, imports) == (False, False)
    assert schema_error in types


def test_schema_and_importer_accept_open_vocabulary(schema_folder):
    rows = _broken("projets", 1, secteur="réemploi")
    rows["projets"][2]["motif_abandon"] = "Pas de porteur"
    assert _verdicts(schema_folder, rows) == (True, True, [])
