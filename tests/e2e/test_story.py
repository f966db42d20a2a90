"""A story walked in Chromium as a teacher would: presentation mode from a link, driven by the keyboard
(Right/Space/PageDown, Left/PageUp, Home/End, Esc) at 1280x720 and 1920x1080, a prediction answered and
revealed (before the reveal the chart's data ends before the event's market date), and the layout at
1280x720, at 150% zoom too: captions at least 28 px on a 720 px screen, no title clipped, no scrollbar."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.e2e import harness
from usjp.cli.export import load_events
from usjp.data import verify
from usjp.story import files, reveal
from usjp.story.facts import StoryData

pytestmark = pytest.mark.e2e

SCREENS = {
    "720p": {"viewport": {"width": 1280, "height": 720}},
    "1080p": {"viewport": {"width": 1920, "height": 1080}},
    # a 1280x720 projector with the browser at 150%: the page sees 853x480 CSS px drawn at 1.5x
    "720p-150": {"viewport": {"width": 853, "height": 480}, "device_scale_factor": 1.5},
}

LAYOUT = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const caption = document.querySelector('.st-key-sy_caption p');
  const title = document.querySelector('[data-testid="stMain"] .js-plotly-plot .gtitle');
  const box = (e) => {
    if (!e) return null;
    const r = e.getBoundingClientRect();
    return [r.left, r.top, r.right, r.bottom];
  };
  return {
    inner: [window.innerWidth, window.innerHeight],
    page: document.scrollingElement.scrollHeight,
    main: main ? [main.scrollHeight, main.clientHeight, main.scrollWidth, main.clientWidth] : null,
    caption: caption ? parseFloat(getComputedStyle(caption).fontSize) : null,
    title: box(title),
    sidebar: !!document.querySelector('[data-testid="stSidebar"]') &&
      getComputedStyle(document.querySelector('[data-testid="stSidebar"]')).display !== 'none',
  };
}"""

LINE_ENDS = """() => {
  const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
  return gd.data.filter(t => t.mode === 'lines' && t.x && t.x.length).map(t => String(t.x[t.x.length - 1]));
}"""


@pytest.fixture(scope="module")
def stories():
    loaded = [item.story for item in files.read_stories() if item.story is not None]
    assert loaded
    return loaded


@pytest.fixture(scope="module")
def data():
    return StoryData(lambda k: s.values if (s := verify.read_newest(k)) else None, load_events().events)


def counter(tab) -> str:
    return tab.page.locator(".st-key-sy_counter").inner_text()


def press(tab, key: str) -> None:
    tab.page.keyboard.press(key)
    harness.wait_ready(tab.page, True)


def wait_step(tab, n: int, total: int) -> None:
    tab.page.wait_for_function(
        "([n, t]) => (document.querySelector('.st-key-sy_counter') || {}).innerText?.toLowerCase()"
        ".includes(`step ${n} of ${t}`)",
        arg=[n, total],
        timeout=30_000,
    )
    harness.wait_ready(tab.page, True)


def settle(tab) -> None:
    """The first load lays the chart out for the default height, then again once the window's height is
    reported: wait for that second layout before pressing keys."""
    tab.page.wait_for_function(
        """() => { const gd = document.querySelector('[data-testid="stMain"] .js-plotly-plot');
                   return gd && gd._fullLayout && gd._fullLayout.height >= Math.min(innerHeight - 100, 600); }""",
        timeout=30_000,
    )
    harness.wait_ready(tab.page, True)


def check_layout(tab, screen: str) -> dict:
    found = tab.page.evaluate(LAYOUT)
    width, height = found["inner"]
    assert not found["sidebar"], "presentation mode shows the sidebar"
    assert found["page"] <= height + 1, f"{screen}: the page scrolls ({found['page']} > {height})"
    main_scroll, main_client, main_sw, main_cw = found["main"]
    assert main_scroll <= main_client + 1 and main_sw <= main_cw + 1, f"{screen}: a scrollbar in presentation mode"
    left, top, right, bottom = found["title"]
    assert left >= 0 and top >= 0 and right <= width and bottom <= height, f"{screen}: the chart's title is clipped"
    if screen == "720p":
        assert found["caption"] >= 28, f"caption {found['caption']} px on a 720 px screen"
    return found


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_story_walked_from_the_keyboard(open_tab, server, stories, data, screen):
    story = next(s for s in stories if any(step.predict and step.predict.kind == "direction" for step in s.steps))
    total = len(story.steps)
    asked = next(n for n, step in enumerate(story.steps, 1) if step.predict and step.predict.kind == "direction")
    tab = open_tab(SCREENS[screen]).goto(server.url("story", f"s={story.id}&step=1&present=1"))
    settle(tab)
    wait_step(tab, 1, total)
    check_layout(tab, screen)
    tab.screenshot(f"story-{screen}-step1")

    keys = ["ArrowRight", " ", "PageDown"]
    for n in range(2, asked + 1):  # forward to the question with each of the "next" keys in turn
        press(tab, keys[(n - 2) % len(keys)])
        wait_step(tab, n, total)
    step = story.steps[asked - 1]
    cut = pd.Timestamp(reveal.cutoff(step.predict, data))
    ends = [pd.Timestamp(e) for e in tab.page.evaluate(LINE_ENDS)]
    assert ends and all(e < cut for e in ends), f"data after the market date {cut:%Y-%m-%d} was sent: {ends}"
    check_layout(tab, screen)
    tab.screenshot(f"story-{screen}-question")

    # the class answers with the mouse (a radio takes arrow keys itself), then Reveal
    result = reveal.outcome(step.predict, data)
    tab.page.locator(".st-key-sy_predict label").filter(
        has_text={"up": "Up", "down": "Down"}.get(result.direction, "Little change")
    ).first.click()
    harness.wait_ready(tab.page, True)
    tab.page.get_by_role("button", name="Reveal").click()
    tab.page.wait_for_selector(".st-key-sy_reveal", timeout=30_000)
    harness.wait_ready(tab.page, True)
    revealed = tab.page.locator(".st-key-sy_reveal").inner_text()
    assert "right" in revealed and f"{result.percentile:.0f}%" in revealed
    ends = [pd.Timestamp(e) for e in tab.page.evaluate(LINE_ENDS)]
    assert max(ends) >= pd.Timestamp(result.end_date)
    tab.page.evaluate("() => document.activeElement && document.activeElement.blur()")  # as a clicker would
    tab.screenshot(f"story-{screen}-revealed")

    press(tab, "End")
    wait_step(tab, total, total)
    check_layout(tab, screen)
    press(tab, "PageUp")
    wait_step(tab, total - 1, total)
    press(tab, "ArrowLeft")
    wait_step(tab, total - 2, total)
    press(tab, "Home")
    wait_step(tab, 1, total)
    press(tab, "Escape")
    tab.page.wait_for_function("() => !location.search.includes('present=1')", timeout=30_000)
    harness.wait_ready(tab.page, True)
    assert tab.page.evaluate(LAYOUT)["sidebar"], "Esc should leave presentation mode"
    tab.assert_healthy()


def test_arrow_keys_do_nothing_outside_presentation_mode(open_tab, server, stories):
    story = stories[0]
    tab = open_tab(SCREENS["720p"]).goto(server.url("story", f"s={story.id}&step=2"))
    wait_step(tab, 2, len(story.steps))
    tab.page.keyboard.press("ArrowRight")
    tab.page.wait_for_timeout(1500)
    harness.wait_ready(tab.page, True)
    assert f"step 2 of {len(story.steps)}" in counter(tab)
    tab.assert_healthy()
