"""The timeline figure (pure Plotly, no Streamlit): market series on top, Japan's interventions as bars
under USD/JPY, the event lanes below them, scheduled releases in a lane at the bottom."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pandas as pd
import plotly.graph_objects as go

from usjp.catalog import UNITS, SeriesSpec
from usjp.events import CATEGORIES, Event, category, status
from usjp.figures import labels as label_layout
from usjp.figures import markers as marker_layout
from usjp.figures import timeline_words as words
from usjp.figures.palette import LIGHT
from usjp.figures.style import IMPORTANCE_SIZE, SERIES_COLORS, escape, footer_text, frame_layout, line_count, wrap
from usjp.releases import Release

# The interventions are drawn under this series, and only when it is shown.
BARS_UNDER = "usdjpy"
# Bars: blue up for yen bought, red down for yen sold (ColorBrewer RdBu ends: both over 5:1 on white,
# told apart by colour-blind readers; the direction and the panel's label say it without colour too).
BOUGHT_YEN, SOLD_YEN = LIGHT.bought, LIGHT.sold
RELEASE_COLOUR = LIGHT.release  # light, yet 4.5:1 on white
OPEN_LINE_WIDTH = 2.5  # an open marker's ring: thick enough to read at the smallest size
SELECTED_RING = LIGHT.selected
CLUSTER_TEXT = LIGHT.halo
LABEL_SIZE = {False: 12, True: 11}  # px, by compact
LABEL = "event-label"  # the name of an event's label (an annotation) in the band above the series
LEADERS = "leaders"  # the name of the path of leader lines from the labels down to their events
LABEL_ROW_PX = 20
LABEL_ROWS = {False: 3, True: 2}
LANE_MIN_PX = 16  # an export short of room squeezes its lanes to this before it grows taller
LANE_PX = {False: 28, True: 24}  # one category's lane: room for three rows of markers (usjp.figures.markers)
COMPACT_BELOW_PX = 640  # a figure narrower than this takes the compact layout
MIN_SERIES_PX = 120  # the series panel's least height


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
    labels: Sequence[str] | None = None,
    note: str = "",
    link: str = "",
    width: int = 1000,
    exact: bool = False,
    min_series_px: int = MIN_SERIES_PX,
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
    `labels`: the ids of the events to label in the band above the series (None: the headline events
    shown), the selected one always first; placed without overlap for a figure `width` px wide (see
    usjp.figures.labels), the number left out said in the subtitle. Markers are arranged in rows per
    lane for the same width so none hides another (usjp.figures.markers); clusters name their events.
    `note`: the reader's own line, first in the footer; `link`: the live view's address, last in it.
    `height` is the figure's height without the lanes and the panels under the series; with `exact`
    (exports), `height` and `width` are the figure's whole size and the series panel gets what is left
    (at least MIN_SERIES_PX: a size too small is made taller).
    `uirevision` keeps the reader's zoom across reruns while it stays the same.
    Traces and layout are plain dicts validated once by the Figure constructor (a third of the time
    of add_trace/update_layout calls, which validate property by property).
    """
    units = list(dict.fromkeys(s.unit for s in series))
    indexed = mode == "indexed" or len(units) > 2
    lane_of = _lanes(events)
    under = any(s.key == BARS_UNDER for s in series)
    bars = intervention_days(interventions.values, start, end) if interventions is not None and under else None
    ticks = [r for r in releases if start <= r.date <= end]
    margin = _margins(units, indexed, lane_of, title, compact=compact, releases=bool(ticks), footer_lines=0)
    plot_px = max(width - margin["l"] - margin["r"], 50)
    chosen = labelled(events, labels, selected)
    placed = label_layout.place(
        [
            label_layout.Wanted(
                e.id,
                marker_layout.x_px(e.date, start, end, plot_px),
                label_layout.fit_text(e.label, LABEL_SIZE[compact], plot_px),
            )
            for e in chosen
        ],
        plot_px,
        LABEL_ROWS[compact],
        LABEL_SIZE[compact],
    )
    if placed.dropped:
        subtitle = (
            f"{subtitle}; {words.labels_dropped(len(placed.dropped))}"
            if subtitle
            else words.labels_dropped(len(placed.dropped))
        )
    footer = [note] if note else []
    footer += source_lines
    if bars is not None and interventions is not None:
        footer.append(words.interventions_source(interventions.spec))
    by_id = {e.id: e for e in events}
    layout, lane_px = _layout(
        units,
        indexed,
        lane_of,
        start=start,
        end=end,
        title=title,
        subtitle=subtitle,
        footer=[*footer, as_of, link],
        height=height,
        width=width,
        exact=exact,
        compact=compact,
        uirevision=uirevision,
        events=events,
        selected=selected,
        placed=[(p, by_id[p.key]) for p in placed.placed],
        legend=[s.label for s in series],
        key=words.marker_key(events),
        bars=bars is not None,
        releases=bool(ticks),
        min_series_px=min_series_px,
        plot_px=plot_px,
    )
    marks = marker_layout.arrange(events, lane_of, start, end, plot_px, lane_px)
    traces = _series_traces(series, units, indexed)
    traces += _event_traces(marks, selected, headlines or {})
    if bars is not None:
        traces.append(_bar_trace(bars, start, end, plot_px))
    if ticks:
        traces.append(_release_trace(ticks))
    return go.Figure(data=traces, layout=layout)


