"""The timeline in a real browser: hover and open an event, change controls, share a link, go back."""

from __future__ import annotations

import html
import itertools
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e import harness
from tests.e2e.support import url_query
from usjp.data import events_file
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e

HOME = next(p for p in PAGES if p.url_path == "")
DETAILS = ".st-key-event_details"
INDEXED_TITLE = "Index (start = 100)"


def wait_figure(tab, condition: str) -> None:
    """Wait until the drawn figure `f` (harness.FIGURE_STATE) satisfies a JS condition, then for idle."""
    tab.page.wait_for_function(f"() => {{ const f = ({harness.FIGURE_STATE})(); return f && ({condition}); }}")
    harness.wait_idle(tab.page)


def open_options(tab, widget_key: str) -> None:
    box = tab.page.locator(f".st-key-{widget_key} [role='combobox']")
    # Near the bottom edge the list has no room to open: bring the box to mid-screen first.
    box.evaluate("e => e.scrollIntoView({block: 'center'})")
    box.click()
    tab.page.get_by_role("listbox").wait_for()


def choose(tab, widget_key: str, option: str) -> None:
    """Pick an option of a selectbox by its visible label."""
    open_options(tab, widget_key)
    tab.page.get_by_role("option", name=option, exact=True).click()
    harness.wait_idle(tab.page)


def test_hover_shows_headline_and_click_opens_event(open_tab, server):
    tab = open_tab({"viewport": {"width": 1440, "height": 1800}}).goto(server.url())
    marker = harness.isolated_marker(tab.page)
    title = html.unescape(marker["title"])

    tab.page.mouse.move(marker["x"], marker["y"])
    tab.page.wait_for_function(
        "(t) => ((document.querySelector('main .hoverlayer') || {}).textContent || '').includes(t)", arg=title
    )
    assert "·" in harness.hover_text(tab.page)  # date · category line under the headline

    tab.page.mouse.click(marker["x"], marker["y"])
    tab.page.locator(DETAILS).get_by_text(title, exact=True).wait_for()
    harness.wait_idle(tab.page)
    assert url_query(tab)["event"] == [marker["id"]]
    assert tab.figure()["selected"] == [marker["id"]]
    details = tab.page.locator(DETAILS).inner_text()
    assert "Sources" in details
    tab.screenshot("timeline-event-clicked", full=True)
    tab.assert_healthy()


def test_event_deep_link_opens_details(open_tab, server):
    event_id = parse_qs(HOME.sample_query)["event"][0]
    tab = open_tab().goto(server.url("", f"event={event_id}"))
    assert tab.figure()["selected"] == [event_id]
    panel = tab.page.locator(DETAILS)
    assert panel.is_visible()
    assert "Sources" in panel.inner_text()
    assert tab.page.locator(DETAILS + " a[href^='https://']").count() >= 1
    tab.screenshot("timeline-event-deeplink", full=True)
    tab.assert_healthy()


def test_controls_update_the_chart_and_the_url(open_tab, server):
    tab = open_tab().goto(server.url())
    before = tab.figure()
    assert before["y_title"] != INDEXED_TITLE

    tab.page.locator(".st-key-w_mode").get_by_text("Indexed", exact=False).click()
    wait_figure(tab, f"f.y_title === {INDEXED_TITLE!r}")
    assert url_query(tab)["mode"] == ["indexed"]

    second = before["traces"][1]
    tab.page.locator(".st-key-w_series").get_by_role("button", name=f"Remove {second}").click()
    wait_figure(tab, f"!f.traces.includes({second!r})")
    after = tab.figure()
    assert after["traces"][0] == before["traces"][0]
    assert after["y_title"] == INDEXED_TITLE
    assert "series" in url_query(tab)
    tab.assert_healthy()


