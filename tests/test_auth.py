"""Staff sign-in limits: a process-wide throttle (per address and for everyone) with lockout and logging,
passwords capped in length before hashing, failures logged without the password."""
import logging
import threading

import pytest

from apptest import open_page, texts
from fabrique import auth, frame, partners

PASSWORD = "mot de passe de test"
HASH = partners.hash_password(PASSWORD)


class Clock:
    def __init__(self, t=1_800_000_000.0):
        self.t = t

    def __call__(self):
        return self.t


@pytest.fixture
def limits(monkeypatch):
    """Small limits for the tests: 3 failures per address, 5 for everyone, in 60 s; 120 s of lockout."""
    monkeypatch.setenv("FABRIQUE_LOGIN_MAX_FAILURES", "5")
    monkeypatch.setenv("FABRIQUE_LOGIN_MAX_FAILURES_ADDRESS", "3")
    monkeypatch.setenv("FABRIQUE_LOGIN_WINDOW_SECONDS", "60")
    monkeypatch.setenv("FABRIQUE_LOGIN_LOCKOUT_SECONDS", "120")


@pytest.fixture(autouse=True)
def fresh_throttle():
    auth.THROTTLE.reset()
    yield
    auth.THROTTLE.reset()


def test_one_address_is_locked_out_after_its_failures_even_with_the_right_password(limits, caplog):
    clock = Clock()
    th = auth.Throttle(clock)
    caplog.set_level(logging.INFO, logger="fabrique")
    for _ in range(2):
        assert auth.sign_in("mauvais", HASH, "203.0.113.7", th) == auth.Attempt(False, "Mot de passe incorrect.")
    third = auth.sign_in("mauvais", HASH, "203.0.113.7", th)     # the 3rd failure starts the lockout
    assert not third.ok and third.message.startswith("Trop de tentatives de connexion")
    assert "Réessayez dans 2 minutes" in third.message           # 120 s
    clock.t += 60
    right = auth.sign_in(PASSWORD, HASH, "203.0.113.7", th)
    assert not right.ok and "Réessayez dans 1 minute " in right.message
    # Another address is not locked (3 failures < 5 for everyone).
    assert auth.sign_in(PASSWORD, HASH, "198.51.100.2", th).ok
    clock.t += 61                                                 # 121 s after the lockout started
    assert auth.sign_in(PASSWORD, HASH, "203.0.113.7", th).ok
    logged = caplog.text
    assert logged.count("Échec de connexion de l'équipe (adresse 203.0.113.7)") == 3
    assert "bloquée pour l'adresse 203.0.113.7" in logged
    assert "refusée pendant le blocage" in logged
    assert "mauvais" not in logged and PASSWORD not in logged    # never the password


def test_failures_from_many_addresses_lock_everyone(limits, caplog):
    """A guesser with many addresses: 5 failures from 5 addresses lock the sign-in for all."""
    clock = Clock()
    th = auth.Throttle(clock)
    caplog.set_level(logging.WARNING, logger="fabrique")
    for k in range(4):
        assert auth.sign_in("mauvais", HASH, f"192.0.2.{k}", th).message == "Mot de passe incorrect."
    fifth = auth.sign_in("mauvais", HASH, "192.0.2.4", th)
    assert fifth.message.startswith("Trop de tentatives")
    assert not auth.sign_in(PASSWORD, HASH, "198.51.100.9", th).ok
    assert "bloquée pour tous" in caplog.text
    clock.t += 121
    assert auth.sign_in(PASSWORD, HASH, "198.51.100.9", th).ok


def test_window_slides(limits):
    """Failures older than the window (60 s) no longer count."""
    clock = Clock()
    th = auth.Throttle(clock)
    for _ in range(2):
        auth.sign_in("mauvais", HASH, "203.0.113.7", th)
    clock.t += 61
    assert auth.sign_in("mauvais", HASH, "203.0.113.7", th).message == "Mot de passe incorrect."
    assert th.locked_until("203.0.113.7") is None


def test_too_long_password_is_refused_without_hashing(limits, monkeypatch):
    def no_hashing(*a):
        raise AssertionError("scrypt ran on an over-long password")
    monkeypatch.setattr(partners, "check_password", no_hashing)
    th = auth.Throttle(Clock())
    big = "x" * 1_000_000
    out = auth.sign_in(big, HASH, "203.0.113.7", th)
    assert out == auth.Attempt(False, "Mot de passe refusé : 256 caractères au plus.")
    assert not auth.check(big, HASH)
    # It counts as a failure: two more and the address waits.
    auth.sign_in(big, HASH, "203.0.113.7", th)
    assert auth.sign_in(big, HASH, "203.0.113.7", th).message.startswith("Trop de tentatives")


def test_locked_out_attempts_are_not_hashed(limits, monkeypatch):
    th = auth.Throttle(Clock())
    for _ in range(3):
        auth.sign_in("mauvais", HASH, "203.0.113.7", th)
    calls = []
    monkeypatch.setattr(partners, "check_password", lambda *a: calls.append(a) or True)
    assert not auth.sign_in(PASSWORD, HASH, "203.0.113.7", th).ok
    assert calls == []


def test_counters_are_shared_by_threads(monkeypatch):
    """Sessions run in threads of one process: 40 concurrent failures all count (no lost update)."""
    monkeypatch.setenv("FABRIQUE_LOGIN_MAX_FAILURES", "1000")
    monkeypatch.setenv("FABRIQUE_LOGIN_MAX_FAILURES_ADDRESS", "1000")
    th = auth.Throttle(Clock())
    threads = [threading.Thread(target=lambda k=k: [th.failure(f"10.0.0.{k}") for _ in range(10)])
               for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(th._failures) == 40


def test_default_limits(monkeypatch):
    for name in ("LOGIN_MAX_FAILURES", "LOGIN_MAX_FAILURES_ADDRESS", "LOGIN_WINDOW_SECONDS", "LOGIN_LOCKOUT_SECONDS"):
        monkeypatch.delenv(f"FABRIQUE_{name}", raising=False)
    monkeypatch.setenv("FABRIQUE_LOGIN_LOCKOUT_SECONDS", "pas un nombre")
    assert auth.Throttle._limits() == (20, 5, 900, 900)


def test_guesses_from_new_sessions_are_throttled_across_sessions(tiny_db, use_db, limits, monkeypatch):
    """Protocol level: each guess from a fresh session (what a script does), the same client. After 3
    failures the 4th session is refused even with the right password: the counter is not per session."""
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", HASH)
    monkeypatch.delenv("FABRIQUE_PUBLIC", raising=False)
    seen = []
    for guess in ["a", "b", "c", PASSWORD]:
        at = open_page(None, staff=False)
        at.text_input[0].input(guess)
        at.button[0].click().run()
        seen.append([e.value for e in at.error])
    assert seen[:2] == [["Mot de passe incorrect."]] * 2
    assert seen[2][0].startswith("Trop de tentatives de connexion")      # the 3rd failure starts the lockout
    assert seen[3][0].startswith("Trop de tentatives de connexion")      # the right password waits too
    assert frame.STAFF_SESSION not in at.session_state
    assert "s'ouvre avec un lien partenaire" in texts(at) and not at.metric
