"""The curated event timeline's nouns: the `Event` model, the `Category` records, filters.

Reading and validating data/events.yaml is usjp/data/events_file.py."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from usjp import catalog


@dataclass(frozen=True)
class Category:
    """One kind of event: everything the app shows about a category lives in this record."""

    slug: str  # as written in events.yaml and in URLs
    label: str  # lane label, legend, pills: "Tariffs"
    short: str  # lane label on a phone, where the plot is 390 px wide
    noun: str  # "15 tariff events"
    colour: str  # light theme; dark: usjp/figures/palette.py; colour-blind safe: tests/unit/test_palette.py
    symbol: str  # Plotly marker symbol, its own per category (with an "-open" variant): reads without colour


CATEGORY_TABLE: tuple[Category, ...] = (
    Category("tariff", "Tariffs", "Tariffs", "tariff", "#C23B0E", "square"),
    Category("negotiation", "Trade talks", "Trade talks", "trade-talk", "#065F45", "circle"),
    Category("treasury-leverage", "Treasuries as leverage", "Treasuries", "Treasuries-as-leverage", "#BB84A6", "star"),
    Category("monetary-policy", "Central banks", "Central banks", "central-bank", "#0373B4", "triangle-up"),
    Category("fx", "Currency", "Currency", "currency", "#DF7A05", "triangle-down"),
    Category("politics", "Politics", "Politics", "political", "#747474", "cross"),
    Category("market-stress", "Market stress", "Market stress", "market-stress", "#169CEB", "diamond"),
    Category("data-release", "Data releases", "Data releases", "data-release", "#9B966F", "x"),
)
CATEGORIES: tuple[str, ...] = tuple(c.slug for c in CATEGORY_TABLE)  # slugs, in lane order
_BY_SLUG = {c.slug: c for c in CATEGORY_TABLE}


def category(slug: str) -> Category:
    """The record for `slug`, or a KeyError that lists the known ones."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown event category {slug!r}; known: {', '.join(CATEGORIES)}") from None


@dataclass(frozen=True)
class Status:
    """How well an event is sourced: everything the app shows about a status lives in this record."""

    slug: str  # as written in events.yaml
    label: str  # "Confirmed", in legends and the details panel
    hollow: bool  # drawn as an open marker, so thinner sourcing is visible at a glance
    sourcing: str  # the line the details panel shows about the sourcing ("" for confirmed)


STATUS_TABLE: tuple[Status, ...] = (
    Status("confirmed", "Confirmed", False, ""),
    Status(
        "confirmed-weak",
        "Thinly sourced",
        True,
        "Thinly sourced: backed by a single source or by aggregators only, or the date is inferred; "
        "the timing note says which.",
    ),
    Status(
        "reported",
        "Reported",
        True,
        "Reported only: the publisher's own text was not found; the sources are digests or secondary "
        "reports. Treat the details as unverified.",
    ),
    Status(
        "disputed",
        "Disputed",
        True,
        "Disputed: the sources disagree on what happened; the summary says how.",
    ),
)
STATUSES: tuple[str, ...] = tuple(s.slug for s in STATUS_TABLE)
_STATUS_BY_SLUG = {s.slug: s for s in STATUS_TABLE}


def status(slug: str) -> Status:
    """The record for `slug`, or a KeyError that lists the known ones."""
    try:
        return _STATUS_BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown event status {slug!r}; known: {', '.join(STATUSES)}") from None


SOURCE_KINDS = ("official", "news", "analysis", "aggregator")
NEW_YORK = ZoneInfo("America/New_York")
US_CLOSE = dt.time(16, 0)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

# The dates an event may have (`date` and `end`). Far inside the calendar's ends, so no time-zone
# conversion or next-day shift in `new_york_time` / `market_date` can leave year 1..9999 (an event on
# 9999-12-31 after the close would otherwise raise OverflowError on every page that shows it); wide
# enough for any history a US-Japan timeline could need. Documented in data/README.md.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

