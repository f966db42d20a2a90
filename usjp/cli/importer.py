"""`python -m usjp import FILE... [--to cache|snapshot] [--accept-revisions] [--replace]`: FRED, yfinance, TIC
and MoF intervention CSV files into the store, checked like a refresh (usjp/data/importer.py) before anything
is written."""

from __future__ import annotations

import argparse
import sys

from usjp import catalog
from usjp.data import checks, store
from usjp.data.importer import ImportRefused, import_paths
from usjp.data.sources import csvfile
from usjp.data.sources.csvfile import DataFormatError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import",
        help="import FRED/yfinance/TIC/MoF-intervention CSV files into the cache or the snapshot",
        description="Read, check and merge CSV files over the stored data (cache: snapshot and cache; snapshot: "
        "the snapshot). Refused, with nothing written, when a file is not a regular file within the limits "
        f"({csvfile.MAX_BYTES // 1_000_000} MB, {csvfile.MAX_ROWS:,} lines, {csvfile.MAX_COLUMNS} columns, "
        f"{csvfile.MAX_CELL} characters a cell), a value is not finite or outside the series' plausible range, "
        f"the file lacks more than {100 * checks.MAX_MISSING_SHARE:g}% of the stored dates it spans (any, for "
        "a record of operations such as Japan's interventions), or it "
        f"revises more than {100 * checks.MAX_REVISED_SHARE:g}% of the stored values (--accept-revisions takes "
        "them). A merge keeps every stored date; only --replace drops any.",
    )
    p.add_argument("paths", nargs="+")
    p.add_argument("--to", choices=("cache", "snapshot"), default="cache")
    p.add_argument("--ticker", help="Yahoo ticker for a single-header yfinance file named otherwise")
    p.add_argument("--series", help="catalog key to store a one-series file under")
    p.add_argument("--note", help="provenance note recorded in the manifest")
    p.add_argument(
        "--accept-revisions",
        action="store_true",
        help=f"take revisions of more than {100 * checks.MAX_REVISED_SHARE:g}%% of the stored values",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="make the file the whole stored series, dropping the stored dates it lacks (default: merge over them)",
    )
    p.set_defaults(func=cmd_import)


def cmd_import(args: argparse.Namespace) -> int:
    try:
        done = import_paths(
            args.paths,
            to=args.to,
            ticker=args.ticker,
            series_key=args.series,
            note=args.note,
            accept_revisions=args.accept_revisions,
            replace=args.replace,
        )
    except (DataFormatError, ImportRefused, checks.Refused, KeyError, store.StoreError) as exc:
        print(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", file=sys.stderr)
        print("nothing was written; the stored data is unchanged", file=sys.stderr)
        return 1
    width = max(map(len, catalog.CATALOG))  # the same columns whichever series were imported
    for item in done:
        what = f"{item.new} new, {item.revised} revised"
        if item.dropped:
            what += f", {item.dropped} stored dates dropped (--replace)"
        print(f"{item.key:{width}} {item.rows:6} rows  {item.first} .. {item.last}  -> {item.target}  ({what})")
        for remark in item.remarks:
            print(f"{'':{width}} note: {remark}")
    return 0
