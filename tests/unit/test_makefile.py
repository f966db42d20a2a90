"""The classroom set-up in the Makefile and scripts/classroom.py, without installing anything:
where `make run` installs from (the classroom pack first), what it says with no network and no pack,
which address it serves, and the pack's manifest. The full offline install is `make classroom-check`."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support import REPO

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")

spec = importlib.util.spec_from_file_location("classroom", REPO / "scripts" / "classroom.py")
classroom = importlib.util.module_from_spec(spec)
spec.loader.exec_module(classroom)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The Makefile, the requirements and scripts/classroom.py in a folder of their own."""
    for name in ("Makefile", "requirements.txt", "requirements-dev.txt", "scripts/classroom.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, tmp_path / name)
    return tmp_path


def installed(repo: Path) -> None:
    """Pretend the runtime install is done (newer than requirements.txt), so make goes straight to serving."""
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / ".runtime").touch()


def offline_env() -> dict[str, str]:
    """A pip that fails like an offline one: no config, no extra sources, an index nobody answers (port 9)."""
    drop = ("PIP_", "MAKEFLAGS", "MFLAGS", "MAKELEVEL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env |= {"PIP_CONFIG_FILE": os.devnull, "PIP_INDEX_URL": "http://127.0.0.1:9/simple/"}
    return env


def make(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(repo), f"PY={sys.executable}", *args],
        capture_output=True,
        text=True,
        env=env or offline_env(),
        timeout=120,
    )


def fake_pack(repo: Path, key: str) -> None:
    wheels = repo / "classroom-pack" / "wheels"
    wheels.mkdir(parents=True)
    (wheels / "demo-1.0-py3-none-any.whl").write_bytes(b"PK" + b"\0" * 1000)
    classroom.write_manifest(repo / "classroom-pack", repo / "requirements.txt")
    text = (repo / "classroom-pack" / "PACK.txt").read_text()
    (repo / "classroom-pack" / "PACK.txt").write_text(text.replace(classroom.machine_key(), key))


def plan(repo: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(repo / "scripts" / "classroom.py"), "--root", str(repo), "install", "--plan"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_run_serves_this_machine_only_by_default(repo):
    installed(repo)
    out = make(repo, "-n", "run").stdout
    assert "--server.address 127.0.0.1" in out
    assert "classroom.py lan" not in out


@pytest.mark.parametrize("args", [("serve-lan",), ("run", "HOST=0.0.0.0")])
def test_serve_lan_listens_on_every_address_and_prints_them(repo, args):
    installed(repo)
    out = make(repo, "-n", *args, "PORT=9123").stdout
    assert "--server.address 0.0.0.0" in out
    assert "classroom.py lan --host 0.0.0.0 --port 9123 --wait" in out
    assert "--server.port 9123" in out


def test_run_installs_through_the_classroom_script(repo):
    out = make(repo, "-n", "run").stdout
    assert "scripts/classroom.py install" in out


def test_the_pack_comes_first_then_the_wheelhouse_then_the_index(repo):
    assert plan(repo).strip().endswith("source: index")
    (repo / "wheelhouse").mkdir()
    (repo / "wheelhouse" / "demo-1.0-py3-none-any.whl").write_bytes(b"PK")
    assert "source: --no-index --find-links wheelhouse" in plan(repo)
    fake_pack(repo, classroom.machine_key())
    assert "source: --no-index --find-links classroom-pack/wheels" in plan(repo)


def test_a_pack_for_another_kind_of_machine_is_not_used_and_says_why(repo):
    fake_pack(repo, "cpython-3.99-plan9-mips-glibc")
    out = plan(repo)
    assert "source: index" in out
    assert "built for CPython 3.99 on plan9 mips" in out


def test_no_network_and_no_pack_stops_at_once_with_what_to_do(repo):
    started = time.monotonic()
    done = make(repo, "run")
    seconds = time.monotonic() - started
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert seconds < 15, f"took {seconds:.1f} s"
    assert "no network here, and no classroom pack" in output
    assert "make classroom-pack" in output
    for raw in ("Traceback", "Retrying", "ERROR:", "NewConnectionError"):
        assert raw not in output, output
    assert not (repo / ".venv").exists(), "nothing half-installed"


def test_no_network_and_a_pack_for_another_machine_says_both(repo):
    fake_pack(repo, "cpython-3.99-plan9-mips-glibc")
    done = make(repo, "run")
    assert done.returncode != 0
    assert "Not using classroom-pack/: it was built for CPython 3.99" in done.stdout
    assert "make classroom-pack" in done.stdout


def test_the_manifest_says_what_the_pack_is_for(repo):
    fake_pack(repo, classroom.machine_key())
    text = (repo / "classroom-pack" / "PACK.txt").read_text()
    fields = classroom.read_manifest(repo / "classroom-pack")
    assert fields["machine key"] == classroom.machine_key()
    assert fields["wheels"] == "1"
    assert fields["python"].endswith(".".join(map(str, sys.version_info[:3])))
    assert fields["platform tag"] and fields["built"] and fields["total size"]
    assert "same operating system, CPU architecture and Python version" in text
    assert "demo-1.0-py3-none-any.whl" in text


def test_lan_addresses_leave_out_loopback_and_link_local():
    ip = (
        "1: lo    inet 127.0.0.1/8 scope host lo\n"
        "2: wlan0    inet 192.168.1.23/24 brd 192.168.1.255 scope global dynamic wlan0\n"
        "3: eth0    inet 10.0.0.5/8 scope global eth0\n"
        "4: eth1    inet 169.254.3.4/16 scope link eth1\n"
    )
    assert classroom.parse_ip_addr(ip) == ["192.168.1.23", "10.0.0.5"]
    mac = "lo0: flags=8049\n\tinet 127.0.0.1 netmask 0xff000000\nen0: flags=8863\n\tinet 172.16.4.9 netmask 0xffff0000"
    assert classroom.parse_ip_addr(mac) == ["172.16.4.9"]
    assert "http://10.0.0.5:8501" in classroom.lan_message("10.0.0.5", 8501)


def test_the_pack_is_not_committed():
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git checkout")
    done = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "classroom-pack/wheels/x.whl"])
    assert done.returncode == 0
