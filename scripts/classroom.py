#!/usr/bin/env python3
"""The classroom set-up: an install that needs no network, and serving to the room's network.

    python3 scripts/classroom.py pack [--out classroom-pack]   # make classroom-pack (needs the internet)
    python3 scripts/classroom.py install [--venv .venv]        # make run's install: the pack, else the index
    python3 scripts/classroom.py lan --port 8501 [--wait]      # make serve-lan: the addresses students type

The pack is the runtime wheels of requirements.txt (not the test tools) in classroom-pack/wheels/,
with classroom-pack/PACK.txt saying what it is for: wheels only install on the same operating
system, CPU architecture and Python version as the machine that built them.

Standard library only, and careful with old Pythons: `install` runs with the system Python,
before the virtual environment exists.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACK = "classroom-pack"
WHEELHOUSE = "wheelhouse"  # the developers' older folder: requirements-dev.txt, made by `make wheelhouse`
MANIFEST = "PACK.txt"
MIN_PYTHON = (3, 11)
PROBE_SECONDS = 5


def say(*lines: str) -> None:
    print("\n".join(lines), flush=True)


# -- what this machine is -------------------------------------------------------------------------


def machine_key() -> str:
    """What a set of wheels is tied to: Python implementation and version, OS, CPU, C library."""
    impl = sys.implementation.name
    libc = (platform.libc_ver()[0] or "-") if sys.platform.startswith("linux") else "-"
    return f"{impl}-{sys.version_info[0]}.{sys.version_info[1]}-{sys.platform}-{platform.machine().lower()}-{libc}"


def describe_key(key: str) -> str:
    """'cpython-3.11-linux-x86_64-glibc' -> 'CPython 3.11 on linux x86_64 (glibc)'."""
    parts = key.split("-")
    if len(parts) != 5:
        return key
    impl, version, os_name, machine, libc = parts
    name = {"cpython": "CPython", "pypy": "PyPy"}.get(impl, impl)
    return f"{name} {version} on {os_name} {machine}" + (f" ({libc})" if libc != "-" else "")


def os_description() -> str:
    try:
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                return line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}"


def platform_tag() -> str:
    """The most specific wheel platform tag this interpreter accepts (as pip sees it)."""
    for module in ("packaging.tags", "pip._vendor.packaging.tags"):  # wherever pip is, but not guaranteed
        try:
            from importlib import import_module

            return str(next(iter(import_module(module).sys_tags())))
        except Exception:
            continue
    else:
        import sysconfig

        impl = "cp" if sys.implementation.name == "cpython" else sys.implementation.name
        plat = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        return f"{impl}{sys.version_info[0]}{sys.version_info[1]}-{plat}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def human(size: int) -> str:
    return f"{size / 1e6:.0f} MB" if size >= 10e6 else f"{size / 1e6:.1f} MB"


# -- the pack's manifest --------------------------------------------------------------------------


def write_manifest(pack: Path, requirements: Path) -> str:
    wheels = sorted((pack / "wheels").glob("*.whl"))
    total = sum(w.stat().st_size for w in wheels)
    key = machine_key()
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    width = max((len(w.name) for w in wheels), default=10)
    lines = [
        "Classroom pack: the app's runtime packages (requirements.txt) as wheels, for installing with no network.",
        "",
        f"works only on: {describe_key(key)}: the same operating system, CPU architecture and Python version",
        "               as the machine that built it. For another kind of machine, build a pack on one like it.",
        f"built: {stamp}",
        f"built on: {os_description()}",
        f"python: {platform.python_implementation()} {platform.python_version()}",
        f"platform tag: {platform_tag()}",
        f"machine key: {key}",
        f"requirements.txt sha256: {sha256(requirements)}",
        f"wheels: {len(wheels)}",
        f"total size: {human(total)} ({total:,} bytes)",
        "",
        "Use: copy the repository folder with this classroom-pack/ folder in it (leave out .venv/),",
        "then run `make run` there: it installs from wheels/ with pip --no-index, so no network is used.",
        "",
        "files:",
        *(f"  {w.name:<{width}}  {w.stat().st_size:>12,}" for w in wheels),
        "",
    ]
    (pack / MANIFEST).write_text("\n".join(lines), encoding="utf-8")
    return f"{len(wheels)} wheels, {human(total)}, for {describe_key(key)}"


def read_manifest(pack: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    try:
        text = (pack / MANIFEST).read_text(encoding="utf-8")
    except OSError:
        return fields
    for line in text.splitlines():
        match = re.match(r"^([a-z][a-z0-9. ]*[a-z0-9]): (.*)$", line)
        if match:
            fields.setdefault(match.group(1), match.group(2).strip())
    return fields


# -- pip ------------------------------------------------------------------------------------------


def has_pip(python: str) -> bool:
    try:
        done = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def strict_pip_env() -> dict[str, str]:
    """pip with no configuration file and no extra package sources: sees only what it is told to."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def index_reachable(python: str) -> bool:
    """Can pip, as configured on this machine (index, mirrors, proxy), find a package right now?

    Asks pip itself, with one retry; where this Python has no pip, tries a TCP connection to
    the index (or the HTTPS proxy). Offline this answers within a few seconds, where a plain
    `pip install` retries for about 12 s and then prints a page of errors.
    """
    if has_pip(python):
        cmd = [python, "-m", "pip", "index", "versions", "streamlit", "--retries", "1", "--timeout", str(PROBE_SECONDS)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=4 * PROBE_SECONDS)
        except subprocess.TimeoutExpired:
            return False
        if done.returncode == 0:
            return True
        if "unknown command" not in (done.stderr + done.stdout):  # pip older than 21.2 has no `pip index`
            return False
    url = os.environ.get("https_proxy") or os.environ.get("HTTPS_PROXY") or os.environ.get("PIP_INDEX_URL")
    parts = urllib.parse.urlsplit(url or "https://pypi.org/simple/")
    if parts.scheme == "file":
        return True
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        with socket.create_connection((parts.hostname or "", port), timeout=PROBE_SECONDS):
            return True
    except (OSError, ValueError):
        return False


