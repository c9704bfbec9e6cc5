"""Queries of the « Structures du réseau » page on the tiny database: exact rows, computed by hand.

Reminder of tiny_records() (tests/conftest.py), with the dates that matter:
  S1 Fabrique test Bretagne, appellation, joined 2015, appellation 2018, seat Quimper (29), covers 29 + 56.
  S2 Fabrique test Nord, expérimentation, joined 2020, seat Lille (59), covers 59.
  S3 Fabrique test Réunion, expérimentation, joined 2022, seat Saint-Denis (974), covers 974.
  project  structure  detected    ends                      IAE   jobs / insertion
  P01      S1         2019-03-01  created 2020-09-01        ACI   3.0 / 8.0
  P02      S1         2020-01-15  created 2021-01-15        EI    2.0 / 4.5
  P03      S1         2020-05-01  abandoned 2021-03-01      no
  P04      S1         2021-02-01  (étude d'opportunité)     no
  P05      S1         2021-04-01  created 2022-10-01        no    2.5 / –
  P06      S2         2020-06-01  created 2021-12-01        ACI   4.0 / 12.0
  P07      S2         2021-03-01  abandoned 2021-06-01      no
  P08      S2         2022-01-10  (recherche de porteur)    ETTI
  P09      S3         2022-09-01  (détection)               no
  P10      S3         2022-02-01  created 2023-03-01        AI    1.5 / 6.0
A project is "followed" in a period when detected by its last year and neither created nor abandoned
before its first year.
"""
import math

import pandas as pd
import pytest

from fabrique import db, filters


def run(name, tiny_db, year_from=2019, year_to=2023, **kw):
    extra = {k: kw.pop(k) for k in ["structure_id"] if k in kw}
    params = {**filters.Filters(year_from, year_to, **kw).params(), **extra}
    return db.run(f"structures/{name}", params, path=tiny_db)


def rows(df, cols):
    """Plain tuples, missing values as None, floats rounded (1e-9 noise never matters here)."""
    def plain(v):
        if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, pd.Timestamp):
            return v.date().isoformat()
        if isinstance(v, float):
            return round(v, 6)
        return v.item() if hasattr(v, "item") else v
    return [tuple(plain(v) for v in r) for r in df[cols].itertuples(index=False, name=None)]


LIST_COLS = ["structure_id", "name", "status", "joined_year", "appellation_year", "seat", "departments", "regions",
             "projects_n", "creations_n"]


# ---------------------------------------------------------------- structure_list

def test_structure_list_whole_period(tiny_db):
    # 2019-2023: every project is followed (the earliest end is 2020); creations by year of creation:
    # S1 P01 (2020), P02 (2021), P05 (2022); S2 P06 (2021); S3 P10 (2023).
    assert rows(run("structure_list", tiny_db), LIST_COLS) == [
        ("S1", "Fabrique test Bretagne", "appellation", 2015, 2018, "Quimper (29)",
         "Finistère (29), Morbihan (56)", "Bretagne", 5, 3),
        ("S2", "Fabrique test Nord", "expérimentation", 2020, None, "Lille (59)", "Nord (59)", "Hauts-de-France", 3, 1),
        ("S3", "Fabrique test Réunion", "expérimentation", 2022, None, "Saint-Denis (974)", "La Réunion (974)",
         "La Réunion", 2, 1),
    ]


def test_structure_list_one_year(tiny_db):
    # 2022: S1 follows P04 (open) and P05 (created 2022); P01-P03 ended before 2022. S2 follows P08 only
    # (P06 created and P07 abandoned in 2021). S3 follows P09 and P10 (created 2023, after the period).
    # Creations in 2022: P05 only.
    got = rows(run("structure_list", tiny_db, 2022, 2022), ["structure_id", "projects_n", "creations_n"])
    assert got == [("S1", 2, 1), ("S2", 1, 0), ("S3", 2, 0)]


