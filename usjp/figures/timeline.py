"""The timeline figure (pure Plotly, no Streamlit): market series on top, Japan's interventions as bars
under USD/JPY, the event lanes below them, scheduled releases in a lane at the bottom."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go

from usjp.catalog import UNITS, SeriesSpec
from usjp.events import CATEGORIES, Event, category, status
from usjp.figures import timeline_words as words
from usjp.figures.style import IMPORTANCE_SIZE, SERIES_COLORS, escape, frame_layout, line_count, wrap
from usjp.releases import Release

# The interventions are drawn under this series, and only when it is shown.
BARS_UNDER = "usdjpy"
# Bars: blue up for yen bought, red down for yen sold (ColorBrewer RdBu ends: both over 5:1 on white,
# told apart by colour-blind readers; the direction and the panel's label say it without colour too).
BOUGHT_YEN, SOLD_YEN = "#2166AC", "#B2182B"
RELEASE_COLOUR = "#767676"  # light, yet 4.5:1 on white
OPEN_LINE_WIDTH = 2.5  # an open marker's ring: thick enough to read at the smallest size
SELECTED_RING = "#000000"


@dataclass(frozen=True)
class SeriesView:
    """A series ready to draw: catalog identity plus the values in range."""

    key: str
    label: str
    short: str
    unit: str
    values: pd.Series


class RecordedSeries(Protocol):
    """What the figure needs of a stored series drawn as bars (usjp.data.store.StoredSeries has it)."""

    @property
    def spec(self) -> SeriesSpec: ...
    @property
    def values(self) -> pd.Series: ...


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
    interventions: RecordedSeries | None = None,
    releases: Sequence[Release] = (),
) -> go.Figure:
    """The home chart: series on top (second axis for a second unit, or indexed), event lanes below.

    Events are two marker traces, filled (confirmed) and open (anything less; see usjp.events.Status),
    a lane and a colour per category (customdata[0] = event id, [2] = the category's name, [4] = the
    sourcing), so they hover and can be selected; a trace per status, not per event or category, keeps
    Plotly.js's redraw short. The selected event gets a black ring (a trace of its own, so an open
    marker can be ringed too) and a line across the chart. Spans (events with an end) are shaded.
    `interventions` (Japan's record, signed: + yen bought) is drawn as bars in a panel of its own under
    the series, on the days of an operation only, when USD/JPY is shown and the window has any;
    `releases` in a lane of their own at the bottom (hover only: they are not events).
    `headlines` maps event id -> a short "what happened after" line for the hover.
    `compact` is the phone layout: thin margins, axis labels inside the plot, wrapped text.
    `uirevision` keeps the reader's zoom across reruns while it stays the same.
    Traces and layout are plain dicts validated once by the Figure constructor (a third of the time
    of add_trace/update_layout calls, which validate property by property).
    """
    units = list(dict.fromkeys(s.unit for s in series))
    indexed = mode == "indexed" or len(units) > 2
    lane_of = _lanes(events)
    under = any(s.key == BARS_UNDER for s in series)
    bars = intervention_days(interventions.values, start, end) if interventions is not None and under else None
    marks = [r for r in releases if start <= r.date <= end]
    traces = _series_traces(series, units, indexed)
    traces += _event_traces(events, lane_of, selected, headlines or {})
    footer = list(source_lines)
    if bars is not None and interventions is not None:
        traces.append(_bar_trace(bars, start, end, compact))
        footer.append(words.interventions_source(interventions.spec))
    if marks:
        traces.append(_release_trace(marks))
    shapes, annotations = _event_marks(events, selected, start=start, end=end, compact=compact)
    layout = _layout(
        units,
        indexed,
        lane_of,
        start=start,
        end=end,
        title=title,
        subtitle=subtitle,
        footer=[*footer, as_of],
        height=height,
        compact=compact,
        uirevision=uirevision,
        shapes=shapes,
        annotations=annotations,
        key=words.marker_key(events),
        bars=bars is not None,
        releases=bool(marks),
    )
    return go.Figure(data=traces, layout=layout)


def intervention_days(values: pd.Series, start: dt.date, end: dt.date) -> pd.Series | None:
    """The days with an operation between start and end (signed amounts), or None when there are none
    (then no panel is drawn, rather than an empty one)."""
    days = values[pd.Timestamp(start) : pd.Timestamp(end)]
    days = days[days.notna() & (days != 0)]  # the record holds operation days only: nothing is filled
    return days if len(days) else None


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


EVENT_HOVER = (
    "<b>%{customdata[1]}</b><br>%{x|%d %b %Y} · %{customdata[2]}%{customdata[4]}<br>%{customdata[3]}<extra></extra>"
)


def _event_traces(
    events: Sequence[Event], lane_of: dict[str, int], selected: str | None, headlines: dict[str, str]
) -> list[dict]:
    """The events in the lane strip: a trace of filled markers (confirmed), one of open markers (thinner
    sourcing, thicker ring, the status in the hover), and a ring round the selected event; no trace
    without events."""
    chosen = sorted((e for e in events if e.category in lane_of), key=lambda e: lane_of[e.category])
    traces = []
    for hollow in (False, True):
        group = [e for e in chosen if status(e.status).hollow == hollow]
        if group:
            line = {"width": OPEN_LINE_WIDTH} if hollow else {"color": "#FFFFFF", "width": 1}
            name = "Events, open markers" if hollow else "Events"
            traces.append(_marker_trace(group, lane_of, headlines, name=name, hollow=hollow, line=line))
    ring = [e for e in chosen if e.id == selected]
    if ring:
        e = ring[0]
        trace = _marker_trace(ring, lane_of, headlines, name="Selected event", hollow=True, line={"width": [3]})
        # An open ring a size larger, in black: it rings filled and open markers alike. The width is an
        # array, as the events' per-point properties are (the browser tests read the selection from it).
        trace["marker"].update(color=SELECTED_RING, size=[IMPORTANCE_SIZE[e.importance] + 8])
        traces.append(trace)
    return traces


def _marker_trace(
    group: Sequence[Event], lane_of: dict[str, int], headlines: dict[str, str], *, name: str, hollow: bool, line: dict
) -> dict:
    """One marker trace for `group`: lane, colour, size by importance, the category's symbol (its open
    variant when `hollow`), and the hover (title, date, category, sourcing, what happened after)."""
    suffix = "-open" if hollow else ""
    notes = [words.sourcing_note(e) for e in group]
    return {
        "type": "scatter",
        "x": [pd.Timestamp(e.date) for e in group],
        "y": [lane_of[e.category] for e in group],
        "mode": "markers",
        "name": escape(name),
        "yaxis": "y3",
        "showlegend": False,
        "marker": {
            "color": [category(e.category).colour for e in group],
            "size": [IMPORTANCE_SIZE[e.importance] for e in group],
            "line": line,
            "symbol": [category(e.category).symbol + suffix for e in group],
        },
        "customdata": [
            [
                e.id,
                escape(e.title),
                category(e.category).label,
                escape(headlines.get(e.id, "")),
                f" · {note}" if note else "",
            ]
            for e, note in zip(group, notes, strict=True)
        ],
        "hovertemplate": EVENT_HOVER,
    }


def _bar_width(start: dt.date, end: dt.date, compact: bool) -> float:
    """A bar's width in milliseconds: one day, or about four pixels when a day is narrower than that."""
    plot_px = 300 if compact else 700  # the plot's width, roughly (the figure is as wide as its column)
    days = max(1.0, (end - start).days / plot_px * 4)
    return days * 86_400_000


