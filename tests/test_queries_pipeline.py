"""Queries of the « Parcours des projets » page on the tiny database, with rows computed by hand.

The ten tiny projects (tests/conftest.py), with the furthest step each reached (rank in schema.STAGES:
1 détection, 2 séance, 3 étude, 4 porteur, 5 amorçage, 6 créé), cohort = year of detection, and the
delay detection -> creation in days / 30.4375:

    P01 S1 29 garage solidaire       créé                  rank 6  2019  550 d = 18.07 months  IAE
    P02 S1 29 recyclerie             créé                  rank 6  2020  366 d = 12.02 months  IAE
    P03 S1 29 tiers-lieu             abandonné at étude    rank 3  2020  pas de porteur trouvé
    P04 S1 56 conciergerie seniors   étude d'opportunité   rank 3  2021
    P05 S1 29 auto-école sociale     créé                  rank 6  2021  548 d = 18.00 months
    P06 S2 59 restauration d'insert. créé                  rank 6  2020  548 d = 18.00 months  IAE
    P07 S2 59 mobilité               abandonné at détection rank 1  2021  besoin déjà couvert
    P08 S2 59 commerce de proximité  recherche de porteur  rank 4  2022                       IAE
    P09 S3 974 salon de beauté       détection             rank 1  2022
    P10 S3 974 restauration collect. créé                  rank 6  2022  393 d = 12.91 months  IAE

Bretagne (reg 53) = P01..P05 (S1). IAE = P01, P02, P06, P08, P10.
"""

import duckdb

import pytest

from fabrique import config, db, schema
from fabrique.filters import Filters
from tiny import literal_rows

QUERIES = sorted(p.stem for p in (config.QUERIES_DIR / "pipeline").glob("*.sql"))
ALL = Filters(2015, 2023)  # the whole tiny range: every project, cohorts 2019 to 2022


def rows(name, tiny_db, f=ALL):
    """Result rows as tuples, NaN/None read as None so that expected rows can be written literally."""
    df = db.run(f"pipeline/{name}", f.params(), path=tiny_db)
    return list(df.columns), literal_rows(df)


# ---------------------------------------------------------------- headers and shared definition

@pytest.mark.parametrize("name", QUERIES)
def test_header_declares_grain_and_exactly_the_params_used(name):
    sql = db.sql_text(f"pipeline/{name}")
    assert sql.startswith("-- "), "opens with a comment saying its purpose"
    assert "\n-- grain: one row per" in sql or "\n-- grain: one row\n" in sql
    assert db.declared_params(sql) == db.used_params(sql)
    assert "$year_from" in sql and "$year_to" in sql  # the period selects cohorts


def test_stage_order_follows_schema(tiny_db):
    """The "reached a step" rule lives once, in project_facts.reached_rank over the stage_order table."""
    con = duckdb.connect(str(tiny_db), read_only=True)
    try:
        order = con.execute("select stage from stage_order order by stage_rank").fetchall()
        reached = dict(con.execute("select project_id, reached_rank from project_facts").fetchall())
    finally:
        con.close()
    assert [s for (s,) in order] == schema.STAGES
    # P03 abandoned at the study (3), P07 at detection (1), P04 in study (3), P08 looking for a carrier (4).
    assert (reached["P03"], reached["P07"], reached["P04"], reached["P08"], reached["P01"]) == (3, 1, 3, 4, 6)


# ---------------------------------------------------------------- kpis

# studies_reached_n « Projets arrivés à l'étude d'opportunité », creations_cohort_n « Créations de la cohorte ».
KPI_COLUMNS = ["detections_n", "studies_reached_n", "creations_cohort_n", "abandons_n", "studies_per_detection_pct",
               "creations_per_study_pct", "median_months_n"]


