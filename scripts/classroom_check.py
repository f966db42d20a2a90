"""The offline classroom install, proved: run by scripts/classroom_check.sh inside `unshare -n`
(a network namespace with nothing but loopback), as root. Not part of `make test`: it installs
about 160 MB of wheels into a fresh virtual environment and takes minutes.

1. no pack, no network: `make run` in a copy of the repository without the pack must stop within
   a few seconds, non-zero, with the message that says what to do (no pip traceback or retries);
2. the pack: `make run` in a copy with classroom-pack/ creates a fresh .venv, installs from the pack,
   serves; the story page (`/story` at its sample step, else `/`) is opened in headless Chromium
   until a Plotly chart is drawn; prints the time from `make run` to the first chart;
3. serving the room: `make serve-lan` in that copy, with a made-up room address (10.77.0.1 on the
   namespace's own loopback, so no packet leaves it) must print http://10.77.0.1:PORT, and a browser
   must draw the page from that address.

The copy is what a teacher carries: the files git knows (tracked, and new ones not ignored) plus
classroom-pack/. pip runs with no configuration file and no PIP_* variables, as on a plain machine.
"""

from __future__ import annotations

import argparse
import importlib.util
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACK = "classroom-pack"
CHROMIUM = os.environ.get("USJP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHART = '[data-testid="stMain"] .js-plotly-plot'
DRAWN = """() => {
  const plots = [...document.querySelectorAll('$CHART')];
  return plots.length > 0 && plots.every(p => p._fullLayout && Array.isArray(p.data) && p.data.length > 0);
}""".replace("$CHART", CHART)
ROOM_ADDRESS = "10.77.0.1"  # only ever on this namespace's loopback
FAILURES: list[str] = []


def say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


def check(ok: bool, what: str) -> None:
    say(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        FAILURES.append(what)


# -- set-up ---------------------------------------------------------------------------------------


def loopback_up() -> None:
    if shutil.which("ip"):
        subprocess.run(["ip", "link", "set", "lo", "up"], check=False)
    with socket.socket() as server:  # the python check: loopback carries a connection
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=2):
            pass


def no_network() -> bool:
    """Nothing but loopback: the namespace has no other interface, so no packet can leave it."""
    return [name for _, name in socket.if_nameindex()] == ["lo"]


def teachers_copy(target: Path, with_pack: bool) -> Path:
    """The repository as a teacher carries it: git's files (tracked and new, not ignored) [+ the pack]."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    if with_pack:
        shutil.copytree(REPO / PACK, target / PACK)
    return target


def plain_env() -> dict[str, str]:
    """A plain machine's environment: no pip configuration or package sources, no active venv."""
    drop = ("PIP_", "VIRTUAL_ENV", "PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PIP_CONFIG_FILE"] = os.devnull
    venv_bin = str(REPO / ".venv" / "bin")
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as response:
            return response.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def stop(proc: subprocess.Popen) -> None:
    """End the process group this script started (make, its shell, streamlit and the lan helper)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=15)


def story_path(copy: Path) -> tuple[str, str]:
    """The story page at its sample step (a step has a chart), else the home page."""
    spec_file = copy / "usjp" / "ui" / "nav.py"
    spec = importlib.util.spec_from_file_location("classroom_nav", spec_file)
    module = importlib.util.module_from_spec(spec)
    sys.modules["classroom_nav"] = module
    spec.loader.exec_module(module)
    for page in module.PAGES:
        if page.url_path == "story":
            return "/story", page.sample_query
    return "/", ""


def first_chart(url: str, timeout_s: float = 120) -> tuple[float | None, list[str]]:
    """Open `url` in headless Chromium: seconds until a Plotly chart is drawn (None without Chromium
    or Playwright), and the requests that failed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        say("  (Playwright is not installed for this Python: checked with the health endpoint only)")
        return None, []
    if not Path(CHROMIUM).exists():
        say(f"  ({CHROMIUM} is missing: checked with the health endpoint only)")
        return None, []
    failed: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
            started = time.perf_counter()
            page.goto(url)
            try:
                page.wait_for_selector(CHART, state="visible", timeout=timeout_s * 1000)
                page.wait_for_function(DRAWN, timeout=timeout_s * 1000)
            except Exception as exc:  # Playwright's TimeoutError, or the page went away
                shot = REPO / "artifacts" / "classroom-check-no-chart.png"
                shot.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(shot))
                text = page.locator("body").inner_text()[:600].replace("\n", " | ")
                say(
                    f"  no chart on {url}: {str(exc).splitlines()[0]}",
                    f"  the page says: {text}",
                    f"  screenshot: {shot}",
                )
                return -1.0, failed
            return time.perf_counter() - started, failed
        finally:
            browser.close()


# -- the three checks -----------------------------------------------------------------------------


