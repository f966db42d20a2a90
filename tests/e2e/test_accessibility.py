"""The accessibility audit: axe-core (bundled by axe-playwright-python, never from a CDN) on every page in
PAGES, default view and deep link, desktop and phone, light and dark.

No critical or serious violation may remain (nor a moderate one of the rules in KEPT), except the few
inside Streamlit's or Plotly's own markup that the app cannot change, listed with their upstream issue in
tests/e2e/axe_allowlist.py. Other moderate and minor ones are listed as warnings in the test output (and in
artifacts/a11y/), so they are seen.

Each run also checks what axe cannot: the page follows the reader's colour scheme (dark background in
dark mode) and its charts follow it too; every page has its own browser tab title.
"""

from __future__ import annotations

import json
import warnings

import pytest

from tests.e2e import harness
from tests.e2e.axe_allowlist import ALLOWED, allowed
from tests.e2e.support import page_id
from usjp.figures import colour, palette
from usjp.ui.nav import PAGES, tab_title

pytestmark = pytest.mark.e2e

SIZES = {"desktop": harness.DESKTOP, "phone": harness.PHONE}
BLOCKING = ("critical", "serious")
# Moderate rules the app once broke and now keeps: a screen reader's outline of headings (h1, then h2
# sections, then h3) without skipped levels.
KEPT = ("heading-order",)
REPORT = harness.ARTIFACTS / "a11y"

# The background of the page and of each chart drawn on it, as the browser computed them.
BACKGROUNDS = """() => ({
  page: getComputedStyle(document.querySelector('[data-testid="stApp"]')).backgroundColor,
  charts: [...document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot')]
    .map((p) => p._fullLayout && p._fullLayout.paper_bgcolor),
})"""


class AccessibilityNotice(UserWarning):
    """A moderate or minor axe finding: listed in the test output, not a failure."""


def _luminance(css: str) -> float:
    """Relative luminance of a colour as the browser ("rgb(r, g, b)") or Plotly ("#rrggbb", "white") gives it."""
    return colour.luminance(palette.rgba_parts(css)[0])


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def _views(spec):
    yield "default", ""
    if spec.sample_query:
        yield "deep", spec.sample_query


CASES = [
    pytest.param(spec, view, query, id=f"{page_id(spec)}-{view}") for spec in PAGES for view, query in _views(spec)
]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize(("spec", "view", "query"), CASES)
def test_axe_clean(browser, server, axe, spec, view, query, size, scheme):
    context = browser.new_context(**SIZES[size], color_scheme=scheme)
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        watch = harness.ConsoleWatch().attach(page)
        page.goto(server.url(spec.url_path, query))
        harness.wait_ready(page, spec.has_chart)
        if page.locator(harness.CHART).count():  # a deep link can draw a chart on a page that has none by default
            page.wait_for_function(harness.CHARTS_DRAWN, timeout=45_000)
        harness.raise_on_exception(page)
        results = axe.run(page).response
        shown = page.evaluate(BACKGROUNDS)
        title = page.title()
    finally:
        context.close()

    found = [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "target": n["target"], "html": n["html"][:200]}
        for v in results["violations"]
        for n in v["nodes"]
    ]
    name = f"{page_id(spec)}-{view}-{size}-{scheme}"
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{name}.json").write_text(json.dumps(found, indent=1))
    blocking = [f for f in found if (f["impact"] in BLOCKING or f["rule"] in KEPT) and not allowed(f)]
    for f in found:
        if f not in blocking:
            notice = f"{name}: {f['impact']} {f['rule']} ({f['help']}) at {f['target']}"
            warnings.warn(notice, AccessibilityNotice, stacklevel=1)
    assert not blocking, f"{name}: critical/serious accessibility violations:\n" + "\n".join(
        f"  {f['impact']} {f['rule']}: {f['help']}\n    at {f['target']}\n    {f['html']}" for f in blocking
    )
    assert not watch.errors, f"browser console errors: {watch.errors}"

    assert title == tab_title(spec.title), f"browser tab title {title!r}"
    dark_page = _luminance(shown["page"]) < 0.05
    assert dark_page == (scheme == "dark"), f"{scheme} reader, page background {shown['page']}"
    for chart in shown["charts"]:
        assert (_luminance(chart) < 0.05) == (scheme == "dark"), f"{scheme} page with a chart on {chart}"


def test_allowlist_is_short_and_sourced():
    """Every allowed violation names the rule, where it is, and the upstream issue that tracks it."""
    assert len(ALLOWED) <= 5
    for entry in ALLOWED:
        assert entry.upstream.startswith("https://github.com/"), entry
        assert entry.rule and entry.where and entry.why, entry


def test_theme_toggle(browser, server):
    """A reader on a light device picks Dark in the sidebar: the page and its chart turn dark, the choice
    is in the address (a link keeps it), and Device goes back to the device's setting."""
    context = browser.new_context(**harness.DESKTOP, color_scheme="light")
    context.set_default_timeout(30_000)
    try:
        page = context.new_page()
        watch = harness.ConsoleWatch().attach(page)
        page.goto(server.url(""))
        harness.wait_ready(page, True)
        theme = page.get_by_role("group", name="Colour theme")
        assert theme.get_by_role("button", name="Device").get_attribute("aria-pressed") == "true"
        theme.get_by_role("button", name="Dark").click()
        page.wait_for_url("**embed_options=dark_theme**")
        harness.wait_ready(page, True)
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-testid=\"stMain\"] .js-plotly-plot')]"
            ".every((p) => p._fullLayout && !['#FFFFFF', '#ffffff', 'white'].includes(p._fullLayout.paper_bgcolor))"
        )
        shown = page.evaluate(BACKGROUNDS)
        assert _luminance(shown["page"]) < 0.05 and all(_luminance(c) < 0.05 for c in shown["charts"]), shown
        assert (
            page.get_by_role("group", name="Colour theme")
            .get_by_role("button", name="Dark")
            .get_attribute("aria-pressed")
            == "true"
        )
        page.get_by_role("group", name="Colour theme").get_by_role("button", name="Device").click()
        page.wait_for_url(lambda url: "embed_options" not in url)
        harness.wait_ready(page, True)
        shown = page.evaluate(BACKGROUNDS)
        assert _luminance(shown["page"]) > 0.5 and all(_luminance(c) > 0.5 for c in shown["charts"]), shown
        assert not watch.errors, watch.errors
    finally:
        context.close()
