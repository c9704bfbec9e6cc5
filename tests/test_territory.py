"""fabrique.territory: search, the territory named by a URL, and the sheet assembled from query results.

Search and URL checks run against the real territory list (tiny database: its reference tables are the
real ones); the sheet's network figures are those of the ten tiny projects (tests/test_queries_territoire.py
computes them by hand).
"""
import pandas as pd
import pytest

from fabrique import data, db, policy, territory
from fabrique.filters import Filters


@pytest.fixture
def run(tiny_db):
    return lambda name, params: db.run(name, params, path=tiny_db)


@pytest.fixture
def partner_run(tiny_db):
    """What data.load hands a partner view: the gateway's rows through the disclosure policy."""
    viewer = policy.Policy(policy.PARTNER)

    def run(name, params):
        return viewer.apply(data.disclosure(name), db.run(name, params, path=tiny_db), params, name)
    return run


def found(text, run, limit=5):
    return [(m.level, m.code) for m in territory.search(text, limit, run=run)]


# ---------------------------------------------------------------- normalisation and search

@pytest.mark.parametrize("typed, expected", [
    ("Saint-Étienne", "saint etienne"),
    ("  SAINT   etienne ", "saint etienne"),
    ("L'Haÿ-les-Roses", "l hay les roses"),
    ("Œuilly", "oeuilly"),
    ("", ""),
])
def test_normalize(typed, expected):
    assert territory.normalize(typed) == expected


def test_saint_etienne_without_accents_or_case(run):
    # Exact name first (the commune), then the EPCI whose name starts with it, then other communes.
    for typed in ("saint etienne", "SAINT-ETIENNE", "Saint-Étienne", "st etienne", "St-Étienne"):
        assert found(typed, run, 2) == [("commune", "42218"), ("epci", "244200770")], typed


def test_brest_metropole(run):
    assert found("brest metropole", run) == [("epci", "242900314")]
    matches = territory.search("Brest Métropole", 1, run=run)
    assert matches[0].label == "Brest Métropole — EPCI, Finistère (29)"
    assert matches[0].query() == {"niveau": "epci", "code": "242900314"}


def test_codes(run):
    assert found("29", run) == [("dep", "29")]
    assert found("53", run) == [("reg", "53"), ("dep", "53")]       # Bretagne and Mayenne share the code
    # Corse-du-Sud by its code, then a name that contains the text: « CA de l'Albigeois (C2A) ».
    assert found("2a", run) == [("dep", "2A"), ("epci", "248100737")]
    assert found("29232", run) == [("commune", "29232")]
    assert found("242900314", run) == [("epci", "242900314")]


def test_region_and_departement_names(run):
    assert found("ile de france", run, 1) == [("reg", "11")]
    assert territory.search("finistere", 1, run=run)[0].label == "Finistère — département (29), Bretagne"
    assert territory.search("bretagne", 1, run=run)[0].label == "Bretagne — région"


def test_words_in_any_order_and_a_departement_code(run):
    # Two communes are named exactly Saint-Denis (93 and 974): the département code picks one. In 93 the
    # département itself (Seine-Saint-Denis) has both words and the code, and comes first (level order).
    assert found("saint denis 974", run) == [("commune", "97411")]
    assert found("denis saint 93", run, 2) == [("dep", "93"), ("commune", "93066")]


def test_quimper_ranks_the_city_then_its_epci(run):
    assert found("quimper", run, 2) == [("commune", "29232"), ("epci", "200068120")]


def test_nothing_found_and_hostile_text(run):
    assert territory.search("", 5, run=run) == []
    assert territory.search("  -- ", 5, run=run) == []
    assert territory.search("zzqxw", 5, run=run) == []
    assert territory.search("'; drop table territories; --", 5, run=run) == []
    assert len(territory.search("a" * 10_000, 5, run=run)) <= 5


# ---------------------------------------------------------------- the territory named by a URL

def test_valid_choices(run):
    choice, notice = territory.parse_choice("dep", "29", run=run)
    assert notice is None
    assert choice == territory.Choice("dep", "29", "Finistère", "53", "29", ("29",))
    assert choice.query() == {"niveau": "dep", "code": "29"} and choice.level_label == "Département"
    # Case and spaces are forgiven; Corsica codes are upper case.
    assert territory.parse_choice(" COMMUNE ", " 2a004 ", run=run)[0].name == "Ajaccio"
    epci, _ = territory.parse_choice("epci", "200054781", run=run)   # Métropole du Grand Paris
    assert epci.dep_codes == ("75", "91", "92", "93", "94", "95")     # communes.csv: Paris, petite couronne, 91, 95


