"""Where things live on disk: the one place that knows the repository's layout.

Everything else asks here (the data layer's sources/ excepted: it imports nothing of ours, see
usjp/data/sources/net.py). `USJP_DATA_DIR` moves the data folder (the tests use it).
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DOCS_DIR = REPO_ROOT / "docs"


def data_dir() -> Path:
    """The data folder: `USJP_DATA_DIR` if set, else the repo's `data/`."""
    return Path(os.environ.get("USJP_DATA_DIR", REPO_ROOT / "data"))


def snapshot_dir() -> Path:
    """The committed snapshot: data/market/."""
    return data_dir() / "market"


def cache_dir() -> Path:
    """Live refreshes and local imports (gitignored): data/cache/."""
    return data_dir() / "cache"


def events_path() -> Path:
    """The curated timeline: data/events.yaml."""
    return data_dir() / "events.yaml"


def stories_dir() -> Path:
    """Classroom stories, one YAML file each: data/stories/."""
    return data_dir() / "stories"


def secrets_path() -> Path:
    """Streamlit's secrets file (gitignored), also read by the command line for FRED_API_KEY."""
    return REPO_ROOT / ".streamlit" / "secrets.toml"


def method_path() -> Path:
    """The event-window method, shown on the Event study page and linked from the README."""
    return DOCS_DIR / "method.md"
