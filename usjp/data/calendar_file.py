"""Reading and validating data/calendar.yaml: every problem reported as `file:line id field: message`.

The same guards as the events file (usjp/data/events_file.py, whose machinery this reuses unchanged):
the file is checked to be a regular file within MAX_FILE_BYTES before a byte is read, UTF-8, at most
MAX_NODES YAML values counted before anything is built, no alias bomb; then at most MAX_RELEASES
entries. `load_calendar_file` never raises for a bad file; `read_calendar` raises CalendarError.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from usjp.data.events_file import (
    _YAML_LOADER,
    MAX_FILE_BYTES,
    MAX_NODES,
    _alias_expansion,
    _decode,
    _label,
    _read_bounded,
    _scan,
    _yaml_line,
    validate_entries,
)
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


def _entries(text: str, path: str | Path) -> tuple[list[tuple[int, object]], list[str]]:
    """(line, raw value) of each list entry, or the one problem that stops the file being read."""
    if len(text) > MAX_FILE_BYTES:  # characters: a text handed in, not read from disk
        return [], [f"{path}: {len(text):,} characters, more than the limit of {MAX_FILE_BYTES:,}"]
    loader = None
    try:
        too_many, alias = _scan(text)
        if too_many:
            return [], [f"{path}:{too_many} - yaml: more than {MAX_NODES:,} values (the limit)"]
        loader = _YAML_LOADER(text)  # a safe loader (C or Python), never yaml.Loader
        root = loader.get_single_node()
        if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == "tag:yaml.org,2002:null"):
            return [], []  # empty file, or `~` alone: no releases
        expanded, line = _alias_expansion(root) if alias else (0, 0)
        if expanded is None:
            return [], [f"{path}:{line} - yaml: an alias (*name) makes the value anchored here contain itself"]
        if expanded > MAX_FILE_BYTES:
            return [], [
                f"{path}:{line} - yaml: aliases (*name) of the value anchored here expand the file to "
                f"{expanded:,} characters, more than the limit of {MAX_FILE_BYTES:,}"
            ]
        if not isinstance(root, yaml.SequenceNode):
            return [], [f"{path}:{root.start_mark.line + 1} - file: expected a list of releases"]
        if len(root.value) > MAX_RELEASES:
            line = root.value[MAX_RELEASES].start_mark.line + 1
            return [], [f"{path}:{line} - file: {len(root.value):,} entries, more than the limit of {MAX_RELEASES:,}"]
        raw = loader.construct_document(root)
    except yaml.YAMLError as exc:
        reason = getattr(exc, "problem", None) or getattr(exc, "reason", None) or exc
        return [], [f"{path}:{_yaml_line(exc, text)} - yaml: {reason}"]
    except RecursionError:  # the pure-Python loader on deep nesting (libyaml stops at 1,000 levels)
        return [], [f"{path}: the YAML is nested too deeply"]
    finally:
        if loader is not None:
            loader.dispose()
    return [(node.start_mark.line + 1, item) for node, item in zip(root.value, raw, strict=True)], []


def parse_calendar(text: str, path: str | Path = "calendar.yaml") -> tuple[list[Release], list[str]]:
    """Parse and validate; the good releases sorted by (date, time, id) and a list of problems."""
    entries, problems = _entries(text, path)
    releases, invalid = validate_entries(entries, Release, path, "release")
    problems = [*problems, *invalid]
    releases.sort(key=lambda r: (r.date, r.time, r.id))
    return releases, problems


def load_calendar_file(path: Path | None = None, label: str | None = None) -> tuple[list[Release], list[str]]:
    """The good releases of the calendar file and every problem with it; never raises for a bad file.

    `label` names the file in problems (default: `data/calendar.yaml` for the file in the data folder,
    else the path as given)."""
    path = path or calendar_path()
    label = label or _label(path)
    data, problem = _read_bounded(path, label)
    if problem is not None:
        return [], [problem]
    text, problem = _decode(data, label)
    if problem is not None:
        return [], [problem]
    return parse_calendar(text, label)


def read_calendar(path: Path | None = None) -> list[Release]:
    """All releases of the calendar file, or CalendarError listing every problem (a missing file included)."""
    releases, problems = load_calendar_file(path)
    if problems:
        raise CalendarError(problems)
    return releases
