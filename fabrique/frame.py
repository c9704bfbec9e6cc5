"""The frame around every page (run by app.py): who the viewer is, the state of the view (filters and the
page's own keys) resolved once, the filter bar, the navigation, and the context handed to the page.

Pages read `ui.context()` (filters, view values, options, policy), never the address bar itself.
"""
from __future__ import annotations

import logging
import time
import traceback
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

import streamlit as st

from . import auth, binding, config, data, filters, geo, partners, policy, runlog, site
from .filters import Filters, Options
from .policy import Policy
from .state import Env

log = logging.getLogger("fabrique")

CTX = "_page_context"
PARTNER_TOKEN = "_partner_token"
STAFF_SESSION = "_staff_session"
DETOURS = "_frame_detours"

# Favicon drawn inline: a ":material/...:" favicon is fetched from a font CDN, and the app must not call out.
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g fill="#0072B2">'
           '<circle cx="12" cy="12" r="4"/><circle cx="12" cy="3.5" r="2.5"/><circle cx="4.5" cy="18" r="2.5"/>'
           '<circle cx="19.5" cy="18" r="2.5"/></g><g stroke="#0072B2" stroke-width="1.6">'
           '<line x1="12" y1="12" x2="12" y2="3.5"/><line x1="12" y1="12" x2="4.5" y2="18"/>'
           '<line x1="12" y1="12" x2="19.5" y2="18"/></g></svg>')


@dataclass(frozen=True)
class Context:
    """Everything a page needs to know, computed once per run by the frame."""
    page: site.Page
    filters: Filters               # for the SQL: clamped to the viewer's perimeter
    chosen: Filters                # as chosen in the filter bar (empty = the whole perimeter)
    view: Mapping[str, Any]        # the page's own view values (site.Page.view)
    options: Options               # what this viewer may choose
    all_options: Options           # every option (codes outside a perimeter are "known")
    policy: Policy
    meeting: bool = False
    demo: bool = False
    notices: tuple[str, ...] = field(default_factory=tuple)

    @property
    def protected(self) -> bool:
        return self.policy.protected

    @property
    def partner(self) -> bool:
        return self.policy.role == policy.PARTNER

    @property
    def staff(self) -> bool:
        return self.policy.role == policy.STAFF

    def with_filters(self, **changes) -> "Context":
        """The same context with other filters (e.g. one year of the period), clamped the same way."""
        chosen = replace(self.chosen, **changes)
        return replace(self, chosen=chosen, filters=policy.clamp(chosen, self.policy.perimeter, self.all_options))


def run() -> None:
    """The frame: app.py calls this and nothing else."""
    started = time.perf_counter()
    _catch_script_errors()
    # First, before st.navigation: a page icon set later would let the navigation use the page's
    # material icon as favicon, which the browser fetches from a font CDN (the app must not call out).
    st.set_page_config(page_title="Fabrique à initiatives · indicateurs", page_icon=FAVICON, layout="wide",
                       initial_sidebar_state="collapsed" if _meeting_requested() else "auto",
                       # No app menu (.streamlit/config.toml: toolbarMode minimal): its items are English.
                       menu_items={"Get help": None, "Report a bug": None, "About": None})
    if not config.db_path().exists():
        st.error(f"Base de données introuvable ({config.db_path().name}). "
                 "Construisez-la avec « make run » ou « python -m fabrique ensure ».")
        st.stop()
    try:
        page, ctx = _prepare()
        _fail_on_purpose("frame")
    except Exception:  # noqa: BLE001 - every failure of the frame gets the French page, never a trace
        _unexpected("frame")
        return
    with runlog.timed(page.url_path, started):
        try:
            _fail_on_purpose(ctx.page.url_path)
            page.run()
        except Exception:  # noqa: BLE001 - same for a page: French message, trace in the server log
            _unexpected(ctx.page.url_path if ctx else page.url_path)


def _meeting_requested() -> bool:
    """Meeting mode, known before the state is resolved (the sidebar must start collapsed)."""
    if binding.url_wins():
        return binding.url_query().get("mode") == "reunion"
    return binding.values(site.FRAME.name).get("mode") == "reunion"


def context() -> Context:
    """The context the frame computed for this run."""
    from streamlit.runtime.pages_manager import PagesManager

    # Started with a plain `streamlit run app.py` (or in AppTest), a page may run alone, without the frame
    # (Streamlit's old pages/ folder convention, switched off by st.navigation once app.py has run in the
    # process): switch that convention off and run again through the frame, so that no page ever runs
    # with a missing or stale context. `python -m fabrique.serve` avoids the detour altogether.
    s = st.session_state
    if PagesManager.uses_pages_directory or CTX not in s:
        PagesManager.uses_pages_directory = False
        s[DETOURS] = s.get(DETOURS, 0) + 1
        if s[DETOURS] > 2:  # the main script is not app.py: no frame will ever run
            raise RuntimeError("Cette page doit être ouverte par le tableau de bord (app.py), pas seule.")
        st.rerun()
    return s[CTX]


