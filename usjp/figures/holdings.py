"""The holdings page's figure (pure Plotly, no Streamlit): TIC holdings by holder, Japan's share and
12-month change, Japan's intervention days, and a lane of selectable events, on one time axis."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from usjp.analysis import holdings as calc
from usjp.analysis.holdings import Publication
from usjp.events import Event, category, status
from usjp.figures import holdings_words as words
from usjp.figures import timeline_words
from usjp.figures.palette import LIGHT
from usjp.figures.style import escape, stacked_frame, wrap
from usjp.views.holdings import HoldingsView

HOLDER_COLOURS = {"Japan": LIGHT.series[1], "China": LIGHT.series[0], "United Kingdom": LIGHT.series[2]}
TOTAL_COLOUR, DEBT_COLOUR = LIGHT.series[3], LIGHT.path
BOUGHT, SOLD = LIGHT.bought, LIGHT.sold  # yen bought (up), yen sold (down): as on the timeline
DAY_MS = 86_400_000
# Vertical panels (paper fractions, bottom to top): interventions, share and change, holdings, events lane.
DOMAINS = {"y6": (0.0, 0.17), "y3": (0.23, 0.43), "y": (0.49, 0.87), "y5": (0.90, 1.0)}


@dataclass(frozen=True)
class HoldingsData:
    """What the figure is drawn from (monthly $bn stamped on the 1st; interventions signed, ¥100 million)."""

    holders: Mapping[str, pd.Series]  # "Japan", "China", "United Kingdom" -> holdings
    total: pd.Series  # all foreign holders
    published: Mapping[dt.date, Publication]  # data month -> first publication
    debt: pd.Series | None = None  # foreign-held federal debt, quarterly
    interventions: pd.Series | None = None
    intervention_ids: Mapping[dt.date, str] = field(default_factory=dict)  # day -> its event id
    events: Sequence[Event] = ()  # drawn in the events lane, selectable


def _x(index: pd.Index, known: bool, published: Mapping[dt.date, Publication]) -> list[dt.date]:
    """Each month's date on the chart: its end, or (known) the day its figure was first published."""
    months = [calc.month_start(t.date()) for t in pd.DatetimeIndex(index)]
    return [published[m].published if known and m in published else calc.month_end(m) for m in months]


def _since(values: pd.Series, start: dt.date) -> pd.Series:
    return values[pd.DatetimeIndex(values.index) >= pd.Timestamp(start)]


def build_holdings_figure(
    data: HoldingsData,
    view: HoldingsView,
    *,
    title: str,
    subtitle: str,
    source_lines: Sequence[str],
    as_of: str,
    compact: bool = False,
    height: int = 860,
) -> go.Figure:
    """The four panels on one date axis, from `view.since`; in `view.known` mode every TIC point sits at
    its first publication date (open markers where that date is approximate) and lines step."""
    start = dt.date(view.since, 1, 1)
    traces: list[dict] = []
    traces += _holder_traces(data, view, start)
    traces += _share_traces(data, view, start)
    bars, bar_end = _intervention_traces(data, start)
    traces += bars
    ends = [max(_x(_since(data.total, start).index, view.known, data.published), default=start), bar_end]
    end = max(d for d in ends if d) + dt.timedelta(days=45)
    shown = [e for e in data.events if start <= e.date <= end]
    traces += _event_traces(shown, compact)
    layout = _layout(title, subtitle, [*source_lines, as_of], start, end, compact, height)
    selected = next((e for e in data.events if e.id == view.event), None)
    if selected is not None and start <= selected.date <= end:
        layout["shapes"] = [_event_line(selected)]
    return go.Figure(data=traces, layout=layout)


def _line(x: list, y: list, name: str, colour: str, axis: str, *, dash: str = "solid", known: bool = False) -> dict:
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "name": name,
        "mode": "lines",
        "line": {
            "color": colour,
            "width": 2.4 if name == "Japan" else 1.8,
            "dash": dash,
            "shape": "hv" if known else "linear",
        },
        "yaxis": axis,
        "hovertemplate": "%{text}<extra></extra>",
    }