# -- pack -----------------------------------------------------------------------------------------


def pip_for_pack(python: str, scratch: Path) -> list[str]:
    """A pip for this Python: its own, or one in a throwaway environment (Debian's python3 may have none)."""
    if has_pip(python):
        return [python, "-m", "pip"]
    subprocess.run([python, "-m", "venv", str(scratch / "venv")], check=True)
    return [str(scratch / "venv" / "bin" / "python"), "-m", "pip"]


def cmd_pack(args: argparse.Namespace) -> int:
    root = Path(args.root)
    pack = root / args.out
    requirements = root / args.requirements
    wheels = pack / "wheels"
    partial = pack / "wheels.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    say(f"Building the classroom pack: the wheels of {args.requirements} into {args.out}/wheels/ (about 160 MB) ...")
    with tempfile.TemporaryDirectory() as scratch:
        pip = pip_for_pack(sys.executable, Path(scratch))
        # `pip wheel`, not `pip download`: a package published only as source is built into a wheel here,
        # so the classroom machine needs no compiler and no build tools from the internet.
        built = subprocess.run([*pip, "wheel", "-q", "--wheel-dir", str(partial), "-r", str(requirements)])
        if built.returncode != 0:
            shutil.rmtree(partial, ignore_errors=True)
            say(
                "",
                "make classroom-pack: could not get every package (see pip's message above).",
                "Building the pack needs the internet; on the classroom machine, copy a pack built elsewhere.",
            )
            return 1
        # Prove the folder alone is enough: resolve requirements.txt from it with no index and no pip config.
        check = subprocess.run(
            [
                *pip,
                "install",
                "-q",
                "--dry-run",
                "--ignore-installed",
                "--no-index",
                "--find-links",
                str(partial),
                "-r",
                str(requirements),
            ],
            env=strict_pip_env(),
        )
    if check.returncode != 0:
        say("make classroom-pack: the wheels downloaded do not cover requirements.txt on their own (see above).")
        return 1
    shutil.rmtree(wheels, ignore_errors=True)
    partial.rename(wheels)
    summary = write_manifest(pack, requirements)
    say(
        f"Classroom pack ready: {args.out}/wheels/, {summary}.",
        f"It works only on machines of that kind (see {args.out}/{MANIFEST}).",
        f"Copy this folder with {args.out}/ in it (leave out .venv/) to the classroom machine;",
        "run `make run` there.",
    )
    return 0


