"""The import template's rules, declared once as data.

The importer (fabrique.importer), the XLSX template and its documentation sheet (fabrique.template)
and the demo generator all read these declarations: change a column here and the three follow.

Column types:
- ``text``: free text (kept as typed; formulas written as text such as ``=HYPERLINK(...)`` stay text);
  with ``suggestions`` it is an open vocabulary: any text is accepted (trimmed, inner spaces collapsed,
  lower case when ``lower``), a value equal to a suggestion but for case, accents and punctuation takes the
  suggestion's spelling, and a value close to a suggestion is imported with a warning naming it;
- ``int``: whole number >= 0; ``decimal``: number >= 0 (decimal comma accepted);
- ``year``: year between 2000 and the current year + 1;
- ``date``: real Excel date, ISO 2024-03-15, 15/03/2024 or an Excel serial number;
- ``bool``: oui / non (also o/n, vrai/faux, 1/0, true/false, yes/no);
- ``enum``: one of ``choices`` (case and accents ignored);
- ``commune``: INSEE code (current or old) or commune name (with the ``departement`` column);
- ``departement``: one département code (29, 2A, 971) or name;
- ``dep_list``: département codes separated by ``;``;
- ``longitude`` / ``latitude``: WGS84 degrees (decimal comma accepted, negative allowed).

Only what drives a figure refuses a row (identifiers, structure, commune, stage, dates and their order,
status, IAE yes/no, SIAE type, numbers, coordinates); descriptive text never does.
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
# Suggested values of the open-vocabulary columns (drop-downs of the template). Any other text is accepted:
# a structure types what its activity is; a value close to a suggestion only gets a warning.
# Broad social and solidarity economy sectors, from the activities the network supports (DOMAIN.md).
SECTOR_SUGGESTIONS = [
    "mobilité",
    "alimentation",
    "réemploi / économie circulaire",
    "services à la personne",
    "commerce de proximité",
    "tiers-lieu et vie locale",
    "habitat et logement",
    "environnement et énergie",
    "culture, sport et loisirs",
    "santé et bien-être",
    "numérique",
    "tourisme",
    "autre",
]
ABANDON_REASON_SUGGESTIONS = [
    "pas de porteur trouvé",
    "modèle économique non viable",
    "financement insuffisant",
    "besoin déjà couvert",
    "retrait du partenaire",
    "manque de mobilisation locale",
    "autre",
]
# National programmes named in DOMAIN.md.
PROGRAMME_SUGGESTIONS = [
    "Fabrique à initiatives en territoires fragiles (FSE)",
    "Garages solidaires",
    "Bien vieillir",
]
YES_NO = ["oui", "non"]
MIN_YEAR = 2000  # years and dates before this are refused; the upper bound is the current year + 1

TYPES = ("text", "int", "year", "date", "decimal", "bool", "enum", "commune", "departement", "dep_list",
         "longitude", "latitude")
# Bounds of the coordinate types (WGS84 degrees).
COORD_RANGES = {"longitude": (-180.0, 180.0), "latitude": (-90.0, 90.0)}

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
    "longitude": "longitude WGS84 (degrés décimaux, ex. -4,12787)",
    "latitude": "latitude WGS84 (degrés décimaux, ex. 47,98615)",
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
    suggestions: tuple[str, ...] = ()  # open vocabulary (type text): suggested values, never a refusal
    lower: bool = False    # open vocabulary stored in lower case (sector, abandon reason)

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"unknown column type {self.type!r}")
        if self.suggestions and self.type != "text":
            raise ValueError("suggestions belong to open text columns")

    @property
    def list_values(self) -> tuple[str, ...]:
        """The values of the column's drop-down: allowed values (enum, bool) or suggestions."""
        return self.choices or self.suggestions


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
        Column("annee_sortie", "exit_year", "year", False,
               help="Facultatif. Dernière année dans le réseau d'une structure qui l'a quitté (vide : toujours "
                    "dans le réseau). La structure ne compte plus dans les chiffres après cette année.",
               example=""),
    ],
    "projets": [
        Column("identifiant", "project_id", "text", True,
               help="Identifiant unique du projet.", example="P-2024-001"),
        Column("structure", "structure_id", "text", True,
               help="Identifiant de la structure qui accompagne le projet (feuille structures).",
               example="FAB-29"),
        Column("intitule", "title", "text", True, help="Intitulé court du projet.",
               example="Garage solidaire du pays de Quimper"),
        Column("secteur", "sector", "text", True,
               help="Secteur d'activité, en texte libre ; la liste déroulante propose des secteurs larges "
                    "(une autre valeur est acceptée telle quelle, en minuscules).",
               example="mobilité", suggestions=tuple(SECTOR_SUGGESTIONS), lower=True),
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
        Column("motif_abandon", "abandon_reason", "text", False,
               help="Motif d'abandon, en texte libre (liste de motifs suggérés) : obligatoire pour l'étape "
                    "abandonné, vide sinon.",
               example="pas de porteur trouvé", suggestions=tuple(ABANDON_REASON_SUGGESTIONS), lower=True),
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
               help="Programme national qui finance le projet, le cas échéant (texte libre, liste suggérée).",
               example="Garages solidaires", suggestions=tuple(PROGRAMME_SUGGESTIONS)),
        Column("etape_abandon", "abandon_stage", "enum", False, tuple(ABANDON_STAGES),
               help="Facultatif. Étape à laquelle un projet abandonné s'est arrêté. Vide pour un "
                    "projet abandonné : étude d'opportunité si date_etude est remplie, sinon détection.",
               example="recherche de porteur"),
        Column("qpv", "qpv_code", "text", False,
               help="Facultatif. Code du quartier prioritaire (QPV 2024) concerné, ex. QN02902M. Si longitude "
                    "et latitude sont données, le QPV est trouvé à partir d'elles et un code différent est "
                    "signalé (avertissement).",
               example="QN02902M"),
        Column("longitude", "lon", "longitude", False,
               help="Facultatif. Longitude du lieu du projet en degrés WGS84 (ex. -4,12787 ; négative à l'ouest "
                    "de Greenwich), avec la latitude. Place le projet dans son QPV ; doit se trouver dans le "
                    "département de la commune.",
               example="-4,12787"),
        Column("latitude", "lat", "latitude", False,
               help="Facultatif. Latitude du lieu du projet en degrés WGS84 (ex. 47,98615), avec la longitude.",
               example="47,98615"),
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

