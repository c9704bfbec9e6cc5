"""Staff sign-in: a password checked against an scrypt hash (FABRIQUE_ADMIN_PASSWORD_HASH or secrets
`admin_password_hash`), held in the session for a limited time. Pure helpers plus the session record;
the frame (fabrique.frame) draws the form."""
from __future__ import annotations

import time
from dataclasses import dataclass

from . import partners

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
