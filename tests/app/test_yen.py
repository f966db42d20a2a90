"""The yen page through AppTest: the default view, a deep link, and bad query values as notices."""

from __future__ import annotations

import pytest

from tests.app.support import chart_specs, figure_of, open_page, warning_texts

PAGE = "yen"


def titles(at) -> list[str]:
    return [figure_of(at, i)["layout"]["title"]["text"] for i in range(len(chart_specs(at)))]


def test_default_view_draws_the_latest_episode_its_paths_and_the_gap():
    at = open_page(PAGE)
    assert not at.exception and not at.warning
    assert at.selectbox(key="yen_episode").value == "2026"
    heads = titles(at)
    assert len(heads) == 3
    assert heads[0].startswith("<b>USD/JPY and Japan's currency interventions")
    assert heads[1].startswith("<b>Did it stick?") and heads[2].startswith("<b>The US–Japan 10-year gap")
    main = figure_of(at, 0)
    assert any(t["type"] == "bar" for t in main["data"])
    assert any(t.get("customdata") for t in main["data"])  # the events are selectable
    footer = main["layout"]["annotations"][-1]["text"]
    assert "FRED DEXJPUS" in footer and "MOF FEIO" in footer and "Data as of" in footer
    assert "monthly here" in " ".join(a["text"] for a in figure_of(at, 2)["layout"]["annotations"])
    assert any("On the first day of" in m.value for m in at.markdown)


def test_deep_link_to_2022_with_an_event_restores_the_view():
    at = open_page(PAGE, {"episode": "2022", "event": "mof-intervention-2022-10-21"})
    assert not at.exception
    # The only warning is the event's own: the next operation day falls in its windows (no URL notice).
    assert [w.split(":")[0] for w in warning_texts(at)] == [
        "Other events fall inside these windows, so the moves are not this event's alone"
    ]
    assert at.selectbox(key="yen_episode").value == "2022"
    assert at.selectbox(key="yen_event").value == "mof-intervention-2022-10-21"
    assert "Did it stick? USD/JPY after 2 yen-buying operations" in titles(at)[1]
    bars = next(t for t in figure_of(at, 0)["data"] if t["type"] == "bar")
    assert [round(y * 10_000) for y in bars["y"]] == [28382, 56202, 7296]
    assert at.query_params["episode"] in ("2022", ["2022"])


def test_a_custom_range_from_the_url():
    at = open_page(PAGE, {"start": "2011-01-01", "end": "2012-06-30"})
    assert not at.exception and not at.warning
    assert at.selectbox(key="yen_episode").value == "custom"
    assert "yen-selling" in titles(at)[1]


@pytest.mark.parametrize(
    "params",
    [
        {"episode": "<img src=x onerror=alert(1)>"},
        {"start": "not-a-date", "end": "2099-01-01"},
        {"start": "2022-10-01", "end": "2022-01-01"},
        {"event": "no-such-event", "bogus": "1"},
    ],
)
def test_bad_query_values_are_notices_not_exceptions(params):
    at = open_page(PAGE, params)
    assert not at.exception
    assert warning_texts(at)
    assert len(chart_specs(at)) >= 1