def test_structure_list_leaves_out_structures_not_yet_joined(tiny_db):
    # 2020-2021: S3 joined in 2022. S2 follows P06 and P07 (P08 detected in 2022); S1 all five.
    got = rows(run("structure_list", tiny_db, 2020, 2021), ["structure_id", "projects_n", "creations_n"])
    assert got == [("S1", 5, 2), ("S2", 2, 1)]


def test_structure_list_project_filter_applies_to_counts(tiny_db):
    # IAE projects only: S1 P01, P02 (both created); S2 P06 (created), P08; S3 P10 (created 2023).
    got = rows(run("structure_list", tiny_db, iae="oui"), ["structure_id", "projects_n", "creations_n"])
    assert got == [("S1", 2, 2), ("S2", 2, 1), ("S3", 1, 1)]


def test_structure_list_structure_filters(tiny_db):
    assert rows(run("structure_list", tiny_db, regs=("53",)), ["structure_id", "projects_n"]) == [("S1", 5)]
    assert rows(run("structure_list", tiny_db, status="experimentation"), ["structure_id"]) == [("S2",), ("S3",)]
    # A structure is in a département when its territory covers it: S1 covers 56 (Morbihan) too.
    assert rows(run("structure_list", tiny_db, deps=("56",)), ["structure_id", "projects_n"]) == [("S1", 1)]


# ---------------------------------------------------------------- territory_departments

def test_territory_departments(tiny_db):
    assert rows(run("territory_departments", tiny_db), ["dep_code", "dep_name", "reg_name", "structures_n",
                                                        "structure_names", "label"]) == [
        ("29", "Finistère", "Bretagne", 1, "Fabrique test Bretagne", "Finistère (29) : Fabrique test Bretagne"),
        ("56", "Morbihan", "Bretagne", 1, "Fabrique test Bretagne", "Morbihan (56) : Fabrique test Bretagne"),
        ("59", "Nord", "Hauts-de-France", 1, "Fabrique test Nord", "Nord (59) : Fabrique test Nord"),
        ("974", "La Réunion", "La Réunion", 1, "Fabrique test Réunion", "La Réunion (974) : Fabrique test Réunion"),
    ]


def test_territory_departments_within_filters(tiny_db):
    # Only the selected département is drawn, even though S1 also covers 56.
    assert rows(run("territory_departments", tiny_db, deps=("29",)), ["dep_code", "structures_n"]) == [("29", 1)]
    # S3 had not joined by 2021.
    assert [r[0] for r in rows(run("territory_departments", tiny_db, 2019, 2021), ["dep_code"])] == ["29", "56", "59"]


# ---------------------------------------------------------------- one structure

def test_structure_profile(tiny_db):
    got = rows(run("structure_profile", tiny_db, structure_id="S1"),
               ["structure_id", "name", "status", "joined_year", "appellation_year", "commune_name", "dep_code",
                "dep_name", "reg_name", "departments", "regions"])
    assert got == [("S1", "Fabrique test Bretagne", "appellation", 2015, 2018, "Quimper", "29", "Finistère",
                    "Bretagne", "Finistère (29), Morbihan (56)", "Bretagne")]
    assert run("structure_profile", tiny_db, structure_id="NOPE").empty


def test_structure_territory(tiny_db):
    df = run("structure_territory", tiny_db, structure_id="S1")
    assert rows(df, ["dep_code", "dep_name", "reg_name", "covered_n"]) == [
        ("29", "Finistère", "Bretagne", 1), ("56", "Morbihan", "Bretagne", 1)]
    # The extent frames the map: Quimper (the seat, -4.09, 48.00) lies inside Finistère's box.
    fin = df.iloc[0]
    assert fin["lon_min"] < -4.09 < fin["lon_max"] and fin["lat_min"] < 48.0 < fin["lat_max"]


BY_YEAR_COLS = ["year", "sessions_n", "studies_n", "partners_n", "creations_n", "jobs_etp", "insertion_jobs_etp"]


