"""The yen page's pure layers: episodes and operations from the record, the view's URL round trip with
hostile values, the figures (bars match the ministry's file), the words, and the page's "Done when"
checks against the stored data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from tests.builders import business_series, make_event
from usjp import analysis, catalog
from usjp.analysis import intervention
from usjp.data.interventions import intervention_events
from usjp.data.verify import read_newest
from usjp.figures import yen_words
from usjp.figures.timeline_words import PER_TRILLION
from usjp.figures.yen import build_gap_figure, build_yen_figure
from usjp.views.yen import CUSTOM, YenView, parse_yen_view, to_params

ORIGINAL = Path(__file__).resolve().parents[1] / "fixtures" / "raw" / "mof_fx_intervention.csv"
BOUNDS = (dt.date(1971, 1, 4), dt.date(2026, 10, 2))


@pytest.fixture(scope="module")
def record() -> pd.Series:
    """The stored intervention record (signed, ¥100 million, + yen bought), as the app reads it."""
    item = read_newest(catalog.INTERVENTIONS)
    assert item is not None
    return item.values


@pytest.fixture(scope="module")
def episodes(record) -> dict[str, tuple[dt.date, dt.date]]:
    return intervention.episode_ranges(record)


def signed_original() -> pd.Series:
    """The ministry's original file (its copy in tests/fixtures/raw, the same bytes as the shared raw file):
    amounts signed by yen_side, summed per day; rows between other currencies (no_yen) left out."""
    raw = pd.read_csv(ORIGINAL, parse_dates=["date"])
    raw = raw[raw["yen_side"] != "no_yen"]
    sign = raw["yen_side"].map({"yen_buying": 1, "yen_selling": -1})
    assert sign.notna().all()
    signed = pd.Series((raw["amount_100m_yen"] * sign).to_numpy(dtype=float), index=pd.DatetimeIndex(raw["date"]))
    return signed.groupby(level=0).sum()


# -- analysis -------------------------------------------------------------------------------------
def test_episodes_are_computed_from_the_record_around_each_years_operations(record, episodes):
    assert list(episodes) == ["1998", "2011", "2022", "2024", "2026"]
    pad = dt.timedelta(days=intervention.EPISODE_PAD_DAYS)
    for year, (start, end) in episodes.items():
        days = record[str(year)]
        assert start == days.index[0].date() - pad and end == days.index[-1].date() + pad


def test_a_year_without_operations_has_no_episode(record):
    assert "2023" not in intervention.episode_ranges(record, years=(2023, 2022))


def test_close_operation_days_are_one_operation_and_directions_are_kept_apart():
    days = pd.Series(
        [100.0, 200.0, -50.0, 300.0, 400.0],
        index=pd.to_datetime(["2022-10-21", "2022-10-24", "2022-10-25", "2022-12-01", "2022-12-09"]),
    )
    ops = intervention.group_operations(days)
    assert [(o.first, o.last, o.days, o.net) for o in ops] == [
        (dt.date(2022, 10, 21), dt.date(2022, 10, 24), 2, 300.0),
        (dt.date(2022, 10, 25), dt.date(2022, 10, 25), 1, -50.0),
        (dt.date(2022, 12, 1), dt.date(2022, 12, 1), 1, 300.0),
        (dt.date(2022, 12, 9), dt.date(2022, 12, 9), 1, 400.0),  # 8 days later: a new operation
    ]
    assert intervention.main_direction(ops) == intervention.BUYING


def test_the_2022_2024_and_2026_episodes_group_into_the_known_pushes(record, episodes):
    firsts = {
        year: [o.first for o in intervention.group_operations(intervention.operation_days(record, *episodes[year]))]
        for year in ("2022", "2024", "2026")
    }
    assert firsts == {
        "2022": [dt.date(2022, 9, 22), dt.date(2022, 10, 21)],
        "2024": [dt.date(2024, 4, 29), dt.date(2024, 7, 11)],
        "2026": [dt.date(2026, 4, 30)],
    }


def test_start_events_finds_the_generated_or_the_merged_curated_event(record):
    curated = [make_event(id="curated-fx", date="2022-09-22", category="fx", series=["usdjpy"])]
    events = intervention_events(record, curated)
    ops = [intervention.Operation(dt.date(2022, 9, 22), dt.date(2022, 9, 22), 1, 1.0)]
    ops.append(intervention.Operation(dt.date(2022, 10, 21), dt.date(2022, 10, 24), 2, 1.0))
    assert [e.id for e in intervention.start_events(ops, events)] == ["curated-fx", "mof-intervention-2022-10-21"]


def test_monthly_gap_averages_the_daily_us_yield_by_month():
    us = business_series([4.0] * 10 + [5.0] * 10, end="2024-02-15")
    jp = pd.Series([1.0, 1.5, 2.0], index=pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]))
    gap = intervention.monthly_gap(us, jp)
    jan, feb = us["2024-01"].mean() - 1.0, us["2024-02"].mean() - 1.5
    assert list(gap.index) == list(pd.to_datetime(["2024-01-01", "2024-02-01"]))
    assert gap.tolist() == pytest.approx([jan, feb])


# -- the view -------------------------------------------------------------------------------------
HOSTILE = [
    {"episode": "<script>alert(1)</script>"},
    {"episode": ["2022", "1999"]},
    {"start": "2022-13-45", "end": "x" * 600},
    {"start": "2030-01-01"},
    {"start": "2022-10-01", "end": "2022-09-01"},
    {"event": "../../etc/passwd"},
    {"episode": "2022", "start": "2022-01-01"},
    {"nonsense": "1", "episode": ""},
]


@pytest.mark.parametrize("params", HOSTILE)
def test_hostile_urls_give_notices_and_a_usable_view(params, episodes):
    view = parse_yen_view(params, episodes, BOUNDS, {"kato-treasuries-card"})
    assert view.notices
    start, end = view.window(episodes, BOUNDS)
    assert BOUNDS[0] <= start < end <= BOUNDS[1]
    assert parse_yen_view(to_params(view, episodes), episodes, BOUNDS, {"kato-treasuries-card"}) == view


@pytest.mark.parametrize(
    "view",
    [
        YenView(),
        YenView(episode="2022", event="kato-treasuries-card"),
        YenView(episode=CUSTOM, start=dt.date(2010, 1, 4), end=dt.date(2012, 1, 4)),
        YenView(episode=CUSTOM, start=dt.date(2010, 1, 4)),
    ],
)
def test_views_round_trip_through_the_url(view, episodes):
    params = to_params(view, episodes)
    assert parse_yen_view(params, episodes, BOUNDS, {"kato-treasuries-card"}) == view
    assert not parse_yen_view(params, episodes, BOUNDS, {"kato-treasuries-card"}).notices


def test_an_episode_shows_its_computed_range(episodes):
    assert YenView(episode="2024").window(episodes, BOUNDS) == episodes["2024"]


# -- figures: the bars are the ministry's amounts -------------------------------------------------
@pytest.mark.parametrize("year", ["2022", "2024", "2026"])
def test_episode_bars_match_the_ministrys_record_day_by_day(year, record, episodes):
    start, end = episodes[year]
    days = intervention.operation_days(record, start, end)
    usdjpy = read_newest("usdjpy").values[str(start) : str(end)]
    fig = build_yen_figure(
        usdjpy, days, [], start=start, end=end, selected=None, title="t", subtitle="s", source_lines=[], as_of="a"
    )
    bars = next(t for t in fig.data if t.type == "bar")
    drawn = {pd.Timestamp(x).date(): y for x, y in zip(bars.x, bars.y, strict=True)}
    original = signed_original()[str(start) : str(end)]
    assert len(drawn) == len(original) >= 3
    for day, amount in original.items():
        assert drawn[day.date()] == pytest.approx(amount / PER_TRILLION)
        colour = bars.marker.color[list(drawn).index(day.date())]
        assert colour == ("#2166AC" if amount > 0 else "#B2182B")  # yen bought up in blue, sold down in red


def test_events_are_selectable_markers_with_escaped_hover():
    event = make_event(id="boj-hike", date="2024-07-31", category="monetary-policy", title="BoJ <b>hikes</b>")
    day = pd.Series([150.0, 151.0], index=pd.to_datetime(["2024-07-30", "2024-07-31"]))
    fig = build_yen_figure(
        day,
        pd.Series(dtype=float),
        [event],
        start=dt.date(2024, 7, 1),
        end=dt.date(2024, 8, 31),
        selected="boj-hike",
        title="<i>t</i>",
        subtitle="s",
        source_lines=["src"],
        as_of="Data as of x",
    )
    marks = [t for t in fig.data if t.customdata is not None]
    assert len(marks) == 1 and marks[0].customdata[0][0] == "boj-hike"
    assert "<b>" not in marks[0].hovertext[0] and "&lt;b&gt;" in marks[0].hovertext[0]
    assert not [t for t in fig.data if t.type == "bar"]  # no operation: no bars
    assert "&lt;i&gt;" in fig.layout.title.text
    assert "Data as of x" in fig.layout.annotations[-1].text and "src" in fig.layout.annotations[-1].text


def test_gap_figure_says_inside_it_why_it_is_monthly():
    gap = pd.Series([2.0, 2.5], index=pd.to_datetime(["2024-01-01", "2024-02-01"]))
    fig = build_gap_figure(gap, title="t", subtitle="s", source_lines=["src"], as_of="Data as of y")
    texts = " ".join(a.text for a in fig.layout.annotations)
    assert "Monthly" in texts and "monthly here" in texts and "Data as of y" in texts


# -- words ----------------------------------------------------------------------------------------
def test_operations_summary_counts_and_sums_from_the_data():
    days = pd.Series([28382.0, 56202.0, -7296.0], index=pd.to_datetime(["2022-09-22", "2022-10-21", "2022-10-24"]))
    text = yen_words.operations_summary(days)
    assert text == "Japan bought ¥8.46 trillion of yen on 2 days and sold ¥730 billion of yen on 1 day"
    assert yen_words.operations_summary(pd.Series(dtype=float)) == "Japan did not intervene in this range"


def _paths(mean: float, low: float, high: float, n: int = 2) -> analysis.AlignedPaths:
    offsets = (0, 1)
    index = pd.Index(offsets, name="offset")
    return analysis.AlignedPaths(
        series="usdjpy",
        unit="%",
        offsets=offsets,
        paths=pd.DataFrame({f"e{i}": [0.0, mean] for i in range(n)}, index=index),
        mean=pd.Series([0.0, mean], index=index),
        band_low=pd.Series([low, low], index=index),
        band_high=pd.Series([high, high], index=index),
        draws=1000,
        seed=0,
        candidates=100,
        period=None,
        skipped=(),
    )


@pytest.mark.parametrize(
    ("mean", "direction", "words"),
    [
        (-3.0, intervention.BUYING, "It stuck"),
        (0.5, intervention.BUYING, "did not clearly stick"),
        (3.0, intervention.BUYING, "went the other way"),
        (3.0, intervention.SELLING, "It stuck"),
    ],
)
def test_the_verdict_follows_the_paths_and_the_aim(mean, direction, words):
    text = yen_words.stick_verdict(_paths(mean, -2.0, 2.0), direction)
    assert words in text and f"{mean:+.2f}%" in text and "-2.00%" in text


# -- "Done when" on the stored data ---------------------------------------------------------------
def test_every_episode_has_a_verdict_from_the_stored_data(record, episodes):
    usdjpy = read_newest("usdjpy")
    from usjp.data import events_file
    from usjp.paths import events_path

    curated = events_file.load_events_file(events_path())[0]
    events = intervention_events(record, curated)
    for year, span in episodes.items():
        ops = intervention.group_operations(intervention.operation_days(record, *span))
        direction = intervention.main_direction(ops)
        chosen = intervention.start_events([o for o in ops if o.direction == direction], events)
        assert len(chosen) == len(ops), year
        paths = analysis.aligned_paths(usdjpy.spec, usdjpy.values, chosen, events, after=intervention.PATH_AFTER)
        assert paths.paths.shape[1] == len(ops) and paths.band_low is not None, year
        assert yen_words.stick_verdict(paths, direction).startswith("On the first day of")


def test_the_stored_record_is_the_ministrys_file(record):
    original = signed_original()
    stored = record.dropna()
    assert list(stored.index) == list(original.index)
    assert stored.to_numpy() == pytest.approx(original.to_numpy())
