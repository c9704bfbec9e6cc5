"""The « Carnet de projets » query on the tiny database: one row per project created in the period.

Created projects of the tiny set (tests/tiny.py): P01 Quimper 2020-09-01, P02 Audierne 2021-01-15,
P05 Quimper 2022-10-01 (S1, Bretagne), P06 Lille 2021-12-01 (S2, Hauts-de-France), P10 Saint-Denis
2023-03-01 (S3, La Réunion). Zonings from data/reference: Quimper is ACV and holds QPV Kermoysan
(QN02902M); its EPCI (CA Quimper Bretagne Occidentale) has a QPV, so it is a contrat de ville unit;
Audierne is rural and PVD, its EPCI (CC Cap Sizun - Pointe du Raz) has no QPV; their CRTE (Ouest
Cornouaille Odet) is 48.6 % rural, not « à dominante rurale ». Lille: QPV Secteur Ouest (QN05971M),
Métropole Européenne de Lille. Saint-Denis (97411) is FRR, in the CINOR, which has QPV.
"""
import datetime as dt

import pytest

from fabrique import build, db, territory
from fabrique.filters import Filters
from tiny import literal_rows, tiny_records

ALL = Filters(2015, 2023)


def run(path, group_by="structure", f=ALL):
    return db.run("carnet/projects", {**f.params(), "group_by": group_by}, path=path)


def test_header():
    sql = db.sql_text("carnet/projects")
    assert "\n-- grain: one row per project created in the period" in sql
    assert db.declared_params(sql) == db.used_params(sql)


def test_one_row_per_created_project_with_every_card_field(tiny_db):
    df = run(tiny_db).set_index("project_id")
    assert sorted(df.index) == ["P01", "P02", "P05", "P06", "P10"]
    cols = ["title", "structure_name", "commune_name", "epci_name", "dep_name", "reg_name", "sector",
            "detected_on", "study_on", "created_on", "is_iae", "siae_type", "jobs_etp", "insertion_jobs_etp",
            "programme", "qpv_name", "ville_names", "contrat_ville_name", "ruralite_names", "leader_names", "is_rural",
            "is_frr", "is_pvd", "is_acv"]
    got = literal_rows(df.loc[["P01", "P02", "P06", "P10"], cols])
    ts = lambda y, m, d: dt.datetime(y, m, d)  # noqa: E731 (dates come back as timestamps)
    assert got == [
        ("Garage solidaire Quimper", "Fabrique test Bretagne", "Quimper", "CA Quimper Bretagne Occidentale",
         "Finistère", "Bretagne", "garage solidaire", ts(2019, 3, 1), ts(2019, 9, 1), ts(2020, 9, 1), True, "ACI",
         3.0, 8.0, "Garages solidaires", "Kermoysan", "CA Quimper Bretagne Occidentale",
         "CA Quimper Bretagne Occidentale", None, None, False, False, False, True),
        ("Recyclerie Audierne", "Fabrique test Bretagne", "Audierne", "CC Cap Sizun - Pointe du Raz", "Finistère",
         "Bretagne", "recyclerie", ts(2020, 1, 15), ts(2020, 6, 1), ts(2021, 1, 15), True, "EI", 2.0, 4.5, None,
         None, None, None, None, None, True, False, True, False),
        ("Restaurant d'insertion Lille", "Fabrique test Nord", "Lille", "Métropole Européenne de Lille", "Nord",
         "Hauts-de-France", "restauration d'insertion", ts(2020, 6, 1), ts(2020, 12, 1), ts(2021, 12, 1), True,
         "ACI", 4.0, 12.0, None, "Secteur Ouest", "Métropole Européenne de Lille", "Métropole Européenne de Lille",
         None, None, False, False, False, False),
        ("Restauration collective Saint-Denis", "Fabrique test Réunion", "Saint-Denis",
         "CA Intercommunale du Nord de la Réunion (CINOR)", "La Réunion", "La Réunion", "restauration collective",
         ts(2022, 2, 1), ts(2022, 5, 1), ts(2023, 3, 1), True, "AI", 1.5, 6.0, None, None,
         None, "CA Intercommunale du Nord de la Réunion (CINOR)", None, None, False, True, False, False),
    ]


def test_carnet_follows_the_period_and_the_filters(tiny_db):
    assert run(tiny_db, f=Filters(2022, 2022))["project_id"].tolist() == ["P05"]        # created in 2022
    assert sorted(run(tiny_db, f=Filters(2015, 2023, iae="oui"))["project_id"]) == ["P01", "P02", "P06", "P10"]
    assert run(tiny_db, f=Filters(2015, 2023, regs=("32",)))["project_id"].tolist() == ["P06"]
    assert run(tiny_db, f=Filters(2015, 2019)).empty                                    # nothing created yet


@pytest.fixture(scope="module")
def renamed_db(tmp_path_factory):
    """The tiny set with S1 renamed « Fabrique test Z Bretagne », so that structure order and territory
    order differ (S1's région, Bretagne, sorts first; its name now last)."""
    records = tiny_records()
    records["structures"].loc[records["structures"]["structure_id"] == "S1", "name"] = "Fabrique test Z Bretagne"
    path = tmp_path_factory.mktemp("carnet") / "carnet.duckdb"
    build.build(records, kind="import", db_path=path, archive=False)
    return path


