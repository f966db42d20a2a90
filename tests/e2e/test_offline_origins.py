"""The classroom has no internet: every page, cold and from its deep link, asks nothing of any origin but
the app's own (http://127.0.0.1:PORT, its websocket included) or data:/blob:/about: URLs.

Every request of the browser context is recorded (frames, workers and service workers included) and
every websocket of the page; a request to another origin is also blocked at once, so it fails fast
instead of hanging on a closed network. Covers whatever usjp.ui.nav.PAGES holds, with no page named here.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e import harness
from tests.support import page_id
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e

LOCAL_SCHEMES = ("data", "blob", "about")
VISITS = [(spec, "") for spec in PAGES] + [(spec, spec.sample_query) for spec in PAGES if spec.sample_query]

# Scroll every scrolling container to its end and back, so anything loaded on view is asked for too.
SCROLL_THROUGH = """async () => {
  const boxes = [document.scrollingElement, ...document.querySelectorAll('[data-testid="stMain"], section')];
  for (const box of boxes) { if (box) { box.scrollTop = box.scrollHeight; } }
  await new Promise((done) => setTimeout(done, 300));
  for (const box of boxes) { if (box) { box.scrollTop = 0; } }
}"""


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize(
    ("spec", "query"), VISITS, ids=[f"{page_id(s)}-{'deeplink' if q else 'cold'}" for s, q in VISITS]
)
def test_page_asks_only_its_own_origin(browser, server, spec, query):
    own = {server.base, server.base.replace("http://", "ws://", 1)}

    def foreign(url: str) -> bool:
        return urlsplit(url).scheme not in LOCAL_SCHEMES and origin(url) not in own

    requested: list[str] = []
    blocked: list[str] = []
    context = browser.new_context(**harness.DESKTOP)
    context.set_default_timeout(30_000)
    try:
        context.on("request", lambda request: requested.append(request.url))
        context.on("serviceworker", lambda worker: requested.append(worker.url))
        context.route(foreign, lambda route: (blocked.append(route.request.url), route.abort("blockedbyclient")))
        context.route_web_socket(foreign, lambda ws: (blocked.append(ws.url), ws.close()))
        page = context.new_page()
        page.on("websocket", lambda ws: requested.append(ws.url))
        page.on("worker", lambda worker: requested.append(worker.url))
        page.on("frameattached", lambda frame: requested.append(frame.url or "about:blank"))

        page.goto(server.url(spec.url_path, query))
        harness.wait_ready(page, spec.has_chart)
        if page.locator(harness.CHART).count():  # e.g. a deep link into a page whose plain view has none
            page.wait_for_function(harness.CHARTS_DRAWN)
        page.evaluate(SCROLL_THROUGH)
        page.wait_for_timeout(1_000)  # late requests: fonts, images, anything started after idle
        harness.wait_idle(page)
        requested.extend(frame.url for frame in page.frames)
    finally:
        context.close()

    where = server.url(spec.url_path, query)
    assert any(origin(url) == server.base for url in requested), f"no request to the app recorded on {where}"
    assert any(url.startswith("ws://") for url in requested), f"no websocket to the app recorded on {where}"
    offending = sorted({url for url in requested if foreign(url)} | set(blocked))
    assert not offending, (
        f"{where} asked other origins than {server.base} (a classroom with no internet would wait for these):\n  "
        + "\n  ".join(offending)
    )
