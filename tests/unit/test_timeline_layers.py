"""The timeline's added layers: Japan's interventions as bars in a panel under USD/JPY, and scheduled
releases in a lane of their own at the bottom; their words, and where the panels sit."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pandas as pd
import pytest

from tests.builders import make_event
from usjp import catalog
from usjp.catalog import SeriesSpec
from usjp.figures import timeline as figure_module
from usjp.figures import timeline_words as words
from usjp.figures.timeline import BOUGHT_YEN, SOLD_YEN, SeriesView, build_timeline_figure, panels
from usjp.releases import Release
from usjp.views import timeline as view_module

SOURCE = {
    "publisher": "U.S. Bureau of Labor Statistics",
    "description": "Release calendar",
    "url": "https://www.bls.gov/cps/",
}


@dataclass(frozen=True)
class Record:
    """A stored series as the figure sees it (usjp.data.store.StoredSeries has these two)."""

    spec: SeriesSpec
    values: pd.Series


def intervention_record() -> Record:
    """Days of Japan's real record (Ministry of Finance, ¥100 million, + yen bought, − yen sold)."""
    days = {
        "2011-10-31": -80_722,
        "2022-09-22": 28_382,
        "2022-10-21": 56_202,
        "2022-10-24": 7_296,
        "2024-07-12": 23_670,
    }
    values = pd.Series(list(days.values()), index=pd.DatetimeIndex(list(days), name="date"), dtype=float)
    return Record(catalog.get("mof_intervention"), values)


def usdjpy(start: str, end: str) -> SeriesView:
    idx = pd.bdate_range(start, end)
    return SeriesView("usdjpy", "USD/JPY", "USD/JPY", "yen per dollar", pd.Series(145.0, index=idx))


def ust10y(start: str, end: str) -> SeriesView:
    idx = pd.bdate_range(start, end)
    return SeriesView("ust10y", "10Y", "10Y", "percent", pd.Series(4.0, index=idx))


def release(**fields) -> Release:
    base = {
        "id": "us-employment-2025-05-02",
        "kind": "us-employment",
        "date": "2025-05-02",
        "time": "08:30",
        "tz": "America/New_York",
        "title": "US employment report for April 2025",
        "source": SOURCE,
    }
    return Release.model_validate({**base, **fields})


def chart(series, *, start: str, end: str, events=(), **options):
    return build_timeline_figure(
        series,
        list(events),
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        title="t",
        subtitle="",
        source_lines=["Source: Board of Governors of the Federal Reserve System, FRED DEXJPUS"],
        as_of="Data as of USD/JPY 02 Oct 2026",
        **options,
    )


def bars_of(fig) -> list:
    return [t for t in fig.data if t.type == "bar"]


def footer(fig) -> str:
    return fig.layout.annotations[-1].text


# -- interventions ---------------------------------------------------------------------------------
def test_interventions_are_bars_on_operation_days_only_signed_and_coloured_by_direction():
    fig = chart(
        [usdjpy("2011-01-03", "2024-12-31")], start="2011-01-03", end="2024-12-31", interventions=intervention_record()
    )
    (bars,) = bars_of(fig)
    assert [pd.Timestamp(x).date().isoformat() for x in bars.x] == [
        "2011-10-31",
        "2022-09-22",
        "2022-10-21",
        "2022-10-24",
        "2024-07-12",
    ]  # the days of an operation and no other: nothing filled, never a line
    assert list(bars.y) == pytest.approx([-8.0722, 2.8382, 5.6202, 0.7296, 2.367])  # ¥ trillion, yen sold down
    assert list(bars.marker.color) == [SOLD_YEN, BOUGHT_YEN, BOUGHT_YEN, BOUGHT_YEN, BOUGHT_YEN]
    assert bars.yaxis == "y4" and fig.layout.yaxis4.zeroline is True
    assert bars.customdata is None  # not an event: a click on a bar never opens event details
    assert bars.hovertext[0] == "Mon 31 Oct 2011: Japan sold yen, ¥8.07 trillion"
    assert bars.hovertext[3] == "Mon 24 Oct 2022: Japan bought yen, ¥730 billion"


