"""Every chart of every page is shown by `show`: the figure in the reader's theme (the light figure, or
a dark version built for it), its text alternative, and a "Show the data" table that a keyboard reaches.

The figures themselves are built light (exports, handouts and embeds stay light); the dark version is
made here, once per figure object, and shared by every session that shows the same figure.
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections.abc import Mapping

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from usjp.figures import chart_data
from usjp.figures.theme import themed
from usjp.ui.keys import SCALED_CHART
from usjp.ui.markdown import md_escape
from usjp.ui.theme import reader_theme


def _json_text(fig: go.Figure) -> str:
    """The figure's JSON as st.plotly_chart writes it (remove_uids as plotly.io.to_json would)."""
    return pio.to_json(fig, validate=False, remove_uids=True)


class WireFigure(go.Figure):
    """A shared figure as st.plotly_chart reads it. On every rerun Streamlit takes the figure's `to_dict()` (a
    deep copy that converts every array) and encodes it with Plotly's encoder, which converts each date
    and NaN and then parses and writes the JSON twice more: 2-6 ms a chart here. A shared figure never
    changes, so this is done once: the dict it hands out is the figure's JSON read back as plain data, which
    Plotly then writes again to the same text in a fraction of the time. Only `to_dict` is meant to be used:
    it is not a figure to draw on (its own properties are never set up)."""

    def __init__(self, fig: go.Figure) -> None:  # no BaseFigure set-up: nothing reads it
        self.__dict__["_wire_spec"] = json.loads(_json_text(fig))

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


