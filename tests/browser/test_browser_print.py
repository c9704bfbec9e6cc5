"""Printing, as a manager prints a page for a board meeting (Chromium's print to PDF, A4): every sheet carries
the fictitious-data mark, the filters and the data date; tables print every row and every column; a chart is
never cut across two sheets; what is only for the screen or only for the Avise team is not printed."""
import io
import re
import unicodedata

import pypdf
import pytest
from st_browser import PAGES, goto, navigate, streamlit_server, wait_rerun

from fabrique import db, partners
from fabrique.filters import Filters

pytestmark = pytest.mark.browser

QUERY = "annees=2019-2024&reg=53"
FILTERS_LINE = "Filtres : Période : 2019 à 2024 · Région : Bretagne"
MAX_SHEETS = {"couverture": 12, "methode": 16}   # the others: 8 (Méthode: the whole dictionary)


def flat(text: str) -> str:
    """Text compared without its spaces and line breaks (the PDF breaks lines where the page did) and with
    the typographic ligatures of the PDF undone (« ﬀ » is « ff »)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def print_pdf(page) -> list[str]:
    """The page printed on A4 as Chromium prints it; the text of each sheet."""
    page.emulate_media(media="print")
    page.wait_for_timeout(800)   # charts are redrawn at the paper's width
    pdf = page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    page.emulate_media(media="screen")
    return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def charts_and_captions(page) -> list[tuple[str, str]]:
    """(title, caption right under it) of every chart that has both, as printed."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stElementContainer"]')]
        .filter(e => e.querySelector('.stPlotlyChart .gtitle'))
        .map(e => { const next = e.nextElementSibling;
                    const caption = next && next.querySelector('[data-testid="stCaptionContainer"]');
                    return [e.querySelector('.gtitle').textContent, caption ? caption.innerText : '']; })
        .filter(([t, c]) => t && c)""")


def sheet_of(sheets: list[str], text: str) -> int:
    needle = flat(text)[:40]
    found = [i for i, s in enumerate(sheets) if needle in flat(s)]
    assert found, f"« {text[:60]} » is not printed"
    return found[0]


@pytest.mark.parametrize("url_path", list(PAGES))
def test_every_sheet_carries_the_mark_filters_and_date(page, app_url, url_path):
    # The fiche territoire printed with a territory shown (without one it is a search box); the carnet of
    # projects has cards and no chart.
    extra = "&niveau=dep&code=35" if url_path == "territoire" else ""
    goto(page, f"{app_url}/{url_path}?{QUERY}{extra}")
    page.emulate_media(media="print")
    page.wait_for_timeout(800)
    pairs = charts_and_captions(page)
    # Tables fit the paper's width (a column cut off at the right edge cannot be read on paper).
    too_wide = page.evaluate("""() => [...document.querySelectorAll('table.fab-table')]
        .filter(t => t.getBoundingClientRect().right > t.parentElement.getBoundingClientRect().right + 1)
        .map(t => t.querySelector('th').innerText)""")
    assert too_wide == [], f"tables wider than the paper: {too_wide}"
    sheets = print_pdf(page)
    n = len(sheets)
    assert 1 <= n <= MAX_SHEETS.get(url_path, 8), f"{n} sheets"
    for i, text in enumerate(sheets, 1):
        f = flat(text)
        assert flat("DONNÉES FICTIVES") in f, f"sheet {i}: no fictitious-data mark"
        assert flat(FILTERS_LINE) in f, f"sheet {i}: no filters"
        assert flat("Données au 31/10/2026") in f, f"sheet {i}: no data date"
        assert flat(f"page {i} / {n}") in f, f"sheet {i}: no page number"
    whole = flat("".join(sheets))
    # Screen-only furniture is not printed.
    for screen_only in ("Voir les données du graphique", "Copier le lien de cette vue", "Mode réunion",
                        "Réinitialiser les filtres"):
        assert flat(screen_only) not in whole, f"« {screen_only} » printed"
    # A chart and the caption right under it are on the same sheet: the chart is not cut.
    assert pairs or url_path in ("methode", "carnet"), "no chart found to check"
    for title, caption in pairs:
        assert sheet_of(sheets, title) == sheet_of(sheets, caption), f"chart « {title} » cut across two sheets"


def test_printed_tables_are_complete(page, app_url, demo_db):
    """Couverture: the table by département and the list of zones blanches print every row, and the rate
    column (cut off on screen-width paper before) is there."""
    goto(page, f"{app_url}/couverture?annees=2019-2024&reg=76")
    sheets = print_pdf(page)
    whole = flat("".join(sheets))
    params = {**Filters(2019, 2024, regs=("76",)).params(), "perimetre": "reseau", "seuil": "detection"}
    by_dep = db.run("coverage/contract_rates", {**params, "level": "dep", "family": "qpv"}, path=demo_db)
    assert len(by_dep) == 13   # Occitanie's départements: one région chosen, its départements are listed
    assert flat("Taux de couverture") in whole
    for name in by_dep["territory_name"]:
        assert flat(name) in whole
    contracts = db.run("coverage/contract_list", {**params, "family": "qpv", "zone_reg": None, "zone_dep": None},
                       path=demo_db)
    white = contracts[~contracts["is_covered"].astype(bool)]
    assert len(white) >= 30, "the demo's QPV of Occitanie without a project: a list longer than the grid shows"
    missing = [n for n in white["contract_name"] if flat(n) not in whole]
    assert missing == [], f"zones blanches not printed: {missing}"


@pytest.fixture(scope="module")
def staff_on_real_data(tiny_db, browser, tmp_path_factory):
    """A server on imported data without GAL perimeters (the Couverture page then shows the Avise team how to
    import them), signed in as the Avise team."""
    password = "mot de passe de test"
    env = {"FABRIQUE_ADMIN_PASSWORD_HASH": partners.hash_password(password)}
    with streamlit_server(tiny_db, tmp_path_factory.mktemp("tiny") / "server.log", env=env) as base:
        ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
        pg = ctx.new_page()
        pg.goto(base + "/couverture?annees=2019-2023")
        box = pg.get_by_label("Mot de passe de l'équipe Avise")
        box.wait_for(timeout=60_000)
        box.fill(password)
        # Signed in for this session only: no reload after this (a reload is a new session).
        wait_rerun(pg, lambda: pg.get_by_role("button", name="Se connecter").click())
        navigate(pg, "Couverture des contrats")
        yield pg
        ctx.close()


def test_staff_help_is_shown_on_screen_and_not_printed(staff_on_real_data):
    pg = staff_on_real_data
    screen = pg.locator('[data-testid="stMain"]').inner_text()
    assert "python -m fabrique import-gal" in screen, "the Avise team's help is missing on screen"
    assert "aucun périmètre importé" in screen
    sheets = print_pdf(pg)
    whole = flat("".join(sheets))
    assert flat("aucun périmètre importé") in whole        # what everyone reads is printed
    assert flat("python -m fabrique") not in whole, "command-line help printed"
    assert flat("DONNÉES FICTIVES") not in whole           # real (imported) data: no fictitious mark
    assert flat("Données au 31/12/2023") in flat(sheets[-1])
