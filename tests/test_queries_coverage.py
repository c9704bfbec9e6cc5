"""Queries of the « Couverture des contrats » page on the tiny database, with rows computed by hand.

The ten tiny projects (tests/tiny.py) with the contracts their commune lies under (reference data):

    id  year stage        commune            QPV of the project  contrat de ville (unit)  CRTE (rural share)     FRR PVD ACV IAE
    P01 2019 créé         29232 Quimper       QN02902M            200068120                crte-53-29-4 (48.6 %)  .   .   ACV yes
    P02 2020 créé         29003 Audierne      -                   - (EPCI without QPV)     crte-53-29-4           .   PVD .   yes
    P03 2020 aband. étude 29020 Briec         -                   200068120                crte-53-29-4           .   PVD .   .
    P04 2021 étude        56121 Lorient       QN05604M            200042174                crte-53-56-10 (15.8 %) .   .   ACV .
    P05 2021 créé         29232 Quimper       -                   200068120                crte-53-29-4           .   .   ACV .
    P06 2020 créé         59350 Lille         QN05971M            200093201                crte-32-59-5 (1.2 %)   .   .   .   yes
    P07 2021 aband. dét.  59009 Villeneuve-d' -                   200093201                crte-32-59-5           .   .   .   .
    P08 2022 porteur      59350 Lille         QN05971M            200093201                crte-32-59-5           .   .   .   yes
    P09 2022 détection    97411 Saint-Denis   QN97426M            249740119                crte-04-974-4 (0 %)    FRR .   .   .
    P10 2022 créé         97411 Saint-Denis   -                   249740119                crte-04-974-4          FRR .   .   yes

No tiny project lies in a CRTE à dominante rurale (at least half of the municipal population in rural
communes): Ouest Cornouaille Odet is at 108,520 / 223,251 = 48.6 %. Saint-Denis (97411) is « classée FRR
partiellement ». A contrat de ville is reached when a project lies in one of its QPV (by QPV code), so
P05, P07 and P10, in communes that have a QPV but carry no QPV code, reach none: they are the QPV
data-quality count. The looser figure (a project in a commune of the contract that has a QPV) reaches the
four units 200068120, 200042174, 200093201, 249740119.

Denominators come from the reference lists (101 départements only): 1,493 QPV (the 1,584 of the 2024 map
less 88 in French Polynesia and 3 in Saint-Martin, outside the COG commune list); 354 contrats de ville
(343 EPCI with a QPV commune outside the Métropole du Grand Paris, 10 of its 11 EPT (Grand Paris Seine Ouest
has no QPV) and Paris); 550 CRTE à dominante rurale of the 854; 19,934 FRR communes; 1,646 PVD and 245 ACV
communes. In Bretagne (53): 31 QPV, 12 contrats de ville, 33 rural CRTE, 397 FRR, 135 PVD, 11 ACV;
Hauts-de-France (32): 204 QPV, 39 contrats de ville; La Réunion (04): 57 QPV, 5 contrats de ville, 23 FRR
communes; Finistère (29): 9 QPV, 39 PVD communes; Côtes-d'Armor 7 QPV, Ille-et-Vilaine 6, Morbihan 9.
The network's départements (perimetre=reseau, structures active in 2019-2023: 29, 56, 59, 974) hold 169 QPV
(9 + 9 + 94 + 57), 24 contrats de ville (3 + 3 + 13 + 5 EPCI by seat), 17 rural CRTE, 259 FRR, 95 PVD, 18 ACV.
(Counts of the reference CSVs; test_reference_counts_behind_the_denominators recounts the rural CRTE.)
"""
import pandas as pd
import pytest

from fabrique import build, config, db
from fabrique.filters import Filters
from tiny import literal_rows, tiny_more_records, tiny_records

QUERIES = ["coverage/project_shares", "coverage/contract_rates", "coverage/contract_list",
           "coverage/network_presence"]
FAMILIES = ["qpv", "ville", "ruralite", "frr", "leader", "pvd", "acv"]     # vocab.CONTRACT_FAMILIES
NEW_FAMILIES = ["qpv", "ville", "ruralite", "frr", "leader", "pvd", "acv"]  # vocab.CONTRACT_FAMILIES
ALL = Filters(2019, 2023)  # every tiny project is detected in 2019-2023


