"""URL <-> widget state, one pattern for every page: the query string is what a link reproduces.

A page describes its binding once (`UrlBinding`: parse, apply, to_params, widget keys, page name),
calls `binding.sync()` before drawing its widgets and `binding.write(view)` after reading them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import streamlit as st

from usjp.ui.markdown import md_escape

URL_KEY = "_applied_url"
NOTICES_KEY = "_url_notices"
SAVED_KEY = "_last_params:{page}"  # each page's last view, to restore when the reader comes back to it


class HasNotices(Protocol):
    notices: tuple[str, ...]


V = TypeVar("V", bound=HasNotices)


def current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def _canonical(params: Mapping[str, Any]) -> str:
    items = []
    for key in sorted(params):
        value = params[key]
        values = [value] if isinstance(value, str) else list(value)
        items.append(f"{key}={'|'.join(values)}")
    return "&".join(items)


@dataclass(frozen=True)
class UrlBinding(Generic[V]):
    """How one page's view travels between the URL and its widgets.

    parse:      query params -> a typed view whose `.notices` say what was ignored (pure, never raises)
    apply:      view -> the widgets' session state
    to_params:  view -> query params (defaults left out)
    widget_keys: the page's widget keys; when any is missing, Streamlit dropped their state (it does for
                widgets a run did not draw, as after a visit to another page) and the view is re-applied
    page:       the name its last view is saved under, restored when the reader comes back with no query
    """

    page: str
    parse: Callable[[dict[str, list[str]]], V]
    apply: Callable[[V], None]
    to_params: Callable[[V], dict[str, str]]
    widget_keys: Sequence[str] = ()

    def sync(self) -> None:
        """Push the URL into the widgets when it is new to this session (first load, pasted link, back
        button) or when the widgets' state is gone. Coming back with an empty URL restores the last view."""
        params = current_params()
        lost = any(key not in st.session_state for key in self.widget_keys)
        saved = st.session_state.get(SAVED_KEY.format(page=self.page))
        if lost and not params and saved:
            params = {key: [value] for key, value in saved.items()}
        canonical = _canonical(params)
        if lost or st.session_state.get(URL_KEY) != canonical:
            view = self.parse(params)
            self.apply(view)
            st.session_state[URL_KEY] = canonical
            st.session_state[NOTICES_KEY] = list(view.notices)

    def write(self, view: V) -> None:
        """Make the URL describe `view` (only when it changed, to avoid needless reruns) and save it."""
        params = self.to_params(view)
        st.session_state[SAVED_KEY.format(page=self.page)] = dict(params)
        if _canonical(params) != _canonical(current_params()):
            st.query_params.from_dict(params)
            st.session_state[NOTICES_KEY] = []
        st.session_state[URL_KEY] = _canonical(params)


def render_notices() -> None:
    """Say what in the URL was ignored, once per pasted link."""
    for notice in st.session_state.get(NOTICES_KEY, []):
        st.warning(md_escape(notice), icon="⚠️")
