"""The width the charts are drawn at, measured in the browser: Streamlit does not send it, and the
browser's name (User-Agent) says nothing about it (a narrow desktop window, an iPad, a projector at 150%).

A small component of our own sits at the foot of the page, as wide as the main column the charts fill.
It watches its width and reports only when the layout should change: when the column moves into
another of the STEPS (a chart is laid out for the lower edge of its step: its labels and markers then
fit anything wider, see usjp/figures/labels.py). A column in the DEFAULT step costs no extra run;
another costs one (the first run draws the default layout); resizing a window into another step
redraws the charts for the new width. Below COMPACT_BELOW_PX the charts take their compact layout."""

from __future__ import annotations

import streamlit as st

from usjp.figures.timeline import COMPACT_BELOW_PX

# Below COMPACT_BELOW_PX of column width the charts take their compact layout (thin margins, short lane
# labels, axis titles inside the plot): a 390 px phone has a ~360 px column, a laptop ~700.
STEPS = (300, 360, 420, 480, 560, 640, 760, 880, 1000, 1160, 1360, 1600, 1900, 2240)
DEFAULT = 880  # a 1366 or 1440 px window with the sidebar open has a 906 or 980 px column
KEY = "usjp_column_width"

# Trusted code of ours (no data reaches it): measure the host element, report a crossing of the line.
_JS = """
export default function(component) {
  const { data, setStateValue, parentElement } = component;
  const host = parentElement.host || parentElement;
  let step = data.step;
  const check = () => {
    const width = host.getBoundingClientRect().width;
    if (width <= 0) return;
    const fits = data.steps.filter((s) => s <= width);
    const now = fits.length ? fits[fits.length - 1] : data.steps[0];
    if (now !== step) {
      step = now;
      setStateValue("width", now);
    }
  };
  const observer = new ResizeObserver(check);
  observer.observe(host);
  check();
  return () => observer.disconnect();
}
"""
_probe = st.components.v2.component("usjp_column_width", js=_JS)


def column_width() -> int:
    """The width (px) the charts of this run are laid out for: the lower edge of the step the probe last
    reported (DEFAULT until it has)."""
    state = st.session_state.get(KEY)
    width = state.get("width") if state else None
    return width if isinstance(width, int) and width in STEPS else DEFAULT


def is_compact() -> bool:
    """Whether the charts of this run take the compact layout."""
    return column_width() < COMPACT_BELOW_PX


def render_probe() -> None:
    """The measuring element, at the foot of the page (it takes no room where a reader looks)."""
    _probe(
        key=KEY,
        data={"steps": list(STEPS), "step": column_width()},
        default={"width": DEFAULT},
        on_width_change=lambda: None,
        height=0,
    )
