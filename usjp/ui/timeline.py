"""Widgets and panels of the timeline page."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from usjp import catalog
from usjp.charts import SeriesView, build_timeline_figure, export_config
from usjp.events import CATEGORIES, CATEGORY_LABELS, Event, filter_events
from usjp.ui import data, event_stats
from usjp.ui.data import LoadedSeries
from usjp.ui.text import md_escape, md_link
from usjp.viewstate import MAX_SERIES, PRESET_BY_KEY, PRESETS, View

IMPORTANCE_LABELS = {1: "All events", 2: "Notable and headline", 3: "Headline only"}
MODE_LABELS = {"levels": "Levels", "indexed": "Indexed (start = 100)"}
W = {  # widget keys
    "series": "w_series",
    "range": "w_range",
    "start": "w_start",
    "end": "w_end",
    "categories": "w_categories",
    "importance": "w_importance",
    "mode": "w_mode",
    "event": "w_event",
}
NO_EVENT = ""
CHART_KEY = "timeline_chart"


def apply_view(view: View, data_start: dt.date, data_end: dt.date) -> None:
    """Put a view (from the URL) into the widgets' state."""
    start, end = view.window(data_start, data_end)
    st.session_state[W["series"]] = list(view.series)
    st.session_state[W["range"]] = view.range
    st.session_state[W["start"]] = start
    st.session_state[W["end"]] = end
    st.session_state[W["categories"]] = list(view.categories)
    st.session_state[W["importance"]] = view.importance
    st.session_state[W["mode"]] = view.mode
    st.session_state[W["event"]] = view.event or NO_EVENT


def render_controls(available: list[str], data_start: dt.date, data_end: dt.date) -> None:
    """The view's controls, in the current container (the page puts them in the sidebar).

    Their values are in session state already (set from the URL or by the reader's last change), so
    a page can read the view (`current_view`) and send its chart before drawing them: on a first
    visit the browser then fetches the chart's code before the widgets'.
    """
    st.multiselect(
        "Series",
        options=available,
        format_func=lambda k: catalog.get(k).label,
        max_selections=MAX_SERIES,
        key=W["series"],
        help="Up to four. Two units get two axes; more switch to an indexed scale.",
    )
    st.selectbox("Date range", [p.key for p in PRESETS], format_func=lambda k: PRESET_BY_KEY[k].label, key=W["range"])
    if st.session_state[W["range"]] == "custom":
        left, right = st.columns(2)
        left.date_input("From", min_value=data_start, max_value=data_end, key=W["start"])
        right.date_input("To", min_value=data_start, max_value=data_end, key=W["end"])
        if not _custom_range_ok():
            st.warning("Pick a start date before the end date; showing the preset range meanwhile.")
    st.pills(
        "Event categories",
        CATEGORIES,
        selection_mode="multi",
        format_func=CATEGORY_LABELS.get,
        key=W["categories"],
    )
    # A vertical radio: the three labels as a segmented control wrap into a staircase in the sidebar.
    st.radio("Events shown", [1, 2, 3], format_func=IMPORTANCE_LABELS.get, key=W["importance"])


def render_scale_control() -> None:
    """Levels or indexed: drawn with the chart (not in the sidebar), so switching reruns only the chart."""
    st.radio(
        "Scale",
        list(MODE_LABELS),
        format_func=MODE_LABELS.get,
        key=W["mode"],
        horizontal=True,
        label_visibility="collapsed",
    )


def _custom_range_ok() -> bool:
    start, end = st.session_state.get(W["start"]), st.session_state.get(W["end"])
    return isinstance(start, dt.date) and isinstance(end, dt.date) and start < end


def current_view() -> View:
    """The view the controls describe, read from their state (see `render_controls`)."""
    state = st.session_state
    view = View(
        series=tuple(state[W["series"]]) or View().series,
        range=state[W["range"]],
        categories=tuple(c for c in CATEGORIES if c in (state[W["categories"]] or [])),
        importance=int(state[W["importance"]] or 1),
        mode=state[W["mode"]],
        event=state[W["event"]] or None,
    )
    if view.range == "custom":
        if _custom_range_ok():
            return replace(view, start=state[W["start"]], end=state[W["end"]])
        return replace(view, range="all")
    return view


def render_event_picker(events: list[Event]) -> None:
    """A keyboard-friendly alternative to clicking a marker."""
    options = [NO_EVENT, *[e.id for e in events]]
    if st.session_state.get(W["event"]) not in options:
        options.append(st.session_state[W["event"]])
    by_id = {e.id: e for e in events}
    st.selectbox(
        "Event details",
        options,
        format_func=lambda i: (
            "Click a marker or choose an event…"
            if i == NO_EVENT
            else (f"{by_id[i].date:%d %b %Y} · {by_id[i].title}" if i in by_id else i)
        ),
        key=W["event"],
    )


def selected_from_chart(state: object) -> str | None:
    """The event id of a clicked marker (None when the click was not on an event)."""
    try:
        points = state.selection.points  # type: ignore[attr-defined]
    except AttributeError:
        return None
    for point in points or []:
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, list) and custom and isinstance(custom[0], str):
            return custom[0]
    return None