# Consistent example rows, as a person types them: shown in the template's instructions, and checked by the
# tests to pass both the importer and the published Table Schema (schema.json).
EXAMPLE_ROWS: dict[str, list[dict[str, str]]] = {
    "structures": [
        {"identifiant": "FAB-29", "nom": "Fabrique du Finistère", "statut": "appellation",
         "annee_entree": "2015", "annee_appellation": "2018", "commune_siege": "29232",
         "departements_couverts": "29;56", "annee_sortie": ""},
        {"identifiant": "FAB-35", "nom": "Fabrique de Rennes", "statut": "expérimentation",
         "annee_entree": "2021", "annee_appellation": "", "commune_siege": "35238",
         "departements_couverts": "", "annee_sortie": "2024"},
    ],
    "projets": [
        {"identifiant": "P-2024-001", "structure": "FAB-29", "intitule": "Garage solidaire du pays de Quimper",
         "secteur": "mobilité", "commune": "Quimper", "departement": "29", "etape": "étude d'opportunité",
         "date_detection": "15/03/2024", "date_etude": "02/09/2024", "date_creation": "",
         "date_abandon": "", "motif_abandon": "", "iae": "oui", "type_siae": "ACI", "emplois_crees": "",
         "emplois_insertion": "", "programme": "Garages solidaires", "etape_abandon": "",
         "qpv": "QN02902M", "longitude": "-4,12787", "latitude": "47,98615"},
        {"identifiant": "P-2022-003", "structure": "FAB-29", "intitule": "Recyclerie de Brest",
         "secteur": "réemploi / économie circulaire", "commune": "29019", "departement": "",
         "etape": "créé", "date_detection": "01/02/2022", "date_etude": "01/05/2022",
         "date_creation": "10/01/2023", "date_abandon": "", "motif_abandon": "", "iae": "oui",
         "type_siae": "EI", "emplois_crees": "3,5", "emplois_insertion": "6", "programme": "",
         "etape_abandon": "", "qpv": "", "longitude": "", "latitude": ""},
        {"identifiant": "P-2023-014", "structure": "FAB-35", "intitule": "Épicerie solidaire de Maurepas",
         "secteur": "alimentation", "commune": "Rennes", "departement": "35", "etape": "abandonné",
         "date_detection": "10/01/2023", "date_etude": "01/06/2023", "date_creation": "",
         "date_abandon": "15/11/2023", "motif_abandon": "pas de porteur trouvé", "iae": "non",
         "type_siae": "", "emplois_crees": "", "emplois_insertion": "", "programme": "",
         "etape_abandon": "recherche de porteur", "qpv": "QN03504M", "longitude": "", "latitude": ""},
    ],
    "activite": [
        {"structure": "FAB-29", "annee": "2024", "seances_creativite": "12", "etudes_opportunite": "6",
         "partenaires_mobilises": "140"},
        {"structure": "FAB-35", "annee": "2024", "seances_creativite": "4", "etudes_opportunite": "1",
         "partenaires_mobilises": "25"},
    ],
}

# Columns that get a drop-down list in the template: allowed values (refused otherwise) or suggestions.
DROPDOWNS = ("statut", "etape", "etape_abandon", "iae", "type_siae", "secteur", "motif_abandon", "programme")

# How a problem names its row, so that a user who sorted the sheet still finds it ("projet P15").
RECORD_LABELS = {"structures": "structure", "projets": "projet", "activite": "activité"}

QPV_PATTERN = r"^QN[0-9A-Z]{3}[0-9]{2}[A-Z]$"


def columns(sheet: str) -> list[Column]:
    return SHEETS[sheet]


def column(sheet: str, header: str) -> Column:
    for col in SHEETS[sheet]:
        if col.header == header:
            return col
    raise KeyError(f"{sheet}.{header}")
