"""Static images of a figure (PNG, SVG, PDF) through kaleido and the system's Chromium.

One browser per process, started on the first export (never at import) and reused: starting it costs
seconds, an image a fraction of one. It runs on a thread of its own with its own event loop; exports from
several sessions take turns (one lock), each with a deadline, so a browser that fails to start or hangs
ends in an error, never a wait forever (kaleido's own sync server waits forever when its browser cannot
start). A failed browser is closed and the next export starts a new one. plotly.js comes from the
installed plotly package and MathJax is off: nothing is fetched from the network.

SVGs get the chart's title and description (<title>, <desc>) as the first children of the root, for
screen readers and search.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import re
import threading
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import plotly.graph_objects as go

from usjp.publish.sizes import Size

FORMATS = ("png", "svg", "pdf")
START_TIMEOUT_S = 60.0
RENDER_TIMEOUT_S = 60.0
TITLE_ID, DESC_ID = "usjp-chart-title", "usjp-chart-desc"
_SVG_ROOT = re.compile(rb"<svg\b[^>]*>")
_NOT_XML = re.compile(r"[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class ImageError(RuntimeError):
    """An image could not be made (no browser, a browser that failed, or a deadline passed)."""


class _Renderer:
    """The process's one kaleido browser, on a thread with its own event loop."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: Any = None
        self._exit_hook = False
        self.starts = 0  # how many browsers this process has started (the tests check it stays 1)
        self._prewarming = False

    def _start(self) -> None:
        try:
            import kaleido  # here, not at import: the app's pages import this module
        except ImportError as exc:
            raise ImageError("the image renderer is not installed (pip install kaleido)") from exc
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="usjp-kaleido", daemon=True).start()

        async def open_browser() -> Any:
            browser = kaleido.Kaleido(n=1, mathjax=False, timeout=RENDER_TIMEOUT_S)
            await browser.open()
            return browser

        self._loop = loop
        self.starts += 1
        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(START_TIMEOUT_S)
        except BaseException as exc:
            self._stop()
            raise ImageError(f"the image renderer (kaleido with Chromium) did not start: {_reason(exc)}") from exc
        # Registered now, after the browser made its temporary folders: exit handlers run last-in first-out,
        # so the browser is closed before those folders' own clean-up runs (else it finds them in use).
        if not self._exit_hook:
            atexit.register(self.close)
            self._exit_hook = True

    def _stop(self) -> None:
        loop, browser = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None:
            return
        if browser is not None:
            with contextlib.suppress(Exception):  # closing a failed browser: nothing more to do
                asyncio.run_coroutine_threadsafe(browser.close(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)

    def render(self, figure: dict, fmt: str, width: int, height: int, scale: float) -> bytes:
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        with self._lock:
            if self._kaleido is None:
                self._start()
            assert self._loop is not None
            future = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(figure, opts=opts), self._loop)
            try:
                return future.result(RENDER_TIMEOUT_S + 5)
            except BaseException as exc:
                future.cancel()
                self._stop()  # a browser that failed once is not trusted again
                raise ImageError(f"the {fmt.upper()} could not be made: {_reason(exc)}") from exc

    def close(self) -> None:
        with self._lock:
            self._stop()

    def prewarm(self) -> None:
        """Start the browser and draw a blank figure on a thread of its own, once per process, so the first
        export a reader asks for finds it ready; a failure here is left to that export to report."""
        if self._prewarming:
            return
        self._prewarming = True

        def warm() -> None:
            with contextlib.suppress(Exception):
                self.render({"data": [], "layout": {}}, "png", 100, 100, 1)

        threading.Thread(target=warm, name="usjp-kaleido-prewarm", daemon=True).start()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, FutureTimeout | TimeoutError):
        return "it took too long"
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


RENDERER = _Renderer()


def render(figure: go.Figure, fmt: str, size: Size, *, title: str = "", description: str = "") -> bytes:
    """`figure` as PNG (at `size.scale`), SVG or PDF, `size.width` × `size.height` CSS px (taller when the
    figure needs more room than that: usjp.figures.timeline.MIN_SERIES_PX); an SVG carries `title` and
    `description`. ValueError for another format, ImageError when the renderer fails."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown image format {fmt!r}: use {', '.join(FORMATS)}")
    scale = size.scale if fmt == "png" else 1
    height = max(size.height, int(figure.layout.height or 0))
    out = RENDERER.render(figure.to_dict(), fmt, size.width, height, scale)
    return accessible_svg(out, title, description) if fmt == "svg" else out


def accessible_svg(svg: bytes, title: str, description: str) -> bytes:
    """The SVG with <title> and <desc> (XML-escaped) as the root's first children, and role="img" and
    aria-labelledby naming them on the root."""
    match = _SVG_ROOT.search(svg)
    if match is None:
        raise ImageError("the SVG has no root element")
    root = match.group(0)
    # No attribute of ours twice: the renderer does not write them, but a root that had them keeps its own.
    root = re.sub(rb'\s(role|aria-labelledby)="[^"]*"', b"", root)
    close = b"/>" if root.endswith(b"/>") else b">"
    labelled = f"{TITLE_ID} {DESC_ID}"
    attrs = f' role="img" aria-labelledby={quoteattr(labelled)}'.encode()
    new_root = root[: -len(close)].rstrip() + attrs + b">"
    children = (
        f'<title id="{TITLE_ID}">{_xml_text(title)}</title><desc id="{DESC_ID}">{_xml_text(description)}</desc>'
    ).encode()
    tail = svg[match.end() :] if close == b">" else b"</svg>" + svg[match.end() :]
    return svg[: match.start()] + new_root + children + tail


def _xml_text(text: str) -> str:
    """Text as XML character data: escaped, and characters XML cannot hold removed."""
    return escape(_NOT_XML.sub("", text))
