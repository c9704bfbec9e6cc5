"""Projets IAE par territoire: où naissent les projets d'insertion ? Map with drill-down, SIAE types, QPV/rural, jobs."""
import streamlit as st

from fabrique import charts, data, fmt, geo, partners, ui

LEVELS = {"reg": "Région", "dep": "Département", "epci": "EPCI", "commune": "Commune"}
LEVEL_LOWER = {"reg": "région", "dep": "département", "epci": "EPCI", "commune": "commune"}
LEVEL_PLURAL = {"reg": "régions", "dep": "départements", "epci": "EPCI", "commune": "communes"}
METRICS = {"projects_n": "Nombre de projets", "projects_per_100k": "Projets pour 100 000 habitants"}
VIEW_KEYS = ("niveau", "zoom_reg", "zoom_dep")
SIAE_COLUMNS = ["aci_n", "ei_n", "etti_n", "ai_n", "eiti_n"]
TOP = 20

f = ui.current_filters()
opts = data.options()
ui.header("Projets IAE par territoire", "Où naissent les projets d'insertion ?",
          "Projets d'insertion par l'activité économique (IAE) détectés pendant la période, situés par la "
          "commune du projet. Cliquez sur une région de la carte pour voir ses départements, puis sur un "
          "département pour voir ses EPCI et ses communes.")
ui.context_line(f)

# ---------------------------------------------------------------- view state: niveau and zoom, kept in the link
s = st.session_state
regs_ok = [r for r in opts.regions if (not f.regs or r in f.regs)
           and (not f.deps or any(opts.departments[d][1] == r for d in f.deps))]
deps_ok = [d for d in opts.departments_of(f.regs) if not f.deps or d in f.deps]


def _show(raw: str) -> str:
    clean = "".join(ch for ch in str(raw) if ch.isprintable())
    return clean if len(clean) <= 40 else clean[:40] + "…"


def _view_from_url(url: dict) -> list[str]:
    """Seed the controls from the link; every invalid value falls back to its default with a notice."""
    notices = []
    niveau = url.get("niveau", "reg").strip().lower()
    if niveau not in LEVELS:
        notices.append(f"Paramètre « niveau » ignoré (valeurs possibles : reg, dep, epci, commune) : "
                       f"« {_show(url['niveau'])} ». Niveau « Région » utilisé.")
        niveau = "reg"
    zreg = url.get("zoom_reg", "").strip()
    if zreg and zreg not in regs_ok:
        why = "hors des régions filtrées" if zreg in opts.regions else "code de région inconnu"
        notices.append(f"Paramètre « zoom_reg » ignoré ({why}) : « {_show(zreg)} ». Vue sur toute la France.")
        zreg = ""
    zdep = url.get("zoom_dep", "").strip().upper()
    if zdep and (zdep not in deps_ok or (zreg and opts.departments[zdep][1] != zreg)):
        why = ("code de département inconnu" if zdep not in opts.departments
               else "hors des filtres ou de la région choisie")
        notices.append(f"Paramètre « zoom_dep » ignoré ({why}) : « {_show(zdep)} ». Zoom retiré.")
        zdep = ""
    if zdep:
        zreg = opts.departments[zdep][1]
    s["iae_niveau"], s["iae_zoom_reg"], s["iae_zoom_dep"] = niveau, zreg, zdep
    return notices


def _write_url(niveau: str, zreg: str, zdep: str) -> dict:
    """Only non-default values go in the link (niveau=reg and no zoom are the defaults)."""
    new = {k: v for k, v in [("niveau", niveau if niveau != "reg" else ""), ("zoom_reg", zreg),
                             ("zoom_dep", zdep)] if v}
    s["iae_last_view"] = new
    if new == url_view:
        return new
    for k in VIEW_KEYS:
        if k in st.query_params and k not in new:
            del st.query_params[k]
    if new:
        st.query_params.update(new)
    return new


url_view = {k: str(st.query_params[k])[:200] for k in VIEW_KEYS if k in st.query_params}
# Also when the page comes back after another one: Streamlit dropped the keys of its widgets meanwhile.
if url_view != s.get("iae_last_view") or "iae_niveau" not in s:  # first run, pasted link, Back/Forward, map click
    for notice in _view_from_url(url_view):
        st.warning(notice, icon=":material/warning:")
