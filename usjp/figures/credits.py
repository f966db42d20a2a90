"""The words readers see, as plain text from pure functions: chart titles and subtitles, source lines,
"data as of", provenance captions, citations, hover headlines, verdicts and the method note.

The app, a command-line export and the tests all call these, so a chart says the same thing wherever
it is made. Nothing here escapes: Plotly text goes through figures.style.escape/wrap, markdown through
usjp/ui/markdown.py.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from functools import cache
from typing import Protocol

from usjp import analysis
from usjp.analysis import AlignedPaths, Window
from usjp.catalog import DAILY_HISTORY_START, UNITS, USDJPY_HISTORY_START, SeriesSpec
from usjp.events import Event, Tally, category, status
from usjp.figures.timeline_words import plural
from usjp.paths import method_path


class SeriesCopy(Protocol):
    """What the words need of a stored series (usjp.data.store.StoredSeries has it)."""

    @property
    def spec(self) -> SeriesSpec: ...
    @property
    def last_date(self) -> dt.date: ...
    @property
    def retrieved(self) -> str: ...

    store: str


EVENTS_CREDIT = "Events: US–Japan trade-tension dashboard timeline"
Z_HELP = "Change ÷ (typical daily move × √sessions)"
PERCENTILE_HELP = "Share of same-length moves in the prior five years that were smaller"


# -- series ---------------------------------------------------------------------------------------
def series_name(spec: SeriesSpec) -> str:
    """The label without its parenthesis: 'USD/JPY (yen per dollar, noon New York)' -> 'USD/JPY'."""
    return spec.label.split(" (")[0]


def source_line(spec: SeriesSpec) -> str:
    """'Source: Board of Governors of the Federal Reserve System, FRED DGS10' (inside figures)."""
    return f"Source: {spec.publisher.split(',')[0]}, {spec.citation}"


def caption(item: SeriesCopy) -> str:
    """Source, data-through date and retrieval in one line (under charts)."""
    where = "local cache" if item.store == "cache" else "bundled snapshot"
    spec = item.spec
    return (
        f"{spec.short}: {spec.publisher} ({spec.citation}), data through {item.last_date:%d %b %Y}, "
        f"retrieved {item.retrieved} ({where})"
    )


def citation(spec: SeriesSpec) -> str:
    """How to cite a series (after its label): publisher, the source's own id, licence."""
    text = f"{spec.publisher}, via {spec.citation} ({spec.license})."
    return f"{text} {spec.attribution}." if spec.attribution else text


def as_of_line(items: Sequence[SeriesCopy]) -> str:
    """'Data as of 10Y 08 Oct 2026, USD/JPY 02 Oct 2026' ("" with no data)."""
    if not items:
        return ""
    return "Data as of " + ", ".join(f"{s.spec.short} {s.last_date:%d %b %Y}" for s in items)


# -- damaged data ---------------------------------------------------------------------------------
class RejectedCopy(Protocol):
    """What the words need of a stored copy that failed its check (usjp.data.verify.Rejected has it)."""

    store: str  # "cache" or "snapshot"
    reason: str  # "duplicate dates", "checksum does not match its manifest", ...


COPY_NAMES = {"cache": "local copy", "snapshot": "bundled copy"}
VALIDATE_HINT = "run “python -m usjp validate” for details"


def fallback_notice(spec: SeriesSpec, used: SeriesCopy | None, rejected: Sequence[RejectedCopy]) -> str:
    """'The local copy of the US 10-year Treasury yield failed its check (duplicate dates), so the bundled
    data through 08 Oct 2026 is shown; run ...', or that the series is unavailable, and why."""
    name = series_name(spec)
    if len(rejected) == 1:
        copy = rejected[0]
        failed = f"The {COPY_NAMES.get(copy.store, copy.store)} of the {name} failed its check ({copy.reason})"
    else:
        reasons = "; ".join(f"{COPY_NAMES.get(r.store, r.store)}: {r.reason}" for r in rejected)
        failed = f"Both stored copies of the {name} failed their checks ({reasons})"
    if used is None:
        return f"{failed}, so the series is unavailable; {VALIDATE_HINT}."
    shown = "bundled data" if used.store == "snapshot" else "local data"
    return f"{failed}, so the {shown} through {used.last_date:%d %b %Y} is shown; {VALIDATE_HINT}."


