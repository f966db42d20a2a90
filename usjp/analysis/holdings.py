"""Treasury holdings, computed (pure): Japan's share of foreign holdings, 12-month changes, and when each
month's TIC figure was first published (from the TIC release events, else an approximation)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from usjp.events import Event

# TIC data for month M are published mid-month in M+2; when no release event dates a month, the page
# plots it at this day of M+2 and says it is approximate.
APPROX_DAY = 18
LAG_MONTHS = 2
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# ids of the timeline's TIC release events name the data month: "tic-feb-2025-data", "tic-mar-2026-japan-drop".
_URL = re.compile(r"^https?://[^\s/]+\.\S+$", re.IGNORECASE)
_RELEASE_ID = re.compile(r"^tic-(?P<mon>[a-z]{3})-(?P<year>\d{4})(?:-|$)")


@dataclass(frozen=True)
class Publication:
    """When a month's TIC figure was first published: a release event's date, or the approximation."""

    month: dt.date  # first day of the data month
    published: dt.date
    event_id: str | None  # the release event that dates it; None when the date is approximate

    @property
    def approximate(self) -> bool:
        return self.event_id is None


def month_start(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def add_months(day: dt.date, n: int) -> dt.date:
    """The first day of the month `n` months after `day`'s month."""
    index = day.year * 12 + day.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of the month (TIC holdings are at the end of the month they are stamped with)."""
    return add_months(month, 1) - dt.timedelta(days=1)


def release_month(event: Event) -> dt.date | None:
    """The data month a TIC release event publishes (its id names it and it falls two months later);
    None for any other event or when the id and the date disagree."""
    if event.category != "data-release":
        return None
    match = _RELEASE_ID.match(event.id)
    if not match or match["mon"] not in MONTHS:
        return None
    month = dt.date(int(match["year"]), MONTHS.index(match["mon"]) + 1, 1)
    return month if add_months(month, LAG_MONTHS) == month_start(event.date) else None


def publications(months: Iterable[dt.date], events: Sequence[Event]) -> dict[dt.date, Publication]:
    """Data month -> when its figure was first published: the release event's date where the timeline has
    one for that month, else the APPROX_DAY of month M+2."""
    released = {}
    for event in sorted(events, key=lambda e: e.date):
        month = release_month(event)
        if month is not None and month not in released:
            released[month] = event
    out = {}
    for day in months:
        month = month_start(day)
        event = released.get(month)
        if event is not None:
            out[month] = Publication(month, event.date, event.id)
        else:
            out[month] = Publication(month, add_months(month, LAG_MONTHS).replace(day=APPROX_DAY), None)
    return out


def share(part: pd.Series, whole: pd.Series) -> pd.Series:
    """`part` as a percentage of `whole`, on the dates both have."""
    both = pd.concat([part, whole], axis=1, join="inner").dropna()
    return (both.iloc[:, 0] / both.iloc[:, 1] * 100).rename(None)


def change_12m(values: pd.Series) -> pd.Series:
    """The change from the same month a year earlier, on monthly data (dates stamped on the 1st); a month
    whose year-earlier value is missing gets none."""
    stamps = pd.DatetimeIndex(values.index)
    earlier = pd.Series(values.to_numpy(), index=stamps + pd.DateOffset(years=1))
    return (values - earlier.reindex(stamps).to_numpy()).dropna()


def latest_before(day: dt.date, published: dict[dt.date, Publication]) -> Publication | None:
    """The most recent data month whose figure was published before `day` (on the same day does not count:
    a release's time of day is not stored)."""
    known = [p for p in published.values() if p.published < day]
    return max(known, key=lambda p: p.month) if known else None


# -- stored vintages (data/tic_releases.yaml) -------------------------------------------------------
class TicVintage(BaseModel):
    """One month's figure as one TIC publication printed it (a release, or a revision of the history file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)
    series: str = Field(pattern=r"^tic_[a-z]+$")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="the data month, YYYY-MM")
    value: float = Field(gt=0, lt=100_000)  # billions of dollars
    published: dt.date  # the publication's date
    first_release: bool  # the month's first publication (not a later revision)
    document: str = Field(min_length=3, max_length=300)
    url: str = Field(max_length=2000)
    copy_url: str | None = Field(default=None, max_length=2000)  # where the stored copy of that vintage is
    # where no copy is stored: the id of the event (data/events.yaml) whose sources reported the figure on the
    # day it was published; tests check the event's date and summary against this entry
    reported_by: str | None = Field(default=None, pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=80)

    @field_validator("url", "copy_url")
    @classmethod
    def _http(cls, value: str | None) -> str | None:
        if value is not None and not _URL.match(value):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @model_validator(mode="after")
    def _evidence(self) -> TicVintage:
        if self.copy_url is None and self.reported_by is None:
            raise ValueError("needs copy_url (a stored copy) or reported_by (an event whose sources report it)")
        return self

    @property
    def data_month(self) -> dt.date:
        year, month = self.month.split("-")
        return dt.date(int(year), int(month), 1)
