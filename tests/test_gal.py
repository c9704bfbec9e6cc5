"""LEADER GAL perimeters as regions publish them: CSV or XLSX, per commune or per EPCI, by code or name."""
from pathlib import Path

import duckdb
import openpyxl
import pytest

from fabrique import build, demo, gal, importer
from fabrique.__main__ import main as cli
from fabrique.importer import ERROR, WARNING

from tiny import tiny_records


def members(siren: str) -> list[str]:
    return sorted(gal._epci()[3][siren])


def test_csv_per_commune_and_per_epci_with_regional_headers(tmp_path):
    """Headers as a region writes them (accents, spaces), Windows-1252, « ; », communes by code or by
    name and département, EPCI by SIREN or by name with « Communauté de communes » spelt out."""
    path = tmp_path / "gal_bretagne.csv"
    path.write_bytes(("Nom du GAL;Code INSEE;Commune;Département;EPCI\n"
                      "GAL Cornouaille;29003;;;\n"
                      "GAL Cornouaille;;Briec;29;\n"
                      "GAL Cornouaille;;;;Communauté d'agglomération Quimper Bretagne Occidentale\n"
                      "GAL Lille;;;;200093201\n").encode("cp1252"))
    r = gal.read_gal_file(path)
    assert r.ok and r.problems == []
    t = r.table
    assert t.columns.tolist() == ["gal_id", "gal_name", "insee_code"]
    # no identifier column: the id is made from the name
    assert sorted(t["gal_id"].unique()) == ["GAL-GAL-CORNOUAILLE", "GAL-GAL-LILLE"]
    cornouaille = sorted(t.loc[t["gal_id"] == "GAL-GAL-CORNOUAILLE", "insee_code"])
    # Audierne (29003) and Briec (29020), then the 14 communes of Quimper Bretagne Occidentale, Briec
    # among them (pairs are unique)
    assert cornouaille == sorted({"29003", "29020", *members("200068120")})
    assert sorted(t.loc[t["gal_id"] == "GAL-GAL-LILLE", "insee_code"]) == members("200093201")
    assert r.n_gal == 2


def test_workbook_first_sheet_with_identifiers(tmp_path):
    path = tmp_path / "gal.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Périmètres 2023-2027"
    ws.append(["Code GAL", "Nom GAL", "SIREN EPCI"])
    ws.append(["G01", "GAL du Pays de Brest", 242900314])  # a number, as Excel stores a SIREN
    ws.append(["G02", "GAL Lille", "200 093 201"])
    wb.save(path)
    r = gal.read_gal_file(path)
    assert r.ok, [p.message() for p in r.problems]
    assert sorted(r.table["gal_id"].unique()) == ["G01", "G02"]
    assert sorted(r.table.loc[r.table["gal_id"] == "G01", "insee_code"]) == members("242900314")


def test_every_problem_located_and_the_file_refused(tmp_path):
    path = tmp_path / "gal.csv"
    path.write_text("gal_id,gal_name,insee_code,epci_siren\n"
                    "G1,GAL A,Quimpr,\n"              # unknown commune: suggestion
                    "G1,GAL A,,CC du Pays Bigouden Sud\n"  # EPCI by name: known
                    "G2,GAL B,29232,200093201\n"       # Quimper is not in the Lille metropolis: warning
                    "G2,GAL B,29003,\n"                # Audierne already in... no: first time
                    "G3,GAL C,29003,\n"                # Audierne in two GAL: warning
                    ",GAL D,29020,\n"                  # the id column exists: an empty id is an error
                    "G5,GAL E,,\n"                     # neither commune nor EPCI
                    "G6,GAL F,,123\n", encoding="utf-8")  # not a SIREN
    r = gal.read_gal_file(path)
    got = [(p.row, p.column, p.level, p.rule) for p in r.problems]
    assert got == [
        (2, "insee_code", ERROR, "commune inconnue"),
        (4, "epci_siren", WARNING, "la commune Quimper (29232) n'appartient pas à cet EPCI : la commune seule est "
                                   "retenue"),
        (6, "insee_code", WARNING, "commune Audierne (29003) déjà dans le GAL G2 (ligne 5) : elle compte dans les "
                                   "deux"),
        (7, "gal_id", ERROR, "identifiant de GAL manquant"),
        (8, None, ERROR, "ni commune ni EPCI renseigné"),
        (9, "epci_siren", ERROR, "SIREN d'EPCI invalide (9 chiffres attendus)"),
    ]
    assert r.problems[0].suggestion.startswith("Quimper (29232)")
    assert [p.record for p in r.problems] == ["GAL GAL A", "GAL GAL B", "GAL GAL C", "GAL GAL D", "GAL GAL E",
                                             "GAL GAL F"]
    assert not r.ok and r.table.empty  # atomic: nothing is kept


