"""Streamlit layout shared by the frame and the pages: filter bar <-> URL, headers, tiles, tables, footer."""
from __future__ import annotations

from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from . import charts, config, data, filters, fmt, partners
from .filters import Filters, Options
from .partners import Perimeter

WIDGET_KEYS = {
    "annees": "f_annees", "reg": "f_reg", "dep": "f_dep", "structure": "f_structure", "statut": "f_statut",
    "iae": "f_iae", "siae": "f_siae", "zonage": "f_zonage", "etape": "f_etape",
}
MODE_KEY = "mode"
STATE_FILTERS = "_filters"

DEMO_NOTICE = ("**Données fictives** : jeu de démonstration généré pour présenter le tableau de bord. "
               "Les structures, projets et chiffres d'activité sont inventés ; seuls les territoires sont réels.")


# ---------------------------------------------------------------- filter state and URL

def _url_filter_query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params if k in filters.KEYS}


def _seed_widgets(f: Filters) -> None:
    s = st.session_state
    s["f_annees"] = (f.year_from, f.year_to)
    s["f_reg"] = list(f.regs)
    s["f_dep"] = list(f.deps)
    s["f_structure"] = list(f.structures)
    s["f_statut"] = f.status or ""
    s["f_iae"] = f.iae or ""
    s["f_siae"] = list(f.siae)
    s["f_zonage"] = list(f.zonages)
    s["f_etape"] = list(f.stages)


def _from_widgets(opts: Options) -> Filters:
    s = st.session_state
    y1, y2 = s.get("f_annees", (opts.year_min, opts.year_max))
    regs = tuple(s.get("f_reg") or ())
    allowed_deps = set(opts.departments_of(regs))
    return Filters(
        year_from=int(y1), year_to=int(y2), regs=regs,
        deps=tuple(d for d in (s.get("f_dep") or ()) if d in allowed_deps),
        structures=tuple(s.get("f_structure") or ()), status=s.get("f_statut") or None, iae=s.get("f_iae") or None,
        siae=tuple(s.get("f_siae") or ()), zonages=tuple(s.get("f_zonage") or ()),
        stages=tuple(s.get("f_etape") or ()),
    )


def current_filters() -> Filters:
    """The filter state for a page: set by the frame, or read from the URL when a page runs alone (tests)."""
    f = st.session_state.get(STATE_FILTERS)
    if f is None:
        opts = data.options()
        f, _ = filters.from_query(_url_filter_query(), opts)
        p = perimeter()
        if p is not None:
            f = partners.clamp(f, p, opts)
    return f


# ---------------------------------------------------------------- partner links

PARTNER_TOKEN = "_partner_token"


def _refuse(message: str) -> None:
    st.title("Accès refusé", anchor=False)
    st.error(message, icon=":material/block:")
    st.caption("Tableau de bord du réseau Fabrique à initiatives (Avise). Aucune donnée n'est affichée.")
    st.stop()


def partner_gate() -> Perimeter | None:
    """Frame, before anything is shown: the perimeter of a partner link, or a refusal page.

    A session opened with a partner link stays locked to it even if the token is removed from the
    address bar (the token is put back), and a deployment can require a link for every visitor
    (FABRIQUE_REQUIRE_LINK=1).
    """
    s = st.session_state
    token = st.query_params.get(partners.URL_KEY)
    if token is None and s.get(PARTNER_TOKEN):
        token = s[PARTNER_TOKEN]
        st.query_params[partners.URL_KEY] = token
    if token is None:
        if config.setting("require_link"):
            _refuse("Ce tableau de bord s'ouvre uniquement avec un lien partenaire valide.")
        return None
    try:
        p = partners.read_token(token, config.partner_secret(), data.options())
    except partners.PartnerLinkError as exc:
        _refuse(str(exc))
    s[PARTNER_TOKEN] = token
    return p


