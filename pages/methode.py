"""Méthode et données: how each figure is computed, where the data comes from, and the downloads."""
import pandas as pd
import streamlit as st

from fabrique import data, export, filters, fmt, ui

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALL_FILTERS = "tous les filtres (structure, territoire du projet, IAE, SIAE, zonage, étape)"
STRUCTURE_FILTERS = "filtres de structure seulement (région, département, structure, statut)"

# The indicator dictionary: one line per figure shown in the dashboard (definitions: DOMAIN guide and
# the comments of the queries that compute them).
INDICATORS = [
    ("Structures du réseau",
     "Structures porteuses entrées dans le réseau, par statut (expérimentation, appellation) à la fin de l'année.",
     "nombre", "fin de chaque année ; fin de la période pour les chiffres clés", STRUCTURE_FILTERS +
     " ; une structure est dans une région ou un département quand son territoire le couvre"),
    ("Séances de créativité", "Séances tenues dans l'année (ateliers d'habitants et d'acteurs locaux), "
     "déclarées par les structures.", "nombre", "année civile ; somme des années de la période", STRUCTURE_FILTERS),
    ("Études d'opportunité", "Études parvenues au stade « avancée » ou « validée » dans l'année, déclarées par "
     "les structures.", "nombre", "année civile ; somme des années de la période", STRUCTURE_FILTERS),
    ("Créations", "Entreprises ou activités lancées (nouvelle entité ou nouvelle activité d'une structure existante).",
     "nombre", "année de la date de création", ALL_FILTERS + " ; le projet compte là où il est situé"),
    ("Emplois créés", "Équivalents temps plein à la création ; pour les projets IAE, les postes d'insertion sont "
     "comptés à part (« postes d'insertion »).", "ETP", "année de la date de création", ALL_FILTERS),
    ("Partenaires mobilisés", "Organisations distinctes impliquées dans l'année (collectivités, services de "
     "l'État, fondations, entreprises, réseaux, habitants).", "nombre",
     "dernière année de la période (ils ne s'additionnent pas d'une année à l'autre)", STRUCTURE_FILTERS),
    ("Projets suivis", "Projets détectés au plus tard la dernière année de la période et ni créés ni abandonnés "
     "avant la première (pages « Structures du réseau » et téléchargements).", "nombre",
     "période choisie", ALL_FILTERS),
    ("Taux de transformation", "Par cohorte (année de détection du projet) : projets ayant atteint au moins "
     "l'étude d'opportunité ÷ projets détectés ; projets créés ÷ projets ayant atteint l'étude.", "%",
     "cohortes détectées pendant la période ; les étapes suivantes comptent quelle que soit leur année",
     ALL_FILTERS),
    ("Délai médian détection → création", "Médiane du délai entre la détection et la création des projets "
     "créés de ces cohortes.", "mois entiers", "cohortes détectées pendant la période", ALL_FILTERS),
    ("Taux d'abandon par étape", "Projets abandonnés à une étape ÷ projets ayant atteint cette étape ; "
     "motifs d'abandon en part de l'ensemble des abandons.", "%", "cohortes détectées pendant la période",
     ALL_FILTERS),
    ("Couverture des QPV", "QPV comptant au moins un projet détecté pendant la période (code QPV du projet) ÷ "
     "QPV du périmètre ; les QPV sans projet sont les « zones blanches » de la carte.",
     "% (avec numérateur et dénominateur)", "projets détectés pendant la période",
     "la région et le département choisis délimitent les QPV ; les autres filtres choisissent les projets ; "
     "101 départements (hors Polynésie et Saint-Martin)"),
    ("Couverture des contrats de ville", "EPCI comptant au moins un QPV avec au moins un projet ÷ EPCI comptant "
     "au moins un QPV. Approximation usuelle : le contrat de ville 2024-2030 est signé à l'échelle de l'EPCI.",
     "% (avec numérateur et dénominateur)", "projets détectés pendant la période",
     "comme la couverture des QPV"),
    ("Couverture des contrats de ruralité (CRTE)", "CRTE comptant au moins un projet dans l'une de leurs "
     "communes ÷ CRTE du périmètre (un CRTE à cheval sur deux territoires compte dans chacun).",
     "% (avec numérateur et dénominateur)", "projets détectés pendant la période", "comme la couverture des QPV"),
    ("Couverture LEADER (GAL)", "GAL comptant au moins un projet dans leur périmètre ÷ GAL du périmètre. "
     "Aucune liste ouverte des communes des GAL n'existe : l'indicateur n'est calculé qu'après l'import d'une "
     "telle liste.", "% (avec numérateur et dénominateur)", "projets détectés pendant la période",
     "comme la couverture des QPV"),
    ("Couverture PVD et ACV", "Communes Petites villes de demain (ou Action cœur de ville) comptant au moins un "
     "projet ÷ communes PVD (ou ACV) du périmètre.", "% (avec numérateur et dénominateur)",
     "projets détectés pendant la période", "comme la couverture des QPV"),
    ("Part des projets par zonage", "Projets situés en QPV, en commune rurale (grille de densité INSEE : « peu "
     "dense » ou « très peu dense »), en commune PVD, en commune d'un CRTE ou d'un GAL ÷ projets. Un projet peut "
     "relever de plusieurs zonages : les parts ne s'additionnent pas.", "%", "projets détectés pendant la période",
     ALL_FILTERS + " ; plusieurs zonages choisis se cumulent (un projet de l'un OU de l'autre)"),
    ("Présence du réseau", "Départements couverts par le territoire d'au moins une structure ÷ départements du "
     "périmètre.", "% (avec numérateur et dénominateur)", "structures entrées au plus tard la dernière année",
     STRUCTURE_FILTERS),
    ("Projets IAE pour 100 000 habitants", "Projets IAE (insertion par l'activité économique : ACI, EI, ETTI, AI, "
     "EITI) détectés pendant la période, rapportés à la population municipale du territoire.",
     "projets pour 100 000 habitants", "projets détectés pendant la période", ALL_FILTERS),
    ("Petits effectifs", "Dans les vues sur les partenaires, à l'échelle de la commune ou de l'EPCI, les effectifs "
     "de 1 ou 2 sont affichés « < 3 » pour ne pas désigner une organisation.", "—", "—",
     "toutes les vues partenaires par commune ou EPCI"),
]
DICTIONARY_LABELS = {"indicator": "Indicateur", "definition": "Définition", "unit": "Unité", "period": "Période",
                     "perimeter": "Règle de périmètre"}

