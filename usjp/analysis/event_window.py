"""Event-window statistics of one event on one series (the method: docs/method.md). Pure pandas/numpy.

Conventions used throughout:
- A series is its stored observations only (missing values dropped, never filled); positions are
  0-based indexes into those observations. `t0` is reported as a date plus that index.
- A window (a, b) is in observations relative to t0; its change runs from x[t0+a-1] to x[t0+b],
  so it spans b-a+1 one-step moves ("sessions").
- Every statistic that cannot be computed exactly as defined is None, with a reason in `reasons`.
- Confounders are other timeline events whose t0 lies in a window; `releases` are the scheduled releases
  (usjp/releases.py) whose market date, for this series' observation time, makes their t0 lie there.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from usjp.analysis.windows import DEFAULT_WINDOWS, PERCENTILE_OBS, SIGMA_CHANGES, Window, change, locate_t0, moves
from usjp.catalog import SeriesSpec
from usjp.events import Event
from usjp.releases import Release


def _num(value: float | None) -> float | None:
    """JSON number: rounded to 6 decimals, None for missing or not finite."""
    return None if value is None or not math.isfinite(value) else round(float(value), 6)


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


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
    releases: tuple[str, ...] = ()  # scheduled releases whose t0 lies in the window, in date order

    @classmethod
    def empty(
        cls,
        window: Window,
        reasons: Mapping[str, str],
        *,
        start_date: dt.date | None = None,
        start_value: float | None = None,
        confounders: tuple[str, ...] = (),
        releases: tuple[str, ...] = (),
    ) -> WindowStats:
        """A window without a change (it starts or ends outside the data): no end, change, z or percentile."""
        return cls(
            window=window,
            start_date=start_date,
            start_value=start_value,
            end_date=None,
            end_value=None,
            change=None,
            z=None,
            percentile=None,
            confounders=confounders,
            reasons=reasons,
            releases=releases,
        )

    def to_json(self) -> dict:
        """One entry of EventStats.to_json's "windows": the window (start, end, steps), then its statistics."""
        return {
            "start": self.window.start,
            "end": self.window.end,
            "steps": self.window.steps,
            "start_date": _day(self.start_date),
            "start_value": _num(self.start_value),
            "end_date": _day(self.end_date),
            "end_value": _num(self.end_value),
            "change": _num(self.change),
            "z": _num(self.z),
            "percentile": _num(self.percentile),
            "confounders": list(self.confounders),
            "releases": list(self.releases),
            "reasons": dict(self.reasons),
        }


@dataclass(frozen=True)
class PeriodValue:
    period: str  # "Mar 2025", "Q1 2025"
    date: dt.date  # the observation's own date (start of the period, as FRED dates it)
    value: float

    def to_json(self) -> dict:
        """The "before" or "after" of EventStats.to_json's "periods"."""
        return {"period": self.period, "date": _day(self.date), "value": _num(self.value)}


