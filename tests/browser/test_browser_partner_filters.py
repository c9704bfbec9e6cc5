"""A partner's filter bar (a link locked to the région Bretagne): it offers only what the perimeter allows and
says that it is locked, a value outside it is « hors du périmètre de ce lien », and the menu links keep the
link, so a page opened in a new tab is still the partner's view."""
import datetime as dt
import re

import pytest
from st_browser import (goto, metrics, multiselect_values, open_list, pick, query, sidebar_widget, streamlit_errors,
                        streamlit_server, wait_rerun)

from fabrique import db, fmt, partners
from fabrique.filters import Filters

pytestmark = pytest.mark.browser

SECRET = "secret-de-test-des-liens-partenaires-0123456789"   # ≥ 32 characters
BRETAGNE = ("22", "29", "35", "56")


@pytest.fixture(scope="module")
def partner_link(demo_db, tmp_path_factory):
    token = partners.create_token(SECRET, expires=dt.date.today() + dt.timedelta(days=30), regs=("53",),
                                  label="Région Bretagne (test)")
    log = tmp_path_factory.mktemp("partner") / "server.log"
    with streamlit_server(demo_db, log, env={"FABRIQUE_PARTNER_SECRET": SECRET}) as base:
        yield base, token


def options_of(page, widget) -> list[str]:
    open_list(widget)
    shown = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return [s.strip() for s in shown]


def placeholder(widget) -> str:
    return widget.locator("input").first.get_attribute("placeholder") or widget.inner_text()


def expected_structures(demo_db) -> list[str]:
    """Structures covering at least one Breton département, in French order."""
    covered = db.run("frame/structure_departments", path=demo_db)
    names = db.run("frame/structures", path=demo_db).set_index("structure_id")["name"]
    ids = sorted(set(covered.loc[covered["dep_code"].isin(BRETAGNE), "structure_id"]))
    return sorted((names[i] for i in ids), key=fmt.sort_key)


def test_the_filter_bar_offers_only_the_perimeter_and_says_it_is_locked(new_context, partner_link, demo_db):
    base, token = partner_link
    pg = new_context().new_page()
    goto(pg, f"{base}/?annees=2019-2024&lien={token}")
    assert streamlit_errors(pg) == []
    assert "Vue partenaire" in pg.locator('[data-testid="stMain"]').inner_text()
    region = sidebar_widget(pg, "stMultiSelect", "Région")
    department = sidebar_widget(pg, "stMultiSelect", "Département")
    structure = sidebar_widget(pg, "stMultiSelect", "Structure")
    assert "Tout le périmètre du lien" in placeholder(region)
    assert "Tout le périmètre du lien" in placeholder(department)
    assert options_of(pg, region) == ["Bretagne"]
    assert [o.split(" – ")[0] for o in options_of(pg, department)] == list(BRETAGNE)
    offered = options_of(pg, structure)
    assert offered == expected_structures(demo_db)[:len(offered)] and 1 <= len(offered) < 30
    assert "Périmètre verrouillé par le lien" in pg.locator('[data-testid="stSidebar"]').inner_text()

    # Choosing Bretagne then removing the chip: the bar says « the whole perimeter », the data stay Breton.
    pick(region, "Bretagne")
    assert multiselect_values(pg, "Région") == ["Bretagne"]
    chip_remove = region.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag] button').first
    wait_rerun(pg, chip_remove.click)
    assert multiselect_values(pg, "Région") == []
    assert "Toutes les régions" not in region.inner_text()
    assert "Tout le périmètre du lien" in placeholder(region)
    kpis = db.run("overview/kpis", Filters(2019, 2024, regs=("53",)).params(), path=demo_db).set_index("period")
    shown = {k: v.split("\n")[0] for k, v in metrics(pg).items()}
    assert shown["Séances de créativité"] == fmt.number(kpis.loc["current", "sessions_n"])


def test_a_code_outside_the_perimeter_is_said_to_be_outside(new_context, partner_link):
    base, token = partner_link
    pg = new_context().new_page()
    goto(pg, f"{base}/?annees=2019-2024&reg=11&lien={token}")   # Île-de-France exists, outside the link
    warnings = " ".join(pg.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())
    assert "hors du périmètre de ce lien" in warnings
    assert "code inconnu" not in warnings
    goto(pg, f"{base}/?annees=2019-2024&reg=99&lien={token}")   # no such région
    assert "code inconnu" in " ".join(pg.locator('[data-testid="stAlertContentWarning"]').all_inner_texts())


def test_menu_links_keep_the_link_a_new_tab_stays_in_the_partner_view(new_context, partner_link):
    base, token = partner_link
    ctx = new_context()
    pg = ctx.new_page()
    goto(pg, f"{base}/?annees=2019-2024&lien={token}")
    hrefs = pg.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a').evaluate_all(
        "els => els.map(e => e.href)")
    assert hrefs and all(f"lien={token}" in h for h in hrefs), hrefs
    assert not any("importer" in h for h in hrefs), "the import screen is listed in a partner's menu"
    # Opened in a new tab (a new session: only the address carries the link).
    coverage = next(h for h in hrefs if "/couverture" in h)
    tab = ctx.new_page()
    goto(tab, coverage)
    assert streamlit_errors(tab) == []
    assert query(tab).get("lien") == token
    text = tab.locator('[data-testid="stMain"]').inner_text()
    assert "Vue partenaire" in text and re.search(r"Région : Bretagne", text)
