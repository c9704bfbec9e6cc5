"""Importer des données (administration): upload, preview every problem, confirm, archives."""
import time

import streamlit as st

from fabrique import admin, build, export, fmt, importer, link_admin, ui

ui.header("Importer des données", "Remplacer les données du réseau par un nouveau fichier",
          "Une importation est un instantané complet : elle remplace toutes les structures, tous les projets et "
          "toute l'activité. La base précédente est archivée et reste en place tant que la nouvelle n'est pas complète.")

# Only staff reach this page (fabrique.site: roles), and only signed in, even on the demo (ui.staff_only).
ctx = ui.context()
ui.staff_only(ctx)

def _wait(job: admin.Validation, what: str):
    """The validation's result, waited for without holding the interpreter: it runs in a worker process.
    The placeholder is updated while waiting so that a new rerun can stop this one."""
    note = st.empty()
    started = time.monotonic()
    while True:
        try:
            result = job.result(timeout=0.4)
        except TimeoutError:
            note.info(f"Vérification {what} en cours… {int(time.monotonic() - started)} s",
                      icon=":material/hourglass_top:")
            continue
        except admin.ValidationFailed as exc:
            note.error(str(exc))
            return None
        note.empty()
        return result


def _problems(result, key: str) -> None:
    """Counts, the detailed problems and the report (formula-safe) of a validation."""
    if result.problems:
        st.dataframe(admin.problems_frame(result), hide_index=True, width="stretch")
        if (more := importer.omitted_line(result.n_errors, result.n_warnings, len(result.problems))):
            st.caption(more + ".")
        st.download_button("Télécharger le rapport des problèmes (CSV)", admin.report_csv(result),
                           file_name=f"rapport_{key}.csv", mime="text/csv", key=f"rapport_{key}")


cols = st.columns(2)
cols[0].download_button("Télécharger le modèle d'importation (XLSX)", export.template_bytes(),
                        file_name="modele_import_fabrique.xlsx",
                        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
cols[1].download_button("Télécharger le schéma de données (schema.json)", admin.schema_bytes(),
                        file_name="schema.json", mime="application/json",
                        help="Les règles du modèle au format Table Schema (frictionless, schema.data.gouv.fr) : "
                             "« frictionless validate --type package schema.json » vérifie les CSV avant l'envoi.")

st.subheader("1. Déposer le classeur", anchor=False)
uploads = st.file_uploader("Classeur XLSX (feuilles structures, projets, activite) ou un CSV par feuille",
                           type=["xlsx", "csv"], accept_multiple_files=True, key="admin_upload")
if uploads:
    files = admin.uploads_of(uploads)
    result = _wait(admin.validation(files, "import"), "des fichiers")
    if result is not None:
        counts = {name: len(df) for name, df in result.records.items()}
        st.subheader("2. Vérifier", anchor=False)
        cols = st.columns(5)
        cols[0].metric("Structures valides", fmt.number(counts.get("structures", 0)))
        cols[1].metric("Projets valides", fmt.number(counts.get("projects", 0)))
        cols[2].metric("Lignes d'activité valides", fmt.number(counts.get("annual_activity", 0)))
        cols[3].metric("Erreurs", fmt.number(result.n_errors))
        cols[4].metric("Avertissements", fmt.number(result.n_warnings))
        if result.n_errors:
            st.error(f"{fmt.number(result.n_errors)} erreur(s) : une ligne en erreur n'est pas importée. Chaque "
                     "problème indique le fichier, la feuille, la ligne telle qu'Excel l'affiche, l'identifiant de "
                     "la ligne, la colonne, la valeur et la règle.", icon=":material/error:")
        elif result.n_warnings:
            st.warning(f"Aucune erreur et {fmt.number(result.n_warnings)} avertissement(s) : l'importation est "
                       "possible, les lignes signalées seront importées telles quelles.", icon=":material/warning:")
        else:
            st.success("Aucun problème : le fichier peut être importé.", icon=":material/check_circle:")
        _problems(result, "import")

        st.subheader("3. Confirmer", anchor=False)
        partial = False
        if not result.ok:
            partial = st.checkbox("Importer seulement les lignes valides (les lignes refusées sont conservées avec "
                                  "leurs problèmes dans la table rejected_rows)")
        allow_empty = False
        if (empty := importer.empty_import(result.records)):
            st.warning(f"{empty}.", icon=":material/warning:")
            allow_empty = st.checkbox("Accepter une importation vide (les données actuelles du réseau seront "
                                      "remplacées)")
        blocked = (not result.ok and not partial) or (bool(empty) and not allow_empty)
        if st.button("Remplacer les données du réseau", type="primary", disabled=blocked):
            try:
                res = admin.apply(result, files, partial, allow_empty)
            except build.BuildError as exc:
                st.error(str(exc))
            else:
                st.success(f"Importation réussie : {res.row_counts['structures']} structures, "
                           f"{res.row_counts['projects']} projets, {fmt.number(result.n_warnings)} avertissement(s) "
                           f"gardé(s) dans le rapport. Ancienne base archivée : "
                           f"{res.archived.name if res.archived else 'aucune'}.", icon=":material/check_circle:")

st.subheader("Périmètres LEADER (GAL)", anchor=False)
st.caption("Les régions publient les périmètres des GAL : une ligne par commune (code INSEE, ou nom avec le "
           "département) ou par EPCI (SIREN ou nom), avec l'identifiant ou le nom du GAL. Le fichier remplace les "
           "GAL fictifs de la démonstration ou l'importation précédente ; la base précédente est archivée.")
gal_file = st.file_uploader("Fichier des GAL (CSV ou XLSX)", type=["csv", "xlsx"], key="admin_gal")
if gal_file:
    gal_files = admin.uploads_of([gal_file])
    gal_result = _wait(admin.validation(gal_files, "gal"), "des périmètres")
    if gal_result is not None:
        if gal_result.ok:
            st.success(f"{fmt.number(gal_result.n_gal)} GAL, {fmt.number(len(gal_result.table))} couples GAL-commune "
                       f"lus ; {fmt.number(gal_result.n_warnings)} avertissement(s).", icon=":material/check_circle:")
        else:
            st.error(f"{fmt.number(gal_result.n_errors)} erreur(s) : aucun périmètre ne sera importé.",
                     icon=":material/error:")
        _problems(gal_result, "gal")
        if st.button("Charger les périmètres LEADER", disabled=not gal_result.ok):
            try:
                res = admin.apply_gal(gal_result.table)
            except build.BuildError as exc:
                st.error(str(exc))
            else:
                st.success(f"{res.row_counts['leader_gal']} GAL chargés ({res.row_counts['leader_communes']} "
                           "communes).")

link_admin.section()

st.subheader("Archives des bases précédentes", anchor=False)
archived = admin.archives()
if archived.empty:
    st.caption("Aucune archive pour l'instant.")
else:
    st.dataframe(archived, hide_index=True, width="stretch")
ui.footer()
