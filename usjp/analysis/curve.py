"""The Treasury yield curve on a date, and an event's curve dates by the statistics' session rule. Pure pandas.

A curve is the five maturities' closes on one common date: a date on which every maturity has an
observation. A date without one uses the last common close on or before it. An event's dates follow
docs/method.md: t0 is the first close on or after the event's market date, the baseline is t0 - 1,
and t+k is t0 + k (where a window 0:k ends).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from usjp.analysis.windows import locate_t0
from usjp.catalog import get
from usjp.events import Event

# (catalog key, maturity in years, tick label), short end first.
MATURITIES: tuple[tuple[str, float, str], ...] = (
    ("ust3m", 0.25, "3M"),
    ("ust2y", 2.0, "2Y"),
    ("ust5y", 5.0, "5Y"),
    ("ust10y", 10.0, "10Y"),
    ("ust30y", 30.0, "30Y"),
)
CURVE_KEYS: tuple[str, ...] = tuple(k for k, _, _ in MATURITIES)
EVENT_OFFSETS: tuple[int, ...] = (-1, 1, 5)  # baseline, t+1, t+5


@dataclass(frozen=True)
class Curve:
    """The curve at one close: `yields` in percent, in MATURITIES order."""

    day: dt.date  # the close drawn
    asked: dt.date  # the date asked for (equal to `day` when it had a close)
    yields: tuple[float, ...]
    role: str = ""  # "baseline", "t+1", "t+5", "date", "latest", ... (for the words)
    event_id: str = ""


def common_closes(values: Mapping[str, pd.Series]) -> pd.DataFrame:
    """One row per date on which every maturity has a value; columns in MATURITIES order."""
    frame = pd.concat({k: values[k].dropna() for k in CURVE_KEYS}, axis=1, join="inner")
    return frame.sort_index()


def curve_on(closes: pd.DataFrame, day: dt.date, role: str = "date", event_id: str = "") -> Curve | None:
    """The curve at the last common close on or before `day` (None before the first)."""
    position = int(closes.index.searchsorted(pd.Timestamp(day), side="right")) - 1
    if position < 0:
        return None
    return _curve(closes, position, day, role, event_id)


def latest(closes: pd.DataFrame) -> Curve | None:
    """The curve at the last common close."""
    if closes.empty:
        return None
    last = closes.index[-1].date()
    return _curve(closes, len(closes) - 1, last, "latest", "")


def _curve(closes: pd.DataFrame, position: int, asked: dt.date, role: str, event_id: str) -> Curve:
    row = closes.iloc[position]
    return Curve(
        day=closes.index[position].date(),
        asked=asked,
        yields=tuple(float(row[k]) for k in CURVE_KEYS),
        role=role,
        event_id=event_id,
    )


def event_t0(closes: pd.DataFrame, event: Event) -> int | None:
    """Position of the event's t0 among the common closes (the Treasury close rule of the statistics)."""
    market = event.market_date(get(CURVE_KEYS[0]).observed_at_et)
    return locate_t0(closes.iloc[:, 0], market)


def event_curves(closes: pd.DataFrame, event: Event, offsets: tuple[int, ...] = EVENT_OFFSETS) -> list[Curve]:
    """The curve at t0 + k for each k of `offsets` that lies inside the data (-1 is the baseline)."""
    t0 = event_t0(closes, event)
    if t0 is None:
        return []
    out = []
    for k in offsets:
        position = t0 + k
        if 0 <= position < len(closes):
            role = "baseline" if k == -1 else ("t0" if k == 0 else f"t{k:+d}")
            out.append(_curve(closes, position, closes.index[position].date(), role, event.id))
    return out
