"""Read the committed reference CSVs (real public data) into DataFrames with codes kept as text."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import config

# File name -> columns to read as numbers; everything else stays text (codes keep leading zeros).
_NUMERIC = {
    "communes.csv": {"population_municipale": "Int64", "lon": "float64", "lat": "float64"},
    "departements.csv": {"n_communes": "Int64", "population_municipale": "Int64"},
    "regions.csv": {"n_communes": "Int64", "population_municipale": "Int64"},
    "epci.csv": {"n_communes": "Int64", "population_municipale": "Int64", "population_totale": "Int64"},
    "qpv_2024_communes.csv": {"n_communes_in_qpv": "Int64", "qpv_lon": "float64", "qpv_lat": "float64"},
    "pvd_communes.csv": {"population_municipale": "Int64"},
    "acv_communes.csv": {"population_municipale": "Int64"},
    "grille_densite_communes.csv": {"density_code_7": "Int64", "density_code_3": "Int64"},
    # context statistics of the territory sheet (rates in %, incomes in euros, people)
    "chomage_departements_regions_2000T1_2024T4.csv": {"taux_chomage_cvs": "float64"},
    "chomage_zones_emploi_2003T1_2023T3.csv": {"taux_chomage_cvs": "float64"},
    "filosofi_2021_epci.csv": {"revenu_median": "float64", "taux_pauvrete": "float64",
                               "rapport_interdecile": "float64", "decile1": "float64", "decile9": "float64",
                               "nb_menages": "float64", "nb_personnes": "float64"},
    "filosofi_2021_communes.csv": {"revenu_median": "float64", "taux_pauvrete": "float64",
                                   "rapport_interdecile": "float64", "decile1": "float64", "decile9": "float64",
                                   "nb_menages": "float64", "nb_personnes": "float64"},
    "iae_salaries_siae_departements_2017_2022.csv": {"nb_beneficiaires_siae": "Int64"},
}

REFERENCE_FILES = [
    "communes.csv", "departements.csv", "regions.csv", "epci.csv",
    "qpv_2024_communes.csv", "pvd_communes.csv", "acv_communes.csv",
    "crte_communes.csv", "crte_groupements.csv", "frr_communes.csv",
    "grille_densite_communes.csv", "communes_history.csv", "ept_grand_paris_communes.csv",
    "departements.geojson", "regions.geojson",
    "chomage_departements_regions_2000T1_2024T4.csv", "chomage_zones_emploi_2003T1_2023T3.csv",
    "communes_zones_emploi_2023.csv", "filosofi_2021_epci.csv", "filosofi_2021_communes.csv",
    "iae_salaries_siae_departements_2017_2022.csv",
    "qpv_2024.geojson",  # placement of projects by their coordinates (fabrique/qpv_locate.py)
]


@lru_cache(maxsize=None)
def read(name: str) -> pd.DataFrame:
    """One reference CSV as a DataFrame (cached per process; callers must not mutate it)."""
    df = pd.read_csv(config.REFERENCE_DIR / name, dtype=str, keep_default_na=False, na_values=[""])
    for col, dtype in _NUMERIC.get(name, {}).items():
        df[col] = pd.to_numeric(df[col]).astype(dtype)
    return df


def cog_communes() -> pd.DataFrame:
    """The 34,875 communes of the official geography (COM collectivities excluded)."""
    df = read("communes.csv")
    return df[df["zone"] != "com"].reset_index(drop=True)