@pytest.mark.parametrize("niveau, code, notice", [
    ("dep", None, "Paramètre « code » manquant : choisissez un département ci-dessous."),
    ("commune", "", "Paramètre « code » manquant : choisissez une commune ci-dessous."),
    (None, "29", "Paramètre « niveau » manquant : il faut l'une des valeurs reg, dep, epci, commune. "
                 "Cherchez le territoire ci-dessous."),
    ("pays", "29", "Paramètre « niveau » inconnu : « pays » (valeurs possibles : reg, dep, epci, commune). "
                   "Cherchez le territoire ci-dessous."),
    ("dep", "299", "Code de département mal formé : « 299 » (attendu : deux chiffres, 2A, 2B ou 971 à 976, "
                   "par exemple 29). Cherchez le territoire ci-dessous."),
    ("epci", "12", "Code d'EPCI mal formé : « 12 » (attendu : numéro SIREN à neuf chiffres, par exemple "
                   "242900314). Cherchez le territoire ci-dessous."),
    ("dep", "20", "Aucun département de code « 20 » dans la géographie en vigueur (COG 2026). "
                  "Cherchez le territoire ci-dessous."),
    ("commune", "99999", "Aucune commune de code « 99999 » dans la géographie en vigueur (COG 2026). "
                         "Cherchez le territoire ci-dessous."),
    ("reg", "' or 1=1 --", "Code de région mal formé : « ' OR 1=1 -- » (attendu : deux chiffres, par exemple "
                           "53). Cherchez le territoire ci-dessous."),
])
def test_bad_choices_give_a_french_notice(run, niveau, code, notice):
    assert territory.parse_choice(niveau, code, run=run) == (None, notice)


def test_nothing_chosen_is_not_an_error(run):
    assert territory.parse_choice(None, None, run=run) == (None, None)


def test_long_values_are_cut_in_the_notice(run):
    _, notice = territory.parse_choice("x" * 500, "29", run=run)
    assert "« " + "x" * 40 + "… »" in notice and len(notice) < 200


def test_partner_perimeter(run):
    finistere = territory.parse_choice("dep", "29", run=run)[0]
    brest = territory.parse_choice("epci", "242900314", run=run)[0]
    grand_paris = territory.parse_choice("epci", "200054781", run=run)[0]
    bretagne = territory.parse_choice("reg", "53", run=run)[0]
    assert territory.within(finistere, ["29"]) and territory.within(brest, {"29", "56"})
    assert not territory.within(finistere, ["56"])
    assert not territory.within(bretagne, ["29"])                      # a région is more than one département
    assert territory.within(bretagne, ["22", "29", "35", "56"])
    assert not territory.within(grand_paris, ["75", "92", "93", "94"])  # lies also in 91 and 95
    assert territory.perimeter_home(["53"], []) == {"niveau": "reg", "code": "53"}
    assert territory.perimeter_home([], ["29"]) == {"niveau": "dep", "code": "29"}
    assert territory.perimeter_home([], ["29", "56"]) is None


# ---------------------------------------------------------------- the sheet

def facts(section):
    return {f.label: (f.value, f.note) for f in section.facts}


def test_sheet_sections_in_the_issues_order(run):
    choice = territory.parse_choice("commune", "29232", run=run)[0]
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=run)
    assert [s.key for s in sheet.sections] == ["identite", "zonages", "contexte", "reseau", "comparaison", "carte"]
    assert sheet.period == "2015 à 2023"


