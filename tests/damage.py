"""Ways to damage stored data, shared by the store's fault matrix (tests/unit/test_store_verify.py) and
the pages' (tests/app/test_damaged_data.py). Each damage works on a file (or manifest) path in a data
dir set up by the `data_dir` fixture; "re-signed" damage also makes the manifest agree with the file."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from usjp import catalog
from usjp.data import store, verify

KEY = "ust10y"
OTHER = "ust2y"


# -- building and damaging copies --------------------------------------------------------------------
def snapshot_values(key: str = KEY) -> pd.Series:
    return store.snapshot().read(key).values


def write_cache(values: pd.Series, key: str = KEY) -> None:
    """A cache copy through the real write path (what an import or a refresh does)."""
    cache = store.cache()
    with cache.locked():
        cache.write({key: (values.rename(key), {**catalog.get(key).provenance(), "retrieved_at": "2026-11-22"})})


def copy_path(which: str, key: str = KEY) -> Path:
    return (store.cache() if which == "cache" else store.snapshot()).root / f"{key}.csv"


def manifest_path(which: str) -> Path:
    return (store.cache() if which == "cache" else store.snapshot()).root / store.MANIFEST


def lines_of(path: Path) -> list[str]:
    return path.read_text().splitlines()


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n")


def edit_manifest(which: str, change: Callable[[dict], None]) -> None:
    path = manifest_path(which)
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest, indent=2) + "\n")


def resign(which: str, key: str = KEY) -> None:
    """Make the manifest entry agree with the file as it now is (sha256, rows, first, last)."""
    raw = copy_path(which, key).read_bytes()
    body = raw.decode().splitlines()[1:]

    def change(manifest: dict) -> None:
        manifest["series"][key].update(
            sha256=hashlib.sha256(raw).hexdigest(), rows=len(body), first=body[0][:10], last=body[-1][:10]
        )

    edit_manifest(which, change)


def set_value(line: int, text: str) -> Callable[[Path], None]:
    """Replace the value on 1-based line `line` with `text`."""

    def damage(path: Path) -> None:
        lines = lines_of(path)
        lines[line - 1] = f"{lines[line - 1][:10]},{text}"
        write_lines(path, lines)

    return damage


def duplicate_line(path: Path) -> None:
    lines = lines_of(path)
    lines.insert(5, lines[4])  # line 6 repeats line 5's date
    write_lines(path, lines)


def reverse_rows(path: Path) -> None:
    lines = lines_of(path)
    write_lines(path, [lines[0], *reversed(lines[1:])])


def truncate_at_line(path: Path) -> None:
    write_lines(path, lines_of(path)[:101])


def truncate_mid_value(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:-2])  # "2026-10-08,5.22\n" -> "2026-10-08,5.2"


def truncate_mid_date(path: Path) -> None:
    data = path.read_bytes()
    start = data.index(b"\n2010-05-21") + 1
    path.write_bytes(data[: start + 7])  # "...\n2010-05"


def garbage_bytes(path: Path) -> None:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\xff\xfe" + bytes(range(256)) * 4)


def latin1_line(path: Path) -> None:
    lines = path.read_bytes().split(b"\n")
    lines[6] = lines[6][:11] + b"3\xe9"  # a value typed in Latin-1
    path.write_bytes(b"\n".join(lines))


def garbage_text(path: Path) -> None:
    path.write_text("this is not a series at all, " * 40 + "\n" + "A" * 500 + "\n")


def empty(path: Path) -> None:
    path.write_bytes(b"")


def edit_a_value(path: Path) -> None:
    set_value(50, "4.99")(path)  # plausible, well formed: only the checksum can tell


def delete(path: Path) -> None:
    path.unlink()


def directory(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "inside.csv").write_text("date,value\n")


def fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def link_outside(path: Path) -> None:
    outside = path.parents[2] / "outside.csv"
    outside.write_bytes(path.read_bytes())  # an exact copy: only where it lives is wrong
    path.unlink()
    path.symlink_to(outside)


# (name, damage to the file, re-sign the manifest afterwards, expected reason, line of the detail)
FILE_DAMAGE: list[tuple[str, Callable[[Path], None], bool, str, int | None]] = [
    ("empty", empty, False, "file empty", None),
    ("garbage bytes", garbage_bytes, False, "not UTF-8 text", 1),
    ("a line not UTF-8", latin1_line, False, "not UTF-8 text", 7),
    ("garbage text", garbage_text, False, "not a date,value file", 1),
    ("truncated at a line", truncate_at_line, False, "checksum does not match its manifest", None),
    ("truncated at a line, re-signed", truncate_at_line, True, None, None),  # a shorter but sound file
    ("truncated mid-value", truncate_mid_value, False, "file cut off", 4196),
    ("truncated mid-date", truncate_mid_date, False, "file cut off", 99),
    ("NaN", set_value(30, "nan"), False, "values not finite", 30),
    ("NaN, re-signed", set_value(30, "nan"), True, "values not finite", 30),
    ("inf", set_value(30, "inf"), True, "values not finite", 30),
    ("-inf", set_value(31, "-inf"), True, "values not finite", 31),
    ("1e308", set_value(30, "1e308"), True, "values outside the plausible range", 30),
    ("1e308, not re-signed", set_value(30, "1e308"), False, "values outside the plausible range", 30),
    ("negative 1e308", set_value(40, "-1e308"), True, "values outside the plausible range", 40),
    ("unreadable line", set_value(40, "4,3"), True, "unreadable line", 40),
    ("duplicate dates", duplicate_line, False, "duplicate dates", 6),
    ("duplicate dates, re-signed", duplicate_line, True, "duplicate dates", 6),
    ("reversed order", reverse_rows, False, "dates out of order", 3),
    ("reversed order, re-signed", reverse_rows, True, "dates out of order", 3),
    ("value edited", edit_a_value, False, "checksum does not match its manifest", None),
    ("file missing", delete, False, "file missing", None),
    ("directory instead of file", directory, False, "not a regular file", None),
    ("named pipe instead of file", fifo, False, "not a regular file", None),
    ("link outside the store", link_outside, False, "link outside the store", None),
]


def _stale_sha(manifest: dict) -> None:
    manifest["series"][KEY]["sha256"] = "0" * 64


def _drop_entry(manifest: dict) -> None:
    del manifest["series"][KEY]


def _bad_rows(manifest: dict) -> None:
    manifest["series"][KEY]["rows"] = "many"


def _wrong_rows(manifest: dict) -> None:
    manifest["series"][KEY]["rows"] += 1


# (name, damage to the manifest, expected reason for KEY, does it hit every series of the store)
MANIFEST_DAMAGE: list[tuple[str, Callable[[Path], None], str, bool]] = [
    ("manifest invalid", lambda p: p.write_text('{"series": {"ust10y": {]}'), "manifest unreadable", True),
    (
        "manifest cut off",
        lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]),
        "manifest unreadable",
        True,
    ),
    ("manifest empty", lambda p: p.write_bytes(b""), "manifest unreadable", True),
    ("manifest not UTF-8", lambda p: p.write_bytes(b'{"series": "\xff"}'), "manifest unreadable", True),
    ("manifest a list", lambda p: p.write_text("[1, 2]"), "manifest unreadable", True),
    ("manifest is a directory", lambda p: (p.unlink(), p.mkdir()), "manifest unreadable", True),
    ("stale sha256", lambda p: None, "checksum does not match its manifest", False),
    ("missing entry", lambda p: None, "not listed in the manifest", False),
    ("entry with bad rows", lambda p: None, "manifest entry unreadable", False),
    ("entry with wrong rows", lambda p: None, "rows or dates do not match its manifest", False),
]
ENTRY_EDITS = {
    "stale sha256": _stale_sha,
    "missing entry": _drop_entry,
    "entry with bad rows": _bad_rows,
    "entry with wrong rows": _wrong_rows,
}


def label(which: str, key: str = KEY) -> str:
    return f"data/{'cache' if which == 'cache' else 'market'}/{key}.csv"


def assert_uses(found: verify.Resolved, which: str | None, values: pd.Series | None = None) -> None:
    if which is None:
        assert found.series is None, found
        return
    assert found.series is not None and found.series.store == which, found
    if values is not None:
        pd.testing.assert_series_equal(found.series.values, values.rename(found.key), check_freq=False)


def setup_store(which: str) -> pd.Series:
    """The copy to damage: for the cache, one written from the snapshot's values. Returns those values."""
    values = snapshot_values()
    if which == "cache":
        write_cache(values)
        assert_uses(verify.resolve(KEY), "cache", values)
    return values
