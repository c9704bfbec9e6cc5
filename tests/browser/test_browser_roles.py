"""Who sees what, in a real browser, on real data (the demo records imported as if real: the roles apply):
the access page without a link, the partner view and what survives editing the address or opening a menu
link in a new tab, a revoked link, and the public view (FABRIQUE_PUBLIC=agrege) on its own server."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from st_browser import APP, PAGES, TIMEOUT, exceptions, goto, metrics, streamlit_server

from fabrique import build, partners, site
from fabrique.policy import PARTNER

pytestmark = pytest.mark.browser

SECRET = "secret-de-test-suffisamment-long-pour-hs256"
ACCESS = "s'ouvre avec un lien partenaire"
READY = APP + '[data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="module")
def real_db(demo_db, tmp_path_factory):
    records, _, _, _ = build.read_records(demo_db)
    path = tmp_path_factory.mktemp("roles") / "fabrique.duckdb"
    build.build(records, kind="import", db_path=path, data_date="2026-10-31", archive=False)
    return path


@pytest.fixture(scope="module")
def register(real_db):
    return partners.LinkRegister(real_db.parent / "liens.json")


def _server(real_db, tmp_path_factory, **env):
    return streamlit_server(real_db, tmp_path_factory.mktemp("roles-server") / "server.log",
                            env={"FABRIQUE_PARTNER_SECRET": SECRET, "FABRIQUE_LINKS": str(real_db.parent / "liens.json"),
                                 "FABRIQUE_ADMIN_PASSWORD_HASH": partners.hash_password("mot de passe de test"),
                                 "FABRIQUE_PUBLIC": "", **env})


@pytest.fixture(scope="module")
def private_url(real_db, browser, tmp_path_factory):
    with _server(real_db, tmp_path_factory) as base:
        yield base


@pytest.fixture(scope="module")
def public_url(real_db, browser, tmp_path_factory):
    with _server(real_db, tmp_path_factory, FABRIQUE_PUBLIC="agrege") as base:
        yield base


def open_until(page, url: str, text: str) -> str:
    """Open a URL and wait until the run is over and `text` is on the page (pages without the footer:
    the access page, a refusal). Returns the main area's text."""
    page.goto(url)
    page.wait_for_selector(READY, timeout=TIMEOUT)
    page.locator('[data-testid="stMain"]').get_by_text(text, exact=False).first.wait_for(timeout=TIMEOUT)
    page.wait_for_selector(READY, timeout=TIMEOUT)
    return page.locator('[data-testid="stMain"]').inner_text()


