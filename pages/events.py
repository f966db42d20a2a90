"""Event log: every event of the timeline as a list to search, filter and download; open one for its details."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import event_log as ui
from usjp.ui import loaders, url_state, widgets

# 1/ URL -> widget state
all_events = loaders.load_events()
curated = loaders.load_curated_events()
by_id = {e.id: e for e in all_events}
url = ui.binding(list(by_id))
url.sync()

st.title(ui.PAGE_TITLE)
st.caption(ui.PAGE_CAPTION)
url_state.render_notices()
widgets.render_events_notice(loaders.events_problems(), len(curated))

# 2/ Search, filters and order
ui.render_controls(all_events)
view = ui.current_view()

# 3/ The log: how many match, the table with its links, the downloads
shown, listed, hidden = ui.shown_events(all_events, curated, view)
ui.render_log(shown, listed, hidden, view)

# 4/ One event opened: its summary, quote, sources and what the markets did after
ui.render_picker(shown, all_events)
view = ui.current_view()
if event := by_id.get(view.event):
    ui.render_event(event, all_events)

url.write(view)
