"""`python -m usjp validate [--json]`: check data/events.yaml and the committed snapshot (exit 1 on any error)."""

from __future__ import annotations

import argparse
import json

from usjp.data import events_file, store
from usjp.paths import events_path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("validate", help="check data/events.yaml and the committed snapshot")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of lines")
    p.set_defaults(func=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> int:
    path = events_path()
    try:
        good, problems = events_file.parse_events(path.read_text(encoding="utf-8"), f"data/{path.name}")
    except FileNotFoundError:
        good, problems = [], [f"data/{path.name}:0 - file: missing"]
    snap = store.snapshot()
    problems += snap.check()
    known = set(snap.keys())
    series = {k: {f: snap.manifest()["series"][k][f] for f in ("first", "last", "rows")} for k in sorted(known)}
    if args.json:
        print(json.dumps({"events": len(good), "errors": problems, "series": series}, indent=2))
    else:
        for problem in problems:
            print(problem)
        print(f"{len(good)} events, {len(series)} snapshot series, {len(problems)} error(s)")
    return 1 if problems else 0