def test_scale_switch_keeps_the_open_event_and_markers_still_select(open_tab, server):
    """The Scale radio reruns only the chart's part of the page: the open event must stay, the URL must
    follow, and a marker clicked afterwards must still open its event below the chart."""
    event_id = parse_qs(HOME.sample_query)["event"][0]
    tab = open_tab({"viewport": {"width": 1440, "height": 1800}}).goto(server.url("", f"event={event_id}"))
    opened = tab.page.locator(DETAILS).inner_text()

    tab.page.locator(".st-key-w_mode").get_by_text("Indexed", exact=False).click()
    wait_figure(tab, f"f.y_title === {INDEXED_TITLE!r}")
    assert url_query(tab)["mode"] == ["indexed"] and url_query(tab)["event"] == [event_id]
    assert tab.figure()["selected"] == [event_id]
    assert tab.page.locator(DETAILS).inner_text() == opened

    other = harness.isolated_marker(tab.page, exclude=event_id)
    tab.page.mouse.click(other["x"], other["y"])
    tab.page.locator(DETAILS).get_by_text(html.unescape(other["title"]), exact=True).wait_for()
    harness.wait_idle(tab.page)
    assert url_query(tab)["event"] == [other["id"]] and url_query(tab)["mode"] == ["indexed"]
    assert tab.figure()["selected"] == [other["id"]]
    assert tab.figure()["y_title"] == INDEXED_TITLE
    tab.assert_healthy()


def test_shared_link_reproduces_the_view(open_tab, server):
    tab = open_tab().goto(server.url())
    tab.page.locator(".st-key-w_mode").get_by_text("Indexed", exact=False).click()
    wait_figure(tab, f"f.y_title === {INDEXED_TITLE!r}")
    choose(tab, "w_range", "Since the 2024 US election")
    tab.page.locator(".st-key-w_categories").get_by_role("button", name="Tariffs", exact=True).click()
    wait_figure(tab, "!f.lanes.includes('Tariffs')")
    open_options(tab, "w_event")
    tab.page.get_by_role("option").nth(1).click()  # the first event in the list
    wait_figure(tab, "f.selected.length === 1")
    view = tab.figure()
    link = tab.page.url
    assert {"mode", "range", "cat", "event"} <= set(parse_qs(urlsplit(link).query))

    other = open_tab().goto(link)  # a new context: nothing shared but the link
    assert other.figure() == view
    assert other.page.locator(DETAILS).is_visible()
    assert other.page.url == link
    tab.assert_healthy()
    other.assert_healthy()


def test_back_button_restores_the_previous_view(open_tab, server):
    """Streamlit pushes a history entry for each URL change the app makes; Back pops it and reruns the
    page with the earlier query string, and the page re-applies that view to its widgets."""
    tab = open_tab().goto(server.url())
    first = tab.figure()
    tab.page.locator(".st-key-w_mode").get_by_text("Indexed", exact=False).click()
    wait_figure(tab, f"f.y_title === {INDEXED_TITLE!r}")
    indexed = tab.figure()

    tab.page.go_back()
    wait_figure(tab, f"f.y_title === {first['y_title']!r}")
    assert "mode" not in url_query(tab)
    assert tab.figure() == first
    checked = tab.page.locator(".st-key-w_mode input:checked").evaluate("e => e.closest('label').innerText")
    assert re.match(r"\s*Levels", checked)

    tab.page.go_forward()
    wait_figure(tab, f"f.y_title === {INDEXED_TITLE!r}")
    assert url_query(tab)["mode"] == ["indexed"]
    assert tab.figure() == indexed
    tab.assert_healthy()


