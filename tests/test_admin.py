"""The admin screen: disabled without a configured password, behind the password otherwise."""
from pathlib import Path

import jwt
from streamlit.testing.v1 import AppTest

from fabrique import partners

ROOT = Path(__file__).resolve().parent.parent
PAGE = str(ROOT / "pages" / "admin_import.py")
SECRET = "secret-de-test-suffisamment-long-pour-hs256"


def test_disabled_without_password_hash(tiny_db, use_db, monkeypatch):
    use_db(tiny_db)
    monkeypatch.delenv("FABRIQUE_ADMIN_PASSWORD_HASH", raising=False)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    assert not at.exception
    assert "désactivée" in at.info[0].value
    assert not at.text_input  # no password box


def test_password_gate_and_partner_link_form(tiny_db, use_db, monkeypatch):
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_input[0].input("mauvais")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert "admin_ok" not in at.session_state

    at.text_input[0].input("mot de passe de test")
    at.button[0].click().run()
    assert at.session_state["admin_ok"] is True
    assert not at.exception, [e.value for e in at.exception]
    assert any("Déposer le classeur" in s.value for s in at.subheader)

    # The partner-link form signs a link locked to the chosen région.
    regions = next(m for m in at.multiselect if m.label == "Régions")
    regions.select("53")
    next(b for b in at.button if b.label == "Créer le lien").click().run()
    link = at.code[-1].value
    token = link.split("lien=")[1]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["reg"] == ["53"] and claims["dep"] == [] and claims["structure"] == []
