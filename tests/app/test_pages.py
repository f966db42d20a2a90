"""Every page in usjp.ui.nav.PAGES through AppTest: registered, draws, accepts its own sample link.

`run_page` and `widget_values` are shared with test_security.py and test_query_fuzz.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from usjp.ui.nav import PAGES, PageSpec


def page_id(spec: PageSpec) -> str:
    return spec.url_path or "home"


def query_dict(query: str) -> dict[str, str | list[str]]:
    """A query string as AppTest wants it: one value -> str, repeated keys -> list."""
    parsed = parse_qs(query, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def run_page(spec: PageSpec, params: dict | None = None, secrets: dict | None = None) -> AppTest:
    """A fresh session opened at the page with these query parameters (AppTest needs one run of the
    home page before it can switch to another)."""
    at = AppTest.from_file(APP, default_timeout=60)
    if secrets:
        at.secrets.update(secrets)
    if spec.url_path:
        at.run()
        at.switch_page(spec.script)
    at.query_params.clear()
    at.query_params.update(params or {})
    return at.run()


def walk(node):
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


def warnings(at: AppTest) -> list[str]:
    """Warning texts as the reader sees them (notices are markdown-escaped: drop the backslashes)."""
    return [re.sub(r"\\(.)", r"\1", str(w.value)) for w in at.warning]


def new_warnings(at: AppTest, baseline: AppTest) -> list[str]:
    """Warnings on `at` that `baseline` (the same view reached from a clean link) does not show: the
    notices about what the link got wrong. Content warnings (e.g. confounded events) cancel out."""
    left = warnings(baseline)
    out = []
    for text in warnings(at):
        if text in left:
            left.remove(text)
        else:
            out.append(text)
    return out


def test_the_app_registers_exactly_the_pages_in_the_registry():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    registered = sorted(info.get("url_pathname", "") for info in at._registered_pages.values())
    assert registered == sorted(p.url_path for p in PAGES)


@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_page_runs_with_no_parameters(spec):
    at = run_page(spec)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert bool(at.get("plotly_chart")) == spec.has_chart


@pytest.mark.parametrize("spec", [p for p in PAGES if p.sample_query], ids=page_id)
def test_sample_link_is_accepted_and_round_trips(spec):
    """The sample link is valid (no notices) and the URL the page writes back reproduces the view."""
    at = run_page(spec, query_dict(spec.sample_query))
    assert not at.exception, at.exception
    again = run_page(spec, dict(at.query_params))
    assert widget_values(again) == widget_values(at)
    assert not new_warnings(at, again), new_warnings(at, again)
    assert widget_values(at) != widget_values(run_page(spec)), "the sample link changed nothing"
