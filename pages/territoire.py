"""Fiche territoire: que fait le réseau sur ce territoire, et dans quel contexte ? A search box, then one
sheet in six sections (identity, contracts and zonings, context, the network, comparison, map), printable
on A4 paper. The territory is in the URL (niveau, code), checked by the frame (fabrique.site)."""
import streamlit as st

from fabrique import charts, data, fmt, geo, site, territory, ui, vocab
from fabrique.state import Env, show

SEARCH_KEY = "territoire_search"
MATCHES = 12
# Page-specific print rules (the general print stylesheet is fabrique.ui.style): A4 portrait, compact type,
# no search box, closed detail panels and toolbars left out, tables and charts never cut across pages.
PRINT_CSS = """
@media print {
  @page { size: A4 portrait; margin: 8mm 9mm 10mm 9mm; }
  .st-key-territoire_recherche, [data-testid="stExpander"], [data-testid="stElementToolbar"],
  .st-key-fiche_intro, .st-key-fiche_ecran { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  [data-testid="stVerticalBlock"] { gap: 0.2rem !important; }
  h1 { font-size: 17pt !important; padding: 0 !important; }
  h2 { font-size: 13pt !important; padding: 0.2rem 0 0 !important; }
  h3 { font-size: 11pt !important; padding: 0.2rem 0 0 !important; margin: 0 !important; break-after: avoid; }
  h4, hr { display: none !important; }
  /* a scrolling or clipping box is printed whole, on one page: tables must be free to run over two */
  [data-testid="stTable"], [data-testid="stTable"] > div { overflow: visible !important; }
  [data-testid="stTable"] table { display: table !important; font-size: 7.5pt !important; }
  [data-testid="stTable"] th, [data-testid="stTable"] td { padding: 1px 4px !important; line-height: 1.25 !important; }
  [data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 7pt !important; line-height: 1.2 !important; }
  [data-testid="stMarkdownContainer"] p { font-size: 8.5pt !important; margin-bottom: 0.1rem !important; }
  [data-testid="stAlert"] p { font-size: 8pt !important; }
  [data-testid="stTable"] tr, [data-testid="stPlotlyChart"], .st-key-fiche_carte { break-inside: avoid; }
  /* the two small tables of the network section stay side by side on paper */
  [data-testid="stHorizontalBlock"] { display: flex !important; flex-direction: row !important; flex-wrap: nowrap !important; gap: 0.5rem !important; }
  [data-testid="stColumn"] { min-width: 0 !important; flex: 1 1 0 !important; }
}
"""

ctx = ui.context()
ui.header("Fiche territoire", "Que fait le réseau sur ce territoire, et dans quel contexte ?")
if not ctx.meeting:
    with st.container(key="fiche_intro"):   # left out on paper
        st.caption("Une région, un département, un EPCI ou une commune : son identité, ses contrats et zonages, son "
                   "contexte (emploi, revenus, insertion), ce que le réseau y fait, la comparaison avec son "
                   "département (ou sa région) et la France, et la carte de ses communes. Imprimable sur papier A4.")
ui.context_line(ctx)
st.html(f"<style>{PRINT_CSS}</style>")

# The sheet is about the chosen territory: the région and département filters do not narrow it (a partner
# link stays clamped to its perimeter by the frame's policy); every other filter applies.
sheet_ctx = ctx.with_filters(regs=(), deps=())
env = Env(ctx.options, ctx.all_options, values=ctx.chosen.values(), locked=ctx.policy.locked,
          load=lambda name, **extra: data.load(name, sheet_ctx, **extra))


def run(name: str, params: dict):
    """The territory module's runner: every result through the data layer (cache and disclosure policy)."""
    return data.load(name, sheet_ctx, **params)


def open_fiche(level: str, code: str) -> None:
    ui.set_view(niveau=level, code=code)
    st.session_state[SEARCH_KEY] = ""


# ---------------------------------------------------------------- which territory
niveau, code = ctx.view.get("niveau"), ctx.view.get("code")
choice, notice = territory.parse_choice(niveau, code, run=run) if niveau and code else (None, None)
if notice:   # the frame checked the URL already: only a territory that vanished since gets here
    st.warning(notice, icon=":material/warning:")
home = site.perimeter_home(env)
if choice is None and home is not None:
    # A partner link opens on its perimeter's sheet, also after a refused code (the frame said why).
    choice, _ = territory.parse_choice(home["niveau"], home["code"], run=run)
    ui.set_view(**home)
elif niveau and not code and not ctx.notices:
    st.info(f"Choisissez {'une' if niveau in territory.FEMININE_LEVELS else 'un'} "
            f"{vocab.LEVELS[niveau].lower} dans la recherche ci-dessous.", icon=":material/search:")

with st.container(key="territoire_recherche"):
    typed = st.text_input("Chercher un territoire", key=SEARCH_KEY, max_chars=territory.MAX_TEXT,
                          placeholder="Nom ou code : saint etienne, brest metropole, 29, 29232…",
                          help="Région, département, EPCI ou commune, par son nom (sans se soucier des accents ni "
                               "des majuscules) ou par son code INSEE ou SIREN.")
    if typed and typed.strip():
        matches = territory.search(typed, MATCHES, run=run)
        allowed = site.perimeter_departments(env)
        if allowed is not None:
            matches = [m for m in matches if territory.within(m, allowed)]
        if not matches:
            st.caption(f"Aucun territoire ne correspond à « {show(typed)} »"
                       + (" dans le périmètre de ce lien." if allowed is not None else "."))
        for m in matches:
            st.button(m.label, key=f"match_{m.level}_{m.code}", on_click=open_fiche, args=(m.level, m.code),
                      type="tertiary", icon=":material/location_on:")

