"""The « Fiche territoire » and the « Carnet de projets » in a real browser on the demo database: figures as the
database gives them, screenshots on a desktop and a phone, printed to PDF (A4, at most three pages for a
département, filters, data date, sources and the « données fictives » mark kept), cards never cut across two
printed pages, and a partner link refused the carnet and kept on its perimeter."""
import datetime as dt
import io
import re

import pytest
from st_browser import errors, exceptions, full_page_screenshot, goto, query, streamlit_server, wait_rerun

from fabrique import db, fmt, partners
from fabrique.filters import Filters

pytestmark = pytest.mark.browser

PERIOD = "annees=2019-2024"
FINISTERE = f"territoire?{PERIOD}&niveau=dep&code=29"
SECRET = "secret-de-test-suffisamment-long-pour-hs256"


def pdf_pages(page) -> list[str]:
    """The page printed on A4 paper as the browser prints it: the text of each sheet of paper."""
    import pypdf
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    page.emulate_media(media="screen")
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def finistere_figures(demo_db) -> dict:
    """The Finistère's network figures over 2019-2024, straight from the database (the page's queries)."""
    params = {**Filters(2019, 2024).params(), "niveau": "dep", "code": "29"}
    row = db.run("territoire/network_here", params, path=demo_db).iloc[0]
    return {"projects": f"{fmt.number(row['projects_n'])} projet{'s' if row['projects_n'] > 1 else ''}",
            "creations": f"{fmt.number(row['creations_n'])} création{'s' if row['creations_n'] > 1 else ''}",
            "rate": f"{fmt.number(row['projects_per_100k'], 1)} pour 100 000 habitants",
            "jobs": f"{fmt.number(row['jobs_etp'], 1)} ETP"}


def test_fiche_of_a_departement_on_desktop_and_phone(page, app_url, demo_db, screenshots_dir):
    goto(page, f"{app_url}/{FINISTERE}")
    assert exceptions(page) == [] and errors(page) == []
    main = page.locator('[data-testid="stMain"]')
    assert main.locator("h2").first.inner_text().strip() == "Finistère"
    text = main.inner_text()
    expected = finistere_figures(demo_db)
    for figure in expected.values():
        assert figure in text, figure
    # every section, in the order
    order = [text.index(t) for t in ("1. Identité du territoire", "2. Contrats et zonages présents",
                                     "3. Contexte : emploi, revenus, insertion", "4. Le réseau sur le territoire",
                                     "5. Comparaison", "6. Carte du territoire et de ses communes")]
    assert order == sorted(order)
    assert "933\u202f455 habitants" in text                       # communes.csv: Finistère's population
    # the map draws the 277 communes of the Finistère (a grey dot each), as SVG
    chart = page.locator('[data-testid="stPlotlyChart"]').last
    chart.scroll_into_view_if_needed()
    chart.locator("g.geo path.point").nth(276).wait_for(state="attached", timeout=20_000)
    assert chart.locator("canvas").count() == 0
    assert page.requests.foreign() == [], "requests left the machine"
    full_page_screenshot(page, screenshots_dir / "territoire_fiche_29_1440x900.png")
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, f"{app_url}/{FINISTERE}")
    assert exceptions(page) == []
    full_page_screenshot(page, screenshots_dir / "territoire_fiche_29_390x844.png")


def test_fiche_prints_on_at_most_three_a4_pages(page, app_url, demo_db):
    goto(page, f"{app_url}/{FINISTERE}")
    sheets = pdf_pages(page)
    assert 1 <= len(sheets) <= 3, f"{len(sheets)} pages"
    text = " ".join(sheets)
    assert "Filtres : Période : 2019 à 2024" in text
    assert "Données fictives" in text and "Données au 31/10/2026" in text
    assert "INSEE, taux de chômage localisé" in text and "ANCT, quartiers prioritaires 2024" in text
    for figure in finistere_figures(demo_db).values():
        assert figure.replace("\u202f", " ") in text.replace("\u202f", " "), figure
    assert "Chercher un territoire" not in text                  # the search box is not printed


