"""Helpers for driving the dashboard in a real browser: wait for Streamlit, read what the user reads.

Streamlit reports its state on the app root: connection CONNECTED and script notRunning means the last
run is over. Two traps: right after a page load the app may say notRunning before the first run starts,
and widgets/charts are drawn as grey skeletons while their code loads. `goto` and `wait_rerun` wait for
both: the run itself (seen start and end) and a page without skeletons that shows its footer.
"""
from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page

APP = '[data-testid="stApp"]'
READY = APP + '[data-test-connection-state="CONNECTED"][data-test-script-state="notRunning"]'
FOOTER = "Données au"  # every page ends with the data date (ui.footer)
TIMEOUT = 60_000
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loadtest import stack  # noqa: E402  (the one way the project starts and stops a server)


def _pages() -> dict[str, str]:
    """url path -> page title (h1), from the one declaration of the pages (fabrique.site), in menu order. The
    overview is opened by its alias (its natural address); the import screen has its own tests."""
    from fabrique import site
    alias = {target: name for name, target in site.ALIASES.items()}
    return {alias.get(p.url_path, p.url_path): p.title for p in site.PAGES if p.in_menu and p.url_path != "importer"}


PAGES = _pages()

# Installs (once per document) a counter of script runs: +1 each time the root attribute turns "running".
_WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (window.__stWatched !== app) {
    window.__stWatched = app;
    window.__stRuns = window.__stRuns || 0;
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__stRuns += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__stRuns;
}"""

_SETTLED = """(footer) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED'
      || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  return !!main && (main.innerText.includes(footer)
                    || !!document.querySelector('[data-testid="stException"]'));
}"""


def wait_settled(page: Page, timeout: float = TIMEOUT) -> None:
    """The run is over, nothing is still loading, and the page got as far as its footer (or an error)."""
    page.wait_for_function(_SETTLED, arg=FOOTER, timeout=timeout, polling=100)
    # Charts and maps finish drawing a moment after the run: give them the same settle test twice.
    page.wait_for_timeout(200)
    page.wait_for_function(_SETTLED, arg=FOOTER, timeout=timeout, polling=100)


def goto(page: Page, url: str) -> None:
    """Open a URL and wait until the page is fully drawn."""
    page.goto(url)
    page.wait_for_selector(APP, timeout=TIMEOUT)
    wait_settled(page)


def wait_rerun(page: Page, action, timeout: float = TIMEOUT) -> None:
    """Do `action` (a click, a key press…) and wait for the rerun it triggers to start and then end.

    Fails if no rerun starts within 10 s: every caller expects its action to change the view.
    """
    before = page.evaluate(_WATCH)
    action()
    page.wait_for_function(
        "(n) => { const r = (" + _WATCH + ")(); return r !== false && r > n; }",
        arg=before, timeout=10_000, polling=50)
    wait_settled(page, timeout)


def metrics(page: Page) -> dict[str, str]:
    """Key figures as shown: {label: value}."""
    out = {}
    for m in page.locator('[data-testid="stMetric"]').all():
        label = m.locator('[data-testid="stMetricLabel"]').inner_text().strip()
        value = m.locator('[data-testid="stMetricValue"]').inner_text().strip()
        out[label] = value
    return out


def query(page: Page) -> dict[str, str]:
    """The page URL's query string as {key: value}."""
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def path(page: Page) -> str:
    return urlsplit(page.url).path.strip("/")


