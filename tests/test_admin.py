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


# ------------------------------------------------------------------------------------------------
# The import screen: each upload validated once, in a worker process; temporary files removed

import csv  # noqa: E402
import os  # noqa: E402
import tempfile  # noqa: E402

import duckdb  # noqa: E402
import pytest  # noqa: E402

from fabrique import admin, build, schema  # noqa: E402
from test_importer import HAND_TYPED, write_xlsx  # noqa: E402
from tiny import tiny_records  # noqa: E402


@pytest.fixture
def signed_in(tmp_path, use_db, monkeypatch):
    """A fresh database, the admin signed in, and a private temporary folder watched for leftovers."""
    db = use_db(tmp_path / "fabrique.duckdb")
    build.build(tiny_records(), kind="import", db_path=db, archive=False)
    monkeypatch.setenv("FABRIQUE_ADMIN_PASSWORD_HASH", partners.hash_password("mot de passe de test"))
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", None)  # the server's temporary folder, passed to the workers
    # Staff signed in (tests/apptest.py), on the import screen.
    return open_page("admin_import.py", timeout=120), db, temp


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_upload_is_validated_once_and_leaves_no_temporary_file(signed_in, tmp_path):
    at, db, temp = signed_in
    data = write_xlsx(tmp_path / "saisie.xlsx", HAND_TYPED).read_bytes()
    before = admin.SUBMITTED["n"]
    untouched = temp.stat().st_mtime_ns
    at.file_uploader(key="admin_upload").set_value(("saisie.xlsx", data, "application/octet-stream")).run()
    assert temp.stat().st_mtime_ns > untouched  # the worker staged its copy there...
    assert not at.exception, [e.value for e in at.exception]
    assert [(m.label, m.value) for m in at.metric] == [
        ("Structures valides", "2"), ("Projets valides", "6"), ("Lignes d'activité valides", "2"),
        ("Erreurs", "0"), ("Avertissements", "4")]
    assert at.warning[0].value.startswith("Aucune erreur et 4 avertissement(s) : l'importation est possible")
    table = at.dataframe[0].value
    assert table.columns.tolist() == ["Niveau", "Fichier", "Feuille", "Ligne", "Identifiant", "Colonne", "Valeur",
                                      "Règle", "Suggestion"]
    assert table["Identifiant"].tolist() == ["projet P1", "projet P2", "projet P3", "projet P4"]
    at.run()
    at.run()  # reruns of the page reuse the validation of the same bytes
    assert admin.SUBMITTED["n"] == before + 1
    assert list(temp.iterdir()) == []  # ...and removed it
    _button(at, "Remplacer les données du réseau").click().run()
    assert at.success[-1].value.startswith("Importation réussie : 2 structures, 6 projets, 4 avertissement(s)")
    assert list(temp.iterdir()) == []  # and the build's copy (hashed into build_info) is gone too
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from projects").fetchone()[0] == 6
    con.close()


def test_errors_block_the_import_and_the_report_is_formula_safe(signed_in, tmp_path):
    at, db, temp = signed_in
    rows = [r[:] for r in HAND_TYPED["projets"]]
    rows[1][0] = "=cmd|' /C calc'!A0"  # written as text by the user, but Excel would run it
    rows[2][4] = "Quimpr"
    wb_path = tmp_path / "saisie.xlsx"
    write_xlsx(wb_path, dict(HAND_TYPED, projets=rows))
    import openpyxl
    wb = openpyxl.load_workbook(wb_path)
    wb["projets"]["A2"].data_type = "s"  # text, not a formula
    wb.save(wb_path)
    before = db.read_bytes()
    at.file_uploader(key="admin_upload").set_value(("saisie.xlsx", wb_path.read_bytes(), "application/x")).run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.error[0].value.startswith("1 erreur(s) : une ligne en erreur n'est pas importée.")
    assert _button(at, "Remplacer les données du réseau").disabled
    table = at.dataframe[0].value
    assert table.loc[0, "Identifiant"] == "'projet =cmd|' /C calc'!A0"[1:]  # "projet =…" starts no formula
    report = next(d for d in at.get("download_button") if d.proto.label.startswith("Télécharger le rapport"))
    assert report is not None
    result = admin.validation(admin.uploads_of([type("U", (), {"name": "saisie.xlsx",
                                                                "getvalue": lambda self: wb_path.read_bytes()})()]))
    text = admin.report_csv(result.result()).decode("utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert [r[6] for r in rows[1:] if r[5] == "commune"] == ["Quimpr"]
    assert not any(c.startswith(("=", "+", "-", "@")) for r in rows for c in r)
    # partial import: the valid rows replace the data, the refused one is kept in rejected_rows
    at.checkbox[0].check().run()
    _button(at, "Remplacer les données du réseau").click().run()
    assert at.success[-1].value.startswith("Importation réussie : 2 structures, 5 projets")
    assert db.read_bytes() != before


def test_header_only_workbook_needs_explicit_consent(signed_in, tmp_path):
    at, db, temp = signed_in
    empty = write_xlsx(tmp_path / "vide.xlsx", {s: [[c.header for c in schema.SHEETS[s]]] for s in schema.SHEET_ORDER})
    at.file_uploader(key="admin_upload").set_value(("vide.xlsx", empty.read_bytes(), "application/x")).run()
    assert any(w.value == "Importation refusée : elle remplacerait les données du réseau par 0 structure et 0 "
               "projet." for w in at.warning)
    assert _button(at, "Remplacer les données du réseau").disabled
    at.checkbox[0].check().run()
    assert not _button(at, "Remplacer les données du réseau").disabled


def test_gal_upload_replaces_the_perimeters(signed_in, tmp_path):
    at, db, temp = signed_in
    gal = ("Nom du GAL;Code INSEE;Commune;Département;EPCI\n"
           "GAL de Cornouaille;29003;;;\n"
           "GAL de Cornouaille;;Briec;29;\n"
           "GAL des Flandres;;;;Métropole Européenne de Lille\n").encode("cp1252")
    at.file_uploader(key="admin_gal").set_value(("gal.csv", gal, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    n_mel = duckdb.connect(str(db), read_only=True).execute(
        "select count(*) from communes where epci_siren = '200093201'").fetchone()[0]
    assert at.success[0].value == f"2 GAL, {2 + n_mel} couples GAL-commune lus ; 0 avertissement(s)."
    _button(at, "Charger les périmètres LEADER").click().run()
    assert at.success[-1].value == f"2 GAL chargés ({2 + n_mel} communes)."
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select gal_id, gal_name from leader_gal order by 1").fetchall() == [
        ("GAL-GAL-DE-CORNOUAILLE", "GAL de Cornouaille"), ("GAL-GAL-DES-FLANDRES", "GAL des Flandres")]
    con.close()
    assert list(temp.iterdir()) == []


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