if choice is None:
    if not (typed and typed.strip()):
        st.caption("Tapez le nom ou le code d'un territoire pour afficher sa fiche. Depuis les tableaux des pages "
                   "« Projets IAE par territoire », « Couverture des contrats » et « Structures du réseau », un "
                   "lien ouvre aussi la fiche d'un territoire.")
    ui.footer()
    st.stop()

# ---------------------------------------------------------------- the sheet
sheet = territory.sheet(choice, sheet_ctx.filters.params(), run=run)
st.header(f"{choice.name}", anchor=False)
st.markdown(f"**{choice.level_label} {choice.code}** · période {sheet.period} · "
            f"{'données fictives du réseau (jeu de démonstration)' if ctx.demo else 'données du réseau importées'}")
if ctx.protected or sheet.withheld:
    st.caption(territory.MASKS_NOTE)


def facts(section) -> None:
    if section.facts:
        table, source = territory.facts_table(section.facts)
        st.table(table, hide_index=True)
        if source:
            st.caption(f"Source : {source}.")


def notes(section) -> None:
    for n in section.notes:
        st.caption(n)


def lazy_table(label: str, df, key: str) -> None:
    """A long table in a closed panel, built only once opened (a région lists hundreds of zones)."""
    with st.expander(f"{label} ({fmt.number(len(df))})", key=key, on_change="rerun") as box:
        if box.open:
            st.table(df, hide_index=True)


sections = {s.key: s for s in sheet.sections}

s = sections["identite"]
st.subheader(f"1. {s.title}", anchor=s.key)
facts(s)
st.table(s.tables["Profil de densité (grille communale de l'INSEE)"], hide_index=True)
notes(s)

s = sections["zonages"]
st.subheader(f"2. {s.title}", anchor=s.key)
facts(s)
lazy_table("Toutes les zones et tous les contrats du territoire", s.tables["Zones et contrats du territoire"],
           "fiche_zones")
notes(s)

s = sections["contexte"]
st.subheader(f"3. {s.title}", anchor=s.key)
facts(s)
notes(s)

s = sections["reseau"]
st.subheader(f"4. {s.title}", anchor=s.key)
facts(s)
tables = dict(s.tables)
st.markdown("**Structures travaillant sur le territoire**")
if tables["Structures travaillant sur le territoire"].empty:
    st.caption("Aucune structure du réseau ne travaille sur ce territoire pendant la période.")
else:
    st.table(tables["Structures travaillant sur le territoire"], hide_index=True)
left, right = st.columns(2)
for col, title in zip((left, right), [t for t in tables if t.startswith(("Projets détectés", "Projets IAE"))]):
    with col:
        st.markdown(f"**{title}**")
        st.table(tables[title], hide_index=True)
lazy_table("Zones blanches : zones et contrats du territoire sans aucun projet détecté",
           tables["Zones blanches du territoire"], "fiche_blanches")
notes(s)

s = sections["comparaison"]
with st.container(key="fiche_comparaison"):
    st.subheader(f"5. {s.title}", anchor=s.key)
    (title, table), = s.tables.items()
    st.markdown(f"**{title}**")
    st.table(table, hide_index=True)
    chart_rows = territory.comparison_chart_data(s)
    heads = list(chart_rows.columns[1:])
    ui.chart(charts.bars(chart_rows, "Indicateur", heads, title="Le réseau rapporté à la population (pour 100 000 "
                         "habitants)", labels={h: h for h in heads}, horizontal=True, stacked=False, decimals=1,
                         height=200),
             chart_rows, {c: c for c in chart_rows.columns}, key="fiche_comparaison_chart")
    notes(s)

s = sections["carte"]
with st.container(key="fiche_carte"):
    st.subheader(f"6. {s.title}", anchor=s.key)
    points = geo.to_map(territory.map_points(s.data["communes"]))
    families = {f: label for f, label in territory.MAP_FAMILIES.items() if points[f"in_{f}"].any()}
    fig = charts.territory_map(points, families=families, departements=list(choice.dep_codes), height=380,
                               title=f"{choice.name} : communes, zonages et projets détectés ({sheet.period})")
    ui.chart(fig, points, {"insee_code": "Code commune", "commune_name": "Commune", "population": "Population",
                           "projects_n_label": "Projets détectés", "creations_n_label": "Créations",
                           "hover": "Zonages et chiffres"}, key="fiche_map",
             caption="Chaque commune est un point gris ; formes et couleurs : ses zonages ; cercles noirs : communes "
                     "où des projets ont été détectés, d'autant plus grands qu'ils sont nombreux. " + " ".join(s.notes))
    with st.container(key="fiche_ecran"):   # what only a screen can do: left out on paper
        st.caption("Cliquez la légende pour afficher les contrats de ville, CRTE et GAL (ils couvrent des territoires "
                   "entiers) ; molette ou boutons pour zoomer.")

ui.footer()