# Bounds on the fields the schema would otherwise leave unbounded (title, summary, quote text and id
# have their own), so that no single entry can make a page or `validate` slow or huge. Generous: the
# longest in the file is well under half of each. Documented in data/README.md.
MAX_LABEL_CHARS = 32  # an event's label on the chart: a few words, so several fit side by side
MAX_ACTORS = 20  # entries in `actors`
MAX_ACTOR_CHARS = 100  # characters in one actor
MAX_SERIES = 20  # entries in `series` (catalog keys, so a real list is at most the catalog)
MAX_SERIES_KEY_CHARS = 40  # characters in one `series` key (an unknown key is echoed in the message)
MAX_SOURCES = 20  # entries in `sources`
MAX_TIMING_NOTE_CHARS = 600
MAX_TZ_CHARS = 64  # an IANA name is at most ~30
MAX_PUBLISHER_CHARS = 120  # a source's publisher
MAX_SOURCE_TITLE_CHARS = 300  # a source's title
MAX_URL_CHARS = 2000  # a source's url
MAX_SPEAKER_CHARS = 120  # a quote's speaker
MAX_QUOTE_CHARS = 600  # a quote's original words
MAX_TRANSLATION_CHARS = 1200  # a quote's English text (a translation can run longer than the original)
MAX_DESCRIPTION_CHARS = 300  # a source's description (when its headline is not known)

_Actor = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ACTOR_CHARS)]
_SeriesKey = Annotated[str, StringConstraints(max_length=MAX_SERIES_KEY_CHARS)]


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value, flags=re.IGNORECASE):
        raise ValueError("must be an http:// or https:// URL")
    return value


