"""Shared fixtures: an isolated copy of the data folder, the vendored source files in tests/fixtures,
and the network stand-ins `online` / `offline` (defined in tests/live_support.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.live_support import offline, online  # noqa: F401 (fixtures for every test)
from tests.support import REPO

# Tests start the export renderer only when they export (the app starts it in the background after a
# timeline page is sent; AppTest runs and test servers would each start a browser for nothing).
os.environ.setdefault("USJP_EXPORT_PREWARM", "0")

FIXTURES = Path(__file__).resolve().parent / "fixtures"  # what each file is and where it came from: README.md


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-network", action="store_true", help="run tests that need the real internet")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--run-network"):
        return
    skip = pytest.mark.skip(reason="needs the network; pass --run-network")
    for item in items:
        if "network" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of data/ (events + snapshot, no cache) that the code under test reads and writes."""
    target = tmp_path / "data"
    shutil.copytree(REPO / "data", target, ignore=shutil.ignore_patterns("cache", ".lock"))
    monkeypatch.setenv("USJP_DATA_DIR", str(target))
    return target


@pytest.fixture
def raw() -> Path:
    """Whole-history market files as a user would import them (tests/fixtures/raw)."""
    return FIXTURES / "raw"


@pytest.fixture
def samples() -> Path:
    """Files in each source's own formats, as its servers or libraries write them (tests/fixtures/samples)."""
    return FIXTURES / "samples"
