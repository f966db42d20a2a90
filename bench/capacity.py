"""`make capacity`: how many concurrent readers one server (and N behind the proxy) carries, against the floor.

Simulated readers (bench/st_client.py) speak Streamlit's own websocket protocol, not browsers, so one
machine drives hundreds: each opens the page, waits for its run to finish, then every few seconds (think
time) switches the Scale radio (key w_mode: "Levels" <-> "Indexed", on our timeline and on the floor app)
and records the time from its request to the `script_finished` of that rerun (and to its last delta).

Targets, one server each, started here on free loopback ports:
  app    one `streamlit run app.py` worker, directly;
  proxy  deploy/serve.py: nginx in front of --workers workers (skipped with a note while it is missing);
  floor  bench/floor_app.py, directly: what any Streamlit + Plotly page pays under the same load.
Steps of readers (default 10,25,50,100,200,400), the targets interleaved step by step so machine noise
hits them alike; a target stops ramping at p95 > 3 s or > 5 % of its readers in error. A step: readers
connect and open the page spread over --ramp seconds (not measured), then a window of --hold seconds in
which every rerun *requested* counts (also when it ends after the window), then the readers stop.
Per step: reruns/s, p50/p95/p99 latency, errors, CPU % (of one core) and RSS per worker over the window,
the proxy's CPU, and this process's own CPU and event-loop lag (when the client is the bottleneck, its
numbers say so). Headline: the most readers at which p95 < 1 s with 0 errors (every smaller step too),
for each target, and app / floor.

Bytes on the wire: the transfer of a first visit (fresh browser context) and a warm revisit (reload) of
`/` in headless Chromium, from CDP's Network.loadingFinished (encoded, i.e. compressed, bytes with
headers), through the proxy and directly; websocket frames reported apart.

    python -m bench.capacity [--targets app,proxy,floor] [--steps 10,25,50] [--hold 30] [--think 2:5]
                             [--workers N] [--page /] [--no-bytes]
    python -m bench.capacity --check-protocol   # the simulated reader against Chromium, once

Writes artifacts/capacity.json. Loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from bench.st_client import FINISHED, ReaderError, Run, StClient, state_value, user_key
from tests.e2e import harness

REPO = harness.REPO
FLOOR = REPO / "bench" / "floor_app.py"
SERVE = REPO / "deploy" / "serve.py"
OUT = harness.ARTIFACTS / "capacity.json"
LOGS = harness.ARTIFACTS / "logs" / "capacity"
KEY = "w_mode"  # the Scale radio: the same control on the timeline and on the floor app
HEADLINE_P95_S = 1.0
STOP_P95_S, STOP_ERROR_SHARE = 3.0, 0.05


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks; NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def reason(error: str) -> str:
    """An error message without the reader's number and run-specific digits, for grouping."""
    return re.sub(r"\d+", "N", re.sub(r"^reader \d+ ", "", error))[:160]


# -- targets: the servers under load and their processes ----------------------------------------------------


def _tree(process) -> list:
    import psutil

    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def cpu_seconds(processes: list) -> float:
    import psutil

    total = 0.0
    for p in processes:
        for q in _tree(p):
            try:
                times = q.cpu_times()
                total += times.user + times.system
            except psutil.Error:
                pass
    return total


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has been busy (all cores), for what other work took meanwhile; a
    virtual machine's steal (the host running others) counts as busy: it was not ours either."""
    import psutil

    times = psutil.cpu_times()
    fields = ("user", "nice", "system", "irq", "softirq", "steal")  # guest time is inside user already
    return sum(getattr(times, name, 0.0) for name in fields)


def rss_mib(process) -> float:
    import psutil

    total = 0
    for q in _tree(process):
        with contextlib.suppress(psutil.Error):
            total += q.memory_info().rss
    return total / 2**20


@dataclass
class Target:
    name: str
    label: str
    base: str = ""
    server: object = None  # harness.StreamlitServer, or the deploy/serve.py Popen
    stop_fn: object = None
    worker_fn: object = None  # -> the worker processes (psutil), each measured with its children
    proxy_fn: object = None  # -> the proxy's processes (nginx), or []

    def workers(self) -> list:
        return self.worker_fn() if self.worker_fn else []

    def proxy(self) -> list:
        return self.proxy_fn() if self.proxy_fn else []

    def stop(self) -> None:
        if self.stop_fn:
            self.stop_fn()


