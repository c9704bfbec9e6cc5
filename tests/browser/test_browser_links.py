"""Filters, the URL and links as a user lives them: change a filter, reload, share the link, go back,
open a deep link, use only the keyboard, switch to meeting mode, print."""
import io
import re

import pytest
from st_browser import (errors, exceptions, goto, metrics, multiselect_values, open_list, path, pick, query,
                        sidebar_widget, slider_values, wait_rerun)

from fabrique import db, fmt
from fabrique.filters import Filters

pytestmark = pytest.mark.browser

def choose(page, testid: str, label: str, option: str) -> None:
    """Pick an option in a sidebar multiselect or select box with the mouse, and wait for the rerun."""
    widget = sidebar_widget(page, testid, label)
    open_list(widget)
    wait_rerun(page, lambda: page.get_by_role("option", name=option, exact=True).click())
    page.keyboard.press("Escape")


def expected_kpis(demo_db, f: Filters) -> dict[str, str]:
    """The key figures straight from DuckDB (same query and formatting as the page)."""
    cur = db.run("overview/kpis", f.params(), path=demo_db).set_index("period").loc["current"]
    # The demo's data date is 31/10/2026: 2026 is an unfinished year, labelled « 2026 (au 31/10) ».
    end = f"{f.year_to} (au 31/10)" if f.year_to == 2026 else str(f.year_to)
    return {
        f"Structures du réseau fin {f.year_to}": fmt.number(cur["structures_n"]),
        "Séances de créativité": fmt.number(cur["sessions_n"]),
        "Études d'opportunité déclarées": fmt.number(cur["studies_declared_n"]),
        "Créations de l'année": fmt.number(cur["creations_year_n"]),
        "Emplois créés": fmt.number(cur["jobs_etp"], 1) + " ETP",
        f"Partenaires mobilisés en {end} (somme des déclarations)": fmt.number(cur["partners_declared_n"]),
    }


def figures(page) -> dict[str, str]:
    return {k: v.split("\n")[0].strip() for k, v in metrics(page).items()}


def test_filter_updates_url_and_figures_and_survives_reload(page, app_url, demo_db):
    goto(page, app_url + "/")
    before = figures(page)
    assert before == expected_kpis(demo_db, Filters(*_years(page)))

    choose(page, "stMultiSelect", "Région", "Bretagne")
    assert query(page).get("reg") == "53"
    after = figures(page)
    assert after != before
    assert after == expected_kpis(demo_db, Filters(*_years(page), regs=("53",)))
    assert multiselect_values(page, "Région") == ["Bretagne"]

    goto(page, page.url)  # reload
    assert query(page).get("reg") == "53"
    assert figures(page) == after
    assert multiselect_values(page, "Région") == ["Bretagne"]


def _years(page) -> tuple[int, int]:
    y1, y2 = slider_values(page, "Période")
    return int(y1), int(y2)


def test_copied_link_reproduces_the_view_in_a_fresh_browser(page, app_url, new_context, demo_db):
    goto(page, app_url + "/?annees=2019-2024&reg=53&iae=oui")
    shown = figures(page)
    page.get_by_role("button", name=re.compile("Copier le lien de cette vue")).click()
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"] code')
    code.wait_for()
    link = code.inner_text().strip()
    assert re.fullmatch(re.escape(app_url) + r"/?\?.+", link), link
    assert query_of(link) == {"annees": "2019-2024", "reg": "53", "iae": "oui"} | {
        k: v for k, v in query_of(link).items() if k not in ("annees", "reg", "iae")}

    fresh = new_context().new_page()
    goto(fresh, link)
    assert exceptions(fresh) == [] and errors(fresh) == []
    seen = figures(fresh)
    assert seen == shown
    assert seen == expected_kpis(demo_db, Filters(2019, 2024, regs=("53",), iae="oui"))
    assert multiselect_values(fresh, "Région") == ["Bretagne"]

    # From another page, the link leads back to that page.
    goto(page, app_url + "/parcours?reg=53")
    page.get_by_role("button", name=re.compile("Copier le lien de cette vue")).click()
    code = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"] code')
    code.wait_for()
    assert code.inner_text().strip().startswith(app_url + "/parcours?"), code.inner_text()


def query_of(url: str) -> dict[str, str]:
    from urllib.parse import parse_qs, urlsplit
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def test_back_and_forward_restore_views(page, app_url):
    goto(page, app_url + "/?annees=2019-2024")
    a = figures(page)
    choose(page, "stMultiSelect", "Région", "Bretagne")
    b = figures(page)
    choose(page, "stSelectbox", "Projets IAE", "IAE")
    c = figures(page)
    assert query(page) == {"annees": "2019-2024", "reg": "53", "iae": "oui"}
    assert len({tuple(a.values()), tuple(b.values()), tuple(c.values())}) == 3, "three distinct views"

    wait_rerun(page, page.go_back)
    assert query(page) == {"annees": "2019-2024", "reg": "53"}
    assert figures(page) == b
    assert multiselect_values(page, "Région") == ["Bretagne"]
    assert sidebar_widget(page, "stSelectbox", "Projets IAE").locator("input").input_value() == "Tous les projets"

    wait_rerun(page, page.go_back)
    assert query(page) == {"annees": "2019-2024"}
    assert figures(page) == a
    assert multiselect_values(page, "Région") == []

    wait_rerun(page, page.go_forward)
    assert query(page) == {"annees": "2019-2024", "reg": "53"}
    assert figures(page) == b
    assert multiselect_values(page, "Région") == ["Bretagne"]


