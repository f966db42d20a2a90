"""`python -m usjp export "<URL or query>" --format png --size article [--scale 2] [--out FILE]`: a
timeline view as a file, the same figure and words the app's Download panel makes.

The view is a link copied from the app (`https://host/?series=ust10y,usdjpy&range=since-election`), its
query alone (`?series=...` or `series=...`) or "" for the default view. Formats: png, svg, pdf (the chart),
csv (the plotted values), events (the events shown, CSV), html (interactive, self-contained), zip (data
package: data, events, receipt, README, CITATION.cff; --with-svg adds the chart) and receipt (JSON: where
every number came from). Sizes: article (1200x675), social (1080x1080), slide (1920x1080), print (350x420
CSS px drawn at 3x: a 3.5-inch column at 300 dpi) or WxH. `--out -` writes to standard output; without
--out the file is named after the view, in the current folder. The permalink in the footer uses
USJP_PUBLIC_URL (or --public-url) when set. Exit 0 when written, 1 when the data or the renderer fails,
2 for a bad argument (format, size, scale, output path); the view's notices go to standard error.

The data comes straight from the stores (`timeline_data`, `date_bounds`, `load_events` below), as the
app's cached loaders read it, so the same view gives the same figure here and in the app.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from usjp import analysis, catalog
from usjp.data import calendar_file, events_file, interventions, store, verify
from usjp.data.store import StoredSeries
from usjp.events import Event
from usjp.figures import timeline_view
from usjp.figures.timeline_view import TimelineData
from usjp.publish import export, image, sizes
from usjp.views.timeline import View, bar_series, parse_view

USAGE_ERROR = 2


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export",
        help="a timeline view as PNG, SVG, PDF, CSV, HTML, a data package or a receipt",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("view", nargs="?", default="", help='the app\'s URL of the view, or its query ("" = default view)')
    p.add_argument("--format", default="png", help=f"one of {', '.join(export.FORMATS)} (default: %(default)s)")
    p.add_argument("--size", default="article", help=f"{sizes.ALLOWED} (default: %(default)s)")
    p.add_argument("--scale", type=float, default=None, help="PNG pixels per CSS px, 1 to 6 (default: the size's)")
    p.add_argument("--out", default=None, help="file to write, '-' for standard output (default: named after the view)")
    p.add_argument("--with-svg", action="store_true", help="zip: add the chart as SVG")
    p.add_argument(
        "--public-url", default=None, help="public address of the app for the permalink (or USJP_PUBLIC_URL)"
    )
    p.set_defaults(func=cmd_export)


# -- what a view is drawn from, read from the stores: the same TimelineData the app builds through its
# cached loaders (usjp/ui/loaders.py), so the command line and the app draw the same figure --------------
@dataclass(frozen=True)
class Events:
    """The timeline's events (those of the events file that passed, plus a currency event per
    intervention day) and the problems with the events file."""

    events: list[Event]
    problems: list[str]


def load_many(keys: tuple[str, ...] | list[str]) -> list[StoredSeries]:
    """The usable series among `keys`, in order, duplicates once (as the app's loader)."""
    return [s for s in (verify.read_newest(k) for k in dict.fromkeys(keys)) if s is not None]


def load_events() -> Events:
    """The events file's good events and a currency event per day of Japan's intervention record."""
    curated, problems = events_file.load_events_file()
    record = verify.read_newest(catalog.INTERVENTIONS)
    everything = curated if record is None else interventions.intervention_events(record.values, curated)
    return Events(everything, problems)


def available_keys() -> list[str]:
    """Catalog keys with stored data, in catalog order."""
    stored = set(store.snapshot().keys()) | set(store.cache().keys())
    return [s.key for s in catalog.SERIES if s.key in stored]


def date_bounds() -> tuple[dt.date, dt.date]:
    """First and last date across the usable daily series (as the app's date pickers)."""
    loaded = load_many([k for k in available_keys() if catalog.get(k).daily])
    if not loaded:
        return catalog.DAILY_HISTORY_START, dt.date.today()
    return min(s.values.index[0].date() for s in loaded), max(s.last_date for s in loaded)


def timeline_data(view: View, events: list[Event] | None = None) -> TimelineData:
    """What the view's figure is drawn from (pass `events` when already loaded)."""
    everything = load_events().events if events is None else events
    series = load_many(view.series)
    daily = load_many([k for k in dict.fromkeys(view.series) if k in catalog.CATALOG and catalog.get(k).daily])
    return TimelineData(
        series=series,
        events=everything,
        headlines=timeline_view.headlines(everything, daily, analysis.HEADLINE_WINDOW) if daily else {},
        releases=calendar_file.load_calendar_file()[0] if view.releases else (),
        interventions=next(iter(load_many(bar_series(view.series))), None),
    )


# -- the command -------------------------------------------------------------------------------------
def query_params(text: str) -> dict[str, str | list[str]]:
    """A full URL, '?query', 'query' or '' -> the parameters (one value -> str, repeated -> list)."""
    text = text.strip()
    if "://" in text:
        text = urlsplit(text).query
    text = text.removeprefix("?")
    parsed = parse_qs(text, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR


def _writable(out: str) -> str | None:
    """Why `out` cannot be written, or None."""
    path = Path(out)
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        return f"--out {out!r} is a folder; give a file name"
    if not folder.is_dir():
        return f"--out {out!r}: the folder {str(folder)!r} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        return f"--out {out!r} cannot be written (permission denied)"
    return None


def cmd_export(args: argparse.Namespace) -> int:
    fmt = args.format.strip().lower()
    if fmt not in export.FORMATS:
        return _usage(f"unknown format {args.format!r}; use one of {', '.join(export.FORMATS)}")
    try:
        size = sizes.parse_size(args.size)
        if args.scale is not None:
            size = size.scaled(args.scale)
    except ValueError as exc:
        return _usage(str(exc))
    if args.out not in (None, "-") and (why := _writable(args.out)):
        return _usage(why)

    loaded = load_events()
    if loaded.problems:
        print(
            f"note: data/events.yaml has {len(loaded.problems)} problem(s); the events that passed are shown "
            "(run `python -m usjp validate`)",
            file=sys.stderr,
        )
    bounds = date_bounds()
    view = parse_view(query_params(args.view), {e.id for e in loaded.events}, available_keys(), bounds)
    for notice in view.notices:
        print(f"note: {notice}", file=sys.stderr)
    view = replace(view, notices=())
    start, end = view.window(*bounds)
    data = timeline_data(view, loaded.events)
    if not data.series:
        return _fail("none of the view's series has usable stored data (run `python -m usjp validate`)")
    try:
        made = export.export_view(view, start, end, data, fmt, size, base_url=args.public_url, with_svg=args.with_svg)
    except image.ImageError as exc:
        return _fail(str(exc))
    for notice in made.notices:
        print(f"note: {notice}", file=sys.stderr)

    if args.out == "-":
        sys.stdout.buffer.write(made.data)
        sys.stdout.buffer.flush()
        return 0
    out = Path(args.out or made.filename)
    try:
        store.atomic_write(out, made.data)
    except OSError as exc:
        return _usage(f"--out {str(out)!r} cannot be written ({exc.strerror or exc})")
    print(f"wrote {out} ({len(made.data):,} bytes)", file=sys.stderr)
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1