def run(name, tiny_db, f=ALL, **extra):
    return db.run(name, {**f.params(), **extra}, path=tiny_db)


def rows(df, cols):
    """Rows as tuples of plain values (NaN/NA -> None, ratios rounded) so that they can be written literally."""
    return literal_rows(df[cols])


def rates(tiny_db, f=ALL, level="france", family=None):
    """Rates with France as the denominator and detection as the threshold (the former default page)."""
    return run("coverage/contract_rates", tiny_db, f, level=level, family=family, perimetre="france",
               seuil="detection")


def contract_rates(tiny_db, f=ALL, level="france", family=None, perimetre="france", seuil="detection"):
    return run("coverage/contract_rates", tiny_db, f, level=level, family=family, perimetre=perimetre, seuil=seuil)


def contract_list(tiny_db, family, f=ALL, perimetre="france", seuil="detection", zone_reg=None, zone_dep=None):
    return run("coverage/contract_list", tiny_db, f, family=family, perimetre=perimetre, seuil=seuil,
               zone_reg=zone_reg, zone_dep=zone_dep)


RATE_COLS = ["family", "territory_code", "covered_n", "contracts_n", "uncovered_n", "coverage_pct"]


# ---------------------------------------------------------------- headers

@pytest.mark.parametrize("name", QUERIES)
def test_header_declares_grain_and_exactly_the_params_used(name):
    sql = db.sql_text(name)
    assert sql.startswith("-- ")
    assert "\n-- grain: one row per" in sql
    assert db.declared_params(sql) == db.used_params(sql)


# ---------------------------------------------------------------- coverage rates, whole perimeter (legacy query)

def test_national_rates(tiny_db):
    # QPV: the projects' QPV codes are QN02902M, QN05604M, QN05971M (P06, P08), QN97426M -> 4.
    # Contrats de ville, reached through a QPV of the unit: 200068120 (P01), 200042174 (P04), 200093201
    # (P06, P08), 249740119 (P09) -> 4 of 354. CRTE à dominante rurale: none of the tiny communes -> 0 of 550.
    # FRR: Saint-Denis 97411 (P09, P10) -> 1 of 19,934. PVD: Audierne and Briec -> 2. ACV: Quimper and
    # Lorient -> 2. No GAL file: 0 of 0, rate null.
    assert rows(rates(tiny_db), RATE_COLS) == [
        ("qpv", "FR", 4, 1493, 1489, round(4 / 1493, 4)),
        ("ville", "FR", 4, 354, 350, round(4 / 354, 4)),
        ("ruralite", "FR", 0, 550, 550, 0.0),
        ("frr", "FR", 1, 19934, 19933, round(1 / 19934, 4)),
        ("leader", "FR", 0, 0, 0, None),
        ("pvd", "FR", 2, 1646, 1644, round(2 / 1646, 4)),
        ("acv", "FR", 2, 245, 243, round(2 / 245, 4)),
    ]
    df = rates(tiny_db)
    assert list(df["family_name"]) == ["Quartiers prioritaires (QPV)", "Contrats de ville",
                                       "Contrats de ruralité (CRTE à dominante rurale)",
                                       "France ruralités revitalisation (FRR)", "LEADER (GAL)",
                                       "Petites villes de demain", "Action cœur de ville"]
    assert set(df["territory_name"]) == {"Ensemble du périmètre"}


def test_rates_bretagne_2021_2022(tiny_db):
    # Bretagne, detected 2021-2022: P04 (Lorient, QPV QN05604M) and P05 (Quimper, no QPV code).
    # QPV 1 of 31; contrats de ville: Lorient Agglomération only (P05 has no QPV code) = 1 of 12;
    # rural CRTE 0 of 33; FRR 0 of 397; PVD none of 135; ACV Lorient + Quimper = 2 of 11.
    f = Filters(2021, 2022, regs=("53",))
    assert rows(rates(tiny_db, f), ["family", "covered_n", "contracts_n"]) == [
        ("qpv", 1, 31), ("ville", 1, 12), ("ruralite", 0, 33), ("frr", 0, 397), ("leader", 0, 0), ("pvd", 0, 135),
        ("acv", 2, 11),
    ]


