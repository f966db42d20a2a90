"""`python -m usjp refresh`: for every source and every kind of failure the refresh says what went
wrong, exits 2 and leaves every stored byte as it was; good answers are checked, merged and stored
atomically with provenance; concurrent refreshes and crashes corrupt nothing."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
import subprocess
import sys
import threading
import time
import warnings

import pandas as pd
import pytest

from tests import fakes
from tests.live_support import digest_tree
from usjp import catalog, cli
from usjp.data import checks, refresh, store, verify
from usjp.data.importer import import_paths
from usjp.data.sources import fred, net, tic, yahoo

KEY = "abcdef0123456789abcdef0123456789"
HTML = b"<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body>down</body></html>"
TIC_HEAD = "tic_mfhhis01_2026-05-18_head_L1-295.txt"
TIC_CURRENT = "tic_slt_table5_2026-04.txt"


def fred_csv(values: pd.Series, series_id: str = "DGS10") -> bytes:
    lines = [f"observation_date,{series_id}"] + [f"{d:%Y-%m-%d},{v!r}" for d, v in values.items()]
    return ("\n".join(lines) + "\n").encode()


def snapshot_values(key: str) -> pd.Series:
    return store.snapshot().read(key).values


def day_after_snapshot(n: int = 1, key: str = "ust10y") -> str:
    """The n-th business day after the snapshot's last date of `key` (new data a source could send)."""
    last = store.snapshot().read(key).values.index[-1]
    return f"{last + pd.offsets.BDay(n):%Y-%m-%d}"


