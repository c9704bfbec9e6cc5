"""Staff sign-in and the admin screen: reached by staff only; no staff role without a configured password."""
import jwt

from apptest import open_page, page_title, texts
from fabrique import frame, partners

SECRET = "secret-de-test-suffisamment-long-pour-hs256"


def test_real_data_without_password_hash_opens_nothing(tiny_db, use_db, monkeypatch):
    """Imported data, no link, no staff password configured: the access page, no data, no sign-in box."""
    use_db(tiny_db)
    monkeypatch.delenv("FABRIQUE_ADMIN_PASSWORD_HASH", raising=False)
    monkeypatch.delenv("FABRIQUE_PUBLIC", raising=False)
    at = open_page(None, staff=False)
    assert not at.exception
    assert "s'ouvre avec un lien partenaire" in texts(at)
    assert "aucun mot de passe n'y est configuré" in texts(at)
    assert not at.text_input and not at.metric


def test_staff_sign_in_then_import_screen_and_partner_link_form(tiny_db, use_db, monkeypatch):
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    at = open_page(None, staff=False)
    at.text_input[0].input("mauvais")
    at.button[0].click().run()
    assert [e.value for e in at.error] == ["Mot de passe incorrect."]
    assert frame.STAFF_SESSION not in at.session_state
    assert not at.metric  # still nothing shown

    at.text_input[0].input("mot de passe de test")
    at.button[0].click().run()
    assert frame.STAFF_SESSION in at.session_state
    assert page_title(at) == "Vue d'ensemble" and at.metric
    at.switch_page("pages/admin_import.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Déposer le classeur" in s.value for s in at.subheader)

    # The partner-link form signs a link locked to the chosen région.
    regions = next(m for m in at.multiselect if m.label == "Régions")
    regions.select("53")
    next(b for b in at.button if b.label == "Créer le lien").click().run()
    link = next(c.value for c in at.code if "lien=" in c.value)
    token = link.split("lien=")[1]
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["reg"] == ["53"] and claims["dep"] == [] and claims["structure"] == []

    # « Se déconnecter » ends the staff session: back to the access page.
    next(b for b in at.button if b.label == "Se déconnecter").click().run()
    assert frame.STAFF_SESSION not in at.session_state
    assert "s'ouvre avec un lien partenaire" in texts(at)


def test_expired_staff_session_asks_to_sign_in_again(tiny_db, use_db, monkeypatch):
    from fabrique import auth
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    at = open_page(None, staff=False)
    at.session_state[frame.STAFF_SESSION] = auth.StaffSession(0.0)   # signed in in 1970
    at.run()
    assert frame.STAFF_SESSION not in at.session_state
    assert "s'ouvre avec un lien partenaire" in texts(at) and not at.metric
