"""'Show the data' (usjp.figures.chart_data): the tables read from the app's own figures hold the values drawn,
recomputed here from the builders' inputs (not read back from the figure), the events drawn with their titles
as written, and nothing of the decoration."""

from __future__ import annotations

import datetime as dt
import pickle

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.builders import make_event
from usjp import analysis
from usjp.analysis.curve import MATURITIES, Curve
from usjp.cli.export import load_events, timeline_data
from usjp.events import category
from usjp.figures import credits, timeline_words
from usjp.figures import yield_curve as curve_fig
from usjp.figures.chart_data import DATE, DETAIL, EVENT_COLUMNS, figure_tables, plain
from usjp.figures.event_study import build_aligned_paths_figure
from usjp.figures.holdings import HoldingsData, build_holdings_figure
from usjp.figures.timeline import CLUSTER_LISTED, SeriesView, build_timeline_figure
from usjp.figures.yen import build_yen_figure
from usjp.story.figures import step_figure
from usjp.views.holdings import HoldingsView
from usjp.views.timeline import View

HOSTILE = "Tariffs <b>&</b> the yen: 'x' < y"  # markup and an entity in a title: the table shows it as written


def series(key: str, unit: str, values: list[float], start: str = "2025-03-03") -> SeriesView:
    idx = pd.date_range(start, periods=len(values), freq="B")
    return SeriesView(key, key.upper(), key, unit, pd.Series(values, index=idx, dtype=float))


def table_with(tables, column: str) -> pd.DataFrame:
    found = [t.frame for t in tables if column in t.frame.columns]
    assert len(found) == 1, [list(t.frame.columns) for t in tables]
    return found[0]


def lines_of(tables) -> pd.DataFrame:
    found = [t.frame for t in tables if t.caption.startswith("Lines: one row per date")]
    assert len(found) == 1, [t.caption for t in tables]
    return found[0]


def events_of(tables) -> pd.DataFrame:
    found = [t.frame for t in tables if list(t.frame.columns) == list(EVENT_COLUMNS)]
    assert len(found) == 1
    return found[0]


def iso(index) -> list[str]:
    return [f"{pd.Timestamp(d):%Y-%m-%d}" for d in index]


# -- the timeline's figure (the story's chart) ----------------------------------------------------------
@pytest.fixture
def timeline():
    """Two series of different units on different days (a holiday in one), three events, one selected
    (ringed: drawn twice), one with markup in its title."""
    ten = series("ust10y", "percent", [4.0, 4.2, 4.1, 4.3])
    yen = series("usdjpy", "yen per dollar", [150.0, 148.0, 149.5], start="2025-03-04")
    events = [
        make_event(id="a", date="2025-03-04", title=HOSTILE),
        make_event(id="b", date="2025-03-05", category="fx", importance=3),
        make_event(id="c", date="2025-03-20", category="tariff", title="Third", status="reported"),
    ]
    fig = build_timeline_figure(
        [ten, yen],
        events,
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 31),
        title="t",
        subtitle="",
        source_lines=[],
        as_of="",
        selected="b",
        headlines={"b": "10Y +20 bp"},
    )
    return fig, (ten, yen), events


def test_lines_table_is_the_series_drawn_merged_on_date(timeline):
    fig, (ten, yen), _ = timeline
    tables = figure_tables(fig)
    frame = lines_of(tables)
    assert list(frame.columns) == [DATE, "UST10Y (percent)", "USDJPY (yen per dollar)"]
    assert frame[DATE].tolist() == iso(ten.values.index.union(yen.values.index))
    by_date = frame.set_index(DATE)
    assert by_date["UST10Y (percent)"].tolist() == ten.values.tolist()
    assert by_date.loc[iso(yen.values.index), "USDJPY (yen per dollar)"].tolist() == yen.values.tolist()
    assert np.isnan(by_date.loc["2025-03-03", "USDJPY (yen per dollar)"])  # no yen that day: nothing drawn
    assert tables[0].caption.startswith("Lines: one row per date") and "(4 rows)" in tables[0].caption


def test_events_table_lists_each_event_drawn_once_with_its_title_as_written(timeline):
    fig, _, events = timeline
    frame = events_of(figure_tables(fig))
    # The selected event is drawn twice (its marker and the ring round it) and listed once.
    assert sum(1 for t in fig.data if any(c[0] == "b" for c in (t.customdata or ()))) == 2
    expected = sorted((f"{e.date:%Y-%m-%d}", e.title, category(e.category).label) for e in events)
    assert sorted(map(tuple, frame.to_numpy().tolist())) == expected
    assert HOSTILE in frame["Event"].tolist()
    assert all("&lt;" not in t and "&amp;" not in t for t in frame["Event"])


