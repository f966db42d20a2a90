"""The timeline figure: series traces, the event marker traces with ids (filled for confirmed events, open
for the rest), the selected event's ring, in-figure title/source/as-of."""

import datetime as dt

import pandas as pd
import pytest

from tests.builders import make_event
from usjp.events import STATUS_TABLE, category, status
from usjp.figures import timeline_words as words
from usjp.figures.style import IMPORTANCE_SIZE
from usjp.figures.timeline import SeriesView, build_timeline_figure


def series(key, unit, values):
    idx = pd.date_range("2025-03-03", periods=len(values), freq="B")
    return SeriesView(key, key.upper(), key, unit, pd.Series(values, index=idx, dtype=float))


def bare_figure(lines, events=(), **options):
    """A figure over March 2025 with no title text, for tests about series and axes."""
    return build_timeline_figure(
        lines,
        list(events),
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 31),
        title="t",
        subtitle="",
        source_lines=[],
        as_of="",
        **options,
    )


@pytest.fixture
def figure():
    return build_timeline_figure(
        [series("ust10y", "percent", [4.0, 4.2, 4.1]), series("usdjpy", "yen per dollar", [150.0, 148.0, 149.0])],
        [
            make_event(id="a", date="2025-03-04"),
            make_event(id="b", date="2025-03-05", category="fx", importance=3),
            make_event(id="c", date="2025-03-04", category="tariff", end="2025-03-20"),
        ],
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 31),
        title="My <b>title</b>",
        subtitle="Sub",
        source_lines=["Source: FRED DGS10"],
        as_of="Data as of 05 Mar 2025",
        selected="b",
        headlines={"b": "10Y +20 bp"},
    )


def test_series_traces_and_second_axis(figure):
    lines = [t for t in figure.data if t.mode == "lines"]
    assert [t.name for t in lines] == ["UST10Y", "USDJPY"]
    assert lines[0].yaxis == "y" and lines[1].yaxis == "y2"
    assert figure.layout.yaxis2.visible is True


def event_traces(fig) -> list:
    """The traces of events (filled, open, the selected event's ring): marker traces whose points carry ids."""
    return [t for t in fig.data if t.mode == "markers" and t.customdata is not None]


def test_confirmed_events_are_one_marker_trace_laned_and_coloured_by_category(figure):
    markers, _ring = event_traces(figure)  # a trace per status, not per event: fewer objects per redraw
    events = {row[0]: i for i, row in enumerate(markers.customdata)}
    assert set(events) == {"a", "b", "c"}
    a, b = events["a"], events["b"]
    assert markers.customdata[a][2] == "Tariffs" and markers.customdata[b][2] == "Currency"  # hover line
    # A lane per category; a and c (same lane, same day) in two rows of it, so neither hides the other.
    assert round(markers.y[a]) == round(markers.y[events["c"]]) != round(markers.y[b])
    assert markers.y[a] != markers.y[events["c"]]
    assert markers.marker.color[a] == category("tariff").colour and markers.marker.color[b] == category("fx").colour
    assert markers.marker.symbol[a] == category("tariff").symbol  # filled: the category's own symbol
    assert figure.layout.yaxis3.ticktext[figure.layout.yaxis3.tickvals.index(round(markers.y[b]))] == "Currency"
    assert "%{customdata[1]}" in markers.hovertemplate
    assert markers.customdata[b][3] == "10Y +20 bp"  # headline move reaches the hover
    assert markers.customdata[a][4] == ""  # a confirmed event's hover says nothing about its sourcing


def test_the_selected_event_is_ringed_by_a_trace_that_hovers_and_selects_like_it(figure):
    markers, ring = event_traces(figure)
    b = [r[0] for r in markers.customdata].index("b")
    (row,) = ring.customdata
    assert list(row) == list(markers.customdata[b])  # hovers and selects as the event itself
    assert ring.marker.symbol == (f"{category('fx').symbol}-open",) and ring.marker.color == "#000000"
    assert ring.marker.size[0] > IMPORTANCE_SIZE[3]  # larger than the marker it rings
    assert list(ring.marker.line.width) == [3]
    assert (ring.x[0], ring.y[0]) == (markers.x[b], markers.y[b])


def test_no_ring_without_a_selected_event():
    fig = bare_figure([], [make_event(id="a", date="2025-03-04")], selected="not-shown")
    assert [t.name for t in event_traces(fig)] == ["Events"]