# ---------------------------------------------------------------- viewer

def _viewer(all_opts: Options) -> tuple[Policy, str | None]:
    """(policy, token) of this session, or stops with a refusal / access page."""
    from . import ui

    s = st.session_state
    token = binding.url_query().get(partners.URL_KEY) or s.get(PARTNER_TOKEN)
    if token:
        try:
            revoked = partners.LinkRegister(config.links_path()).revoked()
            p = partners.read_token(token, config.partner_secret(), all_opts, revoked)
        except partners.PartnerLinkError as exc:
            ui.refuse(str(exc))
        except partners.RegisterError as exc:
            log.error("%s", exc)
            ui.refuse("Les liens partenaires sont momentanément indisponibles. Réessayez plus tard ou "
                      "prévenez l'équipe Avise.")
        s[PARTNER_TOKEN] = token
        return Policy(policy.PARTNER, p), token
    if config.setting("require_link"):
        ui.refuse("Ce tableau de bord s'ouvre uniquement avec un lien partenaire valide.")
    session = s.get(STAFF_SESSION)
    if session is not None and session.expired():
        del s[STAFF_SESSION]
        st.toast("Votre session a expiré : reconnectez-vous.", icon=":material/timer_off:")
        session = None
    if session is not None:
        return Policy(policy.STAFF), None
    if data.is_demo():
        return Policy(policy.STAFF), None   # the demo opens without friction (banner says so)
    if config.setting("public") == "agrege":
        return Policy(policy.PUBLIC), None
    ui.access_page()
    st.stop()


# ---------------------------------------------------------------- state

def _prepare():
    from . import ui

    all_opts = data.options()
    pol, token = _viewer(all_opts)
    opts = ui.partner_options(all_opts, pol.perimeter) if pol.perimeter else all_opts
    pages = {p.url_path: p for p in site.pages_for(pol.role)}
    st_pages = [st.Page(p.file, title=p.title, icon=p.icon, url_path=p.url_path, default=p.default)
                for p in pages.values()]
    aliases = [st.Page(pages[target].file, title=pages[target].title, url_path=alias, visibility="hidden")
               for alias, target in site.ALIASES.items() if target in pages]
    # Pages this viewer may not open stay registered, hidden, so that their address gets a French refusal
    # (below) instead of Streamlit's English « Page not found » and the default page.
    barred = [st.Page(p.file, title=p.title, url_path=p.url_path, visibility="hidden")
              for p in site.PAGES if p.url_path not in pages]
    nav = st.navigation(st_pages + aliases + barred, position="hidden")
    current = site.page(nav.url_path or site.PAGES[0].url_path)
    if current.url_path not in pages:
        who = "un lien partenaire" if pol.role == policy.PARTNER else "la vue publique"
        ui.refuse(f"La page « {current.title} » est réservée à l'équipe Avise : elle ne s'ouvre pas depuis {who}.")

    env = Env(opts, all_opts, locked=pol.locked)
    from_url = binding.url_wins()
    query = binding.url_query()
    notices: list[str] = []
    if from_url:
        query, notices = _legacy(current, query)
    frame_values, n1 = binding.resolve(site.FRAME, env, from_url, query)
    filter_values, n2 = binding.resolve(filters.SPEC, env, from_url, query)
    chosen = Filters.of(filter_values)
    clamped = policy.clamp(chosen, pol.perimeter, all_opts)
    view: dict = {}
    n3: list[str] = []
    if current.view is not None:
        view_env = Env(opts, all_opts, values=filter_values, locked=pol.locked,
                       load=lambda name, **extra: data.load(name, _SqlOnly(clamped, pol), **extra))
        view, n3 = binding.resolve(current.view, view_env, from_url, query)
    notices += n1 + n2 + n3
    meeting = frame_values.get("mode") == "reunion"

    st.set_page_config(page_title=f"{current.title} · Fabrique à initiatives")
    geo.write_static()
    ctx = Context(page=current, filters=clamped, chosen=chosen, view=view, options=opts, all_options=all_opts,
                  policy=pol, meeting=meeting, demo=data.is_demo(), notices=tuple(notices))
    st.session_state[CTX] = ctx
    st.session_state[DETOURS] = 0

    # The address bar: every managed key from the state, the partner token kept.
    query_out = {**site.FRAME.to_query(frame_values, env), **filters.SPEC.to_query(filter_values, env)}
    if current.view is not None:
        query_out.update(current.view.to_query(view, env.with_values(filter_values)))
    if token:
        query_out[partners.URL_KEY] = token
    binding.write_url(query_out, _managed_keys())

    ui.style(meeting)
    ui.demo_banner(ctx)
    if pol.perimeter is not None:
        ui.partner_banner(ctx)
    elif pol.role == policy.PUBLIC:
        ui.public_banner()
    ui.sidebar(ctx, list(pages.values()), _link_query(frame_values, filter_values, env, token))
    for n in notices:
        st.warning(n, icon=":material/warning:")
    return nav, ctx


