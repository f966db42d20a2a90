"""The timeline page's panels: its URL binding, the sidebar controls, the Scale control, the chart's
marker clicks, and what the chart draws besides lines and events (Japan's interventions, releases)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

import streamlit as st

from usjp import catalog
from usjp.data.store import StoredSeries
from usjp.events import CATEGORIES, Event, category
from usjp.figures import timeline_words as words
from usjp.figures.style import export_config
from usjp.figures.timeline import COMPACT_BELOW_PX, ZOOM_PREFIX, intervention_days
from usjp.figures.timeline_view import shown_events
from usjp.figures.timeline_words import event_option
from usjp.ui import loaders
from usjp.ui.keys import TIMELINE as KEYS
from usjp.ui.markdown import md_escape
from usjp.ui.url_state import UrlBinding
from usjp.ui.widgets import NO_EVENT
from usjp.views.timeline import (
    MAX_LABELS,
    MAX_SERIES,
    PRESET_BY_KEY,
    PRESETS,
    TEXT_LIMITS,
    View,
    bar_series,
    clean_text,
    line_series,
    parse_view,
    to_params,
)

IMPORTANCE_LABELS = {1: "All events", 2: "Notable and headline", 3: "Headline only"}
LABEL_MODES = {"headline": "Headline events", "chosen": "Events I choose", "none": "None"}
MODE_LABELS = {"levels": "Levels", "indexed": "Indexed (start = 100)"}
LAST_CLICK = "_last_chart_click"


def binding(event_ids: Sequence[str], available: list[str], bounds: tuple[dt.date, dt.date]) -> UrlBinding[View]:
    """The timeline's view in the URL: series, range, categories, importance, event, scale."""
    ids = set(event_ids)
    return UrlBinding(
        page="timeline",
        parse=lambda params: parse_view(params, ids, available, bounds),
        apply=lambda view: apply_view(view, *bounds),
        to_params=to_params,
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: View, data_start: dt.date, data_end: dt.date) -> None:
    """Put a view (from the URL) into the widgets' state."""
    start, end = view.window(data_start, data_end)
    state = st.session_state
    state[KEYS.series] = list(view.series)
    state[KEYS.range] = view.range
    state[KEYS.start] = start
    state[KEYS.end] = end
    state[KEYS.categories] = list(view.categories)
    state[KEYS.importance] = view.importance
    state[KEYS.mode] = view.mode
    state[KEYS.event] = view.event or NO_EVENT
    state[KEYS.releases] = view.releases
    state[KEYS.label_mode] = "headline" if view.labels is None else "chosen" if view.labels else "none"
    state[KEYS.labels] = list(view.labels or ())
    for key in TEXT_LIMITS:
        state[getattr(KEYS, key)] = getattr(view, key)


def events_shown(all_events: Sequence[Event], view: View, start: dt.date, end: dt.date) -> list[Event]:
    """The events the view shows between start and end (its categories, at least its importance, and the
    selected one whatever the filters say)."""
    return shown_events(all_events, view, start, end)


def series_choices(available: list[str]) -> list[str]:
    """The stored series a reader may pick as lines: not Japan's interventions (bars under USD/JPY)."""
    return line_series(available)


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
        key=KEYS.series,
        help="Up to four. Two units get two axes; more switch to an indexed scale.",
    )
    st.selectbox("Date range", [p.key for p in PRESETS], format_func=lambda k: PRESET_BY_KEY[k].label, key=KEYS.range)
    if st.session_state[KEYS.range] == "custom":
        left, right = st.columns(2)
        left.date_input("From", min_value=data_start, max_value=data_end, key=KEYS.start)
        right.date_input("To", min_value=data_start, max_value=data_end, key=KEYS.end)
        if not _custom_range_ok():
            st.warning("Pick a start date before the end date; showing the preset range meanwhile.")
    st.pills(
        "Event categories",
        CATEGORIES,
        selection_mode="multi",
        format_func=lambda c: category(c).label,
        key=KEYS.categories,
    )
    # A vertical radio: the three labels as a segmented control wrap into a staircase in the sidebar.
    st.radio("Events shown", [1, 2, 3], format_func=IMPORTANCE_LABELS.get, key=KEYS.importance)
    st.checkbox(words.RELEASES_TOGGLE, key=KEYS.releases, help=words.releases_help())


def render_annotation_controls(shown: Sequence[Event]) -> None:
    """The reader's own words on the chart: which events carry a label, a title, a subtitle and a note
    (each shown literally, length-limited; empty = the generated one)."""
    st.radio("Event labels", list(LABEL_MODES), format_func=LABEL_MODES.get, key=KEYS.label_mode, horizontal=True)
    if st.session_state[KEYS.label_mode] == "chosen":
        chosen = st.session_state.get(KEYS.labels) or []
        options = list(dict.fromkeys([*(e.id for e in shown), *chosen]))
        names = {e.id: event_option(e) for e in shown}
        st.multiselect(
            "Label these events",
            options,
            format_func=lambda i: names.get(i, i),
            max_selections=MAX_LABELS,
            key=KEYS.labels,
            placeholder="Choose events to label",
        )
    helps = {
        "title": "Empty: a title made from the series and dates.",
        "subtitle": "Empty: the number of events shown.",
        "note": "A line of your own above the sources, e.g. your byline.",
    }
    for key, limit in TEXT_LIMITS.items():
        st.text_input(key.capitalize(), key=getattr(KEYS, key), max_chars=limit, help=helps[key])


def render_scale_control() -> None:
    """Levels or indexed: drawn with the chart (not in the sidebar), so switching reruns only the chart."""
    st.radio(
        "Scale",
        list(MODE_LABELS),
        format_func=MODE_LABELS.get,
        key=KEYS.mode,
        horizontal=True,
        label_visibility="collapsed",
    )


