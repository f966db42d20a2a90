"""Data and sources: every series with its publisher, licence, coverage and checksum."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import sources as ui
from usjp.ui import url_state, width

# 1/ URL: this page has no view; anything in a link is reported
ui.binding().sync()

st.title("Data and sources")
st.markdown(ui.INTRO)
url_state.render_notices()
ui.render_notices()

# 2/ The series table and how to cite each
# A short heading on the left: the table's toolbar (shown above its right edge on touch screens) then
# covers empty space, not the paragraph.
st.header("Series")
ui.render_series_table()
st.header("Event timeline")
ui.render_timeline_facts()
st.header("How to cite")
ui.render_citations()
ui.binding().write(ui.SourcesView())
width.render_probe()  # last: measures the column (a phone gets a card per series instead of the table)
