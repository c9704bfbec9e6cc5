"""Real-browser fixtures: one Streamlit server on the demo database, Debian's chromium through Playwright.

Without /usr/bin/chromium the browser tests are skipped locally, and fail in CI (CI=true): there the
browser is part of the set-up (.ci/run installs it), so its absence is a broken environment.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from st_browser import goto, streamlit_server
from tools import require

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "artifacts"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def app_url(demo_db, browser, tmp_path_factory):
    """Base URL of the session's Streamlit server on the demo database, already warmed up.

    Warm-up: one visit to "/" fills the query caches, so the tests below do not wait for cold
    queries. (What a cold, freshly started server does with a deep link is tested on its own.)
    """
    with streamlit_server(demo_db, tmp_path_factory.mktemp("streamlit") / "server.log") as base:
        ctx = _context(browser)
        goto(ctx.new_page(), base + "/")
        ctx.close()
        yield base


@pytest.fixture(scope="session")
def browser():
    require(CHROMIUM.exists(), f"Debian's chromium, {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Requests(list):
    """Every URL the page asked for, in order."""

    def foreign(self) -> list[str]:
        return [u for u in self if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname not in LOCAL_HOSTS]


def _record_and_keep_local(target, requests: Requests) -> None:
    """Record every request URL; let only local ones through (the tests never depend on the internet)."""
    def route(r):
        url = r.request.url
        requests.append(url)
        if urlsplit(url).hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            r.abort()
    target.route("**/*", route)


def _context(browser, width: int = 1440, height: int = 900, **kw):
    return browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR",
                               timezone_id="Europe/Paris", **kw)


@pytest.fixture(scope="session")
def shared_context(browser):
    """One context for most tests: its HTTP cache keeps Streamlit's scripts, so pages load faster."""
    ctx = _context(browser, accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(shared_context):
    """A new tab (own history) in the shared context; `page.requests` lists every URL it asked for."""
    pg = shared_context.new_page()
    pg.set_default_timeout(30_000)
    pg.requests = Requests()
    _record_and_keep_local(pg, pg.requests)
    yield pg
    pg.close()


@pytest.fixture
def new_context(browser):
    """Factory of fresh browser contexts (no shared cookies, storage, cache or history), closed after the test."""
    made = []

    def make(width: int = 1440, height: int = 900, **kw):
        ctx = _context(browser, width, height, **kw)
        ctx.requests = Requests()
        _record_and_keep_local(ctx, ctx.requests)
        made.append(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture(scope="session")
def fresh_server(demo_db, browser, tmp_path_factory):
    """Start another server (cold, never visited): `with fresh_server() as (base_url, context):`."""
    @contextlib.contextmanager
    def start(launcher: str = "serve"):
        with streamlit_server(demo_db, tmp_path_factory.mktemp("fresh") / "server.log", launcher) as base:
            ctx = _context(browser)
            try:
                yield base, ctx
            finally:
                ctx.close()
    return start


@pytest.fixture(scope="session")
def screenshots_dir() -> Path:
    d = ARTIFACTS / "screenshots"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    require(path.exists(), "axe-core (`npm ci`: package.json pins it)")
    return path.read_text(encoding="utf-8")
