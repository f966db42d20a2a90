"""`make load`: N concurrent headless Chromium sessions against one server, for a bounded time.

Each session walks through every page in usjp.ui.nav.PAGES (plain address, then its sample deep link)
and on each page changes controls it finds there: radios, selectboxes, pills and segmented controls
(never buttons: "Check for new data" would go to the network). An interaction counts from the click
to the last websocket message of the rerun it caused (messages stopped for QUIET_S, script idle,
charts drawn). The DOM's script-state flag is not enough to count reruns: a fast rerun can start and
finish between two renders, and the flag never shows "running".
Errors: browser console errors, uncaught page errors, Streamlit exception boxes, timeouts. The run
fails unless there are none and the server still answers its health check. Loopback only.

    python -m bench.load [--sessions 10] [--duration 60] [--url http://127.0.0.1:PORT]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from tests.e2e import harness
from usjp.ui.nav import PAGES

QUIET_S = 0.25  # no websocket message for this long (and the script idle): the rerun is over
# Controls a session may change: (kind, selector of one clickable target that changes the value).
RADIO_OPTION = 'label[data-testid="stRadioOption"]'
GROUP_OPTION = "button[data-variant]"
PICK_TARGETS = """() => {
  const RADIO_OPTION = '%s', GROUP_OPTION = '%s';
  const out = [];
  const key = (el) => ([...(el.closest('[class*="st-key-"]') || {classList: []}).classList]
                        .find(c => c.startsWith('st-key-')) || '').slice(7);
  for (const r of document.querySelectorAll('[data-testid="stRadio"]'))
    r.querySelectorAll(RADIO_OPTION).forEach((l, i) => {
      if (!l.querySelector('input:checked')) out.push(['radio', key(r), i]);
    });
  for (const g of document.querySelectorAll('[data-testid="stButtonGroup"]'))
    g.querySelectorAll(GROUP_OPTION).forEach((b, i) => {
      const chosen = b.getAttribute('role') === 'radio' && b.getAttribute('aria-checked') === 'true';
      if (!chosen) out.push(['group', key(g), i]);
    });
  for (const s of document.querySelectorAll('[data-testid="stSelectbox"]')) out.push(['select', key(s), 0]);
  return out.filter(t => t[1]);
}""" % (RADIO_OPTION, GROUP_OPTION)  # noqa: UP031 (JavaScript braces)


@dataclass
class Stats:
    interactions: list[float] = field(default_factory=list)
    loads: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    missed: int = 0  # clicks the widget did not take (see change_control)


# After a change a page may legitimately show no chart (e.g. a category with no events): every chart
# that is there must be drawn.
DRAWN_IF_ANY = f"() => [...document.querySelectorAll('{harness.CHART}')].every(p => p._fullLayout && p.data)"


class Step(Exception):
    """What a session was waiting for when it failed."""


@dataclass
class Tab:
    """A session's page and the arrival times of its websocket messages."""

    page: object
    frames: list[float] = field(default_factory=list)

    async def wait_rerun(self, seen: int, clicked: float, what: str, timeout_s: float = 30.0) -> float:
        """Seconds from the click to the rerun's last message; the rerun must also leave the page idle."""
        deadline = time.perf_counter() + timeout_s
        while len(self.frames) <= seen:
            if time.perf_counter() > deadline:
                raise Step(f"no response from the server after {what}")
            await asyncio.sleep(0.02)
        while time.perf_counter() - self.frames[-1] < QUIET_S or not await self.page.locator(harness.IDLE).count():
            if time.perf_counter() > deadline:
                raise Step(f"the rerun after {what} did not finish")
            await asyncio.sleep(0.02)
        try:
            await self.page.wait_for_function(DRAWN_IF_ANY, timeout=timeout_s * 1000)
        except Exception as exc:
            raise Step(f"charts not drawn after {what}") from exc
        return self.frames[-1] - clicked


# A radio option's or button's chosen state, whichever attribute the widget uses.
STATE = "e => e.getAttribute('aria-checked') || e.getAttribute('aria-pressed') || String(!!e.querySelector(':checked'))"


