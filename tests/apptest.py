"""Run the dashboard headless as a user opens it: app.py (the frame) first, then the page.

AppTest cannot open a page by its address, so a page is reached the way a visitor's first run reaches it:
the frame runs, the page is switched to, and the view state is dropped so that the URL of that page is
read as on a fresh visit (a pasted link). Staff tests sign in (a staff session in the session state)."""
from __future__ import annotations

import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from fabrique import auth, binding, frame, site

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE_FILES = sorted(p.file.removeprefix("pages/") for p in site.PAGES)


def open_page(page: str | None = None, query: dict | None = None, staff: bool = True,
              timeout: float = 60) -> AppTest:
    """The app on `page` (file name in pages/, None for the default page) with `query` in the URL."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    if staff:
        at.session_state[frame.STAFF_SESSION] = auth.StaffSession(time.time())
    query = {k: str(v) for k, v in (query or {}).items()}
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    default = site.PAGES[0].file.removeprefix("pages/")
    if page and page != default and not at.exception and frame.CTX in at.session_state:
        at.switch_page(f"pages/{page}")
        for k in list(at.query_params):
            del at.query_params[k]
        for k, v in query.items():
            at.query_params[k] = v
        del at.session_state[binding.STORE]   # as on a fresh visit: the URL wins
        at.run()
    return at


def texts(at: AppTest) -> str:
    """What the page says in words: markdown, captions, titles, tiles, alerts."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    parts += [e.value for e in at.warning] + [e.value for e in at.info] + [e.value for e in at.error]
    return "\n".join(map(str, parts))


def page_title(at: AppTest) -> str:
    return [t.value for t in at.title][-1] if at.title else ""