def test_kpis_all(tiny_db):
    # 10 detected; rank >= 3: all but P07 and P09 = 8; created: P01 P02 P05 P06 P10 = 5; abandoned P03 P07.
    # Median of 12.02, 12.91, 18.00, 18.00, 18.07 = 18.00 -> 18 months.
    assert rows("kpis", tiny_db) == (KPI_COLUMNS, [(10, 8, 5, 2, 0.8, 0.625, 18)])


def test_kpis_bretagne(tiny_db):
    # P01..P05: all reached the study (P03 abandoned there); created P01 P02 P05; median(18.07, 12.02, 18.00).
    assert rows("kpis", tiny_db, Filters(2015, 2023, regs=("53",)))[1] == [(5, 5, 3, 1, 1.0, 0.6, 18)]


def test_kpis_iae(tiny_db):
    # P01 P02 P06 P08 P10: all studied; created all but P08; median(12.02, 12.91, 18.00, 18.07) = 15.46 -> 15.
    assert rows("kpis", tiny_db, Filters(2015, 2023, iae="oui"))[1] == [(5, 5, 4, 0, 1.0, 0.8, 15)]


def test_kpis_one_cohort(tiny_db):
    # Cohort 2021 only: P04 (étude), P05 (créé, 18.00 months), P07 (abandoned at détection).
    assert rows("kpis", tiny_db, Filters(2021, 2021))[1] == [(3, 2, 1, 1, 0.6667, 0.5, 18)]


def test_kpis_no_project_means_zero_counts_and_no_rate(tiny_db):
    # No project detected in 2015-2018: one row, zero counts, rates and delay empty (nullif, no division by 0).
    assert rows("kpis", tiny_db, Filters(2015, 2018))[1] == [(0, 0, 0, 0, None, None, None)]


# ---------------------------------------------------------------- by cohort

def test_by_cohort_all(tiny_db):
    cols, got = rows("by_cohort", tiny_db)
    assert cols == ["cohort_year", *KPI_COLUMNS, "is_partial"]
    # data at 31/12/2023: every cohort year is complete (is_partial false)
    assert got == [
        (2019, 1, 1, 1, 0, 1.0, 1.0, 18, False),         # P01
        (2020, 3, 3, 2, 1, 1.0, 0.6667, 15, False),      # P02 P03 P06; median(12.02, 18.00) = 15.01
        (2021, 3, 2, 1, 1, 0.6667, 0.5, 18, False),      # P04 P05 P07
        (2022, 3, 2, 1, 0, 0.6667, 0.5, 13, False),      # P08 P09 P10; P10 12.91 -> 13
    ]


def test_by_cohort_iae(tiny_db):
    assert rows("by_cohort", tiny_db, Filters(2015, 2023, iae="oui"))[1] == [
        (2019, 1, 1, 1, 0, 1.0, 1.0, 18, False),         # P01
        (2020, 2, 2, 2, 0, 1.0, 1.0, 15, False),         # P02 P06
        (2022, 2, 2, 1, 0, 1.0, 0.5, 13, False),         # P08 P10
    ]


def test_by_cohort_adds_up_to_kpis(tiny_db):
    for f in (ALL, Filters(2015, 2023, regs=("53",)), Filters(2020, 2022, iae="non")):
        df = db.run("pipeline/by_cohort", f.params(), path=tiny_db)
        k = db.run("pipeline/kpis", f.params(), path=tiny_db).iloc[0]
        for c in ("detections_n", "studies_reached_n", "creations_cohort_n", "abandons_n"):
            assert df[c].sum() == k[c], c
        assert (df["creations_cohort_n"] <= df["studies_reached_n"]).all() and (df["studies_reached_n"] <= df["detections_n"]).all()


# ---------------------------------------------------------------- stages

def test_reached_by_stage_all(tiny_db):
    assert rows("reached_by_stage", tiny_db) == (["stage_rank", "stage", "reached_n", "reached_pct"], [
        (1, "détection", 10, 1.0),
        (2, "séance de créativité", 8, 0.8),    # rank >= 2: all but P07 (abandoned at détection) and P09
        (3, "étude d'opportunité", 8, 0.8),     # nobody stopped at séance: same 8 (P03 abandoned here counts)
        (4, "recherche de porteur", 6, 0.6),    # created five + P08
        (5, "amorçage", 5, 0.5),
        (6, "créé", 5, 0.5),
    ])


