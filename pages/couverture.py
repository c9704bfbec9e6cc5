"""Couverture des contrats: les territoires sous contrat sont-ils couverts ? Rates, by territory, zones blanches."""
import streamlit as st

from fabrique import charts, data, fmt, geo, ui

# URL code -> (label of the family, one contract, several, "none" and "all" in French agreement)
FAMILIES = {
    "qpv": ("Quartiers prioritaires (QPV)", "QPV", "QPV", "aucun QPV", "Tous les QPV"),
    "ville": ("EPCI sous contrat de ville", "EPCI", "EPCI", "aucun EPCI sous contrat de ville", "Tous les EPCI"),
    "ruralite": ("Contrats de ruralité (CRTE)", "CRTE", "CRTE", "aucun CRTE", "Tous les CRTE"),
    "leader": ("LEADER (GAL)", "GAL", "GAL", "aucun GAL", "Tous les GAL"),
    "pvd": ("Petites villes de demain", "commune PVD", "communes PVD", "aucune commune PVD",
            "Toutes les communes PVD"),
    "acv": ("Action cœur de ville", "commune ACV", "communes ACV", "aucune commune ACV", "Toutes les communes ACV"),
}
LEVELS = {"reg": "Région", "dep": "Département"}
SQL_FAMILY = {"ruralite": "crte"}
UNCOVERED, COVERED = charts.PALETTE[5], charts.PALETTE[0]  # vermilion / blue (colour-blind safe pair)

PROXY_RULE = ("faute de liste ouverte des signataires, un EPCI est compté « sous contrat de ville » dès qu'une de "
              "ses communes compte un quartier prioritaire (approximation usuelle).")
PROXY_NOTE = "Contrats de ville 2024-2030 : " + PROXY_RULE
GAL_MISSING = (
    "**LEADER (GAL) : aucun périmètre importé.** Il n'existe pas de liste ouverte des communes couvertes par "
    "les groupes d'action locale (GAL) LEADER 2023-2027 ; la couverture LEADER ne peut donc pas être calculée. "
    "Pour l'ajouter, préparez un fichier CSV avec les colonnes `gal_id`, `gal_name` et soit `insee_code` "
    "(une ligne par commune), soit `epci_siren` (une ligne par EPCI), puis lancez :\n\n"
    "`python -m fabrique import-gal FICHIER.csv`"
)

ctx = ui.context()
f, opts = ctx.filters, ctx.options
ui.header("Couverture des contrats", "Les territoires sous contrat sont-ils couverts ?",
          "Part des territoires sous contrat (quartiers prioritaires, contrats de ville, contrats de ruralité, "
          "LEADER, Petites villes de demain, Action cœur de ville) où au moins un projet a été détecté pendant "
          "la période, et carte des « zones blanches » : territoires sous contrat sans aucun projet.")
ui.context_line(ctx)
period = f.period
gal_loaded = int(data.build_info().get("rows", {}).get("leader_communes", 0) or 0) > 0


def fit_to(fig, rows, dep: str) -> None:
    """Frame a map on the extent of its rows (lon_min..lat_max, moved into the overseas insets)."""
    box = geo.to_map(geo.to_map(rows, "lon_min", "lat_min", dep=dep), "lon_max", "lat_max", dep=dep)
    charts.fit_view(fig, box)


shares = data.load("coverage/project_shares", ctx)
total_projects = int(shares["total_n"].iloc[0]) if not shares.empty else 0
rates = data.load("coverage/rates", ctx, level="france", family=None).set_index("family")

if total_projects == 0:
    ui.empty(f"Aucun projet détecté de {period} dans le périmètre choisi : aucun territoire sous contrat "
             "n'est couvert.")
