"""Widgets and panels of the event-study page: the scoreboard, the aligned paths, the method note."""

from __future__ import annotations

import functools
from dataclasses import replace

import pandas as pd
import streamlit as st

from usjp import analysis, catalog, events
from usjp.analysis import AlignedPaths
from usjp.events import CATEGORIES, CATEGORY_LABELS
from usjp.study_charts import build_aligned_paths_figure
from usjp.study_view import (
    SORTS,
    WINDOW_CHOICES,
    StudyView,
    category_label,
    events_phrase,
    parse_study_view,
    window_label,
)
from usjp.ui import data, state
from usjp.ui.event_stats import PERCENTILE_HELP, data_version, z_style
from usjp.ui.text import md_escape

W = {  # widget keys
    "series": "es_series",
    "window": "es_window",
    "categories": "es_categories",
    "sort": "es_sort",
    "path_category": "es_path_category",
    "path_series": "es_path_series",
}
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def usable_series() -> list[str]:
    """Daily series with stored data, in catalog order."""
    return [k for k in data.available_keys() if catalog.get(k).daily]


def apply_view(view: StudyView) -> None:
    """Put a view (from the URL) into the widgets' state."""
    st.session_state[W["series"]] = list(view.series)
    st.session_state[W["window"]] = view.window.key
    st.session_state[W["categories"]] = list(view.categories)
    st.session_state[W["sort"]] = view.sort
    st.session_state[W["path_category"]] = view.path_category
    st.session_state[W["path_series"]] = view.path_series


def sync_from_url(available: list[str]) -> None:
    """URL -> widgets when the URL is new to the session, or when the widgets' state is gone (Streamlit drops
    it for widgets a run did not draw, e.g. after a visit to another page)."""
    state.sync_from_url(lambda p: parse_study_view(p, available), apply_view)
    if any(key not in st.session_state for key in W.values()):
        apply_view(parse_study_view(state.current_params(), available))


def _label(key: str) -> str:
    return catalog.get(key).label


# -- scoreboard -----------------------------------------------------------------------------------
def render_scoreboard_controls(available: list[str]) -> StudyView:
    """Series, window, sort and category filter; returns the scoreboard half of the view."""
    windows = [w.key for w in WINDOW_CHOICES]
    if st.session_state.get(W["window"]) not in windows:
        windows.append(st.session_state[W["window"]])  # a custom window from the URL
    st.multiselect("Series", available, format_func=_label, key=W["series"])
    middle, right = st.columns(2)
    middle.selectbox(
        "Window",
        windows,
        format_func=lambda k: window_label(analysis.parse_window(k)),
        key=W["window"],
        help="Observations relative to the first one that could react (t0); the change starts at the one before.",
    )
    right.selectbox("Sort", list(SORTS), format_func=SORTS.get, key=W["sort"])
    st.pills("Categories", CATEGORIES, selection_mode="multi", format_func=CATEGORY_LABELS.get, key=W["categories"])
    return StudyView(
        series=tuple(st.session_state[W["series"]]) or StudyView().series,
        window=analysis.parse_window(st.session_state[W["window"]]),
        categories=tuple(c for c in CATEGORIES if c in (st.session_state[W["categories"]] or [])) or CATEGORIES,
        sort=st.session_state[W["sort"]],
    )


def scoreboard_rows(board: pd.DataFrame, view: StudyView) -> pd.DataFrame:
    """The scoreboard rows the view asks for, in its sort order."""
    rows = board[
        (board["window"] == view.window.key)
        & board["series"].isin(view.series)
        & board["category"].isin(view.categories)
    ].copy()
    if view.sort == "z":
        rows = rows.sort_values(["abs_z", "date"], ascending=[False, False], na_position="last")
    elif view.sort == "change":
        rows = rows.assign(_k=rows["change"].abs()).sort_values(["_k", "date"], ascending=False, na_position="last")
        rows = rows.drop(columns="_k")
    elif view.sort == "percentile":
        rows = rows.sort_values(["percentile", "abs_z"], ascending=False, na_position="last")
    else:
        rows = rows.sort_values(["date", "series"], ascending=[view.sort == "oldest", True])
    return rows.reset_index(drop=True)


