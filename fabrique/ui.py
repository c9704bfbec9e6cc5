"""Streamlit layout shared by the frame and the pages: filter bar and navigation (bound to the declared
state through fabrique.binding), banners, headers, tiles, tables, charts, footer."""
from __future__ import annotations

import hashlib
import time
from dataclasses import replace as _replace
from urllib.parse import urlencode

import numpy as np
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
    """Only the régions, départements and structures of the perimeter can be chosen: a link on a territory
    offers the structures that cover at least one of its départements."""
    deps = partners.allowed_departments(p, opts)
    regs = {opts.departments[d][1] for d in deps}
    if p.structures:
        inside = set(p.structures)
    else:
        covered = data.load("frame/structure_departments")
        inside = set(covered.loc[covered["dep_code"].isin(deps), "structure_id"])
    return _replace(
        opts,
        regions={k: v for k, v in opts.regions.items() if k in regs},
        departments={k: v for k, v in opts.departments.items() if k in deps},
        structures={k: v for k, v in opts.structures.items() if k in inside},
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
                st.page_link(p.file, label=p.title, icon=p.icon, query_params={**link_query, **_view_query(ctx, p)})
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


def _view_query(ctx, page) -> dict[str, str]:
    """The view a page was left in (its stored view keys), carried by its menu link: the address the link
    opens is then the one the page writes, so the browser's history holds one entry per visit (Back would
    otherwise stop on the bare address first, and open the page in its default view)."""
    stored = binding.values(page.view.name) if page.view is not None else {}
    if not stored:
        return {}
    from .state import Env
    try:
        env = Env(ctx.options, ctx.all_options, values=ctx.chosen.values(), locked=ctx.policy.locked)
        return page.view.to_query(stored, env)
    except Exception:  # noqa: BLE001 - a default that needs the data: the page writes its view itself
        return {}


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
        st.multiselect("Région", sorted(opts.regions, key=lambda r: fmt.sort_key(opts.regions[r])),
                       format_func=opts.regions.get,
                       placeholder=everywhere or "Toutes les régions", select_all=False,
                       **_bind("reg", list, tuple))
        dep_options = opts.departments_of(chosen.regs)
        st.multiselect("Département", dep_options, format_func=lambda d: f"{d} – {opts.departments[d][0]}",
                       placeholder=everywhere or "Tous les départements", select_all=False,
                       **_bind("dep", list, tuple))
    with cols[2]:
        st.multiselect("Structure", sorted(opts.structures, key=lambda k: fmt.sort_key(opts.structures[k])),
                       format_func=opts.structures.get,
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
    from .frame import _fail_on_purpose
    st.toggle("Mode réunion", help="Grands caractères pour un écran de salle ; les filtres se replient.",
              **binding.bind(site.FRAME.name, "mode", lambda v: v == "reunion",
                             lambda on: "reunion" if on else None, after=lambda: _fail_on_purpose("rappel")))


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
    # Keyed: meeting mode hides it on screen (the folded filters above say the same), paper keeps it.
    with st.container(key="fab_context"):
        st.caption("Filtres : " + line)


def header(title: str, question: str, intro: str | None = None) -> None:
    st.title(title, anchor=False)
    st.markdown(f"#### {question}")
    if intro and not _meeting():   # meeting mode: the figures come first
        st.caption(intro)


def staff_help(markdown: str, key: str) -> None:
    """Help meant for the Avise team (a command to run, a file to prepare): shown to staff only, never printed."""
    if not context().staff:
        return
    with st.container(key=f"fab_staff_{key}"):
        st.caption(":material/terminal: **Équipe Avise** : " + markdown)


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


def _is_link(values: pd.Series) -> bool:
    """A column of addresses (a link column of the grid): it has no place on paper."""
    texts = values.dropna()
    return len(texts) > 0 and all(isinstance(v, str) and v.startswith(("http://", "https://", "/")) for v in texts)


NUMERIC_SUFFIXES = ("_n", "_pct", "_etp", "_per_100k", "_months")


def html_table(df: pd.DataFrame, labels: dict[str, str]) -> str:
    """The table as plain HTML with the French formats of formatted(): every row and every column, for paper
    (a data grid prints only the rows on screen) and for meeting mode (large type, nothing truncated).
    Link columns are left out; figures are right-aligned."""
    from html import escape

    cols = [c for c in labels if c in df.columns and not _is_link(df[c])]
    numeric = {c: pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
               or c.endswith(NUMERIC_SUFFIXES) for c in cols}

    def cell(c, v) -> str:
        if isinstance(v, (bool, np.bool_)):
            text = "oui" if v else "non"
        elif not isinstance(v, str) and pd.isna(v):
            text = "–"
        else:
            text = str(fmt.by_suffix(c, v))
        # End tags of cells and rows are optional in HTML: left out, a long list weighs a quarter less.
        return f'<td class="num">{escape(text)}' if numeric[c] else f"<td>{escape(text)}"

    num = ' class="num"'
    head = "".join(f'<th scope="col"{num if numeric[c] else ""}>{escape(labels[c])}</th>' for c in cols)
    body = "".join("<tr>" + "".join(cell(c, v) for c, v in zip(cols, row))
                   for row in df[cols].itertuples(index=False, name=None))
    wide = " wide" if len(cols) > 9 else ""   # printed in smaller type to fit the sheet's width
    return f'<table class="fab-table{wide}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def table(df: pd.DataFrame, labels: dict[str, str], height: int | str = "auto", key: str | None = None,
          column_config: dict | None = None) -> None:
    """A table: a sortable data grid on screen, and its complete copy for paper (hidden on screen). In meeting
    mode the complete table in large type replaces the grid (scrolling past about fifteen rows).
    column_config: keyed by the French header (e.g. {"Fiche territoire": fiche_column()})."""
    name = key or "t" + hashlib.md5("|".join(labels.values()).encode()).hexdigest()[:10]
    if _meeting():
        with st.container(key=f"fab_meeting_{name}", height=640 if len(df) > 15 else "content"):
            st.html(html_table(df, labels))
        return
    st.dataframe(formatted(df, labels), width="stretch", height=height, hide_index=True, key=key,
                 column_config=column_config)
    with st.container(key=f"fab_print_{name}"):
        st.html(html_table(df, labels))


def phone() -> bool:
    """A phone's browser (its user agent says "Mobi", as every phone browser does and tablets do not):
    maps and chart titles are laid out for a narrow screen. The server cannot know the width of a window."""
    agent = (st.context.headers or {}).get("User-Agent", "") if st.context else ""
    return "Mobi" in agent


def chart(fig, df: pd.DataFrame, labels: dict[str, str], key: str, caption: str | None = None,
          on_select: str = "ignore", selection_mode=("points",)):
    """A chart, what it shows, and its data as a table (text alternative for every chart). Meeting mode
    enlarges its type; a phone gets titles on several lines and maps as tall as they are wide."""
    charts.adapt(fig, meeting=_meeting(), phone=phone())
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


# Print: A4, margins that hold a header and a footer on every sheet (Chromium draws @page margin boxes).
PRINT_MARGINS = "14mm 12mm 16mm 12mm"
# Width of the printed page's content in CSS pixels (A4: 210 mm less 2 x 12 mm = 186 mm = 703 px): a chart
# wider than this on screen is scaled down to it (browser.js records each chart's width on screen).
PRINT_WIDTH_PX = 700
_BROWSER_JS = (config.ROOT / "fabrique" / "browser.js").read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    """A CSS string literal (for `content:`): quotes and backslashes escaped, no line breaks, and no < or >
    (a name from the data must not close the <style> element it is written in)."""
    clean = " ".join(str(text).split())
    for char, escaped in (("\\", "\\\\"), ('"', '\\"'), ("<", "\\3c "), (">", "\\3e ")):
        clean = clean.replace(char, escaped)
    return f'"{clean}"'


def print_marks(ctx) -> dict[str, str]:
    """What every printed sheet carries in its margins: the page, the fictitious-data mark, the filters
    and the data date (the browser numbers the sheets)."""
    line = "Filtres : " + filters.describe_short(ctx.chosen, ctx.options)
    if ctx.policy.locked:
        line += " · périmètre du lien : " + ctx.policy.perimeter.describe(ctx.all_options)
    date = fmt.date(ctx.options.data_date) if ctx.options.data_date else "–"
    return {
        "top-left": f"Fabrique à initiatives · {ctx.page.title}",
        "top-right": "DONNÉES FICTIVES (jeu de démonstration)" if ctx.demo else "",
        "bottom-left": line,
        "bottom-right": f"Données au {date}",
    }


def _print_css(ctx) -> str:
    marks = print_marks(ctx) if ctx is not None else {}
    boxes = []
    for box, text in marks.items():
        if not text:
            continue
        content = _css_string(text)
        if box == "bottom-right":
            content += ' " · page " counter(page) " / " counter(pages)'
        look = "font: 700 9pt sans-serif; color: #8a5a00;" if box == "top-right" else "font: 8pt sans-serif; color: #444;"
        boxes.append(f"@{box} {{ content: {content}; {look} }}")
    boxes = " ".join(boxes)
    return f"""
    @page {{ size: A4; margin: {PRINT_MARGINS}; {boxes} }}
    @media print {{
      /* Screen-only furniture: navigation, menus, buttons, folded boxes, the filters of meeting mode. */
      [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
      .stButton, [data-testid="stPopover"], [data-testid="stElementToolbar"], .st-key-meeting_filters,
      [class*="st-key-fab_screen_"], [class*="st-key-fab_staff_"], .st-key-fab_client,
      [data-testid="stExpander"]:has(> details:not([open])) {{ display: none !important; }}
      /* The width of the paper: a browser that lays the page out again for print (Chromium's print
         emulation) redraws the charts at this width; otherwise they are scaled down to it (below). */
      [data-testid="stMainBlockContainer"] {{ padding: 0 !important; max-width: {PRINT_WIDTH_PX}px !important; }}
      [data-testid="stAppViewContainer"], [data-testid="stMain"] {{ overflow: visible !important; }}
      /* A data grid prints only the rows on screen: its complete copy (an HTML table) prints instead. */
      [data-testid="stElementContainer"]:has(> [data-testid="stFullScreenFrame"] > [data-testid="stDataFrame"]) {{
        display: none !important; }}
      [class*="st-key-fab_print_"] {{ display: block !important; }}
      .fab-table, [data-testid="stTable"] table {{ width: 100% !important; font-size: 7.5pt !important;
        line-height: 1.25 !important; }}
      .fab-table th, .fab-table td, [data-testid="stTable"] th, [data-testid="stTable"] td {{
        padding: 1px 3px !important; overflow-wrap: break-word; }}
      .fab-table.wide {{ font-size: 6.5pt !important; }}
      .fab-table thead, [data-testid="stTable"] thead {{ display: table-header-group; }}
      .fab-table tr, [data-testid="stTable"] tr {{ break-inside: avoid; }}
      /* A table in a scrolling box (meeting mode) prints whole. */
      [class*="st-key-fab_meeting_"] {{ height: auto !important; max-height: none !important; overflow: visible !important; }}
      /* Side-by-side columns are stacked on paper (charts get the full width, controls are not cut), except
         rows of key figures, which fit across the sheet. Charts are scaled to the paper and never cut. */
      [data-testid="stHorizontalBlock"]:not(:has([data-testid="stMetric"])) {{ flex-direction: column !important; }}
      [data-testid="stHorizontalBlock"]:not(:has([data-testid="stMetric"])) > [data-testid="stColumn"] {{
        width: 100% !important; flex: 1 1 auto !important; }}
      [data-testid="stElementContainer"]:has(.stPlotlyChart) {{
        zoom: min(1, calc({PRINT_WIDTH_PX} / var(--fab-chart-w, {PRINT_WIDTH_PX}))); }}
      [data-testid="stElementContainer"]:has(.stPlotlyChart), [data-testid="stMetric"],
      [data-testid="stAlert"] {{ break-inside: avoid; }}
      /* A chart's caption stays with it; a heading with what follows. */
      [data-testid="stElementContainer"]:has(.stPlotlyChart) + [data-testid="stElementContainer"] {{
        break-before: avoid; }}
      h1, h2, h3, h4 {{ break-after: avoid; }}
    }}
    """


def style(reunion: bool) -> None:
    """CSS and the small browser helper (browser.js): larger type in meeting mode, Streamlit's English
    controls hidden where the dashboard has its own, and a print layout (complete tables, charts scaled to
    the paper, the fictitious-data mark, the filters and the data date on every sheet)."""
    from .frame import CTX
    ctx = st.session_state.get(CTX)
    css = """
    /* Streamlit greys captions with opacity 0.6 (contrast 3.9:1, under WCAG AA): same look, readable grey. */
    [data-testid="stCaptionContainer"] { opacity: 1 !important; color: #5f5d5a !important; }
    /* English controls with no French setting: the data grid's toolbar (Show/hide columns, Download as CSV,
       Search, Fullscreen) and column menu (Sort ascending, Pin column…), the charts' Fullscreen button.
       Sorting stays a click on a column header; every page has its French exports (Méthode et données). */
    [data-testid="stElementToolbar"], [data-testid="stDataFrameColumnMenu"] { display: none !important; }
    /* Complete copies of the tables, for paper only (see table()); the helper script's box. */
    [class*="st-key-fab_print_"], .st-key-fab_client { display: none; }
    .fab-table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
    .fab-table th { text-align: left; font-weight: 600; background: #f0f2f6; }
    .fab-table th, .fab-table td { border: 1px solid #d5d7dc; padding: 0.25rem 0.5rem; vertical-align: top; }
    .fab-table .num { text-align: right; white-space: nowrap; }
    """
    if reunion:
        css += """
        html, body, [data-testid="stAppViewContainer"] { font-size: 20px; }
        /* The figure as large as its tile allows (five tiles in a row must not cut « 61,9 ETP »). */
        [data-testid="stMetric"] { container-type: inline-size; }
        [data-testid="stMetricValue"] { font-size: clamp(2.2rem, 20cqi, 3.2rem) !important; }
        [data-testid="stMetricLabel"] p { font-size: 1.05rem !important; }
        h1 { font-size: 2.4rem !important; padding: 0 !important; }
        h4 { padding: 0 0 0.25rem 0 !important; }
        h2, h3 { padding-top: 0.25rem !important; padding-bottom: 0.25rem !important; }
        /* The first screen is for the figures: less empty space above the page; the filters line is in the
           folded box above the page already (it is printed). */
        [data-testid="stMainBlockContainer"] { padding-top: 2.2rem !important; }
        @media screen { .st-key-fab_context { display: none !important; } }
        /* Whole labels on the tiles (a truncated label on a wall screen cannot be hovered). */
        [data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
          white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
        /* Chips show whole names (« Provence-Alpes-Côte d'Azur », not « Provence-Alpes-Côt… »). */
        [data-baseweb="tag"] { max-width: none !important; }
        [data-baseweb="tag"] span { max-width: none !important; overflow: visible !important; }
        /* Tables: larger type for the back of the room, every column whole (codes are never cut). */
        [data-testid="stTable"] td, [data-testid="stTable"] th, .fab-table { font-size: 1.05rem !important; }
        .fab-table th, .fab-table td { white-space: nowrap; }
        [class*="st-key-fab_meeting_"] { overflow-x: auto !important; }
        """
    st.html(f"<style>{css}{_print_css(ctx)}</style>")
    with st.container(key="fab_client"):
        st.html(f"<script>{_BROWSER_JS}</script>", unsafe_allow_javascript=True)
