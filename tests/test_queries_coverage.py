"""Queries of the « Couverture des contrats » page on the tiny database, with rows computed by hand.

The ten tiny projects (tests/tiny.py) with the contracts their commune lies under (reference data):

    id  year commune            QPV of the project  EPCI (contrat de ville?)  CRTE           PVD ACV  IAE
    P01 2019 29232 Quimper       QN02902M            200068120 yes             crte-53-29-4   .   ACV  yes
    P02 2020 29003 Audierne      -                   242900629 no (no QPV)     crte-53-29-4   PVD .    yes
    P03 2020 29020 Briec         -                   200068120 yes             crte-53-29-4   PVD .    .
    P04 2021 56121 Lorient       QN05604M            200042174 yes             crte-53-56-10  .   ACV  .
    P05 2021 29232 Quimper       -                   200068120 yes             crte-53-29-4   .   ACV  .
    P06 2020 59350 Lille         QN05971M            200093201 yes             crte-32-59-5   .   .    yes
    P07 2021 59009 Villeneuve-d' -                   200093201 yes             crte-32-59-5   .   .    .
    P08 2022 59350 Lille         QN05971M            200093201 yes             crte-32-59-5   .   .    yes
    P09 2022 97411 Saint-Denis   QN97426M            249740119 yes             crte-04-974-4  .   .    .
    P10 2022 97411 Saint-Denis   -                   249740119 yes             crte-04-974-4  .   .    yes

Denominators come from the reference lists (101 départements only): 1,493 QPV (the 1,584 of the 2024 map
less 88 in French Polynesia and 3 in Saint-Martin, outside the COG commune list), 344 EPCI with a QPV
commune, 854 CRTE, 1,646 PVD and 245 ACV communes. In Bretagne (53): 31 QPV, 12 EPCI sous contrat de
ville, 41 CRTE, 135 PVD, 11 ACV; Hauts-de-France (32): 204 QPV; La Réunion (04): 57 QPV; Finistère (29):
9 QPV, 39 PVD communes; Côtes-d'Armor 7 QPV, Ille-et-Vilaine 6, Morbihan 9.
"""
import pytest

from fabrique import build, db
from fabrique.filters import Filters
from tiny import literal_rows, tiny_records

QUERIES = ["coverage/rates", "coverage/contracts", "coverage/project_shares"]
FAMILIES = ["qpv", "ville", "crte", "leader", "pvd", "acv"]
ALL = Filters(2019, 2023)  # every tiny project is detected in 2019-2023


def run(name, tiny_db, f=ALL, **extra):
    return db.run(name, {**f.params(), **extra}, path=tiny_db)


def rows(df, cols):
    """Rows as tuples of plain values (NaN/NA -> None, ratios rounded) so that they can be written literally."""
    return literal_rows(df[cols])


def rates(tiny_db, f=ALL, level="france", family=None):
    return run("coverage/rates", tiny_db, f, level=level, family=family)


RATE_COLS = ["family", "territory_code", "covered_n", "contracts_n", "uncovered_n", "coverage_pct"]


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("name", QUERIES)
def test_header_declares_grain_and_exactly_the_params_used(name):
    sql = db.sql_text(name)
    assert sql.startswith("-- ")
    assert "\n-- grain: one row per" in sql
    assert db.declared_params(sql) == db.used_params(sql)


# ---------------------------------------------------------------- coverage rates, whole perimeter

def test_national_rates(tiny_db):
    # QPV: the projects' QPV codes are QN02902M, QN05604M, QN05971M (P06, P08), QN97426M -> 4.
    # EPCI: 200068120, 200042174, 200093201, 249740119 -> 4 (242900629, Audierne's, has no QPV commune).
    # CRTE: crte-53-29-4, crte-53-56-10, crte-32-59-5, crte-04-974-4 -> 4.
    # PVD: Audierne and Briec -> 2. ACV: Quimper and Lorient -> 2. No GAL file: 0 of 0, rate null.
    assert rows(rates(tiny_db), RATE_COLS) == [
        ("qpv", "FR", 4, 1493, 1489, round(4 / 1493, 4)),
        ("ville", "FR", 4, 344, 340, round(4 / 344, 4)),
        ("crte", "FR", 4, 854, 850, round(4 / 854, 4)),
        ("leader", "FR", 0, 0, 0, None),
        ("pvd", "FR", 2, 1646, 1644, round(2 / 1646, 4)),
        ("acv", "FR", 2, 245, 243, round(2 / 245, 4)),
    ]
    df = rates(tiny_db)
    assert list(df["family_name"]) == ["Quartiers prioritaires (QPV)", "EPCI sous contrat de ville",
                                       "Contrats de ruralité (CRTE)", "LEADER (GAL)", "Petites villes de demain",
                                       "Action cœur de ville"]
    assert set(df["territory_name"]) == {"Ensemble du périmètre"}


