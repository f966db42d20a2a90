"""The width the charts are drawn at, measured in the browser: Streamlit does not send it, and the
browser's name (User-Agent) says nothing about it (a narrow desktop window, an iPad, a projector at 150%).

A small component of our own sits at the foot of the page, as wide as the main column the charts fill.
It watches its width and reports only when the layout should change: when the column crosses
COMPACT_BELOW_PX in either direction. A wide screen, the usual case, therefore costs no extra run; a
narrow one costs one (the first run draws the wide layout, then the compact one); resizing a window
across the line redraws the charts for the new width."""

from __future__ import annotations

import streamlit as st

# Below this many pixels of column width the charts take their compact layout (thin margins, short
# lane labels, axis titles inside the plot): a 390 px phone has a ~360 px column, a laptop ~700.
COMPACT_BELOW_PX = 640
KEY = "usjp_column_width"

# Trusted code of ours (no data reaches it): measure the host element, report a crossing of the line.
_JS = """
export default function(component) {
  const { data, setStateValue, parentElement } = component;
  const host = parentElement.host || parentElement;
  let compact = Boolean(data.compact);
  const check = () => {
    const width = host.getBoundingClientRect().width;
    if (width <= 0) return;
    const now = width < data.below;
    if (now !== compact) {
      compact = now;
      setStateValue("compact", now);
    }
  };
  const observer = new ResizeObserver(check);
  observer.observe(host);
  check();
  return () => observer.disconnect();
}
"""
_probe = st.components.v2.component("usjp_column_width", js=_JS)


def is_compact() -> bool:
    """Whether the charts of this run take the compact layout: what the probe last reported (wide until
    it has said otherwise)."""
    state = st.session_state.get(KEY)
    return bool(state and state.get("compact"))


def render_probe() -> None:
    """The measuring element, at the foot of the page (it takes no room where a reader looks)."""
    _probe(
        key=KEY,
        data={"below": COMPACT_BELOW_PX, "compact": is_compact()},
        default={"compact": False},
        on_compact_change=lambda: None,
        height=0,
    )