def test_rates_iae_projects(tiny_db):
    # IAE projects: P01, P02, P06, P08, P10. QPV: QN02902M, QN05971M -> 2. Contrats de ville: 200068120
    # (P01), 200093201 (P06, P08) -> 2 (P10 has no QPV code, P02's EPCI has no QPV). FRR: 97411 (P10) -> 1.
    # PVD: Audierne -> 1. ACV: Quimper -> 1. Denominators do not depend on project filters.
    f = Filters(2019, 2023, iae="oui")
    assert rows(rates(tiny_db, f), ["family", "covered_n", "contracts_n"]) == [
        ("qpv", 2, 1493), ("ville", 2, 354), ("ruralite", 0, 550), ("frr", 1, 19934), ("leader", 0, 0),
        ("pvd", 1, 1646), ("acv", 1, 245),
    ]


def test_rates_when_no_project_in_period(tiny_db):
    f = Filters(2024, 2024)
    df = rates(tiny_db, f)
    assert df["covered_n"].tolist() == [0] * 7
    assert df["contracts_n"].tolist() == [1493, 354, 550, 19934, 0, 1646, 245]


# ---------------------------------------------------------------- by région / département

def test_by_region_rows_with_a_project(tiny_db):
    df = rates(tiny_db, level="reg")
    covered = df[df["covered_n"] > 0]
    assert rows(covered, ["family", "territory_code", "territory_name", "covered_n", "contracts_n"]) == [
        ("qpv", "04", "La Réunion", 1, 57), ("qpv", "32", "Hauts-de-France", 1, 204),
        ("qpv", "53", "Bretagne", 2, 31),
        ("ville", "04", "La Réunion", 1, 5), ("ville", "32", "Hauts-de-France", 1, 39),
        ("ville", "53", "Bretagne", 2, 12),
        ("frr", "04", "La Réunion", 1, 23),
        ("pvd", "53", "Bretagne", 2, 135),
        ("acv", "53", "Bretagne", 2, 11),
    ]
    # every région appears for every family, with zeros where nothing is covered
    assert len(df) == 7 * 18


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
@pytest.mark.parametrize("perimetre", ["france", "reseau"])
def test_levels_add_up_to_the_whole(tiny_db, level, f, perimetre):
    """QPV, contrat de ville (main département), FRR, PVD and ACV each lie in one territory: rows add up to
    the whole. A CRTE (or GAL) across borders counts in each territory: rows add up to at least the whole."""
    whole = contract_rates(tiny_db, f, perimetre=perimetre).set_index("family")
    parts = contract_rates(tiny_db, f, level=level, perimetre=perimetre).groupby("family")[
        ["covered_n", "contracts_n", "contracts_reseau_n", "contracts_france_n"]].sum()
    for family in ["qpv", "ville", "frr", "pvd", "acv"]:
        for col in parts.columns:
            assert parts.loc[family, col] == whole.loc[family, col], (family, col)
    for family in ["ruralite", "leader"]:
        assert parts.loc[family, "covered_n"] >= whole.loc[family, "covered_n"]
        assert parts.loc[family, "contracts_n"] >= whole.loc[family, "contracts_n"]


@pytest.mark.parametrize("level", ["france", "reg", "dep"])
@pytest.mark.parametrize("seuil", ["detection", "etude", "creation"])
def test_numerator_never_exceeds_denominator(tiny_db, level, seuil):
    for f in [ALL, Filters(2021, 2022, regs=("53",)), Filters(2019, 2023, zonages=("rural",))]:
        for perimetre in ("france", "reseau"):
            df = contract_rates(tiny_db, f, level=level, perimetre=perimetre, seuil=seuil)
            assert (df["covered_n"] <= df["contracts_n"]).all()
            assert (df["uncovered_n"] == df["contracts_n"] - df["covered_n"]).all()
            assert df["coverage_pct"].dropna().between(0, 1).all()
            assert df.loc[df["contracts_n"] == 0, "coverage_pct"].isna().all()
            assert (df["contracts_reseau_n"] <= df["contracts_france_n"]).all()
            assert (df["covered_reseau_n"] <= df["covered_france_n"]).all()


# ---------------------------------------------------------------- perimetre: the network's territories or France

PERIM_COLS = ["family", "covered_n", "contracts_n", "contracts_reseau_n", "contracts_france_n", "other_contracts_n"]


