"""receipt.json: what an export was made from, so anyone can check it: the view and its address, each
series drawn with its publisher, licence, stored dates, retrieval time and the sha256 of the stored
file, the events shown with their sources, the app's version and commit, the export's time and format."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from usjp.figures import timeline_view
from usjp.figures.timeline_view import StoredLike, TimelineData
from usjp.paths import REPO_ROOT
from usjp.publish import cite, tables
from usjp.publish.sizes import Size
from usjp.views.timeline import View, to_params

GIT_TIMEOUT_S = 2.0
LICENCES = {"code": "MIT", "event_texts": "CC BY 4.0", "data": "per series: see series[].license"}


def git_commit() -> str | None:
    """The repository's HEAD commit, or None (git missing, not a repository, or too slow)."""
    try:
        run = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=GIT_TIMEOUT_S
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = run.stdout.strip()
    return commit if run.returncode == 0 and len(commit) in (40, 64) else None


def series_entry(item: StoredLike, role: str) -> dict:
    """One series drawn: where it comes from and exactly which stored file was used."""
    spec, meta = item.spec, getattr(item, "meta", {}) or {}
    values = item.values
    return {
        "key": spec.key,
        "label": spec.label,
        "role": role,  # "line" or "bars"
        "unit": spec.unit,
        "publisher": spec.publisher,
        "source_id": spec.citation,
        "url": spec.url,
        "license": spec.license,
        "attribution": spec.attribution,
        "first_date": values.index[0].date().isoformat() if len(values) else None,
        "last_date": values.index[-1].date().isoformat() if len(values) else None,
        "retrieved_at": meta.get("retrieved_at"),
        "sha256": meta.get("sha256"),
        "store": item.store,
    }


def build_receipt(
    view: View,
    start: dt.date,
    end: dt.date,
    data: TimelineData,
    *,
    permalink: str,
    fmt: str,
    size: Size | None,
    now: dt.datetime,
    commit: str | None,
) -> dict:
    """The receipt as a JSON-ready dict."""
    drawn = tables.drawn_series(view, start, end, data)
    shown = timeline_view.shown_events(data.events, view, start, end)
    receipt = {
        "app": {"name": cite.DASHBOARD, "version": cite.app_version(), "git_commit": commit},
        "exported_at": now.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "format": fmt,
        "size": None
        if size is None
        else {"key": size.key, "width": size.width, "height": size.height, "scale": size.scale},
        "view": {
            "params": to_params(view),
            "permalink": permalink,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "mode": view.mode,
            "csv_values": "levels",
        },
        "series": [series_entry(s, "bars" if s.spec.records_operations else "line") for s in drawn],
        "events": [{"id": e.id, "sources": [s.url for s in e.sources]} for e in shown],
        "labelled_events": [e.id for e in timeline_view.labelled_events(view, shown)],
        "licences": LICENCES,
    }
    return receipt


def receipt_bytes(receipt: dict) -> bytes:
    return (json.dumps(receipt, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()
