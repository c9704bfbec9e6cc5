"""Import of the French template: parsers, broken files (exact problem lists), output tables."""
from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fabrique import importer, problems, schema  # noqa: E402
from fabrique.importer import ERROR, WARNING, Problem, _Bad  # noqa: E402

FIX = ROOT / "tests" / "fixtures" / "import"
BASE = {s: FIX / "base" / f"{s}.csv" for s in schema.SHEET_ORDER}
NEXT_YEAR = date.today().year + 1


def files(**override: Path) -> list[Path]:
    """The three valid base CSVs, with some replaced by a broken fixture."""
    return [override.get(s, BASE[s]) for s in schema.SHEET_ORDER]


def assert_problems(result: importer.ImportResult, expected: list[tuple]) -> None:
    """Exactly these problems, in this order: (sheet, row, column, keyword of the rule[, level]);
    the level is « erreur » unless given."""
    got = [(p.sheet, p.row, p.column, p.rule, p.level) for p in result.problems]
    report = "\n".join(map(str, got))
    assert len(got) == len(expected), report
    for (sheet, row, column, rule, level), exp in zip(got, expected):
        e_sheet, e_row, e_column, keyword, *e_level = exp
        assert (sheet, row, column) == (e_sheet, e_row, e_column), report
        assert keyword in rule, report
        assert level == (e_level[0] if e_level else ERROR), report


def write_xlsx(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    return path


# ------------------------------------------------------------------------------------------------
# Normalisation and parsers


@pytest.mark.parametrize("raw, key", [
    ("Année_Entrée ", "annee_entree"),
    ("  Date-Détection", "date_detection"),
    ("Départements couverts", "departements_couverts"),
    ("Séances créativité", "seances_creativite"),
    ("ÉTUDES  OPPORTUNITÉ", "etudes_opportunite"),
    ("étude d'opportunité", "etude_d_opportunite"),
])
def test_normalize_label(raw, key):
    assert importer.normalize_label(raw) == key


@pytest.mark.parametrize("raw, choices, value", [
    ("Séance de Créativité", schema.STAGES, "séance de créativité"),
    ("CRÉÉ", schema.STAGES, "créé"),
    ("etude d opportunite", schema.STAGES, "étude d'opportunité"),
    (" Abandonné ", schema.STAGES, "abandonné"),
    ("Expérimentation", schema.STATUSES, "expérimentation"),
    ("APPELLATION", schema.STATUSES, "appellation"),
    ("aci", schema.SIAE_TYPES, "ACI"),
    ("Etti", schema.SIAE_TYPES, "ETTI"),
    ("Recherche de Porteur", schema.ABANDON_STAGES, "recherche de porteur"),
])
def test_parse_enum(raw, choices, value):
    assert importer.parse_enum(raw, choices) == value


def test_parse_enum_unknown_suggests_closest():
    with pytest.raises(_Bad) as exc:
        importer.parse_enum("créée", schema.STAGES)
    assert exc.value.rule.startswith("valeur non autorisée (valeurs possibles : détection, ")
    assert exc.value.suggestion == "créé"


@pytest.mark.parametrize("raw, value", [
    ("2024-03-15", date(2024, 3, 15)),
    ("15/03/2024", date(2024, 3, 15)),
    ("5/3/2024", date(2024, 3, 5)),
    ("05.03.2024", date(2024, 3, 5)),
    ("2024-03-15 00:00:00", date(2024, 3, 15)),
    (datetime(2024, 3, 15, 0, 0), date(2024, 3, 15)),
    (date(2024, 3, 15), date(2024, 3, 15)),
    (45366, date(2024, 3, 15)),        # Excel serial number
    (45366.0, date(2024, 3, 15)),
    ("45366", date(2024, 3, 15)),
])
def test_parse_date(raw, value):
    assert importer.parse_date(raw) == value


@pytest.mark.parametrize("raw, keyword", [
    ("31/02/2024", "date invalide"),
    ("15/03/24", "date invalide"),
    ("mars 2024", "date invalide"),
    ("2024/03/15", "date invalide"),
    (True, "date invalide"),
    ("1999-12-31", "date hors de la plage 2000-"),
    (f"01/01/{NEXT_YEAR + 1}", "date hors de la plage"),
    ("2024", "date hors de la plage"),  # serial 2024 = 1905
])
def test_parse_date_invalid(raw, keyword):
    with pytest.raises(_Bad) as exc:
        importer.parse_date(raw)
    assert keyword in exc.value.rule


@pytest.mark.parametrize("raw, value", [
    ("2,5", 2.5),
    ("2.5", 2.5),
    ("1 234,5", 1234.5),
    ("1\u00a0234", 1234.0),
    ("1\u202f234,25", 1234.25),
    (" 0 ", 0.0),
    (3, 3.0),
    (2.75, 2.75),
])
def test_parse_decimal(raw, value):
    assert importer.parse_decimal(raw) == value


@pytest.mark.parametrize("raw, keyword", [
    ("-1", "négatif"),
    (-0.5, "négatif"),
    ("abc", "nombre invalide"),
    ("1.234,5", "nombre invalide"),
    ("12 %", "nombre invalide"),
    ("=1+1", "nombre invalide"),
    (True, "nombre invalide"),
])
def test_parse_decimal_invalid(raw, keyword):
    with pytest.raises(_Bad) as exc:
        importer.parse_decimal(raw)
    assert keyword in exc.value.rule


def test_parse_int_and_year():
    assert importer.parse_int("1 200") == 1200
    assert importer.parse_int(12.0) == 12
    with pytest.raises(_Bad, match="nombre entier attendu"):
        importer.parse_int("2,5")
    assert importer.parse_year("2024") == 2024
    assert importer.parse_year(2010.0) == 2010
    assert importer.parse_year(NEXT_YEAR) == NEXT_YEAR
    with pytest.raises(_Bad, match="année hors de la plage 2000-"):
        importer.parse_year(1999)
    with pytest.raises(_Bad, match="année hors de la plage"):
        importer.parse_year(NEXT_YEAR + 1)
    with pytest.raises(_Bad, match="année invalide"):
        importer.parse_year("vingt")


@pytest.mark.parametrize("raw", ["oui", "OUI", "o", "Vrai", "true", "yes", "1", 1, True])
def test_parse_bool_true(raw):
    assert importer.parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["non", "N", "faux", "FALSE", "no", "0", 0, False])