def test_perimetre_reseau_counts_the_contracts_where_the_network_works(tiny_db):
    # Structures active in 2019-2023: S1 (29, 56), S2 (59), S3 (974). Every tiny project lies there, so the
    # numerators are those of France; the denominators are the network's (see the module docstring).
    df = contract_rates(tiny_db, perimetre="reseau")
    assert rows(df, PERIM_COLS) == [
        ("qpv", 4, 169, 169, 1493, 1493), ("ville", 4, 24, 24, 354, 354), ("ruralite", 0, 17, 17, 550, 550),
        ("frr", 1, 259, 259, 19934, 19934), ("leader", 0, 0, 0, 0, 0), ("pvd", 2, 95, 95, 1646, 1646),
        ("acv", 2, 18, 18, 245, 245),
    ]
    assert set(df["perimetre"]) == {"reseau"} and set(df["seuil"]) == {"detection"}
    assert rows(df, ["family", "coverage_pct"])[0] == ("qpv", round(4 / 169, 4))
    # perimetre=france: the same two counts, the other way round
    assert rows(contract_rates(tiny_db, perimetre="france"), PERIM_COLS)[:2] == [
        ("qpv", 4, 1493, 169, 1493, 169), ("ville", 4, 354, 24, 354, 24)]


def test_perimetre_follows_the_structures_active_in_the_period(tiny_db):
    # 2019-2020: S3 joined in 2022, so the network is S1 (29, 56) and S2 (59): 9 + 9 + 94 = 112 QPV;
    # detected 2019-2020 in a QPV: P01 (QN02902M), P06 (QN05971M) -> 2.
    df = contract_rates(tiny_db, Filters(2019, 2020), family="qpv", perimetre="reseau")
    assert rows(df, PERIM_COLS) == [("qpv", 2, 112, 112, 1493, 1493)]
    # the structure filter chooses whose départements count: S3 alone works in La Réunion (57 QPV, P09's)
    df = contract_rates(tiny_db, Filters(2019, 2023, structures=("S3",)), family="qpv", perimetre="reseau")
    assert rows(df, PERIM_COLS) == [("qpv", 1, 57, 57, 1493, 1493)]


def test_contract_list_in_the_network_perimeter(tiny_db):
    qpv = contract_list(tiny_db, "qpv", perimetre="reseau")
    assert len(qpv) == 169 and set(qpv["dep_code"]) == {"29", "56", "59", "974"}
    assert qpv["in_reseau"].all()
    france = contract_list(tiny_db, "qpv", perimetre="france")
    assert len(france) == 1493 and int(france["in_reseau"].sum()) == 169


# ---------------------------------------------------------------- seuil: detected, studied or created there

def test_seuil_compares_the_stage_each_project_reached(tiny_db):
    # QPV: detection 4; étude (reached rank >= étude): P01 créé, P04 étude, P06 créé, P08 porteur -> 3
    # (P09 only detected); création: P01, P06 -> 2. Contrats de ville follow their QPV: 4, 3 (not CINOR,
    # reached by P09 only), 2 (Quimper by P01, MEL by P06). FRR: 97411 has P10 (créé) -> 1, 1, 1.
    # PVD: Audierne (P02 créé), Briec (P03 abandoned at the study, so it reached it) -> 2, 2, 1.
    # ACV: Quimper (P01, P05 créés), Lorient (P04 at the study) -> 2, 2, 1.
    got = {seuil: dict(rows(contract_rates(tiny_db, seuil=seuil), ["family", "covered_n"]))
           for seuil in ("detection", "etude", "creation")}
    assert got == {
        "detection": {"qpv": 4, "ville": 4, "ruralite": 0, "frr": 1, "leader": 0, "pvd": 2, "acv": 2},
        "etude": {"qpv": 3, "ville": 3, "ruralite": 0, "frr": 1, "leader": 0, "pvd": 2, "acv": 2},
        "creation": {"qpv": 2, "ville": 2, "ruralite": 0, "frr": 1, "leader": 0, "pvd": 1, "acv": 1},
    }


def test_seuil_in_the_contract_list(tiny_db):
    qpv = contract_list(tiny_db, "qpv", seuil="creation")
    assert rows(qpv[qpv["is_covered"]], ["contract_id", "projects_n"]) == [("QN02902M", 1), ("QN05971M", 1)]


# ---------------------------------------------------------------- contrats de ville and QPV data quality

