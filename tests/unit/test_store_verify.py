"""The fault matrix of the stored data: every kind of damage x each store (cache, snapshot).

For each: what `verify.resolve` picks (the other copy, or nothing), the reason it gives and where
(`file[:line]`), that nothing raises, and that loading leaves `data/` byte-identical. A cache copy is
made by the real write path (Store.write), then damaged. "Re-signed" damage also rewrites the manifest
entry to match the damaged bytes (as a buggy writer or a careful hand-editor would), so that only the
check named in the case can catch it: remove that check and the case fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from tests.damage import (
    ENTRY_EDITS,
    FILE_DAMAGE,
    KEY,
    MANIFEST_DAMAGE,
    OTHER,
    assert_uses,
    copy_path,
    duplicate_line,
    edit_manifest,
    empty,
    fifo,
    garbage_bytes,
    label,
    manifest_path,
    resign,
    reverse_rows,
    setup_store,
    snapshot_values,
    write_cache,
)
from tests.live_support import digest_tree
from usjp import catalog
from usjp.data import checks, refresh, store, verify


def everything_loaded(data_dir: Path) -> dict[str, verify.Resolved]:
    """What every reader does on a page load, and `validate`'s reading too; none may raise."""
    found = {key: verify.resolve(key) for key in catalog.CATALOG}
    for key in catalog.CATALOG:
        verify.read_newest(key)
        verify.fingerprint(key)
        refresh.stored_values(key)
    for which in (store.cache(), store.snapshot()):
        which.manifest(), which.manifest_problems(), which.keys(), verify.check_store(which)
    return found


# -- the matrix ------------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["cache", "snapshot"])
@pytest.mark.parametrize(
    ("name", "damage", "signed", "reason", "line"), FILE_DAMAGE, ids=[case[0] for case in FILE_DAMAGE]
)
def test_damaged_file(data_dir, which, name, damage, signed, reason, line):
    values = setup_store(which)
    damage(copy_path(which))
    if signed:
        resign(which)
    before = digest_tree(data_dir)

    loaded = everything_loaded(data_dir)

    assert digest_tree(data_dir) == before
    assert_uses(loaded[OTHER], "snapshot")  # the other series is untouched
    found = loaded[KEY]
    if reason is None:  # re-signed truncation: a sound shorter file
        if which == "cache":
            assert [r.reason for r in found.rejected] == ["fewer dates than the bundled copy"]
            assert_uses(found, "snapshot", values)
        else:
            assert found.rejected == () and len(found.series.values) == 100
        return
    where = label(which) + (f":{line}" if line else "")
    assert len(found.rejected) == 1, found.rejected
    rejected = found.rejected[0]
    assert (rejected.store, rejected.key, rejected.reason) == (which, KEY, reason)
    assert rejected.detail.startswith(f"{where}: {reason}"), rejected.detail
    assert (
        len(rejected.detail) < 300 and "AAAAAAAAAA" not in rejected.detail and "not a series at" not in rejected.detail
    )
    if which == "cache":
        assert_uses(found, "snapshot", values)  # the bundled copy, and it says why
    else:
        assert_uses(found, None)


