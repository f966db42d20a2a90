"""The yen page's panels: its URL binding and controls, USD/JPY with the interventions and events, the
"did it stick?" paths and the monthly US–Japan 10-year gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from usjp import catalog
from usjp.analysis import intervention
from usjp.data.store import StoredSeries
from usjp.events import Event
from usjp.figures import credits, yen_words
from usjp.figures.event_study import build_aligned_paths_figure
from usjp.figures.style import export_config
from usjp.figures.yen import LANES, build_gap_figure, build_yen_figure
from usjp.ui import chart, loaders
from usjp.ui.keys import YEN as KEYS
from usjp.ui.markdown import md_escape
from usjp.ui.timeline import selected_from_chart
from usjp.ui.url_state import UrlBinding
from usjp.views.yen import CUSTOM, YenView, parse_yen_view, to_params

Episodes = dict[str, tuple[dt.date, dt.date]]
LAST_CLICK = "_yen_last_chart_click"
GAP_CONTEXT_DAYS = 730  # the gap chart shows at least the two years before the range ends


def binding(episodes: Episodes, bounds: tuple[dt.date, dt.date], event_ids: Sequence[str]) -> UrlBinding[YenView]:
    """The page's view in the URL: episode (or custom start/end) and the selected event."""
    ids = frozenset(event_ids)
    return UrlBinding(
        page="yen",
        parse=lambda params: parse_yen_view(params, episodes, bounds, ids),
        apply=lambda view: apply_view(view, episodes, bounds),
        to_params=lambda view: to_params(view, episodes),
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: YenView, episodes: Episodes, bounds: tuple[dt.date, dt.date]) -> None:
    """Put a view (from the URL) into the widgets' state; the date pickers show the episode's range."""
    start, end = view.window(episodes, bounds)
    state = st.session_state
    state[KEYS.episode] = view.episode
    state[KEYS.start], state[KEYS.end] = start, end
    state[KEYS.event] = view.event or ""


def take_chart_click() -> None:
    """A newly clicked event marker becomes the selected event (before the picker is drawn)."""
    clicked = selected_from_chart(st.session_state.get(KEYS.chart))
    if clicked and clicked != st.session_state.get(LAST_CLICK):
        st.session_state[KEYS.event] = clicked
    st.session_state[LAST_CLICK] = clicked


def current_view() -> YenView:
    state = st.session_state
    episode = state[KEYS.episode]
    custom = episode == CUSTOM
    return YenView(
        episode=episode,
        start=state[KEYS.start] if custom else None,
        end=state[KEYS.end] if custom else None,
        event=state[KEYS.event] or None,
    )


# -- controls --------------------------------------------------------------------------------------
def render_controls(episodes: Episodes, bounds: tuple[dt.date, dt.date]) -> None:
    """Episode preset and the two dates: picking an episode sets the dates, changing a date makes it custom."""

    def episode_chosen() -> None:
        chosen = st.session_state[KEYS.episode]
        if chosen in episodes:
            st.session_state[KEYS.start], st.session_state[KEYS.end] = episodes[chosen]

    def date_changed() -> None:
        st.session_state[KEYS.episode] = CUSTOM

    left, middle, right = st.columns([2, 1, 1])
    left.selectbox(
        "Episode",
        [*episodes, CUSTOM],
        format_func=lambda k: yen_words.episode_label(k, episodes),
        key=KEYS.episode,
        on_change=episode_chosen,
        help=yen_words.episodes_help(intervention.EPISODE_PAD_DAYS),
    )
    first, last = bounds
    middle.date_input("From", min_value=first, max_value=last, key=KEYS.start, on_change=date_changed)
    right.date_input("To", min_value=first, max_value=last, key=KEYS.end, on_change=date_changed)


def custom_range_problem(view: YenView) -> str:
    if view.episode == CUSTOM and view.start and view.end and view.start >= view.end:
        return "The start date is not before the end date: showing all the data instead."
    return ""


# -- the main chart -------------------------------------------------------------------------------
def shown_events(events: Sequence[Event], start: dt.date, end: dt.date) -> list[Event]:
    """The central-bank and currency events in the range (the chart's two lanes)."""
    return [e for e in events if e.category in LANES and start <= e.date <= end]


def operation_days(record: StoredSeries | None, start: dt.date, end: dt.date) -> pd.Series:
    if record is None:
        return pd.Series(dtype="float64")
    return intervention.operation_days(record.values, start, end)


