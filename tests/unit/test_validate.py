"""`python -m usjp validate`: every kind of damage to the snapshot or the cache is reported as
`file[:line]: reason`, with exit status 1 and never a traceback; `--json` says which copy the app uses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.damage import (
    KEY,
    OTHER,
    copy_path,
    delete,
    directory,
    duplicate_line,
    edit_manifest,
    empty,
    fifo,
    garbage_bytes,
    label,
    manifest_path,
    resign,
    reverse_rows,
    set_value,
    setup_store,
    snapshot_values,
    truncate_mid_value,
    write_cache,
)
from tests.live_support import digest_tree
from usjp import catalog
from usjp.cli import main
from usjp.data import store, verify


def validate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["validate", *args])
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and out.err == "", out.err
    return code, out.out


def manifest_label(which: str) -> str:
    return f"data/{'cache' if which == 'cache' else 'market'}/manifest.json"


def _in_manifest(change: Callable[[dict], None]) -> Callable[[str], None]:
    return lambda which: edit_manifest(which, change)


def _on_file(damage: Callable[[Path], None], signed: bool = False) -> Callable[[str], None]:
    def apply(which: str) -> None:
        damage(copy_path(which))
        if signed:
            resign(which)

    return apply


def _cut_manifest(which: str) -> None:
    path = manifest_path(which)
    path.write_bytes(path.read_bytes()[:200])


def _invalid_manifest(which: str) -> None:
    manifest_path(which).write_text('{"series": {"ust10y": {]}')


def _stale_sha(manifest: dict) -> None:
    manifest["series"][KEY]["sha256"] = "f" * 64


def _drop_entry(manifest: dict) -> None:
    del manifest["series"][KEY]


# (name, damage(which), the start of the expected line, minus the store's folder)
CASES: list[tuple[str, Callable[[str], None], Callable[[str], str]]] = [
    ("empty", _on_file(empty), lambda w: f"{label(w)}: file empty"),
    ("garbage bytes", _on_file(garbage_bytes), lambda w: f"{label(w)}:1: not UTF-8 text"),
    ("truncated mid-value", _on_file(truncate_mid_value), lambda w: f"{label(w)}:4196: file cut off"),
    ("NaN", _on_file(set_value(30, "nan"), signed=True), lambda w: f"{label(w)}:30: values not finite (nan on "),
    ("1e308", _on_file(set_value(30, "1e308")), lambda w: f"{label(w)}:30: values outside the plausible range"),
    ("duplicate dates", _on_file(duplicate_line), lambda w: f"{label(w)}:6: duplicate dates (2010-01-07 appears"),
    ("reversed order", _on_file(reverse_rows, signed=True), lambda w: f"{label(w)}:3: dates out of order"),
    ("stale sha256", _in_manifest(_stale_sha), lambda w: f"{label(w)}: checksum does not match its manifest"),
    ("missing entry", _in_manifest(_drop_entry), lambda w: f"{label(w)}: not listed in the manifest"),
    ("file missing", _on_file(delete), lambda w: f"{label(w)}: file missing"),
    ("directory instead of file", _on_file(directory), lambda w: f"{label(w)}: not a regular file (a directory)"),
    ("named pipe instead of file", _on_file(fifo), lambda w: f"{label(w)}: not a regular file (a named pipe)"),
    ("manifest invalid", _invalid_manifest, lambda w: f"{manifest_label(w)}:1: not valid JSON: "),
    ("manifest cut off", _cut_manifest, lambda w: f"{manifest_label(w)}:"),
]


@pytest.mark.parametrize("which", ["cache", "snapshot"])
@pytest.mark.parametrize(("name", "damage", "expected"), CASES, ids=[c[0] for c in CASES])
def test_validate_reports_each_damage(data_dir, capsys, which, name, damage, expected):
    setup_store(which)
    damage(which)
    before = digest_tree(data_dir)
    code, out = validate(capsys)
    assert code == 1
    lines = out.splitlines()
    assert any(line.startswith(expected(which)) for line in lines), out
    if name == "manifest cut off":
        assert "cut off" in out
    # which copy the app uses instead, in words
    uses = "the app uses the snapshot copy" if which == "cache" else "unavailable in the app"
    assert any(line.startswith(f"{KEY}: {uses} (the {which} copy failed: ") for line in lines), out
    assert lines[-1].endswith("error(s)") and not lines[-1].endswith(" 0 error(s)")
    assert digest_tree(data_dir) == before


def test_validate_reports_a_cache_that_hides_history(data_dir, capsys):
    write_cache(snapshot_values().iloc[-50:])
    code, out = validate(capsys)
    assert code == 1
    assert "data/cache/ust10y.csv: fewer dates than the bundled copy (it starts on " in out
    assert f"{KEY}: the app uses the snapshot copy (the cache copy failed: fewer dates than the bundled copy)" in out


def test_validate_passes_a_sound_cache_and_says_it_is_used(data_dir, capsys):
    setup_store("cache")
    code, out = validate(capsys)
    assert code == 0, out
    shipped = sum(s.redistributable for s in catalog.SERIES)  # every one is in the snapshot
    assert out.splitlines()[-1].endswith(f"{shipped - 1} series from the snapshot, 1 from the local cache, 0 error(s)")
    code, out = validate(capsys, "--json")
    report = json.loads(out)
    assert code == 0 and report["errors"] == []
    assert report["series"][KEY]["uses"] == "cache" and report["series"][KEY]["rejected"] == []
    assert report["series"][OTHER]["uses"] == "snapshot"


def test_validate_json_says_which_copy_is_used_and_why(data_dir, capsys):
    setup_store("cache")
    duplicate_line(copy_path("cache"))
    empty(copy_path("snapshot", OTHER))
    code, out = validate(capsys, "--json")
    report = json.loads(out)
    assert code == 1 and {"events", "errors", "series"} <= set(report) and report["events"] >= 75
    assert report["series"][KEY] == {
        "uses": "snapshot",
        "first": "2010-01-04",
        "last": "2026-10-08",
        "rows": 4195,
        "rejected": [
            {
                "store": "cache",
                "reason": "duplicate dates",
                "detail": "data/cache/ust10y.csv:6: duplicate dates (2010-01-07 appears twice)",
            }
        ],
    }
    assert report["series"][OTHER]["uses"] is None
    assert report["series"][OTHER]["rejected"] == [
        {"store": "snapshot", "reason": "file empty", "detail": "data/market/ust2y.csv: file empty"}
    ]
    assert "data/market/ust2y.csv: file empty" in report["errors"]


def test_validate_lists_every_problem_of_a_tampered_snapshot(data_dir, capsys):
    duplicate_line(copy_path("snapshot", OTHER))
    code, out = validate(capsys, "--json")
    errors = json.loads(out)["errors"]
    assert code == 1
    assert "data/market/ust2y.csv:6: duplicate dates (2010-01-07 appears twice)" in errors
    assert any(e.startswith("data/market/ust2y.csv: checksum does not match its manifest") for e in errors)
    assert any(e.startswith("data/market/ust2y.csv: rows or dates do not match its manifest") for e in errors)


def test_validate_reports_an_events_file_that_is_not_utf8(data_dir, capsys):
    (data_dir / "events.yaml").write_bytes(b"- id: a\n  title: caf\xe9\n")
    code, out = validate(capsys)
    assert code == 1
    assert out.startswith("data/events.yaml:2: not UTF-8"), out


def test_validate_turns_an_unexpected_error_into_one_line(data_dir, capsys, monkeypatch):
    def boom(key: str) -> verify.Resolved:
        raise RuntimeError("something nobody expected")

    monkeypatch.setattr(verify, "resolve", boom)
    code, out = validate(capsys)
    assert code == 1
    assert out.count("\n") == 1 and "ust3m.csv" in out and "RuntimeError: something nobody expected" in out


def test_validate_command_never_shows_a_traceback(data_dir):
    """Everything at once, through the real command line: one line per problem, exit 1, stderr empty."""
    setup_store("cache")
    duplicate_line(copy_path("cache"))
    resign("cache")
    empty(copy_path("snapshot", OTHER))
    directory(copy_path("snapshot", "ust5y"))
    fifo(copy_path("snapshot", "ust30y"))
    garbage_bytes(copy_path("snapshot", "usdjpy"))
    (data_dir / "events.yaml").write_bytes(b"\xff\xfe not yaml")
    before = digest_tree(data_dir)
    out = subprocess.run(
        [sys.executable, "-m", "usjp", "validate"], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 1
    assert out.stderr == "" and "Traceback" not in out.stdout
    for expected in (
        "data/events.yaml:1: not UTF-8",
        "data/cache/ust10y.csv:6: duplicate dates (2010-01-07 appears twice)",
        "data/market/ust2y.csv: file empty",
        "data/market/ust5y.csv: not a regular file (a directory)",
        "data/market/ust30y.csv: not a regular file (a named pipe)",
        "data/market/usdjpy.csv:1: not UTF-8 text",
        "ust10y: the app uses the snapshot copy (the cache copy failed: duplicate dates)",
        "ust2y: unavailable in the app (the snapshot copy failed: file empty)",
    ):
        assert any(line.startswith(expected) for line in out.stdout.splitlines()), (expected, out.stdout)
    assert digest_tree(data_dir) == before


def test_validate_command_with_an_unreadable_snapshot_manifest(data_dir):
    manifest_path("snapshot").write_bytes(b"")
    out = subprocess.run(
        [sys.executable, "-m", "usjp", "validate", "--json"], capture_output=True, text=True, timeout=120, check=False
    )
    assert out.returncode == 1 and out.stderr == ""
    report = json.loads(out.stdout)
    assert "data/market/manifest.json:1: empty file" in report["errors"]
    assert report["series"][KEY]["uses"] is None
    assert report["series"][KEY]["rejected"][0]["reason"] == "manifest unreadable"
    assert store.snapshot().manifest() == {"series": {}}


def test_validate_reports_a_missing_snapshot_and_a_cache_that_is_not_a_folder(data_dir, capsys):
    for path in (data_dir / "market").iterdir():
        path.unlink()
    (data_dir / "market").rmdir()
    (data_dir / "cache").write_text("not a folder")
    code, out = validate(capsys)
    assert code == 1
    assert "data/market/manifest.json: manifest missing (the bundled snapshot is not there)" in out.splitlines()
    assert "data/cache: not a folder (this store cannot be read or written)" in out.splitlines()
