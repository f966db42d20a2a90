"""The yield-curve page through AppTest (entering by app.py): the default view, a deep link, bad values."""

from __future__ import annotations

from tests.app.support import chart_specs, figure_of, open_page, warning_texts

PAGE = "pages/yield_curve.py"


def names(fig: dict) -> list[str]:
    return [t.get("name", "") for t in fig["data"]]


def test_default_view_draws_the_three_charts_with_their_frames():
    at = open_page(PAGE)
    assert not at.exception and not at.warning
    curves, moves, spread = (figure_of(at, i) for i in range(3))
    assert [n.split(" · ")[0] for n in names(curves)] == ["02 Apr 2025", "09 Apr 2025", "08 Oct 2026"]
    assert curves["data"][0]["y"] == [4.32, 3.91, 3.95, 4.2, 4.54]  # data/market/*.csv on 2 Apr 2025
    assert moves["data"][0]["type"] == "bar" and moves["data"][0]["x"] == ["3M", "2Y", "5Y", "10Y", "30Y"]
    assert "Liberation Day" in moves["layout"]["title"]["text"]
    assert any("customdata" in t and t["customdata"][0][0] for t in spread["data"][1:])
    for fig in (curves, moves, spread):
        footer = fig["layout"]["annotations"][-1]["text"]
        assert "FRED" in footer and "Data as of" in footer
    assert at.selectbox(key="yc_event").value == ""
    assert at.text_input(key="yc_dates").value == ""
    assert at.selectbox(key="yc_window").value == "0:5"


def test_deep_link_restores_the_view_and_shows_the_event():
    at = open_page(PAGE, {"event": "reciprocal-tariff-pause", "dates": "2025-04-05", "window": "0:1"})
    assert not at.exception
    assert at.selectbox(key="yc_event").value == "reciprocal-tariff-pause"
    assert at.text_input(key="yc_dates").value == "2025-04-05"
    assert at.selectbox(key="yc_window").value == "0:1"
    curves = figure_of(at, 0)
    days = [n.split(" · ")[0] for n in names(curves)]
    assert days == ["04 Apr 2025", "08 Apr 2025", "10 Apr 2025", "16 Apr 2025"]
    assert any("No close on 05 Apr 2025" in c.value for c in at.caption)
    assert "t0 to t+1" in figure_of(at, 1)["layout"]["title"]["text"]
    assert chart_specs(at)[2]  # the spread chart
    assert any("Bond" in m.value for m in at.markdown)  # the event's details
    assert dict(at.query_params) == {"event": "reciprocal-tariff-pause", "dates": "2025-04-05", "window": "0:1"}


def test_bad_values_give_notices_not_exceptions():
    at = open_page(PAGE, {"event": "nope<b>", "dates": "2025-13-01,1900-01-01", "window": "9:1", "x": "1"})
    assert not at.exception
    notices = " ".join(warning_texts(at))
    for part in ("unknown event", "Ignored dates", "start must not be after", "unknown URL parameter"):
        assert part in notices
    assert any("No Treasury data on or before 01 Jan 1900" in c.value for c in at.caption)
    assert any("no curve to draw" in i.value for i in at.info)
    assert len(chart_specs(at)) == 2  # the bars (around the default event) and the spread


def test_a_typed_date_changes_the_curves_and_the_url():
    at = open_page(PAGE)
    at.text_input(key="yc_dates").set_value("2024-09-18, not-a-date").run()
    assert not at.exception
    assert [n.split(" · ")[0] for n in names(figure_of(at, 0))] == ["18 Sep 2024"]
    assert "Ignored dates 'not-a-date'" in " ".join(warning_texts(at))
    assert at.query_params["dates"] == "2024-09-18"
