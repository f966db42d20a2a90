"""URL <-> view: good links round-trip, bad values fall back to defaults with a notice."""

import datetime as dt

import pytest

from usjp.views.timeline import View, parse_view, to_params

IDS = {"liberation-day-tariffs"}


def test_defaults_and_no_notices_for_empty_url():
    view = parse_view({})
    assert view == View() and view.notices == ()


def test_full_round_trip():
    params = {
        "series": "ust10y,usdjpy,ust30y",
        "start": "2025-03-01",
        "end": "2025-05-31",
        "cat": "tariff,fx",
        "imp": "2",
        "event": "liberation-day-tariffs",
        "mode": "indexed",
        "releases": "1",
    }
    view = parse_view(params, IDS)
    assert view.notices == ()
    assert view.range == "custom" and view.start == dt.date(2025, 3, 1)
    assert view.categories == ("tariff", "fx")
    assert view.releases is True
    assert to_params(view) == params


def test_repeated_keys_are_accepted_for_lists():
    view = parse_view({"series": ["ust10y", "ust2y"]})
    assert view.series == ("ust10y", "ust2y")


@pytest.mark.parametrize(
    "params,notice",
    [
        ({"series": "nope"}, "unknown series"),
        ({"range": "forever"}, "unknown date range"),
        ({"start": "yesterday"}, "not a date"),
        ({"start": "2025-05-01", "end": "2025-01-01"}, "start is not before end"),
        ({"cat": "weather"}, "unknown categories"),
        ({"imp": "NaN"}, "importance"),
        ({"imp": "7"}, "importance"),
        ({"event": "no-such-event"}, "No event"),
        ({"mode": "log"}, "display mode"),
        ({"utm_source": "x"}, "unknown URL parameter"),
        ({"series": "x" * 5000}, "too long"),
        ({"mode": ["levels", "indexed"]}, "given 2 times"),
        ({"releases": "yes"}, "use releases=1"),
        ({"releases": "<b>on</b>"}, "Ignored releases='<b>on</b>'"),
        ({"series": "usdjpy,mof_intervention"}, "drawn as bars under USD/JPY"),
    ],
)
def test_bad_values_fall_back_with_a_notice(params, notice):
    view = parse_view(params, IDS)
    assert any(notice in n for n in view.notices), view.notices
    assert isinstance(view, View)


def test_at_most_four_series():
    view = parse_view({"series": "ust3m,ust2y,ust5y,ust10y,ust30y"})
    assert len(view.series) == 4 and any("first 4" in n for n in view.notices)


def test_window_for_presets():
    end = dt.date(2026, 10, 8)
    assert View().window(dt.date(2010, 1, 4), end) == (dt.date(2025, 2, 1), dt.date(2025, 8, 31))
    assert View(range="since-election").window(dt.date(2010, 1, 4), end) == (dt.date(2024, 11, 1), end)
    assert View(range="all").window(dt.date(2010, 1, 4), end) == (dt.date(2010, 1, 4), end)


def test_dates_outside_the_data_are_clipped_with_a_notice():
    bounds = (dt.date(2010, 1, 4), dt.date(2026, 10, 8))
    view = parse_view({"start": "1990-01-01", "end": "2030-01-01"}, bounds=bounds)
    assert (view.start, view.end) == bounds
    assert any("moved into the data's range" in n for n in view.notices)
    view = parse_view({"end": "2009-01-01"}, bounds=bounds)
    assert view.start is None and view.end == dt.date(2010, 1, 4)


def test_series_without_stored_data_are_dropped_with_a_notice():
    view = parse_view({"series": "ust10y,nikkei225"}, stored=["ust10y", "usdjpy"])
    assert view.series == ("ust10y",)
    assert any("Nikkei 225" in n and "Check for new data" in n for n in view.notices)


def test_no_categories_round_trips_without_a_notice():
    view = parse_view({"cat": "none"})
    assert view.categories == () and view.notices == ()
    assert to_params(view) == {"cat": "none"}


def test_releases_are_off_by_default_and_off_leaves_the_link_short():
    assert View().releases is False and "releases" not in to_params(View())
    assert parse_view({"releases": "0"}).releases is False and parse_view({"releases": "0"}).notices == ()
    assert parse_view({"releases": "1"}).releases is True
    assert parse_view({"releases": "true"}).releases is False  # only 1 and 0; anything else is a notice


def test_the_intervention_record_is_not_a_line_series_even_from_a_link():
    view = parse_view({"series": "usdjpy,mof_intervention"}, stored=["usdjpy", "mof_intervention"])
    assert view.series == ("usdjpy",)
    assert [n for n in view.notices if "bars under USD/JPY" in n]
