"""Import market-data files into the snapshot or the local cache, all-or-nothing, with refresh's checks.

Every file is read first (`csvfile.read_guarded`: regular files within the size, row, column and
cell limits only), then every series is checked the way `refresh` checks a fetched answer before
anything is written:

- every value finite and inside the series' plausible range (`checks.check_plausible`);
- against the stored copy (for the cache, the snapshot overlaid with the cache, copies that pass
  their checks only, as refresh merges; for the snapshot, the snapshot alone, and a damaged one is
  neither merged over nor replaced without --replace): refused when the file lacks more than
  `checks.missing_share` of the stored dates inside its span (a partial or thinned file: 2% for a
  market series, none for a record of operations, whose days between operations are never stored), or
  revises more than `checks.MAX_REVISED_SHARE` of the values both hold, unless `accept_revisions`.

The file is **merged** over the stored copy (stored values overlaid with the file's, like refresh),
not swapped in: a file that starts later or covers less (a one-row file, a download of the last year)
adds and corrects dates and loses none, and the app, which prefers the cache series by series, can
never be left showing a stub instead of the history. A refresh merges for the same reason. Making a
file the whole series, dropping the stored dates it lacks, takes `replace=True` (`--replace`), and
even then the values are checked; in the cache, not even that may hide the snapshot's history (the
app would refuse such a copy: `checks.history_shrink`), so there it only drops the cache's own dates
(a bad tail). Unlike refresh, a file that ends before the stored data is not
refused: a merge keeps the later dates, and importing an older file is a normal correction.

What is written is checked once more as `validate` would read it (non-empty, dates strictly
increasing and whole days, values finite and plausible), then written under the target's lock,
where the comparison is made again (another writer may have come first). Any refusal raises
before the write, so the stored data is left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from usjp import catalog
from usjp.data import checks, store, verify
from usjp.data.refresh import stored_values
from usjp.data.sources.csvfile import DataFormatError, ParsedSeries, read_bytes, read_guarded, shown
from usjp.data.sources.mof import InterventionRecord

YAHOO_ALIASES = {"USDJPY=X": "JPY=X"}


class ImportRefused(ValueError):
    """The file is readable but may not go where it was asked to (licence, unknown series, failed checks)."""


@dataclass(frozen=True)
class Imported:
    key: str
    rows: int
    first: str
    last: str
    target: str
    new: int = 0  # dates the stored copy did not have
    revised: int = 0  # stored dates whose value the file changed
    dropped: int = 0  # stored dates not kept (only with replace)
    remarks: tuple[str, ...] = ()  # what the file held that is not in the series (e.g. operations without yen)


@dataclass(frozen=True)
class _Pending:
    """One series read from a file and checked on its own, waiting to be compared with the store."""

    key: str
    values: pd.Series
    path: Path
    digest: str
    remarks: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Verdict:
    """A pending series compared with the stored copy and passed: what to write, and how it relates."""

    values: pd.Series  # the merged series (or, with replace, the file's)
    result: checks.Comparison
    merged_over: list[str]  # the stores whose copy was merged in
    dropped: int  # stored dates not written (only with replace)


def resolve(parsed: ParsedSeries, path: Path, series_key: str | None = None) -> catalog.SeriesSpec:
    """The catalog entry a parsed series belongs to: `series_key`, else the one with its source id."""
    if series_key:
        return catalog.get(series_key)
    source_id = YAHOO_ALIASES.get(parsed.source_id, parsed.source_id) if parsed.source == "yahoo" else parsed.source_id
    spec = catalog.by_source_id(parsed.source, source_id)
    if spec is None:
        raise ImportRefused(
            f"{path}: {parsed.source} series {shown(parsed.source_id)} is not in the catalog (usjp/catalog.py)"
        )
    return spec


def import_paths(
    paths: list[str | Path],
    to: str = "cache",
    ticker: str | None = None,
    series_key: str | None = None,
    note: str | None = None,
    command: str = "python -m usjp import",
    accept_revisions: bool = False,
    replace: bool = False,
) -> list[Imported]:
    """Read and check every file first; write only when all of them pass, so a bad file changes nothing."""
    if to not in {"cache", "snapshot"}:
        raise ValueError(f"--to must be 'cache' or 'snapshot', not {to!r}")
    target = store.snapshot() if to == "snapshot" else store.cache()
    retrieved_at = datetime.now(UTC).replace(microsecond=0).isoformat()
    pending = _read_all([Path(p) for p in paths], to, ticker, series_key)
    _compare_all(pending, to, accept_revisions, replace)  # refuse before even taking the lock
    with target.locked():
        verdicts = _compare_all(pending, to, accept_revisions, replace)  # again: another writer may have come first
        written = target.write(
            {
                item.key: (verdict.values, _provenance(item, verdict, retrieved_at, command, note, replace))
                for item, verdict in zip(pending, verdicts, strict=True)
            }
        )
    return [
        Imported(
            item.key,
            written[item.key]["rows"],
            written[item.key]["first"],
            written[item.key]["last"],
            target.name,
            new=verdict.result.new,
            revised=verdict.result.revised,
            dropped=verdict.dropped,
            remarks=item.remarks,
        )
        for item, verdict in zip(pending, verdicts, strict=True)
    ]


def _read_all(paths: list[Path], to: str, ticker: str | None, series_key: str | None) -> list[_Pending]:
    """Every series in `paths`, read, resolved, trimmed and checked on its own (no store is read)."""
    pending: list[_Pending] = []
    for path in paths:
        data = read_guarded(path)
        parsed_all = read_bytes(data, path, yahoo_ticker=ticker, tic_holders=catalog.tic_countries())
        if series_key and len(parsed_all) != 1:
            raise ImportRefused(f"{path}: --series names one series but the file holds {len(parsed_all)}")
        digest = hashlib.sha256(data).hexdigest()
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
            if any(item.key == spec.key for item in pending):
                raise ImportRefused(f"{path}: {spec.key} is given by more than one file")
            values = values.rename(spec.key)
            _refuse_unless_sound(spec.key, values, f"{path}: ")
            remarks = tuple(parsed.remarks()) if isinstance(parsed, InterventionRecord) else ()
            pending.append(_Pending(spec.key, values, path, digest, remarks))
    return pending


def _compare_all(pending: list[_Pending], to: str, accept_revisions: bool, replace: bool) -> list[_Verdict]:
    """Each pending series checked against the stored copy: what to write, or ImportRefused."""
    verdicts = []
    for item in pending:
        stored, where = _stored(item, to, replace)
        result = _check_against_stored(item, stored, accept_revisions, replace)
        values = item.values if replace else result.merged
        lost = 0 if stored is None else len(stored.index.difference(values.index))
        if lost and not replace:  # a merge keeps every stored date; say so loudly if it ever does not
            raise ImportRefused(f"{item.path}: {item.key}: would lose {lost} stored dates; not written")
        if to == "cache":  # the app uses a cache copy only if it keeps the snapshot's history
            bundled = verify.verify_copy(store.snapshot(), item.key)
            if isinstance(bundled, store.StoredSeries) and (
                why := checks.history_shrink(bundled.values.index, values.index, checks.missing_share(item.key))
            ):
                raise ImportRefused(
                    f"{item.path}: {item.key}: the cache copy would hide the snapshot's history ({why}), so the "
                    "app would not use it; not written"
                )
        _refuse_unless_sound(item.key, values, f"{item.path}: the {item.key} series to be written: ")
        verdicts.append(_Verdict(values, result, [] if replace else where, lost))
    return verdicts


def _stored(item: _Pending, to: str, replace: bool) -> tuple[pd.Series | None, list[str]]:
    """What the import is compared with and merged over, and the stores it came from.

    For the cache, everything stored that passes its checks (the snapshot overlaid with the cache,
    exactly what refresh merges over; a damaged cache copy is left out and rebuilt). For the snapshot,
    the snapshot's copy alone (the committed snapshot never takes data from the cache); a damaged
    one is not merged over, and not silently replaced either: that takes --replace.
    """
    if to == "cache":
        return stored_values(item.key)
    found = verify.verify_copy(store.snapshot(), item.key)
    if isinstance(found, verify.Rejected):
        if replace:
            return None, []
        raise ImportRefused(
            f"{item.path}: {item.key}: the snapshot's copy failed its check ({found.detail}), so the file cannot "
            f"be merged over it; restore data/market/{item.key}.csv (git checkout) or rerun with --replace to "
            "make the file the whole series"
        )
    if found is None or not len(found.values):
        return None, []
    return found.values.astype("float64"), [found.store]


def _check_against_stored(
    item: _Pending, stored: pd.Series | None, accept_revisions: bool, replace: bool
) -> checks.Comparison:
    """Refuse a partial file (merging) and, unless accepted, many revisions; the thresholds are refresh's."""
    result = checks.compare(stored, item.values)
    if stored is None or stored.empty:
        return result
    where = f"{item.path}: {item.key}"
    inside = int(((stored.index >= item.values.index[0]) & (stored.index <= item.values.index[-1])).sum())
    share = checks.missing_share(item.key)
    if not replace and inside and result.missing > share * inside:
        raise ImportRefused(
            f"{where}: the file lacks {result.missing} of the {inside} stored dates it spans "
            f"({100 * result.missing / inside:.1f}% > {100 * share:g}%): a partial file; "
            "not taken (--replace would make it the whole series and drop those dates)"
        )
    if not accept_revisions and result.overlap and result.revised > checks.MAX_REVISED_SHARE * result.overlap:
        raise ImportRefused(
            f"{where}: {result.revised} of {result.overlap} stored values would change "
            f"({100 * result.revised / result.overlap:.1f}% > {100 * checks.MAX_REVISED_SHARE:g}%): not taken; "
            "check the file and rerun with --accept-revisions to take them"
        )
    return result


