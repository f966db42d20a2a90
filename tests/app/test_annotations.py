"""The reader's own annotations on the timeline through AppTest: which events carry a label, a title,
subtitle and note shown literally, the selected event always drawn, a clicked cluster zooming in, and a
zoom on the chart becoming the view's dates."""

from __future__ import annotations

import datetime as dt

from tests.app.support import figure_of, open_page, warning_texts
from usjp.figures.timeline import LABEL
from usjp.ui import timeline as ui
from usjp.ui import zoom
from usjp.ui.keys import TIMELINE as KEYS

HOSTILE = '<b>bold</b> <a href="javascript:alert(1)">link</a> & <br>'


def label_texts(fig: dict) -> list[str]:
    """The labels in the band above the series (annotations named so; their leader lines are a path)."""
    return [a["text"] for a in fig["layout"]["annotations"] if a.get("name") == LABEL]


def test_the_headline_events_in_view_are_labelled_by_default():
    fig = figure_of(open_page())
    labels = label_texts(fig)
    assert "Liberation Day: Japan at 24%" in labels and len(labels) >= 3
    subtitle = fig["layout"]["title"]["subtitle"]["text"]
    assert "label" not in subtitle or "left out for lack of room" in subtitle


def test_labels_in_the_url_choose_the_labelled_events_and_none_labels_none():
    at = open_page(params={"labels": "kato-treasuries-card,kato-walks-back-treasuries"})
    assert not at.exception and not warning_texts(at)
    labels = label_texts(figure_of(at))
    assert len(labels) == 2 and any("card" in t for t in labels)
    assert at.session_state[KEYS.label_mode] == "chosen"
    assert list(at.session_state[KEYS.labels]) == ["kato-treasuries-card", "kato-walks-back-treasuries"]
    none = open_page(params={"labels": "none"})
    assert label_texts(figure_of(none)) == [] and none.session_state[KEYS.label_mode] == "none"


def test_an_unknown_labelled_event_is_ignored_with_a_notice():
    at = open_page(params={"labels": "kato-treasuries-card,not-an-event"})
    assert any("not-an-event" in w and "not labelled" in w for w in warning_texts(at))
    assert len(label_texts(figure_of(at))) == 1


def test_title_subtitle_and_note_are_shown_literally_and_stay_in_the_url():
    at = open_page(params={"title": HOSTILE, "subtitle": "My subtitle", "note": "Chart: A. Reporter " + HOSTILE})
    assert not at.exception
    fig = figure_of(at)
    title = fig["layout"]["title"]["text"]
    assert "&lt;b&gt;bold&lt;/b&gt;" in title and "<a" not in title and "&amp;" in title
    assert fig["layout"]["title"]["subtitle"]["text"].startswith("My subtitle")  # (then any labels left out)
    footer = fig["layout"]["annotations"][-1]["text"]
    assert footer.startswith("Chart: A. Reporter") and "<a" not in footer
    assert at.query_params["title"] == [HOSTILE.strip()] or at.query_params["title"] == HOSTILE.strip()
    assert at.text_input(key=KEYS.note).value.startswith("Chart: A. Reporter")


def test_typing_a_note_puts_it_on_the_chart_and_in_the_url():
    at = open_page()
    at.text_input(key=KEYS.note).input("By A. Reporter").run()
    assert not at.exception
    assert "By A. Reporter" in figure_of(at)["layout"]["annotations"][-1]["text"]
    assert at.query_params["note"] in ("By A. Reporter", ["By A. Reporter"])


def test_a_too_long_title_is_cut_with_a_notice():
    at = open_page(params={"title": "x" * 200})
    assert any("title was cut to 120" in w for w in warning_texts(at))
    assert len(at.session_state[KEYS.title]) == 120


def test_an_indexed_chart_says_so_in_its_title_with_the_base_date():
    fig = figure_of(open_page(params={"mode": "indexed"}))
    assert "indexed, start = 100 (3 Feb 2025)" in fig["layout"]["title"]["text"].replace("<br>", " ")


def test_the_selected_event_is_drawn_even_when_its_category_is_filtered_out():
    at = open_page(params={"cat": "tariff", "event": "kato-treasuries-card"})
    assert not at.exception
    fig = figure_of(at)
    ring = next(t for t in fig["data"] if t.get("name") == "Selected event")
    assert ring["customdata"][0][0] == "kato-treasuries-card"
    assert "Treasuries as leverage" in fig["layout"]["yaxis3"]["ticktext"]


def test_zoom_and_cluster_spans_are_kept_inside_the_data():
    bounds = (dt.date(1971, 1, 4), dt.date(2026, 10, 8))
    assert zoom.zoomed_range({"range": ["2025-03-04 12:00:00", "2025-05-20"]}, bounds) == (
        dt.date(2025, 3, 4),
        dt.date(2025, 5, 20),
    )
    assert zoom.zoomed_range({"range": ["1960-01-01", "2030-01-01"]}, bounds) == bounds
    assert zoom.zoomed_range({"range": ["2025-03-04", "2025-03-04"]}, bounds) == (
        dt.date(2025, 3, 4),
        dt.date(2025, 3, 5),
    )
    for bad in (None, {}, {"range": None}, {"range": ["x", "y"]}, {"range": ["2025-01-01"]}):
        assert zoom.zoomed_range(bad, bounds) is None
    assert ui.zoom_span(dt.date(2025, 5, 2), dt.date(2025, 5, 4), bounds) == (
        dt.date(2025, 4, 25),
        dt.date(2025, 5, 11),
    )
    assert ui.zoom_span(dt.date(1971, 1, 4), dt.date(1971, 1, 5), bounds)[0] == bounds[0]