def test_the_bars_panel_sits_between_the_series_and_the_event_lanes_with_its_label():
    fig = chart(
        [usdjpy("2022-01-03", "2022-12-30")],
        start="2022-01-03",
        end="2022-12-30",
        events=[make_event(id="e", date="2022-09-22")],
        interventions=intervention_record(),
    )
    lanes, bars, main = fig.layout.yaxis3.domain, fig.layout.yaxis4.domain, fig.layout.yaxis.domain
    assert lanes[1] < bars[0] < bars[1] < main[0]
    (label,) = [a for a in fig.layout.annotations if "interventions" in a.text]
    assert label.y == bars[1] and "+ bought yen" in label.text and "− sold yen" in label.text  # not colour alone
    assert fig.layout.xaxis.anchor == "y3"  # one shared date axis, labelled at the bottom


def test_the_source_line_names_the_ministry_only_when_bars_are_drawn():
    record = intervention_record()
    drawn = chart([usdjpy("2022-01-03", "2022-12-30")], start="2022-01-03", end="2022-12-30", interventions=record)
    assert f"Interventions: Ministry of Finance, Japan, {record.spec.citation}" in footer(drawn)
    quiet = chart([usdjpy("2025-02-03", "2025-08-29")], start="2025-02-03", end="2025-08-29", interventions=record)
    assert "Interventions" not in footer(quiet)


@pytest.mark.parametrize(
    "series,start,end",
    [
        ([ust10y("2022-01-03", "2022-12-30")], "2022-01-03", "2022-12-30"),  # USD/JPY not shown
        ([usdjpy("2025-02-03", "2025-08-29")], "2025-02-03", "2025-08-29"),  # no operation in the window
    ],
)
def test_no_bars_and_no_empty_panel_when_there_is_nothing_to_draw(series, start, end):
    fig = chart(series, start=start, end=end, interventions=intervention_record())
    assert not bars_of(fig)
    assert "yaxis4" not in fig.to_dict()["layout"]  # no panel at all
    assert not any("interventions" in a.text for a in fig.layout.annotations)


def test_without_a_record_the_chart_is_as_before():
    with_none = chart([usdjpy("2022-01-03", "2022-12-30")], start="2022-01-03", end="2022-12-30")
    with_record = chart(
        [usdjpy("2025-02-03", "2025-08-29")], start="2025-02-03", end="2025-08-29", interventions=intervention_record()
    )
    assert not bars_of(with_none) and not bars_of(with_record)
    assert with_none.layout.height == with_record.layout.height


def test_zero_and_missing_values_are_not_operations():
    record = intervention_record()
    extra = pd.Series([0.0, float("nan")], index=pd.DatetimeIndex(["2022-11-01", "2022-11-02"]))
    values = pd.concat([record.values, extra]).sort_index()
    days = figure_module.intervention_days(values, dt.date(2022, 1, 1), dt.date(2022, 12, 31))
    assert list(days.index.strftime("%Y-%m-%d")) == ["2022-09-22", "2022-10-21", "2022-10-24"]
    assert figure_module.intervention_days(values, dt.date(2023, 1, 1), dt.date(2023, 12, 31)) is None


@pytest.mark.parametrize(
    "amount,text",
    [
        (28_382, "¥2.84 trillion"),
        (10_000, "¥1.00 trillion"),
        (7_296, "¥730 billion"),
        (139, "¥13.9 billion"),
        (-80_722, "¥8.07 trillion"),
    ],
)
def test_amounts_read_in_trillion_or_billion_yen(amount, text):
    assert words.yen_amount(amount) == text


# -- scheduled releases ----------------------------------------------------------------------------
def test_releases_lane_only_when_asked_and_only_for_releases_in_the_window():
    shown = [
        release(),
        release(id="us-employment-2025-12-05", date="2025-12-05", title="US employment report for November 2025"),
    ]
    off = chart([ust10y("2025-02-03", "2025-08-29")], start="2025-02-03", end="2025-08-29")
    assert all(t.name != "Scheduled releases" for t in off.data) and "yaxis5" not in off.to_dict()["layout"]
    on = chart([ust10y("2025-02-03", "2025-08-29")], start="2025-02-03", end="2025-08-29", releases=shown)
    (lane,) = [t for t in on.data if t.name == "Scheduled releases"]
    assert [pd.Timestamp(x).date() for x in lane.x] == [dt.date(2025, 5, 2)]  # December is outside the window
    assert lane.yaxis == "y5" and lane.customdata is None  # hover only: never opens event details
    assert lane.hovertext == ("US employment report for April 2025 · 2 May 2025 08:30 ET",)
    assert on.layout.yaxis5.domain[1] < on.layout.yaxis3.domain[0]  # below the event lanes
    assert on.layout.xaxis.anchor == "y5" and list(on.layout.yaxis5.ticktext) == ["Scheduled releases"]
    outside = chart([ust10y("2025-02-03", "2025-03-31")], start="2025-02-03", end="2025-03-31", releases=shown)
    assert all(t.name != "Scheduled releases" for t in outside.data)


