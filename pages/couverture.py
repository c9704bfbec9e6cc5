"""Couverture des contrats: les territoires sous contrat sont-ils couverts ? Rates with their numerator and
denominator, by territory, zones blanches, where the projects lie, and where the network is present."""
import streamlit as st

from fabrique import charts, data, dictionary, fmt, geo, ui, vocab

LEVELS = {"reg": "Région", "dep": "Département"}
UNCOVERED, COVERED = charts.PALETTE[5], charts.PALETTE[0]  # vermilion / blue (colour-blind safe pair)
FAMILIES = vocab.CONTRACT_FAMILIES
PERIMETERS = vocab.PERIMETERS
THRESHOLDS = vocab.COVERAGE_THRESHOLDS
# Where the point of each contract is drawn (said under the zones blanches map).
POINT_OF = {"qpv": "centre du quartier", "ville": "centre de ses communes, pondéré par la population",
            "ruralite": "centre moyen des communes du contrat", "frr": "centre de la commune",
            "leader": "centre moyen des communes du GAL", "pvd": "centre de la commune",
            "acv": "centre de la commune"}
PROXY_RULE = ("faute de liste ouverte des signataires, un contrat de ville est compté pour chaque EPCI comptant au "
              "moins un quartier prioritaire ; dans la Métropole du Grand Paris, pour chacun des 11 établissements "
              "publics territoriaux (EPT) et pour Paris, qui signent à la place de la Métropole (approximation "
              "usuelle).")
RURAL_RULE = ("contrats de ruralité : les CRTE « à dominante rurale », où au moins la moitié de la population "
              "municipale vit dans des communes rurales (grille de densité INSEE, niveaux 5 à 7) ; les CRTE dans "
              "leur ensemble couvrent presque toute la France et ne disent rien de la ruralité.")
GAL_MISSING = (
    "**LEADER (GAL) : aucun périmètre importé.** Il n'existe pas de liste ouverte des communes couvertes par "
    "les groupes d'action locale (GAL) LEADER 2023-2027 ; la couverture LEADER ne peut donc pas être calculée."
)
# For the Avise team only (not shown to partners, never printed).
GAL_HOW_TO = (
    "Pour l'ajouter, préparez un fichier (CSV ou XLSX) avec les colonnes `gal_id`, `gal_name` et soit "
    "`insee_code` (une ligne par commune), soit `epci_siren` (une ligne par EPCI), puis lancez "
    "`python -m fabrique import-gal FICHIER` (ou l'écran « Importer des données »)."
)
GAL_DEMO = ("LEADER : les périmètres de GAL de la démonstration sont **fictifs** (« GAL fictif n° … », environ 300 "
            "groupes d'EPCI surtout ruraux couvrant 80 % des communes, comme les 308 GAL réels) ; ils sont "
            "remplacés par tout fichier de GAL importé.")


def many(code: str) -> str:
    return FAMILIES[code].many


ctx = ui.context()
f, opts = ctx.filters, ctx.options
ui.header("Couverture des contrats", "Les territoires sous contrat sont-ils couverts ?",
          "Part des territoires sous contrat (quartiers prioritaires, contrats de ville, contrats de ruralité, France "
          "ruralités revitalisation, LEADER, Petites villes de demain, Action cœur de ville) où au moins un projet de "
          "la période a atteint l'étape choisie, et carte des « zones blanches » : territoires sous contrat sans "
          "aucun projet.")
ui.context_line(ctx)
period = f.period
during = f.during   # « en 2022 », « de 2019 à 2024 »
gal_source = data.build_info().get("meta", {}).get("gal_source", "aucun")
gal_loaded = gal_source != "aucun"

# ---------------------------------------------------------------- the two choices every rate depends on
def choices() -> None:
    c1, c2 = st.columns(2)
    with c1:
        st.segmented_control("Dénominateur", PERIMETERS.codes, format_func=PERIMETERS.label, required=True,
                             help="Territoires du réseau : les contrats situés dans les départements couverts par "
                                  "les structures retenues. France entière : tous les contrats de la zone filtrée.",
                             **ui.view_widget("perimetre"))
    with c2:
        st.segmented_control("Un contrat est atteint quand…", THRESHOLDS.codes,
                             format_func=lambda c: {"detection": "un projet y est détecté",
                                                    "etude": "… arrivé à l'étude",
                                                    "creation": "… créé"}[c],
                             required=True, help="Seuil : l'étape qu'au moins un projet de la période doit avoir "
                                                 "atteinte dans le contrat pour qu'il compte comme atteint.",
                             **ui.view_widget("seuil"))


