"""The yield-curve page's figures (pure Plotly, no Streamlit): curves over maturity, each maturity's move
around an event (bars with z), and the 10Y–2Y spread over time with event markers to click."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from usjp.analysis import EventStats, Window
from usjp.analysis.curve import MATURITIES, Curve
from usjp.events import Event, category
from usjp.figures.labels import text_width
from usjp.figures.palette import LIGHT
from usjp.figures.style import SERIES_COLORS, escape, footer_text, frame_layout, line_count, wrap
from usjp.figures.yield_curve_words import curve_name

YEARS = [years for _, years, _ in MATURITIES]
TICKS = [label for _, _, label in MATURITIES]
CURVE_COLORS = LIGHT.series  # SERIES_COLORS and a fifth
UP, DOWN = LIGHT.series[1], LIGHT.yields_down  # yields up / down (one hue each; the sign is also in the label)


def legend_rows(names: Sequence[str], room_px: float, size: float) -> int:
    """Rows of Plotly's horizontal legend: when it wraps, it sets its entries in columns as wide as the
    widest entry (0 rows for a single entry, which is not drawn)."""
    if len(names) < 2:
        return 0
    widest = max(text_width(n, size) for n in names) + 46  # the sample line and the gaps
    per_row = max(1, int(room_px // widest))
    total = sum(text_width(n, size) + 46 for n in names)
    return 1 if total <= room_px else math.ceil(len(names) / per_row)


@dataclass(frozen=True)
class Frame:
    """What every figure of the page carries inside it."""

    title: str
    subtitle: str
    footer: Sequence[str]  # source lines, then "Data as of"
    compact: bool = False


def _layout(frame: Frame, height: int, legend: Sequence[str] = ()) -> dict:
    """The frame around a plot `height` px tall, with room above it for the legend's rows of `legend`."""
    width = 34 if frame.compact else 84
    size = 11 if frame.compact else 12
    rows = legend_rows(legend, 330 if frame.compact else 800, size)
    title_lines = line_count(wrap(frame.title, width))
    subtitle_lines = line_count(wrap(frame.subtitle, int(width * 1.4)))
    footer_lines = line_count(footer_text(frame.footer, int(width * 1.4)))
    top = 40 + 24 * title_lines + 17 * subtitle_lines + (40 if frame.compact else 26) + int(rows * size * 1.75)
    bottom = 62 + 15 * footer_lines
    return frame_layout(
        frame.title,
        frame.subtitle,
        frame.footer,
        width=width,
        subtitle_width=int(width * 1.4),
        compact=frame.compact,
        height=height + top + bottom,
        margin={"l": 50 if frame.compact else 70, "r": 14 if frame.compact else 30, "t": top, "b": bottom},
        title_place={
            "yref": "container",
            "y": 1.0,
            "pad": {"t": 12 + (21 if frame.compact else 24) * (title_lines - 1)},
        },
        footer_shift=-50,
        legend_size=size,
    )


# -- curves over maturity ---------------------------------------------------------------------------
def build_curve_figure(curves: Sequence[Curve], events: Mapping[str, Event], frame: Frame) -> go.Figure:
    """One line per curve, x = maturity in years (ticks 3M ... 30Y), y = yield in percent."""
    traces = []
    for i, curve in enumerate(sorted(curves, key=lambda c: c.day)):
        name = escape(curve_name(curve, events, short=frame.compact))
        traces.append(
            {
                "type": "scatter",
                "x": YEARS,
                "y": list(curve.yields),
                "mode": "lines+markers",
                "name": name,
                "line": {"color": CURVE_COLORS[i % len(CURVE_COLORS)], "width": 3 if curve.role == "latest" else 2},
                "marker": {"size": 8},
                "customdata": TICKS,
                "hovertemplate": f"{name}<br>%{{customdata}}: %{{y:.2f}}%<extra></extra>",
            }
        )
    layout = _layout(frame, 300 if frame.compact else 380, [t["name"] for t in traces])
    # On a phone the maturities sit on a log axis: on a linear one 3M and 2Y run into each other.
    axis = (
        {"type": "log", "range": [math.log10(0.18), math.log10(42)]}
        if frame.compact
        else {"type": "linear", "range": [-1, 31]}
    )
    layout.update(
        hovermode="closest",
        showlegend=True,
        xaxis={
            **axis,
            "title": {"text": "Maturity (log scale)" if frame.compact else "Maturity (years)"},
            "tickmode": "array",
            "tickvals": YEARS,
            "ticktext": TICKS,
            "tickangle": 0,
            "automargin": False,
            "zeroline": False,
        },
        yaxis={"title": {"text": "" if frame.compact else "Yield (%)"}, "ticksuffix": "%", "automargin": False},
    )
    return go.Figure(data=traces, layout=layout)


# -- moves by maturity ------------------------------------------------------------------------------
@dataclass(frozen=True)
class MaturityMove:
    label: str
    change: float | None  # bp
    z: float | None
    start: dt.date | None
    end: dt.date | None
    reason: str = ""


