"""Signed partner links: a JWT that locks the perimeter (région, département or structure) until a date,
with an id (`jti`) so that one link can be revoked; the register of issued and revoked links.

The model is Metabase's signed embedding with locked parameters: the token carries the perimeter,
the signature proves it was issued with the server's secret, and the app clamps every filter to it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
import secrets as _secrets
import tempfile
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import jwt

from .filters import Options

log = logging.getLogger("fabrique")

ALGORITHM = "HS256"
ISSUER = "fabrique-a-initiatives"
URL_KEY = "lien"
MAX_TOKEN_LENGTH = 2000
# HS256 keys shorter than the hash (32 bytes) can be guessed offline from one token: refused.
MIN_SECRET_BYTES = 32
NEW_SECRET_COMMAND = 'python -c "import secrets; print(secrets.token_urlsafe(32))"'


class PartnerLinkError(Exception):
    """A link that must be refused; the message is French and safe to show."""


@dataclass(frozen=True)
class Perimeter:
    regs: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    structures: tuple[str, ...] = ()
    expires: dt.date | None = None
    label: str = ""
    jti: str = ""                   # the link's id (revocation)

    def describe(self, opts: Options) -> str:
        parts = []
        if self.regs:
            parts.append("Région : " + ", ".join(opts.regions.get(r, r) for r in self.regs))
        if self.deps:
            parts.append("Département : " + ", ".join(f"{opts.departments.get(d, (d,))[0]} ({d})" for d in self.deps))
        if self.structures:
            parts.append("Structure : " + ", ".join(opts.structures.get(s, s) for s in self.structures))
        return " · ".join(parts)


def secret_problem(secret: str | None) -> str | None:
    """What is wrong with a signing secret, in French for the staff (None: it may sign and verify)."""
    if not secret:
        return "Aucun secret configuré (FABRIQUE_PARTNER_SECRET) : impossible de signer un lien."
    size = len(secret.encode("utf-8"))
    if size < MIN_SECRET_BYTES:
        return (f"Le secret des liens partenaires (FABRIQUE_PARTNER_SECRET) est trop court : {size} octet"
                f"{'s' if size > 1 else ''}, il en faut au moins {MIN_SECRET_BYTES}. Créez-en un avec "
                f"{NEW_SECRET_COMMAND} puis recréez les liens.")
    return None


def new_link_id() -> str:
    return _secrets.token_hex(8)


def create_token(secret: str, *, expires: dt.date, regs=(), deps=(), structures=(), label: str = "",
                 now: dt.datetime | None = None, jti: str | None = None) -> str:
    problem = secret_problem(secret)
    if problem:
        raise PartnerLinkError(problem)
    if not (regs or deps or structures):
        raise PartnerLinkError("Un lien partenaire doit verrouiller au moins une région, un département ou une structure.")
    now = now or dt.datetime.now(dt.timezone.utc)
    end = dt.datetime.combine(expires + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc)
    if end <= now:
        raise PartnerLinkError("La date d'expiration est déjà passée.")
    claims = {"iss": ISSUER, "iat": int(now.timestamp()), "exp": int(end.timestamp()), "jti": jti or new_link_id(),
              "reg": list(regs), "dep": list(deps), "structure": list(structures), "label": label}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def read_token(token: str, secret: str | None, opts: Options, revoked=frozenset()) -> Perimeter:
    """The perimeter of a valid token; PartnerLinkError (French) for anything else. `revoked`: the ids of
    revoked links (LinkRegister.revoked())."""
    if not secret:
        raise PartnerLinkError("Les liens partenaires ne sont pas activés sur ce serveur.")
    if secret_problem(secret):
        # A weak key would let anyone forge a link: no partner view at all until it is replaced.
        log.error("Liens partenaires refusés : %s", secret_problem(secret))
        raise PartnerLinkError("Les liens partenaires sont suspendus sur ce serveur (clé de signature trop "
                               "faible). Prévenez l'équipe Avise.")
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise PartnerLinkError("Ce lien partenaire est invalide.")
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER,
                            options={"require": ["exp", "iat", "iss"]})
    except jwt.ExpiredSignatureError:
        raise PartnerLinkError("Ce lien partenaire a expiré. Demandez un nouveau lien à l'équipe Avise.") from None
    except jwt.ImmatureSignatureError:
        raise PartnerLinkError("Ce lien partenaire est invalide (émis dans le futur).") from None
    except jwt.InvalidTokenError:
        raise PartnerLinkError("Ce lien partenaire est invalide ou a été modifié.") from None
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        # A link without an id cannot be revoked alone: links of the former format are refused.
        raise PartnerLinkError("Ce lien partenaire est d'un ancien format. Demandez un nouveau lien à l'équipe "
                               "Avise.")
    if jti in revoked:
        raise PartnerLinkError("Ce lien partenaire a été révoqué. Demandez un nouveau lien à l'équipe Avise.")
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
    return Perimeter(regs, deps, structures, expires, str(claims.get("label") or ""), jti)


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


# ---------------------------------------------------------------- register of issued links

@dataclass(frozen=True)
class IssuedLink:
    """One link as the register keeps it: what it opens, never the token itself (a bearer credential
    that a copy of the register must not give away)."""
    jti: str
    label: str
    regs: tuple[str, ...]
    deps: tuple[str, ...]
    structures: tuple[str, ...]
    expires: str                     # ISO date: last day of validity
    issued_at: str                   # ISO date-time, UTC
    revoked_at: str | None = None    # ISO date-time, UTC
    replaces: str | None = None      # jti of the link it re-issues

    def status(self, today: dt.date | None = None) -> str:
        """'revoked', 'expired' or 'active'."""
        if self.revoked_at:
            return "revoked"
        if dt.date.fromisoformat(self.expires) < (today or dt.date.today()):
            return "expired"
        return "active"

    def perimeter(self) -> Perimeter:
        return Perimeter(self.regs, self.deps, self.structures, dt.date.fromisoformat(self.expires), self.label,
                         self.jti)

    @classmethod
    def from_json(cls, d: dict) -> "IssuedLink":
        return cls(jti=str(d["jti"]), label=str(d.get("label") or ""), regs=tuple(d.get("regs") or ()),
                   deps=tuple(d.get("deps") or ()), structures=tuple(d.get("structures") or ()),
                   expires=str(d.get("expires") or "1970-01-01"), issued_at=str(d.get("issued_at") or ""),
                   revoked_at=d.get("revoked_at"), replaces=d.get("replaces"))


class RegisterError(Exception):
    """The register of links cannot be read or written (French message)."""


class LinkRegister:
    """data/liens.json (config.links_path): every link issued by the admin screen or the command line, and
    the revoked ones. A JSON file beside the database, so that rebuilds and imports keep it; written to a
    temporary file then renamed (never half-written), under a lock file shared by the server and the
    command line. Read again only when the file changed (every run of a partner's page checks it)."""

    _cache: dict[str, tuple[tuple, tuple[IssuedLink, ...]]] = {}
    _cache_lock = threading.Lock()

    def __init__(self, path: Path):
        self.path = Path(path)

    # -- reading
    def links(self) -> tuple[IssuedLink, ...]:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return ()
        key = (st.st_mtime_ns, st.st_size, st.st_ino)
        with self._cache_lock:
            hit = self._cache.get(str(self.path))
            if hit and hit[0] == key:
                return hit[1]
        links = self._read()
        with self._cache_lock:
            self._cache[str(self.path)] = (key, links)
        return links

    def _read(self) -> tuple[IssuedLink, ...]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return tuple(IssuedLink.from_json(d) for d in raw.get("links", []))
        except FileNotFoundError:
            return ()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            # A damaged register must not reopen revoked links: every partner link is refused meanwhile.
            raise RegisterError(f"Le registre des liens partenaires ({self.path.name}) est illisible : {exc}.") from None

    def revoked(self) -> frozenset[str]:
        return frozenset(link.jti for link in self.links() if link.revoked_at)

    def get(self, jti: str) -> IssuedLink | None:
        return next((link for link in self.links() if link.jti == jti), None)

    # -- writing
    @contextlib.contextmanager
    def _locked(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.with_name(self.path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield list(self._read())
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write(self, links: list[IssuedLink]) -> None:
        body = json.dumps({"version": 1, "links": [asdict(link) for link in links]}, ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(prefix=".liens-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(body)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def issue(self, secret: str, *, expires: dt.date, regs=(), deps=(), structures=(), label: str = "",
              replaces: str | None = None, now: dt.datetime | None = None) -> tuple[str, IssuedLink]:
        """Sign a new link and record it: (token, record)."""
        now = now or dt.datetime.now(dt.timezone.utc)
        jti = new_link_id()
        token = create_token(secret, expires=expires, regs=regs, deps=deps, structures=structures, label=label,
                             now=now, jti=jti)
        record = IssuedLink(jti, label, tuple(regs), tuple(deps), tuple(structures), expires.isoformat(),
                            now.replace(microsecond=0).isoformat(), None, replaces)
        with self._locked() as links:
            self._write(links + [record])
        log.info("Lien partenaire émis : %s (%s)", jti, label or "sans nom")
        return token, record

    def revoke(self, jti: str, now: dt.datetime | None = None) -> IssuedLink:
        """Mark a link revoked (an id missing from the register is recorded as revoked all the same)."""
        stamp = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0).isoformat()
        with self._locked() as links:
            found = next((link for link in links if link.jti == jti), None)
            if found is None:
                found = IssuedLink(jti, "", (), (), (), "1970-01-01", "", stamp)
                links.append(found)
            elif not found.revoked_at:
                links = [replace(link, revoked_at=stamp) if link.jti == jti else link for link in links]
                found = replace(found, revoked_at=stamp)
            self._write(links)
        log.info("Lien partenaire révoqué : %s", jti)
        return found

    def reissue(self, secret: str, jti: str, expires: dt.date | None = None,
                now: dt.datetime | None = None) -> tuple[str, IssuedLink]:
        """A new link (new id) with the perimeter and name of `jti`, which is revoked."""
        old = self.get(jti)
        if old is None:
            raise RegisterError(f"Lien inconnu : {jti}.")
        token, record = self.issue(secret, expires=expires or dt.date.fromisoformat(old.expires), regs=old.regs,
                                   deps=old.deps, structures=old.structures, label=old.label, replaces=jti, now=now)
        self.revoke(jti, now=now)
        return token, record
