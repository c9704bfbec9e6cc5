"""A missing system tool skips a test on a developer's machine and fails it in CI."""
import pytest
from tools import require


def test_a_missing_tool_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="nginx is missing: CI must install it"):
        require(False, "nginx")
    require(True, "nginx")   # present: nothing happens


def test_a_missing_tool_skips_elsewhere(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="nginx is missing: install it"):
        require(False, "nginx")
