"""The timeline figure is built once per view and shared by every session (usjp/ui/loaders.py,
st.cache_resource): a page that modified it would change every other reader's chart. Two AppTest
sessions (they run in this process, so they share the cache with each other and with this test).
"""

from __future__ import annotations

import plotly.io as pio
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import APP, chart_specs
from usjp.ui import loaders
from usjp.ui.keys import TIMELINE as KEYS


def drawn_spec(at: AppTest) -> str:
    """The JSON spec of the session's chart (the scale shown), as sent to the browser."""
    charts = chart_specs(at)
    assert len(charts) == 1
    return charts[0]


def as_drawn(fig) -> str:
    """A figure's JSON the way st.plotly_chart sends it."""
    return pio.to_json(fig.to_dict(), validate=False)


@pytest.fixture
def handed_out(monkeypatch: pytest.MonkeyPatch) -> list[tuple[tuple, object, str]]:
    """Every figure load_timeline_figure hands to a page: (its arguments, the figure, its JSON then)."""
    calls: list[tuple[tuple, object, str]] = []
    original = loaders.load_timeline_figure

    def spy(*args):
        fig = original(*args)
        calls.append((args, fig, fig.to_json()))
        return fig

    monkeypatch.setattr(loaders, "load_timeline_figure", spy)
    return calls


def test_a_reader_changing_the_view_leaves_the_shared_figure_as_built(handed_out):
    first = AppTest.from_file(APP, default_timeout=60).run()
    assert not first.exception
    before = drawn_spec(first)
    assert handed_out, "the timeline page no longer draws loaders.load_timeline_figure's figure"
    default_args, shared, built = handed_out[0]

    # A second reader opens the same view, then does what readers do.
    seen = len(handed_out)
    second = AppTest.from_file(APP, default_timeout=60).run()
    assert not second.exception
    assert drawn_spec(second) == before
    assert any(fig is shared for _, fig, _ in handed_out[seen:]), "the same view should reuse the cached figure"
    second.radio(key=KEYS.mode).set_value("indexed").run()
    second.selectbox(key=KEYS.event).select_index(1).run()  # the event picker's first event
    assert second.selectbox(key=KEYS.event).value
    second.multiselect(key=KEYS.series).set_value(["ust30y", "usdjpy"]).run()
    second.radio(key=KEYS.mode).set_value("levels").run()
    assert not second.exception
    assert len({id(fig) for _, fig, _ in handed_out}) >= 4  # each view drew its own figure

    # The first reader's chart is byte for byte what it was.
    first.run()
    assert not first.exception
    assert drawn_spec(first) == before

    # Every figure handed out is unchanged since it was built, and the shared one is what a fresh build gives.
    for args, fig, json_then in handed_out:
        assert fig.to_json() == json_then, f"a page modified the shared figure of {args[0]}"
    loaders._timeline_figure.clear()
    fresh = loaders.load_timeline_figure(*default_args)
    assert fresh is not shared
    assert shared.to_json() == fresh.to_json() == built
    assert as_drawn(fresh) == before
