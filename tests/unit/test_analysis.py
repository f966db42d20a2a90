"""Hand-computed cases for every part of the event-window definition (shared/DESIGN.md)."""

from __future__ import annotations

import json
import math
import statistics

import pandas as pd
import pytest

from tests.builders import alternating, business_series, day, make_event
from usjp import analysis, catalog
from usjp.analysis import Window, event_stats

UST10Y = catalog.get("ust10y")  # bp, observed at the 16:00 New York close
USDJPY = catalog.get("usdjpy")  # %, the noon New York rate
TIC_JAPAN = catalog.get("tic_japan")  # monthly


def one(result: analysis.EventStats, key: str) -> analysis.WindowStats:
    return next(w for w in result.windows if w.window.key == key)


# -- session rule and t0 --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("time", "tz", "spec", "expected"),
    [
        ("15:59", "America/New_York", UST10Y, "2025-04-02"),  # before the close: same day
        ("16:00", "America/New_York", UST10Y, "2025-04-03"),  # at the close: next day
        ("13:00", "America/New_York", UST10Y, "2025-04-02"),
        ("13:00", "America/New_York", USDJPY, "2025-04-03"),  # after the noon fixing
        ("11:59", "America/New_York", USDJPY, "2025-04-02"),
        ("09:00", "Asia/Tokyo", UST10Y, "2025-04-02"),  # 20:00 New York on Apr 1 -> Apr 2
        ("06:00", "Asia/Tokyo", USDJPY, "2025-04-02"),  # 17:00 New York on Apr 1 -> Apr 2
    ],
)
def test_market_date_follows_the_series_observation_time(time, tz, spec, expected):
    event = make_event(id="e", date="2025-04-02", time=time, tz=tz)
    values = business_series(range(1, 40), end="2025-04-30")
    result = event_stats(event, spec, values)
    assert result.market_date == day(expected)
    assert result.t0 == day(expected)  # all weekdays here, so t0 is the market date itself
    assert result.baseline_date < result.t0


def test_after_us_close_moves_to_the_next_day():
    event = make_event(id="e", date="2025-04-02", after_us_close=True)
    values = business_series(range(1, 40), end="2025-04-30")
    assert event_stats(event, UST10Y, values).t0 == day("2025-04-03")
    assert event_stats(event, USDJPY, values).t0 == day("2025-04-03")


def test_t0_on_a_weekend_is_the_next_observation():
    values = business_series(range(1, 40), end="2025-04-30")
    saturday = make_event(id="sat", date="2025-04-05")
    friday_evening = make_event(id="fri", date="2025-04-04", time="17:00", tz="America/New_York")
    for event in (saturday, friday_evening):
        result = event_stats(event, UST10Y, values)
        assert result.t0 == day("2025-04-07")  # Monday
        assert result.baseline_date == day("2025-04-04")  # Friday


def test_t0_on_a_holiday_is_the_next_observation():
    values = business_series(range(1, 40), end="2025-04-30", drop=("2025-04-18",))  # Good Friday style gap
    result = event_stats(make_event(id="hol", date="2025-04-18"), UST10Y, values)
    assert result.t0 == day("2025-04-21")
    assert result.baseline_date == day("2025-04-17")
    assert result.t0_index == values.index.get_loc("2025-04-21")


def test_missing_values_are_dropped_never_filled():
    values = business_series([1.0, 2.0, float("nan"), 4.0, 5.0], end="2025-04-30")
    result = event_stats(make_event(id="e", date=values.index[2].date()), UST10Y, values, [Window(0, 0)])
    assert result.t0 == values.index[3].date()
    assert result.baseline_value == 2.0
    assert one(result, "0:0").change == pytest.approx(200.0)


# -- baseline, change, sigma, z, percentile -------------------------------------------------------
@pytest.fixture
def jump():
    """1,300 alternating observations (2.00/2.01), then the event: t0 = index 1300, baseline 2.01."""
    after = [2.06, 2.10, 2.10, 2.08, 2.12, 2.15, 2.20]
    values = business_series(alternating(1300) + after, end="2025-06-30")
    return values, values.index[1300].date()