def labelled(events: Sequence[Event], labels: Sequence[str] | None, selected: str | None) -> list[Event]:
    """The events to label, in order of priority: the selected one, then the reader's choice in its
    order (or, by default, the headline events by date); only events the figure shows."""
    by_id = {e.id: e for e in events}
    wanted = list(labels) if labels is not None else [e.id for e in events if e.importance == 3]
    ordered = dict.fromkeys([*([selected] if selected else []), *wanted])
    return [by_id[i] for i in ordered if i in by_id]


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


CLUSTER_HOVER = "<b>%{customdata[1]}</b><br>%{customdata[3]}<extra></extra>"
CLUSTER_LISTED = 8  # events named in a cluster's hover; the rest are counted
ZOOM_PREFIX = "zoom:"  # a cluster's customdata[0]: "zoom:FIRST:LAST" (a click zooms to its events)


def _event_traces(marks: Sequence[marker_layout.Mark], selected: str | None, headlines: dict[str, str]) -> list[dict]:
    """The events in the lane strip: a trace of filled markers (confirmed), one of open markers (thinner
    sourcing, thicker ring, the status in the hover), one of clusters (a count; the hover names them),
    and a ring round the selected event's marker; no trace without markers."""
    singles = [m for m in marks if not m.cluster]
    traces = []
    for hollow in (False, True):
        group = [m for m in singles if status(m.events[0].status).hollow == hollow]
        if group:
            line = {"width": OPEN_LINE_WIDTH} if hollow else {"color": LIGHT.halo, "width": 1}
            name = "Events, open markers" if hollow else "Events"
            traces.append(_marker_trace(group, headlines, name=name, hollow=hollow, line=line))
    clusters = [m for m in marks if m.cluster]
    if clusters:
        traces.append(_cluster_trace(clusters))
    ring = [m for m in marks if any(e.id == selected for e in m.events)]
    if ring:
        m = ring[0]
        trace = _marker_trace([m], headlines, name="Selected event", hollow=True, line={"width": [3]})
        # An open ring a size larger, in black: it rings filled and open markers alike. The width is an
        # array, as the events' per-point properties are (the browser tests read the selection from it).
        trace["marker"].update(
            color=SELECTED_RING, size=[m.size + 8], symbol=["circle-open"] if m.cluster else trace["marker"]["symbol"]
        )
        traces.append(trace)
    return traces


