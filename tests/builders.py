"""Test data made in code: one valid event (as a dict for events.yaml, or as an `Event`), small
synthetic series, and a stored series cut short.

Every test that needs an event starts from the same valid one and overrides only the fields it is
about, so a new rule in the validator changes one place here, not a copy in each test file.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import numpy as np
import pandas as pd

from usjp import analysis
from usjp.data import store
from usjp.events import Event

# The one valid event every builder starts from.
VALID_EVENT: dict[str, Any] = {
    "id": "sample-event",
    "date": "2025-04-02",
    "title": "A sample event",
    "label": "Sample event",
    "summary": "Something happened that markets noticed.",
    "category": "tariff",
    "importance": 2,
    "series": ["ust10y"],
    "status": "confirmed",
    "sources": [{"publisher": "Pub", "title": "T", "url": "https://example.org/a", "published": "2025-04"}],
}


def event_fields(**overrides: Any) -> dict[str, Any]:
    """The fields of a valid event as events.yaml holds them, with `overrides` on top; an override of
    None leaves the field out (as if the file did not have it)."""
    fields = {**VALID_EVENT, **overrides}
    return {name: value for name, value in fields.items() if value is not None}


def make_event(**overrides: Any) -> Event:
    """A valid `Event`: `event_fields(**overrides)` through the model's validation."""
    return Event.model_validate(event_fields(**overrides))


# -- series -----------------------------------------------------------------------------------------


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


def shorten_history_before(key: str, day: dt.date | str, sessions: int = analysis.PERCENTILE_OBS // 2) -> pd.Series:
    """Cut the snapshot's `key` to `sessions` observations before `day` (and all after it), too few for
    the five-year percentile whatever the bundled data holds. Only on a copy: use with `data_dir`."""
    assert os.environ.get("USJP_DATA_DIR"), "shorten_history_before writes the snapshot: use the data_dir fixture"
    snapshot = store.snapshot()
    values = snapshot.read(key).values
    before = values.index[values.index < pd.Timestamp(day)]
    assert len(before) > sessions, f"{key} has only {len(before)} observations before {day}"
    short = values[values.index >= before[-sessions]]
    with snapshot.locked():
        snapshot.write({key: (short, snapshot.manifest()["series"][key])})
    return short
