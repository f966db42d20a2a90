"""Reading and validating data/calendar.yaml: every problem reported as `file:line id field: message`.

The same guards as the events file (usjp/data/events_file.py, whose machinery this reuses unchanged):
the file is checked to be a regular file within MAX_FILE_BYTES before a byte is read, UTF-8, at most
MAX_NODES YAML values counted before anything is built, no alias bomb; then at most MAX_RELEASES
entries. `load_calendar_file` never raises for a bad file; `read_calendar` raises CalendarError.
"""

from __future__ import annotations

from pathlib import Path

from usjp.data.yaml_list import entries, file_label, read_text, validate_entries
from usjp.paths import data_dir
from usjp.releases import Release

MAX_RELEASES = 1_000  # entries: about 40 releases a year, so decades of calendar fit


class CalendarError(Exception):
    """Problems in the calendar file; `problems` holds one `file:line id field: message` per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def calendar_path() -> Path:
    """The calendar of scheduled releases: data/calendar.yaml."""
    return data_dir() / "calendar.yaml"


def parse_calendar(text: str, path: str | Path = "calendar.yaml") -> tuple[list[Release], list[str]]:
    """Parse and validate; the good releases sorted by (date, time, id) and a list of problems."""
    found, problems = entries(text, path, "releases", MAX_RELEASES)
    if problems:
        return [], problems
    releases, problems = validate_entries(found, Release, path, "release")
    releases.sort(key=lambda r: (r.date, r.time, r.id))
    return releases, problems


def load_calendar_file(path: Path | None = None, label: str | None = None) -> tuple[list[Release], list[str]]:
    """The good releases of the calendar file and every problem with it; never raises for a bad file.

    `label` names the file in problems (default: `data/calendar.yaml` for the file in the data folder,
    else the path as given)."""
    path = path or calendar_path()
    label = label or file_label(path)
    text, problem = read_text(path, label)
    if problem is not None:
        return [], [problem]
    return parse_calendar(text, label)


def read_calendar(path: Path | None = None) -> list[Release]:
    """All releases of the calendar file, or CalendarError listing every problem (a missing file included)."""
    releases, problems = load_calendar_file(path)
    if problems:
        raise CalendarError(problems)
    return releases
