"""The words a user reads and hears (screen readers read aria-labels): French everywhere the dashboard can
change them. What stays English comes from Streamlit, has no setting, and is listed here with the reason
(and in README, « Accessibilité et usage »). Lists and tables in French order."""
import re

import pytest
from st_browser import PAGES, goto, open_list, sidebar_widget, streamlit_errors

from fabrique import db, fmt

pytestmark = pytest.mark.browser

# English words of Streamlit's and Plotly's controls that used to reach users.
ENGLISH = re.compile(
    r"Download|Fullscreen|Full screen|\bSearch\b|Sort (ascending|descending)|Pin column|Autosize|Hide column|"
    r"Show/hide|\bZoom\b|Autoscale|Reset axes|Box Select|Lasso|\bPrint\b|Record a screencast|\bAbout\b|"
    r"Made with Streamlit|\bDeploy\b|\bRerun\b|Clear cache|\bSettings\b|\bRemove\b|Select all|Copy to clipboard|"
    r"Choose an? option|No results|Collapse sidebar|Expand sidebar|Main menu|Help for|Link to heading|"
    r"^Open$|^Close$|^Sidebar$|Selected values")
# Streamlit's own English that no setting changes and that cannot be hidden without losing the control.
STREAMLIT_OWN: dict[str, str] = {}

VISIBLE_WORDS = """() => {
  const out = [];
  const seen = el => el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true});
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let n;
  while ((n = walker.nextNode())) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, [aria-hidden="true"], .material-symbols-rounded, [data-testid="stIconMaterial"]')) continue;
    const t = n.nodeValue.trim();
    if (t && seen(el)) out.push(t);
  }
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]'))
    if (seen(el) || el.matches('input')) for (const a of ['aria-label', 'title', 'placeholder'])
      if (el.getAttribute(a)) out.push(el.getAttribute(a));
  return out;
}"""


def english(page) -> list[str]:
    return sorted({w for w in page.evaluate(VISIBLE_WORDS) if ENGLISH.search(w) and w not in STREAMLIT_OWN})


@pytest.mark.parametrize("url_path", list(PAGES))
def test_no_english_on_the_page_nor_in_its_controls(page, app_url, url_path):
    goto(page, f"{app_url}/{url_path}?annees=2019-2024&reg=53")   # a chip in the Région filter
    assert streamlit_errors(page) == []
    # No app menu (Print, Record a screencast, About, "Made with Streamlit"), no chart tool bar.
    assert page.locator('[data-testid="stMainMenu"]').count() == 0
    assert page.locator(".modebar-container .modebar-btn").count() == 0
    # What a pointer brings up: a data grid's tool bar and column menu stay hidden.
    grids = page.locator('[data-testid="stMain"] [data-testid="stDataFrame"]')
    if grids.count():
        grid = grids.first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.move(box["x"] + 40, box["y"] + 15)
        page.wait_for_timeout(300)
        assert page.locator('[data-testid="stElementToolbar"]').evaluate_all(
            "els => els.filter(e => e.checkVisibility()).length") == 0
        # The column menu opens from the right end of a header cell (Sort ascending, Pin column…).
        page.mouse.click(box["x"] + min(box["width"], 200) - 12, box["y"] + 17)
        page.wait_for_timeout(300)
        assert page.locator('[data-testid="stDataFrameColumnMenu"]').evaluate_all(
            "els => els.filter(e => e.checkVisibility()).length") == 0
        page.keyboard.press("Escape")
    # The copied-link box (its copy button), a filter list with a chip (its remove button).
    page.get_by_role("button", name=re.compile("Copier le lien de cette vue")).click()
    page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"]').wait_for()
    found = english(page)
    assert found == [], f"English on « {PAGES[url_path]} »: {found}"


def test_filter_lists_and_tables_in_french_order(page, app_url, demo_db):
    goto(page, f"{app_url}/?annees=2019-2024")
    region = sidebar_widget(page, "stMultiSelect", "Région")
    open_list(region)
    listed = page.get_by_role("option").all_inner_texts()
    names = list(db.run("frame/regions", path=demo_db)["reg_name"])
    assert listed == sorted(names, key=fmt.sort_key)[:len(listed)]
    # « Île-de-France » among the I, not after « Provence-Alpes-Côte d'Azur » (binary order puts Î last).
    french = sorted(names, key=fmt.sort_key)
    assert french.index("Île-de-France") == french.index("Hauts-de-France") + 1
    # A search that matches nothing says so in French.
    region.locator("input").first.press_sequentially("zzz", delay=20)
    page.get_by_role("option").filter(has_text="Aucun résultat").wait_for(timeout=5_000)
    assert "No results" not in page.locator("body").inner_text()
    page.keyboard.press("Escape")
    # The overview's tables (their complete copies, the same rows as the grids) in French order.
    firsts = page.locator("[class*='st-key-fab_print_'] table.fab-table").evaluate_all(
        "ts => ts.map(t => [...t.querySelectorAll('tbody tr td:first-child')].map(td => td.textContent))")
    assert len(firsts) == 2
    by_structure, by_region = firsts
    assert by_structure == sorted(by_structure, key=fmt.sort_key) and len(by_structure) >= 20
    assert by_region == sorted(by_region, key=fmt.sort_key) and "Île-de-France" in by_region


def test_wording(page, app_url):
    """Slips seen in use: « détectés en 2010 à 2026 », « IAE : IAE », « Epci du périmètre », « vs période
    précédente », a green arrow on a change of 0."""
    goto(page, f"{app_url}/iae-territoires?annees=2010-2026&iae=oui&dep=29&niveau=epci")
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert " en 2010 à " not in text and "de 2010 à 2026" in text
    assert "IAE : IAE" not in text and "Projets : IAE" in text
    assert "Epci" not in text and "EPCI du périmètre" in text

    goto(page, f"{app_url}/?annees=2019-2024")
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert "période précédente" not in text and "vs " not in text
    assert "par rapport à la période 2013-2018" in text
    # A change of 0 has neither arrow nor colour (compare(): delta_arrow and delta_color off).
    for delta in page.locator('[data-testid="stMetricDelta"]').all():
        if re.match(r"^0\b", delta.inner_text().strip()):
            assert delta.locator("svg").count() == 0