def check_no_pack(work: Path) -> None:
    say("", "1. No network and no classroom pack: `make run` must stop at once and say what to do")
    copy = teachers_copy(work / "no-pack", with_pack=False)
    started = time.perf_counter()
    done = subprocess.run(
        ["make", "run", f"PORT={free_port()}"],
        cwd=copy,
        env=plain_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - started
    output = done.stdout + done.stderr
    say("  | " + "\n  | ".join(output.strip().splitlines()))
    check(done.returncode != 0, f"exits non-zero (exit {done.returncode})")
    check(seconds < 10, f"stops within 10 s ({seconds:.1f} s)")
    check("make classroom-pack" in output, "the message names `make classroom-pack`")
    check(not re.search(r"Traceback|Retrying|^ERROR:", output, re.M), "no pip traceback, retries or raw ERROR lines")
    check(not (copy / ".venv").exists(), "nothing half-installed (.venv not created)")


def check_pack(work: Path) -> Path:
    say("", "2. The classroom pack, no network: `make run` installs from it into a fresh .venv and serves")
    pack_bytes = sum(f.stat().st_size for f in (REPO / PACK / "wheels").glob("*.whl"))
    wheels = len(list((REPO / PACK / "wheels").glob("*.whl")))
    copy = teachers_copy(work / "with-pack", with_pack=True)
    port = free_port()
    log_path = work / "make-run.log"
    with log_path.open("w") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(
            ["make", "run", f"PORT={port}"],
            cwd=copy,
            env=plain_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        health_at = None
        while time.perf_counter() - started < 900 and proc.poll() is None:
            if healthy(port):
                health_at = time.perf_counter() - started
                break
            time.sleep(0.2)
        output = log_path.read_text(errors="replace")
        check(health_at is not None, f"the app answers on /_stcore/health ({health_at or 0:.0f} s after `make run`)")
        check("from the classroom pack" in output, "installed from the classroom pack")
        installed = re.search(r"Installed in (\d+) s", output)
        if health_at is None:
            say("  | " + "\n  | ".join(output.strip().splitlines()[-30:]))
            return copy
        path, query = story_path(copy)
        url = f"http://127.0.0.1:{port}{path}" + (f"?{query}" if query else "")
        load, failed = first_chart(url)
        chart_at = time.perf_counter() - started
        if load is not None:
            shown = f"{path}{'?' + query if query else ''}"
            check(load >= 0, f"a Plotly chart is drawn on {shown} ({load:.1f} s after the page was opened)")
            check(not failed, f"no request failed{': ' + ', '.join(failed[:5]) if failed else ''}")
        if load is not None and load < 0:
            say(
                "  server log (last lines):",
                *("  | " + x for x in log_path.read_text(errors="replace").splitlines()[-25:]),
            )
        say(
            "",
            f"  pack: {wheels} wheels, {pack_bytes / 1e6:.0f} MB ({pack_bytes:,} bytes)",
            f"  install from the pack: {installed.group(1) + ' s' if installed else '?'} (pip, after creating .venv)",
            f"  `make run` -> health answers: {health_at:.1f} s",
            f"  `make run` -> first chart drawn: {chart_at:.1f} s"
            + ("" if load is not None else " (no browser: health only)"),
        )
    finally:
        stop(proc)
    return copy


def check_serve_lan(copy: Path) -> None:
    say(
        "",
        f"3. `make serve-lan`: prints the room address and serves it"
        f" (made-up address {ROOM_ADDRESS}, in this namespace only)",
    )
    if not shutil.which("ip"):
        say("  (no `ip` command: skipped)")
        return
    subprocess.run(["ip", "addr", "add", f"{ROOM_ADDRESS}/32", "dev", "lo"], check=False)
    port = free_port()
    log_path = copy.parent / "serve-lan.log"
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            ["make", "serve-lan", f"PORT={port}"],
            cwd=copy,
            env=plain_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wanted = f"http://{ROOM_ADDRESS}:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and wanted not in log_path.read_text(errors="replace"):
            time.sleep(0.2)
        output = log_path.read_text(errors="replace")
        say("  | " + "\n  | ".join(line for line in output.strip().splitlines() if line.strip()))
        check(wanted in output, f"prints {wanted}")
        if wanted in output:
            load, failed = first_chart(wanted + "/")
            if load is not None:
                check(load >= 0, f"a browser at {wanted}/ draws the chart ({load:.1f} s)")
                check(not failed, f"no request failed{': ' + ', '.join(failed[:5]) if failed else ''}")
    finally:
        stop(proc)
        subprocess.run(["ip", "addr", "del", f"{ROOM_ADDRESS}/32", "dev", "lo"], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies (their path is printed)")
    args = parser.parse_args()
    loopback_up()
    if not no_network():
        say("This must run with no network (scripts/classroom_check.sh runs it inside `unshare -n`).")
        return 2
    if not (REPO / PACK / "wheels").is_dir():
        say(f"No {PACK}/ here: make classroom-pack first (on a connected machine).")
        return 2
    work = Path(tempfile.mkdtemp(prefix="usjp-classroom-"))
    say(f"Offline classroom check in {work} (network: loopback only)")
    try:
        check_no_pack(work)
        copy = check_pack(work)
        if (copy / ".venv" / "bin" / ".runtime").exists():
            check_serve_lan(copy)
    finally:
        if args.keep:
            say(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    say("", f"classroom check: {'FAILED: ' + '; '.join(FAILURES) if FAILURES else 'all passed'}")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
