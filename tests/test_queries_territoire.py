"""Queries of the « Fiche territoire » on the tiny database, every network figure computed by hand.

The ten tiny projects (tests/tiny.py), where they lie and what they brought:

    P01 S1 29232 Quimper   QPV QN02902M Kermoysan  créé 2020-09  det 2019  IAE ACI  3.0 ETP, 8.0 insertion
    P02 S1 29003 Audierne  (rural, PVD)            créé 2021-01  det 2020  IAE EI   2.0 ETP, 4.5 insertion
    P03 S1 29020 Briec     (rural, PVD)            abandonné     det 2020
    P04 S1 56121 Lorient   QPV QN05604M            étude         det 2021
    P05 S1 29232 Quimper                           créé 2022-10  det 2021           2.5 ETP
    P06 S2 59350 Lille     QPV QN05971M            créé 2021-12  det 2020  IAE ACI  4.0 ETP, 12.0 insertion
    P07 S2 59009 Villeneuve-d'Ascq                 abandonné     det 2021
    P08 S2 59350 Lille     QPV QN05971M            porteur       det 2022  IAE ETTI
    P09 S3 97411 Saint-Denis QPV QN97426M          détection     det 2022
    P10 S3 97411 Saint-Denis                       créé 2023-03  det 2022  IAE AI   1.5 ETP, 6.0 insertion

Quimper (29232) and Briec (29020) are two of the 14 communes of the EPCI 200068120 « CA Quimper Bretagne
Occidentale » (102,542 inhabitants); Lille and Villeneuve-d'Ascq two of the 95 of the Métropole
Européenne de Lille 200093201. Populations: Quimper 64,385, Finistère 933,455, France 68,350,798
(data/reference/communes.csv; tests/test_territory_reference.py checks them against the file).
Structures: S1 covers 29 and 56 (joined 2015, appellation 2018), S2 covers 59 (2020), S3 974 (2022).
"""
import pytest

from fabrique import config, db
from fabrique.filters import Filters
from tiny import literal_rows

QUERIES = sorted(p.stem for p in (config.QUERIES_DIR / "territoire").glob("*.sql"))
ALL = Filters(2015, 2023)  # every tiny project is detected in 2019-2022


def run(name, tiny_db, niveau, code, f=ALL, **extra):
    df = db.run(f"territoire/{name}", {**f.params(), "niveau": niveau, "code": code, **extra}, path=tiny_db)
    return df


def rows(name, tiny_db, niveau, code, f=ALL, columns=None):
    df = run(name, tiny_db, niveau, code, f)
    return literal_rows(df[columns] if columns else df)


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("name", QUERIES)
def test_header_declares_grain_and_exactly_the_params_used(name):
    sql = db.sql_text(f"territoire/{name}")
    assert sql.startswith("-- ")
    assert "\n-- grain: one row" in sql
    assert db.declared_params(sql) == db.used_params(sql)


# search takes a text, families_loaded no territory: tested in test_territory.py
@pytest.mark.parametrize("name", [q for q in QUERIES if q not in ("search", "families_loaded")])
def test_unknown_territory_gives_no_figure_and_no_error(name, tiny_db):
    df = run(name, tiny_db, "dep", "00")
    if name == "density_profile":        # the seven levels are always listed, with zeros
        assert df["communes_n"].tolist() == [0] * 7
    elif name == "projects_by_stage":    # the seven stages, zeros
        assert df["projects_n"].tolist() == [0] * 7
    elif name == "iae_by_siae_type":     # the five SIAE types of the vocabulary, zeros
        assert df["siae_type"].tolist() == ["ACI", "EI", "ETTI", "AI", "EITI"] and df["projects_n"].sum() == 0
    else:
        assert df.empty


