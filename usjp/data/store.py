"""On-disk series store: the committed snapshot and the local cache, each a folder of
`KEY.csv` files (date,value) plus a `manifest.json` that records provenance and checksums.

Every write is atomic (temp file + fsync + rename) and the manifest is written last, so a
reader sees either the old series or the new one, never half a file. A write of several series
commits through a journal (`.pending.json`, itself written atomically) before any file is renamed:
a writer killed after that point is rolled forward by the next writer, and readers in between
see the committed new state; killed before it, nothing visible has changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import io
import json
import os
import tempfile
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from usjp import catalog
from usjp.paths import cache_dir, snapshot_dir

MANIFEST = "manifest.json"
LOCK = ".lock"
JOURNAL = ".pending.json"


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


class Store:
    """One folder of series files plus its manifest."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = Path(root)
        self.name = name

    # -- manifest -------------------------------------------------------------------------
    def _pending(self) -> dict | None:
        """The journal of a committed write whose renames are not all done yet, if any."""
        path = self.root / JOURNAL
        try:
            return json.loads(path.read_text())
        except FileNotFoundError:
            return None
        except json.JSONDecodeError as exc:  # cannot happen with atomic writes; say so loudly if it does
            raise StoreError(f"{path}:{exc.lineno}: write journal is not valid JSON ({exc.msg})") from exc

    def manifest(self) -> dict:
        """The committed manifest: a pending journal's, when a write was interrupted after its commit."""
        pending = self._pending()
        if pending is not None:
            data = pending["manifest"]
        else:
            path = self.root / MANIFEST
            if not path.exists():
                return {"series": {}}
            try:
                data = json.loads(path.read_text())
            except json.JSONDecodeError as exc:
                raise StoreError(f"{path}:{exc.lineno}: manifest is not valid JSON ({exc.msg})") from exc
        data.setdefault("series", {})
        return data

    def keys(self) -> list[str]:
        return sorted(self.manifest()["series"])

    # -- reading --------------------------------------------------------------------------
    def _candidates(self, key: str, pending: dict | None) -> list[Path]:
        """Where the committed bytes of `key` are: a journal's temp file until it is renamed."""
        paths = [self.root / f"{key}.csv"]
        if pending is not None and key in pending.get("files", {}):
            paths.insert(0, self.root / pending["files"][key])
        return paths

    def read(self, key: str) -> StoredSeries | None:
        """The stored series, or None when this store does not hold it.

        The file is checked against the manifest's sha256 and read again when a writer swapped
        it in between (the manifest is renamed last), so values and metadata always match.
        """
        for _attempt in range(5):
            pending = self._pending()
            meta = self.manifest()["series"].get(key)
            if meta is None:
                return None
            raw = None
            for path in self._candidates(key, pending):
                with contextlib.suppress(FileNotFoundError):
                    raw = path.read_bytes()
                    break
            if raw is None:
                return None
            if sha256_bytes(raw) == meta.get("sha256"):
                break
            time.sleep(0.02)
        else:
            warnings.warn(f"{self.root}/{key}.csv does not match its manifest checksum", stacklevel=2)
        frame = pd.read_csv(io.BytesIO(raw), dtype={"value": "float64"})
        values = pd.Series(
            frame["value"].to_numpy(), index=pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date"), name=key
        )
        return StoredSeries(key=key, values=values, meta=meta, store=self.name)

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

        `entries` maps key -> (values, provenance). Returns the new manifest entries.
        """
        self.recover()
        manifest = self.manifest()
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
        """Problems with the store: manifest vs files, checksums, date order. Empty when sound."""
        problems: list[str] = []
        try:
            manifest = self.manifest()
        except StoreError as exc:
            return [str(exc)]
        for key, meta in manifest["series"].items():
            path = self.root / f"{key}.csv"
            where = f"{path.relative_to(self.root.parent) if self.root.parent in path.parents else path}"
            if not path.exists():
                problems.append(f"{where}:0 {key} file: listed in the manifest but missing")
                continue
            raw = path.read_bytes()
            if sha256_bytes(raw) != meta.get("sha256"):
                problems.append(f"{where}:0 {key} sha256: file does not match the manifest checksum")
            problems.extend(_check_csv_lines(where, key, raw, meta))
        if (self.root / JOURNAL).exists():
            problems.append(
                f"{self.root / JOURNAL}:0 - store: an interrupted write is pending; the next import or refresh "
                "completes it"
            )
        for path in sorted(self.root.glob("*.csv")):
            if path.stem not in manifest["series"]:
                problems.append(f"{path}:0 {path.stem} file: not listed in the manifest")
        return problems


def _manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()


def _check_csv_lines(where: str, key: str, raw: bytes, meta: dict) -> list[str]:
    problems: list[str] = []
    lines = raw.decode().splitlines()
    if not lines or lines[0] != "date,value":
        return [f"{where}:1 {key} header: expected 'date,value'"]
    previous = None
    for number, line in enumerate(lines[1:], start=2):
        stamp, _, value = line.partition(",")
        try:
            day = pd.Timestamp(stamp)
            float(value)
        except ValueError:
            problems.append(f"{where}:{number} {key} row: cannot read {line!r}")
            continue
        if previous is not None and day <= previous:
            kind = "duplicate date" if day == previous else "date out of order"
            problems.append(f"{where}:{number} {key} date: {kind} {stamp}")
        previous = day
    rows = len(lines) - 1
    if meta.get("rows") != rows:
        problems.append(f"{where}:0 {key} rows: manifest says {meta.get('rows')}, file has {rows}")
    if rows and (meta.get("first") != lines[1][:10] or meta.get("last") != lines[-1][:10]):
        problems.append(f"{where}:0 {key} dates: manifest first/last do not match the file")
    return problems


def snapshot() -> Store:
    return Store(snapshot_dir(), "snapshot")


def cache() -> Store:
    return Store(cache_dir(), "cache")


def read_newest(key: str) -> StoredSeries | None:
    """The newest good copy of a series: the local cache when it has one, else the snapshot."""
    for store in (cache(), snapshot()):
        found = store.read(key)
        if found is not None and len(found.values):
            return found
    return None