ctx = ui.context()
f = ctx.filters
ui.header("Méthode et données", "Comment les chiffres sont-ils calculés, et d'où viennent-ils ?",
          "Définition de chaque indicateur, sources et millésimes géographiques, téléchargement des données "
          "filtrées et du modèle d'importation.")
ui.context_line(ctx)

info = data.build_info()
meta = info.get("meta", {})
demo = meta.get("dataset_kind") == "demo"

st.subheader("Les données chargées", anchor=False)
if demo:
    st.markdown("**Données fictives** : le jeu chargé est un jeu de démonstration. Les structures, les projets et "
                "les chiffres d'activité sont inventés (calibrés sur les ordres de grandeur publiés par l'Avise) ; "
                "seuls les territoires et les référentiels sont réels. Chaque fichier téléchargé le signale.")
else:
    st.markdown("Données importées du réseau (fichiers déclarés par les structures porteuses).")
st.markdown(f"Données au **{fmt.date(meta.get('data_date'))}** · base construite le "
            f"{fmt.datetime(meta.get('built_at'))}.")
ui.table(data.load("method/table_rows"), {"label": "Table", "rows_n": "Lignes"}, key="table_rows")

st.subheader("Dictionnaire des indicateurs", anchor=False)
st.markdown(
    "**Règles communes.** La période est faite d'années civiles entières, bornes comprises. Les filtres de "
    "structure (région, département, structure, statut) retiennent les structures dont le territoire couvre la "
    "zone choisie ; le statut est le statut actuel. Les filtres de projet (IAE, type de SIAE, zonage, étape) et le "
    "territoire du projet (commune où il est situé) ne s'appliquent qu'aux chiffres tirés des projets. Chaque "
    "chiffre est compté à la date qui le concerne : détection pour les cohortes, création pour les créations et "
    "les emplois, année de déclaration pour l'activité."
)
# A static table: definitions are long sentences that must wrap (a data grid would cut them off).
st.table(ui.formatted(pd.DataFrame(INDICATORS, columns=list(DICTIONARY_LABELS)), DICTIONARY_LABELS))

