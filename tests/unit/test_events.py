"""The event model and validator: one failing case per rule, the session rule, filters, the real file."""

import datetime as dt
import json
import subprocess
import sys

import pytest
import yaml

from tests.builders import event_fields, make_event
from usjp.data import events_file, store
from usjp.data.events_file import parse_events
from usjp.events import STATUS_TABLE, filter_events, status


def as_yaml(*entries: dict) -> str:
    return yaml.safe_dump(list(entries), sort_keys=False)


def problems_for(**changes) -> list[str]:
    return parse_events(as_yaml(event_fields(**changes)), "events.yaml")[1]


def test_good_event_passes():
    good, problems = parse_events(as_yaml(event_fields()))
    assert problems == [] and good[0].id == "sample-event"


@pytest.mark.parametrize(
    "changes,field,message",
    [
        ({"id": "Not A Slug"}, "id", "slug"),
        ({"date": "02/04/2025"}, "date", "ISO date"),
        ({"date": "2025-02-30"}, "date", "day value is outside expected range"),
        ({"title": "x" * 91}, "title", "90"),
        ({"category": "weather"}, "category", "should be 'tariff', 'negotiation'"),
        ({"importance": 4}, "importance", "less than or equal to 3"),
        ({"series": ["ust99y"]}, "series", "unknown series"),
        ({"status": "rumour"}, "status", "should be 'confirmed', 'confirmed-weak', 'reported' or 'disputed'"),
        ({"end": "2025-04-01"}, "end", "after date"),
        ({"time": "14:00"}, "tz", "required"),
        ({"time": "14:00", "tz": "Mars/Olympus"}, "tz", "unknown time zone"),
        ({"time": "25:00", "tz": "Asia/Tokyo"}, "time", "should match pattern"),
        ({"sources": [{"publisher": "P", "title": "T", "url": "javascript:alert(1)"}]}, "sources.0.url", "http"),
        ({"sources": [{"publisher": "P", "title": "T", "url": "ftp://x.org/a"}]}, "sources.0.url", "http"),
        ({"sources": [{"publisher": "P", "title": "T"}]}, "sources.0.url", "Field required"),
        ({"sources": [{"publisher": "P", "url": "https://x.org"}]}, "sources.0", "either title"),
        (
            {"sources": [{"publisher": "P", "title": "T", "description": "D", "url": "https://x.org"}]},
            "sources.0",
            "not both",
        ),
        ({"sources": [{"publisher": "P", "title": "T", "url": "https://x.org", "kind": "blog"}]}, "kind", "official"),
        ({"quote": {"text": "q", "language": "ja", "speaker": "S"}}, "quote", "translated_by: required"),
        (
            {"quote": {"text": "q", "language": "en", "speaker": "S", "original": "q", "translated_by": "ours"}},
            "quote",
            "only for a quote not spoken in English",
        ),
        (
            {"sources": [{"publisher": "P", "title": "T", "url": "https://x.org", "published": "May"}]},
            "published",
            "must be YYYY, YYYY-MM or YYYY-MM-DD",
        ),
        ({"colour": "red"}, "colour", "Extra"),
    ],
)
def test_each_rule_reports_file_line_id_field(changes, field, message):
    problems = problems_for(**changes)
    assert problems, changes
    first = problems[0]
    ident = changes.get("id", "sample-event")
    assert first.startswith(f"events.yaml:1 {ident} "), first
    assert field in first and message in first


def test_duplicate_ids_name_the_first_line():
    text = as_yaml(event_fields(), event_fields())
    problems = parse_events(text, "events.yaml")[1]
    second_line = [n for n, line in enumerate(text.splitlines(), 1) if line.startswith("- ")][1]
    assert problems == [f"events.yaml:{second_line} sample-event id: duplicate of the event on line 1"]


def test_session_rule_known_time():
    boj = make_event(date="2024-12-19", time="12:00", tz="Asia/Tokyo")
    # noon in Tokyo is 22:00 the evening before in New York: after the US close -> Dec 19 for yields
    assert boj.new_york_time().date() == dt.date(2024, 12, 18)
    assert boj.market_date(dt.time(16, 0)) == dt.date(2024, 12, 19)
    fomc = make_event(time="14:00", tz="America/New_York")
    assert fomc.market_date(dt.time(16, 0)) == dt.date(2025, 4, 2)  # before the close: same day
    assert fomc.market_date(dt.time(12, 0)) == dt.date(2025, 4, 3)  # after the noon FX fixing: next day


