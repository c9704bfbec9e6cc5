"""The « Fiche territoire » and the « Carnet de projets » through the frame (app.py) on the tiny database: the
URL opens a territory, the search finds one, bad input gets a French notice and the search box, a partner
link stays on its perimeter, the carnet is staff-only. Figures are those computed by hand in
tests/test_queries_territoire.py and tests/test_queries_carnet.py."""
import datetime as dt

import pytest

from apptest import open_page, texts
from fabrique import partners

PAGE = "territoire.py"
SECRET = "secret-de-test-suffisamment-long-pour-hs256"


def facts(at) -> dict[str, tuple[str, str]]:
    """Every fact table of the sheet: {Indicateur: (Valeur, Précisions)}."""
    out = {}
    for t in at.table:
        df = t.value
        if list(df.columns[:3]) == ["Indicateur", "Valeur", "Précisions"]:
            out.update({r["Indicateur"]: (r["Valeur"], r["Précisions"]) for _, r in df.iterrows()})
    return out


def warnings(at) -> str:
    return "\n".join(w.value for w in at.warning)


def sheet_title(at) -> str | None:
    """The territory's name above its sheet (None: no sheet). The sidebar's « Filtres » is a header too."""
    names = [h.value for h in at.header if h.value != "Filtres"]
    return names[0] if names else None


def search_box(at):
    return at.text_input(key="territoire_search")


# ---------------------------------------------------------------- the sheet

def test_sheet_of_quimper_from_the_link(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "commune", "code": "29232"})
    assert not at.exception, [e.value for e in at.exception]
    assert sheet_title(at) == "Quimper"
    assert [s.value for s in at.subheader] == [
        "1. Identité du territoire", "2. Contrats et zonages présents", "3. Contexte : emploi, revenus, insertion",
        "4. Le réseau sur le territoire", "5. Comparaison", "6. Carte du territoire et de ses communes"]
    f = facts(at)
    # P01 (detected 2019) and P05 (2021) lie in Quimper: 2 / 64,385 * 100,000 = 3,1; both created in the period
    # (2020, 2022): 3.0 + 2.5 = 5,5 ETP; P01's 8,0 insertion posts.
    assert f["Projets détectés (2019 à 2023)"] == ("2 projets", "3,1 pour 100 000 habitants")
    assert f["Créations (2019 à 2023)"][0] == "2 créations"
    assert f["Emplois créés (2019 à 2023)"][0] == "5,5 ETP"
    assert f["Emplois créés (2019 à 2023)"][1].startswith("et postes d'insertion des projets IAE : 8,0 ETP")
    assert f["Population municipale"][0] == "64\u202f385 habitants"
    assert f["Quartiers prioritaires (QPV)"][0] == "1 QPV"
    assert f["Taux de chômage localisé — zone d'emploi de Quimper"][0] == "6,1\u00a0%"
    assert dict(at.query_params)["niveau"] == "commune" and dict(at.query_params)["code"] == "29232"
    # The search box stays on the page, above the sheet.
    assert search_box(at).value == ""


def test_region_and_departement_filters_do_not_narrow_the_sheet(tiny_db, use_db):
    """The sheet is about the chosen territory: a région chosen in the filter bar (here Hauts-de-France) does
    not empty Quimper's figures."""
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "reg": "32", "niveau": "commune", "code": "29232"})
    assert facts(at)["Projets détectés (2019 à 2023)"][0] == "2 projets"


