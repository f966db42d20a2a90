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
    worker.join(timeout)
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
    `secrets` (e.g. the API key) are redacted from every message.
    """
    secrets = tuple(secrets)
    payload = pickle.dumps((fn, args, kwargs))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH", "")) if p)
    proc = subprocess.Popen(
        [sys.executable, "-m", "usjp.data.sources.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # library logs can carry URLs with the key: never surface them
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,  # its own process group, so a kill reaches anything it started
    )
    try:
        out, _ = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise FetchTimeout(f"no answer within the {timeout:g} s deadline; the fetch was abandoned") from None
    except BaseException:
        _kill(proc)
        raise
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


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
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