def exceptions(page: Page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


def errors(page: Page) -> list[str]:
    """Error boxes (st.error) and Streamlit's own error dialogs ("Page not found"…)."""
    boxes = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    dialogs = page.locator('[role="dialog"]').all_inner_texts()
    return boxes + [d for d in dialogs if re.search(r"not found|error|erreur", d, re.I)]


def sidebar_widget(page: Page, testid: str, label: str):
    """A sidebar widget by its kind (stMultiSelect, stSelectbox, stSlider…) and its visible label."""
    return page.locator(f'[data-testid="{testid}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=re.compile("^" + re.escape(label) + "$")))


def multiselect_values(page: Page, label: str) -> list[str]:
    """The chips of a multiselect (its selected options, as displayed)."""
    box = sidebar_widget(page, "stMultiSelect", label)
    return [t.strip() for t in box.locator('[data-testid="stMultiSelectTagsContainer"] [data-tag] [title]').all_inner_texts()]


def slider_values(page: Page, label: str) -> list[str]:
    box = sidebar_widget(page, "stSlider", label)
    return box.locator('input[type="range"]').evaluate_all("els => els.map(e => e.value)")


def full_page_screenshot(page: Page, out) -> None:
    """Screenshot of the whole page. Streamlit scrolls inside <main>, not the document, so Playwright's
    full_page alone stops at the viewport: grow the viewport to the content height, shoot, restore."""
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...['stMain', 'stSidebarContent'].map(id => {
        const e = document.querySelector(`[data-testid="${id}"]`); return e ? e.scrollHeight : 0; }))""")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), 16000))})
    page.wait_for_timeout(700)  # charts re-fit their containers
    page.screenshot(path=str(out), full_page=True)
    page.set_viewport_size(size)


def non_white_pixels(png: bytes, threshold: int = 240) -> int:
    """Pixels of a PNG that are not (nearly) white."""
    import io

    from PIL import Image
    im = Image.open(io.BytesIO(png)).convert("L")
    return sum(1 for v in im.getdata() if v < threshold)


# ---------------------------------------------------------------- the server

# How the server is started: the project's launcher (make run, Docker) or a plain `streamlit run`.
LAUNCHERS = {"serve": ["-m", "fabrique.serve"], "streamlit": ["-m", "streamlit", "run", "app.py"]}


@contextlib.contextmanager
def streamlit_server(db: Path, log: Path, launcher: str = "serve", env: dict[str, str] | None = None):
    """A real Streamlit server on a free local port, serving `db` (`env`: more environment variables);
    yields its base URL."""
    port = stack.free_port()
    env = {**os.environ, "FABRIQUE_DB": str(db), "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, *LAUNCHERS[launcher], "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        stack.wait_healthy(base, proc, log, timeout=60)
        yield base
    finally:
        stack.stop(proc)


# ---------------------------------------------------------------- what a user must never see, and moving around

# Streamlit's own error texts (English): none may reach a user; the frame shows a French message instead.
STREAMLIT_ERROR = re.compile(r"This app has encountered an error|Ask (ChatGPT|Google)|Traceback|"
                             r"Page not found|Error running app|Bad message format", re.I)
FRENCH_FAILURE = "Une erreur inattendue est survenue"


def streamlit_errors(page: Page) -> list[str]:
    """Streamlit's exception boxes and any English error text on the page (main area and dialogs)."""
    found = exceptions(page)
    text = page.locator("body").inner_text()
    found += [m.group(0) for m in STREAMLIT_ERROR.finditer(text)]
    return found


def sidebar_width(page: Page) -> float:
    """How much of the sidebar is on screen (0 when it is folded away)."""
    return page.evaluate("""() => { const e = document.querySelector('[data-testid="stSidebar"]');
        if (!e) return 0; const r = e.getBoundingClientRect();
        return Math.max(0, Math.min(r.right, window.innerWidth) - Math.max(r.left, 0)); }""")


def open_sidebar(page: Page) -> None:
    if sidebar_width(page) < 50:
        page.locator('[data-testid="stExpandSidebarButton"]').first.click()
        page.wait_for_function("""() => { const e = document.querySelector('[data-testid="stSidebar"]');
            return e && e.getBoundingClientRect().right > 150; }""", timeout=10_000)


def menu_link(page: Page, title: str):
    # The link's text also holds its icon's name (a ligature): match the title inside it.
    return page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a').filter(has_text=title)


def navigate(page: Page, title: str, tap: bool = False) -> None:
    """Change page the way a user does: the page's link in the sidebar menu (opened first if folded)."""
    open_sidebar(page)
    link = menu_link(page, title)
    wait_rerun(page, (lambda: link.tap()) if tap else (lambda: link.click()))


def open_list(widget) -> None:
    """Open the list of a select box or a multiselect. Streamlit's select box is a combobox whose list opens
    from its button; its first press right after the page settles is sometimes taken for a focus and opens
    nothing (seen with Playwright's clicks, not with a pointer that comes to rest first): press again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    opener = widget.locator('button[aria-haspopup="listbox"]')
    target = opener.first if opener.count() else widget.locator("input").first
    target.scroll_into_view_if_needed()
    for _ in range(3):
        target.click()
        try:
            widget.page.get_by_role("option").first.wait_for(timeout=3_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the list does not open")


def pick(widget, option: str) -> None:
    """Choose `option` in a select box or multiselect, as a user does (the list shows only the options in
    view: the name is typed to bring it up), and wait for the rerun."""
    open_list(widget)
    page = widget.page
    choice = page.get_by_role("option", name=option, exact=True)
    if not choice.count():
        widget.locator("input").first.press_sequentially(option[:12], delay=20)
        choice.wait_for(timeout=5_000)
    wait_rerun(page, choice.click)