async def took(check, timeout_s: float = 3.0) -> bool:
    """Poll until `check()` is true: did the click change the widget in the browser?"""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.05)
    return False


async def change_control(tab: Tab, rng: random.Random, stats: Stats) -> float | None:
    """Change one control at random and wait for the rerun it causes; False when nothing was changed.

    A click the widget did not take (a list still opening, an element re-rendering under the pointer)
    is counted as missed, not as an error; a widget that changed without a rerun is an error.
    Returns the latency, or None when nothing was changed.
    """
    page = tab.page
    targets = await page.evaluate(PICK_TARGETS)
    if not targets:
        return None
    kind, key, index = rng.choice(targets)
    box = page.locator(f".st-key-{key}")
    if kind in ("radio", "group"):
        option = box.locator(RADIO_OPTION if kind == "radio" else GROUP_OPTION).nth(index)
        was = await option.evaluate(STATE)
        seen, clicked = len(tab.frames), time.perf_counter()
        await option.click()
        changed = await took(lambda: _differs(option, was))
    else:
        combo = box.locator("[role='combobox']")
        await combo.evaluate("e => e.scrollIntoView({block: 'center'})")
        current = await combo.input_value()
        await combo.click()
        await page.get_by_role("listbox").wait_for(timeout=10_000)
        options = await page.get_by_role("option").evaluate_all(
            "els => els.map(e => [e.innerText.trim(), e.getAttribute('aria-selected') === 'true'])"
        )
        choices = [i for i, (text, selected) in enumerate(options) if text and text != current and not selected]
        if not choices:
            await page.keyboard.press("Escape")
            return None
        pick = rng.choice(choices)
        seen, clicked = len(tab.frames), time.perf_counter()
        await page.get_by_role("option").nth(pick).click()
        changed = await took(lambda: _value_is(combo, options[pick][0]))
    if not changed and len(tab.frames) == seen:
        stats.missed += 1
        await page.keyboard.press("Escape")
        return None
    return await tab.wait_rerun(seen, clicked, f"{kind} {key}[{index}]")


async def _differs(option, was: str) -> bool:
    return await option.evaluate(STATE) != was


async def _value_is(combo, text: str) -> bool:
    return (await combo.input_value()).strip() == text


