"""Partner links: signed, expiring, perimeter-locked, each with an id that can be revoked; anything
tampered is refused in French; a signing secret under 32 bytes is refused."""
import datetime as dt
import json
import time

import jwt
import pytest
from hypothesis import given, settings, strategies as st

from fabrique import partners, policy
from fabrique.filters import Filters
from fabrique.partners import PartnerLinkError, Perimeter

from test_filters import OPTS

SECRET = "secret-de-test-suffisamment-long-pour-hs256"


def token(**kw):
    kw.setdefault("expires", dt.date(2027, 6, 30))
    return partners.create_token(SECRET, **kw)


def test_round_trip():
    t = token(regs=("53",), label="Région Bretagne")
    jti = jwt.decode(t, SECRET, algorithms=["HS256"])["jti"]
    assert len(jti) == 16
    p = partners.read_token(t, SECRET, OPTS)
    assert p == Perimeter(regs=("53",), expires=dt.date(2027, 6, 30), label="Région Bretagne", jti=jti)
    # Every link gets its own id.
    assert jwt.decode(token(regs=("53",)), SECRET, algorithms=["HS256"])["jti"] != jti


def claims_of(t):
    return jwt.decode(t, SECRET, algorithms=["HS256"])


def test_other_algorithms_and_future_links_refused():
    claims = claims_of(token(regs=("53",)))
    hs512 = jwt.encode(claims, SECRET, algorithm="HS512")
    with pytest.raises(PartnerLinkError, match="invalide"):
        partners.read_token(hs512, SECRET, OPTS)
    future = jwt.encode({**claims, "iat": int(time.time()) + 3600}, SECRET, algorithm="HS256")
    with pytest.raises(PartnerLinkError, match="invalide"):
        partners.read_token(future, SECRET, OPTS)
    with pytest.raises(PartnerLinkError, match="invalide"):
        partners.read_token(token(regs=("53",)) + "A" * 2000, SECRET, OPTS)


def test_link_without_id_refused():
    """A link of the former format (no jti) could not be revoked alone: refused, with a way out."""
    claims = claims_of(token(regs=("53",)))
    del claims["jti"]
    with pytest.raises(PartnerLinkError, match="ancien format"):
        partners.read_token(jwt.encode(claims, SECRET, algorithm="HS256"), SECRET, OPTS)


def test_revoked_link_refused():
    t = token(regs=("53",))
    jti = claims_of(t)["jti"]
    assert partners.read_token(t, SECRET, OPTS, frozenset({"autre"})).regs == ("53",)
    with pytest.raises(PartnerLinkError, match="révoqué"):
        partners.read_token(t, SECRET, OPTS, frozenset({jti}))


@pytest.mark.filterwarnings("ignore:The HMAC key")  # the forged token below is signed with the weak key on purpose
@pytest.mark.parametrize("weak", ["x", "abcd", "a" * 31, "é" * 15])   # 1, 4, 31 and 30 bytes
def test_weak_secret_refused_to_sign_and_to_read(weak):
    with pytest.raises(PartnerLinkError, match="trop court"):
        partners.create_token(weak, expires=dt.date(2099, 1, 1), regs=("53",))
    # A link signed with that weak key (e.g. before the rule) opens nothing either.
    forged = jwt.encode({**claims_of(token(regs=("53",))), "reg": ["53"]}, weak, algorithm="HS256")
    with pytest.raises(PartnerLinkError, match="suspendus"):
        partners.read_token(forged, weak, OPTS)


def test_secret_of_32_bytes_accepted():
    secret = "s" * 32
    t = partners.create_token(secret, expires=dt.date(2099, 1, 1), regs=("53",))
    assert partners.read_token(t, secret, OPTS).regs == ("53",)
    assert partners.secret_problem("s" * 31).startswith("Le secret des liens partenaires")
    assert "secrets.token_urlsafe(32)" in partners.secret_problem("s" * 31)


def test_expired_link_refused():
    t = partners.create_token(SECRET, expires=dt.date(2099, 1, 1), regs=("53",))
    claims = jwt.decode(t, SECRET, algorithms=["HS256"])
    expired = jwt.encode({**claims, "exp": claims["iat"] - 10},
                         SECRET, algorithm="HS256")
    with pytest.raises(PartnerLinkError, match="expiré"):
        partners.read_token(expired, SECRET, OPTS)


