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
    ("select count(*) from crte where is_rural_dominant", 550),  # at least half the population in rural communes
    ("select count(*) from contrat_ville", 354),             # 343 EPCI + 10 EPT + Paris (below)
    ("select count(*) from ept_communes", 130),              # Métropole du Grand Paris, 93059 merged into 93066
    ("select count(*) from communes where is_frr", 19_934),
    ("select count(distinct old_insee_code) from commune_history", 4_869),
])
def test_published_counts(con, sql, expected):
    assert one(con, sql) == expected


def test_paris_population_and_codes_as_text(con):
    assert con.execute("select commune_name, population, dep_code from communes where insee_code = '75056'").fetchone() \
        == ("Paris", 2_103_778, "75")
    assert one(con, "select count(*) from departments where dep_code in ('2A', '2B', '01', '976')") == 4


def test_contrat_ville_units(con):
    """Outside the Métropole du Grand Paris, a contrat de ville is an EPCI with a QPV commune (the usual
    proxy); inside, the EPT or Paris that holds the QPV (the Métropole signs none)."""
    # Every QPV of the 101 départements lies in a contract unit, and every unit holds a QPV commune.
    assert one(con, """select count(*) from qpv q
                       where q.dep_code in (select dep_code from departments)
                         and not exists (select 1 from contract_keys k
                                         where k.family = 'ville' and k.key_kind = 'qpv' and k.key = q.qpv_code)""") == 0
    assert one(con, """select count(*) from contrat_ville v
                       where not exists (select 1 from contrat_ville_communes c
                                         where c.contract_id = v.contract_id and c.has_qpv)""") == 0
    kinds = dict(con.execute("select contract_kind, count(*) from contrat_ville group by 1").fetchall())
    # 344 EPCI have a QPV commune, the Métropole du Grand Paris (200054781) among them: 343 remain;
    # 10 of the 11 EPT hold a QPV (Grand Paris Seine Ouest has none); Paris.
    assert kinds == {"epci": 343, "ept": 10, "commune": 1}
    assert one(con, "select count(*) from contrat_ville where contract_id = '200054781'") == 0
    # The 175 QPV of the Métropole's communes are all under an EPT or Paris.
    assert one(con, """select count(distinct q.qpv_code) from qpv_communes q join communes c using (insee_code)
                       where c.epci_siren = '200054781'""") == 175
    assert one(con, """select count(distinct k.key) from contract_keys k join contrat_ville v using (contract_id)
                       where k.family = 'ville' and k.key_kind = 'qpv' and v.contract_kind in ('ept', 'commune')
                         and k.key in (select q.qpv_code from qpv_communes q join communes c using (insee_code)
                                       where c.epci_siren = '200054781')""") == 175
    # Pierrefitte-sur-Seine (93059, merged in 2025) is not lost: Saint-Denis 93066 is in Plaine Commune.
    assert con.execute("select unit_id, unit_name from ept_communes where insee_code = '93066'").fetchall() == [
        ("200057867", "Plaine Commune")]


def test_rural_dominant_crte_by_hand(con):
    """The rule on two small CRTE, from communes.csv (population) and grille_densite_communes.csv (levels):
    Région de Blain: Blain 10,376 (level 3, urban), Bouvron 3,153 (6), Le Gâvre 1,890 (5), La Chevallerais
    1,569 (5): rural 3,153 + 1,890 + 1,569 = 6,612 of 16,988 = 38.9 % -> not rural-dominant.
    Sud de Mayotte: Bandrele 10,282 (5), Bouéni 6,189 (3), Chirongui 8,920 (5), Kani-Kéli 5,507 (5): rural
    24,709 of 30,898 = 80.0 % -> rural-dominant. Ouest Cornouaille Odet (Quimper's) stays just under half."""
    got = con.execute("""select crte_id, population, rural_population, round(rural_share_pct, 3), is_rural_dominant
                         from crte where crte_id in ('crte-52-44-9', 'crte-06-976-5', 'crte-53-29-4')
                         order by crte_id""").fetchall()
    assert got == [("crte-06-976-5", 30_898, 24_709, 0.8, True),
                   ("crte-52-44-9", 16_988, 6_612, 0.389, False),
                   ("crte-53-29-4", 223_251, 108_520, 0.486, False)]


def test_rural_dominant_crte_recounted_from_the_csv(con):
    """The 550 CRTE à dominante rurale recounted in pandas straight from the three reference CSVs."""
    from fabrique import reference
    communes = reference.cog_communes()[["insee_code", "population_municipale"]]
    grid = reference.read("grille_densite_communes.csv")[["insee_code", "is_rural"]]
    members = reference.read("crte_communes.csv")[["crte_id", "insee_code"]].drop_duplicates()
    m = members.merge(communes, on="insee_code").merge(grid, on="insee_code", how="left")
    m["pop"] = m["population_municipale"].fillna(0).astype(float)
    m["rural_pop"] = m["pop"].where(m["is_rural"] == "True", 0.0)
    by_crte = m.groupby("crte_id")[["pop", "rural_pop"]].sum()
    expected = set(by_crte.index[by_crte["rural_pop"] >= 0.5 * by_crte["pop"]])
    assert len(expected) == 550
    assert {r[0] for r in con.execute("select crte_id from crte where is_rural_dominant").fetchall()} == expected


def test_merged_commune_maps_to_today(con):
    assert con.execute("select insee_code from commune_history where old_insee_code = '93059'").fetchall() == [("93066",)]


def test_build_info_records_provenance(con):
    info = {(s, k): v for s, k, v in con.execute("select * from build_info").fetchall()}
    assert info[("meta", "dataset_kind")] == "demo"
    assert info[("meta", "data_date")] == "2026-10-31"
    assert len(info[("file", "reference/communes.csv")]) == 64  # sha256
    assert info[("rows", "communes")] == "34875"
    assert "COG 2026" in info[("vintage", "Communes, EPCI, départements, régions")]
    assert len(info[("file", "reference/ept_grand_paris_communes.csv")]) == 64
    assert info[("meta", "gal_source")] == "demo"
    assert "fictifs" in info[("vintage", "LEADER (GAL)")]