def _marker_trace(
    group: Sequence[marker_layout.Mark], headlines: dict[str, str], *, name: str, hollow: bool, line: dict
) -> dict:
    """One marker trace for single-event marks: lane row, colour, size by importance, the category's
    symbol (its open variant when `hollow`), and the hover (title, date, category, sourcing, what
    happened after)."""
    suffix = "-open" if hollow else ""
    events = [m.events[0] for m in group]
    notes = [words.sourcing_note(e) for e in events]
    return {
        "type": "scatter",
        "x": [pd.Timestamp(m.date) for m in group],
        "y": [m.y for m in group],
        "mode": "markers",
        "name": escape(name),
        "yaxis": "y3",
        "showlegend": False,
        "cliponaxis": False,  # a marker on the first or last day is drawn whole
        "marker": {
            "color": [category(e.category).colour for e in events],
            "size": [IMPORTANCE_SIZE[e.importance] for e in events],
            "line": line,
            "symbol": [category(e.category).symbol + suffix for e in events],
        },
        "customdata": [
            [
                e.id,
                escape(e.title),
                category(e.category).label,
                escape(headlines.get(e.id, "")),
                f" · {note}" if note else "",
            ]
            for e, note in zip(events, notes, strict=True)
        ],
        "hovertemplate": EVENT_HOVER,
    }


def _cluster_trace(clusters: Sequence[marker_layout.Mark]) -> dict:
    """Markers that stand for several events of a lane too close to draw apart: the count on a circle in
    the category's colour; the hover names them (CLUSTER_LISTED at most) and a click zooms to them."""
    return {
        "type": "scatter",
        "x": [pd.Timestamp(m.date) for m in clusters],
        "y": [m.y for m in clusters],
        "mode": "markers+text",
        "name": "Events, grouped",
        "yaxis": "y3",
        "showlegend": False,
        "cliponaxis": False,
        "text": [str(len(m.events)) for m in clusters],
        "textposition": "middle center",
        "textfont": {"size": 9, "color": CLUSTER_TEXT},
        "marker": {
            "color": [category(m.events[0].category).colour for m in clusters],
            "size": [m.size for m in clusters],
            "symbol": "circle",
            "line": {"color": LIGHT.halo, "width": 1},
        },
        "customdata": [
            [
                f"{ZOOM_PREFIX}{m.first.isoformat()}:{m.last.isoformat()}",
                escape(words.cluster_title(len(m.events), m.first, m.last)),
                category(m.events[0].category).label,
                "<br>".join(escape(line) for line in words.cluster_lines(m.events, CLUSTER_LISTED)),
            ]
            for m in clusters
        ],
        "hovertemplate": CLUSTER_HOVER,
    }


def _bar_width(start: dt.date, end: dt.date, plot_px: float) -> float:
    """A bar's width in milliseconds: one day, or about four pixels when a day is narrower than that."""
    days = max(1.0, (end - start).days / plot_px * 4)
    return days * 86_400_000


def _bar_trace(days: pd.Series, start: dt.date, end: dt.date, plot_px: float) -> dict:
    """Japan's interventions as bars in ¥ trillion, up for yen bought, down for yen sold."""
    amounts = days.to_numpy(dtype=float)
    return {
        "type": "bar",
        "x": days.index,
        "y": amounts / words.PER_TRILLION,
        "yaxis": "y4",
        "name": "Japan's interventions",
        "showlegend": False,
        "width": _bar_width(start, end, plot_px),
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
    events: Sequence[Event],
    selected: str | None,
    placed: Sequence[tuple[label_layout.Placed, Event]],
    *,
    top: float,
    compact: bool,
    start: dt.date,
    end: dt.date,
    plot_px: float,
) -> tuple[list[dict], list[dict]]:
    """Shapes and annotations: shaded spans, lines at headline, labelled and selected events (up to the
    series' top, `top` in paper units), and the labels in the band above it with their leader lines."""
    shapes, annotations = [], []
    labelled = {e.id for _, e in placed}
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
                    "y1": top,
                    "fillcolor": category(e.category).colour,
                    "opacity": 0.10,
                    "line": {"width": 0},
                    "layer": "below",
                }
            )
        if e.importance == 3 or e.id == selected or e.id in labelled:
            shapes.append(_event_line(e, strong=e.id == selected, top=top))
    at = functools.partial(marker_layout.date_at, start=start, end=end, plot_px=plot_px)
    for strong in (False, True):
        ends = [(e.date, at(spot.centre), spot.row) for spot, e in placed if (e.id == selected) == strong]
        if ends:
            shapes.append(_leaders(ends, top=top, compact=compact, strong=strong))
    annotations = [
        _label(spot, at(spot.centre), top=top, compact=compact, strong=e.id == selected) for spot, e in placed
    ]
    return shapes, annotations


