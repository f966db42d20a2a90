"""The look shared by every figure: palette, font, template, escaping and wrapping of text, the
frame (title, subtitle, margins, legend) and the footer that carries sources into any exported
image, and the chart toolbar's export options.

Colours come from the light palette (usjp/figures/palette.py); category colours and symbols live on the
Category records (usjp/events.py), unit formats on the catalog's Unit records (usjp/catalog.py)."""

from __future__ import annotations

import html
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio

from usjp.figures.palette import LIGHT

SERIES_COLORS = LIGHT.series[:4]  # the timeline cycles through four; the yield curves draw all five
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
    """Escape, then break into lines of at most `width` characters at spaces (Plotly titles don't wrap);
    a word longer than a line (a long link) is cut into pieces of a line each."""
    lines: list[str] = []
    words = [w[i : i + width] for w in text.split() for i in range(0, len(w), max(width, 1))]
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(escape(line) for line in lines)


def line_count(text: str) -> int:
    """How many lines a label made by `wrap` takes."""
    return text.count("<br>") + 1


def frame_lines(title: str, subtitle: str, footer: Sequence[str], width: int) -> tuple[int, int, int]:
    """How many lines the title (wrapped at `width`), the subtitle and the footer (at 1.4 times that) take:
    what a figure's top and bottom margins are made of."""
    wide = int(width * 1.4)
    return line_count(wrap(title, width)), line_count(wrap(subtitle, wide)), line_count(footer_text(footer, wide))


def stacked_frame(
    title: str,
    subtitle: str,
    footer: list[str],
    *,
    compact: bool,
    height: int,
    left: int,
    right: int,
    legend_px: int,
    bottom: int,
    footer_shift: int,
    legend_size: int = 12,
    annotations: Sequence[dict] = (),
) -> dict:
    """frame_layout for a figure whose margins are its wrapped text: the title at 34 characters on a phone
    and 84 on a desktop, the subtitle and the footer at 1.4 times that; the top margin holds the title,
    the subtitle and `legend_px` of legend, the bottom `bottom` px plus the footer's lines. The title is
    pushed down by its extra lines (Plotly anchors a multi-line title by its first). Shared by the
    holdings, yen and aligned-paths figures."""
    chars = 34 if compact else 84
    title_lines, subtitle_lines, footer_lines = frame_lines(title, subtitle, footer, chars)
    return frame_layout(
        title,
        subtitle,
        footer,
        width=chars,
        subtitle_width=int(chars * 1.4),
        compact=compact,
        height=height,
        margin={
            "l": left,
            "r": right,
            "t": 40 + 24 * title_lines + 17 * subtitle_lines + legend_px,
            "b": bottom + 15 * footer_lines,
        },
        title_place={"yref": "container", "y": 1.0, "pad": {"t": 12 + (21 if compact else 24) * (title_lines - 1)}},
        footer_shift=footer_shift,
        legend_size=legend_size,
        annotations=annotations,
    )


def footer_text(lines: Sequence[str], width: int) -> str:
    """The footer's text: each non-empty line wrapped at `width`."""
    return "<br>".join(wrap(line, width) for line in lines if line)


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
        "text": footer_text(lines, width),
        "font": {"size": 11, "color": LIGHT.muted},
    }


def frame_layout(
    title: str,
    subtitle: str,
    footer: Sequence[str],
    *,
    width: int,
    subtitle_width: int,
    compact: bool,
    height: int,
    margin: dict,
    title_place: dict,
    footer_shift: int,
    subtitle_size: int = 12,
    legend_size: int = 12,
    annotations: Sequence[dict] = (),
) -> dict:
    """The layout keys every figure shares, as a plain dict for one validating Figure constructor.

    Template, height and font; the bold title wrapped at `width` characters and the subtitle at
    `subtitle_width`, anchored top left (`title_place`: the figure's own y, yref and pad); the fixed
    `margin` (Plotly's automargin would draw every update twice); the horizontal legend above the
    plot; and the footer lines (sources, "as of") as the last annotation, after `annotations`,
    shifted `footer_shift` px below the plot and starting near the figure's left edge.
    """
    return {
        "template": TEMPLATE,
        "height": height,
        "font": {"family": FONT, "size": 13, "color": LIGHT.text},
        "title": {
            "text": f"<b>{wrap(title, width)}</b>",
            "subtitle": {"text": wrap(subtitle, subtitle_width), "font": {"size": subtitle_size, "color": LIGHT.muted}},
            "x": 0.01,
            "xanchor": "left",
            "yanchor": "top",
            **title_place,
            "font": {"size": 17 if compact else 20},
        },
        "margin": margin,
        "legend": {
            "orientation": "h",
            "x": 0.0,
            "y": 1.0,
            "yanchor": "bottom",
            "xanchor": "left",
            "font": {"size": legend_size},
        },
        "annotations": [
            *annotations,
            footer_annotation(footer, int(width * 1.4), yshift=footer_shift, left_margin=margin["l"]),
        ],
    }


def export_config(filename: str, compact: bool = False) -> dict:
    """Plotly options: a 2x PNG named `filename`, no Plotly logo, a double-click resets to the view's range;
    on a phone no toolbar (it covers the title)."""
    # A double-click goes back to the view's own range ("reset"), not to a range fitted to everything drawn
    # (shaded periods reach past it), which the title, the URL and the labels would not match.
    config: dict = {
        "displaylogo": False,
        "doubleClick": "reset",
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }
    if compact:
        config["displayModeBar"] = False
    return config
