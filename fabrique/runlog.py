"""Optional log of script-run durations, for load tests and diagnosis (off unless FABRIQUE_RUN_LOG is set).

A rerun's time splits into the server running the script and the browser drawing the result. When both
share one machine (a load test), only this log tells them apart: each line is one script run, measured
in the server process, as JSON {"t": epoch seconds, "page": url path, "ms": duration, "end": outcome}.
"""
from __future__ import annotations

import contextlib
import json
import threading
import time

from . import config

_lock = threading.Lock()


@contextlib.contextmanager
def timed(page: str, started: float):
    """Log the run that began at `started` (time.perf_counter()) once its page has run or stopped."""
    path = config.run_log_path()
    if not path:
        yield
        return
    end = "ok"
    try:
        yield
    except BaseException as exc:  # Streamlit's rerun and stop are exceptions too: logged, then passed on
        end = type(exc).__name__
        raise
    finally:
        line = json.dumps({"t": round(time.time(), 3), "page": page,
                           "ms": round((time.perf_counter() - started) * 1000, 1), "end": end})
        with _lock, open(path, "a", encoding="utf-8") as out:
            out.write(line + "\n")
