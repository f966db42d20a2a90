"""`make serve` end to end: deploy/serve.py with two Streamlit workers behind nginx, in headless Chromium.

One supervisor for the module (its own process group, free ports, run folder artifacts/serve-e2e/):
every page loads through the proxy; static files come back compressed with a year's cache and the page
without; a browser reloading a page 20 times stays on one worker (nginx's access log and its
X-Usjp-Worker header say which); killing a worker leaves the site up (its readers and new ones go to the
other worker) and the supervisor starts it again; SIGTERM ends every process and frees every port.
The tests run in this order and share the supervisor: the last one stops it.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

from tests.e2e import harness
from tests.support import IN_CI, REPO, page_id
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e

spec = importlib.util.spec_from_file_location("usjp_serve", REPO / "deploy" / "serve.py")
serve = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = serve
spec.loader.exec_module(serve)

IMMUTABLE = "public, max-age=31536000, immutable"
SOURCES = next(p for p in PAGES if p.url_path == "sources")  # no chart: the quickest page to reload
LOG_LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ worker=(?P<worker>\S*) '
    r'upstream="(?P<upstream>[^"]*)" cookie=(?P<cookie>\S*) cache=(?P<cache>\S*)'
)


@dataclass
class Served:
    proc: subprocess.Popen
    port: int
    worker_ports: list[int]
    run_dir: Path
    log: Path
    started: float = field(default_factory=time.monotonic)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, url_path: str = "") -> str:
        return f"{self.base}/{url_path}"

    def access_log_size(self) -> int:
        path = self.run_dir / "logs" / "access.log"
        return path.stat().st_size if path.exists() else 0

    def access_log(self, since: int = 0) -> list[dict]:
        with (self.run_dir / "logs" / "access.log").open("rb") as f:
            f.seek(since)
            text = f.read().decode(errors="replace")
        return [m.groupdict() for m in map(LOG_LINE.search, text.splitlines()) if m]

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def worker_pid(self, port: int) -> int | None:
        for child in psutil.Process(self.proc.pid).children():
            with _gone():
                if f"--server.port {port}" in " ".join(child.cmdline()):
                    return child.pid
        return None


def _gone() -> contextlib.AbstractContextManager:
    """Ignore a process that ended while we looked at it."""
    return contextlib.suppress(psutil.NoSuchProcess)


def distinct_free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        port = harness.free_port()
        if port not in ports:
            ports.append(port)
    return ports


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers with lower-case names, body as sent: not decompressed)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()


@pytest.fixture(scope="module")
def served(chromium: str):
    if serve.find_nginx() is None:
        message = f"nginx is not installed: {serve.APT_INSTALL} (make serve runs it)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    port, *workers = distinct_free_ports(3)
    run_dir = harness.ARTIFACTS / "serve-e2e"  # config and logs, beside the other servers' logs
    log = harness.ARTIFACTS / "logs" / "e2e-serve.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, str(REPO / "deploy" / "serve.py"), "--port", str(port)]
    cmd += ["--worker-ports", ",".join(map(str, workers)), "--run-dir", str(run_dir)]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    srv = Served(proc, port, workers, run_dir, log)
    try:
        deadline = time.monotonic() + 180
        while "Open http://" not in srv.output():
            assert proc.poll() is None, f"deploy/serve.py exited with {proc.returncode}:\n{srv.output()}"
            assert time.monotonic() < deadline, f"not serving after 180 s:\n{srv.output()}"
            time.sleep(0.2)
        yield srv
    finally:
        if proc.poll() is None:
            descendants = psutil.Process(proc.pid).children(recursive=True)
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                for p in [*descendants, psutil.Process(proc.pid)]:
                    with _gone():
                        p.kill()
                proc.wait(timeout=10)


def test_every_page_loads_through_the_proxy(served, open_tab):
    tab = open_tab()
    for spec in PAGES:
        tab.goto(served.url(spec.url_path), spec.has_chart)
        tab.assert_healthy()
        assert tab.page.title(), page_id(spec)
    tab.screenshot("serve-last-page")


def test_static_files_are_compressed_and_cached_a_year_the_page_is_not(served):
    status, headers, body = get(served.url(), {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert "immutable" not in headers.get("cache-control", "") and headers.get("cache-control") == "no-cache"
    html = gzip.decompress(body).decode()
    files = re.findall(r'(?:src|href)="\./(static/(?:js|css)/[^"]+\.(?:js|css))"', html)
    js, css = next(f for f in files if f.endswith(".js")), next(f for f in files if f.endswith(".css"))
    encodings = ["gzip", "br"] if serve.brotli_available() else ["gzip"]
    for path in (js, css):
        _, direct_headers, raw = get(f"http://127.0.0.1:{served.worker_ports[0]}/{path}")
        assert "content-encoding" not in direct_headers, "Streamlit sends its static files uncompressed"
        for encoding in encodings:
            status, headers, body = get(served.url(path), {"Accept-Encoding": encoding})
            assert status == 200
            assert headers.get("content-encoding") == encoding, (path, headers)
            assert headers.get("cache-control") == IMMUTABLE, (path, headers)
            assert "Accept-Encoding" in headers.get("vary", "")
            assert len(body) < len(raw) / 2, (path, encoding, len(body), len(raw))
            if encoding == "gzip":
                assert gzip.decompress(body) == raw
    # Streamlit answers an unknown file under /static/ with its page: never cached a year.
    _, headers, _ = get(served.url("static/js/missing.ABCDEFGH.js"), {"Accept-Encoding": "gzip"})
    assert headers.get("content-type", "").startswith("text/html") and headers.get("cache-control") == "no-cache"


def test_new_readers_are_spread_over_the_workers(served):
    seen = {get(served.url())[1].get("x-usjp-worker") for _ in range(6)}
    assert seen == {"w1", "w2"}, seen


def record_workers(page) -> list[str]:
    """From now on, the X-Usjp-Worker of each response the page gets that a worker gave it just now: not of
    a file kept in the browser's cache (favicon, hashed files), whose header tells where it came from once."""
    workers: list[str] = []

    def on_response(response) -> None:
        headers = response.headers
        if "max-age" not in headers.get("cache-control", "") and headers.get("x-usjp-worker"):
            workers.append(headers["x-usjp-worker"])

    page.on("response", on_response)
    return workers


