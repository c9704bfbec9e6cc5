"""Partner links: signed, expiring, perimeter-locked; anything tampered is refused in French."""
import datetime as dt

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
    p = partners.read_token(token(regs=("53",), label="Région Bretagne"), SECRET, OPTS)
    assert p == Perimeter(regs=("53",), expires=dt.date(2027, 6, 30), label="Région Bretagne")


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


def test_cli_link(monkeypatch, demo_db, capsys):
    from fabrique.__main__ import main
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    assert main(["lien", "--reg", "53", "--expire", "2099-06-30", "--db", str(demo_db),
                 "--base-url", "https://tableau.example"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://tableau.example/?lien=")
    assert main(["lien", "--reg", "99", "--expire", "2099-06-30", "--db", str(demo_db)]) == 2
    assert "inconnu" in capsys.readouterr().err
