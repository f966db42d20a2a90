"""A real `streamlit run` server and headless Debian Chromium: shared by the e2e tests, `make bench` and `make load`.

Plain Python (no pytest): start a server on a free loopback port, wait for it, drive pages with
Playwright, read the drawn Plotly figure from the DOM, and collect browser console errors.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
CHROMIUM = os.environ.get("USJP_CHROMIUM", "/usr/bin/chromium")
# Without the networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HOST = "127.0.0.1"
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = '[data-testid="stMain"] .js-plotly-plot'  # the page's charts, not the sidebar's code preload
EXCEPTION = '[data-testid="stException"]'
APP_CAPTION = "US–Japan trade tensions and markets"
DESKTOP = {"viewport": {"width": 1440, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "user_agent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Mobile Safari/537.36"
    ),
}


def chromium_available() -> bool:
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def launch_browser(playwright):  # -> playwright Browser (sync or async API alike)
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# -- the server ---------------------------------------------------------------------------------


@dataclass
class StreamlitServer:
    """One `streamlit run` process on 127.0.0.1, its output captured to a log file."""

    script: Path = REPO / "app.py"
    cwd: Path = REPO
    env: dict[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    extra_args: tuple[str, ...] = ()
    port: int = 0
    proc: subprocess.Popen | None = None
    started_at: float = 0.0

    def start(self) -> StreamlitServer:
        self.port = self.port or free_port()
        if self.log_path is None:
            self.log_path = ARTIFACTS / "logs" / f"server-{self.port}.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script),
            "--server.headless",
            "true",
            "--server.address",
            HOST,
            "--server.port",
            str(self.port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *self.extra_args,
        ]
        log = self.log_path.open("wb")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        return self

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, url_path: str = "", query: str = "") -> str:
        return f"{self.base}/{url_path}" + (f"?{query}" if query else "")

    def healthy(self, timeout: float = 2.0) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=timeout) as response:
                return response.status == 200 and response.read().strip() == b"ok"
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            return False

    def wait_healthy(self, timeout: float = 60.0, interval: float = 0.05) -> float:
        """Poll /_stcore/health; seconds since start() when it first answered ok."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            if self.healthy(timeout=1.0):
                return time.perf_counter() - self.started_at
            time.sleep(interval)
        raise TimeoutError(f"no /_stcore/health after {timeout:.0f} s:\n{self.log()[-3000:]}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path and self.log_path.exists() else ""

    def rss_bytes(self) -> int:
        import psutil

        process = psutil.Process(self.proc.pid)
        return process.memory_info().rss + sum(c.memory_info().rss for c in process.children(recursive=True))

    def cpu_seconds(self) -> float:
        import psutil

        process = psutil.Process(self.proc.pid)
        return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])

    def listening_addresses(self) -> set[str]:
        import psutil

        return {
            conn.laddr.ip
            for conn in psutil.Process(self.proc.pid).net_connections(kind="inet")
            if conn.status == psutil.CONN_LISTEN
        }

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self) -> StreamlitServer:
        self.start()
        self.wait_healthy()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def copy_data_dir(target: Path) -> Path:
    """A private copy of data/ (events + snapshot, no cache) for a server run with USJP_DATA_DIR."""
    shutil.copytree(REPO / "data", target, ignore=shutil.ignore_patterns("cache", ".lock"))
    return target


# -- the browser --------------------------------------------------------------------------------

# Streamlit's frontend, opened at a non-root path, first probes <path>/_stcore/health and
# <path>/_stcore/host-config; both 404 and Chromium logs each as a console error. Nothing else may.
PROBES = ("/_stcore/health", "/_stcore/host-config")


def is_streamlit_probe(text: str, url: str) -> bool:
    path = urlsplit(url).path
    return (
        text.startswith("Failed to load resource: the server responded with a status of 404")
        and path.endswith(PROBES)
        and path not in PROBES
    )


@dataclass
class ConsoleWatch:
    """Collects console errors and uncaught page errors of one page (minus the two known probes)."""

    errors: list[str] = field(default_factory=list)

    def attach(self, page) -> ConsoleWatch:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        return self

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        if not is_streamlit_probe(message.text, url):
            self.errors.append(f"console.error: {message.text} ({url})")


def wait_idle(page, timeout_ms: float = 30_000, settle_ms: int = 150) -> None:
    """Wait until the script is not running, twice `settle_ms` apart (a rerun can start just after)."""
    for _ in range(2):
        page.wait_for_selector(IDLE, timeout=timeout_ms)
        page.wait_for_timeout(settle_ms)
    page.wait_for_selector(IDLE, timeout=timeout_ms)


CHARTS_DRAWN = """() => {
  const plots = [...document.querySelectorAll('$CHART')];
  return plots.length > 0 && plots.every(p => p._fullLayout && Array.isArray(p.data) && p.data.length > 0);
}""".replace("$CHART", CHART)


