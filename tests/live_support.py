"""Shared helpers for the live-data tests: a fake network that answers the probe (the `online` and
`offline` fixtures, which tests/conftest.py makes available to every test: no test imports them), and
checksums of every stored file (to prove a failed refresh changed nothing)."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from usjp.data.sources import net


def digest_tree(root: Path) -> dict[str, str]:
    """sha256 of every file under `root` (the lock file, empty and not data, aside)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


class _Conn:
    def close(self) -> None:
        pass


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connectivity probe succeeds (no real connection is made); downloads are faked per test."""
    monkeypatch.setattr(net, "_connect", lambda address, timeout: _Conn())


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every host fails DNS, as on a machine without a network (whatever this machine has)."""

    def fail(address, timeout):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(net, "_connect", fail)