def test_qpv_code_missing_beside_the_qpv_figures(tiny_db):
    # Projects counted that lie in a commune with a QPV but carry no QPV code: P05 (Quimper), P07
    # (Villeneuve-d'Ascq), P10 (Saint-Denis) -> 3 at the detection threshold; P07 stopped at detection, so
    # 2 from the study on. Only the QPV and contrat de ville rows carry it.
    df = contract_rates(tiny_db)
    assert rows(df, ["family", "qpv_code_missing_n"]) == [
        ("qpv", 3), ("ville", 3), ("ruralite", None), ("frr", None), ("leader", None), ("pvd", None), ("acv", None)]
    assert contract_rates(tiny_db, seuil="etude", family="qpv")["qpv_code_missing_n"].tolist() == [2]
    by_reg = contract_rates(tiny_db, level="reg", family="qpv")
    assert rows(by_reg[by_reg["qpv_code_missing_n"] > 0], ["territory_code", "qpv_code_missing_n"]) == [
        ("04", 1), ("32", 1), ("53", 1)]                         # P10, P07, P05


def test_contrat_de_ville_strict_and_looser_figure(tiny_db):
    # Strict: a project in one of the contract's QPV. Looser (its own name): a project in a commune of the
    # contract that has a QPV. All projects: 4 and 4. IAE projects: strict 200068120 (P01), 200093201
    # (P06, P08) = 2; looser adds 249740119 through P10 in Saint-Denis (a QPV commune) = 3.
    assert rows(contract_rates(tiny_db, family="ville"), ["covered_n", "covered_qpv_commune_n"]) == [(4, 4)]
    iae = Filters(2019, 2023, iae="oui")
    assert rows(contract_rates(tiny_db, iae, family="ville"), ["covered_n", "covered_qpv_commune_n"]) == [(2, 3)]
    units = contract_list(tiny_db, "ville", iae)
    reached = units[units["is_covered_qpv_commune"]]
    assert rows(reached, ["contract_id", "contract_name", "contract_kind", "is_covered", "projects_n"]) == [
        ("200068120", "CA Quimper Bretagne Occidentale", "EPCI", True, 1),
        ("200093201", "Métropole Européenne de Lille", "EPCI", True, 2),
        ("249740119", "CA Intercommunale du Nord de la Réunion (CINOR)", "EPCI", False, 0),
    ]
    assert units["is_covered_qpv_commune"].notna().all()
    assert contract_list(tiny_db, "qpv")["is_covered_qpv_commune"].isna().all()  # other families: no such figure


@pytest.fixture(scope="module")
def more_db(tmp_path_factory):
    """tiny_more_records(): the tiny set plus S4 (Seine-Saint-Denis, left after 2021) with P11 in a QPV of
    Saint-Denis (EPT Plaine Commune), and P12 in Pontivy (CRTE à dominante rurale)."""
    path = tmp_path_factory.mktemp("more") / "more.duckdb"
    build.build(tiny_more_records(), kind="import", db_path=path, data_date="2023-12-31", archive=False)
    return path


def test_grand_paris_contracts_are_the_ept_and_paris(more_db):
    # P11 (QN09328M, Saint-Denis) reaches the EPT Plaine Commune, not the Métropole du Grand Paris.
    units = contract_list(more_db, "ville")
    assert rows(units[units["contract_id"] == "200057867"],
                ["contract_id", "contract_name", "contract_kind", "dep_label", "projects_n", "is_covered"]) == [
        ("200057867", "Plaine Commune", "Établissement public territorial (EPT)", "Seine-Saint-Denis (93)", 1, True)]
    assert "200054781" not in set(units["contract_id"])  # the Métropole signs none
    paris = units[units["contract_id"] == "75056"]
    assert rows(paris, ["contract_name", "contract_kind", "dep_label"]) == [("Paris", "Ville de Paris", "Paris (75)")]
    # By département: Paris 1; Hauts-de-Seine 3 (Vallée Sud-Grand Paris, Paris Ouest La Défense, Boucle Nord
    # de Seine; Grand Paris Seine Ouest has no QPV); Seine-Saint-Denis 4 (Plaine Commune, Est Ensemble, Paris
    # Terres d'Envol, Grand Paris Grand Est); Val-de-Marne 3 (Paris Est Marne & Bois, Grand Paris Sud Est
    # Avenir, Grand-Orly Seine Bièvre), instead of one contract for the whole Métropole in 94.
    by_dep = contract_rates(more_db, Filters(2019, 2023, deps=("75", "92", "93", "94")), level="dep", family="ville")
    assert rows(by_dep, ["territory_code", "covered_n", "contracts_n"]) == [
        ("75", 0, 1), ("92", 0, 3), ("93", 1, 4), ("94", 0, 3)]


