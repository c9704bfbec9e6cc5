"""The import template's rules, declared once as data.

The importer (fabrique.importer), the XLSX template and its documentation sheet (fabrique.template)
and the demo generator all read these declarations: change a column here and the three follow.

Column types:
- ``text``: free text (kept as typed; formulas written as text such as ``=HYPERLINK(...)`` stay text);
- ``int``: whole number >= 0; ``decimal``: number >= 0 (decimal comma accepted);
- ``year``: year between 2000 and the current year + 1;
- ``date``: real Excel date, ISO 2024-03-15, 15/03/2024 or an Excel serial number;
- ``bool``: oui / non (also o/n, vrai/faux, 1/0, true/false, yes/no);
- ``enum``: one of ``choices`` (case and accents ignored);
- ``commune``: INSEE code (current or old) or commune name (with the ``departement`` column);
- ``departement``: one département code (29, 2A, 971) or name;
- ``dep_list``: département codes separated by ``;``.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import vocab

# Labels as stored in the database and typed in the template; declared once in fabrique.vocab.
STAGES = vocab.STAGES.labels
# Stages at which a project can stop (every stage but the two outcomes).
ABANDON_STAGES = vocab.ABANDON_STAGES
SIAE_TYPES = vocab.SIAE_TYPES.codes
STATUSES = vocab.STATUSES.labels
ABANDON_REASONS = [
    "pas de porteur trouvé",
    "modèle économique non viable",
    "financement insuffisant",
    "besoin déjà couvert",
    "retrait du partenaire",
    "manque de mobilisation locale",
    "autre",
]
SECTORS = [
    "mobilité",
    "garage solidaire",
    "restauration d'insertion",
    "conciergerie seniors",
    "auto-école sociale",
    "restauration collective",
    "commerce de proximité",
    "tiers-lieu",
    "salon de beauté solidaire",
    "recyclerie",
    "alimentation durable",
    "services à la personne",
]
YES_NO = ["oui", "non"]
MIN_YEAR = 2000  # years and dates before this are refused; the upper bound is the current year + 1

TYPES = ("text", "int", "year", "date", "decimal", "bool", "enum", "commune", "departement", "dep_list")

TYPE_LABELS = {
    "text": "texte",
    "int": "nombre entier (≥ 0)",
    "year": "année (AAAA)",
    "date": "date (JJ/MM/AAAA)",
    "decimal": "nombre décimal (≥ 0, virgule acceptée)",
    "bool": "oui / non",
    "enum": "liste de valeurs",
    "commune": "commune (code INSEE ou nom)",
    "departement": "code département",
    "dep_list": "codes départements séparés par ;",
}


@dataclass(frozen=True)
class Column:
    header: str            # canonical French header, as written in the template
    field: str             # English target field in the imported records
    type: str              # one of TYPES
    required: bool = False
    choices: tuple[str, ...] = ()   # allowed values (enum; also the drop-down of bool columns)
    help: str = ""         # French help text for the mode_d_emploi sheet
    example: str = ""      # example value shown in the mode_d_emploi sheet

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}")


SHEET_ORDER = ["structures", "projets", "activite"]

SHEET_HELP = {
    "structures": "Une ligne par structure porteuse d'une Fabrique à initiatives.",
    "projets": "Une ligne par projet accompagné (besoin détecté), quelle que soit son étape.",
    "activite": "Une ligne par structure et par année : activité de l'année.",
}

SHEETS: dict[str, list[Column]] = {
    "structures": [
        Column("identifiant", "structure_id", "text", True,
               help="Identifiant unique de la structure, repris dans les feuilles projets et activite.",
               example="FAB-29"),
        Column("nom", "name", "text", True, help="Nom de la structure porteuse.",
               example="Fabrique du Finistère"),
        Column("statut", "status", "enum", True, tuple(STATUSES),
               help="Statut dans le réseau : expérimentation à l'entrée, appellation une fois obtenue.",
               example="appellation"),
        Column("annee_entree", "joined_year", "year", True,
               help="Année d'entrée dans le réseau.", example="2015"),
        Column("annee_appellation", "appellation_year", "year", False,
               help="Année d'obtention de l'appellation : obligatoire si le statut est appellation, "
                    "vide en expérimentation ; jamais antérieure à l'année d'entrée.",
               example="2018"),
        Column("commune_siege", "insee_code", "commune", True,
               help="Commune du siège : code INSEE (5 caractères, ex. 29232) ; un ancien code est "
                    "converti vers la commune actuelle.",
               example="29232"),
        Column("departements_couverts", "dep_codes", "dep_list", False,
               help="Départements couverts, codes séparés par « ; ». Vide : le département du siège.",
               example="29;56"),
    ],
    "projets": [
        Column("identifiant", "project_id", "text", True,
               help="Identifiant unique du projet.", example="P-2024-001"),
        Column("structure", "structure_id", "text", True,
               help="Identifiant de la structure qui accompagne le projet (feuille structures).",
               example="FAB-29"),
        Column("intitule", "title", "text", True, help="Intitulé court du projet.",
               example="Garage solidaire du pays de Quimper"),
        Column("secteur", "sector", "enum", True, tuple(SECTORS),
               help="Secteur d'activité (liste).", example="garage solidaire"),
        Column("commune", "insee_code", "commune", True,
               help="Commune d'implantation : code INSEE (ex. 29232) ou nom de la commune ; avec un "
                    "nom, renseigner aussi la colonne departement.",
               example="Quimper"),
        Column("departement", "dep_code", "departement", False,
               help="Code du département (29, 2A, 971). Obligatoire si la commune est donnée par son "
                    "nom ; doit correspondre à la commune.",
               example="29"),
        Column("etape", "stage", "enum", True, tuple(STAGES),
               help="Étape actuelle du projet.", example="étude d'opportunité"),
        Column("date_detection", "detected_on", "date", True,
               help="Date de détection du besoin ou de l'idée.", example="15/03/2024"),
        Column("date_etude", "study_on", "date", False,
               help="Date de lancement de l'étude d'opportunité (après la détection).",
               example="02/09/2024"),
        Column("date_creation", "created_on", "date", False,
               help="Date de création de l'activité : obligatoire pour l'étape créé, vide sinon.",
               example="10/01/2026"),
        Column("date_abandon", "abandoned_on", "date", False,
               help="Date d'abandon : obligatoire pour l'étape abandonné, vide sinon.",
               example=""),
        Column("motif_abandon", "abandon_reason", "enum", False, tuple(ABANDON_REASONS),
               help="Motif d'abandon (liste) : obligatoire pour l'étape abandonné, vide sinon.",
               example=""),
        Column("iae", "is_iae", "bool", True, tuple(YES_NO),
               help="Le projet relève-t-il de l'insertion par l'activité économique ?",
               example="oui"),
        Column("type_siae", "siae_type", "enum", False, tuple(SIAE_TYPES),
               help="Type de SIAE : obligatoire si iae = oui, vide sinon.", example="ACI"),
        Column("emplois_crees", "jobs_etp", "decimal", False,
               help="Emplois créés, en équivalents temps plein (ETP).", example="2,5"),
        Column("emplois_insertion", "insertion_jobs_etp", "decimal", False,
               help="Postes en insertion, en ETP : seulement pour les projets IAE.", example="6"),
        Column("programme", "programme", "text", False,
               help="Programme national qui finance le projet, le cas échéant.",
               example="Fabrique à initiatives en territoires fragiles"),
        Column("etape_abandon", "abandon_stage", "enum", False, tuple(ABANDON_STAGES),
               help="Facultatif. Étape à laquelle un projet abandonné s'est arrêté. Vide pour un "
                    "projet abandonné : étude d'opportunité si date_etude est remplie, sinon détection.",
               example="recherche de porteur"),
        Column("qpv", "qpv_code", "text", False,
               help="Facultatif. Code du quartier prioritaire (QPV 2024) concerné, ex. QN09301M.",
               example="QN02901M"),
    ],
    "activite": [
        Column("structure", "structure_id", "text", True,
               help="Identifiant de la structure (feuille structures).", example="FAB-29"),
        Column("annee", "year", "year", True, help="Année de l'activité.", example="2024"),
        Column("seances_creativite", "creativity_sessions", "int", False,
               help="Nombre de séances de créativité tenues dans l'année (vide si inconnu).",
               example="12"),
        Column("etudes_opportunite", "opportunity_studies", "int", False,
               help="Nombre d'études d'opportunité avancées ou validées dans l'année.", example="6"),
        Column("partenaires_mobilises", "partners", "int", False,
               help="Nombre d'organisations partenaires distinctes mobilisées dans l'année.",
               example="140"),
    ],
}

# Columns that get a drop-down list in the template (header -> allowed values).
DROPDOWNS = ("statut", "etape", "etape_abandon", "iae", "type_siae", "secteur", "motif_abandon")

QPV_PATTERN = r"^QN[0-9A-Z]{3}[0-9]{2}[A-Z]$"


def columns(sheet: str) -> list[Column]:
    return SHEETS[sheet]


def column(sheet: str, header: str) -> Column:
    for col in SHEETS[sheet]:
        if col.header == header:
            return col
    raise KeyError(f"{sheet}.{header}")
