"""Rules of time on the tiny sets, computed by hand: status at the end of the period, structures that left
the network, the unfinished year, and the figures that share a name.

tiny_more_records() (tests/tiny.py) adds S4 to the tiny set: joined 2016, appellation 2019, last year in
the network 2021 (exit_year). Status by year:

    year  S1 (2015, app. 2018)  S2 (2020)  S3 (2022)  S4 (2016, app. 2019, left after 2021)  active  exp  app
    2016  exp                   -          -          exp                                     2       2    0
    2017  exp                   -          -          exp                                     2       2    0
    2018  app                   -          -          exp                                     2       1    1
    2019  app                   -          -          app                                     2       0    2
    2020  app                   exp        -          app                                     3       1    2
    2021  app                   exp        -          app                                     3       1    2
    2022  app                   exp        exp        -                                       3       2    1
    2023  app                   exp        exp        -                                       3       2    1
"""
import pandas as pd
import pytest

from fabrique import build, db
from fabrique.filters import Filters
from tiny import literal_rows, tiny_more_records


@pytest.fixture(scope="module")
def more_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("more_overview") / "more.duckdb"
    build.build(tiny_more_records(), kind="import", db_path=path, data_date="2023-12-31", archive=False)
    return path


def run(name, path, f, **extra):
    return db.run(name, {**f.params(), **extra}, path=path)


YEAR_COLS = ["year", "structures_n", "experimentation_n", "appellation_n"]


def test_structures_by_year_follow_status_and_exit(more_db):
    assert literal_rows(run("overview/by_year", more_db, Filters(2016, 2023))[YEAR_COLS]) == [
        (2016, 2, 2, 0), (2017, 2, 2, 0), (2018, 2, 1, 1), (2019, 2, 0, 2),
        (2020, 3, 1, 2), (2021, 3, 1, 2), (2022, 3, 2, 1), (2023, 3, 2, 1)]


def test_status_filter_uses_the_status_at_the_end_of_the_period(more_db):
    # appellation at the end of 2023: S1 only (S4 has left) -> S1 each year, expérimentation until 2017.
    assert literal_rows(run("overview/by_year", more_db, Filters(2016, 2023, status="appellation"))[YEAR_COLS]) == [
        (2016, 1, 1, 0), (2017, 1, 1, 0), (2018, 1, 0, 1), (2019, 1, 0, 1),
        (2020, 1, 0, 1), (2021, 1, 0, 1), (2022, 1, 0, 1), (2023, 1, 0, 1)]
    # appellation at the end of 2020: S1 and S4.
    assert literal_rows(run("overview/by_year", more_db, Filters(2016, 2020, status="appellation"))[YEAR_COLS]) == [
        (2016, 2, 2, 0), (2017, 2, 2, 0), (2018, 2, 1, 1), (2019, 2, 0, 2), (2020, 2, 0, 2)]


def kpi(path, f, col="structures_n"):
    return int(run("overview/kpis", path, f).set_index("period").loc["current", col])


def test_status_filter_on_a_past_year(more_db):
    # 2017, expérimentation: S1 (appellation only in 2018) and S4 -> 2. Filtering on today's status gave 0:
    # both hold the appellation today.
    assert kpi(more_db, Filters(2017, 2017, status="experimentation")) == 2
    assert kpi(more_db, Filters(2017, 2017, status="appellation")) == 0
    # 2020: S2 in expérimentation; S1 and S4 with the appellation.
    assert kpi(more_db, Filters(2020, 2020, status="experimentation")) == 1
    assert kpi(more_db, Filters(2020, 2020, status="appellation")) == 2


def test_a_structure_stops_counting_after_it_leaves(more_db):
    kpis = run("overview/kpis", more_db, Filters(2022, 2022)).set_index("period")
    # end of 2022: S1, S2, S3 (S4 left after 2021); end of 2021 (previous period): S1, S2, S4.
    assert (kpis.loc["current", "structures_n"], kpis.loc["previous", "structures_n"]) == (3, 3)
    assert kpi(more_db, Filters(2022, 2022, status="appellation")) == 1           # S1
    assert run("overview/structures_map", more_db, Filters(2022, 2022))["structure_id"].tolist() == ["S1", "S2", "S3"]
    at_2021 = run("overview/structures_map", more_db, Filters(2021, 2021))
    assert literal_rows(at_2021[["structure_id", "status_then"]]) == [
        ("S1", "appellation"), ("S2", "expérimentation"), ("S4", "appellation")]
    # the period 2020-2023 still lists S4 (active in 2020-2021) with its status in its last year
    listed = run("overview/by_structure", more_db, Filters(2020, 2023))
    assert literal_rows(listed[["structure_id", "status_then", "exit_year"]]) == [
        ("S1", "appellation", None), ("S2", "expérimentation", None), ("S3", "expérimentation", None),
        ("S4", "appellation", 2021)]
    structures = run("structures/structure_list", more_db, Filters(2022, 2023))
    assert "S4" not in set(structures["structure_id"])
    territory = run("structures/territory_departments", more_db, Filters(2019, 2022))
    assert territory["dep_code"].tolist() == ["29", "56", "59", "974"]           # not 93 any more