else:
    # ------------------------------------------------------------ national figures, one tile per family
    st.subheader(f"Territoires sous contrat touchés par au moins un projet détecté de {period}", anchor=False)
    cols = st.columns(3) + st.columns(3)
    for col, (code, (label, one, many, _, _)) in zip(cols, FAMILIES.items()):
        r = rates.loc[SQL_FAMILY.get(code, code)]
        with col:
            if code == "leader" and not gal_loaded:
                ui.kpi(label, "–", help="Aucun périmètre de GAL importé : voir l'encadré ci-dessous.")
                st.caption("Couverture non calculable : aucun périmètre de GAL importé.")
                continue
            ui.kpi(label, fmt.percent(r["coverage_pct"]),
                   help=f"{many[0].upper() + many[1:]} du périmètre ayant au moins un projet détecté pendant "
                        f"la période, rapportés à l'ensemble des {many} du périmètre.")
            st.caption(f"**{fmt.number(r['covered_n'])}** {one if r['covered_n'] <= 1 else many} avec au moins "
                       f"un projet sur **{fmt.number(r['contracts_n'])}** · "
                       f"{fmt.number(r['uncovered_n'])} en zone blanche")
    st.caption(PROXY_NOTE + " Un projet compte pour un QPV quand il y est localisé (code QPV du projet) ; pour "
               "les autres contrats, quand sa commune appartient au territoire du contrat.")
    if not gal_loaded:
        st.info(GAL_MISSING, icon=":material/info:")

    # ------------------------------------------------------------ one family: by territory and zones blanches
    st.subheader("Détail par famille de contrats", anchor=False)
    c1, c2 = st.columns([2, 1])
    with c1:
        st.selectbox("Famille de contrats", [c for c in FAMILIES], format_func=lambda c: FAMILIES[c][0],
                     **ui.view_widget("famille", to_widget=lambda v: v if v in FAMILIES else "qpv"))
    with c2:
        st.segmented_control("Niveau", list(LEVELS), format_func=LEVELS.get, required=True,
                             help="Regroupement des contrats par région ou par département de leur territoire.",
                             **ui.view_widget("niveau"))
    family = ctx.view["famille"] if ctx.view["famille"] in FAMILIES else "qpv"
    level = ctx.view["niveau"]
    zone = (f.deps[0] if level == "dep" and len(ctx.chosen.deps) == 1
            else f.regs[0] if level == "reg" and len(ctx.chosen.regs) == 1 else "")
    label, one, many, none, every = FAMILIES[family]
    many_cap = many[0].upper() + many[1:]
    level_word = LEVELS[level].lower()

    if family == "leader" and not gal_loaded:
        st.info(GAL_MISSING, icon=":material/info:")
    else:
        by_territory = data.load("coverage/rates", ctx, level=level, family=SQL_FAMILY.get(family, family))
        t_labels = {"territory_name": LEVELS[level], "territory_code": "Code",
                    "covered_n": f"{many_cap} avec au moins un projet", "contracts_n": f"{many_cap} du périmètre",
                    "uncovered_n": "Zones blanches", "coverage_pct": "Taux de couverture"}
        fig = charts.rate_choropleth(
            by_territory, level="region" if level == "reg" else "dep", code="territory_code",
            rate="coverage_pct", numerator="covered_n", denominator="contracts_n", name="Taux de couverture",
            hover_name="territory_name", height=560,
            title=f"{label} : part avec au moins un projet détecté de {period}, par {level_word}")
        if f.regs or f.deps:
            fit_to(fig, by_territory, "map_dep_code")
        event = ui.chart(fig, by_territory, t_labels, key=f"cov_map_{level}", on_select="rerun",
                         caption=f"Cliquez sur un{'e' if level == 'reg' else ''} {level_word} pour filtrer sur "
                                 f"{'elle' if level == 'reg' else 'lui'} (toutes les pages suivent) et lister ses "
                                 "zones blanches plus bas. Outre-mer en encarts à gauche, agrandis (pas à "
                                 f"l'échelle). En blanc : {none} dans le territoire.")
        clicked = [str(p["location"]) for p in (event.selection["points"] if event else []) if p.get("location")]
        if clicked and clicked[0] != zone:
            st.session_state.pop(f"cov_map_{level}", None)
            if level == "reg" and clicked[0] in opts.regions:
                ui.set_filters(reg=(clicked[0],), dep=())
            elif level == "dep" and clicked[0] in opts.departments:
                ui.set_filters(reg=(opts.departments[clicked[0]][1],), dep=(clicked[0],))
        st.markdown(f"**{label} par {level_word}** : nombre avec au moins un projet, nombre dans le périmètre et "
                    "taux de couverture (cliquez sur un en-tête de colonne pour trier).")
        ui.table(by_territory.assign(fiche_url=[ui.fiche_url(level, c) for c in by_territory["territory_code"]]),
                 {**t_labels, "fiche_url": "Fiche territoire"}, height=min(35 * len(by_territory) + 40, 680),
                 key=f"cov_table_{level}", column_config={"Fiche territoire": ui.fiche_column()})
        if family in ("ruralite", "leader"):
            st.caption(f"Un {one} à cheval sur plusieurs {level_word}s compte une fois dans chaque {level_word} "
                       "où il est présent : les lignes ne s'additionnent pas au total du périmètre.")
        elif family == "ville":
            st.caption("Chaque EPCI est rattaché au département de son siège (et à sa région). " + PROXY_NOTE)

        # -------------------------------------------------------- zones blanches
        st.subheader(f"Zones blanches : {many} sans projet", anchor=False)
        contracts = data.load("coverage/contracts", ctx, family=SQL_FAMILY.get(family, family),
                              zone_reg=None, zone_dep=None)
        white = contracts[~contracts["is_covered"]]
        where_text = "le périmètre choisi"
        if contracts.empty:
            ui.empty(f"{none.capitalize()} dans {where_text}.")
        else:
            st.markdown(f"**{fmt.number(len(white))}** {one if len(white) <= 1 else many} sur "
                        f"**{fmt.number(len(contracts))}** sans aucun projet détecté de {period} "
                        f"dans {where_text}.")
            pts = geo.to_map(contracts)
            # Built here from the figures as this viewer may see them (« < 3 » for a partner).
            pts["hover_text"] = (pts["contract_name"] + " (" + pts["contract_id"] + ") · "
                                 + pts["projects_n"].map(lambda v: fmt.by_suffix("projects_n", v))
                                 + " projet(s) détecté(s)")
            point_of = {"qpv": "centre du quartier", "ville": "centre de l'EPCI, pondéré par la population",
                        "ruralite": "centre moyen des communes du contrat", "leader": "centre moyen des communes du GAL",
                        "pvd": "centre de la commune", "acv": "centre de la commune"}[family]
            fig = charts.map_figure(
                [charts.grey_departements(opts.departments),
                 charts.points(pts[~pts["is_covered"]], name="Sans projet (zone blanche)", hover="hover_text",
                               colour=UNCOVERED, size=7),
                 charts.points(pts[pts["is_covered"]], name="Au moins un projet", hover="hover_text",
                               colour=COVERED, size=10)],
                f"{label} : zones blanches et territoires couverts, {period}", height=560)
            if f.regs or f.deps:
                fit_to(fig, contracts, "dep_code")
            ui.chart(fig, contracts, {"contract_name": "Nom", "contract_id": "Code", "dep_label": "Département",
                                      "projects_n": "Projets détectés"}, key=f"cov_zones_map_{family}",
                     caption=f"Un point par {one} ({point_of}) ; en orange ceux sans aucun projet détecté "
                             "pendant la période. Outre-mer en encarts à gauche, agrandis (pas à l'échelle).")
            if white.empty:
                st.success(f"{every} du périmètre choisi ont au moins un "
                           "projet détecté pendant la période.", icon=":material/check_circle:")
            else:
                st.markdown(f"**Liste des zones blanches** ({many} sans projet, cliquez sur un en-tête pour trier)")
                # FRR, PVD and ACV zones are communes: each opens its commune's fiche.
                commune_zones = family in ("frr", "pvd", "acv")
                ui.table(white.assign(fiche_url=[ui.fiche_url("commune", c) for c in white["contract_id"]])
                         if commune_zones else white,
                         {"contract_name": "Nom", "contract_id": "Code", "dep_label": "Département",
                          **({"fiche_url": "Fiche territoire"} if commune_zones else {})},
                         height=400, key="cov_zones_table",
                         column_config={"Fiche territoire": ui.fiche_column()} if commune_zones else None)

    # ------------------------------------------------------------ projects by zoning
    st.subheader(f"Où se situent les {fmt.number(total_projects)} projets détectés de {period} ?", anchor=False)
    s_labels = {"zoning_name": "Zonage", "projects_n": "Projets dans le zonage", "total_n": "Projets détectés",
                "share_pct": "Part des projets"}
    ui.chart(charts.rate_bars(shares, "zoning_name", "share_pct", title="Part des projets situés dans chaque zonage",
                              labels=s_labels, fraction=("projects_n", "total_n"), colour=COVERED, height=380),
             shares, s_labels, key="cov_shares",
             caption="Un projet peut relever de plusieurs zonages : les parts ne s'additionnent pas. "
                     "Commune rurale : communes « peu denses » ou « très peu denses » de la grille de densité "
                     "de l'INSEE." + ("" if gal_loaded else " LEADER : aucun périmètre de GAL importé (–)."))

    with st.expander("Méthode : comment ces taux sont calculés"):
        st.markdown(
            f"""
- **Projets pris en compte** : projets détectés de {period} (année de détection), qui respectent tous les
  filtres (structure, statut, IAE, type de SIAE, zonage, étape) ; filtres de région et de département compris.
- **Périmètre (dénominateur)** : les filtres de région et de département s'appliquent au **territoire du
  contrat** : le QPV (son département), l'EPCI (département de son siège), la commune PVD ou ACV ; un CRTE ou un
  GAL est dans le périmètre dès qu'une de ses communes l'est.
- **Couvert (numérateur)** : au moins un projet de la période situé dans le QPV (code QPV du projet) ou dans une
  commune du territoire du contrat.
- **Contrats de ville 2024-2030** : {PROXY_RULE}
- **Géographie** : les 101 départements (COG 2026). Les 88 QPV de Polynésie française et les 3 QPV de
  Saint-Martin, collectivités hors de la liste des communes du COG, ne sont pas comptés parmi les 1 584 QPV de
  la carte 2024. Contrats de ruralité : liste des CRTE de fin 2022.
- **Par région ou département** : QPV, EPCI, communes PVD et ACV sont chacun dans un seul territoire, et les
  lignes s'additionnent au total ; un CRTE ou un GAL à cheval sur plusieurs territoires compte dans chacun.
"""
        )

ui.footer()
