"""On-disk series store: the committed snapshot and the local cache, each a folder of
`KEY.csv` files (date,value) plus a `manifest.json` that records provenance and checksums.

Nothing is used unchecked: `resolve(key)` verifies each stored copy before the app may show it (the
file is a regular file inside its store, matches its manifest's sha256, rows and first/last date,
every line is `date,value`, dates strictly increase, values are finite and plausible for the series,
and a cache copy does not hide history the snapshot has) and picks the cache copy if it passes, else
the snapshot copy, else none; every failed copy comes back as a `Rejected` with a short reason and a
`file:line` detail. Damaged data never raises. Verified results are cached by `fingerprint(key)`
(manifest entry and file stat, no hashing), digests by the file's stat, so a page load that changed
nothing costs a few stat calls.

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
from typing import NamedTuple

import numpy as np
import pandas as pd

from usjp import catalog
from usjp.data import checks
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
# What a float may look like in a stored file: digits, sign, point, exponent, and the letters of
# nan/inf/infinity (so those are read, then refused as not finite, rather than called unreadable).
_VALUE = r"[-+0-9.eEnaNAifIFtyTY]{1,40}"
_BODY = re.compile(rf"(?:\d{{4}}-\d\d-\d\d,{_VALUE}\n)*", re.ASCII)
_LINE = re.compile(rf"\d{{4}}-\d\d-\d\d,{_VALUE}", re.ASCII)


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


# Caches shared by every Store of this process, each keyed by what makes it stale (stat of the files).
_DIGESTS: dict[tuple, str] = {}  # (path, dev, inode, size, mtime_ns, ctime_ns) -> sha256
_MANIFESTS: dict[str, tuple[tuple, _ManifestState]] = {}  # store root -> (stat signature, parsed manifest)
_RESOLVED: dict[tuple, tuple[tuple, Resolved]] = {}  # (key, roots) -> (fingerprint, verdict)
_CACHE_LIMIT = 1024
# The index dtype pandas gives parsed dates (microseconds in pandas 3), so every reader agrees.
_INDEX_DTYPE = pd.to_datetime(pd.Series(["2000-01-01"])).dtype


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
        `resolve`, which checks every copy first), or None when this store does not list it or the
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
                        raise StoreError(_Problem(exc.reason, self._where(path.name), exc.specific).text) from None
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

    def verify(self, key: str) -> StoredSeries | Rejected | None:
        """This store's copy of `key` if it passes every check of its own (`resolve` adds the one
        against the snapshot), a Rejected saying why not, or None when the store has no copy."""
        found, problems = self._examine(key)
        if problems:
            return Rejected(self.name, key, problems[0].reason, problems[0].text)
        return found

    def _examine(self, key: str, state: _ManifestState | None = None) -> tuple[StoredSeries | None, list[_Problem]]:
        """This store's copy of `key` and every problem with it: (series, []) when it is sound,
        (None, problems) when not, (None, []) when the store neither lists nor holds it."""
        state = state or self._state()
        name = f"{key}.csv"
        where = self._where(name)
        if key in state.bad_entries:
            return None, [_Problem("manifest entry unreadable", where, state.bad_entries[key])]
        valid = bool(_KEY.fullmatch(key))
        entry = state.data["series"].get(key)
        if entry is None and key not in state.pending and not (valid and os.path.lexists(self.root / name)):
            return None, []
        if not valid or key not in catalog.CATALOG:
            return None, [_Problem("not a series in the catalog", where)]
        if state.unreadable is not None:
            return None, [_Problem("manifest unreadable", where, state.unreadable)]
        if entry is None:
            return None, [_Problem("not listed in the manifest", where, f"{self._where(MANIFEST)} has no entry for it")]
        path = self.root / name
        for candidate in self._candidates(key, state.pending):
            if os.path.lexists(candidate):
                path = candidate
                break
        where = self._where(path.name)
        try:
            raw, st = _read_regular(path, self.root, MAX_SERIES_BYTES)
        except _Unreadable as exc:
            specific = exc.specific or (f"listed in {self._where(MANIFEST)}" if exc.reason == "file missing" else "")
            return None, [_Problem(exc.reason, where, specific)]
        values, problems, shape = _parse_series(key, raw, self._where, path.name)
        if _digest(raw, st, path) != entry["sha256"]:
            problems.append(
                _Problem(
                    "checksum does not match its manifest", where, f"{self._where(MANIFEST)} records another sha256"
                )
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
        return StoredSeries(key=key, values=values, meta=copy.deepcopy(entry), store=self.name), []

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
        the entries it holds, and any series that `resolve` would then reject (empty, dates not
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

    # -- checking -------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Every problem with the store, `file[:line]: reason (specifics)` each: the manifest, each
        copy it lists or holds (the checks of `verify`), and an interrupted write. Empty when sound."""
        state = self._state()
        problems = list(state.problems)
        if os.path.lexists(self._dir) and not os.path.isdir(self._dir):
            folder = self._where("x")[: -len("/x")]
            problems.append(f"{folder}: not a folder (this store cannot be read or written)")
        if state.unreadable is None:
            keys = set(state.data["series"]) | set(state.pending)
            keys |= {name.removesuffix(".csv") for name in self._series_files()}
            for key in sorted(keys - set(state.bad_entries)):
                if not _KEY.fullmatch(key):
                    problems.append(f"{self._where(f'{key}.csv')}: not a series file (not listed in the manifest)")
                    continue
                problems.extend(p.text for p in self._examine(key)[1])
        if os.path.lexists(self.root / JOURNAL) and state.journal_problem is None:
            problems.append(
                f"{self._where(JOURNAL)}: an interrupted write is pending (the next import or refresh completes it)"
            )
        return problems


def _manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def _unstorable(key: str, values: pd.Series) -> str | None:
    """Why `values` may not be stored as `key` (what `resolve` would reject), or None."""
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


def snapshot() -> Store:
    return Store(snapshot_dir(), "snapshot")


def cache() -> Store:
    return Store(cache_dir(), "cache")


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
    ours, our_problems = local._examine(key, states[0])
    theirs, their_problems = bundled._examine(key, states[1])
    if ours is not None and theirs is not None:
        why = checks.history_shrink(theirs.values.index, ours.values.index)
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
    no more than checks.MAX_MISSING_SHARE of its dates in the span both cover. Verdicts are remembered
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