def check_summary(rejected: Sequence[RejectedCopy]) -> str:
    """'ok', or which stored copies failed their check and why (the sources table)."""
    if not rejected:
        return "ok"
    return "; ".join(f"{COPY_NAMES.get(r.store, r.store)}: {r.reason}" for r in rejected)


def manifest_notice(store: str, problem: str) -> str:
    """A store whose manifest cannot be read: none of its copies is used (said once, for all its series)."""
    if store == "cache":
        where, then = "local data (data/cache)", "its series are shown from the bundled data"
    else:
        where, then = "bundled data (data/market)", "its series are unavailable unless a local copy passes its check"
    return f"The manifest of the {where} cannot be read, so {then}: {problem}; {VALIDATE_HINT}."


# -- timeline -------------------------------------------------------------------------------------
def date_span(start: dt.date, end: dt.date) -> str:
    """'Mar 2025' within one month, else 'Feb 2025 – Aug 2025'."""
    same_month = (start.year, start.month) == (end.year, end.month)
    return f"{start:%b %Y}" if same_month else f"{start:%b %Y} – {end:%b %Y}"


def timeline_title(
    specs: Sequence[SeriesSpec], start: dt.date, end: dt.date, indexed_from: dt.date | None = None
) -> str:
    """'US 10-year Treasury yield and USD/JPY, Feb 2025 – Aug 2025' (short names for three or more);
    indexed: '..., indexed, start = 100 (3 Feb 2025)' (each line's first value in the window is its 100)."""
    names = [series_name(s) if len(specs) <= 2 else s.short for s in specs]
    if not names:
        joined = "No data"
    elif len(names) == 1:
        joined = names[0]
    else:
        joined = ", ".join(names[:-1]) + " and " + names[-1]
    scale = f", indexed, start = 100 ({indexed_from:%-d %b %Y})" if indexed_from else ""
    return f"{joined}, {date_span(start, end)}{scale}"


def timeline_subtitle(shown: Sequence[Event]) -> str:
    spans = sum(1 for e in shown if e.end)
    extra = f"; shaded: {spans} period{'s' if spans != 1 else ''}" if spans else ""
    return f"{len(shown)} US–Japan trade-tension events below, by category; dotted lines: headline events{extra}"


def line_summary(spec: SeriesSpec, values: Sequence[tuple[dt.date, float]], indexed: bool) -> str:
    """'US 10-year Treasury yield rose from 4.01% on 4 Apr 2025 to 4.48% on 11 Apr 2025; high 4.59% on 21 May
    2025, low 3.86% on 4 Apr 2025' (indexed: the index values, start = 100)."""
    if not values:
        return f"{series_name(spec)}: no data in this range"

    def text(v: float) -> str:
        return f"{v:.1f}" if indexed else UNITS[spec.unit].text(v) if spec.unit in UNITS else f"{v:,.2f}"

    (d0, v0), (d1, v1) = values[0], values[-1]
    high = max(values, key=lambda dv: dv[1])
    low = min(values, key=lambda dv: dv[1])
    verb = "rose" if v1 > v0 else "fell" if v1 < v0 else "was unchanged"
    return (
        f"{series_name(spec)} {verb} from {text(v0)} on {d0:%-d %b %Y} to {text(v1)} on {d1:%-d %b %Y}; "
        f"high {text(high[1])} on {high[0]:%-d %b %Y}, low {text(low[1])} on {low[0]:%-d %b %Y}"
    )


def timeline_alt(
    lines: Sequence[str], start: dt.date, end: dt.date, shown: Sequence[Event], labelled: Sequence[Event]
) -> str:
    """The chart in words for a screen reader and an image's description: what is plotted, each line's
    start, end, high and low (`lines`, from `line_summary`), the events and the labelled ones."""
    names = "; ".join(lines) if lines else "No data"
    text = f"Line chart, {date_span(start, end)}. {names}. {len(shown)} events are marked below the lines by category"
    if labelled:
        text += "; labelled: " + "; ".join(f"{e.label} ({e.date:%-d %b %Y})" for e in labelled)
    return text + "."


