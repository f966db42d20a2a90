"""Network plumbing for the live sources: a quick connectivity probe, a hard deadline around every
library call, plain HTTPS downloads, and redaction of secrets from anything shown to a user.

Why a child process and not a thread for the deadline: fredapi calls urlopen with no timeout and
`yf.download` can sit for about 130 s on a black-holed network whatever its own timeout says. A
thread stuck in such a call cannot be stopped; abandoned, it keeps a socket and its memory for as
long as the library likes, inside the long-lived Streamlit server, once per click. A child process
is killed at the deadline and leaves nothing behind. It costs about half a second of start-up per
fetch (a fresh interpreter importing pandas), which the callers overlap by running fetches in
parallel. The function to run is passed by reference (pickle), so tests can swap a source's
download function for a fault-injecting one and the real deadline machinery still applies.

A child never outlives the process that started it, however that process ends (its lifeline, see
the hard-deadline section), and `cancel_all` stops every running fetch at once, for a command that
is interrupted (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

# The child imports this package by name; sources/ imports nothing else of ours, so it finds the root itself.
REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_TIMEOUT = 20.0  # seconds, wall clock, per fetch
PROBE_TIMEOUT = 2.0  # seconds for DNS + TCP connect
USER_AGENT = "usjp-dashboard/0.1 (+https://github.com/; research dashboard)"


class FetchError(Exception):
    """A live fetch failed; the message is safe to show (no secrets) and says why."""


class Unreachable(FetchError):
    """The host could not be reached at all (no DNS, refused, no route, probe timed out)."""


class FetchTimeout(FetchError):
    """The fetch did not finish before its wall-clock deadline and was abandoned."""


class BadPayload(FetchError):
    """The source answered, but not with the data we asked for (HTML error page, empty, garbage)."""


class Cancelled(Exception):
    """The fetch was stopped by `cancel_all` (the program is being interrupted). Deliberately not a
    FetchError: it is not a fault of the source, and nothing should be recorded or stored for it."""


# -- secrets ---------------------------------------------------------------------------------------

_KEY_IN_URL = re.compile(r"(api_key=)[^&\s'\"<>]+", re.IGNORECASE)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with `api_key=...` URL parameters and any of `secrets` replaced by a placeholder."""
    text = _KEY_IN_URL.sub(r"\1REDACTED", str(text))
    for secret in secrets:
        if secret:
            text = text.replace(secret, "REDACTED")
    return text


def check_link(url: str) -> str:
    """`url` if it is an http(s) link; anything else (file:, javascript:, ...) is refused."""
    if not re.match(r"^https?://[^\s/]+", url):
        raise ValueError(f"not an http(s) link: {url[:60]!r}")
    return url


# -- connectivity probe ----------------------------------------------------------------------------

# The probe's own connect function: tests replace it to simulate DNS failures or refusals.
_connect = socket.create_connection


def probe(host: str, port: int = 443, timeout: float = PROBE_TIMEOUT) -> None:
    """Raise Unreachable unless a TCP connection to host:port opens within `timeout` seconds.

    Name resolution has no timeout of its own, so the attempt runs in a daemon thread and we stop
    waiting at the deadline; such a thread ends when the resolver gives up (seconds, not minutes).
    """
    outcome: list[BaseException | None] = []

    def attempt() -> None:
        try:
            conn = _connect((host, port), timeout=timeout)
            conn.close()
            outcome.append(None)
        except BaseException as exc:  # reported to the caller below
            outcome.append(exc)

    worker = threading.Thread(target=attempt, name=f"probe-{host}", daemon=True)
    worker.start()
    deadline = time.monotonic() + timeout
    while worker.is_alive() and time.monotonic() < deadline:  # in slices, so that cancel_all is seen at once
        worker.join(min(0.1, max(0.0, deadline - time.monotonic())))
        if _cancelled.is_set():
            raise Cancelled(f"the probe of {host} was cancelled")
    if not outcome:
        raise Unreachable(f"network unreachable: no answer from {host} within {timeout:g} s")
    exc = outcome[0]
    if exc is None:
        return
    if isinstance(exc, socket.gaierror):
        raise Unreachable(f"network unreachable: cannot resolve {host} (DNS: {exc.strerror or exc})")
    if isinstance(exc, ConnectionRefusedError):
        raise Unreachable(f"network unreachable: {host}:{port} refused the connection")
    if isinstance(exc, TimeoutError | socket.timeout):
        raise Unreachable(f"network unreachable: no answer from {host} within {timeout:g} s")
    raise Unreachable(f"network unreachable: cannot connect to {host}:{port} ({type(exc).__name__}: {exc})")


# -- hard deadline ---------------------------------------------------------------------------------