def test_rates_bretagne_2021_2022(tiny_db):
    # Bretagne, detected 2021-2022: P04 (Lorient, QPV QN05604M) and P05 (Quimper, no QPV).
    # QPV 1 of 31; EPCI 200042174 + 200068120 = 2 of 12; CRTE crte-53-56-10 + crte-53-29-4 = 2 of 41;
    # PVD none of 135; ACV Lorient + Quimper = 2 of 11.
    f = Filters(2021, 2022, regs=("53",))
    assert rows(rates(tiny_db, f), ["family", "covered_n", "contracts_n"]) == [
        ("qpv", 1, 31), ("ville", 2, 12), ("crte", 2, 41), ("leader", 0, 0), ("pvd", 0, 135), ("acv", 2, 11),
    ]


def test_rates_iae_projects(tiny_db):
    # IAE projects: P01, P02, P06, P08, P10. QPV: QN02902M, QN05971M -> 2. EPCI: 200068120, 200093201,
    # 249740119 -> 3 (P02's EPCI has no QPV). CRTE: 53-29-4, 32-59-5, 04-974-4 -> 3. PVD: Audierne -> 1.
    # ACV: Quimper -> 1. Denominators do not depend on project filters.
    f = Filters(2019, 2023, iae="oui")
    assert rows(rates(tiny_db, f), ["family", "covered_n", "contracts_n"]) == [
        ("qpv", 2, 1493), ("ville", 3, 344), ("crte", 3, 854), ("leader", 0, 0), ("pvd", 1, 1646), ("acv", 1, 245),
    ]


def test_rates_when_no_project_in_period(tiny_db):
    f = Filters(2024, 2024)
    df = rates(tiny_db, f)
    assert df["covered_n"].tolist() == [0] * 6
    assert df["contracts_n"].tolist() == [1493, 344, 854, 0, 1646, 245]


# ---------------------------------------------------------------- by région / département

def test_by_region_rows_with_a_project(tiny_db):
    df = rates(tiny_db, level="reg")
    covered = df[df["covered_n"] > 0]
    assert rows(covered, ["family", "territory_code", "territory_name", "covered_n", "contracts_n"]) == [
        ("qpv", "04", "La Réunion", 1, 57), ("qpv", "32", "Hauts-de-France", 1, 204),
        ("qpv", "53", "Bretagne", 2, 31),
        ("ville", "04", "La Réunion", 1, 5), ("ville", "32", "Hauts-de-France", 1, 39),
        ("ville", "53", "Bretagne", 2, 12),
        ("crte", "04", "La Réunion", 1, 5), ("crte", "32", "Hauts-de-France", 1, 50),
        ("crte", "53", "Bretagne", 2, 41),
        ("pvd", "53", "Bretagne", 2, 135),
        ("acv", "53", "Bretagne", 2, 11),
    ]
    # every région appears for every family, with zeros where nothing is covered
    assert len(df) == 6 * 18


def test_by_department_one_family_inside_the_filter(tiny_db):
    # Bretagne's four départements only; QPV in Finistère: 9 (Kermoysan covered), Morbihan: 9 (Kervenanec Nord).
    df = rates(tiny_db, Filters(2019, 2023, regs=("53",)), level="dep", family="qpv")
    assert rows(df, ["family", "territory_code", "territory_name", "covered_n", "contracts_n"]) == [
        ("qpv", "22", "Côtes-d'Armor", 0, 7), ("qpv", "29", "Finistère", 1, 9),
        ("qpv", "35", "Ille-et-Vilaine", 0, 6), ("qpv", "56", "Morbihan", 1, 9),
    ]


@pytest.mark.parametrize("level", ["reg", "dep"])
@pytest.mark.parametrize("f", [ALL, Filters(2021, 2022, regs=("53",)), Filters(2019, 2023, iae="oui"),
                               Filters(2019, 2023, deps=("59", "974"))])
def test_levels_add_up_to_the_whole(tiny_db, level, f):
    """QPV, EPCI (seat département), PVD and ACV each lie in one territory: rows add up to the whole.
    A CRTE (or GAL) across borders counts in each territory: rows add up to at least the whole."""
    whole = rates(tiny_db, f).set_index("family")
    parts = rates(tiny_db, f, level=level).groupby("family")[["covered_n", "contracts_n"]].sum()
    for family in ["qpv", "ville", "pvd", "acv"]:
        assert parts.loc[family, "covered_n"] == whole.loc[family, "covered_n"], family
        assert parts.loc[family, "contracts_n"] == whole.loc[family, "contracts_n"], family
    for family in ["crte", "leader"]:
        assert parts.loc[family, "covered_n"] >= whole.loc[family, "covered_n"]
        assert parts.loc[family, "contracts_n"] >= whole.loc[family, "contracts_n"]


