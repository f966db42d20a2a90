"""The story machinery's pure parts: the Story page's URL state, the caption placeholders, predictions and
their reveal, and the chart cut before the reveal (the stories themselves: tests/unit/test_stories.py)."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from pydantic import ValidationError

from usjp import analysis, catalog
from usjp.cli.export import load_events, timeline_data
from usjp.data import verify, yaml_list
from usjp.story import reveal
from usjp.story.facts import FactError, StoryData, fill, moved
from usjp.story.figures import hide_from, presentation_view, step_figure
from usjp.story.model import Prediction
from usjp.views.story import StoryView, parse_story_view, to_params
from usjp.views.story import moved as navigate
from usjp.views.timeline import View

STEPS = {"the-card": 9, "liberation-day": 7}
LIBERATION = "liberation-day-tariffs"


@pytest.fixture(scope="module")
def data() -> StoryData:
    return StoryData(lambda k: s.values if (s := verify.read_newest(k)) else None, load_events().events)


# -- URL state --------------------------------------------------------------------------------------
def test_a_step_link_round_trips():
    view = parse_story_view({"s": "the-card", "step": "3", "present": "1"}, STEPS)
    assert view == StoryView("the-card", 3, True) and not view.notices
    assert to_params(view) == {"s": "the-card", "step": "3", "present": "1"}
    assert parse_story_view(to_params(view), STEPS) == view
    assert to_params(StoryView()) == {}


@pytest.mark.parametrize(
    ("params", "expected", "said"),
    [
        ({"s": "nope"}, StoryView(), "No story with id 'nope'"),
        ({"s": "the-card", "step": "10"}, StoryView("the-card"), "steps 1 to 9"),
        ({"s": "the-card", "step": "0"}, StoryView("the-card"), "steps 1 to 9"),
        ({"s": "the-card", "step": "²"}, StoryView("the-card"), "steps 1 to 9"),
        ({"step": "2"}, StoryView(), "no story chosen"),
        ({"present": "1"}, StoryView(), ""),  # nothing to present without a story
        ({"s": "the-card", "present": "yes"}, StoryView("the-card"), "present=1"),
        ({"s": "the-card", "x": "1"}, StoryView("the-card"), "'x'"),
    ],
)
def test_bad_values_become_defaults_with_a_notice(params, expected, said):
    view = parse_story_view(params, STEPS)
    assert view == expected
    assert said in " ".join(view.notices)


def test_navigation_stays_inside_the_story():
    view = StoryView("liberation-day", 1)
    assert navigate(view, "back", 7).step == 1
    assert navigate(view, "next", 7).step == 2
    assert navigate(view, "last", 7).step == 7
    assert navigate(StoryView("liberation-day", 7), "next", 7).step == 7
    assert navigate(StoryView("liberation-day", 5), "first", 7).step == 1
    assert navigate(view, "present", 7).present and not navigate(StoryView("x", 2, True), "exit", 7).present
    assert navigate(view, "unknown", 7) == view


# -- placeholders ------------------------------------------------------------------------------------
def test_each_placeholder_gives_what_the_statistics_and_the_store_give(data):
    event = data.event(LIBERATION)
    values = verify.read_newest("ust10y").values
    stats = analysis.event_stats(event, catalog.get("ust10y"), values, [analysis.parse_window("0:5")], data.events)
    w = stats.windows[0]
    text = fill(
        "{change ust10y liberation-day-tariffs 0:5}|{move ust10y liberation-day-tariffs 0:5}|"
        "{z ust10y liberation-day-tariffs 0:5}|{percentile ust10y liberation-day-tariffs 0:5}",
        data,
    )
    assert text.split("|") == [
        analysis.format_change(w.change, "bp"),
        moved(w.change, "bp"),
        f"{w.z:+.1f}",
        f"{w.percentile:.0f}%",
    ]
    japan = verify.read_newest("tic_japan").values
    assert fill("{value tic_japan 2025-02}", data) == f"${japan[pd.Timestamp('2025-02-01')]:,.1f}bn"
    # a weekend date gives the Friday's close
    usdjpy = verify.read_newest("usdjpy").values
    assert fill("{value usdjpy 2025-04-05}", data) == f"¥{usdjpy[:'2025-04-05'].iloc[-1]:.2f}"
    record = verify.read_newest(catalog.INTERVENTIONS).values["2022-01-01":"2022-12-31"]
    assert fill("{total mof_intervention 2022-01-01 2022-12-31}", data) == f"¥{record.abs().sum() / 10_000:,.2f}trn"
    assert fill("{days mof_intervention 2022-01-01 2022-12-31}", data) == str(int((record != 0).sum()))


def test_the_record_is_known_to_the_end_of_its_last_quarter():
    from usjp.story.facts import quarter_end

    assert [quarter_end(dt.date(2026, m, 15)).isoformat() for m in (1, 4, 6, 7, 12)] == [
        "2026-03-31",
        "2026-06-30",
        "2026-06-30",
        "2026-09-30",
        "2026-12-31",
    ]


def test_words_for_a_move():
    assert moved(47.0, "bp") == "rose 47 bp"
    assert moved(-1.234, "%") == "fell 1.23%"
    assert moved(0.2, "bp") == "did not move"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{chnage ust10y liberation-day-tariffs 0:5}", "unknown placeholder 'chnage'"),
        ("{change ust10y liberation-day-tariffs}", "takes 3 arguments"),
        ("{change ust10y no-such-event 0:5}", "unknown event 'no-such-event'"),
        ("{change nikkei liberation-day-tariffs 0:5}", "unknown series 'nikkei'"),
        ("{change tic_japan liberation-day-tariffs 0:5}", "not a daily price or level"),
        ("{change ust10y liberation-day-tariffs 5:1}", "must not be after the end"),
        ("{z ust10y liberation-day-tariffs 0:9999}", "offsets are limited"),
        ("a { stray", "outside a placeholder"),
        ("{}", "empty placeholder"),
        ("{value tic_japan 2025-02-01}", "give the month as YYYY-MM"),
        ("{value tic_japan 1990-01}", "has no value for 1990-01"),
        ("{value ust10y 1950-01-05}", "no observation within 7 days"),
        ("{value ust10y 2025-13-01}", "is not a date"),
        ("{total ust10y 2022-01-01 2022-12-31}", "not an operations series"),
        ("{total mof_intervention 2022-12-31 2022-01-01}", "is after"),
        ("{total mof_intervention 2099-01-01 2099-12-31}", "covers operations to"),
        ("{days mof_intervention 2026-07-01 2026-08-31}", "covers operations to 2026-06-30"),
    ],
)
def test_a_placeholder_that_cannot_be_computed_says_which_and_why(data, text, said):
    with pytest.raises(FactError) as caught:
        fill(text, data)
    assert said in str(caught.value)


def test_a_window_past_the_data_is_an_error_not_a_number(data):
    last_event = max(data.events, key=lambda e: e.date)
    with pytest.raises(FactError):
        fill(f"{{change ust10y {last_event.id} 0:400}}", data)


# -- predictions and the reveal -------------------------------------------------------------------------
def _prediction(**changes) -> Prediction:
    base = {"question": "Which way did it go?", "kind": "direction", "event": LIBERATION, "series": "ust10y"}
    return Prediction.model_validate({**base, **changes})


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"window": "-1:5"}, "starts at 0 or later"),
        ({"window": "0-5"}, "not of the form"),
        ({"kind": "size"}, "needs low, high and step"),
        ({"kind": "size", "low": 5, "high": 50, "step": 5}, "below 0"),
        ({"low": -50, "high": 50, "step": 5}, "size questions only"),
        ({"kind": "guess"}, "kind"),
    ],
)
def test_a_malformed_prediction_is_refused(changes, said):
    with pytest.raises(ValidationError) as caught:
        _prediction(**changes)
    assert said in str(caught.value)


def test_the_reveal_is_the_statistics_of_the_window(data):
    prediction = _prediction()
    result = reveal.outcome(prediction, data)
    w = data.window_stats("ust10y", LIBERATION, "0:5")
    assert (result.change, result.z, result.percentile) == (w.change, w.z, w.percentile)
    assert reveal.cutoff(prediction, data) == data.event(LIBERATION).market_date(catalog.get("ust10y").observed_at_et)
    assert result.start_date < reveal.cutoff(prediction, data) <= result.end_date
    assert "US 10-year Treasury yield" in reveal.what_happened(result)
    assert f"bigger than {result.percentile:.0f}% of 6-session moves" in reveal.how_unusual(result)


def test_verdicts():
    up = reveal.Outcome("ust10y", "bp", 20.0, 1.4, 83.0, dt.date(2025, 4, 2), dt.date(2025, 4, 10), 6)
    assert up.direction == "up"
    assert reveal.direction_verdict("up", up).startswith("The class said up: right")
    assert "it was up" in reveal.direction_verdict("down", up)
    small = reveal.Outcome("ust10y", "bp", -3.0, -0.4, 20.0, dt.date(2025, 4, 2), dt.date(2025, 4, 10), 6)
    assert small.direction == "little" and "right" in reveal.direction_verdict("little", small)
    assert reveal.size_verdict(20, up) == "The class guessed +20 bp; the move was +20 bp: spot on."
    assert reveal.size_verdict(5, up).endswith("15 bp more than the guess.")
    assert reveal.size_verdict(30, up).endswith("10 bp less than the guess.")
    with pytest.raises(ValueError):
        reveal.direction_verdict("sideways", up)


# -- the chart before the reveal -------------------------------------------------------------------------
def test_nothing_after_the_cutoff_reaches_the_figure(data):
    view = View(series=("ust10y", "usdjpy"), range="custom", start=dt.date(2025, 3, 1), end=dt.date(2025, 5, 30))
    cut = reveal.cutoff(_prediction(), data)
    full = timeline_data(view, list(data.events))
    hidden = hide_from(full, cut)
    assert all(s.values.index.max() < pd.Timestamp(cut) for s in hidden.series)
    assert all(e.date <= cut for e in hidden.events) and hidden.headlines == {}
    assert hidden.interventions is None or hidden.interventions.values.index.max() < pd.Timestamp(cut)
    fig = step_figure(view, dt.date(2025, 3, 1), dt.date(2025, 5, 30), full, first_hidden=cut, width=1000)
    spec = json.loads(fig.to_json())
    lines = [t for t in fig.data if t.type == "scatter" and t.name in ("US 10-year Treasury yield",)]
    assert lines and all(pd.Timestamp(max(t.x)) < pd.Timestamp(cut) for t in lines)
    assert "what happened next" in spec["layout"]["title"]["subtitle"]["text"]
    later = [e.id for e in data.events if cut < e.date <= dt.date(2025, 5, 30)]
    assert later and not any(i in fig.to_json() for i in later)  # not even in hover or customdata
    revealed = step_figure(view, dt.date(2025, 3, 1), dt.date(2025, 5, 30), full, first_hidden=None, width=1000)
    assert any(i in revealed.to_json() for i in later)


def test_full_screen_subtitle_counts_in_words(data):
    view = View(
        series=("ust10y",), range="custom", start=dt.date(2025, 3, 1), end=dt.date(2025, 5, 30), categories=("fx",)
    )
    full = timeline_data(view, list(data.events))
    fig = step_figure(
        view, view.start, view.end, full, first_hidden=None, width=1000, height=600, exact=True, short_subtitle=True
    )
    subtitle = fig.layout.title.subtitle.text
    n = int(subtitle.split()[0])
    assert subtitle.startswith(f"{n} event{'' if n == 1 else 's'} below")


def test_full_screen_keeps_the_lanes_the_step_talks_about(data):
    view = View()
    named = [data.event(LIBERATION), data.event("kato-treasuries-card")]
    shown = presentation_view(view, "A step", named)
    assert set(shown.categories) == {"tariff", "treasury-leverage"} and shown.title == "A step"
    assert presentation_view(view, "A step", []).categories == view.categories


# -- reading a story file ---------------------------------------------------------------------------------
def test_a_mapping_file_gives_the_line_of_every_key():
    text = "id: a\nsteps:\n  - title: one\n    caption: x\n  - title: two\n"
    raw, lines, problems = yaml_list.mapping(text, "s.yaml")
    assert not problems and raw["steps"][1]["title"] == "two"
    assert lines[("steps", 1, "title")] == 5 and yaml_list.line_of(lines, ("steps", 0, "nope")) == 3


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("- a\n- b\n", "s.yaml:1 - file: expected a mapping"),
        ("a: &x [1]\nb: *x\n", "aliases"),
        ("a: [1\n", "s.yaml:2 - yaml"),
        ("", "expected a mapping"),
    ],
)
def test_a_file_that_is_not_one_mapping_is_one_problem(text, said):
    raw, _lines, problems = yaml_list.mapping(text, "s.yaml")
    assert raw is None and len(problems) == 1 and said in problems[0]
