"""The compact layout is chosen by the measured column width the page keeps in session state."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.support import APP, figure_of
from usjp.events import category
from usjp.ui import width

LANE = category("treasury-leverage")


def lane_ticks(at: AppTest) -> list[str]:
    figure = figure_of(at)
    texts = [a.get("text", "") for a in figure["layout"].get("annotations", [])]
    for axis in (v for k, v in figure["layout"].items() if k.startswith("yaxis")):
        texts += list(axis.get("ticktext") or [])
    return texts


def run(compact: bool | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if compact is not None:
        at.session_state[width.KEY] = {"compact": compact}
    return at.run()


def test_wide_until_the_browser_reports_a_narrow_column():
    for compact, label in ((None, LANE.label), (False, LANE.label), (True, LANE.short)):
        at = run(compact)
        assert not at.exception, at.exception
        assert label in lane_ticks(at), (compact, lane_ticks(at))