def test_a_grouped_marker_lists_the_events_it_names_and_counts_the_rest():
    twelve = [
        make_event(id=f"e{i:02d}", date=f"2025-03-{10 + i // 4:02d}", title=f"Event {i:02d} & co") for i in range(12)
    ]
    fig = build_timeline_figure(
        [series("ust10y", "percent", [4.0] * 20)],
        twelve,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        title="t",
        subtitle="",
        source_lines=[],
        as_of="",
        width=320,
        compact=True,
    )
    groups = [t for t in fig.data if t.name == "Events, grouped"]
    assert groups and sum(int(n) for n in groups[0].text) >= 10  # the layout groups them (else no test)
    singles = {c[0] for t in fig.data if t.name in ("Events", "Events, open markers") for c in t.customdata}
    frame = events_of(figure_tables(fig))
    named = frame[~frame["Event"].str.contains("not named on the chart")]
    assert set(named["Event"]) <= {e.title for e in twelve}
    counted = frame[frame["Event"].str.contains("not named on the chart")]
    n_more = sum(int(text.split(": ")[-1].split()[0]) for text in counted["Event"])
    assert len(named) + n_more == len(twelve)
    assert len(counted) and len(named) - len(singles) <= CLUSTER_LISTED * len(groups[0].x)  # the rest counted
    for _, row in named.iterrows():
        event = next(e for e in twelve if e.title == row["Event"])
        assert row[DATE] == f"{event.date:%Y-%m-%d}" and row["Category"] == category(event.category).label


def test_the_story_chart_before_the_reveal_gives_a_table_cut_there_too():
    events = load_events().events
    view = View(series=("ust10y", "usdjpy"), range="custom", start=dt.date(2025, 3, 1), end=dt.date(2025, 5, 30))
    full = timeline_data(view, list(events))
    cut = dt.date(2025, 4, 3)
    fig = step_figure(view, view.start, view.end, full, first_hidden=cut, width=1000)
    frame = lines_of(figure_tables(fig))
    ten = next(s for s in full.series if s.spec.key == "ust10y").values
    drawn = ten[(ten.index >= pd.Timestamp(view.start)) & (ten.index < pd.Timestamp(cut))].dropna()
    assert frame[DATE].max() < cut.isoformat() and frame[DATE].max() == f"{drawn.index[-1]:%Y-%m-%d}"
    column = next(c for c in frame.columns if c.startswith("US 10-year"))
    assert frame.set_index(DATE)[column].dropna().tolist() == drawn.tolist()
    listed = events_of(figure_tables(fig))
    assert listed[DATE].max() <= cut.isoformat()
    later = [e.title for e in events if cut < e.date <= view.end]
    assert later and not set(later) & set(listed["Event"])


# -- the other pages' figures ---------------------------------------------------------------------------
def test_holdings_panels_are_tables_of_their_own_with_the_values_drawn():
    months = pd.date_range("2024-01-01", periods=14, freq="MS")
    japan = pd.Series(np.linspace(1100, 1230, 14), index=months)
    total = pd.Series(np.linspace(8000, 8600, 14), index=months)
    days = pd.Series([28382.0, -7296.0], index=pd.to_datetime(["2024-04-29", "2024-07-11"]))
    kato = make_event(id="kato", date="2024-05-02", category="treasury-leverage", title=HOSTILE)
    data = HoldingsData(
        holders={"Japan": japan, "China": japan * 0.6, "United Kingdom": japan * 0.5},
        total=total,
        published={},
        interventions=days,
        events=[kato],
    )
    view = HoldingsView(known=False, since=2024, event="kato")
    fig = build_holdings_figure(data, view, title="t", subtitle="s", source_lines=[], as_of="a")
    tables = figure_tables(fig)
    held = lines_of(tables)
    ends = [f"{(m + pd.offsets.MonthEnd(0)):%Y-%m-%d}" for m in months]  # a month is drawn at its end
    assert held[DATE].tolist() == ends and held["Japan"].tolist() == japan.tolist()
    assert held["All foreign holders"].tolist() == total.tolist()
    assert tables[0].caption.endswith("Unit: $bn.")  # one unit for all: said once
    share = table_with(tables, "Japan: share of all foreign (%)")
    assert share["Japan: share of all foreign (%)"].tolist() == pytest.approx((japan / total * 100).tolist())
    bars = table_with(tables, DETAIL)
    assert bars[DATE].tolist() == ["2024-04-29", "2024-07-11"]
    assert bars["Japan's interventions"].tolist() == pytest.approx((days / timeline_words.PER_TRILLION).tolist())
    assert "bought yen" in bars[DETAIL][0] and "sold yen" in bars[DETAIL][1]
    assert events_of(tables).to_numpy().tolist() == [["2024-05-02", HOSTILE, category(kato.category).label]]