def test_rural_contracts_and_frr(more_db):
    # P12 lies in Pontivy: CRTE Pontivy Communauté, à dominante rurale (29,496 / 46,257 = 63.8 %), across
    # Côtes-d'Armor and Morbihan. FRR: Saint-Denis 97411 (P09, P10).
    rural = contract_list(more_db, "ruralite")
    assert rows(rural[rural["is_covered"]], ["contract_id", "contract_name", "dep_label", "projects_n"]) == [
        ("crte-53-56-11", "CRTE Pontivy Communauté", "Côtes-d'Armor (22), Morbihan (56)", 1)]
    assert len(rural) == 550
    frr = contract_list(more_db, "frr")
    assert rows(frr[frr["is_covered"]], ["contract_id", "contract_name", "projects_n"]) == [("97411", "Saint-Denis", 2)]


# ---------------------------------------------------------------- contracts (map and zones blanches)

def test_covered_qpv_and_contrats_de_ville(tiny_db):
    qpv = run("coverage/contract_list", tiny_db, family="qpv", perimetre="france", seuil="detection", zone_reg=None, zone_dep=None)
    assert rows(qpv[qpv["is_covered"]], ["contract_id", "contract_name", "dep_label", "dep_code", "projects_n"]) == [
        ("QN02902M", "Kermoysan", "Finistère (29)", "29", 1),
        ("QN05604M", "Kervenanec Nord", "Morbihan (56)", "56", 1),
        ("QN05971M", "Secteur Ouest", "Nord (59)", "59", 2),
        ("QN97426M", "Le Bas De La Rivière", "La Réunion (974)", "974", 1),
    ]
    assert qpv.loc[qpv["contract_id"] == "QN05971M", "hover_text"].item() == "Secteur Ouest (QN05971M) · 2 projets"
    assert qpv.loc[qpv["contract_id"] == "QN02902M", "hover_text"].item() == "Kermoysan (QN02902M) · 1 projet"
    ville = run("coverage/contract_list", tiny_db, family="ville", perimetre="france", seuil="detection", zone_reg=None, zone_dep=None)
    # each unit with the projects in its QPV: Quimper P01; Lorient P04; Lille P06, P08; CINOR P09
    assert rows(ville[ville["is_covered"]], ["contract_id", "dep_label", "projects_n"]) == [
        ("200068120", "Finistère (29)", 1), ("200042174", "Morbihan (56)", 1), ("200093201", "Nord (59)", 2),
        ("249740119", "La Réunion (974)", 1),
    ]
    crte = run("coverage/contract_list", tiny_db, family="ruralite", perimetre="france", seuil="detection", zone_reg=None, zone_dep=None)
    assert len(crte) == 550 and not crte["is_covered"].any()
    assert crte[["lon", "lat", "dep_code", "dep_label"]].notna().all().all()
    # a CRTE across départements lists them all
    assert crte.loc[crte["contract_id"] == "crte-53-56-11", "dep_label"].item() == "Côtes-d'Armor (22), Morbihan (56)"


@pytest.mark.parametrize("f", [ALL, Filters(2021, 2022, regs=("53",)), Filters(2019, 2023, iae="oui"),
                               Filters(2024, 2024)])
@pytest.mark.parametrize("family", FAMILIES)
def test_contract_list_reconciles_with_rates(tiny_db, f, family):
    """The map's list and the rate come from two files: same denominator, same numerator."""
    contracts = run("coverage/contract_list", tiny_db, f, perimetre="france", seuil="detection", family=family, zone_reg=None, zone_dep=None)
    whole = rates(tiny_db, f, family=family).iloc[0]
    assert len(contracts) == whole["contracts_n"]
    assert contracts["contract_id"].is_unique
    assert int(contracts["is_covered"].sum()) == whole["covered_n"]