def test_structure_by_year(tiny_db):
    # S1 declared activity 2019-2022 (nothing in 2023: missing, not zero); creations P01 2020, P02 2021,
    # P05 2022 (no insertion posts: 0).
    assert rows(run("structure_by_year", tiny_db, structure_id="S1"), BY_YEAR_COLS) == [
        (2019, 10, 5, 100, 0, 0.0, 0.0),
        (2020, 12, 6, 110, 1, 3.0, 8.0),
        (2021, 14, 7, 120, 1, 2.0, 4.5),
        (2022, 16, 8, 130, 1, 2.5, 0.0),
        (2023, None, None, None, 0, 0.0, 0.0),
    ]
    # S3 joined in 2022: its years start there.
    assert rows(run("structure_by_year", tiny_db, structure_id="S3"), BY_YEAR_COLS) == [
        (2022, 3, 1, 20, 0, 0.0, 0.0),
        (2023, 5, 2, 30, 1, 1.5, 6.0),
    ]


def test_structure_totals(tiny_db):
    cols = ["sessions_n", "studies_n", "partners_n", "creations_n", "jobs_etp", "insertion_jobs_etp"]
    # 10+12+14+16 séances, 5+6+7+8 études; partners of 2023: nothing declared.
    assert rows(run("structure_totals", tiny_db, structure_id="S1"), cols) == [(52, 26, None, 3, 7.5, 12.5)]
    assert rows(run("structure_totals", tiny_db, 2019, 2022, structure_id="S1"), cols) == [(52, 26, 130, 3, 7.5, 12.5)]
    # IAE only: S2's activity is not a project figure (4+6+8, 2+3+4); its IAE creation is P06.
    assert rows(run("structure_totals", tiny_db, structure_id="S2", iae="oui"), cols) == [(18, 9, None, 1, 4.0, 12.0)]


PROJECT_COLS = ["project_id", "title", "sector", "place", "stage", "is_created", "detected_on", "study_on",
                "created_on", "abandoned_on", "abandon_reason", "iae", "jobs_etp", "insertion_jobs_etp", "programme"]


def test_structure_projects(tiny_db):
    assert rows(run("structure_projects", tiny_db, 2022, 2022, structure_id="S1"), PROJECT_COLS) == [
        ("P04", "Conciergerie Lorient", "conciergerie seniors", "Lorient (56)", "étude d'opportunité", False,
         "2021-02-01", "2021-08-01", None, None, None, "non", None, None, "Bien vieillir"),
        ("P05", "Auto-école sociale Quimper", "auto-école sociale", "Quimper (29)", "créé", True,
         "2021-04-01", "2021-10-01", "2022-10-01", None, None, "non", 2.5, None, None),
    ]
    whole = run("structure_projects", tiny_db, structure_id="S1")
    assert rows(whole, ["project_id", "stage", "iae"]) == [
        ("P01", "créé", "oui (ACI)"), ("P02", "créé", "oui (EI)"),
        ("P03", "abandonné (étude d'opportunité)", "non"), ("P04", "étude d'opportunité", "non"),
        ("P05", "créé", "non")]
    assert whole[["lon", "lat"]].notna().all().all()


def test_fiche_reconciles_with_the_list(tiny_db):
    """Projects listed and creations year by year add up to the list's counts, for every filter tried."""
    for kw in [{}, {"iae": "oui"}, {"year_from": 2022, "year_to": 2022}, {"zonages": ("qpv",)}]:
        kw = {"year_from": 2019, "year_to": 2023, **kw}
        listed = run("structure_list", tiny_db, **kw).set_index("structure_id")
        for sid, row in listed.iterrows():
            projects = run("structure_projects", tiny_db, structure_id=sid, **kw)
            by_year = run("structure_by_year", tiny_db, structure_id=sid, **kw)
            totals = run("structure_totals", tiny_db, structure_id=sid, **kw).iloc[0]
            assert len(projects) == row["projects_n"], (sid, kw)
            assert by_year["creations_n"].sum() == row["creations_n"] == totals["creations_n"], (sid, kw)
            # Every creation of the period is a followed project already created (some were created later).
            assert totals["creations_n"] <= projects["is_created"].sum() <= row["projects_n"], (sid, kw)
