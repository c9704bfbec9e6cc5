"""Signed partner links: a JWT that locks the perimeter (région, département or structure) until a date.

The model is Metabase's signed embedding with locked parameters: the token carries the perimeter,
the signature proves it was issued with the server's secret, and the app clamps every filter to it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
from dataclasses import dataclass

import jwt

from .filters import Options

ALGORITHM = "HS256"
ISSUER = "fabrique-a-initiatives"
URL_KEY = "lien"
MAX_TOKEN_LENGTH = 2000


class PartnerLinkError(Exception):
    """A link that must be refused; the message is French and safe to show."""


@dataclass(frozen=True)
class Perimeter:
    regs: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    structures: tuple[str, ...] = ()
    expires: dt.date | None = None
    label: str = ""

    def describe(self, opts: Options) -> str:
        parts = []
        if self.regs:
            parts.append("Région : " + ", ".join(opts.regions.get(r, r) for r in self.regs))
        if self.deps:
            parts.append("Département : " + ", ".join(f"{opts.departments.get(d, (d,))[0]} ({d})" for d in self.deps))
        if self.structures:
            parts.append("Structure : " + ", ".join(opts.structures.get(s, s) for s in self.structures))
        return " · ".join(parts)


def create_token(secret: str, *, expires: dt.date, regs=(), deps=(), structures=(), label: str = "",
                 now: dt.datetime | None = None) -> str:
    if not secret:
        raise PartnerLinkError("Aucun secret configuré (FABRIQUE_PARTNER_SECRET) : impossible de signer un lien.")
    if not (regs or deps or structures):
        raise PartnerLinkError("Un lien partenaire doit verrouiller au moins une région, un département ou une structure.")
    now = now or dt.datetime.now(dt.timezone.utc)
    end = dt.datetime.combine(expires + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
    if end <= now:
        raise PartnerLinkError("La date d'expiration est déjà passée.")
    claims = {"iss": ISSUER, "iat": int(now.timestamp()), "exp": int(end.timestamp()),
              "reg": list(regs), "dep": list(deps), "structure": list(structures), "label": label}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str | None, opts: Options) -> Perimeter:
    """The perimeter of a valid token; PartnerLinkError (French) for anything else."""
    if not secret:
        raise PartnerLinkError("Les liens partenaires ne sont pas activés sur ce serveur.")
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise PartnerLinkError("Ce lien partenaire est invalide.")
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "iss"]})
    except jwt.ExpiredSignatureError:
        raise PartnerLinkError("Ce lien partenaire a expiré. Demandez un nouveau lien à l'équipe Avise.") from None
    except jwt.InvalidTokenError:
        raise PartnerLinkError("Ce lien partenaire est invalide ou a été modifié.") from None
    try:
        regs = tuple(str(r) for r in claims.get("reg") or ())
        deps = tuple(str(d) for d in claims.get("dep") or ())
        structures = tuple(str(s) for s in claims.get("structure") or ())
    except TypeError:
        raise PartnerLinkError("Ce lien partenaire est invalide.") from None
    if not (regs or deps or structures):
        raise PartnerLinkError("Ce lien partenaire ne définit aucun périmètre.")
    unknown = [c for c in regs if c not in opts.regions] + [c for c in deps if c not in opts.departments] + \
              [c for c in structures if c not in opts.structures]
    if unknown:
        raise PartnerLinkError("Ce lien partenaire désigne un territoire ou une structure inconnus.")
    expires = dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc).date() - dt.timedelta(days=1)
    return Perimeter(regs, deps, structures, expires, str(claims.get("label") or ""))


def allowed_departments(p: Perimeter, opts: Options) -> list[str]:
    if p.deps:
        return [d for d in opts.departments if d in p.deps]
    if p.regs:
        return opts.departments_of(p.regs)
    return list(opts.departments)


# ---------------------------------------------------------------- admin password

def hash_password(password: str, salt: bytes | None = None) -> str:
    """'scrypt$<salt hex>$<hash hex>' for FABRIQUE_ADMIN_PASSWORD_HASH."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored or not password:
        return False
    try:
        scheme, salt_hex, digest_hex = stored.split("$")
        if scheme != "scrypt":
            return False
        digest = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt_hex), n=2**14, r=8, p=1)
    except ValueError:
        return False
    return hmac.compare_digest(digest.hex(), digest_hex)
