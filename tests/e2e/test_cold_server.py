"""A fresh server: a first visitor deep-linking to a non-root page gets the app's navigation, and the
browser starts loading the chart code before the page arrives.

Streamlit starts in its legacy pages/ mode until st.navigation has run once; usjp/ui/boot.py leaves
that mode with a rerun. Each case needs its own server process, because the mode is per process.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e import harness
from tests.e2e.support import assert_app_navigation, page_id
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("spec", [p for p in PAGES if p.url_path], ids=page_id)
def test_first_request_is_a_deep_link(open_tab, chromium, spec):
    log = harness.ARTIFACTS / "logs" / f"cold-server-{page_id(spec)}.log"
    with harness.StreamlitServer(log_path=log) as server:
        tab = open_tab().goto(server.url(spec.url_path, spec.sample_query), spec.has_chart)
        assert_app_navigation(tab)
        titles = tab.page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
        assert "app" not in [t.strip().lower() for t in titles]
        assert harness.urlsplit(tab.page.url).path == f"/{spec.url_path}"
        tab.screenshot(f"{page_id(spec)}-cold-server")
        tab.assert_healthy()


# In-page clock: when the sidebar's title arrived. app.py writes it after its imports, before the
# page script loads data and sends its chart; without the preload the chart code is requested later.
TITLE = "US–Japan trade tensions and markets"
TITLE_ARRIVAL = """
window.__titleArrived = null;
new MutationObserver(() => {
  const side = document.querySelector('[data-testid="stSidebarUserContent"]');
  if (window.__titleArrived === null && side && side.textContent.includes(TITLE))
    window.__titleArrived = performance.now();
}).observe(document, {subtree: true, childList: true});
""".replace("TITLE", json.dumps(TITLE))
# Heights of the sidebar's element containers down to the one holding the app's title (inclusive).
SIDEBAR_ABOVE_TITLE = """(title) => {
  const out = [];
  const side = document.querySelector('[data-testid="stSidebarUserContent"]');
  for (const e of side.querySelectorAll('[data-testid="stElementContainer"]')) {
    out.push(e.getBoundingClientRect().height);
    if (e.innerText.includes(title)) return out;
  }
  return null;
}"""
CHART_CODE_REQUESTS = (
    "() => performance.getEntriesByType('resource').filter(e => e.name.includes('PlotlyChart')).map(e => e.startTime)"
)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_fresh_server_starts_loading_the_chart_code_before_the_page_arrives(open_tab, chromium, size):
    """On a cold start the app spends about half a second importing and loading data before it sends
    the chart; the sidebar's hidden blank figure gets the browser fetching Plotly.js meanwhile, before
    even the sidebar's title (written after the imports) arrives."""
    with harness.StreamlitServer(log_path=harness.ARTIFACTS / "logs" / f"cold-server-preload-{size}.log") as server:
        tab = open_tab(harness.PHONE if size == "phone" else harness.DESKTOP)  # a phone's sidebar starts closed
        tab.page.add_init_script(TITLE_ARRIVAL)
        tab.goto(server.url())
        requested = tab.page.evaluate(CHART_CODE_REQUESTS)
        arrived = tab.page.evaluate("() => window.__titleArrived")
        assert requested and arrived is not None
        assert min(requested) < arrived, f"chart code requested at {min(requested):.0f} ms, title arrived {arrived:.0f}"
        # The blank figure shows nothing: no chart visible in the sidebar, nothing visible above the app's title.
        sidebar_charts = tab.page.locator('[data-testid="stSidebar"] .js-plotly-plot')
        assert all(not sidebar_charts.nth(i).is_visible() for i in range(sidebar_charts.count()))
        above_title = tab.page.evaluate(SIDEBAR_ABOVE_TITLE, TITLE)
        assert above_title and all(height == 0 for height in above_title[:-1]), above_title
        tab.assert_healthy()


def test_a_page_without_charts_does_not_load_the_chart_code(open_tab, chromium):
    spec = next(p for p in PAGES if not p.has_chart)
    with harness.StreamlitServer(log_path=harness.ARTIFACTS / "logs" / "cold-server-nochart.log") as server:
        tab = open_tab().goto(server.url(spec.url_path), has_chart=False)
        assert tab.page.evaluate(CHART_CODE_REQUESTS) == []
        tab.assert_healthy()


def test_concurrent_first_visitors_of_a_fresh_server_all_get_their_pages(open_tab, chromium):
    """Sessions that start together run app.py in parallel threads: one is still importing pandas when
    another draws its preload figure, whose Plotly code must not see the half-imported module."""
    with harness.StreamlitServer(log_path=harness.ARTIFACTS / "logs" / "cold-server-concurrent.log") as server:
        specs = [PAGES[i % len(PAGES)] for i in range(6)]
        tabs = [open_tab() for _ in specs]
        for tab, spec in zip(tabs, specs, strict=True):
            tab.page.goto(server.url(spec.url_path), wait_until="commit")
        for tab, spec in zip(tabs, specs, strict=True):
            harness.wait_ready(tab.page, spec.has_chart)
            tab.assert_healthy()
        assert "Traceback" not in server.log()
