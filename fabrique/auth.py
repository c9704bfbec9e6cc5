"""Staff sign-in: a password checked against an scrypt hash (FABRIQUE_ADMIN_PASSWORD_HASH or secrets
`admin_password_hash`), held in the session for a limited time, behind a process-wide throttle.
Pure helpers plus the session record and the throttle; fabrique.ui draws the form."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass

from . import config, partners

log = logging.getLogger("fabrique")

SESSION_SECONDS = 8 * 3600        # a staff session ends after a working day
MAX_PASSWORD_LENGTH = 256         # longer input is refused before hashing (scrypt on 1 MB costs the server)


@dataclass(frozen=True)
class StaffSession:
    started: float                 # time.time() of the sign-in

    def expired(self, now: float | None = None) -> bool:
        return (now or time.time()) - self.started > SESSION_SECONDS

    def expires_at(self) -> float:
        return self.started + SESSION_SECONDS


def check(password: str, stored_hash: str | None) -> bool:
    """True for the right password; a too long or empty one is refused without hashing."""
    if not stored_hash or not password or len(password) > MAX_PASSWORD_LENGTH:
        return False
    return partners.check_password(password, stored_hash)


# ---------------------------------------------------------------- throttle

class Throttle:
    """Failed sign-ins counted in a sliding window, for the whole process and per client address.

    Sessions are free to open, so a per-session delay does not slow a guesser down: the counters live
    at module level and are shared by every session (and thread) of the server. Once a limit is
    reached, every attempt (globally, or from that address) is refused without hashing until the
    lockout ends. The global limit locks the staff out too while someone guesses: the price of
    bounding guesses whatever the number of addresses the guesser has."""

    def __init__(self, clock=time.time):
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: deque[tuple[float, str]] = deque()   # (time, address) within the window
        self._locked_until: dict[str, float] = {}            # address (or "*": everyone) -> end of lockout

    @staticmethod
    def _limits() -> tuple[int, int, int, int]:
        return (config.sign_in_limit("login_max_failures"), config.sign_in_limit("login_max_failures_address"),
                config.sign_in_limit("login_window_seconds"), config.sign_in_limit("login_lockout_seconds"))

    def locked_until(self, address: str) -> float | None:
        """End of the lockout that applies to `address` (time.time()), or None when it may try."""
        now = self._clock()
        with self._lock:
            ends = [t for key, t in self._locked_until.items() if key in ("*", address) and t > now]
        return max(ends) if ends else None

    def failure(self, address: str) -> float | None:
        """Record a failure; returns the end of the lockout it started, if it started one."""
        max_all, max_one, window, lockout = self._limits()
        now = self._clock()
        started = None
        with self._lock:
            self._failures.append((now, address))
            while self._failures and self._failures[0][0] <= now - window:
                self._failures.popleft()
            from_address = sum(1 for _, a in self._failures if a == address)
            if len(self._failures) >= max_all and self._locked_until.get("*", 0) <= now:
                self._locked_until["*"] = started = now + lockout
                log.warning("Connexion de l'équipe bloquée pour tous jusqu'à %s : %d échecs en %d s.",
                            _clock_time(started), len(self._failures), window)
                self._failures.clear()   # the next lockout needs as many new failures
            elif from_address >= max_one and self._locked_until.get(address, 0) <= now:
                self._locked_until[address] = started = now + lockout
                log.warning("Connexion de l'équipe bloquée pour l'adresse %s jusqu'à %s : %d échecs en %d s.",
                            address, _clock_time(started), from_address, window)
                self._failures = deque((t, a) for t, a in self._failures if a != address)
        return started

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()
            self._locked_until.clear()


THROTTLE = Throttle()


@dataclass(frozen=True)
class Attempt:
    ok: bool
    message: str = ""              # French, for the form when not ok


def _clock_time(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).strftime("%H:%M")


def _wait_message(until: float, now: float) -> str:
    minutes = max(1, round((until - now) / 60))
    return (f"Trop de tentatives de connexion : la connexion est suspendue. Réessayez dans {minutes} minute"
            f"{'s' if minutes > 1 else ''} (à {_clock_time(until)}).")


def sign_in(password: str, stored_hash: str | None, address: str | None,
            throttle: Throttle = THROTTLE) -> Attempt:
    """One sign-in attempt from `address` (None: this machine), throttled and logged (never the password)."""
    address = address or "local"
    until = throttle.locked_until(address)
    if until is not None:
        # info, not warning: the lockout itself is logged once; a guesser hammering must not flood the log.
        log.info("Tentative de connexion refusée pendant le blocage (adresse %s).", address)
        return Attempt(False, _wait_message(until, throttle._clock()))
    if password and len(password) > MAX_PASSWORD_LENGTH:
        reason = f"mot de passe de plus de {MAX_PASSWORD_LENGTH} caractères"
        message = f"Mot de passe refusé : {MAX_PASSWORD_LENGTH} caractères au plus."
    elif check(password, stored_hash):
        log.info("Connexion de l'équipe réussie (adresse %s).", address)
        return Attempt(True)
    else:
        reason, message = "mot de passe incorrect", "Mot de passe incorrect."
    log.warning("Échec de connexion de l'équipe (adresse %s) : %s.", address, reason)
    started = throttle.failure(address)
    if started is not None:
        return Attempt(False, _wait_message(started, throttle._clock()))
    return Attempt(False, message)