def test_change_sigma_z_and_percentile_by_hand(jump):
    values, t0 = jump
    result = event_stats(make_event(id="e", date=str(t0)), UST10Y, values, [Window(0, 0), Window(0, 5), Window(-1, 1)])
    assert result.t0_index == 1300
    assert result.baseline_date == values.index[1299].date()
    assert result.baseline_value == 2.01
    # 250 one-step changes ending at the baseline: 125 of -1 bp and 125 of +1 bp, mean 0.
    sigma = math.sqrt(250 / 249)
    assert result.sigma == pytest.approx(sigma)
    assert result.estimation_obs == 250

    w00 = one(result, "0:0")  # x[t0] - x[t0-1] = 2.06 - 2.01
    assert (w00.start_date, w00.end_date) == (values.index[1299].date(), t0)
    assert w00.change == pytest.approx(5.0)
    assert w00.z == pytest.approx(5.0 / sigma)
    assert w00.percentile == 100.0  # every 1-step move in the history was 1 bp

    w05 = one(result, "0:5")  # x[t0+5] - x[t0-1] = 2.15 - 2.01
    assert w05.end_value == 2.15
    assert w05.change == pytest.approx(14.0)
    assert w05.z == pytest.approx(14.0 / (sigma * math.sqrt(6)))
    assert w05.percentile == 100.0  # 6-step moves in the history are all 0

    wm1 = one(result, "-1:1")  # x[t0+1] - x[t0-2] = 2.10 - 2.00
    assert (wm1.start_value, wm1.end_value) == (2.00, 2.10)
    assert wm1.change == pytest.approx(10.0)
    assert wm1.z == pytest.approx(10.0 / (sigma * math.sqrt(3)))


def test_sigma_matches_an_independent_sample_standard_deviation():
    levels = [3.0 + 0.01 * ((i * 7919) % 13) for i in range(400)]
    values = business_series(levels, end="2025-06-30")
    result = event_stats(make_event(id="e", date=values.index[300].date()), UST10Y, values, [Window(0, 1)])
    steps = [(levels[i] - levels[i - 1]) * 100 for i in range(50, 300)]  # the 250 ending at x[299]
    assert len(steps) == 250
    assert result.sigma == pytest.approx(statistics.stdev(steps))
    moved = (levels[301] - levels[299]) * 100
    assert one(result, "0:1").z == pytest.approx(moved / (statistics.stdev(steps) * math.sqrt(2)))


def test_percentile_counts_only_strictly_smaller_moves():
    """A 1 bp event move against a history of 1 bp moves is larger than none of them."""
    values = business_series([*alternating(1300), 2.02], end="2025-06-30")  # baseline 2.01 -> 2.02
    result = event_stats(make_event(id="e", date=values.index[1300].date()), UST10Y, values, [Window(0, 0)])
    assert one(result, "0:0").change == pytest.approx(1.0)
    assert one(result, "0:0").percentile == 0.0


def test_percentile_uses_the_1260_observations_ending_at_the_baseline():
    # Big moves just outside the 1,260 observations (into and out of x[139]) do not count; the two
    # 5 bp moves around x[1000] do, so the 3.5 bp event move beats 1,257 of the 1,259 one-step moves.
    levels = alternating(1400)
    levels[139] = 7.0
    levels[1000] = 2.06
    values = business_series([*levels, levels[-1] + 0.035], end="2025-06-30")  # 3.5 bp event move
    result = event_stats(make_event(id="e", date=values.index[1400].date()), UST10Y, values, [Window(0, 0)])
    history = [abs(levels[j + 1] - levels[j]) * 100 for j in range(1400 - 1260, 1399)]
    assert len(history) == 1259  # 1,260 observations give 1,259 one-step moves
    expected = 100 * sum(h < 3.5 - 1e-9 for h in history) / len(history)
    assert one(result, "0:0").percentile == pytest.approx(expected) == pytest.approx(100 * 1257 / 1259)