def start_direct(name: str, script: Path) -> Target:
    import psutil

    server = harness.StreamlitServer(
        script=script, cwd=script.parent if script != FLOOR else REPO, log_path=LOGS / f"{name}-{time.time_ns()}.log"
    )
    server.start()
    server.wait_healthy(timeout=120)
    label = "our app, 1 worker direct" if name == "app" else "floor app, direct"
    process = psutil.Process(server.proc.pid)
    return Target(name, label, server.base, server, server.stop, lambda: [process], None)


def proxy_available() -> str | None:
    """None when deploy/serve.py can be used, else why not."""
    if not SERVE.is_file():
        return "deploy/serve.py does not exist yet: target proxy skipped"
    import shutil

    if not shutil.which("nginx"):
        return "nginx is not installed: target proxy skipped"
    return None


def serve_command(workers: int, port: int, run_dir: Path) -> list[str]:
    """deploy/serve.py (`make serve`) for N workers behind nginx on `port`, every port a free one (not the
    defaults 8080 and 8601..., which a `make serve` of someone else may hold), its files in `run_dir`."""
    worker_ports = []
    while len(worker_ports) < workers:
        candidate = harness.free_port()
        if candidate != port and candidate not in worker_ports:
            worker_ports.append(candidate)
    return [sys.executable, str(SERVE), "--host", harness.HOST, "--port", str(port),
            "--worker-ports", ",".join(map(str, worker_ports)), "--run-dir", str(run_dir)]  # fmt: skip


def start_proxy(workers: int) -> Target:
    import psutil

    port = harness.free_port()
    run_dir = LOGS / f"serve-{port}"
    log_path = LOGS / f"proxy-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as out:
        proc = subprocess.Popen(
            serve_command(workers, port, run_dir),
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )
    probe = harness.StreamlitServer(port=port)
    deadline = time.perf_counter() + 180
    while not probe.healthy():
        if proc.poll() is not None or time.perf_counter() > deadline:
            tail = log_path.read_text(errors="replace")[-2000:]
            stop_tree(proc)
            raise RuntimeError(f"deploy/serve.py did not come up on port {port}:\n{tail}")
        time.sleep(0.2)
    root = psutil.Process(proc.pid)

    def classify() -> tuple[list, list]:
        """Top-level worker processes (`streamlit run`) and nginx processes under serve.py."""
        found, nginx = [], []
        for child in _tree(root)[1:]:
            try:
                cmd = " ".join(child.cmdline())
                name = child.name()
            except psutil.Error:
                continue
            if "nginx" in name:
                nginx.append(child)
            elif "streamlit" in cmd and " run " in f" {cmd} ":
                found.append(child)
        ids = {p.pid for p in found}
        return [p for p in found if _parent_pid(p) not in ids], nginx

    deadline = time.perf_counter() + 60
    while len(classify()[0]) < workers and time.perf_counter() < deadline:
        time.sleep(0.5)
    # Every worker up: ask each through nginx until all have answered (the pool is least_conn).
    return Target(
        "proxy",
        f"our app, {workers} workers behind nginx",
        f"http://{harness.HOST}:{port}",
        proc,
        lambda: stop_tree(proc),
        lambda: classify()[0],
        lambda: classify()[1],
    )


def _parent_pid(process) -> int | None:
    try:
        return process.ppid()
    except Exception:
        return None


def stop_tree(proc: subprocess.Popen) -> None:
    """Stop deploy/serve.py (it stops its workers and nginx), its own process group as a fallback."""
    import signal

    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


# -- one step: N readers against one target ------------------------------------------------------------------


@dataclass
class Config:
    page: str = "/"
    query: str = ""
    key: str = KEY
    hold: float = 30.0
    think: tuple[float, float] = (2.0, 5.0)
    ramp: float = 2.0
    timeout: float = 30.0
    seed: int = 17


@dataclass
class StepState:
    readers: int
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    opened: asyncio.Event = field(default_factory=asyncio.Event)
    settled: int = 0  # readers that have opened the page or failed
    window: tuple[float, float] | None = None
    latencies: list[float] = field(default_factory=list)
    last_delta: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    bytes_in: int = 0
    ref_hits: int = 0

    def settle(self) -> None:
        self.settled += 1
        if self.settled >= self.readers:
            self.opened.set()

    def in_window(self, run: Run) -> bool:
        return self.window is not None and self.window[0] <= run.sent_at < self.window[1]


def check_page(run: Run, key: str) -> None:
    if key not in run.keys:
        raise ReaderError(f"the page has no widget {key!r} (keys: {sorted(run.keys)[:12]})")
    if not run.charts:
        raise ReaderError("the page sent no chart")


def check_rerun(run: Run) -> None:
    if not run.charts and not run.ref_hits:
        raise ReaderError(f"the rerun after {run.what} sent no chart")


