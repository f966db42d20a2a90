"""The Data and sources page states what the timeline holds, from the events file itself."""

from __future__ import annotations

from tests.app.support import open_page
from usjp.data.events_file import read_events


def test_sources_page_counts_events_and_sources_and_names_the_latest_date():
    events = read_events()
    at = open_page("sources")
    assert not at.exception, at.exception
    text = "\n".join(m.value for m in at.markdown).replace("\\", "")  # markdown escapes
    latest = max(e.date for e in events)
    assert f"{len(events)} curated events" in text
    assert f"latest event: {latest.day} {latest:%B %Y}" in text
    assert f"{sum(len(e.sources) for e in events):,} sources, every one with a link" in text
