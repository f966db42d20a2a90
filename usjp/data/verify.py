"""The checks of a stored copy of a series: whether a copy is usable, and which copy the app shows.

`resolve(key)` verifies each stored copy before the app may show it (the file is a regular file inside
its store, matches its manifest's sha256, rows and first/last date, every line is `date,value`, dates
strictly increase, values are finite and plausible for the series, and a cache copy does not hide
history the snapshot has) and picks the cache copy if it passes, else the snapshot copy, else none;
every failed copy comes back as a `Rejected` with a short reason and a `file:line` detail. Damaged
data never raises. Verified results are cached by `fingerprint(key)` (manifest entry and file stat,
no hashing), digests by the file's stat, so a page load that changed nothing costs a few stat calls.
`verify_copy` and `check_store` apply the same checks to one store (for writers and `validate`).
"""

from __future__ import annotations

import copy
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from usjp import catalog
from usjp.data import checks
from usjp.data.store import (
    _DAY,
    _KEY,
    FIRST_DATE,
    HEADER,
    JOURNAL,
    LAST_DATE,
    MANIFEST,
    MAX_SERIES_BYTES,
    Store,
    StoredSeries,
    _ManifestState,
    _read_regular,
    _remember,
    _settled,
    _stat_sig,
    _Unreadable,
    cache,
    sha256_bytes,
    snapshot,
)

# What a float may look like in a stored file: digits, sign, point, exponent, and the letters of
# nan/inf/infinity (so those are read, then refused as not finite, rather than called unreadable).
_VALUE = r"[-+0-9.eEnaNAifIFtyTY]{1,40}"
_BODY = re.compile(rf"(?:\d{{4}}-\d\d-\d\d,{_VALUE}\n)*", re.ASCII)
_LINE = re.compile(rf"\d{{4}}-\d\d-\d\d,{_VALUE}", re.ASCII)


@dataclass(frozen=True)
class Rejected:
    """A stored copy of a series that failed its check. `reason` is a few words a reader understands
    ("duplicate dates"); `detail` says where and what, e.g.
    `data/cache/ust10y.csv:12: duplicate dates (2025-04-02 appears twice)`. Neither quotes the file."""

    store: str  # "cache" or "snapshot"
    key: str
    reason: str
    detail: str


@dataclass(frozen=True)
class Resolved:
    """Which copy of a series to use, and which copies failed.

    `series` is the cache copy if it passed its checks, else the snapshot copy if that did, else None;
    `rejected` lists every copy that exists (or is listed in a manifest) but failed, cache first."""

    key: str
    series: StoredSeries | None
    rejected: tuple[Rejected, ...] = field(default=())


class _Problem(NamedTuple):
    """One failed check of a stored file: a reason, where (`file` or `file:line`), and specifics."""

    reason: str
    where: str
    specific: str = ""

    @property
    def text(self) -> str:
        return f"{self.where}: {self.reason}" + (f" ({self.specific})" if self.specific else "")


# Caches shared by every check in this process, each keyed by what makes it stale (stat of the files).
_DIGESTS: dict[tuple, str] = {}  # (path, dev, inode, size, mtime_ns, ctime_ns) -> sha256
_RESOLVED: dict[tuple, tuple[tuple, Resolved]] = {}  # (key, roots) -> (fingerprint, verdict)
# The index dtype pandas gives parsed dates (microseconds in pandas 3), so every reader agrees.
_INDEX_DTYPE = pd.to_datetime(pd.Series(["2000-01-01"])).dtype


