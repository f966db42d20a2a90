"""Builders for the analysis tests: small synthetic series and events, made in code."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from usjp.events import Event


def make_event(
    ident: str,
    date: str,
    *,
    time: str | None = None,
    tz: str | None = None,
    after_us_close: bool | None = None,
    category: str = "tariff",
    series: tuple[str, ...] = ("ust10y",),
) -> Event:
    """A valid event with only the fields the statistics look at set on purpose."""
    return Event.model_validate(
        {
            "id": ident,
            "date": date,
            "time": time,
            "tz": tz if time else None,
            "after_us_close": after_us_close,
            "title": f"Test event {ident}",
            "summary": "A synthetic event for the statistics tests.",
            "category": category,
            "importance": 2,
            "series": list(series),
            "status": "confirmed",
            "sources": [{"publisher": "Test", "title": "Test source", "url": "https://example.org/x"}],
        }
    )


def business_series(values: list[float] | np.ndarray, end: str = "2025-04-30", drop: tuple[str, ...] = ()) -> pd.Series:
    """Values on consecutive business days ending at `end` (dates in `drop` left out, like holidays)."""
    values = np.asarray(values, dtype=float)
    days = pd.bdate_range(end=end, periods=len(values) + len(drop))
    days = days[~days.isin(pd.to_datetime(list(drop)))]
    return pd.Series(values, index=pd.DatetimeIndex(days[-len(values) :], name="date"))


def alternating(n: int, low: float = 2.00, high: float = 2.01) -> list[float]:
    """low, high, low, ... : every one-step change is exactly +-(high - low)."""
    return [low if i % 2 == 0 else high for i in range(n)]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
