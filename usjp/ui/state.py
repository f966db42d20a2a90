"""URL <-> widget state: the query string is the source of truth for what a link reproduces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

URL_KEY = "_applied_url"
NOTICES_KEY = "_url_notices"


def current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _canonical(params: dict[str, Any]) -> str:
    items = []
    for key in sorted(params):
        value = params[key]
        values = [value] if isinstance(value, str) else list(value)
        items.append(f"{key}={'|'.join(values)}")
    return "&".join(items)


def sync_from_url(parse: Callable[[dict[str, list[str]]], Any], apply: Callable[[Any], None]) -> None:
    """When the URL is new to this session (first load, pasted link, back button), push it into widgets.

    `parse` turns params into a view with `.notices`; `apply` writes the view into widget state.
    """
    params = current_params()
    canonical = _canonical(params)
    if st.session_state.get(URL_KEY) != canonical:
        view = parse(params)
        apply(view)
        st.session_state[URL_KEY] = canonical
        st.session_state[NOTICES_KEY] = list(view.notices)


def write_url(params: dict[str, str]) -> None:
    """Make the URL describe the current view (only when it changed, to avoid needless reruns)."""
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
        st.warning(notice, icon="⚠️")
