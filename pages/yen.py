"""The yen and intervention: USD/JPY with Japan's operations, whether they stuck, and the 10-year gap."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import loaders, url_state, widgets, width
from usjp.ui import yen as ui
from usjp.ui.keys import YEN as KEYS

# 1/ URL -> widget state, and a clicked marker -> the selected event (both before any widget is drawn)
all_events = loaders.load_events()
by_id = {e.id: e for e in all_events}
usdjpy = loaders.load_series("usdjpy")
record = ui.load_record()
episodes = loaders.load_yen_episodes()

st.title("The yen and intervention")
st.caption(
    "USD/JPY with each day Japan's finance ministry bought or sold yen, the central-bank and currency events "
    "around them, whether the operations moved the yen for long, and the gap between US and Japanese 10-year "
    "yields that pulls the other way."
)
widgets.render_data_notices(loaders.data_notices(ui.series_keys()))
if usdjpy is None:
    st.error("USD/JPY has no usable data here, so this page has nothing to draw.")
    st.stop()
bounds = (usdjpy.values.index[0].date(), usdjpy.last_date)
url = ui.binding(episodes, bounds, list(by_id))
url.sync()
ui.take_chart_click()
url_state.render_notices()
widgets.render_events_notice(loaders.events_problems(), len(all_events))

# 2/ The range, then USD/JPY with the interventions and the events
ui.render_controls(episodes, bounds)
view = ui.current_view()
if problem := ui.custom_range_problem(view):
    st.warning(problem)
window = view.window(episodes, bounds)
shown = ui.shown_events(all_events, *window)
days = ui.operation_days(record, *window)
compact = width.is_compact()
ui.render_main_chart(usdjpy, record, days, shown, view, window, compact=compact, column=width.column_width())
st.caption("  \n".join(widgets.caption_of(item) for item in (usdjpy, record) if item is not None))

# 3/ The selected event's details
widgets.render_event_picker(shown, KEYS.event)
if view.event in by_id:
    widgets.render_event_details(by_id[view.event], loaders.load_many(["usdjpy"]), all_events)

# 4/ Did it stick?
st.header("Did it stick?")
ui.render_paths(usdjpy, record, days, all_events, compact=compact)

# 5/ The US–Japan 10-year gap
st.header("The US–Japan 10-year gap")
ui.render_gap(window, compact=compact)

url.write(ui.current_view())
width.render_probe()  # last: measures the column the charts fill (layout by width, not by browser)