def _holder_traces(data: HoldingsData, view: HoldingsView, start: dt.date) -> list[dict]:
    traces = []
    named = [*((name, values, "y", "solid") for name, values in data.holders.items())]
    named.append(("All foreign holders", data.total, "y2", "dash"))
    for name, values, axis, dash in named:
        values = _since(values, start)
        months = [calc.month_start(t.date()) for t in pd.DatetimeIndex(values.index)]
        colour = HOLDER_COLOURS.get(name, TOTAL_COLOUR)
        trace = _line(
            _x(values.index, view.known, data.published), list(values), name, colour, axis, dash=dash, known=view.known
        )
        trace["text"] = [
            escape(words.point_hover(name, m, v, data.published[m])) if m in data.published else escape(f"{name}: {v}")
            for m, v in zip(months, values, strict=True)
        ]
        if view.known:
            trace["mode"] = "lines+markers"
            trace["marker"] = {
                "size": 5,
                "color": colour,
                "symbol": [
                    "circle-open" if m not in data.published or data.published[m].approximate else "circle"
                    for m in months
                ],
            }
        traces.append(trace)
    if data.debt is not None and not view.known:
        debt = _since(data.debt, start)
        x = [calc.add_months(t.date(), 3) - dt.timedelta(days=1) for t in pd.DatetimeIndex(debt.index)]
        trace = _line(x, list(debt), "Foreign-held federal debt (quarterly)", DEBT_COLOUR, "y2", dash="dot")
        trace["text"] = [
            escape(f"Foreign-held federal debt, quarter to {d:%b %Y}: {words.bn(v)}")
            for d, v in zip(x, debt, strict=True)
        ]
        traces.append(trace)
    return traces


def _share_traces(data: HoldingsData, view: HoldingsView, start: dt.date) -> list[dict]:
    japan = data.holders["Japan"]
    change = _since(calc.change_12m(japan), start)
    share = _since(calc.share(japan, data.total), start)
    bars = {
        "type": "bar",
        "x": _x(change.index, view.known, data.published),
        "y": list(change),
        "name": "Japan: change on a year earlier",
        "marker": {"color": [LIGHT.change_up if v >= 0 else LIGHT.change_down for v in change]},
        "yaxis": "y3",
        "text": [
            escape(f"Japan, {words.month_name(t.date())}: {words.signed_bn(v)} on a year earlier")
            for t, v in change.items()
        ],
        "textposition": "none",
        "hovertemplate": "%{text}<extra></extra>",
    }
    line = _line(
        _x(share.index, view.known, data.published),
        list(share),
        "Japan: share of all foreign",
        HOLDER_COLOURS["Japan"],
        "y4",
        known=view.known,
    )
    line["text"] = [
        escape(f"Japan, {words.month_name(t.date())}: {v:.1f}% of all foreign holdings") for t, v in share.items()
    ]
    line["line"]["dash"] = "dot"
    return [bars, line]


def _intervention_traces(data: HoldingsData, start: dt.date) -> tuple[list[dict], dt.date | None]:
    if data.interventions is None:
        return [], None
    days = _since(data.interventions, start)
    if days.empty:
        return [], None
    dates = [t.date() for t in pd.DatetimeIndex(days.index)]
    trace = {
        "type": "bar",
        "x": dates,
        "y": [v / timeline_words.PER_TRILLION for v in days],
        "width": [5 * DAY_MS] * len(dates),
        "name": "Japan's interventions",
        "marker": {"color": [BOUGHT if v > 0 else SOLD for v in days]},
        "yaxis": "y6",
        "customdata": [[data.intervention_ids.get(d, "")] for d in dates],
        "text": [escape(timeline_words.intervention_hover(d, v)) for d, v in zip(dates, days, strict=True)],
        "textposition": "none",
        "hovertemplate": "%{text}<extra></extra>",
        "showlegend": False,
    }
    return [trace], dates[-1]