@pytest.mark.parametrize("which", ["cache", "snapshot"])
@pytest.mark.parametrize(
    ("name", "damage", "reason", "whole"), MANIFEST_DAMAGE, ids=[case[0] for case in MANIFEST_DAMAGE]
)
def test_damaged_manifest(data_dir, which, name, damage, reason, whole):
    values = setup_store(which)
    if name in ENTRY_EDITS:
        edit_manifest(which, ENTRY_EDITS[name])
    else:
        damage(manifest_path(which))
    before = digest_tree(data_dir)

    found = everything_loaded(data_dir)

    assert digest_tree(data_dir) == before
    rejected = found[KEY].rejected
    assert [(r.store, r.reason) for r in rejected] == [(which, reason)], rejected
    assert rejected[0].detail.startswith(f"{label(which)}: {reason}"), rejected[0].detail
    assert_uses(found[KEY], "snapshot" if which == "cache" else None, values)
    chosen = store.cache() if which == "cache" else store.snapshot()
    if whole:
        assert chosen.manifest() == {"series": {}} and chosen.keys() == []
        problems = chosen.manifest_problems()
        manifest_label = f"data/{'cache' if which == 'cache' else 'market'}/manifest.json"
        assert len(problems) == 1 and problems[0].startswith(f"{manifest_label}"), problems
        assert rejected[0].detail.endswith(f"({problems[0]})")
        if which == "snapshot":  # every snapshot series is hit, and says so
            stems = [p.stem for p in (data_dir / "market").glob("*.csv")]
            shipped = [s for s in catalog.SERIES if s.redistributable]  # the snapshot holds each of them
            assert len(stems) == len(shipped) and all(found[k].series is None and found[k].rejected for k in stems)
    else:  # the other series of that store are fine
        assert_uses(found[OTHER], "snapshot")
        assert found[OTHER].rejected == ()


@pytest.mark.parametrize("which", ["cache", "snapshot"])
def test_manifest_problems_name_the_line(data_dir, which):
    setup_store(which)
    path = manifest_path(which)
    text = path.read_text()
    path.write_text(text.replace('"rows":', '"rows"', 1))  # a missing colon on some line
    line = text[: text.index('"rows":')].count("\n") + 1
    chosen = store.cache() if which == "cache" else store.snapshot()
    manifest_label = f"data/{'cache' if which == 'cache' else 'market'}/manifest.json"
    assert chosen.manifest_problems() == [f"{manifest_label}:{line}: not valid JSON: Expecting ':' delimiter"]
    assert chosen.manifest() == {"series": {}}


def test_cut_off_manifest_says_so(data_dir):
    path = manifest_path("snapshot")
    path.write_text(path.read_text()[:500])
    (problem,) = store.snapshot().manifest_problems()
    assert problem.startswith("data/market/manifest.json:") and "cut off" in problem


# -- the cache against the snapshot ----------------------------------------------------------------
def test_cache_that_starts_later_hides_history_and_is_refused(data_dir):
    values = snapshot_values()
    write_cache(values.iloc[-100:])  # a one-month import: 16 years of history would vanish
    found = verify.resolve(KEY)
    assert_uses(found, "snapshot", values)
    (rejected,) = found.rejected
    assert (rejected.store, rejected.reason) == ("cache", "fewer dates than the bundled copy")
    assert rejected.detail.startswith("data/cache/ust10y.csv: fewer dates than the bundled copy (it starts on ")


def test_cache_with_holes_is_refused_and_a_few_missing_dates_are_not(data_dir):
    values = snapshot_values()
    allowed = int(checks.MAX_MISSING_SHARE * len(values))
    write_cache(values.drop(values.index[1 : 1 + allowed + 1]))  # one date too many missing
    found = verify.resolve(KEY)
    assert [r.reason for r in found.rejected] == ["fewer dates than the bundled copy"]
    assert f"lacks {allowed + 1} of the {len(values)} dates" in found.rejected[0].detail
    write_cache(values.drop(values.index[1 : 1 + allowed]))  # within the threshold
    assert_uses(verify.resolve(KEY), "cache")


def test_longer_cache_is_used(data_dir):
    values = snapshot_values()
    newer = pd.concat([values, pd.Series([4.5], index=pd.DatetimeIndex(["2026-10-09"], name="date"))])
    write_cache(newer)
    found = verify.resolve(KEY)
    assert_uses(found, "cache", newer)
    assert found.rejected == ()


def test_damaged_snapshot_with_a_good_cache_uses_the_cache(data_dir):
    values = setup_store("cache")
    duplicate_line(copy_path("snapshot"))
    found = verify.resolve(KEY)
    assert_uses(found, "cache", values)
    assert [(r.store, r.reason) for r in found.rejected] == [("snapshot", "duplicate dates")]


