"""The holdings page's words, as plain text from pure functions: title, subtitle, sources, alt text, the
latest figures in a sentence and "what was known when" for a selected event. Every number is computed
from the values passed in, never typed.

Nothing here escapes: the figure passes these through figures.style.escape/wrap, the UI through
usjp/ui/markdown.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from usjp.analysis.holdings import APPROX_DAY, LAG_MONTHS, Publication, TicVintage
from usjp.catalog import SeriesSpec
from usjp.events import Event
from usjp.figures.credits import source_line

PAGE_TITLE = "The card: who holds US Treasuries"
PAGE_CAPTION = (
    "In May 2025 Japan's finance minister called its holdings of US Treasuries a card in trade talks. "
    "How big is that card, next to China's, the United Kingdom's and everyone abroad's, and what did anyone "
    "know of it on a given day? Treasury's TIC figures come out about six to seven weeks after the month "
    "they describe."
)
KNOWN_TOGGLE = "Plot each month when it was first published"
KNOWN_HELP = (
    "TIC figures for a month are published mid-month two months later. On, each month's figure sits at the "
    "date it was first published (a TIC release on the timeline, or the 18th two months later, marked as "
    "approximate), so the chart shows what was known on any day."
)
SINCE_LABEL = "From"
NOT_STORED = "first-published value not stored"
MARKER_LANE = "Events"
SHARE_AXIS = "Japan's share, %"
CHANGE_AXIS = "12-month change, $bn"
HOLDINGS_AXIS = "$bn"
TOTAL_AXIS = "All foreign, $bn"


def bn(value: float) -> str:
    """$1,125.9bn."""
    return f"${value:,.1f}bn"


def signed_bn(value: float) -> str:
    """+$46.6bn / −$12.0bn."""
    return f"{'+' if value >= 0 else '−'}${abs(value):,.1f}bn"


def month_name(month: dt.date) -> str:
    return f"{month:%B %Y}"


def approx_rule() -> str:
    """How an approximate publication date is set (in words, from the constants)."""
    return f"the {APPROX_DAY}th of the month {LAG_MONTHS} months after the data month"


def title(month: dt.date, japan: float, share_pct: float) -> str:
    """'Japan held $1,185.5bn of US Treasuries at the end of December 2025: 12.8% of all held abroad'."""
    when = month_name(month)
    return f"Japan held {bn(japan)} of US Treasuries at the end of {when}: {share_pct:.1f}% of all held abroad"


def subtitle(known: bool, dated: int, approximate: int, start: dt.date, with_debt: bool) -> str:
    """What the chart shows, and in 'known' mode how many points are dated by a release and how many approximately."""
    panels = (
        "Holdings at the end of each month (TIC); Japan's share of all foreign holdings and its change from a "
        "year earlier; Japan's currency interventions by day"
    )
    if not known:
        debt = "; dotted: foreign-held federal debt (quarterly), for scale" if with_debt else ""
        return f"{panels}{debt}. From {start:%b %Y}."
    return (
        f"{panels}. Each month is plotted when its figure was first published: {dated} dated by a TIC release "
        f"on the timeline, {approximate} approximate (open markers: {approx_rule()}). From {start:%b %Y}."
    )


def sources(specs: Sequence[SeriesSpec], interventions: SeriesSpec | None) -> list[str]:
    """One source line per publisher: the TIC series share one line naming their rows."""
    tic = [s.source_id.removeprefix("MFH:") for s in specs if s.source == "tic"]
    lines = [f"Source: U.S. Department of the Treasury, TIC Major Foreign Holders ({'; '.join(tic)})"] if tic else []
    lines += list(dict.fromkeys(source_line(s) for s in specs if s.source != "tic"))
    if interventions is not None:
        lines.append(f"Interventions: {interventions.publisher}, {interventions.citation}")
    return lines


def as_of(items: Sequence[tuple[SeriesSpec, dt.date]]) -> str:
    """'Data as of: TIC December 2025, Foreign-held debt quarter from 01 Jan 2026, Interventions 06 May 2026'."""
    parts: dict[str, str] = {}
    for spec, last in items:
        if spec.source == "tic":
            parts.setdefault("TIC", f"TIC {month_name(last)}")
        elif spec.frequency == "quarterly":
            parts[spec.key] = f"{spec.short} quarter from {last:%d %b %Y}"
        else:
            parts[spec.key] = f"{spec.short} {last:%d %b %Y}"
    return "Data as of: " + ", ".join(parts.values()) if parts else ""


def point_hover(name: str, month: dt.date, value: float, publication: Publication) -> str:
    """'Japan, February 2025: $1,125.9bn<br>first published 16 Apr 2025 (TIC release)' (the figure escapes)."""
    how = "approximate date" if publication.approximate else "TIC release on the timeline"
    return f"{name}, {month_name(month)}: {bn(value)} · first published {publication.published:%d %b %Y} ({how})"


def latest_sentence(
    month: dt.date, values: dict[str, float], share_pct: float, change: float | None, total: float
) -> str:
    """The latest month in words: Japan, its share and 12-month change, China and the UK."""
    year = f", {signed_bn(change)} on a year earlier" if change is not None else ""
    others = ", ".join(f"{name} {bn(v)}" for name, v in values.items() if name != "Japan")
    return (
        f"At the end of {month_name(month)} Japan held {bn(values['Japan'])} of US Treasuries{year}: "
        f"{share_pct:.1f}% of the {bn(total)} held by all foreign holders. {others}."
    )


def alt_text(headline: str, known: bool, events: int, intervention_days: int) -> str:
    """The chart in words, for screen readers."""
    mode = "each month at the date it was first published" if known else "each month at its end"
    return (
        f"Line chart with three panels. {headline}. Holdings of Japan, China, the UK and all foreign holders, "
        f"{mode}; Japan's share and 12-month change; {intervention_days} intervention days as bars; "
        f"{events} events marked above."
    )


def debt_left_out() -> str:
    return "Foreign-held federal debt is left out in this mode: its publication dates are not stored."


# -- what was known when ------------------------------------------------------------------------------
def known_heading(event: Event) -> str:
    return f"What was known on {event.date:%d %b %Y}"


def known_lines(
    event: Event,
    latest: Publication | None,
    release: Event | None,
    stored: float | None,
    retrieved: str,
    vintages: Sequence[TicVintage],
) -> list[str]:
    """The latest Japan figure published before `event`, today's stored figure for that month, the stored
    later publications, and whether revisions changed it (only as far as stored data can tell)."""
    if latest is None:
        return ["No TIC figure for Japan had been published before this event in the stored data."]
    when = f"{latest.published:%d %b %Y}"
    how = f"TIC release: “{release.title}”" if release is not None else f"approximate date, {approx_rule()}"
    lines = [f"Latest TIC figure published before the event: {month_name(latest.month)}, published {when} ({how})."]
    first = next((v for v in vintages if v.first_release), None)
    if first is not None:
        lines.append(f"First published: {bn(first.value)} ({first.document}, {first.published:%d %b %Y}).")
    else:
        lines.append(f"First published on {when}: {NOT_STORED}.")
    if stored is None:
        lines.append(f"Today's stored figure for {month_name(latest.month)}: not in the stored data.")
        return lines
    lines.append(f"Today's stored figure for {month_name(latest.month)}: {bn(stored)} (retrieved {retrieved}).")
    later = sorted((v for v in vintages if not v.first_release), key=lambda v: v.published)
    if later:
        listed = "; ".join(f"{v.published:%d %b %Y}: {bn(v.value)}" for v in later)
        lines.append(f"Later publications stored: {listed}.")
    lines.append(revision_verdict(first, later, stored))
    return lines


def revision_verdict(first: TicVintage | None, later: Sequence[TicVintage], stored: float) -> str:
    """Whether revisions changed the figure, saying only what the stored vintages show."""
    if first is not None:
        change = stored - first.value
        if abs(change) < 0.05:
            return "Revisions since it was first published have not changed it."
        return f"Revisions since it was first published changed it by {signed_bn(change)}."
    values = {round(v.value, 1) for v in later} | {round(stored, 1)}
    if later and len(values) == 1:
        span = f"{later[0].published:%d %b %Y}"
        return (
            f"Every stored publication since {span} gives the same figure, so the revisions since then left it "
            "unchanged; whether it changed between its first publication and then cannot be told from stored data."
        )
    if later:
        return "The stored publications disagree: later revisions changed it (see the figures above)."
    return "No earlier publication is stored, so whether revisions changed it cannot be told from stored data."