def test_parse_bool_false(raw):
    assert importer.parse_bool(raw) is False


def test_parse_bool_invalid():
    with pytest.raises(_Bad, match="attendu oui ou non"):
        importer.parse_bool("peut-être")


@pytest.mark.parametrize("raw, code", [
    ("29", "29"), ("2a", "2A"), ("2B", "2B"), ("1", "01"), (1, "01"), (29.0, "29"),
    ("971", "971"), ("Finistère", "29"), ("cotes d'armor", "22"),
])
def test_parse_departement(raw, code):
    assert importer.parse_departement(raw) == code


@pytest.mark.parametrize("raw", ["20", "99", "975", "Bretagne"])
def test_parse_departement_invalid(raw):
    with pytest.raises(_Bad, match="département inconnu"):
        importer.parse_departement(raw)


def test_parse_dep_list():
    assert importer.parse_dep_list("29;56") == ["29", "56"]
    assert importer.parse_dep_list("2a ; 2B;2a") == ["2A", "2B"]
    assert importer.parse_dep_list("1") == ["01"]
    with pytest.raises(_Bad, match="inconnu.* : 99, 975"):
        importer.parse_dep_list("29;99;975")


@pytest.mark.parametrize("raw, dep, code", [
    ("29232", None, "29232"),
    (29232, None, "29232"),
    ("Quimper", "29", "29232"),
    ("quimper", None, "29232"),             # unique name in France: the département is optional
    ("Saint-Denis", "93", "93066"),
    ("St Denis", "93", "93066"),
    ("SAINT DENIS", "93", "93066"),
    ("rennes", "35", "35238"),
    ("93059", None, "93066"),               # Pierrefitte-sur-Seine merged into Saint-Denis in 2025
    ("Pierrefitte-sur-Seine", "93", "93066"),  # old name, through communes_history.csv
    ("1053", None, "01053"),                # Excel dropped the leading zero
    (1053, None, "01053"),
    ("2a004", None, "2A004"),
])
def test_resolve_commune(raw, dep, code):
    assert importer.resolve_commune(raw, dep) == code


def test_resolve_commune_split_code_is_ambiguous():
    with pytest.raises(_Bad) as exc:
        importer.resolve_commune("08227")
    assert exc.value.rule.startswith("code commune ambigu")
    assert "Hocmont" in exc.value.rule
    assert exc.value.suggestion == "Guignicourt-sur-Vence (08203) ou Touligny (08454)"


def test_resolve_commune_suggestions():
    with pytest.raises(_Bad) as exc:
        importer.resolve_commune("Quimpr", "29")
    assert exc.value.rule == "commune inconnue dans le département 29"
    assert "Quimper (29232)" in exc.value.suggestion
    with pytest.raises(_Bad) as exc:
        importer.resolve_commune("Quimpr")
    assert exc.value.rule == "commune inconnue"
    assert "Quimper (29232)" in exc.value.suggestion
    with pytest.raises(_Bad) as exc:
        importer.resolve_commune("Saint-Denis")
    assert "plusieurs communes" in exc.value.rule
    assert "Saint-Denis (93066)" in exc.value.suggestion


@pytest.mark.parametrize("raw, keyword", [
    ("99999", "code commune inconnu"),
    ("97501", "hors du périmètre"),   # Saint-Pierre-et-Miquelon: overseas collectivity, not COG
    ("123", "5 caractères"),
    ("Rennes", "commune inconnue dans le département 29"),
])
def test_resolve_commune_invalid(raw, keyword):
    with pytest.raises(_Bad) as exc:
        importer.resolve_commune(raw, "29" if raw == "Rennes" else None)
    assert keyword in exc.value.rule


def test_parse_qpv():
    assert importer.parse_qpv(" qn09328m ") == "QN09328M"
    with pytest.raises(_Bad, match="code QPV invalide"):
        importer.parse_qpv("QN9999")
    with pytest.raises(_Bad, match="code QPV inconnu"):
        importer.parse_qpv("QN99999Z")


def test_problem_message():
    p = Problem("projets.csv", "projets", 7, "commune", "Quimpr",
                "commune inconnue dans le département 29", "Quimper (29232)")
    assert p.message() == ("projets.csv, feuille « projets », ligne 7, colonne « commune » : "
                           "« Quimpr » — commune inconnue dans le département 29. "
                           "Suggestion : Quimper (29232).")
    assert Problem("x.txt", "", None, None, None, "fichier vide").message() == "x.txt : fichier vide."


# ------------------------------------------------------------------------------------------------
# Valid files


def test_valid_base_files():
    r = importer.import_files(files())
    assert r.ok and r.problems == [] and r.rejected.empty
    assert list(r.records) == ["structures", "structure_departments", "projects", "annual_activity"]
    for name, df in r.records.items():
        assert list(df.columns) == list(importer.OUTPUT_COLUMNS[name])
    s = r.records["structures"]
    assert s["structure_id"].tolist() == ["S1", "S2", "S3"]
    assert s["insee_code"].tolist() == ["29232", "35238", "93066"]
    assert str(s["joined_year"].dtype) == "Int64"
    assert s["appellation_year"].isna().tolist() == [False, True, False]
    deps = r.records["structure_departments"]
    assert list(deps.itertuples(index=False, name=None)) == [
        ("S1", "29"), ("S1", "56"), ("S2", "35"), ("S3", "93")]  # S2: empty list -> seat's dep
    p = r.records["projects"].set_index("project_id")
    assert p.loc["P1", "created_on"] == date(2022, 9, 1)
    assert p.loc["P1", "jobs_etp"] == 2.5 and p.loc["P1", "insertion_jobs_etp"] == 8.0
    assert p.loc["P1", "is_iae"] is True or p.loc["P1", "is_iae"] == True  # noqa: E712
    assert p.loc["P2", "insee_code"] == "35238"            # given by name + département
    assert p.loc["P2", "created_on"] is None
    assert p.loc["P3", "abandon_stage"] == "détection"      # inferred: no date_etude
    assert p.loc["P3", "abandon_reason"] == "pas de porteur trouvé"
    assert p["is_iae"].dtype == bool and p["jobs_etp"].dtype == "float64"
    a = r.records["annual_activity"]
    assert a["partners"].tolist() == [140, 25, 90] and str(a["year"].dtype) == "Int64"