async def reader(number: int, base: str, cfg: Config, state: StepState) -> None:
    rng = random.Random(cfg.seed * 100_003 + number)
    await asyncio.sleep(cfg.ramp * number / max(1, state.readers))
    client = StClient(base, cfg.page, cfg.query, timeout=cfg.timeout)
    phase, settled = "connect", False
    try:
        await client.connect()
        phase = "open"
        run = await client.open()
        check_page(run, cfg.key)
        state.loads.append(run.latency)
        state.settle()
        settled, phase = True, "rerun"
        while not state.stop.is_set():
            try:
                await asyncio.wait_for(state.stop.wait(), rng.uniform(*cfg.think))
                break
            except TimeoutError:
                pass
            run = await client.toggle(cfg.key)
            check_rerun(run)
            if state.in_window(run):
                state.latencies.append(run.latency)
                if run.last_delta_latency is not None:
                    state.last_delta.append(run.last_delta_latency)
                state.bytes_in += run.bytes
                state.ref_hits += run.ref_hits
    except ReaderError as exc:
        state.errors.append(f"reader {number} ({phase}): {exc}")
    except Exception as exc:  # never a traceback per reader: one line with the reason
        state.errors.append(f"reader {number} ({phase}): {type(exc).__name__}: {str(exc)[:160]}")
    finally:
        if not settled:
            state.settle()
        await client.close()


async def loop_lag(samples: list[float], state: StepState, tick: float = 0.05) -> None:
    """How late this process's event loop wakes up: a busy client shows it here before anywhere else."""
    while not state.stop.is_set():
        start = time.perf_counter()
        await asyncio.sleep(tick)
        if state.window is not None and state.window[0] <= start < state.window[1]:
            samples.append(time.perf_counter() - start - tick)


async def run_step(target: Target, readers: int, cfg: Config) -> dict:
    import psutil

    me = psutil.Process()
    state = StepState(readers)
    lag: list[float] = []
    tasks = [asyncio.create_task(reader(n, target.base, cfg, state)) for n in range(readers)]
    lag_task = asyncio.create_task(loop_lag(lag, state))
    with contextlib.suppress(TimeoutError):  # stragglers: the window starts anyway
        await asyncio.wait_for(state.opened.wait(), cfg.ramp + cfg.timeout + 10)
    workers, proxy = target.workers(), target.proxy()
    cpu0 = [cpu_seconds([w]) for w in workers]
    proxy0, client0 = cpu_seconds(proxy), sum(me.cpu_times()[:2])
    machine0 = machine_busy_seconds()
    start = time.perf_counter()
    state.window = (start, start + cfg.hold)
    await asyncio.sleep(cfg.hold)
    elapsed = time.perf_counter() - start
    cpu = [round((cpu_seconds([w]) - c) / elapsed * 100, 1) for w, c in zip(workers, cpu0, strict=True)]
    proxy_cpu = round((cpu_seconds(proxy) - proxy0) / elapsed * 100, 1) if proxy else None
    client_cpu = round((sum(me.cpu_times()[:2]) - client0) / elapsed * 100, 1)
    machine = (machine_busy_seconds() - machine0) / elapsed * 100
    # CPU that neither the servers nor this client used: other work on the machine (the noise).
    others = round(max(0.0, machine - sum(cpu) - (proxy_cpu or 0) - client_cpu), 1)
    rss = [round(rss_mib(w), 1) for w in workers]
    state.stop.set()
    _, pending = await asyncio.wait(tasks, timeout=cfg.timeout + 10)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, lag_task, return_exceptions=True)

    def ms(values: list[float], q: float) -> float | None:
        value = percentile(values, q)
        return None if value != value else round(value * 1000, 1)

    return {
        "target": target.name,
        "readers": readers,
        "window_s": round(elapsed, 1),
        "reruns": len(state.latencies),
        "reruns_per_s": round(len(state.latencies) / elapsed, 2),
        "p50_ms": ms(state.latencies, 50),
        "p95_ms": ms(state.latencies, 95),
        "p99_ms": ms(state.latencies, 99),
        "last_delta_p95_ms": ms(state.last_delta, 95),
        "page_open_p50_ms": ms(state.loads, 50),
        "page_open_p95_ms": ms(state.loads, 95),
        "errors": len(state.errors),
        "error_reasons": dict(Counter(reason(e) for e in state.errors).most_common(8)),
        "cpu_pct_per_worker": cpu,
        "rss_mib_per_worker": rss,
        "proxy_cpu_pct": proxy_cpu,
        "client_cpu_pct": client_cpu,
        "machine_cpu_pct": round(machine, 1),
        "others_cpu_pct": others,
        "client_loop_lag_p99_ms": ms(lag, 99),
        "bytes_in_per_rerun": round(state.bytes_in / len(state.latencies)) if state.latencies else None,
        "cache_ref_hits": state.ref_hits,
    }


