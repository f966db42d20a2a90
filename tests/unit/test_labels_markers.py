"""Event labels and markers on the timeline: labels never overlap one another or leave the plot, markers
never hide one another (or name the events they stand for), on the real events at every width the app
and the exports lay out for. The browser suite checks the same on the drawn chart (tests/e2e/test_labels.py,
test_markers.py); these check the layouts themselves, fast and exhaustively."""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re

import pandas as pd
import pytest
from PIL import ImageFont

from tests.builders import make_event
from usjp import catalog
from usjp.data import events_file, interventions, verify
from usjp.figures import labels, markers
from usjp.figures.palette import LIGHT
from usjp.figures.style import IMPORTANCE_SIZE
from usjp.figures.timeline import LABEL, LABEL_ROWS, LABEL_SIZE, LANE_PX, LEADERS, _lanes, labelled
from usjp.ui.width import STEPS
from usjp.views.timeline import PRESET_BY_KEY, View

DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
PLOT_WIDTHS = (250, 300, 420, 560, 724, 900, 1300, 1800)  # plot px from a phone to a projector


@pytest.fixture(scope="module")
def all_events():
    record = verify.read_newest(catalog.INTERVENTIONS)
    curated = events_file.read_events()
    return interventions.intervention_events(record.values, curated) if record else curated


def preset_window(key: str, events) -> tuple[dt.date, dt.date]:
    preset = PRESET_BY_KEY[key]
    return preset.start or dt.date(1971, 1, 4), preset.end or max(e.date for e in events)


# -- labels -------------------------------------------------------------------------------------------
@pytest.mark.skipif(not __import__("os").path.exists(DEJAVU), reason="DejaVu Sans is not installed")
def test_a_label_is_never_measured_narrower_than_the_widest_font_draws_it(all_events):
    font = ImageFont.truetype(DEJAVU, 100)
    for e in all_events:
        for text in (e.label, e.title):
            assert labels.text_width(text, 100) >= font.getlength(text), text


@pytest.mark.parametrize("plot_px", PLOT_WIDTHS)
@pytest.mark.parametrize("preset", ["tariff-2025", "since-election", "all"])
def test_placed_labels_never_overlap_and_stay_inside_the_plot(all_events, plot_px, preset):
    start, end = preset_window(preset, all_events)
    shown = [e for e in all_events if start <= e.date <= end]
    for compact in (False, True):
        wanted = [
            labels.Wanted(e.id, markers.x_px(e.date, start, end, plot_px), e.label)
            for e in labelled(shown, [e.id for e in shown], None)  # every event asks for a label: the worst case
        ]
        layout = labels.place(wanted, plot_px, LABEL_ROWS[compact], LABEL_SIZE[compact])
        assert len(layout.placed) + len(layout.dropped) == len(wanted)
        for p in layout.placed:
            assert p.left >= 0 and p.right <= plot_px + 1e-6, p
            assert abs(p.centre - p.x) <= labels.MAX_SHIFT_PX + p.width / 2
        for a, b in itertools.combinations(layout.placed, 2):
            if a.row == b.row:
                assert a.right + labels.GAP_PX <= b.left + 1e-6 or b.right + labels.GAP_PX <= a.left + 1e-6, (a, b)


def test_labels_go_over_their_event_when_there_is_room_and_priority_decides_who_is_dropped():
    wanted = [labels.Wanted("a", 100, "First label"), labels.Wanted("b", 105, "Second label")]
    one_row = labels.place(wanted, 600, 1, 12)
    assert one_row.placed[0].centre == 100  # the first asked is centred over its event
    assert [p.key for p in one_row.placed] == ["a", "b"] and one_row.placed[1].centre > 100  # moved along
    crowded = labels.place([labels.Wanted(k, 100, "A fairly long label text") for k in "abcdefgh"], 300, 2, 12)
    assert [p.key for p in crowded.placed][:2] == ["a", "b"] and crowded.dropped  # the last asked are dropped