def test_wrong_signature_and_tampering_refused():
    t = token(regs=("53",))
    with pytest.raises(PartnerLinkError, match="invalide"):
        partners.read_token(t, "un-autre-secret-tout-aussi-long-pour-hs256", OPTS)
    header, payload, sig = t.split(".")
    widened = jwt.encode({**jwt.decode(t, SECRET, algorithms=["HS256"]), "reg": ["53", "32"]}, "x" * 32,
                         algorithm="HS256").split(".")[1]
    with pytest.raises(PartnerLinkError, match="invalide"):
        partners.read_token(f"{header}.{widened}.{sig}", SECRET, OPTS)
    unsigned = jwt.encode({"reg": ["53"], "exp": 4102444800, "iat": 0, "iss": partners.ISSUER}, None, algorithm="none")
    with pytest.raises(PartnerLinkError, match="invalide"):
        partners.read_token(unsigned, SECRET, OPTS)


def test_no_secret_means_no_partner_links():
    with pytest.raises(PartnerLinkError, match="pas activés"):
        partners.read_token(token(regs=("53",)), None, OPTS)
    with pytest.raises(PartnerLinkError, match="secret"):
        partners.create_token("", expires=dt.date(2027, 1, 1), regs=("53",))


def test_unknown_perimeter_refused():
    with pytest.raises(PartnerLinkError, match="inconnu"):
        partners.read_token(token(regs=("99",)), SECRET, OPTS)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_random_tokens_never_crash(garbage):
    with pytest.raises(PartnerLinkError):
        partners.read_token(garbage, SECRET, OPTS)


def test_clamp_cannot_widen():
    p = Perimeter(regs=("53",))
    assert policy.clamp(Filters(2019, 2024), p, OPTS).regs == ("53",)
    assert policy.clamp(Filters(2019, 2024, regs=("32",)), p, OPTS).regs == ("53",)
    assert policy.clamp(Filters(2019, 2024, regs=("53",), deps=("29", "59")), p, OPTS).deps == ("29",)
    d = Perimeter(deps=("29",))
    assert policy.clamp(Filters(2019, 2024, deps=("35",)), d, OPTS).deps == ("29",)
    s = Perimeter(structures=("FAI-01",))
    assert policy.clamp(Filters(2019, 2024, structures=("FAI-02",)), s, OPTS).structures == ("FAI-01",)


@settings(max_examples=200, deadline=None)
@given(regs=st.lists(st.sampled_from(list(OPTS.regions)), max_size=3),
       deps=st.lists(st.sampled_from(list(OPTS.departments)), max_size=4),
       structures=st.lists(st.sampled_from(list(OPTS.structures)), max_size=2))
def test_clamped_filters_stay_inside_perimeter(regs, deps, structures):
    f = Filters(2019, 2024, regs=tuple(regs), deps=tuple(deps), structures=tuple(structures))
    for p in [Perimeter(regs=("53",)), Perimeter(deps=("29", "56")), Perimeter(structures=("FAI-01",))]:
        c = policy.clamp(f, p, OPTS)
        if p.regs:
            assert c.regs and set(c.regs) <= set(p.regs)
            assert all(OPTS.departments[d][1] in p.regs for d in c.deps)
        if p.deps:
            assert c.deps and set(c.deps) <= set(p.deps)
        if p.structures:
            assert c.structures and set(c.structures) <= set(p.structures)


def test_password_hash():
    stored = partners.hash_password("correct horse battery staple")
    assert stored.startswith("scrypt$")
    assert partners.check_password("correct horse battery staple", stored)
    assert not partners.check_password("mauvais", stored)
    assert not partners.check_password("x", None)
    assert not partners.check_password("x", "n'importe quoi")


