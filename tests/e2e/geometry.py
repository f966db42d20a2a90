"""What the timeline chart draws, measured in the page: boxes of its texts and pixels of its markers.

Plain functions over a Playwright page (no pytest). Boxes are page coordinates from getBoundingClientRect;
marker positions come from the live Plotly object (each axis's d2p plus its _offset), so they are where
Plotly draws them, not where the figure's JSON says they should be.
"""

from __future__ import annotations

import contextlib
import html
import itertools
import json
import re
from dataclasses import dataclass

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.e2e import harness
from usjp.ui import width as column

TIMELINE = ".st-key-timeline_chart .js-plotly-plot"
# The event marker traces (usjp.figures.timeline): single events, clusters, and the selected event's ring.
SINGLES = ("Events", "Events, open markers")
CLUSTERS = "Events, grouped"
SELECTED = "Selected event"
ZOOM_PREFIX = "zoom:"
TOUCH_PX = 1.0  # two boxes may touch (share up to a pixel) without counting as overlapping


@dataclass(frozen=True)
class Box:
    """A rectangle in page pixels, and the text drawn in it."""

    left: float
    top: float
    right: float
    bottom: float
    text: str = ""

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    def inside(self, outer: Box, slack: float = 0.5) -> bool:
        return (
            self.left >= outer.left - slack
            and self.top >= outer.top - slack
            and self.right <= outer.right + slack
            and self.bottom <= outer.bottom + slack
        )

    def __str__(self) -> str:
        return f"{self.text[:40]!r} [{self.left:.0f},{self.top:.0f} – {self.right:.0f},{self.bottom:.0f}]"


def overlap(a: Box, b: Box, touch: float = TOUCH_PX) -> bool:
    """Whether two boxes share more than `touch` px in both directions (touching edges do not count)."""
    dx = min(a.right, b.right) - max(a.left, b.left)
    dy = min(a.bottom, b.bottom) - max(a.top, b.top)
    return dx > touch and dy > touch


def overlapping(boxes: list[Box], others: list[Box] | None = None) -> list[tuple[Box, Box]]:
    """Pairs that overlap: within `boxes`, or (with `others`) each of `boxes` against each of `others`."""
    pairs = itertools.combinations(boxes, 2) if others is None else itertools.product(boxes, others)
    return [(a, b) for a, b in pairs if overlap(a, b)]


# -- texts ------------------------------------------------------------------------------------------

# The figure's texts. A label is an annotation named "event-label" (usjp.figures.timeline.LABEL); its box
# is its background rectangle (the text and its padding). Other annotations (the marker key,
# the footer, a panel's label) are `notes`.
BOXES = """(sel) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullLayout) return null;
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, text: e.textContent};
  };
  const anns = gd._fullLayout.annotations || [];
  const labels = [], notes = [];
  gd.querySelectorAll('.infolayer g.annotation').forEach((g) => {
    const a = anns[Number(g.getAttribute('data-index'))] || {};
    const bg = g.querySelector('.annotation-text-g rect.bg') || g.querySelector('.annotation-text-g');
    const item = Object.assign(box(bg), {text: g.querySelector('.annotation-text').textContent,
                                          source: a.text || '', bold: /<b>/i.test(a.text || ''),
                                          x: a.x === undefined ? null : String(a.x)});
    (a.name === 'event-label' ? labels : notes).push(item);
  });
  const one = (q) => { const e = gd.querySelector(q); return e ? box(e) : null; };
  return {
    svg: box(gd.querySelector('svg.main-svg')),
    title: one('text.gtitle'),
    subtitle: one('text.gtitle-subtitle'),
    legend: [...gd.querySelectorAll('.legend .traces')].map(box),
    labels: labels,
    notes: notes,
  };
}"""


@dataclass(frozen=True)
class Texts:
    svg: Box
    title: Box | None
    subtitle: Box | None
    legend: list[Box]
    labels: list[Box]
    notes: list[Box]
    bold: list[str]  # the texts of the bold labels (the selected event's)


def texts(page, selector: str = TIMELINE) -> Texts:
    raw = page.evaluate(BOXES, selector)
    assert raw is not None, f"no drawn chart at {selector} on {page.url}"

    def box(d: dict | None) -> Box | None:
        return None if d is None else Box(d["left"], d["top"], d["right"], d["bottom"], d["text"])

    return Texts(
        svg=box({**raw["svg"], "text": "figure"}),
        title=box(raw["title"]),
        subtitle=box(raw["subtitle"]),
        legend=[box(d) for d in raw["legend"]],
        labels=[box(d) for d in raw["labels"]],
        notes=[box(d) for d in raw["notes"]],
        bold=[d["text"] for d in raw["labels"] if d["bold"]],
    )