# Meeting mode: the figures first (on the first screen of a wall display), the two choices under them.
if not ctx.meeting:
    choices()
perimetre, seuil = ctx.view["perimetre"], ctx.view["seuil"]
threshold_text = {"detection": "au moins un projet détecté", "etude": "au moins un projet arrivé à l'étude "
                  "d'opportunité", "creation": "au moins un projet créé"}[seuil]
other = "france" if perimetre == "reseau" else "reseau"
params = {"perimetre": perimetre, "seuil": seuil}

shares = data.load("coverage/project_shares", ctx)
total_projects = int(shares["total_n"].iloc[0]) if not shares.empty else 0
rates = data.load("coverage/contract_rates", ctx, level="france", family=None, **params).set_index("family")

if total_projects == 0:
    ui.empty(f"Aucun projet détecté {during} dans le périmètre choisi : aucun territoire sous contrat "
             "n'est couvert.")
    if ctx.meeting:
        choices()
else:
    # ------------------------------------------------------------ national figures, one tile per family
    st.subheader(f"Contrats atteints : {threshold_text} {during}", anchor=False)
    if ctx.meeting:
        st.caption(f"Dénominateur : **{PERIMETERS.label(perimetre).lower()}**. Sous chaque taux : contrats "
                   "atteints sur contrats du dénominateur.")
    else:
        st.caption(f"Dénominateur : **{PERIMETERS.label(perimetre).lower()}** ({PERIMETERS[perimetre].rule}). "
                   f"Chaque taux est donné avec son numérateur et son dénominateur, et l'effectif des contrats "
                   f"pour « {PERIMETERS.label(other).lower()} ».")
    # Meeting mode (large type): the two long names (contrats de ruralité, FRR) get wider tiles, so that their
    # row is one line shorter and the second row stays on the first screen.
    cols = st.columns([1, 1, 1.35, 1.35] if ctx.meeting else 4) + st.columns(3)
    for col, term in zip(cols, FAMILIES):
        code = term.code
        r = rates.loc[code]
        with col:
            if code == "leader" and not gal_loaded:
                ui.kpi(term.label, "–", help="Aucun périmètre de GAL importé : voir l'encadré ci-dessous.")
                st.caption("Couverture non calculable : aucun périmètre de GAL importé.")
                continue
            # Meeting mode: numerator and denominator inside the tile, the details below the page's fold.
            fraction = (f"{fmt.number(r['covered_n'])} sur {fmt.number(r['contracts_n'])}" if ctx.meeting else None)
            ui.kpi(term.label, fmt.percent(r["coverage_pct"]),
                   {"delta": fraction, "delta_color": "off", "delta_arrow": "off"} if fraction else None,
                   help=f"{term.many[0].upper() + term.many[1:]} avec {threshold_text} {during}, rapportés "
                        f"aux {term.many} du dénominateur ({PERIMETERS.label(perimetre).lower()}).")
            if ctx.meeting:
                continue
            other_n = r[f"contracts_{other}_n"]
            lines = [f"**{fmt.number(r['covered_n'])}** sur **{fmt.number(r['contracts_n'])}** {term.many} · "
                     f"{fmt.number(r['uncovered_n'])} en zone blanche",
                     f"{PERIMETERS.label(other)} : {fmt.number(r[f'covered_{other}_n'])} sur "
                     f"{fmt.number(other_n)}"]
            if code == "ville":
                lines.append(f"Avec un projet dans une commune comptant un QPV (sans code QPV) : "
                             f"{fmt.number(r['covered_qpv_commune_n'])}")
            if code in ("qpv", "ville"):
                lines.append(f"{fmt.number(r['qpv_code_missing_n'])} projet(s) situé(s) dans une commune comptant "
                             "un QPV n'ont pas de code QPV : ils ne comptent pas ici.")
            st.caption("  \n".join(lines))
    if ctx.meeting:
        choices()
    st.caption("Contrats de ville 2024-2030 : " + PROXY_RULE + " Un contrat de ville est atteint quand un projet "
               "est situé dans l'un de ses QPV (code QPV du projet). " + RURAL_RULE[0].upper() + RURAL_RULE[1:])
    if not gal_loaded:
        st.info(GAL_MISSING, icon=":material/info:")
        ui.staff_help(GAL_HOW_TO, "gal")
    elif gal_source == "demo":
        st.caption(GAL_DEMO)

    # ------------------------------------------------------------ one family: by territory and zones blanches
    st.subheader("Détail par famille de contrats", anchor=False)
    c1, c2 = st.columns([2, 1])
    with c1:
        st.selectbox("Famille de contrats", FAMILIES.codes, format_func=FAMILIES.label,
                     **ui.view_widget("famille"))
    with c2:
        # One région in the filters: a map of that région alone would say nothing, its départements are shown.
        one_region = len({opts.departments[d][1] for d in opts.departments_of(f.regs)
                          if not f.deps or d in f.deps}) == 1
        level = "dep" if one_region else (ctx.view["niveau"] or "reg")
        st.segmented_control("Niveau", list(LEVELS), format_func=LEVELS.get, required=True,
                             help="Regroupement des contrats par région ou par département de leur territoire. "
                                  "Quand les filtres retiennent une seule région, ses départements.",
                             **ui.view_widget("niveau", to_widget=lambda v: level))
    family = ctx.view["famille"]
    term = FAMILIES[family]
    label, one, plural = term.label, term.one, term.many
    plural_cap = plural[0].upper() + plural[1:]
    level_word = LEVELS[level].lower()

    if family == "leader" and not gal_loaded:
        st.info(GAL_MISSING, icon=":material/info:")
        ui.staff_help(GAL_HOW_TO, "gal_detail")
    else:
        by_territory = data.load("coverage/contract_rates", ctx, level=level, family=family, **params)
        t_labels = {"territory_name": LEVELS[level], "territory_code": "Code",
                    "covered_n": f"{plural_cap} atteints", "contracts_n": f"{plural_cap} du dénominateur",
                    "uncovered_n": "Zones blanches", "coverage_pct": "Taux de couverture"}
        fig = charts.rate_choropleth(
            by_territory, level="region" if level == "reg" else "dep", code="territory_code",
            rate="coverage_pct", numerator="covered_n", denominator="contracts_n", name="Taux de couverture",
            hover_name="territory_name", height=560,
            title=f"{label} : part atteinte ({threshold_text}, {period}), par {level_word}")
        if f.regs or f.deps:
            box = geo.to_map(geo.to_map(by_territory, "lon_min", "lat_min", dep="map_dep_code"),
                             "lon_max", "lat_max", dep="map_dep_code")
            charts.fit_view(fig, box)
        event = ui.chart(fig, by_territory, t_labels, key=f"cov_map_{level}", on_select="rerun",
                         caption=f"Cliquez sur un{'e' if level == 'reg' else ''} {level_word} pour filtrer sur "
                                 f"{'elle' if level == 'reg' else 'lui'} (toutes les pages suivent) et lister ses "
                                 "zones blanches plus bas. Outre-mer en encarts à gauche, agrandis (pas à "
                                 f"l'échelle). En blanc : aucun {one} dans le territoire.")
        clicked = [str(p["location"]) for p in (event.selection["points"] if event else []) if p.get("location")]
        current = ctx.chosen.regs if level == "reg" else ctx.chosen.deps
        if clicked and (clicked[0],) != current:
            st.session_state.pop(f"cov_map_{level}", None)
            if level == "reg" and clicked[0] in opts.regions:
                ui.set_filters(reg=(clicked[0],), dep=())
            elif level == "dep" and clicked[0] in opts.departments:
                ui.set_filters(reg=(opts.departments[clicked[0]][1],), dep=(clicked[0],))
        st.markdown(f"**{label} par {level_word}** : nombre atteint, nombre au dénominateur et taux de couverture "
                    "(cliquez sur un en-tête de colonne pour trier).")
        ui.table(by_territory.assign(fiche_url=[ui.fiche_url(level, c) for c in by_territory["territory_code"]]),
                 {**t_labels, "fiche_url": "Fiche territoire"}, height=min(35 * len(by_territory) + 40, 680),
                 key=f"cov_table_{level}", column_config={"Fiche territoire": ui.fiche_column()})
        if family in ("ruralite", "leader"):
            st.caption(f"Un {one} à cheval sur plusieurs {level_word}s compte une fois dans chaque {level_word} "
                       "où il est présent : les lignes ne s'additionnent pas au total du périmètre.")
        elif family == "ville":
            st.caption("Chaque contrat de ville est rattaché au département de son siège (et à sa région). "
                       + PROXY_RULE)

        # -------------------------------------------------------- zones blanches
        st.subheader(f"Zones blanches : {plural} sans projet", anchor=False)
        contracts = data.load("coverage/contract_list", ctx, family=family, zone_reg=None, zone_dep=None, **params)
        white = contracts[~contracts["is_covered"].astype(bool)]
        if contracts.empty:
            ui.empty(f"Aucun {one} dans le périmètre choisi.")
        else:
            st.markdown(f"**{fmt.number(len(white))}** {one if len(white) <= 1 else plural} sur "
                        f"**{fmt.number(len(contracts))}** sans {threshold_text} {during} "
                        f"({PERIMETERS.label(perimetre).lower()}).")
            pts = geo.to_map(contracts)
            # Built here from the figures as this viewer may see them (« < 3 » for a partner).
            pts["hover_text"] = (pts["contract_name"] + " (" + pts["contract_id"] + ") · "
                                 + pts["projects_n"].map(lambda v: fmt.by_suffix("projects_n", v))
                                 + " projet(s) au seuil")
            covered = pts["is_covered"].astype(bool)
            fig = charts.map_figure(
                [charts.grey_departements(opts.departments),
                 charts.points(pts[~covered], name="Sans projet (zone blanche)", hover="hover_text",
                               colour=UNCOVERED, size=7),
                 charts.points(pts[covered], name="Atteint", hover="hover_text", colour=COVERED, size=10)],
                f"{label} : zones blanches et contrats atteints, {period}", height=560)
            if f.regs or f.deps:
                charts.fit_view(fig, geo.to_map(geo.to_map(contracts, "lon_min", "lat_min"), "lon_max", "lat_max"))
            ui.chart(fig, contracts, {"contract_name": "Nom", "contract_id": "Code", "contract_kind": "Signataire",
                                      "dep_label": "Département", "projects_n": "Projets au seuil"},
                     key=f"cov_zones_map_{family}",
                     caption=f"Un point par {one} ({POINT_OF[family]}) ; en orange ceux sans {threshold_text} "
                             "pendant la période. Outre-mer en encarts à gauche, agrandis (pas à l'échelle).")
            if white.empty:
                st.success(f"Tous les {plural} du périmètre choisi ont {threshold_text} pendant la période.",
                           icon=":material/check_circle:")
            else:
                st.markdown(f"**Liste des zones blanches** ({plural} sans projet, cliquez sur un en-tête pour trier)")
                # FRR, PVD and ACV zones are communes: each opens its commune's fiche.
                commune_zones = family in ("frr", "pvd", "acv")
                ui.table(white.assign(fiche_url=[ui.fiche_url("commune", c) for c in white["contract_id"]])
                         if commune_zones else white,
                         {"contract_name": "Nom", "contract_id": "Code", "contract_kind": "Signataire",
                          "dep_label": "Département", **({"fiche_url": "Fiche territoire"} if commune_zones else {})},
                         height=400, key="cov_zones_table",
                         column_config={"Fiche territoire": ui.fiche_column()} if commune_zones else None)

    # ------------------------------------------------------------ projects by zoning
    st.subheader(f"Où se situent les {fmt.number(total_projects)} projets détectés {during} ?", anchor=False)
    s_labels = {"zoning_name": "Zonage", "projects_n": "Projets dans le zonage", "total_n": "Projets détectés",
                "share_pct": "Part des projets"}
    ui.chart(charts.rate_bars(shares, "zoning_name", "share_pct", title="Part des projets situés dans chaque zonage",
                              labels=s_labels, fraction=("projects_n", "total_n"), colour=COVERED, height=420),
             shares, s_labels, key="cov_shares",
             caption="Un projet peut relever de plusieurs zonages : les parts ne s'additionnent pas. "
                     f"Quartier prioritaire : projets dont le code QPV est connu ; {fmt.number(shares['qpv_code_missing_n'].iloc[0])} "
                     "projet(s) situé(s) dans une commune comptant un QPV n'ont pas de code QPV. Commune rurale : "
                     "communes « peu denses » ou « très peu denses » de la grille de densité de l'INSEE."
                     + ("" if gal_loaded else " LEADER : aucun périmètre de GAL importé (–)."))

