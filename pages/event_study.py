"""Event study: what markets did after each event (scoreboard), and events of one kind aligned (paths)."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import chart, loaders, url_state, widgets, width
from usjp.ui import event_study as ui
from usjp.ui.keys import STUDY as KEYS

# 1/ URL -> widget state
all_events = loaders.load_events()
available = loaders.daily_keys()
url = ui.binding(available)
url.sync()

st.title("Event study: what happened after")
st.caption(
    "How far each market moved after each event, how unusual that was for the series, and whether events "
    "of one kind move markets more than ordinary days. The method is explained at the bottom of the page."
)
url_state.render_notices()
widgets.render_events_notice(loaders.events_problems(), len(all_events))
widgets.render_data_notices(loaders.data_notices(loaders.catalog_daily_keys()))

# 2/ Scoreboard
st.header("Scoreboard")
board_view = ui.scoreboard_controls(available)
ui.render_scoreboard(board_view)
if shown := loaders.load_many(board_view.series):
    st.caption("  \n".join(widgets.caption_of(item) for item in shown))

# 3/ Aligned paths
st.header("Aligned paths")
category, series = ui.path_controls(available, all_events)
paths = loaders.load_aligned(category, series) if category and series else None
item = loaders.load_series(series) if series else None
if paths is None or item is None or paths.paths.empty:
    st.info("No events of this kind fall inside this series' data.")
else:
    compact = width.is_compact()
    chart.show(
        ui.paths_figure(paths, category, item, all_events, compact),
        key=KEYS.paths_chart,
        config=ui.paths_config(category, series, compact),
        alt=ui.paths_alt(paths, category, item),
    )
    st.caption(widgets.caption_of(item))
    ui.render_verdict(paths, category)
    if skipped := ui.skipped_caption(paths, all_events):
        st.caption(skipped)

# 4/ Method
st.header("Method")
ui.render_method_note()

url.write(ui.current_view(board_view, category, series))
width.render_probe()  # last: measures the column the charts fill (layout by width, not by browser)