def timeline_sources(specs: Sequence[SeriesSpec]) -> list[str]:
    """One source line per publisher ('Source: Board of Governors of the Federal Reserve System, FRED
    DGS10 and FRED DEXJPUS'), then the events' credit."""
    by_publisher: dict[str, list[str]] = {}
    for spec in specs:
        by_publisher.setdefault(spec.publisher.split(",")[0], []).append(spec.citation)
    lines = [f"Source: {publisher}, {' and '.join(ids)}" for publisher, ids in by_publisher.items()]
    return [*lines, f"{EVENTS_CREDIT}; each event cites its reporting"]


# -- event statistics -----------------------------------------------------------------------------
def window_label(window: Window) -> str:
    """'t0 to t+5 (6 sessions)' for the window picker and tables."""
    return f"{window.label()} ({window.steps} session{'s' if window.steps != 1 else ''})"


def events_phrase(n: int, slug: str) -> str:
    """'15 tariff events', '1 central-bank event'."""
    return f"{n} {category(slug).noun} event{'s' if n != 1 else ''}"


def headline(short: str, change: float, unit: str, steps: int, z: float | None) -> str:
    """'10Y +12 bp over 6 sessions, z = 2.4'."""
    z_text = f", z = {z:.1f}" if z is not None and math.isfinite(z) else ""
    return f"{short} {analysis.format_change(change, unit)} over {steps} sessions{z_text}"


def combined_headline(moves: Sequence[tuple[str, float, str, float | None]], steps: int) -> str:
    """One series: `headline`; several: 'Over 6 sessions: 10Y +12 bp (z 2.4) · USD/JPY -1.10% (z -1.8)'.

    `moves` holds (short name, change, unit, z or None) per series.
    """
    if len(moves) == 1:
        short, change, unit, z = moves[0]
        return headline(short, change, unit, steps, z)
    pieces = [
        f"{short} {analysis.format_change(change, unit)}" + (f" (z {z:.1f})" if z is not None else "")
        for short, change, unit, z in moves
    ]
    return f"Over {steps} sessions: " + " · ".join(pieces)


STATS_CAPTION = (
    "From = last observation before the window (US-close and noon-New-York timing rules applied); "
    "yields move in basis points, FX and prices in percent. z = change ÷ (standard deviation of the "
    f"{analysis.SIGMA_CHANGES} daily moves before the event × √sessions); shading: |z| ≥ 1, ≥ 2, ≥ 3. "
    f"Percentile: {PERCENTILE_HELP.lower()}; n/a says why in Note."
)


# -- aligned paths --------------------------------------------------------------------------------
def verdict(paths: AlignedPaths, slug: str, at: int = analysis.HEADLINE_WINDOW.end) -> str:
    """One plain sentence: does the mean path leave the placebo band?"""
    n = paths.paths.shape[1]
    mean = float(paths.mean.loc[at])
    signed = analysis.format_change
    text = f"{at} sessions after the event day, the mean of the {events_phrase(n, slug)} is {signed(mean, paths.unit)}."
    if paths.band_low is None or paths.band_high is None:
        return text + " " + next(iter(paths.reasons.values()), "No placebo band.")
    low, high = float(paths.band_low.loc[at]), float(paths.band_high.loc[at])
    dates = plural(n, "random non-event date")
    band = f"averages of {dates} fall" if n != 1 else f"{dates} falls"
    band += f" between {signed(low, paths.unit)} and "
    band += f"{signed(high, paths.unit)} 90% of the time"
    if low <= mean <= high:
        return f"{text} Ordinary days do that too: {band}."
    return f"{text} That stands out: {band}. With few, overlapping events, read it as a hint, not proof."


def paths_title(spec: SeriesSpec, paths: AlignedPaths, slug: str) -> str:
    return f"{series_name(spec)} around {events_phrase(paths.paths.shape[1], slug)}"


def paths_subtitle(paths: AlignedPaths) -> str:
    n = paths.paths.shape[1]
    return (
        f"Change from the last observation before each event ({paths.unit}); thick line: the mean; "
        f"blue band: where the mean of {plural(n, 'random non-event date')} falls 90% of the time"
    )