@dataclass(frozen=True)
class PeriodChange:
    """Monthly/quarterly series: no session arithmetic, only the values either side of the event."""

    before: PeriodValue | None  # last period that ended before the market date
    after: PeriodValue | None  # first period that includes or follows the market date
    change: float | None
    reasons: Mapping[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        """EventStats.to_json's "periods" (monthly/quarterly series)."""
        return {
            "before": None if self.before is None else self.before.to_json(),
            "after": None if self.after is None else self.after.to_json(),
            "change": _num(self.change),
            "reasons": dict(self.reasons),
        }


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
    releases: tuple[str, ...] = ()  # scheduled releases: union over the windows, in date order

    @classmethod
    def unavailable(
        cls,
        event_id: str,
        spec: SeriesSpec,
        market_date: dt.date,
        reasons: Mapping[str, str],
        *,
        t0: dt.date | None = None,
        t0_index: int | None = None,
        windows: tuple[WindowStats, ...] = (),
        periods: PeriodChange | None = None,
    ) -> EventStats:
        """No session statistics: a monthly/quarterly series (`periods` instead), or no t0 or baseline."""
        return cls(
            event_id=event_id,
            series=spec.key,
            frequency=spec.frequency,
            unit=spec.change_unit,
            market_date=market_date,
            t0=t0,
            t0_index=t0_index,
            baseline_date=None,
            baseline_value=None,
            sigma=None,
            estimation_obs=0,
            windows=windows,
            confounders=(),
            reasons=reasons,
            periods=periods,
        )

    def to_json(self) -> dict:
        """Plain JSON types: ISO dates, None for missing, floats rounded to 6 decimals (fields: README)."""
        out: dict = {
            "event_id": self.event_id,
            "series": self.series,
            "frequency": self.frequency,
            "market_date": _day(self.market_date),
            "t0": _day(self.t0),
            "t0_index": self.t0_index,
            "baseline_date": _day(self.baseline_date),
            "baseline_value": _num(self.baseline_value),
            "unit": self.unit,
            "sigma": _num(self.sigma),
            "estimation_obs": self.estimation_obs,
            "windows": [w.to_json() for w in self.windows],
            "confounders": list(self.confounders),
            "releases": list(self.releases),
            "reasons": dict(self.reasons),
        }
        if self.periods is not None:  # monthly/quarterly series only
            out["periods"] = self.periods.to_json()
        return out


# -- the computation ------------------------------------------------------------------------------
class PreparedSeries:
    """One series made ready for many events: clean arrays, one-step moves, every event's t0 and every
    scheduled release's t0 (sorted, so the releases in a window are two binary searches away)."""

    def __init__(
        self, spec: SeriesSpec, values: pd.Series, events: Iterable[Event] = (), releases: Iterable[Release] = ()
    ) -> None:
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
            self.locate(event)
        self.release_ids: tuple[str, ...] = ()
        self._release_t0 = np.empty(0, dtype=np.int64)
        self._release_key: tuple = ()
        self.locate_releases(releases)

    def locate_releases(self, releases: Iterable[Release]) -> None:
        """Every release's t0 (len(x) past the data's end), once per set of releases.

        In New York time order a release's market date never decreases (a later release cannot fall on an
        earlier market date), so neither does its t0: sorted by time, the t0s are sorted too."""
        ordered = sorted(releases, key=lambda r: (r.new_york_time(), r.id))
        key = tuple((r.id, r.date, r.time, r.tz) for r in ordered)  # all a t0 depends on
        if key == self._release_key:
            return
        observed = self.spec.observed_at_et
        market = pd.DatetimeIndex([pd.Timestamp(r.market_date(observed)) for r in ordered])
        self._release_t0 = np.asarray(self.dates.searchsorted(market, side="left"), dtype=np.int64)
        self.release_ids = tuple(r.id for r in ordered)
        self._release_key = key

    def locate(self, event: Event) -> int | None:
        """The event's t0 (None past the data's end), located once and remembered for the confounders."""
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

    def releases_in(self, first: int, last: int) -> tuple[str, ...]:
        """Releases whose t0 lies in observations [first, last], in date order (two binary searches)."""
        lo = int(np.searchsorted(self._release_t0, first, side="left"))
        hi = int(np.searchsorted(self._release_t0, last, side="right"))
        return self.release_ids[lo:hi]

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
    first, last = max(t0 + w.start, 0), min(e, n - 1)
    confounders = p.events_in(first, last, event_id)
    releases = p.releases_in(first, last)
    if not (start_ok and end_ok):
        reasons["z"] = reasons["percentile"] = "no change to compare"
        return WindowStats.empty(
            w,
            reasons,
            start_date=p.day(s) if start_ok else None,
            start_value=float(p.x[s]) if start_ok else None,
            confounders=confounders,
            releases=releases,
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
    return WindowStats(
        window=w,
        start_date=p.day(s),
        start_value=float(p.x[s]),
        end_date=p.day(e),
        end_value=float(p.x[e]),
        change=moved,
        z=z,
        percentile=percentile,
        confounders=confounders,
        reasons=reasons,
        releases=releases,
    )


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
    return PeriodChange(before=before, after=after, change=moved, reasons=reasons)


def event_stats(
    event: Event,
    spec: SeriesSpec,
    values: pd.Series | PreparedSeries,
    windows: Sequence[Window] = DEFAULT_WINDOWS,
    events: Iterable[Event] = (),
    releases: Iterable[Release] = (),
) -> EventStats:
    """The statistics of one event on one series (see the module docstring for conventions).

    `events` are all events, for the confounders; `releases` the scheduled releases (data/calendar.yaml)
    to name in the windows. Pass a PreparedSeries to reuse work across events: it keeps the releases it
    was made with, unless others are given here.
    """
    market = event.market_date(spec.observed_at_et)
    if not spec.analysable:
        reasons = {"sigma": f"{spec.short} is not a price or a level: no event-window statistics"}
        return EventStats.unavailable(event.id, spec, market, reasons)
    if not spec.daily:
        periods = period_change(spec, values.values if isinstance(values, PreparedSeries) else values, event)
        reasons = {"sigma": f"{spec.frequency} series: no session statistics, only the values either side"}
        return EventStats.unavailable(event.id, spec, market, reasons, periods=periods)
    events, releases = list(events), list(releases)
    p = values if isinstance(values, PreparedSeries) else PreparedSeries(spec, values, events, releases)
    for other in events:
        p.locate(other)
    if releases:
        p.locate_releases(releases)
    t0 = p.locate(event)
    reasons: dict[str, str] = {}
    if t0 is None:
        last = f"{p.day(len(p.x) - 1):%Y-%m-%d}" if len(p.x) else "none"
        reasons["t0"] = f"the market date {market:%Y-%m-%d} is after the last observation ({last})"
    elif t0 == 0:
        reasons["baseline"] = f"no observation before the market date {market:%Y-%m-%d}"
    if reasons:
        why = next(iter(reasons.values()))
        return EventStats.unavailable(
            event.id,
            spec,
            market,
            {**reasons, "sigma": "no baseline"},
            t0=p.day(t0) if t0 is not None else None,
            t0_index=t0,
            windows=tuple(WindowStats.empty(w, {"change": why}) for w in windows),
        )
    baseline = t0 - 1
    available = min(baseline, SIGMA_CHANGES)
    sigma = None
    if baseline < SIGMA_CHANGES:
        reasons["sigma"] = f"needs {SIGMA_CHANGES} one-step changes ending at the baseline; only {baseline} available"
    else:
        sigma = float(np.std(p.one_step[baseline - SIGMA_CHANGES : baseline], ddof=1))
    stats = tuple(_window_stats(p, event.id, t0, sigma, w) for w in windows)
    union = {i for w in stats for i in w.confounders}
    in_windows = {i for w in stats for i in w.releases}
    return EventStats(
        event_id=event.id,
        series=spec.key,
        frequency=spec.frequency,
        unit=spec.change_unit,
        market_date=market,
        t0=p.day(t0),
        t0_index=t0,
        baseline_date=p.day(baseline),
        baseline_value=float(p.x[baseline]),
        sigma=sigma,
        estimation_obs=available,
        windows=stats,
        confounders=tuple(i for i in p.order if i in union),
        reasons=reasons,
        releases=tuple(i for i in p.release_ids if i in in_windows),
    )