@pytest.mark.parametrize("name", [q for q in QUERIES if q not in ("search", "families_loaded")])
def test_every_query_declares_its_disclosure(name):
    """Each sheet query says how the partner view treats it (fabrique.policy): rows below the département
    are protected where the data layer hands them out, never by the page."""
    from fabrique import policy
    assert policy.Disclosure.parse(db.sql_text(f"territoire/{name}")) is not None


# ---------------------------------------------------------------- structures working there

STRUCT_COLS = ["structure_id", "status", "joined_year", "status_code_end", "seat_commune_name",
               "seat_in_territory", "departments_here", "projects_n", "creations_n"]


def test_structures_of_finistere(tiny_db):
    # S1 covers 29. Projects in 29: P01 P02 P03 P05 (4), created in 2015-2023: P01 P02 P05 (3).
    assert rows("structures", tiny_db, "dep", "29", columns=STRUCT_COLS) == [
        ("S1", "appellation", 2015, "appellation", "Quimper", True, "Finistère (29)", 4, 3)]


def test_structures_of_bretagne_cover_both_departements(tiny_db):
    # S1 covers 29 and 56, both in Bretagne; P01..P05 lie there (5), created: P01 P02 P05 (3).
    assert rows("structures", tiny_db, "reg", "53", columns=STRUCT_COLS) == [
        ("S1", "appellation", 2015, "appellation", "Quimper", True, "Finistère (29), Morbihan (56)", 5, 3)]


def test_structures_of_a_commune_are_those_of_its_departement(tiny_db):
    # Lorient (56121): S1 covers 56, seat in Quimper (outside); P04 detected 2021, not created.
    assert rows("structures", tiny_db, "commune", "56121", columns=STRUCT_COLS) == [
        ("S1", "appellation", 2015, "appellation", "Quimper", False, "Morbihan (56)", 1, 0)]


def test_status_at_the_end_of_the_period(tiny_db):
    # 2016-2017: S1 had joined (2015) but not yet the appellation (2018): its status at the end of the
    # period is « expérimentation » while status (today's) is « appellation ». P01..P05 were detected
    # from 2019: no project.
    assert rows("structures", tiny_db, "dep", "29", Filters(2016, 2017), columns=STRUCT_COLS) == [
        ("S1", "appellation", 2015, "experimentation", "Quimper", True, "Finistère (29)", 0, 0)]
    # S2 joined in 2020: not yet in the network in 2019.
    assert rows("structures", tiny_db, "dep", "59", Filters(2019, 2019)) == []


def test_structures_follow_the_filters(tiny_db):
    # The status filter reads the status at the end of the period: S1 holds the appellation in 2023, so
    # none in 29 for « expérimentation » over 2015-2023, but S1 over 2016-2017 (appellation in 2018).
    assert rows("structures", tiny_db, "dep", "29", Filters(2015, 2023, status="experimentation")) == []
    assert rows("structures", tiny_db, "dep", "29", Filters(2016, 2017, status="experimentation"),
                columns=["structure_id", "status_code_end"]) == [("S1", "experimentation")]
    # IAE filter: the structure stays, its project counts follow (P01 P02 in 29, both created).
    assert rows("structures", tiny_db, "dep", "29", Filters(2015, 2023, iae="oui"),
                columns=["structure_id", "projects_n", "creations_n"]) == [("S1", 2, 2)]


@pytest.fixture(scope="module")
def more_db(tmp_path_factory):
    """tiny_more_records(): the tiny set plus S4 (Seine-Saint-Denis, joined 2016, appellation 2019, left
    after 2021) with P11 in Saint-Denis (93066, QPV QN09328M, EPT Plaine Commune), and P12 in Pontivy."""
    from fabrique import build
    from tiny import tiny_more_records
    path = tmp_path_factory.mktemp("territoire_more") / "more.duckdb"
    build.build(tiny_more_records(), kind="import", db_path=path, data_date="2023-12-31", archive=False)
    return path