# ------------------------------------------------------------------------------------------------
# Broken files: the exact problem list of each


def test_broken_projets_utf8_semicolon():
    r = importer.import_files(files(projets=FIX / "projets_utf8_semicolon" / "projets.csv"))
    assert_problems(r, [
        ("projets", 2, "commune", "commune inconnue dans le département 29"),
        ("projets", 3, "date_etude", "date invalide"),
        ("projets", 3, "departement", "département incohérent avec la commune Rennes (35238)"),
        ("projets", 4, "etape", "valeur non autorisée"),
        ("projets", 4, "emplois_crees", "négatif"),
        ("projets", 4, "structure", "structure inconnue"),
        ("projets", 4, "type_siae", "type_siae obligatoire"),
        # "tiers-lieu" is imported as typed: only a warning naming the suggestion it is close to
        ("projets", 5, "secteur", "valeur proche d'une valeur suggérée", WARNING),
        ("projets", 5, "identifiant", "identifiant en double (déjà présent ligne 2)"),
        ("projets", 6, "iae", "attendu oui ou non"),
    ])
    assert r.problems[0].suggestion.startswith("Quimper (29232)")
    assert r.problems[3].suggestion == "créé"
    assert r.problems[7].suggestion == "tiers-lieu et vie locale"
    # every problem names its row's identifier; row 5 repeats P1's identifier, so it says "projet P1"
    assert [p.record for p in r.problems] == ["projet P1", "projet P2", "projet P2"] + ["projet P3"] * 4 + [
        "projet P1", "projet P1", "projet P4"]
    assert (r.n_errors, r.n_warnings) == (9, 1)
    assert r.records["projects"].empty
    assert r.rejected["row"].tolist() == [2, 3, 4, 5, 6]
    assert not r.ok


def test_broken_structures_bom_comma_rejects_dependent_rows():
    r = importer.import_files(files(structures=FIX / "structures_bom_comma" / "structures.csv"))
    assert_problems(r, [
        ("structures", 3, "annee_appellation", "obligatoire pour le statut appellation"),
        ("structures", 4, "annee_appellation", "renseignée pour une structure en expérimentation"),
        ("structures", 5, "commune_siege", "code commune ambigu"),
        ("structures", 5, "departements_couverts", "département inconnu(s) : 99"),
        ("structures", 5, "annee_appellation", "antérieure à annee_entree (2018)"),
        ("structures", 6, "annee_entree", "année hors de la plage"),
        ("structures", 7, "identifiant", "identifiant en double"),
        ("projets", 3, "structure", "structure rejetée"),
        ("projets", 4, "structure", "structure rejetée"),
        ("activite", 3, "structure", "structure rejetée"),
        ("activite", 4, "structure", "structure rejetée"),
    ])
    # accented / mixed-case headers and labels were understood: S1 is valid
    assert r.records["structures"]["structure_id"].tolist() == ["S1"]
    assert r.records["structures"]["status"].tolist() == ["appellation"]
    assert r.records["structure_departments"]["dep_code"].tolist() == ["29", "56"]
    assert r.records["projects"]["project_id"].tolist() == ["P1"]
    assert r.records["annual_activity"]["structure_id"].tolist() == ["S1"]
    rej = r.rejected
    assert list(rej.columns) == ["sheet", "row", "values", "problems"]
    assert rej[["sheet", "row"]].values.tolist() == [
        ["structures", 3], ["structures", 4], ["structures", 5], ["structures", 6],
        ["structures", 7], ["projets", 3], ["projets", 4], ["activite", 3], ["activite", 4]]
    row5 = rej.iloc[2]
    assert json.loads(row5["values"])["Commune siège"] == "08227"
    assert json.loads(row5["values"])["Identifiant"] == "S4"
    assert row5["problems"].count(" | ") == 2
    # the place is in the sheet and row columns: the text says what is wrong
    assert row5["problems"].startswith("colonne « commune_siege » : « 08227 » — code commune ambigu")


def test_broken_activite_cp1252_semicolon():
    r = importer.import_files(files(activite=FIX / "activite_cp1252_semicolon" / "activite.csv"))
    assert_problems(r, [
        ("activite", 3, "annee", "couple structure et année en double"),
        ("activite", 4, "annee", "année hors de la plage"),
        ("activite", 5, "seances_creativite", "nombre entier attendu"),
        ("activite", 6, "structure", "structure inconnue"),
    ])
    a = r.records["annual_activity"]
    assert a["structure_id"].tolist() == ["S1", "S2"]
    assert a["creativity_sessions"].isna().tolist() == [False, True]  # empty counts are NA


