"""The event study's figure (pure Plotly, no Streamlit): aligned event paths against a placebo band."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from usjp.analysis import AlignedPaths
from usjp.events import category as category_record
from usjp.figures.style import FONT, TEMPLATE, escape, footer_annotation, wrap

PATH_GREY = "#9AA5B1"
BAND_FILL = "rgba(0, 114, 178, 0.16)"  # Okabe–Ito blue, pale: distinct from the grey event paths
BAND_EDGE = "rgba(0, 114, 178, 0.55)"


def _unit_axis(unit: str) -> str:
    return "Change since the day before (bp)" if unit == "bp" else "Change since the day before (%)"


def _hover_value(unit: str) -> str:
    return "%{y:+.0f} bp" if unit == "bp" else "%{y:+.2f}%"


def build_aligned_paths_figure(
    paths: AlignedPaths,
    *,
    category: str,
    event_titles: Mapping[str, str],
    title: str,
    subtitle: str,
    source_lines: Sequence[str],
    as_of: str,
    compact: bool = False,
    height: int = 560,
) -> go.Figure:
    """Each event's path (thin), their mean (thick) and the placebo band for the mean (grey).

    x is observations relative to t0 (0 = the first observation that could react); every path is
    rebased to 0 at the baseline (t0 - 1), so the y axis is the change since the day before.
    Built from plain dicts and validated once by the Figure constructor, like the timeline.
    """
    traces: list[dict] = []
    x = list(paths.offsets)
    colour = category_record(category).colour
    value = _hover_value(paths.unit)
    n = paths.paths.shape[1]
    names = (
        ("Placebo 5–95%", f"Events ({n})", "Mean")
        if compact
        else (
            f"Placebo 5–95%: mean of {n} random non-event dates, {paths.draws:,} draws",
            f"Each event ({n})",
            f"Mean of the {n} events",
        )
    )
    if paths.band_low is not None and paths.band_high is not None:
        for edge, band, label in ((0, paths.band_high, "95th"), (1, paths.band_low, "5th")):
            traces.append(
                {
                    "type": "scatter",
                    "x": x,
                    "y": band.to_numpy(),
                    "mode": "lines",
                    "line": {"width": 1, "color": BAND_EDGE, "dash": "dot"},
                    "fill": "tonexty" if edge else None,
                    "fillcolor": BAND_FILL,
                    "name": names[0],
                    "legendgroup": "placebo",
                    "showlegend": bool(edge),
                    "hovertemplate": f"Placebo {label} percentile, t%{{x:+d}}: {value}<extra></extra>",
                }
            )
    for i, event_id in enumerate(paths.paths.columns):
        traces.append(
            {
                "type": "scatter",
                "x": x,
                "y": paths.paths[event_id].to_numpy(),
                "mode": "lines",
                "line": {"color": PATH_GREY, "width": 1},
                "opacity": 0.7,
                "name": names[1],
                "legendgroup": "events",
                "showlegend": i == 0,
                "customdata": [escape(event_titles.get(event_id, event_id))] * len(x),
                "hovertemplate": f"%{{customdata}}<br>t%{{x:+d}}: {value}<extra></extra>",
            }
        )
    traces.append(
        {
            "type": "scatter",
            "x": x,
            "y": paths.mean.to_numpy(),
            "mode": "lines+markers",
            "line": {"color": colour, "width": 4},
            "marker": {"size": 6},
            "name": names[2],
            "hovertemplate": f"Mean of {n}, t%{{x:+d}}: {value}<extra></extra>",
        }
    )

    # Symmetric y range around 0, so up and down moves look alike.
    drawn = [
        paths.paths.to_numpy().ravel(),
        *(b.to_numpy() for b in (paths.band_low, paths.band_high) if b is not None),
    ]
    values = np.abs(np.concatenate(drawn)) if drawn else np.empty(0)
    values = values[np.isfinite(values)]
    span = float(values.max()) * 1.08 if len(values) and values.max() > 0 else 1.0

    width = 34 if compact else 84
    title_lines = wrap(title, width).count("<br>") + 1
    subtitle_lines = wrap(subtitle, int(width * 1.4)).count("<br>") + 1
    left = 58 if compact else 84
    footer = footer_annotation([*source_lines, as_of], int(width * 1.4), yshift=-58, left_margin=left)
    footer_lines = footer["text"].count("<br>") + 1
    layout = dict(
        template=TEMPLATE,
        height=height,
        font={"family": FONT, "size": 13, "color": "#1A1A1A"},
        title={
            "text": f"<b>{wrap(title, width)}</b>",
            "subtitle": {"text": wrap(subtitle, int(width * 1.4)), "font": {"size": 12, "color": "#555555"}},
            "x": 0.01,
            "xanchor": "left",
            "yref": "container",
            "y": 1.0,
            "yanchor": "top",
            # Plotly anchors a multi-line title by its first line: push it down by the extra lines.
            "pad": {"t": 12 + (21 if compact else 24) * (title_lines - 1)},
            "font": {"size": 17 if compact else 20},
        },
        margin={
            "l": left,
            "r": 14 if compact else 30,
            "t": 40 + 24 * title_lines + 17 * subtitle_lines + (40 if compact else 26),
            "b": 70 + 15 * footer_lines,
        },
        hovermode="closest",
        legend={
            "orientation": "h",
            "x": 0.0,
            "y": 1.0,
            "yanchor": "bottom",
            "xanchor": "left",
            "font": {"size": 11 if compact else 12},
        },
        xaxis={
            "title": {
                "text": "Sessions from the event" if compact else "Sessions from the event (0 = first that could react)"
            },
            "tickmode": "linear",
            "dtick": 5 if compact else 1,
            "zeroline": False,
            "automargin": False,
            "range": [x[0] - 0.4, x[-1] + 0.4],
        },
        yaxis={
            "title": {"text": "" if compact else _unit_axis(paths.unit)},
            "automargin": False,  # fixed margins: automargin costs Plotly.js a second draw per update
            "range": [-span, span],
            "zeroline": True,
            "zerolinecolor": "#444444",
            "zerolinewidth": 1,
            "ticksuffix": " bp" if paths.unit == "bp" else "%",
        },
        shapes=[
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": -0.5,
                "x1": -0.5,
                "y0": 0,
                "y1": 1,
                "line": {"color": colour, "width": 1.5, "dash": "dash"},
            }
        ],
        annotations=[
            {
                "xref": "x",
                "yref": "paper",
                "x": -0.5,
                "y": 1.0,
                "xanchor": "left",
                "yanchor": "top",
                "xshift": 3,
                "showarrow": False,
                "text": "event",
                "font": {"size": 11, "color": colour},
            },
            footer,
        ],
    )
    return go.Figure(data=traces, layout=layout)