def title_text(page, selector: str = TIMELINE) -> str:
    """The chart's title as drawn (SVG text: what a reader sees)."""
    return page.evaluate(
        "(s) => { const t = document.querySelector(s + ' text.gtitle'); return t ? t.textContent : null; }", selector
    )


def subtitle_source(page, selector: str = TIMELINE) -> str:
    """The subtitle as the figure gives it, Plotly's line breaks as spaces."""
    raw = page.evaluate(
        "(s) => { const g = document.querySelector(s); const t = g && g.layout.title;"
        " return (t && t.subtitle && (t.subtitle.text || t.subtitle)) || ''; }",
        selector,
    )
    return html.unescape(re.sub(r"<br\s*/?>", " ", str(raw)))


EVENT_COUNT = re.compile(r"(\d[\d,]*) US–Japan trade-tension events?")


def events_in_view(page, selector: str = TIMELINE) -> int:
    """The number of events the subtitle says the chart shows ("37 US–Japan trade-tension events ...")."""
    text = subtitle_source(page, selector)
    found = EVENT_COUNT.search(text)
    assert found, f"no event count in the subtitle {text!r}"
    return int(found.group(1).replace(",", ""))


# -- markers ----------------------------------------------------------------------------------------

# Every marker of the event lanes (axis y3), where Plotly drew it (page px), its size (px across),
# its trace, id (customdata[0]), title (customdata[1]) and a cluster's count (its text).
MARKERS = """(sel) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullData) return [];
  const box = gd.getBoundingClientRect();
  const out = [];
  gd._fullData.forEach((fd) => {
    if (fd.yaxis !== 'y3' || !String(fd.mode || '').includes('markers') || fd.visible !== true) return;
    const xa = gd._fullLayout[fd.xaxis.replace('x', 'xaxis')];
    const ya = gd._fullLayout[fd.yaxis.replace('y', 'yaxis')];
    const pick = (v, j) => (Array.isArray(v) ? v[j] : v);
    (fd.x || []).forEach((x, j) => {
      const row = (fd.customdata || [])[j] || [];
      out.push({
        trace: fd.name, index: j, id: row[0] == null ? null : String(row[0]), title: row[1] || '',
        x: box.left + xa._offset + xa.d2p(x), y: box.top + ya._offset + ya.d2p(fd.y[j]),
        size: Number(pick(fd.marker.size, j)), symbol: String(pick(fd.marker.symbol, j)),
        text: fd.text === undefined ? '' : String(pick(fd.text, j)), date: String(x).slice(0, 10),
      });
    });
  });
  return out;
}"""


@dataclass(frozen=True)
class Marker:
    trace: str
    id: str | None
    title: str
    x: float
    y: float
    size: float
    symbol: str
    text: str
    date: str

    @property
    def radius(self) -> float:
        return self.size / 2

    @property
    def single(self) -> bool:
        return self.trace in SINGLES

    @property
    def cluster(self) -> bool:
        return self.trace == CLUSTERS

    @property
    def count(self) -> int:
        """How many events the marker stands for (a cluster's count is its text)."""
        return int(self.text) if self.cluster else 1

    @property
    def span(self) -> tuple[str, str]:
        """A cluster's first and last dates (its customdata[0] is 'zoom:FIRST:LAST')."""
        first, _, last = (self.id or "").removeprefix(ZOOM_PREFIX).partition(":")
        return first, last

    @property
    def heading(self) -> str:
        return html.unescape(self.title)


def markers(page, selector: str = TIMELINE) -> list[Marker]:
    return [
        Marker(m["trace"], m["id"], m["title"], m["x"], m["y"], m["size"], m["symbol"], m["text"], m["date"])
        for m in page.evaluate(MARKERS, selector)
    ]


def marker(page, event_id: str, selector: str = TIMELINE) -> Marker:
    """The single-event marker of `event_id` (not the selection ring drawn over it)."""
    for m in markers(page, selector):
        if m.id == event_id and m.single:
            return m
    raise AssertionError(f"event {event_id!r} has no marker of its own on the chart at {page.url}")


def centre_covered_by(m: Marker, drawn: list[Marker]) -> list[Marker]:
    """The other markers whose disc covers `m`'s centre pixel (the selection ring is a ring, not a disc)."""
    return [
        o
        for o in drawn
        if o is not m and o.trace != SELECTED and ((o.x - m.x) ** 2 + (o.y - m.y) ** 2) ** 0.5 < o.radius
    ]