def test_yen_bars_and_events():
    usdjpy = pd.Series([150.0, 151.0, 149.0], index=pd.to_datetime(["2024-07-10", "2024-07-11", "2024-07-12"]))
    days = pd.Series([31678.0], index=pd.to_datetime(["2024-07-11"]))
    boj = make_event(id="boj", date="2024-07-31", category="monetary-policy", title="BoJ <b>hikes</b> & more")
    fig = build_yen_figure(
        usdjpy,
        days,
        [boj],
        start=dt.date(2024, 7, 1),
        end=dt.date(2024, 8, 31),
        selected="boj",
        title="t",
        subtitle="s",
        source_lines=[],
        as_of="a",
    )
    tables = figure_tables(fig)
    line = table_with(tables, "USD/JPY (yen per dollar)")
    assert line[DATE].tolist() == iso(usdjpy.index) and line["USD/JPY (yen per dollar)"].tolist() == usdjpy.tolist()
    bars = table_with(tables, DETAIL)
    assert bars.iloc[0, 1] == pytest.approx(31678.0 / timeline_words.PER_TRILLION)
    assert bars.columns[1] == "Japan's interventions (¥ trn)"
    assert events_of(tables).to_numpy().tolist() == [["2024-07-31", "BoJ <b>hikes</b> & more", "Central banks"]]


def test_curves_by_maturity_use_the_axis_labels():
    curves = [
        Curve(dt.date(2025, 4, 2), dt.date(2025, 4, 2), (4.32, 3.91, 3.95, 4.20, 4.54), "baseline"),
        Curve(dt.date(2025, 4, 9), dt.date(2025, 4, 9), (4.35, 3.91, 4.06, 4.34, 4.72), "latest"),
    ]
    for compact in (False, True):  # a linear axis in years, or a log axis on a phone: the same table
        fig = curve_fig.build_curve_figure(curves, {}, curve_fig.Frame("t", "s", ["x"], compact=compact))
        [table] = figure_tables(fig)
        assert table.frame["Maturity"].tolist() == [label for _, _, label in MATURITIES]
        assert [table.frame[c].tolist() for c in table.frame.columns[1:]] == [list(c.yields) for c in curves]
        assert table.caption.endswith("Unit: %.")


def test_moves_by_maturity_say_n_a_where_nothing_was_measured():
    moves = [
        curve_fig.MaturityMove("3M", 2.0, 0.4, dt.date(2025, 4, 2), dt.date(2025, 4, 4)),
        curve_fig.MaturityMove("2Y", None, None, None, None, "no data"),
    ]
    [table] = figure_tables(curve_fig.build_moves_figure(moves, curve_fig.Frame("t", "s", ["x"])))
    assert list(table.frame.columns) == ["Maturity", "Change (bp)", DETAIL]
    assert table.frame["Maturity"].tolist() == ["3M", "2Y"] and table.frame["Change (bp)"][0] == 2.0
    assert "n/a (no data)" in table.frame[DETAIL][1]


