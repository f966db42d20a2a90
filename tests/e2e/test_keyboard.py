"""The app from the keyboard alone (usjp/ui/a11y.py): the skip links are the first two Tab stops and show
when focused; from a fresh load, the first event on the timeline and on the holdings page opens in a few
key presses and focus lands on its details; a link to an event does not move focus on load, and a rerun
does not move it again; Plotly's toolbar buttons have names; the links, a page link, the picker and a
toolbar button show a focus ring in the light and the dark theme."""

from __future__ import annotations

import pytest

from tests.e2e import harness
from usjp.ui.keys import HOLDINGS, TIMELINE

pytestmark = pytest.mark.e2e

DETAILS = ".st-key-event_details"
SKIP_MAIN, SKIP_EVENTS = "Skip to main content", "Skip to the events in view"
MAX_PRESSES = 8  # page load to the first event's details, skip link included

# What has focus: its text, whether it is a skip link, in the details panel or in the main area.
FOCUSED = """() => {
  const e = document.activeElement;
  return {
    tag: e ? e.tagName : null,
    text: e ? (e.innerText || e.value || e.getAttribute('aria-label') || '').trim().slice(0, 200) : '',
    skip: !!(e && e.classList.contains('usjp-skip-link')),
    in_details: !!(e && e.closest('.st-key-event_details')),
    in_main: !!(e && e.closest('[data-testid="stMain"]')),
    expanded: e ? e.getAttribute('aria-expanded') : null,
  };
}"""

# The focused element's box, and its focus ring: its own or (for a field) the nearest ancestor's.
RING = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  let ring = null;
  for (let n = e, i = 0; n && n !== document.body && i < 7 && !ring; n = n.parentElement, i++) {
    const cs = getComputedStyle(n);
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) >= 2) {
      ring = `outline ${cs.outlineWidth} ${cs.outlineColor}`;
    } else if (cs.boxShadow !== 'none') ring = `box-shadow ${cs.boxShadow}`;
  }
  return { box: [r.left, r.top, r.width, r.height], view: [innerWidth, innerHeight], ring };
}"""

HEADING_IN_VIEW = """() => {
  const h = document.querySelector('.st-key-event_details h2');
  if (!h) return false;
  const r = h.getBoundingClientRect();
  return r.top >= 0 && r.bottom <= innerHeight && r.height > 0;
}"""


def focused(tab) -> dict:
    return tab.page.evaluate(FOCUSED)


class Keys:
    """Presses keys on a tab and counts them."""

    def __init__(self, tab) -> None:
        self.tab, self.pressed = tab, []

    def press(self, key: str) -> dict:
        self.tab.page.keyboard.press(key)
        self.pressed.append(key)
        return focused(self.tab)


def open_first_event(tab, picker_key: str) -> tuple[Keys, str]:
    """From a fresh load: Tab to the events skip link, Enter, open the picker's list, choose its first
    event. The keys pressed and the chosen option's text."""
    keys = Keys(tab)
    while keys.press("Tab")["text"] != SKIP_EVENTS:
        assert len(keys.pressed) < MAX_PRESSES, f"no '{SKIP_EVENTS}' link in the first Tab stops"
    keys.press("Enter")
    picker = f".st-key-{picker_key} input[role='combobox']"
    tab.page.wait_for_function("(s) => document.activeElement === document.querySelector(s)", arg=picker)
    keys.press("ArrowDown")
    tab.page.wait_for_function("(s) => document.querySelector(s).getAttribute('aria-expanded') === 'true'", arg=picker)
    first = tab.page.get_by_role("option").nth(1).inner_text()  # 0 is "Click a marker or choose an event…"
    active = tab.page.evaluate(
        "(s) => document.getElementById(document.querySelector(s).getAttribute('aria-activedescendant')).innerText",
        arg=picker,
    )
    assert active == first, f"ArrowDown lands on {active!r}, not on the first event {first!r}"
    keys.press("Enter")
    return keys, first


def assert_focus_on_details(tab, option: str) -> None:
    """The chosen event's details are shown, the focus is on them and their heading is on screen."""
    title = option.split(" · ", 1)[1]
    tab.page.locator(f"{DETAILS} h2").filter(has_text=title.split(" (")[0]).wait_for()
    tab.page.wait_for_function(
        "() => !!(document.activeElement && document.activeElement.closest('.st-key-event_details'))",
        timeout=15_000,
    )
    tab.page.wait_for_function(HEADING_IN_VIEW, timeout=10_000)
    harness.wait_idle(tab.page)
    now = focused(tab)
    assert now["in_details"] and now["tag"] == "H2", now


@pytest.mark.parametrize(
    ("url_path", "picker_key"), [("", TIMELINE.event), ("holdings", HOLDINGS.event)], ids=["timeline", "holdings"]
)
def test_the_first_event_opens_from_the_keyboard(open_tab, server, url_path, picker_key):
    tab = open_tab(harness.DESKTOP).goto(server.url(url_path))
    assert focused(tab)["tag"] == "BODY"
    keys, option = open_first_event(tab, picker_key)
    assert_focus_on_details(tab, option)
    assert len(keys.pressed) <= MAX_PRESSES, keys.pressed
    tab.screenshot(f"keyboard-{url_path or 'timeline'}-details")

    if url_path == "":
        # A rerun that does not change the event leaves the focus where the reader put it.
        releases = tab.page.locator(f".st-key-{TIMELINE.releases} label")
        releases.click()
        harness.wait_ready(tab.page, True)
        tab.page.wait_for_timeout(1000)
        assert not focused(tab)["in_details"], "a rerun moved the focus back to the details"
    tab.assert_healthy()


