"""Every page in usjp.ui.nav.PAGES, in a real browser: cold, from its deep link, on desktop and phone.

A page added to PAGES is picked up here with no change to this file.
"""

from __future__ import annotations

import pytest

from tests.e2e import harness
from tests.e2e.support import assert_app_navigation, go_by_sidebar, page_id, url_query
from usjp.ui.keys import STUDY
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e

SIZES = {"desktop": harness.DESKTOP, "phone": harness.PHONE}
# What each keyed widget shows: its text (a multiselect's chosen items), its inputs' values (a
# selectbox's choice) and which pills are pressed.
WIDGETS_SHOWN = """(keys) => Object.fromEntries(keys.map((key) => {
  const el = document.querySelector('.st-key-' + key);
  if (!el) return [key, null];
  return [key, {
    text: el.innerText.trim(),
    inputs: [...el.querySelectorAll('input')].map((i) => i.value),
    pressed: [...el.querySelectorAll('button[aria-pressed="true"]')].map((b) => b.innerText.trim()),
  }];
}))"""


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
# because Streamlit drops the state of widgets a run does not draw (fixed in usjp/ui/url_state.py).
def test_walk_between_every_pair_of_pages(open_tab, server):
    """Sidebar navigation in one session, from every page to every other: widget state left behind by
    one page must not break the next."""
    tab = open_tab().goto(server.url(PAGES[0].url_path), PAGES[0].has_chart)
    walk = every_transition(len(PAGES))
    for index in walk[1:]:
        go_by_sidebar(tab, PAGES[index])
        tab.assert_healthy()


def test_event_study_keeps_its_view_after_a_visit_to_another_page(open_tab, server):
    """Leave the Event study through the sidebar and come back the same way: the URL (which carries no
    study state on the other page) and the widgets show the view the reader left (usjp/ui/url_state.py
    saves each page's last view)."""
    study = next(p for p in PAGES if p.script == "pages/event_study.py")
    other = PAGES[0]  # the timeline: a page with widgets of its own
    tab = open_tab().goto(server.url(study.url_path, study.sample_query))
    query, shown = url_query(tab), tab.page.evaluate(WIDGETS_SHOWN, STUDY.widgets())
    assert query, "the sample view is the default one (defaults are left out of the URL)"
    assert all(shown.values()), shown  # every control is on the page

    go_by_sidebar(tab, other)
    assert url_query(tab) != query  # the view is not in this page's URL: coming back must restore it
    go_by_sidebar(tab, study)
    assert url_query(tab) == query
    assert tab.page.evaluate(WIDGETS_SHOWN, STUDY.widgets()) == shown
    tab.assert_healthy()
