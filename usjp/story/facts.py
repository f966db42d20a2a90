"""The numbers in a story's captions, computed from the stored data: placeholders such as
`{change ust10y liberation-day-tariffs 0:5}` are filled here, and a placeholder that cannot be computed
is an error (the validator fails on it; the page shows the error instead of a made-up number).

Verbs (S a catalog key, E an event id, W a window a:b, dates ISO):
    {change S E W}      the move over W, as the statistics give it: "+47 bp", "-1.23%"
    {move S E W}        the same in words: "rose 47 bp", "fell 1.23%", "did not move"
    {z S E W}           its z-score: "+3.1"
    {percentile S E W}  the share of earlier moves of that length that were smaller: "97%"
    {value S DATE}      the stored value on DATE (YYYY-MM for a monthly series; for a daily one the last
                        observation on or before DATE, at most 7 days earlier): "$1,125.9bn", "4.01%"
    {total S FROM TO}   an operations series (Japan's interventions): the yen spent or taken in, "¥9.79trn"
    {days S FROM TO}    the number of operation days in that span: "3"
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from usjp import analysis, catalog
from usjp.analysis import EventStats, WindowStats
from usjp.events import Event

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
VERBS = {"change": 3, "move": 3, "z": 3, "percentile": 3, "value": 2, "total": 3, "days": 3}
MAX_GAP_DAYS = 7  # a daily {value} may fall back this many days (a weekend, a holiday)
OKU_PER_TRILLION = 10_000  # the intervention record is in units of ¥100 million (oku)


class FactError(ValueError):
    """A placeholder that cannot be computed: which one and why."""


@dataclass
class StoryData:
    """What placeholders and predictions are computed from: a loader of stored series (None when a series
    has no usable copy) and every timeline event (for the confounders, as the statistics page)."""

    series: Callable[[str], pd.Series | None]
    events: Sequence[Event]
    _stats: dict[tuple[str, str, str], WindowStats] = field(default_factory=dict, repr=False)

    @property
    def by_id(self) -> Mapping[str, Event]:
        return {e.id: e for e in self.events}

    def values(self, key: str) -> pd.Series:
        if key not in catalog.CATALOG:
            raise FactError(f"unknown series {key!r}")
        values = self.series(key)
        if values is None or values.dropna().empty:
            raise FactError(f"no stored data for {key}")
        return values.dropna()

    def event(self, event_id: str) -> Event:
        event = self.by_id.get(event_id)
        if event is None:
            raise FactError(f"unknown event {event_id!r}")
        return event

    def window_stats(self, key: str, event_id: str, window_key: str) -> WindowStats:
        """The statistics of one window, as `python -m usjp stats` computes them (remembered)."""
        slot = (key, event_id, window_key)
        if slot not in self._stats:
            spec = catalog.get(key) if key in catalog.CATALOG else None
            if spec is None:
                raise FactError(f"unknown series {key!r}")
            if not (spec.daily and spec.analysable):
                raise FactError(f"{key} is not a daily price or level: no event-window statistics")
            try:
                window = analysis.parse_window(window_key)
            except ValueError as exc:
                raise FactError(str(exc)) from None
            stats: EventStats = analysis.event_stats(
                self.event(event_id), spec, self.values(key), [window], self.events
            )
            if not stats.windows:
                raise FactError(f"{key} around {event_id}: {next(iter(stats.reasons.values()), 'no statistics')}")
            self._stats[slot] = stats.windows[0]
        return self._stats[slot]


def _number(value: float | None, what: str, reasons: Mapping[str, str]) -> float:
    if value is None or not math.isfinite(value):
        why = reasons.get(what) or next(iter(reasons.values()), "not computable")
        raise FactError(f"no {what}: {why}")
    return value


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise FactError(f"{text[:20]!r} is not a date (YYYY-MM-DD)") from None


def _value(data: StoryData, key: str, when: str) -> str:
    values = data.values(key)
    spec = catalog.get(key)
    if spec.frequency in ("monthly", "quarterly"):
        if not re.fullmatch(r"\d{4}-\d{2}", when):
            raise FactError(f"{key} is {spec.frequency}: give the month as YYYY-MM, not {when[:20]!r}")
        stamp = pd.Timestamp(f"{when}-01")
        if stamp not in values.index:
            raise FactError(f"{key} has no value for {when}")
        return catalog.UNITS[spec.unit].text(float(values[stamp]))
    day = pd.Timestamp(_date(when))
    before = values[:day]
    if before.empty or (day - before.index[-1]).days > MAX_GAP_DAYS:
        raise FactError(f"{key} has no observation within {MAX_GAP_DAYS} days before {when}")
    return catalog.UNITS[spec.unit].text(float(before.iloc[-1]))


def _operations(data: StoryData, key: str, start: str, end: str) -> pd.Series:
    spec = catalog.get(key) if key in catalog.CATALOG else None
    if spec is None or spec.frequency != "operations":
        raise FactError(f"{key!r} is not an operations series (total and days are for Japan's interventions)")
    first, last = _date(start), _date(end)
    if last < first:
        raise FactError(f"{start} is after {end}")
    values = data.values(key)
    covered = quarter_end(values.index[-1].date())
    if last > covered:  # after its coverage the record is not "no operation": nothing is known there
        raise FactError(f"the stored record of {key} covers operations to {covered}, before {last}")
    return values[pd.Timestamp(first) : pd.Timestamp(last)]


def quarter_end(day: dt.date) -> dt.date:
    """The end of the calendar quarter of `day`: how far the ministry's record is known to reach, since it
    publishes each quarter's daily operations as a whole, five to six weeks after the quarter (an
    operation-days file says nothing about the days after its last row otherwise)."""
    month = (day.month - 1) // 3 * 3 + 3
    following = dt.date(day.year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def moved(change: float, unit: str) -> str:
    """'rose 47 bp', 'fell 1.23%', 'did not move' (the size as format_change rounds it)."""
    text = analysis.format_change(abs(change), unit).lstrip("+")
    if text in ("0 bp", "0.00%"):
        return "did not move"
    return f"{'rose' if change > 0 else 'fell'} {text}"


def compute(verb: str, args: Sequence[str], data: StoryData) -> str:
    """One placeholder's text. FactError when it cannot be computed."""
    if verb not in VERBS:
        raise FactError(f"unknown placeholder {verb!r}; use one of {', '.join(VERBS)}")
    if len(args) != VERBS[verb]:
        raise FactError(f"{verb} takes {VERBS[verb]} arguments, not {len(args)}")
    if verb == "value":
        return _value(data, *args)
    if verb in ("total", "days"):
        ops = _operations(data, *args)
        if verb == "days":
            return str(int((ops != 0).sum()))
        if ops.empty:
            raise FactError(f"no operations between {args[1]} and {args[2]}")
        return f"¥{ops.abs().sum() / OKU_PER_TRILLION:,.2f}trn"
    key, event_id, window_key = args
    stats = data.window_stats(key, event_id, window_key)
    unit = catalog.get(key).change_unit
    if verb == "change":
        return analysis.format_change(_number(stats.change, "change", stats.reasons), unit)
    if verb == "move":
        return moved(_number(stats.change, "change", stats.reasons), unit)
    if verb == "z":
        return f"{_number(stats.z, 'z', stats.reasons):+.1f}"
    return f"{_number(stats.percentile, 'percentile', stats.reasons):.0f}%"


def fill(text: str, data: StoryData) -> str:
    """`text` with every placeholder computed. FactError naming the first one that cannot be."""
    stray = PLACEHOLDER.sub("", text)
    if "{" in stray or "}" in stray:
        raise FactError("a '{' or '}' outside a placeholder (placeholders are {verb arguments})")

    def one(match: re.Match[str]) -> str:
        words = match.group(1).split()
        if not words:
            raise FactError("an empty placeholder {}")
        try:
            return compute(words[0], words[1:], data)
        except FactError as exc:
            raise FactError(f"{{{match.group(1)[:80]}}}: {exc}") from None

    return PLACEHOLDER.sub(one, text)