# -- install --------------------------------------------------------------------------------------


def offline_message(notes: list[str]) -> str:
    return "\n".join(
        [
            "",
            *notes,
            "Cannot install the app's packages: there is no network here, and no classroom pack.",
            "  1. On a machine with internet and the same OS, CPU type and Python version as this one,",
            "     in this folder: make classroom-pack      (downloads about 160 MB into classroom-pack/)",
            "  2. Copy the folder with classroom-pack/ in it (leave out .venv/) to this machine.",
            "  3. Here: make run      (installs from the pack, no network needed)",
            "Or connect this machine to the internet and run `make run` again. See README.md, 'For teachers'.",
            "",
        ]
    )


def choose_source(
    root: Path, pack_name: str, wheelhouse_name: str, requirements: Path
) -> tuple[list[str], str, list[str]]:
    """(pip's source arguments, where from in words, notes for the user). [] = the package index."""
    notes: list[str] = []
    pack = root / pack_name
    if any((pack / "wheels").glob("*.whl")):
        fields = read_manifest(pack)
        built_for = fields.get("machine key", "")
        if built_for and built_for != machine_key():
            notes.append(
                f"Not using {pack_name}/: it was built for {describe_key(built_for)}, "
                f"and this machine is {describe_key(machine_key())}."
            )
        else:
            if fields.get("requirements.txt sha256") not in (None, sha256(requirements)):
                notes.append(
                    f"Note: requirements.txt has changed since {pack_name}/ was built; "
                    "if the install fails, build the pack again (make classroom-pack)."
                )
            return ["--no-index", "--find-links", f"{pack_name}/wheels"], f"the classroom pack ({pack_name}/)", notes
    if any((root / wheelhouse_name).glob("*.whl")):
        return ["--no-index", "--find-links", wheelhouse_name], f"{wheelhouse_name}/", notes
    return [], "the package index (internet)", notes


