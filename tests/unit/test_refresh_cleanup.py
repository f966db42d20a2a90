"""A refresh cleans up after itself: its fetch processes (and whatever they started) die with it
however it ends, SIGKILL included, and Ctrl-C, SIGTERM or SIGHUP stop it within a second with one
line, no traceback, no process left and every stored byte as it was.

The refresh under test is a real `python -m usjp refresh` in a process of its own, started by running
this file as a script: `_refresh_with_hanging_sources` (a test hook that lives here, not in the
package) fakes the connectivity probe as the `online` fixture does, replaces every source's download
function with fakes.hang_with_helper and calls usjp.cli.main.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from tests import fakes
from tests.live_support import digest_tree
from usjp import cli
from usjp.cli import refresh as cli_refresh
from usjp.data import refresh, store, verify
from usjp.data.sources import fred, net, tic, yahoo

REPO = Path(__file__).resolve().parents[2]
# Four FRED and Yahoo series and one Treasury job: refresh.WORKERS fetches run, the fifth waits its turn.
SERIES = ("ust10y", "usdjpy", "nikkei225", "tic_china", "ust2y")
RUNNING = min(refresh.WORKERS, len(SERIES))
WORKER = "usjp.data.sources.worker"
STOPS = [("SIGINT", 130), ("SIGTERM", 143), ("SIGHUP", 129)]


def _refresh_with_hanging_sources(ready_dir: str, argv: list[str]) -> int:
    """`python -m usjp refresh ARGV` with the probe answering and every download hanging (run as a
    script: see the bottom of this file)."""

    class Connection:
        def close(self) -> None:
            pass

    net._connect = lambda address, timeout: Connection()
    hang = functools.partial(fakes.hang_with_helper, ready_dir)
    for module, name in ((fred, "download_csv"), (fred, "download_api"), (yahoo, "download"), (tic, "download_tables")):
        setattr(module, name, hang)
    return cli.main(["refresh", *argv])


# -- processes -------------------------------------------------------------------------------------


def _running(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for proc in procs:
        try:
            if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                alive.append(proc)
        except psutil.NoSuchProcess:
            pass
    return alive


def _ours(data_dir: Path) -> list[psutil.Process]:
    """Every running process started for this test, whoever its parent is now: the refresh, its
    workers and their helpers all carry USJP_DATA_DIR=data_dir in their environment."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.pid != os.getpid() and proc.environ().get("USJP_DATA_DIR") == str(data_dir):
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return _running(found)


def _wait_gone(procs: list[psutil.Process], within: float) -> float:
    """Seconds until none of `procs` runs; fails after `within` seconds, naming the survivors."""
    started = time.monotonic()
    while (alive := _running(procs)) and time.monotonic() - started < within:
        time.sleep(0.01)
    left = []
    for proc in _running(alive):
        with contextlib.suppress(psutil.Error):
            left.append(f"{proc.pid} {' '.join(proc.cmdline()[-3:])}")
    assert not left, f"still running {within:g} s later: {left}"
    return time.monotonic() - started


