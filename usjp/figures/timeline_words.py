"""The timeline chart's own words, as plain text from pure functions: the marker key (filled or open),
an event's sourcing in its hover and in lists, the intervention panel's label and hovers, the release
lane's label and hovers.

Nothing here escapes: the figure passes these through figures.style.escape/wrap, the UI through
usjp/ui/markdown.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from usjp.catalog import SeriesSpec
from usjp.events import Event, status
from usjp.releases import RELEASE_KINDS, Release, release_kind

FILLED, OPEN = "●", "○"
ZONES = {"America/New_York": "ET", "Asia/Tokyo": "JST"}  # how a release's time zone is written
# The intervention record's unit: one value is ¥100 million, so ¥1 trillion is 10,000 of them.
PER_TRILLION = 10_000
PER_BILLION = 10


# -- sourcing -------------------------------------------------------------------------------------
def plural(n: int, noun: str) -> str:
    """'1 row', '1,204 rows': a count and its noun (regular plurals only)."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def sourcing_note(event: Event) -> str:
    """'Thinly sourced', 'Reported', 'Disputed' for an event drawn open; '' for a confirmed one."""
    record = status(event.status)
    return record.label if record.hollow else ""


def marker_key(events: Iterable[Event]) -> str:
    """'● confirmed  ○ thinly sourced or reported': what filled and open markers mean, naming only the
    open statuses among `events`; '' when every event is confirmed (there is nothing open to explain)."""
    open_labels = list(dict.fromkeys(status(e.status).label.lower() for e in events if status(e.status).hollow))
    if not open_labels:
        return ""
    named = open_labels[0] if len(open_labels) == 1 else ", ".join(open_labels[:-1]) + " or " + open_labels[-1]
    return f"{FILLED} confirmed   {OPEN} {named}"


def event_option(event: Event) -> str:
    """An event as a list shows it: '02 May 2025 · Kato: Treasuries are a card', with its sourcing
    when it is drawn open (' (thinly sourced)'), so a list says what the open marker says."""
    note = sourcing_note(event)
    return f"{event.date:%d %b %Y} · {event.title}" + (f" ({note.lower()})" if note else "")


# -- labels and clusters ----------------------------------------------------------------------------
def labels_dropped(n: int) -> str:
    """'2 labels left out for lack of room' (in the subtitle, so a chart never hides that it hid some)."""
    return f"{n} label{'s' if n != 1 else ''} left out for lack of room"


def cluster_title(n: int, first: dt.date, last: dt.date) -> str:
    """'3 events, 2–4 May 2025' (a cluster's hover heading)."""
    if first == last:
        when = f"{first:%-d %b %Y}"
    elif (first.year, first.month) == (last.year, last.month):
        when = f"{first:%-d}–{last:%-d %b %Y}"
    elif first.year == last.year:
        when = f"{first:%-d %b} – {last:%-d %b %Y}"
    else:
        when = f"{first:%-d %b %Y} – {last:%-d %b %Y}"
    return f"{n} events, {when}"


def cluster_lines(events: Iterable[Event], listed: int) -> list[str]:
    """The events a cluster stands for, one per line ('02 May · Kato: ...'), at most `listed`, then
    'and 12 more', then what a click does."""
    ordered = sorted(events, key=lambda e: (e.date, e.id))
    lines = [f"{e.date:%d %b %Y} · {e.title}" for e in ordered[:listed]]
    if len(ordered) > listed:
        lines.append(f"and {len(ordered) - listed} more")
    lines.append("Click to zoom in on them")
    return lines


# -- interventions --------------------------------------------------------------------------------
def intervention_axis(compact: bool = False) -> str:
    """The intervention panel's label: its unit and which way is which (the bars' colours say it too)."""
    if compact:
        return "Japan's interventions, ¥ trillion: + bought yen, − sold yen"
    return "Japan's currency interventions, ¥ trillion per day: + bought yen (up), − sold yen (down)"


def yen_amount(amount: float) -> str:
    """An amount in units of ¥100 million, in words: 28,382 -> '¥2.84 trillion', 7,296 -> '¥730 billion',
    139 -> '¥13.9 billion' (the sign is left to the direction)."""
    size = abs(amount)
    if size >= PER_TRILLION:
        return f"¥{size / PER_TRILLION:.2f} trillion"
    billions = size / PER_BILLION
    return f"¥{billions:,.0f} billion" if billions >= 100 else f"¥{billions:.1f} billion"


def intervention_hover(day: dt.date, amount: float) -> str:
    """'Thu 22 Sep 2022: Japan bought yen, ¥2.84 trillion' (amount signed: + yen bought, − yen sold)."""
    direction = "bought" if amount > 0 else "sold"
    return f"{day:%a %d %b %Y}: Japan {direction} yen, {yen_amount(amount)}"


def interventions_source(spec: SeriesSpec) -> str:
    """The chart's source line for the bars: 'Interventions: Ministry of Finance, Japan, MOF FEIO'."""
    return f"Interventions: {spec.publisher}, {spec.citation}"


# -- scheduled releases ---------------------------------------------------------------------------
RELEASES_TOGGLE = "Scheduled releases"


def releases_help() -> str:
    """The toggle's help: what the lane shows, and that releases are not events."""
    kinds = [k.label for k in RELEASE_KINDS]
    named = ", ".join(kinds[:-1]) + " and " + kinds[-1] if len(kinds) > 1 else "".join(kinds)
    return (
        f"{named} as thin ticks in a lane under the events: they move these markets too. "
        "They are not events of the timeline: hover one for what and when; they have no details and are "
        "not counted."
    )


def releases_notice(problems: int, shown: int) -> str:
    """A calendar file with problems: what is shown meanwhile (the list follows the notice)."""
    if not shown:
        what = "no releases are shown"
    else:
        what = "the one release that passed is shown" if shown == 1 else f"the {shown:,} releases that passed are shown"
    return (
        f"The calendar of scheduled releases (data/calendar.yaml) has {problems} problem"
        f"{'s' if problems != 1 else ''}, so {what}."
    )


def releases_outside(first: dt.date, last: dt.date) -> str:
    """Releases asked for, none in the window: say what the calendar covers, so the missing lane is explained."""
    return f"No scheduled releases fall in this date range: the calendar covers {first:%d %b %Y} to {last:%d %b %Y}."


def releases_lane(compact: bool = False) -> str:
    """The label of the lane of scheduled releases."""
    return "Releases" if compact else "Scheduled releases"


def release_text(release: Release) -> str:
    """'US employment report for April 2025 · 2 May 2025 08:30 ET': the kind (when the title does not
    already say it), the title, and when it came out in its own time zone, said to be approximate when
    the time is a convention, not the published minute."""
    kind = release_kind(release.kind).label
    what = release.title if kind.lower() in release.title.lower() else f"{kind}: {release.title}"
    day = release.date
    when = f"{day.day} {day:%b %Y} {release.time} {ZONES.get(release.tz, release.tz)}"
    return f"{what} · {when}" + (" (approximate time)" if release.approximate_time else "")