def reload_and_record(page, times: int) -> list[str]:
    """Reload the page `times` times; the worker of every response a worker gave."""
    workers = record_workers(page)
    for _ in range(times):
        page.reload()
        harness.wait_ready(page, has_chart=False)
    return workers


def test_a_browser_stays_on_one_worker_over_20_reloads(served, browser):
    since = served.access_log_size()
    context = browser.new_context(**harness.DESKTOP)
    page = context.new_page()
    page.goto(served.url(SOURCES.url_path))
    harness.wait_ready(page, SOURCES.has_chart)
    cookie = next(c["value"] for c in context.cookies() if c["name"] == "usjp_worker")
    assert cookie in ("w1", "w2")
    workers = reload_and_record(page, 20)
    assert page.locator(harness.EXCEPTION).count() == 0
    context.close()  # ends the last websocket, so nginx logs it
    time.sleep(0.5)
    assert len(workers) >= 20 and set(workers) == {cookie}, workers
    lines = [line for line in served.access_log(since) if line["cookie"] == cookie]
    streams = [line for line in lines if line["path"] == "/_stcore/stream"]
    assert len(streams) >= 20 and {line["status"] for line in streams} == {"101"}, streams
    answered = {line["worker"] for line in lines if line["worker"]}
    assert answered == {cookie}, f"requests of one browser reached {answered}"


def test_killing_a_worker_keeps_the_site_up_and_it_comes_back(served, browser, open_tab):
    # A reader on the worker that is about to die.
    context = browser.new_context(**harness.DESKTOP)
    page = context.new_page()
    page.goto(served.url(SOURCES.url_path))
    harness.wait_ready(page, SOURCES.has_chart)
    victim = next(c["value"] for c in context.cookies() if c["name"] == "usjp_worker")
    other = {"w1": "w2", "w2": "w1"}[victim]
    victim_port = served.worker_ports[int(victim[1:]) - 1]
    pid = served.worker_pid(victim_port)
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    with _gone():
        psutil.Process(pid).wait(timeout=10)

    # At once (a worker takes seconds to start again): its readers and new ones reach the other worker,
    # and the cookie follows the reader there.
    _, headers, _ = get(served.url(), {"Cookie": f"usjp_worker={victim}"})
    assert headers.get("x-usjp-worker") == other
    assert headers.get("set-cookie", "").startswith(f"usjp_worker={other};"), headers
    assert [get(served.url())[1].get("x-usjp-worker") for _ in range(4)] == [other] * 4
    workers = record_workers(page)
    page.reload()
    harness.wait_ready(page, has_chart=False)
    assert workers and set(workers) == {other}, workers
    assert next(c["value"] for c in context.cookies() if c["name"] == "usjp_worker") == other
    assert page.locator(harness.EXCEPTION).count() == 0

    # A new reader gets every page.
    tab = open_tab()
    for spec in PAGES:
        tab.goto(served.url(spec.url_path), spec.has_chart)
        tab.assert_healthy()

    # The supervisor starts the dead worker again, and readers stay where they are.
    deadline = time.monotonic() + 90
    while not serve.healthy(victim_port):
        assert time.monotonic() < deadline, f"{victim} not back after 90 s:\n{served.output()}"
        time.sleep(0.5)
    assert served.worker_pid(victim_port) not in (None, pid)
    assert f"{victim} (port {victim_port}) exited with -9" in served.output()
    assert f"starting {victim} again" in served.output()
    page.reload()
    harness.wait_ready(page, has_chart=False)
    assert next(c["value"] for c in context.cookies() if c["name"] == "usjp_worker") == other
    context.close()


def listening(port: int) -> bool:
    return any(c.laddr and c.laddr.port == port and c.status == psutil.CONN_LISTEN for c in psutil.net_connections())


def test_sigterm_ends_every_process_and_frees_every_port(served):
    assert served.proc.poll() is None, served.output()
    family = psutil.Process(served.proc.pid).children(recursive=True)
    assert len(family) >= 4, family  # two workers, nginx's master and its worker(s)
    ports = [served.port, *served.worker_ports]
    assert [p for p in ports if not listening(p)] == [], (ports, served.output())
    started = time.monotonic()
    served.proc.send_signal(signal.SIGTERM)
    assert served.proc.wait(timeout=30) == 0, served.output()
    seconds = time.monotonic() - started
    time.sleep(0.5)
    left = [p for p in family if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not left, [(p.pid, p.cmdline()) for p in left]
    assert not [p for p in ports if listening(p)]
    assert "stopped" in served.output()
    assert seconds < 20, f"took {seconds:.1f} s to stop"
