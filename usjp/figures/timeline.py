"""The timeline figure (pure Plotly, no Streamlit): market series on top, the event lanes below."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from usjp.catalog import UNITS
from usjp.events import CATEGORIES, Event, category
from usjp.figures.style import IMPORTANCE_SIZE, SERIES_COLORS, escape, frame_layout, line_count, wrap


@dataclass(frozen=True)
class SeriesView:
    """A series ready to draw: catalog identity plus the values in range."""

    key: str
    label: str
    short: str
    unit: str
    values: pd.Series


def _axis_title(unit: str) -> str:
    return UNITS[unit].axis_title if unit in UNITS else unit.capitalize()


def build_timeline_figure(
    series: Sequence[SeriesView],
    events: Sequence[Event],
    *,
    start: dt.date,
    end: dt.date,
    title: str,
    subtitle: str,
    source_lines: Sequence[str],
    as_of: str,
    mode: str = "levels",
    selected: str | None = None,
    headlines: dict[str, str] | None = None,
    height: int = 640,
    compact: bool = False,
    uirevision: str | None = None,
) -> go.Figure:
    """The home chart: series on top (second axis for a second unit, or indexed), event lanes below.

    Events are one marker trace, a lane and a colour per category (customdata[0] = event id, [2] = the
    category's name), so they hover and can be selected; one trace, not one per category, is 7 ms less
    for Plotly.js to redraw on every update. Spans (events with an end) are shaded; the selected event
    gets a line across the chart.
    `headlines` maps event id -> a short "what happened after" line for the hover.
    `compact` is the phone layout: thin margins, axis labels inside the plot, wrapped text.
    `uirevision` keeps the reader's zoom across reruns while it stays the same.
    Traces and layout are plain dicts validated once by the Figure constructor (a third of the time
    of add_trace/update_layout calls, which validate property by property).
    """
    units = list(dict.fromkeys(s.unit for s in series))
    indexed = mode == "indexed" or len(units) > 2
    lane_of = _lanes(events)
    traces = _series_traces(series, units, indexed)
    traces += _event_trace(events, lane_of, selected, headlines or {})
    shapes, annotations = _event_marks(events, selected, start=start, end=end, compact=compact)
    layout = _layout(
        units,
        indexed,
        lane_of,
        start=start,
        end=end,
        title=title,
        subtitle=subtitle,
        footer=[*source_lines, as_of],
        height=height,
        compact=compact,
        uirevision=uirevision,
        shapes=shapes,
        annotations=annotations,
    )
    return go.Figure(data=traces, layout=layout)


def _lanes(events: Sequence[Event]) -> dict[str, int]:
    """Category -> its lane (y of the event strip) for the categories with events, first on top."""
    lanes = [c for c in CATEGORIES if any(e.category == c for e in events)]
    return {c: len(lanes) - 1 - i for i, c in enumerate(lanes)}


def _series_traces(series: Sequence[SeriesView], units: list[str], indexed: bool) -> list[dict]:
    """One line per series: rebased to 100 when indexed, else on the right axis when of the second unit."""
    traces = []
    for i, s in enumerate(series):
        values = s.values
        if indexed and len(values):
            values = values / values.iloc[0] * 100
            hover = "%{y:.1f}"
        else:
            hover = UNITS[s.unit].hover
        on_right = not indexed and len(units) == 2 and s.unit == units[1]
        traces.append(
            {
                "type": "scatter",
                "x": values.index,
                "y": values.to_numpy(),
                "mode": "lines",
                "name": escape(s.label),
                "line": {"color": SERIES_COLORS[i % len(SERIES_COLORS)], "width": 2},
                "yaxis": "y2" if on_right else "y",
                "hovertemplate": f"{escape(s.short)} %{{x|%d %b %Y}}: {hover}<extra></extra>",
            }
        )
    return traces


def _event_trace(
    events: Sequence[Event], lane_of: dict[str, int], selected: str | None, headlines: dict[str, str]
) -> list[dict]:
    """The events as one marker trace in the lane strip (no trace without events); the selected one ringed."""
    chosen = sorted((e for e in events if e.category in lane_of), key=lambda e: lane_of[e.category])
    if not chosen:
        return []
    return [
        {
            "type": "scatter",
            "x": [pd.Timestamp(e.date) for e in chosen],
            "y": [lane_of[e.category] for e in chosen],
            "mode": "markers",
            "name": "Events",
            "yaxis": "y3",
            "showlegend": False,
            "marker": {
                "color": [category(e.category).colour for e in chosen],
                "size": [IMPORTANCE_SIZE[e.importance] for e in chosen],
                "line": {
                    "color": ["#000000" if e.id == selected else "#FFFFFF" for e in chosen],
                    "width": [3 if e.id == selected else 1 for e in chosen],
                },
                "symbol": [category(e.category).symbol for e in chosen],
            },
            "customdata": [
                [e.id, escape(e.title), category(e.category).label, escape(headlines.get(e.id, ""))] for e in chosen
            ],
            "hovertemplate": "<b>%{customdata[1]}</b><br>%{x|%d %b %Y} · %{customdata[2]}"
            "<br>%{customdata[3]}<extra></extra>",
        }
    ]


def _event_marks(
    events: Sequence[Event], selected: str | None, *, start: dt.date, end: dt.date, compact: bool
) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations across the chart: shaded spans, lines at headline events and at the
    selected one, and the selected event's title."""
    shapes, annotations = [], []
    for e in events:
        if e.end is not None:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "x0": pd.Timestamp(e.date),
                    "x1": pd.Timestamp(e.end),
                    "y0": 0.0,
                    "y1": 1.0,
                    "fillcolor": category(e.category).colour,
                    "opacity": 0.10,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        if e.importance == 3 or e.id == selected:
            shapes.append(_event_line(e, strong=e.id == selected))
        if e.id == selected:
            annotations.append(_selected_label(e, start=start, end=end, compact=compact))
    return shapes, annotations


def _event_line(e: Event, *, strong: bool) -> dict:
    """A line across the chart at the event: dotted in its colour, solid black when selected."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": pd.Timestamp(e.date),
        "x1": pd.Timestamp(e.date),
        "y0": 0.0,
        "y1": 1.0,
        "line": {
            "color": "#000000" if strong else category(e.category).colour,
            "width": 1.5 if strong else 1,
            "dash": "solid" if strong else "dot",
        },
        "opacity": 0.9 if strong else 0.45,
        "layer": "below",
    }


def _selected_label(e: Event, *, start: dt.date, end: dt.date, compact: bool) -> dict:
    """The selected event's title at the top of its line."""
    # The label reads away from the nearer edge, so it never runs off the chart; shorter on a phone.
    right_half = (e.date - start) > (end - start) / 2
    most = 26 if compact else 60
    return {
        "xref": "x",
        "yref": "paper",
        "x": pd.Timestamp(e.date),
        "y": 1.0,
        "yanchor": "top",
        "xanchor": "right" if right_half else "left",
        "xshift": -4 if right_half else 4,
        "text": escape(e.title if len(e.title) <= most else e.title[: most - 1].rstrip() + "…"),
        "showarrow": False,
        "font": {"size": 12, "color": "#000000"},
        "bgcolor": "rgba(255,255,255,0.85)",
    }


def _layout(
    units: list[str],
    indexed: bool,
    lane_of: dict[str, int],
    *,
    start: dt.date,
    end: dt.date,
    title: str,
    subtitle: str,
    footer: list[str],
    height: int,
    compact: bool,
    uirevision: str | None,
    shapes: list[dict],
    annotations: list[dict],
) -> dict:
    """Geometry (margins, the series' and the lanes' share of the height) and the layout around it."""
    width = 34 if compact else 80
    # Margins are set here, not grown by Plotly's automargin: automargin makes Plotly.js measure the
    # labels and draw the figure a second time on every update (about 16 ms of a 170 ms interaction).
    # The y axes' labels sit in those margins, so they skip Plotly's per-label overflow check too
    # (ticklabeloverflow "allow": 5 ms less per draw); the x axis keeps it for its end labels.
    lane_labels = [category(c).short if compact else category(c).label for c in lane_of]
    longest = max((len(label) for label in lane_labels), default=0)
    left = max(48 if compact else 90, round(longest * (5.8 if compact else 7.6)) + (14 if compact else 28))
    right_axis = len(units) == 2 and not indexed
    lane_height = 0.032 * max(len(lane_of), 1)
    strip_top = min(0.30, 0.04 + lane_height)
    main_bottom = strip_top + 0.06
    frame = frame_layout(
        title,
        subtitle,
        footer,
        width=width,
        subtitle_width=int(width * 1.5),
        compact=compact,
        height=height,
        margin={
            "l": left,
            "r": (44 if compact else 76) if right_axis else 16,
            "t": 80 + 24 * line_count(wrap(title, width)) + (40 if compact else 0),
            "b": 40 + 16 * len(footer) * (2 if compact else 1),
        },
        title_place={"y": 0.98},
        footer_shift=-40,
        subtitle_size=12 if compact else 13,
        annotations=annotations,
    )
    return dict(
        frame,
        uirevision=uirevision,
        hovermode="closest",
        dragmode="zoom",
        xaxis={
            "range": [pd.Timestamp(start), pd.Timestamp(end)],
            "showgrid": True,
            "anchor": "y3",
            "automargin": False,
        },
        yaxis={
            "domain": [main_bottom, 1.0],
            "title": {
                "text": "" if compact else "Index (start = 100)" if indexed else _axis_title(units[0] if units else "")
            },
            "automargin": False,
            "ticklabeloverflow": "allow",
            "zeroline": False,
        },
        yaxis2={
            "domain": [main_bottom, 1.0],
            "overlaying": "y",
            "side": "right",
            "title": {"text": _axis_title(units[1]) if right_axis and not compact else ""},
            "automargin": False,
            "ticklabeloverflow": "allow",
            "showgrid": False,
            "tickmode": "auto",
            "visible": right_axis,
        },
        yaxis3={
            "domain": [0.0, strip_top],
            "range": [-0.7, max(len(lane_of), 1) - 0.3],
            "tickmode": "array",
            "tickvals": list(lane_of.values()),
            "ticktext": lane_labels,
            "automargin": False,
            "ticklabeloverflow": "allow",
            "tickfont": {"size": 10 if compact else 13, "color": "#444444"},
            "showgrid": True,
            "gridcolor": "#EEEEEE",
            "zeroline": False,
            "fixedrange": True,
        },
        shapes=shapes,
    )