@pytest.mark.parametrize("level", ["france", "reg", "dep"])
def test_numerator_never_exceeds_denominator(tiny_db, level):
    for f in [ALL, Filters(2021, 2022, regs=("53",)), Filters(2019, 2023, zonages=("rural",))]:
        df = rates(tiny_db, f, level=level)
        assert (df["covered_n"] <= df["contracts_n"]).all()
        assert (df["uncovered_n"] == df["contracts_n"] - df["covered_n"]).all()
        assert df["coverage_pct"].dropna().between(0, 1).all()
        assert df.loc[df["contracts_n"] == 0, "coverage_pct"].isna().all()


# ---------------------------------------------------------------- contracts (map and zones blanches)

def test_covered_qpv_and_crte(tiny_db):
    qpv = run("coverage/contracts", tiny_db, family="qpv", zone_reg=None, zone_dep=None)
    assert rows(qpv[qpv["is_covered"]], ["contract_id", "contract_name", "dep_label", "dep_code", "projects_n"]) == [
        ("QN02902M", "Kermoysan", "Finistère (29)", "29", 1),
        ("QN05604M", "Kervenanec Nord", "Morbihan (56)", "56", 1),
        ("QN05971M", "Secteur Ouest", "Nord (59)", "59", 2),
        ("QN97426M", "Le Bas De La Rivière", "La Réunion (974)", "974", 1),
    ]
    assert qpv.loc[qpv["contract_id"] == "QN05971M", "hover_text"].item() == "Secteur Ouest (QN05971M) · 2 projets"
    assert qpv.loc[qpv["contract_id"] == "QN02902M", "hover_text"].item() == "Kermoysan (QN02902M) · 1 projet"
    crte = run("coverage/contracts", tiny_db, family="crte", zone_reg=None, zone_dep=None)
    # crte-53-29-4 holds Quimper, Audierne and Briec: P01, P02, P03, P05.
    assert rows(crte[crte["is_covered"]], ["contract_id", "projects_n"]) == [
        ("crte-53-29-4", 4), ("crte-53-56-10", 1), ("crte-32-59-5", 3), ("crte-04-974-4", 2),
    ]
    assert crte[["lon", "lat", "dep_code", "dep_label"]].notna().all().all()
    # a CRTE across départements lists them all
    assert crte.loc[crte["contract_id"] == "crte-32-0259-1", "dep_label"].item() == "Aisne (02), Nord (59)"


@pytest.mark.parametrize("f", [ALL, Filters(2021, 2022, regs=("53",)), Filters(2019, 2023, iae="oui"),
                               Filters(2024, 2024)])
@pytest.mark.parametrize("family", FAMILIES)
def test_contract_list_reconciles_with_rates(tiny_db, f, family):
    """The map's list and the rate come from two files: same denominator, same numerator."""
    contracts = run("coverage/contracts", tiny_db, f, family=family, zone_reg=None, zone_dep=None)
    whole = rates(tiny_db, f, family=family).iloc[0]
    assert len(contracts) == whole["contracts_n"]
    assert contracts["contract_id"].is_unique
    assert int(contracts["is_covered"].sum()) == whole["covered_n"]


def test_zone_narrows_the_list(tiny_db):
    # PVD communes of Finistère: 39, of which Audierne and Briec have a project (P02, P03).
    pvd = run("coverage/contracts", tiny_db, family="pvd", zone_reg=None, zone_dep="29")
    assert len(pvd) == 39 and set(pvd["dep_code"]) == {"29"}
    assert rows(pvd[pvd["is_covered"]], ["contract_id", "contract_name", "projects_n"]) == [
        ("29003", "Audierne", 1), ("29020", "Briec", 1),
    ]
    # a région zone gives the same list as the région filter
    by_zone = run("coverage/contracts", tiny_db, family="ville", zone_reg="53", zone_dep=None)
    by_filter = run("coverage/contracts", tiny_db, Filters(2019, 2023, regs=("53",)), family="ville",
                    zone_reg=None, zone_dep=None)
    assert by_zone["contract_id"].tolist() == by_filter["contract_id"].tolist()
    assert len(by_zone) == 12


# ---------------------------------------------------------------- share of projects in each zoning

SHARE_COLS = ["zoning", "projects_n", "total_n", "share_pct"]


