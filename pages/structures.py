"""Structures du réseau: qui porte la Fabrique, où, avec quels résultats ? List, map and one page per structure."""
import streamlit as st

from fabrique import charts, data, fmt, geo, ui

MAP_KEY = "structures_map"
TERRITORY_SCALE = [[0.0, "#eef7f2"], [0.5, "#b5dfc9"], [1.0, "#6fbf98"]]  # light greens: seats stay readable
LIST_VALUE = ""            # select box value meaning "no structure: show the list"

ctx = ui.context()
f = ctx.filters
ui.header("Structures du réseau", "Qui porte la Fabrique à initiatives, sur quels territoires, avec quels résultats ?",
          "Les structures porteuses, leur statut, leur territoire et les projets qu'elles accompagnent. "
          "Choisissez une structure pour afficher sa fiche.")
ui.context_line(ctx)

structures = data.load("structures/structure_list", ctx)
names = dict(zip(structures["structure_id"], structures["name"]))
choice = ctx.view.get("fiche") or LIST_VALUE   # validated by the frame against the filtered structures

# A seat clicked on the map opens its fiche.
clicked = [p.get("customdata") for p in (st.session_state.get(MAP_KEY) or {}).get("selection", {}).get("points", [])]
clicked = [c[0] if isinstance(c, (list, tuple)) else c for c in clicked if c]
if clicked and clicked[0] in names and clicked[0] != choice:
    st.session_state.pop(MAP_KEY, None)
    ui.set_view(fiche=clicked[0])
    st.rerun()


def back_to_list() -> None:
    ui.set_view(fiche=None)


pick, back = st.columns([3, 1], vertical_alignment="bottom")
with pick:
    st.selectbox("Choisir une structure", [LIST_VALUE, *names],
                 format_func=lambda v: names.get(v, "Toutes les structures (liste et carte)"), disabled=not names,
                 **ui.view_widget("fiche", to_widget=lambda v: v or LIST_VALUE, from_widget=lambda v: v or None))

if structures.empty:
    ui.empty("Aucune structure ne correspond aux filtres choisis.")

elif not choice:
    # ------------------------------------------------------------ the network: map and list
    st.subheader("Où sont les structures ?", anchor=False)
    territory = data.load("structures/territory_departments", ctx)
    pts = geo.to_map(structures)
    seats = [charts.points(pts[pts["status_then"] == status], name=label, hover="map_label",
                           colour=charts.STATUS_COLOURS[status], size=13, customdata=["structure_id"])
             for status, label in [("appellation", "Appellation"), ("expérimentation", "Expérimentation")]]
    # 1 structure: mid green, 2 or more: dark green (the count is in the hover and the data table).
    fig = charts.choropleth(territory, level="dep", code="dep_code", value="structures_n",
                            name="Structures", hover_name="label", colorscale=TERRITORY_SCALE, background=True,
                            zmax=2, overlay=seats,
                            title="Territoires couverts (départements) et sièges des structures, par statut actuel")
    ui.chart(fig, territory, {"dep_code": "Code", "dep_name": "Département", "reg_name": "Région",
                              "structures_n": "Structures", "structure_names": "Structures couvrant le département"},
             key=MAP_KEY, on_select="rerun", selection_mode=("points",),
             caption="Départements en vert : territoire couvert par au moins une structure (vert foncé : par "
                     "plusieurs ; noms au survol). Points : siège de chaque structure ; cliquez un point pour ouvrir sa fiche. "
                     "Outre-mer en encarts à gauche, agrandis (pas à l'échelle).")

    st.subheader("Liste des structures", anchor=False)
    ui.table(structures.assign(fiche_url=[ui.fiche_url("dep", d) for d in structures["dep_code"]]), {
        "name": "Structure", "status_then": f"Statut fin {f.year_to}", "joined_year": "Entrée",
        "appellation_year": "Appellation", "exit_year": "Sortie",
        "seat": "Siège", "departments": "Départements couverts", "regions": "Région(s)",
        "projects_n": "Projets suivis", "creations_n": "Créations de l'année", "fiche_url": "Département du siège"},
        key="structure_list", column_config={"Département du siège": ui.fiche_column("Département du siège")})
    st.caption(
        f"Structures entrées dans le réseau au plus tard en {f.year_to}. Projets suivis : projets détectés au "
        f"plus tard en {f.year_to} et ni créés ni abandonnés avant {f.year_from} ; créations : activités lancées "
        "pendant la période. Les filtres de projet (IAE, zonage, étape…) s'appliquent à ces deux colonnes."
    )

