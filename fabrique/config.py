"""Paths and environment settings, read lazily (each call reads the environment, so tests can set it)."""
from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
REFERENCE_DIR = DATA_DIR / "reference"
QUERIES_DIR = ROOT / "queries"

# Fixed "as of" date of the demo dataset: generation must not depend on the day it runs.
DEMO_AS_OF = "2026-10-31"
DEMO_SEED = 20101


def db_path() -> Path:
    """The database the app reads; FABRIQUE_DB overrides it (tests, benchmarks)."""
    return Path(os.environ.get("FABRIQUE_DB", DATA_DIR / "fabrique.duckdb"))


def archive_dir() -> Path:
    return Path(os.environ.get("FABRIQUE_ARCHIVE", db_path().parent / "archive"))


def setting(name: str) -> str | None:
    """A secret or setting: environment variable FABRIQUE_<NAME>, else Streamlit secrets `<name>`.

    Never stored in the repository; absent means the feature that needs it is disabled.
    """
    value = os.environ.get(f"FABRIQUE_{name.upper()}")
    if value:
        return value
    try:
        import streamlit as st

        return st.secrets.get(name.lower())  # raises when no secrets file exists
    except Exception:
        return None


def partner_secret() -> str | None:
    """Key that signs partner links (FABRIQUE_PARTNER_SECRET or secrets `partner_secret`)."""
    return setting("partner_secret")


def admin_password_hash() -> str | None:
    """scrypt hash of the admin password (FABRIQUE_ADMIN_PASSWORD_HASH or secrets `admin_password_hash`)."""
    return setting("admin_password_hash")


def run_log_path() -> str | None:
    """File of the optional script-run log (FABRIQUE_RUN_LOG, off when unset)."""
    return os.environ.get("FABRIQUE_RUN_LOG") or None


def links_path(db: Path | None = None) -> Path:
    """Register of issued partner links and their revocations (FABRIQUE_LINKS, else liens.json beside the
    database, or beside `db`): outside the database file, so that rebuilds and imports keep it."""
    return Path(os.environ.get("FABRIQUE_LINKS") or Path(db or db_path()).parent / "liens.json")


# Limits of the staff sign-in (environment FABRIQUE_<NAME>, else secrets, else these defaults).
SIGN_IN_DEFAULTS = {
    "login_max_failures": 20,         # failures from all clients within the window before everyone waits
    "login_max_failures_address": 5,  # failures from one address within the window before it waits
    "login_window_seconds": 900,      # sliding window in which failures are counted
    "login_lockout_seconds": 900,     # how long attempts are refused once a limit is reached
}


def sign_in_limit(name: str) -> int:
    """A limit of the staff sign-in (see SIGN_IN_DEFAULTS); an unreadable value falls back to the default."""
    try:
        value = int(setting(name) or SIGN_IN_DEFAULTS[name])
    except (TypeError, ValueError):
        value = SIGN_IN_DEFAULTS[name]
    return max(1, value)


def test_failures() -> set[str]:
    """Test-only switch FABRIQUE_TEST_FAILURE, comma-separated: "frame" (the frame fails), a page's address
    (that page fails), "rappel" (the meeting-mode toggle's callback fails), so that the browser tests prove
    that an unexpected failure reads French. Never set in production."""
    return {w.strip() for w in os.environ.get("FABRIQUE_TEST_FAILURE", "").split(",") if w.strip()}