def test_both_copies_damaged_lists_both_cache_first(data_dir):
    setup_store("cache")
    empty(copy_path("cache"))
    reverse_rows(copy_path("snapshot"))
    found = verify.resolve(KEY)
    assert found.series is None
    assert [(r.store, r.reason) for r in found.rejected] == [
        ("cache", "file empty"),
        ("snapshot", "dates out of order"),
    ]


def test_unlisted_key_and_stray_file(data_dir):
    assert verify.resolve("nikkei225") == verify.Resolved("nikkei225", None, ())  # not stored anywhere: no fuss
    (data_dir / "cache").mkdir()
    (data_dir / "cache" / "nikkei225.csv").write_text("date,value\n2025-01-06,39000.0\n")
    found = verify.resolve("nikkei225")
    assert found.series is None
    assert [(r.store, r.reason) for r in found.rejected] == [("cache", "not listed in the manifest")]


# -- caching of verdicts and digests -----------------------------------------------------------------
def test_a_remembered_verdict_is_dropped_when_the_file_changes_in_place(data_dir, monkeypatch):
    path = copy_path("snapshot")
    monkeypatch.setattr(store, "SETTLE_NS", 0)  # everything counts as settled: verdicts are remembered
    assert_uses(verify.resolve(KEY), "snapshot")
    print_before = verify.fingerprint(KEY)
    stamp = path.stat().st_mtime_ns
    data = path.read_bytes()
    with open(path, "r+b") as fh:  # same size, same mtime: only ctime tells
        fh.write(data.replace(b"3.85", b"9.85", 1)[:30])
    os.utime(path, ns=(stamp, stamp))
    assert verify.fingerprint(KEY) != print_before
    found = verify.resolve(KEY)
    assert found.series is None and found.rejected[0].reason == "checksum does not match its manifest"


def test_verdicts_are_remembered_and_handed_out_as_copies(data_dir, monkeypatch):
    monkeypatch.setattr(store, "SETTLE_NS", 0)  # everything counts as settled: verdicts are remembered
    first = verify.resolve(KEY)
    calls = []
    monkeypatch.setattr(verify, "_parse_series", lambda *a: calls.append(a))
    second = verify.resolve(KEY)
    assert calls == []  # not read again
    assert second.series.values is not first.series.values
    second.series.values.iloc[0] = -99.0
    second.series.meta["rows"] = 0
    third = verify.resolve(KEY)
    assert third.series.values.iloc[0] == 3.85 and third.series.meta["rows"] == 4195


def test_fingerprint_changes_with_either_copy(data_dir):
    start = verify.fingerprint(KEY)
    write_cache(snapshot_values())
    with_cache = verify.fingerprint(KEY)
    assert with_cache != start
    hash(with_cache)
    edit_manifest("snapshot", lambda m: m["series"][KEY].update(note="edited"))
    assert verify.fingerprint(KEY) != with_cache


def test_fingerprints_of_many_keys_are_each_keys_fingerprint(data_dir):
    keys = [KEY, OTHER, "not-a-series", KEY]
    assert verify.fingerprints(keys) == tuple(verify.fingerprint(k) for k in keys)
    write_cache(snapshot_values())  # a cache copy now: the batch sees it as the single call does
    edit_manifest("snapshot", lambda m: m["series"][KEY].update(note="edited"))
    assert verify.fingerprints(keys) == tuple(verify.fingerprint(k) for k in keys)
    assert verify.fingerprints([]) == ()


