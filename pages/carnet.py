"""Carnet de projets: quelles activités le réseau a-t-il fait naître ? One card per project created in the
period, grouped by structure or by territory, printable as a booklet and exported as XLSX. Staff only
(fabrique.site: roles), and the data layer refuses its rows to any protected view (fabrique.policy)."""
import html
from dataclasses import replace

import streamlit as st

from fabrique import data, export, filters, fmt, territory, ui

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SIZE = territory.CARNET_PAGE_SIZE
CSS = """
.carnet-group h3 { font-size: 1.15rem; margin: 1rem 0 0.4rem; }
.carnet-card { display: inline-block; vertical-align: top; box-sizing: border-box; width: calc(50% - 0.6rem);
  margin: 0 0.6rem 0.6rem 0; padding: 0.55rem 0.8rem; border: 1px solid #cfcfcf; border-radius: 6px;
  background: #fff; break-inside: avoid; page-break-inside: avoid; }
@media (max-width: 760px) { .carnet-card { width: 100%; margin-right: 0; } }
.carnet-card h4 { font-size: 1rem; margin: 0; padding: 0; line-height: 1.3; }
.carnet-card .carnet-sub { color: #5f5d5a; margin: 0 0 0.3rem; font-size: 0.85rem; }
.carnet-card dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.05rem 0.7rem;
  margin: 0 !important; padding: 0 !important; font-size: 0.85rem; }
.carnet-card dt { color: #5f5d5a; margin: 0 !important; padding: 0 !important; }
.carnet-card dd { margin: 0 !important; padding: 0 !important; }
.carnet-badges { margin: 0.35rem 0 0; }
.carnet-badges span { display: inline-block; border: 1px solid #0072B2; color: #0b3c5d; border-radius: 0.7rem;
  padding: 0 0.45rem; margin: 0.15rem 0.25rem 0 0; font-size: 0.75rem; }
@media print {
  @page { size: A4 portrait; margin: 10mm; }
  .st-key-carnet_controls, [data-testid="stExpander"], [data-testid="stElementToolbar"] { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: none !important; }
  .carnet-group h3 { font-size: 11pt; margin: 3mm 0 2mm; break-after: avoid; }
  .carnet-card { width: calc(50% - 3mm); margin: 0 3mm 3mm 0; padding: 2mm 3mm; font-size: 8pt; }
  .carnet-card h4 { font-size: 9.5pt; }
  .carnet-card dl, .carnet-card .carnet-sub { font-size: 7.5pt; }
  .carnet-badges span { font-size: 7pt; }
}
"""

ctx = ui.context()
f = ctx.filters
ui.header("Carnet de projets", "Quelles activités le réseau a-t-il fait naître ?",
          "Une carte par projet créé pendant la période, avec sa structure, son territoire, ses dates, son emploi "
          "et les contrats et zonages où il se trouve ; regroupées par structure ou par territoire. Imprimable en "
          "livret (une carte n'est jamais coupée entre deux pages) et téléchargeable en XLSX.")
ui.context_line(ctx)

by = ctx.view.get("grouper") or "structure"
projects = data.load("carnet/projects", ctx, group_by=by)
pages = max(1, -(-len(projects) // SIZE))
page = min(int(ctx.view.get("page") or 1), pages)


def first_page() -> None:
    ui.set_view(page=None)


with st.container(key="carnet_controls"):
    left, middle, right = st.columns([1.2, 1, 1])
    with left:
        st.segmented_control("Regrouper les cartes", list(territory.CARNET_GROUPINGS),
                             format_func=territory.CARNET_GROUPINGS.get, required=True,
                             **ui.view_widget("grouper", after=first_page))
    with middle:
        if pages > 1:
            st.selectbox("Page", list(range(1, pages + 1)),
                         format_func=lambda n: f"{n} sur {pages} (cartes {fmt.number((n - 1) * SIZE + 1)} à "
                                               f"{fmt.number(min(n * SIZE, len(projects)))})",
                         **ui.view_widget("page", to_widget=lambda v: min(int(v or 1), pages),
                                          from_widget=lambda n: None if not n or n == 1 else str(n)))
    with right:
        info = data.build_info()
        described = filters.describe(ctx.chosen, ctx.options)
        contents = (("Projets exportés", "Projets créés pendant la période (date de création), un par ligne, avec "
                                         "les champs de leur carte ; tous les filtres s'appliquent."),)
        name = export.file_name("carnet", export.Context.of(described, info), f, "xlsx")
        st.download_button(
            "Télécharger le carnet (XLSX)", on_click="ignore", icon=":material/download:", width="stretch",
            disabled=projects.empty, mime=XLSX, file_name=name, key="dl_carnet",
            data=lambda: export.to_xlsx_bytes(
                {"carnet": territory.carnet_export(projects)},
                replace(export.Context.of(described, info), contents=contents)))

if projects.empty:
    ui.empty(f"Aucun projet créé de {f.period} ne correspond aux filtres choisis.")
    ui.footer()
    st.stop()

groups, page, pages = territory.carnet_page(projects, by, page)
first, last = (page - 1) * SIZE + 1, min(page * SIZE, len(projects))
st.markdown(f"**{fmt.number(len(projects))}** {'projet créé' if len(projects) == 1 else 'projets créés'} de "
            f"{f.period} · regroupement {territory.CARNET_GROUPINGS[by].lower()}"
            + (f" · page {page} sur {pages} : cartes {fmt.number(first)} à {fmt.number(last)}" if pages > 1 else ""))
if pages > 1:
    st.caption(f"Le carnet montre {SIZE} cartes par page (il peut en compter des dizaines de milliers) ; "
               "l'impression reprend la page affichée. Le fichier XLSX contient tous les projets.")


def card_html(c: territory.Card) -> str:
    e = html.escape
    lines = "".join(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in c.lines)
    badges = "".join(f"<span>{e(b)}</span>" for b in c.zonings)
    return (f'<article class="carnet-card"><h4>{e(c.title)}</h4><p class="carnet-sub">{e(c.subtitle)}</p>'
            f'<dl>{lines}</dl>' + (f'<p class="carnet-badges">{badges}</p>' if badges else "") + "</article>")


body = "".join(f'<section class="carnet-group"><h3>{html.escape(g.title)}</h3>'
               + "".join(card_html(c) for c in g.cards) + "</section>" for g in groups)
st.html(f"<style>{CSS}</style>{body}")
st.caption("Contrats et zonages : QPV par le code QPV du projet ; contrat de ville atteint quand le projet est dans "
           "un de ses QPV (sinon « commune du contrat de ville ») ; CRTE à dominante rurale, GAL, commune rurale, "
           "FRR, Petites villes de demain, Action cœur de ville par la commune du projet.")
ui.footer()
