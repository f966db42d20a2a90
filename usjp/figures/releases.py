"""Words about scheduled releases (data/calendar.yaml) in event windows: times, lines, warnings (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from usjp.releases import Release

# How a time zone is named after a clock time: the names readers of US and Japanese releases expect.
ZONE_NAMES = {"America/New_York": "ET", "Asia/Tokyo": "JST"}

COLUMN = "Scheduled releases"
COLUMN_HELP = (
    "US jobs and CPI reports, FOMC and BoJ decisions inside the window (data/calendar.yaml): "
    "they move these markets too"
)
WARNING_LEAD = "Scheduled releases also fall inside these windows, so the moves are not this event's alone:"


def day_text(day: dt.date) -> str:
    """'2 May 2025' (no leading zero, on every platform)."""
    return f"{day.day} {day:%B %Y}"


def release_when(release: Release) -> str:
    """'2 May 2025 08:30 ET'; 'about 12:00 JST' when the time is a convention, not the published minute."""
    zone = ZONE_NAMES.get(release.tz, release.tz)
    about = "about " if release.approximate_time else ""
    return f"{day_text(release.date)} {about}{release.time} {zone}"


def release_line(release: Release) -> str:
    """'US employment report for April 2025 (2 May 2025 08:30 ET)'."""
    return f"{release.title} ({release_when(release)})"


def known(ids: Iterable[str], by_id: Mapping[str, Release]) -> list[Release]:
    """The releases named by `ids`, in that order, unknown ids left out."""
    return [by_id[i] for i in ids if i in by_id]


def releases_sentence(releases: Sequence[Release]) -> str:
    """The stats command's line: 'scheduled releases in the windows: A (when), B (when)' ('' for none)."""
    if not releases:
        return ""
    return "scheduled releases in the windows: " + ", ".join(release_line(r) for r in releases)


def release_warning(release: Release) -> str:
    """One line of the event details' warning: '2 May 2025 was also the US employment report for April 2025
    (08:30 ET)'."""
    zone = ZONE_NAMES.get(release.tz, release.tz)
    about = "about " if release.approximate_time else ""
    return f"{day_text(release.date)} was also the {release.title} ({about}{release.time} {zone})"


def calendar_notice(problems: int) -> str:
    """Said under the statistics when the calendar file has problems: the releases that passed are used."""
    plural = "s" if problems != 1 else ""
    return (
        f"The calendar of scheduled releases (data/calendar.yaml) has {problems} problem{plural}; only the "
        "releases that passed are named here. Run “python -m usjp validate” for the list."
    )
