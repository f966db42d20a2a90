"""The event study's figure (pure Plotly, no Streamlit): aligned event paths against a placebo band."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from usjp.analysis import AlignedPaths
from usjp.events import category as category_record
from usjp.figures.palette import LIGHT
from usjp.figures.style import escape, stacked_frame
from usjp.figures.timeline_words import plural

PATH_GREY = LIGHT.path
BAND_FILL = LIGHT.band_fill  # Okabe–Ito blue, pale: distinct from the grey event paths
BAND_EDGE = LIGHT.band_edge


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
    colour = category_record(category).colour
    n = paths.paths.shape[1]
    band_name, each_name, mean_name = (
        ("Placebo 5–95%", f"Events ({n})", "Mean")
        if compact
        else (
            f"Placebo 5–95%: mean of {plural(n, 'random non-event date')}, {paths.draws:,} draws",
            f"Each event ({n})",
            f"Mean of the {plural(n, 'event')}",
        )
    )
    traces = [
        *_band_traces(paths, band_name),
        *_path_traces(paths, each_name, event_titles),
        _mean_trace(paths, mean_name, colour),
    ]
    layout = _layout(
        paths,
        colour,
        title=title,
        subtitle=subtitle,
        footer=[*source_lines, as_of],
        compact=compact,
        height=height,
    )
    return go.Figure(data=traces, layout=layout)


def _band_traces(paths: AlignedPaths, name: str) -> list[dict]:
    """The placebo band: its 95th percentile, then the 5th filled up to it (none without a band)."""
    if paths.band_low is None or paths.band_high is None:
        return []
    value = _hover_value(paths.unit)
    return [
        {
            "type": "scatter",
            "x": list(paths.offsets),
            "y": band.to_numpy(),
            "mode": "lines",
            "line": {"width": 1, "color": BAND_EDGE, "dash": "dot"},
            "fill": "tonexty" if edge else None,
            "fillcolor": BAND_FILL,
            "name": name,
            "legendgroup": "placebo",
            "showlegend": bool(edge),
            "hovertemplate": f"Placebo {label} percentile, t%{{x:+d}}: {value}<extra></extra>",
        }
        for edge, band, label in ((0, paths.band_high, "95th"), (1, paths.band_low, "5th"))
    ]


def _path_traces(paths: AlignedPaths, name: str, event_titles: Mapping[str, str]) -> list[dict]:
    """One thin grey line per event, one legend entry for all of them."""
    x = list(paths.offsets)
    value = _hover_value(paths.unit)
    return [
        {
            "type": "scatter",
            "x": x,
            "y": paths.paths[event_id].to_numpy(),
            "mode": "lines",
            "line": {"color": PATH_GREY, "width": 1},
            "opacity": 0.7,
            "name": name,
            "legendgroup": "events",
            "showlegend": i == 0,
            "customdata": [escape(event_titles.get(event_id, event_id))] * len(x),
            "hovertemplate": f"%{{customdata}}<br>t%{{x:+d}}: {value}<extra></extra>",
        }
        for i, event_id in enumerate(paths.paths.columns)
    ]


def _mean_trace(paths: AlignedPaths, name: str, colour: str) -> dict:
    """The mean path: thick, with markers, in the category's colour."""
    return {
        "type": "scatter",
        "x": list(paths.offsets),
        "y": paths.mean.to_numpy(),
        "mode": "lines+markers",
        "line": {"color": colour, "width": 4},
        "marker": {"size": 6},
        "name": name,
        "hovertemplate": f"Mean of {paths.paths.shape[1]}, t%{{x:+d}}: {_hover_value(paths.unit)}<extra></extra>",
    }


def _symmetric_span(paths: AlignedPaths) -> float:
    """Half the y range: symmetric around 0, so up and down moves look alike (1 with nothing drawn)."""
    drawn = [
        paths.paths.to_numpy().ravel(),
        *(b.to_numpy() for b in (paths.band_low, paths.band_high) if b is not None),
    ]
    values = np.abs(np.concatenate(drawn))
    values = values[np.isfinite(values)]
    return float(values.max()) * 1.08 if len(values) and values.max() > 0 else 1.0


def _layout(
    paths: AlignedPaths,
    colour: str,
    *,
    title: str,
    subtitle: str,
    footer: list[str],
    compact: bool,
    height: int,
) -> dict:
    """Geometry (margins from the wrapped title, subtitle and footer) and the layout around it."""
    span = _symmetric_span(paths)
    x = paths.offsets
    frame = stacked_frame(
        title,
        subtitle,
        footer,
        compact=compact,
        height=height,
        left=58 if compact else 84,
        right=14 if compact else 30,
        legend_px=40 if compact else 26,
        bottom=70,
        footer_shift=-58,
        legend_size=11 if compact else 12,
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
            }
        ],
    )
    return dict(
        frame,
        hovermode="closest",
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
            "zerolinecolor": LIGHT.ink,
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
    )