def _display(rows: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Date": pd.to_datetime(rows["date"]),
            "Event": rows["title"],
            "Series": rows["series"].map(lambda k: catalog.get(k).short),
            "Change": rows["change"],
            "Unit": rows["unit"],
            "z": rows["z"],
            "Percentile": rows["percentile"],
            "Other events": rows["confounders"].map(lambda c: len(c.split(", ")) if c else 0),
            "Category": rows["category"].map(category_label),
            "From": pd.to_datetime(rows["start_date"]),
            "To": pd.to_datetime(rows["end_date"]),
            "Note": rows["note"],
        }
    )


def csv_bytes(rows: pd.DataFrame) -> bytes:
    """The rows as CSV; text cells that a spreadsheet would run as a formula get a leading apostrophe."""
    out = rows.drop(columns=["abs_z"], errors="ignore").copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(CSV_FORMULA_START) else v
            )
    return out.to_csv(index=False, float_format="%.6g").encode()


def render_scoreboard(rows: pd.DataFrame, view: StudyView) -> None:
    events_n, series_n = rows["event_id"].nunique(), rows["series"].nunique()
    scored = int(rows["z"].notna().sum())
    st.caption(
        f"{len(rows)} rows: {events_n} events × {series_n} series, window {window_label(view.window)}. "
        f"{scored} have a z-score; the rest say why in Note. Click a column header to re-sort."
    )
    if rows.empty:
        st.info("No events match these choices: pick more categories or series.")
        return
    styled = (
        _display(rows)
        .style.map(z_style, subset=["z"])
        .format({"Change": "{:+.2f}", "z": "{:+.1f}", "Percentile": "{:.0f}"}, na_rep="n/a")
    )
    st.dataframe(
        styled,
        hide_index=True,
        width="stretch",
        height=420,
        placeholder="n/a",
        key="es_scoreboard",
        column_config={
            "Date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
            # Medium, so the numbers and dates fit beside it on a laptop; the full title shows on hover.
            "Event": st.column_config.TextColumn("Event", width="medium"),
            "Change": st.column_config.NumberColumn("Change", help="Basis points for yields, percent for FX"),
            "z": st.column_config.NumberColumn("z", help="Change ÷ (typical daily move × √sessions)"),
            "Percentile": st.column_config.NumberColumn("Percentile", help=PERCENTILE_HELP),
            "Other events": st.column_config.NumberColumn("Other events", help="Other events inside the window"),
            "From": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
            "To": st.column_config.DateColumn("To", format="YYYY-MM-DD"),
        },
    )
    name = f"usjp-scoreboard-{'-'.join(view.series)}-{view.window.key.replace(':', '_')}.csv"
    # A callable: the CSV is made when the reader clicks, not on every rerun of the page.
    st.download_button(
        "Download CSV", functools.partial(csv_bytes, rows), file_name=name, mime="text/csv", key="es_download"
    )


# -- aligned paths --------------------------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=64)
def _aligned(version: tuple, category: str, series: str) -> AlignedPaths | None:
    item = data.load_series(series)
    if item is None:
        return None
    everything = data.load_events()
    chosen = [e for e in everything if e.category == category]
    return analysis.aligned_paths(item.spec, item.values, chosen, everything)


def load_aligned(category: str, series: str) -> AlignedPaths | None:
    """Aligned paths and placebo band, computed once per data version."""
    return _aligned(data_version(), category, series)


def render_path_controls(available: list[str], all_events: list[events.Event]) -> tuple[str, str]:
    counts = {c: sum(1 for e in all_events if e.category == c) for c in CATEGORIES}
    left, right = st.columns(2)
    left.selectbox(
        "Events",
        [c for c in CATEGORIES if counts[c]],
        format_func=lambda c: f"{category_label(c)} ({counts[c]})",
        key=W["path_category"],
    )
    right.selectbox("Series", available, format_func=_label, key=W["path_series"])
    return st.session_state[W["path_category"]], st.session_state[W["path_series"]]


def _signed(value: float, unit: str) -> str:
    return analysis.format_change(value, unit)