@pytest.mark.parametrize("perimetre", ["france", "reseau"])
@pytest.mark.parametrize("seuil", ["detection", "etude", "creation"])
@pytest.mark.parametrize("family", NEW_FAMILIES)
def test_new_contract_list_reconciles_with_new_rates(tiny_db, perimetre, seuil, family):
    for f in (ALL, Filters(2020, 2021, regs=("53",)), Filters(2019, 2023, iae="oui")):
        contracts = contract_list(tiny_db, family, f, perimetre=perimetre, seuil=seuil)
        whole = contract_rates(tiny_db, f, family=family, perimetre=perimetre, seuil=seuil).iloc[0]
        assert len(contracts) == whole["contracts_n"]
        assert int(contracts["is_covered"].sum()) == whole["covered_n"]
        if family == "ville":
            assert int(contracts["is_covered_qpv_commune"].sum()) == whole["covered_qpv_commune_n"]


def test_zone_narrows_the_list(tiny_db):
    # PVD communes of Finistère: 39, of which Audierne and Briec have a project (P02, P03).
    pvd = run("coverage/contract_list", tiny_db, family="pvd", perimetre="france", seuil="detection", zone_reg=None, zone_dep="29")
    assert len(pvd) == 39 and set(pvd["dep_code"]) == {"29"}
    assert rows(pvd[pvd["is_covered"]], ["contract_id", "contract_name", "projects_n"]) == [
        ("29003", "Audierne", 1), ("29020", "Briec", 1),
    ]
    # a région zone gives the same list as the région filter
    by_zone = run("coverage/contract_list", tiny_db, family="ville", perimetre="france", seuil="detection", zone_reg="53", zone_dep=None)
    by_filter = run("coverage/contract_list", tiny_db, Filters(2019, 2023, regs=("53",)), perimetre="france", seuil="detection", family="ville",
                    zone_reg=None, zone_dep=None)
    assert by_zone["contract_id"].tolist() == by_filter["contract_id"].tolist()
    assert len(by_zone) == 12


# ---------------------------------------------------------------- share of projects in each zoning

SHARE_COLS = ["zoning", "projects_n", "total_n", "share_pct"]


def test_project_shares(tiny_db):
    # QPV: P01, P04, P06, P08, P09 = 5. Commune with a QPV: all but Audierne and Briec (P02, P03) = 8.
    # Under a contrat de ville: all but P02 (Audierne's EPCI has no QPV) = 9. Rural: Audierne, Briec = 2.
    # PVD: 2. ACV: P01, P04, P05 = 3. CRTE à dominante rurale: none = 0. FRR: P09, P10 = 2.
    # GAL: no perimeter loaded -> null, not 0. In a QPV commune without a QPV code: P05, P07, P10 = 3.
    df = run("coverage/project_shares", tiny_db)
    assert rows(df, SHARE_COLS) == [
        ("qpv", 5, 10, 0.5), ("qpv_commune", 8, 10, 0.8), ("ville", 9, 10, 0.9), ("rural", 2, 10, 0.2),
        ("pvd", 2, 10, 0.2), ("acv", 3, 10, 0.3), ("ruralite", 0, 10, 0.0), ("frr", 2, 10, 0.2),
        ("leader", None, 10, None),
    ]
    assert set(df["qpv_code_missing_n"]) == {3}
    assert df.loc[df["zoning"] == "ruralite", "zoning_name"].item() == "Contrat de ruralité (CRTE à dominante rurale)"


def test_project_shares_iae(tiny_db):
    # IAE: P01, P02, P06, P08, P10. QPV: P01, P06, P08 = 3. Commune with QPV: P01, P06, P08, P10 = 4.
    # Contrat de ville: same 4. Rural, PVD: P02 = 1. ACV: P01 = 1. Rural CRTE: 0. FRR: P10 = 1.
    # In a QPV commune without a QPV code: P10 = 1.
    df = run("coverage/project_shares", tiny_db, Filters(2019, 2023, iae="oui"))
    assert rows(df, SHARE_COLS) == [
        ("qpv", 3, 5, 0.6), ("qpv_commune", 4, 5, 0.8), ("ville", 4, 5, 0.8), ("rural", 1, 5, 0.2),
        ("pvd", 1, 5, 0.2), ("acv", 1, 5, 0.2), ("ruralite", 0, 5, 0.0), ("frr", 1, 5, 0.2),
        ("leader", None, 5, None),
    ]
    assert set(df["qpv_code_missing_n"]) == {1}


def test_project_shares_empty_period(tiny_db):
    df = run("coverage/project_shares", tiny_db, Filters(2024, 2024))
    assert df["total_n"].tolist() == [0] * 9
    assert df["share_pct"].isna().all()


