"""The yield-curve page's pure layers: the view (URL round trip, hostile values), the curve dates by the
statistics' session rule, the figures and words, and the page's "Done when" checks on the stored data."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest

from usjp import analysis, catalog
from usjp.analysis import Window, curve
from usjp.cli import main
from usjp.data import events_file, interventions, verify
from usjp.figures import yield_curve as fig
from usjp.figures import yield_curve_words as words
from usjp.views.yield_curve import (
    DEFAULT_EVENT,
    MAX_DATES,
    PAUSE_EVENT,
    CurveView,
    chosen_curves,
    default_curves,
    parse_curve_view,
    to_params,
)

LIBERATION, PAUSE = dt.date(2025, 4, 2), dt.date(2025, 4, 9)


@pytest.fixture(scope="module")
def events() -> dict:
    """Every timeline event (curated + one per intervention day), as the CLI and the app see them."""
    found = events_file.read_events()
    record = verify.read_newest(catalog.INTERVENTIONS)
    if record is not None:
        found = interventions.intervention_events(record.values, found)
    return {e.id: e for e in found}


@pytest.fixture(scope="module")
def stored() -> dict[str, pd.Series]:
    """The stored closes of the five maturities (what the page reads through the loaders)."""
    return {k: verify.read_newest(k).values for k in curve.CURVE_KEYS}


@pytest.fixture(scope="module")
def closes(stored) -> pd.DataFrame:
    return curve.common_closes(stored)


def value_on(stored: dict[str, pd.Series], key: str, day: dt.date) -> float:
    return float(stored[key].loc[pd.Timestamp(day)])


# -- the view --------------------------------------------------------------------------------------
def test_default_view_has_no_params_and_round_trips():
    assert to_params(CurveView()) == {}
    assert parse_curve_view({}) == CurveView()
    assert CurveView().moves_event == DEFAULT_EVENT


def test_a_full_view_round_trips():
    params = {"event": "reciprocal-tariff-pause", "dates": "2024-09-18,2025-01-10", "window": "0:1"}
    view = parse_curve_view(params, {"reciprocal-tariff-pause"})
    assert view.notices == ()
    assert view.dates == (dt.date(2024, 9, 18), dt.date(2025, 1, 10)) and view.window == Window(0, 1)
    assert to_params(view) == params
    assert parse_curve_view(to_params(view), {"reciprocal-tariff-pause"}) == view


@pytest.mark.parametrize(
    "params, notice",
    [
        ({"event": "<script>alert(1)</script>"}, "unknown event"),
        ({"dates": "2025-02-30,yesterday"}, "Ignored dates"),
        ({"dates": ",".join(f"2025-01-{d:02d}" for d in range(1, 8))}, f"first {MAX_DATES}"),
        ({"dates": "9" * 5000}, "too long"),
        ({"window": "5:0"}, "start must not be after"),
        ({"window": "0:61"}, "±60"),
        ({"window": "0:" + "9" * 400}, "Ignored"),
        ({"window": ["0:1", "0:2"]}, "given 2 times"),
        ({"zoom": "1"}, "unknown URL parameter"),
    ],
)
def test_hostile_values_become_notices(params, notice):
    view = parse_curve_view(params, {DEFAULT_EVENT})
    assert any(notice in n for n in view.notices), view.notices
    assert len(view.dates) <= MAX_DATES


# -- curve dates by the session rule ---------------------------------------------------------------
def test_event_curves_follow_the_statistics_session_rule(closes, events, stored):
    """Baseline, t+1 and t+5 are the statistics' baseline and the ends of its 0:1 and 0:5 windows."""
    event = events[DEFAULT_EVENT]
    drawn = {c.role: c.day for c in curve.event_curves(closes, event)}
    for key in curve.CURVE_KEYS:
        stats = analysis.event_stats(event, catalog.get(key), stored[key], (Window(0, 1), Window(0, 5)))
        assert drawn["baseline"] == stats.baseline_date
        assert drawn["t+1"] == stats.windows[0].end_date
        assert drawn["t+5"] == stats.windows[1].end_date
    # after the US close on 2 Apr: the 2 Apr close is the last before it, 3 Apr the first after
    assert drawn["baseline"] == LIBERATION


def test_a_date_without_a_close_uses_the_last_close_before_it(closes):
    saturday = dt.date(2025, 4, 5)
    found = curve.curve_on(closes, saturday)
    assert found.day == dt.date(2025, 4, 4) and found.asked == saturday
    assert "No close on 05 Apr 2025" in words.asked_caption([found])
    assert curve.curve_on(closes, dt.date(1990, 1, 1)) is None


def test_an_event_and_dates_give_their_curves_and_say_what_is_missing(closes, events):
    view = parse_curve_view({"event": PAUSE_EVENT, "dates": "2025-04-05,1990-01-01"}, set(events))
    drawn, missing = chosen_curves(view, closes, events)
    assert [(c.role, c.day) for c in drawn] == [
        ("baseline", dt.date(2025, 4, 8)),
        ("t+1", dt.date(2025, 4, 10)),
        ("t+5", dt.date(2025, 4, 16)),
        ("date", dt.date(2025, 4, 4)),
    ]
    assert missing == [dt.date(1990, 1, 1)]
    assert "01 Jan 1990" in words.missing_dates_caption(missing)


