"""The reference tables hold the published counts of the official sources."""
import duckdb
import pytest


@pytest.fixture(scope="module")
def con(demo_db):
    c = duckdb.connect(str(demo_db), read_only=True)
    yield c
    c.close()


def one(con, sql):
    return con.execute(sql).fetchone()[0]


@pytest.mark.parametrize("sql, expected", [
    ("select count(*) from communes", 34_875),               # COG 2026 (COM collectivities excluded)
    ("select count(*) from departments", 101),
    ("select count(*) from regions", 18),
    ("select count(*) from qpv", 1_584),                     # QPV 2024
    ("select count(*) from qpv where dep_code <> '987'", 1_496),
    ("select count(*) from pvd_communes", 1_646),
    ("select count(*) from acv_communes", 245),
    ("select count(*) from crte", 854),
    ("select count(*) from epci", 1_255),                    # 1,254 EPCI + Métropole de Lyon
    ("select count(*) from communes where epci_siren is null", 4),  # Bréhat, Sein, Ouessant, Yeu
    ("select count(*) from communes where is_rural", 30_596),
    ("select count(*) from leader_gal", 0),                  # no open GAL list
    ("select count(distinct old_insee_code) from commune_history", 4_869),
])
def test_published_counts(con, sql, expected):
    assert one(con, sql) == expected


def test_paris_population_and_codes_as_text(con):
    assert con.execute("select commune_name, population, dep_code from communes where insee_code = '75056'").fetchone() \
        == ("Paris", 2_103_778, "75")
    assert one(con, "select count(*) from departments where dep_code in ('2A', '2B', '01', '976')") == 4


def test_contrat_ville_proxy_is_epci_with_a_qpv_commune(con):
    # Every contrat de ville EPCI hosts a QPV commune, and every QPV commune with an EPCI is covered.
    assert one(con, """select count(*) from contrat_ville_epci v
                       where not exists (select 1 from qpv_communes q join communes c using (insee_code)
                                         where c.epci_siren = v.epci_siren)""") == 0
    assert one(con, """select count(*) from qpv_communes q join communes c using (insee_code)
                       where c.epci_siren is not null
                         and c.epci_siren not in (select epci_siren from contrat_ville_epci)""") == 0


def test_merged_commune_maps_to_today(con):
    assert con.execute("select insee_code from commune_history where old_insee_code = '93059'").fetchall() == [("93066",)]


def test_build_info_records_provenance(con):
    info = {(s, k): v for s, k, v in con.execute("select * from build_info").fetchall()}
    assert info[("meta", "dataset_kind")] == "demo"
    assert info[("meta", "data_date")] == "2026-10-31"
    assert len(info[("file", "reference/communes.csv")]) == 64  # sha256
    assert info[("rows", "communes")] == "34875"
    assert "COG 2026" in info[("vintage", "Communes, EPCI, départements, régions")]
