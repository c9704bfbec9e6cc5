"""Queries and page of « Projets IAE par territoire » on the tiny database, with rows computed by hand.

The five tiny IAE projects (tests/tiny.py), where they lie and what they brought:

    P01 S1 Quimper 29232     EPCI 200068120  reg 53  ACI   QPV        detected 2019  created 2020  3.0 ETP +  8.0 insertion
    P02 S1 Audierne 29003    EPCI 242900629  reg 53  EI    rural      detected 2020  created 2021  2.0 ETP +  4.5 insertion
    P06 S2 Lille 59350       EPCI 200093201  reg 32  ACI   QPV        detected 2020  created 2021  4.0 ETP + 12.0 insertion
    P08 S2 Lille 59350       EPCI 200093201  reg 32  ETTI  QPV        detected 2022  not created
    P10 S3 Saint-Denis 97411 EPCI 249740119  reg 04  AI   (no QPV)    detected 2022  created 2023  1.5 ETP +  6.0 insertion

The other five projects (P03, P04, P05, P07, P09) are not IAE and never count here. Creations, jobs and
insertion posts are those of the cohort (projects detected in the period) created by the end of the period.
Populations are the INSEE municipal populations of the reference tables (COG 2026).
"""
import pandas as pd
import pytest

from fabrique import db
from fabrique.filters import Filters

ALL = Filters(2019, 2023)  # every tiny detection
COLS = ["code", "name", "projects_n", "projects_per_100k", "aci_n", "ei_n", "etti_n", "ai_n", "eiti_n",
        "qpv_n", "rural_n", "creations_n", "jobs_etp", "insertion_jobs_etp"]
POP = {"53": 3449370, "32": 5992194, "04": 889679, "29": 933455, "59": 2615635, "974": 889679,
       "200068120": 102574, "242900629": 15313, "200093201": 1194040, "249740119": 216588,
       "29232": 64385, "29003": 3727, "59350": 238246, "97411": 155634}


def _clean(v):
    if pd.isna(v):
        return None
    if isinstance(v, float):
        return round(v, 4)
    return v.item() if hasattr(v, "item") else v


def by_territory(tiny_db, level, f=ALL, zoom_reg=None, zoom_dep=None, only_with_projects=True):
    df = db.run("iae/by_territory", {**f.params(), "level": level, "zoom_reg": zoom_reg, "zoom_dep": zoom_dep},
                path=tiny_db)
    if only_with_projects:
        df = df[df["projects_n"] > 0]
    return [tuple(_clean(v) for v in rec) for rec in df[COLS].itertuples(index=False)]


def totals(tiny_db, f=ALL, zoom_reg=None, zoom_dep=None) -> dict:
    df = db.run("iae/totals", {**f.params(), "zoom_reg": zoom_reg, "zoom_dep": zoom_dep}, path=tiny_db)
    assert len(df) == 1
    return {k: _clean(v) for k, v in df.iloc[0].items()}


def rate(n, code):
    return round(n * 100000 / POP[code], 4)


# ---------------------------------------------------------------- iae/by_territory

def test_by_region_all(tiny_db):
    # Bretagne: P01 (ACI, QPV) + P02 (EI, rural), both created by 2023: 3.0 + 2.0 ETP, 8.0 + 4.5 insertion.
    # Hauts-de-France: P06 (ACI, QPV, created) + P08 (ETTI, QPV, not created).
    # La Réunion: P10 (AI, created 2023 <= 2023). Ties on projects_n are ordered by name.
    assert by_territory(tiny_db, "reg") == [
        ("53", "Bretagne", 2, rate(2, "53"), 1, 1, 0, 0, 0, 1, 1, 2, 5.0, 12.5),
        ("32", "Hauts-de-France", 2, rate(2, "32"), 1, 0, 1, 0, 0, 2, 0, 1, 4.0, 12.0),
        ("04", "La Réunion", 1, rate(1, "04"), 0, 0, 0, 1, 0, 0, 0, 1, 1.5, 6.0),
    ]


def test_by_region_lists_every_region_for_the_map(tiny_db):
    rows = by_territory(tiny_db, "reg", only_with_projects=False)
    assert len(rows) == 18  # the whole map is drawn, zeros included
    assert [r[0] for r in rows[:3]] == ["53", "32", "04"]
    assert all(r[2] == 0 and r[3] == 0 for r in rows[3:])