# -- the page's "Done when": default curves equal the stored values on the stated dates ------------
def test_default_curves_are_the_stored_values_on_the_stated_dates(closes, events, stored):
    drawn = default_curves(closes, events)
    assert [c.role for c in drawn] == ["baseline", "t0", "latest"]
    before, pause, latest = drawn
    assert before.day == LIBERATION and before.event_id == DEFAULT_EVENT
    assert pause.day == PAUSE and pause.event_id == PAUSE_EVENT
    assert latest.day == min(s.index[-1].date() for s in stored.values())
    for c in drawn:
        assert c.yields == tuple(value_on(stored, k, c.day) for k in curve.CURVE_KEYS)
    fig_ = fig.build_curve_figure(drawn, events, fig.Frame("t", "s", ["Source: x", "Data as of y"]))
    assert [list(t.y) for t in fig_.data] == [list(c.yields) for c in drawn]
    assert list(fig_.layout.xaxis.ticktext) == ["3M", "2Y", "5Y", "10Y", "30Y"]


# -- the page's "Done when": the bars equal `python -m usjp stats` ---------------------------------
@pytest.mark.parametrize("event_id, window", [(DEFAULT_EVENT, "0:5"), (PAUSE_EVENT, "0:1"), (PAUSE_EVENT, "-1:10")])
def test_bars_equal_the_stats_cli(event_id, window, events, stored, capsys):
    code = main(["stats", "--event", event_id, "--series", *curve.CURVE_KEYS, f"--windows={window}", "--json"])
    assert code == 0
    cli = {row["series"]: row["windows"][0] for row in json.loads(capsys.readouterr().out)}
    w = analysis.parse_window(window)
    stats = [analysis.event_stats(events[event_id], catalog.get(k), stored[k], (w,), events.values()) for k in stored]
    moves = fig.maturity_moves(stats, w)
    built = fig.build_moves_figure(moves, fig.Frame("t", "s", ["Data as of y"]))
    for (key, _, label), move, bar, text in zip(
        curve.MATURITIES, moves, built.data[0].y, built.data[0].text, strict=True
    ):
        assert move.label == label
        assert round(move.change, 6) == cli[key]["change"] == round(bar, 6)
        assert round(move.z, 6) == cli[key]["z"]
        assert f"z {cli[key]['z']:+.1f}" in text and f"{cli[key]['change']:+.0f} bp" in text


# -- words and figures -----------------------------------------------------------------------------
def test_verdict_says_which_end_moved_more():
    long_more = [("3M", 1.0, 0.2), ("2Y", -3.0, -0.5), ("5Y", 10.0, 1.0), ("10Y", 20.0, 2.0), ("30Y", 30.0, 3.0)]
    assert words.moves_verdict(long_more).startswith("The long end moved more: on average 25 bp")
    assert "steepened (+33 bp)" in words.moves_verdict(long_more)
    short_more = [("3M", -30.0, None), ("2Y", -20.0, None), ("10Y", 2.0, None), ("30Y", 1.0, None)]
    assert words.moves_verdict(short_more).startswith("The short end moved more")
    assert "complete window" in words.moves_verdict([("3M", None, None), ("30Y", 5.0, 1.0)])


def test_hostile_event_text_is_escaped_in_the_spread_figure(events):
    hostile = events[DEFAULT_EVENT].model_copy(update={"title": "<b>bold</b> & <a href=x>link</a>", "id": "x-1"})
    spread = pd.Series([0.5, 0.4, 0.3], index=pd.to_datetime(["2025-03-31", "2025-04-01", "2025-04-02"]))
    built = fig.build_spread_figure(spread, [hostile], "x-1", fig.Frame("t <i>", "s", ["Data as of y"], compact=True))
    markers = [t for t in built.data if t.customdata is not None]
    assert markers[0].customdata[0][0] == "x-1"  # customdata[0] is the event id: a click selects it
    assert "<b>" not in markers[0].customdata[0][1] and "&lt;b&gt;" in markers[0].customdata[0][1]
    assert "&lt;i&gt;" in built.layout.title.text
    assert built.layout.shapes[0].x0 == pd.Timestamp(LIBERATION)


def test_every_figure_carries_its_sources_and_as_of(closes, events):
    drawn = curve.event_curves(closes, events[DEFAULT_EVENT])
    frame = fig.Frame("Title", "Subtitle", [*words.sources([catalog.get(k) for k in curve.CURVE_KEYS]), "Data as of x"])
    footer = fig.build_curve_figure(drawn, events, frame).layout.annotations[-1].text
    assert "FRED DGS3MO" in footer and "DGS30" in footer and "Data as of x" in footer
    alt = words.curve_alt("T", drawn, events)
    assert alt.startswith("Line chart. T.") and f"{drawn[0].yields[0]:.2f}%" in alt
