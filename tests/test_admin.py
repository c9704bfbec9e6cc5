"""Staff sign-in and the admin screen: reached by signed-in staff only (even on the demo); no staff role
without a configured password; partner links listed, revoked and re-issued from the admin screen."""
import jwt
import pytest

from apptest import open_page, page_title, texts
from fabrique import auth, frame, partners

SECRET = "secret-de-test-suffisamment-long-pour-hs256"


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch, tmp_path):
    """Each test starts with no failed sign-in counted and its own register of links."""
    monkeypatch.setenv("FABRIQUE_LINKS", str(tmp_path / "liens.json"))
    auth.THROTTLE.reset()
    yield
    auth.THROTTLE.reset()


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


def sign_in(at, password="mot de passe de test"):
    at.text_input[0].input(password)
    at.button[0].click().run()
    assert frame.STAFF_SESSION in at.session_state


def test_demo_opens_for_everyone_but_the_admin_screen_needs_the_password(demo_db, use_db, monkeypatch):
    """make run: every visitor of the demo sees everything (banner says so); importing data or issuing
    links is not open to them: the admin screen asks for the password (or says none is configured)."""
    use_db(demo_db)
    monkeypatch.delenv("FABRIQUE_ADMIN_PASSWORD_HASH", raising=False)
    at = open_page(None, staff=False)
    assert not at.exception and at.metric
    assert "Sans lien partenaire, chaque visiteur voit tout" in texts(at)
    at.switch_page("pages/admin_import.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "demande le mot de passe de l'équipe Avise" in texts(at)
    assert "aucun mot de passe n'y est configuré" in texts(at)
    assert not at.get("file_uploader") and not any(s.value == "1. Déposer le classeur" for s in at.subheader)

    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    at.run()
    assert not at.get("file_uploader")
    sign_in(at)
    assert any(s.value == "1. Déposer le classeur" for s in at.subheader)


def _admin(tiny_db, use_db, monkeypatch):
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    at = open_page(None, staff=False)
    sign_in(at)
    at.switch_page("pages/admin_import.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _create(at, reg, label):
    next(m for m in at.multiselect if m.label == "Régions").select(reg)
    next(t for t in at.text_input if t.label.startswith("Nom du partenaire")).input(label)
    next(b for b in at.button if b.label == "Créer le lien").click().run()
    return next(c.value for c in at.code if "lien=" in c.value).split("lien=")[1]


def _partner_sees(token):
    at = open_page(None, {"annees": "2019-2023", "lien": token}, staff=False)
    assert not at.exception
    return at


def test_admin_lists_revokes_and_reissues_links(tiny_db, use_db, monkeypatch):
    at = _admin(tiny_db, use_db, monkeypatch)
    assert "Aucun lien émis" in texts(at)
    first = _create(at, "53", "Région Bretagne")
    jti = jwt.decode(first, SECRET, algorithms=["HS256"])["jti"]
    table = next(d.value for d in at.dataframe if "Identifiant" in d.value.columns)
    assert table.to_dict("records") == [{
        "Identifiant": jti, "Partenaire": "Région Bretagne", "Périmètre": "Région : Bretagne",
        "Valable jusqu'au": table["Valable jusqu'au"].iloc[0], "Émis le": table["Émis le"].iloc[0], "État": "actif"}]
    assert "Vue partenaire Région Bretagne" in texts(_partner_sees(first))

    # Re-issue: a new id, same partner and perimeter; the old link stops opening.
    next(b for b in at.button if b.label == "Réémettre ce lien").click().run()
    second = next(c.value for c in at.code if "lien=" in c.value).split("lien=")[1]
    claims = jwt.decode(second, SECRET, algorithms=["HS256"])
    assert claims["jti"] != jti and claims["reg"] == ["53"] and claims["label"] == "Région Bretagne"
    table = next(d.value for d in at.dataframe if "Identifiant" in d.value.columns)
    states = dict(zip(table["Identifiant"], table["État"]))
    assert states[claims["jti"]] == f"actif (remplace {jti})" and states[jti].startswith("révoqué le ")
    refused = _partner_sees(first)
    assert "Ce lien partenaire a été révoqué" in texts(refused) and not refused.metric
    assert "Vue partenaire Région Bretagne" in texts(_partner_sees(second))

    # Revoke the new one: it stops opening too, at the partner's next action.
    open_view = _partner_sees(second)
    at.selectbox(key="link_admin_choice").select(claims["jti"]).run()
    next(b for b in at.button if b.label == "Révoquer ce lien").click().run()
    assert not at.exception
    open_view.run()
    assert "Ce lien partenaire a été révoqué" in texts(open_view) and not open_view.metric


@pytest.mark.filterwarnings("ignore:The HMAC key")  # the forged token is signed with the weak key on purpose
def test_weak_secret_disables_links_with_a_clear_message(tiny_db, use_db, monkeypatch):
    at = _admin(tiny_db, use_db, monkeypatch)
    weak = "court"
    forged = jwt.encode({"iss": partners.ISSUER, "iat": 0, "exp": 4102444800, "jti": "x", "reg": ["53"]}, weak,
                        algorithm="HS256")
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", weak)
    at.run()
    assert any("est trop court : 5 octets, il en faut au moins 32" in e.value for e in at.error)
    assert not any(b.label == "Créer le lien" for b in at.button)
    seen = _partner_sees(forged)
    assert "Les liens partenaires sont suspendus sur ce serveur" in texts(seen) and not seen.metric


def test_public_view_lets_the_staff_sign_in(tiny_db, use_db, monkeypatch):
    """With FABRIQUE_PUBLIC=agrege the access page is not shown: the staff sign in from the banner."""
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_PUBLIC", "agrege")
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    at = open_page(None, {"annees": "2019-2023"}, staff=False)
    assert "Vue publique" in texts(at) and at.metric
    labels = [e.proto.label for e in at.get("page_link")]
    assert "Importer des données" not in labels
    sign_in(at)
    assert "Vue publique" not in texts(at)
    assert "Importer des données" in [e.proto.label for e in at.get("page_link")]