async def session(browser, base: str, number: int, deadline: float, stats: Stats, per_page: int) -> None:
    rng = random.Random(number)
    context = await browser.new_context(**harness.DESKTOP)
    page = await context.new_page()
    tab = Tab(page)
    page.on("websocket", lambda ws: ws.on("framereceived", lambda _: tab.frames.append(time.perf_counter())))
    watch = harness.ConsoleWatch().attach(page)
    step = number  # sessions start on different pages
    try:
        while time.perf_counter() < deadline:
            spec = PAGES[step % len(PAGES)]
            query = spec.sample_query if (step // len(PAGES)) % 2 else ""
            step += 1
            start = time.perf_counter()
            await page.goto(f"{base}/{spec.url_path}" + (f"?{query}" if query else ""))
            await page.wait_for_selector(harness.IDLE, timeout=60_000)
            if spec.has_chart:
                await page.wait_for_selector(harness.CHART, state="visible", timeout=60_000)
                await page.wait_for_function(harness.CHARTS_DRAWN, timeout=60_000)
            stats.loads.append(time.perf_counter() - start)
            for _ in range(per_page):
                if time.perf_counter() >= deadline:
                    break
                latency = await change_control(tab, rng, stats)
                if latency is not None:
                    stats.interactions.append(latency)
                if await page.locator(harness.EXCEPTION).count():
                    text = await page.locator(harness.EXCEPTION).first.inner_text()
                    stats.errors.append(f"session {number}: exception on {page.url}: {text[:300]}")
                    break
            stats.errors += [f"session {number}: {e}" for e in watch.errors]
            watch.errors.clear()
    except Exception as exc:  # a timeout or a crash is an error of the run, not of the harness
        shot = harness.ARTIFACTS / "load" / f"failure-session-{number}.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(shot))
        what = str(exc) if isinstance(exc, Step) else f"{type(exc).__name__}: {str(exc).splitlines()[0][:300]}"
        stats.errors.append(f"session {number}: {what} on {page.url}")
    finally:
        stats.errors += [f"session {number}: {e}" for e in watch.errors]
        await context.close()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run(base: str, sessions: int, duration: float, per_page: int, server) -> dict:
    from playwright.async_api import async_playwright

    stats = Stats()
    rss: list[float] = []
    async with async_playwright() as p:
        browser = await harness.launch_browser(p)
        deadline = time.perf_counter() + duration

        async def sample_rss() -> None:
            while server is not None and time.perf_counter() < deadline:
                rss.append(server.rss_bytes() / 2**20)
                await asyncio.sleep(2)

        started = time.perf_counter()
        cpu_before = server.cpu_seconds() if server is not None else None
        await asyncio.gather(
            sample_rss(), *(session(browser, base, n, deadline, stats, per_page) for n in range(sessions))
        )
        elapsed = time.perf_counter() - started
        server_cpu = server.cpu_seconds() - cpu_before if server is not None else None
        await browser.close()
    return {
        "sessions": sessions,
        "duration_s": round(elapsed, 1),
        "page_loads": len(stats.loads),
        "interactions": len(stats.interactions),
        "errors": len(stats.errors),
        "missed_clicks": stats.missed,
        "error_messages": stats.errors[:50],
        "interaction_p50_s": round(percentile(stats.interactions, 50), 3),
        "interaction_p95_s": round(percentile(stats.interactions, 95), 3),
        "page_load_p50_s": round(percentile(stats.loads, 50), 3),
        "page_load_p95_s": round(percentile(stats.loads, 95), 3),
        "server_rss_peak_mib": round(max(rss), 1) if rss else None,
        # Share of one core the server used: what is left of the machine went to the browsers.
        "server_cpu_cores": round(server_cpu / elapsed, 2) if server_cpu is not None else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--per-page", type=int, default=4, help="control changes per page visit")
    parser.add_argument("--url", help="an already running server on 127.0.0.1 (default: start one)")
    args = parser.parse_args()
    if not harness.chromium_available():
        print(f"{harness.CHROMIUM} not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    server = None
    if args.url:
        if urlsplit(args.url).hostname not in ("127.0.0.1", "localhost", "::1"):
            print("the load test drives loopback servers only", file=sys.stderr)
            return 2
        base = args.url.rstrip("/")
    else:
        server = harness.StreamlitServer(log_path=harness.ARTIFACTS / "logs" / "load-server.log").start()
        server.wait_healthy()
        base = server.base
    try:
        result = asyncio.run(run(base, args.sessions, args.duration, args.per_page, server))
        healthy = server.healthy() if server else harness.StreamlitServer(port=int(urlsplit(base).port)).healthy()
        result["server_healthy_after"] = healthy
        if server is not None:
            result["server_alive_after"] = server.proc.poll() is None
    finally:
        if server is not None:
            server.stop()
    out = harness.ARTIFACTS / "load-results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    rows = [
        ("sessions", result["sessions"]),
        ("duration (s)", result["duration_s"]),
        ("page loads", result["page_loads"]),
        ("interactions", result["interactions"]),
        ("errors", result["errors"]),
        ("missed clicks (not errors)", result["missed_clicks"]),
        ("interaction latency p50 (s)", result["interaction_p50_s"]),
        ("interaction latency p95 (s)", result["interaction_p95_s"]),
        ("page load p50 (s)", result["page_load_p50_s"]),
        ("page load p95 (s)", result["page_load_p95_s"]),
        ("server RSS peak (MiB)", result["server_rss_peak_mib"]),
        (f"server CPU (cores busy, of {os.cpu_count()})", result["server_cpu_cores"]),
        ("server healthy after", result["server_healthy_after"]),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name.ljust(width)}  {value}" for name, value in rows))
    for message in result["error_messages"]:
        print("  error:", message)
    print(f"\nwritten: {out.relative_to(harness.REPO)}")
    return 0 if result["errors"] == 0 and result["server_healthy_after"] and result["interactions"] else 1


if __name__ == "__main__":
    sys.exit(main())