def test_order_by_structure(renamed_db):
    # Nord (P06), Réunion (P10), Z Bretagne: Audierne (P02) before Quimper (P01 2020, P05 2022).
    assert run(renamed_db, "structure")["project_id"].tolist() == ["P06", "P10", "P02", "P01", "P05"]


def test_order_by_territory(renamed_db):
    # Bretagne (Audierne P02, Quimper P01 P05), Hauts-de-France (P06), La Réunion (P10).
    assert run(renamed_db, "territoire")["project_id"].tolist() == ["P02", "P01", "P05", "P06", "P10"]


def test_cards_grouped_by_structure_and_by_territory(renamed_db):
    by_structure = territory.carnet_groups(run(renamed_db, "structure"), "structure")
    assert [(g.title, [c.project_id for c in g.cards]) for g in by_structure] == [
        ("Fabrique test Nord (1 création)", ["P06"]),
        ("Fabrique test Réunion (1 création)", ["P10"]),
        ("Fabrique test Z Bretagne (3 créations)", ["P02", "P01", "P05"]),
    ]
    by_place = territory.carnet_groups(run(renamed_db, "territoire"), "territoire")
    assert [g.title for g in by_place] == [
        "Bretagne · Finistère (29) (3 créations)", "Hauts-de-France · Nord (59) (1 création)",
        "La Réunion · La Réunion (974) (1 création)"]


def test_card_of_the_quimper_garage(tiny_db):
    df = run(tiny_db)
    card = territory.card(next(df[df["project_id"] == "P01"].itertuples()), "structure")
    assert card.title == "Garage solidaire Quimper"
    assert card.subtitle == "Quimper (29)"
    assert dict(card.lines) == {
        "Structure": "Fabrique test Bretagne",
        "Commune": "Quimper (29)",
        "Territoires": "CA Quimper Bretagne Occidentale · Finistère · Bretagne",
        "Secteur": "garage solidaire",
        "Détection": "01/03/2019",
        "Étude d'opportunité": "01/09/2019",
        "Création": "01/09/2020",
        "IAE": "oui, ACI (atelier et chantier d'insertion)",
        "Emplois": "3,0 ETP ; postes d'insertion : 8,0 ETP",
        "Programme": "Garages solidaires",
    }
    assert card.zonings == ("QPV Kermoysan", "Contrat de ville : CA Quimper Bretagne Occidentale",
                            "Action cœur de ville")
    # P05, also in Quimper but outside Kermoysan: its commune is under the contract, it does not reach it.
    p05 = territory.card(next(df[df["project_id"] == "P05"].itertuples()), "structure")
    assert p05.zonings == ("Commune du contrat de ville CA Quimper Bretagne Occidentale (projet hors QPV)",
                           "Action cœur de ville")


def test_export_frame_keeps_typed_values(tiny_db):
    out = territory.carnet_export(run(tiny_db))
    assert list(out.columns) == territory.CARNET_EXPORT_COLUMNS
    assert len(out) == 5 and out["jobs_etp"].sum() == pytest.approx(13.0)  # 3 + 2 + 2.5 + 4 + 1.5


def test_carnet_rows_are_refused_to_partner_views(tiny_db):
    from fabrique import data, policy
    with pytest.raises(policy.Refused):
        policy.Policy(policy.PARTNER).apply(data.disclosure("carnet/projects"), run(tiny_db), {})


def test_xlsx_export_has_french_headers_and_the_demo_stamp(tiny_db):
    import datetime as dt
    import io

    from openpyxl import load_workbook

    from fabrique import export
    assert [c for c in territory.CARNET_EXPORT_COLUMNS if c not in export.LABELS] == []
    ctx = export.Context(filters=(("Période", "2015 à 2023"),), exported_at=dt.datetime(2026, 11, 30, 9, 0),
                         data_date="2026-10-31", demo=True)
    wb = load_workbook(io.BytesIO(export.to_xlsx_bytes({"carnet": territory.carnet_export(run(tiny_db))}, ctx)))
    ws = wb["carnet"]
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["Identifiant projet", "Titre du projet", "Identifiant structure", "Structure"]
    assert "CRTE à dominante rurale" in headers and headers[-1] == export.CONTEXT_COLUMN
    assert ws.max_row == 6                                               # header + five created projects
    assert ws.cell(2, len(headers)).value.startswith("DONNÉES FICTIVES")


def test_carnet_pages_keep_whole_group_counts(renamed_db):
    # Pages of two cards, by structure: Nord (P06) + Réunion (P10) | Z Bretagne (P02, P01) | Z Bretagne (P05).
    rows = run(renamed_db, "structure")
    groups, page, pages = territory.carnet_page(rows, "structure", 2, size=2)
    assert (page, pages) == (2, 3)
    assert [(g.title, [c.project_id for c in g.cards]) for g in groups] == [
        ("Fabrique test Z Bretagne (3 créations)", ["P02", "P01"])]
    groups, page, _ = territory.carnet_page(rows, "structure", 99, size=2)   # past the end: the last page
    assert page == 3 and [(g.title, [c.project_id for c in g.cards]) for g in groups] == [
        ("Fabrique test Z Bretagne (3 créations) (suite)", ["P05"])]
    assert territory.carnet_page(rows.iloc[:0], "structure", 1) == ([], 1, 1)
