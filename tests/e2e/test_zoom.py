"""A drag-zoom on the timeline becomes the view's date range: the URL, the title and a reload follow it,
and Plotly's double-click reset breaks nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e import geometry
from tests.e2e.support import url_query

pytestmark = pytest.mark.e2e

SIZE = {"viewport": {"width": 1440, "height": 1200}}  # the series panel and the lanes on screen
FROM, TO = 0.30, 0.60  # where the drag starts and ends, as shares of the plot's width
SLACK = dt.timedelta(days=3)  # a pixel is under a day here; the app keeps whole dates

# The series panel (axes x and y) in page pixels, and the dates at two shares of its width.
PANEL = """(a) => {
  const gd = document.querySelector(a.sel);
  const box = gd.getBoundingClientRect();
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  const at = (share) => new Date(xa.p2l(xa._length * share)).toISOString().slice(0, 10);
  return {left: box.left + xa._offset, width: xa._length, top: box.top + ya._offset, height: ya._length,
          from: at(a.from), to: at(a.to)};
}"""


def panel(page) -> dict:
    return page.evaluate(PANEL, {"sel": geometry.TIMELINE, "from": FROM, "to": TO})


def shown_range(page) -> list[str]:
    return [str(v)[:10] for v in geometry.layout(page)["xrange"]]


def month_span(start: dt.date, end: dt.date) -> str:
    """How the generated title writes a range (usjp.figures.credits.date_span)."""
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%b %Y}"
    return f"{start:%b %Y} – {end:%b %Y}"


def test_drag_zoom_goes_into_the_url_and_survives_a_reload(open_tab, server):
    tab = open_tab(SIZE)
    geometry.load(tab, server.url())
    page = tab.page
    before_title = geometry.title_text(page)
    before_count = geometry.events_in_view(page)
    p = panel(page)
    x0, x1, y = p["left"] + p["width"] * FROM, p["left"] + p["width"] * TO, p["top"] + p["height"] / 2
    wanted = dt.date.fromisoformat(p["from"]), dt.date.fromisoformat(p["to"])
    print(f"dragging {x0:.0f} -> {x1:.0f} at y {y:.0f}: {wanted[0]} to {wanted[1]}")

    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y, steps=5)
    page.mouse.move(x1, y, steps=5)
    page.mouse.up()
    try:
        page.wait_for_function("() => new URLSearchParams(location.search).has('start')", timeout=20_000)
    except PlaywrightTimeout:
        tab.screenshot("zoom-drag-no-url")
        raise AssertionError(
            f"a drag-zoom from {wanted[0]} to {wanted[1]} did not put start/end in the URL ({page.url}); "
            "see artifacts/e2e/zoom-drag-no-url.png"
        ) from None
    geometry.settle(page)
    query = url_query(tab)
    start, end = dt.date.fromisoformat(query["start"][0]), dt.date.fromisoformat(query["end"][0])
    assert abs(start - wanted[0]) <= SLACK and abs(end - wanted[1]) <= SLACK, (
        f"dragged {wanted[0]} to {wanted[1]}, the URL says {start} to {end} ({page.url})"
    )
    title = geometry.title_text(page)
    assert month_span(start, end) in title, f"after the zoom the title is {title!r} (was {before_title!r})"
    assert title != before_title
    count = geometry.events_in_view(page)
    assert count < before_count, f"the subtitle still counts {count} events after zooming in (was {before_count})"
    assert shown_range(page) == [start.isoformat(), end.isoformat()], shown_range(page)
    tab.screenshot("zoom-after-drag")
    tab.assert_healthy()

    link = page.url
    other = open_tab(SIZE)
    geometry.load(other, link)
    assert shown_range(other.page) == [start.isoformat(), end.isoformat()], (
        f"the link {link} reopened shows {shown_range(other.page)}"
    )
    assert geometry.title_text(other.page) == title
    assert geometry.events_in_view(other.page) == count
    other.assert_healthy()


@pytest.mark.parametrize("query", ["", "start=2025-04-05&end=2025-06-07"], ids=["default", "zoomed"])
def test_double_click_reset_breaks_nothing(open_tab, server, query):
    """Plotly's reset (a double-click on the plot): no error, the URL keeps its range, and the chart still
    shows the range its title, subtitle and URL describe."""
    tab = open_tab(SIZE)
    geometry.load(tab, server.url("", query))
    page = tab.page
    before = {"url": page.url, "range": shown_range(page), "title": geometry.title_text(page)}
    p = panel(page)
    page.mouse.dblclick(p["left"] + p["width"] / 2, p["top"] + p["height"] / 2)
    page.wait_for_timeout(500)
    geometry.settle(page)
    shot = f"zoom-double-click-{'zoomed' if query else 'default'}"
    tab.screenshot(shot)
    tab.assert_healthy()
    assert page.url == before["url"], f"a double-click changed the URL from {before['url']} to {page.url}"
    assert geometry.title_text(page) == before["title"]
    after = shown_range(page)
    assert after == before["range"], (
        f"after a double-click the chart shows {after[0]} to {after[1]} while its title, subtitle and URL still "
        f"say {before['range'][0]} to {before['range'][1]} (artifacts/e2e/{shot}.png)"
    )