# ---------------------------------------------------------------- network presence
st.subheader("Où le réseau est-il présent ?", anchor=False)
presence = data.load("coverage/network_presence", ctx, level="dep")
presence_epci = data.load("coverage/network_presence", ctx, level="epci")
if presence.empty:
    ui.empty()
else:
    p0, e0 = presence.iloc[0], (presence_epci.iloc[0] if not presence_epci.empty else None)
    k = st.columns(2)
    with k[0]:
        ui.kpi("Présence du réseau (départements)", fmt.percent(p0["presence_pct"]),
               help=dictionary.by_code("presence_departments").definition)
        st.caption(f"**{fmt.number(p0['present_n'])}** départements sur **{fmt.number(p0['territories_n'])}** "
                   f"couverts par au moins une structure active en {f.year_to}.")
    if e0 is not None:
        with k[1]:
            ui.kpi("Présence du réseau (EPCI)", fmt.percent(e0["presence_pct"]),
                   help=dictionary.by_code("presence_epci").definition)
            st.caption(f"**{fmt.number(e0['present_n'])}** EPCI sur **{fmt.number(e0['territories_n'])}** ayant au "
                       "moins une commune dans un département couvert.")
    shown = presence.assign(present_n=presence["is_present"].astype(int),
                            label=presence["name"] + " : " + presence["structure_names"].fillna("aucune structure"))
    fig = charts.choropleth(shown, level="dep", code="code", value="present_n", name="Présence",
                            hover_name="label", colorscale=[[0, "#f4f4f4"], [1, "#6fbf98"]], zmax=1,
                            title=f"Départements couverts par au moins une structure active en {f.year_to}")
    ui.chart(fig, presence, {"code": "Code", "name": "Département", "is_present": "Réseau présent",
                             "structures_n": "Structures", "structure_names": "Structures présentes"},
             key="cov_presence", caption="En vert : au moins une structure du réseau (active à la fin de la période) "
                                         "couvre le département. Outre-mer en encarts à gauche.")