def cmd_install(args: argparse.Namespace) -> int:
    root = Path(args.root)
    requirements = root / args.requirements
    if sys.version_info[:2] < MIN_PYTHON:
        say(
            f"This app needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer;"
            f" {sys.executable} is {platform.python_version()}."
        )
        say("Install a newer Python, or run with one: make run PY=python3.12")
        return 2
    source, where, notes = choose_source(root, args.pack, args.wheelhouse, requirements)
    if args.plan:
        say(*notes, "source: " + (" ".join(source) or "index"))
        return 0
    if not source and not index_reachable(sys.executable):
        say(offline_message(notes))
        return 2
    if notes:
        say(*notes)
    venv = root / args.venv
    python = venv / "bin" / "python"
    if not python.exists():
        say(f"Creating {args.venv}/ ...")
        made = subprocess.run([sys.executable, "-m", "venv", str(venv)])
        if made.returncode != 0:
            say(f"Could not create {args.venv}/ (on Debian/Ubuntu: apt-get install python3-venv).")
            return made.returncode
    say(f"Installing the app's packages from {where} (a minute or two the first time) ...")
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        done = subprocess.run(
            [
                str(python),
                "-m",
                "pip",
                "install",
                "-q",
                "--disable-pip-version-check",
                *source,
                "-r",
                str(requirements),
            ],
            cwd=root,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.seek(0)
        output = log.read()
    if done.returncode == 0:
        say(f"Installed in {time.monotonic() - started:.0f} s.")
        return 0
    if source and args.pack in source[-1]:
        say(
            output.strip()[-2000:],
            "",
            f"The classroom pack in {args.pack}/ does not fit this machine or this requirements.txt"
            " (pip's reason above).",
            "Build it again on a connected machine like this one (make classroom-pack);"
            f" {args.pack}/{MANIFEST} says what it was built for.",
        )
        return 2
    if not source and not index_reachable(sys.executable):
        say(offline_message(["The network went away during the install."]))
        return 2
    say(output.strip()[-4000:])
    return done.returncode


# -- lan ------------------------------------------------------------------------------------------


def parse_ip_addr(text: str) -> list[str]:
    """IPv4 addresses from `ip -4 -o addr` or `ifconfig` output, minus loopback and link-local."""
    found = re.findall(r"\binet (?:addr:)?(\d{1,3}(?:\.\d{1,3}){3})", text)
    return [a for a in dict.fromkeys(found) if not a.startswith(("127.", "169.254.", "0."))]


def lan_addresses() -> list[str]:
    for cmd in (["ip", "-4", "-o", "addr", "show", "scope", "global", "up"], ["ifconfig"], ["hostname", "-I"]):
        if not shutil.which(cmd[0]):
            continue
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.TimeoutExpired):
            continue
        if cmd[0] == "hostname":
            out = " ".join(f"inet {a}" for a in out.split())
        addresses = parse_ip_addr(out)
        if addresses:
            return addresses
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return []
    return parse_ip_addr(" ".join(f"inet {info[4][0]}" for info in infos))


def lan_message(host: str, port: int) -> str:
    addresses = [host] if host not in ("0.0.0.0", "", "::") else lan_addresses()
    if not addresses:
        return "\n".join(
            [
                "",
                f"  Serving on port {port}, but this machine has no network address:"
                " is it connected to the room's network?",
                f"  On this machine itself: http://127.0.0.1:{port}",
                "",
            ]
        )
    return "\n".join(
        [
            "",
            "  Students open this address in their browsers (same Wi-Fi or network as this machine):",
            "",
            *(f"      http://{a}:{port}" for a in addresses),
            "",
            f"  On this machine itself: http://127.0.0.1:{port}. Stop with Ctrl-C.",
            f"  If no student gets through, the firewall blocks port {port}: README.md, 'For teachers'.",
            "",
        ]
    )


def cmd_lan(args: argparse.Namespace) -> int:
    if args.wait:
        parent = os.getppid()  # started as `lan --wait & exec streamlit ...`: the parent is the server
        deadline = time.monotonic() + args.wait
        health = f"http://127.0.0.1:{args.port}/_stcore/health"
        while time.monotonic() < deadline:
            if os.getppid() != parent:
                return 0  # the server ended before it answered: it has said why
            try:
                with urllib.request.urlopen(health, timeout=1) as response:
                    if response.read().strip() == b"ok":
                        break
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.25)
    say(lan_message(args.host, args.port))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=str(REPO), help="the repository folder (default: this script's)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pack", help="download the runtime wheels into the classroom pack (needs the internet)")
    p.add_argument("--out", default=PACK)
    p.add_argument("--requirements", default="requirements.txt")
    p.set_defaults(run=cmd_pack)
    p = sub.add_parser("install", help="create the venv and install requirements.txt: from the pack when it is here")
    p.add_argument("--venv", default=".venv")
    p.add_argument("--pack", default=PACK)
    p.add_argument("--wheelhouse", default=WHEELHOUSE)
    p.add_argument("--requirements", default="requirements.txt")
    p.add_argument("--plan", action="store_true", help="only say where the packages would come from")
    p.set_defaults(run=cmd_install)
    p = sub.add_parser("lan", help="print the addresses students type")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--host", default="0.0.0.0")
    p.add_argument("--wait", type=float, default=0, help="first wait up to this many seconds for the server")
    p.set_defaults(run=cmd_lan)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
