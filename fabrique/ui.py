"""Streamlit layout shared by the frame and the pages: filter bar and navigation (bound to the declared
state through fabrique.binding), banners, headers, tiles, tables, charts, footer."""
from __future__ import annotations

import time
from dataclasses import replace as _replace
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from . import binding, charts, config, data, filters, fmt, partners, policy, site
from .filters import Filters, Options
from .partners import Perimeter

DEMO_NOTICE = ("**Données fictives** : jeu de démonstration généré pour présenter le tableau de bord. "
               "Les structures, projets et chiffres d'activité sont inventés ; seuls les territoires sont réels.")


def context():
    """The page context computed by the frame (filters, view values, options, viewer policy)."""
    from .frame import context as _context
    return _context()


# ---------------------------------------------------------------- viewers

def refuse(message: str) -> None:
    st.title("Accès refusé", anchor=False)
    st.error(message, icon=":material/block:")
    st.caption("Tableau de bord du réseau Fabrique à initiatives (Avise). Aucune donnée n'est affichée.")
    st.stop()


def access_page() -> None:
    """What a visitor without a link sees when the data are real and no public view is open."""
    from .frame import STAFF_SESSION

    st.title("Tableau de bord du réseau Fabrique à initiatives", anchor=False)
    st.markdown(
        "Ce tableau de bord présente les indicateurs du réseau Fabrique à initiatives (Avise). "
        "**Il s'ouvre avec un lien partenaire** (collectivités, financeurs : demandez votre lien à l'équipe "
        "Avise, il donne accès aux chiffres de votre territoire) **ou avec le mot de passe de l'équipe Avise.**")
    st.markdown("Vous aviez un lien partenaire ? Rouvrez-le tel qu'il vous a été envoyé : l'adresse complète "
                "contient `?lien=` suivi d'une longue suite de caractères.")
    staff_form(STAFF_SESSION)


def staff_form(session_key: str) -> None:
    """Sign-in form for Avise staff (refused when the deployment has no password configured). Attempts go
    through the process-wide throttle of fabrique.auth (per address and for everyone)."""
    from . import auth

    stored = config.admin_password_hash()
    if not stored:
        st.info("La connexion de l'équipe Avise n'est pas ouverte sur ce serveur : aucun mot de passe n'y est "
                "configuré (FABRIQUE_ADMIN_PASSWORD_HASH).", icon=":material/lock:")
        return
    with st.form("connexion_equipe"):
        # max_chars bounds the box in the browser; auth.sign_in checks the length again (a client can lie).
        password = st.text_input("Mot de passe de l'équipe Avise", type="password",
                                 max_chars=auth.MAX_PASSWORD_LENGTH)
        if st.form_submit_button("Se connecter"):
            ip = st.context.ip_address   # None on this machine; a string otherwise (a proxy may hide it)
            attempt = auth.sign_in(password, stored, ip if isinstance(ip, str) else None)
            if attempt.ok:
                st.session_state[session_key] = auth.StaffSession(time.time())
                st.rerun()
            st.error(attempt.message, icon=":material/error:")


def staff_only(ctx) -> None:
    """Gate of the administration screens: a signed-in staff session, even on the demo (where every visitor
    sees everything, but importing data or issuing partner links needs the password)."""
    from .frame import STAFF_SESSION

    if not ctx.staff:
        refuse("Cet écran est réservé à l'équipe Avise.")
    if st.session_state.get(STAFF_SESSION) is None:
        st.info("Cet écran d'administration demande le mot de passe de l'équipe Avise, même sur le jeu de "
                "démonstration. Sans mot de passe configuré, la ligne de commande reste disponible "
                "(`python -m fabrique --help`).", icon=":material/lock:")
        staff_form(STAFF_SESSION)
        footer()
        st.stop()


def partner_options(opts: Options, p: Perimeter) -> Options:
    """Only the régions, départements and structures of the perimeter can be chosen."""
    deps = partners.allowed_departments(p, opts)
    regs = {opts.departments[d][1] for d in deps}
    return _replace(
        opts,
        regions={k: v for k, v in opts.regions.items() if k in regs},
        departments={k: v for k, v in opts.departments.items() if k in deps},
        structures={k: v for k, v in opts.structures.items() if not p.structures or k in p.structures},
    )


def _meeting() -> bool:
    from .frame import CTX
    ctx = st.session_state.get(CTX)
    return bool(ctx and ctx.meeting)


