"""Make every page run under app.py's navigation, even for the first visitor of a fresh server."""

from __future__ import annotations

import streamlit as st


def ensure_app_navigation() -> None:
    """Streamlit starts in its legacy `pages/`-folder mode until st.navigation is first called, so a
    deep link (e.g. /timeline) opened on a fresh server runs the page script alone, without app.py's
    layout and sidebar. Leave that mode and rerun: the rerun goes through app.py and st.navigation.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a future Streamlit without the legacy mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
