"""AppTest helpers shared by the tests in tests/app: open a page of the real app.py with a query string,
and read what it drew (widget values, warnings, the Plotly figure)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator, Mapping
from urllib.parse import parse_qs

import numpy as np
from streamlit.testing.v1 import AppTest

from tests.support import REPO, page_id
from usjp.ui.keys import SCALED_CHART as SCALED
from usjp.ui.nav import PAGES, PageSpec

__all__ = [
    "APP",
    "HOME",
    "chart_specs",
    "figure_of",
    "new_warnings",
    "open_page",
    "page_id",
    "query_dict",
    "scaled_charts",
    "spec_of",
    "walk",
    "warning_texts",
    "widget_values",
]

APP = str(REPO / "app.py")
HOME = next(p for p in PAGES if not p.url_path)


def spec_of(page: PageSpec | str) -> PageSpec:
    """A page of the registry, by its spec, its script ("pages/sources.py") or its URL path ("sources")."""
    if isinstance(page, PageSpec):
        return page
    return next(p for p in PAGES if page in (p.script, p.url_path))


def query_dict(query: str) -> dict[str, str | list[str]]:
    """A query string as AppTest wants it: one value -> str, repeated keys -> list."""
    parsed = parse_qs(query, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def open_page(
    page: PageSpec | str = HOME,
    params: Mapping[str, str | list[str]] | None = None,
    *,
    secrets: Mapping[str, str] | None = None,
) -> AppTest:
    """A fresh session of app.py opened at `page` with these query parameters, run once.

    AppTest needs one run of the home page before it can switch to another; the query string is set
    after that run, so the page sees exactly `params`, as from a pasted link.
    """
    spec = spec_of(page)
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets.update(secrets)
    if spec.url_path:
        at.run()
        at.switch_page(spec.script)
    at.query_params.clear()
    at.query_params.update(params or {})
    return at.run()


def walk(node) -> Iterator:
    """Every node of an AppTest element tree."""
    yield node
    children = getattr(node, "children", None)
    for child in children.values() if isinstance(children, dict) else children or []:
        yield from walk(child)


def widget_values(at: AppTest) -> dict[str, object]:
    """Keyed widgets -> their values (what a link must reproduce)."""
    out = {}
    for node in walk(at._tree):
        key = getattr(node, "key", None)
        if key and hasattr(node, "value") and node.type not in ("button", "download_button"):
            value = node.value
            out[key] = list(value) if isinstance(value, list | tuple) else value
    return out


def warning_texts(at: AppTest) -> list[str]:
    """Warning texts as the reader sees them: notices are markdown-escaped, so the escapes are removed."""
    return [re.sub(r"\\(.)", r"\1", str(w.value)) for w in at.warning]


def new_warnings(at: AppTest, baseline: AppTest) -> list[str]:
    """Warnings on `at` that `baseline` (the same view reached from a clean link) does not show: the
    notices about what the link got wrong. Content warnings (e.g. confounded events) cancel out."""
    left = warning_texts(baseline)
    out = []
    for text in warning_texts(at):
        if text in left:
            left.remove(text)
        else:
            out.append(text)
    return out


def scaled_charts(at: AppTest) -> list[dict]:
    """The data of the page's charts drawn with their scales (ui/chart.show_scales): figures, shown, ..."""
    return [
        json.loads(node.proto.json)
        for node in walk(at.main)
        if node.type == "bidi_component" and node.proto.component_name == SCALED
    ]


def chart_specs(at: AppTest) -> list[str]:
    """The JSON of the page's charts (the main area's, not the sidebar's hidden blank one that loads the
    chart code), in order: st.plotly_chart's spec, or for a chart drawn with its scales the figure of the
    scale shown."""
    out = []
    for node in walk(at.main):
        if node.type == "plotly_chart":
            out.append(node.proto.spec)
        elif node.type == "bidi_component" and node.proto.component_name == SCALED:
            data = json.loads(node.proto.json)
            out.append(data["figures"][data["shown"]])
    return out


def figure_of(at: AppTest, index: int = 0) -> dict:
    """The Plotly figure of the page's index-th chart, with binary arrays decoded to lists."""
    spec = json.loads(chart_specs(at)[index])

    def decode(node):
        if isinstance(node, dict):
            if "bdata" in node and "dtype" in node:
                return np.frombuffer(base64.b64decode(node["bdata"]), dtype=node["dtype"]).tolist()
            return {k: decode(v) for k, v in node.items()}
        if isinstance(node, list):
            return [decode(v) for v in node]
        return node

    return decode(spec)
