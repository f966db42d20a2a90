#!/usr/bin/env python3
"""`make serve`: the dashboard as it should be hosted on one machine.

N Streamlit workers (default: one per core) on 127.0.0.1, each in its own process group, behind nginx
(Debian's package), which compresses, caches Streamlit's static files, upgrades websockets, keeps each
reader on one worker (a cookie) and skips a worker that does not answer. This script renders
deploy/nginx.conf.template into a run folder, runs nginx in the foreground from there (no root, nothing
under /etc/nginx), restarts a worker that dies, and on Ctrl-C or SIGTERM ends every process it started.

    python deploy/serve.py [--host 127.0.0.1] [--port 8080] [--workers N] [--worker-port 8601]
    python deploy/serve.py render [--compose] ...   # print the nginx config (deploy/nginx.compose.conf)
    python deploy/serve.py check                    # is nginx installed? (what `make serve` runs first)

Standard library only: `make serve` runs `check` with the system's Python before any install.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TEMPLATE = HERE / "nginx.conf.template"
COMPOSE_CONF = HERE / "nginx.compose.conf"
MODULES_DIR = Path("/usr/lib/nginx/modules")  # Debian's
BROTLI_MODULE = "ngx_http_brotli_filter_module.so"
APT_INSTALL = "sudo apt-get install -y nginx libnginx-mod-http-brotli-filter"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080  # the proxy; `make run` keeps 8501
DEFAULT_WORKER_PORT = 8601  # the first worker's; the others follow (8602, ...)
WORKER_HOST = "127.0.0.1"  # workers are reached through nginx only
COMPOSE_RUN_DIR = "/tmp/nginx"  # inside the proxy container (deploy/Dockerfile, stage proxy)
COMPOSE_WORKER_PORT = 8601  # compose's worker<i> listens on 8600 + i (the port tells nginx who answered)

# Compressed by gzip and brotli (text/html always is). Fonts (woff2) and images are compressed already.
COMPRESS_TYPES = (
    "text/css",
    "text/plain",
    "text/csv",
    "text/javascript",
    "application/javascript",
    "application/x-javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
    "application/wasm",
    "font/ttf",
    "font/otf",
)

LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){LABEL}(?:\.{LABEL})*$")
SAFE_PATH = re.compile(r"^/[A-Za-z0-9._/+@=,-]*$")  # nothing nginx would read as syntax: no spaces, ; { } $ " '


class ConfigError(ValueError):
    """A setting that cannot make a working nginx config; the message says which and why."""


# -- rendering the nginx config -------------------------------------------------------------------


def check_host(host: str, what: str = "HOST") -> str:
    """An IP address or a host name, else ConfigError."""
    if not isinstance(host, str) or not host:
        raise ConfigError(f"{what} is empty: an address such as 127.0.0.1 (this machine) or 0.0.0.0 (every network)")
    with contextlib.suppress(ValueError):
        ipaddress.ip_address(host)
        return host
    if HOSTNAME.match(host):
        return host
    raise ConfigError(f"{what}={host!r} is not an IP address or a host name (e.g. 127.0.0.1, 0.0.0.0, worker1)")


def check_port(port: object, what: str = "PORT") -> int:
    """A TCP port 1-65535 (an int or a string of digits), else ConfigError."""
    text = str(port).strip()
    if isinstance(port, bool) or not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ConfigError(f"{what}={port!r} is not a TCP port (1-65535)")
    return int(text)


def check_path(path: str | Path, what: str) -> str:
    text = str(path)
    if not SAFE_PATH.match(text):
        raise ConfigError(
            f"{what}={text!r}: nginx needs an absolute path without spaces, quotes, ';', '{{', '}}', '$' or '#'"
        )
    return text.rstrip("/") or "/"


def parse_workers(workers: Iterable[int | str]) -> list[tuple[str, int]]:
    """Worker addresses: a port (a worker on 127.0.0.1) or "host:port". At least one; distinct ports."""
    if isinstance(workers, (str, int)):
        raise ConfigError(f"workers must be a list of ports or host:port addresses, not {workers!r}")
    parsed: list[tuple[str, int]] = []
    for worker in workers:
        if isinstance(worker, int) and not isinstance(worker, bool):
            parsed.append((WORKER_HOST, check_port(worker, "worker port")))
            continue
        host, sep, port = str(worker).rpartition(":")
        if not sep:
            host, port = WORKER_HOST, str(worker)
        parsed.append((check_host(host.strip("[]"), "worker host"), check_port(port, "worker port")))
    if not parsed:
        raise ConfigError("WORKERS=0: at least one Streamlit worker is needed")
    ports = [port for _, port in parsed]
    if len(set(ports)) != len(ports):
        raise ConfigError(f"worker ports must differ (nginx tells the workers apart by port): {ports}")
    return parsed


def address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def brotli_available(modules_dir: str | Path = MODULES_DIR) -> bool:
    """Debian's libnginx-mod-http-brotli-filter is installed."""
    return (Path(modules_dir) / BROTLI_MODULE).is_file()