def perimeter() -> Perimeter | None:
    """The partner perimeter of this view, if any (pages use it to hide project-level detail)."""
    token = st.session_state.get(PARTNER_TOKEN) or st.query_params.get(partners.URL_KEY)
    if not token:
        return None
    try:
        return partners.read_token(token, config.partner_secret(), data.options())
    except partners.PartnerLinkError:
        return None


def is_partner() -> bool:
    return perimeter() is not None


def partner_banner(p: Perimeter) -> None:
    opts = data.options()
    who = f" {p.label}" if p.label else ""
    st.info(f"**Vue partenaire{who}** : {p.describe(opts)}. Ce périmètre est verrouillé. "
            f"Lien valable jusqu'au {fmt.date(p.expires)}.", icon=":material/lock:")


def filter_bar(page_key: str, perimeter: Perimeter | None = None) -> Filters:
    """Draw the filter widgets and keep them in step with the URL; returns the filter state.

    The URL wins on a session's first run (a pasted link, a reload) and on Back/Forward; the widgets
    win otherwise, and the frame writes them to the URL (a page switch keeps them).
    """
    opts = data.options()
    if perimeter is not None:
        opts = _partner_options(opts, perimeter)
    s = st.session_state
    url = _url_filter_query()
    first_run = "_last_query" not in s
    # Back/Forward reruns with the query string of that history entry: the URL wins. Any other rerun
    # may carry a query string the browser has not updated yet (a click right after another one):
    # the widgets win, whatever the URL says, and the frame writes them back.
    ctx = get_script_run_ctx()
    url_changed = bool(ctx is not None and ctx.is_history_navigation and url != s.get("_last_query"))
    notices: list[str] = []
    if first_run or url_changed:
        f, notices = filters.from_query(url, opts)
        if perimeter is not None:
            f = partners.clamp(f, perimeter, opts)
        _seed_widgets(f)

    reunion = meeting_mode()
    box = st.container(border=True) if reunion else st.sidebar
    with box:
        if not reunion:
            st.header("Filtres", anchor=False)
        _widgets(opts, compact=reunion)

    f = _from_widgets(opts)
    if perimeter is not None:
        f = partners.clamp(f, perimeter, opts)
    new = filters.to_query(f, opts)
    if new != url:
        for k in filters.KEYS:
            if k in st.query_params and k not in new:
                del st.query_params[k]
        st.query_params.update(new)
    s["_last_query"], s[STATE_FILTERS] = new, f
    for n in notices:
        st.warning(n, icon=":material/warning:")
    return f


def _partner_options(opts: Options, p: Perimeter) -> Options:
    """Only the regions, départements and structures of the perimeter can be chosen."""
    from dataclasses import replace as _replace

    deps = partners.allowed_departments(p, opts)
    regs = {opts.departments[d][1] for d in deps}
    return _replace(
        opts,
        regions={k: v for k, v in opts.regions.items() if k in regs},
        departments={k: v for k, v in opts.departments.items() if k in deps},
        structures={k: v for k, v in opts.structures.items() if not p.structures or k in p.structures},
    )


