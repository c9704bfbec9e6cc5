"""Every page runs through the frame (app.py) without exception on the demo, tiny and empty databases,
on a first visit, on a second visit after other pages, and with garbage in the URL."""
import base64
import json
from pathlib import Path

import numpy as np
import pytest

from apptest import PAGE_FILES, open_page, page_title, texts
from fabrique import site

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


def run_page(page: str, query: dict | None = None):
    return open_page(page, query)


def test_every_page_file_is_declared_in_the_site():
    """A page file that the site does not declare would be unreachable (and untested)."""
    assert PAGES == PAGE_FILES


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("db", ["demo_db", "tiny_db", "empty_db"])
def test_page_runs_without_exception(page, db, request, use_db):
    use_db(request.getfixturevalue(db))
    at = run_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert page_title(at) == next(p.title for p in site.PAGES if p.file == f"pages/{page}")
    # Every page ends with the data date and the geography vintages.
    assert "Données au" in texts(at)
    assert "Millésimes géographiques" in texts(at)


@pytest.mark.parametrize("page", PAGES)
def test_page_survives_garbage_in_url(page, demo_db, use_db):
    use_db(demo_db)
    at = run_page(page, {"annees": "'; drop table projects; --", "reg": "x" * 5000, "dep": "29,ZZ",
                         "iae": "peut-être", "etape": "<script>"})
    assert not at.exception, [e.value for e in at.exception]


def test_chart_data_tables_are_built_only_once_opened(tiny_db, use_db):
    """A chart's data table (its text alternative) is in a closed expander that builds nothing; opened,
    it shows the chart's figures under French headers."""
    use_db(tiny_db)
    at = run_page("vue_ensemble.py", {"annees": "2019-2024"})
    box = next(e for e in at.expander if e.label == "Voir les données du graphique")
    assert len(box.dataframe) == 0
    closed_tables = len(at.dataframe)
    at.session_state["activity_by_year_data"] = True  # what a click on the expander sets
    at.run()
    assert not at.exception
    assert len(at.dataframe) == closed_tables + 1
    opened = [e for e in at.expander if e.label == "Voir les données du graphique" and len(e.dataframe)]
    assert len(opened) == 1
    table = opened[0].dataframe[0].value
    assert list(table.columns) == ["Année", "Séances de créativité", "Études d'opportunité déclarées",
                                   "Créations de l'année"]
    # The same figures as the chart above it: its years and its « Créations » line.
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "Créations de l'année" in [t.get("name") for t in json.loads(c.proto.spec)["data"]])
    line = next(t for t in chart["data"] if t["name"] == "Créations de l'année")
    assert [str(y) for y in table["Année"]] == list(line["x"])
    y = line["y"]
    if isinstance(y, dict):  # plotly 6 sends numeric arrays as base64 typed arrays
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    assert [float(v) for v in table["Créations de l'année"]] == [float(v) for v in y]
    assert sum(y) > 0


def test_every_page_survives_a_second_visit_after_the_others(demo_db, use_db):
    """A → B → A for every page, by switching pages in one session (what the sidebar does): the views
    kept in widget keys used to crash on the second visit (Streamlit drops a page's widget keys while
    another page is shown)."""
    use_db(demo_db)
    at = open_page(None, {"annees": "2019-2024"})
    seen = []
    for page in [*PAGE_FILES, *PAGE_FILES]:
        at.switch_page(f"pages/{page}").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        seen.append(page_title(at))
    assert seen == [next(p.title for p in site.PAGES if p.file == f"pages/{f}") for f in [*PAGE_FILES, *PAGE_FILES]]
    assert dict(at.query_params).get("annees") == "2019-2024"  # the filters travel with the visitor


def test_a_page_view_is_kept_across_visits_of_other_pages(demo_db, use_db):
    """The level chosen on the IAE page is still there when the visitor comes back to it."""
    use_db(demo_db)
    at = open_page("iae_territoires.py", {"annees": "2019-2024", "niveau": "commune"})
    assert dict(at.query_params)["niveau"] == "commune"
    at.switch_page("pages/parcours.py").run()
    assert "niveau" not in dict(at.query_params)
    at.switch_page("pages/iae_territoires.py").run()
    assert not at.exception
    assert dict(at.query_params)["niveau"] == "commune"
    assert any(s.value == "Carte par commune" for s in at.subheader)


def test_no_page_reads_or_writes_the_url_itself():
    """The URL is read and written in one place (fabrique/binding.py): pages read ui.context()."""
    import re
    offenders = [p.name for p in (ROOT / "pages").glob("*.py") if re.search(r"query_params", p.read_text())]
    offenders += [p.name for p in (ROOT / "fabrique").glob("*.py")
                  if p.name != "binding.py" and re.search(r"st\.query_params", p.read_text())]
    assert offenders == []
