"""Event-window statistics on market series (definition in shared/DESIGN.md, "Event-window statistics"),
the event scoreboard, aligned event paths and their placebo band. Pure pandas/numpy, no Streamlit.

Conventions used throughout:
- A series is its stored observations only (missing values dropped, never filled); positions are
  0-based indexes into those observations. `t0` is reported as a date plus that index.
- A window (a, b) is in observations relative to t0; its change runs from x[t0+a-1] to x[t0+b],
  so it spans b-a+1 one-step moves ("sessions").
- Every statistic that cannot be computed exactly as defined is None, with a reason in `reasons`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from usjp.catalog import SeriesSpec
from usjp.events import Event

SIGMA_CHANGES = 250  # one-step changes ending at the baseline
PERCENTILE_OBS = 1260  # observations ending at the baseline (about five years of sessions)
MAX_WINDOW_OFFSET = 250
PATH_BEFORE, PATH_AFTER = 5, 10
ROUND = 9  # decimals kept in changes (bp or %)
PLACEBO_DRAWS, PLACEBO_SEED, PLACEBO_MARGIN = 1000, 0, 125


# -- small helpers kept from the first timeline panel --------------------------------------------
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


# -- windows --------------------------------------------------------------------------------------
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
_WINDOW = re.compile(r"^\s*(-?\d{1,3})\s*:\s*(-?\d{1,3})\s*$")


def parse_window(text: str) -> Window:
    """'0:5' -> Window(0, 5); ValueError with a readable message otherwise."""
    match = _WINDOW.match(text)
    if not match:
        raise ValueError(f"window {text[:40]!r} is not of the form a:b (e.g. 0:5 or -1:10)")
    a, b = int(match.group(1)), int(match.group(2))
    if a > b:
        raise ValueError(f"window {a}:{b}: the start must not be after the end")
    if max(abs(a), abs(b)) > MAX_WINDOW_OFFSET:
        raise ValueError(f"window {a}:{b}: offsets are limited to ±{MAX_WINDOW_OFFSET} observations")
    return Window(a, b)


def parse_windows(text: str) -> tuple[Window, ...]:
    """'0:1,0:5,-1:10' -> windows in the given order, duplicates dropped."""
    parts = [p for p in text.split(",") if p.strip()]
    if not parts:
        raise ValueError("no window given (use e.g. 0:1,0:5,-1:10)")
    return tuple(dict.fromkeys(parse_window(p) for p in parts))


# -- results --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WindowStats:
    window: Window
    start_date: dt.date | None  # x[t0+a-1], where the change starts (the baseline when a = 0)
    start_value: float | None
    end_date: dt.date | None  # x[t0+b]
    end_value: float | None
    change: float | None
    z: float | None
    percentile: float | None
    confounders: tuple[str, ...] = ()
    reasons: Mapping[str, str] = field(default_factory=dict)  # statistic -> why it is None


@dataclass(frozen=True)
class PeriodValue:
    period: str  # "Mar 2025", "Q1 2025"
    date: dt.date  # the observation's own date (start of the period, as FRED dates it)
    value: float


@dataclass(frozen=True)
class PeriodChange:
    """Monthly/quarterly series: no session arithmetic, only the values either side of the event."""

    before: PeriodValue | None  # last period that ended before the market date
    after: PeriodValue | None  # first period that includes or follows the market date
    change: float | None
    reasons: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EventStats:
    event_id: str
    series: str
    frequency: str
    unit: str  # "bp" or "%"
    market_date: dt.date
    t0: dt.date | None
    t0_index: int | None
    baseline_date: dt.date | None
    baseline_value: float | None
    sigma: float | None
    estimation_obs: int  # one-step changes available for sigma (SIGMA_CHANGES when sigma is given)
    windows: tuple[WindowStats, ...]
    confounders: tuple[str, ...]  # union over the windows, in date order
    reasons: Mapping[str, str] = field(default_factory=dict)
    periods: PeriodChange | None = None  # set for monthly/quarterly series instead of windows

    def to_json(self) -> dict:
        """Plain JSON types: ISO dates, None for missing, floats rounded to 6 decimals."""

        def num(value: float | None) -> float | None:
            return None if value is None or not math.isfinite(value) else round(float(value), 6)

        def day(value: dt.date | None) -> str | None:
            return None if value is None else value.isoformat()

        out: dict = {
            "event_id": self.event_id,
            "series": self.series,
            "frequency": self.frequency,
            "market_date": day(self.market_date),
            "t0": day(self.t0),
            "t0_index": self.t0_index,
            "baseline_date": day(self.baseline_date),
            "baseline_value": num(self.baseline_value),
            "unit": self.unit,
            "sigma": num(self.sigma),
            "estimation_obs": self.estimation_obs,
            "windows": [
                {
                    "start": w.window.start,
                    "end": w.window.end,
                    "steps": w.window.steps,
                    "start_date": day(w.start_date),
                    "start_value": num(w.start_value),
                    "end_date": day(w.end_date),
                    "end_value": num(w.end_value),
                    "change": num(w.change),
                    "z": num(w.z),
                    "percentile": num(w.percentile),
                    "confounders": list(w.confounders),
                    "reasons": dict(w.reasons),
                }
                for w in self.windows
            ],
            "confounders": list(self.confounders),
            "reasons": dict(self.reasons),
        }
        if self.periods is not None:
            p = self.periods
            out["periods"] = {
                "before": None
                if p.before is None
                else {"period": p.before.period, "date": day(p.before.date), "value": num(p.before.value)},
                "after": None
                if p.after is None
                else {"period": p.after.period, "date": day(p.after.date), "value": num(p.after.value)},
                "change": num(p.change),
                "reasons": dict(p.reasons),
            }
        return out


# -- the computation ------------------------------------------------------------------------------
class PreparedSeries:
    """One series made ready for many events: clean arrays, one-step moves, every event's t0."""

    def __init__(self, spec: SeriesSpec, values: pd.Series, events: Iterable[Event] = ()) -> None:
        clean = values.dropna().sort_index()
        self.spec = spec
        self.values = clean
        self.x = clean.to_numpy(dtype=float)
        self.dates = clean.index
        self.one_step = moves(self.x, 1, spec.change_unit)
        self._moves: dict[int, np.ndarray] = {1: self.one_step}
        self.t0_of: dict[str, int | None] = {}
        self.market_of: dict[str, dt.date] = {}
        self.order: list[str] = []
        for event in sorted(events, key=lambda e: (e.date, e.id)):
            self._locate(event)

    def _locate(self, event: Event) -> int | None:
        if event.id not in self.market_of:
            market = event.market_date(self.spec.observed_at_et)
            self.market_of[event.id] = market
            self.t0_of[event.id] = locate_t0(self.values, market)
            self.order.append(event.id)
        return self.t0_of[event.id]

    def k_moves(self, steps: int) -> np.ndarray:
        if steps not in self._moves:
            self._moves[steps] = moves(self.x, steps, self.spec.change_unit)
        return self._moves[steps]

    def day(self, i: int) -> dt.date:
        return self.dates[i].date()

    def events_in(self, first: int, last: int, exclude: str) -> tuple[str, ...]:
        """Events (other than `exclude`) whose t0 lies in observations [first, last]."""
        return tuple(
            i for i in self.order if i != exclude and self.t0_of[i] is not None and first <= self.t0_of[i] <= last
        )


