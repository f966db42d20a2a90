"""Every chart of every page is shown by `show`: the figure in the reader's theme (the light figure, or
a dark version built for it), its text alternative, and a "Show the data" table that a keyboard reaches.

The figures themselves are built light (exports, handouts and embeds stay light); the dark version is
made here, once per figure object, and shared by every session that shows the same figure.
"""

from __future__ import annotations

import json
import threading
import weakref

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from usjp.figures import chart_data
from usjp.figures.theme import themed
from usjp.ui.markdown import md_escape
from usjp.ui.theme import reader_theme


class WireFigure(go.Figure):
    """A shared figure as st.plotly_chart reads it. On every rerun Streamlit takes the figure's `to_dict()` (a
    deep copy that converts every array) and encodes it with Plotly's encoder, which converts each date
    and NaN and then parses and writes the JSON twice more: 2-6 ms a chart here. A shared figure never
    changes, so this is done once: the dict it hands out is the figure's JSON read back as plain data, which
    Plotly then writes again to the same text in a fraction of the time. Only `to_dict` is meant to be used:
    it is not a figure to draw on (its own properties are never set up)."""

    def __init__(self, fig: go.Figure) -> None:  # no BaseFigure set-up: nothing reads it
        # remove_uids as plotly.io.to_json would (it pops them from the dict it is given, on every run)
        self.__dict__["_wire_spec"] = json.loads(pio.to_json(fig, validate=False, remove_uids=True))

    def to_dict(self) -> dict:
        return self.__dict__["_wire_spec"]


# Made once per figure object: (a weak reference to the figure, what was made from it). Figures are shared
# between sessions and never modified, so what is made from one can be shared too; it goes with the figure.
_MADE: dict[tuple[str, int], tuple[weakref.ref, object]] = {}
_MADE_LOCK = threading.Lock()


def _once(kind: str, fig: go.Figure, make):
    slot = (kind, id(fig))
    with _MADE_LOCK:
        hit = _MADE.get(slot)
        if hit is not None and hit[0]() is fig:
            return hit[1]
    made = make(fig)
    with _MADE_LOCK:
        _MADE[slot] = (weakref.ref(fig, lambda _ref: _MADE.pop(slot, None)), made)
    return made


def in_theme(fig: go.Figure, theme: str) -> go.Figure:
    """`fig` for a light page; for a dark page its dark version, made once per figure object."""
    return fig if theme != "dark" else _once("dark", fig, lambda light: themed(light, "dark"))


def wire(fig: go.Figure) -> WireFigure:
    """What st.plotly_chart sends of `fig`, made once per figure object (see WireFigure)."""
    return _once("wire", fig, WireFigure)


def show(
    fig: go.Figure,
    *,
    key: str,
    alt: str,
    config: dict,
    select: bool = False,
    data: bool = True,
    where=None,
) -> None:
    """The chart in the reader's theme, named by `alt` for screen readers; `select`: a click on a marker
    reruns the page with the selection; `data`: a "Show the data" expander under it (the timeline has
    its own, with the levels behind an indexed chart)."""
    where = where if where is not None else st
    options = {"on_select": "rerun", "selection_mode": "points"} if select else {}
    where.plotly_chart(wire(in_theme(fig, reader_theme())), key=key, theme=None, config=config, alt=alt, **options)
    if data:
        render_data(fig, key, where)


def render_data(fig: go.Figure, key: str, where) -> None:
    """The "Show the data" expander: the values the chart draws, as tables (filled only when opened: a closed expander
    costs the page nothing)."""
    panel = where.expander("Show the data", expanded=False, key=f"{key}__data", on_change="rerun")
    with panel:
        if not panel.open:
            return
        for table in chart_data.figure_tables(fig):
            if table.caption:
                st.caption(md_escape(table.caption))
            st.dataframe(table.frame, hide_index=True, width="stretch", placeholder="–")