def test_search_finds_a_territory_and_opens_it(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023"})
    assert sheet_title(at) is None                        # nothing chosen: the search box only
    search_box(at).input("brest metropole").run()
    labels = [b.label for b in at.button]
    assert "Brest Métropole — EPCI, Finistère (29)" in labels
    next(b for b in at.button if b.label == "Brest Métropole — EPCI, Finistère (29)").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert sheet_title(at) == "Brest Métropole"
    assert (at.query_params["niveau"], at.query_params["code"]) == ("epci", "242900314")
    assert search_box(at).value == ""


@pytest.mark.parametrize("query, notice", [
    ({"niveau": "pays", "code": "29"}, "Paramètre « niveau » ignoré (code inconnu) : « pays »"),
    ({"niveau": "pays", "code": "29"}, "Paramètre « code » ignoré (il manque le paramètre « niveau » : reg, dep, "
                                       "epci ou commune) : « 29 »"),
    ({"niveau": "commune", "code": "99999"}, "Paramètre « code » ignoré (code inconnu) : « 99999 »"),
    ({"niveau": "dep", "code": "' or 1=1 --"}, "Paramètre « code » ignoré (code inconnu) : « ' or 1=1 -- »"),
    ({"niveau": "epci", "code": "x" * 500}, "Paramètre « code » ignoré (valeur trop longue)"),
])
def test_bad_input_gives_a_notice_and_the_search_box(tiny_db, use_db, query, notice):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", **query})
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error
    assert notice in warnings(at)
    assert sheet_title(at) is None and search_box(at) is not None  # no sheet: the search box
    assert "code" not in at.query_params


def test_a_level_without_code_asks_for_one(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "dep"})
    assert any("Choisissez un département dans la recherche ci-dessous." in i.value for i in at.info)


def test_a_territory_without_project_keeps_its_context(tiny_db, use_db):
    # Plouhinec (29197): no project; its zone d'emploi (Quimper, 6,1 % at T3 2023) and Finistère's figures stand.
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "commune", "code": "29197"})
    assert not at.exception, [e.value for e in at.exception]
    f = facts(at)
    assert f["Projets détectés (2019 à 2023)"] == ("0 projet", "0,0 pour 100 000 habitants")
    assert f["Taux de chômage localisé — zone d'emploi de Quimper"][0] == "6,1\u00a0%"
    assert f["Structures du réseau travaillant sur le territoire"][0] == "1"       # S1 covers the Finistère


# ---------------------------------------------------------------- partner links

@pytest.fixture
def partner(monkeypatch, tiny_db, use_db):
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    return partners.create_token(SECRET, expires=dt.date(2099, 12, 31), regs=("53",), label="Test")


def test_partner_link_opens_on_its_perimeter(partner):
    at = open_page(PAGE, {"annees": "2019-2023", "lien": partner}, staff=False)
    assert not at.exception, [e.value for e in at.exception]
    assert sheet_title(at) == "Bretagne"
    # Bretagne: P01..P05 detected in 2019-2023 (5), a région's figures are not masked.
    assert facts(at)["Projets détectés (2019 à 2023)"][0] == "5 projets"


def test_partner_cannot_open_another_territory(partner):
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "dep", "code": "59", "lien": partner}, staff=False)
    assert not at.exception, [e.value for e in at.exception]
    assert "Paramètre « code » ignoré (hors du périmètre de ce lien) : « 59 »" in warnings(at)
    assert sheet_title(at) == "Bretagne"
    assert "Lille" not in texts(at)
    # The search keeps to the perimeter: Lillemer (35) but not Lille (59); nothing at all for Roubaix.
    search_box(at).input("lille").run()
    labels = [b.label for b in at.button]
    assert "Lillemer — commune, Ille-et-Vilaine (35)" in labels and not any(l.startswith("Lille —") for l in labels)
    search_box(at).input("roubaix").run()
    assert "Aucun territoire ne correspond à « roubaix » dans le périmètre de ce lien." in texts(at)


def test_partner_sees_small_counts_masked(partner):
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "commune", "code": "29232", "lien": partner},
                   staff=False)
    assert not at.exception, [e.value for e in at.exception]
    f = facts(at)
    # Quimper (2), Audierne (1), Briec (1) among the communes of the Finistère (4 in all): each reads « < 3 ».
    assert f["Projets détectés (2019 à 2023)"] == ("< 3 projets", "taux non diffusé")
    assert "Vue protégée" in texts(at)


# ---------------------------------------------------------------- links from other pages

