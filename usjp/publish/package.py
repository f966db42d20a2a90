"""The data package: one zip with the plotted values, the events, the receipt, a README saying what each
file is (units, licences per series, how to cite) and the dashboard's CITATION.cff; the same bytes for
the same inputs (fixed file order, every entry stamped with the export's time)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence

from usjp.publish import cite, tables
from usjp.publish.receipt import LICENCES

ORDER = ("README.txt", "data.csv", "events.csv", "receipt.json", "CITATION.cff", "chart.svg")


def readme_text(
    *,
    title: str,
    link_line: str,
    receipt: dict,
    view_citation: str,
    dashboard_citation: str,
    indexed: bool,
    with_svg: bool,
) -> str:
    """README.txt: the chart, its address, what each file holds, each series' unit, source and licence,
    and how to cite the view and the dashboard."""
    app = receipt["app"]
    commit = f", commit {app['git_commit'][:12]}" if app.get("git_commit") else ""
    scale = (
        " The chart was drawn indexed (each line's first value in the window = 100); the file holds the levels."
        if indexed
        else ""
    )
    lines = [
        f"{cite.DASHBOARD}: data package",
        "",
        title,
        link_line,
        f"Exported {receipt['exported_at']} from version {app['version']}{commit}.",
        f"Dates: {receipt['view']['start']} to {receipt['view']['end']}.",
        "",
        "Files",
        "  data.csv      the values plotted: one row per date, a `date` column (YYYY-MM-DD) and one column per",
        "                series, its unit in the header; empty where a series has no observation that day." + scale,
        "  events.csv    the events shown: " + ", ".join(tables.EVENT_COLUMNS) + "; source URLs joined by ' | '.",
        "  receipt.json  what the export was made from: the view, each stored file's sha256, retrieval time and",
        "                store, the events' sources, the app's version and commit.",
        "  CITATION.cff  how to cite the dashboard.",
    ]
    if with_svg:
        lines.append("  chart.svg     the chart as a vector image, with its title and description.")
    lines += ["", "Series"]
    for s in receipt["series"]:
        lines += [
            f"  {s['label']} ({s['key']}{', bars' if s['role'] == 'bars' else ''})",
            f"    unit: {s['unit']}; source: {s['publisher']} ({s['source_id']}), {s['url']}",
            f"    licence: {s['license']}",
            *([f"    attribution: {s['attribution']}"] if s.get("attribution") else []),
            f"    stored data {s['first_date']} to {s['last_date']}, retrieved {s['retrieved_at']} "
            f"({s['store']}), sha256 {s['sha256']}",
        ]
    lines += [
        "",
        f"Licences: code {LICENCES['code']}; event texts {LICENCES['event_texts']} (each event cites its "
        "sources); data: each series under its publisher's licence, above.",
        "",
        "Cite this view:",
        f"  {view_citation}",
        "Cite the dashboard:",
        f"  {dashboard_citation}",
        "",
    ]
    return "\n".join(lines)


def zip_bytes(files: Mapping[str, bytes], now: dt.datetime) -> bytes:
    """A zip of `files` in ORDER (others after, by name), each stamped `now` (UTC), deflated."""
    stamp = now.astimezone(dt.UTC).timetuple()[:6]
    names: Sequence[str] = [n for n in ORDER if n in files] + sorted(n for n in files if n not in ORDER)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name])
    return out.getvalue()
