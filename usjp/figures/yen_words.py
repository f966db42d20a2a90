"""The yen page's words, as plain text from pure functions: titles, subtitles, source lines, alt texts,
the "did it stick?" verdict and the rate-gap note. Every number comes from the data passed in.

Nothing here escapes: the figures pass these through figures.style.escape/wrap, the UI through
usjp/ui/markdown.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import pandas as pd

from usjp import analysis
from usjp.analysis import AlignedPaths
from usjp.analysis.intervention import BUYING, GROUP_GAP_DAYS, Operation
from usjp.catalog import SeriesSpec
from usjp.figures.credits import EVENTS_CREDIT, series_name, source_line
from usjp.figures.timeline_words import interventions_source, plural, yen_amount

CUSTOM_LABEL = "Custom dates"
EVENT_LANES = {"monetary-policy": "Central banks", "fx": "Currency"}  # the chart's event lanes, top first
COMPACT_LANES = {"monetary-policy": "Banks", "fx": "FX"}


def span(start: dt.date, end: dt.date) -> str:
    """'Jul 2022 – Dec 2022' ('Mar 2011' when both ends are in one month)."""
    first, last = f"{start:%b %Y}", f"{end:%b %Y}"
    return first if first == last else f"{first} – {last}"


def episode_label(key: str, episodes: Mapping[str, tuple[dt.date, dt.date]]) -> str:
    """'2022 (Jul 2022 – Dec 2022)', or 'Custom dates'."""
    if key in episodes:
        return f"{key} ({span(*episodes[key])})"
    return CUSTOM_LABEL


def episodes_help(pad_days: int) -> str:
    return (
        f"Each year's range runs from {pad_days} days before its first operation in the ministry's record "
        f"to {pad_days} days after its last. Change a date to set your own range."
    )


def direction_words(direction: str) -> str:
    return "yen-buying" if direction == BUYING else "yen-selling"


# -- the main chart -------------------------------------------------------------------------------
def main_title(start: dt.date, end: dt.date) -> str:
    return f"USD/JPY and Japan's currency interventions, {span(start, end)}"


def operations_summary(days: pd.Series) -> str:
    """'Japan bought ¥9.19 trillion of yen on 3 days' (and what it sold), or that it did not intervene."""
    if days.empty:
        return "Japan did not intervene in this range"
    parts = []
    bought, sold = days[days > 0], days[days < 0]
    if len(bought):
        parts.append(f"bought {yen_amount(float(bought.sum()))} of yen on {plural(len(bought), 'day')}")
    if len(sold):
        parts.append(f"sold {yen_amount(float(sold.sum()))} of yen on {plural(len(sold), 'day')}")
    return "Japan " + " and ".join(parts)


def main_subtitle(days: pd.Series, usdjpy: pd.Series) -> str:
    """What the range shows, in numbers from the data: the operations and USD/JPY's low and high."""
    text = operations_summary(days)
    if len(usdjpy):
        text += (
            f"; USD/JPY (yen per dollar: up is a weaker yen) ranged from {usdjpy.min():.2f} "
            f"({usdjpy.idxmin():%d %b %Y}) to {usdjpy.max():.2f} ({usdjpy.idxmax():%d %b %Y})"
        )
    return text + ". Bars: blue up = yen bought, red down = yen sold, ¥ trillion a day."


def main_sources(usdjpy: SeriesSpec, interventions: SeriesSpec | None) -> list[str]:
    lines = [source_line(usdjpy)]
    if interventions is not None:
        lines.append(interventions_source(interventions))
    return [*lines, EVENTS_CREDIT]


def main_alt(start: dt.date, end: dt.date, days: pd.Series, events: int) -> str:
    return (
        f"Line chart of USD/JPY, {span(start, end)}, with Japan's interventions as bars below and "
        f"{plural(events, 'central-bank or currency event')} as markers. {operations_summary(days)}."
    )


# -- did it stick? --------------------------------------------------------------------------------
def grouping_note(days: int, ops: Sequence[Operation], left_out: int, direction: str) -> str:
    """How the operation days became the paths: grouped, and which were left out."""
    text = (
        f"{plural(days, 'operation day')} grouped into {plural(len(ops) + left_out, 'operation')}: days at "
        f"most {GROUP_GAP_DAYS} calendar days apart count as one, and its path starts on its first day (the "
        "later days' paths would overlap it)."
    )
    if left_out:
        other = "yen-selling" if direction == BUYING else "yen-buying"
        text += f" {plural(left_out, other + ' operation')} left out: they aim the other way."
    return text


