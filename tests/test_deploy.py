"""Deployment settings that matter for safety: the files checked as text (no Docker engine runs here),
and a real server started as `make run` and the Docker image start it."""
import os
import socket
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path

import pytest

from loadtest import stack
from loadtest.protocol import Session

ROOT = Path(__file__).resolve().parent.parent


def test_streamlit_config_is_safe():
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["server"]["enableXsrfProtection"] is True
    assert 0 < cfg["server"]["maxUploadSize"] <= 20           # MB per file, any visitor may upload
    assert cfg["browser"]["serverAddress"]                    # set: no public-address lookup at start-up
    assert cfg["client"]["toolbarMode"] == "minimal"      # no Deploy button, no (English) app menu
    assert cfg["client"]["showErrorLinks"] is False        # no "Ask ChatGPT" under an error
    assert cfg["client"]["showErrorDetails"] == "none"    # no traceback shown to users
    assert cfg["browser"]["gatherUsageStats"] is False
    assert not (ROOT / ".streamlit" / "secrets.toml").exists()


def test_no_forced_full_garbage_collection_after_each_run():
    """Capacity, not safety: the forced collection cost a third of a replica's CPU (README « Capacité »)."""
    cfg = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert cfg["runner"]["postScriptGC"] is False


def test_dockerfile_runs_unprivileged_with_health_check():
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "\nUSER fabrique\n" in text
    assert "/_stcore/health" in text and "HEALTHCHECK" in text


def test_requirements_are_pinned():
    lines = [l for l in (ROOT / "requirements.txt").read_text().splitlines() if l and not l.startswith("#")]
    assert lines and all("==" in l for l in lines)


# ---------------------------------------------------------------- a real server, as deployed

MB = 1_000_000


class Trap:
    """A local TCP listener that records every connection (and answers 502): pointed to as the HTTP(S)
    proxy of a server, it sees any outbound call the server makes."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.hits: list[bytes] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                try:
                    self.hits.append(conn.recv(1024))
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    self.hits.append(b"")

    def close(self):
        self._stop.set()
        self.thread.join()
        self.sock.close()


def test_start_up_makes_no_outbound_call(tiny_db, tmp_path):
    """Streamlit looks up the machine's public address (checkip.amazonaws.com) at start-up, headless and
    without a fixed address, as `make run` and the Docker image start it. Every outbound HTTP call of
    the server goes through a local trap here: the configuration must leave it untouched."""
    trap = Trap()
    port = stack.free_port()
    log = tmp_path / "server.log"
    env = {**os.environ, "FABRIQUE_DB": str(tiny_db), "PYTHONUNBUFFERED": "1", "NO_PROXY": "", "no_proxy": "",
           **{k: trap.url for k in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy")}}
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "fabrique.serve", "--server.port", str(port),
                                 "--server.headless", "true", "--server.fileWatcherType", "none"],
                                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        # The URLs are printed once the lookups are over.
        while "URL:" not in log.read_text(errors="replace"):
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text(errors="replace")
            time.sleep(0.2)
        time.sleep(1.5)  # a lookup that timed out would have been retried over HTTPS by now
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        trap.close()
    assert trap.hits == [], f"outbound call at start-up: {trap.hits[:1]}"
    assert "External URL" not in log.read_text(errors="replace")


@pytest.fixture(scope="module")
def tiny_server(tiny_db, tmp_path_factory):
    with stack.replicas(1, tiny_db, tmp_path_factory.mktemp("deploy-server")) as reps:
        yield reps[0]


def test_a_visitor_cannot_park_large_files_in_memory(tiny_server):
    """The issue's hostile visitor, straight at Streamlit (no proxy): a session that never signed in
    uploads six files of 40 MB. Streamlit itself refuses each (server.maxUploadSize); an import-sized
    file still goes through."""
    s = Session(tiny_server.base, timeout=60)
    s.connect()
    s.open("")
    assert [s.upload(b"x" * (40 * MB)) for _ in range(6)] == [413] * 6
    assert s.upload(b"a;b\n" * 250_000) == 204  # 1 MB: four times the demo network as CSV
    s.close()