def test_a_structure_that_left_counts_until_its_exit_year(more_db):
    # S4 left after 2021: it worked in 93 during 2020-2023 (no status at the end: it had left), not during
    # 2022-2023. P11 (detected 2020 in Saint-Denis) is counted in 2020-2023.
    assert rows("structures", more_db, "dep", "93", Filters(2020, 2023),
                columns=["structure_id", "exit_year", "status_code_end", "projects_n"]) == [("S4", 2021, None, 1)]
    assert rows("structures", more_db, "dep", "93", Filters(2022, 2023)) == []


# ---------------------------------------------------------------- projects by stage

def test_projects_by_stage_of_the_epci(tiny_db):
    # EPCI 200068120 = Quimper + Briec (and 12 communes without project): P01 créé, P03 abandonné, P05 créé.
    assert rows("projects_by_stage", tiny_db, "epci", "200068120") == [
        (1, "detection", "détection", 0, 0.0), (2, "seance", "séance de créativité", 0, 0.0),
        (3, "etude", "étude d'opportunité", 0, 0.0), (4, "porteur", "recherche de porteur", 0, 0.0),
        (5, "amorcage", "amorçage", 0, 0.0), (6, "cree", "créé", 2, 0.6667), (7, "abandon", "abandonné", 1, 0.3333)]


def test_projects_by_stage_follow_the_period(tiny_db):
    # Detected in 2021 in Finistère: P05 only (créé).
    got = rows("projects_by_stage", tiny_db, "dep", "29", Filters(2021, 2021))
    assert [(r[2], r[3]) for r in got if r[3]] == [("créé", 1)]


# ---------------------------------------------------------------- IAE by SIAE type

IAE_COLS = ["siae_type", "projects_n", "creations_n", "jobs_etp", "insertion_jobs_etp"]


def test_iae_by_type_in_bretagne(tiny_db):
    # IAE in 53: P01 ACI (created 2020: 3.0 ETP, 8.0 insertion), P02 EI (created 2021: 2.0, 4.5); every
    # other type of the vocabulary with zeros, in its order.
    assert rows("iae_by_siae_type", tiny_db, "reg", "53", columns=IAE_COLS) == [
        ("ACI", 1, 1, 3.0, 8.0), ("EI", 1, 1, 2.0, 4.5), ("ETTI", 0, 0, 0.0, 0.0), ("AI", 0, 0, 0.0, 0.0),
        ("EITI", 0, 0, 0.0, 0.0)]
    assert rows("iae_by_siae_type", tiny_db, "reg", "53", columns=["siae_name"])[0] == (
        "atelier et chantier d'insertion",)


def test_iae_creations_count_only_by_the_end_of_the_period(tiny_db):
    # 2019-2020: P01 (det 2019, created 2020) counts as created; P02 (det 2020, created 2021) does not.
    assert rows("iae_by_siae_type", tiny_db, "reg", "53", Filters(2019, 2020), columns=IAE_COLS)[:2] == [
        ("ACI", 1, 1, 3.0, 8.0), ("EI", 1, 0, 0.0, 0.0)]


def test_iae_by_type_in_lille(tiny_db):
    # Lille: P06 ACI created 2021 (4.0, 12.0), P08 ETTI not created.
    got = rows("iae_by_siae_type", tiny_db, "commune", "59350", columns=IAE_COLS)
    assert [r for r in got if r[1]] == [("ACI", 1, 1, 4.0, 12.0), ("ETTI", 1, 0, 0.0, 0.0)]


# ---------------------------------------------------------------- zonings and zones blanches

ZONE_COLS = ["family", "zone_id", "zone_name", "communes_total", "communes_here", "population_here"]
HIT_COLS = ["family", "zone_id", "projects_n", "projects_here_n", "projects_qpv_commune_n"]


