"""The timeline figure: series traces, the event marker trace with ids, in-figure title/source/as-of."""

import datetime as dt

import pandas as pd
import pytest

from tests.builders import make_event
from usjp.events import category
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


def test_events_are_one_marker_trace_laned_and_coloured_by_category(figure):
    (markers,) = [t for t in figure.data if t.mode == "markers"]  # one trace: fewer objects per redraw
    events = {row[0]: i for i, row in enumerate(markers.customdata)}
    assert set(events) == {"a", "b", "c"}
    a, b = events["a"], events["b"]
    assert markers.customdata[a][2] == "Tariffs" and markers.customdata[b][2] == "Currency"  # hover line
    assert markers.y[a] == markers.y[events["c"]] != markers.y[b]  # a lane per category
    assert markers.marker.color[a] == category("tariff").colour and markers.marker.color[b] == category("fx").colour
    assert figure.layout.yaxis3.ticktext[figure.layout.yaxis3.tickvals.index(markers.y[b])] == "Currency"
    assert "%{customdata[1]}" in markers.hovertemplate
    assert markers.customdata[b][3] == "10Y +20 bp"  # headline move reaches the hover
    assert markers.marker.line.width[b] == 3 and markers.marker.line.width[a] == 1  # the selected event is ringed


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
