"""`python -m usjp validate [--json]`: check data/events.yaml, the committed snapshot and the local cache.

Every stored copy gets the checks the app makes before it shows one (usjp/data/store.py), so what
validate passes the app uses, and what it reports the app refuses. Each problem is one line,
`file[:line]: reason (specifics)`; exit 1 on any. Never a traceback: an unexpected error becomes one
line naming the file being checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from usjp import catalog
from usjp.data import events_file, store, verify
from usjp.paths import data_dir, events_path


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
    for key, item in report["series"].items():
        if item["rejected"]:
            print(f"{key}: {_uses_sentence(item)}")
    counts = {name: sum(i["uses"] == name for i in report["series"].values()) for name in ("snapshot", "cache")}
    print(
        f"{report['events']} events, {counts['snapshot']} series from the snapshot, {counts['cache']} from the "
        f"local cache, {len(report['errors'])} error(s)"
    )


def _uses_sentence(item: dict) -> str:
    failed = "; ".join(f"the {r['store']} copy failed: {r['reason']}" for r in item["rejected"])
    if item["uses"] is None:
        return f"unavailable in the app ({failed})"
    return f"the app uses the {item['uses']} copy ({failed})"


def _report(checking: list[str]) -> dict:
    path = events_path()
    events, errors = events_file.load_events_file(path)
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
    return {"events": len(events), "errors": errors, "series": series}


def _shown(path: Path) -> str:
    """`path` relative to the data folder's parent, as every other message names files."""
    try:
        return str(path.relative_to(data_dir().parent))
    except ValueError:
        return str(path)