with st.expander("Méthode : comment ces taux sont calculés"):
    st.markdown(
        f"""
- **Projets pris en compte** : projets détectés {during} (année de détection), qui respectent tous les filtres
  (structure, statut en fin de période, IAE, type de SIAE, zonage, étape).
- **Seuil** (« {THRESHOLDS.label(seuil)} ») : un contrat compte comme atteint quand un de ces projets y a atteint
  l'étape choisie (détection, étude d'opportunité ou création).
- **Dénominateur** : {PERIMETERS.label(perimetre)} — {PERIMETERS[perimetre].rule}. Les filtres de région et de
  département délimitent les contrats par leur propre territoire.
- **Contrats de ville 2024-2030** : {PROXY_RULE}
- **Contrats de ruralité** : {RURAL_RULE}
- **Quartiers prioritaires** : un projet est dans un QPV quand son code QPV est connu (saisi, ou trouvé à partir de
  ses coordonnées) ; un projet situé dans une commune qui compte un QPV n'y est pas forcément.
- **Géographie** : les 101 départements (COG 2026). Les 88 QPV de Polynésie française et les 3 QPV de Saint-Martin,
  hors de la liste des communes du COG, ne sont pas comptés parmi les 1 584 QPV de la carte 2024.
- **Par région ou département** : QPV, contrats de ville, communes FRR, PVD et ACV sont chacun dans un seul
  territoire, et les lignes s'additionnent ; un CRTE ou un GAL à cheval sur plusieurs territoires compte dans chacun.
- Le dictionnaire complet (numérateur, dénominateur, unité, source, millésime) est sur la page « Méthode et données ».
"""
    )

ui.footer()