def test_zones_of_the_quimper_epci(tiny_db):
    # In the order of the families (vocab.CONTRACT_FAMILIES): QPV Kermoysan (Quimper, 64,385 inhabitants);
    # the contrat de ville unit is the EPCI itself (14 communes, 102,542 inhabitants); its CRTE (Ouest
    # Cornouaille Odet) has 48.6 % of its population in rural communes: not "à dominante rurale"; FRR:
    # Quéménéven (1,119 inhabitants); PVD: Briec (5,816); ACV: Quimper.
    assert rows("zones", tiny_db, "epci", "200068120", columns=ZONE_COLS) == [
        ("qpv", "QN02902M", "Kermoysan", 1, 1, 64385),
        ("ville", "200068120", "CA Quimper Bretagne Occidentale", 14, 14, 102542),
        ("frr", "29229", "Quéménéven", 1, 1, 1119),
        ("pvd", "29020", "Briec", 1, 1, 5816),
        ("acv", "29232", "Quimper", 1, 1, 64385),
    ]


def test_zone_projects_of_the_quimper_epci(tiny_db):
    # Kermoysan: P01 by its QPV code. The contrat de ville is reached when a project lies in one of its QPV:
    # P01 only (P03 in Briec and P05 in Quimper lie outside any QPV); the looser figure (a commune of the
    # contract that has a QPV: Quimper) counts P01 and P05. Quéménéven (FRR): no project, a zone blanche.
    # Briec (PVD): P03. Quimper (ACV): P01 P05.
    assert rows("zone_projects", tiny_db, "epci", "200068120", columns=HIT_COLS) == [
        ("acv", "29232", 2, 2, None),
        ("frr", "29229", 0, 0, None),
        ("pvd", "29020", 1, 1, None),
        ("qpv", "QN02902M", 1, 1, None),
        ("ville", "200068120", 1, 1, 2),
    ]


def test_zone_counts_the_whole_zone_and_its_part_here(tiny_db):
    # Briec's contrat de ville is the whole EPCI: reached by P01 (Kermoysan, in Quimper), none of it in Briec.
    assert rows("zones", tiny_db, "commune", "29020", columns=ZONE_COLS) == [
        ("ville", "200068120", "CA Quimper Bretagne Occidentale", 14, 1, 5816),
        ("pvd", "29020", "Briec", 1, 1, 5816)]
    assert rows("zone_projects", tiny_db, "commune", "29020", columns=HIT_COLS) == [
        ("pvd", "29020", 1, 1, None), ("ville", "200068120", 1, 0, 2)]


def test_zonings_of_lille_with_qpv_across_communes(tiny_db):
    # Lille's QPV (qpv_2024_communes.csv), by name: Nouveau Mons (also in Villeneuve-d'Ascq and
    # Mons-en-Barœul: 3 communes), Secteur Nord, Nord Est, Ouest (P06 P08 by qpv_code), Sud (4 communes).
    # Métropole Européenne de Lille: 95 communes; P06 P08 lie in its QPV Secteur Ouest, both in Lille; the
    # looser figure adds P07 (Villeneuve-d'Ascq, a commune with a QPV, Nouveau Mons, but no QPV code).
    got = rows("zones", tiny_db, "commune", "59350", columns=["family", "zone_id", "communes_total", "communes_here"])
    assert got == [
        ("qpv", "QN05978M", 3, 1),   # Nouveau Mons - Les Sarts- Dombrowski
        ("qpv", "QN05974M", 1, 1),   # Secteur Nord
        ("qpv", "QN05973M", 1, 1),   # Secteur Nord Est
        ("qpv", "QN05971M", 1, 1),   # Secteur Ouest
        ("qpv", "QN05972M", 4, 1),   # Secteur Sud: also in 59220, 59346, 59360
        ("ville", "200093201", 95, 1),
    ]
    assert rows("zone_projects", tiny_db, "commune", "59350", columns=HIT_COLS) == [
        ("qpv", "QN05971M", 2, 2, None), ("qpv", "QN05972M", 0, 0, None), ("qpv", "QN05973M", 0, 0, None),
        ("qpv", "QN05974M", 0, 0, None), ("qpv", "QN05978M", 0, 0, None), ("ville", "200093201", 2, 2, 3)]


