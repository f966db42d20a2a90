"""Command line: `python -m usjp validate|import ...`."""

from __future__ import annotations

import argparse
import json
import sys

from usjp import events, store
from usjp.imports import ImportRefused, import_paths
from usjp.sources.csvfile import DataFormatError


def cmd_validate(args: argparse.Namespace) -> int:
    path = events.events_path()
    try:
        good, problems = events.parse_events(path.read_text(encoding="utf-8"), f"data/{path.name}")
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


def cmd_import(args: argparse.Namespace) -> int:
    try:
        done = import_paths(args.paths, to=args.to, ticker=args.ticker, series_key=args.series, note=args.note)
    except (DataFormatError, ImportRefused, KeyError, store.StoreError) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        print("nothing was written; the stored data is unchanged", file=sys.stderr)
        return 1
    for item in done:
        print(f"{item.key:14} {item.rows:6} rows  {item.first} .. {item.last}  -> {item.target}")
    return 0


_EXTRA_COMMANDS: list[str] = ["usjp.stats", "usjp.refresh"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m usjp", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check data/events.yaml and the committed snapshot")
    p.add_argument("--json", action="store_true", help="print a JSON object instead of lines")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("import", help="import FRED/yfinance/TIC CSV files into the cache or the snapshot")
    p.add_argument("paths", nargs="+")
    p.add_argument("--to", choices=("cache", "snapshot"), default="cache")
    p.add_argument("--ticker", help="Yahoo ticker for a single-header yfinance file named otherwise")
    p.add_argument("--series", help="catalog key to store a one-series file under")
    p.add_argument("--note", help="provenance note recorded in the manifest")
    p.set_defaults(func=cmd_import)

    # Further subcommands live in their own modules, each with `register(subparsers)`.
    for module in _EXTRA_COMMANDS:
        __import__(module, fromlist=["register"]).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
