"""The HTML embed of a view (`python -m usjp export "" --format html`) works offline: opened from disk with
every network request refused, it asks for nothing, draws the chart, and its markers answer a hover."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e import geometry, harness

pytestmark = pytest.mark.e2e

CHART = ".js-plotly-plot"
SIZE = {"viewport": {"width": 1280, "height": 1000}}


def export_html(out) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "usjp", "export", "", "--format", "html", "--out", str(out)],
        cwd=harness.REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def embed(tmp_path_factory):
    """The default view's HTML embed, made by the command line (skipped while the command is not there)."""
    usage = subprocess.run(
        [sys.executable, "-m", "usjp", "export", "--help"], cwd=harness.REPO, capture_output=True, text=True
    )
    if usage.returncode != 0 or "html" not in usage.stdout:
        pytest.skip(f"`python -m usjp export --format html` is not there yet: {(usage.stderr or usage.stdout)[-300:]}")
    out = tmp_path_factory.mktemp("embed") / "embed.html"
    made = export_html(out)
    assert made.returncode == 0 and out.is_file(), f"export failed ({made.returncode}): {made.stderr[-2000:]}"
    return out


def test_html_embed_works_offline_and_hovers(browser, embed):
    size = embed.stat().st_size
    print(f"\nembed: {embed} is {size:,} bytes ({size / 1024 / 1024:.2f} MiB)")
    context = browser.new_context(**SIZE)
    try:
        page = context.new_page()
        watch = harness.ConsoleWatch().attach(page)
        attempted: list[str] = []

        def refuse(route) -> None:
            if route.request.url.startswith("file:"):
                route.continue_()
            else:
                attempted.append(route.request.url)
                route.abort()

        def seen(request) -> None:  # also what the router does not see (a service worker, a prefetch)
            if not request.url.startswith(("file:", "data:", "blob:")) and request.url not in attempted:
                attempted.append(request.url)

        page.route("**/*", refuse)
        page.on("request", seen)
        page.goto(embed.as_uri())
        page.wait_for_function(
            "(s) => { const g = document.querySelector(s); return g && g._fullLayout && g.data && g.data.length; }",
            arg=CHART,
            timeout=30_000,
        )
        page.wait_for_timeout(500)
        drawn = page.evaluate(
            "(s) => { const g = document.querySelector(s); return {traces: g.data.map(t => t.name),"
            " lines: g.querySelectorAll('.scatterlayer .trace path.js-line').length,"
            " points: g.querySelectorAll('.scatterlayer .point').length}; }",
            CHART,
        )
        path = harness.ARTIFACTS / "e2e" / "embed-offline.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path))
        assert drawn["lines"] >= 2 and drawn["points"] >= 10, f"the embed drew too little: {drawn}"
        assert "Events" in drawn["traces"], drawn["traces"]

        markers = [m for m in geometry.markers(page, CHART) if m.single]
        assert markers, "the embed has no event markers"
        lone = next(
            (
                m
                for m in markers
                if all(((m.x - o.x) ** 2 + (m.y - o.y) ** 2) ** 0.5 >= 24 for o in markers if o is not m)
            ),
            markers[0],
        )
        page.mouse.move(lone.x - 30, lone.y - 30)
        page.mouse.move(lone.x, lone.y, steps=3)
        page.wait_for_function(
            "(t) => ((document.querySelector('.hoverlayer') || {}).textContent || '').includes(t)",
            arg=lone.heading,
            timeout=5_000,
        )
        page.screenshot(path=str(harness.ARTIFACTS / "e2e" / "embed-offline-hover.png"))
        assert not attempted, f"the embed asked the network for {attempted[:10]}"
        assert not watch.errors, f"console errors in the embed: {watch.errors}"
    finally:
        context.close()


# The embed snippet is `<iframe width=1200 ... style="max-width:100%">`: in an article column it is
# narrower than the export's size, and the chart (responsive) redraws at the frame's width.
FRAME_WIDTHS = (640, 960)


def test_html_embed_labels_stay_apart_in_a_narrower_frame(browser, embed):
    """The embed keeps the size its labels were laid out for and is scaled down to fit a narrower frame
    (never re-flowed): labels stay apart, the chart fits the frame, and a marker still answers a hover."""
    context = browser.new_context(viewport={"width": FRAME_WIDTHS[0], "height": 900})
    try:
        page = context.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        page.goto(embed.as_uri())
        failures = []
        for width in FRAME_WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            page.wait_for_function(
                "(w) => { const f = document.getElementById('usjp-frame'); const g = document.querySelector("
                "'.js-plotly-plot'); if (!f || !g || !g._fullLayout) return false;"
                " const s = f.getBoundingClientRect().width / g._fullLayout.width;"
                " return Math.abs(s - Math.min(1, w / g._fullLayout.width)) < 0.01; }",
                arg=width,
                timeout=30_000,
            )
            page.wait_for_timeout(500)
            drawn = geometry.texts(page, CHART)
            frame = [b for b in (drawn.title, drawn.subtitle) if b is not None] + drawn.legend
            problems = [f"outside the figure: {b}" for b in [*frame, *drawn.labels] if not b.inside(drawn.svg)]
            problems += [f"labels overlap: {a} and {b}" for a, b in geometry.overlapping(drawn.labels)]
            problems += [
                f"label over the title/legend: {a} and {b}" for a, b in geometry.overlapping(drawn.labels, frame)
            ]
            if drawn.svg.right > width + 1:
                problems.append(f"the chart ({drawn.svg.right:.0f} px) is wider than the frame")
            # A marker answers a hover in the scaled page (its drawn position, read from the page itself).
            centre = page.evaluate(
                "() => { const p = document.querySelector('.scatterlayer .trace .point');"
                " const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }"
            )
            page.mouse.move(centre[0] - 40, centre[1] - 40)
            page.mouse.move(*centre, steps=4)
            try:
                page.wait_for_function(
                    "() => ((document.querySelector('.hoverlayer') || {}).textContent || '').length > 0",
                    timeout=5_000,
                )
            except Exception:
                problems.append("no hover label over a marker in the scaled page")
            path = harness.ARTIFACTS / "e2e" / f"embed-frame-{width}px.png"
            page.screenshot(path=str(path))
            print(f"embed in a {width} px frame: {len(drawn.labels)} labels, {len(problems)} problems")
            if problems:
                failures.append(f"{width} px frame (artifacts/e2e/{path.name}):\n  " + "\n  ".join(problems))
        assert not failures, "the HTML embed drawn in a narrower frame:\n" + "\n".join(failures)
    finally:
        context.close()