def _window_stats(p: PreparedSeries, event_id: str, t0: int, sigma: float | None, w: Window) -> WindowStats:
    n, reasons = len(p.x), {}
    s, e = t0 + w.start - 1, t0 + w.end
    start_ok, end_ok = 0 <= s < n, 0 <= e < n
    if not start_ok:
        reasons["change"] = f"the window starts before the first observation ({p.day(0):%Y-%m-%d})"
    elif not end_ok:
        reasons["change"] = f"the window ends after the last observation ({p.day(n - 1):%Y-%m-%d}); not complete yet"
    confounders = p.events_in(max(t0 + w.start, 0), min(e, n - 1), event_id)
    if not (start_ok and end_ok):
        reasons["z"] = reasons["percentile"] = "no change to compare"
        return WindowStats(
            w,
            p.day(s) if start_ok else None,
            float(p.x[s]) if start_ok else None,
            None,
            None,
            None,
            None,
            None,
            confounders,
            reasons,
        )
    moved = float(change(p.x[s], p.x[e], p.spec.change_unit))
    z = None
    if sigma is None:
        reasons["z"] = "sigma is not available (see the series' reasons)"
    elif sigma == 0:
        reasons["z"] = "sigma is zero: the series did not move in the estimation period"
    else:
        z = moved / (sigma * math.sqrt(w.steps))
    baseline, percentile = t0 - 1, None
    if baseline + 1 < PERCENTILE_OBS:
        reasons["percentile"] = (
            f"needs {PERCENTILE_OBS:,} observations up to the baseline; the series has {max(baseline + 1, 0):,}"
        )
    elif w.steps >= PERCENTILE_OBS:
        reasons["percentile"] = f"the window is too long for {PERCENTILE_OBS:,} observations"
    else:
        first = baseline - PERCENTILE_OBS + 1
        history = p.k_moves(w.steps)[first : baseline - w.steps + 1]
        percentile = 100.0 * float(np.mean(np.abs(history) < abs(moved)))
    return WindowStats(w, p.day(s), float(p.x[s]), p.day(e), float(p.x[e]), moved, z, percentile, confounders, reasons)


