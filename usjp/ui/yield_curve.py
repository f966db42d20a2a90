"""The yield-curve page's panels: its URL binding, the controls, the three charts and their captions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from usjp import analysis, catalog
from usjp.analysis import Window
from usjp.analysis import curve as curves_
from usjp.analysis.curve import Curve
from usjp.events import Event
from usjp.figures import credits
from usjp.figures import yield_curve as fig
from usjp.figures import yield_curve_words as words
from usjp.figures.style import export_config
from usjp.ui import loaders, url_state
from usjp.ui.keys import YIELD_CURVE as KEYS
from usjp.ui.markdown import md_escape
from usjp.ui.timeline import selected_from_chart
from usjp.ui.url_state import UrlBinding
from usjp.views.yield_curve import (
    WINDOW_CHOICES,
    CurveView,
    chosen_curves,
    dates_text,
    parse_curve_view,
    to_params,
)

LAST_CLICK = "_yc_last_click"
SPREAD_START = dt.date(2024, 1, 1)  # the spread chart's start, unless the chosen event is earlier
MIN_IMPORTANCE = 2  # events drawn on the spread chart (the chosen one always is)


def binding(event_ids: Sequence[str]) -> UrlBinding[CurveView]:
    """The page's view in the URL: event, dates, window."""
    known = set(event_ids)
    return UrlBinding(
        page="yield_curve",
        parse=lambda params: parse_curve_view(params, known),
        apply=apply_view,
        to_params=to_params,
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: CurveView) -> None:
    """Put a view (from the URL) into the widgets' state."""
    state = st.session_state
    state[KEYS.event] = view.event
    state[KEYS.dates] = dates_text(view.dates)
    state[KEYS.window] = view.window.key


def current_view(event_ids: Sequence[str]) -> CurveView:
    """The view the widgets hold (read through the URL parser, so a typed date is checked the same way)."""
    state = st.session_state
    params = {
        "event": state.get(KEYS.event) or "",
        "dates": state.get(KEYS.dates) or "",
        "window": state.get(KEYS.window) or "",
    }
    return parse_curve_view({k: v for k, v in params.items() if v}, set(event_ids))


def take_chart_click() -> None:
    """A newly clicked marker on the spread chart becomes the chosen event (before the picker is drawn)."""
    clicked = selected_from_chart(st.session_state.get(KEYS.spread_chart))
    if clicked and clicked != st.session_state.get(LAST_CLICK):
        st.session_state[KEYS.event] = clicked
    st.session_state[LAST_CLICK] = clicked


def render_controls() -> None:
    """Dates and window (the event is chosen under the spread chart, or by clicking a marker)."""
    st.text_input("Curve dates", key=KEYS.dates, help=words.DATES_HELP, placeholder="2024-09-18, 2025-01-10")
    windows = [w.key for w in WINDOW_CHOICES]
    if st.session_state.get(KEYS.window) not in windows:
        windows.append(st.session_state[KEYS.window])  # a custom window from the URL
    st.selectbox(
        "Window for the moves",
        windows,
        format_func=lambda k: credits.window_label(analysis.parse_window(k)),
        key=KEYS.window,
        help=words.WINDOW_HELP,
    )


# -- curves ------------------------------------------------------------------------------------------
def curves_for(view: CurveView, closes: pd.DataFrame, by_id: dict[str, Event]) -> tuple[list[Curve], list[dt.date]]:
    """The curves to draw, and the dates asked for that have none (usjp/views/yield_curve.py); found once per
    event and dates asked for (and data version), and shared."""
    key = (view.event, view.dates)
    return loaders.shared_value("curves", key, lambda: chosen_curves(view, closes, by_id))


def _specs(keys: Sequence[str]) -> list:
    return [catalog.get(k) for k in keys]


def curve_figure(
    curves: Sequence[Curve], by_id: dict[str, Event], event: Event | None, last: dt.date, compact: bool
) -> go.Figure:
    """Built once per set of curves (their values are in the key) and shared (loaders.shared_figure)."""
    key = (tuple(curves), event.id if event else None, last, compact)
    return loaders.shared_figure("curves", key, SERIES, lambda: _curve_figure(curves, by_id, event, last, compact))


def _curve_figure(
    curves: Sequence[Curve], by_id: dict[str, Event], event: Event | None, last: dt.date, compact: bool
) -> go.Figure:
    frame = fig.Frame(
        title=words.curve_title(curves, by_id, event),
        subtitle=words.curve_subtitle(curves),
        footer=[*words.sources(_specs(curves_.CURVE_KEYS)), words.as_of(last)],
        compact=compact,
    )
    return fig.build_curve_figure(curves, by_id, frame)


def curve_alt(curves: Sequence[Curve], by_id: dict[str, Event], event: Event | None) -> str:
    return words.curve_alt(words.curve_title(curves, by_id, event), curves, by_id)


# -- moves ---------------------------------------------------------------------------------------------
def moves(event_id: str, window: Window) -> list[fig.MaturityMove]:
    return fig.maturity_moves(loaders.load_curve_stats(event_id, window), window)