def render(
    workers: Sequence[int | str],
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    brotli: bool = False,
    *,
    run_dir: str | Path = "/tmp/usjp-serve",
    scratch_dir: str | Path | None = None,
    log_files: bool = True,
    modules_dir: str | Path = MODULES_DIR,
    template: str | None = None,
) -> str:
    """The nginx config: `workers` are ports on 127.0.0.1 or host:port addresses (named w1, w2, ... in
    that order), nginx listens on host:port, loads the brotli module from `modules_dir` when `brotli`.
    The pid file goes under `run_dir`, logs too when `log_files` (else to stdout/stderr: a container), and
    nginx's temporary files and static-file cache under `scratch_dir` (default: `run_dir`), where nginx's
    own worker processes must be able to write. Raises ConfigError for a setting that cannot work."""
    parsed = parse_workers(workers)
    host = check_host(host)
    port = check_port(port)
    run = check_path(run_dir, "run folder")
    scratch = run if scratch_dir is None else check_path(scratch_dir, "scratch folder")
    modules = check_path(Path(modules_dir), "modules folder")
    names = [f"w{i}" for i in range(1, len(parsed) + 1)]
    indent4, indent8 = " " * 4, " " * 8

    if log_files:
        error_log, access_log = f"{run}/logs/error.log", f"{run}/logs/access.log"
    else:
        error_log, access_log = "stderr", "/dev/stdout"
    main_paths = "\n".join([f"pid {run}/nginx.pid;", f"error_log {error_log} warn;"])
    http_paths = "\n".join(
        f"{indent4}{kind}_temp_path {scratch}/tmp/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    values = {
        "load_modules": (
            f"load_module {modules}/{BROTLI_MODULE};"
            if brotli
            else "# brotli: Debian's libnginx-mod-http-brotli-filter is not installed, so gzip only."
        ),
        "main_paths": main_paths,
        "http_paths": http_paths,
        "access_log": f"{indent4}access_log {access_log} usjp;",
        "cookie_routes": "\n".join(f"{indent8}{name} usjp_{name};" for name in names),
        "worker_names": "\n".join(f'{indent8}"~:{p}$" {name};' for name, (_, p) in zip(names, parsed, strict=True)),
        "pool_servers": "\n".join(
            f"{indent8}server {address(h, p)} max_fails=1 fail_timeout=10s;  # {name}"
            for name, (h, p) in zip(names, parsed, strict=True)
        ),
        "worker_upstreams": "\n".join(
            f"{indent4}upstream usjp_{name} {{ server {address(h, p)}; keepalive 8; }}"
            for name, (h, p) in zip(names, parsed, strict=True)
        ),
        "proxy_cache_path": (
            f"{indent4}proxy_cache_path {scratch}/cache levels=1:2 keys_zone=usjp_static:10m max_size=256m"
            " inactive=7d use_temp_path=off;"
        ),
        "listen": f"{indent8}listen {address(host, port)};",
        "compress_types": " ".join(COMPRESS_TYPES),
        "brotli": (
            "\n".join(
                [
                    f"{indent8}brotli on;",
                    f"{indent8}brotli_comp_level 4;",
                    f"{indent8}brotli_min_length 1024;",
                    f"{indent8}brotli_types {' '.join(COMPRESS_TYPES)};",
                ]
            )
            if brotli
            else f"{indent8}# brotli: not installed (libnginx-mod-http-brotli-filter); gzip only."
        ),
    }
    text = TEMPLATE.read_text() if template is None else template
    missing = set(re.findall(r"\{\{ (\w+) \}\}", text)) - set(values)
    if missing:
        raise ConfigError(f"the template asks for {sorted(missing)}, which render() does not fill in")
    return re.sub(r"\{\{ (\w+) \}\}", lambda m: values[m.group(1)], text)


