"""The one place where declared view state (fabrique.state specs) meets Streamlit: URL, session, widgets.

Where the values live: a canonical store in st.session_state[STORE] = {spec name: {key: value}}, which
is never a widget key, so that it survives while a page is not shown (Streamlit drops the widget keys
of a page as soon as another page runs: reading them on a second visit crashed the page).

Who wins:
- the URL, on a session's first run (a pasted link, a reload, a new tab) and on Back/Forward;
- otherwise the store: widgets write into it through their on_change callbacks (which run before the
  script), pages through `set_values`; the frame then writes the URL from the store.
A rerun that is neither may carry a query string the browser has not updated yet (a click right after
another): it must not undo the store, so the URL is not read then.

Widgets are keyed `w:<spec>:<key>` and seeded from the store before they are drawn, every run.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from .state import Env, Spec

STORE = "_view_state"
LAST_QUERY = "_last_query"


def _store() -> dict[str, dict[str, Any]]:
    return st.session_state.setdefault(STORE, {})


def url_query() -> dict[str, str]:
    return {k: st.query_params[k] for k in st.query_params}


def url_wins() -> bool:
    """True on a session's first run and on Back/Forward to an address other than the one we wrote."""
    s = st.session_state
    if STORE not in s:
        return True
    ctx = get_script_run_ctx()
    return bool(ctx is not None and ctx.is_history_navigation and url_query() != s.get(LAST_QUERY))


def resolve(spec: Spec, env: Env, from_url: bool, query: Mapping[str, str] | None = None) -> tuple[dict, list[str]]:
    """This run's values of a spec (and notices for ignored URL values); stored as canonical."""
    store = _store()
    if from_url or spec.name not in store:
        values, notices = spec.parse(query if query is not None else url_query(), env) if from_url \
            else (spec.defaults(env), [])
    else:
        values, _ = spec.validate(store[spec.name], env)
        notices = []
    store[spec.name] = values
    return values, notices


def values(spec_name: str) -> dict[str, Any]:
    return dict(_store().get(spec_name, {}))


def set_values(spec_name: str, **changes) -> None:
    """Change stored values (a map click, a button): the next run validates them and writes the URL."""
    store = _store()
    store[spec_name] = {**store.get(spec_name, {}), **changes}


def reset(spec_name: str) -> None:
    _store().pop(spec_name, None)


def write_url(query: dict[str, str], managed: set[str]) -> None:
    """Make the address bar hold `query` for the managed keys (others, unknown to us, are left alone)."""
    current = url_query()
    wanted = {**{k: v for k, v in current.items() if k not in managed}, **query}
    if wanted != current:
        for k in list(current):
            if k not in wanted:
                del st.query_params[k]
        st.query_params.update({k: v for k, v in wanted.items() if current.get(k) != v})
    st.session_state[LAST_QUERY] = wanted


# ---------------------------------------------------------------- widgets

def widget_key(spec_name: str, key: str) -> str:
    return f"w:{spec_name}:{key}"


def bind(spec_name: str, key: str, to_widget: Callable = lambda v: v, from_widget: Callable = lambda v: v,
         after: Callable[[], None] | None = None) -> dict:
    """Keyword arguments for a widget bound to a stored value: its key (seeded now from the store) and
    an on_change that writes the widget's value back to the store."""
    wkey = widget_key(spec_name, key)
    current = to_widget(_store().get(spec_name, {}).get(key))
    if st.session_state.get(wkey, _MISSING) != current:
        st.session_state[wkey] = current

    def changed() -> None:
        set_values(spec_name, **{key: from_widget(st.session_state.get(wkey))})
        if after:
            after()

    return {"key": wkey, "on_change": changed}


_MISSING = object()