def _bar_trace(days: pd.Series, start: dt.date, end: dt.date, compact: bool) -> dict:
    """Japan's interventions as bars in ¥ trillion, up for yen bought, down for yen sold."""
    amounts = days.to_numpy(dtype=float)
    return {
        "type": "bar",
        "x": days.index,
        "y": amounts / words.PER_TRILLION,
        "yaxis": "y4",
        "name": "Japan's interventions",
        "showlegend": False,
        "width": _bar_width(start, end, compact),
        "marker": {"color": [BOUGHT_YEN if a > 0 else SOLD_YEN for a in amounts], "line": {"width": 0}},
        "hovertext": [escape(words.intervention_hover(d.date(), a)) for d, a in zip(days.index, amounts, strict=True)],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }


def _release_trace(marks: Sequence[Release]) -> dict:
    """Scheduled releases as thin ticks in their own lane: hover only, no customdata, so a click on one
    never opens an event."""
    return {
        "type": "scatter",
        "mode": "markers",
        "x": [pd.Timestamp(r.date) for r in marks],
        "y": [0] * len(marks),
        "yaxis": "y5",
        "name": "Scheduled releases",
        "showlegend": False,
        "marker": {
            "symbol": "line-ns",
            "size": 12,
            "color": RELEASE_COLOUR,
            "line": {"color": RELEASE_COLOUR, "width": 1.5},
        },
        "hovertext": [escape(words.release_text(r)) for r in marks],
        "hovertemplate": "%{hovertext}<extra></extra>",
    }


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