def test_a_label_at_the_plot_edge_is_moved_inside_it():
    (p,) = labels.place([labels.Wanted("a", 2, "Near the left edge")], 500, 1, 12).placed
    assert p.left >= 0 and p.centre > p.x


def test_the_default_labels_are_the_headline_events_and_the_selected_one_comes_first():
    events = [
        make_event(id="h1", importance=3, date="2025-04-02"),
        make_event(id="n1", importance=2, date="2025-04-03"),
        make_event(id="h2", importance=3, date="2025-04-09"),
    ]
    assert [e.id for e in labelled(events, None, None)] == ["h1", "h2"]
    assert [e.id for e in labelled(events, None, "n1")] == ["n1", "h1", "h2"]
    assert [e.id for e in labelled(events, ["h2", "gone"], None)] == ["h2"]
    assert labelled(events, [], None) == []


# -- markers ------------------------------------------------------------------------------------------
def covered_centres(marks: list[markers.Mark], plot_px: float, compact: bool) -> list[markers.Mark]:
    """Marks whose centre lies under another mark's disc (drawn in the same lane strip, px)."""
    lane_px = LANE_PX[compact]
    hidden = []
    for m in marks:
        for other in marks:
            if other is m:
                continue
            dx = m.x_px - other.x_px
            dy = (m.y - other.y) * lane_px
            if math.hypot(dx, dy) < other.size / 2:
                hidden.append(m)
                break
    return hidden


@pytest.mark.parametrize("preset", ["tariff-2025", "since-election", "all"])
@pytest.mark.parametrize("width", [w for w in STEPS if w <= 1900])
def test_every_event_has_a_visible_marker_or_is_named_in_a_cluster(all_events, preset, width):
    start, end = preset_window(preset, all_events)
    view = View(range=preset)
    shown = [e for e in all_events if e.category in view.categories and start <= (e.end or e.date) and e.date <= end]
    lane_of = _lanes(shown)
    plot_px = width - 200  # the lane labels' margin and the right axis, roughly; exact values do not matter
    marks = markers.arrange(shown, lane_of, start, end, plot_px, LANE_PX[width < 640])
    assert sorted(e.id for m in marks for e in m.events) == sorted(e.id for e in shown)  # each exactly once
    assert not covered_centres(marks, plot_px, compact=width < 640)
    for m in marks:
        assert round(m.y) == lane_of[m.events[0].category] and {e.category for e in m.events} == {m.events[0].category}


def test_the_kato_pair_are_two_markers_in_the_default_view_on_a_wide_screen_and_named_together_on_a_phone(all_events):
    start, end = preset_window("tariff-2025", all_events)
    pair = [
        e
        for e in all_events
        if e.category == "treasury-leverage" and dt.date(2025, 5, 2) <= e.date <= dt.date(2025, 5, 4)
    ]
    assert {e.id for e in pair} >= {"kato-treasuries-card"} and len(pair) >= 2
    for width in STEPS:
        marks = markers.arrange(pair, _lanes(pair), start, end, width - 200, LANE_PX[width < 640])
        if width >= 760:  # a laptop's column; narrower, the two days are a few px apart and may be one cluster
            assert all(not m.cluster for m in marks), width
        assert sorted(e.id for m in marks for e in m.events) == sorted(e.id for e in pair)


def test_markers_in_one_row_never_touch_and_a_crowd_becomes_a_cluster():
    day = dt.date(2025, 4, 2)
    crowd = [make_event(id=f"e{i}", date=day.isoformat(), category="fx", importance=1) for i in range(5)]
    marks = markers.arrange(crowd, {"fx": 0}, day - dt.timedelta(days=30), day + dt.timedelta(days=30), 600)
    # Three fit in the lane's three rows; the fourth turns the nearest into a cluster, which is larger and
    # so takes in the others it would cover.
    assert sum(len(m.events) for m in marks) == 5 and any(m.cluster and m.size == markers.CLUSTER_SIZE for m in marks)
    assert not covered_centres(marks, 600, compact=False)
    apart = markers.arrange(crowd[:2], {"fx": 0}, day - dt.timedelta(days=30), day + dt.timedelta(days=30), 600)
    assert [m.row for m in apart] == [0, 1] and all(m.size == IMPORTANCE_SIZE[1] for m in apart)