def test_cli_import_gal_is_atomic_archived_and_replaces_previous(tmp_path, capsys):
    db = tmp_path / "fabrique.duckdb"
    build.build(demo.generate(), kind="demo", db_path=db, data_date="2026-10-31", archive=False)
    good = tmp_path / "gal.csv"
    good.write_text("gal_id;gal_name;insee_code;epci_siren\nGAL1;GAL test Cornouaille;29003;\n"
                    "GAL2;GAL test Lille;;200093201\n", encoding="utf-8")
    assert cli(["import-gal", str(good), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "Périmètres LEADER importés : 2 GAL" in out and "Ancienne base archivée" in out
    assert list((tmp_path / "archive").glob("*.duckdb"))
    con = duckdb.connect(str(db), read_only=True)
    # the demo's own (fictitious) GAL, if any, are replaced by the imported ones
    assert con.execute("select gal_id, gal_name from leader_gal order by 1").fetchall() == [
        ("GAL1", "GAL test Cornouaille"), ("GAL2", "GAL test Lille")]
    assert con.execute("select count(*) from leader_communes").fetchone()[0] == 1 + len(members("200093201"))
    assert con.execute("select value from build_info where key = 'dataset_kind'").fetchone()[0] == "demo"
    con.close()
    before = db.read_bytes()
    bad = tmp_path / "faux.csv"
    bad.write_text("gal_id;gal_name;insee_code\nGAL9;GAL faux;99999\n", encoding="utf-8")
    assert cli(["import-gal", str(bad), "--db", str(db), "--report", str(tmp_path / "r.csv")]) == 1
    err = capsys.readouterr().err
    assert "faux.csv, ligne 2 (GAL GAL faux), colonne « insee_code » : « 99999 » — code commune inconnu." in err
    assert "Aucun périmètre importé" in err
    assert db.read_bytes() == before
    assert (tmp_path / "r.csv").read_text(encoding="utf-8-sig").splitlines()[1].startswith("erreur;faux.csv;")


@pytest.mark.parametrize("content, rule", [
    (b"", "fichier vide"),
    (b"gal_id;nom\nG1;GAL\n", "colonnes attendues"),
    (b"\x00\x01\x02garbage", "fichier illisible"),
])
def test_unreadable_gal_files(tmp_path, content, rule):
    path = tmp_path / "gal.csv"
    path.write_bytes(content)
    r = gal.read_gal_file(path)
    assert not r.ok and rule in r.problems[0].rule


def test_formulas_are_refused_and_nothing_else_is_read_from_their_row(tmp_path):
    path = tmp_path / "gal.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["gal_id", "gal_name", "insee_code"])
    ws.append(["G1", "GAL A", "=CONCAT(\"29\";\"003\")"])
    ws.append(["G1", "GAL A", "29020"])
    wb.save(path)
    r = gal.read_gal_file(path)
    assert [(p.row, p.column, p.value, p.rule) for p in r.problems] == [
        (2, "insee_code", '=CONCAT("29";"003")', "formule non acceptée : saisir la valeur elle-même")]
    assert r.table.empty
