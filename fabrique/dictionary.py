"""The indicator dictionary: every figure of the dashboard with its definition, numerator, denominator, unit,
period rule, perimeter rule, source and vintage, in French, and the query columns that compute it.

Pure data (no database, no Streamlit): the Méthode page renders it, tests check that every query column it
names exists. Names are the final ones shown to users; one name, one figure (« Études d'opportunité
déclarées » is not « Projets arrivés à l'étude d'opportunité »).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

import pandas as pd

from . import vocab
from .build import VINTAGES

# Filters, in words (repeated in several perimeter rules).
ALL_FILTERS = ("tous les filtres : structure, statut en fin de période, territoire du projet (commune où il est "
               "situé), IAE, type de SIAE, zonage, étape")
STRUCTURE_FILTERS = ("filtres de structure seulement (région, département, structure, statut en fin de période) ; "
                     "une structure est dans une région ou un département quand son territoire le couvre")
COVERAGE_PERIMETER = (
    "dénominateur au choix (paramètre « perimetre ») : « " + vocab.PERIMETERS["reseau"].label + " » (par défaut : "
    + vocab.PERIMETERS["reseau"].rule + ", actives pendant la période) ou « " + vocab.PERIMETERS["france"].label
    + " » (" + vocab.PERIMETERS["france"].rule + ") ; les deux effectifs sont toujours donnés. Les filtres de région "
    "et de département délimitent les contrats par leur propre territoire ; les autres filtres choisissent les "
    "projets. 101 départements (hors Polynésie française et Saint-Martin).")
COVERAGE_PERIOD = (
    "projets détectés pendant la période ; un contrat est « atteint » quand un de ces projets y a atteint l'étape du "
    "seuil choisi (paramètre « seuil » : " + " ; ".join(f"« {t.code} » = {t.label.lower()}"
                                                          for t in vocab.COVERAGE_THRESHOLDS)
    + ", par défaut « detection ») ; le seuil est rappelé avec chaque taux")
NETWORK_DATA = "Fiches des structures, des projets et activité annuelle déclarée par les structures porteuses"
NETWORK_VINTAGE = "date des données (rappelée au bas de chaque page)"


@dataclass(frozen=True)
class Indicator:
    code: str              # stable identifier (English snake_case)
    name: str              # the French name shown everywhere (tiles, charts, tables, exports)
    definition: str
    numerator: str
    denominator: str       # "—" for a count
    unit: str
    period: str            # period rule
    perimeter: str         # perimeter rule (which filters apply, which territory)
    source: str
    vintage: str
    columns: tuple[str, ...] = ()   # "query/name:column" that compute it (checked by tests/test_dictionary.py)


INDICATORS: list[Indicator] = [
    Indicator(
        "structures", "Structures du réseau",
        "Structures porteuses présentes dans le réseau, par statut (expérimentation, appellation). Le statut est "
        "celui de la fin de la période (ou de l'année pour les courbes) : appellation à partir de l'année "
        "d'appellation. Une structure sortie du réseau (année de sortie renseignée) ne compte plus après cette année.",
        "structures entrées au plus tard la dernière année et non sorties avant", "—", "nombre",
        "fin de la période (tuiles), fin de chaque année (courbes)", STRUCTURE_FILTERS, NETWORK_DATA, NETWORK_VINTAGE,
        ("overview/kpis:structures_n", "overview/kpis:experimentation_n", "overview/kpis:appellation_n",
         "overview/by_year:structures_n")),
    Indicator(
        "sessions", "Séances de créativité",
        "Séances de créativité (ateliers d'habitants et d'acteurs locaux) tenues dans l'année, déclarées par "
        "les structures.", "séances déclarées", "—", "nombre", "année civile ; somme des années de la période",
        STRUCTURE_FILTERS, NETWORK_DATA + " (feuille activite)", NETWORK_VINTAGE,
        ("overview/kpis:sessions_n", "overview/by_year:sessions_n")),
    Indicator(
        "studies_declared", "Études d'opportunité déclarées",
        "Études d'opportunité parvenues au stade « avancée » ou « validée » dans l'année, telles que les structures "
        "les déclarent dans leur activité annuelle. Ce n'est pas le nombre de projets arrivés à l'étude "
        "d'opportunité dans les fiches projets (autre indicateur, autre nom).",
        "études déclarées", "—", "nombre", "année civile ; somme des années de la période", STRUCTURE_FILTERS,
        NETWORK_DATA + " (feuille activite)", NETWORK_VINTAGE,
        ("overview/kpis:studies_declared_n", "overview/by_year:studies_declared_n",
         "overview/by_structure:studies_declared_n", "structures/structure_totals:studies_declared_n")),
    Indicator(
        "partners_declared", "Partenaires mobilisés (somme des déclarations)",
        "Organisations impliquées dans l'année (collectivités, services de l'État, fondations, entreprises, réseaux, "
        "habitants), telles que chaque structure les déclare, additionnées sur les structures : une organisation "
        "qui travaille avec deux structures compte deux fois.",
        "somme des partenaires déclarés par les structures", "—", "nombre",
        "dernière année de la période (les déclarations ne s'additionnent pas d'une année à l'autre)",
        STRUCTURE_FILTERS, NETWORK_DATA + " (feuille activite)", NETWORK_VINTAGE,
        ("overview/kpis:partners_declared_n", "overview/by_year:partners_declared_n")),
    Indicator(
        "detections", "Projets détectés",
        "Besoins ou idées détectés : chaque projet appartient à la cohorte de son année de détection.",
        "projets dont la date de détection tombe dans la période", "—", "nombre",
        "année de la date de détection", ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("pipeline/kpis:detections_n", "pipeline/by_cohort:detections_n")),
    Indicator(
        "studies_reached", "Projets arrivés à l'étude d'opportunité",
        "Projets des cohortes de la période qui ont atteint au moins l'étude d'opportunité (étape actuelle, ou "
        "étape de l'abandon), quelle que soit l'année où ils l'ont atteinte. Ce n'est pas le nombre d'études "
        "déclarées par les structures.",
        "projets détectés pendant la période ayant atteint l'étude d'opportunité", "—", "nombre",
        "cohortes (année de détection) de la période", ALL_FILTERS, NETWORK_DATA + " (feuille projets)",
        NETWORK_VINTAGE, ("pipeline/kpis:studies_reached_n", "pipeline/by_cohort:studies_reached_n")),
    Indicator(
        "creations_year", "Créations de l'année",
        "Entreprises ou activités lancées (nouvelle entité ou nouvelle activité d'une structure existante), "
        "comptées l'année de leur date de création, quelle que soit l'année de détection du projet.",
        "projets dont la date de création tombe dans la période", "—", "nombre", "année de la date de création",
        ALL_FILTERS + " ; le projet compte là où il est situé", NETWORK_DATA + " (feuille projets)",
        NETWORK_VINTAGE,
        ("overview/kpis:creations_year_n", "overview/by_year:creations_year_n", "overview/by_region:creations_year_n",
         "structures/structure_totals:creations_year_n")),
    Indicator(
        "creations_cohort", "Créations de la cohorte",
        "Projets détectés pendant la période et créés depuis, à quelque date que ce soit : les cohortes récentes "
        "ont eu moins de temps pour aboutir.",
        "projets détectés pendant la période et créés", "—", "nombre", "cohortes (année de détection) de la période",
        ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("pipeline/kpis:creations_cohort_n", "pipeline/by_cohort:creations_cohort_n")),
    Indicator(
        "jobs", "Emplois créés",
        "Équivalents temps plein à la création ; pour les projets IAE, les postes d'insertion sont comptés à part "
        "(« Postes d'insertion »).", "somme des ETP à la création des projets créés", "—", "ETP",
        "année de la date de création", ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("overview/kpis:jobs_etp", "overview/kpis:insertion_jobs_etp")),
    Indicator(
        "followed", "Projets suivis",
        "Projets détectés au plus tard la dernière année de la période et ni créés ni abandonnés avant la première "
        "(liste des structures, fiches et téléchargements).", "projets suivis", "—", "nombre", "période choisie",
        ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("structures/structure_list:projects_n", "method/export_counts:projects_n")),
    Indicator(
        "studies_per_detection", "Taux études / détections",
        "Par cohorte : part des projets détectés qui ont atteint au moins l'étude d'opportunité.",
        "projets arrivés à l'étude d'opportunité", "projets détectés", "%",
        "cohortes détectées pendant la période ; les étapes suivantes comptent quelle que soit leur année",
        ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("pipeline/kpis:studies_per_detection_pct", "pipeline/by_cohort:studies_per_detection_pct")),
    Indicator(
        "creations_per_study", "Taux créations / études",
        "Par cohorte : part des projets arrivés à l'étude d'opportunité qui ont été créés.",
        "créations de la cohorte", "projets arrivés à l'étude d'opportunité", "%",
        "cohortes détectées pendant la période", ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("pipeline/kpis:creations_per_study_pct", "pipeline/by_cohort:creations_per_study_pct")),
    Indicator(
        "median_delay", "Délai médian détection → création",
        "Médiane du délai entre la date de détection et la date de création des projets créés de ces cohortes.",
        "délais des projets créés", "—", "mois entiers", "cohortes détectées pendant la période", ALL_FILTERS,
        NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("pipeline/kpis:median_months_n", "pipeline/by_cohort:median_months_n")),
    Indicator(
        "abandon_rate", "Taux d'abandon par étape",
        "Projets abandonnés à une étape rapportés aux projets qui ont atteint cette étape ; motifs d'abandon en "
        "part de l'ensemble des abandons.", "projets abandonnés à l'étape", "projets ayant atteint l'étape", "%",
        "cohortes détectées pendant la période", ALL_FILTERS, NETWORK_DATA + " (feuille projets)", NETWORK_VINTAGE,
        ("pipeline/abandons_by_stage:abandon_pct", "pipeline/abandons_by_reason:share_pct")),
    Indicator(
        "coverage_qpv", "Couverture des quartiers prioritaires (QPV)",
        "Part des QPV où au moins un projet de la période est situé (code QPV du projet, saisi ou trouvé par ses "
        "coordonnées). Les QPV sans projet sont les « zones blanches » de la carte.",
        "QPV atteints", "QPV du périmètre", "% (avec numérateur et dénominateur)", COVERAGE_PERIOD,
        COVERAGE_PERIMETER, "Quartiers prioritaires de la politique de la ville 2024 (ANCT) ; fiches projets",
        VINTAGES["QPV"], ("coverage/contract_rates:coverage_pct", "coverage/contract_list:is_covered")),
    Indicator(
        "coverage_ville", "Couverture des contrats de ville",
        "Part des contrats de ville 2024-2030 où au moins un projet de la période est situé dans l'un de leurs QPV. "
        "Faute de liste ouverte des signataires, l'unité de contrat est l'EPCI comptant au moins un QPV "
        "(approximation usuelle), sauf dans la Métropole du Grand Paris où signent les 11 établissements publics "
        "territoriaux (EPT) et la Ville de Paris, pas la Métropole.",
        "contrats de ville atteints (projet dans un de leurs QPV)", "contrats de ville du périmètre (EPCI, EPT ou "
        "Paris comptant un QPV)", "% (avec numérateur et dénominateur)", COVERAGE_PERIOD, COVERAGE_PERIMETER +
        " Un contrat de ville est rattaché au département qui porte l'essentiel de sa population (siège de l'EPCI).",
        "QPV 2024 (ANCT) ; EPCI au 1er janvier 2026 (DGCL) ; composition des EPT du Grand Paris",
        VINTAGES["QPV"] + " ; " + VINTAGES["EPT du Grand Paris (contrats de ville)"],
        ("coverage/contract_rates:coverage_pct", "coverage/contract_list:contract_kind")),
    Indicator(
        "coverage_ville_qpv_commune", "Contrats de ville avec un projet dans une commune comptant un QPV",
        "Second chiffre, plus large, à ne pas confondre avec la couverture des contrats de ville : contrats dont une "
        "commune comptant un QPV accueille au moins un projet de la période, que le projet soit ou non dans le "
        "quartier.", "contrats de ville ayant un projet dans une de leurs communes comptant un QPV",
        "contrats de ville du périmètre", "nombre (à côté du taux)", COVERAGE_PERIOD, COVERAGE_PERIMETER,
        "QPV 2024 (ANCT) ; fiches projets", VINTAGES["QPV"],
        ("coverage/contract_rates:covered_qpv_commune_n", "coverage/contract_list:is_covered_qpv_commune")),
    Indicator(
        "qpv_code_missing", "Projets sans code QPV dans une commune comptant un QPV",
        "Qualité des données, à lire à côté de chaque chiffre sur les QPV : projets pris en compte situés dans une "
        "commune qui compte un QPV mais sans code QPV (ni saisi ni trouvé par les coordonnées). Ils ne comptent "
        "dans aucun QPV ni aucun contrat de ville : plus ils sont nombreux, plus la couverture des QPV est "
        "sous-estimée.", "projets en commune comptant un QPV sans code QPV", "—", "nombre",
        "comme le chiffre QPV qu'il accompagne (période et seuil)", COVERAGE_PERIMETER, "fiches projets ; QPV 2024",
        VINTAGES["QPV"], ("coverage/contract_rates:qpv_code_missing_n", "coverage/project_shares:qpv_code_missing_n")),
    Indicator(
        "coverage_ruralite", "Couverture des contrats de ruralité (CRTE à dominante rurale)",
        "Les contrats de ruralité (2016-2020) étaient ruraux ; leurs successeurs, les CRTE, couvrent presque tout le "
        "pays, villes comprises. La famille retenue est celle des CRTE à dominante rurale : au moins la moitié de la "
        "population municipale de leurs communes vit dans des communes rurales (grille communale de densité de "
        "l'INSEE, niveaux 5 à 7), soit 550 des 854 CRTE. Part de ces CRTE où au moins un projet de la période est "
        "situé dans une de leurs communes.",
        "CRTE à dominante rurale atteints", "CRTE à dominante rurale du périmètre (un CRTE à cheval sur deux "
        "territoires compte dans chacun)", "% (avec numérateur et dénominateur)", COVERAGE_PERIOD, COVERAGE_PERIMETER,
        "CRTE (ANCT, liste fin 2022) ; grille communale de densité (INSEE) ; populations légales (INSEE)",
        VINTAGES["CRTE"] + " ; " + VINTAGES["Grille de densité"],
        ("coverage/contract_rates:coverage_pct", "coverage/contract_list:is_covered")),
    Indicator(
        "coverage_frr", "Couverture France ruralités revitalisation (FRR)",
        "Part des communes classées France ruralités revitalisation (zonage qui a remplacé les ZRR en 2024) où au "
        "moins un projet de la période est situé.", "communes FRR atteintes", "communes FRR du périmètre",
        "% (avec numérateur et dénominateur)", COVERAGE_PERIOD, COVERAGE_PERIMETER,
        "Classement France ruralités revitalisation (DGCL)", VINTAGES["France ruralités revitalisation"],
        ("coverage/contract_rates:coverage_pct",)),
    Indicator(
        "coverage_leader", "Couverture LEADER (GAL)",
        "Part des groupes d'action locale (GAL) LEADER où au moins un projet de la période est situé dans une de leurs "
        "communes. Aucune liste ouverte des périmètres n'existe : un fichier de GAL s'importe ; le jeu de "
        "démonstration montre des GAL fictifs (environ 300 groupes d'EPCI surtout ruraux, 80 % des communes), "
        "signalés comme tels.", "GAL atteints", "GAL du périmètre (un GAL à cheval sur deux territoires compte dans "
        "chacun)", "% (avec numérateur et dénominateur)", COVERAGE_PERIOD, COVERAGE_PERIMETER,
        "fichier de GAL importé, ou GAL fictifs du jeu de démonstration", "source des GAL rappelée dans les "
        "millésimes (« LEADER (GAL) »)", ("coverage/contract_rates:coverage_pct",)),
    Indicator(
        "coverage_pvd", "Couverture des Petites villes de demain",
        "Part des communes Petites villes de demain où au moins un projet de la période est situé.",
        "communes PVD atteintes", "communes PVD du périmètre", "% (avec numérateur et dénominateur)",
        COVERAGE_PERIOD, COVERAGE_PERIMETER, "Programme Petites villes de demain (ANCT)",
        VINTAGES["Petites villes de demain"], ("coverage/contract_rates:coverage_pct",)),
    Indicator(
        "coverage_acv", "Couverture Action cœur de ville",
        "Part des communes Action cœur de ville où au moins un projet de la période est situé.",
        "communes ACV atteintes", "communes ACV du périmètre", "% (avec numérateur et dénominateur)",
        COVERAGE_PERIOD, COVERAGE_PERIMETER, "Programme Action cœur de ville (ANCT)", VINTAGES["Action cœur de ville"],
        ("coverage/contract_rates:coverage_pct",)),
    Indicator(
        "project_shares", "Part des projets par zonage",
        "Projets situés en QPV, dans une commune comptant un QPV, sous contrat de ville, en commune rurale (grille "
        "de densité : niveaux 5 à 7), en Petite ville de demain, en Action cœur de ville, dans un CRTE à dominante "
        "rurale, en FRR ou dans un GAL, rapportés aux projets détectés. Un projet peut relever de plusieurs zonages : "
        "les parts ne s'additionnent pas.", "projets situés dans le zonage", "projets détectés pendant la période",
        "%", "projets détectés pendant la période",
        ALL_FILTERS + " ; plusieurs zonages choisis se cumulent (un projet de l'un OU de l'autre)",
        "fiches projets ; référentiels des zonages", "millésimes de chaque référentiel",
        ("coverage/project_shares:share_pct",)),
    Indicator(
        "presence_departments", "Présence du réseau (départements)",
        "Départements où travaille au moins une structure active à la fin de la période (son territoire couvre le "
        "département), rapportés à tous les départements de la zone choisie.",
        "départements couverts par au moins une structure active", "départements de la zone (101 sans filtre)",
        "% (avec numérateur et dénominateur) et carte", "structures actives à la fin de la période",
        STRUCTURE_FILTERS, NETWORK_DATA + " (feuille structures)", VINTAGES["Communes, EPCI, départements, régions"],
        ("coverage/network_presence:presence_pct", "coverage/network_presence:is_present")),
    Indicator(
        "presence_epci", "Présence du réseau (EPCI)",
        "EPCI dont au moins une commune se trouve dans un département couvert par une structure active à la fin de "
        "la période (les structures déclarent des départements, pas des EPCI : un EPCI à cheval sur une limite "
        "compte dès qu'un de ses côtés est couvert), rapportés à tous les EPCI de la zone choisie.",
        "EPCI dans un département couvert", "EPCI de la zone (1 255 sans filtre)",
        "% (avec numérateur et dénominateur) et carte", "structures actives à la fin de la période",
        STRUCTURE_FILTERS, NETWORK_DATA + " (feuille structures) ; EPCI au 1er janvier 2026",
        VINTAGES["Communes, EPCI, départements, régions"],
        ("coverage/network_presence:presence_pct",)),
    Indicator(
        "iae_per_100k", "Projets IAE pour 100 000 habitants",
        "Projets d'insertion par l'activité économique (ACI, EI, ETTI, AI, EITI) détectés pendant la période, "
        "rapportés à la population municipale du territoire.", "projets IAE détectés", "population municipale / "
        "100 000", "projets pour 100 000 habitants", "projets détectés pendant la période", ALL_FILTERS,
        NETWORK_DATA + " (feuille projets) ; populations légales (INSEE)",
        VINTAGES["Communes, EPCI, départements, régions"],
        ("iae/by_territory:projects_per_100k", "iae/totals:projects_per_100k")),
    Indicator(
        "small_counts", "Petits effectifs",
        "Dans les vues partenaires, sous le département (EPCI, commune, QPV, contrat), les effectifs de 1 ou 2 sont "
        "affichés « < 3 », à l'écran comme dans les exports, pour ne pas désigner une organisation.",
        "—", "—", "—", "—", "toutes les vues partenaires et leurs exports", "règle de diffusion", "—"),
]

# Rules shared by every figure (the « Règles communes » paragraph of the Méthode page).
COMMON_RULES: list[tuple[str, str]] = [
    ("Période", "Années civiles entières, bornes comprises. Par défaut la période se termine à la dernière année "
                "complète : une année n'est complète que si la date des données est au 31 décembre ou après. Une "
                "année en cours est toujours signalée (« 2026 (au 31/10) », trait pointillé, barre hachurée)."),
    ("Statut", "Le statut d'une structure est celui qu'elle avait à la fin de la période affichée (ou de l'année, "
               "pour les courbes). Une structure sortie du réseau ne compte plus après son année de sortie."),
    ("Filtres", "Les filtres de structure (région, département, structure, statut) retiennent les structures dont "
                "le territoire couvre la zone choisie ; les filtres de projet (IAE, type de SIAE, zonage, étape) et "
                "le territoire du projet ne s'appliquent qu'aux chiffres tirés des projets."),
    ("Date de chaque chiffre", "Détection pour les cohortes, création pour les créations de l'année et les emplois, "
                               "année de déclaration pour l'activité déclarée."),
    ("Couverture", "Chaque taux est donné avec son numérateur, son dénominateur, le périmètre choisi (territoires du "
                   "réseau ou France) avec l'effectif de l'autre, et le seuil (projet détecté, arrivé à l'étude "
                   "d'opportunité ou créé)."),
]

# French headers of the rendered dictionary.
LABELS = {"name": "Indicateur", "definition": "Définition", "numerator": "Numérateur", "denominator": "Dénominateur",
          "unit": "Unité", "period": "Période", "perimeter": "Règle de périmètre", "source": "Source",
          "vintage": "Millésime"}


def frame() -> pd.DataFrame:
    """The dictionary as a table (columns of LABELS, in that order), for the Méthode page."""
    return pd.DataFrame([{f.name: getattr(i, f.name) for f in fields(Indicator)} for i in INDICATORS])[list(LABELS)]


def by_code(code: str) -> Indicator:
    return next(i for i in INDICATORS if i.code == code)
