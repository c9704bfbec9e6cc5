"""Shared fixtures: a tiny readable database (literal expected rows), the demo database, an empty one."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fabrique import build, demo  # noqa: E402
from tiny import empty_records, tiny_records  # noqa: E402

@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    build.build(tiny_records(), kind="import", db_path=path, data_date="2023-12-31", archive=False)
    return path


@pytest.fixture(scope="session")
def tiny_open_db(tmp_path_factory) -> Path:
    """The tiny records built as a demonstration set: a visitor without a link is staff there (the roles
    apply to imported data), which is what the link-less load and proxy tests need."""
    path = tmp_path_factory.mktemp("tiny-open") / "tiny.duckdb"
    build.build(tiny_records(), kind="demo", db_path=path, data_date="2023-12-31", archive=False)
    return path


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build.build(demo.generate(), kind="demo", db_path=path, data_date="2026-10-31", archive=False)
    return path


@pytest.fixture(scope="session")
def empty_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.duckdb"
    build.build(empty_records(), kind="import", db_path=path, data_date="2026-01-01", archive=False)
    return path


@pytest.fixture
def use_db(monkeypatch):
    """Point the app at a database for one test: use_db(path)."""
    def _use(path: Path) -> Path:
        monkeypatch.setenv("FABRIQUE_DB", str(path))
        return path
    return _use