def with_new_days(values: pd.Series, *days: tuple[str, float]) -> pd.Series:
    extra = pd.Series([v for _, v in days], index=pd.DatetimeIndex([d for d, _ in days], name="date"))
    return pd.concat([values, extra])


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(["refresh", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def nikkei_in_cache(data_dir, raw):
    """A licensed series already in the local cache (as after a local import), so answers can be compared."""
    import_paths([raw / "yahoo_^N225.csv"])
    return store.cache().read("nikkei225").values


# -- every source x every failure: reported, exit 2, nothing changed ------------------------------


def _tic_bodies(samples, history_lines: int | None = None, current_lines: int | None = None) -> dict[str, bytes]:
    def cut(name, n):
        text = (samples / name).read_bytes()
        return text if n is None else b"\r\n".join(text.split(b"\r\n")[:n])

    return {"history": cut(TIC_HEAD, history_lines), "current": cut(TIC_CURRENT, current_lines)}


def _fault(source: str, fault: str, samples, stored: pd.Series):
    """(download function to patch, fake) for one source and one kind of failure."""
    target = {"fred": (fred, "download_csv"), "yahoo": (yahoo, "download"), "tic": (tic, "download_tables")}[source]
    recent = stored[-300:]
    if fault == "dns":
        return target, fakes.dns_failure
    if fault == "refused":
        return target, fakes.refused
    if fault == "hang":
        return target, fakes.hang
    if fault == "empty":
        empty = {"fred": b"", "yahoo": pd.DataFrame(), "tic": {"history": b"", "current": b""}}[source]
        return target, functools.partial(fakes.returns, empty)
    if fault == "error_page":
        if source == "yahoo":  # yfinance gets the page; what reaches us is its exception
            return target, functools.partial(fakes.http_error, 429)
        page = HTML if source == "fred" else {"history": HTML, "current": HTML}
        return target, functools.partial(fakes.returns, page)
    if fault == "garbage":
        if source == "fred":  # basis points instead of percent: parses, but is implausible
            return target, functools.partial(fakes.returns, fred_csv(recent * 100))
        if source == "yahoo":
            return target, functools.partial(fakes.returns, pd.DataFrame({"Close": -recent}))
        bodies = _tic_bodies(samples)
        bodies["current"] = bodies["current"].replace(b"Japan\t1209.9", b"Japan\t#REF!")
        return target, functools.partial(fakes.returns, bodies)
    if fault == "out_of_order":
        shuffled = recent.iloc[[*range(10), 11, 10, *range(12, len(recent))]]
        if source == "fred":
            return target, functools.partial(fakes.returns, fred_csv(shuffled))
        if source == "yahoo":
            return target, functools.partial(fakes.returns, pd.DataFrame({"Close": shuffled}))
        bodies = _tic_bodies(samples)
        bodies["current"] = bodies["current"].replace(b"Country\t2026-04\t2026-03", b"Country\t2026-03\t2026-04")
        return target, functools.partial(fakes.returns, bodies)
    if fault == "partial":
        if source == "fred":  # the first half of the history only
            return target, functools.partial(fakes.returns, fred_csv(stored[: len(stored) // 2]))
        if source == "yahoo":
            return target, functools.partial(fakes.returns, pd.DataFrame({"Close": stored[: len(stored) // 2]}))
        # Both tables cut off before "China, Mainland" (the third row).
        return target, functools.partial(fakes.returns, _tic_bodies(samples, history_lines=11, current_lines=8))
    raise AssertionError(fault)


FAULTS = {
    "dns": "Name or service not known",
    "refused": "Connection refused",
    "hang": "deadline",
    "empty": "empty|no rows|no observations|not a TIC",
    "error_page": "HTML page|HTTP 429|HTTPError",
    "garbage": "plausible range|not a number",
    "out_of_order": "out of order|before the previous",
    "partial": "partial|not found in the answer",
}
SERIES = {"fred": "ust10y", "yahoo": "nikkei225", "tic": "tic_china"}


@pytest.mark.usefixtures("online")
@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("source", SERIES)
def test_failure_is_reported_exit_2_and_nothing_changes(
    source, fault, data_dir, nikkei_in_cache, samples, monkeypatch, capsys
):
    key = SERIES[source]
    stored = refresh.stored_values(key)[0]
    (module, name), fake = _fault(source, fault, samples, stored)
    monkeypatch.setattr(module, name, fake)
    before = digest_tree(data_dir)
    started = time.monotonic()
    code, out, _ = run_cli(capsys, "--series", key, "--timeout", "0.5" if fault == "hang" else "20")
    assert code == 2
    row = next(line for line in out.splitlines() if line.startswith(key))
    assert " failed " in row
    assert pd.Series([row]).str.contains(FAULTS[fault], regex=True).iloc[0], row
    assert "0 updated, 0 unchanged, 1 failed" in out
    assert digest_tree(data_dir) == before
    assert time.monotonic() - started < 10


@pytest.mark.usefixtures("offline")
def test_offline_refresh_of_everything_is_fast_and_says_so(data_dir, capsys):
    before = digest_tree(data_dir)
    started = time.monotonic()
    code, out, err = run_cli(capsys)
    elapsed = time.monotonic() - started
    assert code == 2
    assert elapsed < 10
    assert "network is unreachable" in out and "existing data is untouched" in out
    assert all(f"network unreachable ({h})" in out for h in (fred.CSV_HOST, yahoo.HOST, tic.HOST))
    live = [s for s in catalog.SERIES if s.source not in refresh.NO_LIVE_SOURCE]
    assert len([line for line in out.splitlines() if " failed " in line]) == len(live)
    assert re.search(r"^mof_intervention +skipped .* imported from the ministry's CSV; no live source$", out, re.M)
    assert digest_tree(data_dir) == before
    assert re.search(r"\[#+\] (\d+)/\1 network unreachable", err)  # the progress bar, on stderr, at its end


def test_a_series_with_no_live_source_is_skipped_with_the_reason(data_dir, monkeypatch, capsys):
    """Japan's interventions come only from an import: refresh says so, fetches nothing, probes nothing."""

    def no_network(address, timeout):
        raise AssertionError(f"probed {address[0]} for a series with no live source")

    monkeypatch.setattr(net, "_connect", no_network)
    assert refresh.plan(["mof_intervention"], None, 5.0) == []
    assert refresh.skipped(["ust10y", "mof_intervention"]) == {
        "mof_intervention": "imported from the ministry's CSV; no live source"
    }
    before = digest_tree(data_dir)
    code, out, err = run_cli(capsys, "--series", "mof_intervention")
    assert code == 0 and digest_tree(data_dir) == before
    assert re.search(r"^mof_intervention +skipped +- +- +-  2026-05-06  imported from the ministry's CSV", out, re.M)
    assert "0 updated, 0 unchanged, 0 failed, 1 skipped (no live source)" in out
    assert "nothing to fetch" in err


@pytest.mark.usefixtures("offline")
def test_offline_with_a_skipped_series_is_still_offline(data_dir):
    report = refresh.refresh(["ust10y", "mof_intervention"])
    assert report.offline and report.exit_code == 2
    assert [(o.key, o.status) for o in report.outcomes] == [("ust10y", "failed"), ("mof_intervention", "skipped")]


def test_probe_is_once_per_host(data_dir, monkeypatch):
    seen: list[str] = []

    def fail(address, timeout):
        seen.append(address[0])
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(net, "_connect", fail)
    report = refresh.refresh()
    assert sorted(seen) == sorted({fred.CSV_HOST, yahoo.HOST, tic.HOST})
    assert report.offline and report.exit_code == 2
    assert "refused the connection" in report.summary()


def test_probe_gives_up_after_its_timeout(data_dir, monkeypatch):
    monkeypatch.setattr(net, "_connect", lambda address, timeout: time.sleep(30))
    started = time.monotonic()
    report = refresh.refresh(["ust10y"], probe_timeout=0.3)
    assert time.monotonic() - started < 2
    assert report.offline and "no answer from" in report.summary()


# -- good answers ----------------------------------------------------------------------------------


@pytest.mark.usefixtures("online")
def test_new_and_revised_rows_are_merged_into_the_cache(data_dir, monkeypatch, capsys):
    snap = snapshot_values("ust10y")
    answer = with_new_days(snap, (day_after_snapshot(1), 4.12), (day_after_snapshot(2), 4.15))
    answer.iloc[-5] += 0.01  # one small revision: reported and taken
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(answer)))
    snapshot_before = digest_tree(data_dir / "market")
    code, out, _ = run_cli(capsys, "--series", "ust10y")
    assert code == 0, out
    row = next(line for line in out.splitlines() if line.startswith("ust10y"))
    assert row.split()[:5] == ["ust10y", "updated", "2", "1", str(len(snap) - 1)]
    assert day_after_snapshot(2) in row
    assert digest_tree(data_dir / "market") == snapshot_before  # the snapshot is never touched
    cache = store.cache()
    assert verify.check_store(cache) == []
    loaded = verify.read_newest("ust10y")
    assert loaded.store == "cache"
    pd.testing.assert_series_equal(loaded.values, answer.rename("ust10y"), check_freq=False)
    meta = loaded.meta
    assert meta["source"] == "fred" and meta["source_id"] == "DGS10" and meta["license"]
    assert meta["retrieved_how"] == "python -m usjp refresh (FRED keyless CSV download)"
    assert meta["download_url"].startswith("https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10")
    assert meta["retrieved_at"] and meta["merged_over"] == ["snapshot"]
    assert meta["fetched"]["rows"] == len(answer)


@pytest.mark.usefixtures("online")
def test_unchanged_answer_writes_nothing(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(snapshot_values("ust10y"))))
    before = digest_tree(data_dir)
    code, out, _ = run_cli(capsys, "--series", "ust10y")
    assert code == 0 and "0 updated, 1 unchanged, 0 failed" in out
    assert digest_tree(data_dir) == before and not (data_dir / "cache").exists()


@pytest.mark.usefixtures("online")
def test_many_revisions_are_refused_unless_accepted(data_dir, monkeypatch, capsys):
    answer = snapshot_values("ust10y").copy()
    answer.iloc[-200:] += 0.05  # 200 values: more than 2% of the stored history
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(answer)))
    before = digest_tree(data_dir)
    code, out, _ = run_cli(capsys, "--series", "ust10y")
    assert code == 2
    share = 100 * 200 / len(answer)
    assert share > 2
    assert f"refused: 200 of {len(answer)} stored values would change ({share:.1f}% > 2%)" in out
    assert "--accept-revisions" in out
    assert digest_tree(data_dir) == before
    code, out, _ = run_cli(capsys, "--series", "ust10y", "--accept-revisions")
    assert code == 0 and re.search(r"^ust10y +updated ", out, re.M)
    assert verify.read_newest("ust10y").values.iloc[-1] == answer.iloc[-1]


@pytest.mark.usefixtures("online")
def test_gaps_in_the_answer_are_a_partial_answer(data_dir, monkeypatch, capsys):
    snap = snapshot_values("ust10y")
    answer = with_new_days(snap.iloc[::2], (day_after_snapshot(1), 4.12))  # every other day missing
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(answer)))
    before = digest_tree(data_dir)
    code, out, _ = run_cli(capsys, "--series", "ust10y")
    assert code == 2 and "a partial answer" in out
    assert digest_tree(data_dir) == before


@pytest.mark.usefixtures("online")
def test_tic_from_the_real_tables(data_dir, monkeypatch, samples, capsys):
    """The May 2026 history revised 2025 for the UK and the total: more than 2% of what the refresh
    compares, so those two are refused (and say so) while Japan and China are extended to April 2026."""
    monkeypatch.setattr(tic, "download_tables", functools.partial(fakes.returns, _tic_bodies(samples)))
    code, out, _ = run_cli(capsys, "--series", "tic_japan", "tic_china", "tic_uk", "tic_total")
    assert code == 2
    rows = {line.split()[0]: line for line in out.splitlines()[1:5]}
    assert rows["tic_japan"].split()[:4] == ["tic_japan", "updated", "4", "0"]
    assert "2026-04-01" in rows["tic_japan"]
    assert "refused: 3 of 72 stored values would change" in rows["tic_uk"]
    assert "refused: 7 of 72" in rows["tic_total"]
    assert verify.read_newest("tic_japan").values[pd.Timestamp("2026-04-01")] == 1209.9
    assert verify.read_newest("tic_japan").values.index[0] == pd.Timestamp("2000-03-01")  # history kept
    assert verify.read_newest("tic_uk").store == "snapshot"
    code, out, _ = run_cli(capsys, "--series", "tic_uk", "tic_total", "--accept-revisions")
    assert code == 0
    assert verify.read_newest("tic_total").values[pd.Timestamp("2025-11-01")] == 9349.6


@pytest.mark.usefixtures("online")
def test_tic_holder_added_to_the_catalog_is_fetched(data_dir, monkeypatch, samples):
    """One catalog entry is all a new TIC holder needs: the refresh asks Treasury for its label."""
    spec = dataclasses.replace(catalog.get("tic_japan"), key="tic_canada", label="Canada", source_id="MFH:Canada")
    monkeypatch.setattr(catalog, "SERIES", (*catalog.SERIES, spec))
    monkeypatch.setitem(catalog.CATALOG, spec.key, spec)
    monkeypatch.setattr(tic, "download_tables", functools.partial(fakes.returns, _tic_bodies(samples)))
    report = refresh.refresh(["tic_canada"])
    assert report.ok and report.outcomes[0].status == "updated", report.outcomes[0].reason
    stored = verify.read_newest("tic_canada")
    assert stored.store == "cache" and stored.meta["source_id"] == "MFH:Canada"
    assert stored.values[pd.Timestamp("2026-04-01")] == 397.1  # the current table
    assert stored.values[pd.Timestamp("2025-01-01")] == 350.8  # the history


@pytest.mark.usefixtures("online")
def test_licensed_series_goes_to_the_cache_only(data_dir, monkeypatch, raw, capsys):
    frame = pd.read_csv(raw / "yahoo_^N225.csv", index_col=0, parse_dates=True)
    monkeypatch.setattr(yahoo, "download", functools.partial(fakes.returns, frame))
    assert run_cli(capsys, "--series", "nikkei225")[0] == 0
    assert not (data_dir / "market" / "nikkei225.csv").exists()
    meta = store.cache().manifest()["series"]["nikkei225"]
    assert meta["redistributable"] is False and meta["retrieved_how"].endswith("(yfinance (Yahoo Finance chart API))")


@pytest.mark.usefixtures("online")
def test_api_key_never_printed(data_dir, monkeypatch, capsys):
    monkeypatch.setenv("FRED_API_KEY", KEY)
    monkeypatch.setattr(fred, "download_api", functools.partial(fakes.leaks_key, KEY))
    code, out, err = run_cli(capsys, "--series", "ust10y")
    assert code == 2 and "api_key=REDACTED" in out
    assert KEY not in out + err


@pytest.mark.usefixtures("online")
def test_one_failure_does_not_stop_the_others(data_dir, monkeypatch, capsys):
    snap = snapshot_values("ust10y")
    good = fred_csv(with_new_days(snap, (day_after_snapshot(1), 4.12)))

    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, good))
    monkeypatch.setattr(yahoo, "download", fakes.hang)
    code, out, _ = run_cli(capsys, "--series", "ust10y", "toyota", "--timeout", "3")
    assert code == 2 and "1 updated, 0 unchanged, 1 failed" in out
    assert verify.read_newest("ust10y").values.index[-1] == pd.Timestamp(day_after_snapshot(1))


