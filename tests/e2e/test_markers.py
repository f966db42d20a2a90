"""Event markers in the lanes, measured where Chromium draws them: two events two days apart each answer
their own hover and click, no marker hides another's centre, every event in view is drawn (alone or
counted in a cluster), a cluster zooms to its events, and the selected event is always drawn."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e import geometry, harness
from tests.e2e.support import url_query

pytestmark = pytest.mark.e2e

TALL = {"viewport": {"width": 1440, "height": 1800}}  # the whole chart on screen, for the mouse
DETAILS = ".st-key-event_details"
CARD = "kato-treasuries-card"  # 2 May 2025
WALK_BACK = "kato-walks-back-treasuries"  # 4 May 2025, same lane
PRESETS = {"default": "", "since-election": "range=since-election", "all": "range=all"}
SIZES = {"desktop": {"viewport": {"width": 1440, "height": 1000}}, "phone": harness.PHONE}


def test_two_days_apart_each_marker_answers_for_its_own_event(open_tab, server):
    tab = open_tab(TALL)
    geometry.load(tab, server.url())
    card, walk_back = geometry.marker(tab.page, CARD), geometry.marker(tab.page, WALK_BACK)
    print(f"2 May at ({card.x:.1f}, {card.y:.1f}) size {card.size}; 4 May at ({walk_back.x:.1f}, {walk_back.y:.1f})")

    shown = geometry.hover(tab.page, CARD, expect=card.heading)
    assert card.heading in shown, f"hovering the centre of the 2 May marker showed {shown!r}, not {card.heading!r}"
    assert walk_back.heading not in shown, f"hovering 2 May also named the 4 May event: {shown!r}"
    shown = geometry.hover(tab.page, WALK_BACK, expect=walk_back.heading)
    assert walk_back.heading in shown, (
        f"hovering the centre of the 4 May marker showed {shown!r}, not {walk_back.heading!r}"
    )
    assert card.heading not in shown, f"hovering 4 May also named the 2 May event: {shown!r}"

    geometry.click_event(tab.page, CARD)
    try:
        tab.page.wait_for_function("() => new URLSearchParams(location.search).has('event')", timeout=15_000)
    except PlaywrightTimeout:
        tab.screenshot("markers-kato-card-clicked")
        raise AssertionError(f"clicking the 2 May marker selected nothing (URL {tab.page.url})") from None
    assert url_query(tab).get("event") == [CARD], (
        f"clicking the centre of the 2 May marker selected {url_query(tab).get('event')} (URL {tab.page.url}); "
        "see artifacts/e2e/markers-kato-card-clicked.png"
    )
    tab.page.locator(DETAILS).get_by_text(card.heading, exact=True).wait_for()
    harness.wait_idle(tab.page)
    heading = tab.page.locator(f"{DETAILS} h2").first.inner_text()
    tab.screenshot("markers-kato-card-clicked", full=True)
    assert card.heading in heading, f"the details panel's heading is {heading!r}, not {card.heading!r}"
    tab.assert_healthy()


def marker_problems(tab, preset: str, size: str) -> list[str]:
    """Measure the markers drawn now: every event in view drawn (alone or in a cluster's count), and no single
    marker's centre under another marker. Prints the shares; returns what is wrong."""
    drawn = geometry.markers(tab.page)
    singles = [m for m in drawn if m.single]
    clusters = [m for m in drawn if m.cluster]
    hidden = {m: by for m in singles if (by := geometry.centre_covered_by(m, drawn))}
    apart = [m for m in singles if not geometry.touching(m, drawn)]
    in_view = geometry.events_in_view(tab.page)
    grouped = sum(c.count for c in clusters)
    shot = f"markers-{preset}-{size}"
    viewport = tab.page.viewport_size
    tab.screenshot(shot, full=True)
    tab.page.set_viewport_size(viewport)  # back to the device's screen for the next view
    share = 1 - len(hidden) / len(singles) if singles else 1.0
    clear = len(apart) / len(singles) if singles else 1.0
    print(
        f"\n{preset} on {size}: {in_view} events in view; {len(singles)} single markers, {len(clusters)} clusters "
        f"({grouped} events); centre visible {share:.1%} of singles ({len(singles) - len(hidden)}/{len(singles)}); "
        f"disc clear of every other {clear:.1%}"
    )
    problems = []
    if len(singles) + grouped != in_view:
        problems.append(
            f"{len(singles)} single markers + {grouped} events in clusters = {len(singles) + grouped}, "
            f"but the subtitle says {in_view} events are in view"
        )
    problems += [
        f"{m.id} ({m.date}, {m.size:.0f} px at {m.x:.0f},{m.y:.0f}) has its centre under "
        + ", ".join(f"{o.id or '?'} ({o.trace}, {o.size:.0f} px at {o.x:.0f},{o.y:.0f})" for o in by)
        for m, by in hidden.items()
    ]
    return [f"{preset} (artifacts/e2e/{shot}.png): {p}" for p in problems]


@pytest.mark.parametrize("size", SIZES)
def test_every_event_is_drawn_and_no_marker_hides_another(open_tab, server, size):
    """In each preset range (one session per screen: the next preset as Back/Forward would show it)."""
    tab = open_tab(SIZES[size])
    problems = []
    for i, query in enumerate(PRESETS.values()):
        if i == 0:
            geometry.load(tab, server.url("", query))
        else:
            geometry.switch_view(tab.page, server.url("", query))
        problems += marker_problems(tab, list(PRESETS)[i], size)
        tab.assert_healthy()
    assert not problems, f"markers on {size}:\n  " + "\n  ".join(problems)


def test_clicking_a_cluster_zooms_to_its_events(open_tab, server):
    tab = open_tab(TALL)
    geometry.load(tab, server.url("", "range=all"))
    drawn = geometry.markers(tab.page)
    clusters = [m for m in drawn if m.cluster and not geometry.touching(m, drawn)]
    assert clusters, f"no cluster clear of other markers in range=all ({sum(m.cluster for m in drawn)} clusters)"
    cluster = min(clusters, key=lambda m: (m.count, m.x))  # the smallest: a short span to zoom to
    first, last = (dt.date.fromisoformat(d) for d in cluster.span)
    print(f"cluster of {cluster.count} events, {first} to {last}, at ({cluster.x:.0f}, {cluster.y:.0f})")

    geometry.click(tab.page, cluster)
    tab.page.wait_for_function("() => new URLSearchParams(location.search).has('start')")
    geometry.settle(tab.page)
    query = url_query(tab)
    start, end = dt.date.fromisoformat(query["start"][0]), dt.date.fromisoformat(query["end"][0])
    pad = max(dt.timedelta(days=7), (last - first) / 4) + dt.timedelta(days=1)
    assert first - pad <= start <= first and last <= end <= last + pad, (
        f"a click on the cluster {first}..{last} zoomed to {start}..{end} (URL {tab.page.url}); "
        f"expected the cluster's dates with up to {pad.days} days either side"
    )
    x_range = [str(v)[:10] for v in geometry.layout(tab.page)["xrange"]]
    assert x_range == [start.isoformat(), end.isoformat()], f"the chart shows {x_range}, the URL {start}..{end}"
    assert "event" not in query, f"a cluster click selected an event: {tab.page.url}"
    tab.screenshot("markers-cluster-zoomed")
    tab.assert_healthy()


def test_selected_event_is_drawn_even_when_its_category_is_filtered_out(open_tab, server):
    tab = open_tab()
    geometry.load(tab, server.url("", f"cat=tariff&event={CARD}"))
    figure = tab.figure()
    assert "Selected event" in figure["traces"], f"no 'Selected event' trace: traces {figure['traces']}"
    assert figure["selected"] == [CARD], f"selected on the chart: {figure['selected']}"
    assert CARD in figure["event_ids"], "the selected event has no marker"
    ring = [m for m in geometry.markers(tab.page) if m.trace == geometry.SELECTED]
    card = geometry.marker(tab.page, CARD)
    assert ring and abs(ring[0].x - card.x) < 1 and abs(ring[0].y - card.y) < 1, (
        f"the ring {ring} is not drawn on the event's marker at ({card.x:.0f}, {card.y:.0f})"
    )
    tab.screenshot("markers-selected-outside-filter")
    tab.assert_healthy()