def _refuse_unless_sound(key: str, values: pd.Series, prefix: str) -> None:
    """What `validate` requires of a stored series: rows, whole days strictly increasing, finite and
    plausible values. Raise ImportRefused (prefixed with where) at the first failure."""
    index = values.index
    if values.empty:
        raise ImportRefused(f"{prefix}no observations")
    if not isinstance(index, pd.DatetimeIndex) or index.tz is not None or not (index == index.normalize()).all():
        raise ImportRefused(f"{prefix}dates must be whole days")
    if not index.is_unique or not index.is_monotonic_increasing:
        raise ImportRefused(f"{prefix}dates are not strictly increasing")
    if index[0] < pd.Timestamp(store.FIRST_DATE) or index[-1] > pd.Timestamp(store.LAST_DATE):
        raise ImportRefused(f"{prefix}dates outside {store.FIRST_DATE}..{store.LAST_DATE}")
    finite = np.isfinite(values.to_numpy(dtype="float64"))
    if not finite.all():
        bad = values[~finite]
        raise ImportRefused(
            f"{prefix}{len(bad)} value(s) not finite (NaN or infinite) for {key}, e.g. on {bad.index[0]:%Y-%m-%d}"
        )
    try:
        checks.check_plausible(key, values)
    except checks.Refused as exc:
        raise ImportRefused(f"{prefix}{exc}") from None


def _provenance(
    item: _Pending, verdict: _Verdict, retrieved_at: str, command: str, note: str | None, replace: bool
) -> dict:
    spec = catalog.get(item.key)
    entry = {
        **spec.provenance(),
        "retrieved_at": retrieved_at,
        "retrieved_how": f"{command} {item.path.name}",
        "input_file": item.path.name,
        "input_sha256": item.digest,
        "imported": {
            "first": f"{item.values.index[0]:%Y-%m-%d}",
            "last": f"{item.values.index[-1]:%Y-%m-%d}",
            "rows": len(item.values),
        },
        "merged_over": verdict.merged_over,
    }
    if replace:
        entry["replaced"] = True
    if item.remarks:
        entry["left_out"] = list(item.remarks)
    if note:
        entry["note"] = note
    return entry
