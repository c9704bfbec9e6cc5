"""The reverse proxy of deploy/nginx/fabrique.conf, run for real in front of two replicas.

What a visitor can cost or reach goes through it: sticky sessions (a session's websocket and uploads
reach the replica that holds it), body size and rate limits, the metrics endpoint, security headers,
and websockets opened from another site. Every visitor here connects from its own loopback address
(127.0.x.y), as distinct visitors do on the internet, so the per-address limits of one test do not
spill into another.

nginx comes from Debian (apt-get install -y nginx, done by .ci/run); without it these tests are skipped
locally and fail in CI.
"""
import time
import urllib.request

import pytest
from tools import require

from loadtest import stack
from loadtest.protocol import ProtocolError, Session

MB = 1_000_000


@pytest.fixture(scope="module")
def proxied(tiny_open_db, tmp_path_factory):
    require(stack.nginx_binary() is not None, "nginx (apt-get install -y nginx)")
    folder = tmp_path_factory.mktemp("proxy")
    with stack.replicas(2, tiny_open_db, folder / "replicas") as reps, \
            stack.nginx([r.base for r in reps], folder / "nginx") as base:
        yield base, reps


def visitor(base: str, address: str, **kw) -> Session:
    s = Session(base, source_address=address, timeout=60, **kw)
    s.connect()
    s.open("")
    return s


def runs_logged(replica) -> int:
    return len(replica.run_log.read_text().splitlines()) if replica.run_log.exists() else 0


def test_sessions_spread_over_replicas_and_stay_on_theirs(proxied):
    base, reps = proxied
    before = [runs_logged(r) for r in reps]
    sessions = [visitor(base, f"127.0.1.{i}") for i in range(1, 13)]
    # Every session got its own affinity cookie, and lands on one replica for good: an upload
    # names the session, which only the replica holding it knows (any other answers 400).
    assert len({s.cookies["fabrique_route"] for s in sessions}) == 12
    assert [s.upload(b"gal_id;gal_name\n") for s in sessions] == [204] * 12
    for s in sessions:
        assert s.set("Région", ["Bretagne"]).metrics()["Créations de l'année"] == "3"  # tiny.py: P01, P02, P05
        s.close()
    # Twelve sessions, two runs each: both replicas served some (new visitors are routed at random;
    # all twelve on one replica would happen once in 2 048 runs of this test).
    served = [runs_logged(r) - b for r, b in zip(reps, before)]
    assert sum(served) == 24 and min(served) >= 2, served


def test_security_headers_on_pages_assets_and_errors(proxied):
    base, _ = proxied
    s = Session(base, source_address="127.0.2.1")
    for path in ["/", "/_stcore/health", "/page-qui-n-existe-pas", "/_stcore/metrics"]:
        status, headers, _ = s.request("GET", path)
        assert status in (200, 404), (path, status)
        csp = headers.get("content-security-policy", "")
        assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp, path
        assert headers.get("x-frame-options") == "SAMEORIGIN", path
        assert headers.get("x-content-type-options") == "nosniff", path
        assert headers.get("referrer-policy") == "same-origin", path  # a partner token never leaks
        assert headers.get("server") == "nginx", path  # no version number


def test_metrics_are_not_public(proxied):
    base, _ = proxied
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(base + "/_stcore/metrics", timeout=10)
    assert err.value.code == 404


def test_uploads_are_capped_in_size_and_rate(proxied):
    base, _ = proxied
    s = visitor(base, "127.0.3.1")
    # The hostile visitor: 40 MB files, never signed in. Refused by the proxy before any of it
    # reaches a replica's memory.
    assert s.upload(b"x" * (40 * MB)) == 413
    # Small files: 6 a minute, the first plus a burst of 5 at once, then 429 (nginx refuses a declared
    # oversized body before the rate is counted).
    statuses = [s.upload(b"a;b\n1;2\n") for _ in range(8)]
    assert statuses == [204] * 6 + [429] * 2
    # Another visitor is not affected by the first one's limit.
    assert visitor(base, "127.0.3.2").upload(b"a;b\n") == 204


def test_no_page_accepts_a_large_body(proxied):
    base, _ = proxied
    s = Session(base, source_address="127.0.4.1")
    assert s.request("POST", "/", b"y" * 200_000)[0] == 413


def test_websocket_from_another_site_is_refused(proxied):
    base, _ = proxied
    with pytest.raises(ProtocolError, match="403"):
        visitor(base, "127.0.5.1", origin="https://site-hostile.example")
    # The site itself, or a client that sends no Origin (not a browser page), may connect.
    assert visitor(base, "127.0.5.2").set("Région", ["Bretagne"]).errors() == []


def test_new_sessions_from_one_address_are_rate_limited(proxied):
    base, _ = proxied
    opened, outcomes = [], []
    started = time.monotonic()
    for _ in range(26):
        s = Session(base, source_address="127.0.6.1", timeout=30)
        try:
            s.connect()
            opened.append(s)
            outcomes.append("ouverte")
        except ProtocolError as exc:
            assert "429" in str(exc)
            outcomes.append("refusée")
    elapsed = time.monotonic() - started
    # 30 a minute (one every 2 s) after a burst of 20 beyond the first: the first 21 open, then the
    # attempts are refused but for the one every 2 s that the elapsed time allows.
    assert outcomes[:21] == ["ouverte"] * 21 and "refusée" in outcomes
    assert len(opened) <= 21 + elapsed / 2 + 1, (outcomes, elapsed)
    for s in opened:
        s.close()