def paths_title(spec: SeriesSpec, n: int, direction: str, start: dt.date, end: dt.date) -> str:
    operations = plural(n, direction_words(direction) + " operation")
    return f"Did it stick? {series_name(spec)} after {operations}, {span(start, end)}"


def paths_subtitle(paths: AlignedPaths, compact: bool = False) -> str:
    n = paths.paths.shape[1]
    if compact:  # short: on a phone the legend sits right under it
        return "Change from the day before each operation (%); band: 90% of random dates"
    return (
        f"Change from the last observation before each operation's first day (%); thick line: the mean; "
        f"blue band: where the mean of {plural(n, 'random non-operation date')} falls 90% of the time"
    )


def paths_sources(spec: SeriesSpec, interventions: SeriesSpec | None, paths: AlignedPaths) -> list[str]:
    period = f" between {paths.period[0]:%b %Y} and {paths.period[1]:%b %Y}" if paths.period else ""
    lines = [source_line(spec)]
    if interventions is not None:
        lines.append(interventions_source(interventions))
    return [
        *lines,
        f"Placebo: {paths.draws:,} draws (seed {paths.seed}) from {paths.candidates:,} non-event dates{period}",
    ]


def stick_verdict(paths: AlignedPaths, direction: str) -> str:
    """One plain sentence from the paths: where the mean ends, against the placebo band, and whether that is
    the way the operations pushed (yen buying pushes USD/JPY down, yen selling up)."""
    n = paths.paths.shape[1]
    at = paths.offsets[-1]
    mean = float(paths.mean.loc[at])
    day = float(paths.mean.loc[0])
    signed = analysis.format_change
    what = f"the {plural(n, direction_words(direction) + ' operation')}" if n > 1 else "the operation"
    text = (
        f"On the first day of {what}, USD/JPY moved {signed(day, paths.unit)} on average; "
        f"{at} sessions later it stood {signed(mean, paths.unit)} from where it started."
    )
    if paths.band_low is None or paths.band_high is None:
        return text + " " + next(iter(paths.reasons.values()), "No placebo band.")
    low, high = float(paths.band_low.loc[at]), float(paths.band_high.loc[at])
    dates = plural(n, "random date")
    band = f"the average of {dates} falls between {signed(low, paths.unit)} and {signed(high, paths.unit)}"
    aimed_down = direction == BUYING
    if low <= mean <= high:
        return f"{text} It did not clearly stick: ordinary days do that too ({band} 90% of the time)."
    if (mean < low) == aimed_down:
        return (
            f"{text} It stuck: beyond what ordinary days do ({band} 90% of the time). "
            "With so few operations, read it as a hint, not proof."
        )
    return f"{text} It went the other way, beyond what ordinary days do ({band} 90% of the time)."


# -- the rate gap ---------------------------------------------------------------------------------
GAP_NOTE = "Monthly: Japan's 10-year yield is monthly here (OECD via FRED), so the US yield is averaged by month"


def gap_title(start: dt.date, end: dt.date) -> str:
    return f"The US–Japan 10-year gap, {span(start, end)}"


def gap_subtitle(gap: pd.Series) -> str:
    """'US 10-year minus Japan 10-year, percentage points: 2.31 in Jan 2022, 3.41 in Oct 2022 (widest, ...)'."""
    text = "US 10-year Treasury yield minus Japan's 10-year government bond yield, percentage points"
    if gap.empty:
        return text
    first, last = gap.index[0], gap.index[-1]
    widest = gap.idxmax()
    return (
        f"{text}: {gap.iloc[0]:.2f} in {first:%b %Y}, {gap.iloc[-1]:.2f} in {last:%b %Y}; "
        f"widest {gap.max():.2f} in {widest:%b %Y}"
    )


def gap_sources(us: SeriesSpec, jp: SeriesSpec) -> list[str]:
    return [f"{source_line(us)} (monthly average of daily values)", f"{source_line(jp)} (monthly)"]


def gap_alt(gap: pd.Series) -> str:
    return f"Line chart, monthly. {gap_subtitle(gap)}."


def gap_caption(extended: bool) -> str:
    text = (
        "Why it matters: a wider gap pays more for holding dollars than yen, which weakens the yen and is what "
        "intervention pushes against. The line is monthly because Japan's yield is."
    )
    if extended:
        text += " It starts two years before the range ends, so a short episode still shows the trend."
    return text


def gap_missing(us: dt.date | None) -> str:
    when = f" from {us:%B %Y}" if us else ""
    return f"No US–Japan 10-year gap for this range: the US daily yield is stored{when} only."