def render_event_details(event: Event, loaded: list[LoadedSeries]) -> None:
    """Summary, quote, sources, and what the related series did after (event-window statistics)."""
    with st.container(border=True, key="event_details"):
        st.markdown(f"#### {md_escape(event.title)}")
        span = f" to {event.end:%d %b %Y}" if event.end else ""
        status = "" if event.status == "confirmed" else f" · status: {event.status}"
        st.caption(
            f"{event.date:%A %d %B %Y}{span} · {CATEGORY_LABELS[event.category]} · "
            f"importance {event.importance}/3{status}"
        )
        st.markdown(md_escape(event.summary))
        if event.quote:
            who = md_escape(event.quote.speaker)
            st.markdown(f"> “{md_escape(event.quote.text)}”  \n> — {who}")
            if event.quote.translation:
                st.caption(f"Translation: {md_escape(event.quote.translation)}")
        if event.timing_note:
            st.caption(f"Timing: {md_escape(event.timing_note)}")
        lines = []
        for source in event.sources:
            when = f", {source.published}" if source.published else ""
            lines.append(f"- {md_escape(source.publisher)}: {md_link(source.title, source.url)}{md_escape(when)}")
        st.markdown("**Sources**\n\n" + "\n".join(lines))
        event_stats.render_event_stats(event, loaded, data.load_events())


LAST_CLICK = "_last_chart_click"


def chart_click_pending(chart_state: object) -> bool:
    """A marker was clicked that `take_chart_click` has not taken yet."""
    clicked = selected_from_chart(chart_state)
    return bool(clicked) and clicked != st.session_state.get(LAST_CLICK)


def take_chart_click(chart_state: object) -> None:
    """A newly clicked marker becomes the selected event (before the picker widget is drawn)."""
    clicked = selected_from_chart(chart_state)
    if chart_click_pending(chart_state):
        st.session_state[W["event"]] = clicked
    st.session_state[LAST_CLICK] = clicked


def _span(start: dt.date, end: dt.date) -> str:
    return f"{start:%b %Y}" if (start.year, start.month) == (end.year, end.month) else f"{start:%b %Y} – {end:%b %Y}"


def is_phone() -> bool:
    """Phones get the compact chart layout (Streamlit does not tell the viewport width; the browser does)."""
    agent = st.context.headers.get("User-Agent", "") if st.context.headers else ""
    return "Mobi" in agent or "Android" in agent


def chart_title(loaded: list[LoadedSeries], start: dt.date, end: dt.date) -> str:
    names = [s.spec.label.split(" (")[0] if len(loaded) <= 2 else s.spec.short for s in loaded]
    joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1] if names else "No data"
    return f"{joined}, {_span(start, end)}"


def chart_subtitle(shown: list[Event]) -> str:
    spans = sum(1 for e in shown if e.end)
    extra = f"; shaded: {spans} period{'s' if spans != 1 else ''}" if spans else ""
    return f"{len(shown)} US–Japan trade-tension events below, by category; dotted lines: headline events{extra}"


def source_lines(loaded: list[LoadedSeries]) -> list[str]:
    lines = [f"Source: {s.spec.publisher.split(',')[0]}, {s.spec.source.upper()} {s.spec.source_id}" for s in loaded]
    return [*lines, "Events: US–Japan trade-tension dashboard timeline; each event cites its reporting"]


def as_of_line(loaded: list[LoadedSeries]) -> str:
    if not loaded:
        return ""
    return "Data as of " + ", ".join(f"{s.spec.short} {s.last_date:%d %b %Y}" for s in loaded)


def chart_config(view: View, phone: bool = False) -> dict:
    """The PNG export is named after the view."""
    name = "usjp-" + "-".join(view.series) + f"-{view.range}" + (f"-{view.event}" if view.event else "")
    return export_config(name, phone)


def timeline_figure(view: View, start: dt.date, end: dt.date, phone: bool) -> go.Figure:
    """The chart of a view, built once per view and data version and then shared: a rerun that
    changes something else, and the next reader of the same view, reuse it. Never modify it."""
    versions = tuple(data.series_version(k) for k in view.series)
    return _timeline_figure(replace(view, notices=()), start, end, phone, versions, data.events_version())


@st.cache_resource(show_spinner=False, max_entries=64)
def _timeline_figure(
    view: View, start: dt.date, end: dt.date, phone: bool, versions: tuple, events_version: tuple[int, int]
) -> go.Figure:
    loaded = [s for s in (data.load_series(k) for k in view.series) if s is not None]
    shown = filter_events(data.load_events(), view.categories, view.importance, start, end)
    window = slice(pd.Timestamp(start), pd.Timestamp(end))
    return build_timeline_figure(
        [SeriesView(s.spec.key, s.spec.label, s.spec.short, s.spec.unit, s.values[window]) for s in loaded],
        shown,
        start=start,
        end=end,
        title=chart_title(loaded, start, end),
        subtitle=chart_subtitle(shown),
        source_lines=source_lines(loaded),
        as_of=as_of_line(loaded),
        mode=view.mode,
        selected=view.event,
        headlines=event_stats.headlines(view.series),
        compact=phone,
        height=720 if phone else 640,
        uirevision=f"{view.series}{start}{end}{view.mode}",
    )