def demo_banner(ctx) -> None:
    if ctx.demo and ctx.meeting:
        st.warning("**Données fictives** (jeu de démonstration).", icon=":material/science:")
    elif ctx.demo:
        extra = (" Sans lien partenaire, chaque visiteur voit tout, comme l'équipe Avise : les rôles "
                 "(équipe, partenaire, public) s'appliquent dès que de vraies données sont importées."
                 if ctx.staff else "")
        st.warning(DEMO_NOTICE + extra, icon=":material/science:")


def partner_banner(ctx) -> None:
    p = ctx.policy.perimeter
    who = f" {p.label}" if p.label else ""
    st.info(f"**Vue partenaire{who}** : {p.describe(ctx.all_options)}. Ce périmètre est verrouillé : les filtres "
            f"ne proposent que ses territoires. Les effectifs de 1 ou 2 sous le département sont masqués. "
            f"Lien valable jusqu'au {fmt.date(p.expires)}.", icon=":material/lock:")


def public_banner() -> None:
    from .frame import STAFF_SESSION

    st.info("**Vue publique** : chiffres agrégés ; les effectifs de 1 ou 2 sous le département sont masqués "
            "et le détail des projets n'est pas affiché. Partenaires : ouvrez le lien que l'équipe Avise vous a "
            "envoyé pour voir les chiffres de votre territoire.", icon=":material/public:")
    # The public view replaces the access page: the staff sign in from here.
    with st.expander("Équipe Avise : se connecter", icon=":material/login:"):
        staff_form(STAFF_SESSION)


# ---------------------------------------------------------------- sidebar: navigation, filters, link

def sidebar(ctx, pages: list, link_query: dict[str, str]) -> None:
    with st.sidebar:
        st.markdown("**Fabrique à initiatives** · indicateurs")
        for p in pages:
            if p.in_menu:
                st.page_link(p.file, label=p.title, icon=p.icon, query_params=link_query)
    if ctx.meeting:
        # Meeting mode: the figures first; the filters fold into one line above the page.
        with st.expander("Filtres · " + filters.describe_short(ctx.chosen, ctx.options), expanded=False,
                         key="meeting_filters"):
            filter_bar(ctx, compact=True)
            left, right = st.columns([1, 1])
            with left:
                copy_link(ctx)
            with right:
                meeting_toggle(ctx)
        return
    with st.sidebar:
        st.header("Filtres", anchor=False)
        filter_bar(ctx, compact=False)
        copy_link(ctx)
        meeting_toggle(ctx)
        from .frame import STAFF_SESSION
        if ctx.staff and STAFF_SESSION in st.session_state:   # signed in (on the demo too, for the admin)
            if st.button("Se déconnecter", icon=":material/logout:"):
                st.session_state.pop(STAFF_SESSION, None)
                st.rerun()


SPEC = filters.SPEC.name


def _bind(key: str, to_widget=lambda v: v, from_widget=lambda v: v) -> dict:
    return binding.bind(SPEC, key, to_widget, from_widget)


