"""Timeline: market series with the sourced US–Japan event timeline drawn on them."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why, and the page's other ordering rules: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import chart, loaders, publish, url_state, widgets, width, zoom
from usjp.ui import timeline as ui
from usjp.ui.keys import TIMELINE as KEYS

# 1/ URL -> widget state, and a clicked marker -> the selected event (both before any widget is drawn)
all_events = loaders.load_events()
by_id = {e.id: e for e in all_events}
available = ui.series_choices(loaders.available_keys())
data_start, data_end = loaders.date_bounds()
url = ui.binding(list(by_id), available, (data_start, data_end))
url.sync()
ui.take_chart_click((data_start, data_end))
view = ui.current_view()
url_state.render_notices()
widgets.render_events_notice(loaders.events_problems(), len(all_events))
widgets.render_data_notices(loaders.data_notices([*view.series, *ui.bar_keys(view)]))
controls = st.sidebar.container()  # filled after the chart is sent (3/)

start, end = view.window(data_start, data_end)
ui.render_releases_notices(view, start, end)
shown = ui.events_shown(all_events, view, start, end)
column = width.column_width()


# 2/ The Scale control and the chart: a fragment, so switching the scale reruns only this part
@st.fragment
def chart_panel() -> None:
    if ui.chart_click_pending():
        st.rerun()  # a clicked marker selects an event: the whole page shows it
    ui.render_scale_control()
    shown_view = ui.current_view()
    scales = ui.by_scale(shown_view)  # every scale's figure: switching draws at once, in the browser
    chart.show_scales(
        {mode: loaders.load_timeline_figure(v, start, end, column) for mode, v in scales.items()},
        shown_view.mode,
        control=KEYS.mode,
        key=KEYS.chart,
        alts={mode: publish.alt_text(v, start, end) for mode, v in scales.items()},
        config=ui.chart_config(shown_view, column),
        select=True,
    )  # its own "Show the data" below, with the levels behind an indexed chart
    url.write(shown_view)


chart_panel()

# 3/ The sidebar controls (their values are already in session state), then provenance
with controls:
    ui.render_controls(available, data_start, data_end)
    ui.render_annotation_controls(shown)
zoom.render_watch(KEYS.chart, KEYS.zoom, ui.zoom_to((start, end)), (data_start, data_end))
loaded = loaders.load_many(view.series)
if bars := ui.interventions_drawn(view, start, end):
    loaded.append(bars)
if loaded:  # one element for all the lines (and the bars): fewer to redraw per rerun
    st.caption("  \n".join(widgets.caption_of(item) for item in loaded))

publish.render_data_table(view, start, end)
publish.render_panel(view, start, end, shown)

# 4/ The selected event's details
widgets.render_event_picker(shown, KEYS.event)
if view.event in by_id:
    event = by_id[view.event]
    widgets.render_data_notices(loaders.data_notices([k for k in event.series if k not in view.series], stores=False))
    widgets.render_event_details(event, loaders.load_many([*view.series, *event.series]), all_events)
width.render_probe()  # last: measures the column the charts fill (layout by width, not by browser)