# Plotly draws tick labels and annotations as SVG text; with fixed margins (no automargin) a label too
# long for its margin would be cut off or drawn over the markers. Measured in the drawn chart.
LABEL_BOXES = """() => {
  const g = document.querySelector('$CHART');
  const svg = g.querySelector('svg.main-svg').getBoundingClientRect();
  const plot = g.querySelector('.xy3 .nsewdrag, .xy3 rect.nsewdrag') || g.querySelector('.nsewdrag');
  const area = plot.getBoundingClientRect();
  const box = e => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, text: e.textContent}; };
  return {
    svg: {left: svg.left, right: svg.right},
    plotLeft: area.left,
    lanes: [...g.querySelectorAll('.yaxislayer-above .y3tick text')].map(box),
    ticks: [...g.querySelectorAll('.yaxislayer-above .ytick text')].map(box),
    notes: [...g.querySelectorAll('.annotation-text')].map(box),
  };
}""".replace("$CHART", harness.CHART)


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("event", ["", "appeals-court-ieepa-ruling"])  # none, and one at the right edge
def test_lane_labels_ticks_and_footer_fit_the_figure(open_tab, server, size, event):
    query = f"event={event}" if event else ""
    tab = open_tab(harness.DESKTOP if size == "desktop" else harness.PHONE).goto(server.url(HOME.url_path, query))
    boxes = tab.page.evaluate(LABEL_BOXES)
    notes = [n for n in boxes["notes"] if "○" not in n["text"]]  # less the marker key, drawn with open markers
    assert len([n for n in notes if "Data as of" in n["text"]]) == 1  # one footer
    if event:  # the selected event's label is drawn (its label field, in the band of labels)
        label = next(e.label for e in events_file.read_events() if e.id == event)
        # (shortened with an ellipsis when wider than a phone's plot)
        assert any(label.startswith(n["text"].removesuffix("…")) and len(n["text"]) > 8 for n in notes), notes
    assert len(boxes["lanes"]) >= 6 and boxes["ticks"]
    for label in boxes["lanes"] + boxes["ticks"]:  # left of the plot, inside the figure
        assert boxes["svg"]["left"] - 0.5 <= label["left"] and label["right"] <= boxes["plotLeft"] + 0.5, label
    for note in boxes["notes"]:
        assert boxes["svg"]["left"] - 0.5 <= note["left"] and note["right"] <= boxes["svg"]["right"] + 0.5, note
    tab.assert_healthy()


# USD/JPY over years with interventions in them, and the releases lane: two more panels and their labels.
PANELS_QUERY = "series=usdjpy&start=2022-01-03&end=2026-06-30&releases=1"
PANEL_BOXES = """() => {
  const g = document.querySelector('$CHART');
  const svg = g.querySelector('svg.main-svg').getBoundingClientRect();
  const box = e => {
    const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, text: e.textContent};
  };
  const plot = g.querySelector('.xy3 .nsewdrag, .xy3 rect.nsewdrag').getBoundingClientRect();
  return {
    svg: {left: svg.left, right: svg.right},
    plotLeft: plot.left,
    bars: [...g.querySelectorAll('.barlayer .point')].length,
    releases: [...g.querySelectorAll('.yaxislayer-above .y5tick text')].map(box),
    barTicks: [...g.querySelectorAll('.yaxislayer-above .y4tick text')].map(box),
    notes: [...g.querySelectorAll('.annotation-text')].map(box),
  };
}""".replace("$CHART", harness.CHART)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_intervention_bars_and_the_releases_lane_fit_the_figure(open_tab, server, size):
    tab = open_tab(harness.DESKTOP if size == "desktop" else harness.PHONE).goto(
        server.url(HOME.url_path, PANELS_QUERY)
    )
    boxes = tab.page.evaluate(PANEL_BOXES)
    assert boxes["bars"] >= 3  # 2022, 2024 and 2026 operations, as bars
    assert [r["text"] for r in boxes["releases"]] == ["Releases" if size == "phone" else "Scheduled releases"]
    for label in boxes["releases"] + boxes["barTicks"]:
        assert boxes["svg"]["left"] - 0.5 <= label["left"] and label["right"] <= boxes["plotLeft"] + 0.5, label
    (panel,) = [n for n in boxes["notes"] if "interventions" in n["text"]]
    assert "+ bought yen" in panel["text"] and "sold yen" in panel["text"]
    for note in boxes["notes"]:
        assert boxes["svg"]["left"] - 0.5 <= note["left"] and note["right"] <= boxes["svg"]["right"] + 0.5, note
    for a, b in itertools.combinations(boxes["notes"], 2):  # no label drawn over another
        assert a["bottom"] <= b["top"] or b["bottom"] <= a["top"] or a["right"] <= b["left"] or b["right"] <= a["left"]
    tab.screenshot(f"timeline-panels-{size}", full=True)
    tab.assert_healthy()
