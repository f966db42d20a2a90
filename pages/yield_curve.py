"""The yield curve around events: curves on chosen closes, each maturity's move, the 10Y–2Y spread."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import chart, loaders, widgets, width
from usjp.ui import yield_curve as ui
from usjp.ui.keys import YIELD_CURVE as KEYS

# 1/ URL -> widget state, and a clicked marker -> the chosen event (both before any widget is drawn)
all_events = loaders.load_events()
by_id = {e.id: e for e in all_events}
url = ui.binding(list(by_id))
url.sync()
ui.take_chart_click()
view = ui.current_view(list(by_id))

st.title("The yield curve around events")
ui.render_intro(view)
widgets.render_events_notice(loaders.events_problems(), len(all_events))
widgets.render_data_notices(loaders.data_notices(ui.SERIES))
controls = st.sidebar.container()  # filled after the charts are sent (5/)
compact = width.is_compact()
closes = loaders.load_curve_closes()
event = by_id.get(view.event)

# 2/ The curves over maturity
if closes is None or closes.empty:
    st.info("The five Treasury maturities have no usable data here, so no curve can be drawn.")
else:
    last = closes.index[-1].date()
    curves, missing = ui.curves_for(view, closes, by_id)
    if curves:
        chart.show(
            ui.curve_figure(curves, by_id, event, last, compact),
            key="yc_curve_chart",
            config=ui.config("curves", compact),
            alt=ui.curve_alt(curves, by_id, event),
        )
    else:
        st.info("None of the chosen dates has Treasury data on or before it: no curve to draw.")
    ui.render_curve_captions(curves, missing)

    # 3/ Each maturity's move around the event
    st.header("How each maturity moved")
    moves_event = by_id.get(view.moves_event)
    if moves_event is None:
        st.info("The event for the moves is not on the timeline.")
    else:
        items = ui.moves(moves_event.id, view.window)
        chart.show(
            ui.moves_figure(items, moves_event, view.window, last, compact),
            key="yc_moves_chart",
            config=ui.config(f"moves-{moves_event.id}-{view.window.key.replace(':', '_')}", compact),
            alt=ui.moves_alt(items, moves_event, view.window),
        )
        ui.render_window_caption(moves_event, view)

# 4/ The 10Y–2Y spread with the events, and the chosen event's details
st.header("The 10Y–2Y spread")
start = ui.spread_start(view, by_id)
spread = ui.spread_bp(start)
shown = []
if spread is None or spread.empty:
    st.info("The 10Y–2Y spread has no usable data here.")
else:
    shown = ui.spread_events(all_events, view, start, spread.index[-1].date())
    chart.show(
        ui.spread_figure(spread, shown, view, compact),
        key=KEYS.spread_chart,
        select=True,
        config=ui.config("spread", compact),
        alt=ui.spread_alt(spread, shown),
    )
if loaded := loaders.load_many(ui.SERIES):
    st.caption("  \n".join(widgets.caption_of(item) for item in loaded))
widgets.render_event_picker(shown or all_events, KEYS.event)
if event is not None:
    widgets.render_event_details(event, loaders.load_many(ui.SERIES), all_events)

# 5/ The sidebar controls (their values are already in session state)
with controls:
    ui.render_controls()

url.write(view)
width.render_probe()  # last: measures the column the charts fill (layout by width, not by browser)
