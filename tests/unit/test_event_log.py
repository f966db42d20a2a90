"""The event log's pure parts (usjp/views/event_log.py, usjp/figures/events_words.py): the search, the
filters and the sort, the URL <-> view round trip with hostile values, and the CSV and JSON downloads."""

from __future__ import annotations

import datetime as dt
import io
import json

import pandas as pd
import pytest

from tests.builders import make_event
from usjp.events import CATEGORIES, STATUSES
from usjp.figures import events_words as words
from usjp.publish.csv_file import csv_bytes
from usjp.views.event_log import (
    MAX_QUERY_CHARS,
    LogView,
    export_json,
    export_record,
    export_table,
    filter_events,
    matches,
    parse_log_view,
    pool,
    to_params,
    topic_link,
)

KATO_QUOTE = {
    "text": "I think it is a card.",
    "speaker": "Katsunobu Kato, finance minister",
    "language": "ja",
    "original": "カードとしてはあると思う。",
    "translated_by": "ours",
}


@pytest.fixture
def log() -> list:
    """Four events: a Japanese quote, a thin fx one with an actor, an old tariff, a generated day."""
    return [
        make_event(id="kato-card", date="2025-05-02", title="Kato: Treasuries are a card", category="treasury-leverage",
                   importance=3, quote=KATO_QUOTE, series=["ust10y", "usdjpy"]),
        make_event(id="yen-check", date="2024-04-29", title="Rate check", category="fx", status="confirmed-weak",
                   actors=["Masato Kanda"], series=["usdjpy"], end="2024-05-01"),
        make_event(id="old-tariff", date="2018-03-01", title="Steel tariffs", category="tariff", importance=1,
                   series=["ust2y"], summary="Section 232 tariffs =SUM(A1) on steel and aluminium."),
        make_event(id="mof-intervention-2024-05-01", date="2024-05-01", title="Japan bought yen", category="fx",
                   importance=1, series=["usdjpy"]),
    ]  # fmt: skip


CURATED = ("kato-card", "yen-check", "old-tariff")


def ids(events) -> list[str]:
    return [e.id for e in events]


# -- search -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("kato", ["kato-card"]),
        ("KATO card", ["kato-card"]),  # every word, any case
        ("カード", ["kato-card"]),  # the Japanese original, as written
        ("カードとしては", ["kato-card"]),
        ("kanda", ["yen-check"]),  # actors
        ("section 232", ["old-tariff"]),  # summary
        ("finance minister", ["kato-card"]),  # the quote's speaker
        ("kato steel", []),
        ("", ["kato-card", "yen-check", "old-tariff"]),
    ],
)
def test_search_looks_in_titles_summaries_actors_and_both_languages_of_quotes(log, q, found):
    view = LogView(q=q)
    assert ids(filter_events(pool(log, CURATED, False), view)) == found
    assert [e.id for e in log[:3] if matches(e, q)] == found


def test_markup_in_the_search_is_searched_for_as_text_not_run(log):
    assert ids(filter_events(log, LogView(q="=SUM(A1)"))) == ["old-tariff"]
    assert filter_events(log, LogView(q="**kato** <b>x</b>")) == []


def test_filters_combine_and_a_period_running_on_the_start_day_is_kept(log):
    assert ids(filter_events(log, LogView(categories=("fx",)))) == ["mof-intervention-2024-05-01", "yen-check"]
    assert ids(filter_events(log, LogView(importance=3))) == ["kato-card"]
    assert ids(filter_events(log, LogView(statuses=("confirmed-weak",)))) == ["yen-check"]
    assert ids(filter_events(log, LogView(series="ust10y"))) == ["kato-card"]
    since = LogView(start=dt.date(2024, 4, 30), end=dt.date(2024, 12, 31))
    assert ids(filter_events(log, since)) == ["mof-intervention-2024-05-01", "yen-check"]


def test_sort_newest_or_oldest_first(log):
    assert ids(filter_events(log, LogView()))[0] == "kato-card"
    assert ids(filter_events(log, LogView(sort="oldest")))[0] == "old-tariff"


def test_the_generated_days_are_left_out_unless_asked_for_and_counted_in_words(log):
    curated = pool(log, CURATED, generated=False)
    assert len(curated) == 3 and len(pool(log, CURATED, generated=True)) == 4
    line = words.count_line(1, 3, LogView(q="Kato"), hidden_generated=1)
    assert line.startswith("1 of 3 events matches “Kato”.")
    assert "1 intervention-day event generated from the ministry's record is left out" in line
    assert words.count_line(2, 3, LogView(categories=("fx",)), 0) == "2 of 3 events shown (Currency)."


