"""The card: who holds US Treasuries (TIC), Japan's share, what was known when, and Japan's interventions."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import chart, loaders, url_state, widgets, width
from usjp.ui import holdings as ui
from usjp.ui.keys import HOLDINGS as KEYS

# 1/ URL -> widget state; a clicked marker selects its event before the picker is drawn
all_events = loaders.load_events()
by_id = {e.id: e for e in all_events}
url = ui.binding(list(by_id))
url.sync()
ui.take_chart_click()

ui.render_intro()
url_state.render_notices()
widgets.render_events_notice(loaders.events_problems(), len(all_events))
widgets.render_data_notices(loaders.data_notices(ui.KEYS_SHOWN))
vintages, vintage_problems = loaders.load_tic_vintages()
widgets.render_data_notices(vintage_problems)

# 2/ Controls and the chart
ui.render_controls()
view = ui.current_view()
data = ui.holdings_data(all_events)
if data is None:
    st.info("Japan's holdings or the foreign total are not stored on this machine: nothing to draw.")
else:
    compact = width.is_compact()
    ui.render_mode_note(view, data)
    chart.show(
        ui.figure(data, view, compact),
        key=KEYS.chart,
        select=True,
        config=ui.config(view, compact),
        alt=ui.alt(data, view),
    )
    ui.render_latest(data)
    st.caption("  \n".join(widgets.caption_of(item) for item in ui.shown_series()))

# 3/ The selected event: what was known that day, and its details
widgets.render_event_picker(ui.picker_events(all_events, view.event), KEYS.event)
view = ui.current_view()
if event := by_id.get(view.event):
    if data is not None:
        ui.render_known_when(event, data, all_events, vintages)
    widgets.render_event_details(event, loaders.load_many(["ust10y", "usdjpy"]), all_events)

url.write(view)
width.render_probe()  # last: measures the column the chart fills (layout by width, not by browser)