def test_zonings_follow_the_filters(tiny_db):
    # Not IAE only: P03 (Briec) and P05 (Quimper) in the EPCI; P01 (IAE) no longer reaches Kermoysan nor
    # the contrat de ville (P05 is in Quimper but not in its QPV: the looser figure keeps it).
    got = rows("zone_projects", tiny_db, "epci", "200068120", Filters(2015, 2023, iae="non"),
               columns=["family", "projects_n", "projects_qpv_commune_n"])
    assert got == [("acv", 1, None), ("frr", 0, None), ("pvd", 1, None), ("qpv", 0, None), ("ville", 0, 1)]


def test_the_grand_paris_contract_unit_is_the_ept(more_db):
    # Saint-Denis (93066) is in the EPT Plaine Commune (200057867), which signs the contrat de ville there:
    # P11 lies in its QPV QN09328M and reaches it.
    got = rows("zones", more_db, "commune", "93066", columns=["family", "zone_id", "zone_name"])
    assert ("ville", "200057867", "Plaine Commune") in got
    hits = {(r[0], r[1]): r[2] for r in rows("zone_projects", more_db, "commune", "93066", Filters(2020, 2023),
                                             columns=HIT_COLS)}
    assert hits[("ville", "200057867")] == 1 and hits[("qpv", "QN09328M")] == 1


# ---------------------------------------------------------------- the network here (among its peers)

NET_COLS = ["code", "projects_n", "projects_per_100k", "iae_projects_n", "iae_projects_per_100k", "creations_n",
            "creations_per_100k", "jobs_etp", "insertion_jobs_etp", "jobs_per_100k"]


def test_network_of_quimper_among_the_communes_of_finistere(tiny_db):
    df = run("network_here", tiny_db, "commune", "29232")
    assert len(df) == 277 and set(df["dep_code"]) == {"29"}            # the 277 communes of Finistère
    # Quimper: P01 P05 detected (2 / 64,385 * 100,000 = 3.1063), P01 IAE (1.5532), both created
    # (3.1063), 3.0 + 2.5 = 5.5 ETP (8.5424), insertion 8.0 (P01).
    got = literal_rows(df.loc[df["projects_n"] > 0, NET_COLS])
    assert got == [
        # Audierne (3,727 inhabitants): P02, IAE, created: 1 / 3,727 * 100,000 = 26.8312; 2.0 ETP (53.6625)
        ("29003", 1, 26.8312, 1, 26.8312, 1, 26.8312, 2.0, 4.5, 53.6625),
        # Briec (5,816): P03, abandoned: 1 / 5,816 * 100,000 = 17.1939
        ("29020", 1, 17.1939, 0, 0.0, 0, 0.0, 0.0, 0.0, 0.0),
        ("29232", 2, 3.1063, 1, 1.5532, 2, 3.1063, 5.5, 8.0, 8.5424),
    ]


def test_network_of_the_epci_among_the_epci_of_its_departement(tiny_db):
    import pandas as pd
    communes = pd.read_csv(config.REFERENCE_DIR / "communes.csv", dtype=str)
    df = run("network_here", tiny_db, "epci", "200068120")
    # peers: every EPCI with a commune in Finistère (communes.csv)
    assert sorted(df["code"]) == sorted(communes.loc[communes["dep_code"] == "29", "epci_siren"].dropna().unique())
    # P01 P03 P05 detected: 3 / 102,542 * 100,000 = 2.9256; P01 IAE (0.9752); P01 P05 created (1.9504),
    # 5.5 ETP (5.3637), 8.0 insertion.
    assert literal_rows(df.loc[df["code"] == "200068120", NET_COLS]) == [
        ("200068120", 3, 2.9256, 1, 0.9752, 2, 1.9504, 5.5, 8.0, 5.3637)]