def filter_bar(ctx, compact: bool) -> None:
    """The shared filters, bound to the stored state (URL and widgets follow it)."""
    opts = ctx.options
    locked = ctx.policy.locked
    chosen = ctx.chosen
    everywhere = "Tout le périmètre du lien" if locked else None
    cols = st.columns(5) if compact else [st.container()] * 5
    with cols[0]:
        if opts.year_min < opts.year_max:
            st.slider("Période", opts.year_min, opts.year_max,
                      help="Années civiles incluses. Par défaut, jusqu'à la dernière année complète"
                           + (f" ({opts.last_complete_year} ; données au {fmt.date(opts.data_date)})."
                              if opts.data_date else "."),
                      **_bind("annees", lambda v: tuple(v), lambda v: tuple(v)))
        else:
            st.caption(f"Période : {opts.year_min}")
    with cols[1]:
        st.multiselect("Région", list(opts.regions), format_func=opts.regions.get,
                       placeholder=everywhere or "Toutes les régions", select_all=False,
                       **_bind("reg", list, tuple))
        dep_options = opts.departments_of(chosen.regs)
        st.multiselect("Département", dep_options, format_func=lambda d: f"{d} – {opts.departments[d][0]}",
                       placeholder=everywhere or "Tous les départements", select_all=False,
                       **_bind("dep", list, tuple))
    with cols[2]:
        st.multiselect("Structure", list(opts.structures), format_func=opts.structures.get,
                       placeholder=("Toutes les structures du périmètre" if locked else "Toutes les structures"),
                       select_all=False, **_bind("structure", list, tuple))
        st.selectbox("Statut de la structure", ["", *filters.STATUSES],
                     format_func=lambda v: filters.STATUSES[v].capitalize() if v else "Tous les statuts",
                     help="Statut à la fin de la période (expérimentation ou appellation).",
                     **_bind("statut", lambda v: v or "", lambda v: v or None))
    with cols[3]:
        st.selectbox("Projets IAE", ["", *filters.IAE],
                     format_func=lambda v: filters.IAE[v] if v else "Tous les projets",
                     help="Insertion par l'activité économique",
                     **_bind("iae", lambda v: v or "", lambda v: v or None))
        st.multiselect("Type de SIAE", filters.SIAE_TYPES, placeholder="Tous les types", select_all=False,
                       **_bind("siae", list, tuple))
    with cols[4]:
        st.multiselect("Zonage", list(filters.ZONAGES), format_func=filters.ZONAGES.get,
                       placeholder="Tous les territoires", select_all=False, **_bind("zonage", list, tuple))
        st.multiselect("Étape du projet", list(filters.STAGES), format_func=lambda v: filters.STAGES[v].capitalize(),
                       placeholder="Toutes les étapes", select_all=False, **_bind("etape", list, tuple))
    if locked:
        st.caption(":material/lock: Périmètre verrouillé par le lien : "
                   + ctx.policy.perimeter.describe(ctx.all_options) + ".")
    st.button("Réinitialiser les filtres", on_click=binding.reset, args=(SPEC,),
              width="content" if compact else "stretch")


def view_link(ctx) -> str:
    """The complete, explicit link of the current view: every filter and every view key written out."""
    env_values = ctx.chosen.values()
    from .state import Env
    env = Env(ctx.options, ctx.all_options, locked=ctx.policy.locked)
    q = filters.SPEC.to_query(env_values, env, explicit=True)
    if ctx.page.view is not None:
        q.update(ctx.page.view.to_query(ctx.view, env.with_values(env_values), explicit=True))
    if ctx.meeting:
        q["mode"] = "reunion"
    token = st.session_state.get("_partner_token")
    if token:
        q[partners.URL_KEY] = token
    base = (st.context.url or "").split("?")[0]
    return f"{base}?{urlencode(q, safe=',')}"


FICHE_PATH = "territoire"   # site.PAGES: the « Fiche territoire »


def app_base_url(ctx) -> str:
    """The address of the app's root as the browser sees it (base path included), "" when unknown: the current
    address without its page (its url_path, or an alias such as /vue-d-ensemble; the default page is "/")."""
    url = (st.context.url or "").split("?")[0].split("#")[0].rstrip("/")
    names = {ctx.page.url_path} | {alias for alias, target in site.ALIASES.items() if target == ctx.page.url_path}
    for name in names:
        if url.endswith("/" + name):
            return url[: -len(name) - 1]
    return url


def fiche_url(level: str, code: str, ctx=None) -> str:
    """The link to a territory's fiche that keeps the current filters, meeting mode and the partner token:
    a full URL, so that it opens a new visit where the URL wins (a link column opens it in a new tab)."""
    from .state import Env
    ctx = ctx or context()
    env = Env(ctx.options, ctx.all_options, locked=ctx.policy.locked)
    q = filters.SPEC.to_query(ctx.chosen.values(), env)
    if ctx.meeting:
        q["mode"] = "reunion"
    q.update({"niveau": level, "code": str(code)})
    token = st.session_state.get("_partner_token")
    if token:
        q[partners.URL_KEY] = token
    return f"{app_base_url(ctx)}/{FICHE_PATH}?{urlencode(q, safe=',')}"


def fiche_column(label: str = "Fiche territoire"):
    """Column config of a table's fiche_url column: a link that reads « Ouvrir la fiche »."""
    return st.column_config.LinkColumn(label, display_text="Ouvrir la fiche",
                                       help="Ouvre la fiche du territoire (nouvel onglet, mêmes filtres).")


