"""The territory sheet's reference tables and figures reconcile with the reference files themselves.

Every expectation here is read from data/reference/*.csv with pandas (independently of the SQL), or is a
count published with the source (data/reference/SOURCES.md).
"""
import duckdb
import pandas as pd
import pytest

from fabrique import config, db, territory

REF = config.REFERENCE_DIR


def csv(name: str) -> pd.DataFrame:
    return pd.read_csv(REF / name, dtype=str, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def con(tiny_db):
    c = duckdb.connect(str(tiny_db), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def communes() -> pd.DataFrame:
    c = csv("communes.csv")
    c = c[c["zone"] != "com"].copy()
    c["population"] = c["population_municipale"].astype(int)
    rural = csv("grille_densite_communes.csv")[["insee_code", "density_code_7", "is_rural"]]
    return c.merge(rural, on="insee_code", how="left")


def frame(con, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


# ---------------------------------------------------------------- territories (search list)

def test_territories_count_every_level(con):
    got = dict(con.execute("select level, count(*) from territories group by level").fetchall())
    assert got == {"reg": 18, "dep": 101, "epci": 1255, "commune": 34875}


@pytest.mark.parametrize("level, key", [("reg", "reg_code"), ("dep", "dep_code"), ("epci", "epci_siren")])
def test_population_and_communes_are_the_sums_over_communes_csv(con, communes, level, key):
    expected = communes.groupby(key).agg(population=("population", "sum"), communes_n=("insee_code", "size"))
    got = frame(con, f"select code, population, communes_n from territories where level = '{level}'").set_index("code")
    assert len(got) == len(expected)
    assert (got["population"] == expected.loc[got.index, "population"]).all()
    assert (got["communes_n"] == expected.loc[got.index, "communes_n"]).all()


def test_departement_figures_equal_departements_csv(con):
    # departements.csv publishes its own population and commune count (computed by its authors).
    deps = csv("departements.csv")
    deps = deps[deps["zone"] != "com"].set_index("dep_code")
    got = frame(con, "select code, population, communes_n from territories where level = 'dep'").set_index("code")
    assert (got["population"] == deps.loc[got.index, "population_municipale"].astype(int)).all()
    assert (got["communes_n"] == deps.loc[got.index, "n_communes"].astype(int)).all()


def test_search_names_are_normalised_like_python(con):
    """territories.name_norm (SQL) and territory.normalize (the typed text) follow one rule."""
    rows = con.execute("select name, name_norm from territories").fetchall()
    differ = [(n, m) for n, m in rows if territory.normalize(n) != m]
    assert differ == []
    assert territory.normalize("L'Haÿ-les-Roses") == "l hay les roses"
    assert territory.normalize("Saint-Étienne Métropole") == "saint etienne metropole"
    assert territory.normalize("Bœurs-en-Othe") == "boeurs en othe"


# ---------------------------------------------------------------- identity and density

def test_identity_of_finistere_matches_the_files(tiny_db, communes):
    d = communes[communes["dep_code"] == "29"]
    rural = d[d["is_rural"] == "True"]
    got = db.run("territoire/identity", {"niveau": "dep", "code": "29"}, path=tiny_db).iloc[0]
    assert (got["population_n"], got["communes_n"]) == (d["population"].sum(), len(d)) == (933455, 277)
    assert (got["rural_communes_n"], got["rural_population_n"]) == (len(rural), rural["population"].sum())
    assert got["rural_population_pct"] == pytest.approx(rural["population"].sum() / d["population"].sum())


def test_density_profile_of_bretagne_matches_the_grid(tiny_db, communes):
    r = communes[communes["reg_code"] == "53"]
    expected = r.groupby("density_code_7").agg(communes_n=("insee_code", "size"), population_n=("population", "sum"))
    got = db.run("territoire/density_profile", {"niveau": "reg", "code": "53"}, path=tiny_db).set_index("density_class")
    assert list(got.index) == [1, 2, 3, 4, 5, 6, 7]
    for level, row in expected.iterrows():
        assert (got.loc[int(level), "communes_n"], got.loc[int(level), "population_n"]) == \
            (row["communes_n"], row["population_n"])
    assert got["is_rural"].tolist() == [False] * 4 + [True] * 3


def test_france_rural_share_in_the_comparison(tiny_db, communes):
    rural = communes.loc[communes["is_rural"] == "True", "population"].sum()
    got = db.run("territoire/comparison", {"niveau": "reg", "code": "53", "year_from": 2015, "year_to": 2023,
                                           "regs": None, "deps": None, "structure_ids": None, "status": None,
                                           "iae": None, "siae_types": None, "zonages": None, "stages": None},
                 path=tiny_db).set_index("role")
    assert got.loc["france", "rural_population_pct"] == pytest.approx(rural / communes["population"].sum())
    assert got.loc["france", "population_n"] == communes["population"].sum() == 68_350_798


# ---------------------------------------------------------------- unemployment

def test_every_departement_rate_is_the_csv_row(con):
    src = csv("chomage_departements_regions_2000T1_2024T4.csv")
    src = src[src["niveau"] == "DEP"]
    got = frame(con, "select code, year || '-T' || quarter as trimestre, rate_pct from unemployment_rates "
                     "where level = 'dep'")
    merged = got.merge(src, left_on=["code", "trimestre"], right_on=["code", "trimestre"])
    assert len(got) == len(src) == len(merged) == 9776
    assert ((merged["rate_pct"] * 100 - merged["taux_chomage_cvs"].astype(float)).abs() < 1e-9).all()


def test_region_and_france_series(con):
    got = dict(con.execute("select level, count(distinct code) from unemployment_rates group by level").fetchall())
    # 13 mainland régions by name + Guadeloupe, Martinique, Guyane, La Réunion from their département; no Mayotte.
    assert got == {"fr": 2, "reg": 17, "dep": 100}
    assert con.execute("select rate_pct from unemployment_rates where level = 'reg' and code = '53' "
                       "and year = 2024 and quarter = 4").fetchone()[0] == pytest.approx(0.059)  # CSV: Bretagne 5.9
    assert con.execute("select name, rate_pct from unemployment_rates where level = 'fr' and code = 'FR' "
                       "and year = 2024 and quarter = 4").fetchone() == ("France hors Mayotte", pytest.approx(0.073))


def test_every_zone_rate_is_the_csv_row(con):
    src = csv("chomage_zones_emploi_2003T1_2023T3.csv")
    got = frame(con, "select ze_code as ze2020, year || '-T' || quarter as trimestre, rate_pct from unemployment_zones")
    merged = got.merge(src, on=["ze2020", "trimestre"])
    assert len(got) == len(src) == len(merged) == 24406
    assert ((merged["rate_pct"] * 100 - merged["taux_chomage_cvs"].astype(float)).abs() < 1e-9).all()


def test_commune_zones_by_code_and_by_history(con):
    got = dict(con.execute("select matched_by, count(*) from commune_employment_zones group by 1").fetchall())
    assert got == {"code": 34864, "history": 4}
    missing = [r[0] for r in con.execute(
        "select insee_code from communes where insee_code not in (select insee_code from commune_employment_zones) "
        "order by 1").fetchall()]
    assert missing == ["15031", "15035", "15047", "15171", "60694", "85165", "85212"]
    # Conques-en-Rouergue (12218) was made of 12076, 12114, 12173, 12218: all in zone 7621.
    assert con.execute("select ze_code, matched_by from commune_employment_zones where insee_code = '12218'"
                       ).fetchone() == ("7621", "history")


# ---------------------------------------------------------------- SIAE employment, Filosofi

def test_siae_national_sum_is_the_published_one(con):
    assert con.execute("select sum(employees_n) from siae_employment where month = date '2022-09-30'"
                       ).fetchone()[0] == 146_311
    assert con.execute("select count(distinct dep_code) from siae_employment").fetchone()[0] == 101


def test_filosofi_tables(con):
    src = csv("filosofi_2021_communes.csv")
    assert con.execute("select count(*), count(poverty_rate_pct) from filosofi_communes").fetchone() == (31212, 4354)
    assert con.execute("select count(*), count(poverty_rate_pct) from filosofi_epci").fetchone() == (1240, 1240)
    row = src[src["codgeo"] == "29232"].iloc[0]
    assert con.execute("select median_income, poverty_rate_pct from filosofi_communes where insee_code = '29232'"
                       ).fetchone() == (float(row["revenu_median"]), pytest.approx(float(row["taux_pauvrete"]) / 100))


# ---------------------------------------------------------------- zoning membership

def test_zoning_families_count_the_published_lists(con):
    got = dict(con.execute("select family, count(distinct zone_id) from zoning_communes group by 1").fetchall())
    # QPV with a COG commune (1,584 minus Polynesia and Saint-Martin); contrat de ville units: 343 EPCI with a
    # QPV outside the Métropole du Grand Paris, 10 EPT and Paris (tests/test_reference.py checks the units);
    # FRR classified communes, PVD, ACV.
    assert got == {"qpv": 1493, "ville": 354, "ruralite": 550, "frr": 19934, "pvd": 1646, "acv": 245}
    assert set(got) <= set(vocab_codes())


def vocab_codes():
    from fabrique import vocab
    return vocab.CONTRACT_FAMILIES.codes


def test_rural_dominant_crte_follow_the_rule(con, communes):
    """At least half of the municipal population of the CRTE's communes in rural communes (levels 5-7)."""
    members = csv("crte_communes.csv")[["crte_id", "insee_code"]].drop_duplicates()
    m = members.merge(communes[["insee_code", "population", "is_rural"]], on="insee_code")
    m["rural_population"] = m["population"].where(m["is_rural"] == "True", 0)
    share = m.groupby("crte_id")[["rural_population", "population"]].sum()
    expected = sorted(share.index[share["rural_population"] / share["population"] >= 0.5])
    got = [r[0] for r in con.execute(
        "select distinct zone_id from zoning_communes where family = 'ruralite' order by 1").fetchall()]
    assert got == expected
    assert len(got) == 550


# ---------------------------------------------------------------- context figures

@pytest.mark.parametrize("dep", ["29", "2A", "59", "974"])
def test_context_unemployment_is_the_latest_csv_row(tiny_db, dep):
    src = csv("chomage_departements_regions_2000T1_2024T4.csv")
    series = src[(src["niveau"] == "DEP") & (src["code"] == dep)].sort_values("trimestre")
    latest, year_before = series.iloc[-1], series.iloc[-5]
    got = db.run("territoire/context", {"niveau": "dep", "code": dep}, path=tiny_db)
    row = got[(got["indicator"] == "unemployment_rate") & (got["geo_role"] == "departement")].iloc[0]
    assert row["value"] == pytest.approx(float(latest["taux_chomage_cvs"]) / 100)
    assert row["value_1y"] == pytest.approx(float(year_before["taux_chomage_cvs"]) / 100)
    assert row["period_label"] == "T4 2024" and latest["trimestre"] == "2024-T4"


def test_context_siae_of_a_region_is_the_sum_of_its_departements(tiny_db):
    src = csv("iae_salaries_siae_departements_2017_2022.csv")
    deps = csv("departements.csv")
    bretagne = deps.loc[deps["reg_code"] == "53", "dep_code"]
    expected = src[(src["date"] == "2022-09-30") & src["code_dep"].isin(bretagne)]["nb_beneficiaires_siae"].astype(int).sum()
    got = db.run("territoire/context", {"niveau": "reg", "code": "53"}, path=tiny_db)
    row = got[(got["indicator"] == "siae_employees") & (got["geo_role"] == "region")].iloc[0]
    assert row["value"] == expected
