"""The event log page's words, as plain text from pure functions: its title and help texts, the count of
what matches, the sourcing marker in words, and the table's rows with their headings.

Nothing here escapes: the UI passes data-derived text through usjp/ui/markdown.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from usjp import catalog
from usjp.events import Event, category, status
from usjp.figures.timeline_words import FILLED, OPEN, plural
from usjp.views.event_log import TOPIC_PAGES, LogView, timeline_link, topic_link

PAGE_TITLE = "Event log"
PAGE_CAPTION = (
    "Every event of the timeline as a list you can search and filter: what happened, how well it is sourced "
    "and where to see it on a chart. Open one for its summary, quote, sources and what the markets did after."
)
SEARCH_LABEL = "Search"
SEARCH_HELP = (
    "Looks in titles, labels, summaries, people and institutions, quotes (English and the original Japanese) "
    "and the sources' headlines. Every word must appear; any case."
)
SEARCH_PLACEHOLDER = "Kato, Treasuries, 米国債 …"
FILTERS = "Filters and order"
CATEGORIES_LABEL = "Categories"
STATUS_LABEL = "Sourcing"
IMPORTANCE_LABEL = "Importance"
IMPORTANCE = {1: "All events", 2: "Notable and headline", 3: "Headline only"}
START_LABEL, END_LABEL = "From", "To"
SERIES_LABEL = "Series"
ANY_SERIES = "Any series"
SERIES_HELP = "Only events that name this series as one where they should show."
GENERATED_LABEL = "Include intervention days"
GENERATED_HELP = (
    "One currency event per day of Japan's intervention record, generated from the Ministry of Finance's "
    "table. The curated log leaves them out."
)
SORT_LABEL = "Order"
SORTS = {"newest": "Newest first", "oldest": "Oldest first"}
PICKER_LABEL = "Open an event"
PICKER_NONE = "Choose an event for its summary, quote, sources and statistics…"
NO_MATCH = "No event matches: clear the search or loosen the filters."
DOWNLOAD_CSV, DOWNLOAD_JSON = "Download CSV", "Download JSON"
TIMELINE_LINK = "On the timeline"
TABLE_HELP = "A link opens the event on the timeline or on its topic page (in a new tab)."


def count_line(shown: int, listed: int, view: LogView, hidden_generated: int) -> str:
    """'3 of 103 events match “Kato”.' plus, when the intervention days are left out, how many are."""
    what = "match" if shown != 1 else "matches"
    if view.q:
        line = f"{shown:,} of {plural(listed, 'event')} {what} “{view.q}”"
    else:
        line = f"{shown:,} of {plural(listed, 'event')} shown"
    if filters := filter_words(view):
        line += f" ({filters})"
    line += "."
    if hidden_generated:
        line += (
            f" {plural(hidden_generated, 'intervention-day event')} generated from the ministry's record "
            f"{'is' if hidden_generated == 1 else 'are'} left out; “{GENERATED_LABEL}” lists them."
        )
    return line


def filter_words(view: LogView) -> str:
    """The filters in force, in words: 'Tariffs, Currency; importance 2+; from 2025-01-01'."""
    parts = []
    if view.categories:
        parts.append(", ".join(category(c).label for c in view.categories))
    if view.importance > 1:
        parts.append(IMPORTANCE[view.importance].lower())
    if view.statuses:
        parts.append(", ".join(status(s).label.lower() for s in view.statuses))
    if view.start and view.end:
        parts.append(f"{view.start} to {view.end}")
    elif view.start:
        parts.append(f"from {view.start}")
    elif view.end:
        parts.append(f"until {view.end}")
    if view.series:
        parts.append(f"showing on {series_label(view.series)}")
    return "; ".join(parts)


def series_label(key: str) -> str:
    return catalog.get(key).label if key in catalog.CATALOG else key


def status_marker(event: Event) -> str:
    """'● Confirmed' or '○ Thinly sourced': the timeline's filled and open markers, in words."""
    record = status(event.status)
    return f"{OPEN if record.hollow else FILLED} {record.label}"


def topic_title(event: Event) -> str | None:
    page = TOPIC_PAGES.get(event.category)
    return page[1] if page else None


def picker_option(event: Event) -> str:
    """'02 May 2025 · Kato: Treasuries are a card (thinly sourced)'."""
    note = status(event.status)
    return f"{event.date:%d %b %Y} · {event.title}" + (f" ({note.label.lower()})" if note.hollow else "")


# The label (the chart's few words) last: the links must fit beside the title on a laptop.
TABLE_COLUMNS = ("Date", "Title", "Category", "Sourcing", "Sources", "Timeline", "Topic page", "Label")


def table_rows(events: Sequence[Event]) -> pd.DataFrame:
    """The log as the page shows it: one row per event, links relative to /events."""
    rows = [
        {
            "Date": e.date,
            "Title": e.title,
            "Category": category(e.category).label,
            "Sourcing": status_marker(e),
            "Sources": len(e.sources),
            "Timeline": timeline_link(e),
            "Topic page": topic_link(e),
            "Label": e.label,
        }
        for e in events
    ]
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def download_name(view: LogView, extension: str) -> str:
    """'usjp-events.csv', or 'usjp-events-filtered.csv' when a search or filter is in force."""
    narrowed = view.q or filter_words(view)
    return f"usjp-events{'-filtered' if narrowed else ''}{'-all' if view.generated else ''}.{extension}"
