"""Server-side numbers without a browser: script time and figure payload per page (AppTest), statistics.

Script time is measured with AppTest, not inside a real server: `AppTest.run()` executes app.py and
the page exactly as a rerun in a server session does (same script runner, same st.cache_data caches),
in this process, so it can be timed directly. After warm-up runs fill the caches, each timed run is a
plain rerun with unchanged widgets: what a server does per interaction before any network or browser
work. It includes AppTest's own small overhead (building its element tree), so it slightly overstates
the server's cost; the floor app is measured the same way for scale. Scripts are compiled once, as in a
server (AppTest alone would compile them again for every run).

Run alone: `python -m bench.server_timing` prints the JSON that bench/run.py merges into its results.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

from usjp.ui.keys import SCALED_CHART as SCALED

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
FLOOR = str(REPO / "bench" / "floor_app.py")
WARMUP, REPEATS = 3, 15


def page_key(script: str) -> str:
    return Path(script).stem


def _share_script_cache() -> None:
    """A server compiles each script once (one ScriptCache for its Runtime); AppTest makes a new cache per
    run, so every timed run would also parse app.py and the page and add Streamlit's magic to them again
    (4-9 ms here, paid by no server). One cache for all runs, as in a server."""
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    app_test.ScriptCache = local_script_runner.ScriptCache = lambda: shared


def _open(spec, floor: bool = False):
    from streamlit.testing.v1 import AppTest

    _share_script_cache()

    at = AppTest.from_file(FLOOR if floor else APP, default_timeout=120)
    if spec is not None and spec.url_path:
        at.run()
        at.switch_page(spec.script)
    return at


def _timed_reruns(at) -> list[float]:
    for _ in range(WARMUP):
        at.run()
        if at.exception:
            raise RuntimeError(f"the page raised: {at.exception}")
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        at.run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _new_view_reruns(at) -> list[float]:
    """Timeline reruns that each show a view no one has seen in this process (range x scale x events
    shown x series): the cost of an interaction when the per-view figure cache cannot help."""
    import itertools

    from usjp.ui import timeline as ui
    from usjp.ui.keys import TIMELINE as KEYS
    from usjp.views.timeline import PRESETS

    at.run()
    combos = itertools.product(
        [p.key for p in PRESETS if p.key != "custom"],
        list(ui.MODE_LABELS),
        list(ui.IMPORTANCE_LABELS),
        [None, "ust30y"],
    )
    times = []
    for n, (preset, mode, importance, extra) in enumerate(combos):
        at.selectbox(key=KEYS.range).set_value(preset)
        at.radio(key=KEYS.mode).set_value(mode)
        at.session_state[KEYS.importance] = importance
        series = at.multiselect(key=KEYS.series)
        base = [k for k in series.value if k != "ust30y"]
        series.set_value(base + ([extra] if extra else []))
        start = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(f"the page raised: {at.exception}")
        if n >= WARMUP:
            times.append((time.perf_counter() - start) * 1000)
    return times


def _payload(at) -> int:
    """Bytes of the Plotly figure JSON the page sends (all its charts in the main area; for a chart drawn
    with its scales, ui/chart.show_scales, the figures of every scale)."""
    main = at.main
    plotly = sum(len(chart.proto.spec.encode()) for chart in main.get("plotly_chart"))
    scaled = sum(len(el.proto.json.encode()) for el in main.get("bidi_component") if el.proto.component_name == SCALED)
    return plotly + scaled


def measure_pages() -> dict:
    from usjp.ui.nav import PAGES

    script_ms, script_ms_p90, payload = {}, {}, {}
    for spec in PAGES:
        at = _open(spec)
        times = _timed_reruns(at)
        key = page_key(spec.script)
        script_ms[key] = round(statistics.median(times), 1)
        script_ms_p90[key] = round(statistics.quantiles(times, n=10)[-1], 1)
        payload[key] = _payload(at)
    floor = _open(None, floor=True)
    floor_times = _timed_reruns(floor)
    new_view = _new_view_reruns(_open(PAGES[0]))
    return {
        "script_ms": script_ms,
        "script_ms_new_view": {page_key(PAGES[0].script): round(statistics.median(new_view), 1)},
        "script_ms_p90": script_ms_p90,
        "script_ms_floor": round(statistics.median(floor_times), 1),
        "payload_bytes": payload,
        "payload_bytes_floor": _payload(floor),
    }


STATS_PROBE = """
import json, time
t0 = time.perf_counter()
from usjp import analysis, catalog
from usjp.data import events_file, verify
evs = events_file.read_events()
stored = [(s, verify.read_newest(s.key)) for s in catalog.SERIES if s.daily]
series = [(s, item.values) for s, item in stored if item is not None]
t1 = time.perf_counter()
board = analysis.compute_scoreboard(evs, series)
t2 = time.perf_counter()
warm = []
for _ in range(5):
    a = time.perf_counter(); analysis.compute_scoreboard(evs, series); warm.append(time.perf_counter() - a)