# -- concurrency and crashes -----------------------------------------------------------------------


@pytest.mark.usefixtures("online")
def test_two_refreshes_at_once(data_dir, monkeypatch):
    answer = with_new_days(snapshot_values("ust10y"), (day_after_snapshot(1), 4.12))
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.slow_returns, 0.5, fred_csv(answer)))
    reports: list[refresh.Report] = []
    threads = [threading.Thread(target=lambda: reports.append(refresh.refresh(["ust10y"]))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.outcomes[0].status for r in reports) == ["unchanged", "updated"]
    cache = store.cache()
    assert verify.check_store(cache) == []
    assert not list(cache.root.glob(".*.tmp")) and not (cache.root / store.JOURNAL).exists()
    pd.testing.assert_series_equal(verify.read_newest("ust10y").values, answer.rename("ust10y"), check_freq=False)


@pytest.mark.usefixtures("online")
def test_second_writer_waits_then_gives_up_with_a_message(data_dir, monkeypatch, capsys):
    answer = with_new_days(snapshot_values("ust10y"), (day_after_snapshot(1), 4.12))
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(answer)))
    before = digest_tree(data_dir)
    holding, release = threading.Event(), threading.Event()

    def hold():
        with store.cache().locked():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(5)
    try:
        code, out, _ = run_cli(capsys, "--series", "ust10y", "--wait", "0.3")
    finally:
        release.set()
        holder.join()
    assert code == 2 and "another refresh or import is writing" in out and "waited 0.3 s" in out
    assert digest_tree(data_dir) == before