def _widgets(opts: Options, compact: bool) -> None:
    s = st.session_state
    regs = tuple(s.get("f_reg") or ())
    dep_options = opts.departments_of(regs)
    s["f_dep"] = [d for d in (s.get("f_dep") or []) if d in dep_options]
    cols = st.columns(5) if compact else [st.container()] * 5

    with cols[0]:
        if opts.year_min < opts.year_max:
            st.slider("Période", opts.year_min, opts.year_max, key="f_annees",
                      help="Années civiles incluses. Les créations et les emplois sont comptés l'année de la création.")
        else:
            s["f_annees"] = (opts.year_min, opts.year_max)
            st.caption(f"Période : {opts.year_min}")
    with cols[1]:
        st.multiselect("Région", list(opts.regions), key="f_reg", format_func=opts.regions.get,
                       placeholder="Toutes les régions", select_all=False)
        st.multiselect("Département", dep_options, key="f_dep",
                       format_func=lambda d: f"{d} – {opts.departments[d][0]}",
                       placeholder="Tous les départements", select_all=False)
    with cols[2]:
        st.multiselect("Structure", list(opts.structures), key="f_structure", format_func=opts.structures.get,
                       placeholder="Toutes les structures", select_all=False)
        st.selectbox("Statut de la structure", ["", *filters.STATUSES], key="f_statut",
                     format_func=lambda v: filters.STATUSES[v].capitalize() if v else "Tous les statuts")
    with cols[3]:
        st.selectbox("Projets IAE", ["", *filters.IAE], key="f_iae",
                     format_func=lambda v: filters.IAE[v] if v else "Tous les projets",
                     help="Insertion par l'activité économique")
        st.multiselect("Type de SIAE", filters.SIAE_TYPES, key="f_siae", placeholder="Tous les types",
                       select_all=False)
    with cols[4]:
        st.multiselect("Zonage", list(filters.ZONAGES), key="f_zonage", format_func=filters.ZONAGES.get,
                       placeholder="Tous les territoires", select_all=False)
        st.multiselect("Étape du projet", list(filters.STAGES), key="f_etape",
                       format_func=lambda v: filters.STAGES[v].capitalize(), placeholder="Toutes les étapes",
                       select_all=False)
    st.button("Réinitialiser les filtres", on_click=_seed_widgets, args=(filters.default(opts),),
              width="content" if compact else "stretch")


def meeting_mode() -> bool:
    return st.query_params.get(MODE_KEY) == "reunion"


def view_link(f: Filters, opts: Options) -> str:
    """The complete, explicit link of the current view (every filter written out)."""
    q = filters.to_query(f, opts, explicit=True)
    if meeting_mode():
        q[MODE_KEY] = "reunion"
    token = st.session_state.get(PARTNER_TOKEN)
    if token:
        q[partners.URL_KEY] = token
    base = st.context.url or ""
    return f"{base}?{urlencode(q, safe=',')}"


def copy_link(f: Filters) -> None:
    link = view_link(f, data.options())
    with st.popover("Copier le lien de cette vue", icon=":material/link:"):
        st.caption("Ce lien reproduit exactement cette vue, filtres compris. "
                   "Copiez-le avec l'icône à droite du cadre.")
        st.code(link, language=None, wrap_lines=True)


# ---------------------------------------------------------------- page furniture

