"""The event-study page's panels: its URL binding, the scoreboard, the aligned paths, the method note."""

from __future__ import annotations

import functools
from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from usjp import analysis, catalog
from usjp.analysis import AlignedPaths
from usjp.data.store import StoredSeries
from usjp.events import CATEGORIES, Event, category
from usjp.figures import credits, tables
from usjp.figures import releases as release_words
from usjp.figures.event_study import build_aligned_paths_figure
from usjp.figures.style import export_config
from usjp.publish.csv_file import csv_bytes
from usjp.ui import loaders, width
from usjp.ui.keys import STUDY as KEYS
from usjp.ui.markdown import md_escape
from usjp.ui.url_state import UrlBinding
from usjp.ui.widgets import percentile_column, z_column
from usjp.views.event_study import SORTS, WINDOW_CHOICES, StudyView, parse_study_view, to_params


def binding(available: list[str]) -> UrlBinding[StudyView]:
    """The study's view in the URL: scoreboard series, window, categories, sort; the paths' category and series."""
    return UrlBinding(
        page="event_study",
        parse=lambda params: parse_study_view(params, available),
        apply=apply_view,
        to_params=to_params,
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: StudyView) -> None:
    """Put a view (from the URL) into the widgets' state."""
    state = st.session_state
    state[KEYS.series] = list(view.series)
    state[KEYS.window] = view.window.key
    state[KEYS.categories] = list(view.categories)
    state[KEYS.sort] = view.sort
    state[KEYS.path_category] = view.path_category
    state[KEYS.path_series] = view.path_series


def _label(key: str) -> str:
    return catalog.get(key).label


# -- scoreboard -----------------------------------------------------------------------------------
def scoreboard_controls(available: list[str]) -> StudyView:
    """Series, window, sort and category filter; returns the scoreboard half of the view."""
    windows = [w.key for w in WINDOW_CHOICES]
    if st.session_state.get(KEYS.window) not in windows:
        windows.append(st.session_state[KEYS.window])  # a custom window from the URL
    st.multiselect("Series", available, format_func=_label, key=KEYS.series)
    middle, right = st.columns(2)
    middle.selectbox(
        "Window",
        windows,
        format_func=lambda k: credits.window_label(analysis.parse_window(k)),
        key=KEYS.window,
        help="Observations relative to the first one that could react (t0); the change starts at the one before.",
    )
    right.selectbox("Sort", list(SORTS), format_func=SORTS.get, key=KEYS.sort)
    st.pills(
        "Categories", CATEGORIES, selection_mode="multi", format_func=lambda c: category(c).label, key=KEYS.categories
    )
    state = st.session_state
    return StudyView(
        series=tuple(state[KEYS.series]) or StudyView().series,
        window=analysis.parse_window(state[KEYS.window]),
        categories=tuple(c for c in CATEGORIES if c in (state[KEYS.categories] or [])) or CATEGORIES,
        sort=state[KEYS.sort],
    )


ALL_COLUMNS = "es_all_columns"  # the phone's toggle between the key columns and all of them (not in the URL)


def render_scoreboard(view: StudyView) -> None:
    """The scoreboard rows the view asks for, their table and the CSV download. A phone shows the key columns
    (tables.SCOREBOARD_KEY_COLUMNS), the rest a toggle away; the event stays pinned on the left as the other
    columns scroll. Rows and table are made once per view and data version, and shared."""
    rows, table = loaders.load_scoreboard_view(view)
    events_n, series_n = rows["event_id"].nunique(), rows["series"].nunique()
    scored = int(rows["z"].notna().sum())
    st.caption(
        f"{len(rows)} rows: {events_n} events × {series_n} series, window {credits.window_label(view.window)}. "
        f"{scored} have a z-score; the rest say why in Note. Click a column header to re-sort."
    )
    if rows.empty:
        st.info("No events match these choices: pick more categories or series.")
        return
    compact = width.is_compact()
    shown = None
    if compact and not st.toggle("All columns", key=ALL_COLUMNS, help="Show every column of the table"):
        shown = list(tables.SCOREBOARD_KEY_COLUMNS)
    # Formats by column, not a pandas Styler: styling each of ~700 cells cost about 200 ms a run.
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        height=420,
        placeholder="n/a",
        key="es_scoreboard",
        column_order=shown,
        column_config=_scoreboard_columns(compact),
    )
    name = f"usjp-scoreboard-{'-'.join(view.series)}-{view.window.key.replace(':', '_')}.csv"
    # A callable: the CSV is made when the reader clicks, not on every rerun of the page.
    st.download_button(
        "Download CSV", functools.partial(csv_bytes, rows), file_name=name, mime="text/csv", key="es_download"
    )