def test_broken_projets_cp1252_comma():
    r = importer.import_files(files(projets=FIX / "projets_cp1252_comma" / "projets.csv"))
    assert_problems(r, [
        ("projets", 2, "programme", "valeur proche d'une valeur suggérée", WARNING),
        ("projets", 3, "date_etude", "date_etude antérieure à date_detection"),
        ("projets", 4, "qpv", "code QPV invalide"),
        ("projets", 4, "date_abandon", "date_abandon obligatoire"),
        ("projets", 4, "motif_abandon", "motif_abandon obligatoire"),
        ("projets", 4, "type_siae", "type_siae renseigné pour un projet hors IAE"),
        ("projets", 4, "emplois_insertion", "réservés aux projets IAE"),
        ("projets", 5, "secteur", "valeur proche d'une valeur suggérée", WARNING),
        ("projets", 5, "date_creation", "date_creation renseignée alors que l'étape n'est pas créé"),
        ("projets", 5, "date_abandon", "date_abandon renseignée"),
        ("projets", 5, "motif_abandon", "motif_abandon renseigné"),
        ("projets", 5, "etape_abandon", "etape_abandon renseignée"),
        ("projets", 6, "commune", "nom porté par plusieurs communes"),
    ])
    assert r.problems[0].suggestion == "Fabrique à initiatives en territoires fragiles (FSE)"
    assert r.problems[7].suggestion == "tiers-lieu et vie locale"
    p = r.records["projects"].set_index("project_id")
    assert p.index.tolist() == ["P1", "P6"]
    assert p.loc["P1", "programme"] == "FSE"  # imported as typed, despite the warning
    # formula-looking text is kept as plain text; serial-number date; labels in capitals
    assert p.loc["P1", "title"] == '=HYPERLINK("https://example.org")'
    assert p.loc["P1", "detected_on"] == date(2024, 3, 15)
    assert (p.loc["P1", "stage"], p.loc["P1", "siae_type"]) == ("créé", "ACI")
    assert p.loc["P6", "abandon_stage"] == "étude d'opportunité"  # inferred from date_etude
    assert p.loc["P6", "qpv_code"] is None


def test_missing_required_columns_reject_the_sheet():
    r = importer.import_files(files(projets=FIX / "missing_column" / "projets.csv"))
    assert_problems(r, [
        ("projets", None, "commune", "colonne obligatoire absente"),
        ("projets", None, "etape", "colonne obligatoire absente"),
    ])
    assert r.problems[0].suggestion == "renommer la colonne « comune » en « commune »"
    assert r.records["projects"].empty
    assert r.rejected["row"].tolist() == [2]
    assert "colonne obligatoire absente" in r.rejected.iloc[0]["problems"]
    # the unknown column "remarque" is ignored silently, but kept in the raw values
    assert json.loads(r.rejected.iloc[0]["values"])["remarque"] == "test"


def test_misspelt_optional_column_is_reported(tmp_path):
    text = BASE["projets"].read_text(encoding="utf-8").replace(",programme\n", ",programe\n", 1)
    (tmp_path / "projets.csv").write_text(text, encoding="utf-8")
    r = importer.import_files(files(projets=tmp_path / "projets.csv"))
    # a free-text column lost is a warning; the rows are imported
    assert_problems(r, [("projets", None, "programe", "colonne inconnue", WARNING)])
    assert r.ok and len(r.records["projects"]) == 3
    # a misspelt column that drives a figure (study dates) is an error: the import would lose them
    text = BASE["projets"].read_text(encoding="utf-8").replace(",date_etude,", ",date_etud,", 1)
    (tmp_path / "projets.csv").write_text(text, encoding="utf-8")
    r = importer.import_files(files(projets=tmp_path / "projets.csv"))
    assert_problems(r, [("projets", None, "date_etud", "colonne inconnue")])
    assert r.problems[0].suggestion == "renommer la colonne « date_etud » en « date_etude »"


def test_broken_xlsx_built_in_test(tmp_path):
    header_s = [c.header for c in schema.SHEETS["structures"]]
    header_p = [c.header.upper() for c in schema.SHEETS["projets"]]  # headers in capitals
    path = write_xlsx(tmp_path / "import.xlsx", {
        "mode_d_emploi": [["Documentation"]],
        "Structures": [header_s,
                       ["S1", "Fabrique", "Appellation", 2012, 2015, 29232, "29;56"],
                       ["S2", "Fabrique de Rennes", "expérimentation", 2023.0, None, "35238", None]],
        "PROJETS": [header_p,
                    ["P1", "S1", "Garage", "garage solidaire", 29232, 29, "créé",
                     datetime(2021, 2, 1), 44348, date(2022, 9, 1), None, None, True, "ACI",
                     2.5, 8, None, None, "QN02902M"],
                    ["P2", "S2", "Épicerie", "commerce de proximité", 1053, 1, "amorçage",
                     "15/03/2023", None, None, None, None, "non", None, "=2*1.5", None, None],
                    ["P3", "S1", "Recyclerie", "recyclerie", "Quimper", "29", "abandonné",
                     "2022-03-01", None, None, "2023-01-15", "Financement insuffisant", False],
                    ["P4", "S9", "Formule", "=HYPERLINK(\"x\")", "29232", None, "détection",
                     datetime(2024, 1, 1), None, None, None, None, "non"]],
    })
    r = importer.import_files([path])
    assert_problems(r, [
        ("activite", None, None, "feuille absente"),
        ("projets", 3, "emplois_crees", "formule non acceptée"),
        ("projets", 5, "secteur", "formule non acceptée"),
        ("projets", 5, "structure", "structure inconnue"),
    ])
    assert r.problems[0].file == "import.xlsx"
    assert r.problems[1].value == "=2*1.5"
    assert r.problems[2].value == '=HYPERLINK("x")'
    p = r.records["projects"].set_index("project_id")
    assert p.index.tolist() == ["P1", "P3"]
    assert p.loc["P1", "study_on"] == date(2021, 6, 1)   # Excel serial 44348
    assert p.loc["P1", "detected_on"] == date(2021, 2, 1)
    assert p.loc["P1", "qpv_code"] == "QN02902M"
    assert p.loc["P3", "abandon_reason"] == "financement insuffisant"
    assert p.loc["P3", "abandon_stage"] == "détection"
    s = r.records["structures"]
    assert s["insee_code"].tolist() == ["29232", "35238"]
    assert s["joined_year"].tolist() == [2012, 2023]


