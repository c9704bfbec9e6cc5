"""Vue d'ensemble: où en est le réseau ? Key figures, year-by-year evolution, map, tables."""
import streamlit as st

from fabrique import charts, data, fmt, geo, ui

ctx = ui.context()
f = ctx.filters
ui.header("Vue d'ensemble", "Où en est le réseau ?",
          "Chiffres clés de la période choisie, comparés à la période de même durée qui la précède. "
          "Cliquez sur une région de la carte pour filtrer toutes les pages sur elle.")
ui.context_line(ctx)

kpis = data.load("overview/kpis", ctx).set_index("period")
cur, prev = kpis.loc["current"], kpis.loc["previous"]
has_previous = prev["y_to"] >= ctx.options.year_min
by_year = data.load("overview/by_year", ctx)

if cur["structures_n"] == 0 and cur["creations_n"] == 0 and cur["sessions_n"] == 0:
    ui.empty("Aucune structure ni aucun projet ne correspond aux filtres choisis.")
else:
    def tile(col, label, field, help, decimals=0, unit=""):
        with col:
            ui.kpi(label, fmt.number(cur[field], decimals) + unit,
                   ui.delta_text(cur[field], prev[field] if has_previous else None, decimals),
                   help=help, trend=by_year[field].astype(float).tolist())

    row1 = st.columns(3)
    tile(row1[0], "Structures du réseau", "structures_n",
         f"Structures entrées dans le réseau au plus tard en {f.year_to}. "
         f"En expérimentation : {fmt.number(cur['experimentation_n'])} ; "
         f"avec l'appellation : {fmt.number(cur['appellation_n'])}.")
    tile(row1[1], "Séances de créativité", "sessions_n", "Séances tenues dans l'année, déclarées par les structures.")
    tile(row1[2], "Études d'opportunité", "studies_n", "Études « avancées » ou « validées » dans l'année, déclarées par les structures.")
    row2 = st.columns(3)
    tile(row2[0], "Créations", "creations_n", "Entreprises ou activités lancées pendant la période (date de création).")
    tile(row2[1], "Emplois créés", "jobs_etp", "Équivalents temps plein à la création, hors postes d'insertion.", 1, " ETP")
    tile(row2[2], f"Partenaires mobilisés en {f.year_to}", "partners_n",
         "Organisations distinctes impliquées dans l'année (dernière année de la période : "
         "les partenaires ne s'additionnent pas d'une année sur l'autre).")
    st.caption(
        f"Structures en {f.year_to} : {fmt.number(cur['experimentation_n'])} en expérimentation, "
        f"{fmt.number(cur['appellation_n'])} avec l'appellation. Postes d'insertion créés : "
        f"{fmt.number(cur['insertion_jobs_etp'], 1)} ETP. Séances, études et partenaires suivent les filtres "
        "de structure (région, département, structure, statut) ; créations et emplois suivent tous les filtres."
    )

    st.subheader("Évolution année par année", anchor=False)
    labels = {"year": "Année", "experimentation_n": "Expérimentation", "appellation_n": "Appellation",
              "sessions_n": "Séances de créativité", "studies_n": "Études d'opportunité",
              "creations_n": "Créations", "jobs_etp": "Emplois créés (ETP)", "partners_n": "Partenaires mobilisés"}
    left, right = st.columns(2)
    with left:
        ui.chart(charts.bars(by_year, "year", ["experimentation_n", "appellation_n"],
                             title="Structures du réseau par statut, fin d'année", labels=labels,
                             colours={"experimentation_n": charts.STATUS_COLOURS["expérimentation"],
                                      "appellation_n": charts.STATUS_COLOURS["appellation"]}),
                 by_year, {k: labels[k] for k in ["year", "experimentation_n", "appellation_n"]}, key="status_by_year")
    with right:
        ui.chart(charts.lines(by_year, "year", ["sessions_n", "studies_n", "creations_n"],
                              title="Séances, études et créations par an", labels=labels),
                 by_year, {k: labels[k] for k in ["year", "sessions_n", "studies_n", "creations_n"]}, key="activity_by_year")

    st.subheader("Carte du réseau", anchor=False)
    regions = data.load("overview/by_region", ctx)
    structures = data.load("overview/structures_map", ctx)
    if regions.empty and structures.empty:
        ui.empty("Aucune structure ni aucun projet ne correspond aux filtres choisis.")
    else:
        pts = geo.to_map(structures)
        seats = [charts.points(pts[pts["status_then"] == status], name=f"Siège : {label.lower()}", hover="name",
                               colour=charts.STATUS_COLOURS[status], size=12)
                 for status, label in [("appellation", "Appellation"), ("expérimentation", "Expérimentation")]]
        fig = charts.choropleth(regions, level="region", code="reg_code", value="detections_n",
                                name="Projets détectés", hover_name="reg_name", background=True, overlay=seats,
                                title=f"Projets détectés de {f.period} par région, et sièges des structures "
                                      f"(statut en {f.year_to})")
        event = ui.chart(fig, regions, {"reg_code": "Code", "reg_name": "Région", "structures_n": "Structures",
                                        "detections_n": "Projets détectés", "creations_n": "Créations",
                                        "jobs_etp": "Emplois créés (ETP)"},
                         key="network_map", on_select="rerun", selection_mode=("points",),
                         caption="Cliquez sur une région pour filtrer toutes les pages sur elle (filtre « Région »). "
                                 "Outre-mer en encarts à gauche, agrandis (pas à l'échelle).")
        clicked = [str(p["location"]) for p in (event.selection["points"] if event else []) if p.get("location")]
        if clicked and clicked[0] in ctx.options.regions and (clicked[0],) != ctx.chosen.regs:
            ui.set_filters(reg=(clicked[0],), dep=())

    st.subheader("Par structure", anchor=False)
    ui.table(data.load("overview/by_structure", ctx), {
        "name": "Structure", "reg_name": "Région", "status_then": "Statut", "joined_year": "Entrée",
        "appellation_year": "Appellation", "sessions_n": "Séances", "studies_n": "Études",
        "creations_n": "Créations", "jobs_etp": "Emplois (ETP)", "partners_n": f"Partenaires {f.year_to}"},
        key="by_structure")
    st.subheader("Par région", anchor=False)
    ui.table(regions, {
        "reg_name": "Région", "structures_n": "Structures", "detections_n": "Projets détectés",
        "creations_n": "Créations", "jobs_etp": "Emplois (ETP)"}, key="by_region")

ui.footer()
