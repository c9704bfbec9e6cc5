"""A partner view hides project-level detail and the admin tools; the perimeter cannot be widened."""
import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fabrique import partners

ROOT = Path(__file__).resolve().parent.parent
SECRET = "secret-de-test-suffisamment-long-pour-hs256"


@pytest.fixture
def partner(monkeypatch, tiny_db, use_db):
    use_db(tiny_db)
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    return partners.create_token(SECRET, expires=dt.date(2099, 12, 31), regs=("53",), label="Test")


def run(page: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / page), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def all_text(at: AppTest) -> str:
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption] + [str(e.value) for e in at.dataframe]
    return "\n".join(map(str, parts))


def test_structure_fiche_hides_project_titles(partner):
    staff = run("structures.py", {"fiche": "S1", "annees": "2019-2023"})
    assert "Garage solidaire Quimper" in all_text(staff)
    seen = run("structures.py", {"fiche": "S1", "annees": "2019-2023", "lien": partner})
    assert not seen.exception
    assert "Garage solidaire Quimper" not in all_text(seen)
    assert "n'est pas affiché dans une vue partenaire" in all_text(seen)


def test_partner_cannot_widen_through_url(partner):
    # The URL asks for Nord (32); the link is locked to Bretagne (53): the page shows Bretagne.
    at = run("vue_ensemble.py", {"reg": "32", "annees": "2019-2023", "lien": partner})
    assert not at.exception
    assert "Région : Bretagne" in all_text(at)
    filters_line = next(c.value for c in at.caption if c.value.startswith("Filtres"))
    assert "Hauts-de-France" not in filters_line and "Bretagne" in filters_line


def test_admin_screen_refuses_partner(partner):
    at = run("admin_import.py", {"lien": partner})
    assert [e.value for e in at.error] == ["Cet écran n'est pas accessible depuis un lien partenaire."]


def test_small_counts_rule():
    import pandas as pd
    rows = pd.DataFrame({"name": ["A", "B", "C"], "projects_n": [1, 5, 0], "qpv_n": [1, 2, 0],
                         "projects_per_100k": [3.2, 10.0, 0.0], "jobs_etp": [2.0, 7.5, 0.0]})
    out = partners.small_counts(rows)
    assert out["projects_n"].tolist() == ["< 3", "5", "0"]
    assert out["qpv_n"].tolist() == ["< 3", "< 3", "0"]
    assert out["projects_per_100k"].tolist() == ["–", 10.0, 0.0]
    assert out["jobs_etp"].tolist() == ["–", 7.5, 0.0]


def test_iae_commune_table_protects_small_counts(partner):
    staff = run("iae_territoires.py", {"niveau": "commune", "annees": "2019-2023"})
    seen = run("iae_territoires.py", {"niveau": "commune", "annees": "2019-2023", "lien": partner})
    assert not seen.exception, [e.value for e in seen.exception]
    staff_table = staff.dataframe[-1].value
    partner_table = seen.dataframe[-1].value
    assert "< 3" not in staff_table.to_string()
    assert "< 3" in partner_table.to_string()
    # Bretagne only: Quimper and Audierne (one IAE project each), no Nord commune.
    assert sorted(partner_table.iloc[:, 1]) == ["Audierne", "Quimper"]
