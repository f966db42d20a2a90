"""Event windows: which observation counts as t0, windows in observations relative to it, and the
change arithmetic (basis points for yields and spreads, percent otherwise). The method: docs/method.md."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

SIGMA_CHANGES = 250  # one-step changes ending at the baseline
PERCENTILE_OBS = 1260  # observations ending at the baseline (about five years of sessions)
MAX_WINDOW_OFFSET = 250
PATH_BEFORE, PATH_AFTER = 5, 10
ROUND = 9  # decimals kept in changes (bp or %)
PLACEBO_DRAWS, PLACEBO_SEED, PLACEBO_MARGIN = 1000, 0, 125


def locate_t0(values: pd.Series, market_date: dt.date) -> int | None:
    """Index of the first observation dated on or after `market_date` (None past the data's end)."""
    position = int(values.index.searchsorted(pd.Timestamp(market_date), side="left"))
    return position if position < len(values) else None


def change(start: float, end: float, change_unit: str) -> float:
    """Change from start to end: basis points for yields and spreads, percent otherwise."""
    # Rounded to 1e-9 so that equal moves compare equal: (4.21 - 4.20) and (2.01 - 2.00) differ in float noise.
    if change_unit == "bp":
        return round((end - start) * 100.0, ROUND)
    return round((end / start - 1.0) * 100.0, ROUND) if start else float(np.nan)


def moves(x: np.ndarray, steps: int, change_unit: str) -> np.ndarray:
    """All overlapping `steps`-step changes: element j is the change from x[j] to x[j+steps]."""
    if steps <= 0 or len(x) <= steps:
        return np.empty(0)
    start, end = x[:-steps], x[steps:]
    if change_unit == "bp":
        return np.round((end - start) * 100.0, ROUND)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.round((end / start - 1.0) * 100.0, ROUND)


def format_change(value: float | None, change_unit: str) -> str:
    """'+12 bp' or '-1.23%' (an en dash when there is no number)."""
    if value is None or not math.isfinite(value):
        return "–"
    return f"{value:+.0f} bp" if change_unit == "bp" else f"{value:+.2f}%"


@dataclass(frozen=True, order=True)
class Window:
    """Observations [start, end] relative to t0; the change runs from x[t0+start-1] to x[t0+end]."""

    start: int
    end: int

    @property
    def steps(self) -> int:
        return self.end - self.start + 1

    @property
    def key(self) -> str:
        return f"{self.start}:{self.end}"

    def label(self) -> str:
        """Observation offsets in words-light form: 't0 to t+5', 't-1 to t+10'."""

        def at(k: int) -> str:
            return "t0" if k == 0 else f"t{k:+d}"

        return at(self.start) if self.start == self.end else f"{at(self.start)} to {at(self.end)}"


DEFAULT_WINDOWS: tuple[Window, ...] = (Window(0, 1), Window(0, 5), Window(-1, 10))
HEADLINE_WINDOW = Window(0, 5)
# Any number of digits is read (so a huge offset is reported as too large, not as malformed); the text
# itself is capped first, so int() never sees thousands of digits.
_WINDOW = re.compile(r"^\s*(-?\d+)\s*:\s*(-?\d+)\s*$")
_WINDOW_MAX_CHARS = 40


def parse_window(text: str) -> Window:
    """'0:5' -> Window(0, 5); ValueError with a readable message otherwise."""
    match = _WINDOW.match(text) if len(text) <= _WINDOW_MAX_CHARS else None
    if not match:
        raise ValueError(f"window {text[:40]!r} is not of the form a:b (e.g. 0:5 or -1:10)")
    a, b = int(match.group(1)), int(match.group(2))
    if max(abs(a), abs(b)) > MAX_WINDOW_OFFSET:
        shown = f"{a}:{b}" if len(f"{a}:{b}") <= 24 else text.strip()[:21] + "..."
        raise ValueError(f"window {shown}: offsets are limited to ±{MAX_WINDOW_OFFSET} observations")
    if a > b:
        raise ValueError(f"window {a}:{b}: the start must not be after the end")
    return Window(a, b)


def parse_windows(text: str) -> tuple[Window, ...]:
    """'0:1,0:5,-1:10' -> windows in the given order, duplicates dropped."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("no window given (use e.g. 0:1,0:5,-1:10)")
    return tuple(dict.fromkeys(parse_window(p) for p in parts))
