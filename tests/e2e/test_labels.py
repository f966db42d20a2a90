"""Event labels on the timeline, measured where Chromium draws them: inside the figure, never over one
another or over the title, subtitle and legend, at every column width from a small phone to a wide screen;
the reader's own title and note shown literally; `labels=` draws exactly the events asked for."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.e2e import geometry
from tests.e2e.support import url_query

pytestmark = pytest.mark.e2e

# Viewport widths: small and usual phones, a tablet, a 1280 px projector at 150% zoom, laptops, a wide screen.
WIDTHS = (320, 390, 768, 853, 1024, 1440, 1920)
HEIGHT = 1000
VIEWS = {"default": "", "since-election": "range=since-election"}
MIN_LABELS_FROM_PX = 1024  # from this window width the default view draws at least MIN_LABELS labels
MIN_LABELS = 3
CHOSEN = ("liberation-day-tariffs", "kato-treasuries-card", "kato-walks-back-treasuries")
CHOSEN_TEXTS = {"Liberation Day: Japan at 24%", "Kato: Treasuries 'a card'", "Kato walks it back"}


def size(width: int) -> dict:
    return {"viewport": {"width": width, "height": HEIGHT}}


def layout_problems(t: geometry.Texts) -> list[str]:
    """Everything wrong with the drawn texts: outside the figure's svg, or overlapping one another."""
    frame = [b for b in (t.title, t.subtitle) if b is not None] + t.legend
    problems = [f"outside the figure {t.svg}: {b}" for b in [*frame, *t.labels] if not b.inside(t.svg)]
    problems += [f"labels overlap: {a} and {b}" for a, b in geometry.overlapping(t.labels)]
    problems += [f"label over title/subtitle/legend: {a} and {b}" for a, b in geometry.overlapping(t.labels, frame)]
    problems += [f"title/subtitle/legend overlap: {a} and {b}" for a, b in geometry.overlapping(frame)]
    return problems


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{w}px" for w in WIDTHS])
def test_labels_fit_the_figure_and_never_overlap(open_tab, server, width):
    tab = open_tab(size(width))
    failures = []
    for i, (name, query) in enumerate(VIEWS.items()):
        if i == 0:
            geometry.load(tab, server.url("", query))
        else:  # the next view in the same session (a fresh visit costs seconds; the figure is the same)
            geometry.switch_view(tab.page, server.url("", query))
        drawn = geometry.texts(tab.page)
        shot = f"labels-{width}px-{name}"
        tab.screenshot(shot)
        problems = layout_problems(drawn)
        print(
            f"{width}px {name}: for a {geometry.expected_step(tab.page)} px column, {len(drawn.labels)} labels, "
            f"svg {drawn.svg.width:.0f} px wide, {len(problems)} problems"
        )
        if problems:
            failures.append(f"{name} (artifacts/e2e/{shot}.png):\n  " + "\n  ".join(problems))
        if name == "default" and width >= MIN_LABELS_FROM_PX and len(drawn.labels) < MIN_LABELS:
            failures.append(
                f"{name}: only {len(drawn.labels)} labels drawn at {width}px ({[b.text for b in drawn.labels]}), "
                f"expected at least {MIN_LABELS} (artifacts/e2e/{shot}.png)"
            )
        tab.assert_healthy()
    assert not failures, f"at {width}px wide:\n" + "\n".join(failures)


HOSTILE_TITLE = '<b>x</b><a href="javascript:alert(1)">y</a>'
HOSTILE_NOTE = "<br>n"


def test_readers_title_and_note_are_shown_literally(open_tab, server):
    tab = open_tab(size(1440))
    dialogs: list[str] = []
    tab.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    geometry.load(tab, server.url("", urlencode({"title": HOSTILE_TITLE, "note": HOSTILE_NOTE})))

    assert url_query(tab)["title"] == [HOSTILE_TITLE]
    drawn_title = geometry.title_text(tab.page)
    assert "<b>x</b>" in drawn_title, f"the title's markup was not shown literally: drawn title {drawn_title!r}"
    assert drawn_title == HOSTILE_TITLE, f"drawn title {drawn_title!r} differs from the reader's {HOSTILE_TITLE!r}"
    links = tab.page.evaluate(f"() => document.querySelectorAll('{geometry.TIMELINE} a').length")
    assert links == 0, f"the reader's <a> became {links} link element(s) inside the chart"
    footer_lines = tab.page.evaluate(
        f"""() => [...document.querySelectorAll('{geometry.TIMELINE} .annotation-text')]
              .map(t => [...t.querySelectorAll('tspan.line')].map(s => s.textContent))
              .filter(lines => lines.some(l => l.startsWith('Source')))"""
    )
    assert footer_lines, "no footer (the annotation with the sources) on the chart"
    assert footer_lines[0][0] == HOSTILE_NOTE, (
        f"the note {HOSTILE_NOTE!r} should be the footer's first line, literally; footer lines: {footer_lines[0][:3]}"
    )
    tab.page.wait_for_timeout(300)  # a javascript: link or dialog would fire asynchronously
    assert not dialogs, f"a dialog fired: {dialogs}"
    tab.screenshot("labels-hostile-title")
    tab.assert_healthy()


def test_labels_parameter_draws_exactly_the_chosen_events(open_tab, server):
    tab = open_tab(size(1440))
    geometry.load(tab, server.url("", "labels=" + ",".join(CHOSEN)))
    drawn = {b.text for b in geometry.texts(tab.page).labels}
    tab.screenshot("labels-chosen-three")
    assert drawn == CHOSEN_TEXTS, f"labels=three ids drew {sorted(drawn)}, expected exactly {sorted(CHOSEN_TEXTS)}"
    assert "left out" not in geometry.subtitle_source(tab.page), geometry.subtitle_source(tab.page)
    tab.assert_healthy()

    geometry.switch_view(tab.page, server.url("", "labels=none"))
    none = geometry.texts(tab.page).labels
    assert not none, f"labels=none still drew {[b.text for b in none]}"
    assert "left out" not in geometry.subtitle_source(tab.page)
    tab.screenshot("labels-none")
    tab.assert_healthy()
