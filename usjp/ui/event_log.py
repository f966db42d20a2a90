"""The event log page's panels: its URL binding, the search and filters, the table with its downloads, and
one event opened with its summary, quote, sources and statistics."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

import streamlit as st

from usjp import catalog
from usjp.events import CATEGORIES, DATE_MAX, DATE_MIN, STATUSES, Event, category, status
from usjp.figures import events_words as words
from usjp.publish.csv_file import csv_bytes
from usjp.ui import loaders, widgets
from usjp.ui.keys import EVENT_LOG as KEYS
from usjp.ui.markdown import md_escape
from usjp.ui.url_state import UrlBinding
from usjp.views.event_log import (
    MAX_QUERY_CHARS,
    SORTS,
    TOPIC_PAGES,
    LogView,
    clean_query,
    export_json,
    export_table,
    filter_events,
    parse_log_view,
    pool,
    to_params,
)

PAGE_TITLE, PAGE_CAPTION = words.PAGE_TITLE, words.PAGE_CAPTION
NO_EVENT = ""
NO_SERIES = ""


def binding(event_ids: Sequence[str]) -> UrlBinding[LogView]:
    """The log's view in the URL: q, cat, imp, status, start, end, series, gen, sort and the opened id."""
    return UrlBinding(
        page="events",
        parse=lambda params: parse_log_view(params, event_ids),
        apply=apply_view,
        to_params=to_params,
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: LogView) -> None:
    """Put a view (from the URL) into the widgets' state."""
    state = st.session_state
    state[KEYS.query] = view.q
    state[KEYS.categories] = list(view.categories)
    state[KEYS.importance] = view.importance
    state[KEYS.statuses] = list(view.statuses)
    state[KEYS.start] = view.start
    state[KEYS.end] = view.end
    state[KEYS.series] = view.series
    state[KEYS.generated] = view.generated
    state[KEYS.sort] = view.sort
    state[KEYS.event] = view.event


def current_view() -> LogView:
    """The view the widgets hold; choosing every category or status is the same as choosing none."""
    state = st.session_state
    cats = tuple(c for c in CATEGORIES if c in (state[KEYS.categories] or []))
    statuses = tuple(s for s in STATUSES if s in (state[KEYS.statuses] or []))
    return LogView(
        q=clean_query(state[KEYS.query] or ""),
        categories=() if len(cats) == len(CATEGORIES) else cats,
        importance=int(state[KEYS.importance]),
        statuses=() if len(statuses) == len(STATUSES) else statuses,
        start=_day(state[KEYS.start]),
        end=_day(state[KEYS.end]),
        series=state[KEYS.series] or "",
        generated=bool(state[KEYS.generated]),
        sort=state[KEYS.sort] if state[KEYS.sort] in SORTS else "newest",
        event=state[KEYS.event] or "",
    )


def _day(value: object) -> dt.date | None:
    return value if isinstance(value, dt.date) else None