def render_compose(workers: int = 2, brotli: bool = True) -> str:
    """deploy/nginx.compose.conf: workers worker1..N of deploy/compose.yaml, listening on 8080 in the
    proxy container (published by compose), logs to the container's output."""
    if not isinstance(workers, int) or workers < 1:
        raise ConfigError(f"WORKERS={workers!r}: at least one Streamlit worker is needed")
    return render(
        [f"worker{i}:{COMPOSE_WORKER_PORT + i - 1}" for i in range(1, workers + 1)],
        "0.0.0.0",
        8080,
        brotli,
        run_dir=COMPOSE_RUN_DIR,
        log_files=False,
    )


# -- nginx ---------------------------------------------------------------------------------------


def find_nginx(explicit: str | None = None) -> str | None:
    """nginx's binary: `explicit`, else on PATH, else Debian's /usr/sbin (not on a user's PATH)."""
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    found = shutil.which("nginx")
    if found:
        return found
    for candidate in ("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"):
        if os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_nginx_message() -> str:
    return "\n".join(
        [
            "usjp serve: nginx is not installed. `make serve` puts nginx (Debian's package) in front of the",
            "workers. Install it once (with brotli compression), then run `make serve` again:",
            "",
            f"    {APT_INSTALL}",
            "",
            "`make run` serves the app without nginx (one process, this machine only).",
        ]
    )


def nginx_version(nginx: str) -> str:
    done = subprocess.run([nginx, "-v"], capture_output=True, text=True, timeout=10)
    match = re.search(r"nginx/(\S+)", done.stderr + done.stdout)
    return match.group(1) if match else "?"


# -- the supervisor ------------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"usjp serve: {message}", flush=True)


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if this supervisor dies without cleaning up (Linux)."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def spawn(cmd: list[str], log: Path, cwd: Path = REPO) -> subprocess.Popen:
    """A child in its own process group (Ctrl-C reaches the supervisor only, which ends each group)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        return subprocess.Popen(
            cmd,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )


def end_groups(procs: Sequence[subprocess.Popen], grace: float = 10.0) -> None:
    """SIGTERM to each child's process group, wait up to `grace` s, then SIGKILL what is left."""
    for proc in procs:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
    for proc in procs:  # the group may outlive its leader (Chromium started by kaleido)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)


