"""AppTest helpers: run the real app.py, read the figure a page drew."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def figure_of(at: AppTest, index: int = 0) -> dict:
    """The Plotly figure of the page's index-th chart, with binary arrays decoded to lists."""
    spec = json.loads(at.get("plotly_chart")[index].proto.spec)

    def decode(node):
        if isinstance(node, dict):
            if "bdata" in node and "dtype" in node:
                return np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).tolist()
            return {k: decode(v) for k, v in node.items()}
        if isinstance(node, list):
            return [decode(v) for v in node]
        return node

    return decode(spec)


@pytest.fixture
def app() -> AppTest:
    """The app, not yet run: set query_params/secrets first, then .run()."""
    return AppTest.from_file(APP, default_timeout=60)