class HangingRefresh:
    """`python -m usjp refresh --series SERIES` whose every fetch hangs, in a session of its own
    (like a command in a terminal: a signal to its process group reaches it and only it)."""

    def __init__(self, data_dir: Path, ready: Path) -> None:
        self.data_dir, self.ready = data_dir, ready
        env = dict(os.environ)  # USJP_DATA_DIR=data_dir, from the data_dir fixture
        env.pop("FRED_API_KEY", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.unit.test_refresh_cleanup", str(ready), "--series", *SERIES],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def children(self) -> list[psutil.Process]:
        """The refresh's descendants now (workers, helpers, and any child not yet a worker)."""
        try:
            return psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []

    def workers(self) -> list[psutil.Process]:
        found = []
        for child in self.children():
            with contextlib.suppress(psutil.Error):
                if WORKER in child.cmdline() and child.ppid() == self.proc.pid:
                    found.append(child)
        return found

    def fetching(self, timeout: float = 30) -> list[psutil.Process]:
        """Wait until RUNNING fetches are under way (each worker is in the hanging download and has
        started its helper); the workers and helpers."""
        deadline = time.monotonic() + timeout
        while len(list(self.ready.glob("[0-9]*[0-9]"))) < RUNNING:
            assert self.proc.poll() is None, f"the refresh ended early: {self.proc.communicate()}"
            assert time.monotonic() < deadline, "the fetches did not start"
            time.sleep(0.05)
        workers = self.workers()
        ready = {int(p.name): int(p.read_text()) for p in self.ready.glob("[0-9]*[0-9]")}
        assert sorted(w.pid for w in workers) == sorted(ready), "the workers found are the ones fetching"
        return workers + [psutil.Process(pid) for pid in ready.values()]

    def first_worker(self, timeout: float = 30) -> None:
        """Wait until a first worker process exists (it may not have run a line of its own yet)."""
        deadline = time.monotonic() + timeout
        while not self.workers():
            assert time.monotonic() < deadline, "no worker started"
            time.sleep(0.002)

    def wait(self, timeout: float) -> tuple[str, str]:
        """The refresh's stdout and stderr once it ends; fails if it has not ended within `timeout` s."""
        try:
            return self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the refresh was still running {timeout:g} s after the signal")

    def clean_up(self) -> None:
        """Kill whatever of this test still runs (a guard that failed must not leave hour-long sleeps)."""
        for proc in [*_ours(self.data_dir), *self.children()]:
            with contextlib.suppress(psutil.Error):
                proc.kill()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.communicate()


@pytest.fixture
def hanging_refresh(data_dir: Path, tmp_path: Path):
    ready = tmp_path / "ready"
    ready.mkdir()
    run = HangingRefresh(data_dir, ready)
    yield run
    run.clean_up()


# -- SIGKILL: the workers die with their parent --------------------------------------------------


@pytest.mark.timeout(60)
def test_sigkill_of_a_fetching_refresh_leaves_no_process_behind(hanging_refresh, data_dir):
    processes = hanging_refresh.fetching()
    assert len(processes) == 2 * RUNNING  # each worker and its helper
    before = digest_tree(data_dir)
    os.kill(hanging_refresh.proc.pid, signal.SIGKILL)
    took = _wait_gone(processes, within=3)
    assert not _ours(data_dir)
    assert digest_tree(data_dir) == before
    print(f"workers and helpers gone {took:.3f} s after SIGKILL of the refresh")


@pytest.mark.timeout(60)
def test_sigkill_while_the_workers_are_starting_leaves_no_process_behind(hanging_refresh, data_dir):
    """The parent dies before the workers have set anything up: the race the getppid check closes."""
    hanging_refresh.first_worker()
    os.kill(hanging_refresh.proc.pid, signal.SIGKILL)
    hanging_refresh.proc.wait()
    _wait_gone(_ours(data_dir), within=3)
    time.sleep(0.5)  # a worker still starting then would have shown up by now
    assert not _ours(data_dir)


# -- Ctrl-C, SIGTERM, SIGHUP: a prompt, clean stop -----------------------------------------------


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("name", "status"), STOPS)
def test_stop_signal_ends_the_refresh_at_once_with_one_line_and_nothing_changed(
    hanging_refresh, data_dir, name, status
):
    before = digest_tree(data_dir)
    processes = hanging_refresh.fetching()
    started = time.monotonic()
    os.killpg(hanging_refresh.proc.pid, getattr(signal, name))  # as a terminal's Ctrl-C does
    out, err = hanging_refresh.wait(timeout=2)
    took = time.monotonic() - started
    assert "Traceback" not in out + err, err
    assert hanging_refresh.proc.returncode == status, err
    assert out == ""  # no table: nothing was refreshed
    assert err.splitlines()[-1] == cli_refresh.INTERRUPTED
    assert sum("interrupted" in line for line in err.splitlines()) == 1
    _wait_gone(processes, within=0.5)
    assert not _ours(data_dir)  # the fifth fetch, queued, never started a worker either
    assert digest_tree(data_dir) == before
    print(f"{name}: refresh ended {took:.3f} s after the signal, status {status}")


# -- in-process: cancel_all, and the write that must not be cut short ----------------------------


@pytest.fixture
def cancel_reset():
    yield
    net.reset_cancel()