def passes(step: dict) -> bool:
    return step["errors"] == 0 and step["p95_ms"] is not None and step["p95_ms"] < HEADLINE_P95_S * 1000


def should_stop(step: dict) -> bool:
    return (
        step["p95_ms"] is None
        or step["p95_ms"] > STOP_P95_S * 1000
        or step["errors"] > STOP_ERROR_SHARE * step["readers"]
    )


def capacity(steps: list[dict]) -> dict:
    """The most readers with p95 < 1 s and 0 errors, that step and every smaller one passing."""
    best, limit_reached = 0, False
    for step in sorted(steps, key=lambda s: s["readers"]):
        if not passes(step):
            limit_reached = True
            break
        best = step["readers"]
    return {"max_readers": best, "limit_reached": limit_reached}


def for_target(cfg: Config, target: Target) -> Config:
    """The floor app has one page: its readers open `/` whatever --page says."""
    return replace(cfg, page="/", query="") if target.name == "floor" else cfg


async def warm_up(target: Target, cfg: Config) -> None:
    """One untimed visit and change: the first run of a fresh server imports and loads everything."""
    client = StClient(target.base, cfg.page, cfg.query, timeout=120)
    try:
        await client.connect()
        check_page(await client.open(), cfg.key)
        await client.toggle(cfg.key)
    finally:
        await client.close()


async def ramp(targets: list[Target], steps: list[int], cfg: Config, settle_s: float) -> dict[str, list[dict]]:
    results: dict[str, list[dict]] = {t.name: [] for t in targets}
    active = list(targets)
    for target in targets:
        if target.name == "proxy":  # each worker runs its first page before the measurement
            for _ in range(len(target.workers()) * 2):
                await warm_up(target, for_target(cfg, target))
        else:
            await warm_up(target, for_target(cfg, target))
    for readers in steps:
        for target in list(active):
            log(f"  {target.name}: {readers} readers ...")
            step = await run_step(target, readers, for_target(cfg, target))
            results[target.name].append(step)
            log(f"    {fmt_step(step)}")
            if should_stop(step):
                log(f"    {target.name}: p95 > {STOP_P95_S:.0f} s or errors > {STOP_ERROR_SHARE:.0%}: ramp stops here")
                active.remove(target)
            await asyncio.sleep(settle_s)  # closed sessions leave the server before the next step
        if not active:
            break
    return results


# -- output ---------------------------------------------------------------------------------------------------


def fmt_step(step: dict) -> str:
    return (
        f"{step['reruns_per_s']} reruns/s, p50/p95/p99 {step['p50_ms']}/{step['p95_ms']}/{step['p99_ms']} ms, "
        f"{step['errors']} errors, CPU {step['cpu_pct_per_worker']} %, client {step['client_cpu_pct']} %"
    )


