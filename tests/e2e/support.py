"""Helpers shared by the browser tests (tests/e2e): what the page shows, and sidebar navigation.

The server and browser plumbing, shared with bench/, is in harness.py; the fixtures in conftest.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from tests.e2e import harness
from tests.support import page_id
from usjp.ui.nav import PAGES, PageSpec

__all__ = ["assert_app_navigation", "go_by_sidebar", "page_id", "url_query"]

NAV_LINK = '[data-testid="stSidebarNavLink"]'


def url_query(tab) -> dict[str, list[str]]:
    """The query string of the tab's current URL."""
    return parse_qs(urlsplit(tab.page.url).query)


def assert_app_navigation(tab) -> None:
    """app.py's navigation and sidebar are on screen, not Streamlit's legacy pages/ listing."""
    page = tab.page
    assert page.get_by_text(harness.APP_CAPTION, exact=True).is_visible()
    links = page.locator(f'[data-testid="stSidebarNav"] a, {NAV_LINK}')
    titles = [t.strip() for t in page.locator(NAV_LINK).all_inner_texts()]
    assert links.count() > 0
    assert titles == [p.title for p in PAGES], titles


def go_by_sidebar(tab, spec: PageSpec) -> None:
    """Click the page's link in the sidebar navigation and wait until it is drawn and idle."""
    link = tab.page.locator(NAV_LINK).filter(has_text=re.compile(rf"^\s*{re.escape(spec.title)}\s*$"))
    link.click()
    tab.page.wait_for_function("(p) => location.pathname === p", arg=harness.page_path(spec.url_path))
    harness.wait_ready(tab.page, spec.has_chart)
