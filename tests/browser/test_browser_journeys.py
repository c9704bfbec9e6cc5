"""Journeys as users click them: every page with a view of its own visited, left by the sidebar menu and
visited again (A → B → A for every pair), Back and Forward onto each page, reloads. Each visit must show
the page, with the view the user left it in, and never Streamlit's English error box.

An unexpected failure (a page that raises, a widget callback that raises, a database file that is not a
database) shows the French message with a way back, and the trace goes to the server log."""
import re

import pytest
from st_browser import (FRENCH_FAILURE, READY, TIMEOUT, goto, metrics, navigate, path, pick, query,
                        streamlit_errors, streamlit_server, wait_rerun)

from fabrique import db

pytestmark = pytest.mark.browser

OVERVIEW, IAE, COVERAGE, STRUCTURES = ("Vue d'ensemble", "Projets IAE par territoire", "Couverture des contrats",
                                       "Structures du réseau")
ADDRESS = {OVERVIEW: "", IAE: "iae-territoires", COVERAGE: "couverture", STRUCTURES: "structures"}
# The view each page is left in on its first visit, as its URL says it (checked on every later visit).
VIEW = {IAE: {"niveau": "dep"}, COVERAGE: {"famille": "ville"}, STRUCTURES: {"fiche": "FAI-01"}}
# A walk that holds A → B → A for each of the six pairs of the four pages with a view (or the overview).
WALK = [IAE, OVERVIEW, COVERAGE, OVERVIEW, STRUCTURES, OVERVIEW, IAE, COVERAGE, IAE, STRUCTURES, IAE, COVERAGE,
        STRUCTURES, COVERAGE]


def choose_in_main(page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    pick(box, option)


def set_view(page, title: str, demo_db) -> None:
    """Leave the page in a view of its own, as a user would set it."""
    if title == IAE:
        radio = page.get_by_role("radiogroup", name="Niveau").get_by_role("radio", name="Département")
        wait_rerun(page, radio.click)
    elif title == COVERAGE:
        choose_in_main(page, "Famille de contrats", "Contrats de ville")
    elif title == STRUCTURES:
        name = db.run("frame/structures", path=demo_db).set_index("structure_id").loc["FAI-01", "name"]
        choose_in_main(page, "Choisir une structure", name)


def assert_view(page, title: str, demo_db) -> None:
    assert streamlit_errors(page) == [], f"{title}: {streamlit_errors(page)}"
    assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == title
    assert path(page) == ADDRESS[title]
    for key, value in VIEW.get(title, {}).items():
        assert query(page).get(key) == value, f"{title}: the view was lost ({query(page)})"
    if title == IAE:
        checked = page.get_by_role("radiogroup", name="Niveau").get_by_role("radio", checked=True).inner_text()
        assert checked.strip() == "Département"
    if title == STRUCTURES:
        name = db.run("frame/structures", path=demo_db).set_index("structure_id").loc["FAI-01", "name"]
        assert page.locator('[data-testid="stMain"] h3').filter(has_text=name).count() == 1
    assert metrics(page), f"{title}: no key figure shown"


def test_every_pair_of_pages_by_the_menu_back_forward_and_reload(page, app_url, demo_db):
    goto(page, app_url + "/?annees=2019-2024")
    seen: list[str] = [OVERVIEW]
    visited: set[str] = set()
    for title in WALK:
        navigate(page, title)
        if title in VIEW and title not in visited:
            set_view(page, title, demo_db)
        visited.add(title)
        assert_view(page, title, demo_db)
        assert query(page).get("annees") == "2019-2024", "the menu link lost the filters"
        seen.append(title)

    # Back and Forward land on each page with its view (the browser's history holds every step above).
    for title in reversed(seen[-5:-1]):
        wait_rerun(page, page.go_back)
        assert_view(page, title, demo_db)
    for title in seen[-4:-1]:
        wait_rerun(page, page.go_forward)
        assert_view(page, title, demo_db)

    # A reload of each page keeps its view (the URL holds it). A reload starts a new session, which knows
    # only the reloaded page's view: the next page is set again before its own reload.
    for title in [IAE, COVERAGE, STRUCTURES, OVERVIEW]:
        navigate(page, title)
        if any(query(page).get(k) != v for k, v in VIEW.get(title, {}).items()):
            set_view(page, title, demo_db)
        goto(page, page.url)
        assert_view(page, title, demo_db)


@pytest.fixture(scope="module")
def failing_server(demo_db, tmp_path_factory):
    """A server where the Couverture page and the meeting-mode toggle's callback fail on purpose."""
    log = tmp_path_factory.mktemp("failing") / "server.log"
    with streamlit_server(demo_db, log, env={"FABRIQUE_TEST_FAILURE": "couverture,rappel"}) as base:
        yield base, log


def _wait_ready(page) -> None:
    page.wait_for_selector(READY, timeout=TIMEOUT)
    page.wait_for_function(
        "(t) => document.body.innerText.includes(t) || document.body.innerText.includes('Données au')",
        arg=FRENCH_FAILURE, timeout=TIMEOUT)


def test_a_failing_page_says_so_in_french_with_a_way_back(new_context, failing_server):
    base, log = failing_server
    pg = new_context().new_page()
    pg.goto(base + "/couverture?annees=2019-2024")
    _wait_ready(pg)
    assert FRENCH_FAILURE in pg.locator('[data-testid="stMain"]').inner_text()
    assert streamlit_errors(pg) == []
    # The way back works, and the other pages are fine.
    back = pg.get_by_role("link", name=re.compile("Revenir à la vue d'ensemble"))
    wait_rerun(pg, back.click)
    assert pg.locator('[data-testid="stMain"] h1').first.inner_text().strip() == OVERVIEW
    assert streamlit_errors(pg) == []
    # The trace is in the server log, not on the page.
    text = log.read_text(errors="replace")
    assert "Échec provoqué pour les tests : couverture" in text and "Traceback" in text


def test_a_failing_callback_says_so_in_french(new_context, failing_server):
    base, log = failing_server
    pg = new_context().new_page()
    goto(pg, base + "/parcours?annees=2019-2024")
    toggle = pg.locator('[data-testid="stSidebar"] [data-testid="stCheckbox"]').filter(has_text="Mode réunion")
    toggle.locator("label").click()
    pg.wait_for_function("(t) => document.body.innerText.includes(t)", arg=FRENCH_FAILURE, timeout=TIMEOUT)
    pg.wait_for_selector(READY, timeout=TIMEOUT)
    assert FRENCH_FAILURE in pg.locator('[data-testid="stMain"]').inner_text()
    assert streamlit_errors(pg) == []
    assert "Échec provoqué pour les tests : rappel" in log.read_text(errors="replace")


def test_a_database_that_is_not_one_says_so_in_french(new_context, tmp_path):
    broken = tmp_path / "pas_une_base.duckdb"
    broken.write_bytes(b"Ceci n'est pas une base DuckDB.\n" * 100)
    log = tmp_path / "server.log"
    with streamlit_server(broken, log) as base:
        pg = new_context().new_page()
        pg.goto(base + "/iae-territoires")
        _wait_ready(pg)
        assert FRENCH_FAILURE in pg.locator('[data-testid="stMain"]').inner_text()
        assert streamlit_errors(pg) == []
        assert pg.get_by_role("link", name=re.compile("Revenir à la vue d'ensemble")).count() == 1
    assert "not a valid DuckDB database file" in log.read_text(errors="replace")