def test_sheet_of_quimper(run):
    choice = territory.parse_choice("commune", "29232", run=run)[0]
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=run)
    ident = facts(sheet.section("identite"))
    assert ident["EPCI"][0] == "CA Quimper Bretagne Occidentale"
    assert ident["Département"][0] == "Finistère (29)" and ident["Région"][0] == "Bretagne"
    assert ident["Population municipale"][0] == "64\u202f385 habitants"
    assert ident["Part des communes rurales"][0] == "0,0\u00a0%"

    zon = facts(sheet.section("zonages"))
    assert zon["Quartiers prioritaires (QPV)"] == ("1 QPV", "Kermoysan ; avec au moins un projet détecté "
                                                   "(2015 à 2023) : 1, zone blanche : 0")
    assert zon["Action cœur de ville"][0] == "oui" and zon["Petites villes de demain"][0] == "non"
    assert zon["Contrats de ruralité (CRTE à dominante rurale)"][0] == "aucun CRTE à dominante rurale"

    ctx = facts(sheet.section("contexte"))
    # Zone d'emploi of Quimper, T3 2023: 6.1 %, 6.0 % a year before, 7.8 % five years before.
    assert ctx["Taux de chômage localisé — zone d'emploi de Quimper"] == (
        "6,1\u00a0%", "+0,1 point depuis T3 2022 ; −1,7 point depuis T3 2018")  # French: plural from 2
    assert ctx["Taux de pauvreté (seuil à 60 % du revenu médian) — Quimper"][0] == "13,0\u00a0%"
    assert ctx["Revenu disponible médian par unité de consommation — Quimper"][0] == "22\u202f700\u00a0€"

    net = facts(sheet.section("reseau"))
    # P01 P05: 2 detected (3.1 per 100,000), 2 created, 5.5 ETP and 8.0 insertion posts (P01).
    assert net["Projets détectés (2015 à 2023)"] == ("2 projets", "3,1 pour 100 000 habitants")
    assert net["Créations (2015 à 2023)"][0] == "2 créations"
    assert net["Emplois créés (2015 à 2023)"][0] == "5,5 ETP"
    siae = sheet.section("reseau").data["siae"]
    assert siae[["siae_type", "projects_n"]].values.tolist() == [["ACI", 1], ["EI", 0], ["ETTI", 0], ["AI", 0],
                                                                 ["EITI", 0]]

    comp = sheet.section("comparaison").tables["Le territoire, son département et la France"]
    assert list(comp.columns) == ["Indicateur", "Quimper (commune)", "Finistère (département)", "France"]
    row = comp.set_index("Indicateur").loc["Taux de chômage localisé (T3 2023)"]
    assert row.tolist() == ["6,1\u00a0%", "6,3\u00a0%", "7,4\u00a0%"]

    communes = sheet.section("carte").data["communes"]
    assert communes["insee_code"].tolist() == ["29232"] and communes["projects_n_label"].tolist() == ["2"]


def test_partner_view_masks_small_counts_below_the_departement(run, partner_run):
    """The sheet applies no masking of its own: the data layer's policy does, and the sheet shows its marks."""
    choice = territory.parse_choice("commune", "29232", run=run)[0]
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=partner_run)
    net = facts(sheet.section("reseau"))
    # Among the 277 communes of Finistère, Quimper (2), Audierne (1) and Briec (1) read « < 3 »; the
    # Finistère's total (4) leaves each of them between 1 and 2: nothing more to mask. The rates and
    # jobs of a « < 3 » row are « secret ».
    assert net["Projets détectés (2015 à 2023)"] == ("< 3 projets", "taux non diffusé")
    assert net["Emplois créés (2015 à 2023)"][0] == "secret"
    comp = sheet.section("comparaison").tables["Le territoire, son département et la France"].set_index("Indicateur")
    assert comp.loc["Projets détectés pour 100 000 habitants"].tolist() == ["secret", "0,4", "0,0"]
    communes = sheet.section("carte").data["communes"]
    assert communes["projects_n_label"].tolist() == ["< 3"]          # the map says what the figures say
    # By stage, the whole table's total is known: a lone « < 3 » (créé: P01 P05) would be 2, and no other
    # cell can hide it: its row is withheld (« non diffusé »).
    stages = sheet.section("reseau").data["stages"].set_index("stage")
    assert stages.loc["créé", "projects_n"] == territory.WITHHELD and stages.loc["abandonné", "projects_n"] == 0
    assert sheet.withheld
    comparison = sheet.section("comparaison").data["comparison"].set_index("role")
    assert comparison.loc["parent", "projects_n"] == 4                   # a département is not masked
    # A département's own totals are not masked (4 projects in Finistère); the counts of its zones are.
    dep = territory.sheet(territory.parse_choice("dep", "29", run=run)[0], Filters(2015, 2023).params(),
                          run=partner_run)
    assert facts(dep.section("reseau"))["Projets détectés (2015 à 2023)"][0] == "4 projets"
    zones = dep.section("zonages").tables["Zones et contrats du territoire"].set_index("Zone ou contrat")
    assert zones.loc["Kermoysan", "Projets détectés (2015 à 2023)"] == "< 3"
    # Per structure, no count below the département; at département level they stand.
    assert dep.section("reseau").tables["Structures travaillant sur le territoire"].iloc[0, 5] == "4"
    struct = sheet.section("reseau").tables["Structures travaillant sur le territoire"]
    assert struct.iloc[0, 5] == territory.WITHHELD