def require_frame() -> None:
    """Started with a plain `streamlit run app.py`, the first visit of a page after a restart runs the page
    alone (Streamlit's pages/ folder convention); switch that convention off and run again through the
    frame. `python -m fabrique.serve` avoids the detour altogether."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def header(title: str, question: str, intro: str | None = None) -> None:
    require_frame()
    st.title(title, anchor=False)
    st.markdown(f"#### {question}")
    if intro:
        st.caption(intro)


def demo_banner() -> None:
    if data.is_demo():
        st.warning(DEMO_NOTICE, icon=":material/science:")


def context_line(f: Filters) -> None:
    """The active filters in words, printed at the top of the page (also visible on paper)."""
    st.caption("Filtres : " + filters.describe_short(f, data.options()))


def empty(message: str = "Aucune donnée ne correspond aux filtres choisis.") -> None:
    st.info(message + " Élargissez la période ou retirez un filtre.", icon=":material/search_off:")


def kpi(label: str, value: str, delta: str | None = None, help: str | None = None,
        trend: list[float] | None = None, inverse: bool = False) -> None:
    st.metric(label, value, delta=delta, help=help, border=True,
              delta_color="inverse" if inverse else "normal",
              chart_data=trend if trend and len(trend) > 1 else None, chart_type="line")


def delta_text(current, previous, decimals: int = 0) -> str | None:
    """'+12 (+5,0 %) vs période précédente' or None when there is nothing to compare with."""
    if previous is None or pd.isna(previous) or (previous == 0 and current == 0):
        return None
    diff = current - previous
    sign = "+" if diff > 0 else "-" if diff < 0 else ""
    text = sign + fmt.number(abs(diff), decimals)
    if previous:
        text += f" ({sign}{fmt.percent(abs(diff) / previous)})"
    return text + " vs période précédente"


def formatted(df: pd.DataFrame, labels: dict[str, str]):
    """A Styler with French formats by column suffix and French headers; sorting keeps raw values."""
    cols = [c for c in labels if c in df.columns]
    out = df[cols].copy()
    # st.dataframe shows « None » for a missing cell whatever the Styler says: a column with gaps is
    # written out as French text (it then sorts as text; complete numeric columns keep numeric sorting).
    for c in cols:
        if out[c].isna().any():
            out[c] = [fmt.by_suffix(c, v) if not pd.isna(v) else "–" for v in out[c]]
    # st.dataframe ignores Styler.relabel_index: rename first, format by the original suffixes.
    out = out.rename(columns=labels)
    return out.style.format({labels[c]: (lambda v, c=c: v if isinstance(v, str) else fmt.by_suffix(c, v))
                             for c in cols})


def table(df: pd.DataFrame, labels: dict[str, str], height: int | str = "auto", key: str | None = None) -> None:
    st.dataframe(formatted(df, labels), width="stretch", height=height, hide_index=True, key=key)


def chart(fig, df: pd.DataFrame, labels: dict[str, str], key: str, caption: str | None = None,
          on_select: str = "ignore", selection_mode=("points",)):
    """A chart, what it shows, and its data as a table (text alternative for every chart)."""
    event = st.plotly_chart(fig, config=charts.CONFIG, width="stretch", key=key,
                            on_select=on_select, selection_mode=selection_mode)
    if caption:
        st.caption(caption)
    # The table is built only while its expander is open: on a closed one it cost every rerun about a
    # third of the server's run (Styler formatting) and a hidden data grid in the browser.
    with st.expander("Voir les données du graphique", key=f"{key}_data", on_change="rerun") as data_box:
        if data_box.open:
            table(df, labels, key=f"{key}_table")
    return event


def footer() -> None:
    info = data.build_info()
    meta, vintages = info.get("meta", {}), info.get("vintage", {})
    kind = "données fictives (jeu de démonstration)" if meta.get("dataset_kind") == "demo" else "données importées"
    st.divider()
    st.caption(
        f"Données au {fmt.date(meta.get('data_date'))} · {kind} · base construite le "
        f"{fmt.datetime(meta.get('built_at'))}. Source : réseau Fabrique à initiatives (Avise) ; "
        "référentiels publics INSEE, ANCT, IGN (voir la page « Méthode et données »)."
    )
    st.caption("Millésimes géographiques : " + " · ".join(f"{k} : {v}" for k, v in vintages.items()))


def meeting_toggle() -> None:
    """Mode réunion: large type, sidebar collapsed, filters as a compact bar; kept in the link."""
    on = st.toggle("Mode réunion", value=meeting_mode(), help="Grands caractères pour un écran de salle.")
    if on != meeting_mode():
        if on:
            st.query_params[MODE_KEY] = "reunion"
        else:
            del st.query_params[MODE_KEY]
        st.rerun()


def style(reunion: bool) -> None:
    """Small CSS: larger type in meeting mode; print keeps the filter context and hides the chrome."""
    css = """
    @media print { [data-testid="stSidebar"], [data-testid="stHeader"], .stButton, [data-testid="stPopover"] { display: none !important; } }
    /* Streamlit greys captions with opacity 0.6 (contrast 3.9:1, under WCAG AA): same look, readable grey. */
    [data-testid="stCaptionContainer"] { opacity: 1 !important; color: #5f5d5a !important; }
    """
    if reunion:
        css += """
        html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
        [data-testid="stMetricValue"] { font-size: 3.2rem !important; }
        [data-testid="stMetricLabel"] p { font-size: 1.3rem !important; }
        h1 { font-size: 2.8rem !important; }
        """
    st.html(f"<style>{css}</style>")