def _period_label(day: dt.date, frequency: str) -> str:
    if frequency == "quarterly":
        return f"Q{(day.month - 1) // 3 + 1} {day.year}"
    return f"{calendar.month_abbr[day.month]} {day.year}"


def _period_end(day: dt.date, frequency: str) -> dt.date:
    months = 3 if frequency == "quarterly" else 1
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, 1)  # first day after the period (FRED dates periods by their start)


def period_change(spec: SeriesSpec, values: pd.Series, event: Event) -> PeriodChange:
    """Last value for a period that ended before the event, first for a period that includes or follows it."""
    clean = values.dropna().sort_index()
    market = event.market_date(spec.observed_at_et)
    before = after = None
    for stamp, value in clean.items():
        day = stamp.date()
        if _period_end(day, spec.frequency) <= market:
            before = PeriodValue(_period_label(day, spec.frequency), day, float(value))
        elif after is None:
            after = PeriodValue(_period_label(day, spec.frequency), day, float(value))
            break
    reasons = {}
    if before is None:
        reasons["change"] = "no value for a period before the event"
    elif after is None:
        reasons["change"] = "no value yet for the period of the event"
    moved = None if reasons else float(change(before.value, after.value, spec.change_unit))
    return PeriodChange(before, after, moved, reasons)