def verdict(paths: AlignedPaths, category: str, at: int = analysis.HEADLINE_WINDOW.end) -> str:
    """One plain sentence: does the mean path leave the placebo band?"""
    n = paths.paths.shape[1]
    mean = float(paths.mean.loc[at])
    what = events_phrase(n, category)
    text = f"{at} sessions after the event day, the mean of the {what} is {_signed(mean, paths.unit)}."
    if paths.band_low is None or paths.band_high is None:
        return text + " " + next(iter(paths.reasons.values()), "No placebo band.")
    low, high = float(paths.band_low.loc[at]), float(paths.band_high.loc[at])
    band = f"averages of {n} random non-event dates fall between {_signed(low, paths.unit)} and "
    band += f"{_signed(high, paths.unit)} 90% of the time"
    if low <= mean <= high:
        return f"{text} Ordinary days do that too: {band}."
    return f"{text} That stands out: {band}. With few, overlapping events, read it as a hint, not proof."


def paths_figure(
    paths: AlignedPaths, category: str, item: data.LoadedSeries, all_events: list[events.Event], compact: bool
) -> object:
    n = paths.paths.shape[1]
    titles = {e.id: f"{e.title} ({e.date:%d %b %Y})" for e in all_events}
    period = f" between {paths.period[0]:%b %Y} and {paths.period[1]:%b %Y}" if paths.period else ""
    return build_aligned_paths_figure(
        paths,
        category=category,
        event_titles=titles,
        title=f"{item.spec.label.split(' (')[0]} around {events_phrase(n, category)}",
        subtitle=(
            f"Change from the last observation before each event ({paths.unit}); thick line: the mean; "
            f"blue band: where the mean of {n} random non-event dates falls 90% of the time"
        ),
        source_lines=[
            f"Source: {item.spec.publisher.split(',')[0]}, {item.spec.source.upper()} {item.spec.source_id}",
            "Events: US–Japan trade-tension dashboard timeline",
            f"Placebo: {paths.draws:,} draws (seed {paths.seed}) from {paths.candidates:,} non-event dates{period}",
        ],
        as_of=f"Data as of {item.last_date:%d %b %Y}",
        compact=compact,
        height=640 if compact else 560,
    )


# -- method ---------------------------------------------------------------------------------------
METHOD = """
**How to read these numbers**

- **Which day counts.** A market can only react once it is open: an event after the 4 pm New York close
  counts for Treasury yields from the next day; the yen rate is the noon New York rate, so news after noon
  shows the next day. t0 is the first observation on or after that date (weekends and holidays skip ahead).
- **Change.** From the last observation before the window to its last one: basis points for yields and
  spreads, percent for the yen and the dollar index. Window "t0 to t+5" covers 6 sessions of moves.
- **z.** The change divided by what is normal for that many sessions: the standard deviation of the
  250 daily moves before the event, times the square root of the number of sessions. |z| above 2 happens
  by chance roughly one window in twenty.
- **Percentile.** The share of all same-length moves in the five years (1,260 sessions) before the event
  that were smaller. It needs five years of data: the bundled USD/JPY series starts in May 2021, so its
  percentiles start in 2026.
- **Placebo band.** The same aligned paths for randomly drawn ordinary days (no event), averaged over as
  many days as there are events, many times; if the mean event path stays inside the band, ordinary days
  do that too.
- **Limits.** Events cluster (April 2025 had one every few days), so several events share one move; the
  warning lists them. A few events make a small sample; a large z is a reason to look closer, not proof
  of cause. Monthly and quarterly series (TIC holdings, foreign-held debt, Japan's 10-year yield) only show
  the values before and after.
"""


def render_method_note() -> None:
    st.markdown(METHOD)


def skipped_caption(paths: AlignedPaths, all_events: list[events.Event]) -> str:
    by_id = {e.id: e for e in all_events}
    names = [md_escape(by_id[i].title) for i in paths.skipped if i in by_id]
    return "Not in the data yet (or too early): " + "; ".join(names) if names else ""


def current_view(scoreboard: StudyView, path_category: str, path_series: str) -> StudyView:
    return replace(scoreboard, path_category=path_category, path_series=path_series)