def test_iae_table_links_each_territory_to_its_fiche(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("iae_territoires.py", {"annees": "2019-2023", "reg": "53"})
    table = at.dataframe[-1].value
    finistere = table.set_index("Code").loc["29", "Fiche territoire"]
    # the link keeps the filters and names the territory
    assert finistere.endswith("/territoire?annees=2019-2023&reg=53&niveau=dep&code=29")


def test_partner_links_keep_the_token(partner):
    at = open_page("iae_territoires.py", {"annees": "2019-2023", "lien": partner}, staff=False)
    links = at.dataframe[-1].value["Fiche territoire"].tolist()
    assert links and all(f"lien={partner}" in u for u in links)


# ---------------------------------------------------------------- carnet de projets

def carnet_html(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html") if "carnet-card" in h.proto.body)


def test_carnet_cards_by_structure(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("carnet.py", {"annees": "2015-2023"})
    assert not at.exception, [e.value for e in at.exception]
    body = carnet_html(at)
    # Five created projects: S1 (P01 P02 P05), S2 (P06), S3 (P10).
    assert body.count('class="carnet-card"') == 5
    assert "Fabrique test Bretagne (3 créations)" in body and "Fabrique test Nord (1 création)" in body
    assert "Garage solidaire Quimper" in body and "Contrat de ville : CA Quimper Bretagne Occidentale" in body
    assert "**5** projets créés de 2015 à 2023" in texts(at)
    assert [b.proto.label for b in at.get("download_button")] == ["Télécharger le carnet (XLSX)"]


def test_carnet_grouped_by_territory_from_the_link(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("carnet.py", {"annees": "2015-2023", "grouper": "territoire"})
    body = carnet_html(at)
    assert body.index("Bretagne · Finistère (29) (3 créations)") < body.index("Hauts-de-France · Nord (59)")
    assert at.query_params["grouper"] == "territoire"


def test_carnet_bad_grouping_is_noticed(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("carnet.py", {"annees": "2015-2023", "grouper": "commune", "page": "zz"})
    assert not at.exception
    assert "Paramètre « grouper » ignoré (code inconnu) : « commune »" in warnings(at)
    assert "Paramètre « page » ignoré (code inconnu) : « zz »" in warnings(at)
    assert carnet_html(at).count('class="carnet-card"') == 5


def test_carnet_page_past_the_last_shows_the_last(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("carnet.py", {"annees": "2015-2023", "page": "40"})
    assert not at.exception
    assert carnet_html(at).count('class="carnet-card"') == 5


def test_carnet_is_refused_to_a_partner_link(partner):
    at = open_page("carnet.py", {"annees": "2015-2023", "lien": partner}, staff=False)
    assert not at.exception
    assert [t.value for t in at.title] == ["Accès refusé"]
    assert any("« Carnet de projets » est réservée à l'équipe Avise" in e.value for e in at.error)
    assert "Garage solidaire" not in texts(at) and not carnet_html(at)
    # and it is not in the partner's menu
    assert "Carnet de projets" not in [e.proto.label for e in open_page(
        None, {"annees": "2015-2023", "lien": partner}, staff=False).get("page_link")]


def test_partner_link_on_a_structure_keeps_to_the_departements_it_covers(monkeypatch, tiny_db, use_db):
    # S1 covers the Finistère and the Morbihan: no single home sheet (the search box), the Finistère opens,
    # Bretagne (four départements) and the Nord do not.
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    token = partners.create_token(SECRET, expires=dt.date(2099, 12, 31), structures=("S1",))
    at = open_page(PAGE, {"annees": "2019-2023", "lien": token}, staff=False)
    assert not at.exception and sheet_title(at) is None and search_box(at) is not None
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "dep", "code": "29", "lien": token}, staff=False)
    assert sheet_title(at) == "Finistère"
    for niveau, code in [("reg", "53"), ("dep", "59")]:
        at = open_page(PAGE, {"annees": "2019-2023", "niveau": niveau, "code": code, "lien": token}, staff=False)
        assert f"Paramètre « code » ignoré (hors du périmètre de ce lien) : « {code} »" in warnings(at)
        assert sheet_title(at) is None
