"""`python -m usjp stats --event ID [--series KEY...] [--windows 0:1,0:5,-1:10] [--json]`: event-window statistics.

Output per series (one JSON object, or a list when several series): event_id, series, frequency,
market_date, t0 (the date of the first observation on or after the market date) and t0_index (its
0-based position among the series' stored observations), baseline_date/baseline_value (t0 - 1),
unit ("bp" or "%"), sigma and estimation_obs (one-step changes used), windows (start, end, steps,
start_date/start_value = x[t0+start-1], end_date/end_value = x[t0+end], change, z, percentile,
confounders, releases, reasons), confounders and releases (unions over the windows) and reasons (why a
statistic is null). `confounders` are other timeline events; `releases` the scheduled releases of
data/calendar.yaml (jobs and CPI reports, FOMC and BoJ decisions) whose t0 lies in a window, as ids in
date order. Monthly and quarterly series carry `periods` (last value before, first after) and no windows.
"""

from __future__ import annotations

import argparse
import json
import sys

from usjp import analysis, catalog, events
from usjp.data import calendar_file, events_file, interventions, verify
from usjp.figures import releases as release_words
from usjp.releases import Release


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "stats",
        help="event-window statistics (change, z, percentile, confounders) for one event",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--event", required=True, help="event id from data/events.yaml")
    p.add_argument(
        "--series",
        nargs="+",
        metavar="KEY",
        help="catalog keys (default: the event's own daily series that have data)",
    )
    p.add_argument(
        "--windows",
        default=",".join(w.key for w in analysis.DEFAULT_WINDOWS),
        help="comma-separated a:b windows in observations relative to t0 (default: %(default)s)",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(func=cmd_stats)


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def cmd_stats(args: argparse.Namespace) -> int:
    try:
        windows = analysis.parse_windows(args.windows)
    except ValueError as exc:
        return _fail(str(exc))
    try:
        all_events = events_file.read_events()
    except events_file.EventError as exc:
        return _fail(f"data/events.yaml has problems (run `python -m usjp validate`):\n{exc}")
    record = verify.read_newest(catalog.INTERVENTIONS)
    if record is not None:  # the timeline's currency event per intervention day, as in the app
        all_events = interventions.intervention_events(record.values, all_events)
    by_id = {e.id: e for e in all_events}
    event = by_id.get(args.event)
    if event is None:
        near = [i for i in by_id if args.event.lower()[:6] in i][:5]
        hint = f"; did you mean {', '.join(near)}?" if near else "; list them with `grep '^- id' data/events.yaml`"
        return _fail(f"unknown event {args.event!r}{hint}")

    if args.series:
        unknown = [k for k in args.series if k not in catalog.CATALOG]
        if unknown:
            return _fail(f"unknown series {', '.join(map(repr, unknown))}; known: {', '.join(catalog.CATALOG)}")
        flows = [k for k in args.series if not catalog.get(k).analysable]
        if flows:
            return _fail(
                f"{', '.join(flows)}: not a price or a level (amounts of operations), so no event-window "
                "statistics; the timeline draws it as bars"
            )
        keys = list(dict.fromkeys(args.series))
        loaded = {k: verify.read_newest(k) for k in keys}
        missing = [k for k, v in loaded.items() if v is None]
        if missing:
            return _fail(
                f"no stored data for {', '.join(missing)} (licensed series come only from a live refresh "
                "or `python -m usjp import`)"
            )
    else:
        keys = [k for k in event.series if catalog.get(k).daily and catalog.get(k).analysable]
        loaded = {k: verify.read_newest(k) for k in keys}
        for key in [k for k, v in loaded.items() if v is None]:
            print(f"note: skipped {key}: no stored data", file=sys.stderr)
            del loaded[key]
        if not loaded:
            return _fail(f"event {event.id!r} names no daily series with stored data; pass --series")

    releases, problems = calendar_file.load_calendar_file()
    if problems:
        print(
            f"note: data/calendar.yaml has {len(problems)} problem(s); only the releases that passed are named "
            "(run `python -m usjp validate`)",
            file=sys.stderr,
        )
    results = [
        analysis.event_stats(event, catalog.get(k), item.values, windows, all_events, releases)
        for k, item in loaded.items()
    ]
    if args.json:
        payload = [r.to_json() for r in results]
        print(json.dumps(payload[0] if len(payload) == 1 else payload, indent=2, allow_nan=False))
    else:
        release_by_id = {r.id: r for r in releases}
        for result in results:
            print(_text(result, by_id, release_by_id))
    return 0


def _text(r: analysis.EventStats, by_id: dict[str, events.Event], release_by_id: dict[str, Release]) -> str:
    spec = catalog.get(r.series)
    lines = [f"{r.event_id} on {spec.label} ({r.series})", f"  market date {r.market_date}"]
    if r.periods is not None:
        p = r.periods
        for name, item in (("last value before", p.before), ("first value after", p.after)):
            lines.append(f"  {name}: " + (f"{item.period} = {item.value:g}" if item else "none"))
        lines.append(f"  change {analysis.format_change(p.change, r.unit)} (no z-score for {r.frequency} data)")
        return "\n".join(lines)
    if r.t0 is None or r.baseline_date is None:
        return "\n".join([*lines, *(f"  {k}: {v}" for k, v in r.reasons.items())])
    sigma = f"{r.sigma:.3f} {r.unit}" if r.sigma is not None else f"n/a ({r.reasons.get('sigma')})"
    lines.append(f"  t0 {r.t0} (index {r.t0_index}), baseline {r.baseline_date} = {r.baseline_value:g}, sigma {sigma}")
    for w in r.windows:
        z = f"{w.z:+.2f}" if w.z is not None else "n/a"
        pct = f"{w.percentile:.1f}" if w.percentile is not None else "n/a"
        end = f"{w.end_date} = {w.end_value:g}" if w.end_date else "not yet"
        lines.append(
            f"  [{w.window.key:>6}] to {end}: {analysis.format_change(w.change, r.unit):>9}  z {z:>6}  pct {pct:>5}"
        )
        for key, why in w.reasons.items():
            lines.append(f"           {key}: {why}")
    if r.confounders:
        lines.append("  other events in the windows: " + ", ".join(r.confounders))
    if sentence := release_words.releases_sentence(release_words.known(r.releases, release_by_id)):
        lines.append(f"  {sentence}")
    return "\n".join(lines)
