"""Import market-data files into the snapshot or the local cache, all-or-nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from usjp import catalog
from usjp.data import store
from usjp.data.sources.csvfile import DataFormatError, ParsedSeries, read_file

YAHOO_ALIASES = {"USDJPY=X": "JPY=X"}


class ImportRefused(ValueError):
    """The file is readable but may not go where it was asked to (licence, unknown series)."""


@dataclass(frozen=True)
class Imported:
    key: str
    rows: int
    first: str
    last: str
    target: str


def resolve(parsed: ParsedSeries, path: Path, series_key: str | None = None) -> catalog.SeriesSpec:
    """The catalog entry a parsed series belongs to: `series_key`, else the one with its source id."""
    if series_key:
        return catalog.get(series_key)
    source_id = YAHOO_ALIASES.get(parsed.source_id, parsed.source_id) if parsed.source == "yahoo" else parsed.source_id
    spec = catalog.by_source_id(parsed.source, source_id)
    if spec is None:
        raise ImportRefused(
            f"{path}: {parsed.source} series {parsed.source_id!r} is not in the catalog (usjp/catalog.py)"
        )
    return spec


def import_paths(
    paths: list[str | Path],
    to: str = "cache",
    ticker: str | None = None,
    series_key: str | None = None,
    note: str | None = None,
    command: str = "python -m usjp import",
) -> list[Imported]:
    """Read every file first; write only when all of them are good, so a bad file changes nothing."""
    if to not in {"cache", "snapshot"}:
        raise ValueError(f"--to must be 'cache' or 'snapshot', not {to!r}")
    target = store.snapshot() if to == "snapshot" else store.cache()
    retrieved_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    entries: dict[str, tuple[pd.Series, dict]] = {}
    for raw_path in paths:
        path = Path(raw_path)
        parsed_all = read_file(path, yahoo_ticker=ticker, tic_holders=catalog.tic_countries())
        if series_key and len(parsed_all) != 1:
            raise ImportRefused(f"{path}: --series names one series but the file holds {len(parsed_all)}")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        for parsed in parsed_all:
            spec = resolve(parsed, path, series_key)
            values = parsed.values
            if to == "snapshot":
                if not spec.redistributable:
                    raise ImportRefused(
                        f"{path}: refusing to put {spec.label} ({spec.key}) in the committed snapshot: "
                        f"{spec.license}. Import it without --to snapshot to keep it in the local cache."
                    )
                if spec.history_start is not None:
                    values = values[values.index >= pd.Timestamp(spec.history_start)]
            if values.empty:
                raise DataFormatError(path, 2, f"no observations for {spec.key} in the range kept")
            if spec.key in entries:
                raise ImportRefused(f"{path}: {spec.key} is given by more than one file")
            entries[spec.key] = (values.rename(spec.key), _provenance(spec, path, digest, retrieved_at, command, note))
    with target.locked():
        written = target.write(entries)
    return [Imported(k, e["rows"], e["first"], e["last"], target.name) for k, e in written.items()]


def _provenance(
    spec: catalog.SeriesSpec, path: Path, digest: str, retrieved_at: str, command: str, note: str | None
) -> dict:
    entry = {
        **spec.provenance(),
        "retrieved_at": retrieved_at,
        "retrieved_how": f"{command} {path.name}",
        "input_file": path.name,
        "input_sha256": digest,
    }
    if note:
        entry["note"] = note
    return entry
