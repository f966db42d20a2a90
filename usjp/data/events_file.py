"""Reading and validating data/events.yaml: every problem reported as `file:line id field: message`.

`load_events_file` never raises for a bad file: whatever is at the path (nothing, a directory, a FIFO,
a device, a huge file, bytes that are not UTF-8, YAML that is not a list of events, an alias bomb)
becomes a list of problems, found in bounded time and memory. The limits, each checked before the work
it bounds (documented in data/README.md):

- MAX_FILE_BYTES (2 MB): the file's size, from stat before a byte is read (and the read stops one
  byte past it should the file grow meanwhile). The timeline is ~100 KB for 77 events.
- MAX_NODES (100,000): YAML values, counted on the parser's event stream before anything is built.
  This is what bounds the time: libyaml builds ~100,000 values a second, so a file of `[1,1,1,...`
  at the byte limit (a million values) would take ten seconds; at this limit it takes about one.
- MAX_EVENTS (1,000): entries in the list, before any entry is validated. The timeline has ~55 values
  an event, so the two limits agree (1,000 events fit in 2 MB and 100,000 values with room to spare)
  and leave ~7x the ~150 events the timeline is expected to reach.
- Aliases may not expand the document past MAX_FILE_BYTES characters (see `yaml_list._alias_expansion`);
  libyaml itself stops at 1,000 levels of nesting.
- Per field: the model's own limits in usjp/events.py, the date range included.
"""

from __future__ import annotations

from pathlib import Path

from usjp.data.yaml_list import MAX_FILE_BYTES, MAX_NODES, entries, file_label, read_text, validate_entries
from usjp.events import Event
from usjp.paths import events_path

__all__ = ["MAX_EVENTS", "MAX_FILE_BYTES", "MAX_NODES", "EventError", "load_events_file", "parse_events", "read_events"]

MAX_EVENTS = 1_000


class EventError(Exception):
    """Problems in the events file; `problems` holds one `file:line id field: message` per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def parse_events(text: str, path: str | Path = "events.yaml") -> tuple[list[Event], list[str]]:
    """Parse and validate; return the good events and a list of problems (empty when all is well)."""
    found, problems = entries(text, path, "events", MAX_EVENTS)
    if problems:
        return [], problems
    events, problems = validate_entries(found, Event, path, "event")
    events.sort(key=lambda e: (e.date, e.id))
    return events, problems


def load_events_file(path: Path | None = None, label: str | None = None) -> tuple[list[Event], list[str]]:
    """The good events of the events file and every problem with it; never raises for a bad file.

    `label` names the file in problems (default: `data/events.yaml` for the file in the data folder,
    else the path as given)."""
    path = path or events_path()
    label = label or file_label(path)
    text, problem = read_text(path, label)
    if problem is not None:
        return [], [problem]
    return parse_events(text, label)


def read_events(path: Path | None = None) -> list[Event]:
    """All events from the events file, or EventError listing every problem (a missing or unreadable
    file included)."""
    path = path or events_path()
    events, problems = load_events_file(path, path.name)
    if problems:
        raise EventError(problems)
    return events
