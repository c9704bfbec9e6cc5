"""Each page's own view keys, through the frame (app.py) on the tiny database: read from a link, shown in
the widgets, written back to the URL, invalid values noticed; the figures are the hand-computed ones of
the query tests (tests/test_queries_*.py)."""
import pandas as pd
import pytest

from apptest import open_page, texts
from fabrique import binding
from test_queries_coverage import GAL_CSV  # noqa: F401  (the GAL fixture's perimeters, documented there)


def widget(at, kind: str, spec: str, key: str):
    return getattr(at, kind)(key=binding.widget_key(spec, key))


# ---------------------------------------------------------------- Couverture des contrats

def test_coverage_figures_on_tiny(tiny_db, use_db):
    """Default: denominator = the network's départements (29, 56, 59, 974: 169 QPV, 95 PVD communes; see
    tests/test_queries_coverage.py), threshold = detection. 4 QPV reached (Kermoysan, Kervenanec Nord,
    Secteur Ouest, Le Bas De La Rivière): 4 / 169 = 2,4 %; 2 PVD (Audierne, Briec): 2 / 95 = 2,1 %."""
    use_db(tiny_db)
    at = open_page("couverture.py", {"annees": "2019-2023"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Quartiers prioritaires (QPV)"] == "2,4\u00a0%"
    assert metrics["Petites villes de demain"] == "2,1\u00a0%"
    assert metrics["LEADER (GAL)"] == "–"   # an import without GAL file: not computable, said so
    text = texts(at)
    assert "**4** sur **169** QPV · 165 en zone blanche" in text
    assert "France entière : 4 sur 1\u202f493" in text            # the other denominator, always shown
    assert "**2** sur **95** communes PVD" in text
    assert "approximation usuelle" in text and "EPT" in text        # the contrat de ville rule is said
    assert "python -m fabrique import-gal" in text
    # QPV data quality: P05 (Quimper), P07 (Villeneuve-d'Ascq) and P10 (Saint-Denis) lie in a commune with a
    # QPV, without a QPV code.
    assert "3 projet(s) situé(s) dans une commune comptant un QPV n'ont pas de code QPV" in text


def test_coverage_france_denominator_and_creation_threshold(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("couverture.py", {"annees": "2019-2023", "perimetre": "france", "seuil": "creation"})
    assert not at.exception, [e.value for e in at.exception]
    # Created projects with a QPV code: P01 (Kermoysan) and P06 (Secteur Ouest): 2 / 1 493 = 0,1 %.
    assert {m.label: m.value for m in at.metric}["Quartiers prioritaires (QPV)"] == "0,1\u00a0%"
    assert "**2** sur **1\u202f493** QPV" in texts(at)
    assert "Contrats atteints : au moins un projet créé de 2019 à 2023" in [s.value for s in at.subheader]


def test_coverage_family_and_level_from_the_link(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("couverture.py", {"annees": "2019-2023", "famille": "pvd", "niveau": "dep"})
    assert not at.exception, [e.value for e in at.exception]
    assert widget(at, "selectbox", "couverture", "famille").value == "pvd"
    assert widget(at, "segmented_control", "couverture", "niveau").value == "dep"
    assert (at.query_params["famille"], at.query_params["niveau"]) == ("pvd", "dep")


def test_coverage_old_zone_link_becomes_the_departement_filter(tiny_db, use_db):
    """`zone=29` (the drill-down before it set the shared filters) opens the Finistère."""
    use_db(tiny_db)
    at = open_page("couverture.py", {"annees": "2019-2023", "famille": "pvd", "niveau": "dep", "zone": "29"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["dep"] == "29" and "zone" not in at.query_params
    assert "Ancien paramètre « zone »" in texts(at)
    # Finistère: 39 PVD communes, Audierne and Briec reached (P02, P03): 37 without a project.
    assert "**37** communes PVD sur **39** sans au moins un projet détecté de 2019 à 2023" in texts(at)


def test_coverage_rejects_bad_view_values(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("couverture.py", {"famille": "tout", "niveau": "commune"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "Paramètre « famille » ignoré (code inconnu) : « tout »" in warnings
    assert "Paramètre « niveau » ignoré (code inconnu) : « commune »" in warnings
    assert widget(at, "selectbox", "couverture", "famille").value == "qpv"
    assert "famille" not in at.query_params


def test_coverage_empty_period(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("couverture.py", {"annees": "2023"})  # no tiny project is detected in 2023
    assert not at.exception
    assert any("Aucun projet détecté en 2023" in i.value for i in at.info)  # not « de 2023 »


# ---------------------------------------------------------------- Projets IAE par territoire

PAGE = "iae_territoires.py"


def test_iae_key_figures(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023"})
    assert not at.exception, [e.value for e in at.exception]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Projets IAE détectés"] == "5"
    assert metrics["Dont en quartier prioritaire (QPV)"] == "3 (60,0\u00a0%)"
    assert metrics["Dont créés"] == "4 (80,0\u00a0%)"
    assert metrics["Emplois créés"] == "10,5 ETP"
    assert "Postes d'insertion créés : 30,5 ETP" in texts(at)


def test_iae_invalid_level_is_noticed_and_the_level_follows_the_filters(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "canton"})
    assert not at.exception, [e.value for e in at.exception]
    assert "Paramètre « niveau » ignoré (code inconnu) : « canton »" in " ".join(w.value for w in at.warning)
    assert widget(at, "segmented_control", "iae", "niveau").value == "reg"   # France: régions
    at = open_page(PAGE, {"annees": "2019-2023", "reg": "53"})
    assert widget(at, "segmented_control", "iae", "niveau").value == "dep"   # one région: its départements
    assert "niveau" not in at.query_params                                   # automatic: not in the link


def test_iae_old_zoom_link_becomes_the_filters(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "niveau": "epci", "zoom_dep": "29"})
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["dep"] == "29" and "zoom_dep" not in at.query_params
    # Finistère: P01 (Quimper) and P02 (Audierne) are its IAE projects.
    assert {m.label: m.value for m in at.metric}["Projets IAE détectés"] == "2"
    assert "Périmètre : Finistère (29) · regroupement par EPCI." in texts(at)


def test_iae_chosen_level_goes_into_the_link_and_back_to_france(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "dep": "29"})
    widget(at, "segmented_control", "iae", "niveau").set_value("commune").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["niveau"] == "commune"
    assert any(s.value == "Carte par commune" for s in at.subheader)
    next(b for b in at.button if b.label == "Toute la France").click().run()
    assert "dep" not in at.query_params and "niveau" not in at.query_params
    assert {m.label: m.value for m in at.metric}["Projets IAE détectés"] == "5"


def test_iae_hors_iae_explains(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page(PAGE, {"annees": "2019-2023", "iae": "non"})
    assert not at.exception, [e.value for e in at.exception]
    assert any("Hors IAE" in i.value for i in at.info)
    assert not at.metric


# ---------------------------------------------------------------- Structures du réseau

def _frames(at):
    return [d.value for d in at.dataframe]


def test_structures_list(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("structures.py", {"annees": "2019-2023"})
    assert not at.exception, [e.value for e in at.exception]
    listed = [df for df in _frames(at) if "Projets suivis" in df.columns]
    assert len(listed) == 1 and len(listed[0]) == 3
    assert widget(at, "selectbox", "structures", "fiche").value == ""


def test_structure_fiche_from_the_link(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("structures.py", {"annees": "2019-2023", "fiche": "S1"})
    assert not at.exception, [e.value for e in at.exception]
    assert widget(at, "selectbox", "structures", "fiche").value == "S1"
    metrics = {m.label: m.value for m in at.metric}
    # Same figures as test_structure_totals (S1, 2019-2023).
    assert metrics["Séances de créativité"] == "52" and metrics["Études d'opportunité déclarées"] == "26"
    assert metrics["Créations de l'année"] == "3" and metrics["Emplois créés"] == "7,5 ETP"
    assert "**Territoire couvert** : Finistère (29), Morbihan (56) — Bretagne" in texts(at)
    assert "Garage solidaire Quimper" in pd.concat(_frames(at), ignore_index=True).to_string()


def test_structure_chosen_in_the_select_box_goes_into_the_link_and_back(tiny_db, use_db):
    use_db(tiny_db)
    at = open_page("structures.py", {"annees": "2019-2023"})
    widget(at, "selectbox", "structures", "fiche").select("S2").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.query_params["fiche"] == "S2"
    assert {m.label: m.value for m in at.metric}["Créations de l'année"] == "1"
    next(b for b in at.button if b.label == "Retour à la liste des structures").click().run()
    assert "fiche" not in at.query_params and not at.metric


@pytest.mark.parametrize("query, notice", [
    ({"fiche": "ZZZ" * 2000}, "Paramètre « fiche » ignoré (valeur trop longue)"),
    ({"fiche": "S9"}, "Paramètre « fiche » ignoré (code inconnu) : « S9 »"),
    ({"fiche": "S3", "reg": "53"}, "Paramètre « fiche » ignoré (structure hors des filtres choisis) : « S3 »"),
])
def test_structure_invalid_fiche_warns_and_shows_the_list(tiny_db, use_db, query, notice):
    use_db(tiny_db)
    at = open_page("structures.py", query)
    assert not at.exception, [e.value for e in at.exception]
    assert any(notice in w.value for w in at.warning), [w.value for w in at.warning]
    assert "fiche" not in at.query_params
    assert not at.metric                                   # no fiche drawn: the list is shown
