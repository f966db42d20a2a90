"""Event-window statistics in the UI: the cached scoreboard, timeline hover headlines, the details tables."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from usjp import analysis, catalog, events
from usjp.analysis import Window
from usjp.ui import data
from usjp.ui.data import LoadedSeries
from usjp.ui.text import md_escape

# Background for |z| (one orange hue, darker = larger, so it reads without colour vision too).
Z_SHADES = ((3.0, "#C2410C", "#FFFFFF"), (2.0, "#FDBA74", "#1A1A1A"), (1.0, "#FFEDD5", "#1A1A1A"))
PERCENTILE_YEARS = "the prior five years"
PERCENTILE_HELP = f"Share of same-length moves in {PERCENTILE_YEARS} that were smaller"


def data_version() -> tuple:
    """Everything the statistics depend on: each daily series' store and sha256, and the events file."""
    series = tuple((s.key, data.series_version(s.key)) for s in catalog.SERIES if s.daily)
    return (series, *data.events_version())


@st.cache_data(show_spinner=False, max_entries=16)
def _scoreboard(version: tuple, windows: tuple[str, ...]) -> pd.DataFrame:
    series = []
    for key, stored in version[0]:
        item = data.load_series(key) if stored is not None else None
        if item is not None:
            series.append((item.spec, item.values))
    return analysis.compute_scoreboard(data.load_events(), series, tuple(analysis.parse_window(w) for w in windows))


def load_scoreboard(windows: tuple[Window, ...] = analysis.DEFAULT_WINDOWS) -> pd.DataFrame:
    """Every event x every stored daily series x `windows`, computed once per data version."""
    return _scoreboard(data_version(), tuple(w.key for w in windows))


def z_style(value: object) -> str:
    """CSS for a z cell: shaded by |z|."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return ""
    for limit, background, colour in Z_SHADES:
        if abs(value) >= limit:
            return f"background-color: {background}; color: {colour}; font-weight: 600"
    return ""


def headline(short: str, change: float, unit: str, steps: int, z: float | None) -> str:
    """'10Y +12 bp over 6 sessions, z = 2.4'."""
    z_text = f", z = {z:.1f}" if z is not None and math.isfinite(z) else ""
    return f"{short} {analysis.format_change(change, unit)} over {steps} sessions{z_text}"


def headlines(series_keys: list[str] | tuple[str, ...], window: Window = analysis.HEADLINE_WINDOW) -> dict[str, str]:
    """Event id -> the move of each daily series in view over `window`, for the timeline's hover.

    One series: '10Y +12 bp over 6 sessions, z = 2.4'; several: 'Over 6 sessions: 10Y +12 bp (z 2.4) · ...'.
    Computed for the series in view only (not the whole scoreboard) and cached per view and data
    version, so a first visit does not wait for statistics nobody is looking at.
    """
    daily = tuple(k for k in dict.fromkeys(series_keys) if k in catalog.CATALOG and catalog.get(k).daily)
    if not daily:
        return {}
    return _headlines(data_version(), daily, window.key)


@st.cache_data(show_spinner=False, max_entries=64)
def _headlines(version: tuple, daily: tuple[str, ...], window_key: str) -> dict[str, str]:
    window = analysis.parse_window(window_key)
    loaded = [item for item in (data.load_series(k) for k in daily) if item is not None]
    board = analysis.compute_scoreboard(data.load_events(), [(i.spec, i.values) for i in loaded], (window,))
    rows = board[board["change"].notna()]
    parts: dict[str, list[tuple[str, float, str, float | None]]] = {}
    for item in loaded:
        own = rows[rows["series"] == item.spec.key]
        # Plain lists, not itertuples: its namedtuple class and Arrow-string iteration cost a first
        # visit ~50 ms.
        columns = (own[c].tolist() for c in ("event_id", "change", "unit", "z"))
        for event_id, change, unit, z in zip(*columns, strict=True):
            z = None if math.isnan(z) else float(z)
            parts.setdefault(event_id, []).append((item.spec.short, float(change), unit, z))
    out = {}
    for event_id, moves in parts.items():
        if len(moves) == 1:
            out[event_id] = headline(*moves[0][:3], window.steps, moves[0][3])
            continue
        pieces = [
            f"{short} {analysis.format_change(change, unit)}" + (f" (z {z:.1f})" if z is not None else "")
            for short, change, unit, z in moves
        ]
        out[event_id] = f"Over {window.steps} sessions: " + " · ".join(pieces)
    return out


def event_tables(
    event: events.Event, loaded: list[LoadedSeries], all_events: list[events.Event]
) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(daily table, monthly/quarterly table, confounder ids) for one event and its related series."""
    daily_rows, period_rows, confounders = [], [], []
    for item in loaded:
        result = analysis.event_stats(event, item.spec, item.values, analysis.DEFAULT_WINDOWS, all_events)
        if result.periods is not None:
            p = result.periods
            period_rows.append(
                {
                    "Series": item.spec.label,
                    "Last value before the event": f"{p.before.period}: {p.before.value:,.2f}" if p.before else "none",
                    "First value after": (
                        f"{p.after.period}: {p.after.value:,.2f} (the period of the event)"
                        if p.after and p.after.date <= result.market_date
                        else f"{p.after.period}: {p.after.value:,.2f}"
                        if p.after
                        else "not published yet"
                    ),
                    "Change": analysis.format_change(p.change, result.unit),
                }
            )
            continue
        confounders.extend(i for i in result.confounders if i not in confounders)
        for w in result.windows:
            why = {**result.reasons, **w.reasons}
            daily_rows.append(
                {
                    "Series": item.spec.short,
                    "Window": w.window.label(),
                    "Change": analysis.format_change(w.change, result.unit),
                    "z": w.z if w.z is not None else float("nan"),
                    "Percentile": w.percentile if w.percentile is not None else float("nan"),
                    "From": f"{w.start_value:,.2f} on {w.start_date:%d %b %Y}" if w.start_date else "–",
                    "To": f"{w.end_value:,.2f} on {w.end_date:%d %b %Y}" if w.end_date else "not yet",
                    "Other events": len(w.confounders),
                    "Note": "; ".join(why[k] for k in ("change", "z", "percentile") if why.get(k)),
                }
            )
    return pd.DataFrame(daily_rows), pd.DataFrame(period_rows), confounders


