"""Importer des données (administration): upload, preview every problem, confirm, archives."""
import streamlit as st

from fabrique import admin, build, export, gal, link_admin, ui

ui.header("Importer des données", "Remplacer les données du réseau par un nouveau fichier",
          "Une importation est un instantané complet : elle remplace toutes les structures, tous les projets et "
          "toute l'activité. La base précédente est archivée et reste en place tant que la nouvelle n'est pas complète.")

# Only staff reach this page (fabrique.site: roles), and only signed in, even on the demo (ui.staff_only).
ctx = ui.context()
ui.staff_only(ctx)

st.download_button("Télécharger le modèle d'importation (XLSX)", export.template_bytes(),
                   file_name="modele_import_fabrique.xlsx",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader("1. Déposer le classeur", anchor=False)
uploads = st.file_uploader("Classeur XLSX (feuilles structures, projets, activite) ou un CSV par feuille",
                           type=["xlsx", "csv"], accept_multiple_files=True, key="admin_upload")
if uploads:
    paths = admin.stage(uploads)
    result = admin.validate(paths)
    counts = {name: len(df) for name, df in result.records.items()}
    st.subheader("2. Vérifier", anchor=False)
    cols = st.columns(4)
    cols[0].metric("Structures valides", counts.get("structures", 0))
    cols[1].metric("Projets valides", counts.get("projects", 0))
    cols[2].metric("Lignes d'activité valides", counts.get("annual_activity", 0))
    cols[3].metric("Problèmes", len(result.problems))
    if result.problems:
        st.warning(f"{len(result.problems)} problème(s) trouvé(s). Chaque ligne indique le fichier, la feuille, "
                   "la ligne telle qu'Excel l'affiche, la colonne, la valeur et la règle.", icon=":material/warning:")
        st.dataframe(admin.problems_frame(result), hide_index=True, width="stretch")
        st.download_button("Télécharger le rapport des problèmes (CSV)", admin.report_csv(result),
                           file_name="rapport_import.csv", mime="text/csv")
    else:
        st.success("Aucun problème : le fichier peut être importé.", icon=":material/check_circle:")

    st.subheader("3. Confirmer", anchor=False)
    partial = False
    if result.problems:
        partial = st.checkbox("Importer seulement les lignes valides (les lignes refusées sont conservées avec "
                              "leurs problèmes dans la table rejected_rows)")
    if st.button("Remplacer les données du réseau", type="primary", disabled=bool(result.problems) and not partial):
        try:
            res = admin.apply(result, paths, partial)
        except build.BuildError as exc:
            st.error(str(exc))
        else:
            st.success(f"Importation réussie : {res.row_counts['structures']} structures, "
                       f"{res.row_counts['projects']} projets. Ancienne base archivée : "
                       f"{res.archived.name if res.archived else 'aucune'}.", icon=":material/check_circle:")

st.subheader("Périmètres LEADER (GAL)", anchor=False)
gal_file = st.file_uploader("CSV des GAL : colonnes gal_id, gal_name et insee_code ou epci_siren", type=["csv"],
                            key="admin_gal")
if gal_file and st.button("Charger les périmètres LEADER"):
    try:
        res = admin.apply_gal(admin.stage([gal_file])[0])
    except (gal.GalError, build.BuildError) as exc:
        st.error(str(exc))
    else:
        st.success(f"{res.row_counts['leader_gal']} GAL chargés ({res.row_counts['leader_communes']} communes).")

link_admin.section()

st.subheader("Archives des bases précédentes", anchor=False)
archived = admin.archives()
if archived.empty:
    st.caption("Aucune archive pour l'instant.")
else:
    st.dataframe(archived, hide_index=True, width="stretch")
ui.footer()
