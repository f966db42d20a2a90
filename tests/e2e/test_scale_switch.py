"""The timeline's Scale control switches the chart in the browser (usjp/ui/chart.show_scales): the figure of
the other scale is shown at once from what the page already has (drawn, hidden, while the page was idle),
before the server answers, and nothing is rebuilt. The server's answer then brings the URL and the rest of
the view.

To show that the browser does not wait for the server, the server process is paused (SIGSTOP) while the
reader switches, then resumed.
"""

from __future__ import annotations

import contextlib
import os
import signal

import pytest

from bench.run import Y_TITLE
from tests.e2e import harness
from tests.e2e.support import url_query

pytestmark = pytest.mark.e2e

INDEXED_TITLE = "Index (start = 100)"
SCALE = ".st-key-w_mode"
CHART = f"document.querySelector('{harness.CHART}')"  # the chart shown: first in its box, the others hidden
BOX = "document.querySelector('[data-testid=\"stMain\"] .usjp-plot')"
MARK = f"() => [{BOX}, ...{BOX}.querySelectorAll('.js-plotly-plot')].forEach((e) => {{ e.__usjpTestMark = 1; }})"
# The box is the one there was, and the chart shown is one that was drawn before: nothing was rebuilt.
SAME_CHART = f"() => {BOX}.__usjpTestMark === 1 && {CHART}.__usjpTestMark === 1"
# Every scale's chart is drawn, one shown (visible, first in the box) and the others hidden from sight,
# pointer and screen reader.
READY = f"""() => {{
  const charts = [...{BOX}.querySelectorAll('.usjp-scale')];
  const shown = charts.filter((c) => getComputedStyle(c).visibility === 'visible');
  return charts.length === 2 && charts.every((c) => c._fullLayout) && shown.length === 1
    && shown[0] === {CHART} && charts.every((c) => (c === shown[0]) === !c.hasAttribute('aria-hidden'));
}}"""


@contextlib.contextmanager
def paused(server: harness.StreamlitServer):
    os.kill(server.proc.pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(server.proc.pid, signal.SIGCONT)


@pytest.fixture(scope="module")
def own_server():
    """A server of this module's own: pausing the suite's shared one could stall another test."""
    with harness.StreamlitServer(log_path=harness.ARTIFACTS / "logs" / "scale-switch.log") as server:
        yield server


def y_title(tab) -> str:
    return tab.page.evaluate(Y_TITLE)


def alt(tab) -> str:
    return tab.page.evaluate(f"() => {BOX}.getAttribute('aria-label') || ''")


def wait_title(tab, text: str, timeout_ms: float = 10_000) -> None:
    tab.page.wait_for_function(f"(t) => ({Y_TITLE})() === t", arg=text, polling="raf", timeout=timeout_ms)


@pytest.mark.parametrize("how", ["mouse", "keyboard"])
def test_the_scale_switches_before_the_server_answers(open_tab, own_server, how):
    tab = open_tab(harness.DESKTOP).goto(own_server.url())
    levels, levels_alt = y_title(tab), alt(tab)
    assert levels and levels != INDEXED_TITLE and levels_alt
    tab.page.wait_for_function(READY, timeout=10_000)  # the indexed chart is drawn before anyone asks for it
    tab.page.evaluate(MARK)

    with paused(own_server):
        if how == "mouse":
            tab.page.locator(SCALE).get_by_text("Indexed", exact=False).click()
        else:
            tab.page.locator(f"{SCALE} input[type='radio']").first.focus()
            tab.page.keyboard.press("ArrowRight")
        wait_title(tab, INDEXED_TITLE)  # drawn while the server cannot answer
        assert "mode" not in url_query(tab), "the URL follows the server's answer, not before"

    tab.page.wait_for_function("() => new URL(location.href).searchParams.get('mode') === 'indexed'")
    harness.wait_idle(tab.page)
    assert y_title(tab) == INDEXED_TITLE, "the server's answer left the indexed chart drawn"
    assert tab.page.evaluate(SAME_CHART), "the chart was rebuilt, not updated in place"
    assert tab.page.evaluate(READY), "one chart shown, the other hidden"
    assert alt(tab) not in ("", levels_alt), "the chart's words follow its scale"

    with paused(own_server):  # and back
        tab.page.locator(SCALE).get_by_text("Levels", exact=True).click()
        wait_title(tab, levels)
    tab.page.wait_for_function("() => !new URL(location.href).searchParams.has('mode')")
    harness.wait_idle(tab.page)
    assert y_title(tab) == levels and tab.page.evaluate(SAME_CHART) and tab.page.evaluate(READY)


def test_a_link_to_the_indexed_view_draws_it_and_a_marker_click_still_opens_an_event(open_tab, own_server):
    tab = open_tab({"viewport": {"width": 1440, "height": 1800}}).goto(own_server.url(query="mode=indexed"))
    assert y_title(tab) == INDEXED_TITLE
    marker = harness.isolated_marker(tab.page)
    tab.page.mouse.click(marker["x"], marker["y"])
    tab.page.wait_for_function("(id) => new URL(location.href).searchParams.get('event') === id", arg=marker["id"])
    harness.wait_idle(tab.page)
    assert tab.figure()["selected"] == [marker["id"]]
    assert y_title(tab) == INDEXED_TITLE