def test_percent_units_for_fx():
    values = business_series([*([100.0] * 300), 102.0, 99.0], end="2025-06-30")
    event = make_event(id="e", date=values.index[300].date())
    result = event_stats(event, USDJPY, values, [Window(0, 0), Window(0, 1)])
    assert result.unit == "%"
    assert one(result, "0:0").change == pytest.approx(2.0)
    assert one(result, "0:1").change == pytest.approx(-1.0)
    assert result.sigma == 0.0
    assert one(result, "0:0").z is None and "zero" in one(result, "0:0").reasons["z"]


def test_bp_units_for_yields():
    values = business_series([*([4.0] * 10), 4.25], end="2025-06-30")
    result = event_stats(make_event(id="e", date=values.index[10].date()), UST10Y, values, [Window(0, 0)])
    assert result.unit == "bp"
    assert one(result, "0:0").change == 25.0


# -- too little data ------------------------------------------------------------------------------
def test_too_little_history_gives_null_statistics_with_reasons():
    values = business_series([2.0 + 0.01 * (i % 3) for i in range(100)], end="2025-06-30")
    result = event_stats(make_event(id="e", date=values.index[60].date()), UST10Y, values, [Window(0, 1)])
    assert result.sigma is None
    assert "250" in result.reasons["sigma"] and "59" in result.reasons["sigma"]
    assert result.estimation_obs == 59
    w = one(result, "0:1")
    assert w.change is not None
    assert w.z is None and w.reasons["z"]
    assert w.percentile is None and "1,260" in w.reasons["percentile"]


@pytest.mark.parametrize(("baseline", "has_sigma", "has_percentile"), [(249, False, False), (250, True, False)])
def test_sigma_needs_exactly_250_changes(baseline, has_sigma, has_percentile):
    values = business_series(alternating(baseline + 5), end="2025-06-30")
    result = event_stats(make_event(id="e", date=values.index[baseline + 1].date()), UST10Y, values, [Window(0, 0)])
    assert (result.sigma is not None) is has_sigma
    assert (one(result, "0:0").percentile is not None) is has_percentile


@pytest.mark.parametrize(("baseline", "has_percentile"), [(1258, False), (1259, True)])
def test_percentile_needs_exactly_1260_observations(baseline, has_percentile):
    values = business_series(alternating(baseline + 5), end="2025-06-30")
    result = event_stats(make_event(id="e", date=values.index[baseline + 1].date()), UST10Y, values, [Window(0, 0)])
    assert (one(result, "0:0").percentile is not None) is has_percentile


def test_window_past_the_end_of_the_data():
    values = business_series(alternating(300), end="2025-06-30")
    t0 = values.index[297].date()  # three observations from t0 on: t0, t0+1, t0+2
    result = event_stats(make_event(id="e", date=str(t0)), UST10Y, values, [Window(0, 1), Window(0, 5)])
    assert one(result, "0:1").change is not None
    w = one(result, "0:5")
    assert w.change is None and w.end_date is None and w.z is None
    assert "not complete" in w.reasons["change"]
    assert w.start_date == values.index[296].date()  # the baseline is still known


def test_event_after_the_data_and_before_the_data():
    values = business_series(alternating(300), end="2025-06-30")
    late = event_stats(make_event(id="late", date="2025-07-15"), UST10Y, values)
    assert late.t0 is None and "after the last observation" in late.reasons["t0"]
    assert all(w.change is None for w in late.windows)
    early = event_stats(make_event(id="early", date="2000-01-03"), UST10Y, values)
    assert early.t0_index == 0 and early.baseline_date is None and "baseline" in early.reasons


