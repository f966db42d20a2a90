"""The durable on-disk series store: the committed snapshot and the local cache, each a folder of
`KEY.csv` files (date,value) plus a `manifest.json` that records provenance and checksums.

This module reads and writes stores; whether a stored copy may be shown is decided in
`usjp.data.verify` (`resolve(key)` checks every copy first).

Every write is atomic (temp file + fsync + rename) and the manifest is written last, so a
reader sees either the old series or the new one, never half a file. A write of several series
commits through a journal (`.pending.json`, itself written atomically) before any file is renamed:
a writer killed after that point is rolled forward by the next writer, and readers in between
see the committed new state; killed before it, nothing visible has changed.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import re
import stat
import tempfile
import time
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from usjp import catalog
from usjp.paths import cache_dir, snapshot_dir

MANIFEST = "manifest.json"
LOCK = ".lock"
JOURNAL = ".pending.json"

MAX_SERIES_BYTES = 16 * 2**20  # a KEY.csv: daily since 1900 is ~1 MB; larger is not ours
MAX_MANIFEST_BYTES = 4 * 2**20  # manifest.json or the journal: ~20 KB for the whole catalog
FIRST_DATE, LAST_DATE = "1900-01-01", "2100-12-31"  # stored dates outside this are damage
# A file changed less than this long ago may still change again within the same clock tick with the
# same size and mtime; its digest, manifest or verdict is not cached until it has settled.
SETTLE_NS = 1_000_000_000
HEADER = "date,value"
_KEY = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")
_TEMP = re.compile(r"\.[a-z0-9][a-z0-9_]{0,63}\.csv\.[A-Za-z0-9_]{1,32}\.tmp")
_DAY = re.compile(r"\d{4}-\d\d-\d\d", re.ASCII)
_SHA = re.compile(r"[0-9a-f]{64}")


class StoreError(Exception):
    """A stored file is missing, inconsistent with its manifest, or could not be written."""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def series_to_csv(series: pd.Series) -> bytes:
    """Serialise a date-indexed float series as `date,value` lines, exact (repr) floats."""
    out = io.StringIO()
    out.write("date,value\n")
    for stamp, value in series.items():
        out.write(f"{stamp:%Y-%m-%d},{float(value)!r}\n")
    return out.getvalue().encode()


def _write_temp(path: Path, data: bytes) -> Path:
    """`data` in a durable temp file beside `path` (same filesystem, so a rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; stored data is meant to be readable
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return Path(tmp)


def _fsync_dir(directory: Path) -> None:
    """Make renames in `directory` durable (a rename is only on disk once the directory is)."""
    dir_fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old bytes or the new, never a mix."""
    tmp = _write_temp(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


@dataclass(frozen=True)
class StoredSeries:
    """A series read from a store, with the manifest entry that describes it."""

    key: str
    values: pd.Series
    meta: dict
    store: str  # "snapshot" or "cache"

    @property
    def spec(self) -> catalog.SeriesSpec:
        return catalog.get(self.key)

    @property
    def last_date(self) -> dt.date:
        return self.values.index[-1].date()

    @property
    def retrieved(self) -> str:
        """The date the stored copy was retrieved (YYYY-MM-DD), or "unknown"."""
        return str(self.meta.get("retrieved_at", ""))[:10] or "unknown"


class _Unreadable(Exception):
    """A file that cannot be read as a stored file (missing, not a regular file, too large ...)."""

    def __init__(self, reason: str, specific: str = "") -> None:
        super().__init__(reason)
        self.reason, self.specific = reason, specific


@dataclass(frozen=True)
class _ManifestState:
    """A store's manifest as read: well-formed entries only, and what is wrong with the rest."""

    data: dict  # {"series": {key: entry}, ...}: never modified once built (shared through the cache)
    problems: tuple[str, ...] = ()  # `file:line: message` each
    unreadable: str | None = None  # why the manifest as a whole cannot be used, None when it can
    bad_entries: dict[str, str] = field(default_factory=dict)  # key -> why its entry cannot be used
    pending: dict[str, str] = field(default_factory=dict)  # key -> temp file of a committed, unapplied write
    journal_problem: str | None = None  # the journal exists but cannot be read


# The parsed manifests, shared by every Store of this process, keyed by what makes them stale (stat of the files).
_MANIFESTS: dict[str, tuple[tuple, _ManifestState]] = {}  # store root -> (stat signature, parsed manifest)
_CACHE_LIMIT = 1024


def _remember(cache: dict, key: tuple | str, value: object) -> None:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value


def _stat_sig(path: Path | str) -> tuple | None:
    """What identifies a file's current contents without reading it (follows links), or None."""
    try:
        st = os.stat(path)
    except OSError:
        try:
            st = os.lstat(path)
        except OSError:
            return None
    return (stat.S_IFMT(st.st_mode), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _settled(sigs: Iterable[tuple | None]) -> bool:
    """True when none of the files changed in the last SETTLE_NS (see there)."""
    now = time.time_ns()
    return all(sig is None or now - max(sig[4], sig[5]) > SETTLE_NS for sig in sigs)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def _read_regular(path: Path, root: Path, limit: int) -> tuple[bytes, os.stat_result]:
    """The bytes of `path`, which must be a regular file of at most `limit` bytes inside `root` (a
    symbolic link must resolve inside it), and its stat; _Unreadable otherwise. Looks before it
    opens, so a FIFO or device is never opened (no hang, no side effect)."""
    try:
        link = os.lstat(path)
    except FileNotFoundError:
        raise _Unreadable("file missing") from None
    except OSError as exc:
        raise _Unreadable("file unreadable", exc.strerror or type(exc).__name__) from None
    target = path
    if stat.S_ISLNK(link.st_mode):
        inside = os.path.realpath(root)
        real = os.path.realpath(path)
        if os.path.commonpath([real, inside]) != inside:
            raise _Unreadable("link outside the store", "a symbolic link to a file elsewhere")
        target = Path(real)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        raise _Unreadable("file missing", "a symbolic link to nothing") from None
    except OSError as exc:
        raise _Unreadable("file unreadable", exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(st.st_mode):
        raise _Unreadable("not a regular file", _kind(st.st_mode))
    if st.st_size > limit:
        raise _Unreadable("file too large", f"{st.st_size:,} bytes, at most {limit:,}")
    try:
        fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except FileNotFoundError:
        raise _Unreadable("file missing") from None
    except OSError as exc:
        raise _Unreadable("file unreadable", exc.strerror or type(exc).__name__) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
            raise _Unreadable("file unreadable", "it was replaced while being read")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _Unreadable("file unreadable", exc.strerror or type(exc).__name__) from None
    finally:
        os.close(fd)
    if size > limit:
        raise _Unreadable("file too large", f"more than {limit:,} bytes")
    return b"".join(chunks), opened


def _read_json(path: Path, root: Path, label: str) -> tuple[object, str, str | None]:
    """(parsed, text, None) for a readable JSON file, else (None, "", "`label:line: message`")."""
    try:
        data, _ = _read_regular(path, root, MAX_MANIFEST_BYTES)
    except _Unreadable as exc:
        return None, "", f"{label}: {exc.reason}" + (f" ({exc.specific})" if exc.specific else "")
    if not data.strip():
        return None, "", f"{label}:1: empty file"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, "", f"{label}:{line}: not UTF-8 (byte 0x{data[exc.start]:02x})"
    try:
        return json.loads(text), text, None
    except json.JSONDecodeError as exc:
        cut = "" if text.rstrip().endswith(("}", "]")) else " (it ends too early: cut off?)"
        return None, "", f"{label}:{exc.lineno}: not valid JSON: {exc.msg}{cut}"
    except RecursionError:
        return None, "", f"{label}:1: not valid JSON: nested too deeply"


def _line_of(text: str, key: str) -> int:
    found = text.find(json.dumps(key))
    return text.count("\n", 0, found) + 1 if found >= 0 else 1


def _is_day(value: object) -> bool:
    if not isinstance(value, str) or not _DAY.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _entry_problem(key: object, entry: object) -> str | None:
    """Why a manifest entry cannot describe a stored file, or None."""
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        return "not a series name"
    if not isinstance(entry, dict):
        return "the entry is not an object"
    for name in ("first", "last"):
        if not _is_day(entry.get(name)):
            return f"no valid {name!r} date"
    rows = entry.get("rows")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 1:
        return "no valid 'rows' count"
    if not isinstance(entry.get("sha256"), str) or not _SHA.fullmatch(entry["sha256"]):
        return "no valid 'sha256'"
    return None


def _journal_problem(journal: object) -> str | None:
    """Why a write journal cannot be applied, or None."""
    if not isinstance(journal, dict):
        return "not a write journal"
    manifest, files = journal.get("manifest"), journal.get("files")
    if not isinstance(manifest, dict) or not isinstance(manifest.get("series", {}), dict):
        return "the journal has no manifest"
    if not isinstance(files, dict) or not all(
        isinstance(k, str) and _KEY.fullmatch(k) and isinstance(v, str) and _TEMP.fullmatch(v) for k, v in files.items()
    ):
        return "the journal's file list is not valid"
    return None


class Store:
    """One folder of series files plus its manifest."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root if isinstance(root, Path) else Path(root)
        self.name = name
        self._dir = os.path.abspath(self.root)  # str paths on the hot path: pathlib costs more than stat

    def _where(self, name: str, line: int | None = None) -> str:
        """A file of this store as a reader knows it: relative to the data folder's parent
        (`data/cache/ust10y.csv`), with `:line` when given."""
        path = Path(os.path.abspath(self.root)) / name
        try:
            text = str(path.relative_to(path.parents[2]))
        except (ValueError, IndexError):
            text = str(path)
        return f"{text}:{line}" if line else text

    # -- manifest -------------------------------------------------------------------------
    def _state(self) -> _ManifestState:
        """The manifest as read, parsed again only when the manifest, the journal or the folder changed."""
        return self._state_and_sig()[0]

    def _state_and_sig(self) -> tuple[_ManifestState, tuple]:
        """The manifest as read, and the stat of (folder, manifest, journal) it was read under."""
        join = os.path.join
        folder = _stat_sig(self._dir)
        if folder is None:  # no folder (no cache yet): nothing in it either
            sig: tuple = (None, None, None)
        else:
            sig = (folder, _stat_sig(join(self._dir, MANIFEST)), _stat_sig(join(self._dir, JOURNAL)))
        hit = _MANIFESTS.get(self._dir)
        if hit is not None and hit[0] == sig:
            return hit[1], sig
        state = self._parse_state()
        if _settled(sig):
            _remember(_MANIFESTS, self._dir, (sig, state))
        return state, sig

    def _series_files(self) -> list[str]:
        """Names of the `*.csv` files in the folder (not temp files)."""
        try:
            names = os.listdir(self.root)
        except OSError:
            return []
        return sorted(n for n in names if n.endswith(".csv") and not n.startswith("."))

    def _parse_state(self) -> _ManifestState:
        problems: list[str] = []
        source = None  # (parsed manifest, its text, its label)
        pending: dict[str, str] = {}
        journal_problem = None
        journal = self.root / JOURNAL
        if os.path.lexists(journal):
            label = self._where(JOURNAL)
            parsed, text, problem = _read_json(journal, self.root, label)
            if problem is None and (why := _journal_problem(parsed)) is not None:
                problem = f"{label}:1: {why}"
            if problem is None:
                source, pending = (parsed["manifest"], text, label), dict(parsed["files"])
            else:
                journal_problem = f"{problem}; an interrupted write cannot be completed"
                problems.append(journal_problem)
        if source is None:
            path = self.root / MANIFEST
            label = self._where(MANIFEST)
            if not os.path.lexists(path):
                if files := self._series_files():
                    problems.append(f"{label}: manifest missing ({len(files)} series file(s) are not listed)")
                return _ManifestState({"series": {}}, tuple(problems), None, {}, {}, journal_problem)
            parsed, text, problem = _read_json(path, self.root, label)
            if problem is not None:
                problems.append(problem)
                return _ManifestState({"series": {}}, tuple(problems), problem, {}, {}, journal_problem)
            source = (parsed, text, label)
        parsed, text, label = source
        if not isinstance(parsed, dict) or not isinstance(parsed.get("series", {}), dict):
            problem = f'{label}:1: not a manifest (expected an object with a "series" object)'
            problems.append(problem)
            return _ManifestState({"series": {}}, tuple(problems), problem, {}, pending, journal_problem)
        data = {k: v for k, v in parsed.items() if k != "series"}
        data["series"] = {}
        bad: dict[str, str] = {}
        for key, entry in parsed.get("series", {}).items():
            why = _entry_problem(key, entry)
            if why is None:
                data["series"][key] = entry
                continue
            shown = key if _KEY.fullmatch(key) else repr(key[:40])
            problem = f"{label}:{_line_of(text, key)}: {shown}: {why}"
            problems.append(problem)
            if _KEY.fullmatch(key):
                bad[key] = problem
        return _ManifestState(data, tuple(problems), None, bad, pending, journal_problem)

    def manifest(self) -> dict:
        """The committed manifest, `{"series": {key: entry}}` (a pending journal's, when a write was
        interrupted after its commit). Never raises: an unreadable manifest reads as `{"series": {}}`
        and an entry that is not well formed is left out; `manifest_problems` says what is wrong."""
        return copy.deepcopy(self._state().data)

    def manifest_problems(self) -> list[str]:
        """What is wrong with the manifest (or the write journal), `file:line: message` each; [] when sound."""
        return list(self._state().problems)

    def keys(self) -> list[str]:
        """The series listed in the manifest (none when it cannot be read)."""
        return sorted(self._state().data["series"])

    def _pending(self) -> dict | None:
        """The journal of a committed write whose renames are not all done yet, if any (for writers:
        StoreError when it cannot be read)."""
        path = self.root / JOURNAL
        if not os.path.lexists(path):
            return None
        label = self._where(JOURNAL)
        parsed, _, problem = _read_json(path, self.root, label)
        if problem is None and (why := _journal_problem(parsed)) is not None:
            problem = f"{label}:1: {why}"
        if problem is not None:
            raise StoreError(f"{problem}: an interrupted write cannot be completed, so nothing was written")
        return parsed

    # -- reading --------------------------------------------------------------------------
    def _candidates(self, key: str, pending: dict[str, str]) -> list[Path]:
        """Where the committed bytes of `key` are: a journal's temp file until it is renamed."""
        paths = [self.root / f"{key}.csv"]
        if key in pending:
            paths.insert(0, self.root / pending[key])
        return paths

    def read(self, key: str) -> StoredSeries | None:
        """The stored series as its file has it, UNVERIFIED (for writers and tests: the app uses
        `verify.resolve`, which checks every copy first), or None when this store does not list it or the
        listed file is missing. StoreError when the file cannot be read (not a regular file, outside
        the store, too large) or is not a CSV of date,value at all; never blocks on a FIFO.

        The file is checked against the manifest's sha256 and read again when a writer swapped
        it in between (the manifest is renamed last), so values and metadata always match.
        """
        for _attempt in range(5):
            state = self._parse_state()
            meta = state.data["series"].get(key)
            if meta is None:
                return None
            raw = None
            for path in self._candidates(key, state.pending):
                try:
                    raw, _ = _read_regular(path, self.root, MAX_SERIES_BYTES)
                    break
                except _Unreadable as exc:
                    if exc.reason != "file missing":
                        specific = f" ({exc.specific})" if exc.specific else ""
                        raise StoreError(f"{self._where(path.name)}: {exc.reason}{specific}") from None
            if raw is None:
                return None
            if sha256_bytes(raw) == meta.get("sha256"):
                break
            time.sleep(0.02)
        else:
            warnings.warn(f"{self.root}/{key}.csv does not match its manifest checksum", stacklevel=2)
        try:
            frame = pd.read_csv(io.BytesIO(raw), dtype={"value": "float64"})
            values = pd.Series(
                frame["value"].to_numpy(),
                index=pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date"),
                name=key,
            )
        except (ValueError, KeyError, TypeError, OverflowError) as exc:
            raise StoreError(f"{self._where(f'{key}.csv')}: not a date,value file ({type(exc).__name__})") from None
        return StoredSeries(key=key, values=values, meta=copy.deepcopy(meta), store=self.name)

    # -- writing --------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, wait: bool = True, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's write lock, finishing any interrupted write first.

        wait=False: raise StoreError at once if another writer has it; timeout=S: wait at most S seconds.
        """
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a") as fh:
            deadline = None if timeout is None else time.monotonic() + timeout
            while True:
                blocking = wait and deadline is None
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
                    break
                except BlockingIOError:
                    if not wait or time.monotonic() >= deadline:
                        waited = "" if not wait else f" (waited {timeout:g} s)"
                        raise StoreError(
                            f"another refresh or import is writing to {self.root}{waited}; try again when it ends"
                        ) from None
                    time.sleep(0.05)
            try:
                self.recover()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def recover(self) -> bool:
        """Finish a write interrupted after its commit point, drop temp files of uncommitted ones.

        Caller holds the lock. Returns True when an interrupted write was completed.
        """
        pending = self._pending()
        keep = set(pending.get("files", {}).values()) if pending else set()
        for tmp in self.root.glob(".*.tmp"):
            if tmp.name not in keep:
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
        if pending is None:
            return False
        self._apply(pending)
        return True

    def _apply(self, journal: dict) -> None:
        """Rename the journal's temp files into place, then write the manifest, then drop the journal."""
        for key, name in journal["files"].items():
            tmp = self.root / name
            if tmp.exists():  # else it was renamed before the interruption
                os.replace(tmp, self.root / f"{key}.csv")
        _fsync_dir(self.root)
        atomic_write(self.root / MANIFEST, _manifest_bytes(journal["manifest"]))
        os.unlink(self.root / JOURNAL)
        _fsync_dir(self.root)

    def write(self, entries: dict[str, tuple[pd.Series, dict]]) -> dict[str, dict]:
        """Write several series and then the manifest, all or nothing. Caller holds the lock.

        `entries` maps key -> (values, provenance). Returns the new manifest entries. Refuses
        (StoreError, nothing written) when the manifest cannot be read, since rewriting it would drop
        the entries it holds, and any series that `verify.resolve` would then reject (empty, dates not
        strictly increasing, values not finite or outside the series' plausible range).
        """
        self.recover()
        state = self._parse_state()
        if state.unreadable is not None or state.bad_entries:
            problem = state.unreadable or next(iter(state.bad_entries.values()))
            raise StoreError(
                f"{problem}; nothing was written, so the entries it holds are not lost. Repair or restore "
                f"{self._where(MANIFEST)} (python -m usjp validate lists what is wrong), or move it aside"
            )
        for key, (values, _) in entries.items():
            if (why := _unstorable(key, values)) is not None:
                raise StoreError(f"{self._where(f'{key}.csv')}: refusing to store {key}: {why}; nothing was written")
        manifest = copy.deepcopy(state.data)
        written: dict[str, dict] = {}
        temps: dict[str, Path] = {}
        try:
            for key, (values, provenance) in entries.items():
                data = series_to_csv(values)
                temps[key] = _write_temp(self.root / f"{key}.csv", data)
                entry = dict(provenance)
                entry.update(
                    first=f"{values.index[0]:%Y-%m-%d}",
                    last=f"{values.index[-1]:%Y-%m-%d}",
                    rows=len(values),
                    sha256=sha256_bytes(data),
                )
                written[key] = entry
            manifest["series"].update(written)
            manifest["series"] = dict(sorted(manifest["series"].items()))
            journal = {"manifest": manifest, "files": {key: tmp.name for key, tmp in temps.items()}}
            # The commit point: once the journal is on disk the write will complete, whatever happens.
            atomic_write(self.root / JOURNAL, json.dumps(journal, ensure_ascii=False).encode())
        except BaseException:
            for tmp in temps.values():
                with contextlib.suppress(FileNotFoundError):
                    tmp.unlink()
            raise
        self._apply(journal)
        return written


def _manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def _unstorable(key: str, values: pd.Series) -> str | None:
    """Why `values` may not be stored as `key` (what `verify.resolve` would reject), or None."""
    if not _KEY.fullmatch(key) or key not in catalog.CATALOG:
        return "not a series in the catalog"
    if not len(values):
        return "no values"
    try:
        index = pd.DatetimeIndex(values.index)
        if index.tz is not None:
            return "dates with a time zone"
        if (index != index.normalize()).any():
            return "dates with a time of day"
        if not index.is_monotonic_increasing or index.has_duplicates:
            return "dates not strictly increasing"
        if index[0] < pd.Timestamp(FIRST_DATE) or index[-1] > pd.Timestamp(LAST_DATE):
            return f"dates outside {FIRST_DATE}..{LAST_DATE}"
        numbers = values.to_numpy(dtype="float64")
    except (TypeError, ValueError, OverflowError):
        return "not a series of dated numbers"
    if not np.isfinite(numbers).all():
        return f"{int((~np.isfinite(numbers)).sum())} value(s) that are not finite numbers"
    low, high = catalog.get(key).plausible
    outside = int(((numbers < low) | (numbers > high)).sum())
    if outside:
        return f"{outside} value(s) outside the plausible range {low:g}..{high:g}"
    return None


def snapshot() -> Store:
    return Store(snapshot_dir(), "snapshot")


def cache() -> Store:
    return Store(cache_dir(), "cache")