def test_reached_by_stage_matches_kpis(tiny_db):
    for f in (ALL, Filters(2020, 2020), Filters(2015, 2023, iae="non")):
        reached = db.run("pipeline/reached_by_stage", f.params(), path=tiny_db).set_index("stage")["reached_n"]
        k = db.run("pipeline/kpis", f.params(), path=tiny_db).iloc[0]
        assert reached["détection"] == k["detections_n"]
        assert reached["étude d'opportunité"] == k["studies_reached_n"]
        assert reached["créé"] == k["creations_cohort_n"]
        assert reached.is_monotonic_decreasing


def test_current_by_stage_all(tiny_db):
    assert rows("current_by_stage", tiny_db) == (["stage_rank", "stage", "projects_n", "share_pct"], [
        (1, "détection", 1, 0.1),               # P09
        (2, "séance de créativité", 0, 0.0),
        (3, "étude d'opportunité", 1, 0.1),     # P04
        (4, "recherche de porteur", 1, 0.1),    # P08
        (5, "amorçage", 0, 0.0),
        (6, "créé", 5, 0.5),
        (7, "abandonné", 2, 0.2),               # P03 P07
    ])


def test_current_by_stage_empty_period(tiny_db):
    assert [r[2:] for r in rows("current_by_stage", tiny_db, Filters(2015, 2018))[1]] == [(0, None)] * 7


def test_abandons_by_stage_all(tiny_db):
    assert rows("abandons_by_stage", tiny_db) == (
        ["stage_rank", "stage", "abandoned_n", "reached_n", "abandon_pct"], [
            (1, "détection", 1, 10, 0.1),              # P07
            (2, "séance de créativité", 0, 8, 0.0),
            (3, "étude d'opportunité", 1, 8, 0.125),   # P03
            (4, "recherche de porteur", 0, 6, 0.0),
            (5, "amorçage", 0, 5, 0.0),
        ])
    assert [r[1] for r in rows("abandons_by_stage", tiny_db)[1]] == schema.ABANDON_STAGES


def test_abandons_by_stage_bretagne(tiny_db):
    assert rows("abandons_by_stage", tiny_db, Filters(2015, 2023, regs=("53",)))[1] == [
        (1, "détection", 0, 5, 0.0),
        (2, "séance de créativité", 0, 5, 0.0),
        (3, "étude d'opportunité", 1, 5, 0.2),         # P03 of P01..P05
        (4, "recherche de porteur", 0, 3, 0.0),        # P01 P02 P05
        (5, "amorçage", 0, 3, 0.0),
    ]


def test_abandons_by_reason(tiny_db):
    assert rows("abandons_by_reason", tiny_db) == (["abandon_reason", "abandons_n", "share_pct"], [
        ("besoin déjà couvert", 1, 0.5),      # P07
        ("pas de porteur trouvé", 1, 0.5),    # P03
    ])
    assert rows("abandons_by_reason", tiny_db, Filters(2021, 2023))[1] == [("besoin déjà couvert", 1, 1.0)]
    assert rows("abandons_by_reason", tiny_db, Filters(2015, 2023, iae="oui"))[1] == []


def test_abandon_parts_add_up(tiny_db):
    for f in (ALL, Filters(2020, 2021), Filters(2015, 2023, regs=("32",))):
        k = db.run("pipeline/kpis", f.params(), path=tiny_db).iloc[0]
        by_stage = db.run("pipeline/abandons_by_stage", f.params(), path=tiny_db)
        by_reason = db.run("pipeline/abandons_by_reason", f.params(), path=tiny_db)
        assert by_stage["abandoned_n"].sum() == by_reason["abandons_n"].sum() == k["abandons_n"]
        assert (by_stage["abandoned_n"] <= by_stage["reached_n"]).all()


