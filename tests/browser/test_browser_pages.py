"""Every page as a user opens it: no error, the frame's filters, nothing fetched from the internet,
maps actually drawn, and screenshots (desktop and phone) for a human to look at."""
import pytest
from playwright.sync_api import expect
from st_browser import (PAGES, errors, exceptions, full_page_screenshot, goto, non_white_pixels, path,
                        sidebar_widget, wait_rerun)

pytestmark = pytest.mark.browser

PERIOD = "annees=2019-2024"


@pytest.mark.parametrize("url_path", list(PAGES))
def test_page_opens_clean_with_filters(page, app_url, url_path, screenshots_dir):
    goto(page, f"{app_url}/{url_path}?{PERIOD}")

    assert exceptions(page) == []
    assert errors(page) == []
    title = page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
    assert title == PAGES[url_path]
    # The overview is the default page, served at "/"; its name is a working alias (app.py).
    assert path(page) == url_path
    assert PERIOD in page.url
    for label, kind in [("Période", "stSlider"), ("Région", "stMultiSelect")]:
        assert sidebar_widget(page, kind, label).count() == 1, f"filter « {label} » missing"
    nav = [t.split("\n")[-1].strip() for t in page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a').all_inner_texts()]
    assert page.requests.foreign() == [], "requests left the machine"

    full_page_screenshot(page, screenshots_dir / f"{url_path}_1440x900.png")
    # (The 390×844 screenshots come from a phone's browser: test_browser_phone.py.)
    # Checked last so that the screenshot exists even when the menu is missing.
    # Staff also get the import screen (password-protected); partner links never list it.
    assert nav == [*PAGES.values(), "Importer des données"], f"page menu: {nav}"
    assert page.requests.foreign() == [], "requests left the machine"


def _maps(page):
    """Plotly charts holding a geo subplot (every Plotly chart has an empty .geolayer group)."""
    return page.locator('[data-testid="stPlotlyChart"]').filter(has=page.locator(".geolayer g.geo"))


@pytest.mark.parametrize("url_path", ["vue-d-ensemble", "iae-territoires", "couverture"])
def test_maps_are_drawn_offline(page, app_url, url_path):
    """Each map draws its territories or points as SVG and shows something (not a blank rectangle),
    with every request kept on this machine (boundaries and plotly's base map are served locally)."""
    goto(page, f"{app_url}/{url_path}?{PERIOD}")
    maps = _maps(page)
    assert maps.count() >= 1, "no map on the page"
    for i in range(maps.count()):
        chart = maps.nth(i)
        chart.scroll_into_view_if_needed()
        shapes = chart.locator("path.choroplethlocation, .scattergeolayer path.point").count()
        assert shapes >= 10, f"map {i + 1} draws {shapes} territories or points"
        assert chart.locator("canvas").count() == 0, "a map drawn with WebGL (one context per rerun)"
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 200
        inked = non_white_pixels(page.screenshot(clip=box))
        assert inked > 1500, f"map {i + 1} looks blank ({inked} non-white pixels)"
    hosts = page.requests.foreign()
    assert hosts == [], f"requests left the machine: {hosts}"


def test_chart_data_opens_on_demand_and_lists_are_french(page, app_url):
    """A chart's data table appears when its expander is opened (it is not built before), and the
    filter lists offer no English « Select all »."""
    goto(page, f"{app_url}/?{PERIOD}")
    box = page.locator('[data-testid="stExpander"]').filter(has_text="Voir les données du graphique").first
    assert box.locator('[data-testid="stDataFrame"]').count() == 0
    wait_rerun(page, lambda: box.locator("summary").click())
    grid = box.locator('[data-testid="stDataFrame"]')
    grid.wait_for(state="visible")
    # The grid draws on a canvas; its accessible twin (role="grid") carries the headers and cells.
    expect(grid.locator('[role="columnheader"]').first).to_contain_text("Année")
    assert grid.locator('[role="row"]').count() >= 7  # the header and one row per year of 2019-2024
    assert exceptions(page) == []

    region = sidebar_widget(page, "stMultiSelect", "Région")
    region.locator("input").click()
    options = page.get_by_role("option")
    options.first.wait_for()
    texts = options.all_inner_texts()
    assert "Bretagne" in texts and not any("select all" in t.lower() for t in texts), texts