# -- confounders ----------------------------------------------------------------------------------
def test_confounders_are_other_events_whose_t0_falls_in_the_window():
    values = business_series(alternating(300), end="2025-06-30")
    d = [ts.date() for ts in values.index]
    main = make_event(id="main", date=str(d[290]))
    others = [
        make_event(id="same-t0", date=str(d[290]), time="00:01", tz="America/New_York"),
        make_event(id="after-close-day-before", date=str(d[289]), after_us_close=True),  # market date = t0
        make_event(id="day-before", date=str(d[289])),  # t0 - 1
        make_event(id="two-later", date=str(d[292])),
        make_event(id="six-later", date=str(d[296])),
        make_event(id="eleven-later", date=str(d[299]), time="17:00", tz="America/New_York"),  # after the data
        make_event(id="long-before", date=str(d[200])),
    ]
    result = event_stats(main, UST10Y, values, [Window(0, 1), Window(0, 5), Window(-1, 10)], [main, *others])
    assert set(one(result, "0:1").confounders) == {"same-t0", "after-close-day-before"}
    assert set(one(result, "0:5").confounders) == {"same-t0", "after-close-day-before", "two-later"}
    assert set(one(result, "-1:10").confounders) == {
        "same-t0",
        "after-close-day-before",
        "day-before",
        "two-later",
        "six-later",
    }
    assert "main" not in result.confounders
    assert set(result.confounders) == set(one(result, "-1:10").confounders)


def test_confounders_use_each_series_session_rule():
    values = business_series(alternating(300), end="2025-06-30")
    d = [ts.date() for ts in values.index]
    main = make_event(id="main", date=str(d[290]))
    lunch = make_event(id="lunch", date=str(d[289]), time="13:00", tz="America/New_York")  # after noon, before close
    on_yields = event_stats(main, UST10Y, values, [Window(0, 0)], [main, lunch])
    on_fx = event_stats(main, USDJPY, values, [Window(0, 0)], [main, lunch])
    assert on_yields.confounders == ()
    assert on_fx.confounders == ("lunch",)


# -- monthly and quarterly series -----------------------------------------------------------------
def test_monthly_series_show_the_value_before_and_after_without_z():
    months = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01"]
    values = pd.Series([100.0, 101.0, 102.0, 110.0, 111.0], index=pd.DatetimeIndex(pd.to_datetime(months)))
    result = event_stats(make_event(id="e", date="2025-04-02", series=["tic_japan"]), TIC_JAPAN, values)
    assert result.windows == () and result.sigma is None and "monthly" in result.reasons["sigma"]
    p = result.periods
    assert (p.before.period, p.before.value) == ("Mar 2025", 102.0)
    assert (p.after.period, p.after.value) == ("Apr 2025", 110.0)
    assert p.change == pytest.approx(100 * (110 / 102 - 1))
    on_first = event_stats(make_event(id="e", date="2025-04-01"), TIC_JAPAN, values).periods
    assert on_first.before.period == "Mar 2025" and on_first.after.period == "Apr 2025"
    too_new = event_stats(make_event(id="e", date="2025-06-10"), TIC_JAPAN, values).periods
    assert too_new.before.period == "May 2025" and too_new.after is None and too_new.change is None


def test_quarterly_periods():
    values = pd.Series([9000.0, 9100.0], index=pd.DatetimeIndex(pd.to_datetime(["2025-01-01", "2025-04-01"])))
    p = event_stats(make_event(id="e", date="2025-04-02"), catalog.get("foreign_debt"), values).periods
    assert (p.before.period, p.after.period) == ("Q1 2025", "Q2 2025")


# -- windows and JSON -----------------------------------------------------------------------------
def test_parse_windows():
    assert analysis.parse_windows("0:1, 0:5,-1:10,0:5") == (Window(0, 1), Window(0, 5), Window(-1, 10))
    for bad in ("", "5:1", "0-5", "a:b", "0:999", "1:2:3"):
        with pytest.raises(ValueError):
            analysis.parse_windows(bad)
    assert Window(0, 5).steps == 6 and Window(-1, 10).label() == "t-1 to t+10"


def test_json_has_no_nan_and_iso_dates(jump):
    values, t0 = jump
    out = event_stats(make_event(id="e", date=str(t0)), UST10Y, values, [Window(0, 30)]).to_json()
    text = json.dumps(out, allow_nan=False)
    assert '"change": null' in text and out["t0"] == t0.isoformat()
