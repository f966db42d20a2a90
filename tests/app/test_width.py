"""The compact layout is chosen by the measured column width the page keeps in session state."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.support import APP, figure_of
from usjp.events import category
from usjp.figures.timeline import LABEL
from usjp.ui import width

LANE = category("treasury-leverage")


def lane_ticks(at: AppTest) -> list[str]:
    figure = figure_of(at)
    texts = [a.get("text", "") for a in figure["layout"].get("annotations", [])]
    for axis in (v for k, v in figure["layout"].items() if k.startswith("yaxis")):
        texts += list(axis.get("ticktext") or [])
    return texts


def run(column: int | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if column is not None:
        at.session_state[width.KEY] = {"width": column}
    return at.run()


def test_wide_until_the_browser_reports_a_narrow_column():
    for column, label in ((None, LANE.label), (1360, LANE.label), (360, LANE.short), (999, LANE.label)):
        at = run(column)
        assert not at.exception, at.exception
        assert label in lane_ticks(at), (column, lane_ticks(at))


def test_the_chart_is_laid_out_for_the_reported_width():
    """More room, more labels: the band of labels is laid out for the column's step (999 is no step:
    the default is used)."""
    counts = {}
    for column in (360, 760, 1360, 1900):
        labels = [a for a in figure_of(run(column))["layout"]["annotations"] if a.get("name") == LABEL]
        counts[column] = len(labels)
    assert counts[360] <= counts[760] <= counts[1360] <= counts[1900] and counts[1900] > counts[360], counts
