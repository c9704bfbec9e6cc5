"""A tiny readable set of records: small enough to compute every figure by hand."""
import datetime as dt

import pandas as pd

D = dt.date


def tiny_records() -> dict[str, pd.DataFrame]:
    """Three structures, ten projects, activity rows: small enough to compute every figure by hand.

    S1 Bretagne (29 + 56, appellation 2018), S2 Nord (59, expérimentation), S3 La Réunion (974).
    Communes: 29232 Quimper (QPV QN02902M, EPCI 200068120), 29003 Audierne (rural, PVD),
    29020 Briec (rural, PVD, same EPCI as Quimper), 56121 Lorient (QPV QN05604M), 59350 Lille
    (QPV QN05971M), 59009 Villeneuve-d'Ascq (same EPCI as Lille), 97411 Saint-Denis (QPV QN97426M).
    """
    structures = pd.DataFrame([
        ("S1", "Fabrique test Bretagne", "appellation", 2015, 2018, "29232"),
        ("S2", "Fabrique test Nord", "expérimentation", 2020, None, "59350"),
        ("S3", "Fabrique test Réunion", "expérimentation", 2022, None, "97411"),
    ], columns=["structure_id", "name", "status", "joined_year", "appellation_year", "insee_code"])
    structures = structures.astype({"joined_year": "Int64", "appellation_year": "Int64"})
    structure_departments = pd.DataFrame(
        [("S1", "29"), ("S1", "56"), ("S2", "59"), ("S3", "974")], columns=["structure_id", "dep_code"])
    cols = ["project_id", "structure_id", "title", "sector", "insee_code", "qpv_code", "stage", "abandon_stage",
            "detected_on", "study_on", "created_on", "abandoned_on", "abandon_reason", "is_iae", "siae_type",
            "jobs_etp", "insertion_jobs_etp", "programme"]
    projects = pd.DataFrame([
        # id, structure, title, sector, commune, qpv, stage, abandon_stage, detected, study, created, abandoned, reason, iae, siae, jobs, insertion, programme
        ("P01", "S1", "Garage solidaire Quimper", "garage solidaire", "29232", "QN02902M", "créé", None,
         D(2019, 3, 1), D(2019, 9, 1), D(2020, 9, 1), None, None, True, "ACI", 3.0, 8.0, "Garages solidaires"),
        ("P02", "S1", "Recyclerie Audierne", "recyclerie", "29003", None, "créé", None,
         D(2020, 1, 15), D(2020, 6, 1), D(2021, 1, 15), None, None, True, "EI", 2.0, 4.5, None),
        ("P03", "S1", "Tiers-lieu Briec", "tiers-lieu", "29020", None, "abandonné", "étude d'opportunité",
         D(2020, 5, 1), D(2020, 11, 1), None, D(2021, 3, 1), "pas de porteur trouvé", False, None, None, None, None),
        ("P04", "S1", "Conciergerie Lorient", "conciergerie seniors", "56121", "QN05604M", "étude d'opportunité", None,
         D(2021, 2, 1), D(2021, 8, 1), None, None, None, False, None, None, None, "Bien vieillir"),
        ("P05", "S1", "Auto-école sociale Quimper", "auto-école sociale", "29232", None, "créé", None,
         D(2021, 4, 1), D(2021, 10, 1), D(2022, 10, 1), None, None, False, None, 2.5, None, None),
        ("P06", "S2", "Restaurant d'insertion Lille", "restauration d'insertion", "59350", "QN05971M", "créé", None,
         D(2020, 6, 1), D(2020, 12, 1), D(2021, 12, 1), None, None, True, "ACI", 4.0, 12.0, None),
        ("P07", "S2", "Mobilité Villeneuve-d'Ascq", "mobilité", "59009", None, "abandonné", "détection",
         D(2021, 3, 1), None, None, D(2021, 6, 1), "besoin déjà couvert", False, None, None, None, None),
        ("P08", "S2", "Épicerie Lille", "commerce de proximité", "59350", "QN05971M", "recherche de porteur", None,
         D(2022, 1, 10), D(2022, 7, 1), None, None, None, True, "ETTI", None, None, None),
        ("P09", "S3", "Salon solidaire Saint-Denis", "salon de beauté solidaire", "97411", "QN97426M", "détection", None,
         D(2022, 9, 1), None, None, None, None, False, None, None, None, None),
        ("P10", "S3", "Restauration collective Saint-Denis", "restauration collective", "97411", None, "créé", None,
         D(2022, 2, 1), D(2022, 5, 1), D(2023, 3, 1), None, None, True, "AI", 1.5, 6.0, None),
    ], columns=cols)
    annual_activity = pd.DataFrame([
        ("S1", 2019, 10, 5, 100), ("S1", 2020, 12, 6, 110), ("S1", 2021, 14, 7, 120), ("S1", 2022, 16, 8, 130),
        ("S2", 2020, 4, 2, 40), ("S2", 2021, 6, 3, 50), ("S2", 2022, 8, 4, 60),
        ("S3", 2022, 3, 1, 20), ("S3", 2023, 5, 2, 30),
    ], columns=["structure_id", "year", "creativity_sessions", "opportunity_studies", "partners"])
    annual_activity = annual_activity.astype({c: "Int64" for c in annual_activity.columns[1:]})
    return {"structures": structures, "structure_departments": structure_departments,
            "projects": projects, "annual_activity": annual_activity}