def healthy(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://{WORKER_HOST}:{port}/_stcore/health", timeout=timeout) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError, ValueError):
        return False


def port_free(host: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as nginx and uvicorn do
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def tail(path: Path, chars: int = 2500) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else "(no log)"


@dataclass
class Worker:
    name: str
    port: int
    log: Path
    proc: subprocess.Popen | None = None
    started: float = 0.0
    unhealthy_since: float | None = None
    restarts: int = 0
    next_start: float = 0.0  # back-off after a quick crash

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(self.port),
            "--server.address",
            WORKER_HOST,
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ]


class Stop(Exception):
    """SIGINT, SIGTERM or SIGHUP: end everything."""


@dataclass
class Supervisor:
    host: str
    port: int
    worker_ports: list[int]
    run_dir: Path
    nginx: str
    brotli: bool
    check_every: float = 1.0
    unhealthy_after: float = 30.0  # a worker that is alive but has not answered its health check this long
    start_timeout: float = 180.0
    workers: list[Worker] = field(default_factory=list)
    nginx_proc: subprocess.Popen | None = None
    scratch: Path | None = None  # nginx's temporary files and cache, when not in the run folder

    def __post_init__(self) -> None:
        logs = self.run_dir / "logs"
        self.workers = [Worker(f"w{i}", p, logs / f"worker-w{i}.log") for i, p in enumerate(self.worker_ports, 1)]

    # start-up ---------------------------------------------------------------------------------
    def prepare(self) -> str:
        """Check the ports, render the config into the run folder. Returns the config text."""
        busy = [f"{self.host}:{self.port} (the proxy; PORT=...)"] if not port_free(self.host, self.port) else []
        busy += [
            f"{WORKER_HOST}:{w.port} ({w.name}; WORKER_PORT=...)"
            for w in self.workers
            if not port_free(WORKER_HOST, w.port)
        ]
        if busy:
            raise ConfigError("in use already: " + ", ".join(busy) + ". Is another `make serve` or `make run` running?")
        shutil.rmtree(self.run_dir / "cache", ignore_errors=True)
        shutil.rmtree(self.run_dir / "tmp", ignore_errors=True)
        (self.run_dir / "logs").mkdir(parents=True, exist_ok=True)
        scratch = self.run_dir
        if os.geteuid() == 0:
            # nginx's worker processes drop root (to nobody) and write their temporary files and cache: if
            # they cannot enter the run folder (a private home, a 0700 checkout), use a folder in /tmp.
            self.run_dir.chmod(0o755)
            if any(not p.stat().st_mode & 0o001 for p in self.run_dir.parents):
                self.scratch = scratch = Path(tempfile.mkdtemp(prefix="usjp-nginx-"))
                scratch.chmod(0o755)
        (scratch / "tmp").mkdir(exist_ok=True)
        text = render(self.worker_ports, self.host, self.port, self.brotli, run_dir=self.run_dir, scratch_dir=scratch)
        (self.run_dir / "nginx.conf").write_text(text)
        return text

    def start_worker(self, worker: Worker) -> None:
        worker.proc = spawn(worker.command(), worker.log)
        worker.started = time.monotonic()
        worker.unhealthy_since = None

    def wait_workers(self) -> float:
        started = time.monotonic()
        waiting = list(self.workers)
        while waiting:
            for worker in list(waiting):
                if worker.proc.poll() is not None:
                    raise RuntimeError(
                        f"worker {worker.name} (port {worker.port}) exited with {worker.proc.returncode}"
                        f" while starting; its log {worker.log}:\n{tail(worker.log)}"
                    )
                if healthy(worker.port, timeout=1.0):
                    waiting.remove(worker)
            if time.monotonic() - started > self.start_timeout:
                names = ", ".join(w.name for w in waiting)
                raise RuntimeError(
                    f"no /_stcore/health from {names} after {self.start_timeout:.0f} s; logs: {self.run_dir / 'logs'}"
                )
            time.sleep(0.2)
        return time.monotonic() - started

    def start_nginx(self) -> None:
        conf = self.run_dir / "nginx.conf"
        base = [self.nginx, "-p", f"{self.run_dir}/", "-c", str(conf)]
        test = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True, timeout=30)
        if test.returncode != 0:
            raise RuntimeError(f"nginx refuses {conf}:\n{test.stderr.strip()}")
        self.nginx_proc = spawn([*base, "-g", "daemon off;"], self.run_dir / "logs" / "nginx.out")
        deadline = time.monotonic() + 15
        while not port_answers(self.host, self.port):
            if self.nginx_proc.poll() is not None:
                out = tail(self.run_dir / "logs" / "nginx.out")
                raise RuntimeError(f"nginx exited with {self.nginx_proc.returncode}:\n{out}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"nginx does not answer on {address(self.host, self.port)}")
            time.sleep(0.1)

    # running ----------------------------------------------------------------------------------
    def watch(self) -> None:
        """Restart a worker that died (or hangs); nginx skips it meanwhile. Returns when nginx ends."""
        while True:
            if self.nginx_proc.poll() is not None:
                raise RuntimeError(
                    f"nginx exited with {self.nginx_proc.returncode}:\n{tail(self.run_dir / 'logs' / 'error.log')}"
                )
            now = time.monotonic()
            for worker in self.workers:
                self.check_worker(worker, now)
            time.sleep(self.check_every)

    def check_worker(self, worker: Worker, now: float) -> None:
        code = worker.proc.poll() if worker.proc else None
        if worker.proc is None:
            if now >= worker.next_start:
                say(f"starting {worker.name} again (port {worker.port})")
                self.start_worker(worker)
            return
        if code is not None:
            lived = now - worker.started
            worker.restarts = 1 if lived > 60 else worker.restarts + 1
            # Back off when it dies right after starting (1, 2, 4 ... 30 s); at once otherwise.
            delay = 0.0 if lived > 60 else min(30.0, 2.0 ** min(worker.restarts - 1, 5))
            say(
                f"{worker.name} (port {worker.port}) exited with {code} after {lived:.0f} s; its readers reconnect to"
                f" another worker (a new session). Restarting it{f' in {delay:.0f} s' if delay else ''}."
            )
            end_groups([worker.proc], grace=0)  # anything it left in its group (Chromium)
            worker.proc = None
            worker.next_start = now + delay
            if not delay:
                self.check_worker(worker, now)
            return
        if now - worker.started < 5 or healthy(worker.port):
            worker.unhealthy_since = None
            return
        worker.unhealthy_since = worker.unhealthy_since or now
        if now - worker.unhealthy_since >= self.unhealthy_after:
            say(f"{worker.name} (port {worker.port}): no answer to its health check for {self.unhealthy_after:.0f} s")
            end_groups([worker.proc], grace=5)

    def stop(self) -> None:
        procs = [p for p in [self.nginx_proc, *(w.proc for w in self.workers)] if p is not None]
        if self.nginx_proc is not None:
            end_groups([self.nginx_proc])  # first: no new requests
        end_groups([p for p in procs if p is not self.nginx_proc])
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def run(self) -> int:
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, _raise_stop)
        try:
            self.prepare()
            say(
                f"starting {len(self.workers)} Streamlit worker(s) on {WORKER_HOST}:"
                f"{', '.join(str(w.port) for w in self.workers)} (logs: {self.run_dir / 'logs'})"
            )
            for worker in self.workers:
                self.start_worker(worker)
            seconds = self.wait_workers()
            say(f"workers ready in {seconds:.1f} s")
            self.start_nginx()
            say(
                f"nginx {nginx_version(self.nginx)} on {address(self.host, self.port)}: gzip"
                f"{' and brotli' if self.brotli else ' (brotli: not installed)'}, sticky sessions"
                f" (config {self.run_dir / 'nginx.conf'})"
            )
            print(ready_message(self.host, self.port, len(self.workers)), flush=True)
            self.watch()
        except Stop:
            say("stopping: ending nginx and every worker")
            self.stop()
            say("stopped")
            return 0
        except (RuntimeError, ConfigError, OSError) as exc:
            self.stop()
            say(f"error: {exc}")
            return 1
        return 0