def render_event_stats(event: events.Event, loaded: list[LoadedSeries], all_events: list[events.Event]) -> None:
    """The 'what happened after' tables and the confounder warning, inside the event details panel."""
    daily, periods, confounders = event_tables(event, loaded, all_events)
    if len(daily):
        st.markdown("**What happened after**")
        styled = daily.style.map(z_style, subset=["z"]).format({"z": "{:+.1f}", "Percentile": "{:.0f}"}, na_rep="n/a")
        st.dataframe(
            styled,
            hide_index=True,
            width="stretch",
            placeholder="n/a",
            key="event_stats_table",
            column_config={
                "z": st.column_config.NumberColumn("z", help="Change ÷ (typical daily move × √sessions)"),
                "Percentile": st.column_config.NumberColumn("Percentile", help=PERCENTILE_HELP),
                "Other events": st.column_config.NumberColumn(
                    "Other events", help="Other timeline events inside the window"
                ),
                "Note": st.column_config.TextColumn("Note", width="large"),
            },
        )
        st.caption(
            "From = last observation before the window (US-close and noon-New-York timing rules applied); "
            "yields move in basis points, FX and prices in percent. z = change ÷ (standard deviation of the "
            "250 daily moves before the event × √sessions); shading: |z| ≥ 1, ≥ 2, ≥ 3. "
            f"Percentile: {PERCENTILE_HELP.lower()}; n/a says why in Note."
        )
    if confounders:
        by_id = {e.id: e for e in all_events}
        names = [f"- {by_id[i].date:%d %b %Y}: {md_escape(by_id[i].title)}" for i in confounders if i in by_id]
        st.warning(
            "Other events fall inside these windows, so the moves are not this event's alone:\n\n" + "\n".join(names),
            icon="⚠️",
        )
    if len(periods):
        st.markdown("**Monthly and quarterly series** (no z-score: too few observations around one event)")
        st.dataframe(periods, hide_index=True, width="stretch", key="event_period_table")