def _menu(page) -> list[str]:
    return [t.split("\n")[-1].strip()
            for t in page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a').all_inner_texts()]


def test_no_link_on_real_data_opens_the_access_page(page, private_url):
    main = open_until(page, private_url + "/", ACCESS)
    assert "mot de passe de l'équipe Avise" in main
    assert metrics(page) == {}
    assert page.locator('[data-testid="stDataFrame"], [data-testid="stPlotlyChart"]').count() == 0
    # Every page's address gives the same page, the import screen included.
    for path in ("parcours", "importer", "methode?annees=2019-2024"):
        assert ACCESS in open_until(page, f"{private_url}/{path}", ACCESS)
        assert metrics(page) == {}
    assert exceptions(page) == []


def test_partner_view_survives_a_new_tab_but_not_the_token_removed(new_context, private_url, register):
    token, _ = register.issue(SECRET, expires=dt.date(2099, 12, 31), regs=("53",), label="Région test")
    ctx = new_context()
    tab = ctx.new_page()
    goto(tab, f"{private_url}/?annees=2019-2024&lien={token}")
    banner = tab.locator('[data-testid="stAlertContentInfo"]', has_text="Vue partenaire Région test")
    assert banner.count() == 1 and "Région : Bretagne" in banner.inner_text()
    assert "Importer des données" not in _menu(tab)
    assert metrics(tab)

    # A menu link opened in a new tab (middle click, « ouvrir dans un nouvel onglet ») keeps the view.
    href = tab.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a', has_text="Projets IAE").first \
        .get_attribute("href")
    assert f"lien={token}" in href
    other = ctx.new_page()
    goto(other, href if href.startswith("http") else private_url + "/" + href.lstrip("/"))
    assert other.locator('[data-testid="stAlertContentInfo"]', has_text="Vue partenaire Région test").count() == 1
    assert other.locator("h1").first.inner_text().strip() == "Projets IAE par territoire"

    # The token deleted from the address (a new load of the page): not the partner view, not everything.
    bare = re.sub(r"[?&]lien=[^&]+", "", tab.url)
    main = open_until(tab, bare, ACCESS)
    assert "Vue partenaire" not in main and metrics(tab) == {}


def test_revoked_link_is_refused(new_context, private_url, register):
    token, record = register.issue(SECRET, expires=dt.date(2099, 12, 31), deps=("29",), label="CD 29")
    tab = new_context().new_page()
    goto(tab, f"{private_url}/?lien={token}")
    assert tab.locator('[data-testid="stAlertContentInfo"]', has_text="Vue partenaire CD 29").count() == 1
    register.revoke(record.jti)
    main = open_until(tab, f"{private_url}/?lien={token}", "révoqué")
    assert "Ce lien partenaire a été révoqué" in main and metrics(tab) == {}


def test_tampered_link_is_refused_in_french(page, private_url, register):
    token, _ = register.issue(SECRET, expires=dt.date(2099, 12, 31), regs=("53",))
    head, body, sig = token.split(".")
    main = open_until(page, f"{private_url}/?lien={head}.{body}x.{sig}", "invalide")
    assert "Accès refusé" in main and metrics(page) == {}


def test_public_view_shows_aggregates_and_how_to_get_access(page, public_url):
    # By EPCI: in this région every commune count would let a 1 or 2 be guessed (secondary suppression
    # withholds them all, tested below); the EPCI map shows masked and unmasked points.
    goto(page, public_url + "/iae-territoires?annees=2019-2024&reg=53&niveau=epci")
    assert exceptions(page) == []
    info = page.locator('[data-testid="stAlertContentInfo"]', has_text="Vue publique").inner_text()
    assert "effectifs de 1 ou 2 sous le département sont masqués" in info
    assert "Importer des données" not in _menu(page)
    assert metrics(page)
    # The staff can still sign in (the access page is replaced by the public view).
    assert page.get_by_text("Équipe Avise : se connecter").count() == 1
    texts = point_texts(page)
    assert texts and any("< 3" in t for t in texts), texts[:5]
    assert [t for t in texts if SMALL.search(t)] == []


SMALL = re.compile(r"(?<![\d\u202f\u00a0])[12]\s+projet")


def point_texts(page) -> list[str]:
    """The hover texts of every point layer of the page's maps, as the browser's Plotly holds them, once every
    chart of the page is drawn (Plotly's script loads after the run is over: reading at once can find none)."""
    page.wait_for_function("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(
        el => { const d = el.querySelector('.js-plotly-plot'); return d && d.data; })""", timeout=TIMEOUT)
    return page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].flatMap(
        div => (div.data || []).filter(t => t.type === 'scattergeo').flatMap(t => [].concat(t.text || [])))""")


SUB_DEPARTMENT_MAPS = ["iae-territoires?niveau=commune", "iae-territoires?niveau=epci", "couverture?famille=qpv",
                       "couverture?famille=pvd", "couverture?famille=ville"]


PARTNER_PAGES = [p.url_path for p in site.pages_for(PARTNER) if p.in_menu]


@pytest.mark.parametrize("path", SUB_DEPARTMENT_MAPS + [f"{p}?niveau=" for p in PAGES
                                                        if p != "iae-territoires" and site.ALIASES.get(p, p) in PARTNER_PAGES])
def test_partner_map_hovers_show_no_count_of_one_or_two(new_context, private_url, register, path):
    """Every page, and the maps of territories below the département: no hover says 1 or 2 projects."""
    token, _ = register.issue(SECRET, expires=dt.date(2099, 12, 31), regs=("53",), label="Région test")
    tab = new_context().new_page()
    goto(tab, f"{private_url}/{path}&annees=2019-2024&lien={token}".replace("?niveau=&", "?"))
    assert exceptions(tab) == []
    assert tab.locator('[data-testid="stAlertContentInfo"]', has_text="Vue partenaire Région test").count() == 1
    texts = point_texts(tab)
    assert [t for t in texts if SMALL.search(t)] == []
    if path in SUB_DEPARTMENT_MAPS:
        withheld = tab.get_by_text("Aucun territoire ne peut être affiché à ce niveau").count()
        # Masked points on the map, or none at all when every one would give a 1 or 2 away (and it says so).
        assert any("< 3" in t for t in texts) or (texts == [] and withheld == 1), texts[:5]
