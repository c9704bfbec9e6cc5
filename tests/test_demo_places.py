"""The demo's coordinates and exit years (the rest of the demo is tested in test_demo.py)."""
import pandas as pd
import pytest

from fabrique import demo, importer, qpv_locate, schema


@pytest.fixture(scope="module")
def records():
    return demo.generate()


def test_every_project_has_coordinates_that_give_back_its_qpv(records):
    p = records["projects"]
    assert p["lon"].notna().all() and p["lat"].notna().all()
    located = qpv_locate.locate(p["lon"].tolist(), p["lat"].tolist())
    typed = [q if isinstance(q, str) else None for q in p["qpv_code"]]
    # inside the polygon of its QPV for a project in a QPV, outside every QPV for the others: the
    # build's placement by coordinates keeps the demo's QPV share
    assert located == typed
    assert sum(q is not None for q in typed) > 300
    deps = [importer.commune_dep(c) for c in p["insee_code"]]
    assert all(qpv_locate.in_departement(p["lon"].tolist(), p["lat"].tolist(), deps, p["insee_code"].tolist()))
    # five decimals (about 1 m), as a person would type them
    assert (p["lon"].round(5) == p["lon"]).all()


def test_coordinates_do_not_change_the_other_records():
    """They are drawn with their own generator: same seed, same projects whatever the placement."""
    a, b = demo.generate(), demo.generate()
    pd.testing.assert_frame_equal(a["projects"], b["projects"])


def test_one_structure_leaves_after_2025(records):
    s = records["structures"].set_index("structure_id")
    assert s["exit_year"].dropna().to_dict() == {"FAI-30": 2025}

    def active(year):  # joined, and not left before the year
        return int(((s["joined_year"] <= year) & (s["exit_year"].isna() | (s["exit_year"] >= year))).sum())
    assert (active(2023), active(2024), active(2025), active(2026)) == (30, 30, 30, 29)
    p = records["projects"]
    mine = p[p["structure_id"] == "FAI-30"]
    assert len(mine) > 0
    last = pd.to_datetime(mine[["detected_on", "study_on", "created_on", "abandoned_on"]].stack()).max()
    assert last <= pd.Timestamp("2025-12-31")  # nothing detected nor followed after its exit year
    a = records["annual_activity"]
    assert a.loc[a["structure_id"] == "FAI-30", "year"].max() == 2025


def test_sectors_are_suggestions_or_typed_activities(records):
    sectors = set(records["projects"]["sector"])
    assert {"mobilité", "alimentation", "réemploi / économie circulaire", "services à la personne"} <= sectors
    assert sectors - set(schema.SECTOR_SUGGESTIONS) == {"garage solidaire", "conciergerie seniors",
                                                        "auto-école sociale", "recyclerie",
                                                        "restauration d'insertion"}
    assert set(records["projects"]["programme"].dropna()) == set(schema.PROGRAMME_SUGGESTIONS)


def test_demo_written_in_the_template_imports_without_error(records, tmp_path):
    """The demo exported into the template and imported back: no error (coordinates in their commune's
    département, exit years after entry...), no warning, the same records."""
    from fabrique import template

    path = template.write_records(records, tmp_path / "demo.xlsx")
    r = importer.import_files([path])
    assert (r.n_errors, r.n_warnings) == (0, 0), importer.format_result(r)[:2000]
    assert len(r.records["projects"]) == len(records["projects"])
    assert r.records["structures"].set_index("structure_id").loc["FAI-30", "exit_year"] == 2025
