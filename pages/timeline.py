"""Timeline: market series with the sourced US–Japan event timeline drawn on them."""

import pandas as pd
import streamlit as st

from usjp import events as ev
from usjp.charts import SeriesView, build_timeline_figure
from usjp.ui import boot, data, event_stats, state
from usjp.ui import timeline as ui
from usjp.viewstate import parse_view, to_params

CHART_KEY = "timeline_chart"

boot.ensure_app_navigation()

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
ui.take_chart_click(st.session_state.get(CHART_KEY))
view = ui.render_controls(available, data_start, data_end)
state.render_notices()

loaded = [s for s in (data.load_series(k) for k in view.series) if s is not None]
start, end = view.window(data_start, data_end)
shown = ev.filter_events(all_events, view.categories, view.importance, start, end)
phone = ui.is_phone()
fig = build_timeline_figure(
    [
        SeriesView(
            s.spec.key, s.spec.label, s.spec.short, s.spec.unit, s.values[pd.Timestamp(start) : pd.Timestamp(end)]
        )
        for s in loaded
    ],
    shown,
    start=start,
    end=end,
    title=ui.chart_title(loaded, start, end),
    subtitle=ui.chart_subtitle(shown),
    source_lines=ui.source_lines(loaded),
    as_of=ui.as_of_line(loaded),
    mode=view.mode,
    selected=view.event,
    headlines=event_stats.headlines(view.series),
    compact=phone,
    height=720 if phone else 640,
    uirevision=f"{view.series}{start}{end}{view.mode}",
)
st.plotly_chart(
    fig,
    key=CHART_KEY,
    on_select="rerun",
    selection_mode="points",
    theme=None,
    config=ui.chart_config(view, phone),
)
for item in loaded:
    st.caption(item.caption())

ui.render_event_picker(shown)
if view.event in by_id:
    related = [s for s in (data.load_series(k) for k in dict.fromkeys([*view.series, *by_id[view.event].series])) if s]
    ui.render_event_details(by_id[view.event], related)

state.write_url(to_params(view), page="timeline")
