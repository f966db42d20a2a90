"""The yen page's figures (pure Plotly, no Streamlit): USD/JPY with Japan's interventions as bars and the
central-bank and currency events as selectable markers; the monthly US–Japan 10-year gap."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

from usjp.events import Event, category, status
from usjp.figures import timeline_words
from usjp.figures.palette import LIGHT
from usjp.figures.style import IMPORTANCE_SIZE, escape, stacked_frame, wrap
from usjp.figures.timeline import _bar_trace
from usjp.figures.yen_words import COMPACT_LANES, EVENT_LANES, GAP_NOTE

LINE = LIGHT.series[0]
SELECTED_RING = LIGHT.selected
LANES = tuple(EVENT_LANES)  # top lane first


def _frame(title: str, subtitle: str, footer: list[str], *, compact: bool, height: int, notes: Sequence[dict] = ()):
    return stacked_frame(
        title,
        subtitle,
        footer,
        compact=compact,
        height=height,
        left=58 if compact else 100,
        right=14 if compact else 30,
        legend_px=30 if compact else 22,
        bottom=44,
        footer_shift=-34,
        legend_size=11 if compact else 12,
        annotations=notes,
    )


def _event_trace(events: Sequence[Event], slug: str, selected: str | None) -> dict:
    """One category's events in its lane: hover the title, click for the details (customdata[0] = id)."""
    record = category(slug)
    hollow = [status(e.status).hollow for e in events]
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [pd.Timestamp(e.date) for e in events],
        "y": [LANES[::-1].index(slug)] * len(events),
        "yaxis": "y3",
        "name": record.label,
        "showlegend": False,
        "marker": {
            "symbol": [f"{record.symbol}-open" if h else record.symbol for h in hollow],
            "size": [IMPORTANCE_SIZE[e.importance] + (4 if e.id == selected else 0) for e in events],
            "color": record.colour,
            "line": {
                "color": [SELECTED_RING if e.id == selected else record.colour for e in events],
                "width": [3 if e.id == selected else 1.5 for e in events],
            },
        },
        "customdata": [[e.id] for e in events],
        "hovertext": [escape(timeline_words.event_option(e)) for e in events],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }


def build_yen_figure(
    usdjpy: pd.Series,
    days: pd.Series,
    events: Sequence[Event],
    *,
    start: dt.date,
    end: dt.date,
    selected: str | None,
    title: str,
    subtitle: str,
    source_lines: Sequence[str],
    as_of: str,
    compact: bool = False,
    plot_px: float = 800,
) -> go.Figure:
    """USD/JPY (top), the intervention bars in ¥ trillion (middle; none when no operation falls in the
    range) and the events in two lanes (bottom), on one date axis from start to end."""
    traces: list[dict] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": usdjpy.index,
            "y": usdjpy.to_numpy(),
            "name": "USD/JPY",
            "showlegend": False,
            "line": {"color": LINE, "width": 2},
            "hovertemplate": "USD/JPY %{x|%d %b %Y}: %{y:.2f}<extra></extra>",
        }
    ]
    if len(days):
        traces.append(dict(_bar_trace(days, start, end, plot_px), yaxis="y2"))
    for slug in LANES:
        mine = [e for e in events if e.category == slug]
        if mine:
            traces.append(_event_trace(mine, slug, selected))
    frame = _frame(title, subtitle, [*source_lines, as_of], compact=compact, height=620 if compact else 600)
    axis_font = {"size": 11 if compact else 12}
    layout = dict(
        frame,
        hovermode="closest",
        bargap=0,
        xaxis={
            "range": [pd.Timestamp(start), pd.Timestamp(end)],
            "anchor": "y3",
            "automargin": False,
            # Few, level ticks on a phone: slanted dates would run into the sources under the plot.
            **({"nticks": 4, "tickangle": 0} if compact else {}),
        },
        yaxis={
            "domain": [0.46, 1.0],
            "title": {"text": "" if compact else "Yen per dollar", "font": axis_font},
            "automargin": False,
        },
        yaxis2={
            "domain": [0.2, 0.4],
            "title": {"text": "" if compact else "¥ trn", "font": axis_font},
            "zeroline": True,
            "zerolinecolor": LIGHT.ink,
            "automargin": False,
        },
        yaxis3={
            "domain": [0.0, 0.13],
            "tickmode": "array",
            "tickvals": list(range(len(LANES))),
            "ticktext": [(COMPACT_LANES if compact else EVENT_LANES)[s] for s in reversed(LANES)],
            "range": [-0.6, len(LANES) - 0.4],
            "showgrid": False,
            "zeroline": False,
            "tickfont": {"size": 10 if compact else 12},
            "automargin": False,
            "fixedrange": True,
        },
    )
    return go.Figure(data=traces, layout=layout)


def build_gap_figure(
    gap: pd.Series,
    *,
    title: str,
    subtitle: str,
    source_lines: Sequence[str],
    as_of: str,
    compact: bool = False,
) -> go.Figure:
    """The monthly gap as a line with a point a month, and the note (why monthly) on the chart: a line
    inside the plot above the highest point, or on a phone (where it takes three lines) under the
    subtitle, so it never covers the line."""
    if compact:
        subtitle = f"{subtitle} {GAP_NOTE}"
    note = {
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": 1.0,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "align": "left",
        "bgcolor": LIGHT.note_backing,
        "text": wrap(GAP_NOTE, 40 if compact else 100),
        "font": {"size": 11, "color": LIGHT.muted},
    }
    frame = _frame(
        title, subtitle, [*source_lines, as_of], compact=compact, height=420, notes=[] if compact else [note]
    )
    top = float(gap.max()) if len(gap) else 1.0
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "x": gap.index,
        "y": gap.to_numpy(),
        "name": "US minus Japan, 10-year",
        "showlegend": False,
        "line": {"color": LINE, "width": 2},
        "marker": {"size": 4},
        "hovertemplate": "%{x|%b %Y}: %{y:.2f} percentage points<extra></extra>",
    }
    layout = dict(
        frame,
        hovermode="closest",
        xaxis={"automargin": False},
        yaxis={
            "title": {"text": "" if compact else "Percentage points"},
            "automargin": False,
            "rangemode": "tozero",
            # room above the highest point for the note's line (desktop); a gap below zero keeps autorange
            **({"range": [0, top * 1.22]} if not compact and top > 0 and float(gap.min()) >= 0 else {}),
        },
    )
    return go.Figure(data=[trace], layout=layout)