warm.sort()
print(json.dumps({"load_s": t1 - t0, "cold_s": t2 - t1, "warm_s": warm[2], "rows": len(board),
                  "events": len(evs), "series": len(series)}))
"""


def measure_statistics() -> dict | None:
    """compute_scoreboard: first call in a fresh process (cold) and the median of 5 more (warm)."""
    out = subprocess.run(
        [sys.executable, "-c", STATS_PROBE], cwd=REPO, capture_output=True, text=True, timeout=600, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


CHECKS_PROBE = """
import json, statistics, time
from usjp import catalog
from usjp.data import verify
keys = [s.key for s in catalog.SERIES]
cold_start = time.perf_counter()
for key in keys:
    verify.resolve(key)
cold = time.perf_counter() - cold_start
warm = []
for _ in range(50):
    start = time.perf_counter()
    for key in keys:  # what a page rerun does per series it shows: fingerprint, then the remembered verdict
        verify.fingerprint(key)
        verify.resolve(key)
    warm.append(time.perf_counter() - start)
print(json.dumps({"cold_ms": cold * 1000, "warm_ms": statistics.median(warm) * 1000, "series": len(keys)}))
"""


def measure_checks() -> dict:
    """The load-time checks of every stored series (usjp.data.verify.resolve): the first time in a fresh
    process (every file parsed and hashed) and warm (unchanged files: only their stat and the remembered
    verdict), for all catalog series at once, more than any page shows."""
    out = subprocess.run(
        [sys.executable, "-c", CHECKS_PROBE], cwd=REPO, capture_output=True, text=True, timeout=600, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}


EXPORTS_PROBE = """
import json, statistics, time
from usjp.cli import export as cli
from usjp.publish import export, sizes
from usjp.views.timeline import View
view = View()
bounds = cli.date_bounds()
start, end = view.window(*bounds)
data = cli.timeline_data(view)
article = sizes.parse_size("article")
t0 = time.perf_counter()
png = export.export_view(view, start, end, data, "png", article, base_url="")
first = time.perf_counter() - t0
warm = []
for _ in range(7):
    t = time.perf_counter()
    export.export_view(view, start, end, data, "png", article, base_url="")
    warm.append(time.perf_counter() - t)
html = export.export_view(view, start, end, data, "html", article, base_url="")
print(json.dumps({"cold_png_s": first, "warm_png_s": statistics.median(warm), "png_bytes": len(png.data),
                  "html_bytes": len(html.data)}))
"""
# As the app runs it: the renderer starts in the background when the reader opens the Download panel; the
# click on a button comes a moment later; the first export is timed from the click.
PREWARMED_PROBE = """
import json, time
from usjp.cli import export as cli
from usjp.publish import export, image, sizes
from usjp.views.timeline import View
image.RENDERER.prewarm()
view = View()
start, end = view.window(*cli.date_bounds())
data = cli.timeline_data(view)
time.sleep(1.0)  # opening the panel, then a click: at least a second
t0 = time.perf_counter()
export.export_view(view, start, end, data, "png", sizes.parse_size("article"), base_url="")
print(json.dumps({"first_png_s": time.perf_counter() - t0}))
"""


def measure_exports() -> dict:
    """The default view's article PNG: the first in a fresh process with no renderer (cold), the first as
    the app makes it (renderer started in the background when the page was served), the median of 7 more
    (warm); and the size of its self-contained HTML embed."""
    result = {}
    for probe in (EXPORTS_PROBE, PREWARMED_PROBE):
        out = subprocess.run(
            [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, timeout=600, check=True
        )
        result.update(json.loads(out.stdout.strip().splitlines()[-1]))
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in result.items()}


def main() -> None:
    result = measure_pages()
    result["statistics"] = measure_statistics()
    result["checks"] = measure_checks()
    result["exports"] = measure_exports()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
