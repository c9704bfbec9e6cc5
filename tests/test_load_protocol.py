"""The protocol-level load test in small: a visitor over Streamlit's websocket reads the figures a browser
would, and a short Locust run writes the report that `make load` writes at full size.

No browser: loadtest.protocol speaks BackMsg/ForwardMsg to a real server (python -m fabrique.serve).
"""
import json
import subprocess
import sys

import pytest

from loadtest import checks, stack
from loadtest.protocol import ProtocolError, Session

ROOT = stack.ROOT


@pytest.fixture(scope="module")
def tiny_server(tiny_open_db, tmp_path_factory):
    with stack.replicas(1, tiny_open_db, tmp_path_factory.mktemp("tiny-server")) as reps:
        yield reps[0]


def visitor(server) -> Session:
    s = Session(server.base, timeout=60)
    s.connect()
    return s


def test_a_visitor_reads_the_hand_computed_figures(tiny_server, tiny_open_db):
    s = visitor(tiny_server)
    run = s.open("")
    assert s.page_title == "Vue d'ensemble" and run.finished == [0] and run.errors() == []
    # tiny.py, whole period 2019-2023: 3 structures; created P01 (2020), P02, P06 (2021), P05 (2022),
    # P10 (2023) = 5.
    tiles = run.metrics()
    assert (tiles["Structures du réseau fin 2023"], tiles["Créations de l'année"]) == ("3", "5")

    run = s.set(checks.REGION, ["Bretagne"])
    # Bretagne: S1 only; its creations P01, P02, P05 = 3. The frame writes the filter into the URL.
    assert (run.metrics()["Structures du réseau fin 2023"], run.metrics()["Créations de l'année"]) == ("1", "3")
    assert run.query_string == "reg=53" and s.value(checks.REGION) == ["Bretagne"]

    run = s.goto("Parcours des projets")
    # The filter stays across pages: S1 detected P01 to P05 = 5 projects.
    assert s.page_title == "Parcours des projets" and run.metrics()["Projets détectés"] == "5"

    run = s.set(checks.PERIOD, [2021, 2021])
    # Bretagne, cohort 2021: P04 (02/2021) and P05 (04/2021) = 2.
    assert run.metrics()["Projets détectés"] == "2"

    run = s.click(checks.RESET)
    # All structures, 2019-2023: the ten projects.
    assert run.metrics()["Projets détectés"] == "10" and s.value(checks.REGION) == []
    assert run.query_string == ""
    s.close()


def test_the_checks_table_computes_the_same_hand_figures(tiny_open_db):
    """The load test's oracle (loadtest.checks.expected, direct SQL) agrees with the figures above."""
    path = str(tiny_open_db)
    by = {(c.page, c.label): c for c in checks.CHECKS}
    created = by[("Vue d'ensemble", "Créations de l'année")]
    detected = by[("Parcours des projets", "Projets détectés")]
    assert checks.expected(path, created, 2019, 2023, ()) == ("5", False)
    assert checks.expected(path, created, 2019, 2023, ("53",)) == ("3", False)
    assert checks.expected(path, detected, 2021, 2021, ("53",)) == ("2", False)
    # Corse: no structure, no project; a page then shows a notice instead of its tiles.
    assert checks.expected(path, detected, 2019, 2023, ("94",)) == ("0", True)
    assert checks.region_codes(path)["Bretagne"] == "53"
    assert checks.data_date(path) == "Données au 31/12/2023"
    # Every check's query runs with the filter bar's parameters plus its own.
    for c in checks.CHECKS:
        assert checks.expected(path, c, 2019, 2023, ())[0]


def test_every_label_of_the_checks_table_is_on_its_page(tiny_server):
    """When another engineer renames a tile, a filter or a page, this says which entry to update."""
    s = visitor(tiny_server)
    s.open("")
    assert {checks.PERIOD, checks.REGION, checks.RESET} <= set(s.widgets)
    for page in checks.PAGES:
        run = s.goto(page)
        assert s.page_title == page
        shown = run.metrics()
        missing = [c.label for c in checks.page_checks(page)
                   if not any(k == c.label or k.startswith(c.label + " ") for k in shown)]
        assert missing == [], f"{page}: tiles {missing} not found (labels: {sorted(run.metrics())})"
        assert any(t.startswith(checks.DATA_DATE_PREFIX) for t in run.texts())
    with pytest.raises(ProtocolError, match="no widget labelled"):
        s.set("Pas un filtre", [])
    s.close()


def test_pages_can_be_visited_again_in_one_session(tiny_server):
    """Found by the load test, and seen in Chromium: a page seen before crashed with KeyError when a
    visitor came back to it (its widgets' keys are dropped while another page runs), and « Couverture »
    crashed after two runs with nothing to show (Corse, Guyane: no project in tiny.py) then a reset."""
    s = visitor(tiny_server)
    s.open("")
    for page in ["Projets IAE par territoire", "Vue d'ensemble", "Projets IAE par territoire",
                 "Couverture des contrats", "Parcours des projets", "Couverture des contrats"]:
        run = s.goto(page)
        assert run.errors() == [], (page, run.errors())
    for action in [lambda: s.set(checks.REGION, ["Corse"]), lambda: s.set(checks.REGION, ["Corse", "Guyane"]),
                   lambda: s.click(checks.RESET), lambda: s.set(checks.REGION, ["Bretagne"])]:
        run = action()
        assert run.errors() == [] and run.finished[-1] == 0
    # One région chosen: Couverture maps its départements (a map of one région alone would be one colour).
    assert s.value("Niveau") == ["Département"]
    s.close()


def test_a_short_locust_run_writes_the_capacity_report(tmp_path):
    """`make load` in small: two visitors without pause for 20 s (12 s left too few actions after the swap on a loaded machine), the database replaced halfway."""
    out = tmp_path / "load_report.json"
    proc = subprocess.run([sys.executable, "-m", "loadtest.run", "--profile", "stress", "--sessions", "2",
                           "--seconds", "20", "--baseline-seconds", "0", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["errors"] == 0, report["error_samples"]
    assert report["actions"] >= 4 and report["checks"] >= report["actions"]
    assert report["run_s"]["n"] == report["actions"] and report["run_s"]["p95"] > 0
    assert report["swap"]["sessions"] == 2 and report["swap"]["sessions_seen_new_data"] == 2
    assert report["swap"]["checks_after"] > 0
    samples = report["rss_mb"]["samples"]
    assert len(samples) >= 3 and all(total > 50 for _, total, _ in samples)  # one replica of ~200 MB
    assert set(report["cpu_cores"]) >= {"servers", "load_client", "other"}
    assert report["server_runs"]["ms"]["n"] >= report["actions"]
