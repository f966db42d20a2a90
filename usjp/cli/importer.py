"""`python -m usjp import FILE... [--to cache|snapshot]`: FRED, yfinance and TIC CSV files into the store."""

from __future__ import annotations

import argparse
import sys

from usjp.data import store
from usjp.data.importer import ImportRefused, import_paths
from usjp.data.sources.csvfile import DataFormatError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("import", help="import FRED/yfinance/TIC CSV files into the cache or the snapshot")
    p.add_argument("paths", nargs="+")
    p.add_argument("--to", choices=("cache", "snapshot"), default="cache")
    p.add_argument("--ticker", help="Yahoo ticker for a single-header yfinance file named otherwise")
    p.add_argument("--series", help="catalog key to store a one-series file under")
    p.add_argument("--note", help="provenance note recorded in the manifest")
    p.set_defaults(func=cmd_import)


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
