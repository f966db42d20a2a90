"""The event log page through AppTest (app.py, as a reader's browser would reach it): the default view,
a deep link to one event, and bad or hostile query values that must become notices, never exceptions."""

from __future__ import annotations

import datetime as dt
import re

from tests.app.support import open_page, query_dict, warning_texts, widget_values
from usjp.ui.keys import EVENT_LOG as KEYS

PAGE = "events"
KATO = "kato-treasuries-card"


def _unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def count_line(at) -> str:
    return next(_unescaped(m.value) for m in at.markdown if " of " in m.value and "events" in m.value)


def test_default_view_lists_the_curated_log_and_says_how_many_generated_days_are_left_out():
    at = open_page(PAGE)
    assert not at.exception, at.exception
    line = count_line(at)
    assert re.match(r"^(\d+) of \1 events shown\. \d+ intervention-day events generated", line), line
    assert len(at.dataframe) == 1 and len(at.get("download_button")) == 2
    assert at.selectbox(key=KEYS.event).value == ""
    assert not at.query_params


def test_a_deep_link_restores_the_controls_opens_the_event_and_round_trips():
    query = {"q": "Kato", "cat": "treasury-leverage", "imp": "2", "sort": "oldest", "id": KATO}
    at = open_page(PAGE, query)
    assert not at.exception, at.exception
    values = widget_values(at)
    assert values[KEYS.query] == "Kato" and values[KEYS.categories] == ["treasury-leverage"]
    assert values[KEYS.importance] == 2 and values[KEYS.sort] == "oldest" and values[KEYS.event] == KATO
    assert re.match(
        r"^\d+ of \d+ events match “Kato” \(Treasuries as leverage; notable and headline\)\.", count_line(at)
    )
    details = [_unescaped(m.value) for m in at.markdown]
    assert any("Kato" in m and m.startswith("## ") for m in details)  # the opened event's title
    assert any("カード" in m for m in details)  # its quote's Japanese original
    assert len(at.dataframe) >= 2 and "What happened after" in " ".join(details)  # the log, then its statistics
    assert dict(at.query_params) == query


SAMPLE = (
    "q=Kato&cat=treasury-leverage,fx&imp=2&status=confirmed&start=2025-01-01&end=2025-12-31&series=usdjpy"
    f"&gen=1&sort=oldest&id={KATO}"
)


def test_the_sample_link_for_the_registry_sets_every_control_without_a_notice():
    at = open_page(PAGE, query_dict(SAMPLE))
    assert not at.exception, at.exception
    assert not [w for w in warning_texts(at) if "Ignored" in w or "No event" in w], warning_texts(at)
    assert dict(at.query_params) == query_dict(SAMPLE)
    assert widget_values(at)[KEYS.start] == dt.date(2025, 1, 1) and widget_values(at)[KEYS.series] == "usdjpy"


def test_typing_a_search_writes_it_into_the_url():
    at = open_page(PAGE)
    at.text_input(key=KEYS.query).input("Akazawa").run()
    assert not at.exception, at.exception
    assert at.query_params["q"] == "Akazawa"
    assert "match “Akazawa”" in count_line(at)


def test_japanese_search_and_the_generated_days():
    at = open_page(PAGE, {"q": "米国債", "gen": "1"})
    assert not at.exception, at.exception
    assert re.match(r"^[1-9]\d* of \d+ events match(es)? “米国債”\.$", count_line(at))
    assert widget_values(at)[KEYS.generated] is True


def test_bad_and_hostile_values_become_notices_not_exceptions():
    hostile = "**x** [a](javascript:alert(1)) <img src=x onerror=alert(1)>"
    params = {
        "q": hostile,
        "cat": "nope",
        "imp": "9",
        "status": "<b>",
        "start": "zz",
        "end": "2025-13-40",
        "series": "nope",
        "gen": "2",
        "sort": "up",
        "id": "no-such-event",
        "bogus": "1",
    }
    at = open_page(PAGE, params)
    assert not at.exception, at.exception
    warnings = " ".join(warning_texts(at))
    for expected in ("categories", "importance", "statuses", "start date", "end date", "series", "gen=", "sort",
                     "No event with id", "unknown URL parameter"):  # fmt: skip
        assert expected in warnings, expected
    # The search is kept as typed and shown escaped: no link, no bold, no HTML reaches the page.
    assert widget_values(at)[KEYS.query] == hostile
    raw = next(m.value for m in at.markdown if "match" in m.value)
    assert r"\*\*x\*\* \[a\]\(javascript" in raw and r"\<img src\=x" in raw  # every trigger escaped
    assert "No event matches" in at.info[0].value