def copy_link(ctx) -> None:
    link = view_link(ctx)
    with st.popover("Copier le lien de cette vue", icon=":material/link:"):
        st.caption("Ce lien reproduit exactement cette vue : filtres, niveau, famille, fiche affichée. "
                   "Copiez-le avec l'icône à droite du cadre.")
        st.code(link, language=None, wrap_lines=True)


def meeting_toggle(ctx) -> None:
    """Mode réunion: large type, filters folded above the page; kept in every link."""
    st.toggle("Mode réunion", help="Grands caractères pour un écran de salle ; les filtres se replient.",
              **binding.bind(site.FRAME.name, "mode", lambda v: v == "reunion",
                             lambda on: "reunion" if on else None))


def set_filters(**changes) -> None:
    """A click that filters (a région on a map): store the new filters and run again."""
    binding.set_values(SPEC, **changes)
    st.rerun()


def set_view(**changes) -> None:
    """Change the current page's view values (also from a widget callback, which runs before the frame)."""
    from .frame import CTX
    binding.set_values(st.session_state[CTX].page.view.name, **changes)


def view_widget(key: str, **kw) -> dict:
    """Keyword arguments binding a page's view widget to its stored value."""
    return binding.bind(context().page.view.name, key, **kw)


# ---------------------------------------------------------------- page furniture

def context_line(ctx) -> None:
    """The active filters in words, printed at the top of the page (also visible on paper)."""
    line = filters.describe_short(ctx.chosen, ctx.options)
    if ctx.policy.locked:
        line += " · périmètre du lien : " + ctx.policy.perimeter.describe(ctx.all_options)
    st.caption("Filtres : " + line)


def header(title: str, question: str, intro: str | None = None) -> None:
    st.title(title, anchor=False)
    st.markdown(f"#### {question}")
    if intro and not _meeting():   # meeting mode: the figures come first
        st.caption(intro)


def empty(message: str = "Aucune donnée ne correspond aux filtres choisis.") -> None:
    st.info(message + " Élargissez la période ou retirez un filtre.", icon=":material/search_off:")


def kpi(label: str, value: str, delta: dict | None = None, help: str | None = None,
        trend: list[float] | None = None) -> None:
    """A key figure; `delta` comes from compare() (change against another period, named)."""
    # Meeting mode: no sparkline (the six tiles stay on the first screen; the evolution is charted below).
    show_trend = trend and len(trend) > 1 and not _meeting()
    st.metric(label, value, help=help, border=True, **(delta or {}),
              chart_data=trend if show_trend else None, chart_type="line")


def compare(current, previous, decimals: int = 0, against: str = "la période précédente",
            inverse: bool = False) -> dict | None:
    """The change of a figure against another period, for kpi(): '+12 (+5,0 %)', described as
    'par rapport à 2010 à 2014'; no arrow and no colour when nothing changed; None without a previous value."""
    if previous is None or pd.isna(previous) or (previous == 0 and current == 0):
        return None
    diff = current - previous
    sign = "+" if diff > 0 else "-" if diff < 0 else ""
    text = sign + fmt.number(abs(diff), decimals)
    if previous:
        text += f" ({sign}{fmt.percent(abs(diff) / previous)})"
    out = {"delta": text, "delta_description": f"par rapport à {against}"}
    if diff == 0:
        out.update(delta_color="off", delta_arrow="off")
    elif inverse:
        out["delta_color"] = "inverse"
    return out


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


def table(df: pd.DataFrame, labels: dict[str, str], height: int | str = "auto", key: str | None = None,
          column_config: dict | None = None) -> None:
    """column_config: keyed by the French header (e.g. {"Fiche territoire": fiche_column()})."""
    st.dataframe(formatted(df, labels), width="stretch", height=height, hide_index=True, key=key,
                 column_config=column_config)


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
        h1 { font-size: 2.8rem !important; padding-top: 0 !important; }
        /* The first screen is for the figures: less empty space above the page. */
        [data-testid="stMainBlockContainer"] { padding-top: 2.5rem !important; }
        /* Chips show whole names (« Provence-Alpes-Côte d'Azur », not « Provence-Alpes-Côt… »). */
        [data-baseweb="tag"] { max-width: none !important; }
        [data-baseweb="tag"] span { max-width: none !important; overflow: visible !important; }
        /* Tables: larger type for the back of the room. */
        [data-testid="stTable"] td, [data-testid="stTable"] th { font-size: 1.05rem !important; }
        """
    st.html(f"<style>{css}</style>")