# ---------------------------------------------------------------- by sector

def test_by_sector_all(tiny_db):
    cols, got = rows("by_sector", tiny_db)
    assert cols == ["sector", "detections_n", "studies_reached_n", "creations_cohort_n", "abandons_n",
                    "studies_per_detection_pct", "creations_per_study_pct", "creations_per_detection_pct"]
    # One project per sector: ordered by detections, then creations, then name.
    assert got == [
        ("auto-école sociale", 1, 1, 1, 0, 1.0, 1.0, 1.0),
        ("garage solidaire", 1, 1, 1, 0, 1.0, 1.0, 1.0),
        ("recyclerie", 1, 1, 1, 0, 1.0, 1.0, 1.0),
        ("restauration collective", 1, 1, 1, 0, 1.0, 1.0, 1.0),
        ("restauration d'insertion", 1, 1, 1, 0, 1.0, 1.0, 1.0),
        ("commerce de proximité", 1, 1, 0, 0, 1.0, 0.0, 0.0),     # P08 at recherche de porteur
        ("conciergerie seniors", 1, 1, 0, 0, 1.0, 0.0, 0.0),      # P04 at étude
        ("mobilité", 1, 0, 0, 1, 0.0, None, 0.0),                 # P07: no study, no rate
        ("salon de beauté solidaire", 1, 0, 0, 0, 0.0, None, 0.0),  # P09 at détection
        ("tiers-lieu", 1, 1, 0, 1, 1.0, 0.0, 0.0),                # P03 abandoned at étude
    ]


def test_by_sector_nord_2021(tiny_db):
    # Nord (reg 32) cohort 2021: P07 only.
    assert rows("by_sector", tiny_db, Filters(2021, 2021, regs=("32",)))[1] == [
        ("mobilité", 1, 0, 0, 1, 0.0, None, 0.0)]


def test_by_sector_adds_up_to_kpis(tiny_db):
    df = db.run("pipeline/by_sector", ALL.params(), path=tiny_db)
    k = db.run("pipeline/kpis", ALL.params(), path=tiny_db).iloc[0]
    for c in ("detections_n", "studies_reached_n", "creations_cohort_n", "abandons_n"):
        assert df[c].sum() == k[c], c


# ---------------------------------------------------------------- the page

def test_page_tiles_on_tiny(tiny_db, use_db):
    from test_pages import run_page, texts

    use_db(tiny_db)
    at = run_page("parcours.py")
    assert not at.exception, [e.value for e in at.exception]
    tiles = {m.label: m.value for m in at.metric}
    assert tiles == {
        "Projets détectés": "10", "Projets arrivés à l'étude d'opportunité": "8", "Créations de la cohorte": "5",
        "Taux études / détections": "80,0\u00a0%", "Taux créations / études": "62,5\u00a0%",
        "Délai médian de création": "18 mois",
    }
    assert "par cohorte" in "\n".join(i.value for i in at.info)
    assert "Taux études / détections : 8 sur 10 ; taux créations / études : 5 sur 8." in texts(at)


def test_page_one_cohort_from_link(tiny_db, use_db):
    from test_pages import run_page

    use_db(tiny_db)
    at = run_page("parcours.py", {"annees": "2021", "reg": "53"})
    assert not at.exception, [e.value for e in at.exception]
    # Bretagne, cohort 2021: P04 (étude) and P05 (créé after 18 months).
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Projets détectés"] == "2" and tiles["Créations de la cohorte"] == "1"
    assert tiles["Taux créations / études"] == "50,0\u00a0%"


def test_page_empty_cohorts(tiny_db, use_db):
    from test_pages import run_page

    use_db(tiny_db)
    at = run_page("parcours.py", {"annees": "2015-2018"})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.metric
    assert any("Aucun projet détecté" in i.value for i in at.info)