def test_cli_link_is_recorded_listed_and_revoked(monkeypatch, demo_db, tmp_path, capsys):
    from fabrique.__main__ import main
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    monkeypatch.setenv("FABRIQUE_LINKS", str(tmp_path / "liens.json"))
    assert main(["lien", "--reg", "53", "--expire", "2099-06-30", "--db", str(demo_db), "--libelle", "Bretagne",
                 "--base-url", "https://tableau.example"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://tableau.example/?lien=")
    jti = claims_of(url.split("lien=")[1])["jti"]
    saved = json.loads((tmp_path / "liens.json").read_text(encoding="utf-8"))["links"]
    assert [(r["jti"], r["regs"], r["expires"], r["label"], r["revoked_at"]) for r in saved] == \
        [(jti, ["53"], "2099-06-30", "Bretagne", None)]
    assert "lien=" not in (tmp_path / "liens.json").read_text(encoding="utf-8")   # never the token itself
    assert main(["liens", "--db", str(demo_db)]) == 0
    assert capsys.readouterr().out.strip() == f"{jti}\tactif\t2099-06-30\t53\tBretagne"
    assert main(["revoquer", jti, "--db", str(demo_db)]) == 0
    capsys.readouterr()
    assert partners.LinkRegister(tmp_path / "liens.json").revoked() == {jti}
    assert main(["liens", "--db", str(demo_db)]) == 0
    assert f"{jti}\trévoqué" in capsys.readouterr().out
    assert main(["lien", "--reg", "99", "--expire", "2099-06-30", "--db", str(demo_db)]) == 2
    assert "inconnu" in capsys.readouterr().err
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", "court")
    assert main(["lien", "--reg", "53", "--expire", "2099-06-30", "--db", str(demo_db)]) == 2
    assert "trop court" in capsys.readouterr().err


# ---------------------------------------------------------------- register of issued links

NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.timezone.utc)


def test_register_issue_revoke_reissue(tmp_path):
    reg = partners.LinkRegister(tmp_path / "liens.json")
    assert reg.links() == () and reg.revoked() == frozenset()
    t1, first = reg.issue(SECRET, expires=dt.date(2099, 6, 30), deps=("29",), label="CD 29", now=NOW)
    assert (first.deps, first.label, first.expires, first.issued_at, first.status(dt.date(2027, 1, 1))) == \
        (("29",), "CD 29", "2099-06-30", "2026-11-26T09:30:00+00:00", "active")
    assert partners.read_token(t1, SECRET, OPTS, reg.revoked()).deps == ("29",)

    t2, second = reg.reissue(SECRET, first.jti, now=NOW)
    assert second.jti != first.jti and second.replaces == first.jti
    assert (second.deps, second.label, second.expires) == (("29",), "CD 29", "2099-06-30")
    assert reg.revoked() == {first.jti}
    with pytest.raises(PartnerLinkError, match="révoqué"):
        partners.read_token(t1, SECRET, OPTS, reg.revoked())
    assert partners.read_token(t2, SECRET, OPTS, reg.revoked()).jti == second.jti
    assert [(k.jti, k.status(dt.date(2027, 1, 1))) for k in reg.links()] == \
        [(first.jti, "revoked"), (second.jti, "active")]
    assert second.status(dt.date(2100, 1, 1)) == "expired"
    # Revoking an id the register never saw (a link signed elsewhere with the same key) is recorded too.
    reg.revoke("inconnu0000")
    assert reg.revoked() == {first.jti, "inconnu0000"}
    # No temporary file left behind (written to a temporary name, then renamed).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["liens.json", "liens.json.lock"]


def test_register_survives_a_rebuild_of_the_database(tmp_path, monkeypatch):
    from fabrique import build, config
    from tiny import tiny_records
    db = tmp_path / "fabrique.duckdb"
    monkeypatch.delenv("FABRIQUE_LINKS", raising=False)
    build.build(tiny_records(), kind="import", db_path=db, data_date="2023-12-31", archive=False)
    reg = partners.LinkRegister(config.links_path(db))
    assert reg.path == tmp_path / "liens.json"
    _, record = reg.issue(SECRET, expires=dt.date(2099, 1, 1), regs=("53",))
    reg.revoke(record.jti)
    build.build(tiny_records(), kind="import", db_path=db, data_date="2023-12-31", archive=True)
    assert partners.LinkRegister(config.links_path(db)).revoked() == {record.jti}


def test_damaged_register_refuses_rather_than_reopening_revoked_links(tmp_path):
    path = tmp_path / "liens.json"
    path.write_text("{ pas du json", encoding="utf-8")
    with pytest.raises(partners.RegisterError, match="illisible"):
        partners.LinkRegister(path).revoked()
