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
opts = ctx.options
has_previous = prev["y_to"] >= opts.year_min
# Named as the tiles say it: « par rapport à 2018 », « par rapport à la période 2013-2018 ».
p_from, p_to = max(int(prev["y_from"]), opts.year_min), int(prev["y_to"])
previous_period = str(p_to) if p_from == p_to else f"la période {p_from}-{p_to}"
if p_from > int(prev["y_from"]):
    previous_period += f" (plus courte : aucune donnée avant {opts.year_min})"
by_year = data.load("overview/by_year", ctx)
# An unfinished year (not over at the data date) is shown, never the default, always marked.
by_year["year_label"] = [opts.year_label(int(y)) for y in by_year["year"]]
partial_end = opts.is_partial(f.year_to)
end_label = opts.year_label(f.year_to)

if cur["structures_n"] == 0 and cur["creations_year_n"] == 0 and cur["sessions_n"] == 0:
    ui.empty("Aucune structure ni aucun projet ne correspond aux filtres choisis.")
else:
    def tile(col, label, field, help, decimals=0, unit=""):
        with col:
            ui.kpi(label, fmt.number(cur[field], decimals) + unit,
                   ui.compare(cur[field], prev[field] if has_previous else None, decimals, previous_period),
                   help=help, trend=by_year[field].astype(float).tolist())

    if partial_end:
        st.info(f"La période se termine en {end_label} : l'année {f.year_to} n'est pas terminée à la date des "
                f"données ({fmt.date(opts.data_date)}). Ses chiffres sont partiels (barres hachurées, trait "
                "pointillé) et la comparaison avec la période précédente en tient compte mal.",
                icon=":material/hourglass_top:")
    row1 = st.columns(3)
    tile(row1[0], f"Structures du réseau fin {f.year_to}", "structures_n",
         f"Structures présentes dans le réseau à la fin de {f.year_to} (entrées au plus tard cette année-là, non "
         f"sorties). Statut à cette date : expérimentation {fmt.number(cur['experimentation_n'])}, "
         f"appellation {fmt.number(cur['appellation_n'])}.")
    tile(row1[1], "Séances de créativité", "sessions_n",
         f"Séances tenues {f.during}, déclarées par les structures dans leur activité annuelle.")
    tile(row1[2], "Études d'opportunité déclarées", "studies_declared_n",
         f"Études « avancées » ou « validées » {f.during}, déclarées par les structures dans leur activité "
         "annuelle. Ce n'est pas le nombre de projets arrivés à l'étude d'opportunité (page Parcours).")
    row2 = st.columns(3)
    tile(row2[0], "Créations de l'année", "creations_year_n",
         f"Entreprises ou activités lancées {f.during}, comptées l'année de leur création (et non par "
         "cohorte de détection, comme sur la page Parcours).")
    tile(row2[1], "Emplois créés", "jobs_etp",
         f"Équivalents temps plein à la création des activités lancées {f.during}, hors postes d'insertion.",
         1, " ETP")
    tile(row2[2], f"Partenaires mobilisés en {end_label} (somme des déclarations)", "partners_declared_n",
         f"Somme des partenaires que chaque structure déclare pour {f.year_to} : une organisation qui travaille "
         "avec deux structures compte deux fois. Dernière année de la période (les partenaires ne s'additionnent "
         "pas d'une année sur l'autre).")
    st.caption(
        f"Structures fin {f.year_to} : {fmt.number(cur['experimentation_n'])} en expérimentation, "
        f"{fmt.number(cur['appellation_n'])} avec l'appellation. Postes d'insertion créés : "
        f"{fmt.number(cur['insertion_jobs_etp'], 1)} ETP. "
        + (f"Comparaison avec {previous_period}. " if has_previous
           else f"Pas de comparaison : aucune donnée avant {opts.year_min}. ")
        + "Séances, études et "
        "partenaires suivent les filtres de structure (région, département, structure, statut en fin de période) ; "
        "créations et emplois suivent tous les filtres."
    )

    st.subheader("Évolution année par année", anchor=False)
    labels = {"year_label": "Année", "experimentation_n": "Expérimentation", "appellation_n": "Appellation",
              "sessions_n": "Séances de créativité", "studies_declared_n": "Études d'opportunité déclarées",
              "creations_year_n": "Créations de l'année", "jobs_etp": "Emplois créés (ETP)",
              "partners_declared_n": "Partenaires mobilisés (somme des déclarations)"}
    left, right = st.columns(2)
    partial_note = (f" {end_label} : année incomplète (hachures, pointillés)." if by_year["is_partial"].any() else "")
    with left:
        ui.chart(charts.bars(by_year, "year_label", ["experimentation_n", "appellation_n"],
                             title="Structures du réseau par statut, fin d'année", labels=labels,
                             colours={"experimentation_n": charts.STATUS_COLOURS["expérimentation"],
                                      "appellation_n": charts.STATUS_COLOURS["appellation"]}, partial="is_partial"),
                 by_year, {k: labels[k] for k in ["year_label", "experimentation_n", "appellation_n"]},
                 key="status_by_year", caption="Statut de chaque structure à la fin de l'année." + partial_note)
    with right:
        ui.chart(charts.lines(by_year, "year_label", ["sessions_n", "studies_declared_n", "creations_year_n"],
                              title="Séances, études déclarées et créations par an", labels=labels,
                              partial="is_partial"),
                 by_year, {k: labels[k] for k in ["year_label", "sessions_n", "studies_declared_n", "creations_year_n"]},
                 key="activity_by_year", caption=partial_note.strip() or None)

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
                                title=f"Projets détectés {f.during} par région, et sièges des structures "
                                      f"(statut en {f.year_to})")
        event = ui.chart(fig, regions, {"reg_code": "Code", "reg_name": "Région", "structures_n": "Structures",
                                        "detections_n": "Projets détectés", "creations_year_n": "Créations de l'année",
                                        "jobs_etp": "Emplois créés (ETP)"},
                         key="network_map", on_select="rerun", selection_mode=("points",),
                         caption="Cliquez sur une région pour filtrer toutes les pages sur elle (filtre « Région »). "
                                 "Outre-mer en encarts à gauche, agrandis (pas à l'échelle).")
        clicked = [str(p["location"]) for p in (event.selection["points"] if event else []) if p.get("location")]
        if clicked and clicked[0] in ctx.options.regions and (clicked[0],) != ctx.chosen.regs:
            ui.set_filters(reg=(clicked[0],), dep=())

    st.subheader("Par structure", anchor=False)
    ui.table(data.load("overview/by_structure", ctx), {
        "name": "Structure", "reg_name": "Région", "status_then": f"Statut fin {f.year_to}", "joined_year": "Entrée",
        "appellation_year": "Appellation", "exit_year": "Sortie", "sessions_n": "Séances de créativité",
        "studies_declared_n": "Études déclarées", "creations_year_n": "Créations de l'année",
        "jobs_etp": "Emplois (ETP)", "partners_declared_n": f"Partenaires déclarés {f.year_to}"},
        key="by_structure")
    st.subheader("Par région", anchor=False)
    ui.table(regions, {
        "reg_name": "Région", "structures_n": "Structures", "detections_n": "Projets détectés",
        "creations_year_n": "Créations de l'année", "jobs_etp": "Emplois (ETP)"}, key="by_region")

ui.footer()