else:
    # ------------------------------------------------------------ one structure
    extra = {"structure_id": choice}
    profile = data.load("structures/structure_profile", ctx, **extra).iloc[0]
    with back:   # beside the list of structures: the fiche's figures come up a line
        st.button("Retour à la liste des structures", icon=":material/arrow_back:", on_click=back_to_list)
    st.subheader(profile["name"], anchor=False)
    appellation_year = fmt.by_suffix("appellation_year", profile["appellation_year"])
    exit_year = fmt.by_suffix("exit_year", profile["exit_year"])
    st.markdown(
        f"**Statut actuel : {profile['status']}** · entrée dans le réseau en "
        f"{fmt.by_suffix('joined_year', profile['joined_year'])}"
        + ("" if appellation_year == "–" else f" · appellation obtenue en {appellation_year}")
        + ("" if exit_year == "–" else f" · **sortie du réseau en {exit_year}** (ne compte plus après)")
        + f" · siège : {profile['commune_name']} ({profile['dep_name']}, {profile['reg_name']})"
    )
    st.markdown(f"**Territoire couvert** : {profile['departments']}"
                + (f" — {profile['regions']}" if profile["regions"] else ""))

    totals = data.load("structures/structure_totals", ctx, **extra).iloc[0]
    period = str(f.year_from) if f.year_from == f.year_to else f"{f.year_from} à {f.year_to}"
    tiles = st.columns(5)
    with tiles[0]:
        ui.kpi("Séances de créativité", fmt.number(totals["sessions_n"]), help=f"Séances tenues, {period}.")
    with tiles[1]:
        ui.kpi("Études d'opportunité déclarées", fmt.number(totals["studies_declared_n"]),
               help=f"Études « avancées » ou « validées », {period}, déclarées par la structure.")
    with tiles[2]:
        ui.kpi("Créations de l'année", fmt.number(totals["creations_year_n"]),
               help=f"Activités lancées, {period}, comptées l'année de leur création.")
    with tiles[3]:
        ui.kpi("Emplois créés", fmt.number(totals["jobs_etp"], 1) + " ETP",
               help=f"ETP à la création, {period}, hors postes d'insertion "
                    f"({fmt.number(totals['insertion_jobs_etp'], 1)} ETP d'insertion en plus).")
    with tiles[4]:
        ui.kpi(f"Partenaires déclarés en {ctx.options.year_label(f.year_to)}", fmt.number(totals["partners_declared_n"]),
               help="Organisations impliquées dans l'année, déclarées par la structure (« – » : rien de déclaré "
                    "cette année-là).")

    st.subheader("Année par année", anchor=False)
    by_year = data.load("structures/structure_by_year", ctx, **extra)
    by_year["year_label"] = [ctx.options.year_label(int(y)) for y in by_year["year"]]
    year_labels = {"year_label": "Année", "status_then": "Statut fin d'année",
                   "sessions_n": "Séances de créativité", "studies_declared_n": "Études d'opportunité déclarées",
                   "partners_declared_n": "Partenaires déclarés", "creations_year_n": "Créations de l'année",
                   "jobs_etp": "Emplois créés (ETP)", "insertion_jobs_etp": "Postes d'insertion (ETP)"}
    if by_year.empty:
        ui.empty(f"La structure n'était pas encore entrée dans le réseau en {f.year_to}.")
    else:
        ui.chart(charts.lines(by_year, "year_label", ["sessions_n", "studies_declared_n", "creations_year_n"],
                              title=f"Séances, études déclarées et créations par an : {profile['name']}",
                              labels=year_labels, partial="is_partial"),
                 by_year, year_labels, key="fiche_by_year",
                 caption="Séances, études et partenaires : activité déclarée par la structure (« – » : rien de "
                         "déclaré). Créations et emplois : projets de la structure, l'année de la création.")
        ui.table(by_year, year_labels, key="fiche_by_year_table")

    st.subheader("Projets accompagnés", anchor=False)
    projects = None if ctx.protected else data.load("structures/structure_projects", ctx, **extra)
    if ctx.protected:
        st.caption("Le détail des projets (intitulés, motifs, commentaires) n'est pas affiché dans une vue partenaire.")
    elif projects.empty:
        ui.empty("Aucun projet de cette structure ne correspond aux filtres choisis pendant la période.")
    else:
        ui.table(projects, {
            "title": "Projet", "sector": "Secteur", "place": "Commune", "stage": "Étape",
            "detected_on": "Détection", "study_on": "Étude", "created_on": "Création", "abandoned_on": "Abandon",
            "abandon_reason": "Motif d'abandon", "iae": "IAE (SIAE)", "jobs_etp": "Emplois (ETP)",
            "insertion_jobs_etp": "Postes d'insertion (ETP)", "programme": "Programme"}, key="fiche_projects")
        st.caption(f"Projets suivis pendant la période : détectés au plus tard en {f.year_to}, ni créés ni "
                   f"abandonnés avant {f.year_from}. Tous les filtres de projet s'appliquent.")
        located = geo.to_map(projects)
        territory = data.load("structures/structure_territory", ctx, **extra)
        places = [charts.points(located[located["is_created"]], name="Activité créée", hover="title",
                                colour=charts.PALETTE[0], size=11),
                  charts.points(located[~located["is_created"]], name="Projet en cours ou abandonné", hover="title",
                                colour=charts.PALETTE[1], size=11)]
        fig = charts.choropleth(territory, level="dep", code="dep_code", value="covered_n",
                                name="Territoire", hover_name="dep_name", colorscale=TERRITORY_SCALE,
                                zmax=2, overlay=places,
                                title=f"Territoire et projets de la structure : {profile['name']}")
        charts.fit_view(fig, geo.to_map(geo.to_map(territory, "lon_min", "lat_min"), "lon_max", "lat_max"))
        ui.chart(fig, projects, {"title": "Projet", "place": "Commune", "stage": "Étape"}, key="fiche_map",
                 caption="Points : commune de chaque projet (plusieurs projets d'une même commune se superposent).")

ui.footer()
