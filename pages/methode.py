"""Méthode et données: how each figure is computed, where the data comes from, and the downloads."""
import streamlit as st

from fabrique import data, dictionary, export, filters, fmt, ui

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
st.markdown("**Règles communes.**\n" + "\n".join(f"- **{k}** : {v}" for k, v in dictionary.COMMON_RULES))
st.markdown(
    "**Les choix de la page Couverture.** Le *dénominateur* est au choix (paramètre `perimetre` de l'adresse) : les "
    "contrats des départements où travaille au moins une des structures retenues (par défaut), ou tous les contrats "
    "de la zone filtrée (France entière) ; les deux effectifs sont toujours affichés. Le *seuil* (paramètre `seuil`) "
    "dit quand un contrat compte comme atteint : un projet de la période y a été détecté (par défaut), est arrivé à "
    "l'étude d'opportunité, ou a été créé. Les contrats de ruralité sont les CRTE à dominante rurale (au moins la "
    "moitié de la population dans des communes rurales) ; les contrats de ville sont signés par les EPCI comptant un "
    "quartier prioritaire et, dans la Métropole du Grand Paris, par les 11 EPT et Paris.")
# A static table: definitions are long sentences that must wrap (a data grid would cut them off).
st.table(ui.formatted(dictionary.frame(), dictionary.LABELS))

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
