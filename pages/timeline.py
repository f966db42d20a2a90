"""Timeline: market series with the sourced US–Japan event timeline drawn on them."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock, see usjp/ui/boot.py).
boot.ensure_app_navigation()

from usjp import events as ev
from usjp.ui import data, state
from usjp.ui import timeline as ui
from usjp.viewstate import parse_view, to_params

all_events = data.load_events()
by_id = {e.id: e for e in all_events}
available = data.available_keys()
data_start, data_end = data.date_bounds()

state.sync_from_url(
    lambda p: parse_view(p, set(by_id), available, (data_start, data_end)),
    lambda v: ui.apply_view(v, data_start, data_end),
    widget_keys=ui.W.values(),
    page="timeline",
)
ui.take_chart_click(st.session_state.get(ui.CHART_KEY))
view = ui.current_view()
state.render_notices()
controls = st.sidebar.container()  # filled after the chart is sent (see ui.render_controls)

loaded = [s for s in (data.load_series(k) for k in view.series) if s is not None]
start, end = view.window(data_start, data_end)
shown = ev.filter_events(all_events, view.categories, view.importance, start, end)
phone = ui.is_phone()


@st.fragment
def chart_panel() -> None:
    """The Scale control and the chart. Switching the scale reruns only this part: nothing else on the
    page depends on it, and not redrawing the rest took a switch from 0.185 to 0.165 s (floor: 0.146)."""
    if ui.chart_click_pending(st.session_state.get(ui.CHART_KEY)):
        st.rerun()  # a clicked marker selects an event: the whole page shows it
    ui.render_scale_control()
    shown_view = ui.current_view()
    st.plotly_chart(
        ui.timeline_figure(shown_view, start, end, phone),
        key=ui.CHART_KEY,
        on_select="rerun",
        selection_mode="points",
        theme=None,
        config=ui.chart_config(shown_view, phone),
    )
    state.write_url(to_params(shown_view), page="timeline")


chart_panel()
with controls:
    ui.render_controls(available, data_start, data_end)
if loaded:  # one element for all the series' provenance lines: fewer elements to redraw per rerun
    st.caption("  \n".join(item.caption() for item in loaded))

ui.render_event_picker(shown)
if view.event in by_id:
    related = [s for s in (data.load_series(k) for k in dict.fromkeys([*view.series, *by_id[view.event].series])) if s]
    ui.render_event_details(by_id[view.event], related)
