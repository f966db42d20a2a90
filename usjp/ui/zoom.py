"""A drag-zoom on a chart becomes the view's date range, so the URL, the title, the event count and every
export follow what the reader sees (Streamlit reports selections from a chart, not zooms).

A small component of ours finds the chart by its key and listens to Plotly's relayout event; a new
x range is reported as two dates and applied to the page's range controls before the next run draws
anything. A double-click (Plotly's reset) or a zoom of the y axis alone reports nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

# Trusted code of ours (no data reaches it). The chart may be redrawn as a new element: check for it
# whenever the page's DOM changes, and hook each element once.
_JS = """
export default function(component) {
  const { data, setStateValue } = component;
  const hook = () => {
    const chart = document.querySelector(data.selector);
    if (!chart || chart.__usjpZoom || typeof chart.on !== "function") return;
    chart.__usjpZoom = true;
    chart.on("plotly_relayout", (ev) => {
      const a = ev["xaxis.range[0]"] ?? (ev["xaxis.range"] || [])[0];
      const b = ev["xaxis.range[1]"] ?? (ev["xaxis.range"] || [])[1];
      if (a === undefined || b === undefined) return;
      setStateValue("range", [String(a).slice(0, 10), String(b).slice(0, 10)]);
    });
  };
  const observer = new MutationObserver(hook);
  observer.observe(document.body, { childList: true, subtree: true });
  hook();
  return () => observer.disconnect();
}
"""
_watch = st.components.v2.component("usjp_chart_zoom", js=_JS)


def zoomed_range(state: object, bounds: tuple[dt.date, dt.date]) -> tuple[dt.date, dt.date] | None:
    """The reported range as dates inside the data's bounds, or None when it is not a usable range."""
    try:
        raw = state.get("range")  # type: ignore[attr-defined]
        start, end = (dt.date.fromisoformat(str(v)[:10]) for v in raw)
    except (AttributeError, TypeError, ValueError):
        return None
    start, end = max(start, bounds[0]), min(end, bounds[1])
    if end <= start:
        end = start + dt.timedelta(days=1)
        if end > bounds[1]:
            return None
    return start, end


def render_watch(
    chart_key: str, key: str, on_zoom: Callable[[dt.date, dt.date], None], bounds: tuple[dt.date, dt.date]
) -> None:
    """Watch the chart with widget key `chart_key`; a zoom calls `on_zoom(start, end)` before the rerun."""

    def changed() -> None:
        span = zoomed_range(st.session_state.get(key), bounds)
        if span:
            on_zoom(*span)

    _watch(
        key=key,
        data={"selector": f".st-key-{chart_key} .js-plotly-plot"},
        default={"range": None},
        on_range_change=changed,
        height=0,
    )
