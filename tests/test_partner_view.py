"""A partner link: its perimeter cannot be widened, project detail and admin tools are absent, and small
counts never reach the page (the policy is applied where data leaves the data layer)."""
import datetime as dt

import pytest

from apptest import open_page, page_title, texts
from fabrique import partners

SECRET = "secret-de-test-suffisamment-long-pour-hs256"


@pytest.fixture
def partner(monkeypatch, tiny_db, use_db):
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    return partners.create_token(SECRET, expires=dt.date(2099, 12, 31), regs=("53",), label="Test")


def all_text(at) -> str:
    return texts(at) + "\n" + "\n".join(str(e.value) for e in at.dataframe)


def test_structure_fiche_hides_project_titles(partner):
    staff = open_page("structures.py", {"fiche": "S1", "annees": "2019-2023"})
    assert "Garage solidaire Quimper" in all_text(staff)
    seen = open_page("structures.py", {"fiche": "S1", "annees": "2019-2023", "lien": partner}, staff=False)
    assert not seen.exception
    assert "Garage solidaire Quimper" not in all_text(seen)
    assert "n'est pas affiché dans une vue partenaire" in all_text(seen)


def test_partner_cannot_widen_through_url(partner):
    # The URL asks for Nord (32); the link is locked to Bretagne (53): the page shows Bretagne, and says
    # that Nord is outside the link's perimeter (not "unknown": the code exists).
    at = open_page(None, {"reg": "32", "annees": "2019-2023", "lien": partner}, staff=False)
    assert not at.exception
    assert "Paramètre « reg » ignoré (hors du périmètre de ce lien) : « 32 »" in texts(at)
    filters_line = next(c.value for c in at.caption if c.value.startswith("Filtres"))
    assert "Hauts-de-France" not in filters_line and "Bretagne" in filters_line
    # The région list offers the perimeter only, and says it is locked.
    region = next(m for m in at.multiselect if m.label == "Région")
    assert region.options == ["Bretagne"] and region.placeholder == "Tout le périmètre du lien"


def test_partner_menu_has_no_import_screen_and_links_keep_the_token(partner):
    at = open_page(None, {"annees": "2019-2023", "lien": partner}, staff=False)
    links = [e for e in at.get("page_link")]
    labels = [e.proto.label for e in links]
    assert "Importer des données" not in labels and "Vue d'ensemble" in labels
    # Every menu link carries the partner token: a page opened in a new tab stays in the partner view.
    assert all(f"lien={partner}" in e.proto.query_string for e in links)


def test_partner_link_survives_removing_the_token_from_the_address_within_the_session(partner):
    at = open_page(None, {"annees": "2019-2023", "lien": partner}, staff=False)
    del at.query_params["lien"]
    at.run()
    assert dict(at.query_params)["lien"] == partner
    assert "Vue partenaire Test" in texts(at)


def test_iae_commune_table_never_shows_a_count_that_can_be_recovered(partner):
    staff = open_page("iae_territoires.py", {"niveau": "commune", "annees": "2019-2023"})
    seen = open_page("iae_territoires.py", {"niveau": "commune", "annees": "2019-2023", "lien": partner},
                     staff=False)
    assert not seen.exception, [e.value for e in seen.exception]
    staff_table = staff.dataframe[-1].value
    assert sorted(staff_table["Commune"]) == ["Audierne", "Lille", "Quimper", "Saint-Denis"]
    # Bretagne: Quimper and Audierne have one IAE project each (P01, P02) and the Finistère total (2) is
    # shown at département level: « < 3 » on both rows would still say 1 + 1 = 2. No secondary cell
    # exists in the Finistère, so both rows are withheld, and the page says so.
    partner_table = seen.dataframe[-1].value
    assert partner_table.empty
    assert "2 territoire(s) non affiché(s)" in texts(seen)
    assert "Quimper" not in texts(seen) and "Audierne" not in texts(seen)


def test_partner_downloads_aggregates_only(partner):
    at = open_page("methode.py", {"annees": "2019-2023", "lien": partner}, staff=False)
    assert not at.exception, [e.value for e in at.exception]
    labels = [b.label for b in at.get("download_button")]
    assert "Projets par commune (CSV)" in labels and "Projets (CSV)" not in labels