def _event_line(e: Event, *, strong: bool, top: float = 1.0) -> dict:
    """A line across the chart at the event: dotted in its colour, solid black when selected."""
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": pd.Timestamp(e.date),
        "x1": pd.Timestamp(e.date),
        "y0": 0.0,
        "y1": top,
        "line": {
            "color": SELECTED_RING if strong else category(e.category).colour,
            "width": 1.5 if strong else 1,
            "dash": "solid" if strong else "dot",
        },
        "opacity": 0.9 if strong else 0.45,
        "layer": "below",
    }


def _row_px(row: int) -> float:
    """Where the middle of the band's `row` is, in px above the series' top (row 0 is the lowest)."""
    return LABEL_ROW_PX * row + LABEL_ROW_PX / 2 + 4


def _leaders(ends: Sequence[tuple[dt.date, pd.Timestamp, int]], *, top: float, compact: bool, strong: bool) -> dict:
    """Leader lines, one path for them all, each from an event's date at the series' top up to the bottom
    of its label (date, label's centre, row). In the x axis's dates, so a label and its line stay together
    at any width, and in px above the series' top. One path instead of an arrow per label: Plotly measures
    every annotation arrow as it draws it, which made up a fifth of the chart's redraw."""
    rise = LABEL_SIZE[compact] * 0.65  # half a label's box (a line of text and its padding)
    path = " ".join(
        f"M{_path_date(pd.Timestamp(date))},0L{_path_date(centre)},{_row_px(row) - rise:.1f}"
        for date, centre, row in ends
    )
    return {
        "type": "path",
        "name": LEADERS,
        "xref": "x",
        "yref": "paper",
        "ysizemode": "pixel",
        "yanchor": top,
        "path": path,
        "line": {"color": SELECTED_RING if strong else LIGHT.leader, "width": 1},
        "layer": "above",
    }


def _path_date(when: pd.Timestamp) -> str:
    """A date in a shape's path: Plotly's date string with "_" between day and time (a space would end
    the coordinate), to the millisecond."""
    return when.strftime("%Y-%m-%d_%H:%M:%S.%f")[:-3]


def _label(spot: label_layout.Placed, centre: pd.Timestamp, *, top: float, compact: bool, strong: bool) -> dict:
    """An event's label, centred on `centre` (its laid-out place as a date) in its row of the band."""
    return {
        "name": LABEL,
        "xref": "x",
        "yref": "paper",
        "x": centre,
        "y": top,
        "xanchor": "center",
        "yanchor": "middle",
        "yshift": _row_px(spot.row),
        "showarrow": False,
        "text": f"<b>{escape(spot.text)}</b>" if strong else escape(spot.text),
        "font": {"size": LABEL_SIZE[compact], "color": SELECTED_RING if strong else LIGHT.label},
        "bgcolor": LIGHT.label_backing,
        "borderpad": 1,
    }


@dataclass(frozen=True)
class Panels:
    """The chart's stacked panels as y domains (fractions of the plot's height), bottom to top, and the
    figure's height. The series get `series_px`; the band of labels above them, the event lanes, the
    intervention bars and the releases' lane add their own pixels, so adding one never squeezes the
    series (except in an export of fixed size, where the series get what is left)."""

    main: tuple[float, float]
    lanes: tuple[float, float]
    bars: tuple[float, float] | None
    releases: tuple[float, float] | None
    height: int