def test_releases_are_not_counted_or_drawn_as_events():
    event = make_event(id="e", date="2025-05-02")
    fig = chart(
        [ust10y("2025-02-03", "2025-08-29")], start="2025-02-03", end="2025-08-29", events=[event], releases=[release()]
    )
    ids = [row[0] for t in fig.data if t.customdata is not None for row in t.customdata]
    assert ids == ["e"]


def test_release_hover_names_the_kind_and_says_when_a_time_is_approximate():
    boj = release(
        id="boj-2025-01-24",
        kind="boj",
        date="2025-01-24",
        time="12:16",
        tz="Asia/Tokyo",
        approximate_time=True,
        title="Decision at the January 2025 meeting",
    )
    assert words.release_text(boj) == (
        "BoJ policy decision: Decision at the January 2025 meeting · 24 Jan 2025 12:16 JST (approximate time)"
    )


def test_release_text_is_escaped_in_the_hover():
    hostile = release(title="US employment report <b>for</b> <a href='x'>April</a>")
    fig = chart([ust10y("2025-02-03", "2025-08-29")], start="2025-02-03", end="2025-08-29", releases=[hostile])
    (lane,) = [t for t in fig.data if t.name == "Scheduled releases"]
    assert "<" not in lane.hovertext[0] and "&lt;b&gt;for&lt;/b&gt;" in lane.hovertext[0]


# -- the panels together ---------------------------------------------------------------------------
@pytest.mark.parametrize("compact", [False, True])
def test_added_panels_add_height_and_leave_the_series_panel_its_pixels(compact):
    base = panels(6, height=640, margins=200, bars=False, releases=False, compact=compact)
    both = panels(6, height=640, margins=200, bars=True, releases=True, compact=compact, band=True)
    assert both.height > base.height > 640

    def pixels(span, geometry):
        return (span[1] - span[0]) * (geometry.height - 200)

    assert pixels(both.main, both) == pytest.approx(pixels(base.main, base), abs=1)
    assert pixels(both.lanes, both) == pytest.approx(pixels(base.lanes, base), abs=1)
    assert pixels(base.main, base) == pytest.approx(640 - 200, abs=1)  # `height` is the series' plus margins
    spans = [both.releases, both.lanes, both.bars, both.main]
    assert all(low[1] < high[0] for low, high in itertools.pairwise(spans))  # stacked, none overlapping
    assert both.main[1] < 1.0 == base.main[1]  # the band of labels above the series


@pytest.mark.parametrize("compact", [False, True])
def test_an_export_of_fixed_size_is_that_size_whatever_its_panels(compact):
    for bars, releases, band in itertools.product((False, True), repeat=3):
        shape = {"bars": bars, "releases": releases, "compact": compact, "band": band, "exact": True}
        assert panels(6, height=900, margins=200, **shape).height == 900
        # Too small for the lanes and the panels: taller, with the series at their least height.
        small = panels(6, height=320, margins=200, **shape)
        assert small.height > 320
        series_px = (small.main[1] - small.main[0]) * (small.height - 200)
        assert series_px == pytest.approx(figure_module.MIN_SERIES_PX, abs=1)


def test_the_view_and_the_figure_agree_on_the_series_the_bars_go_under():
    assert view_module.BARS_UNDER == figure_module.BARS_UNDER
    assert view_module.bar_series(("ust10y", "usdjpy")) == (catalog.INTERVENTIONS,)
    assert view_module.bar_series(("ust10y",)) == ()


def test_the_intervention_record_is_never_offered_as_a_line():
    assert catalog.INTERVENTIONS in catalog.CATALOG
    keys = [s.key for s in catalog.SERIES]
    assert view_module.line_series(keys) == [k for k in keys if k != catalog.INTERVENTIONS]