# -- guarded writes ----------------------------------------------------------------------------------
@pytest.mark.parametrize("which", ["cache", "snapshot"])
def test_write_refuses_when_the_manifest_is_unreadable(data_dir, which):
    setup_store(which)
    other = snapshot_values(OTHER)
    path = manifest_path(which)
    path.write_bytes(path.read_bytes()[:300])
    before = digest_tree(data_dir)
    chosen = store.cache() if which == "cache" else store.snapshot()
    with pytest.raises(store.StoreError, match="nothing was written"), chosen.locked():
        chosen.write({OTHER: (other, {"source": "test"})})
    assert digest_tree(data_dir) == before


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda v: pd.concat([v, v.iloc[-1:]]), "dates not strictly increasing"),
        (lambda v: v.iloc[::-1], "dates not strictly increasing"),
        (lambda v: v.where(v.index != v.index[3], float("nan")), "not finite"),
        (lambda v: v.where(v.index != v.index[3], 1e308), "outside the plausible range"),
        (lambda v: v.iloc[:0], "no values"),
    ],
)
def test_write_refuses_what_resolve_would_reject(data_dir, change, why):
    before = digest_tree(data_dir)
    snap = store.snapshot()
    with pytest.raises(store.StoreError, match=why), snap.locked():
        snap.write({KEY: (change(snapshot_values()), {"source": "test"})})
    assert digest_tree(data_dir) == before


def test_unreadable_journal_is_reported_and_blocks_writes_but_not_reads(data_dir):
    values = setup_store("cache")
    (data_dir / "cache" / store.JOURNAL).write_text('{"manifest": ')
    cache = store.cache()
    assert any(p.startswith("data/cache/.pending.json:1: not valid JSON") for p in cache.manifest_problems())
    assert_uses(verify.resolve(KEY), "cache", values)
    with pytest.raises(store.StoreError, match="interrupted write cannot be completed"), cache.locked():
        pass


def test_a_committed_but_unapplied_write_is_read_from_its_journal(data_dir, monkeypatch):
    values = setup_store("cache")
    newer = pd.concat([values, pd.Series([4.5], index=pd.DatetimeIndex(["2026-10-09"], name="date"))])
    with monkeypatch.context() as patched:
        patched.setattr(store.Store, "_apply", lambda self, journal: None)  # killed right after the commit
        write_cache(newer)
    assert (data_dir / "cache" / store.JOURNAL).exists()
    assert_uses(verify.resolve(KEY), "cache", newer)
    with store.cache().locked():  # the next writer completes it
        pass
    assert_uses(verify.resolve(KEY), "cache", newer)
    assert verify.check_store(store.cache()) == []


def test_refresh_merges_only_copies_that_pass(data_dir):
    values = setup_store("cache")
    duplicate_line(copy_path("cache"))
    resign("cache")
    merged, where = refresh.stored_values(KEY)
    assert where == ["snapshot"]
    pd.testing.assert_series_equal(merged, values, check_freq=False)


def test_sound_data_checks_clean(data_dir):
    setup_store("cache")
    assert verify.check_store(store.snapshot()) == [] and verify.check_store(store.cache()) == []
    assert store.snapshot().manifest_problems() == [] and store.cache().manifest_problems() == []
    bundled = set(store.snapshot().keys())
    for key in catalog.CATALOG:
        if key not in bundled:
            continue
        found = verify.resolve(key)
        assert found.rejected == () and found.series is not None
        pd.testing.assert_series_equal(found.series.values, store.snapshot().read(key).values, check_freq=False)


def test_the_writers_read_never_blocks_and_raises_store_error_for_damage(data_dir):
    """Store.read (unverified, for writers) refuses a named pipe at once instead of waiting on it."""
    fifo(copy_path("snapshot"))
    with pytest.raises(store.StoreError, match=r"data/market/ust10y\.csv: not a regular file"):
        store.snapshot().read(KEY)
    copy_path("snapshot").unlink()
    garbage_bytes(copy_path("snapshot"))
    with pytest.warns(UserWarning), pytest.raises(store.StoreError, match="not a date,value file"):
        store.snapshot().read(KEY)
    copy_path("snapshot").unlink()
    assert store.snapshot().read(KEY) is None