def tiny_more_records() -> dict[str, pd.DataFrame]:
    """tiny_records() plus a structure that left the network and two projects, for the rules of time and of
    the Grand Paris contrats de ville (a separate set, so that every expectation on the tiny set holds):

    S4 Fabrique test Seine-Saint-Denis: joined 2016, appellation 2019, left after 2021 (exit_year 2021),
    seat 93066 Saint-Denis, covers 93. Status by year: expérimentation 2016-2018, appellation 2019-2021.
    P11 (S4) Saint-Denis 93066 in QPV QN09328M (Franc Moisin - Cosmonautes - Cristino Garcia - Landy),
        detected 2020-03-01, étude d'opportunité since 2020-10-01. Saint-Denis is in the EPT Plaine
        Commune (200057867), which signs the contrat de ville there (not the Métropole du Grand Paris).
    P12 (S1) Pontivy 56178 (no QPV), detected 2021-05-01, study 2021-09-01, created 2022-06-01 (1.0 ETP).
        Pontivy is in the CRTE Pontivy Communauté (crte-53-56-11), à dominante rurale (63.8 %).
    """
    r = tiny_records()
    s4 = pd.DataFrame([("S4", "Fabrique test Seine-Saint-Denis", "appellation", 2016, 2019, "93066", 2021)],
                      columns=["structure_id", "name", "status", "joined_year", "appellation_year", "insee_code",
                               "exit_year"])
    structures = pd.concat([r["structures"].assign(exit_year=pd.NA), s4], ignore_index=True)
    r["structures"] = structures.astype({"joined_year": "Int64", "appellation_year": "Int64", "exit_year": "Int64"})
    r["structure_departments"] = pd.concat(
        [r["structure_departments"], pd.DataFrame([("S4", "93")], columns=["structure_id", "dep_code"])],
        ignore_index=True)
    more = pd.DataFrame([
        ("P11", "S4", "Ressourcerie Saint-Denis", "recyclerie", "93066", "QN09328M", "étude d'opportunité", None,
         D(2020, 3, 1), D(2020, 10, 1), None, None, None, False, None, None, None, None),
        ("P12", "S1", "Tiers-lieu Pontivy", "tiers-lieu", "56178", None, "créé", None,
         D(2021, 5, 1), D(2021, 9, 1), D(2022, 6, 1), None, None, False, None, 1.0, None, None),
    ], columns=r["projects"].columns)
    r["projects"] = pd.concat([r["projects"], more], ignore_index=True)
    activity = pd.DataFrame([("S4", 2020, 5, 2, 30), ("S4", 2021, 4, 1, 25)], columns=r["annual_activity"].columns)
    r["annual_activity"] = pd.concat([r["annual_activity"], activity], ignore_index=True).astype(
        {c: "Int64" for c in r["annual_activity"].columns[1:]})
    return r


def empty_records() -> dict[str, pd.DataFrame]:
    return {}


def literal_rows(df: pd.DataFrame) -> list[tuple]:
    """Rows as tuples of plain values (NaN/NA -> None, floats rounded to 4 places) to compare with literals."""
    def plain(v):
        if pd.isna(v):
            return None
        if isinstance(v, float):
            return round(v, 4)
        return v.item() if hasattr(v, "item") else v
    return [tuple(plain(v) for v in rec) for rec in df.itertuples(index=False)]
