"""On-disk series store: the committed snapshot and the local cache, each a folder of
`KEY.csv` files (date,value) plus a `manifest.json` that records provenance and checksums.

Every write is atomic (temp file + fsync + rename) and the manifest is written last, so a
reader sees either the old series or the new one, never half a file.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[1]
MANIFEST = "manifest.json"
LOCK = ".lock"


class StoreError(Exception):
    """A stored file is missing, inconsistent with its manifest, or could not be written."""


def data_dir() -> Path:
    """The data folder: `USJP_DATA_DIR` if set (tests use this), else the repo's `data/`."""
    return Path(os.environ.get("USJP_DATA_DIR", REPO_ROOT / "data"))


def snapshot_dir() -> Path:
    return data_dir() / "market"


def cache_dir() -> Path:
    return data_dir() / "cache"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def series_to_csv(series: pd.Series) -> bytes:
    """Serialise a date-indexed float series as `date,value` lines, exact (repr) floats."""
    out = io.StringIO()
    out.write("date,value\n")
    for stamp, value in series.items():
        out.write(f"{stamp:%Y-%m-%d},{float(value)!r}\n")
    return out.getvalue().encode()


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old bytes or the new, never a mix."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; stored data is meant to be readable
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


@dataclass(frozen=True)
class StoredSeries:
    """A series read from a store, with the manifest entry that describes it."""

    key: str
    values: pd.Series
    meta: dict
    store: str  # "snapshot" or "cache"


class Store:
    """One folder of series files plus its manifest."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = Path(root)
        self.name = name

    # -- manifest -------------------------------------------------------------------------
    def manifest(self) -> dict:
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
    def read(self, key: str) -> StoredSeries | None:
        """The stored series, or None when this store does not hold it."""
        meta = self.manifest()["series"].get(key)
        path = self.root / f"{key}.csv"
        if meta is None or not path.exists():
            return None
        frame = pd.read_csv(path, dtype={"value": "float64"})
        values = pd.Series(
            frame["value"].to_numpy(), index=pd.DatetimeIndex(pd.to_datetime(frame["date"]), name="date"), name=key
        )
        return StoredSeries(key=key, values=values, meta=meta, store=self.name)

    # -- writing --------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self, wait: bool = True) -> Iterator[None]:
        """Hold the store's write lock; with wait=False raise StoreError if another writer has it."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / LOCK, "a") as fh:
            flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
            try:
                fcntl.flock(fh, flags)
            except BlockingIOError:
                raise StoreError(
                    f"another refresh or import is writing to {self.root}; try again when it ends"
                ) from None
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def write(self, entries: dict[str, tuple[pd.Series, dict]]) -> dict[str, dict]:
        """Write several series and then the manifest. Caller holds the lock.

        `entries` maps key -> (values, provenance). Returns the new manifest entries.
        """
        manifest = self.manifest()
        written: dict[str, dict] = {}
        for key, (values, provenance) in entries.items():
            data = series_to_csv(values)
            atomic_write(self.root / f"{key}.csv", data)
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
        atomic_write(self.root / MANIFEST, (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode())
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
        for path in sorted(self.root.glob("*.csv")):
            if path.stem not in manifest["series"]:
                problems.append(f"{path}:0 {path.stem} file: not listed in the manifest")
        return problems


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


def load(key: str) -> StoredSeries | None:
    """The newest good copy of a series: the local cache when it has one, else the snapshot."""
    for store in (cache(), snapshot()):
        found = store.read(key)
        if found is not None and len(found.values):
            return found
    return None
