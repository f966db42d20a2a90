"""The event log page's view and its pure work: query parameters <-> a typed `LogView`, the search, the
filters and the sort over the events, and the rows of the table and of its CSV and JSON downloads.

Like usjp/views/timeline.py, bad values never raise: they are dropped, the default is used, and a notice
says what was ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from usjp import catalog
from usjp.events import CATEGORIES, DATE_MAX, DATE_MIN, STATUSES, Event
from usjp.views.query import MAX_LIST_CHARS, QueryReader, short

MAX_QUERY_CHARS = 200  # the search box's limit: longer text in a link is cut, with a notice
SORTS = ("newest", "oldest")
GENERATED_ON = "1"
KNOWN = ("q", "cat", "imp", "status", "start", "end", "series", "gen", "sort", "id")
# The topic page that shows an event of each category beside its own chart (url_path, page title).
TOPIC_PAGES: dict[str, tuple[str, str]] = {
    "fx": ("yen", "The yen and intervention"),
    "monetary-policy": ("yen", "The yen and intervention"),
    "treasury-leverage": ("holdings", "The card: who holds Treasuries"),
    "data-release": ("holdings", "The card: who holds Treasuries"),
    "tariff": ("yield_curve", "Yield curve"),
}


@dataclass(frozen=True)
class LogView:
    q: str = ""  # the search text, as typed
    categories: tuple[str, ...] = ()  # () = every category
    importance: int = 1  # at least this (as on the timeline)
    statuses: tuple[str, ...] = ()  # () = every status
    start: dt.date | None = None
    end: dt.date | None = None
    series: str = ""  # "" = any series; else only events that list this catalog key
    generated: bool = False  # include the events generated from the intervention record
    sort: str = "newest"
    event: str = ""  # the event opened below the log (URL id=)
    notices: tuple[str, ...] = field(default=(), compare=False)


# -- URL <-> view ---------------------------------------------------------------------------------
def clean_query(raw: str, notices: list[str] | None = None) -> str:
    """Search text on one line (control characters and runs of spaces become one space), at most
    MAX_QUERY_CHARS characters. Markup is kept as typed: it is searched for, and escaped when shown."""
    text = " ".join("".join(" " if ch.isspace() or not ch.isprintable() else ch for ch in raw).split())
    if len(text) > MAX_QUERY_CHARS:
        if notices is not None:
            notices.append(f"The search text was cut to {MAX_QUERY_CHARS} characters.")
        text = text[:MAX_QUERY_CHARS].rstrip()
    return text


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def _slugs(query: QueryReader, key: str, allowed: Sequence[str], what: str) -> tuple[str, ...]:
    """Known slugs of a list parameter in their table order; all of them is the same as none (no filter)."""
    given = query.values(key, MAX_LIST_CHARS) or []
    bad = [v for v in given if v not in allowed]
    if bad:
        query.notices.append(f"Ignored unknown {what} {', '.join(repr(short(b)) for b in bad[:5])}.")
    good = tuple(v for v in allowed if v in given)
    return () if len(good) == len(allowed) else good


def parse_log_view(params: Mapping[str, str | Sequence[str]], event_ids: Iterable[str] = ()) -> LogView:
    """A `LogView` from query parameters; everything unusable becomes a default plus a notice."""
    query = QueryReader(params, known=KNOWN)
    notices, single = query.notices, query.single
    view = LogView()

    if (raw := single("q")) is not None:
        view = replace(view, q=clean_query(raw, notices))
    if "cat" in query:
        view = replace(view, categories=_slugs(query, "cat", CATEGORIES, "categories"))
    if "status" in query:
        view = replace(view, statuses=_slugs(query, "status", STATUSES, "statuses"))

    if (importance := query.importance()) is not None:
        view = replace(view, importance=importance)

    dates: dict[str, dt.date | None] = {}
    for key, what in (("start", "start"), ("end", "end")):
        raw = single(key)
        if raw is None:
            continue
        day = _date(raw)
        if day is None:
            notices.append(f"Ignored {what} date {short(raw)!r}: not a date (YYYY-MM-DD).")
        elif not DATE_MIN <= day <= DATE_MAX:
            notices.append(f"Ignored {what} date {day}: events are dated {DATE_MIN} to {DATE_MAX}.")
        else:
            dates[key] = day
    start, end = dates.get("start"), dates.get("end")
    if start and end and start > end:
        notices.append("Ignored the dates in the URL: start is after end.")
        start = end = None
    view = replace(view, start=start, end=end)

    if series := query.choice("series", catalog.CATALOG, "Ignored unknown series {value}."):
        view = replace(view, series=series)
    generated = query.choice("gen", ("0", GENERATED_ON), "Ignored gen={value}: use gen=1 to list intervention days.")
    if generated is not None:
        view = replace(view, generated=generated == GENERATED_ON)
    if sort := query.choice("sort", SORTS, "Ignored sort order {value}: use newest or oldest."):
        view = replace(view, sort=sort)
    if event := query.choice("id", set(event_ids), "No event with id {value}; none is opened."):
        view = replace(view, event=event)
    return replace(view, notices=tuple(notices))


def to_params(view: LogView) -> dict[str, str]:
    """Query parameters for a view; defaults are left out so links stay short."""
    params: dict[str, str] = {}
    if view.q:
        params["q"] = view.q
    if view.categories:
        params["cat"] = ",".join(view.categories)
    if view.importance != 1:
        params["imp"] = str(view.importance)
    if view.statuses:
        params["status"] = ",".join(view.statuses)
    if view.start:
        params["start"] = view.start.isoformat()
    if view.end:
        params["end"] = view.end.isoformat()
    if view.series:
        params["series"] = view.series
    if view.generated:
        params["gen"] = GENERATED_ON
    if view.sort != "newest":
        params["sort"] = view.sort
    if view.event:
        params["id"] = view.event
    return params


# -- search, filters, sort ------------------------------------------------------------------------
def search_text(event: Event) -> str:
    """Everything the search looks in, case-folded: title, label, summary, actors, quote (English, original
    and speaker) and the sources' publishers and headlines. Japanese has no case; it is matched as written."""
    parts = [event.title, event.label, event.summary, *event.actors, event.id]
    if event.quote:
        parts += [event.quote.text, event.quote.speaker, event.quote.original or ""]
    for source in event.sources:
        parts += [source.publisher, source.name]
    return "\n".join(parts).casefold()