def paths_sources(spec: SeriesSpec, paths: AlignedPaths) -> list[str]:
    period = f" between {paths.period[0]:%b %Y} and {paths.period[1]:%b %Y}" if paths.period else ""
    return [
        source_line(spec),
        EVENTS_CREDIT,
        f"Placebo: {paths.draws:,} draws (seed {paths.seed}) from {paths.candidates:,} non-event dates{period}",
    ]


# -- the method -----------------------------------------------------------------------------------
# The numbers the method note states, filled from the code so the text cannot drift from it.
METHOD_VALUES = {
    "SIGMA_CHANGES": f"{analysis.SIGMA_CHANGES:,}",
    "PERCENTILE_OBS": f"{analysis.PERCENTILE_OBS:,}",
    "PERCENTILE_YEARS": "five",  # PERCENTILE_OBS sessions of about 252 a year
    "HEADLINE_STEPS": str(analysis.HEADLINE_WINDOW.steps),
    "HEADLINE_WINDOW": analysis.HEADLINE_WINDOW.label(),
    "PATH_BEFORE": str(analysis.PATH_BEFORE),
    "PATH_AFTER": str(analysis.PATH_AFTER),
    "PLACEBO_DRAWS": f"{analysis.PLACEBO_DRAWS:,}",
    "PLACEBO_SEED": str(analysis.PLACEBO_SEED),
    "PLACEBO_MARGIN": str(analysis.PLACEBO_MARGIN),
    "DAILY_HISTORY_START": str(DAILY_HISTORY_START.year),
    "USDJPY_HISTORY_START": str(USDJPY_HISTORY_START.year),
}
_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")


def fill_method(text: str) -> str:
    """Replace each {NAME} with METHOD_VALUES[NAME]; an unknown name is a KeyError (caught by a test)."""
    return _PLACEHOLDER.sub(lambda m: METHOD_VALUES[m.group(1)], text)


@cache
def method_text() -> str:
    """docs/method.md with its numbers filled in, from its first section heading on, its sections as
    level-3 headings (the page shows it under its own level-2 "Method" heading)."""
    text = method_path().read_text(encoding="utf-8")
    body = text[text.index("\n## ") + 1 :] if "\n## " in text else text
    return fill_method(re.sub(r"^## ", "### ", body, flags=re.MULTILINE))


LANGUAGES = {"ja": "Japanese", "en": "English", "zh": "Chinese", "ko": "Korean"}


def translation_line(translated_by: str, ours: bool) -> str:
    """Who made the English of a quote that was not said in English."""
    return "Translation: ours (close, not official)" if ours else f"Translation: {translated_by}"


def original_line(language: str) -> str:
    """The caption under a quote's original words."""
    return f"Original ({LANGUAGES.get(language, language)}), as said"


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def timeline_facts(t: Tally, intervention_days: int = 0, releases: int = 0) -> list[str]:
    """What the event timeline holds, one line each, for the Data and sources page."""
    if not t.events:
        return ["No events could be read from data/events.yaml."]
    lines = [
        f"{_count(t.events, 'curated event')} from {t.first.day} {t.first:%b %Y} to {t.latest.day} "
        f"{t.latest:%b %Y} (latest event: {t.latest.day} {t.latest:%B %Y})."
    ]
    statuses = [f"{n:,} {status(slug).label.lower()}" for slug, n in t.by_status.items()]
    lines.append("Sourcing: " + ", ".join(statuses) + " (open markers on the chart are anything but confirmed).")
    kinds = ", ".join(f"{n:,} {kind}" for kind, n in t.sources_by_kind.items())
    described = (
        f"; {_count(t.described_sources, 'source')} without a known headline, described in our words"
        if t.described_sources
        else ""
    )
    lines.append(f"{_count(t.sources, 'source')}, every one with a link: {kinds}{described}.")
    if t.quotes:
        lines.append(
            f"{_count(t.quotes, 'quote')}, {t.quotes_with_original:,} with the original words beside the English."
        )
    if intervention_days:
        lines.append(
            f"{_count(intervention_days, 'intervention day')} from Japan's Ministry of Finance record, "
            "each shown as a currency event."
        )
    if releases:
        lines.append(
            f"{_count(releases, 'scheduled release')} (US jobs and inflation reports, Fed and BoJ decisions), "
            "named as confounders in the statistics."
        )
    return lines
