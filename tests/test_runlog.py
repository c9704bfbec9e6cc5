"""The optional run log: one JSON line per script run, outcome included, nothing when it is off."""
import json

import pytest

from fabrique import runlog


def test_off_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv("FABRIQUE_RUN_LOG", raising=False)
    monkeypatch.chdir(tmp_path)
    with runlog.timed("accueil", 0.0):
        pass
    assert list(tmp_path.iterdir()) == []


def test_one_line_per_run_with_its_outcome(tmp_path, monkeypatch):
    log = tmp_path / "runs.jsonl"
    monkeypatch.setenv("FABRIQUE_RUN_LOG", str(log))
    import time

    with runlog.timed("parcours", time.perf_counter() - 0.25):
        pass
    with pytest.raises(KeyError):
        with runlog.timed("couverture", time.perf_counter()):
            raise KeyError("x")
    first, second = (json.loads(line) for line in log.read_text(encoding="utf-8").splitlines())
    assert first["page"] == "parcours" and first["end"] == "ok" and 250 <= first["ms"] < 5000
    assert second["page"] == "couverture" and second["end"] == "KeyError" and second["ms"] < 5000
