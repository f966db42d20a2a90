"""`python -m usjp validate [--json]`: check data/events.yaml, data/calendar.yaml, the classroom stories
(data/stories/*.yaml: structure, and every number and answer computable from the data), the committed
snapshot and the local cache.

Every stored copy gets the checks the app makes before it shows one (usjp/data/store.py), so what
validate passes the app uses, and what it reports the app refuses. Each problem is one line,
`file[:line]: reason (specifics)`; exit 1 on any. Never a traceback: an unexpected error becomes one
line naming the file being checked. A source known only by our description (its headline unknown) is a
warning, one line each, `data/events.yaml:LINE id sources.K: no headline (description only)`; warnings
leave the exit status alone.

`--json` keys: events (how many passed), stories (how many passed), errors, series (which copy the app
uses), events_by_status, events_by_category, sources_by_kind ("unclassified" for a source without a
kind), sources_without_url, sources_with_description, quotes_with_original, calendar (entries, by_kind,
first, last), warnings.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from usjp import catalog
from usjp.cli import export
from usjp.data import calendar_file, events_file, store, verify, yaml_list
from usjp.events import CATEGORIES, SOURCE_KINDS, STATUSES, Event, tally
from usjp.paths import data_dir, events_path, stories_dir
from usjp.releases import RELEASE_KIND_SLUGS, Release
from usjp.story import files
from usjp.story.facts import StoryData


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check data/events.yaml, the snapshot and the local cache")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of lines")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    checking = [str(events_path())]  # what is being checked, for the message of an unexpected error
    try:
        report = _report(checking)
    except Exception as exc:  # a bug, or a surprise of the filesystem: one line, never a traceback
        message = f"{checking[-1]}: validate failed unexpectedly ({type(exc).__name__}: {str(exc)[:200]})"
        if args.json:
            print(json.dumps({"events": 0, "errors": [message], "series": {}}, indent=2))
        else:
            print(message)
        return 1
    try:
        _print(report, args.json)
    except BrokenPipeError:  # the reader went away (`validate | head`): no traceback for that either
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 1 if report["errors"] else 0


def _print(report: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for problem in report["errors"]:
        print(problem)
    for warning in report["warnings"]:
        print(warning)
    for key, item in report["series"].items():
        if item["rejected"]:
            print(f"{key}: {_uses_sentence(item)}")
    for line in _count_lines(report):
        print(line)
    counts = {name: sum(i["uses"] == name for i in report["series"].values()) for name in ("snapshot", "cache")}
    print(
        f"{report['events']} events, {report['stories']} stories, {counts['snapshot']} series from the snapshot, "
        f"{counts['cache']} from the local cache, {len(report['errors'])} error(s)"
    )


def _listing(counts: dict[str, int]) -> str:
    return ", ".join(f"{name} {n}" for name, n in counts.items())


def _count_lines(report: dict) -> list[str]:
    """The counts of the JSON report in a few lines of text."""
    sources = sum(report["sources_by_kind"].values())
    cal = report["calendar"]
    span = f" from {cal['first']} to {cal['last']}" if cal["entries"] else ""
    return [
        f"events by status: {_listing(report['events_by_status'])}",
        f"events by category: {_listing(report['events_by_category'])}",
        f"sources: {sources} ({_listing(report['sources_by_kind'])}); "
        f"{report['sources_with_description']} with a description instead of a headline, "
        f"{report['sources_without_url']} without a url; "
        f"quotes with the original words: {report['quotes_with_original']}",
        f"calendar: {cal['entries']} scheduled releases{span} ({_listing(cal['by_kind'])})",
    ]


def _uses_sentence(item: dict) -> str:
    failed = "; ".join(f"the {r['store']} copy failed: {r['reason']}" for r in item["rejected"])
    if item["uses"] is None:
        return f"unavailable in the app ({failed})"
    return f"the app uses the {item['uses']} copy ({failed})"


def _report(checking: list[str]) -> dict:
    path = events_path()
    events, errors = events_file.load_events_file(path)
    checking.append(str(calendar_file.calendar_path()))
    releases, calendar_errors = calendar_file.load_calendar_file()
    errors += calendar_errors
    stores = (store.snapshot(), store.cache())
    bundled = stores[0].root / store.MANIFEST
    if not os.path.lexists(bundled):
        errors.append(f"{_shown(bundled)}: manifest missing (the bundled snapshot is not there)")
    for found in stores:
        checking.append(str(found.root))
        errors += verify.check_store(found)
    series = {}
    for key in catalog.CATALOG:
        checking.append(f"{stores[1].root / f'{key}.csv'} and {stores[0].root / f'{key}.csv'}")
        resolved = verify.resolve(key)
        # The one check across stores (a cache copy must keep the snapshot's history); the others
        # were reported with every problem by verify.check_store above.
        errors += [r.detail for r in resolved.rejected if r.reason == "fewer dates than the bundled copy"]
        if resolved.series is None and not resolved.rejected:
            continue
        used = resolved.series
        series[key] = {
            "uses": None if used is None else used.store,
            "first": None if used is None else f"{used.values.index[0]:%Y-%m-%d}",
            "last": None if used is None else f"{used.values.index[-1]:%Y-%m-%d}",
            "rows": None if used is None else len(used.values),
            "rejected": [{"store": r.store, "reason": r.reason, "detail": r.detail} for r in resolved.rejected],
        }
    checking.append(str(stories_dir()))
    story_count, story_errors = _stories()
    errors += story_errors
    checking.append(str(path))
    return {
        "events": len(events),
        "stories": story_count,
        "errors": errors,
        "series": series,
        **_event_counts(events),
        "calendar": _calendar_counts(releases),
        "warnings": _description_warnings(events, path),
    }


def _stories() -> tuple[int, list[str]]:
    """(how many stories passed, a `file:line field: message` per problem): each file's structure, then
    what the data must back (views, events, every placeholder, every prediction's answer)."""
    loaded = files.read_stories()
    if not loaded:
        return 0, []
    everything = export.load_events().events
    data = StoryData(lambda key: found.values if (found := verify.read_newest(key)) else None, everything)
    stored, bounds = export.available_keys(), export.date_bounds()
    errors: list[str] = []
    good = 0
    for item in loaded:
        problems = [*item.problems, *files.check_story(item, data, stored, bounds)]
        errors += problems
        good += item.story is not None and not problems
    return good, errors


def _event_counts(events: Sequence[Event]) -> dict:
    """How the events that passed divide by status and category, and what their sources and quotes are
    (events.tally's counts, with a zero for every status, category and kind that has none)."""
    t = tally(events)
    return {
        "events_by_status": {slug: t.by_status.get(slug, 0) for slug in STATUSES},
        "events_by_category": {slug: t.by_category.get(slug, 0) for slug in CATEGORIES},
        "sources_by_kind": {kind: t.sources_by_kind.get(kind, 0) for kind in (*SOURCE_KINDS, "unclassified")},
        "sources_without_url": sum(not s.url for e in events for s in e.sources),  # the model requires one
        "sources_with_description": t.described_sources,
        "quotes_with_original": t.quotes_with_original,
    }


def _calendar_counts(releases: Sequence[Release]) -> dict:
    """The calendar's entries that passed: how many, of which kind, first and last date."""
    return {
        "entries": len(releases),
        "by_kind": {slug: sum(r.kind == slug for r in releases) for slug in RELEASE_KIND_SLUGS},
        "first": min(r.date for r in releases).isoformat() if releases else None,
        "last": max(r.date for r in releases).isoformat() if releases else None,
    }


def _description_warnings(events: Sequence[Event], path: Path) -> list[str]:
    """`data/events.yaml:LINE id sources.K: no headline (description only)` for each source known only by our
    description, LINE being that source's own line in the file (the event's when it cannot be found)."""
    flagged = [(e, k) for e in events for k, s in enumerate(e.sources) if s.title is None]
    if not flagged:
        return []
    lines = _source_lines(path)
    label = _shown(path)
    located = sorted((lines.get((e.id, k), lines.get((e.id, None), 0)), e.id, k) for e, k in flagged)
    return [f"{label}:{line} {ident} sources.{k}: no headline (description only)" for line, ident, k in located]


def _source_lines(path: Path) -> dict[tuple[str, int | None], int]:
    """(event id, source index) -> line, and (event id, None) -> the event's line, from the YAML node tree.

    Called only after load_events_file read the file: it has passed the size, value-count and alias
    checks, so composing it again (no values built, aliases not expanded) is bounded."""
    text, _problem = yaml_list.read_text(path, str(path))
    if text is None:
        return {}
    try:
        root = yaml.compose(text, Loader=yaml_list.YAML_LOADER)
    except yaml.YAMLError:
        return {}
    found: dict[tuple[str, int | None], int] = {}
    for entry in root.value if isinstance(root, yaml.SequenceNode) else []:
        if not isinstance(entry, yaml.MappingNode):
            continue
        fields = {k.value: v for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
        ident = fields.get("id")
        if not isinstance(ident, yaml.ScalarNode):
            continue
        found[(ident.value, None)] = entry.start_mark.line + 1
        sources = fields.get("sources")
        for k, node in enumerate(sources.value if isinstance(sources, yaml.SequenceNode) else []):
            found[(ident.value, k)] = node.start_mark.line + 1
    return found


def _shown(path: Path) -> str:
    """`path` relative to the data folder's parent, as every other message names files."""
    try:
        return str(path.relative_to(data_dir().parent))
    except ValueError:
        return str(path)