def wait_ready(page, has_chart: bool, timeout_ms: float = 45_000) -> None:
    """The page's charts are drawn (when it has any) and the script is idle."""
    if has_chart:
        page.wait_for_selector(f"{CHART}, {EXCEPTION}", state="visible", timeout=timeout_ms)
        raise_on_exception(page)
        page.wait_for_function(CHARTS_DRAWN, timeout=timeout_ms)
    wait_idle(page, timeout_ms)
    raise_on_exception(page)


def raise_on_exception(page) -> None:
    """Fail at once (not after a timeout) when the page shows a Streamlit exception box."""
    boxes = page.locator(EXCEPTION)
    if boxes.count():
        raise AssertionError(
            f"Streamlit exception on {page.url}: {boxes.first.inner_text()[:800]} (see the server log)"
        )


# The first chart's figure as plain JSON: what a shared link must reproduce.
FIGURE_STATE = """() => {
  const gd = document.querySelector('$CHART');
  if (!gd || !gd.data) return null;
  const lay = gd.layout || {};
  const title = (a) => (a && a.title && (typeof a.title === 'string' ? a.title : a.title.text)) || '';
  const selected = [];
  for (const t of gd.data) {
    if (!t.customdata || !t.marker || !t.marker.line || !Array.isArray(t.marker.line.width)) continue;
    t.customdata.forEach((row, j) => { if (t.marker.line.width[j] > 1) selected.push(row[0]); });
  }
  return {
    traces: gd.data.map(t => t.name),
    x_range: lay.xaxis && lay.xaxis.range ? lay.xaxis.range.map(String) : null,
    y_title: title(lay.yaxis),
    y2_title: title(lay.yaxis2),
    title: title(lay),
    event_ids: gd.data.filter(t => t.customdata).flatMap(t => t.customdata.map(r => r[0])),
    lanes: lay.yaxis3 && lay.yaxis3.ticktext ? Array.from(lay.yaxis3.ticktext) : [],
    selected: selected,
  };
}""".replace("$CHART", CHART)

# Where an event's marker is on screen (page coordinates), or null when it is not drawn.
EVENT_MARKERS = """() => {
  const gd = document.querySelector('$CHART');
  const box = gd.getBoundingClientRect();
  const out = [];
  gd._fullData.forEach((fd, i) => {
    const t = gd.data[i];
    if (!t.customdata || t.mode !== 'markers') return;
    const xa = gd._fullLayout[fd.xaxis.replace('x', 'xaxis')];
    const ya = gd._fullLayout[fd.yaxis.replace('y', 'yaxis')];
    t.customdata.forEach((row, j) => {
      out.push({id: row[0], title: row[1], trace: i,
                x: box.left + xa._offset + xa.d2p(t.x[j]), y: box.top + ya._offset + ya.d2p(t.y[j])});
    });
  });
  return out;
}""".replace("$CHART", CHART)


def event_markers(page) -> list[dict]:
    return page.evaluate(EVENT_MARKERS)


def isolated_marker(page, min_gap_px: float = 24.0, exclude: str | None = None) -> dict:
    """An event marker with no other marker within `min_gap_px`, so hovering it cannot hit a neighbour
    (not the marker of event `exclude`)."""
    markers = event_markers(page)
    for m in sorted(markers, key=lambda m: m["x"]):
        if m["id"] == exclude:
            continue
        if all(((m["x"] - o["x"]) ** 2 + (m["y"] - o["y"]) ** 2) ** 0.5 >= min_gap_px for o in markers if o is not m):
            return m
    raise AssertionError(f"no isolated event marker among {len(markers)}")


def marker_of(page, event_id: str) -> dict:
    for m in event_markers(page):
        if m["id"] == event_id:
            return m
    raise AssertionError(f"event {event_id!r} has no marker on the chart")


def hover_text(page) -> str:
    return page.evaluate("() => (document.querySelector('main .hoverlayer') || {}).textContent || ''")


def full_screenshot(page, path: Path, width: int) -> None:
    """Streamlit scrolls inside its own container: grow the viewport to the content, then capture."""
    height = page.evaluate(
        """() => {
          const main = document.querySelector('[data-testid="stMain"]');
          const side = document.querySelector('[data-testid="stSidebarContent"]');
          const visible = side && side.getBoundingClientRect().width > 0 && side.getBoundingClientRect().right > 0;
          return Math.max(main ? main.scrollHeight : 0, visible ? side.scrollHeight : 0, 300);
        }"""
    )
    page.set_viewport_size({"width": width, "height": min(int(height) + 40, 6000)})
    page.wait_for_timeout(300)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))


def page_path(url_path: str) -> str:
    return f"/{url_path}" if url_path else "/"


@contextlib.contextmanager
def timed():
    """`with timed() as t: ...` then t() gives the elapsed seconds."""
    start = time.perf_counter()
    end: list[float] = []
    yield lambda: (end[0] if end else time.perf_counter()) - start
    end.append(time.perf_counter())