def test_a_label_wider_than_the_plot_is_shortened_not_dropped():
    text = "Appeals court: tariffs unlawful"
    short = labels.fit_text(text, 11, 150)
    assert short.endswith("…") and text.startswith(short[:-1]) and labels.text_width(short, 11) <= 150
    assert labels.fit_text(text, 11, 1000) == text


def test_the_selected_event_is_labelled_at_every_width(all_events):
    from usjp.figures.timeline import build_timeline_figure

    start, end = preset_window("tariff-2025", all_events)
    shown = [e for e in all_events if start <= e.date <= end]
    for width in STEPS:
        fig = build_timeline_figure(
            [], shown, start=start, end=end, title="t", subtitle="", source_lines=[], as_of="",
            selected="appeals-court-ieepa-ruling", compact=width < 640, width=width,
        )  # fmt: skip
        texts = [a.text for a in fig.layout.annotations if a.name == LABEL]
        assert any(t.startswith("<b>Appeals court") for t in texts), (width, texts)  # bold: the selected one


def leader_segments(fig) -> list[tuple[str, str, float]]:
    """(event's date, label's centre, rise in px) of each leader line in the figure's leader paths."""
    found = []
    for shape in (s for s in fig.layout.shapes if s.name == LEADERS):
        assert shape.ysizemode == "pixel" and shape.xref == "x" and shape.yref == "paper"
        for start, end, rise in re.findall(r"M(\S+),0L(\S+),([\d.]+)", shape.path):
            found.append((start.replace("_", " "), end.replace("_", " "), float(rise)))
    return found


@pytest.mark.parametrize("width", [390, 1000, 1440])
def test_each_label_has_a_leader_from_its_event_to_its_place_in_the_band(all_events, width):
    from usjp.figures.timeline import build_timeline_figure

    start, end = preset_window("tariff-2025", all_events)
    shown = [e for e in all_events if start <= e.date <= end]
    fig = build_timeline_figure(
        [], shown, start=start, end=end, title="t", subtitle="", source_lines=[], as_of="",
        selected="appeals-court-ieepa-ruling", compact=width < 640, width=width,
    )  # fmt: skip
    plot_px = width - fig.layout.margin.l - fig.layout.margin.r
    span_ms = (pd.Timestamp(end) - pd.Timestamp(start)).value / 1e6
    segments = leader_segments(fig)
    placed = [a for a in fig.layout.annotations if a.name == LABEL]
    assert placed and len(segments) == len(placed)
    by_label = {a.text.removeprefix("<b>").removesuffix("</b>"): a for a in placed}
    for e in labelled(shown, None, "appeals-court-ieepa-ruling"):
        text = labels.fit_text(e.label, LABEL_SIZE[width < 640], plot_px)
        if text not in by_label:
            continue  # left out for lack of room (another test counts those)
        label = by_label[text]
        centre = pd.Timestamp(label.x)
        ((date, _, rise),) = [s for s in segments if pd.Timestamp(s[1]) == centre]
        assert pd.Timestamp(date) == pd.Timestamp(e.date), (e.id, date)
        assert 0 < rise < label.yshift, (e.id, rise, label.yshift)  # up to the label's lower edge, not past it
        # Where the layout put the label: its centre as a date is its laid-out px, whatever the width drawn.
        px = (centre - pd.Timestamp(start)).value / 1e6 / span_ms * plot_px
        half = labels.text_width(text, LABEL_SIZE[width < 640]) / 2
        assert half - 0.01 <= px <= plot_px - half + 0.01, (e.id, px, half, plot_px)
    strong = [s for s in fig.layout.shapes if s.name == LEADERS and s.line.color == LIGHT.selected]
    assert len(strong) == 1 and strong[0].path.startswith("M2025-08-29"), "the selected event's leader is its own"