def by_scale(view: View) -> dict[str, View]:
    """The view at each scale the Scale control offers, in its order (the chart is sent with all of them)."""
    return {mode: replace(view, mode=mode) for mode in MODE_LABELS}


def _custom_range_ok() -> bool:
    start, end = st.session_state.get(KEYS.start), st.session_state.get(KEYS.end)
    return isinstance(start, dt.date) and isinstance(end, dt.date) and start < end


def current_view() -> View:
    """The view the controls describe, read from their state (see `render_controls`)."""
    state = st.session_state
    view = View(
        series=tuple(state[KEYS.series]) or View().series,
        range=state[KEYS.range],
        categories=tuple(c for c in CATEGORIES if c in (state[KEYS.categories] or [])),
        importance=int(state[KEYS.importance] or 1),
        mode=state[KEYS.mode],
        event=state[KEYS.event] or None,
        releases=bool(state[KEYS.releases]),
        labels=_labels_state(),
        **{key: clean_text(state.get(getattr(KEYS, key)) or "", limit) for key, limit in TEXT_LIMITS.items()},
    )
    if view.range == "custom":
        if _custom_range_ok():
            return replace(view, start=state[KEYS.start], end=state[KEYS.end])
        return replace(view, range="all")
    return view


def _labels_state() -> tuple[str, ...] | None:
    mode = st.session_state.get(KEYS.label_mode, "headline")
    if mode == "none":
        return ()
    if mode == "chosen":
        return tuple(st.session_state.get(KEYS.labels) or ())
    return None


def selected_from_chart(state: object) -> str | None:
    """The event id of a clicked marker (None when the click was not on an event)."""
    # st.plotly_chart's state has attributes; a component's (ui/chart.show_scales) is a mapping
    selection = state.get("selection") if isinstance(state, dict) else getattr(state, "selection", None)
    points = selection.get("points") if isinstance(selection, dict) else getattr(selection, "points", None)
    for point in points or []:
        custom = point.get("customdata") if isinstance(point, dict) else None
        if isinstance(custom, list) and custom and isinstance(custom[0], str):
            return custom[0]
    return None


def chart_click_pending() -> bool:
    """A marker was clicked that `take_chart_click` has not taken yet."""
    clicked = selected_from_chart(st.session_state.get(KEYS.chart))
    return bool(clicked) and clicked != st.session_state.get(LAST_CLICK)


def take_chart_click(bounds: tuple[dt.date, dt.date]) -> None:
    """A newly clicked marker becomes the selected event (before the picker widget is drawn); a clicked
    cluster zooms in on its events instead."""
    clicked = selected_from_chart(st.session_state.get(KEYS.chart))
    if chart_click_pending() and clicked:
        if clicked.startswith(ZOOM_PREFIX):
            first, _, last = clicked.removeprefix(ZOOM_PREFIX).partition(":")
            try:
                span = zoom_span(dt.date.fromisoformat(first), dt.date.fromisoformat(last), bounds)
            except ValueError:
                span = None
            if span:
                set_range(*span)
        else:
            st.session_state[KEYS.event] = clicked
    st.session_state[LAST_CLICK] = clicked


def zoom_span(first: dt.date, last: dt.date, bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The range to show a cluster's events (first to last) with room either side, inside the data."""
    pad = max(dt.timedelta(days=7), (last - first) / 4)
    start, end = max(first - pad, bounds[0]), min(last + pad, bounds[1])
    return (start, end) if start < end else None


def set_range(start: dt.date, end: dt.date) -> None:
    """Show start to end (a custom range): from a drag-zoom on the chart or a clicked cluster."""
    state = st.session_state
    state[KEYS.range] = "custom"
    state[KEYS.start] = start
    state[KEYS.end] = end


def zoom_to(shown: tuple[dt.date, dt.date]) -> Callable[[dt.date, dt.date], None]:
    """What a drag-zoom does: show its range, unless it is the range already shown (Plotly's reset)."""

    def apply(start: dt.date, end: dt.date) -> None:
        if (start, end) != shown:
            set_range(start, end)

    return apply


def chart_config(view: View, width: int) -> dict:
    """The toolbar's PNG is named after the view; a compact chart has no toolbar."""
    name = "usjp-" + "-".join(view.series) + f"-{view.range}" + (f"-{view.event}" if view.event else "")
    return export_config(name, width < COMPACT_BELOW_PX)


# -- what the chart draws besides lines and events --------------------------------------------------
def bar_keys(view: View) -> tuple[str, ...]:
    """The series the chart may draw as bars with this view (for their data notices)."""
    return bar_series(view.series)


def interventions_drawn(view: View, start: dt.date, end: dt.date) -> StoredSeries | None:
    """Japan's intervention record when the chart draws it (USD/JPY shown, an operation in the window),
    so its provenance is captioned under the chart with the lines'."""
    for key in bar_series(view.series):
        item = loaders.load_series(key)
        if item is not None and intervention_days(item.values, start, end) is not None:
            return item
    return None


def render_releases_notices(view: View, start: dt.date, end: dt.date) -> None:
    """Only when the releases are shown: a calendar file with problems (the page keeps working with the
    releases that passed), or that none falls in the window."""
    if not view.releases:
        return
    releases, problems = loaders.load_releases()
    if problems:
        with st.container(border=True, key="releases_problems"):
            st.warning(md_escape(words.releases_notice(len(problems), len(releases))), icon=":material/report:")
            st.code("\n".join(problems[:20]), language=None, wrap_lines=True)
    if releases and not any(start <= r.date <= end for r in releases):
        st.caption(md_escape(words.releases_outside(releases[0].date, releases[-1].date)))