@pytest.mark.timeout(60)
@pytest.mark.usefixtures("cancel_reset")
def test_cancel_all_returns_waiting_threads_at_once_and_starts_nothing_new(tmp_path):
    results: list[BaseException] = []

    def fetch() -> None:
        try:
            net.run_with_deadline(functools.partial(fakes.hang_with_helper, str(tmp_path)), timeout=300)
        except BaseException as exc:
            results.append(exc)

    thread = threading.Thread(target=fetch)
    thread.start()
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob("[0-9]*[0-9]")):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    ready = next(tmp_path.glob("[0-9]*[0-9]"))
    processes = [psutil.Process(int(ready.name)), psutil.Process(int(ready.read_text()))]
    started = time.monotonic()
    assert net.cancel_all() == 1
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - started < 1
    assert [type(exc) for exc in results] == [net.Cancelled]
    _wait_gone(processes, within=1)
    with pytest.raises(net.Cancelled):
        net.run_with_deadline(fakes.returns, 1, timeout=10)
    net.reset_cancel()
    assert net.run_with_deadline(fakes.returns, 1, timeout=10) == 1


@pytest.mark.usefixtures("cancel_reset")
def test_a_probe_waiting_for_an_answer_is_cancelled_at_once(monkeypatch):
    monkeypatch.setattr(net, "_connect", lambda address, timeout: time.sleep(timeout))
    threading.Timer(0.2, net.cancel_all).start()
    started = time.monotonic()
    with pytest.raises(net.Cancelled):
        net.probe("example.invalid", timeout=5)
    assert time.monotonic() - started < 1


def _new_day_answer() -> bytes:
    values = store.snapshot().read("ust10y").values
    values = pd.concat([values, pd.Series([4.0], index=[values.index[-1] + pd.offsets.BDay(1)])])
    return ("observation_date,DGS10\n" + "".join(f"{d:%Y-%m-%d},{v!r}\n" for d, v in values.items())).encode()


def _signal_at_commit(monkeypatch, after: bool) -> None:
    """SIGINT to ourselves just before (after=False) or just after the refresh says it is committing."""
    real = refresh.refresh

    def refresh_signalled(*args, committing, **kwargs):
        def commit() -> None:
            if not after:
                os.kill(os.getpid(), signal.SIGINT)
            committing()
            if after:
                os.kill(os.getpid(), signal.SIGINT)

        return real(*args, committing=commit, **kwargs)

    monkeypatch.setattr(refresh, "refresh", refresh_signalled)


@pytest.mark.usefixtures("online")
def test_interrupt_at_the_last_moment_before_the_write_writes_nothing(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, _new_day_answer()))
    _signal_at_commit(monkeypatch, after=False)
    before, handler = digest_tree(data_dir), signal.getsignal(signal.SIGINT)
    assert cli.main(["refresh", "--series", "ust10y"]) == 130
    assert capsys.readouterr().err.splitlines()[-1] == cli_refresh.INTERRUPTED
    assert digest_tree(data_dir) == before
    assert signal.getsignal(signal.SIGINT) is handler  # the handlers are put back


@pytest.mark.usefixtures("online")
def test_interrupt_once_the_write_has_begun_lets_it_finish(data_dir, monkeypatch, capsys):
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, _new_day_answer()))
    _signal_at_commit(monkeypatch, after=True)
    assert cli.main(["refresh", "--series", "ust10y"]) == 130
    out, err = capsys.readouterr()
    assert err.splitlines()[-1] == cli_refresh.INTERRUPTED_WHILE_STORING
    assert any(line.startswith("ust10y ") and " updated " in line for line in out.splitlines())
    stored = store.cache().read("ust10y")
    assert stored is not None and stored.values.iloc[-1] == 4.0
    assert not verify.check_store(store.cache())


def test_a_signal_ignored_at_start_stays_ignored():
    """nohup, or a background job: the user asked for that signal to be ignored."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with cli_refresh.interruptible():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    finally:
        signal.signal(signal.SIGHUP, previous)


if __name__ == "__main__":
    sys.exit(_refresh_with_hanging_sources(sys.argv[1], sys.argv[2:]))
