"""Reading and validating data/events.yaml: every problem reported as `file:line id field: message`."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from usjp.events import Event
from usjp.paths import events_path

# libyaml's safe loader when PyYAML was built with it (about 10x faster on the timeline file).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class EventError(Exception):
    """Problems in the events file; `problems` holds one `file:line id field: message` per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def _id_lines(text: str) -> list[int]:
    """The 1-based line of each top-level list item, in order."""
    return [n for n, line in enumerate(text.splitlines(), start=1) if line.startswith("- ")]


def parse_events(text: str, path: str | Path = "events.yaml") -> tuple[list[Event], list[str]]:
    """Parse and validate; return the good events and a list of problems (empty when all is well)."""
    try:
        raw = yaml.load(text, Loader=_YAML_LOADER)  # a safe loader (C or Python), never yaml.Loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        return [], [f"{path}:{line} - yaml: {getattr(exc, 'problem', None) or exc}"]
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        return [], [f"{path}:1 - file: expected a list of events"]
    lines = _id_lines(text)
    events: list[Event] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(raw):
        line = lines[i] if i < len(lines) else 0
        ident = item.get("id", f"#{i + 1}") if isinstance(item, dict) else f"#{i + 1}"
        if not isinstance(item, dict):
            problems.append(f"{path}:{line} {ident} entry: expected a mapping of fields")
            continue
        try:
            event = Event.model_validate(item)
        except ValidationError as exc:
            for err in exc.errors():
                field = ".".join(str(p) for p in err["loc"]) or "event"
                message = err["msg"].removeprefix("Value error, ")
                if ":" in message and not err["loc"]:
                    field, _, message = message.partition(": ")
                problems.append(f"{path}:{line} {ident} {field}: {message}")
            continue
        if event.id in seen:
            problems.append(f"{path}:{line} {event.id} id: duplicate of the event on line {seen[event.id]}")
            continue
        seen[event.id] = line
        events.append(event)
    events.sort(key=lambda e: (e.date, e.id))
    return events, problems


def read_events(path: Path | None = None) -> list[Event]:
    """All events from the events file, or EventError listing every problem."""
    path = path or events_path()
    events, problems = parse_events(path.read_text(encoding="utf-8"), path.name)
    if problems:
        raise EventError(problems)
    return events
