"""The benchmark runs end to end (bench/run.py --quick) and writes both reports, every section with numbers.

No timing is asserted (the machine is shared and noisy): only that each measure was taken, and that
pandas and DuckDB agree on the indicators the benchmark computes both ways.
"""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tools import require

from fabrique import db

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
SECTIONS = ["## Targets", "## Browser timings at 1x", "## Websocket bytes at 1x", "## Growth (100x data)",
            "## Query times", "## DuckDB against pandas", "## Server memory"]


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


@pytest.fixture(scope="module")
def quick_report(tmp_path_factory):
    require(CHROMIUM.exists(), f"Debian's chromium, {CHROMIUM} (apt-get install -y chromium)")
    out = tmp_path_factory.mktemp("bench")
    proc = subprocess.run([sys.executable, "bench/run.py", "--quick", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=480)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return out


def test_reports_written(quick_report):
    assert (quick_report / "report.md").stat().st_size > 0
    assert (quick_report / "report.json").stat().st_size > 0


def test_markdown_has_every_section_with_numbers(quick_report):
    md = (quick_report / "report.md").read_text(encoding="utf-8")
    for title in SECTIONS:
        assert title in md, f"missing section {title}"
    sections = dict(zip(re.findall(r"^## (.+)$", md, re.M), re.split(r"^## .+$", md, flags=re.M)[1:]))
    for title, body in sections.items():
        if title.startswith("Growth"):
            # --quick measures one scale: the section says so instead of showing figures
            assert "Not measured" in body
            continue
        table_rows = [line for line in body.splitlines() if line.startswith("| ") and not line.startswith("| Page |")
                      and not line.startswith("| Query |") and not line.startswith("| Target |")]
        assert table_rows, f"{title}: no table"
        assert any(re.search(r"\d", row) for row in table_rows), f"{title}: no figure"
    assert re.search(r"\d+ of \d+ target checks met", md)


def test_json_has_every_measure(quick_report):
    rep = json.loads((quick_report / "report.json").read_text(encoding="utf-8"))
    browser = rep["browser"]["1"]
    assert set(browser) == {"bare", "vue-d-ensemble", "parcours"}
    for page, m in browser.items():
        for measure in ("cold", "warm", "filter", "cold_kb", "warm_kb", "filter_kb"):
            s = m[measure]
            assert s["n"] == 1 and _number(s["median"]) and s["median"] >= 0, (page, measure, s)
        assert m["warm"]["median"] > 0 and m["filter"]["median"] > 0
        # where the filter change's time goes: the server's own run time (run log, the bare page's too) and,
        # from the profiled change, the browser main thread's time by kind, with what the page drew
        assert _number(m["filter_server"]["median"]) and m["filter_server"]["median"] > 0, page
        assert _number(m["profiled"]["median"]) and m["profiled"]["median"] > 0, page
        busy = {k: m[f"busy_{k}"]["median"] for k in ("plotly", "sparklines", "grids", "streamlit", "native", "gc")}
        assert all(_number(v) and v >= 0 for v in busy.values()), (page, busy)
        assert busy["plotly"] > 0, f"{page}: its Plotly chart drew nothing in the profile"
        assert m["contents"]["plotly"] >= 1 and m["contents"]["dom_nodes"] > 0, (page, m["contents"])
        assert m["warm_kb"]["median"] > 0, f"{page}: no websocket bytes counted"
        assert m["errors"] == [], f"{page}: failed measurements {m['errors']}"
    # the overview's six tiles draw their sparklines (Vega): seen in the page and in the profile
    assert browser["vue-d-ensemble"]["contents"]["sparklines"] == 6
    assert browser["vue-d-ensemble"]["busy_sparklines"]["median"] > 0
    assert browser["bare"]["contents"]["sparklines"] == 0 and browser["bare"]["busy_sparklines"]["median"] == 0

    queries = rep["queries"]["1"]
    assert {q["query"] for q in queries.values()} == set(db.query_names())
    for label, q in queries.items():
        assert _number(q["median"]) and q["median"] > 0 and isinstance(q["rows"], int), label

    pandas = {k: v for k, v in rep["pandas"]["1"].items() if not k.startswith("_")}
    assert len(pandas) == 3
    for label, r in pandas.items():
        assert r["same_result"], f"{label}: DuckDB and pandas disagree ({r['detail']})"
        assert _number(r["duckdb_ms"]["median"]) and _number(r["pandas_ms"]["median"])

    mem = rep["memory"]
    assert set(mem["steps"]) == {"1", "2"}
    assert all(_number(v) and v > 0 for v in mem["steps"].values())
    assert _number(mem["per_extra_session_mb"])

    assert rep["targets"], "no target evaluated"
    for t in rep["targets"]:
        assert isinstance(t["met"], bool) and _number(t["value"]), t