def test_a_clicked_marker_moves_focus_to_its_details(open_tab, server):
    tab = open_tab(harness.DESKTOP).goto(server.url())
    marker = harness.isolated_marker(tab.page)
    tab.page.mouse.click(marker["x"], marker["y"])
    tab.page.wait_for_function(
        "() => !!(document.activeElement && document.activeElement.closest('.st-key-event_details'))",
        timeout=15_000,
    )
    tab.page.wait_for_function(HEADING_IN_VIEW, timeout=10_000)
    tab.assert_healthy()


def test_a_link_to_an_event_does_not_move_focus_on_load(open_tab, server):
    tab = open_tab(harness.DESKTOP).goto(server.url("", "event=kato-treasuries-card"))
    assert tab.page.locator(DETAILS).is_visible()
    tab.page.wait_for_timeout(1500)  # a late focus would come from the panel's component
    harness.wait_idle(tab.page)
    now = focused(tab)
    assert now["tag"] == "BODY" and not now["in_details"], now
    assert tab.page.evaluate("() => document.getElementById('stMain').scrollTop") == 0
    tab.assert_healthy()


def test_the_chart_toolbar_buttons_have_names(open_tab, server):
    tab = open_tab(harness.DESKTOP).goto(server.url())
    chart = tab.page.locator(harness.CHART).first
    chart.hover()  # the toolbar shows on hover
    tab.page.wait_for_selector(f"{harness.CHART} .modebar-btn", state="attached")
    names = tab.page.evaluate(
        "() => [...document.querySelectorAll('.modebar-btn')].map(b => b.getAttribute('aria-label'))"
    )
    assert names and all(n and n.strip() for n in names), names
    # A button Plotly leaves unnamed (older plotly.js draws <a data-title>) is named from its tooltip.
    tab.page.evaluate(
        """() => {
          const a = document.createElement('a');
          a.className = 'modebar-btn';
          a.dataset.title = 'Test tool';
          document.querySelector('.modebar-group').appendChild(a);
        }"""
    )
    tab.page.wait_for_function(
        "() => { const a = document.querySelector('a.modebar-btn[data-title=\"Test tool\"]');"
        " return a.getAttribute('aria-label') === 'Test tool' && a.getAttribute('role') === 'button'; }",
        timeout=5_000,
    )
    tab.assert_healthy()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_skip_links_come_first_and_show_when_focused(open_tab, server, scheme):
    tab = open_tab({**harness.DESKTOP, "color_scheme": scheme}).goto(server.url())
    for text in (SKIP_MAIN, SKIP_EVENTS):
        now = Keys(tab).press("Tab")
        assert now["skip"] and now["text"] == text, now
        ring = tab.page.evaluate(RING)
        left, top, width, height = ring["box"]
        assert width > 20 and height > 10, f"{text!r} is not visible when focused: {ring}"
        assert left >= 0 and top >= 0 and left + width <= ring["view"][0] and top + height <= ring["view"][1], ring
        assert ring["ring"], f"{text!r} has no focus ring"
        if text == SKIP_MAIN:
            tab.screenshot(f"keyboard-skip-link-{scheme}")
    # The events link points at the picker itself (an in-page link with a real target).
    target = tab.page.evaluate(
        "() => document.getElementById(document.activeElement.getAttribute('href').slice(1))?.id"
    )
    assert target == tab.page.locator(f".st-key-{TIMELINE.event} input[role='combobox']").get_attribute("id")
    # Skip to main content lands in the main area.
    tab.page.keyboard.press("Shift+Tab")
    tab.page.keyboard.press("Enter")
    tab.page.wait_for_function("() => !!document.activeElement.closest('[data-testid=\"stMain\"]')")
    # Streamlit's own skip link would say the first again: it is hidden.
    assert not tab.page.locator('[data-testid="stSkipToContent"]').is_visible()
    tab.assert_healthy()


def test_a_page_without_a_picker_has_only_the_main_skip_link(open_tab, server):
    tab = open_tab(harness.DESKTOP).goto(server.url("sources"), has_chart=False)
    first, second = Keys(tab).press("Tab"), Keys(tab).press("Tab")
    assert first["skip"] and first["text"] == SKIP_MAIN, first
    assert not second["skip"], second
    tab.assert_healthy()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_page_links_and_the_picker_show_a_focus_ring(open_tab, server, scheme):
    tab = open_tab({**harness.DESKTOP, "color_scheme": scheme}).goto(server.url())
    keys = Keys(tab)
    keys.press("Tab")
    keys.press("Tab")
    page_link = keys.press("Tab")
    assert tab.page.evaluate("() => document.activeElement.dataset.testid") == "stSidebarNavLink", page_link
    assert tab.page.evaluate(RING)["ring"], "a page link shows no focus ring"

    tab.page.keyboard.press("Shift+Tab")
    tab.page.keyboard.press("Enter")  # Skip to the events in view: the picker
    picker = f".st-key-{TIMELINE.event} input[role='combobox']"
    tab.page.wait_for_function("(s) => document.activeElement === document.querySelector(s)", arg=picker)
    ring = tab.page.evaluate(RING)
    assert ring["ring"] and ring["ring"].startswith("outline"), f"the picker shows no focus ring: {ring}"
    tab.screenshot(f"keyboard-picker-focus-{scheme}")

    # Plotly's own ring (1 px black) is lost on a dark chart: ours is 2 px in the text colour.
    tab.page.locator(f"{harness.CHART} .modebar-btn").first.focus()
    ring = tab.page.evaluate(RING)
    assert ring["ring"] and ring["ring"].startswith("outline 2px"), f"a toolbar button shows no focus ring: {ring}"
    tab.assert_healthy()