# The filter bar may have moved under the zoom since (e.g. another région chosen): drop what no longer fits.
if s.get("iae_zoom_reg") not in ["", *regs_ok]:
    s["iae_zoom_reg"] = ""
if s.get("iae_zoom_dep") not in ["", *deps_ok] or (
        s["iae_zoom_dep"] and s["iae_zoom_reg"] and opts.departments[s["iae_zoom_dep"]][1] != s["iae_zoom_reg"]):
    s["iae_zoom_dep"] = ""


def _on_zoom_reg() -> None:
    if s["iae_zoom_dep"] and opts.departments[s["iae_zoom_dep"]][1] != s["iae_zoom_reg"]:
        s["iae_zoom_dep"] = ""
    if s["iae_zoom_reg"] and s["iae_niveau"] == "reg":
        s["iae_niveau"] = "dep"


def _on_zoom_dep() -> None:
    if s["iae_zoom_dep"]:
        s["iae_zoom_reg"] = opts.departments[s["iae_zoom_dep"]][1]
        if s["iae_niveau"] in ("reg", "dep"):
            s["iae_niveau"] = "epci"


if f.iae == "non":
    ui.empty("Cette page ne porte que sur les projets IAE, or le filtre « Projets IAE » est réglé sur "
             "« Hors IAE » : aucun projet ne peut s'afficher. Choisissez « IAE » ou « Tous les projets » "
             "dans ce filtre.")
    ui.footer()
    st.stop()

c1, c2 = st.columns([1, 1.3])
c3, c4 = st.columns(2)
with c1:
    st.segmented_control("Niveau", list(LEVELS), key="iae_niveau", format_func=LEVELS.get, required=True,
                         help="Territoire de regroupement : région, département, EPCI (intercommunalité) "
                              "ou commune où se situe le projet.")
with c2:
    st.segmented_control("Indicateur de la carte", list(METRICS), key="iae_metric", default="projects_n",
                         format_func=METRICS.get, required=True,
                         help="Nombre de projets, ou nombre rapporté à la population municipale du territoire.")
with c3:
    st.selectbox("Zoom sur une région", ["", *regs_ok], key="iae_zoom_reg", on_change=_on_zoom_reg,
                 format_func=lambda r: opts.regions[r] if r else "Toute la France")
with c4:
    dep_choices = [d for d in deps_ok if not s["iae_zoom_reg"] or opts.departments[d][1] == s["iae_zoom_reg"]]
    st.selectbox("… un département", ["", *dep_choices], key="iae_zoom_dep", on_change=_on_zoom_dep,
                 format_func=lambda d: f"{d} – {opts.departments[d][0]}" if d else "Tous les départements")

niveau, metric = s["iae_niveau"], s["iae_metric"]
zreg, zdep = s["iae_zoom_reg"], s["iae_zoom_dep"]
_write_url(niveau, zreg, zdep)
zoom = {"zoom_reg": zreg or None, "zoom_dep": zdep or None}

where = " › ".join(["France entière" if not (f.regs or f.deps) else "Régions et départements filtrés"]
                   + ([opts.regions[zreg]] if zreg else []) + ([f"{opts.departments[zdep][0]} ({zdep})"] if zdep else []))
st.caption(f"Périmètre : {where} · regroupement par {LEVEL_LOWER[niveau]}.")

totals = data.load("iae/totals", f, **zoom).iloc[0]
rows = data.load("iae/by_territory", f, level=niveau, **zoom)
# Partner views: counts below 3 of a commune or an EPCI are not shown as such (see Méthode).
protected = ui.is_partner() and niveau in ("epci", "commune")

if totals["projects_n"] == 0:
    ui.empty("Aucun projet IAE détecté pendant la période dans ce périmètre.")
