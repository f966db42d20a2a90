"""Predict, then reveal: where the chart stops before the reveal, what actually happened (the same
statistics as `python -m usjp stats`), and how the class's answer compares, in words. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from usjp import analysis, catalog
from usjp.analysis import PERCENTILE_OBS
from usjp.story.facts import FactError, StoryData, moved
from usjp.story.model import LITTLE_Z, Prediction

SESSIONS_PER_YEAR = 252
DIRECTION_WORDS = {"up": "up", "down": "down", "little": "little change"}


@dataclass(frozen=True)
class Outcome:
    """What `series` did over the prediction's window: the change (bp or %), its z-score and percentile,
    the dates it runs between, and which answer it makes right."""

    series: str
    unit: str  # "bp" or "%"
    change: float
    z: float
    percentile: float
    start_date: dt.date
    end_date: dt.date
    steps: int

    @property
    def direction(self) -> str:
        if abs(self.z) < LITTLE_Z:
            return "little"
        return "up" if self.change > 0 else "down"


def cutoff(prediction: Prediction, data: StoryData) -> dt.date:
    """The first date the class must not see: the event's market date on the predicted series. Every
    series of the step's chart is cut before it (the baseline, x[t0-1], is the last point drawn)."""
    spec = catalog.get(prediction.series)
    return data.event(prediction.event).market_date(spec.observed_at_et)


def outcome(prediction: Prediction, data: StoryData) -> Outcome:
    """The actual move; FactError when the statistics cannot give it (the validator checks every story)."""
    stats = data.window_stats(prediction.series, prediction.event, prediction.window)
    values = (stats.change, stats.z, stats.percentile, stats.start_date, stats.end_date)
    if any(v is None for v in values):
        why = next(iter(stats.reasons.values()), "the window runs past the stored data")
        raise FactError(f"{prediction.series} around {prediction.event} over {prediction.window}: {why}")
    return Outcome(
        prediction.series,
        catalog.get(prediction.series).change_unit,
        float(stats.change),  # type: ignore[arg-type]
        float(stats.z),  # type: ignore[arg-type]
        float(stats.percentile),  # type: ignore[arg-type]
        stats.start_date,  # type: ignore[arg-type]
        stats.end_date,  # type: ignore[arg-type]
        prediction.parsed_window.steps,
    )


def what_happened(result: Outcome) -> str:
    """'The 10-year Treasury yield rose 47 bp from 2 Apr 2025 to 9 Apr 2025.'"""
    spec = catalog.get(result.series)
    return (
        f"{spec.label} {moved(result.change, result.unit)} from {result.start_date:%-d %b %Y} "
        f"to {result.end_date:%-d %b %Y}."
    )


def how_unusual(result: Outcome) -> str:
    """'z = +3.1: bigger than 97% of 6-session moves in the previous 1,260 sessions (about 5 years).'"""
    years = round(PERCENTILE_OBS / SESSIONS_PER_YEAR)
    length = f"{result.steps}-session" if result.steps > 1 else "one-session"
    return (
        f"z = {result.z:+.1f}: bigger than {result.percentile:.0f}% of {length} moves in the previous "
        f"{PERCENTILE_OBS:,} sessions (about {years} years)."
    )


def direction_verdict(answer: str, result: Outcome) -> str:
    """How a direction answer ('up', 'down', 'little') compares with what happened."""
    if answer not in DIRECTION_WORDS:
        raise ValueError(f"unknown answer {answer!r}")
    actual = DIRECTION_WORDS[result.direction]
    rule = f"a move with |z| under {LITTLE_Z:g} counts as little change"
    if answer == result.direction:
        return f"The class said {DIRECTION_WORDS[answer]}: right ({rule})."
    return f"The class said {DIRECTION_WORDS[answer]}; it was {actual} ({rule})."


def size_verdict(guess: float, result: Outcome) -> str:
    """How a guessed size compares: 'The class guessed +20 bp; the move was +47 bp, 27 bp more.'"""
    said, was = analysis.format_change(guess, result.unit), analysis.format_change(result.change, result.unit)
    gap = result.change - guess
    size = analysis.format_change(abs(gap), result.unit).lstrip("+")
    if size in ("0 bp", "0.00%"):
        return f"The class guessed {said}; the move was {was}: spot on."
    return f"The class guessed {said}; the move was {was}, {size} {'more' if gap > 0 else 'less'} than the guess."
