"""Event-window arithmetic on daily series (definition in shared/DESIGN.md, "Event-window statistics")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd


def locate_t0(values: pd.Series, market_date: dt.date) -> int | None:
    """Index of the first observation dated on or after `market_date` (None past the data's end)."""
    position = int(values.index.searchsorted(pd.Timestamp(market_date), side="left"))
    return position if position < len(values) else None


@dataclass(frozen=True)
class Level:
    offset: int  # observations relative to t0; -1 is the baseline
    date: dt.date
    value: float


def levels_around(values: pd.Series, market_date: dt.date, offsets: tuple[int, ...] = (-1, 0, 1, 5)) -> list[Level]:
    """The series' level at the given observation offsets from t0 (those that exist)."""
    t0 = locate_t0(values, market_date)
    if t0 is None:
        t0 = len(values)  # the event is after the data: only the baseline (last value) can be shown
    out = []
    for offset in offsets:
        i = t0 + offset
        if 0 <= i < len(values):
            out.append(Level(offset, values.index[i].date(), float(values.iloc[i])))
    return out


def change(start: float, end: float, change_unit: str) -> float:
    """Change from start to end: basis points for yields and spreads, percent otherwise."""
    if change_unit == "bp":
        return (end - start) * 100.0
    return (end / start - 1.0) * 100.0 if start else float(np.nan)
