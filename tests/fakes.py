"""Fault-injecting stand-ins for the sources' download functions.

Tests put these (or functools.partial of them) where a source keeps its download function; the
source then runs them exactly as it runs the real one: in a child process, under the real deadline
(usjp/sources/net.py). So they must stay module-level and import little.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.error
from pathlib import Path


def returns(value, *args, **kwargs):
    """Answer with `value` (bytes, a DataFrame, a dict of bodies...)."""
    return value


def hang(*args, pid_file: str | None = None, **kwargs):
    """Never answer (a network that accepts the connection and then says nothing)."""
    if pid_file:
        Path(pid_file).write_text(str(os.getpid()))
    time.sleep(3600)


def dns_failure(*args, **kwargs):
    """What urllib (and so fredapi) raises when the name does not resolve."""
    raise urllib.error.URLError(socket.gaierror(socket.EAI_NONAME, "Name or service not known"))


def refused(*args, **kwargs):
    """What urllib raises when nothing listens on the port."""
    raise urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))


def leaks_key(key: str, *args, **kwargs):
    """A library error that quotes the request URL, key included (fredapi appends &api_key=...)."""
    raise ValueError(f"Bad Request for https://api.stlouisfed.org/fred/series/observations?series_id=X&api_key={key}")


def crashes(*args, **kwargs):
    """The child dies without a word (segfault, OOM kill)."""
    os._exit(3)


def fetch_url(url: str, *args, **kwargs):
    """The real downloader against an address that fails for real: `.invalid` never resolves
    (RFC 6761), and nothing listens on 127.0.0.1:1."""
    from usjp.data.sources import net

    return net.http_get(url, timeout=2)


def slow_returns(delay: float, value, *args, **kwargs):
    """Answer with `value` after `delay` seconds (to make two refreshes overlap)."""
    time.sleep(delay)
    return value


def http_error(code: int, *args, **kwargs):
    """An HTTP error status instead of data (e.g. 429 Too Many Requests from Yahoo)."""
    raise urllib.error.HTTPError("https://example.invalid/", code, "Too Many Requests", {}, None)


def hang_with_helper(ready_dir: str, *args, **kwargs):
    """Start a helper process (as a library might start curl) and never answer; first leave a file
    named after this process's pid, holding the helper's pid, in `ready_dir` (so a test knows the
    fetch is under way and which processes must end with it)."""
    import subprocess

    helper = subprocess.Popen(["sleep", "3600"])
    ready = Path(ready_dir) / str(os.getpid())
    ready.with_suffix(".tmp").write_text(str(helper.pid))
    ready.with_suffix(".tmp").replace(ready)  # whole or not there: the test reads it while we run
    time.sleep(3600)