def test_aligned_paths_mean_first_then_the_band_and_each_event_by_title():
    index = pd.Index([-1, 0, 1, 2], name="offset")
    paths = analysis.AlignedPaths(
        series="ust10y",
        unit="bp",
        offsets=tuple(index),
        paths=pd.DataFrame({"e1": [0.0, 3.0, 5.0, 4.0], "e2": [0.0, -1.0, 2.0, np.nan]}, index=index),
        mean=pd.Series([0.0, 1.0, 3.5, 4.0], index=index),
        band_low=pd.Series([-1.0, -2.0, -3.0, -4.0], index=index),
        band_high=pd.Series([1.0, 2.0, 3.0, 4.0], index=index),
        draws=100,
        seed=0,
        candidates=50,
        period=None,
        skipped=(),
    )
    titles = {"e1": "First <i>one</i> (02 Apr 2025)", "e2": "Second & last (09 Apr 2025)"}
    fig = build_aligned_paths_figure(
        paths, category="tariff", event_titles=titles, title="t", subtitle="s", source_lines=[], as_of="a"
    )
    [table] = figure_tables(fig)
    frame = table.frame
    assert frame.columns[0].startswith("Sessions from the event") and frame.iloc[:, 0].tolist() == list(index)
    assert list(frame.columns[1:]) == [
        "Mean of the 2 events",
        "Placebo 95th percentile",
        "Placebo 5th percentile",
        "First <i>one</i> (02 Apr 2025)",
        "Second & last (09 Apr 2025)",
    ]
    assert frame["Mean of the 2 events"].tolist() == paths.mean.tolist()
    assert frame["Placebo 5th percentile"].tolist() == paths.band_low.tolist()
    assert frame["First <i>one</i> (02 Apr 2025)"].tolist() == paths.paths["e1"].tolist()
    assert frame["Second & last (09 Apr 2025)"].tolist()[:3] == paths.paths["e2"].tolist()[:3]
    assert table.caption.endswith("Unit: bp.")


# -- what is left out, and figures made from JSON ---------------------------------------------------
def test_decoration_is_skipped_and_a_figure_without_traces_gives_no_table():
    assert figure_tables(go.Figure()) == []
    x = pd.date_range("2025-01-01", periods=3)
    fig = go.Figure(
        [
            go.Scatter(x=x, y=[1.0, 2.0, 3.0], name="Drawn"),
            go.Scatter(x=x, y=[9.0, 9.0, 9.0], hoverinfo="skip", name="Helper"),  # takes no hover
            go.Scatter(x=x, y=[8.0, 8.0, 8.0], showlegend=False, mode="lines"),  # no name, no legend, no hover
            go.Scatter(x=[], y=[], name="Empty"),
        ]
    )
    [table] = figure_tables(fig)
    assert list(table.frame.columns) == [DATE, "Drawn"] and table.frame["Drawn"].tolist() == [1.0, 2.0, 3.0]
    gap = go.Figure([go.Scatter(x=x, y=[1.0, np.nan, 3.0], name="With a gap")])  # a gap draws nothing: no row
    assert figure_tables(gap)[0].frame[DATE].tolist() == ["2025-01-01", "2025-01-03"]


def test_a_figure_rebuilt_from_json_or_a_pickle_gives_the_same_tables(timeline):
    fig = timeline[0]
    before = figure_tables(fig)
    for copy in (go.Figure(fig.to_dict()), pickle.loads(pickle.dumps(fig))):
        after = figure_tables(copy)
        assert [t.caption for t in after] == [t.caption for t in before]
        for a, b in zip(after, before, strict=True):
            pd.testing.assert_frame_equal(a.frame, b.frame)


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("A &amp; B<br><b>C</b>", "A & B C"),
        ("&lt;b&gt;bold&lt;/b&gt; stays", "<b>bold</b> stays"),
        ("  two   spaces ", "two spaces"),
        (None, ""),
    ],
)
def test_plain_text_from_plotly_markup(markup, text):
    assert plain(markup) == text


def test_one_event_is_counted_in_the_singular():
    """The yen page's 'Did it stick?' often has one operation: '1 event', never '1 events'."""
    index = pd.Index([-1, 0, 1], name="offset")
    paths = analysis.AlignedPaths(
        series="usdjpy",
        unit="%",
        offsets=tuple(index),
        paths=pd.DataFrame({"e1": [0.0, -2.0, -1.0]}, index=index),
        mean=pd.Series([0.0, -2.0, -1.0], index=index),
        band_low=pd.Series([-1.0, -3.0, -3.0], index=index),
        band_high=pd.Series([1.0, 2.0, 3.0], index=index),
        draws=100,
        seed=0,
        candidates=50,
        period=None,
        skipped=(),
    )
    fig = build_aligned_paths_figure(
        paths, category="fx", event_titles={"e1": "One"}, title="t", subtitle="s", source_lines=[], as_of="a"
    )
    names = [trace.name for trace in fig.data if trace.name]
    assert "Mean of the 1 event" in names, names
    assert any("mean of 1 random non-event date," in name for name in names), names
    words = " ".join([*names, credits.paths_subtitle(paths), credits.verdict(paths, "fx", at=1)])
    assert "1 events" not in words and "1 random non-event dates" not in words, words
    assert "1 random non-event date falls between" in credits.verdict(paths, "fx", at=1)
