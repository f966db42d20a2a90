"""URL <-> widget state: the query string is the source of truth for what a link reproduces."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from usjp.ui.text import md_escape

URL_KEY = "_applied_url"
NOTICES_KEY = "_url_notices"
SAVED_KEY = "_last_params:{page}"  # each page's last view, to restore when the reader comes back to it


def current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _canonical(params: dict[str, Any]) -> str:
    items = []
    for key in sorted(params):
        value = params[key]
        values = [value] if isinstance(value, str) else list(value)
        items.append(f"{key}={'|'.join(values)}")
    return "&".join(items)


def sync_from_url(
    parse: Callable[[dict[str, list[str]]], Any],
    apply: Callable[[Any], None],
    widget_keys: Iterable[str] = (),
    page: str | None = None,
) -> None:
    """Push the URL into the widgets when it is new to this session (first load, pasted link, back
    button) or when the widgets' state is gone: Streamlit drops it for widgets a run did not draw, as
    after a visit to another page. Coming back to a page with an empty URL restores its last view.

    `parse` turns params into a view with `.notices`; `apply` writes the view into widget state.
    """
    params = current_params()
    lost = any(key not in st.session_state for key in widget_keys)
    saved = st.session_state.get(SAVED_KEY.format(page=page)) if page else None
    if lost and not params and saved:
        params = {key: [value] for key, value in saved.items()}
    canonical = _canonical(params)
    if lost or st.session_state.get(URL_KEY) != canonical:
        view = parse(params)
        apply(view)
        st.session_state[URL_KEY] = canonical
        st.session_state[NOTICES_KEY] = list(view.notices)


def write_url(params: dict[str, str], page: str | None = None) -> None:
    """Make the URL describe the current view (only when it changed, to avoid needless reruns)."""
    if page:
        st.session_state[SAVED_KEY.format(page=page)] = dict(params)
    page = st.query_params.get("page")
    if page:
        params = {"page": page, **params}
    if _canonical(params) != _canonical(current_params()):
        st.query_params.from_dict(params)
        st.session_state[NOTICES_KEY] = []
    st.session_state[URL_KEY] = _canonical(params)


def render_notices() -> None:
    """Say what in the URL was ignored, once per pasted link."""
    for notice in st.session_state.get(NOTICES_KEY, []):
        st.warning(md_escape(notice), icon="⚠️")
