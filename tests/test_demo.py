"""The fictitious demo set is deterministic, consistent and near the published orders of magnitude."""
import duckdb
import pandas as pd
import pytest

from fabrique import demo


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def one(con, sql):
    return con.execute(sql).fetchone()[0]


def test_deterministic():
    a, b = demo.generate(), demo.generate()
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name])


def test_structures_by_year_match_published_figures(con):
    def count(year, status=None):
        cond = {None: "true", "app": f"appellation_year <= {year}",
                "exp": f"(appellation_year is null or appellation_year > {year})"}[status]
        return one(con, f"select count(*) from structures where joined_year <= {year} and {cond}")
    assert (count(2020), count(2020, "exp"), count(2020, "app")) == (22, 13, 9)
    assert (count(2021), count(2021, "exp"), count(2021, "app")) == (26, 13, 13)
    assert count(2024) == 30
    assert one(con, "select min(joined_year) from structures") == 2010
    assert one(con, "select count(*) from structures where name not like 'Fabrique fictive %'") == 0


def test_project_volume_and_shares(con):
    n = one(con, "select count(*) from projects")
    assert 1_000 <= n <= 1_500
    shares = con.execute("""select avg(is_iae::int), avg(in_qpv::int), avg(is_rural::int), avg(is_pvd::int),
                                   avg(in_crte::int) from project_facts""").fetchone()
    iae, qpv, rural, pvd, crte = shares
    assert 0.28 <= iae <= 0.40      # about a third
    assert 0.20 <= qpv <= 0.40
    assert 0.30 <= rural <= 0.60
    assert 0.05 <= pvd <= 0.25
    assert crte >= 0.95             # CRTE cover nearly every commune
    mix = dict(con.execute("select siae_type, avg(1) * count(*) / sum(count(*)) over () from projects "
                           "where is_iae group by siae_type").fetchall())
    assert set(mix) == {"ACI", "EI", "ETTI", "AI", "EITI"}
    assert max(mix, key=mix.get) == "ACI"


def test_projects_lie_in_their_structure_territory(con):
    assert one(con, """select count(*) from project_facts p
                       where not exists (select 1 from structure_departments sd
                                         where sd.structure_id = p.structure_id and sd.dep_code = p.dep_code)""") == 0


def test_dates_and_stages_consistent(con):
    assert one(con, "select count(*) from projects where created_on < detected_on or study_on < detected_on "
                    "or created_on < study_on or abandoned_on < detected_on") == 0
    assert one(con, "select count(*) from projects where stage = 'abandonné' and "
                    "(abandoned_on is null or abandon_reason is null or abandon_stage is null)") == 0
    assert one(con, "select count(*) from projects where (stage = 'créé') <> (created_on is not null)") == 0
    assert one(con, "select max(greatest(detected_on, coalesce(created_on, detected_on), "
                    "coalesce(abandoned_on, detected_on))) from projects") <= pd.Timestamp("2026-10-31").date()
    assert one(con, "select count(*) from projects where not is_iae and (siae_type is not null or insertion_jobs_etp is not null)") == 0


def test_activity_near_published_orders_of_magnitude(con):
    sessions, studies, partners = con.execute(
        "select sum(creativity_sessions), sum(opportunity_studies), sum(partners) from annual_activity where year = 2022"
    ).fetchone()
    assert 299 * 0.85 <= sessions <= 299 * 1.15
    assert 164 * 0.85 <= studies <= 164 * 1.15
    assert 4_300 * 0.85 <= partners <= 4_300 * 1.15
    creations_2021 = one(con, "select count(*) from projects where year(created_on) = 2021")
    assert 35 <= creations_2021 <= 60   # published: 47
    jobs_per_creation = one(con, "select avg(jobs_etp) from projects where stage = 'créé'")
    assert 2 <= jobs_per_creation <= 3.2


def test_scale_multiplies_projects_keeping_distributions():
    base, big = demo.generate(), demo.generate(scale=5)
    ratio = len(big["projects"]) / len(base["projects"])
    assert 4.5 <= ratio <= 5.5
    assert abs(big["projects"]["is_iae"].mean() - base["projects"]["is_iae"].mean()) < 0.05
    assert len(big["structures"]) == len(base["structures"])