def test_network_of_a_departement_is_its_own_row(tiny_db):
    # Finistère: P01 P02 P03 P05 detected, P01 P02 IAE, P01 P02 P05 created (3.0 + 2.0 + 2.5 = 7.5 ETP,
    # 8.0 + 4.5 = 12.5 insertion). 4 / 933,455 * 100,000 = 0.4285.
    assert rows("network_here", tiny_db, "dep", "29", columns=NET_COLS) == [
        ("29", 4, 0.4285, 2, 0.2143, 3, 0.3214, 7.5, 12.5, 0.8035)]


# ---------------------------------------------------------------- comparison

CMP_COLS = ["role", "level", "code", "population_n", "communes_n", "qpv_n", "structures_n", "network_shown",
            "projects_n", "projects_per_100k", "iae_projects_n", "iae_projects_per_100k",
            "creations_n", "creations_per_100k", "jobs_etp", "insertion_jobs_etp", "jobs_per_100k"]


def test_comparison_of_quimper(tiny_db):
    # Quimper: 1 QPV; S1 works in 29. Its network figures come from network_here (protected among its peers).
    # Finistère: P01 P02 P03 P05 (4 / 933,455 -> 0.4285), IAE P01 P02 (0.2143), created P01 P02 P05
    # (0.3214), 3.0 + 2.0 + 2.5 = 7.5 ETP (0.8035), insertion 8.0 + 4.5 = 12.5; 9 QPV.
    # France: 10 projects (10 / 68,350,798 -> 0.0146), 5 IAE (0.0073), 5 created (P01 P02 P05 P06 P10,
    # 0.0073), 3 + 2 + 2.5 + 4 + 1.5 = 13.0 ETP (0.0190), insertion 8 + 4.5 + 12 + 6 = 30.5; 1,493 QPV
    # in COG communes; the three structures.
    assert rows("comparison", tiny_db, "commune", "29232", columns=CMP_COLS) == [
        ("territoire", "commune", "29232", 64385, 1, 1, 1, False, None, None, None, None, None, None, None, None,
         None),
        ("parent", "dep", "29", 933455, 277, 9, 1, True, 4, 0.4285, 2, 0.2143, 3, 0.3214, 7.5, 12.5, 0.8035),
        ("france", "fr", "FR", 68350798, 34875, 1493, 3, True, 10, 0.0146, 5, 0.0073, 5, 0.0073, 13.0, 30.5,
         0.019),
    ]


def test_comparison_context_columns_of_quimper(tiny_db):
    # Unemployment at the quarter of Quimper's own series (zone d'emploi 5313 Quimper, latest T3 2023):
    # 6.1 %; Finistère and France hors Mayotte at T3 2023: 6.3 % and 7.4 % (CSV rows). Filosofi 2021:
    # Quimper 22,700 €, 13 %. SIAE employees (09/2022): Finistère 1,151 (12.3305 per 10,000), France
    # 146,311 (21.4059); none for a commune.
    cols = ["role", "unemployment_rate_pct", "unemployment_period", "median_income", "poverty_rate_pct",
            "siae_employees_n", "siae_employees_per_10k"]
    assert rows("comparison", tiny_db, "commune", "29232", columns=cols) == [
        ("territoire", 0.061, "T3 2023", 22700.0, 0.13, None, None),
        ("parent", 0.063, "T3 2023", None, None, 1151, 12.3305),
        ("france", 0.074, "T3 2023", None, None, 146311, 21.4059),
    ]


def test_comparison_of_a_departement_is_with_its_region(tiny_db):
    # Finistère vs Bretagne (P01..P05: 5 projects, 3 created) vs France; unemployment at T4 2024:
    # 6.1 %, 5.9 %, 7.3 % (CSV rows).
    got = rows("comparison", tiny_db, "dep", "29",
               columns=["role", "code", "projects_n", "creations_n", "unemployment_rate_pct", "unemployment_period"])
    assert got == [("territoire", "29", 4, 3, 0.061, "T4 2024"), ("parent", "53", 5, 3, 0.059, "T4 2024"),
                   ("france", "FR", 10, 5, 0.073, "T4 2024")]