def terms(q: str) -> list[str]:
    """The words of a search: each must appear (a Japanese phrase, written without spaces, is one word)."""
    return clean_query(q).casefold().split()


def matches(event: Event, q: str) -> bool:
    """Every word of the search `q` appears in the event's text (any case)."""
    return _has_all(search_text(event), terms(q))


def _has_all(text: str, words: list[str]) -> bool:
    return all(word in text for word in words)


def pool(events: Sequence[Event], curated_ids: Iterable[str], generated: bool) -> list[Event]:
    """The events the log lists: the curated ones, plus the generated intervention days when asked."""
    if generated:
        return list(events)
    curated = set(curated_ids)
    return [e for e in events if e.id in curated]


def filter_events(events: Iterable[Event], view: LogView) -> list[Event]:
    """The events that match the view's search and filters, sorted newest or oldest first."""
    needed = terms(view.q)
    shown = []
    for e in events:
        if view.categories and e.category not in view.categories:
            continue
        if e.importance < view.importance or (view.statuses and e.status not in view.statuses):
            continue
        if view.start and (e.end or e.date) < view.start:  # a period still running on `start` is kept
            continue
        if view.end and e.date > view.end:
            continue
        if view.series and view.series not in e.series:
            continue
        if needed and not _has_all(search_text(e), needed):
            continue
        shown.append(e)
    return sorted(shown, key=lambda e: (e.date, e.id), reverse=view.sort == "newest")


# -- rows -----------------------------------------------------------------------------------------
def timeline_link(event: Event) -> str:
    """The event opened on the timeline (a relative link from /events)."""
    return f"./?event={event.id}"


def topic_link(event: Event) -> str | None:
    """The event opened on its category's topic page, when it has one."""
    page = TOPIC_PAGES.get(event.category)
    return f"./{page[0]}?event={event.id}" if page else None


EXPORT_FIELDS = (
    "id", "date", "end", "title", "label", "category", "importance", "status", "summary", "actors", "series",
    "quote", "quote_speaker", "quote_language", "quote_original", "timing_note", "sources",
)  # fmt: skip


def export_record(event: Event) -> dict[str, object]:
    """One event for the downloads: the same fields in the CSV and the JSON; in JSON, lists stay lists."""
    quote = event.quote
    return {
        "id": event.id,
        "date": event.date.isoformat(),
        "end": event.end.isoformat() if event.end else None,
        "title": event.title,
        "label": event.label,
        "category": event.category,
        "importance": event.importance,
        "status": event.status,
        "summary": event.summary,
        "actors": list(event.actors),
        "series": list(event.series),
        "quote": quote.text if quote else None,
        "quote_speaker": quote.speaker if quote else None,
        "quote_language": quote.language if quote else None,
        "quote_original": quote.original if quote else None,
        "timing_note": event.timing_note,
        "sources": [
            {"publisher": s.publisher, "title": s.name, "url": s.url, "kind": s.kind, "published": s.published}
            for s in event.sources
        ],
    }


def export_table(events: Sequence[Event]) -> pd.DataFrame:
    """The downloads' rows as a table for CSV: lists joined by ' | ', each source as 'publisher: title <url>'."""
    rows = []
    for event in events:
        record = export_record(event)
        flat = dict(record)
        flat["actors"] = " | ".join(record["actors"])  # type: ignore[arg-type]
        flat["series"] = " | ".join(record["series"])  # type: ignore[arg-type]
        flat["sources"] = " | ".join(f"{s.publisher}: {s.name} <{s.url}>" for s in event.sources)
        rows.append(flat)
    return pd.DataFrame(rows, columns=list(EXPORT_FIELDS))


def export_json(events: Sequence[Event]) -> bytes:
    """The downloads' rows as a UTF-8 JSON list (Japanese written as is, not escaped)."""
    return json.dumps([export_record(e) for e in events], ensure_ascii=False, indent=1).encode()