class Quote(BaseModel):
    """What someone said: `text` is the English shown everywhere; `original` the exact words when they
    were not English, in `language`; `translated_by` who made the English ("ours" or the publisher)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=MAX_TRANSLATION_CHARS)
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    original: str | None = Field(default=None, min_length=1, max_length=MAX_QUOTE_CHARS)
    translated_by: str | None = Field(default=None, min_length=1, max_length=MAX_PUBLISHER_CHARS)
    speaker: str = Field(min_length=1, max_length=MAX_SPEAKER_CHARS)

    @model_validator(mode="after")
    def _languages(self) -> Quote:
        if self.language == "en":
            if self.original is not None or self.translated_by is not None:
                raise ValueError("original, translated_by: only for a quote not spoken in English (language en)")
        elif self.translated_by is None:
            raise ValueError("translated_by: required when language is not en (ours, or the publisher)")
        return self

    @property
    def ours(self) -> bool:
        """The English is our own translation."""
        return self.translated_by == "ours"


class Source(BaseModel):
    """Where a fact comes from: `title` is the headline as published; a source whose headline is not
    known has a `description` in our words instead (validate warns on it)."""

    model_config = ConfigDict(extra="forbid")
    publisher: str = Field(min_length=1, max_length=MAX_PUBLISHER_CHARS)
    title: str | None = Field(default=None, min_length=1, max_length=MAX_SOURCE_TITLE_CHARS)
    description: str | None = Field(default=None, min_length=1, max_length=MAX_DESCRIPTION_CHARS)
    url: str = Field(max_length=MAX_URL_CHARS)
    kind: Literal[SOURCE_KINDS] | None = None  # type: ignore[valid-type]
    published: str | None = None

    @model_validator(mode="after")
    def _named(self) -> Source:
        if (self.title is None) == (self.description is None):
            raise ValueError("give either title (the headline as published) or description, not both or neither")
        return self

    @property
    def name(self) -> str:
        """What a reader sees as the link text: the headline, or the description."""
        return self.title or self.description or ""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else _http_url(value)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: object) -> object:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str) and not _PUBLISHED.match(value):
            raise ValueError("must be YYYY, YYYY-MM or YYYY-MM-DD")
        return value


class Event(BaseModel):
    """One dated event on the timeline, in the project's own words, with its sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(max_length=60)
    date: dt.date
    time: str | None = Field(default=None, pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    tz: str | None = Field(default=None, max_length=MAX_TZ_CHARS)
    after_us_close: bool | None = None
    end: dt.date | None = None
    title: str = Field(min_length=3, max_length=90)
    label: str = Field(min_length=3, max_length=MAX_LABEL_CHARS)  # on the chart, beside its marker
    summary: str = Field(min_length=10, max_length=800)
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    importance: int = Field(ge=1, le=3)
    actors: tuple[_Actor, ...] = Field(default=(), max_length=MAX_ACTORS)
    series: tuple[_SeriesKey, ...] = Field(min_length=1, max_length=MAX_SERIES)
    status: Literal[STATUSES]  # type: ignore[valid-type]
    quote: Quote | None = None
    timing_note: str | None = Field(default=None, max_length=MAX_TIMING_NOTE_CHARS)
    sources: tuple[Source, ...] = Field(min_length=1, max_length=MAX_SOURCES)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be a lowercase slug (letters, digits, single hyphens)")
        return value

    @field_validator("date", "end", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("must be an ISO date YYYY-MM-DD")
        return value

    @field_validator("date", "end")
    @classmethod
    def _date_range(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise ValueError(f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}")
        return value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("series")
    @classmethod
    def _series(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [key for key in value if key not in catalog.CATALOG]
        if unknown:
            raise ValueError(f"unknown series key(s) {', '.join(k if k.isprintable() else repr(k) for k in unknown)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if self.end is not None and self.end <= self.date:
            raise ValueError("end: must be after date")
        if self.time is not None and self.tz is None:
            raise ValueError("tz: required when time is given")
        if self.time is not None and self.after_us_close is not None:
            raise ValueError("after_us_close: give either time+tz or after_us_close, not both")
        return self

    # -- timing ---------------------------------------------------------------------------
    def new_york_time(self) -> dt.datetime | None:
        """When the event happened, in New York time (None when only the date is known)."""
        if self.time is None or self.tz is None:
            return None
        hour, minute = map(int, self.time.split(":"))
        local = dt.datetime.combine(self.date, dt.time(hour, minute), tzinfo=ZoneInfo(self.tz))
        return local.astimezone(NEW_YORK)

    def market_date(self, observed_at_et: dt.time | None) -> dt.date:
        """The first calendar date on which a series observed at `observed_at_et` (New York) can show it.

        Known time: the New York date, moved one day on when the event came at or after the
        observation time. Unknown time: the event date, or the next day for after-close news.
        """
        ny = self.new_york_time()
        if ny is not None:
            if observed_at_et is not None and ny.time() >= observed_at_et:
                return ny.date() + dt.timedelta(days=1)
            return ny.date()
        if self.after_us_close and (observed_at_et is None or observed_at_et <= US_CLOSE):
            return self.date + dt.timedelta(days=1)
        return self.date


def filter_events(
    events: Iterable[Event],
    categories: Iterable[str] | None = None,
    min_importance: int = 1,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Event]:
    """Events in the given categories, at least this important, overlapping [start, end]."""
    wanted = set(categories) if categories is not None else set(CATEGORIES)
    return [
        e
        for e in events
        if e.category in wanted
        and e.importance >= min_importance
        and (start is None or (e.end or e.date) >= start)
        and (end is None or e.date <= end)
    ]


@dataclass(frozen=True)
class Tally:
    """What a timeline holds, counted: for the Data and sources page and `validate --json`."""

    events: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    sources: int
    sources_by_kind: dict[str, int]  # "unclassified" for a source without a kind
    described_sources: int  # sources with our description instead of their headline
    quotes: int
    quotes_with_original: int
    first: dt.date | None
    latest: dt.date | None


def tally(events: Iterable[Event]) -> Tally:
    """Counts by status, category and source kind, in the tables' order; dates of the first and latest event."""
    events = list(events)
    sources = [s for e in events for s in e.sources]
    kinds = (*SOURCE_KINDS, "unclassified")
    quotes = [e.quote for e in events if e.quote]
    return Tally(
        events=len(events),
        by_status={s: n for s in STATUSES if (n := sum(e.status == s for e in events))},
        by_category={c: n for c in CATEGORIES if (n := sum(e.category == c for e in events))},
        sources=len(sources),
        sources_by_kind={k: n for k in kinds if (n := sum((s.kind or "unclassified") == k for s in sources))},
        described_sources=sum(s.title is None for s in sources),
        quotes=len(quotes),
        quotes_with_original=sum(q.original is not None for q in quotes),
        first=min((e.date for e in events), default=None),
        latest=max((e.date for e in events), default=None),
    )
