"""The curated event timeline: the `Event` model, loading and validating `data/events.yaml`, filters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from usjp import catalog, store

# libyaml's safe loader when PyYAML was built with it (about 10x faster on the timeline file).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CATEGORIES: tuple[str, ...] = (
    "tariff",
    "negotiation",
    "treasury-leverage",
    "monetary-policy",
    "fx",
    "politics",
    "market-stress",
    "data-release",
)
CATEGORY_LABELS = {
    "tariff": "Tariffs",
    "negotiation": "Trade talks",
    "treasury-leverage": "Treasuries as leverage",
    "monetary-policy": "Central banks",
    "fx": "Currency",
    "politics": "Politics",
    "market-stress": "Market stress",
    "data-release": "Data releases",
}
STATUSES = ("confirmed", "reported", "disputed")
NEW_YORK = ZoneInfo("America/New_York")
US_CLOSE = dt.time(16, 0)
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_PUBLISHED = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def events_path() -> Path:
    return store.data_dir() / "events.yaml"


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", value, flags=re.IGNORECASE):
        raise ValueError("must be an http:// or https:// URL")
    return value


class Quote(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=600)
    language: str = Field(pattern=r"^[a-z]{2}(-[A-Za-z]{2,4})?$")
    translation: str | None = None
    speaker: str = Field(min_length=1)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    publisher: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str | None = None
    published: str | None = None

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
    tz: str | None = None
    after_us_close: bool | None = None
    end: dt.date | None = None
    title: str = Field(min_length=3, max_length=90)
    summary: str = Field(min_length=10, max_length=800)
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    importance: int = Field(ge=1, le=3)
    actors: tuple[str, ...] = ()
    series: tuple[str, ...] = Field(min_length=1)
    status: Literal[STATUSES]  # type: ignore[valid-type]
    quote: Quote | None = None
    timing_note: str | None = None
    sources: tuple[Source, ...] = Field(min_length=1)

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
            raise ValueError(f"unknown series key(s) {', '.join(unknown)}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        if self.end is not None and self.end <= self.date:
            raise ValueError("end: must be after date")
        if self.time is not None and self.tz is None:
            raise ValueError("tz: required when time is given")
        if self.time is not None and self.after_us_close is not None:
            raise ValueError("after_us_close: give either time+tz or after_us_close, not both")
        if not any(source.url for source in self.sources):
            raise ValueError("sources: at least one source needs a url")
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


class EventError(Exception):
    """Problems in the events file; `problems` holds one `file:line id field: message` per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _id_lines(text: str) -> list[int]:
    """The 1-based line of each top-level list item, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("- ")]


def parse_events(text: str, path: str | Path = "events.yaml") -> tuple[list[Event], list[str]]:
    """Parse and validate; return the good events and a list of problems (empty when all is well)."""
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (C or Python), never yaml.Loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return [], [f"{path}:{line} - yaml: {getattr(exc, 'problem', None) or exc}"]
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], [f"{path}:1 - file: expected a list of events"]
    lines = _id_lines(text)
    events: list[Event] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        line = lines[i] if i < len(lines) else 0
        ident = item.get("id", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        if not isinstance(item, dict):
            problems.append(f"{path}:{line} {ident} entry: expected a mapping of fields")
            continue
        try:
            event = Event.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "event"
                message = err["msg"].removeprefix("Value error, ")
                if ":" in message and not err["loc"]:
                    field, _, message = message.partition(": ")
                problems.append(f"{path}:{line} {ident} {field}: {message}")
            continue
        if event.id in seen:
            problems.append(f"{path}:{line} {event.id} id: duplicate of the event on line {seen[event.id]}")
            continue
        seen[event.id] = line
        events.append(event)
    events.sort(key=lambda e: (e.date, e.id))
    return events, problems


def load_events(path: Path | None = None) -> list[Event]:
    """All events from the events file, or EventError listing every problem."""
    path = path or events_path()
    events, problems = parse_events(path.read_text(encoding="utf-8"), path.name)
    if problems:
        raise EventError(problems)
    return events


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