def test_comparison_inside_a_perimeter_leaves_out_the_rows_that_exceed_it(tiny_db):
    # Filtered (or locked by a partner link) on Bretagne: Finistère and Bretagne are inside, their figures
    # stand; France would count Bretagne's projects only: no network figure.
    got = rows("comparison", tiny_db, "dep", "29", Filters(2015, 2023, regs=("53",)),
               columns=["role", "network_shown", "projects_n", "creations_n", "structures_n"])
    assert got == [("territoire", True, 4, 3, 1), ("parent", True, 5, 3, 1), ("france", False, None, None, 1)]
    # Locked on the Finistère only: the région is wider too.
    got = rows("comparison", tiny_db, "dep", "29", Filters(2015, 2023, deps=("29",)),
               columns=["role", "network_shown", "projects_n"])
    assert got == [("territoire", True, 4), ("parent", False, None), ("france", False, None)]


def test_comparison_of_a_region_has_no_parent(tiny_db):
    assert [r[0] for r in rows("comparison", tiny_db, "reg", "53", columns=["role"])] == ["territoire", "france"]


def test_network_of_a_territory_without_project(tiny_db):
    # Plouhinec (29197, Finistère) has no project: zeros, never an error; S1 still works there.
    assert rows("comparison", tiny_db, "commune", "29197", columns=["role", "structures_n"])[0] == ("territoire", 1)
    got = rows("network_here", tiny_db, "commune", "29197", columns=NET_COLS)
    assert [r for r in got if r[0] == "29197"] == [("29197", 0, 0.0, 0, 0.0, 0, 0.0, 0.0, 0.0, 0.0)]


# ---------------------------------------------------------------- map

def test_communes_map_of_the_epci(tiny_db):
    df = run("communes_map", tiny_db, "epci", "200068120")
    assert len(df) == 14 and df["in_ville"].all()
    cols = ["qpv_count", "in_ville", "in_ruralite", "in_frr", "in_pvd", "in_acv", "is_rural"]
    # Quimper: 1 QPV, ACV. Briec: PVD, rural. Quéménéven: FRR, rural.
    assert literal_rows(df.set_index("insee_code").loc[["29232", "29020", "29229"], cols]) == [
        (1, True, False, False, False, True, False),
        (0, True, False, False, True, False, True),
        (0, True, False, True, False, False, True),
    ]


def test_commune_projects_of_the_epci(tiny_db):
    df = run("commune_projects", tiny_db, "epci", "200068120")
    assert len(df) == 14                                  # every commune, zeros included
    # Quimper: P01 (in a QPV) and P05, both created; Briec: P03 abandoned.
    assert literal_rows(df.loc[df["projects_n"] > 0, ["insee_code", "projects_n", "qpv_projects_n", "creations_n"]]) \
        == [("29020", 1, 0, 0), ("29232", 2, 1, 2)]
    assert df["projects_n"].sum() == 3


# ---------------------------------------------------------------- identity and context on tiny

def test_identity_of_a_commune(tiny_db):
    cols = ["level", "code", "name", "reg_name", "dep_code", "dep_name", "epci_siren", "epci_name", "population_n",
            "communes_n", "rural_communes_n", "rural_population_n"]
    assert rows("identity", tiny_db, "commune", "29020", columns=cols) == [
        ("commune", "29020", "Briec", "Bretagne", "29", "Finistère", "200068120", "CA Quimper Bretagne Occidentale",
         5816, 1, 1, 5816)]


