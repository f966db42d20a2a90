"""Every page in usjp.ui.nav.PAGES, in a real browser: cold, from its deep link, on desktop and phone.

A page added to PAGES is picked up here with no change to this file.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e import harness
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e

SIZES = {"desktop": harness.DESKTOP, "phone": harness.PHONE}


def page_id(spec) -> str:
    return spec.url_path or "home"


def assert_app_navigation(tab) -> None:
    """app.py's navigation and sidebar are on screen, not Streamlit's legacy pages/ listing."""
    page = tab.page
    assert page.get_by_text(harness.APP_CAPTION, exact=True).is_visible()
    links = page.locator('[data-testid="stSidebarNav"] a, [data-testid="stSidebarNavLink"]')
    titles = [t.strip() for t in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]
    assert links.count() > 0
    assert titles == [p.title for p in PAGES], titles


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_page_cold(open_tab, server, spec, size):
    """A new visitor (fresh context, no cookies or cache) opens the page's plain address."""
    tab = open_tab(SIZES[size]).goto(server.url(spec.url_path), spec.has_chart)
    tab.assert_healthy()
    assert tab.page.get_by_text("Page not found").count() == 0
    if size == "desktop":
        assert_app_navigation(tab)
    tab.screenshot(f"{page_id(spec)}-cold-{size}")


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("spec", [p for p in PAGES if p.sample_query], ids=page_id)
def test_page_deep_link(open_tab, server, spec, size):
    """The page's sample deep link loads, draws and keeps its state in the URL."""
    tab = open_tab(SIZES[size]).goto(server.url(spec.url_path, spec.sample_query), spec.has_chart)
    tab.assert_healthy()
    assert tab.page.get_by_text("Page not found").count() == 0
    assert harness.page_path(spec.url_path) == harness.urlsplit(tab.page.url).path
    # A sample link is a valid link: nothing in it may be reported as ignored.
    warnings = tab.page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    assert not [w for w in warnings if "URL" in w or "Ignored" in w], warnings
    if size == "desktop":
        assert_app_navigation(tab)
    tab.screenshot(f"{page_id(spec)}-deeplink-{size}")
    tab.screenshot(f"{page_id(spec)}-deeplink-{size}-full", full=True)
    tab.assert_healthy()


def every_transition(n: int) -> list[int]:
    """A walk over page indexes that takes every ordered pair (a -> b, a != b) once, starting at 0
    (an Euler circuit of the complete directed graph, by Hierholzer's algorithm)."""
    unused = {a: [b for b in range(n) if b != a] for a in range(n)}
    stack, walk = [0], []
    while stack:
        if unused[stack[-1]]:
            stack.append(unused[stack[-1]].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


# Guards a bug found by this test: Timeline -> another page -> Timeline raised KeyError 'w_event',
# because Streamlit drops the state of widgets a run does not draw (fixed in usjp/ui/state.py).
def test_walk_between_every_pair_of_pages(open_tab, server):
    """Sidebar navigation in one session, from every page to every other: widget state left behind by
    one page must not break the next."""
    tab = open_tab().goto(server.url(PAGES[0].url_path), PAGES[0].has_chart)
    walk = every_transition(len(PAGES))
    for index in walk[1:]:
        spec = PAGES[index]
        link = tab.page.locator('[data-testid="stSidebarNavLink"]').filter(
            has_text=re.compile(rf"^\s*{re.escape(spec.title)}\s*$")
        )
        link.click()
        tab.page.wait_for_function("(p) => location.pathname === p", arg=harness.page_path(spec.url_path))
        harness.wait_ready(tab.page, spec.has_chart)
        tab.assert_healthy()