def touching(m: Marker, drawn: list[Marker]) -> list[Marker]:
    """The other markers whose disc overlaps `m`'s disc at all (more than a pixel)."""
    return [
        o
        for o in drawn
        if o is not m
        and o.trace != SELECTED
        and ((o.x - m.x) ** 2 + (o.y - m.y) ** 2) ** 0.5 < o.radius + m.radius - TOUCH_PX
    ]


# -- pointing at markers -----------------------------------------------------------------------------


def bring_into_view(page, y: float) -> float:
    """Scroll Streamlit's container so that page y `y` is on screen; the distance it moved (px)."""
    height = page.viewport_size["height"]
    if 40 <= y <= height - 40:
        return 0.0
    delta = y - height / 2
    moved = page.evaluate(
        """(d) => {
          const main = document.querySelector('[data-testid="stMain"]');
          const scroller = [main, main && main.parentElement, document.scrollingElement]
            .find((e) => e && e.scrollHeight > e.clientHeight + 1);
          if (!scroller) return 0;
          const before = scroller.scrollTop;
          scroller.scrollTop = before + d;
          return scroller.scrollTop - before;
        }""",
        delta,
    )
    page.wait_for_timeout(100)
    return float(moved)


def hover_text(page) -> str:
    return page.evaluate("() => (document.querySelector('main .hoverlayer') || {}).textContent || ''")


def hover(page, event_id: str, expect: str | None = None, timeout_ms: float = 5_000) -> str:
    """Move the mouse to the centre of `event_id`'s marker; the hover label's text (waited for when
    `expect` is given, else whatever appears first)."""
    m = marker(page, event_id)
    if bring_into_view(page, m.y):
        m = marker(page, event_id)
    page.mouse.move(m.x - 30, m.y - 30)  # off the marker first: a hover needs a move onto it
    page.mouse.move(m.x, m.y, steps=3)
    with contextlib.suppress(PlaywrightTimeout):  # the caller's assertion says what was shown instead
        page.wait_for_function(
            "(t) => { const h = (document.querySelector('main .hoverlayer') || {}).textContent || '';"
            " return t ? h.includes(t) : h.length > 0; }",
            arg=expect or "",
            timeout=timeout_ms,
        )
    return hover_text(page)


def click(page, m: Marker, expect: str | None = None) -> None:
    """Click the centre of a marker (scrolled on screen first), once its hover label (containing `expect`,
    else the marker's own title) shows: Plotly throttles hover, and a click picks the point last hovered,
    so a click right after a move can still go to the marker the mouse came from."""
    if bring_into_view(page, m.y):
        m = next(o for o in markers(page) if o.trace == m.trace and o.id == m.id)
    page.mouse.move(m.x - 30, m.y - 30)
    page.mouse.move(m.x, m.y, steps=3)
    wanted = expect or m.heading.split("<")[0][:40]
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "(t) => ((document.querySelector('main .hoverlayer') || {}).textContent || '').includes(t)",
            arg=wanted,
            timeout=5_000,
        )
    page.mouse.click(m.x, m.y)


def click_event(page, event_id: str) -> None:
    click(page, marker(page, event_id))


# -- waiting -------------------------------------------------------------------------------------

# What changes when the page redraws the chart for another width or view.
FINGERPRINT = """(sel) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullLayout || !gd.data) return null;
  const l = gd.layout;
  return JSON.stringify([gd._fullLayout.width, gd._fullLayout.height, (l.title || {}).text,
    (l.annotations || []).map((a) => [a.text, a.yshift, String(a.x)]),
    gd.data.map((t) => [t.name, (t.x || []).length, JSON.stringify(t.y)]), (l.xaxis || {}).range]);
}"""

