"""A partner on a phone (390×844, a phone's browser): every page opens on its content, the menu closes after a
tap, no tool bar over the chart titles, titles whole, maps that fill their box, and a map of one région shows
its départements. Screenshots of every page for a human to look at (artifacts/screenshots/*_390x844.png)."""
import pytest
from st_browser import (PAGES, full_page_screenshot, goto, navigate, open_sidebar, path, query, sidebar_width,
                        streamlit_errors, wait_rerun)

pytestmark = pytest.mark.browser

# An Android phone's Chrome (Pixel 8): what the server sees of a phone is its user agent ("Mobile").
PHONE_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/126.0.0.0 Mobile Safari/537.36")
PERIOD = "annees=2019-2024"


@pytest.fixture
def phone(new_context):
    ctx = new_context(390, 844, user_agent=PHONE_AGENT, is_mobile=True, has_touch=True)
    pg = ctx.new_page()
    pg.set_default_timeout(30_000)
    return pg


MAPS = """() => [...document.querySelectorAll('.stPlotlyChart')].filter(c => c.querySelector('.geolayer g.geo'))
  .map(c => {
    const box = c.getBoundingClientRect();
    const rects = sel => [...c.querySelectorAll(sel)].map(e => e.getBoundingClientRect()).filter(r => r.width > 0);
    const shapes = rects('path.choroplethlocation, .scattergeolayer path.point');
    const above = rects('.gtitle, g.legend');
    const below = rects('g.colorbar');
    const top = Math.min(...shapes.map(r => r.top)), bottom = Math.max(...shapes.map(r => r.bottom));
    const ceiling = Math.max(box.top, ...above.map(r => r.bottom));
    const floor = Math.min(box.bottom, ...below.filter(r => r.top >= bottom - 1).map(r => r.top));
    return {title: (c.querySelector('.gtitle') || {}).textContent || '', height: box.height,
            blank: shapes.length ? (top - ceiling) + (floor - bottom) : box.height,
            bars: below.map(r => [r.width, r.height])};
  })"""

TITLES = """() => [...document.querySelectorAll('.stPlotlyChart')].map(c => {
    const t = c.querySelector('.gtitle'); if (!t) return null;
    const r = t.getBoundingClientRect(), box = c.getBoundingClientRect();
    return {title: t.textContent, cut: r.right > box.right + 1 || r.left < box.left - 1};
  }).filter(Boolean)"""


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_on_a_phone(phone, app_url, url_path, screenshots_dir):
    goto(phone, f"{app_url}/{url_path}?{PERIOD}")
    assert streamlit_errors(phone) == []
    # The page opens on its content; the filters and the menu are one tap away.
    assert sidebar_width(phone) < 50, "the sidebar covers the page on a phone"
    full_page_screenshot(phone, screenshots_dir / f"{url_path}_390x844.png")
    # No tool bar over the charts (its buttons sat on the titles), titles whole.
    assert phone.locator(".modebar-container .modebar-btn").count() == 0
    cut = [t["title"] for t in phone.evaluate(TITLES) if t["cut"]]
    assert cut == [], f"chart titles cut on a phone: {cut}"
    assert "pan" not in phone.evaluate(DRAG_MODES), "a map pans under a finger (and takes the page's scroll)"
    for m in phone.evaluate(MAPS):
        # France drawn across its box, not a small map between two blank bands (on the 520 px maps made for a
        # desktop, the bands above and below France added up to about 250 px on a phone).
        assert m["blank"] <= 90, f"map « {m['title']} »: {m['blank']:.0f} px of blank bands in {m['height']:.0f}"
        for width, height in m["bars"]:
            assert width > height, f"map « {m['title']} »: a colour bar beside the map takes the phone's width"


def test_a_tap_on_the_menu_closes_the_sidebar(phone, app_url):
    goto(phone, f"{app_url}/?{PERIOD}")
    open_sidebar(phone)
    assert sidebar_width(phone) > 150
    navigate(phone, "Couverture des contrats", tap=True)
    assert path(phone) == "couverture"
    phone.wait_for_timeout(500)   # the sidebar's closing transition
    assert sidebar_width(phone) < 50, "the sidebar stays open over the page after a tap on the menu"
    # And it stays closed on the next page load (Streamlit remembers the sidebar's state in the browser).
    goto(phone, phone.url)
    assert sidebar_width(phone) < 50


def _checked_level(page) -> str:
    return page.get_by_role("radiogroup", name="Niveau").get_by_role("radio", checked=True).inner_text().strip()


# Couverture over France's contracts: each Breton département then has QPV to count (a territory without
# any contract in the denominator is left blank, which is right but would not tell what is mapped).
@pytest.mark.parametrize("url_path", ["couverture?perimetre=france", "iae-territoires?niveau=reg"])
def test_one_region_is_mapped_by_its_departements(page, app_url, url_path):
    """A map of one région coloured alone says nothing: with one région chosen, its départements are mapped
    (even when the link asks for régions), and the level control says so."""
    sep = "&" if "?" in url_path else "?"
    goto(page, f"{app_url}/{url_path}{sep}{PERIOD}&reg=53")
    assert streamlit_errors(page) == []
    assert _checked_level(page) == "Département"
    first_map = page.locator(".stPlotlyChart").filter(has=page.locator(".geolayer g.geo")).first
    first_map.scroll_into_view_if_needed()
    drawn = first_map.locator("path.choroplethlocation").evaluate_all(
        "ps => ps.filter(p => getComputedStyle(p).fill !== 'none' && p.getBoundingClientRect().width > 0).length")
    assert drawn == 4, f"{drawn} territories drawn (Bretagne has 4 départements)"


DRAG_MODES = """() => [...document.querySelectorAll('.stPlotlyChart .js-plotly-plot')]
    .filter(g => g._fullLayout._has('geo')).map(g => g._fullLayout.dragmode)"""


def _bretagne(page):
    """The centre of Bretagne on the IAE page's map of régions (no points drawn over it there: on the
    overview, the structures' seats lie over the régions and a tap picks the nearest seat)."""
    chart = page.locator(".stPlotlyChart").filter(has=page.locator(".geolayer g.geo")).first
    chart.scroll_into_view_if_needed()
    names = page.locator(".st-key-fab_print_iae_table tbody tr td:nth-child(2)").all_text_contents()
    regions = chart.locator(".choroplethlayer g.trace").first.locator("path.choroplethlocation")
    box = regions.nth(names.index("Bretagne")).bounding_box()
    return chart, box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def test_a_map_filters_by_a_click_or_a_tap_and_does_not_move_under_a_finger(page, phone, app_url):
    goto(page, f"{app_url}/iae-territoires?{PERIOD}")
    # No map pans: a map that moves under a finger swallows the page's scroll on a phone (and, without the
    # tool bar, could not be put back). Streamlit makes a clickable chart pan unless told otherwise.
    assert page.evaluate(DRAG_MODES) and "pan" not in page.evaluate(DRAG_MODES)
    _, x, y = _bretagne(page)
    page.mouse.move(x, y)
    wait_rerun(page, lambda: page.mouse.click(x, y))
    assert query(page).get("reg") == "53"

    goto(phone, f"{app_url}/iae-territoires?{PERIOD}")
    _, x, y = _bretagne(phone)
    wait_rerun(phone, lambda: phone.touchscreen.tap(x, y))
    assert query(phone).get("reg") == "53"
