"""Event study: what markets did after each event (scoreboard), and events of one kind aligned (paths)."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock, see usjp/ui/boot.py).
boot.ensure_app_navigation()

from usjp.charts import export_config
from usjp.study_view import to_params
from usjp.ui import data, event_stats, state
from usjp.ui import event_study as ui
from usjp.ui.timeline import is_phone

PATHS_KEY = "es_paths_chart"


all_events = data.load_events()
available = ui.usable_series()
ui.sync_from_url(available)

st.title("Event study: what happened after")
st.caption(
    "How far each market moved after each event, how unusual that was for the series, and whether events "
    "of one kind move markets more than ordinary days. The method is explained at the bottom of the page."
)
state.render_notices()

st.subheader("Scoreboard")
board_view = ui.render_scoreboard_controls(available)
board = event_stats.load_scoreboard((board_view.window,))
ui.render_scoreboard(ui.scoreboard_rows(board, board_view), board_view)
if shown := [item for item in (data.load_series(key) for key in board_view.series) if item]:
    st.caption("  \n".join(item.caption() for item in shown))

st.subheader("Aligned paths")
category, series = ui.render_path_controls(available, all_events)
paths, item = ui.load_aligned(category, series), data.load_series(series)
if paths is None or item is None or paths.paths.empty:
    st.info("No events of this kind fall inside this series' data.")
else:
    phone = is_phone()
    st.plotly_chart(
        ui.paths_figure(paths, category, item, all_events, phone),
        key=PATHS_KEY,
        theme=None,
        config=export_config(f"usjp-paths-{category}-{series}", phone),
    )
    st.caption(item.caption())
    st.markdown(ui.verdict(paths, category))
    if skipped := ui.skipped_caption(paths, all_events):
        st.caption(skipped)

st.subheader("Method")
ui.render_method_note()

state.write_url(to_params(ui.current_view(board_view, category, series)))