@dataclass(frozen=True)
class _SqlOnly:
    """A minimal context for queries run while the state is resolved (choices read from the data)."""
    filters: Filters
    policy: Policy


def _link_query(frame_values, filter_values, env, token) -> dict[str, str]:
    """What a link to another page carries: the filters, meeting mode and the partner token."""
    q = {**site.FRAME.to_query(frame_values, env), **filters.SPEC.to_query(filter_values, env)}
    if token:
        q[partners.URL_KEY] = token
    return q


def _managed_keys() -> set[str]:
    keys = set(site.FRAME.names) | set(filters.SPEC.names) | {partners.URL_KEY}
    for p in site.PAGES:
        if p.view is not None:
            keys |= set(p.view.names)
        keys |= set(p.legacy)
    return keys


def _legacy(page: site.Page, query: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Old keys of a page (its drill-down before it set the shared filters) read as filters."""
    query = dict(query)
    notices = []
    for key, convert in page.legacy.items():
        raw = query.pop(key, None)
        if raw is None or not str(raw).strip():
            continue
        target, code = convert(str(raw)[:200], query.get("niveau"))
        if target not in query:
            query[target] = code
        notices.append(f"Ancien paramètre « {key} » lu comme le filtre « {target} » "
                       f"(le zoom d'une carte règle désormais les filtres communs).")
    return query, notices


# ---------------------------------------------------------------- failures

def _unexpected(where: str) -> None:
    """An unexpected failure: a French message with a way back; the trace goes to the server log."""
    log.error("Erreur inattendue (%s) :\n%s", where, traceback.format_exc())
    _failure_message()


def _failure_message() -> None:
    st.error("**Une erreur inattendue est survenue.** La page n'a pas pu s'afficher entièrement. "
             "Rechargez la page, ou revenez à la vue d'ensemble ; si le problème persiste, signalez-le à "
             "l'équipe Avise en indiquant l'adresse de la page.", icon=":material/error:")
    try:
        st.page_link(site.PAGES[0].file, label="Revenir à la vue d'ensemble", icon=":material/arrow_back:")
    except Exception:  # noqa: BLE001 - the navigation itself failed (no page known yet): a plain link
        st.markdown("[Revenir à la vue d'ensemble](./)")


def _catch_script_errors() -> None:
    """Failures outside the frame's `try` (a widget's callback runs before the script) would show Streamlit's
    English box: this session's script-error handler shows the French message instead. Streamlit has already
    written the trace to the server log when it calls the handler.

    Streamlit takes the handler from `st.App(on_script_error=...)`, which `streamlit run` does not build: it is
    set here on the session (which hands it to every later script run) and on the current run. Both are
    Streamlit internals: if a new version moves them, the English box comes back and
    tests/browser/test_browser_journeys.py fails, nothing else breaks."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    run_ctx = get_script_run_ctx()
    if run_ctx is None:
        return
    if getattr(run_ctx, "on_script_error", None) is None:
        run_ctx.on_script_error = _on_script_error
    try:
        session = Runtime.instance()._session_mgr.get_active_session_info(run_ctx.session_id).session
        if getattr(session, "_on_script_error", None) is None:
            session._on_script_error = _on_script_error
    except Exception:  # noqa: BLE001 - no runtime (AppTest) or another Streamlit version: keep its default
        pass


def _on_script_error(exc: Exception) -> bool:
    log.error("Erreur inattendue (hors du cadre) : %s", exc.__class__.__name__)
    _failure_message()
    return True   # Streamlit's own (English) display is suppressed


def _fail_on_purpose(where: str) -> None:
    """Test-only switch (config.test_failures): make `where` fail, to prove what a user then sees."""
    if where in config.test_failures():
        raise RuntimeError(f"Échec provoqué pour les tests : {where}")
