"""Browser-suite fixtures: one `streamlit run` server and one headless Chromium for the whole session.

Chromium is Debian's /usr/bin/chromium (never `playwright install`). Missing Chromium skips the
suite locally with a message; in CI (CI=true) it is a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tests.e2e import harness
from tests.support import IN_CI


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium binary; skip (locally) or fail (CI) when it is not installed."""
    if not harness.chromium_available():
        message = (
            f"{harness.CHROMIUM} not found: apt-get install -y chromium (the browser suite drives Debian's Chromium)"
        )
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return harness.CHROMIUM


@pytest.fixture(scope="session")
def playwright(chromium: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[object]:
    """The one headless Chromium of the session; tests open their own contexts in it."""
    browser = harness.launch_browser(playwright)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def server(chromium: str) -> Iterator[harness.StreamlitServer]:
    """The app on a free 127.0.0.1 port, shared by the session; log in artifacts/logs/e2e-server.log."""
    srv = harness.StreamlitServer(log_path=harness.ARTIFACTS / "logs" / "e2e-server.log").start()
    try:
        srv.wait_healthy()
        yield srv
    finally:
        srv.stop()


@dataclass
class Tab:
    """A page in its own browser context, with its console errors collected."""

    page: object
    watch: harness.ConsoleWatch

    def goto(self, url: str, has_chart: bool = True) -> Tab:
        self.page.goto(url)
        harness.wait_ready(self.page, has_chart)
        return self

    def assert_healthy(self) -> None:
        """No Streamlit exception box and no browser console error so far."""
        boxes = self.page.locator(harness.EXCEPTION)
        assert boxes.count() == 0, f"Streamlit exception on {self.page.url}: {boxes.first.inner_text()[:800]}"
        assert not self.watch.errors, f"browser console errors on {self.page.url}: {self.watch.errors}"

    def figure(self) -> dict:
        return self.page.evaluate(harness.FIGURE_STATE)

    def screenshot(self, name: str, full: bool = False) -> None:
        path = harness.ARTIFACTS / "e2e" / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if full:
            harness.full_screenshot(self.page, path, self.page.viewport_size["width"])
        else:
            self.page.screenshot(path=str(path))


@pytest.fixture
def open_tab(browser) -> Iterator[Callable[..., Tab]]:
    """open_tab(size=harness.DESKTOP) -> a fresh context (no cookies, no cache) and page.

    Every tab is checked again at teardown: a console error that came late still fails the test.
    """
    contexts, tabs = [], []

    def _open(size: dict | None = None) -> Tab:
        context = browser.new_context(**(size or harness.DESKTOP))
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page, harness.ConsoleWatch().attach(page))
        tabs.append(tab)
        return tab

    yield _open
    late = [error for tab in tabs for error in tab.watch.errors]
    for context in contexts:
        context.close()
    assert not late, f"browser console errors: {late}"
