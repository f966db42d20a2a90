"""The timeline's counts (events.tally) and the words the Data and sources page makes of them."""

import datetime as dt

from tests.builders import make_event
from usjp.events import tally
from usjp.figures.credits import timeline_facts


def _sources(*kinds, described=0):
    out = [{"publisher": "P", "title": f"T{i}", "url": f"https://x.org/{i}", "kind": k} for i, k in enumerate(kinds)]
    out += [{"publisher": "P", "description": "D", "url": f"https://x.org/d{i}"} for i in range(described)]
    return out


def test_tally_counts_by_status_category_and_kind():
    events = [
        make_event(id="a", date="2025-01-02", status="confirmed", sources=_sources("official", "news")),
        make_event(id="b", date="2026-03-04", status="reported", category="fx", sources=_sources("news", described=1)),
        make_event(
            id="c",
            date="2025-06-01",
            status="confirmed-weak",
            quote={"text": "E", "language": "ja", "original": "日", "translated_by": "ours", "speaker": "S"},
        ),
    ]
    t = tally(events)
    assert t.events == 3 and (t.first, t.latest) == (dt.date(2025, 1, 2), dt.date(2026, 3, 4))
    assert t.by_status == {"confirmed": 1, "confirmed-weak": 1, "reported": 1}
    assert t.by_category["fx"] == 1 and sum(t.by_category.values()) == 3
    assert t.sources == 5 and t.described_sources == 1  # the third has the builder's one source
    assert t.sources_by_kind == {"official": 1, "news": 2, "unclassified": 2}
    assert (t.quotes, t.quotes_with_original) == (1, 1)


def test_facts_name_counts_and_the_latest_date():
    events = [
        make_event(id="a", date="2025-01-02", sources=_sources("official")),
        make_event(id="b", date="2026-10-05", status="reported", sources=_sources("news", described=2)),
    ]
    lines = timeline_facts(tally(events), intervention_days=369, releases=96)
    text = "\n".join(lines)
    assert lines[0] == "2 curated events from 2 Jan 2025 to 5 Oct 2026 (latest event: 5 October 2026)."
    assert "1 confirmed, 1 reported" in text
    assert "4 sources, every one with a link: 1 official, 1 news, 2 unclassified" in text
    assert "2 sources without a known headline" in text
    assert "369 intervention days" in text and "96 scheduled releases" in text


def test_facts_for_an_unreadable_timeline():
    assert timeline_facts(tally([])) == ["No events could be read from data/events.yaml."]