def test_identity_of_the_epci(tiny_db):
    # 14 communes, 102,542 inhabitants; all but Quimper are rural: 102,542 - 64,385 = 38,157 (0.3721).
    cols = ["level", "dep_code", "epci_siren", "departments", "population_n", "communes_n", "rural_communes_n",
            "rural_communes_pct", "rural_population_n", "rural_population_pct"]
    assert rows("identity", tiny_db, "epci", "200068120", columns=cols) == [
        ("epci", "29", None, "Finistère (29)", 102542, 14, 13, 0.9286, 38157, 0.3721)]


def test_context_of_the_epci(tiny_db):
    # Main zone d'emploi: 5313 Quimper holds all 102,542 inhabitants. Finistère's SIAE: 1,151 in 09/2022,
    # 1,172 in 09/2021, 1,179 in 09/2017. Filosofi: EPCI 23,050 €, 11.4 %.
    df = run("context", tiny_db, "epci", "200068120")
    got = literal_rows(df[["indicator", "geo_role", "geo_code", "coverage_pct", "period_label", "value",
                           "period_1y_label", "value_1y", "period_5y_label", "value_5y", "status"]])
    assert got == [
        ("unemployment_rate", "zone_emploi", "5313", 1.0, "T3 2023", 0.061, "T3 2022", 0.06, "T3 2018", 0.078, "ok"),
        ("unemployment_rate", "departement", "29", None, "T4 2024", 0.061, "T4 2023", 0.064, "T4 2019", 0.071, "ok"),
        ("unemployment_rate", "france", "FR", None, "T4 2024", 0.073, "T4 2023", 0.075, "T4 2019", 0.082, "ok"),
        ("median_income", "territoire", "200068120", None, "2021", 23050.0, None, None, None, None, "ok"),
        ("poverty_rate", "territoire", "200068120", None, "2021", 0.114, None, None, None, None, "ok"),
        ("siae_employees", "departement", "29", None, "09/2022", 1151.0, "09/2021", 1172.0, "09/2017", 1179.0, "ok"),
        ("siae_employees", "france", "FR", None, "09/2022", 146311.0, "09/2021", 146874.0, "09/2017", 139666.0, "ok"),
        # 1,151 * 10,000 / 933,455 = 12.3305; 1,172 -> 12.5555; 1,179 -> 12.6305
        ("siae_employees_per_10k", "departement", "29", None, "09/2022", 12.3305, "09/2021", 12.5555,
         "09/2017", 12.6305, "ok"),
        # 146,311 * 10,000 / 68,350,798 = 21.4059; 146,874 -> 21.4883; 139,666 -> 20.4337
        ("siae_employees_per_10k", "france", "FR", None, "09/2022", 21.4059, "09/2021", 21.4883,
         "09/2017", 20.4337, "ok"),
    ]


def test_context_says_secret_and_absent(tiny_db):
    df = run("context", tiny_db, "commune", "01001").set_index(["indicator", "geo_role"])
    # L'Abergement-Clémenciat: listed by Filosofi (median 25,820 €) but its poverty rate is secret.
    assert df.loc[("median_income", "territoire"), "value"] == 25820
    assert df.loc[("poverty_rate", "territoire"), "status"] == "secret"
    # Mayotte: no unemployment series at all.
    may = run("context", tiny_db, "dep", "976").set_index(["indicator", "geo_role"])
    assert may.loc[("unemployment_rate", "departement"), "status"] == "absent"
    # Guadeloupe's EPCI are not in Filosofi.
    gua = run("context", tiny_db, "epci", "200018653").set_index(["indicator", "geo_role"])
    assert gua.loc[("poverty_rate", "territoire"), "status"] == "absent"


def test_overseas_region_takes_its_departement_series(tiny_db):
    # La Réunion (04) = département 974: same unemployment series.
    reg = run("context", tiny_db, "reg", "04").set_index(["indicator", "geo_role"])
    dep = run("context", tiny_db, "dep", "974").set_index(["indicator", "geo_role"])
    assert reg.loc[("unemployment_rate", "region"), "value"] == dep.loc[("unemployment_rate", "departement"), "value"]