def maturity_moves(stats: Sequence[EventStats], window: Window) -> list[MaturityMove]:
    """Each maturity's change and z over `window`, from the statistics (MATURITIES order)."""
    by_key = {s.series: s for s in stats}
    out = []
    for key, _, label in MATURITIES:
        found = by_key.get(key)
        w = next((w for w in found.windows if w.window == window), None) if found else None
        if w is None:
            out.append(MaturityMove(label, None, None, None, None, "no data"))
            continue
        reason = w.reasons.get("change") or w.reasons.get("z") or ""
        out.append(MaturityMove(label, w.change, w.z, w.start_date, w.end_date, reason))
    return out


def bar_label(move: MaturityMove) -> str:
    if move.change is None:
        return "n/a"
    z = "z n/a" if move.z is None else f"z {move.z:+.1f}"
    return f"{move.change:+.0f} bp<br>{z}"


def build_moves_figure(moves: Sequence[MaturityMove], frame: Frame) -> go.Figure:
    """Bars by maturity (bp), labelled with the change and its z; hover adds the dates."""
    y = [m.change if m.change is not None else 0.0 for m in moves]
    hover = [
        escape(
            f"{m.label}: n/a ({m.reason})"
            if m.change is None
            else f"{m.label}: {m.change:+.1f} bp, z {'n/a' if m.z is None else f'{m.z:+.2f}'}"
            + (f" ({m.start:%d %b %Y} to {m.end:%d %b %Y} close)" if m.start and m.end else "")
        )
        for m in moves
    ]
    trace = {
        "type": "bar",
        "x": [m.label for m in moves],
        "y": y,
        "text": [bar_label(m) for m in moves],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [UP if v >= 0 else DOWN for v in y]},
        "customdata": hover,
        "hovertemplate": "%{customdata}<extra></extra>",
        "showlegend": False,
    }
    span = max([abs(v) for v in y] + [1.0]) * 1.35
    layout = _layout(frame, 260 if frame.compact else 320)
    layout.update(
        hovermode="closest",
        xaxis={"title": {"text": "Maturity"}, "type": "category", "automargin": False},
        yaxis={
            "title": {"text": "" if frame.compact else "Change (bp)"},
            "ticksuffix": " bp",
            "range": [-span if min(y) < 0 else -span * 0.15, span if max(y) > 0 else span * 0.15],
            "zeroline": True,
            "zerolinecolor": LIGHT.ink,
            "automargin": False,
        },
    )
    return go.Figure(data=[trace], layout=layout)


# -- the 10Y–2Y spread with events ------------------------------------------------------------------
def spread_markers(spread_bp: pd.Series, events: Sequence[Event]) -> list[tuple[Event, dt.date, float]]:
    """Each event at the spread's last value on or before its date (events before the data are left out)."""
    out = []
    for e in events:
        position = int(spread_bp.index.searchsorted(pd.Timestamp(e.date), side="right")) - 1
        if position >= 0:
            out.append((e, spread_bp.index[position].date(), float(spread_bp.iloc[position])))
    return out


def build_spread_figure(spread_bp: pd.Series, events: Sequence[Event], selected: str | None, frame: Frame) -> go.Figure:
    """The spread (bp) as a line; events as markers (customdata[0] = event id) by category; the
    selected event as a dashed line."""
    traces: list[dict] = [
        {
            "type": "scatter",
            "x": spread_bp.index,
            "y": spread_bp.to_numpy(),
            "mode": "lines",
            "name": "10Y–2Y spread",
            "line": {"color": SERIES_COLORS[0], "width": 1.6},
            "hovertemplate": "%{x|%d %b %Y}: %{y:+.0f} bp<extra></extra>",
        }
    ]
    marks = spread_markers(spread_bp, events)
    for slug in dict.fromkeys(e.category for e, _, _ in marks):
        mine = [(e, d, v) for e, d, v in marks if e.category == slug]
        record = category(slug)
        traces.append(
            {
                "type": "scatter",
                "x": [pd.Timestamp(e.date) for e, _, _ in mine],
                "y": [v for _, _, v in mine],
                "mode": "markers",
                "name": escape(record.label),
                "marker": {
                    "color": record.colour,
                    "symbol": record.symbol,
                    "size": [14 if e.id == selected else 9 for e, _, _ in mine],
                    "line": {"color": LIGHT.halo, "width": 1},
                },
                "customdata": [[e.id, escape(f"{e.date:%d %b %Y} · {e.title}")] for e, _, _ in mine],
                "hovertemplate": "%{customdata[1]}<br>Spread %{y:+.0f} bp<extra></extra>",
            }
        )
    layout = _layout(frame, 300 if frame.compact else 360, [t["name"] for t in traces])
    shapes = []
    chosen = next((e for e in events if e.id == selected), None)
    if chosen is not None and len(spread_bp) and spread_bp.index[0].date() <= chosen.date:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": pd.Timestamp(chosen.date),
                "x1": pd.Timestamp(chosen.date),
                "y0": 0,
                "y1": 1,
                "line": {"color": category(chosen.category).colour, "width": 1.5, "dash": "dash"},
            }
        )
    layout.update(
        hovermode="closest",
        clickmode="event+select",
        shapes=shapes,
        xaxis={"type": "date", "automargin": False},
        yaxis={
            "title": {"text": "" if frame.compact else "10Y minus 2Y (bp)"},
            "ticksuffix": " bp",
            "zeroline": True,
            "zerolinecolor": LIGHT.ink,
            "automargin": False,
        },
    )
    return go.Figure(data=traces, layout=layout)
