"""A figure in the reader's theme: the light figure itself, or a dark version built for it (not an
inversion): every colour the light palette drew swapped for its dark counterpart, role for role
(usjp/figures/palette.py), on a dark template with plotly_white's structure.

The figures are shared between sessions through caches: `themed` never modifies the figure it is given."""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from usjp.figures import palette as pal

THEMES = tuple(pal.PALETTES)


@functools.cache
def dark_colours() -> dict[str, str]:
    """Normalised light colour -> its dark counterpart."""
    return pal.colour_map(pal.LIGHT, pal.DARK)


@functools.cache
def _dark_template_layout() -> dict:
    """plotly_white's layout with the dark palette's colours: background, text, grid and axis lines, the
    series as its colour way, and hover labels in the dark palette (its colour scales are kept: they
    read on dark as well)."""
    layout = pio.templates["plotly_white"].layout.to_plotly_json()
    _walk(layout, _swap(dark_colours()))
    dark = pal.DARK
    layout["colorway"] = list(dark.series)
    layout["hoverlabel"] = {
        **layout.get("hoverlabel", {}),
        "bgcolor": dark.hover_background,
        "bordercolor": dark.hover_border,
        "font": {"color": dark.text},
    }
    return layout


def themed(fig: go.Figure, theme: str) -> go.Figure:
    """`fig` for "light"; for "dark" a new figure: the same traces, shapes and annotations with every light
    palette colour replaced by its dark counterpart, on the dark template. `fig` is left as it was. A
    colour the palette does not know is left as it is (tests/unit/test_theme.py makes sure the app's
    figures have none: see `unmapped_colours`)."""
    if theme == "light":
        return fig
    if theme != "dark":
        raise ValueError(f"unknown theme {theme!r}; known: {', '.join(THEMES)}")
    spec = fig.to_plotly_json()  # a deep copy: recoloured in place below
    spec["layout"].pop("template", None)
    swap = _swap(dark_colours())
    for trace in spec["data"]:
        _walk(trace, swap)
    _walk(spec["layout"], swap)
    spec["layout"]["template"] = {"layout": copy.deepcopy(_dark_template_layout())}  # its own: a figure may change it
    # Not validated again: `fig` was, and only colour strings (the palette's, valid ones) and the template
    # changed. Validation would triple the time (about 27 ms for the timeline; the test checks it changes
    # nothing).
    return go.Figure(spec, _validate=False)


def unmapped_colours(fig: go.Figure) -> set[str]:
    """The colours in `fig` (its template aside: the dark one replaces it) that the dark palette has no
    counterpart for: each is a role missing from usjp/figures/palette.py."""
    spec = fig.to_plotly_json()
    spec["layout"].pop("template", None)
    known = dark_colours()
    found: set[str] = set()

    def collect(value: str) -> str:
        if pal.normal_form(value) not in known:
            found.add(value)
        return value

    for part in (*spec["data"], spec["layout"]):
        _walk(part, collect)
    return found


def _swap(mapping: dict[str, str]) -> Callable[[str], str]:
    def swap(value: str) -> str:
        return mapping.get(pal.normal_form(value), value)

    return swap


def _is_colour_key(key: str) -> bool:
    """Plotly's colour properties: color, bgcolor, fillcolor, gridcolor, ... and colorway (not colorscale,
    coloraxis, colorbar or colorsrc, whose values are not colours)."""
    return key.endswith("color") or key == "colorway"


def _walk(node: dict | list, visit: Callable[[str], str]) -> None:
    """Apply `visit` to every colour string under a colour property of `node`, in place."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in items:
        if isinstance(key, str) and _is_colour_key(key):
            node[key] = _colours(value, visit)
        elif isinstance(value, dict | list):
            _walk(value, visit)


def _colours(value, visit: Callable[[str], str]):
    """A colour property's value with `visit` applied to its colour strings (one, or one per point)."""
    if isinstance(value, str):
        return visit(value)
    if isinstance(value, list | tuple):
        return [_colours(v, visit) for v in value]
    if isinstance(value, np.ndarray) and value.dtype.kind in "OU":
        return np.array([_colours(v, visit) for v in value.tolist()], dtype=object)
    if isinstance(value, dict):
        _walk(value, visit)
    return value