else:
    period = str(f.year_from) if f.year_from == f.year_to else f"{f.year_from} à {f.year_to}"
    k = st.columns(3)
    with k[0]:
        ui.kpi("Projets IAE détectés", fmt.number(totals["projects_n"]),
               help=f"Projets IAE dont le besoin a été détecté en {period}, dans le périmètre choisi.")
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
               f"d'insertion : projets détectés en {period} et créés au plus tard en {f.year_to}.")

    # ---------------------------------------------------------------- map
    labels = {"code": "Code", "name": LEVELS[niveau], "projects_n": "Projets IAE",
              "projects_per_100k": "Projets pour 100 000 hab.", "aci_n": "ACI", "ei_n": "EI", "etti_n": "ETTI",
              "ai_n": "AI", "eiti_n": "EITI", "qpv_n": "Dont en QPV", "rural_n": "Dont en commune rurale",
              "creations_n": "Créés", "jobs_etp": "Emplois créés (ETP)",
              "insertion_jobs_etp": "Postes d'insertion (ETP)"}
    unit_name = METRICS[metric]
    decimals = 1 if metric == "projects_per_100k" else 0
    map_title = (f"Projets IAE détectés en {period}, par {LEVEL_LOWER[niveau]}" if metric == "projects_n" else
                 f"Projets IAE détectés en {period} pour 100 000 habitants, par {LEVEL_LOWER[niveau]}")
    fitted = bool(f.regs or f.deps or zreg or zdep)
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
        event = ui.chart(fig, rows, map_labels, key=f"iae_map_{niveau}_{zreg}_{zdep}", on_select="rerun",
                         caption=f"{hint} Outre-mer en encarts à gauche, agrandis (pas à l'échelle). "
                                 "Population municipale INSEE.")
        clicked = [p["location"] for p in (event.selection["points"] if event else []) if p.get("location")]
        if clicked:
            code = str(clicked[0])
            if niveau == "reg" and code in regs_ok:
                st.query_params.update({"niveau": "dep", "zoom_reg": code})
                if "zoom_dep" in st.query_params:
                    del st.query_params["zoom_dep"]
                st.rerun()
            elif niveau == "dep" and code in deps_ok:
                st.query_params.update({"niveau": "epci", "zoom_reg": opts.departments[code][1], "zoom_dep": code})
                st.rerun()
    elif protected:
        pts = geo.to_map(partners.small_counts(rows))
        pts["hover"] = pts["name"] + " : " + pts["projects_n"] + " projet(s) IAE"
        fig = charts.map_figure([charts.points(pts, name="Territoires avec au moins un projet", hover="hover")],
                                map_title)
        if fitted:
            charts.fit_view(fig, geo.to_map(geo.to_map(rows, "lon_min", "lat_min"), "lon_max", "lat_max"))
        ui.chart(fig, pts, map_labels, key=f"iae_map_{niveau}_{zreg}_{zdep}",
                 caption="Vue partenaire : les effectifs inférieurs à 3 s'affichent « < 3 ».")
    else:
        pts = geo.to_map(rows)
        fig = charts.bubble_map(pts, value=metric, name=unit_name, title=map_title, hover_name="name", code="code",
                                decimals=decimals)
        if fitted:
            charts.fit_view(fig, geo.to_map(geo.to_map(rows, "lon_min", "lat_min"), "lon_max", "lat_max"))
        ui.chart(fig, rows, map_labels, key=f"iae_map_{niveau}_{zreg}_{zdep}",
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
                 caption=f"{shown.capitalize()}. QPV : carte 2024 ; commune rurale : grille de densité INSEE "
                         "(peu dense ou très peu dense).")
        st.subheader("Emplois créés", anchor=False)
        ui.chart(charts.bars(top, "name", ["jobs_etp", "insertion_jobs_etp"], stacked=False, horizontal=True,
                             title="Emplois et postes d'insertion créés (ETP)", labels=labels, decimals=1,
                             unit=" ETP", height=bar_height + 80),
                 top, {c: labels[c] for c in ["code", "name", "creations_n", "jobs_etp", "insertion_jobs_etp"]},
                 key="iae_jobs",
                 caption=f"{shown.capitalize()}. Projets détectés pendant la période et créés au plus tard "
                         f"en {f.year_to}, en équivalents temps plein.")

    # ---------------------------------------------------------------- table
    st.subheader(f"Tableau par {LEVEL_LOWER[niveau]}", anchor=False)
    st.caption("Cliquez sur un en-tête de colonne pour trier. Taux pour 100 000 habitants : population "
               "municipale INSEE du territoire." + (" Un EPCI à cheval sur plusieurs départements ne compte "
                                                   "que ses projets situés dans le périmètre."
                                                   if niveau == "epci" else ""))
    ui.table(partners.small_counts(rows) if protected else rows, labels, key="iae_table")

ui.footer()