def test_sheet_of_a_territory_without_project_keeps_its_context(run):
    # Mayotte: no project, no unemployment series, SIAE figures present.
    choice = territory.parse_choice("dep", "976", run=run)[0]
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=run)
    net = facts(sheet.section("reseau"))
    assert net["Projets détectés (2015 à 2023)"] == ("0 projet", "0,0 pour 100 000 habitants")
    ctx = facts(sheet.section("contexte"))
    assert ctx["Taux de chômage localisé — Mayotte (976)"] == (
        "–", "non disponible dans la source pour ce territoire")
    assert ctx["Salariés en insertion (SIAE) — Mayotte (976)"][0] == "530 personnes"
    assert len(sheet.section("identite").data["density"]) == 7


def test_gal_not_loaded_reads_not_filled(run):
    # The tiny database has no GAL file: LEADER is « non renseigné », not « aucun GAL ».
    choice = territory.parse_choice("dep", "29", run=run)[0]
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=run)
    assert facts(sheet.section("zonages"))["LEADER (GAL)"] == ("non renseigné", "")
    assert facts(sheet.section("zonages"))["Petites villes de demain"][0] == "39 communes PVD"
    loaded = territory.sheet(choice, Filters(2015, 2023).params(), run=run, gal_loaded=True)
    assert facts(loaded.section("zonages"))["LEADER (GAL)"][0] == "aucun GAL"


# ---------------------------------------------------------------- carnet grouping in the URL

@pytest.mark.parametrize("raw, expected", [
    (None, ("structure", None)),
    ("territoire", ("territoire", None)),
    (" Structure ", ("structure", None)),
    ("commune", ("structure", "Paramètre « grouper » ignoré : « commune » (valeurs possibles : structure, "
                              "territoire). Regroupement par structure.")),
])
def test_parse_grouping(raw, expected):
    assert territory.parse_grouping(raw) == expected


@pytest.mark.parametrize("niveau, code", [
    ("commune", "29155"),   # Ouessant: no EPCI (legal exception)
    ("commune", "15031"),   # Celles: re-created in 2025, no zone d'emploi
    ("commune", "97611"),   # Mamoudzou: Mayotte, no unemployment series, no Filosofi
    ("commune", "75056"),   # Paris: commune and département at once
    ("epci", "200054781"),  # Métropole du Grand Paris: six départements
    ("reg", "06"),          # Mayotte as a région
])
def test_sheets_of_unusual_territories_build(run, partner_run, niveau, code):
    choice, notice = territory.parse_choice(niveau, code, run=run)
    assert notice is None
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=partner_run)
    assert len(sheet.sections) == 6
    if code == "29155":
        assert "EPCI" not in facts(sheet.section("identite"))
    if code == "15031":
        ctx = facts(sheet.section("contexte"))
        assert not any("zone d'emploi" in label for label in ctx)          # none is guessed
        comp = sheet.section("comparaison").data["comparison"].set_index("role")
        assert pd.isna(comp.loc["territoire", "unemployment_rate_pct"])
        assert comp.loc["parent", "unemployment_period"] == "T4 2024"       # the national latest quarter


def test_comparison_chart_and_map_points_of_quimper(run, partner_run):
    choice = territory.parse_choice("commune", "29232", run=run)[0]
    sheet = territory.sheet(choice, Filters(2015, 2023).params(), run=run)
    chart = territory.comparison_chart_data(sheet.section("comparaison"))
    assert list(chart.columns) == ["Indicateur", "Quimper (commune)", "Finistère (département)", "France"]
    # Quimper 2 / 64,385 * 100,000 = 3.1063; Finistère 4 / 933,455 -> 0.4285; France 10 / 68,350,798 -> 0.0146
    assert chart.iloc[0].tolist()[0] == "Projets détectés"
    assert [round(v, 4) for v in chart.iloc[0].tolist()[1:]] == [3.1063, 0.4285, 0.0146]
    points = territory.map_points(sheet.section("carte").data["communes"])
    assert points["hover"].tolist() == [
        "Quimper (29232) · 64\u202f385 hab. · projets détectés : 2 · Commune avec un QPV, Contrat de ville, "
        "Action cœur de ville"]
    # In a partner view the masked figure is left out of the chart (NaN), never drawn as a number.
    protected = territory.sheet(choice, Filters(2015, 2023).params(), run=partner_run)
    assert pd.isna(territory.comparison_chart_data(protected.section("comparaison")).iloc[0, 1])