def _raise_stop(signum: int, frame: object) -> None:
    for other in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(other, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
    raise Stop()


def port_answers(host: str, port: int) -> bool:
    target = "127.0.0.1" if host in ("0.0.0.0", "") else ("::1" if host == "::" else host)
    with contextlib.suppress(OSError), socket.create_connection((target, port), timeout=0.5):
        return True
    return False


def ready_message(host: str, port: int, workers: int) -> str:
    if host in ("0.0.0.0", "::"):
        spec = importlib.util.spec_from_file_location("classroom", REPO / "scripts" / "classroom.py")
        with contextlib.suppress(Exception):
            classroom = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(classroom)
            return classroom.lan_message(host, port) + f"  ({workers} workers behind nginx)\n"
    return f"\n  Open http://{address(host, port)}  ({workers} workers behind nginx; stop with Ctrl-C)\n"


# -- command line --------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="deploy/serve.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host", default=DEFAULT_HOST, help="the proxy's address (0.0.0.0: every network)")
        p.add_argument("--port", default=DEFAULT_PORT, help=f"the proxy's port (default {DEFAULT_PORT})")
        p.add_argument("--workers", default=None, help="Streamlit workers (default: one per core)")
        p.add_argument("--worker-port", default=DEFAULT_WORKER_PORT, help="the first worker's port; the others follow")
        p.add_argument("--worker-ports", default=None, help="comma-separated ports, one per worker (overrides both)")

    common(parser)
    parser.add_argument("--run-dir", default=None, help="config, logs and nginx's files (default artifacts/serve-PORT)")
    parser.add_argument("--nginx", default=os.environ.get("NGINX"), help="nginx's binary (default: PATH, /usr/sbin)")
    parser.add_argument("--brotli", choices=("auto", "yes", "no"), default="auto")
    parser.add_argument("--unhealthy-after", type=float, default=30.0, help="restart a worker silent this long (s)")
    sub.add_parser("check", help="exit 0 if nginx is installed, else say how to install it (exit 2)")
    r = sub.add_parser("render", help="print the nginx config")
    common(r)
    r.add_argument("--compose", action="store_true", help="for deploy/compose.yaml (workers worker1..N)")
    r.add_argument("--brotli", choices=("auto", "yes", "no"), default="auto")
    r.add_argument("--run-dir", default="/tmp/usjp-serve")
    r.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)

    if args.command == "check":
        if find_nginx(args.nginx) is None:
            print(missing_nginx_message(), file=sys.stderr)
            return 2
        return 0
    try:
        port = check_port(args.port)
        if args.worker_ports:
            ports = [check_port(p, "worker port") for p in str(args.worker_ports).split(",") if p.strip()]
        else:
            count = (os.cpu_count() or 1) if args.workers in (None, "") else args.workers
            if not str(count).isdigit() or int(count) < 1:
                raise ConfigError(f"WORKERS={count!r}: give a whole number of Streamlit workers, at least 1")
            first = check_port(args.worker_port, "WORKER_PORT")
            ports = [check_port(first + i, "worker port") for i in range(int(count))]
        if port in ports:
            raise ConfigError(f"PORT={port} is also a worker's port: choose another PORT or WORKER_PORT")
        brotli = {"yes": True, "no": False}.get(args.brotli, brotli_available())
        if args.command == "render":
            if args.compose:
                workers = len(ports) if (args.workers or args.worker_ports) else 2
                text = render_compose(workers, brotli)
            else:
                text = render(ports, args.host, port, brotli, run_dir=args.run_dir)
            if args.output == "-":
                sys.stdout.write(text)
            else:
                Path(args.output).write_text(text)
            return 0
        nginx = find_nginx(args.nginx)
        if nginx is None:
            print(missing_nginx_message(), file=sys.stderr)
            return 2
        render(ports, args.host, port, brotli)  # every setting checked before anything starts
        run_dir = Path(args.run_dir or REPO / "artifacts" / f"serve-{port}").resolve()
        supervisor = Supervisor(args.host, port, ports, run_dir, nginx, brotli, unhealthy_after=args.unhealthy_after)
        return supervisor.run()
    except ConfigError as exc:
        print(f"usjp serve: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