def table(target: Target | str, steps: list[dict]) -> str:
    label = target.label if isinstance(target, Target) else target
    head = (
        "readers",
        "reruns/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "CPU %/worker",
        "RSS MiB/worker",
        "proxy CPU %",
        "client CPU %",
        "loop lag p99 ms",
        "others CPU %",
    )
    rows = [head]
    for s in steps:
        rows.append(
            (
                str(s["readers"]),
                f"{s['reruns_per_s']:.1f}",
                str(s["p50_ms"]),
                str(s["p95_ms"]),
                str(s["p99_ms"]),
                str(s["errors"]),
                " ".join(f"{c:.0f}" for c in s["cpu_pct_per_worker"]),
                " ".join(f"{r:.0f}" for r in s["rss_mib_per_worker"]),
                "" if s["proxy_cpu_pct"] is None else f"{s['proxy_cpu_pct']:.0f}",
                f"{s['client_cpu_pct']:.0f}",
                str(s["client_loop_lag_p99_ms"]),
                f"{s['others_cpu_pct']:.0f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.rjust(widths[i]) for i, c in enumerate(r)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    errors = Counter()
    for s in steps:
        errors.update(s["error_reasons"])
    notes = [f"  error: {n} x {text}" for text, n in errors.most_common(5)]
    notes.append(f"  CPU in % of one core ({os.cpu_count()} here); others: what the rest of the machine used meanwhile")
    return "\n".join([label, *lines, *notes])


def headline(results: dict[str, list[dict]]) -> dict:
    out = {name: capacity(steps) for name, steps in results.items() if steps}
    app, floor = out.get("app"), out.get("floor")
    if app and floor and floor["max_readers"]:
        out["ratio_app_to_floor"] = round(app["max_readers"] / floor["max_readers"], 2)
    proxy = out.get("proxy")
    if proxy and floor and floor["max_readers"]:
        out["ratio_proxy_to_floor"] = round(proxy["max_readers"] / floor["max_readers"], 2)
    return out


def headline_text(head: dict) -> str:
    names = {"app": "our app, 1 worker", "proxy": "our app via proxy", "floor": "floor app"}
    lines = [f"Headline: most concurrent readers with p95 rerun < {HEADLINE_P95_S:.0f} s and 0 errors"]
    for name in ("app", "proxy", "floor"):
        if name in head:
            h = head[name]
            more = "" if h["limit_reached"] else " (the ramp never failed: at least this many)"
            lines.append(f"  {names[name]}: {h['max_readers']}{more}")
    if "ratio_app_to_floor" in head:
        lines.append(f"  app / floor: {head['ratio_app_to_floor']}")
    if "ratio_proxy_to_floor" in head:
        lines.append(f"  proxy / floor: {head['ratio_proxy_to_floor']}")
    return "\n".join(lines)


# -- bytes on the wire ----------------------------------------------------------------------------------------


def wire_bytes(base: str, page_path: str = "/") -> dict:
    """Bytes Chromium moves for `page_path`: a first visit (fresh context) and a warm revisit (reload in the
    same context). HTTP: every response's encoded length as it came over the wire (compressed or not,
    headers included: CDP Network.loadingFinished) and its decoded body (Network.dataReceived); the
    websocket's frames apart (Streamlit's messages: no proxy compresses them)."""
    import base64

    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as p:
        browser = harness.launch_browser(p)
        context = browser.new_context(**harness.DESKTOP)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        tally: dict = {}
        types: dict[str, str] = {}

        def reset() -> None:
            tally.update(http=0, decoded=0, responses=0, ws_in=0, ws_out=0, by_type=Counter(), encodings=Counter())

        cached: set[str] = set()

        def on_response(event: dict) -> None:
            types[event["requestId"]] = event.get("type", "Other")
            response = event["response"]
            if response.get("fromDiskCache") or response.get("fromMemoryCache"):
                cached.add(event["requestId"])
            else:
                headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
                tally["encodings"][headers.get("content-encoding", "none")] += 1

        def on_finished(event: dict) -> None:
            tally["http"] += event["encodedDataLength"]
            tally["responses"] += 1
            tally["by_type"][types.get(event["requestId"], "Other")] += event["encodedDataLength"]

        def on_data(event: dict) -> None:  # bodies that came over the network, decoded (not cache hits)
            if event["requestId"] not in cached:
                tally["decoded"] += event.get("dataLength", 0)

        def frame_size(event: dict) -> int:
            response = event["response"]
            data = response.get("payloadData", "")
            return len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())

        def on_ws(direction: str):
            return lambda event: tally.__setitem__(direction, tally[direction] + frame_size(event))

        cdp.on("Network.responseReceived", on_response)
        cdp.on("Network.loadingFinished", on_finished)
        cdp.on("Network.dataReceived", on_data)
        cdp.on("Network.requestServedFromCache", lambda event: cached.add(event["requestId"]))
        cdp.on("Network.webSocketFrameReceived", on_ws("ws_in"))
        cdp.on("Network.webSocketFrameSent", on_ws("ws_out"))
        cdp.send("Network.enable")
        for visit in ("first_visit", "warm_revisit"):
            reset()
            if visit == "first_visit":
                page.goto(base + page_path)
            else:
                page.reload()
            harness.wait_ready(page, True)
            page.wait_for_timeout(1500)  # late requests: fonts, the chart library's lazy parts
            out[visit] = {
                "http_bytes": tally["http"],
                "http_decoded_bytes": tally["decoded"],
                "responses": tally["responses"],
                "content_encodings": dict(tally["encodings"]),
                "websocket_bytes_in": tally["ws_in"],
                "websocket_bytes_out": tally["ws_out"],
                "http_bytes_by_type": dict(tally["by_type"].most_common()),
            }
        context.close()
        browser.close()
    return out


def _size(n: float) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def bytes_text(wire: dict) -> str:
    lines = ["Bytes on the wire (Chromium opens `/`; HTTP as transferred, headers included; websocket apart)"]
    for where, data in wire.items():
        if "error" in data:
            lines.append(f"  {where}: {data['error']}")
            continue
        for visit in ("first_visit", "warm_revisit"):
            v = data[visit]
            lines.append(
                f"  {where:6}  {visit.replace('_', ' '):12}  HTTP {_size(v['http_bytes']):>9} "
                f"(bodies decoded {_size(v['http_decoded_bytes'])}, {v['responses']} responses)  "
                f"websocket in {_size(v['websocket_bytes_in'])}"
            )
    if "proxy" in wire and "direct" in wire and "error" not in wire["proxy"] and "error" not in wire["direct"]:
        for visit in ("first_visit", "warm_revisit"):
            d, p = wire["direct"][visit]["http_bytes"], wire["proxy"][visit]["http_bytes"]
            if d:
                lines.append(f"  HTTP bytes, proxy / direct, {visit.replace('_', ' ')}: {p / d:.2f}")
    return "\n".join(lines)


# -- the protocol check: the simulated reader against Chromium -------------------------------------------------


def _finished_status(frame: bytes) -> int | None:
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg.FromString(frame)
    return msg.script_finished if msg.WhichOneof("type") == "script_finished" else None


def rerun_summary(frames: list[bytes]) -> dict:
    """The ForwardMsgs of one rerun, up to its script_finished: types in order and element types."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    types, elements = [], []
    for frame in frames:
        msg = ForwardMsg.FromString(frame)
        kind = msg.WhichOneof("type")
        if kind == "session_status_changed" and not types:
            continue  # the previous run's "not running" that arrives after the request
        types.append(kind)
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            what = element.WhichOneof("type")
            key = user_key(getattr(getattr(element, what), "id", "") if what != "exception" else "")
            elements.append(f"{what}:{key}" if key else what)
        elif kind == "ref_hash":
            elements.append("ref_hash")
        if kind == "script_finished" and msg.script_finished != FINISHED.FINISHED_EARLY_FOR_RERUN:
            break
    return {"types": types, "elements": elements}


def _as_bytes(payload: bytes | str) -> bytes:
    return payload if isinstance(payload, bytes) else payload.encode()


LABELS = ("Indexed", "Levels")  # the check's changes: to Indexed, then back (the second one hits the cache)


def browser_exchange(base: str, key: str, labels: tuple[str, ...] = LABELS) -> dict:
    """Chromium opens the page and clicks each label on the radio `key` in turn: the BackMsgs it sent on
    opening and on each change, and the frames of each rerun."""
    from playwright.sync_api import sync_playwright

    sent: list[bytes] = []
    received: list[bytes] = []

    def on_websocket(ws) -> None:
        if ws.url.endswith("/_stcore/stream"):
            ws.on("framesent", lambda payload: sent.append(_as_bytes(payload)))
            ws.on("framereceived", lambda payload: received.append(_as_bytes(payload)))

    changes, reruns = [], []
    with sync_playwright() as p:
        browser = harness.launch_browser(p)
        context = browser.new_context(**harness.DESKTOP)
        page = context.new_page()
        page.on("websocket", on_websocket)
        page.goto(base + "/")
        harness.wait_ready(page, True)
        harness.wait_idle(page)
        opening = list(sent)
        for label in labels:
            n_sent, n_received = len(sent), len(received)
            page.locator(f".st-key-{key}").get_by_text(label, exact=False).click()
            deadline = time.perf_counter() + 30
            while time.perf_counter() < deadline:
                statuses = [_finished_status(f) for f in received[n_received:]]
                if any(s is not None and s != FINISHED.FINISHED_EARLY_FOR_RERUN for s in statuses):
                    break
                page.wait_for_timeout(50)
            harness.wait_idle(page)
            page.wait_for_timeout(500)
            changes.append(sent[n_sent:])
            reruns.append(received[n_received:])
        context.close()
        browser.close()
    return {"open": opening, "changes": changes, "reruns": reruns}


async def client_exchange(base: str, key: str, count: int = len(LABELS)) -> dict:
    """The simulated reader does the same: open, then `count` toggles of the radio."""
    client = StClient(base, "/", timeout=60)
    reruns: list[list[bytes]] = []
    try:
        await client.connect()
        await client.open()
        feed = client.session.feed

        def recording(data: bytes, now: float):
            reruns[-1].append(data)
            return feed(data, now)

        client.session.feed = recording
        for _ in range(count):
            reruns.append([])
            await client.toggle(key)
            await asyncio.sleep(0.5)  # as the browser waits: the run's trailing messages land in its list
    finally:
        await client.close()
    sent = [m.SerializeToString() for m in client.sent]
    return {"open": sent[:1], "changes": [[m] for m in sent[1:]], "reruns": reruns}


def compare_exchanges(browser: dict, client: dict) -> list[tuple[str, str, str, bool]]:
    """(what, browser, client, same) rows: the messages sent on opening and on each change, and the replies."""
    from streamlit.proto.BackMsg_pb2 import BackMsg

    rows = []

    def add(what: str, b: object, c: object, same: bool | None = None) -> None:
        rows.append((what, str(b), str(c), b == c if same is None else same))

    def context(state) -> str:
        return str(state.context_info).replace("\n", " ").strip()

    b_open = [BackMsg.FromString(m) for m in browser["open"]]
    c_open = [BackMsg.FromString(m) for m in client["open"]]
    add("BackMsgs sent on opening", [m.WhichOneof("type") for m in b_open], [m.WhichOneof("type") for m in c_open])
    if b_open and c_open:
        b, c = b_open[0].rerun_script, c_open[0].rerun_script
        add("  page_name / query", (b.page_name, b.query_string), (c.page_name, c.query_string))
        add("  widget states", len(b.widget_states.widgets), len(c.widget_states.widgets))
        add("  context_info", context(b), context(c))
    for n, (b_sent, c_sent) in enumerate(zip(browser["changes"], client["changes"], strict=False), start=1):
        b_change = [BackMsg.FromString(m) for m in b_sent]
        c_change = [BackMsg.FromString(m) for m in c_sent]
        add(f"change {n}: BackMsgs sent", [m.WhichOneof("type") for m in b_change],
            [m.WhichOneof("type") for m in c_change])  # fmt: skip
        if b_change and c_change:
            b, c = b_change[0].rerun_script, c_change[0].rerun_script
            b_states = {w.id: state_value(w) for w in b.widget_states.widgets}
            c_states = {w.id: state_value(w) for w in c.widget_states.widgets}
            changed = next((wid for wid in b_states if user_key(wid) == KEY), None)
            add(f"  widget id ({KEY})", changed, next((w for w in c_states if user_key(w) == KEY), None))
            add("  its value", b_states.get(changed), c_states.get(changed))
            add("  widget states sent (count)", len(b_states), len(c_states))
            keys = set(b_states) | set(c_states)
            diff = sorted(user_key(w) or w for w in keys if b_states.get(w) != c_states.get(w))
            add("  widget ids and values differing", diff or "none", diff or "none", same=not diff)
            add("  page_script_hash", b.page_script_hash, c.page_script_hash)
            add("  fragment_id", b.fragment_id or "-", c.fragment_id or "-")
            add("  query_string", b.query_string or "-", c.query_string or "-")
            add("  cached_message_hashes", sorted(b.cached_message_hashes), sorted(c.cached_message_hashes))
            add("  context_info", context(b), context(c))
    for n, (b_frames, c_frames) in enumerate(zip(browser["reruns"], client["reruns"], strict=False), start=1):
        b_reply, c_reply = rerun_summary(b_frames), rerun_summary(c_frames)
        add(f"change {n}: server's ForwardMsgs", " ".join(b_reply["types"]), " ".join(c_reply["types"]))
        add(f"change {n}: elements", " ".join(b_reply["elements"]), " ".join(c_reply["elements"]))
    return rows


def check_protocol(script: Path, name: str) -> list[tuple[str, str, str, bool]]:
    """Chromium, then the simulated reader, each opens `/` and switches the Scale radio to Indexed and
    back on the same server: prints what each sent and got, row by row."""
    log(f"protocol check on {name}: Chromium, then the simulated reader, same server ...")
    target = start_direct(name, script)
    try:
        asyncio.run(warm_up(target, Config()))
        browser = browser_exchange(target.base, KEY)
        client = asyncio.run(client_exchange(target.base, KEY))
    finally:
        target.stop()
    rows = compare_exchanges(browser, client)
    head = ("", "Chromium", "simulated reader", "same")
    cut = [(w, b[:64], c[:64], "yes" if same else "NO") for w, b, c, same in rows]
    widths = [max(len(r[i]) for r in [head, *cut]) for i in range(4)]
    print(f"\n{target.label}: Scale radio -> Indexed -> Levels")
    for r in [head, *cut]:
        print("  ".join(c.ljust(widths[i]) for i, c in enumerate(r)).rstrip())
    return rows


# -- main -------------------------------------------------------------------------------------------------------


def parse_think(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    low_s, high_s = float(low), float(high or low)
    if not 0 <= low_s <= high_s:
        raise argparse.ArgumentTypeError("--think LOW:HIGH seconds, 0 <= LOW <= HIGH")
    return low_s, high_s


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", default="app,proxy,floor", help="app (alias direct), proxy, floor")
    parser.add_argument("--steps", default="10,25,50,100,200,400", help="readers per step")
    parser.add_argument("--hold", type=float, default=30.0, help="seconds measured per step")
    parser.add_argument("--think", type=parse_think, default=(2.0, 5.0), help="LOW:HIGH seconds between changes")
    parser.add_argument("--ramp", type=float, default=2.0, help="seconds over which a step's readers connect")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2), help="workers behind the proxy")
    parser.add_argument("--page", default="/", help="the page the readers open (it must have the Scale radio)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a rerun counts as an error")
    parser.add_argument("--settle", type=float, default=3.0, help="seconds between steps")
    parser.add_argument("--app", type=Path, default=REPO / "app.py", help="the app's entry script (another checkout)")
    parser.add_argument("--no-bytes", action="store_true", help="skip the bytes-on-the-wire measurement")
    parser.add_argument("--check-protocol", action="store_true", help="compare the simulated reader with Chromium")
    args = parser.parse_args(argv)
    LOGS.mkdir(parents=True, exist_ok=True)
    app_script = args.app.resolve()

    if args.check_protocol:
        if not harness.chromium_available():
            print(f"{harness.CHROMIUM} not found: apt-get install -y chromium", file=sys.stderr)
            return 2
        checks = {"app": check_protocol(app_script, "app"), "floor": check_protocol(FLOOR, "floor")}
        same = all(ok for rows in checks.values() for *_, ok in rows)
        print("\nsame messages as Chromium" if same else "\nDIFFERENCES: see the rows marked NO")
        out = harness.ARTIFACTS / "capacity-protocol.json"
        rows_json = {name: [dict(zip(("what", "chromium", "client", "same"), row, strict=True)) for row in rows]
                     for name, rows in checks.items()}  # fmt: skip
        out.write_text(json.dumps({"same": same, "checks": rows_json}, indent=2) + "\n")
        print(f"written: {out.relative_to(REPO)}")
        return 0 if same else 1

    names = [{"direct": "app"}.get(n.strip(), n.strip()) for n in args.targets.split(",") if n.strip()]
    unknown = set(names) - {"app", "proxy", "floor"}
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    steps = sorted({int(n) for n in args.steps.split(",") if n.strip()})
    if not steps or steps[0] < 1:
        parser.error("--steps: readers per step, e.g. 10,25,50")
    if args.hold < 2 * args.think[1]:
        parser.error(f"--hold {args.hold:g} s: at least twice the longest think time, or readers hardly change")
    cfg = Config(page=args.page, hold=args.hold, think=args.think, ramp=args.ramp, timeout=args.timeout)
    notes = []
    if "proxy" in names and (why := proxy_available()):
        notes.append(why)
        log(why)
        names.remove("proxy")
    started = time.perf_counter()
    targets: list[Target] = []
    try:
        for name in names:
            log(f"starting {name} ...")
            if name == "proxy":
                targets.append(start_proxy(args.workers))
            else:
                targets.append(start_direct(name, app_script if name == "app" else FLOOR))
        results = asyncio.run(ramp(targets, steps, cfg, args.settle))
        wire: dict = {}
        if not args.no_bytes and harness.chromium_available():
            for target in targets:
                if target.name in ("app", "proxy"):
                    where = "direct" if target.name == "app" else "proxy"
                    log(f"bytes on the wire, {where} ...")
                    try:
                        wire[where] = wire_bytes(target.base, cfg.page)
                    except Exception as exc:
                        wire[where] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
            if "proxy" not in wire:
                notes.append("bytes through the proxy: not measured (target proxy not run)")
    finally:
        for target in targets:
            target.stop()

    head = headline(results)
    others = [s["others_cpu_pct"] for steps_done in results.values() for s in steps_done]
    if others and max(others) > 50:
        notes.append(
            f"other work on this machine took up to {max(others):.0f} % of a core during the steps "
            f"(load average {os.getloadavg()[0]:.1f} at the end): latencies are pessimistic, compare ratios"
        )
    by_name = {t.name: t for t in targets}
    for name, steps_done in results.items():
        print("\n" + table(by_name[name], steps_done))
    print("\n" + headline_text(head))
    if wire:
        print("\n" + bytes_text(wire))
    for note in notes:
        print(f"note: {note}")
    result = {
        "headline": head,
        "steps": results,
        "bytes": wire,
        "notes": notes,
        "config": {
            "steps": steps,
            "hold_s": cfg.hold,
            "think_s": list(cfg.think),
            "ramp_s": cfg.ramp,
            "timeout_s": cfg.timeout,
            "page": cfg.page,
            "key": cfg.key,
            "workers": args.workers,
            "targets": [t.name for t in targets],
            "app": str(app_script),
        },
        "environment": {
            "cpus": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "streamlit": __import__("streamlit").__version__,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