@dataclass(frozen=True)
class Panels:
    """The chart's stacked panels as y domains (fractions of the plot's height), bottom to top, and the
    figure's height: each added panel adds its own pixels, so the series keep the height they had."""

    main: tuple[float, float]
    lanes: tuple[float, float]
    bars: tuple[float, float] | None
    releases: tuple[float, float] | None
    height: int


def panels(n_lanes: int, *, height: int, margins: int, bars: bool, releases: bool, compact: bool) -> Panels:
    """Releases (a thin lane) at the bottom, then the event lanes, the intervention bars, the series."""
    plot = height - margins  # the plot's height without the added panels
    lanes = min(0.30, 0.04 + 0.032 * max(n_lanes, 1)) * plot
    gap = 0.06 * plot  # room for the marker key between the lanes and what is above them
    bar_px, bar_gap = ((52 if compact else 64), 28) if bars else (0, 0)  # bar_gap: the panel's label
    rel_px, rel_gap = (18, 8) if releases else (0, 0)
    total = plot + bar_px + bar_gap + rel_px + rel_gap
    y = rel_px + rel_gap
    lanes_span = (y, y + lanes)
    bars_span = (lanes_span[1] + gap, lanes_span[1] + gap + bar_px)
    main_bottom = bars_span[1] + bar_gap if bars else lanes_span[1] + gap

    def share(span: tuple[float, float]) -> tuple[float, float]:
        return (round(span[0] / total, 4), round(span[1] / total, 4))

    return Panels(
        main=(round(main_bottom / total, 4), 1.0),
        lanes=share(lanes_span),
        bars=share(bars_span) if bars else None,
        releases=share((0.0, rel_px)) if releases else None,
        height=round(height + total - plot),
    )


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
    key: str = "",
    bars: bool = False,
    releases: bool = False,
) -> dict:
    """Geometry (margins, the panels' share of the height) and the layout around it."""
    width = 34 if compact else 80
    # Margins are set here, not grown by Plotly's automargin: automargin makes Plotly.js measure the
    # labels and draw the figure a second time on every update (about 16 ms of a 170 ms interaction).
    # The y axes' labels sit in those margins, so they skip Plotly's per-label overflow check too
    # (ticklabeloverflow "allow": 5 ms less per draw); the x axis keeps it for its end labels.
    lane_labels = [category(c).short if compact else category(c).label for c in lane_of]
    release_label = words.releases_lane(compact)
    longest = max((len(label) for label in [*lane_labels, *([release_label] if releases else [])]), default=0)
    left = max(48 if compact else 90, round(longest * (5.8 if compact else 7.6)) + (14 if compact else 28))
    right_axis = len(units) == 2 and not indexed
    margin = {
        "l": left,
        "r": (44 if compact else 76) if right_axis else 16,
        "t": 80 + 24 * line_count(wrap(title, width)) + (40 if compact else 0),
        "b": 40 + 16 * len(footer) * (2 if compact else 1),
    }
    geometry = panels(
        len(lane_of), height=height, margins=margin["t"] + margin["b"], bars=bars, releases=releases, compact=compact
    )
    notes = [*annotations]
    if key:
        notes.append(_note(key, geometry.lanes[1], compact, right=True))
    if geometry.bars:
        # On a phone the label starts at the figure's edge, as the footer does: the plot alone is too narrow.
        shift = -(margin["l"] - 8) if compact else 0
        notes.append(_note(words.intervention_axis(compact), geometry.bars[1], compact, right=False, xshift=shift))
    frame = frame_layout(
        title,
        subtitle,
        footer,
        width=width,
        subtitle_width=int(width * 1.5),
        compact=compact,
        height=geometry.height,
        margin=margin,
        title_place={"y": 0.98},
        footer_shift=-40,
        subtitle_size=12 if compact else 13,
        annotations=notes,
    )
    lane_axis = {
        "automargin": False,
        "ticklabeloverflow": "allow",
        "tickfont": {"size": 10 if compact else 13, "color": "#444444"},
        "showgrid": True,
        "gridcolor": "#EEEEEE",
        "zeroline": False,
        "fixedrange": True,
    }
    layout = dict(
        frame,
        uirevision=uirevision,
        hovermode="closest",
        dragmode="zoom",
        xaxis={
            "range": [pd.Timestamp(start), pd.Timestamp(end)],
            "showgrid": True,
            "anchor": "y5" if releases else "y3",
            "automargin": False,
        },
        yaxis={
            "domain": list(geometry.main),
            "title": {
                "text": "" if compact else "Index (start = 100)" if indexed else _axis_title(units[0] if units else "")
            },
            "automargin": False,
            "ticklabeloverflow": "allow",
            "zeroline": False,
        },
        yaxis2={
            "domain": list(geometry.main),
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
            **lane_axis,
            "domain": list(geometry.lanes),
            "range": [-0.7, max(len(lane_of), 1) - 0.3],
            "tickmode": "array",
            "tickvals": list(lane_of.values()),
            "ticktext": lane_labels,
        },
        shapes=shapes,
    )
    if geometry.bars:
        layout["yaxis4"] = {
            "domain": list(geometry.bars),
            "automargin": False,
            "ticklabeloverflow": "allow",
            "nticks": 4,
            "zeroline": True,
            "zerolinecolor": "#444444",
            "zerolinewidth": 1,
            "fixedrange": True,
            "tickfont": {"size": 10 if compact else 11},
        }
    if geometry.releases:
        layout["yaxis5"] = {
            **lane_axis,
            "domain": list(geometry.releases),
            "range": [-0.5, 0.5],
            "tickmode": "array",
            "tickvals": [0],
            "ticktext": [escape(release_label)],
            "showgrid": False,
        }
    return layout


def _note(text: str, y: float, compact: bool, *, right: bool, xshift: int = 0) -> dict:
    """A small grey line just above a panel (at paper height `y`): the marker key, a panel's label."""
    return {
        "xref": "paper",
        "yref": "paper",
        "x": 1.0 if right else 0.0,
        "y": y,
        "xanchor": "right" if right else "left",
        "yanchor": "bottom",
        "xshift": xshift,
        "yshift": 2,
        "showarrow": False,
        "text": escape(text),
        "font": {"size": 10 if compact else 11, "color": "#444444"},
        "bgcolor": "rgba(255,255,255,0.8)",
    }
