"""The yield-curve page's words, as plain text from pure functions: titles, subtitles, legend names,
verdicts, captions and alt texts. Every number comes from the data passed in. Nothing here escapes:
Plotly text goes through figures.style.escape/wrap, markdown through usjp/ui/markdown.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from usjp.analysis import Window
from usjp.analysis.curve import MATURITIES, Curve
from usjp.catalog import SeriesSpec
from usjp.events import Event
from usjp.figures import credits

LABELS: tuple[str, ...] = tuple(label for _, _, label in MATURITIES)
INTRO = (
    "The US Treasury yield curve (3-month to 30-year) on chosen closes, how each maturity moved around an "
    "event, and the 10-year minus 2-year spread over time with the events on it. Choose an event under the "
    "spread chart (or click its marker), or type dates in the sidebar."
)
DATES_HELP = "Up to 4 dates, YYYY-MM-DD, separated by commas. A date without a close shows the last close before it."
WINDOW_HELP = "Observations relative to t0 (the first close that could react); the change starts at the one before."


def _day(day: dt.date) -> str:
    return f"{day:%d %b %Y}"


def bp(value: float) -> str:
    """'+12 bp' (a change)."""
    return f"{value:+.0f} bp"


def curve_name(curve: Curve, events: Mapping[str, Event], short: bool = False) -> str:
    """A curve's legend name: '02 Apr 2025 · last close before Liberation Day: Japan at 24%' (`short`, for a
    phone: '02 Apr 2025 · before Liberation Day: Japan at 24%', '04 Apr 2025 · t+1')."""
    event = events.get(curve.event_id)
    label = event.label if event else curve.event_id
    asked = "chosen date" if curve.asked == curve.day else f"last close on or before {_day(curve.asked)}"
    if short:
        roles = {"baseline": f"before {label}", "t0": f"at {label}", "latest": "latest", "date": asked}
        role = roles.get(curve.role, curve.role)
    else:
        roles = {
            "baseline": f"last close before {label}",
            "t0": f"first close after {label}",
            "latest": "latest close",
            "date": asked,
        }
        role = roles.get(curve.role, f"{curve.role} after {label}")
    return f"{_day(curve.day)} · {role}"


def curve_title(curves: Sequence[Curve], events: Mapping[str, Event], event: Event | None) -> str:
    """'The Treasury yield curve before “Liberation Day…”, at “90-day tariff pause” and at the latest close'."""
    if event is not None:
        return f"The Treasury yield curve around “{event.label}” ({_day(event.date)})"
    phrases = []
    for c in sorted(curves, key=lambda c: c.day):
        label = events[c.event_id].label if c.event_id in events else c.event_id
        phrases.append(
            {"baseline": f"before “{label}”", "t0": f"at “{label}”", "latest": "at the latest close"}.get(
                c.role, f"on {_day(c.day)}"
            )
        )
    if not phrases:
        return "The Treasury yield curve"
    joined = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " and " + phrases[-1]
    return f"The Treasury yield curve {joined}"


def curve_subtitle(curves: Sequence[Curve]) -> str:
    """What changed from the first curve drawn to the last, maturity by maturity, and the 10Y–3M slope."""
    if not curves:
        return "No curve to draw."
    first, last = min(curves, key=lambda c: c.day), max(curves, key=lambda c: c.day)
    if first.day == last.day:
        return f"{_day(first.day)}: " + ", ".join(f"{n} {y:.2f}%" for n, y in zip(LABELS, first.yields, strict=True))
    moves = ", ".join(f"{n} {bp((b - a) * 100)}" for n, a, b in zip(LABELS, first.yields, last.yields, strict=True))
    slope = [(c.yields[3] - c.yields[0]) * 100 for c in (first, last)]
    return (
        f"From {_day(first.day)} to {_day(last.day)}: {moves}. "
        f"The 10Y minus 3M slope went from {slope[0]:+.0f} to {slope[1]:+.0f} bp."
    )


def moves_title(event: Event, window: Window) -> str:
    return f"How each maturity moved after “{event.label}” ({_day(event.date)}), {credits.window_label(window)}"


def moves_subtitle(
    rows: Sequence[tuple[str, float | None, float | None]], start: dt.date | None, end: dt.date | None
) -> str:
    span = f"Change from the close of {_day(start)} to that of {_day(end)}" if start and end else "Change"
    return f"{span}, in basis points; z = change ÷ (typical daily move × √sessions). {moves_verdict(rows)}"


def moves_verdict(rows: Sequence[tuple[str, float | None, float | None]]) -> str:
    """Did the long end (10Y, 30Y) move more than the short end (3M, 2Y)? From (label, change, z) rows."""
    got = {label: change for label, change, _ in rows if change is not None}
    short = [abs(got[k]) for k in ("3M", "2Y") if k in got]
    long = [abs(got[k]) for k in ("10Y", "30Y") if k in got]
    if not short or not long:
        return "Not every maturity has a complete window yet."
    short_mean, long_mean = sum(short) / len(short), sum(long) / len(long)
    if abs(long_mean - short_mean) < 1:
        side = "The long and the short end moved about as much"
    elif long_mean > short_mean:
        side = "The long end moved more"
    else:
        side = "The short end moved more"
    text = f"{side}: on average {long_mean:.0f} bp for 10Y and 30Y against {short_mean:.0f} bp for 3M and 2Y."
    if "2Y" in got and "30Y" in got:
        slope = got["30Y"] - got["2Y"]
        shape = "steepened" if slope > 0 else "flattened" if slope < 0 else "kept its slope"
        text += f" The 2Y–30Y slope {shape} ({bp(slope)})."
    return text


def spread_title(values: Sequence[tuple[dt.date, float]]) -> str:
    """'The 10Y–2Y spread, Jan 2024 to Oct 2026: from +15 to +46 bp' (values in bp)."""
    if not values:
        return "The 10Y–2Y Treasury spread"
    (d0, v0), (d1, v1) = values[0], values[-1]
    return f"The 10Y–2Y Treasury spread, {d0:%b %Y} to {d1:%b %Y}: from {v0:+.0f} to {v1:+.0f} bp"


SPREAD_SUBTITLE = (
    "10-year minus 2-year yield, basis points; below zero the curve is inverted. "
    "Markers are events (importance 2 and 3); click one for its details below."
)


def sources(specs: Sequence[SeriesSpec], with_events: bool = False) -> list[str]:
    """Source lines (publisher and series ids), plus the events credit when events are drawn."""
    lines = credits.timeline_sources(specs)
    return lines if with_events else lines[:-1]


def as_of(day: dt.date) -> str:
    return f"Data as of {_day(day)}"


def asked_caption(curves: Sequence[Curve]) -> str:
    """Dates asked for that had no close: which close stands in."""
    moved = [c for c in curves if c.role == "date" and c.asked != c.day]
    return " ".join(
        f"No close on {_day(c.asked)}: the curve shown is the last close before it, {_day(c.day)}." for c in moved
    )


def missing_dates_caption(days: Sequence[dt.date]) -> str:
    if not days:
        return ""
    return "No Treasury data on or before " + ", ".join(_day(d) for d in days) + ": nothing to draw for it."


def curve_alt(title: str, curves: Sequence[Curve], events: Mapping[str, Event]) -> str:
    parts = [
        f"{curve_name(c, events)}: " + ", ".join(f"{n} {y:.2f}%" for n, y in zip(LABELS, c.yields, strict=True))
        for c in curves
    ]
    return f"Line chart. {title}. " + "; ".join(parts) + "."


def moves_alt(title: str, rows: Sequence[tuple[str, float | None, float | None]]) -> str:
    parts = [
        f"{label} {'n/a' if change is None else bp(change)}" + ("" if z is None else f" (z {z:+.1f})")
        for label, change, z in rows
    ]
    return f"Bar chart. {title}. " + ", ".join(parts) + f". {moves_verdict(rows)}"


def spread_alt(title: str, markers: int) -> str:
    return f"Line chart. {title}. {markers} event markers."


def window_caption(event: Event, default_used: bool) -> str:
    if default_used:
        return f"No event chosen: the bars show “{event.title}”. Choose an event below to see its own."
    return ""