st.subheader("Sources et millésimes", anchor=False)
st.markdown("Données du réseau : structures, projets et activité annuelle déclarés par les structures porteuses "
            "(réseau Fabrique à initiatives, Avise). Référentiels publics : INSEE, ANCT, DGCL, IGN (détail dans "
            "`data/reference/SOURCES.md`).")
left, right = st.columns([2, 3])
with left:
    ui.table(data.load("method/vintages"), {"family": "Référentiel", "vintage": "Millésime"}, key="vintages")
with right:
    ui.table(data.load("method/source_files"), {"file": "Fichier", "description": "Contenu",
                                                "sha256": "Empreinte SHA-256"}, key="source_files")
st.caption("L'empreinte SHA-256 identifie exactement le fichier utilisé lors de la construction de la base : "
           "deux bases construites avec les mêmes empreintes partent des mêmes données.")

st.subheader("Téléchargements", anchor=False)
opts = ctx.options
described = filters.describe(ctx.chosen, opts)
counts = data.load("method/export_counts", ctx).iloc[0]
# Partner and public viewers download aggregates (one row per commune, small counts masked), never
# project rows: the policy refuses those to them (fabrique.policy).
PROJECTS_QUERY = "method/export_communes" if ctx.protected else "method/export_projects"


def projects():
    """The exported rows, loaded only when a download is asked for (they can be large)."""
    return data.load(PROJECTS_QUERY, ctx)


def activity():
    return data.load("method/export_activity", ctx)


stamp = export.Context.of(described, info)
st.markdown(
    f"Données filtrées ({filters.describe_short(ctx.chosen, opts)}) : projets suivis pendant la période : "
    f"**{fmt.number(counts['projects_n'])}** ; lignes d'activité annuelle (structure × année) : "
    f"**{fmt.number(counts['activity_n'])}**."
)
cols = st.columns(3)
with cols[0]:
    st.download_button("Projets par commune (CSV)" if ctx.protected else "Projets (CSV)", on_click="ignore", icon=":material/download:", width="stretch",
                       data=lambda: export.to_csv_bytes(projects(), export.Context.of(described, info)),
                       file_name=export.file_name("projets", stamp, f, "csv"), mime="text/csv", key="dl_projects_csv")
with cols[1]:
    st.download_button("Activité annuelle (CSV)", on_click="ignore", icon=":material/download:", width="stretch",
                       data=lambda: export.to_csv_bytes(activity(), export.Context.of(described, info)),
                       file_name=export.file_name("activite", stamp, f, "csv"), mime="text/csv", key="dl_activity_csv")
with cols[2]:
    st.download_button("Projets par commune et activité (XLSX)" if ctx.protected else "Projets et activité (XLSX)", on_click="ignore", icon=":material/download:", width="stretch",
                       data=lambda: export.to_xlsx_bytes({"projets": projects(), "activite": activity()},
                                                         export.Context.of(described, info)),
                       file_name=export.file_name("donnees", stamp, f, "xlsx"), mime=XLSX, key="dl_xlsx")
st.caption(
    "CSV pour Excel en français : séparateur point-virgule, UTF-8, virgule décimale, dates jj/mm/aaaa, une ligne "
    "d'en-tête et rien au-dessus, pour qu'il s'ouvre comme un tableau. Le contexte (nature des données, date des "
    "données, filtres, date d'export, source) figure dans le nom du fichier et dans la dernière colonne "
    "« Contexte de l'export » de chaque ligne. Excel lit les codes comme des nombres et retire leur zéro initial "
    "(« 08 » devient 8) : les noms sont donnés à côté de chaque code, et le fichier XLSX garde les codes en texte, "
    "avec une feuille « contexte ». Une cellule qui commence par =, +, - ou @ est précédée d'une apostrophe pour "
    "qu'aucun tableur ne l'exécute comme une formule."
)
st.markdown("**Modèle d'importation** : le classeur à remplir pour charger les données du réseau (feuilles "
            "« structures », « projets », « activite », listes de valeurs et mode d'emploi inclus).")
st.download_button("Télécharger le modèle d'importation (XLSX)", on_click="ignore", icon=":material/upload_file:",
                   data=export.template_bytes, file_name="modele_import_fabrique.xlsx", mime=XLSX, key="dl_template")

ui.footer()