def test_search_opens_a_fiche(page, app_url):
    goto(page, f"{app_url}/territoire?{PERIOD}")
    box = page.get_by_role("textbox", name="Chercher un territoire")
    box.fill("brest metropole")
    wait_rerun(page, lambda: box.press("Enter"))
    wait_rerun(page, lambda: page.get_by_role("button", name="Brest Métropole — EPCI, Finistère (29)").click())
    assert (query(page)["niveau"], query(page)["code"]) == ("epci", "242900314")
    assert page.locator('[data-testid="stMain"] h2').first.inner_text().strip() == "Brest Métropole"


def test_bad_code_gives_a_notice_not_a_trace(page, app_url):
    goto(page, f"{app_url}/territoire?{PERIOD}&niveau=commune&code=99999")
    assert exceptions(page) == [] and errors(page) == []
    assert "Paramètre « code » ignoré (code inconnu) : « 99999 »" in page.locator('[data-testid="stMain"]').inner_text()
    assert page.get_by_role("textbox", name="Chercher un territoire").count() == 1


def test_carnet_on_desktop_and_phone_and_printed_as_a_booklet(page, app_url, demo_db, screenshots_dir):
    goto(page, f"{app_url}/carnet?{PERIOD}")
    assert exceptions(page) == [] and errors(page) == []
    created = db.run("carnet/projects", {**Filters(2019, 2024).params(), "group_by": "structure"}, path=demo_db)
    cards = page.locator(".carnet-card")
    assert cards.count() == min(len(created), 60)
    assert cards.first.locator("h4").inner_text().strip() == created.iloc[0]["title"]
    full_page_screenshot(page, screenshots_dir / "carnet_cartes_1440x900.png")
    # Printed: each card has one « Détection » line near its top and one « Programme » line at its bottom;
    # a card cut in two would leave one of them alone on a sheet.
    sheets = pdf_pages(page)
    assert len(sheets) > 1
    for i, sheet in enumerate(sheets):
        assert sheet.count("Détection") == sheet.count("Programme"), f"a card is cut at the end of sheet {i + 1}"
    assert sum(s.count("Programme") for s in sheets) == cards.count()
    assert "Données fictives" in sheets[0] and "Données au" in sheets[-1]
    page.set_viewport_size({"width": 390, "height": 844})
    goto(page, f"{app_url}/carnet?{PERIOD}")
    full_page_screenshot(page, screenshots_dir / "carnet_cartes_390x844.png")


@pytest.fixture(scope="module")
def partner_server(demo_db, tmp_path_factory):
    with streamlit_server(demo_db, tmp_path_factory.mktemp("partner") / "server.log",
                          env={"FABRIQUE_PARTNER_SECRET": SECRET}) as base:
        yield base


def test_partner_link_is_refused_the_carnet_and_kept_on_its_perimeter(new_context, partner_server):
    token = partners.create_token(SECRET, expires=dt.date(2099, 12, 31), regs=("53",), label="Région test")
    pg = new_context().new_page()
    # a refusal page has no footer (goto waits for one): wait for the refusal itself
    pg.goto(f"{partner_server}/carnet?{PERIOD}&lien={token}")
    pg.get_by_text("Accès refusé").wait_for(timeout=60_000)
    main = pg.locator('[data-testid="stMain"]').inner_text()
    assert "Accès refusé" in main and "réservée à l'équipe Avise" in main
    assert pg.locator(".carnet-card").count() == 0
    goto(pg, f"{partner_server}/territoire?{PERIOD}&niveau=dep&code=59&lien={token}")
    main = pg.locator('[data-testid="stMain"]')
    assert "hors du périmètre de ce lien" in main.inner_text()
    assert main.locator("h2").first.inner_text().strip() == "Bretagne"
    nav = pg.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').all_inner_texts()
    assert not any("Carnet de projets" in n for n in nav)


def test_fiche_has_no_serious_accessibility_violation(page, app_url, axe_source):
    """The generic check (test_browser_a11y) opens /territoire without a territory: here the whole sheet."""
    from test_browser_a11y import STREAMLIT_OWN, _run_axe
    goto(page, f"{app_url}/{FINISTERE}")
    ours = [f'{v["id"]}: {n["target"]} {n["html"]}' for v in _run_axe(page, axe_source) for n in v["nodes"]
            if (n["impact"] or v["impact"]) in ("serious", "critical")
            and not (v["id"] in STREAMLIT_OWN and STREAMLIT_OWN[v["id"]][0](n["target"], n["html"]))]
    assert ours == [], "\n".join(ours)
