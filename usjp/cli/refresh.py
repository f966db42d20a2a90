"""`python -m usjp refresh [--series KEY...] [--timeout S] [--accept-revisions] [--wait S]`: fetch new data.

The engine is usjp/data/refresh.py; this module reads the FRED key, shows progress and prints the table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tomllib

from usjp import catalog
from usjp.data import refresh
from usjp.data.sources import net
from usjp.paths import secrets_path


def api_key_from_env() -> str | None:
    """FRED_API_KEY from the environment, else from .streamlit/secrets.toml (read as TOML, no Streamlit)."""
    key = os.environ.get("FRED_API_KEY", "").strip()
    if key:
        return key
    secrets = secrets_path()
    try:
        value = tomllib.loads(secrets.read_text()).get("FRED_API_KEY", "")
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None
    return str(value).strip() or None


def _progress_bar() -> refresh.Progress:
    """A plain-text progress bar on stderr (redrawn in place on a terminal, one line per step otherwise)."""

    def show(done: int, total: int, text: str) -> None:
        stream = sys.stderr
        width = 24
        filled = round(width * done / total)
        end = "\r" if stream.isatty() and done < total else "\n"
        stream.write(f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {text:<40.40}{end}")
        stream.flush()

    return show


def format_table(report: refresh.Report) -> str:
    lines = [f"{'series':14} {'result':9} {'new':>6} {'revised':>7} {'same':>6}  {'through':10}  reason"]
    for o in report.outcomes:
        counts = (f"{o.new:6} {o.revised:7} {o.unchanged:6}") if o.ok else f"{'-':>6} {'-':>7} {'-':>6}"
        lines.append(f"{o.key:14} {o.status:9} {counts}  {o.through or '-':10}  {o.reason}".rstrip())
    return "\n".join(lines)


def cmd_refresh(args: argparse.Namespace) -> int:
    report = refresh.refresh(
        args.series,
        api_key=api_key_from_env(),
        timeout=args.timeout,
        accept_revisions=args.accept_revisions,
        lock_wait=args.wait,
        progress=_progress_bar(),
    )
    print(format_table(report))
    print(report.summary())
    return report.exit_code


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "refresh",
        help="fetch new data from FRED, Yahoo and Treasury TIC into the local cache (exit 2 if any failed)",
        description="Fetch, check and merge live data into data/cache/. FRED uses FRED_API_KEY when set "
        "(environment or .streamlit/secrets.toml), else FRED's keyless CSV download. Exit code 0 when "
        "every series succeeded, 2 when any failed; failed series keep their existing data.",
    )
    p.add_argument(
        "--series", nargs="+", metavar="KEY", choices=list(catalog.CATALOG), help="catalog keys (default: all)"
    )
    p.add_argument("--timeout", type=float, default=net.DEFAULT_TIMEOUT, help="hard deadline per fetch, seconds (20)")
    p.add_argument(
        "--accept-revisions", action="store_true", help="take revisions of more than 2%% of the stored values"
    )
    p.add_argument("--wait", type=float, default=refresh.LOCK_WAIT, help="seconds to wait for another writer (30)")
    p.set_defaults(func=cmd_refresh)
