"""The scoreboard and the aligned paths with their placebo band, on small synthetic series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.builders import alternating, business_series, make_event
from usjp import analysis, catalog
from usjp.analysis import Window

UST10Y, USDJPY, TIC = catalog.get("ust10y"), catalog.get("usdjpy"), catalog.get("tic_japan")


@pytest.fixture
def walk() -> pd.Series:
    """600 sessions of a seeded random walk in yield-like steps (0.01)."""
    rng = np.random.default_rng(7)
    return business_series(np.round(3.0 + np.cumsum(rng.integers(-3, 4, 600)) / 100, 2), end="2025-06-30")


def test_scoreboard_is_events_x_daily_series_x_windows_sorted_by_abs_z(walk):
    days = [d.date() for d in walk.index]
    evs = [make_event(id=f"e{i}", date=str(days[i])) for i in (300, 350, 400, 598)]
    monthly = pd.Series([1.0, 2.0], index=pd.to_datetime(["2025-01-01", "2025-02-01"]))
    board = analysis.compute_scoreboard(evs, [(UST10Y, walk), (USDJPY, walk + 100), (TIC, monthly)])
    assert len(board) == 4 * 2 * 3  # the monthly series has no rows
    assert list(board.columns) == list(analysis.SCOREBOARD_COLUMNS)
    scored = board["abs_z"].dropna()
    assert (
        scored.is_monotonic_decreasing
        and board["abs_z"].isna().sum() == board["abs_z"].iloc[len(scored) :].isna().sum()
    )
    late = board[(board["event_id"] == "e598") & (board["window"] == "0:5")].iloc[0]
    assert np.isnan(late["change"]) and "not complete" in late["note"]
    one = board[(board["event_id"] == "e300") & (board["series"] == "ust10y") & (board["window"] == "0:1")].iloc[0]
    assert one["change"] == pytest.approx((walk.iloc[301] - walk.iloc[299]) * 100)
    assert one["t0"] == days[300] and one["baseline_value"] == walk.iloc[299]


def test_scoreboard_matches_event_stats(walk):
    days = [d.date() for d in walk.index]
    evs = [make_event(id="a", date=str(days[300])), make_event(id="b", date=str(days[302]))]
    board = analysis.compute_scoreboard(evs, [(UST10Y, walk)], (Window(0, 5),))
    single = analysis.event_stats(evs[0], UST10Y, walk, (Window(0, 5),), evs)
    row = board[board["event_id"] == "a"].iloc[0]
    assert row["z"] == pytest.approx(single.windows[0].z)
    assert row["confounders"] == "b" and single.confounders == ("b",)


def test_aligned_paths_rebased_at_the_baseline(walk):
    days = [d.date() for d in walk.index]
    chosen = [make_event(id="a", date=str(days[300])), make_event(id="b", date=str(days[400]))]
    paths = analysis.aligned_paths(UST10Y, walk, chosen, chosen)
    assert paths.offsets == tuple(range(-5, 11))
    assert list(paths.paths.columns) == ["a", "b"]
    assert (paths.paths.loc[-1] == 0).all()  # the baseline
    assert paths.paths.loc[5, "a"] == pytest.approx((walk.iloc[305] - walk.iloc[299]) * 100)
    assert paths.paths.loc[-5, "b"] == pytest.approx((walk.iloc[395] - walk.iloc[399]) * 100)
    assert paths.mean.loc[3] == pytest.approx(paths.paths.loc[3].mean())


def test_percent_paths_and_partial_paths_at_the_end(walk):
    prices = walk * 40
    days = [d.date() for d in prices.index]
    chosen = [make_event(id="a", date=str(days[300])), make_event(id="late", date=str(days[595]))]
    paths = analysis.aligned_paths(USDJPY, prices, chosen, chosen)
    assert paths.unit == "%"
    assert paths.paths.loc[2, "a"] == pytest.approx(100 * (prices.iloc[302] / prices.iloc[299] - 1))
    assert np.isnan(paths.paths.loc[10, "late"])  # the data end 4 sessions after its t0
    assert paths.mean.loc[10] == pytest.approx(paths.paths.loc[10, "a"])  # mean of what exists


def test_placebo_band_is_reproducible_and_avoids_event_dates(walk):
    days = [d.date() for d in walk.index]
    chosen = [make_event(id=f"e{i}", date=str(days[i])) for i in (200, 260, 320)]
    other = make_event(id="other", date=str(days[250]), category="fx")
    first = analysis.aligned_paths(UST10Y, walk, chosen, [*chosen, other], draws=300, seed=3)
    again = analysis.aligned_paths(UST10Y, walk, chosen, [*chosen, other], draws=300, seed=3)
    pd.testing.assert_series_equal(first.band_low, again.band_low)
    assert first.draws == 300 and first.seed == 3
    # candidates: t0 - 125 .. t0 + 125 around the events, minus the four event dates
    assert first.candidates == (320 + 125) - (200 - 125) + 1 - 4
    assert first.period == (days[75], days[445])
    assert (first.band_low <= first.band_high).all()
    assert first.band_low.loc[-1] == first.band_high.loc[-1] == 0
    other_seed = analysis.aligned_paths(UST10Y, walk, chosen, [*chosen, other], draws=300, seed=4)
    assert not other_seed.band_low.equals(first.band_low)


def test_placebo_band_is_the_spread_of_mean_paths():
    """Steps of exactly +1 bp everywhere: every placebo mean path is the same line, so the band is that line."""
    levels = business_series([2.0 + i / 100 for i in range(400)], end="2025-06-30")
    days = [d.date() for d in levels.index]
    chosen = [make_event(id="a", date=str(days[200])), make_event(id="b", date=str(days[210]))]
    paths = analysis.aligned_paths(UST10Y, levels, chosen, chosen, draws=50)
    expected = [float(k + 1) for k in paths.offsets]
    assert paths.band_low.tolist() == pytest.approx(expected) and paths.band_high.tolist() == pytest.approx(expected)
    assert paths.mean.tolist() == pytest.approx(expected)


def test_no_events_in_data_and_too_few_placebo_dates():
    values = business_series(alternating(40), end="2025-06-30")
    none = analysis.aligned_paths(UST10Y, values, [make_event(id="x", date="2030-01-02")], [])
    assert none.paths.empty and none.skipped == ("x",) and none.reasons
    days = [d.date() for d in values.index]
    crowded = [make_event(id=f"e{i}", date=str(days[i])) for i in range(6, 29)]
    few = analysis.aligned_paths(UST10Y, values, crowded, crowded, margin=0)
    assert few.band_low is None and "placebo" in few.reasons and few.draws == 0


def test_scoreboard_leaves_out_events_older_than_a_series_history(walk):
    days = [d.date() for d in walk.index]
    old = make_event(id="old", date="1995-04-10")  # before `walk` starts, inside the longer series
    new = make_event(id="new", date=str(days[300]))
    longer = pd.concat([business_series([100.0] * 50, end="1995-04-28"), walk + 100])
    board = analysis.compute_scoreboard([old, new], [(UST10Y, walk), (USDJPY, longer)])
    assert set(board.loc[board["series"] == "ust10y", "event_id"]) == {"new"}
    assert set(board.loc[board["series"] == "usdjpy", "event_id"]) == {"old", "new"}
