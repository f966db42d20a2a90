"""Helpers shared by the AppTest suite (tests/app) and the browser suite (tests/e2e)."""

from __future__ import annotations

import os
from pathlib import Path

from usjp.ui.nav import PageSpec

REPO = Path(__file__).resolve().parents[1]
# In CI a missing browser is a failure (not a skip), and hypothesis replays the same examples.
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def page_id(spec: PageSpec) -> str:
    """A page's name in test ids and artifact file names: its URL path, "home" for the root page."""
    return spec.url_path or "home"