# ------------------------------------------------------------------------------------------------
# Unreadable input: a problem, never an exception


def test_empty_file():
    r = importer.import_files(files(projets=FIX / "empty" / "projets.csv"))
    assert_problems(r, [("projets", None, None, "fichier vide")])
    assert r.problems[0].file == "projets.csv"


def test_garbage_bytes(tmp_path):
    (tmp_path / "projets.csv").write_bytes(bytes(range(256)) * 8)
    (tmp_path / "classeur.xlsx").write_bytes(b"\x00\xff garbage \x13\x37" * 50)
    r = importer.import_files(files(projets=tmp_path / "projets.csv") + [tmp_path / "classeur.xlsx"])
    assert_problems(r, [
        ("projets", None, None, "fichier illisible"),
        ("", None, None, "fichier illisible"),
    ])
    assert r.problems[1].file == "classeur.xlsx"


def test_wrong_extension_and_missing_sheets(tmp_path):
    (tmp_path / "donnees.txt").write_text("identifiant;nom\n", encoding="utf-8")
    (tmp_path / "vieux.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    r = importer.import_files([tmp_path / "donnees.txt", tmp_path / "vieux.xls"])
    assert_problems(r, [
        ("", None, None, "extension « .txt » non prise en charge"),
        ("", None, None, "format .xls non pris en charge"),
        ("structures", None, None, "feuille absente"),
        ("projets", None, None, "feuille absente"),
        ("activite", None, None, "feuille absente"),
    ])
    assert all(df.empty for df in r.records.values())


def test_unrecognised_csv_name_and_missing_file(tmp_path):
    (tmp_path / "export.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    r = importer.import_files(files(projets=tmp_path / "export.csv") + [tmp_path / "absent.csv"])
    assert_problems(r, [
        ("", None, None, "nom de fichier CSV non reconnu"),
        ("", None, None, "fichier introuvable"),
        ("projets", None, None, "feuille absente"),
    ])
    # the projects sheet is missing, structures and activity are still validated
    assert len(r.records["structures"]) == 3


def test_structures_sheet_missing_makes_references_unverifiable(tmp_path):
    path = write_xlsx(tmp_path / "sans_structures.xlsx", {
        "projets": [[c.header for c in schema.SHEETS["projets"]]],
        "activite": [[c.header for c in schema.SHEETS["activite"]], ["S1", 2024, 1, 1, 1]],
    })
    r = importer.import_files([path])
    assert_problems(r, [
        ("structures", None, None, "feuille absente"),
        ("activite", 2, "structure", "structure non vérifiable"),
    ])


def test_header_only_sheets_are_valid_and_empty(tmp_path):
    path = write_xlsx(tmp_path / "vide.xlsx", {
        s: [[c.header for c in schema.SHEETS[s]]] for s in schema.SHEET_ORDER})
    r = importer.import_files([path])
    assert r.ok
    assert {k: len(v) for k, v in r.records.items()} == {
        "structures": 0, "structure_departments": 0, "projects": 0, "annual_activity": 0}
    assert list(r.records["projects"].columns) == list(importer.OUTPUT_COLUMNS["projects"])


def test_sheet_given_twice(tmp_path):
    r = importer.import_files(files() + [BASE["projets"]])
    assert_problems(r, [("projets", None, None, "déjà fournie par projets.csv")])


# ------------------------------------------------------------------------------------------------
# Reports


def test_write_report_csv_opens_in_french_excel(tmp_path):
    r = importer.import_files(files(activite=FIX / "activite_cp1252_semicolon" / "activite.csv"))
    out = importer.write_report_csv(r.problems, tmp_path / "rapport.csv")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["niveau", "fichier", "feuille", "ligne", "identifiant", "colonne", "valeur", "règle",
                       "suggestion"]
    assert rows[1] == ["erreur", "activite.csv", "activite", "3", "structure S1, année 2024", "annee", "2024",
                       "couple structure et année en double (déjà présent ligne 2)", ""]
    assert len(rows) == 1 + len(r.problems)


def test_format_report():
    assert importer.format_report([]).startswith("Aucun problème")
    r = importer.import_files(files(activite=FIX / "activite_cp1252_semicolon" / "activite.csv"))
    text = importer.format_report(r.problems)
    lines = text.splitlines()
    assert lines[0] == "4 erreurs et 0 avertissement."
    assert lines[1] == "Erreurs (ligne, feuille ou fichier refusés) :"
    assert lines[2] == ("- activite.csv, feuille « activite », ligne 3 (structure S1, année 2024), colonne "
                        "« annee » : « 2024 » — couple structure et année en double (déjà présent ligne 2).")
    assert len(lines) == 6


def test_rejected_frame_when_all_valid_has_columns():
    r = importer.import_files(files())
    assert list(r.rejected.columns) == ["sheet", "row", "values", "problems"]
    assert isinstance(r.rejected, pd.DataFrame) and len(r.rejected) == 0


# ------------------------------------------------------------------------------------------------
# Open vocabularies: sector, abandon reason and programme accept what structures really type

HAND_TYPED = {
    "structures": [
        ["identifiant", "nom", "statut", "annee_entree", "annee_appellation", "commune_siege"],
        ["S1", "Fabrique du Finistère", "appellation", 2012, 2015, "29232"],
        ["S2", "Fabrique de Rennes", "expérimentation", 2021, None, "35238"],
    ],
    "projets": [
        ["identifiant", "structure", "intitule", "secteur", "commune", "departement", "etape",
         "date_detection", "date_etude", "date_creation", "date_abandon", "motif_abandon", "iae", "type_siae",
         "emplois_crees"],
        ["P1", "S1", "Ressourcerie de Brest", "réemploi", "Brest", "29", "créé",
         "01/02/2021", "01/06/2021", "15/03/2022", None, None, "oui", "ACI", "3"],
        ["P2", "S1", "Aide à domicile", "services", "29232", None, "étude d'opportunité",
         "10/01/2022", "01/04/2022", None, None, None, "non", None, None],
        ["P3", "S2", "Épicerie solidaire", "alimentation", "Rennes", "35", "abandonné",
         "05/05/2022", None, None, "01/12/2022", "Pas de porteur", "non", None, None],
        ["P4", "S2", "Atelier vélo", "  Réemploi ", "35238", None, "détection",
         "02/02/2023", None, None, None, None, "non", None, None],
        ["P5", "S2", "Festival de quartier", "Culture   de rue", "35238", None, "détection",
         "03/03/2023", None, None, None, None, "non", None, None],
        ["P6", "S1", "Autopartage", "Mobilite", "29232", None, "détection",
         "04/04/2023", None, None, None, None, "non", None, None],
    ],
    "activite": [["structure", "annee", "seances_creativite"], ["S1", 2022, 4], ["S2", 2022, 2]],
}


def test_hand_typed_workbook_with_open_sectors_and_reasons_imports(tmp_path):
    """The issue's workbook: « réemploi », « services », « alimentation » and « Pas de porteur » are not in
    the suggested lists; the workbook imports, with a warning for each value close to a suggestion."""
    r = importer.import_files([write_xlsx(tmp_path / "saisie.xlsx", HAND_TYPED)])
    assert_problems(r, [
        ("projets", 2, "secteur", "valeur proche d'une valeur suggérée", WARNING),
        ("projets", 3, "secteur", "valeur proche d'une valeur suggérée", WARNING),
        ("projets", 4, "motif_abandon", "valeur proche d'une valeur suggérée", WARNING),
        ("projets", 5, "secteur", "valeur proche d'une valeur suggérée", WARNING),
    ])
    assert [(p.value, p.suggestion, p.record) for p in r.problems] == [
        ("réemploi", "réemploi / économie circulaire", "projet P1"),
        ("services", "services à la personne", "projet P2"),
        ("Pas de porteur", "pas de porteur trouvé", "projet P3"),
        ("Réemploi", "réemploi / économie circulaire", "projet P4"),
    ]
    assert r.ok and r.rejected.empty and (r.n_errors, r.n_warnings) == (0, 4)
    p = r.records["projects"].set_index("project_id")
    # stored as typed, trimmed, spaces collapsed, lower case; "  Réemploi " joins "réemploi" (same key);
    # "Mobilite" is the suggestion "mobilité" but for its accent and case: it takes the suggestion's spelling
    assert p["sector"].tolist() == ["réemploi", "services", "alimentation", "réemploi", "culture de rue",
                                    "mobilité"]
    assert p.loc["P3", "abandon_reason"] == "pas de porteur"
    # the rest of the workbook is read as before: communes, dates, jobs
    assert p["insee_code"].tolist() == ["29019", "29232", "35238", "35238", "35238", "29232"]
    assert p.loc["P1", "created_on"] == date(2022, 3, 15) and p.loc["P1", "jobs_etp"] == 3.0
    assert p.loc["P3", "abandon_stage"] == "détection"


@pytest.mark.parametrize("value, suggestion", [
    ("réemploi", "réemploi / économie circulaire"),      # the value's words are in a suggestion
    ("economie circulaire", "réemploi / économie circulaire"),
    ("services", "services à la personne"),
    ("alimentaton", "alimentation"),                       # a typo
    ("alimentation durable", "alimentation"),             # a suggestion's words are in the value
    ("Mobilités", "mobilité"),
    ("mobilité", None),                                    # a suggestion itself
    ("MOBILITE", None),                                    # the same but for case and accents
    ("garage solidaire", None),                            # nothing close: imported silently
    ("culture de rue", None),
])
def test_close_suggestion(value, suggestion):
    assert importer.close_suggestion(value, tuple(schema.SECTOR_SUGGESTIONS)) == suggestion


def test_open_columns_never_refuse_but_required_sector_must_be_filled(tmp_path):
    rows = [r[:] for r in HAND_TYPED["projets"]]
    rows[5][3] = "+ de lien social"  # any text, even one Excel would take for a formula once typed
    rows[6][3] = None                # the sector is still required
    book = dict(HAND_TYPED, projets=rows)
    r = importer.import_files([write_xlsx(tmp_path / "saisie.xlsx", book)])
    assert [(p.row, p.column, p.level) for p in r.problems if p.is_error] == [(7, "secteur", ERROR)]
    assert r.records["projects"].set_index("project_id").loc["P5", "sector"] == "+ de lien social"


# ------------------------------------------------------------------------------------------------
# Structures that leave the network: annee_sortie


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_exit_year_imported_and_checked(tmp_path):
    s = _csv(tmp_path / "structures.csv",
             "identifiant,nom,statut,annee_entree,annee_appellation,commune_siege,departements_couverts,annee_sortie\n"
             "S1,Fabrique du Finistère,appellation,2012,2015,29232,29;56,\n"
             "S2,Fabrique de Rennes,expérimentation,2021,,35238,,2023\n"
             "S3,Fabrique de Plaine Commune,appellation,2016,2019,93066,93,2014\n"
             "S4,Fabrique de Lille,appellation,2014,2020,59350,,2018\n")
    p = _csv(tmp_path / "projets.csv",
             "identifiant,structure,intitule,secteur,commune,etape,date_detection,iae\n"
             "P1,S2,Projet avant la sortie,mobilité,35238,détection,2023-12-31,non\n"
             "P2,S2,Projet après la sortie,mobilité,35238,détection,2024-01-10,non\n")
    a = _csv(tmp_path / "activite.csv", "structure,annee\nS2,2023\nS2,2024\n")
    r = importer.import_files([s, p, a])
    assert_problems(r, [
        ("structures", 4, "annee_sortie", "annee_sortie antérieure à annee_entree (2016)"),
        ("structures", 5, "annee_sortie", "annee_sortie antérieure à annee_appellation (2020)"),
        ("projets", 3, "date_detection", "après la sortie de sa structure du réseau (annee_sortie 2023)", WARNING),
        ("activite", 3, "annee", "activité déclarée après la sortie de la structure", WARNING),
    ])
    st = r.records["structures"]
    assert st["structure_id"].tolist() == ["S1", "S2"]
    assert st["exit_year"].tolist()[1] == 2023 and pd.isna(st["exit_year"].tolist()[0])
    assert str(st["exit_year"].dtype) == "Int64"
    assert r.records["projects"]["project_id"].tolist() == ["P1", "P2"]  # warnings: imported
    assert r.problems[2].record == "projet P2" and r.problems[3].record == "structure S2, année 2024"


# ------------------------------------------------------------------------------------------------
# Coordinates: placed in their QPV, checked against the commune's département

PROJETS_COORDS = ("identifiant,structure,intitule,secteur,commune,etape,date_detection,iae,qpv,longitude,latitude\n"
                  # Kermoysan (QN02902M), Quimper: the point is inside the QPV polygon
                  'P1,S1,Dans Kermoysan,mobilité,29232,détection,2024-01-10,non,QN02902M,"-4,12787","47,98615"\n'
                  # Quimper's town hall area: outside every QPV, while a QPV code is typed
                  'P2,S1,Centre de Quimper,mobilité,29232,détection,2024-01-10,non,QN02902M,"-4,1020","47,9960"\n'
                  # longitude and latitude swapped
                  'P3,S1,Inversées,mobilité,29232,détection,2024-01-10,non,,"47,98615","-4,12787"\n'
                  # a point in Rennes (35) for a commune of the Finistère
                  'P4,S1,Autre département,mobilité,29232,détection,2024-01-10,non,,"-1,6778","48,1173"\n'
                  # Lambert 93 metres instead of degrees
                  "P5,S1,Lambert,mobilité,29232,détection,2024-01-10,non,,171000,6789000\n"
                  # a latitude without its longitude
                  'P6,S1,Seule,mobilité,29232,détection,2024-01-10,non,,,"47,99"\n'
                  # no QPV typed, coordinates inside Kermoysan: nothing to report
                  "P7,S1,Trouvé,mobilité,29232,détection,2024-01-10,non,,-4.12787,47.98615\n")


def test_coordinates_checked_and_compared_with_the_typed_qpv(tmp_path):
    r = importer.import_files(files(projets=_csv(tmp_path / "projets.csv", PROJETS_COORDS)))
    assert_problems(r, [
        ("projets", 3, "qpv", "est hors de tout QPV 2024, pas dans le QPV saisi QN02902M (Kermoysan)", WARNING),
        ("projets", 4, "longitude", "coordonnées hors du département 29 de la commune Quimper (29232)"),
        ("projets", 5, "longitude", "coordonnées hors du département 29 de la commune Quimper (29232)"),
        ("projets", 6, "longitude", "longitude hors de la plage -180 à 180 : degrés WGS84 attendus"),
        ("projets", 6, "latitude", "latitude hors de la plage -90 à 90"),
        ("projets", 7, "longitude", "longitude manquante : longitude et latitude vont ensemble"),
    ])
    qpv, swapped, rennes = r.problems[:3]
    assert qpv.rule == ("le point (-4,102 ; 47,996) est hors de tout QPV 2024, pas dans le QPV saisi QN02902M "
                        "(Kermoysan) : le QPV trouvé par les coordonnées est retenu")
    assert (qpv.value, qpv.record) == ("QN02902M", "projet P2")
    # (47.98615, -4.12787) is in the Indian Ocean; swapped back, it is in Quimper
    assert (swapped.value, swapped.suggestion) == ("47,98615 ; -4,12787", "inverser longitude et latitude")
    assert (rennes.value, rennes.suggestion) == ("-1,6778 ; 48,1173", "le point est dans le département 35")
    p = r.records["projects"].set_index("project_id")
    assert p.index.tolist() == ["P1", "P2", "P7"]
    assert (p.loc["P1", "lon"], p.loc["P1", "lat"]) == (-4.12787, 47.98615)
    assert (p.loc["P7", "lon"], p.loc["P7", "lat"]) == (-4.12787, 47.98615)  # decimal point read too
    assert p.loc["P2", "qpv_code"] == "QN02902M"  # kept as typed; the build lets the coordinates win


def test_typed_qpv_that_disagrees_names_both_codes(tmp_path):
    # the point is in Kermoysan (QN02902M) while Bellevue, a QPV of Brest (QN02904M), is typed
    text = PROJETS_COORDS.splitlines()[0] + (
        '\nP1,S1,Deux codes,mobilité,29232,détection,2024-01-10,non,QN02904M,"-4,12787","47,98615"\n')
    r = importer.import_files(files(projets=_csv(tmp_path / "projets.csv", text)))
    assert_problems(r, [("projets", 2, "qpv", "est dans le QPV QN02902M (Kermoysan), pas dans le QPV saisi "
                                             "QN02904M (Bellevue)", WARNING)])
    assert r.problems[0].suggestion == "QN02902M" and r.ok


# ------------------------------------------------------------------------------------------------
# The command line: errors refuse (exit 1), warnings only import (exit 0), an empty import is refused

from fabrique import build  # noqa: E402
from fabrique.__main__ import main as cli  # noqa: E402


def test_cli_imports_with_warnings_only_and_says_how_many(tmp_path, capsys):
    db, report = tmp_path / "fabrique.duckdb", tmp_path / "rapport_import.csv"
    assert cli(["import", str(write_xlsx(tmp_path / "saisie.xlsx", HAND_TYPED)), "--db", str(db),
                "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "0 erreur et 4 avertissements."
    assert "Avertissements (lignes importées telles quelles) :" in out
    assert ("- saisie.xlsx, feuille « projets », ligne 2 (projet P1), colonne « secteur » : « réemploi » — valeur "
            "proche d'une valeur suggérée : importée telle quelle. Suggestion : réemploi / économie circulaire."
            ) in out
    assert "Importation réussie" in out and "6 projets, 2 structures" in out
    assert "4 avertissement(s) gardé(s) dans le rapport" in out
    rows = list(csv.reader(report.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["avertissement"] * 4
    assert rows[1][4] == "projet P1"


def test_cli_refuses_errors_with_exit_1_and_keeps_the_database(tmp_path, capsys):
    db = tmp_path / "fabrique.duckdb"
    assert cli(["import", str(write_xlsx(tmp_path / "saisie.xlsx", HAND_TYPED)), "--db", str(db)]) == 0
    before = db.read_bytes()
    bad = [r[:] for r in HAND_TYPED["projets"]]
    bad[1][6] = "créée"  # a stage drives every figure: refused
    code = cli(["import", str(write_xlsx(tmp_path / "faux.xlsx", dict(HAND_TYPED, projets=bad))), "--db", str(db)])
    out = capsys.readouterr().out
    assert code == 1 and "1 erreur et 4 avertissements." in out and "Importation refusée" in out
    assert db.read_bytes() == before


def test_cli_refuses_an_empty_import_unless_asked(tmp_path, capsys):
    db = tmp_path / "fabrique.duckdb"
    assert cli(["import", str(write_xlsx(tmp_path / "saisie.xlsx", HAND_TYPED)), "--db", str(db)]) == 0
    before = db.read_bytes()
    headers_only = write_xlsx(tmp_path / "vide.xlsx", {s: [[c.header for c in schema.SHEETS[s]]]
                                                       for s in schema.SHEET_ORDER})
    capsys.readouterr()
    assert cli(["import", str(headers_only), "--db", str(db)]) == 1
    out = capsys.readouterr().out
    assert ("Importation refusée : elle remplacerait les données du réseau par 0 structure et 0 projet ; la base "
            "actuelle n'a pas été modifiée. Si c'est voulu, relancez avec --allow-empty.") in out
    assert db.read_bytes() == before
    # --partial with every project refused would empty the projects as well
    bad = [r[:] for r in HAND_TYPED["projets"]]
    for r in bad[1:]:
        r[1] = "S9"
    partial = write_xlsx(tmp_path / "partiel.xlsx", dict(HAND_TYPED, projets=bad))
    assert cli(["import", str(partial), "--db", str(db), "--partial"]) == 1
    assert "par 2 structures et 0 projet" in capsys.readouterr().out
    assert db.read_bytes() == before
    assert cli(["import", str(headers_only), "--db", str(db), "--allow-empty"]) == 0
    con = __import__("duckdb").connect(str(db), read_only=True)
    assert con.execute("select count(*) from structures").fetchone()[0] == 0
    con.close()


def test_report_neutralises_formulas(tmp_path):
    """A value such as =HYPERLINK(…) or =cmd|' /C calc'!A0 is written inert (leading apostrophe, as the
    exports do): the report is meant to be opened in Excel."""
    p = _csv(tmp_path / "projets.csv",
             "identifiant,structure,intitule,secteur,commune,etape,date_detection,iae\n"
             "P1,S1,Projet,mobilité,=cmd|' /C calc'!A0,détection,2024-01-10,non\n"
             '"=HYPERLINK(""http://x"")",S9,Projet,mobilité,29232,détection,2024-01-10,non\n'
             "P3,S1,Projet,mobilité,29232,détection,+33 1 23,non\n")
    r = importer.import_files(files(projets=p))
    out = importer.write_result_csv(r, tmp_path / "rapport.csv")
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    values = {(r[3], r[5]): (r[4], r[6]) for r in rows[1:]}
    assert values[("2", "commune")] == ("projet P1", "'=cmd|' /C calc'!A0")
    # the identifier cell reads "projet =HYPERLINK(...)": it does not start a formula, nothing to do
    assert values[("3", "structure")] == ('projet =HYPERLINK("http://x")', "S9")
    assert values[("4", "date_detection")] == ("projet P3", "'+33 1 23")
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)


def test_only_the_first_problems_are_detailed(tmp_path, monkeypatch):
    monkeypatch.setattr(problems, "MAX_PROBLEMS_DETAILED", 3)
    lines = ["identifiant,structure,intitule,secteur,commune,etape,date_detection,iae"]
    lines += [f"P{i},S9,Projet,mobilité,29232,détection,2024-01-10,non" for i in range(1, 6)]
    r = importer.import_files(files(projets=_csv(tmp_path / "projets.csv", "\n".join(lines))))
    # five rows, each with one error (unknown structure): three detailed, two counted
    assert (len(r.problems), r.n_errors, r.n_warnings, r.n_omitted) == (3, 5, 0, 2)
    assert len(r.rejected) == 5  # every refused row is still kept for --partial
    text = importer.format_result(r)
    assert text.splitlines()[0] == "5 erreurs et 0 avertissement."
    assert text.splitlines()[-1] == ("… et 2 autres problèmes non détaillés (au total 5 erreurs et 0 avertissement ; "
                                     "seuls les 3 premiers sont détaillés).")
    rows = list(csv.reader(importer.write_result_csv(r, tmp_path / "r.csv").read_text(encoding="utf-8-sig")
                           .splitlines(), delimiter=";"))
    assert len(rows) == 1 + 3 + 1 and rows[-1][0] == "information"


def test_csv_cell_past_the_csv_limit_is_a_french_problem(tmp_path):
    path = tmp_path / "projets.csv"
    path.write_text(BASE["projets"].read_text(encoding="utf-8") + 'P9,S1,"' + "x" * 200_000 + "\n",
                    encoding="utf-8")
    r = importer.import_files(files(projets=path))
    assert [(p.sheet, p.rule) for p in r.problems] == [
        ("projets", "fichier illisible : une cellule dépasse 131\u202f072 caractères (guillemet non fermé ?)")]
    assert r.records["projects"].empty  # the sheet is refused as a whole