# -- search and filters ---------------------------------------------------------------------------
def render_controls(all_events: Sequence[Event]) -> None:
    """The search box, then the filters and the order in an expander (open when a filter is in force)."""
    st.text_input(
        words.SEARCH_LABEL,
        key=KEYS.query,
        max_chars=MAX_QUERY_CHARS,
        placeholder=words.SEARCH_PLACEHOLDER,
        help=words.SEARCH_HELP,
    )
    state = st.session_state
    narrowed = bool(state[KEYS.categories] or state[KEYS.statuses] or state[KEYS.start] or state[KEYS.end])
    with st.expander(words.FILTERS, expanded=narrowed or bool(state[KEYS.series]) or state[KEYS.importance] != 1):
        st.pills(
            words.CATEGORIES_LABEL,
            CATEGORIES,
            selection_mode="multi",
            format_func=lambda c: category(c).label,
            key=KEYS.categories,
        )
        st.pills(
            words.STATUS_LABEL,
            STATUSES,
            selection_mode="multi",
            format_func=lambda s: status(s).label,
            key=KEYS.statuses,
        )
        left, right = st.columns(2)
        left.date_input(words.START_LABEL, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD", key=KEYS.start)
        right.date_input(words.END_LABEL, min_value=DATE_MIN, max_value=DATE_MAX, format="YYYY-MM-DD", key=KEYS.end)
        left, right = st.columns(2)
        left.selectbox(
            words.IMPORTANCE_LABEL, list(words.IMPORTANCE), format_func=words.IMPORTANCE.get, key=KEYS.importance
        )
        named = {k for e in all_events for k in e.series}
        series = [NO_SERIES, *(s.key for s in catalog.SERIES if s.key in named)]
        if state[KEYS.series] not in series:
            series.append(state[KEYS.series])  # from the URL: a catalog series no event names
        right.selectbox(
            words.SERIES_LABEL,
            series,
            format_func=lambda k: words.ANY_SERIES if k == NO_SERIES else words.series_label(k),
            key=KEYS.series,
            help=words.SERIES_HELP,
        )
        left, right = st.columns(2)
        left.radio(words.SORT_LABEL, SORTS, format_func=words.SORTS.get, key=KEYS.sort, horizontal=True)
        right.toggle(words.GENERATED_LABEL, key=KEYS.generated, help=words.GENERATED_HELP)


def shown_events(all_events: Sequence[Event], curated: Sequence[Event], view: LogView) -> tuple[list[Event], int, int]:
    """(the events the view shows, how many the log lists before search and filters, how many generated
    intervention-day events are left out)."""
    curated_ids = {e.id for e in curated}
    listed = pool(all_events, curated_ids, view.generated)
    hidden = 0 if view.generated else len(all_events) - len(listed)
    return filter_events(listed, view), len(listed), hidden


# -- the log --------------------------------------------------------------------------------------
def render_log(shown: Sequence[Event], listed: int, hidden: int, view: LogView) -> None:
    """The count in words, the table (with links to the timeline and topic pages) and the downloads."""
    st.markdown(md_escape(words.count_line(len(shown), listed, view, hidden)))
    if not shown:
        st.info(words.NO_MATCH)
        return
    table = words.table_rows(shown)
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=min(36 * (len(table) + 1) + 2, 470),
        key=KEYS.table,
        placeholder="—",  # an event whose category has no topic page
        column_config={
            "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD", pinned=True),
            "Title": st.column_config.TextColumn("Title", width="large"),
            "Label": st.column_config.TextColumn("Label", help="The words beside the event's marker on the chart"),
            "Sourcing": st.column_config.TextColumn("Sourcing", help="● as filled markers, ○ as open ones"),
            "Sources": st.column_config.NumberColumn("Sources", help="How many sources the event cites"),
            "Timeline": st.column_config.LinkColumn("Timeline", display_text="timeline", help=words.TABLE_HELP),
            # The page's url_path is the link's own text ("yen", "holdings", "yield_curve").
            "Topic page": st.column_config.LinkColumn("Topic page", display_text=r"\./(\w+)\?", help=words.TABLE_HELP),
        },
    )
    buttons = st.container(horizontal=True)  # side by side, wrapped on a phone
    frozen = tuple(shown)
    # Callables: the files are made when the reader clicks, not on every rerun of the page.
    buttons.download_button(
        words.DOWNLOAD_CSV,
        functools.partial(_csv, frozen),
        file_name=words.download_name(view, "csv"),
        mime="text/csv",
        key="ev_download_csv",
    )
    buttons.download_button(
        words.DOWNLOAD_JSON,
        functools.partial(export_json, frozen),
        file_name=words.download_name(view, "json"),
        mime="application/json",
        key="ev_download_json",
    )


def _csv(events: Sequence[Event]) -> bytes:
    return csv_bytes(export_table(events), float_format=None)


# -- one event ------------------------------------------------------------------------------------
def render_picker(shown: Sequence[Event], all_events: Sequence[Event]) -> None:
    """Choose an event of the log to open (an event opened by a link stays listed, even when filtered out)."""
    by_id = {e.id: e for e in all_events}
    options = [NO_EVENT, *(e.id for e in shown)]
    if st.session_state.get(KEYS.event) not in options:
        options.append(st.session_state[KEYS.event])
    st.selectbox(
        words.PICKER_LABEL,
        options,
        format_func=lambda i: (
            words.PICKER_NONE if i == NO_EVENT else (words.picker_option(by_id[i]) if i in by_id else i)
        ),
        key=KEYS.event,
    )


def render_event(event: Event, all_events: Sequence[Event]) -> None:
    """The event's links to the charts, then its details: summary, quote in both languages, sources, statistics."""
    links = st.container(horizontal=True)
    links.page_link(
        "pages/timeline.py", label=words.TIMELINE_LINK, icon=":material/timeline:", query_params={"event": event.id}
    )
    if page := TOPIC_PAGES.get(event.category):
        links.page_link(
            f"pages/{page[0]}.py",
            label=f"On “{page[1]}”",
            icon=":material/open_in_new:",
            query_params={"event": event.id},
        )
    widgets.render_data_notices(loaders.data_notices(list(event.series), stores=False))
    widgets.render_event_details(event, loaders.load_many(list(event.series)), all_events)
