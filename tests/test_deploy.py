"""Deployment settings that matter for safety: checked as text, since no Docker engine runs here."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_config_is_safe():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["enableXsrfProtection"] is True
    assert 0 < cfg["server"]["maxUploadSize"] <= 100
    assert cfg["client"]["toolbarMode"] == "minimal"      # no Deploy button, no (English) app menu
    assert cfg["client"]["showErrorLinks"] is False        # no "Ask ChatGPT" under an error
    assert cfg["client"]["showErrorDetails"] == "none"    # no traceback shown to users
    assert cfg["browser"]["gatherUsageStats"] is False
    assert not (ROOT / ".streamlit" / "secrets.toml").exists()


def test_dockerfile_runs_unprivileged_with_health_check():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER fabrique\n" in text
    assert "/_stcore/health" in text and "HEALTHCHECK" in text


def test_requirements_are_pinned():
    lines = [l for l in (ROOT / "requirements.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert lines and all("==" in l for l in lines)