@pytest.mark.parametrize("slug", [s.slug for s in STATUS_TABLE if s.hollow])
def test_events_short_of_confirmed_are_open_markers_of_their_category_with_a_thicker_ring(slug):
    shown = [
        make_event(id="sure", date="2025-03-04", category="market-stress"),
        make_event(id="thin", date="2025-03-05", category="market-stress", status=slug),
        make_event(id="thin-too", date="2025-03-06", category="tariff", status=slug),
    ]
    filled, hollow = event_traces(bare_figure([], shown))
    stress, tariff = category("market-stress").symbol, category("tariff").symbol
    assert [r[0] for r in filled.customdata] == ["sure"] and filled.marker.symbol == (stress,)
    assert [r[0] for r in hollow.customdata] == ["thin", "thin-too"]
    assert list(hollow.marker.symbol) == [f"{stress}-open", f"{tariff}-open"]  # the category's symbol, open
    assert list(hollow.marker.color) == [category("market-stress").colour, category("tariff").colour]
    assert hollow.marker.line.width > filled.marker.line.width  # an open ring thick enough to see
    label = status(slug).label
    assert [r[4] for r in hollow.customdata] == [f" · {label}"] * 2 and "%{customdata[4]}" in hollow.hovertemplate
    assert hollow.y[0] == filled.y[0]  # same lane as the confirmed event of its category


def test_a_key_explains_open_markers_only_when_some_are_drawn():
    sure = make_event(id="sure", date="2025-03-04")
    weak = make_event(id="weak", date="2025-03-05", status="confirmed-weak")
    reported = make_event(id="rep", date="2025-03-06", status="reported")

    def notes(fig) -> list[str]:
        return [a.text for a in fig.layout.annotations]

    assert not any("○" in n for n in notes(bare_figure([], [sure])))
    (key,) = [n for n in notes(bare_figure([], [sure, weak, reported])) if "○" in n]
    assert key == "● confirmed   ○ thinly sourced or reported"
    (key,) = [n for n in notes(bare_figure([], [sure, weak])) if "○" in n]
    assert key.endswith("○ thinly sourced")


def test_hover_texts_from_data_are_escaped_in_every_event_trace():
    bad = "<a href='https://evil.example'>x</a><br><b>y</b>"
    shown = [
        make_event(id="f", date="2025-03-04", title=bad),
        make_event(id="o", date="2025-03-05", title=bad, status="reported"),
    ]
    fig = bare_figure([], shown, selected="o", headlines={"f": bad, "o": bad})
    for trace in event_traces(fig):
        for row in trace.customdata:
            assert "<" not in row[1] + row[3] and "&lt;a href=" in row[1] and "&lt;br&gt;" in row[3]


def test_title_subtitle_source_and_as_of_live_inside_the_figure(figure):
    assert "My &lt;b&gt;title&lt;/b&gt;" in figure.layout.title.text  # data text is escaped
    assert figure.layout.title.subtitle.text == "Sub"
    texts = " ".join(a.text for a in figure.layout.annotations)
    assert "Source: FRED DGS10" in texts and "Data as of 05 Mar 2025" in texts


def test_spans_are_shaded_and_selected_event_marked(figure):
    rects = [s for s in figure.layout.shapes if s.type == "rect"]
    assert len(rects) == 1 and pd.Timestamp(rects[0].x1) == pd.Timestamp("2025-03-20")
    solid = [s for s in figure.layout.shapes if s.type == "line" and s.line.dash == "solid"]
    assert len(solid) == 1 and pd.Timestamp(solid[0].x0) == pd.Timestamp("2025-03-05")


def test_indexed_mode_rebases_to_100():
    fig = bare_figure(
        [series("ust10y", "percent", [4.0, 4.4]), series("usdjpy", "yen per dollar", [150.0, 165.0])], mode="indexed"
    )
    assert [list(t.y) for t in fig.data] == [pytest.approx([100, 110]), pytest.approx([100, 110])]
    assert fig.layout.yaxis.title.text == "Index (start = 100)"


def test_three_units_force_indexed():
    fig = bare_figure(
        [
            series("ust10y", "percent", [4.0, 4.4]),
            series("usdjpy", "yen per dollar", [150.0, 165.0]),
            series("broad", "index", [120.0, 126.0]),
        ]
    )
    assert all(t.yaxis == "y" for t in fig.data)
    assert fig.layout.yaxis.title.text == "Index (start = 100)"


def test_event_text_is_escaped_for_plotly():
    bad = make_event(id="x", date="2025-03-04", title="<img src=x onerror=alert(1)>")
    fig = bare_figure([], [bad])
    assert fig.data[0].customdata[0][1] == "&lt;img src=x onerror=alert(1)&gt;"


def test_an_event_list_says_what_an_open_marker_says():
    """For readers who use the event list (keyboard, screen reader) rather than the chart."""
    weak = make_event(id="w", date="2025-04-09", title="Kato on Treasuries", status="confirmed-weak")
    assert words.event_option(weak) == "09 Apr 2025 · Kato on Treasuries (thinly sourced)"
    assert words.event_option(make_event(id="c", date="2025-04-09", title="Kato")) == "09 Apr 2025 · Kato"