def panels(
    n_lanes: int,
    *,
    height: int,
    margins: int,
    bars: bool,
    releases: bool,
    compact: bool,
    band: bool = False,
    exact: bool = False,
    lane_px: float | None = None,
    tight: bool = False,
    min_series_px: int = MIN_SERIES_PX,
) -> Panels:
    """Releases (a thin lane) at the bottom, then the event lanes, the intervention bars, the series and
    the band of labels. `height` is the series' height plus `margins`, or with `exact` the whole figure's."""
    lanes_px = (lane_px or LANE_PX[compact]) * max(n_lanes, 1) + 8
    gap = 26  # room for the marker key between the lanes and what is above them
    bar_px, bar_gap = ((44 if tight else 52 if compact else 64), 28) if bars else (0, 0)  # bar_gap: its label
    rel_px, rel_gap = (18, 8) if releases else (0, 0)
    band_px = LABEL_ROWS[compact] * LABEL_ROW_PX + 6 if band else 0
    extra = lanes_px + gap + bar_px + bar_gap + rel_px + rel_gap + band_px
    # An export of fixed size gives the series what is left, but never less than MIN_SERIES_PX (or what a
    # caller that must fit a screen allows, a presentation full screen): a size
    # too small for the lanes and the panels gets a taller figure rather than an unreadable one.
    series_px = max(height - margins - (extra if exact else 0), min_series_px)
    total = series_px + extra
    y = rel_px + rel_gap
    lanes_span = (y, y + lanes_px)
    bars_span = (lanes_span[1] + gap, lanes_span[1] + gap + bar_px)
    main_bottom = bars_span[1] + bar_gap if bars else lanes_span[1] + gap

    def share(span: tuple[float, float]) -> tuple[float, float]:
        return (round(span[0] / total, 4), round(span[1] / total, 4))

    return Panels(
        main=(round(main_bottom / total, 4), round((main_bottom + series_px) / total, 4)),
        lanes=share(lanes_span),
        bars=share(bars_span) if bars else None,
        releases=share((0.0, rel_px)) if releases else None,
        height=round(total + margins),
    )


def _margins(
    units: list[str],
    indexed: bool,
    lane_of: dict[str, int],
    title: str,
    *,
    compact: bool,
    releases: bool,
    footer_lines: int,
) -> dict:
    """The figure's margins, set here rather than grown by Plotly's automargin: automargin makes Plotly.js
    measure the labels and draw the figure a second time on every update (about 16 ms of a 170 ms
    interaction). The y axes' labels sit in these margins, so they skip Plotly's per-label overflow
    check too (ticklabeloverflow "allow": 5 ms less per draw); the x axis keeps it for its end labels."""
    lane_labels = [category(c).short if compact else category(c).label for c in lane_of]
    release_label = words.releases_lane(compact)
    longest = max((len(label) for label in [*lane_labels, *([release_label] if releases else [])]), default=0)
    left = max(48 if compact else 90, round(longest * (5.8 if compact else 7.6)) + (14 if compact else 28))
    right_axis = len(units) == 2 and not indexed
    return {
        "l": left,
        # Without a right axis, room for half a cluster marker at the plot's right edge.
        "r": (44 if compact else 76) if right_axis else 24,
        "t": 80 + (40 if compact else 0),  # the title's lines are added by the caller
        "b": 40 + 16 * footer_lines,  # footer_lines: after wrapping
    }


TOP_PAD = 14
LEGEND_ROW_PX = 22


def _top(title: str, subtitle: str, legend: Sequence[str], chars: int, legend_px: float, compact: bool) -> int:
    """The top margin: the title's and the subtitle's lines as wrapped, and the legend's rows (Plotly
    wraps a horizontal legend that does not fit), so none of them runs into the next."""
    title_px = line_count(wrap(title, chars)) * (22 if compact else 26)
    sub_lines = line_count(wrap(subtitle, int(chars * 1.5))) if subtitle else 0
    # Plotly sets a subtitle of one line about 10 px lower than the first line of a longer one (measured
    # in Chromium, desktop and compact alike): without the extra room the legend runs into it
    sub_px = sub_lines * (16 if compact else 17) + (14 if sub_lines == 1 else 0)
    rows = legend_rows(legend, legend_px if not compact else legend_px - 8, 12)
    return TOP_PAD + title_px + 8 + sub_px + 10 + rows * LEGEND_ROW_PX + 6


def legend_rows(names: Sequence[str], room_px: float, size: float) -> int:
    """How many rows Plotly's horizontal legend takes for these names in `room_px` (0 when it is not
    drawn: one line has none)."""
    if len(names) < 2:
        return 0
    rows, used = 1, 0.0
    for name in names:
        item = label_layout.text_width(name, size) + 46  # the line sample and the gaps
        if used and used + item > room_px:
            rows, used = rows + 1, 0.0
        used += item
    return rows


