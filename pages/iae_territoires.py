"""Projets IAE par territoire: où naissent les projets d'insertion ? Map with drill-down, SIAE types, QPV/rural, jobs."""
import streamlit as st

from fabrique import binding, charts, data, fmt, geo, ui, vocab

LEVELS = vocab.LEVELS.as_dict()
LEVEL_LOWER = {t.code: t.lower for t in vocab.LEVELS}
LEVEL_PLURAL = {t.code: t.plural for t in vocab.LEVELS}
METRICS = {"projets": ("projects_n", "Nombre de projets"), "taux": ("projects_per_100k", "Projets pour 100 000 habitants")}
SIAE_COLUMNS = ["aci_n", "ei_n", "etti_n", "ai_n", "eiti_n"]
TOP = 20
NO_ZOOM = {"zoom_reg": None, "zoom_dep": None}   # the drill-down is the shared filters now

ctx = ui.context()
f, opts = ctx.filters, ctx.options
ui.header("Projets IAE par territoire", "Où naissent les projets d'insertion ?",
          "Projets d'insertion par l'activité économique (IAE) détectés pendant la période, situés par la "
          "commune du projet. Cliquez sur une région de la carte pour filtrer sur elle et voir ses départements, "
          "puis sur un département pour voir ses EPCI et ses communes : toutes les pages suivent.")
ui.context_line(ctx)


def auto_level(f) -> str:
    """The level that says something for the filters: the next one below a single chosen territory."""
    if len(f.deps) == 1:
        return "epci"
    if len(f.regs) == 1 or (f.deps and len({opts.departments[d][1] for d in f.deps}) == 1):
        return "dep"
    return "reg"


if f.iae == "non":
    ui.empty("Cette page ne porte que sur les projets IAE, or le filtre « Projets IAE » est réglé sur "
             "« Hors IAE » : aucun projet ne peut s'afficher. Choisissez « IAE » ou « Tous les projets » "
             "dans ce filtre.")
    ui.footer()
    st.stop()

# A level at or above a single chosen territory would map that territory alone (one colour on a scale of
# one value): the level below it is shown instead.
RANK = {code: i for i, code in enumerate(LEVELS)}
niveau = ctx.view.get("niveau") or auto_level(f)
if RANK[niveau] < RANK[auto_level(f)]:
    niveau = auto_level(f)

c1, c2, c3 = st.columns([1.2, 1.3, 0.8])
with c1:
    st.segmented_control("Niveau", list(LEVELS), format_func=LEVELS.get, required=True,
                         help="Territoire de regroupement : région, département, EPCI (intercommunalité) "
                              "ou commune où se situe le projet. Par défaut, et au moins, le niveau sous le "
                              "territoire filtré.",
                         **ui.view_widget("niveau", to_widget=lambda v: niveau))
with c2:
    st.segmented_control("Indicateur de la carte", list(METRICS), format_func=lambda m: METRICS[m][1],
                         required=True,
                         help="Nombre de projets, ou nombre rapporté à la population municipale du territoire.",
                         **ui.view_widget("indicateur"))
with c3:
    if ctx.chosen.regs or ctx.chosen.deps:
        st.button("Toute la France" if not ctx.policy.locked else "Tout le périmètre", icon=":material/zoom_out_map:",
                  help="Retire les filtres de région et de département.",
                  on_click=lambda: (binding.set_values("filtres", reg=(), dep=()), ui.set_view(niveau=None)))

metric, unit_name = METRICS[ctx.view.get("indicateur") or "projets"]
where = ("France entière" if not (f.regs or f.deps) else
         " · ".join([opts.regions[r] for r in f.regs if not f.deps] + [f"{opts.departments[d][0]} ({d})" for d in f.deps]))
st.caption(f"Périmètre : {where} · regroupement par {LEVEL_LOWER[niveau]}.")

totals = data.load("iae/totals", ctx, **NO_ZOOM).iloc[0]
rows = data.load("iae/by_territory", ctx, level=niveau, **NO_ZOOM)
# Partner and public views: below the département, small counts come masked from the data layer.
protected = ctx.protected and niveau in ("epci", "commune")

if totals["projects_n"] == 0:
    ui.empty("Aucun projet IAE détecté pendant la période dans ce périmètre.")