def _scoreboard_columns(compact: bool) -> dict:
    column = st.column_config
    return {
        "Date": column.DateColumn("Date", format="YYYY-MM-DD", width=92),
        # Pinned, so it stays in view as the other columns scroll (it is the row's name); on a phone narrow
        # enough for the series, the change and z beside it. The full title shows on hover.
        "Event": column.TextColumn("Event", width=140 if compact else "medium", pinned=True),
        "Series": column.TextColumn("Series", width=64),
        "Change": column.NumberColumn("Change", help="Basis points for yields, percent for FX", format="%+.2f"),
        "z": z_column(format="%+.1f"),
        tables.UNUSUAL: column.TextColumn(tables.UNUSUAL, help=tables.UNUSUAL_HELP, width=96),
        "Percentile": percentile_column(format="%.0f"),
        "Other events": column.NumberColumn("Other events", help="Other events inside the window"),
        release_words.COLUMN: column.NumberColumn(release_words.COLUMN, help=release_words.COLUMN_HELP),
        "From": column.DateColumn("From", format="YYYY-MM-DD"),
        "To": column.DateColumn("To", format="YYYY-MM-DD"),
    }


# -- aligned paths --------------------------------------------------------------------------------
def path_controls(available: list[str], all_events: list[Event]) -> tuple[str, str]:
    """Which events on which series; returns (category, series)."""
    counts = {c: sum(1 for e in all_events if e.category == c) for c in CATEGORIES}
    left, right = st.columns(2)
    left.selectbox(
        "Events",
        [c for c in CATEGORIES if counts[c]],
        format_func=lambda c: f"{category(c).label} ({counts[c]})",
        key=KEYS.path_category,
    )
    right.selectbox("Series", available, format_func=_label, key=KEYS.path_series)
    return st.session_state[KEYS.path_category], st.session_state[KEYS.path_series]


def paths_figure(
    paths: AlignedPaths, slug: str, item: StoredSeries, all_events: list[Event], compact: bool
) -> go.Figure:
    """Built once per category, series, layout and data version (the paths' own: every daily series, the
    events and the calendar) and shared (loaders.shared_figure)."""
    key = (slug, item.spec.key, compact, loaders.data_version())
    return loaders.shared_figure(
        "paths", key, (item.spec.key,), lambda: _paths_figure(paths, slug, item, all_events, compact)
    )


def _paths_figure(
    paths: AlignedPaths, slug: str, item: StoredSeries, all_events: list[Event], compact: bool
) -> go.Figure:
    return build_aligned_paths_figure(
        paths,
        category=slug,
        event_titles={e.id: f"{e.title} ({e.date:%d %b %Y})" for e in all_events},
        title=credits.paths_title(item.spec, paths, slug),
        subtitle=credits.paths_subtitle(paths),
        source_lines=credits.paths_sources(item.spec, paths),
        as_of=f"Data as of {item.last_date:%d %b %Y}",
        compact=compact,
        height=640 if compact else 560,
    )


def paths_alt(paths: AlignedPaths, slug: str, item: StoredSeries) -> str:
    """The aligned-paths chart in words: its title and the verdict it shows."""
    return f"Line chart. {credits.paths_title(item.spec, paths, slug)}. {credits.verdict(paths, slug)}"


def paths_config(slug: str, series: str, compact: bool) -> dict:
    """The chart toolbar's PNG is named after the category and series."""
    return export_config(f"usjp-paths-{slug}-{series}", compact)


def render_verdict(paths: AlignedPaths, slug: str) -> None:
    st.markdown(md_escape(credits.verdict(paths, slug)))


def skipped_caption(paths: AlignedPaths, all_events: list[Event]) -> str:
    by_id = {e.id: e for e in all_events}
    names = [md_escape(by_id[i].title) for i in paths.skipped if i in by_id]
    return "Not in the data yet (or too early): " + "; ".join(names) if names else ""


# -- method ---------------------------------------------------------------------------------------
def render_method_note() -> None:
    """docs/method.md, its numbers filled from the code (our own text: no data reaches it)."""
    st.markdown(credits.method_text())


def current_view(scoreboard: StudyView, path_category: str | None, path_series: str | None) -> StudyView:
    """The whole view; a control with nothing to offer (no events, no daily series) keeps its default."""
    default = StudyView()
    return replace(
        scoreboard,
        path_category=path_category or default.path_category,
        path_series=path_series or default.path_series,
    )
