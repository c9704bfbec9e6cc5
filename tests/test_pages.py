"""Every page file runs without exception on the demo, tiny and empty databases (discovered, not listed)."""
import base64
import json
from pathlib import Path

import numpy as np
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
    assert list(table.columns) == ["Année", "Séances de créativité", "Études d'opportunité", "Créations"]
    # The same figures as the chart above it: its years and its « Créations » line.
    chart = next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                 if "Créations" in [t.get("name") for t in json.loads(c.proto.spec)["data"]])
    line = next(t for t in chart["data"] if t["name"] == "Créations")
    assert [str(y) for y in table["Année"]] == list(line["x"])
    y = line["y"]
    if isinstance(y, dict):  # plotly 6 sends numeric arrays as base64 typed arrays
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist()
    assert [float(v) for v in table["Créations"]] == [float(v) for v in y]
    assert sum(y) > 0
