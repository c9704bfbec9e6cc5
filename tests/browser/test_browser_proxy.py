"""Behind the proxy (deploy/nginx/fabrique.conf), in a real browser: what only a browser can tell.

The Content-Security-Policy must not break a page (Chromium reports each blocked script, style, font,
worker or connection as a `securitypolicyviolation` event), and a page of another site must not be
able to show the dashboard in a frame.
"""
from __future__ import annotations

import http.server
import threading

import pytest
from st_browser import PAGES, exceptions, goto
from tools import require

from loadtest import stack

pytestmark = pytest.mark.browser

WATCH_CSP = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")


@pytest.fixture(scope="module")
def proxy_url(demo_db, tmp_path_factory):
    require(stack.nginx_binary() is not None, "nginx (apt-get install -y nginx)")
    folder = tmp_path_factory.mktemp("proxy-browser")
    with stack.replicas(1, demo_db, folder / "replicas") as reps, \
            stack.nginx([r.base for r in reps], folder / "nginx") as base:
        yield base


def test_every_page_draws_under_the_content_security_policy(browser, proxy_url):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR")
    page = ctx.new_page()
    page.add_init_script(WATCH_CSP)
    for path, title in PAGES.items():
        goto(page, f"{proxy_url}/{path}")
        assert page.get_by_role("heading", name=title, level=1).is_visible()
        assert exceptions(page) == [], path
        assert page.evaluate("window.__csp") == [], path
    # A chart's data table (canvas data grid, loaded on demand) under the same policy.
    goto(page, f"{proxy_url}/")
    page.get_by_text("Voir les données du graphique").first.click()
    page.wait_for_selector('[data-testid="stDataFrame"]', timeout=30_000)
    page.wait_for_timeout(500)
    assert page.evaluate("window.__csp") == []
    ctx.close()


class _Framing(http.server.BaseHTTPRequestHandler):
    target = ""

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = f'<!doctype html><title>Autre site</title><iframe src="{self.target}/" width="800" height="600"></iframe>'
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args):
        pass


def test_another_site_cannot_frame_the_dashboard(browser, proxy_url):
    handler = type("Framing", (_Framing,), {"target": proxy_url})
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # another port: another origin
    threading.Thread(target=other.serve_forever, daemon=True).start()
    ctx = browser.new_context()
    page = ctx.new_page()
    try:
        page.goto(f"http://127.0.0.1:{other.server_address[1]}/")
        page.wait_for_timeout(3000)
        frame = page.frames[1]
        # Chromium replaces a refused frame by its own error page: the app never runs in it.
        assert not frame.url.startswith(proxy_url)
        assert frame.locator('[data-testid="stApp"]').count() == 0
    finally:
        ctx.close()
        other.shutdown()