def test_project_shares(tiny_db):
    # QPV: P01, P04, P06, P08, P09 = 5. Commune with a QPV: all but Audierne and Briec (P02, P03) = 8.
    # EPCI sous contrat de ville: all but P02 = 9. Rural: Audierne, Briec = 2. PVD: 2. ACV: P01, P04, P05 = 3.
    # CRTE: every tiny commune is in one = 10. GAL: no file imported -> null, not 0.
    assert rows(run("coverage/project_shares", tiny_db), SHARE_COLS) == [
        ("qpv", 5, 10, 0.5), ("qpv_commune", 8, 10, 0.8), ("ville", 9, 10, 0.9), ("rural", 2, 10, 0.2),
        ("pvd", 2, 10, 0.2), ("acv", 3, 10, 0.3), ("crte", 10, 10, 1.0), ("gal", None, 10, None),
    ]


def test_project_shares_iae(tiny_db):
    # IAE: P01, P02, P06, P08, P10. QPV: P01, P06, P08 = 3. Commune with QPV: P01, P06, P08, P10 = 4.
    # Contrat de ville: same 4. Rural, PVD: P02 = 1. ACV: P01 = 1. CRTE: 5.
    assert rows(run("coverage/project_shares", tiny_db, Filters(2019, 2023, iae="oui")), SHARE_COLS) == [
        ("qpv", 3, 5, 0.6), ("qpv_commune", 4, 5, 0.8), ("ville", 4, 5, 0.8), ("rural", 1, 5, 0.2),
        ("pvd", 1, 5, 0.2), ("acv", 1, 5, 0.2), ("crte", 5, 5, 1.0), ("gal", None, 5, None),
    ]


def test_project_shares_empty_period(tiny_db):
    df = run("coverage/project_shares", tiny_db, Filters(2024, 2024))
    assert df["total_n"].tolist() == [0] * 8
    assert df["share_pct"].isna().all()


# ---------------------------------------------------------------- LEADER, once a GAL file is imported

GAL_CSV = """gal_id,gal_name,insee_code
G1,GAL test Cornouaille,29003
G1,GAL test Cornouaille,29020
G2,GAL test Flandre,59009
G3,GAL test Argoat,22278
G3,GAL test Argoat,56178
"""


@pytest.fixture(scope="module")
def gal_db(tmp_path_factory):
    """The tiny records with three GAL: G1 (Audierne, Briec: P02, P03), G2 (Villeneuve-d'Ascq: P07),
    G3 (Saint-Brieuc 22, Pontivy 56: no project, across two départements of Bretagne)."""
    path = tmp_path_factory.mktemp("gal") / "gal.duckdb"
    build.imports_dir(path).mkdir(parents=True)
    (build.imports_dir(path) / build.GAL_FILE).write_text(GAL_CSV, encoding="utf-8")
    build.build(tiny_records(), kind="import", db_path=path, data_date="2023-12-31", archive=False)
    return path


def test_gal_coverage(gal_db):
    assert rows(rates(gal_db, family="leader"), RATE_COLS) == [("leader", "FR", 2, 3, 1, round(2 / 3, 4))]
    # by région: Bretagne holds G1 (covered) and G3; Hauts-de-France G2 (covered)
    by_reg = rates(gal_db, level="reg", family="leader")
    assert rows(by_reg[by_reg["contracts_n"] > 0], ["territory_code", "covered_n", "contracts_n"]) == [
        ("32", 1, 1), ("53", 1, 2)]
    # by département G3 counts in 22 and in 56: four rows for three GAL
    by_dep = rates(gal_db, level="dep", family="leader")
    assert rows(by_dep[by_dep["contracts_n"] > 0], ["territory_code", "covered_n", "contracts_n"]) == [
        ("22", 0, 1), ("29", 1, 1), ("56", 0, 1), ("59", 1, 1)]
    gal = run("coverage/contracts", gal_db, family="leader", zone_reg=None, zone_dep=None)
    assert rows(gal, ["contract_id", "contract_name", "dep_label", "projects_n", "is_covered"]) == [
        ("G3", "GAL test Argoat", "Côtes-d'Armor (22), Morbihan (56)", 0, False),
        ("G1", "GAL test Cornouaille", "Finistère (29)", 2, True),
        ("G2", "GAL test Flandre", "Nord (59)", 1, True),
    ]
    # a GAL in the perimeter as soon as one of its communes is: Morbihan alone keeps G3
    only_56 = run("coverage/contracts", gal_db, Filters(2019, 2023, deps=("56",)), family="leader",
                  zone_reg=None, zone_dep=None)
    assert only_56["contract_id"].tolist() == ["G3"]
    shares = run("coverage/project_shares", gal_db).set_index("zoning")
    assert (shares.loc["gal", "projects_n"], shares.loc["gal", "total_n"]) == (3, 10)  # P02, P03, P07