def title_chars(width: int, compact: bool) -> int:
    """How many characters of the bold title fit on a line of a figure `width` px wide (the subtitle
    takes half as many again, the footer 1.4 times as many: smaller type)."""
    size = 17 if compact else 20
    return max(24, min(110, int((width - 24) / (size * 0.66))))


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
    width: int,
    exact: bool,
    compact: bool,
    uirevision: str | None,
    events: Sequence[Event],
    selected: str | None,
    placed: Sequence[tuple[label_layout.Placed, Event]],
    legend: Sequence[str] = (),
    key: str = "",
    bars: bool = False,
    releases: bool = False,
    min_series_px: int = MIN_SERIES_PX,
    plot_px: float,
) -> tuple[dict, float]:
    """Geometry (margins, the panels' share of the height) and the layout around it, and the height of
    a lane in px (less than LANE_PX when an export of fixed size is short of room)."""
    chars = title_chars(width, compact)
    title_lines, title_line = line_count(wrap(title, chars)), (22 if compact else 26)
    footer_lines = line_count(footer_text(footer, int(chars * 1.4)))
    margin = _margins(units, indexed, lane_of, title, compact=compact, releases=releases, footer_lines=footer_lines)
    margin["t"] = _top(title, subtitle, legend, chars, width if compact else width - margin["l"], compact)
    right_axis = len(units) == 2 and not indexed
    shape = {
        "bars": bars,
        "releases": releases,
        "compact": compact,
        "band": bool(placed),
        "exact": exact,
        "min_series_px": min_series_px,
    }
    lane_px = LANE_PX[compact]
    geometry = panels(len(lane_of), height=height, margins=margin["t"] + margin["b"], **shape)
    short = geometry.height - height if exact else 0
    if short > 0:  # squeeze the lanes (down to LANE_MIN_PX) before the figure grows taller than asked
        lane_px = max(LANE_MIN_PX, lane_px - short / max(len(lane_of), 1))
        geometry = panels(
            len(lane_of), height=height, margins=margin["t"] + margin["b"], lane_px=lane_px, tight=True, **shape
        )
    shapes, notes = _event_marks(
        events, selected, placed, top=geometry.main[1], compact=compact, start=start, end=end, plot_px=plot_px
    )
    if key:
        notes.append(_note(key, geometry.lanes[1], compact, right=True))
    if geometry.bars:
        # On a phone the label starts at the figure's edge, as the footer does: the plot alone is too narrow.
        shift = -(margin["l"] - 8) if compact else 0
        notes.append(_note(words.intervention_axis(compact), geometry.bars[1], compact, right=False, xshift=shift))
    width_chars = chars
    lane_labels = [category(c).short if compact else category(c).label for c in lane_of]
    release_label = words.releases_lane(compact)
    frame = frame_layout(
        title,
        subtitle,
        footer,
        width=width_chars,
        subtitle_width=int(width_chars * 1.5),
        compact=compact,
        height=geometry.height,
        margin=margin,
        # Plotly lifts a title of several lines by about half a line (measured: 2 and 3 lines alike).
        title_place={"y": 1 - (TOP_PAD + (title_line / 2 if title_lines > 1 else 0)) / geometry.height},
        footer_shift=-40,
        subtitle_size=12 if compact else 13,
        annotations=notes,
    )
    lane_axis = {
        "automargin": False,
        "ticklabeloverflow": "allow",
        "tickfont": {"size": 10 if compact else 13, "color": LIGHT.ink},
        "showgrid": True,
        "gridcolor": LIGHT.lane_grid,
        "zeroline": False,
        "fixedrange": True,
    }
    if compact:  # the legend may start at the figure's edge, as the footer does: the plot alone is narrow
        frame["legend"]["x"] = -(margin["l"] - 8) / max(width - margin["l"] - margin["r"], 1)
    layout = dict(
        frame,
        uirevision=uirevision,
        **({"width": width} if exact else {}),
        hovermode="closest",
        dragmode="zoom",
        xaxis={
            "range": [pd.Timestamp(start), pd.Timestamp(end)],
            "nticks": max(3, int(plot_px / (70 if compact else 90))),
            "tickangle": 0,
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
            "zerolinecolor": LIGHT.ink,
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
    return layout, lane_px


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
        "font": {"size": 10 if compact else 11, "color": LIGHT.ink},
        "bgcolor": LIGHT.note_backing,
    }