def test_deep_link_into_coverage_page(page, app_url):
    goto(page, app_url + "/couverture?annees=2021-2023&reg=53")
    assert exceptions(page) == [] and errors(page) == []
    assert path(page) == "couverture"
    assert query(page) == {"annees": "2021-2023", "reg": "53"}
    assert slider_values(page, "Période") == ["2021", "2023"]
    assert multiselect_values(page, "Région") == ["Bretagne"]
    context = page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]',
                           has_text="Filtres :").first.inner_text()
    assert "Période : 2021 à 2023" in context and "Région : Bretagne" in context


@pytest.mark.parametrize("launcher", ["serve", "streamlit"])
def test_deep_link_on_a_freshly_started_server(fresh_server, launcher):
    """The first visitor after a restart may arrive through a shared link to a page other than "/".

    Streamlit runs its old `pages/` directory discovery until app.py has called st.navigation once:
    a first request to /parcours would run pages/parcours.py alone (no frame: no filters, no banner,
    file names in the menu). `python -m fabrique.serve` switches that off before the server starts;
    under a plain `streamlit run`, the page notices and reruns through the frame (ui.require_frame).
    """
    with fresh_server(launcher) as (base, ctx):
        pg = ctx.new_page()
        goto(pg, base + "/parcours?reg=53")
        assert errors(pg) == []
        nav = pg.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert not any("admin" in n.lower() for n in nav), nav
        assert sidebar_widget(pg, "stMultiSelect", "Région").count() == 1, "the frame's filters are missing"
        assert multiselect_values(pg, "Région") == ["Bretagne"]


def _focus_label(page) -> str:
    return page.evaluate("() => document.activeElement && (document.activeElement.getAttribute('aria-label') || '')")


def _tab_to(page, label: str, limit: int = 60, key: str = "Tab") -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if _focus_label(page) == label:
            return
    raise AssertionError(f"« {label} » cannot be reached with Tab")


def test_filters_with_keyboard_only(page, app_url):
    goto(page, app_url + "/?annees=2019-2024")
    page.locator("body").focus()
    _tab_to(page, "Région")
    page.keyboard.type("Bretagne")
    # Streamlit's list matches loosely and puts « Select N matches » first: arrow down to the region.
    for _ in range(5):
        page.keyboard.press("ArrowDown")
        active = page.evaluate("() => { const id = document.activeElement.getAttribute('aria-activedescendant');"
                               " const e = id && document.getElementById(id); return e ? e.innerText : ''; }")
        if active.strip() == "Bretagne":
            break
    else:
        raise AssertionError("« Bretagne » cannot be highlighted with the arrow keys")
    wait_rerun(page, lambda: page.keyboard.press("Enter"))
    page.keyboard.press("Escape")
    assert query(page).get("reg") == "53"
    assert multiselect_values(page, "Région") == ["Bretagne"]

    _tab_to(page, "Période — start", key="Shift+Tab")  # the period comes before the regions
    wait_rerun(page, lambda: page.keyboard.press("ArrowRight"))
    assert query(page).get("annees") == "2020-2024"
    assert slider_values(page, "Période") == ["2020", "2024"]


def test_meeting_mode_large_type_collapsed_sidebar_kept_in_link(page, app_url):
    goto(page, app_url + "/?annees=2019-2024&mode=reunion")
    assert exceptions(page) == []
    width = page.evaluate("""() => { const e = document.querySelector('[data-testid="stSidebar"]');
        if (!e) return 0; const r = e.getBoundingClientRect(); return Math.max(0, Math.min(r.right, innerWidth)); }""")
    assert width < 50, "sidebar not collapsed"
    value_px = page.locator('[data-testid="stMetricValue"]').first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert value_px >= 48, f"key figures not enlarged ({value_px}px)"
    # The key figures are on the first screen (1440×900), not under the filters.
    bottoms = page.locator('[data-testid="stMetric"]').evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().bottom)")
    assert len(bottoms) == 6 and max(bottoms) <= 900, bottoms

    # The filters are folded above the page: open them, choose a région.
    page.locator('[data-testid="stExpander"] summary', has_text="Filtres").click()
    choose_main(page, "Région", "Bretagne")
    assert query(page).get("mode") == "reunion" and query(page).get("reg") == "53"
    page.get_by_role("button", name=re.compile("Copier le lien de cette vue")).click()
    link = page.locator('[data-testid="stPopoverBody"] [data-testid="stCode"] code').inner_text()
    assert query_of(link).get("mode") == "reunion"
    # Changing page by the menu keeps meeting mode (and the filters).
    hrefs = page.locator('[data-testid="stSidebar"] a').evaluate_all("els => els.map(e => e.href)")
    assert hrefs and all("mode=reunion" in h and "reg=53" in h for h in hrefs), hrefs


def choose_main(page, label: str, option: str) -> None:
    widget = page.locator('[data-testid="stMain"] [data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label))
    pick(widget, option)   # presses again when the first press is taken for a focus (seen once in a full run)
    page.keyboard.press("Escape")


def test_printed_overview_keeps_filter_context_and_data_date(page, app_url):
    import pypdf
    goto(page, app_url + "/?annees=2019-2024&reg=53")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    text = "\n".join(p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Filtres :" in flat
    assert "Région : Bretagne" in flat
    assert "Données au" in flat, "the footer (data date, source) is not printed"