def event_stats(
    event: Event,
    spec: SeriesSpec,
    values: pd.Series | PreparedSeries,
    windows: Sequence[Window] = DEFAULT_WINDOWS,
    events: Iterable[Event] = (),
) -> EventStats:
    """The statistics of one event on one series (see the module docstring for conventions).

    `events` are all events, for the confounders; pass a PreparedSeries to reuse work across events.
    """
    market = event.market_date(spec.observed_at_et)
    if not spec.daily:
        periods = period_change(spec, values.values if isinstance(values, PreparedSeries) else values, event)
        reasons = {"sigma": f"{spec.frequency} series: no session statistics, only the values either side"}
        return EventStats(
            event.id, spec.key, spec.frequency, spec.change_unit, market, None, None, None, None, None, 0, (), (),
            reasons, periods,
        )  # fmt: skip
    events = list(events)
    p = values if isinstance(values, PreparedSeries) else PreparedSeries(spec, values, events)
    for other in events:
        p._locate(other)
    t0 = p._locate(event)
    reasons: dict[str, str] = {}
    if t0 is None:
        last = f"{p.day(len(p.x) - 1):%Y-%m-%d}" if len(p.x) else "none"
        reasons["t0"] = f"the market date {market:%Y-%m-%d} is after the last observation ({last})"
    elif t0 == 0:
        reasons["baseline"] = f"no observation before the market date {market:%Y-%m-%d}"
    if reasons:
        empty = tuple(
            WindowStats(w, None, None, None, None, None, None, None, (), {"change": next(iter(reasons.values()))})
            for w in windows
        )
        t0_day = p.day(t0) if t0 is not None else None
        return EventStats(
            event.id, spec.key, spec.frequency, spec.change_unit, market, t0_day, t0, None, None, None, 0, empty, (),
            {**reasons, "sigma": "no baseline"},
        )  # fmt: skip
    baseline = t0 - 1
    available = min(baseline, SIGMA_CHANGES)
    sigma = None
    if baseline < SIGMA_CHANGES:
        reasons["sigma"] = f"needs {SIGMA_CHANGES} one-step changes ending at the baseline; only {baseline} available"
    else:
        sigma = float(np.std(p.one_step[baseline - SIGMA_CHANGES : baseline], ddof=1))
    stats = tuple(_window_stats(p, event.id, t0, sigma, w) for w in windows)
    union = {i for w in stats for i in w.confounders}
    return EventStats(
        event.id,
        spec.key,
        spec.frequency,
        spec.change_unit,
        market,
        p.day(t0),
        t0,
        p.day(baseline),
        float(p.x[baseline]),
        sigma,
        available,
        stats,
        tuple(i for i in p.order if i in union),
        reasons,
    )


# -- the scoreboard -------------------------------------------------------------------------------
SCOREBOARD_COLUMNS = (
    "event_id", "date", "title", "category", "importance", "series", "unit", "window", "steps",
    "market_date", "t0", "baseline_date", "baseline_value", "start_date", "start_value", "end_date", "end_value",
    "change", "sigma", "z", "abs_z", "percentile", "confounders", "note",
)  # fmt: skip