# Installed before the page loads (Page.add_init_script): notes when the page last sent a message to the
# server and last received one, and when the width probe (usjp/ui/width.py) has measured the column.
# The page's first run draws for a default width; the probe then reports the column's width (a message)
# and the server answers with a run that redraws the chart: a page is done once the probe has measured
# and the server has answered its last message. (The app's script-state attribute cannot count runs:
# a quick run, or a rerun asked for during a run, never shows as "running".)
TRAFFIC = """(() => {
  if (window.__usjp) return;
  const seen = window.__usjp = {sent: 0, received: 0, probe: false};
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) { seen.sent = performance.now(); return send.call(this, data); };
  const mark = (fn) => function () { seen.received = performance.now(); return fn.apply(this, arguments); };
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, fn, options) {
    return add.call(this, type, type === 'message' && typeof fn === 'function' ? mark(fn) : fn, options);
  };
  const onmessage = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return onmessage.get.call(this); },
    set(fn) { onmessage.set.call(this, typeof fn === 'function' ? mark(fn) : fn); },
  });
  const inProbe = (node) => {
    for (let n = node; n; n = n.parentNode || n.host) {
      if (n.classList && n.classList.contains('st-key-$KEY')) return true;
    }
    return false;
  };
  const Observer = window.ResizeObserver;
  window.ResizeObserver = class extends Observer {
    constructor(callback) {
      super((entries, observer) => {
        const result = callback(entries, observer);
        if (entries.some((e) => inProbe(e.target))) seen.probe = true;
        return result;
      });
    }
  };
})();"""

ANSWERED = "() => !window.__usjp || (window.__usjp.probe && window.__usjp.received > window.__usjp.sent)"

# The column width the page's probe measures (usjp/ui/width.py), or null before it is on the page.
PROBE_WIDTH = """(key) => {
  const e = document.querySelector('.st-key-' + key);
  return e ? e.getBoundingClientRect().width : null;
}"""


def expected_step(page) -> int | None:
    """The width step the chart should be laid out for (the probe's rule: the largest step not above the
    column's width), or None when the probe is not on the page."""
    measured = page.evaluate(PROBE_WIDTH, column.KEY)
    if not measured:
        return None
    fits = [s for s in column.STEPS if s <= measured]
    return fits[-1] if fits else column.STEPS[0]


def load(tab, url: str, selector: str = TIMELINE) -> None:
    """Open `url` in a tab (its runs counted from the start) and wait until the chart is drawn for the
    column's width: the first run draws for the default width, the probe then asks for another."""
    tab.page.add_init_script(TRAFFIC.replace("$KEY", column.KEY))
    tab.goto(url)
    settle(tab.page, selector)


def settle(page, selector: str = TIMELINE, quiet_ms: int = 500, timeout_ms: float = 30_000) -> None:
    """Wait until the chart stops being redrawn: (on a page opened by `load`) the width probe has measured
    and the server has answered the page's last message, the page is idle and the figure unchanged for
    `quiet_ms`."""
    elapsed, last, stable_since = 0.0, None, 0.0
    while elapsed < timeout_ms:
        page.wait_for_function(ANSWERED, timeout=timeout_ms)
        harness.wait_idle(page, timeout_ms, settle_ms=50)
        now = page.evaluate(FINGERPRINT, selector) if page.evaluate(ANSWERED) else None
        if now is not None and now == last:
            if elapsed - stable_since >= quiet_ms:
                return
        else:
            last, stable_since = now, elapsed
        page.wait_for_timeout(150)
        elapsed += 250
    raise AssertionError(f"the chart on {page.url} kept changing for {timeout_ms / 1000:.0f} s")


def layout(page, selector: str = TIMELINE) -> dict:
    """The figure's layout as plain JSON (the parts the tests read)."""
    return json.loads(
        page.evaluate(
            "(s) => { const gd = document.querySelector(s); const l = gd.layout;"
            " return JSON.stringify({title: l.title, xrange: (gd._fullLayout.xaxis || {}).range,"
            " annotations: (l.annotations || []).map((a) => ({text: a.text, xref: a.xref, x: a.x}))}); }",
            selector,
        )
    )


def label_sources(page, selector: str = TIMELINE) -> list[str]:
    """The texts of the drawn labels as the figure gives them (escaped, <b> for the selected one)."""
    return [a["text"] for a in layout(page, selector)["annotations"] if a["xref"] == "x"]


def switch_view(page, url: str, selector: str = TIMELINE, timeout_ms: float = 30_000) -> None:
    """Show another view in the same session, as the browser's Back and Forward do: push `url` on the
    history and fire popstate; Streamlit reruns the page with that query string (no reload: a new
    session costs seconds). Waits until the chart has changed and settled."""
    before = page.evaluate(FINGERPRINT, selector)
    page.evaluate(
        "(u) => { history.pushState({}, '', u); window.dispatchEvent(new PopStateEvent('popstate', {state: {}})); }",
        url,
    )
    page.wait_for_function(
        f"(a) => ({FINGERPRINT})(a.sel) !== a.before", arg={"sel": selector, "before": before}, timeout=timeout_ms
    )
    settle(page, selector)