def test_topic_links_follow_the_category(log):
    assert topic_link(log[0]) == "./holdings?event=kato-card"
    assert topic_link(log[1]) == "./yen?event=yen-check"
    assert topic_link(log[2]) == "./yield_curve?event=old-tariff"
    assert topic_link(make_event(category="politics")) is None
    table = words.table_rows(log[:2])
    assert list(table["Timeline"]) == ["./?event=kato-card", "./?event=yen-check"]
    assert list(table["Sourcing"]) == ["● Confirmed", "○ Thinly sourced"]


# -- URL <-> view ---------------------------------------------------------------------------------
def test_a_full_view_round_trips():
    view = LogView(
        q="米国債 card", categories=("tariff", "fx"), importance=2, statuses=("confirmed-weak",),
        start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30), series="usdjpy", generated=True, sort="oldest",
        event="kato-card",
    )  # fmt: skip
    params = to_params(view)
    assert parse_log_view(params, ["kato-card"]) == view
    assert not parse_log_view(params, ["kato-card"]).notices
    assert to_params(LogView()) == {}


@pytest.mark.parametrize(
    ("params", "notice"),
    [
        ({"imp": "9"}, "Ignored importance '9'"),
        ({"imp": "nan"}, "Ignored importance"),
        ({"start": "<script>"}, "not a date"),
        ({"end": "0001-01-01"}, "events are dated"),
        ({"start": "2025-06-01", "end": "2025-01-01"}, "start is after end"),
        ({"cat": "tariff,<b>x</b>"}, "unknown categories"),
        ({"status": "rumour"}, "unknown statuses"),
        ({"series": "[x](javascript:alert(1))"}, "unknown series"),
        ({"gen": "yes"}, "gen=1"),
        ({"sort": "random"}, "newest or oldest"),
        ({"id": "no-such-event"}, "No event with id"),
        ({"evil": "1"}, "unknown URL parameter"),
        ({"q": "x" * 300}, "cut to 200"),
        ({"q": "x" * 600}, "too long"),
    ],
)
def test_bad_values_become_notices_not_exceptions(params, notice):
    view = parse_log_view(params, ["kato-card"])
    assert any(notice in n for n in view.notices), view.notices
    assert len(view.q) <= MAX_QUERY_CHARS


@pytest.mark.parametrize(
    "q", ["**bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)>", "$x$ `code` # heading", "カード\x00\n\t"]
)
def test_hostile_search_text_is_kept_as_text_on_one_line_and_round_trips(q):
    view = parse_log_view({"q": q})
    assert not view.notices
    assert "\n" not in view.q and "\x00" not in view.q
    assert parse_log_view(to_params(view)) == view
    assert view.q in words.count_line(0, 3, view, 0)  # the UI escapes it (md_escape) when it shows it


def test_every_category_or_status_is_the_same_as_none():
    assert parse_log_view({"cat": ",".join(CATEGORIES), "status": ",".join(STATUSES)}) == LogView()


# -- downloads ------------------------------------------------------------------------------------
def test_csv_is_formula_safe_and_json_keeps_lists_and_japanese(log):
    events = filter_events(log, LogView())
    table = pd.read_csv(io.BytesIO(csv_bytes(export_table(events), float_format=None)), dtype=str)
    assert list(table.columns) == list(export_record(log[0]))
    summary = table.set_index("id").loc["old-tariff", "summary"]
    assert summary.startswith("Section 232")  # the formula sits inside the text: no leading =
    risky = make_event(title='=HYPERLINK("x")', summary="+1 said the minister, and more.")
    out = csv_bytes(export_table([risky]), float_format=None).decode()
    assert "'=HYPERLINK" in out and "'+1 said" in out
    records = json.loads(export_json(events))
    kato = next(r for r in records if r["id"] == "kato-card")
    assert kato["quote_original"] == "カードとしてはあると思う。"
    assert "カード" in export_json(events).decode()  # written as is, not \\u escapes
    assert kato["series"] == ["ust10y", "usdjpy"] and isinstance(kato["sources"], list)
    assert set(kato["sources"][0]) == {"publisher", "title", "url", "kind", "published"}
    assert set(records[0]) == set(table.columns)


def test_an_empty_log_downloads_headers_and_an_empty_list():
    assert csv_bytes(export_table([])).decode().startswith("id,date,end,title")
    assert json.loads(export_json([])) == []


def test_download_names_say_when_the_log_is_narrowed():
    assert words.download_name(LogView(), "csv") == "usjp-events.csv"
    assert words.download_name(LogView(q="kato", generated=True), "json") == "usjp-events-filtered-all.json"