# How a child is made to die with its parent, whatever ends the parent (SIGKILL included): a
# lifeline pipe. The parent holds the write end open for as long as it waits for the child and never
# writes to it; the child holds only the read end, and a watchdog thread there (worker.py) blocks
# reading it. The kernel closes a dead process's descriptors, so however the parent ends, the read
# returns end-of-file and the watchdog SIGKILLs the child's process group: the child and any helper it
# started (the child leads a group of its own, start_new_session, which also lets the deadline kill
# take the helpers, and keeps a terminal's Ctrl-C from reaching the children: the parent decides,
# cancel_all). It is plain POSIX (Linux and macOS alike), needs no polling, and has no start-up race:
# a pipe whose writer is already gone reads end-of-file all the same.
#
# Not chosen: Linux's prctl(PR_SET_PDEATHSIG, SIGKILL). It reaches the child only, and it arrives at
# once: measured with a child that had started a helper, the kernel killed the child before its
# watchdog could kill the group, and 3 of 4 helpers were left running for good. It also fires when the
# *thread* that started the child ends, not the process. Its one advantage, working while a C
# extension holds the GIL and the watchdog thread cannot run, does not outweigh that: such a call
# delays the watchdog only until it returns. Nor a supervisor process: it would need supervising too.

_live: set[subprocess.Popen] = set()  # children running now, for cancel_all
_live_lock = threading.RLock()  # re-entrant: cancel_all may run in a signal handler on the thread holding it
_cancelled = threading.Event()


def cancel_all() -> int:
    """Stop every fetch of this process for good: kill the running children (with their helpers)
    and make every later run_with_deadline or probe raise Cancelled. Returns how many were killed.

    For a program that is being interrupted and will exit (the command line's Ctrl-C handler); safe
    to call from a signal handler. The threads waiting for those children return at once (their
    pipes close), so a thread pool can be shut down without waiting for any deadline.
    """
    _cancelled.set()
    with _live_lock:
        children = list(_live)
    for proc in children:
        _signal_group(proc)
    return len(children)


def reset_cancel() -> None:
    """Allow fetches again after cancel_all (for a process that goes on, such as a test run)."""
    _cancelled.clear()


def run_with_deadline(
    fn: Callable[..., Any],
    *args: Any,
    timeout: float = DEFAULT_TIMEOUT,
    secrets: Iterable[str | None] = (),
    **kwargs: Any,
) -> Any:
    """`fn(*args, **kwargs)` run in a child process, killed if it is not done within `timeout` s.

    `fn` must be importable by reference (a module-level function or a functools.partial of one);
    its result must pickle. A child exception comes back as FetchError with the child's message;
    `secrets` (e.g. the API key) are redacted from every message. Raises Cancelled after cancel_all.
    """
    secrets = tuple(secrets)
    payload = pickle.dumps((fn, args, kwargs))
    if _cancelled.is_set():
        raise Cancelled("the fetch was cancelled")
    proc, lifeline = _spawn()
    try:
        with _live_lock:
            _live.add(proc)
        if _cancelled.is_set():  # cancel_all ran between our check and the add above
            _signal_group(proc)
        try:
            out, _ = proc.communicate(payload, timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            raise FetchTimeout(f"no answer within the {timeout:g} s deadline; the fetch was abandoned") from None
        except BaseException:
            _kill(proc)
            raise
    finally:
        with _live_lock:
            _live.discard(proc)
        os.close(lifeline)  # the child is reaped (communicate waits for it): the lifeline is no longer needed
    if _cancelled.is_set() and proc.returncode == -signal.SIGKILL:
        raise Cancelled("the fetch was cancelled")
    try:
        status, value = pickle.loads(out)
    except Exception:
        raise FetchError(f"the fetch process ended without a result (exit code {proc.returncode})") from None
    if status == "ok":
        return value
    kind, message = value
    ours = {cls.__name__: cls for cls in (FetchError, Unreachable, FetchTimeout, BadPayload)}
    if kind in ours:
        raise ours[kind](redact(message, secrets))
    raise FetchError(redact(f"{kind}: {message}", secrets))


def _spawn() -> tuple[subprocess.Popen, int]:
    """Start a worker in a process group of its own; returns it and the write end of its lifeline
    (keep it open while the worker runs, close it after)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    # os.pipe() descriptors are not inheritable and Popen closes all but pass_fds, so no other child
    # (another worker started at the same moment by another thread) ever holds this write end.
    read_end, write_end = os.pipe()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "usjp.data.sources.worker", str(read_end)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # library logs can carry URLs with the key: never surface them
            cwd=REPO_ROOT,
            env=env,
            pass_fds=(read_end,),
            start_new_session=True,  # its own process group, so a kill reaches anything it started
        )
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    return proc, write_end


def _signal_group(proc: subprocess.Popen) -> None:
    """SIGKILL the child's process group (the child and its helpers); never waits."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)


def _kill(proc: subprocess.Popen) -> None:
    _signal_group(proc)
    with contextlib.suppress(Exception):
        proc.communicate(timeout=5)


# -- plain downloads (run inside the child) --------------------------------------------------------


def http_get(url: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """The body of a 200 response to GET `url`; FetchError/BadPayload otherwise. Runs in the child."""
    check_link(url)
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/csv,text/plain,*/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # https only: check_link above
            return response.read()
    except urllib.error.HTTPError as exc:
        raise BadPayload(f"HTTP {exc.code} {exc.reason} from {redact(url)}") from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, socket.gaierror):
            raise Unreachable(f"network unreachable: cannot resolve the host of {redact(url)}") from None
        if isinstance(reason, ConnectionRefusedError):
            raise Unreachable(f"network unreachable: connection refused by the host of {redact(url)}") from None
        raise FetchError(f"cannot download {redact(url)}: {reason}") from None