def _digest(data: bytes, st: os.stat_result, path: Path) -> str:
    """sha256 of `data`, the bytes of `path`; remembered by the file's stat, so an unchanged file is
    hashed once per process (a file changed within SETTLE_NS is hashed every time)."""
    sig = (str(path), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    found = _DIGESTS.get(sig)
    if found is None:
        found = sha256_bytes(data)
        if _settled([(0, 0, 0, 0, st.st_mtime_ns, st.st_ctime_ns)]):
            _remember(_DIGESTS, sig, found)
    return found


# -- one store's copy ------------------------------------------------------------------------------
def verify_copy(found: Store, key: str) -> StoredSeries | Rejected | None:
    """`found`'s copy of `key` if it passes every check of its own (`resolve` adds the one against the
    snapshot), a Rejected saying why not, or None when the store has no copy."""
    series, problems = examine(found, key)
    if problems:
        return Rejected(found.name, key, problems[0].reason, problems[0].text)
    return series


def examine(found: Store, key: str, state: _ManifestState | None = None) -> tuple[StoredSeries | None, list[_Problem]]:
    """`found`'s copy of `key` and every problem with it: (series, []) when it is sound,
    (None, problems) when not, (None, []) when the store neither lists nor holds it."""
    state = state or found._state()
    name = f"{key}.csv"
    where = found._where(name)
    if key in state.bad_entries:
        return None, [_Problem("manifest entry unreadable", where, state.bad_entries[key])]
    valid = bool(_KEY.fullmatch(key))
    entry = state.data["series"].get(key)
    if entry is None and key not in state.pending and not (valid and os.path.lexists(found.root / name)):
        return None, []
    if not valid or key not in catalog.CATALOG:
        return None, [_Problem("not a series in the catalog", where)]
    if state.unreadable is not None:
        return None, [_Problem("manifest unreadable", where, state.unreadable)]
    if entry is None:
        return None, [_Problem("not listed in the manifest", where, f"{found._where(MANIFEST)} has no entry for it")]
    path = found.root / name
    for candidate in found._candidates(key, state.pending):
        if os.path.lexists(candidate):
            path = candidate
            break
    where = found._where(path.name)
    try:
        raw, st = _read_regular(path, found.root, MAX_SERIES_BYTES)
    except _Unreadable as exc:
        specific = exc.specific or (f"listed in {found._where(MANIFEST)}" if exc.reason == "file missing" else "")
        return None, [_Problem(exc.reason, where, specific)]
    values, problems, shape = _parse_series(key, raw, found._where, path.name)
    if _digest(raw, st, path) != entry["sha256"]:
        problems.append(
            _Problem("checksum does not match its manifest", where, f"{found._where(MANIFEST)} records another sha256")
        )
    if shape is not None and shape != (entry["rows"], entry["first"], entry["last"]):
        rows, first, last = shape
        problems.append(
            _Problem(
                "rows or dates do not match its manifest",
                where,
                f"the file has {rows} rows from {first or '?'} to {last or '?'}; the manifest says "
                f"{entry['rows']} from {entry['first']} to {entry['last']}",
            )
        )
    if problems or values is None:
        return None, problems
    return StoredSeries(key=key, values=values, meta=copy.deepcopy(entry), store=found.name), []


def check_store(found: Store) -> list[str]:
    """Every problem with the store `found`, `file[:line]: reason (specifics)` each: the manifest, each
    copy it lists or holds (the checks of `verify_copy`), and an interrupted write. Empty when sound."""
    state = found._state()
    problems = list(state.problems)
    if os.path.lexists(found._dir) and not os.path.isdir(found._dir):
        folder = found._where("x")[: -len("/x")]
        problems.append(f"{folder}: not a folder (this store cannot be read or written)")
    if state.unreadable is None:
        keys = set(state.data["series"]) | set(state.pending)
        keys |= {name.removesuffix(".csv") for name in found._series_files()}
        for key in sorted(keys - set(state.bad_entries)):
            if not _KEY.fullmatch(key):
                problems.append(f"{found._where(f'{key}.csv')}: not a series file (not listed in the manifest)")
                continue
            problems.extend(p.text for p in examine(found, key)[1])
    if os.path.lexists(found.root / JOURNAL) and state.journal_problem is None:
        problems.append(
            f"{found._where(JOURNAL)}: an interrupted write is pending (the next import or refresh completes it)"
        )
    return problems


def _days(dates: list[str]) -> np.ndarray | None:
    """`YYYY-MM-DD` strings (ASCII digits, as _BODY checked) as datetime64[D]; None when any is not a
    date of the calendar. Arithmetic on the digits: five times faster than numpy's string parsing."""
    digits = np.frombuffer("".join(dates).encode("ascii"), dtype=np.uint8).reshape(-1, 10).astype(np.int64) - 48
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 5] * 10 + digits[:, 6]
    day = digits[:, 8] * 10 + digits[:, 9]
    months = (year - 1970) * 12 + (month - 1)
    start = months.astype("datetime64[M]").astype("datetime64[D]")
    found = start + (day - 1)
    valid = (month >= 1) & (month <= 12) & (day >= 1) & (found < (months + 1).astype("datetime64[M]"))
    return found if valid.all() else None