def test_zonage_filter_reads_the_vocabulary(tiny_db, more_db):
    def detections(path, zonages):
        return int(run("pipeline/kpis", path, Filters(2019, 2023, zonages=zonages))["detections_n"].item())
    assert detections(tiny_db, ("frr",)) == 2                # P09, P10
    assert detections(tiny_db, ("ruralite",)) == 0
    assert detections(more_db, ("ruralite",)) == 1           # P12 in Pontivy
    assert detections(tiny_db, ("qpv", "frr")) == 6          # QPV 5 or FRR 2, P09 in both


# ---------------------------------------------------------------- network presence

PRESENCE_COLS = ["code", "is_present", "structures_n", "structure_names"]


def presence(path, f, level="dep"):
    return run("coverage/network_presence", path, f, level=level)


def test_network_presence_by_department(tiny_db):
    # Active at the end of 2023: S1 (29, 56), S2 (59), S3 (974) -> 4 of 101 départements.
    df = presence(tiny_db, Filters(2019, 2023))
    assert len(df) == 101
    assert rows(df[df["is_present"]], PRESENCE_COLS) == [
        ("29", True, 1, "Fabrique test Bretagne"), ("56", True, 1, "Fabrique test Bretagne"),
        ("59", True, 1, "Fabrique test Nord"), ("974", True, 1, "Fabrique test Réunion")]
    assert rows(df.head(1), ["present_n", "territories_n", "presence_pct"]) == [(4, 101, round(4 / 101, 4))]
    # end of 2021: S3 had not joined -> 3; Bretagne only: 29 and 56 of its 4 départements
    assert presence(tiny_db, Filters(2019, 2021))["present_n"].iloc[0] == 3
    bzh = presence(tiny_db, Filters(2019, 2023, regs=("53",)))
    assert rows(bzh, ["code", "is_present"]) == [("22", False), ("29", True), ("35", False), ("56", True)]
    assert bzh["presence_pct"].iloc[0] == 0.5


def test_network_presence_stops_after_exit(more_db):
    # S4 works in 93 until 2021 (exit_year): present at the end of 2020, gone at the end of 2022.
    at_2020 = presence(more_db, Filters(2020, 2020))
    assert sorted(at_2020.loc[at_2020["is_present"], "code"]) == ["29", "56", "59", "93"]
    at_2022 = presence(more_db, Filters(2022, 2022))
    assert sorted(at_2022.loc[at_2022["is_present"], "code"]) == ["29", "56", "59", "974"]


def test_network_presence_by_epci(tiny_db):
    # An EPCI is worked when one of its communes lies in 29, 56, 59 or 974: 58 of the 1,255 EPCI (counted in
    # communes.csv), among them Pontivy Communauté (22 and 56) and Poher Communauté (22 and 29); Saint-Brieuc
    # Armor Agglomération, wholly in 22, is not.
    df = presence(tiny_db, Filters(2019, 2023), level="epci")
    assert (len(df), int(df["is_present"].sum())) == (1255, 58)
    present = dict(zip(df["code"], df["is_present"]))
    assert present["245614433"] and present["242900744"] and not present["200069409"]
    assert df[["lon", "lat"]].notna().all().all()


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
    gal = run("coverage/contract_list", gal_db, family="leader", perimetre="france", seuil="detection", zone_reg=None, zone_dep=None)
    assert rows(gal, ["contract_id", "contract_name", "dep_label", "projects_n", "is_covered"]) == [
        ("G3", "GAL test Argoat", "Côtes-d'Armor (22), Morbihan (56)", 0, False),
        ("G1", "GAL test Cornouaille", "Finistère (29)", 2, True),
        ("G2", "GAL test Flandre", "Nord (59)", 1, True),
    ]
    # a GAL in the perimeter as soon as one of its communes is: Morbihan alone keeps G3
    only_56 = run("coverage/contract_list", gal_db, Filters(2019, 2023, deps=("56",)), perimetre="france", seuil="detection", family="leader",
                  zone_reg=None, zone_dep=None)
    assert only_56["contract_id"].tolist() == ["G3"]
    shares = run("coverage/project_shares", gal_db).set_index("zoning")
    assert (shares.loc["leader", "projects_n"], shares.loc["leader", "total_n"]) == (3, 10)  # P02, P03, P07