# -- a chart whose scale switches in the browser ----------------------------------------------------
# Trusted code of ours: no text from the data reaches the page except through Plotly (which escapes what
# our figures do not mark up) and `aria-label` (an attribute, set as text). It draws with the Plotly.js
# that Streamlit's own charts load (plotly.js's bundle sets `window.Plotly`): app.py's hidden blank
# st.plotly_chart in the sidebar (ui/boot.py) makes sure the browser has loaded it. It draws again with
# Plotly.react, which updates the chart in place: st.plotly_chart builds a new chart on every change
# (a new element id per figure, a new chart mounted).
#
# Each view is sent with its figure for every scale, each drawn in a chart of its own: the shown one
# first, the others hidden under it once the page is idle. When the reader switches the scale control,
# the other chart is shown at once (drawn then if it was not yet), before the server has answered; the
# server's answer (the same figures, with the URL, exports and alt text following) then finds it shown
# and does nothing.
_SCALES_JS = """
export default function(component) {
  const { data, parentElement, setStateValue } = component;
  let box = parentElement.querySelector(":scope > .usjp-plot");
  if (!box) {
    box = document.createElement("div");
    box.className = "usjp-plot";
    box.setAttribute("role", "figure");  // as st.plotly_chart names a chart: its toolbar inside stays operable
    box.style.position = "relative";
    box.__charts = {};
    parentElement.appendChild(box);
  }
  box.__usjp = { data, setStateValue };
  const place = (chart, hidden) => {  // a hidden chart lies under the shown one, out of sight and reach
    chart.style.visibility = hidden ? "hidden" : "";
    chart.style.position = hidden ? "absolute" : "";
    chart.style.inset = hidden ? "0 0 auto 0" : "";
    if (hidden) chart.setAttribute("aria-hidden", "true");
    else chart.removeAttribute("aria-hidden");
  };
  const chartOf = (mode) => {  // one Plotly chart per scale, made when first needed
    if (!box.__charts[mode]) {
      const chart = document.createElement("div");
      chart.className = "usjp-scale";
      chart.dataset.mode = mode;
      box.appendChild(chart);
      box.__charts[mode] = chart;
      place(chart, box.__usjpShown !== undefined && box.__usjpShown !== mode);
    }
    return box.__charts[mode];
  };
  const control = () => {  // the scale the control shows now (it changes before the server answers)
    const d = box.__usjp.data;
    const inputs = [...document.querySelectorAll(`.st-key-${d.control} input[type="radio"]`)];
    const at = inputs.findIndex((input) => input.checked);
    return at >= 0 && d.modes[at] in d.figures ? d.modes[at] : null;
  };
  const draw = (mode) => {  // the chart of `mode` gets the figure of the latest data, unless it has it
    const d = box.__usjp.data;
    const chart = chartOf(mode);
    if (chart.__usjpDrawn === d.ids[mode]) return;
    chart.__usjpDrawn = d.ids[mode];
    const fig = JSON.parse(d.figures[mode]);
    window.Plotly.react(chart, fig.data, fig.layout, d.config).then(() => {
      if (!d.select || chart.__usjpClicks) return;
      chart.__usjpClicks = true;
      chart.on("plotly_click", (ev) => box.__usjp.setStateValue("selection", {
        points: ev.points.map((p) => ({
          curve_number: p.curveNumber, point_number: p.pointNumber, point_index: p.pointIndex,
          customdata: p.customdata,
        })),
        at: Date.now(),
      }));
    });
  };
  // The scale shown is drawn at once; the others are drawn (hidden, in the same place) when the page is
  // idle, so that a switch only has to show one: the shown chart is first in the box, the rest hidden.
  const show = (mode) => {
    const d = box.__usjp.data;
    draw(mode);
    const chart = chartOf(mode);
    if (box.__usjpShown !== mode) {
      box.__usjpShown = mode;
      for (const other of Object.values(box.__charts)) place(other, other !== chart);
      if (box.firstChild !== chart) box.insertBefore(chart, box.firstChild);
    }
    box.setAttribute("aria-label", d.alts[mode]);
    const later = window.requestIdleCallback || ((fn) => setTimeout(fn, 200));
    later(() => d.modes.forEach((m) => box.__usjp.data === d && draw(m)), { timeout: 2000 });
  };
  // The reader's switch is shown at once and remembered until the server's answer shows the same scale:
  // an answer to an earlier request (the reader switched twice) must not show the scale switched away from.
  box.__usjpSwitch = () => {
    const mode = control();
    if (!mode || box.__usjpShown === mode) return;  // a key that changed nothing
    box.__usjpPending = { mode, at: Date.now() };
    show(mode);
  };
  const update = () => {
    const d = box.__usjp.data;
    const pending = box.__usjpPending;
    if (pending && Date.now() - pending.at < 10000 && pending.mode !== d.shown) return show(pending.mode);
    box.__usjpPending = null;
    show(d.shown);
  };
  if (!window.__usjpScaleSwitch) {  // once per document: a scale control's change shows its chart
    window.__usjpScaleSwitch = true;
    // Streamlit's radio fires no "change" event the page can see, and marks the chosen option when it
    // has handled the click or key: read the control then (the next task), and show its figure.
    const after = (ev) => setTimeout(() => {
      const group = ev.target.closest && ev.target.closest('[class*="st-key-"]');
      if (!group) return;
      document.querySelectorAll(".usjp-plot").forEach((chart) => {
        const d = chart.__usjp && chart.__usjp.data;
        if (d && group.classList.contains(`st-key-${d.control}`) && chart.__usjpSwitch) chart.__usjpSwitch();
      });
    }, 0);
    document.addEventListener("click", after, true);
    document.addEventListener("keyup", after, true);
  }
  let waited = 0;
  const start = () => {
    if (window.Plotly) return update();
    if ((waited += 25) > 60000) return;
    setTimeout(start, 25);
  };
  start();
}
"""
_scales = st.components.v2.component(SCALED_CHART, js=_SCALES_JS, isolate_styles=False)


def _wire_text(fig: go.Figure) -> tuple[str, str]:
    """The figure's JSON as st.plotly_chart would send it, and a short digest naming it."""
    text = _json_text(fig)
    return text, hashlib.sha256(text.encode()).hexdigest()[:16]


def show_scales(
    figures: Mapping[str, go.Figure],
    shown: str,
    *,
    control: str,
    key: str,
    alts: Mapping[str, str],
    config: dict,
    select: bool = False,
) -> None:
    """`figures[shown]` drawn like `show` draws a chart, with the figures of the other scales beside it:
    a change of the radio `control` (its options in the order of `figures`) draws the matching figure in the
    browser at once. `select`: a click on a marker reruns with the selection, read as `show`'s is
    (`st.session_state[key].selection.points`, each point with its customdata)."""
    theme = reader_theme()
    wired = {mode: _once("json", in_theme(fig, theme), _wire_text) for mode, fig in figures.items()}
    _scales(
        key=key,
        data={
            "figures": {mode: text for mode, (text, _) in wired.items()},
            "ids": {mode: digest for mode, (_, digest) in wired.items()},
            "alts": dict(alts),
            "modes": list(figures),
            "shown": shown,
            "control": control,
            "config": {**config, "responsive": True},
            "select": select,
        },
        default={"selection": None},
        on_selection_change=lambda: None,
    )