def test_by_department_all(tiny_db):
    # Same projects one level down: 29 (P01, P02), 59 (P06, P08), 974 (P10); all 101 départements listed.
    assert len(by_territory(tiny_db, "dep", only_with_projects=False)) == 101
    assert by_territory(tiny_db, "dep") == [
        ("29", "Finistère", 2, rate(2, "29"), 1, 1, 0, 0, 0, 1, 1, 2, 5.0, 12.5),
        ("59", "Nord", 2, rate(2, "59"), 1, 0, 1, 0, 0, 2, 0, 1, 4.0, 12.0),
        ("974", "La Réunion", 1, rate(1, "974"), 0, 0, 0, 1, 0, 0, 0, 1, 1.5, 6.0),
    ]


def test_by_epci_all(tiny_db):
    # EPCI and communes are listed only when they have a project. Lille's métropole has P06 + P08; the
    # three others have one each and follow by name ("CA I..." < "CA Q..." < "CC ...").
    assert by_territory(tiny_db, "epci", only_with_projects=False) == [
        ("200093201", "Métropole Européenne de Lille", 2, rate(2, "200093201"), 1, 0, 1, 0, 0, 2, 0, 1, 4.0, 12.0),
        ("249740119", "CA Intercommunale du Nord de la Réunion (CINOR)", 1, rate(1, "249740119"),
         0, 0, 0, 1, 0, 0, 0, 1, 1.5, 6.0),
        ("200068120", "CA Quimper Bretagne Occidentale", 1, rate(1, "200068120"), 1, 0, 0, 0, 0, 1, 0, 1, 3.0, 8.0),
        ("242900629", "CC Cap Sizun - Pointe du Raz", 1, rate(1, "242900629"), 0, 1, 0, 0, 0, 0, 1, 1, 2.0, 4.5),
    ]


def test_by_commune_all(tiny_db):
    assert by_territory(tiny_db, "commune", only_with_projects=False) == [
        ("59350", "Lille", 2, rate(2, "59350"), 1, 0, 1, 0, 0, 2, 0, 1, 4.0, 12.0),
        ("29003", "Audierne", 1, rate(1, "29003"), 0, 1, 0, 0, 0, 0, 1, 1, 2.0, 4.5),
        ("29232", "Quimper", 1, rate(1, "29232"), 1, 0, 0, 0, 0, 1, 0, 1, 3.0, 8.0),
        ("97411", "Saint-Denis", 1, rate(1, "97411"), 0, 0, 0, 1, 0, 0, 0, 1, 1.5, 6.0),
    ]


def test_zoom_on_bretagne_lists_its_four_departements(tiny_db):
    rows = by_territory(tiny_db, "dep", zoom_reg="53", only_with_projects=False)
    assert [r[0] for r in rows] == ["29", "22", "35", "56"]  # Finistère first (2 projects), then by name
    assert rows[0][:3] == ("29", "Finistère", 2)
    assert all(r[2] == 0 for r in rows[1:])


def test_zoom_on_finistere_by_epci(tiny_db):
    # Drill-down Bretagne -> Finistère -> EPCI: Quimper (P01) and Cap Sizun (P02), 1 each, ordered by name.
    assert by_territory(tiny_db, "epci", zoom_reg="53", zoom_dep="29", only_with_projects=False) == [
        ("200068120", "CA Quimper Bretagne Occidentale", 1, rate(1, "200068120"), 1, 0, 0, 0, 0, 1, 0, 1, 3.0, 8.0),
        ("242900629", "CC Cap Sizun - Pointe du Raz", 1, rate(1, "242900629"), 0, 1, 0, 0, 0, 0, 1, 1, 2.0, 4.5),
    ]


def test_zoom_on_hauts_de_france_by_commune(tiny_db):
    # Villeneuve-d'Ascq (P07) is not IAE: only Lille is listed.
    assert by_territory(tiny_db, "commune", zoom_reg="32", only_with_projects=False) == [
        ("59350", "Lille", 2, rate(2, "59350"), 1, 0, 1, 0, 0, 2, 0, 1, 4.0, 12.0),
    ]


def test_period_2019_2020_counts_creations_by_the_end_of_the_period(tiny_db):
    # Detected 2019-2020: P01, P02, P06. Created by 2020: P01 only (P02 and P06 were created in 2021).
    assert by_territory(tiny_db, "reg", Filters(2019, 2020)) == [
        ("53", "Bretagne", 2, rate(2, "53"), 1, 1, 0, 0, 0, 1, 1, 1, 3.0, 8.0),
        ("32", "Hauts-de-France", 1, rate(1, "32"), 1, 0, 0, 0, 0, 1, 0, 0, 0.0, 0.0),
    ]