def _rows(items: Sequence[fig.MaturityMove]) -> list[tuple[str, float | None, float | None]]:
    return [(m.label, m.change, m.z) for m in items]


def moves_figure(
    items: Sequence[fig.MaturityMove], event: Event, window: Window, last: dt.date, compact: bool
) -> go.Figure:
    """Built once per event, window and moves (their values are in the key) and shared."""
    key = (tuple(items), event.id, window, last, compact)
    return loaders.shared_figure("moves", key, SERIES, lambda: _moves_figure(items, event, window, last, compact))


def _moves_figure(
    items: Sequence[fig.MaturityMove], event: Event, window: Window, last: dt.date, compact: bool
) -> go.Figure:
    starts = [m.start for m in items if m.start]
    ends = [m.end for m in items if m.end]
    frame = fig.Frame(
        title=words.moves_title(event, window),
        subtitle=words.moves_subtitle(_rows(items), starts[0] if starts else None, ends[0] if ends else None),
        footer=[*words.sources(_specs(curves_.CURVE_KEYS)), words.as_of(last)],
        compact=compact,
    )
    return fig.build_moves_figure(items, frame)


def moves_alt(items: Sequence[fig.MaturityMove], event: Event, window: Window) -> str:
    return words.moves_alt(words.moves_title(event, window), _rows(items))


# -- spread --------------------------------------------------------------------------------------------
def spread_events(all_events: Sequence[Event], view: CurveView, start: dt.date, end: dt.date) -> list[Event]:
    """The events drawn on the spread chart: importance 2 and 3 in the range, and the chosen one."""
    return [e for e in all_events if start <= e.date <= end and (e.importance >= MIN_IMPORTANCE or e.id == view.event)]


def spread_start(view: CurveView, by_id: dict[str, Event]) -> dt.date:
    chosen = by_id.get(view.event)
    if chosen is not None and chosen.date < SPREAD_START:
        return chosen.date - dt.timedelta(days=180)
    return SPREAD_START


def spread_bp(start: dt.date) -> pd.Series | None:
    """The 10Y–2Y spread in basis points from `start`: made once per start (and data version), and shared."""
    return loaders.shared_value("spread_bp", start, lambda: _spread_bp(start))


def _spread_bp(start: dt.date) -> pd.Series | None:
    item = loaders.load_series("ust10y2y")
    if item is None:
        return None
    values = item.values.dropna()
    return (values[values.index >= pd.Timestamp(start)] * 100).round(6)


def spread_figure(values: pd.Series, shown: Sequence[Event], view: CurveView, compact: bool) -> go.Figure:
    """Built once per span of the stored spread, events shown and selection, and shared."""
    key = (_span(values), tuple(e.id for e in shown), view.event, compact)
    return loaders.shared_figure("spread", key, SERIES, lambda: _spread_figure(values, shown, view, compact))


def _span(values: pd.Series) -> tuple:
    return (values.index[0], values.index[-1], len(values)) if len(values) else ()


def _spread_figure(values: pd.Series, shown: Sequence[Event], view: CurveView, compact: bool) -> go.Figure:
    title = words.spread_title([(d.date(), float(v)) for d, v in values.items()][:: max(len(values) - 1, 1)])
    frame = fig.Frame(
        title=title,
        subtitle=words.SPREAD_SUBTITLE,
        footer=[*words.sources(_specs(["ust10y2y"]), with_events=True), words.as_of(values.index[-1].date())],
        compact=compact,
    )
    return fig.build_spread_figure(values, shown, view.event or None, frame)


def spread_alt(values: pd.Series, shown: Sequence[Event]) -> str:
    """The spread chart in words (counting its markers takes a search per event): once per span and events."""
    key = (_span(values), tuple(e.id for e in shown))
    return loaders.shared_value("spread_alt", key, lambda: _spread_alt(values, shown))


def _spread_alt(values: pd.Series, shown: Sequence[Event]) -> str:
    title = words.spread_title([(d.date(), float(v)) for d, v in values.items()][:: max(len(values) - 1, 1)])
    return words.spread_alt(title, len(fig.spread_markers(values, shown)))


def config(name: str, compact: bool) -> dict:
    return export_config(f"usjp-yield-curve-{name}", compact)


def caption(text: str) -> None:
    if text:
        st.caption(md_escape(text))


SERIES: tuple[str, ...] = (*curves_.CURVE_KEYS, "ust10y2y")  # every series the page draws


def render_intro(view: CurveView) -> None:
    """The page's lead, then what the URL or a typed date got wrong."""
    st.caption(words.INTRO)
    url_state.render_notices()
    for notice in view.notices:  # a date typed in the sidebar that could not be read
        st.warning(md_escape(notice), icon="⚠️")


def render_curve_captions(curves: Sequence[Curve], missing: Sequence[dt.date]) -> None:
    caption(words.asked_caption(curves))
    caption(words.missing_dates_caption(missing))


def render_window_caption(event: Event, view: CurveView) -> None:
    caption(words.window_caption(event, not view.event))