@pytest.mark.usefixtures("online")
def test_crash_between_temp_write_and_rename_keeps_old_data(data_dir, monkeypatch, capsys):
    first = with_new_days(snapshot_values("ust10y"), (day_after_snapshot(1), 4.12))
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(first)))
    assert run_cli(capsys, "--series", "ust10y")[0] == 0
    before = digest_tree(data_dir)

    def boom(src, dst):
        raise OSError("disk vanished")

    second = with_new_days(first, (day_after_snapshot(2), 4.2))
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, fred_csv(second)))
    monkeypatch.setattr(store.os, "replace", boom)
    code, out, _ = run_cli(capsys, "--series", "ust10y")
    assert code == 2 and "not stored: disk vanished; the existing data is untouched" in out
    assert digest_tree(data_dir) == before  # no temp file, no journal, old bytes


KILL_SCRIPT = """
import os, sys
import pandas as pd
from usjp.data import store

stop_at, calls = int(sys.argv[2]), [0]

def crash_at(real):
    def call(*args, **kwargs):
        calls[0] += 1
        if calls[0] == stop_at:
            os._exit(9)  # like kill -9: no cleanup, no finally
        return real(*args, **kwargs)
    return call

for name in ("replace", "fsync", "unlink"):
    setattr(os, name, crash_at(getattr(os, name)))
cache = store.Store(sys.argv[1], "cache")
new = {k: pd.Series([2.0, 3.0, 4.0], index=pd.DatetimeIndex(["2025-01-02", "2025-01-03", "2025-01-06"], name="date"))
       for k in ("ust10y", "ust2y")}
with cache.locked():
    cache.write({k: (v, {"source": "test", "version": "new"}) for k, v in new.items()})
print(calls[0])
"""


