"""Every page file runs without exception on the demo, tiny and empty databases (discovered, not listed)."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def run_page(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [e.value for e in at.title]
    parts += [str(m.value) for m in at.metric] + [m.label for m in at.metric]
    return "\n".join(map(str, parts))


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("db", ["demo_db", "tiny_db", "empty_db"])
def test_page_runs_without_exception(page, db, request, use_db):
    use_db(request.getfixturevalue(db))
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "each page has a title"
    # Every page ends with the data date and the geography vintages.
    assert "Données au" in texts(at)
    assert "Millésimes géographiques" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_page_survives_garbage_in_url(page, demo_db, use_db):
    use_db(demo_db)
    at = run_page(page, {"annees": "'; drop table projects; --", "reg": "x" * 5000, "dep": "29,ZZ",
                         "iae": "peut-être", "etape": "<script>"})
    assert not at.exception, [e.value for e in at.exception]