def _event_traces(events: Sequence[Event], compact: bool) -> list[dict]:
    """One marker trace per category in the lane; customdata[0] is the event id (a click selects it)."""
    traces = []
    for slug in dict.fromkeys(e.category for e in events):
        chosen = [e for e in events if e.category == slug]
        record = category(slug)
        traces.append(
            {
                "type": "scatter",
                "x": [e.date for e in chosen],
                "y": [0.5] * len(chosen),
                "mode": "markers",
                "name": record.label,
                "yaxis": "y5",
                "marker": {
                    "size": [8 + 3 * e.importance for e in chosen],
                    "color": record.colour,
                    "symbol": [record.symbol + ("-open" if status(e.status).hollow else "") for e in chosen],
                    "line": {"color": record.colour, "width": 1.5},
                },
                "customdata": [[e.id] for e in chosen],
                "text": [wrap(f"{timeline_words.event_option(e)}", 40 if compact else 70) for e in chosen],
                "hovertemplate": "%{text}<extra></extra>",
            }
        )
    return traces


def _event_line(event: Event) -> dict:
    return {
        "type": "line",
        "xref": "x",
        "yref": "paper",
        "x0": event.date,
        "x1": event.date,
        "y0": 0,
        "y1": 1,
        "line": {"color": category(event.category).colour, "width": 1.5, "dash": "dash"},
    }


def _layout(
    title: str, subtitle: str, footer: list[str], start: dt.date, end: dt.date, compact: bool, height: int
) -> dict:
    frame = stacked_frame(
        title,
        subtitle,
        footer,
        compact=compact,
        height=height,
        left=52 if compact else 70,
        right=52 if compact else 86,  # the right axes' tick labels and titles ("Japan's share, %")
        legend_px=8 * 19 if compact else 3 * 22,  # a phone stacks the legend's entries, a desktop has three rows
        bottom=50,
        footer_shift=-36,
        legend_size=10 if compact else 12,
        annotations=[_lane_label(), _panel_label(timeline_words.intervention_axis(compact), "y6")],
    )
    grid = {"automargin": False, "fixedrange": True}
    return dict(
        frame,
        hovermode="closest",
        bargap=0,
        xaxis={"range": [start, end], "anchor": "y6", "type": "date", "automargin": False},
        yaxis={**grid, "domain": DOMAINS["y"], "title": {"text": words.HOLDINGS_AXIS}, "tickformat": ",.0f"},
        yaxis2={
            **grid,
            "overlaying": "y",
            "side": "right",
            "title": {"text": "" if compact else words.TOTAL_AXIS},
            "tickformat": ",.0f",
            "showgrid": False,
        },
        yaxis3={
            **grid,
            "domain": DOMAINS["y3"],
            "title": {"text": "" if compact else words.CHANGE_AXIS},
            "zeroline": True,
            "zerolinecolor": LIGHT.ink,
        },
        yaxis4={
            **grid,
            "overlaying": "y3",
            "side": "right",
            "title": {"text": "" if compact else words.SHARE_AXIS},
            "ticksuffix": "%",
            "tickformat": ".0f",
            "showgrid": False,
        },
        yaxis5={
            **grid,
            "domain": DOMAINS["y5"],
            "range": [0, 1],
            "showticklabels": False,
            "showgrid": False,
            "zeroline": False,
        },
        yaxis6={**grid, "domain": DOMAINS["y6"], "zeroline": True, "zerolinecolor": LIGHT.ink, "tickformat": ".1f"},
    )


def _lane_label() -> dict:
    """'Events' in the left margin, beside the lane of markers (not over the legend above it)."""
    low, high = DOMAINS["y5"]
    return {
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": (low + high) / 2,
        "xanchor": "right",
        "yanchor": "middle",
        "xshift": -4,
        "showarrow": False,
        "text": escape(words.MARKER_LANE),
        "font": {"size": 11, "color": LIGHT.muted},
    }


def _panel_label(text: str, axis: str) -> dict:
    top = DOMAINS[axis][1]
    return {
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": top,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "text": escape(text),
        "font": {"size": 11, "color": LIGHT.muted},
    }