def compute_scoreboard(
    events: Sequence[Event],
    series: Sequence[tuple[SeriesSpec, pd.Series]],
    windows: Sequence[Window] = DEFAULT_WINDOWS,
) -> pd.DataFrame:
    """Every event x every daily series x every window, one row each (pure: time it, cache it).

    Numbers are NaN where a statistic cannot be computed; `note` then says why. Sorted by |z|,
    largest first, rows without z last.
    """
    rows = []
    for spec, values in series:
        if not spec.daily:
            continue
        prepared = PreparedSeries(spec, values, events)
        for event in events:
            result = event_stats(event, spec, prepared, windows, ())
            for w in result.windows:
                reasons = {**result.reasons, **w.reasons}
                rows.append(
                    (
                        event.id, event.date, event.title, event.category, event.importance, spec.key, spec.change_unit,
                        w.window.key, w.window.steps, result.market_date, result.t0, result.baseline_date,
                        result.baseline_value, w.start_date, w.start_value, w.end_date, w.end_value, w.change,
                        result.sigma, w.z, abs(w.z) if w.z is not None else None, w.percentile,
                        ", ".join(w.confounders), "; ".join(f"{k}: {v}" for k, v in reasons.items()),
                    )
                )  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(SCOREBOARD_COLUMNS))
    for column in ("baseline_value", "start_value", "end_value", "change", "sigma", "z", "abs_z", "percentile"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame = frame.sort_values(["abs_z", "date"], ascending=[False, False], na_position="last", kind="stable")
    return frame.reset_index(drop=True)


# -- aligned paths and the placebo band -----------------------------------------------------------
@dataclass(frozen=True)
class AlignedPaths:
    series: str
    unit: str
    offsets: tuple[int, ...]
    paths: pd.DataFrame  # index = offsets, one column per event id (NaN where the data ends)
    mean: pd.Series
    band_low: pd.Series | None  # placebo 5th percentile of the mean path, per offset
    band_high: pd.Series | None
    draws: int
    seed: int
    candidates: int  # non-event dates the placebo draws from
    period: tuple[dt.date, dt.date] | None
    skipped: tuple[str, ...]  # events without a full baseline in the data
    reasons: Mapping[str, str] = field(default_factory=dict)


def _path_matrix(p: PreparedSeries, t0s: np.ndarray, before: int, after: int) -> np.ndarray:
    """Rows: paths x[t0+k] rebased to 0 at x[t0-1], k = -before..after (NaN outside the data)."""
    offsets = np.arange(-before, after + 1)
    idx = t0s[:, None] + offsets[None, :]
    inside = (idx >= 0) & (idx < len(p.x))
    levels = np.where(inside, p.x[np.clip(idx, 0, len(p.x) - 1)], np.nan)
    base = p.x[t0s - 1][:, None]
    if p.spec.change_unit == "bp":
        return (levels - base) * 100.0
    return (levels / base - 1.0) * 100.0


def aligned_paths(
    spec: SeriesSpec,
    values: pd.Series,
    chosen: Sequence[Event],
    all_events: Sequence[Event],
    *,
    before: int = PATH_BEFORE,
    after: int = PATH_AFTER,
    draws: int = PLACEBO_DRAWS,
    seed: int = PLACEBO_SEED,
    margin: int = PLACEBO_MARGIN,
    low: float = 5.0,
    high: float = 95.0,
) -> AlignedPaths:
    """Each chosen event's path around t0, rebased to 0 at the baseline; their mean; a placebo band.

    Placebo: `draws` times, pick as many non-event dates as there are events (without repeats) from
    `margin` observations before the first event to `margin` after the last, average their paths the
    same way; the band is the low-high percentile of those mean paths at each offset.
    """
    p = PreparedSeries(spec, values, all_events)
    offsets = tuple(range(-before, after + 1))
    kept, skipped = [], []
    for event in chosen:
        t0 = p.t0_of.get(event.id)
        if t0 is None or t0 - before < 0:
            skipped.append(event.id)
        else:
            kept.append((event.id, t0))
    reasons: dict[str, str] = {}
    if not kept:
        empty = pd.DataFrame(index=pd.Index(offsets, name="offset"))
        return AlignedPaths(
            spec.key, spec.change_unit, offsets, empty, pd.Series(np.nan, index=empty.index), None, None, 0, seed, 0,
            None, tuple(skipped), {"paths": "no chosen event falls inside the data"},
        )  # fmt: skip
    t0s = np.array([t for _, t in kept])
    matrix = _path_matrix(p, t0s, before, after)
    paths = pd.DataFrame(matrix.T, index=pd.Index(offsets, name="offset"), columns=[i for i, _ in kept])
    with warnings.catch_warnings():  # an offset past the end of the data for every event is simply NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        mean = pd.Series(np.nanmean(matrix, axis=0), index=paths.index, name="mean")

    lo_i = max(int(t0s.min()) - margin, before)
    hi_i = min(int(t0s.max()) + margin, len(p.x) - 1 - after)
    event_t0s = {t for t in p.t0_of.values() if t is not None}
    pool = np.array([i for i in range(lo_i, hi_i + 1) if i not in event_t0s], dtype=int)
    band_low = band_high = None
    period = (p.day(lo_i), p.day(hi_i)) if hi_i >= lo_i else None
    if len(pool) < len(kept):
        reasons["placebo"] = f"only {len(pool)} non-event dates in the period, fewer than the {len(kept)} events"
        draws = 0
    else:
        rng = np.random.default_rng(seed)
        pool_paths = _path_matrix(p, pool, before, after)
        picks = np.stack([rng.choice(len(pool), size=len(kept), replace=False) for _ in range(draws)])
        means = pool_paths[picks].mean(axis=1)  # draws x offsets
        band_low = pd.Series(np.percentile(means, low, axis=0), index=paths.index, name="low")
        band_high = pd.Series(np.percentile(means, high, axis=0), index=paths.index, name="high")
    return AlignedPaths(
        spec.key, spec.change_unit, offsets, paths, mean, band_low, band_high, draws, seed, len(pool), period,
        tuple(skipped), reasons,
    )  # fmt: skip
