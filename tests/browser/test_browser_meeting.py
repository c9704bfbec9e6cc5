"""Meeting mode as staff use it on a wall screen (1440×900): kept from page to page by the menu, the key
figures on the first screen, large type in charts and tables, nothing cut."""
import pytest
from st_browser import PAGES, goto, navigate, query, streamlit_errors

from fabrique import db
from fabrique.filters import Filters

pytestmark = pytest.mark.browser

MEETING = "mode=reunion&annees=2019-2024"
# Pages with key figures, and the address that shows them (the structures page shows them on a fiche).
FIGURES = {"vue-d-ensemble": "vue-d-ensemble", "parcours": "parcours", "iae-territoires": "iae-territoires",
           "couverture": "couverture", "structures": "structures?fiche=FAI-01"}
# Everything the tiles show: labels and values must be whole (a truncated label cannot be hovered on a wall).
CUT = """() => [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stMetricLabel"] p')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 2)
    .map(e => e.innerText)"""


def test_meeting_mode_is_kept_by_every_menu_link(page, app_url):
    goto(page, f"{app_url}/?{MEETING}")
    for title in [t for path, t in PAGES.items() if path != "vue-d-ensemble"] + ["Vue d'ensemble"]:
        navigate(page, title)
        assert streamlit_errors(page) == []
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip() == title
        assert query(page).get("mode") == "reunion", f"{title}: meeting mode lost ({page.url})"
        assert query(page).get("annees") == "2019-2024"
        # Meeting mode: the filters folded above the page, not in the sidebar.
        assert page.locator(".st-key-meeting_filters").count() == 1, f"{title}: not in meeting mode"


@pytest.mark.parametrize("name", list(FIGURES))
def test_key_figures_on_the_first_screen_whole(page, app_url, name, screenshots_dir):
    address = FIGURES[name]
    goto(page, f"{app_url}/{address}{'&' if '?' in address else '?'}{MEETING}")
    page.screenshot(path=str(screenshots_dir / f"reunion_{name}_1440x900.png"))
    assert streamlit_errors(page) == []
    bottoms = page.locator('[data-testid="stMetric"]').evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().bottom)")
    # The page's own tiles (Couverture has two more further down, about the network's presence).
    first = [b for b in bottoms if b < 2 * 900]
    assert len(first) >= 5, f"{name}: {len(first)} key figures found"
    assert max(first) <= 900, f"{name}: key figures below the fold at 1440×900 ({first})"
    assert page.evaluate(CUT) == [], f"{name}: cut labels or figures"
    size = page.locator('[data-testid="stMetricValue"]').first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 40, f"{name}: key figures not enlarged ({size}px)"


def _font_sizes(page, selector: str) -> list[float]:
    return page.locator(selector).evaluate_all(
        "els => els.map(e => parseFloat(e.style.fontSize || getComputedStyle(e).fontSize))")


def test_charts_and_tables_in_large_type_nothing_cut(page, app_url, demo_db):
    goto(page, f"{app_url}/?{MEETING}")
    ticks = _font_sizes(page, ".stPlotlyChart g.xtick text, .stPlotlyChart g.ytick text")
    legends = _font_sizes(page, ".stPlotlyChart g.legend text.legendtext")
    assert ticks and min(ticks) >= 17, f"chart ticks not enlarged: {sorted(set(ticks))}"
    assert legends and min(legends) >= 17, f"legends not enlarged: {sorted(set(legends))}"
    # Tables: the complete table in large type, not the data grid (which cuts columns and rows).
    assert page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]').count() == 0
    tables = page.locator("[class*='st-key-fab_meeting_'] table.fab-table")
    assert tables.count() == 2   # by structure, by région
    assert min(_font_sizes(page, "table.fab-table td")) >= 20

    # Codes whole: every cell of the coverage table shows its full text.
    goto(page, f"{app_url}/couverture?{MEETING}")
    cut = page.evaluate("""() => [...document.querySelectorAll('table.fab-table td, table.fab-table th')]
        .filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.innerText)""")
    assert cut == []
    codes = page.locator("table.fab-table").first.locator("tbody tr td:nth-child(2)").all_inner_texts()
    expected = db.run("coverage/contract_rates", {**Filters(2019, 2024).params(), "level": "reg", "family": "qpv",
                                                  "perimetre": "reseau", "seuil": "detection"}, path=demo_db)
    assert codes == list(expected["territory_code"]), "every région of the table, its code whole"