def render_main_chart(
    usdjpy: StoredSeries,
    record: StoredSeries | None,
    days: pd.Series,
    events: Sequence[Event],
    view: YenView,
    window: tuple[dt.date, dt.date],
    *,
    compact: bool,
    column: int,
) -> None:
    start, end = window

    def build() -> go.Figure:
        values = usdjpy.values[pd.Timestamp(start) : pd.Timestamp(end)].dropna()
        return build_yen_figure(
            values,
            days,
            events,
            start=start,
            end=end,
            selected=view.event,
            title=yen_words.main_title(start, end),
            subtitle=yen_words.main_subtitle(days, values),
            source_lines=yen_words.main_sources(usdjpy.spec, record.spec if record else None),
            as_of=credits.as_of_line([s for s in (usdjpy, record) if s is not None]),
            compact=compact,
            plot_px=max(column - (72 if compact else 130), 100),
        )

    # shared per range, selection, events drawn and layout (`days` and the values follow from the range)
    key = (start, end, view.event, tuple(e.id for e in events), compact, column)
    fig = loaders.shared_figure("yen", key, series_keys(), build)
    chart.show(
        fig,
        key=KEYS.chart,
        select=True,
        config=export_config(f"usjp-yen-{start}-{end}", compact),
        alt=yen_words.main_alt(start, end, days, len(events)),
    )


# -- did it stick? --------------------------------------------------------------------------------
def render_paths(
    usdjpy: StoredSeries, record: StoredSeries | None, days: pd.Series, events: Sequence[Event], *, compact: bool
) -> None:
    ops_all = intervention.group_operations(days)
    if not ops_all:
        st.info("No intervention falls in this range, so there is nothing to align: pick an episode.")
        return
    direction = intervention.main_direction(ops_all)
    ops = [op for op in ops_all if op.direction == direction]
    paths = loaders.load_yen_paths(tuple(op.first for op in ops))
    if paths is None or paths.paths.empty:
        st.info("These operations fall too close to the start or the end of the USD/JPY data to align.")
        return
    first, last = ops[0].first, ops[-1].last
    n = paths.paths.shape[1]
    key = (tuple(op.first for op in ops), first, last, direction, compact)
    fig = loaders.shared_figure(
        "yen-paths",
        key,
        series_keys(),
        lambda: build_aligned_paths_figure(
            paths,
            category="fx",
            event_titles={e.id: e.title for e in events},
            title=yen_words.paths_title(usdjpy.spec, n, direction, first, last),
            subtitle=yen_words.paths_subtitle(paths, compact),
            source_lines=yen_words.paths_sources(usdjpy.spec, record.spec if record else None, paths),
            as_of=credits.as_of_line([s for s in (usdjpy, record) if s is not None]),
            compact=compact,
            height=640 if compact else 540,
        ),
    )
    verdict = yen_words.stick_verdict(paths, direction)
    chart.show(
        fig,
        key=KEYS.paths_chart,
        config=export_config(f"usjp-yen-paths-{first}-{last}", compact),
        alt=f"Line chart. {yen_words.paths_title(usdjpy.spec, n, direction, first, last)}. {verdict}",
    )
    st.markdown(md_escape(verdict))
    st.caption(md_escape(yen_words.grouping_note(len(days), ops, len(ops_all) - len(ops), direction)))


# -- the rate gap ---------------------------------------------------------------------------------
def render_gap(window: tuple[dt.date, dt.date], *, compact: bool) -> None:
    us, jp = loaders.load_series("ust10y"), loaders.load_series("jgb10y")
    gap = loaders.load_rate_gap()
    if us is None or jp is None or gap is None:
        st.info("The US or the Japanese 10-year yield is not available here, so the gap cannot be drawn.")
        return
    start, end = window
    context = min(start, end - dt.timedelta(days=GAP_CONTEXT_DAYS))
    shown = gap[pd.Timestamp(context).replace(day=1) : pd.Timestamp(end)]
    if shown.empty:
        st.info(md_escape(yen_words.gap_missing(us.values.index[0].date() if len(us.values) else None)))
        return
    key = (shown.index[0], shown.index[-1], len(shown), compact)
    fig = loaders.shared_figure(
        "yen-gap",
        key,
        ("ust10y", "jgb10y"),
        lambda: build_gap_figure(
            shown,
            title=yen_words.gap_title(shown.index[0].date(), shown.index[-1].date()),
            subtitle=yen_words.gap_subtitle(shown),
            source_lines=yen_words.gap_sources(us.spec, jp.spec),
            as_of=credits.as_of_line([us, jp]),
            compact=compact,
        ),
    )
    chart.show(
        fig,
        key=KEYS.gap_chart,
        config=export_config(f"usjp-yen-gap-{end}", compact),
        alt=yen_words.gap_alt(shown),
    )
    st.caption(md_escape(yen_words.gap_caption(context < start)))


def load_record() -> StoredSeries | None:
    """Japan's intervention record (None when no stored copy passed its checks)."""
    return loaders.load_series(catalog.INTERVENTIONS)


def series_keys() -> list[str]:
    """The series this page draws (for the data notices)."""
    return ["usdjpy", catalog.INTERVENTIONS, "ust10y", "jgb10y"]