else:
    # « en 2022 », « de 2019 à 2024 » (not « en 2019 à 2024 »)
    period = f"en {f.year_from}" if f.year_from == f.year_to else f"de {f.year_from} à {f.year_to}"
    k = st.columns(3)
    with k[0]:
        ui.kpi("Projets IAE détectés", fmt.number(totals["projects_n"]),
               help=f"Projets IAE dont le besoin a été détecté {period}, dans le périmètre choisi.")
    with k[1]:
        ui.kpi("Projets pour 100 000 habitants", fmt.number(totals["projects_per_100k"], 1),
               help=f"Rapporté à la population municipale du périmètre ({fmt.number(totals['population'])} "
                    "habitants, recensement INSEE).")
    with k[2]:
        ui.kpi("Dont créés", f"{fmt.number(totals['creations_n'])} ({fmt.percent(totals['creations_pct'])})",
               help=f"Projets de cette cohorte dont l'activité a été créée au plus tard en {f.year_to}.")
    k = st.columns(3)
    with k[0]:
        ui.kpi("Dont en quartier prioritaire (QPV)",
               f"{fmt.number(totals['qpv_n'])} ({fmt.percent(totals['qpv_pct'])})",
               help="Projets situés dans un quartier prioritaire de la politique de la ville (carte 2024).")
    with k[1]:
        ui.kpi("Dont en commune rurale", f"{fmt.number(totals['rural_n'])} ({fmt.percent(totals['rural_pct'])})",
               help="Communes « peu denses » ou « très peu denses » de la grille de densité INSEE.")
    with k[2]:
        ui.kpi("Emplois créés", f"{fmt.number(totals['jobs_etp'], 1)} ETP",
               help=f"Emplois à la création des projets créés, en équivalents temps plein. Postes d'insertion en "
                    f"plus : {fmt.number(totals['insertion_jobs_etp'], 1)} ETP.")
    st.caption(f"Postes d'insertion créés : {fmt.number(totals['insertion_jobs_etp'], 1)} ETP, en plus des "
               f"{fmt.number(totals['jobs_etp'], 1)} ETP d'emplois créés. Créations, emplois et postes "
               f"d'insertion : projets détectés {period} et créés au plus tard en {f.year_to}.")

    # ---------------------------------------------------------------- map
    labels = {"code": "Code", "name": LEVELS[niveau], "projects_n": "Projets IAE",
              "projects_per_100k": "Projets pour 100 000 hab.", "aci_n": "ACI", "ei_n": "EI", "etti_n": "ETTI",
              "ai_n": "AI", "eiti_n": "EITI", "qpv_n": "Dont en QPV", "rural_n": "Dont en commune rurale",
              "creations_n": "Créés", "jobs_etp": "Emplois créés (ETP)",
              "insertion_jobs_etp": "Postes d'insertion (ETP)"}
    decimals = 1 if metric == "projects_per_100k" else 0
    map_title = (f"Projets IAE détectés {period}, par {LEVEL_LOWER[niveau]}" if metric == "projects_n" else
                 f"Projets IAE détectés {period} pour 100 000 habitants, par {LEVEL_LOWER[niveau]}")
    fitted = bool(f.regs or f.deps)
    map_labels = {c: labels[c] for c in ["code", "name", "projects_n", "projects_per_100k"]}
    st.subheader(f"Carte par {LEVEL_LOWER[niveau]}", anchor=False)
    if niveau in ("reg", "dep"):
        fig = charts.choropleth(rows, level="region" if niveau == "reg" else "departement", code="code",
                                value=metric, name=unit_name, title=map_title, hover_name="name",
                                decimals=decimals)
        if fitted:
            charts.fit_view(fig, geo.to_map(geo.to_map(rows, "lon_min", "lat_min"), "lon_max", "lat_max"))
        hint = ("Cliquez sur une région pour afficher ses départements." if niveau == "reg"
                else "Cliquez sur un département pour afficher ses EPCI.")
        event = ui.chart(fig, rows, map_labels, key=f"iae_map_{niveau}", on_select="rerun",
                         caption=f"{hint} Toutes les pages suivent ce filtre. Outre-mer en encarts à gauche, "
                                 "agrandis (pas à l'échelle). Population municipale INSEE.")
        clicked = [str(p["location"]) for p in (event.selection["points"] if event else []) if p.get("location")]
        if clicked:
            code = clicked[0]
            st.session_state.pop(f"iae_map_{niveau}", None)
            if niveau == "reg" and code in opts.regions:
                ui.set_view(niveau=None)
                ui.set_filters(reg=(code,), dep=())
            elif niveau == "dep" and code in opts.departments:
                ui.set_view(niveau=None)
                ui.set_filters(reg=(opts.departments[code][1],), dep=(code,))
    elif protected and rows.empty:
        st.caption("Aucun territoire ne peut être affiché à ce niveau sans laisser deviner un effectif de 1 ou 2 "
                   "(secret statistique) : choisissez un niveau plus large.")
    elif protected:
        pts = geo.to_map(rows)
        pts["hover"] = pts["name"] + " : " + pts["projects_n"].map(lambda v: fmt.by_suffix("projects_n", v)) \
            + " projet(s) IAE"
        fig = charts.map_figure([charts.points(pts, name="Territoires avec au moins un projet", hover="hover")],
                                map_title)
        if fitted:
            charts.fit_view(fig, geo.to_map(geo.to_map(rows, "lon_min", "lat_min"), "lon_max", "lat_max"))
        ui.chart(fig, pts, map_labels, key=f"iae_map_{niveau}",
                 caption="Vue protégée : sous le département, les effectifs de 1 ou 2 s'affichent « < 3 » et "
                         "d'autres sont masqués (« secret ») pour qu'on ne puisse pas les retrouver par différence.")
    else:
        pts = geo.to_map(rows)
        fig = charts.bubble_map(pts, value=metric, name=unit_name, title=map_title, hover_name="name", code="code",
                                decimals=decimals)
        if fitted:
            charts.fit_view(fig, geo.to_map(geo.to_map(rows, "lon_min", "lat_min"), "lon_max", "lat_max"))
        ui.chart(fig, rows, map_labels, key=f"iae_map_{niveau}",
                 caption=f"Les {LEVEL_PLURAL[niveau]} n'ont pas de contour sur cette carte : chaque point est placé "
                         "au centre du territoire, sa taille et sa couleur suivent l'indicateur. Seuls les "
                         f"{LEVEL_PLURAL[niveau]} ayant au moins un projet apparaissent. "
                         "Outre-mer en encarts à gauche, agrandis (pas à l'échelle).")

    # ---------------------------------------------------------------- breakdowns
    if protected:
        st.caption("Vue partenaire : les graphiques par commune ou par EPCI ne sont pas affichés ; "
                   "le tableau ci-dessous protège les effectifs inférieurs à 3.")
    else:
        top = rows.head(TOP)
        shown = (f"les {TOP} {LEVEL_PLURAL[niveau]} qui comptent le plus de projets" if len(rows) > TOP
                 else f"{LEVEL_PLURAL[niveau]} du périmètre")
        bar_height = 140 + 26 * len(top)
        st.subheader("Types de structures d'insertion (SIAE)", anchor=False)
        ui.chart(charts.bars(top, "name", SIAE_COLUMNS, title=f"Projets IAE par type de SIAE, {shown}",
                             labels=labels, horizontal=True, height=bar_height),
                 top, {c: labels[c] for c in ["code", "name", "projects_n", *SIAE_COLUMNS]}, key="iae_siae",
                 caption="ACI : atelier et chantier d'insertion · EI : entreprise d'insertion · ETTI : entreprise de "
                         "travail temporaire d'insertion · AI : association intermédiaire · EITI : entreprise "
                         "d'insertion par le travail indépendant. Type visé par le projet.")
        st.subheader("Quartiers prioritaires et communes rurales", anchor=False)
        ui.chart(charts.bars(top, "name", ["projects_n", "qpv_n", "rural_n"], stacked=False, horizontal=True,
                             title="Projets IAE, dont en quartier prioritaire (QPV) et en commune rurale",
                             labels=labels, height=bar_height + 120),
                 top, {c: labels[c] for c in ["code", "name", "projects_n", "qpv_n", "rural_n"]}, key="iae_zones",
                 caption=f"{shown[0].upper() + shown[1:]}. QPV : carte 2024 ; commune rurale : grille de densité INSEE "
                         "(peu dense ou très peu dense).")
        st.subheader("Emplois créés", anchor=False)
        ui.chart(charts.bars(top, "name", ["jobs_etp", "insertion_jobs_etp"], stacked=False, horizontal=True,
                             title="Emplois et postes d'insertion créés (ETP)", labels=labels, decimals=1,
                             unit=" ETP", height=bar_height + 80),
                 top, {c: labels[c] for c in ["code", "name", "creations_n", "jobs_etp", "insertion_jobs_etp"]},
                 key="iae_jobs",
                 caption=f"{shown[0].upper() + shown[1:]}. Projets détectés pendant la période et créés au plus tard "
                         f"en {f.year_to}, en équivalents temps plein.")

    # ---------------------------------------------------------------- table
    st.subheader(f"Tableau par {LEVEL_LOWER[niveau]}", anchor=False)
    st.caption("Cliquez sur un en-tête de colonne pour trier. Taux pour 100 000 habitants : population "
               "municipale INSEE du territoire." + (" Un EPCI à cheval sur plusieurs départements ne compte "
                                                   "que ses projets situés dans le périmètre."
                                                   if niveau == "epci" else ""))
    # Each territory opens its fiche (a new tab, same filters).
    ui.table(rows.assign(fiche_url=[ui.fiche_url(niveau, c) for c in rows["code"]]),
             {**labels, "fiche_url": "Fiche territoire"}, key="iae_table",
             column_config={"Fiche territoire": ui.fiche_column()})
    if protected and rows.attrs.get("hidden_rows"):
        st.caption(f"{rows.attrs['hidden_rows']} territoire(s) non affiché(s) : leur effectif se déduirait du "
                   "total du département.")

ui.footer()