def test_projects_follow_the_status_of_their_structure_at_the_end_of_the_period(more_db):
    def detections(f):
        return int(run("pipeline/kpis", more_db, f)["detections_n"].item())
    # appellation at the end of 2020: S1 and S4; cohort 2020: P02, P03 (S1), P11 (S4); not P06 (S2).
    assert detections(Filters(2020, 2020, status="appellation")) == 3
    # appellation at the end of 2023: S1 only: P01-P05 and P12.
    assert detections(Filters(2019, 2023, status="appellation")) == 6
    assert detections(Filters(2019, 2023)) == 12


def test_structure_fiche_stops_at_the_exit_year(more_db):
    years = run("structures/structure_by_year", more_db, Filters(2019, 2023), structure_id="S4")
    assert literal_rows(years[["year", "sessions_n", "status_then"]]) == [
        (2019, None, "appellation"), (2020, 5, "appellation"), (2021, 4, "appellation")]
    assert db.run("structures/structure_profile", {"structure_id": "S4"}, path=more_db)["exit_year"].item() == 2021


# ---------------------------------------------------------------- the unfinished year

def test_year_range_gives_the_last_complete_year(tiny_db, demo_db):
    tiny = literal_rows(db.run("frame/year_range", path=tiny_db))
    # tiny: data at 31/12/2023, so 2023 is complete and is the default end of the period
    assert tiny == [(2015, 2023, pd.Timestamp(2023, 12, 31), 2023, 2023)]
    demo = db.run("frame/year_range", path=demo_db).iloc[0]
    # demo: data at 31/10/2026, so 2026 is partial; the default period ends in 2025
    assert (demo["year_max"], demo["last_complete_year"], demo["default_year_to"]) == (2026, 2025, 2025)
    assert pd.Timestamp(demo["data_date"]) == pd.Timestamp(2026, 10, 31)


def test_partial_year_is_marked(demo_db):
    by_year = db.run("overview/by_year", Filters(2024, 2026).params(), path=demo_db)
    assert literal_rows(by_year[["year", "is_partial"]]) == [(2024, False), (2025, False), (2026, True)]
    kpis = db.run("overview/kpis", Filters(2024, 2026).params(), path=demo_db).set_index("period")
    assert (bool(kpis.loc["current", "is_partial"]), bool(kpis.loc["previous", "is_partial"])) == (True, False)


# ---------------------------------------------------------------- one name, one figure

def test_declared_studies_and_reached_studies_are_two_figures(tiny_db):
    # Declared by the structures for 2022: S1 8 + S2 4 + S3 1 = 13 « Études d'opportunité déclarées ».
    overview = run("overview/kpis", tiny_db, Filters(2022, 2022)).set_index("period").loc["current"]
    assert (overview["studies_declared_n"], overview["studies_n"]) == (13, 13)
    # Projects of the 2022 cohort that reached the study: P08 (porteur), P10 (créé) = 2, not P09.
    pipeline = run("pipeline/kpis", tiny_db, Filters(2022, 2022)).iloc[0]
    assert pipeline["studies_reached_n"] == 2 and "studies_n" not in pipeline.index   # one name only
    # 2021: « Créations de l'année » = created in 2021: P02 (2021-01-15), P06 (2021-12-01) = 2;
    # « Créations de la cohorte » = detected in 2021 and created since: P05 = 1.
    assert kpi(tiny_db, Filters(2021, 2021), "creations_year_n") == 2
    assert int(run("pipeline/kpis", tiny_db, Filters(2021, 2021))["creations_cohort_n"].item()) == 1
    # Partners: the sum of what each structure declares for the last year: 2022: 130 + 60 + 20 = 210.
    assert overview["partners_declared_n"] == 210


@pytest.mark.parametrize("name, pairs", [
    ("overview/kpis", [("studies_declared_n", "studies_n"), ("creations_year_n", "creations_n"),
                       ("partners_declared_n", "partners_n")]),
    ("overview/by_year", [("studies_declared_n", "studies_n"), ("creations_year_n", "creations_n"),
                          ("partners_declared_n", "partners_n")]),
    ("overview/by_structure", [("studies_declared_n", "studies_n"), ("creations_year_n", "creations_n"),
                               ("partners_declared_n", "partners_n")]),
])
def test_new_names_carry_the_figures_of_the_former_columns(demo_db, name, pairs):
    """The named columns are the figures the pages show today under the former names (kept until they switch)."""
    df = db.run(name, Filters(2015, 2025).params(), path=demo_db)
    for new, old in pairs:
        assert df[new].fillna(-1).tolist() == df[old].fillna(-1).tolist(), (new, old)