def _count(n: int, what: str) -> str:
    return "" if n <= 1 else f"; {n} {what} in all"


def _parse_series(
    key: str, raw: bytes, where: object, name: str
) -> tuple[pd.Series | None, list[_Problem], tuple[int, str | None, str | None] | None]:
    """Read and check a stored `date,value` file: (values or None, problems, (rows, first, last) as
    the file has them, or None when it is not a date,value file at all). `where(name, line)` names a
    line. Nothing of the file is quoted except dates that have the form YYYY-MM-DD."""

    def at(line: int | None = None) -> str:
        return where(name, line)

    if not raw:
        return None, [_Problem("file empty", at())], None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [_Problem("not UTF-8 text", at(raw.count(b"\n", 0, exc.start) + 1))], None
    if not text.startswith(HEADER + "\n") and text != HEADER:
        return None, [_Problem("not a date,value file", at(1), "the first line is not the header date,value")], None
    problems: list[_Problem] = []
    body = text[len(HEADER) + 1 :]
    lines = body.split("\n")
    if lines[-1] == "":
        lines.pop()
        complete = body
    else:  # the last line has no line end: the file was cut off (or edited by hand)
        problems.append(_Problem("file cut off", at(len(lines) + 1), "the last line has no line end"))
        complete = body[: body.rfind("\n") + 1]
    rows = len(lines)
    first = lines[0][:10] if lines and _DAY.match(lines[0]) else None
    last = lines[-1][:10] if lines and _DAY.match(lines[-1]) else None
    shape = (rows, first, last)
    if not rows:
        return None, [*problems, _Problem("file empty", at(1), "a header and no data")], shape

    days = numbers = None
    if _BODY.fullmatch(complete):  # fast path: every complete line has the form of date,value
        tokens = complete.replace("\n", ",").split(",")
        tokens.pop()
        try:
            numbers = np.fromiter(map(float, tokens[1::2]), dtype="float64", count=len(tokens) // 2)
            days = _days(tokens[0::2])
        except ValueError:
            days = numbers = None
        line_numbers = None  # line i + 2
    if days is None:  # slow path: find the unreadable lines, keep the others
        good_days, good_numbers, line_numbers, bad = [], [], [], []
        for number, line in enumerate(complete.split("\n")[:-1], start=2):
            try:
                if not _LINE.fullmatch(line):
                    raise ValueError
                day = np.datetime64(line[:10], "D")
                value = float(line[11:])
            except ValueError:
                bad.append(number)
                continue
            good_days.append(day)
            good_numbers.append(value)
            line_numbers.append(number)
        if bad:
            problems.append(_Problem("unreadable line", at(bad[0]), "not date,value" + _count(len(bad), "such lines")))
        days = np.array(good_days, dtype="datetime64[D]")
        numbers = np.array(good_numbers, dtype="float64")
        line_numbers = np.array(line_numbers)

    def line_of(i: int) -> int:
        return int(i) + 2 if line_numbers is None else int(line_numbers[i])

    if len(days) > 1:
        step = np.diff(days).astype("int64")
        repeated, reversed_ = np.flatnonzero(step == 0), np.flatnonzero(step < 0)
        if len(repeated):
            i = repeated[0] + 1
            problems.append(
                _Problem(
                    "duplicate dates",
                    at(line_of(i)),
                    f"{days[i]} appears twice" + _count(len(repeated), "repeated dates"),
                )
            )
        if len(reversed_):
            i = reversed_[0] + 1
            problems.append(
                _Problem(
                    "dates out of order",
                    at(line_of(i)),
                    f"{days[i]} comes after {days[i - 1]}" + _count(len(reversed_), "dates out of order"),
                )
            )
    if len(days):
        early = np.flatnonzero((days < np.datetime64(FIRST_DATE)) | (days > np.datetime64(LAST_DATE)))
        if len(early):
            i = early[0]
            problems.append(
                _Problem(
                    "dates out of range",
                    at(line_of(i)),
                    f"{days[i]} is outside {FIRST_DATE}..{LAST_DATE}" + _count(len(early), "such dates"),
                )
            )
    finite = np.isfinite(numbers)
    if not finite.all():
        bad_at = np.flatnonzero(~finite)
        i = bad_at[0]
        problems.append(
            _Problem(
                "values not finite",
                at(line_of(i)),
                f"{numbers[i]:g} on {days[i]}" + _count(len(bad_at), "such values"),
            )
        )
    low, high = catalog.get(key).plausible
    outside = np.flatnonzero(finite & ((numbers < low) | (numbers > high)))
    if len(outside):
        i = outside[0]
        problems.append(
            _Problem(
                "values outside the plausible range",
                at(line_of(i)),
                f"{numbers[i]:g} on {days[i]}; {key} lies within {low:g}..{high:g}"
                + _count(len(outside), "such values"),
            )
        )
    if problems:
        return None, problems, shape
    index = pd.DatetimeIndex(days.astype(_INDEX_DTYPE), name="date")
    return pd.Series(numbers, index=index, name=key), [], shape


# -- choosing the copy to use ----------------------------------------------------------------------
def _copy_fingerprint(found: Store, key: str, known: tuple[_ManifestState, tuple] | None = None) -> tuple:
    """What the verdict on one store's copy of `key` depends on, by stat only (no reading, no hashing):
    (store, folder, manifest entry, manifest stat, journal stat, stat of the copy's file(s))."""
    state, sig = known or found._state_and_sig()
    if key in state.bad_entries:
        marker: tuple | None = ("entry unreadable", state.bad_entries[key])
    elif state.unreadable is not None:
        marker = ("manifest unreadable", state.unreadable)
    else:
        entry = state.data["series"].get(key)
        marker = None if entry is None else (entry["sha256"], entry["rows"], entry["first"], entry["last"])
    # Any write to the store changes its manifest's stat: provenance (retrieved_at ...) is re-read too.
    return (found.name, found._dir, marker, sig[1], sig[2], _file_stats(found, key, state, sig[0] is not None))


def _file_stats(found: Store, key: str, state: _ManifestState, folder: bool = True) -> tuple:
    """Stat of the copy's file, and of its journal temp file when a committed write is pending."""
    if not _KEY.fullmatch(key) or not folder:
        return ()
    pending = state.pending.get(key)
    names = (f"{key}.csv", pending) if pending else (f"{key}.csv",)
    return tuple(_stat_sig(os.path.join(found._dir, name)) for name in names)


def _copy_stats(found: Store, key: str, state: _ManifestState) -> tuple:
    """The stat part of `_copy_fingerprint`, taken again (the same shape, or a writer was at work)."""
    if _stat_sig(found._dir) is None:
        return (None, None, ())
    join = os.path.join
    return (
        _stat_sig(join(found._dir, MANIFEST)),
        _stat_sig(join(found._dir, JOURNAL)),
        _file_stats(found, key, state),
    )


def fingerprint(key: str) -> tuple:
    """A cheap value that changes whenever either stored copy of `key` (or its manifest) changes:
    manifest entry (sha256, rows, first, last), and size, mtime, ctime and inode of the file and of the
    manifest, for the cache and the snapshot. No file is read or hashed. Hashable and picklable: a cache
    key for whatever is derived from `resolve(key)`."""
    return (key, _copy_fingerprint(cache(), key), _copy_fingerprint(snapshot(), key))


def fingerprints(keys: Iterable[str]) -> tuple[tuple, ...]:
    """`fingerprint(key)` of each of `keys`, in order, with each store's manifest and folder looked at once
    for all of them rather than once per key (a page's cache keys name a dozen series)."""
    local, bundled = cache(), snapshot()
    ours, theirs = local._state_and_sig(), bundled._state_and_sig()
    return tuple((key, _copy_fingerprint(local, key, ours), _copy_fingerprint(bundled, key, theirs)) for key in keys)


def _fingerprint_settled(print_: tuple) -> bool:
    sigs = []
    for part in print_[1:]:
        sigs += [part[3], part[4], *part[5]]
    return _settled(sigs)


def _copy_meta(meta: dict) -> dict:
    """A copy of a manifest entry (JSON: values are plain, or a dict or list of plain ones); what
    copy.deepcopy does for it, five times faster."""
    return {k: dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v for k, v in meta.items()}


def _handout(found: Resolved) -> Resolved:
    """A copy of a remembered verdict that the caller may change without changing the remembered one."""
    if found.series is None:
        return found
    series = found.series
    fresh = StoredSeries(series.key, series.values.copy(), _copy_meta(series.meta), series.store)
    return Resolved(found.key, fresh, found.rejected)


def _resolve(key: str, local: Store, bundled: Store, states: tuple[_ManifestState, _ManifestState]) -> Resolved:
    ours, our_problems = examine(local, key, states[0])
    theirs, their_problems = examine(bundled, key, states[1])
    if ours is not None and theirs is not None:
        why = checks.history_shrink(theirs.values.index, ours.values.index, checks.missing_share(key))
        if why is not None:
            ours, our_problems = None, [_Problem("fewer dates than the bundled copy", local._where(f"{key}.csv"), why)]
    rejected = tuple(
        Rejected(store.name, key, problems[0].reason, problems[0].text)
        for store, problems in ((local, our_problems), (bundled, their_problems))
        if problems
    )
    return Resolved(key, ours if ours is not None else theirs, rejected)


def resolve(key: str) -> Resolved:
    """The copy of `key` to use (the cache copy if it passes its checks, else the snapshot copy if it
    does, else None) and every copy that failed, with the reason. Damaged data never raises.

    A cache copy must also keep the snapshot's history: start no later than the snapshot copy and lack
    no more than checks.missing_share(key) of its dates in the span both cover. Verdicts are remembered
    by `fingerprint(key)`, so an unchanged key costs a few stat calls; a verdict is taken again when a
    writer swapped files while it was being made."""
    local, bundled = cache(), snapshot()
    slot = (key, os.path.abspath(local.root), os.path.abspath(bundled.root))
    for _attempt in range(5):
        known = (local._state_and_sig(), bundled._state_and_sig())
        states = (known[0][0], known[1][0])
        before = (key, _copy_fingerprint(local, key, known[0]), _copy_fingerprint(bundled, key, known[1]))
        hit = _RESOLVED.get(slot)
        if hit is not None and hit[0] == before:
            return _handout(hit[1])
        found = _resolve(key, local, bundled, states)
        stores = zip(before[1:], (local, bundled), states, strict=True)
        if all(part[3:] == _copy_stats(copy_of, key, state) for part, copy_of, state in stores):
            if _fingerprint_settled(before):
                _remember(_RESOLVED, slot, (before, found))
            break
        time.sleep(0.02)  # a writer swapped files while they were read: look again
    return _handout(found)


def read_newest(key: str) -> StoredSeries | None:
    """The copy of a series to use: the local cache when its copy passes its checks, else the snapshot's
    (see `resolve`), else None."""
    return resolve(key).series
