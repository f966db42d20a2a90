"""What `usjp.ui.chart` hands to st.plotly_chart: the figure's dict made once per shared figure (WireFigure)
must send exactly what the figure itself would, through the same calls Streamlit makes; it is made once per
figure object, and goes when the figure goes."""

from __future__ import annotations

import gc

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
import pytest

from usjp.cli import export
from usjp.ui import chart
from usjp.views.timeline import View


def streamlit_spec(fig) -> str:
    """What st.plotly_chart (Streamlit 1.67, elements/plotly_chart.py) puts in its message for `fig`."""
    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return pio.to_json(figure, validate=False)


@pytest.fixture(scope="module")
def timeline() -> go.Figure:
    view = View()
    start, end = view.window(*export.date_bounds())
    from usjp.figures.timeline_view import figure_for_view

    return figure_for_view(view, start, end, export.timeline_data(view), width=1200)


def test_the_wire_sends_what_the_figure_would(timeline):
    assert streamlit_spec(chart.wire(timeline)) == streamlit_spec(timeline)


def test_the_dark_figure_goes_on_the_wire_dark(timeline):
    dark = chart.in_theme(timeline, "dark")
    assert streamlit_spec(chart.wire(dark)) == streamlit_spec(dark) != streamlit_spec(timeline)


def test_sending_twice_sends_the_same_and_changes_nothing(timeline):
    before = timeline.to_json()
    first = streamlit_spec(chart.wire(timeline))
    assert streamlit_spec(chart.wire(timeline)) == first
    assert timeline.to_json() == before


def test_made_once_per_figure_object(timeline):
    assert chart.wire(timeline) is chart.wire(timeline)
    assert chart.in_theme(timeline, "dark") is chart.in_theme(timeline, "dark")
    assert chart.in_theme(timeline, "light") is timeline
    other = go.Figure(timeline)  # an equal figure, another object: its own
    assert chart.wire(other) is not chart.wire(timeline)


def test_a_trace_uid_is_not_sent_as_plotly_would_not_send_it():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], uid="abc"))
    assert "uid" not in streamlit_spec(chart.wire(fig))
    assert streamlit_spec(chart.wire(fig)) == streamlit_spec(fig)


def test_what_was_made_goes_with_the_figure():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]))
    chart.wire(fig)
    chart.in_theme(fig, "dark")
    slots = {("wire", id(fig)), ("dark", id(fig))}
    assert slots <= set(chart._MADE)
    del fig
    gc.collect()
    assert not slots & set(chart._MADE)