def test_session_rule_after_close_and_unknown_time():
    late = make_event(after_us_close=True)
    assert late.market_date(dt.time(16, 0)) == dt.date(2025, 4, 3)
    plain = make_event()
    assert plain.market_date(dt.time(16, 0)) == dt.date(2025, 4, 2)


def test_filters():
    a = make_event(id="a", importance=1)
    b = make_event(id="b", category="fx", importance=3)
    span = make_event(id="c", date="2025-01-01", end="2025-03-01")
    assert [e.id for e in filter_events([a, b], ["fx"])] == ["b"]
    assert [e.id for e in filter_events([a, b], min_importance=2)] == ["b"]
    assert [e.id for e in filter_events([span], start=dt.date(2025, 2, 1))] == ["c"]  # overlaps the window
    assert filter_events([a], end=dt.date(2025, 1, 1)) == []


def test_quote_in_japanese_keeps_both_wordings():
    event = make_event(
        quote={
            "text": "It exists as a card",
            "language": "ja",
            "original": "カードとしてはある",
            "translated_by": "ours",
            "speaker": "K",
        }
    )
    assert event.quote.original == "カードとしてはある" and event.quote.ours
    reuters = make_event(
        quote={"text": "It exists", "language": "ja", "original": "ある", "translated_by": "Reuters", "speaker": "K"}
    )
    assert not reuters.quote.ours


def test_source_name_is_the_headline_or_the_description():
    headline = make_event(sources=[{"publisher": "P", "title": "Real headline", "url": "https://x.org/a"}])
    described = make_event(sources=[{"publisher": "P", "description": "What it says", "url": "https://x.org/b"}])
    assert headline.sources[0].name == "Real headline" and described.sources[0].name == "What it says"


def test_every_status_but_confirmed_is_hollow_and_explained():
    for record in STATUS_TABLE:
        assert record.label and record.hollow == (record.slug != "confirmed")
        assert bool(record.sourcing) == record.hollow
    assert status("reported").label == "Reported"
    with pytest.raises(KeyError, match="known: confirmed"):
        status("rumour")


def test_real_timeline_is_valid_and_sourced():
    timeline = events_file.read_events()
    assert len(timeline) >= 75
    assert all(any(s.url for s in e.sources) for e in timeline)
    ids = {e.id for e in timeline}
    assert {"liberation-day-tariffs", "kato-treasuries-card", "reciprocal-tariff-pause"} <= ids
    card = next(e for e in timeline if e.id == "kato-treasuries-card")
    assert card.date == dt.date(2025, 5, 2) and card.quote and "card" in card.quote.text


def test_validate_cli_json_on_real_data():
    out = subprocess.run([sys.executable, "-m", "usjp", "validate", "--json"], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["events"] >= 75 and report["errors"] == []
    stored = store.snapshot().read("ust10y").values.index
    assert report["series"]["ust10y"]["first"] == f"{stored[0]:%Y-%m-%d}"


def test_validate_cli_fails_on_bad_event(data_dir):
    path = data_dir / "events.yaml"
    path.write_text(
        path.read_text()
        + "\n"
        + as_yaml(event_fields(sources=[{"publisher": "P", "title": "T", "url": "javascript:x"}]))
    )
    out = subprocess.run([sys.executable, "-m", "usjp", "validate"], capture_output=True, text=True)
    assert out.returncode == 1
    assert "data/events.yaml:" in out.stdout and "sample-event sources.0.url" in out.stdout


def test_yaml_syntax_error_names_the_line():
    text = "- id: a\n  title: ok\n- id: b\n  title: [unclosed\n"
    events, problems = parse_events(text)
    assert events == []
    assert len(problems) == 1 and problems[0].startswith("events.yaml:"), problems
    # The list opened on line 4 is never closed: the parser finds that out at the end of the text, on
    # line 5 (after the last newline), and reports where it found it.
    assert problems[0].startswith("events.yaml:5 - yaml: "), problems


def test_yaml_tags_that_build_python_objects_are_refused():
    _, problems = parse_events("- !!python/object/apply:os.system ['echo hi']\n")
    assert problems and "yaml" in problems[0], problems
