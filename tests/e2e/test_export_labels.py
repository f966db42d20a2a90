"""The exported SVG at every named size, drawn in Chromium: its labels name the headline events in view
(or the subtitle says how many were left out), none overlaps another, the title, the subtitle or the
legend, and all lie inside the image; an export of a zoomed view has that view's title and count."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e import geometry, harness
from usjp.cli import export as cli
from usjp.figures import credits
from usjp.figures.timeline import LABEL
from usjp.figures.timeline_view import shown_events
from usjp.publish import export, sizes
from usjp.views.timeline import View

pytestmark = pytest.mark.e2e

# The drawn boxes of a static SVG's texts; an annotation's index says which of the figure's it is.
SVG_BOXES = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: e.textContent}; };
  const one = (q) => { const e = document.querySelector(q); return e ? box(e) : null; };
  return {
    svg: box(document.querySelector('svg')),
    title: one('text.gtitle'),
    subtitle: one('text.gtitle-subtitle'),
    legend: [...document.querySelectorAll('.legend .traces')].map(box),
    annotations: [...document.querySelectorAll('.infolayer g.annotation')].map((g) => Object.assign(
      box(g.querySelector('.annotation-text-g rect.bg') || g.querySelector('.annotation-text-g')),
      {index: Number(g.getAttribute('data-index')), text: g.querySelector('.annotation-text').textContent})),
  };
}"""


def drawn(page, svg: bytes) -> dict:
    page.set_content(f"<!DOCTYPE html><html><body style='margin:0'>{svg.decode()}</body></html>")
    return page.evaluate(SVG_BOXES)


def box(d: dict | None) -> geometry.Box | None:
    return None if d is None else geometry.Box(d["left"], d["top"], d["right"], d["bottom"], d["text"])


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context(viewport={"width": 2000, "height": 2400})
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("size", [s.key for s in sizes.SIZES])
@pytest.mark.parametrize("query", [{}, {"range": "since-election"}], ids=["default", "since-election"])
def test_exported_svg_names_the_headline_events_with_no_overlap(page, size, query):
    bounds = cli.date_bounds()
    view = View(**query)
    start, end = view.window(*bounds)
    data = cli.timeline_data(view)
    chosen = sizes.parse_size(size)
    figure = export.static_figure(view, start, end, data, chosen, "Local view")
    svg = export.export_view(view, start, end, data, "svg", chosen, base_url="").data
    found = drawn(page, svg)
    annotations = figure.layout.annotations
    labels = [box(a) for a in found["annotations"] if annotations[a["index"]].name == LABEL]
    frame = [b for b in (box(found["title"]), box(found["subtitle"])) if b] + [box(b) for b in found["legend"]]
    svg_box = box({**found["svg"], "text": "image"})
    (harness.ARTIFACTS / "exports").mkdir(parents=True, exist_ok=True)
    (harness.ARTIFACTS / "exports" / f"{size}-{query.get('range', 'default')}.svg").write_bytes(svg)

    assert labels, f"{size}: no label drawn"
    problems = [f"outside the image: {b}" for b in labels if not b.inside(svg_box)]
    problems += [f"labels overlap: {a} and {b}" for a, b in geometry.overlapping(labels)]
    problems += [f"label over the title/legend: {a} and {b}" for a, b in geometry.overlapping(labels, frame)]
    assert not problems, f"{size}:\n" + "\n".join(problems)

    headline = [e for e in shown_events(data.events, view, start, end) if e.importance == 3]
    named = {b.text.removesuffix("…") for b in labels}
    missing = [e.label for e in headline if not any(e.label.startswith(n) for n in named)]
    subtitle = (found["subtitle"]["text"] if found["subtitle"] else "").replace(" ", "")  # lines join unspaced
    print(f"{size} {query}: {len(labels)} labels, {len(missing)} headline events left out")
    if missing:  # left out for lack of room, and the chart says so
        assert f"{len(missing)}label" in subtitle and "leftout" in subtitle, (size, missing, subtitle)


def test_an_export_of_a_zoomed_view_has_its_title_range_and_count(page):
    view = View(range="custom", start=dt.date(2025, 4, 1), end=dt.date(2025, 5, 15))
    data = cli.timeline_data(view)
    start, end = view.window(*cli.date_bounds())
    svg = export.export_view(view, start, end, data, "svg", sizes.parse_size("article"), base_url="").data
    found = drawn(page, svg)
    assert credits.date_span(start, end) in found["title"]["text"]  # "Apr 2025 – May 2025"
    count = len(shown_events(data.events, view, start, end))
    assert found["subtitle"]["text"].startswith(f"{count} US–Japan trade-tension events"), found["subtitle"]
    assert "start=2025-04-01" in svg.decode() and "end=2025-05-15" in svg.decode()  # the link line