def test_filter_siae_aci(tiny_db):
    # ACI projects: P01 (Bretagne) and P06 (Hauts-de-France), both created.
    assert by_territory(tiny_db, "reg", Filters(2019, 2023, siae=("ACI",))) == [
        ("53", "Bretagne", 1, rate(1, "53"), 1, 0, 0, 0, 0, 1, 0, 1, 3.0, 8.0),
        ("32", "Hauts-de-France", 1, rate(1, "32"), 1, 0, 0, 0, 0, 1, 0, 1, 4.0, 12.0),
    ]


def test_filter_region_bretagne_and_rural(tiny_db):
    # regs=53 keeps Bretagne's départements only; zonage rural keeps P02 (Audierne).
    rows = by_territory(tiny_db, "dep", Filters(2019, 2023, regs=("53",), zonages=("rural",)),
                        only_with_projects=False)
    assert [r[0] for r in rows] == ["29", "22", "35", "56"]
    assert rows[0] == ("29", "Finistère", 1, rate(1, "29"), 0, 1, 0, 0, 0, 0, 1, 1, 2.0, 4.5)


def test_filter_hors_iae_gives_nothing(tiny_db):
    # The page forces IAE: with the "Hors IAE" filter no project can match.
    assert by_territory(tiny_db, "reg", Filters(2019, 2023, iae="non")) == []
    assert totals(tiny_db, Filters(2019, 2023, iae="non"))["projects_n"] == 0


# ---------------------------------------------------------------- iae/totals

def test_totals_all(tiny_db):
    t = totals(tiny_db)
    assert {k: t[k] for k in ["projects_n", "aci_n", "ei_n", "etti_n", "ai_n", "eiti_n", "qpv_n", "rural_n",
                              "creations_n", "jobs_etp", "insertion_jobs_etp", "departments_n", "communes_n",
                              "qpv_pct", "rural_pct", "creations_pct"]} == {
        "projects_n": 5, "aci_n": 2, "ei_n": 1, "etti_n": 1, "ai_n": 1, "eiti_n": 0,
        "qpv_n": 3, "rural_n": 1,            # QPV: P01, P06, P08; rural: P02
        "creations_n": 4,                    # P01, P02, P06, P10
        "jobs_etp": 10.5,                    # 3.0 + 2.0 + 4.0 + 1.5
        "insertion_jobs_etp": 30.5,          # 8.0 + 4.5 + 12.0 + 6.0
        "departments_n": 3, "communes_n": 4,
        "qpv_pct": 0.6, "rural_pct": 0.2, "creations_pct": 0.8,
    }


def test_totals_zoom_finistere(tiny_db):
    t = totals(tiny_db, zoom_reg="53", zoom_dep="29")
    assert (t["projects_n"], t["population"], t["projects_per_100k"]) == (2, POP["29"], rate(2, "29"))
    assert (t["creations_n"], t["jobs_etp"], t["insertion_jobs_etp"]) == (2, 5.0, 12.5)


def test_totals_empty_period_has_zero_counts_and_no_share(tiny_db):
    t = totals(tiny_db, Filters(2015, 2018))
    assert (t["projects_n"], t["creations_n"], t["jobs_etp"], t["qpv_pct"]) == (0, 0, 0.0, None)


# ---------------------------------------------------------------- reconciliation

@pytest.mark.parametrize("level", ["reg", "dep", "epci", "commune"])
@pytest.mark.parametrize("zoom", [(None, None), ("53", None), ("53", "29"), ("84", None)])
def test_territories_add_up_to_totals(level, zoom, demo_db):
    """Every level splits the perimeter's projects without loss or double count (demo data)."""
    f = Filters(2015, 2026)
    df = db.run("iae/by_territory", {**f.params(), "level": level, "zoom_reg": zoom[0], "zoom_dep": zoom[1]},
                path=demo_db)
    t = db.run("iae/totals", {**f.params(), "zoom_reg": zoom[0], "zoom_dep": zoom[1]}, path=demo_db).iloc[0]
    for col in ["projects_n", "aci_n", "ei_n", "etti_n", "ai_n", "eiti_n", "qpv_n", "rural_n", "creations_n"]:
        assert df[col].sum() == t[col], col
    for col in ["jobs_etp", "insertion_jobs_etp"]:
        assert df[col].sum() == pytest.approx(t[col]), col
    assert t["projects_n"] > 0
    assert df["code"].is_unique
    # every IAE project has exactly one SIAE type; parts never exceed the whole
    assert (df[["aci_n", "ei_n", "etti_n", "ai_n", "eiti_n"]].sum(axis=1) == df["projects_n"]).all()
    for col in ["qpv_n", "rural_n", "creations_n"]:
        assert (df[col] <= df["projects_n"]).all(), col
