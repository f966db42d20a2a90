"""Scheduled releases and meetings that move these markets: the `Release` model and `ReleaseKind` records.

They are confounders, not timeline events: a jobs report or a central-bank decision inside an event's
window moves the market too. Reading and validating data/calendar.yaml is usjp/data/calendar_file.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from usjp.events import DATE_MAX, DATE_MIN, MAX_TIMING_NOTE_CHARS, MAX_TZ_CHARS, NEW_YORK, Source

COUNTRY_TZ = {"US": "America/New_York", "JP": "Asia/Tokyo"}  # where each country's releases are timed


@dataclass(frozen=True)
class ReleaseKind:
    """One kind of scheduled release: everything the app shows about a kind lives in this record."""

    slug: str  # as written in calendar.yaml
    label: str  # "US employment report"
    short: str  # "US jobs", where space is short (a table cell, a legend)
    country: Literal["US", "JP"]

    @property
    def tz(self) -> str:
        """The time zone its releases are announced in (and timed by, in calendar.yaml)."""
        return COUNTRY_TZ[self.country]


RELEASE_KINDS: tuple[ReleaseKind, ...] = (
    ReleaseKind("us-employment", "US employment report", "US jobs", "US"),
    ReleaseKind("us-cpi", "US CPI", "US CPI", "US"),
    ReleaseKind("fomc", "FOMC decision", "FOMC", "US"),
    ReleaseKind("boj", "BoJ policy decision", "BoJ", "JP"),
)
RELEASE_KIND_SLUGS: tuple[str, ...] = tuple(k.slug for k in RELEASE_KINDS)
_BY_SLUG = {k.slug: k for k in RELEASE_KINDS}


def release_kind(slug: str) -> ReleaseKind:
    """The record for `slug`, or a KeyError that lists the known ones."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown release kind {slug!r}; known: {', '.join(RELEASE_KIND_SLUGS)}") from None


_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Release(BaseModel):
    """One scheduled release or decision, when it came out, in our words, with the source of its date."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(max_length=60)
    kind: Literal[RELEASE_KIND_SLUGS]  # type: ignore[valid-type]
    date: dt.date  # the local date where it was announced
    time: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")  # local time, 24-hour
    tz: str = Field(max_length=MAX_TZ_CHARS)
    approximate_time: bool = False  # `time` is a documented convention (see `note`), not the published minute
    title: str = Field(min_length=3, max_length=90)
    source: Source
    note: str | None = Field(default=None, min_length=1, max_length=MAX_TIMING_NOTE_CHARS)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError("must be a lowercase slug (letters, digits, single hyphens)")
        return value

    @field_validator("title", "note")
    @classmethod
    def _printable(cls, value: str | None) -> str | None:
        # Titles reach the terminal (`python -m usjp stats`) as they are: no escape sequences or line breaks.
        if value is not None and not value.isprintable():
            raise ValueError("must not contain control characters (line breaks, tabs, escapes)")
        return value

    @field_validator("date", mode="before")
    @classmethod
    def _iso_date(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError("must be an ISO date YYYY-MM-DD")
        return value

    @field_validator("date")
    @classmethod
    def _date_range(cls, value: dt.date) -> dt.date:
        if not DATE_MIN <= value <= DATE_MAX:
            raise ValueError(f"must be between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}")
        if value.weekday() >= 5:
            raise ValueError(f"falls on a {value:%A}; scheduled releases come out on working days")
        return value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _home_tz(self) -> Release:
        kind = release_kind(self.kind)
        if self.tz != kind.tz:
            raise ValueError(f"tz: a {kind.label} is timed in {kind.tz}, not {self.tz}")
        return self

    # -- timing ---------------------------------------------------------------------------
    def local_time(self) -> dt.datetime:
        """When it came out, in its own time zone."""
        hour, minute = map(int, self.time.split(":"))
        return dt.datetime.combine(self.date, dt.time(hour, minute), tzinfo=ZoneInfo(self.tz))

    def new_york_time(self) -> dt.datetime:
        """When it came out, in New York time."""
        return self.local_time().astimezone(NEW_YORK)

    def market_date(self, observed_at_et: dt.time | None) -> dt.date:
        """The first calendar date on which a series observed at `observed_at_et` (New York) can show it.

        The New York date, moved one day on when the release came at or after the observation time:
        the rule of `Event.market_date` for an event with a known time (a test checks they agree).
        """
        ny = self.new_york_time()
        if observed_at_et is not None and ny.time() >= observed_at_et:
            return ny.date() + dt.timedelta(days=1)
        return ny.date()
