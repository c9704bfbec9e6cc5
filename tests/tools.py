"""System tools some tests need (Debian's chromium, nginx, axe-core from npm)."""
import os

import pytest


def require(present: bool, what: str) -> None:
    """A test that needs a system tool: skipped, and said so, on a developer's machine without it; failed in
    CI (CI=true, set by .ci/run), where a missing tool is a broken install and never a pass."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing: CI must install it (see .ci/run)")
    pytest.skip(f"{what} is missing: install it to run this test (see .ci/run)")
