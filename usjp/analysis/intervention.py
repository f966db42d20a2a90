"""Japan's intervention record as the yen page reads it (pure pandas): the episodes' date ranges, the
operation days grouped into operations, the events that start them, and the monthly US–Japan 10-year gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from usjp.events import Event

EPISODE_YEARS: tuple[int, ...] = (1998, 2011, 2022, 2024, 2026)
# An episode's range: from this many days before the year's first operation to as many after its last.
EPISODE_PAD_DAYS = 60
# Operation days at most this many calendar days apart are one operation (a weekend and a holiday
# between two days of the same push); its path starts at its first day, so overlapping paths of the
# same push are not counted as separate evidence.
GROUP_GAP_DAYS = 7
# Sessions after an operation's first day that its path runs: about a month, to see whether it stuck.
PATH_AFTER = 20
ID_PREFIX = "mof-intervention-"  # the generated events' ids (usjp/data/interventions.py)
BUYING, SELLING = "yen_buying", "yen_selling"


@dataclass(frozen=True)
class Operation:
    """One or more operation days close together: first and last day, how many, net amount (¥100 million,
    + yen bought)."""

    first: dt.date
    last: dt.date
    days: int
    net: float

    @property
    def direction(self) -> str:
        return BUYING if self.net > 0 else SELLING


def operation_days(values: pd.Series, start: dt.date | None = None, end: dt.date | None = None) -> pd.Series:
    """The record's days with an operation (signed amounts, non-zero), between start and end inclusive."""
    days = values.sort_index()
    days = days[days.notna() & (days != 0)]
    if start is not None:
        days = days[days.index >= pd.Timestamp(start)]
    if end is not None:
        days = days[days.index <= pd.Timestamp(end)]
    return days


def episode_ranges(
    values: pd.Series,
    years: Sequence[int] = EPISODE_YEARS,
    pad_days: int = EPISODE_PAD_DAYS,
) -> dict[str, tuple[dt.date, dt.date]]:
    """Year (as text) -> the range around that year's operations in the record: first operation day minus
    `pad_days` to the last plus `pad_days`. A year without operations in the record has no entry."""
    out: dict[str, tuple[dt.date, dt.date]] = {}
    pad = dt.timedelta(days=pad_days)
    for year in years:
        days = operation_days(values, dt.date(year, 1, 1), dt.date(year, 12, 31))
        if len(days):
            out[str(year)] = (days.index[0].date() - pad, days.index[-1].date() + pad)
    return out


def group_operations(days: pd.Series, gap_days: int = GROUP_GAP_DAYS) -> list[Operation]:
    """Operation days (signed, sorted) grouped: a day within `gap_days` of the previous one in the same
    direction joins its operation."""
    ops: list[Operation] = []
    for stamp, amount in days.sort_index().items():
        day, value = stamp.date(), float(amount)
        prev = ops[-1] if ops else None
        if prev and (day - prev.last).days <= gap_days and (prev.net > 0) == (value > 0):
            ops[-1] = Operation(prev.first, day, prev.days + 1, prev.net + value)
        else:
            ops.append(Operation(day, day, 1, value))
    return ops


def main_direction(ops: Sequence[Operation]) -> str:
    """The direction of most operations (yen buying on a tie): the paths average one aim only."""
    buying = sum(1 for op in ops if op.direction == BUYING)
    return BUYING if buying >= len(ops) - buying else SELLING


def start_events(ops: Sequence[Operation], events: Sequence[Event]) -> list[Event]:
    """For each operation, the currency event of its first day: the generated one
    (`mof-intervention-YYYY-MM-DD`) or the curated currency event the record was merged into."""
    by_id = {e.id: e for e in events}
    fx_by_day: dict[dt.date, Event] = {}
    for event in events:
        if event.category == "fx":
            fx_by_day.setdefault(event.date, event)
    out = []
    for op in ops:
        event = by_id.get(f"{ID_PREFIX}{op.first:%Y-%m-%d}") or fx_by_day.get(op.first)
        if event is not None:
            out.append(event)
    return out


def monthly_gap(ust10y: pd.Series, jgb10y: pd.Series) -> pd.Series:
    """US 10-year minus Japan 10-year, percentage points, one value a month (month start): the daily US
    yield averaged over each month, the monthly Japanese yield as published; months with both only."""
    us = ust10y.dropna()
    us = us.groupby(us.index.to_period("M")).mean()
    jp = jgb10y.dropna()
    jp = jp.groupby(jp.index.to_period("M")).last()
    both = pd.concat([us.rename("us"), jp.rename("jp")], axis=1, join="inner").dropna()
    gap = (both["us"] - both["jp"]).rename("gap")
    gap.index = gap.index.to_timestamp(how="start")
    return gap