def test_killed_at_any_point_each_series_is_old_or_new_and_the_manifest_matches(tmp_path):
    old = pd.Series([1.0, 2.0], index=pd.DatetimeIndex(["2025-01-02", "2025-01-03"], name="date"))
    new_last = pd.Timestamp("2025-01-06")
    steps = None
    stop_at = 1
    while steps is None or stop_at <= steps + 1:
        root = tmp_path / f"cache{stop_at}"
        cache = store.Store(root, "cache")
        with cache.locked():
            cache.write({k: (old, {"source": "test", "version": "old"}) for k in ("ust10y", "ust2y")})
        result = subprocess.run(
            [sys.executable, "-c", KILL_SCRIPT, str(root), str(stop_at)], capture_output=True, text=True, timeout=60
        )
        if result.returncode == 0:
            steps = int(result.stdout)  # the number of steps of a whole write: kill at each of them
        else:
            assert result.returncode == 9, result.stderr
            if steps is None:
                steps = 10**6  # unknown yet; found when a run completes
        # Readers, without the lock and before any recovery: whole series, matching metadata.
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # store.read warns when a file does not match its manifest
            seen = {k: cache.read(k) for k in ("ust10y", "ust2y")}
        states = set()
        for item in seen.values():
            state = item.meta["version"]
            states.add(state)
            assert (item.values.index[-1] == new_last) == (state == "new")
        assert len(states) == 1, f"kill at step {stop_at}: the two series disagree ({states})"
        # The next writer finishes or discards the interrupted write; then the store checks clean.
        with cache.locked():
            pass
        assert verify.check_store(cache) == [], f"kill at step {stop_at}"
        assert not list(root.glob(".*.tmp")) and not (root / store.JOURNAL).exists()
        assert {cache.read(k).meta["version"] for k in ("ust10y", "ust2y")} == states
        stop_at += 1
    assert steps < 10**6 and stop_at > 5  # the loop did visit every step of a real write


