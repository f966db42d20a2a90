"""`python -m usjp refresh [--series KEY...] [--timeout S] [--accept-revisions] [--wait S]`: fetch new data.

The engine is usjp/data/refresh.py; this module reads the FRED key, shows progress and prints the table,
and turns Ctrl-C, SIGTERM and SIGHUP into a prompt, clean stop (`interruptible`).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import tomllib
from collections.abc import Iterator

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
    width = max(len("series"), *map(len, catalog.CATALOG))  # the same columns whichever series ran
    lines = [f"{'series':{width}} {'result':9} {'new':>6} {'revised':>7} {'same':>6}  {'through':10}  reason"]
    for o in report.outcomes:
        checked = o.status in ("updated", "unchanged")  # a failed or skipped series has no counts
        counts = (f"{o.new:6} {o.revised:7} {o.unchanged:6}") if checked else f"{'-':>6} {'-':>7} {'-':>6}"
        lines.append(f"{o.key:{width}} {o.status:9} {counts}  {o.through or '-':10}  {o.reason}".rstrip())
    return "\n".join(lines)


INTERRUPTED = "refresh interrupted: nothing was written; the stored data is unchanged"
INTERRUPTED_WHILE_STORING = (
    "refresh interrupted while storing: the write was let finish (the table above says what was stored)"
)
STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


class Interrupted(BaseException):
    """A stop signal arrived. A BaseException, like KeyboardInterrupt: no `except Exception` on the
    way up may take it for a fetch failure and carry on."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def interruptible() -> Iterator[dict]:
    """SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the refresh within a fraction of a second.

    The handler kills every fetch process (net.cancel_all: the threads waiting for them then return
    at once, so no thread pool waits out a deadline) and raises Interrupted in the main thread. Nothing
    has been written at that point: a refresh writes only at its end, through the store's journal.
    Once the write has begun (`committing`, which the caller passes to refresh.refresh), a signal is
    only noted in state["signal"] and the write (milliseconds) finishes. A signal that is ignored
    when we start (nohup, a background job) stays ignored. Off the main thread this does nothing.
    """
    state: dict = {"writing": False, "signal": None}

    def handler(signum: int, frame: object) -> None:
        first = state["signal"] is None
        state["signal"] = signum
        if state["writing"]:
            return
        net.cancel_all()
        if first:  # a second Ctrl-C while we unwind must not interrupt the clean-up
            raise Interrupted(signum)

    state["committing"] = lambda: state.update(writing=True)
    installed: dict[int, object] = {}
    if threading.current_thread() is threading.main_thread():
        for name in STOP_SIGNALS:
            signum = getattr(signal, name, None)
            if signum is not None and signal.getsignal(signum) is not signal.SIG_IGN:
                installed[signum] = signal.signal(signum, handler)
    try:
        yield state
    finally:
        for signum, previous in installed.items():
            signal.signal(signum, previous)
        net.reset_cancel()  # every fetch thread has ended: the refresh's pool waited for them


def _say(line: str) -> None:
    """One line on stderr, on a line of its own after a progress bar redrawn in place."""
    with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
        sys.stderr.write(("\n" if sys.stderr.isatty() else "") + line + "\n")
        sys.stderr.flush()


def cmd_refresh(args: argparse.Namespace) -> int:
    try:
        with interruptible() as state:
            report = refresh.refresh(
                args.series,
                api_key=api_key_from_env(),
                timeout=args.timeout,
                accept_revisions=args.accept_revisions,
                lock_wait=args.wait,
                progress=_progress_bar(),
                committing=state["committing"],
            )
    except Interrupted as stop:
        _say(INTERRUPTED)
        return 128 + stop.signum  # the shell's convention: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP
    print(format_table(report))
    print(report.summary())
    if state["signal"] is not None:  # it came once the write had begun, and waited for it
        sys.stdout.flush()
        _say(INTERRUPTED_WHILE_STORING)
        return 128 + state["signal"]
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
