"""Shared fixtures: an isolated copy of the data folder, paths to the real raw data and samples."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RAW = SHARED / "data" / "raw"
SAMPLES = SHARED / "data" / "samples"


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
    """The verified raw market files in ../shared/data/raw (skips when shared/ is absent)."""
    if not RAW.exists():
        pytest.skip("../shared/data/raw is not beside the repo")
    return RAW


@pytest.fixture
def samples() -> Path:
    """Real source-format samples in ../shared/data/samples."""
    if not SAMPLES.exists():
        pytest.skip("../shared/data/samples is not beside the repo")
    return SAMPLES