# -- the checks ------------------------------------------------------------------------------------


def test_stored_data_is_within_its_plausible_range(data_dir):
    for key in store.snapshot().manifest()["series"]:
        checks.check_plausible(key, snapshot_values(key))


def test_compare_counts():
    days = pd.DatetimeIndex(["2025-01-02", "2025-01-03", "2025-01-06", "2025-01-07"], name="date")
    stored = pd.Series([1.0, 2.0, 3.0], index=days[:3])
    new = pd.Series([2.0, 3.5, 4.0], index=days[1:])
    result = checks.compare(stored, new)
    assert (result.new, result.revised, result.unchanged, result.missing) == (1, 1, 1, 0)
    assert list(result.merged) == [1.0, 2.0, 3.5, 4.0] and result.merged.index.equals(days)


def test_answer_ending_before_the_stored_data_is_refused():
    days = pd.date_range("2025-01-01", periods=10, name="date")
    stored = pd.Series(range(10), index=days, dtype=float)
    with pytest.raises(checks.Refused, match="ends on 2025-01-05, before the stored data"):
        checks.check_against_stored("ust10y", stored, stored[:5])


def test_revision_threshold_is_two_percent():
    days = pd.date_range("2020-01-01", periods=100, name="date")
    stored = pd.Series(1.0, index=days)
    two = stored.copy()
    two.iloc[:2] = 1.5
    assert checks.check_against_stored("ust10y", stored, two).revised == 2
    three = stored.copy()
    three.iloc[:3] = 1.5
    with pytest.raises(checks.Refused, match="3 of 100"):
        checks.check_against_stored("ust10y", stored, three)
    assert checks.check_against_stored("ust10y", stored, three, accept_revisions=True).revised == 3


def test_refresh_command_is_registered():
    args = cli.build_parser().parse_args(["refresh", "--series", "ust10y", "usdjpy", "--timeout", "3"])
    assert args.series == ["ust10y", "usdjpy"] and args.timeout == 3.0


@pytest.mark.usefixtures("online")
def test_manifest_records_nothing_secret(data_dir, monkeypatch):
    answer = with_new_days(snapshot_values("ust10y"), (day_after_snapshot(1), 4.1))
    monkeypatch.setattr(fred, "download_api", functools.partial(fakes.returns, answer))
    report = refresh.refresh(["ust10y"], api_key=KEY)
    assert report.ok and report.outcomes[0].status == "updated"
    text = json.dumps(store.cache().manifest())
    assert KEY not in text and "api_key" not in text
    assert store.cache().manifest()["series"]["ust10y"]["retrieved_how"].endswith("(fredapi (FRED API))")
