"""The look shared by every figure: palette, font, template, escaping and wrapping of text, the
footer that carries sources into any exported image, and the chart toolbar's export options.

Category colours and symbols live on the Category records (usjp/events.py), unit formats on the
catalog's Unit records (usjp/catalog.py)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio

SERIES_COLORS = ("#1B2F4B", "#A33B20", "#4B7F52", "#6A4C93")
IMPORTANCE_SIZE = {1: 8, 2: 11, 3: 15}
FONT = "Inter, 'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif"
# plotly_white without its per-trace-type defaults (bars, heatmaps, ...; none apply to these
# scatter-only figures): the same look, but Plotly no longer deep-copies and validates the whole
# template on every build (about 5 ms of a 27 ms build) nor ships it (about 4 KB per figure).
TEMPLATE = go.layout.Template(layout=pio.templates["plotly_white"].layout)


def escape(text: str) -> str:
    """Make data-derived text inert in Plotly's HTML-like labels."""
    return html.escape(text, quote=False)


def wrap(text: str, width: int) -> str:
    """Escape, then break into lines of at most `width` characters at spaces (Plotly titles don't wrap)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(escape(line) for line in lines)


def footer_annotation(lines: Sequence[str], width: int, *, yshift: int, left_margin: int = 0) -> dict:
    """Sources and "as of" inside the figure, under the plot: an exported PNG carries its citation.

    It starts near the figure's left edge (not the plot's), so on a phone it has the full width.
    """
    return {
        "xref": "paper",
        "yref": "paper",
        "x": 0.0,
        "y": 0.0,
        "yshift": yshift,
        "xshift": -max(left_margin - 8, 0),
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "align": "left",
        "text": "<br>".join(wrap(line, width) for line in lines if line),
        "font": {"size": 11, "color": "#555555"},
    }


def export_config(filename: str, compact: bool = False) -> dict:
    """Plotly options: a 2x PNG named `filename`, no Plotly logo; on a phone no toolbar (it covers the title)."""
    config: dict = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename}}
    if compact:
        config["displayModeBar"] = False
    return config
