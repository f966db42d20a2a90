"""Light or dark: the page follows the reader's device (Streamlit does, with both themes set in
.streamlit/config.toml), or the reader's own choice in the sidebar; the charts follow the page.

The choice is Streamlit's own URL option `embed_options=light_theme|dark_theme` (it works on any page,
embedded or not, and Streamlit keeps it across pages), so a link can carry it and nothing is stored.
The server learns the page's theme from Streamlit (`st.context.theme`), which can be stale on a first
load or when the device switches; the toggle's script compares what the page shows with what the charts
were drawn for and asks once for a rerun when they differ.
"""

from __future__ import annotations

import streamlit as st

KEY = "usjp_theme"

# Trusted code of ours: fixed words, no data.
_HTML = """
<div class="usjp-theme" role="group" aria-label="Colour theme">
  <span class="usjp-theme-label" aria-hidden="true">Theme</span>
  <button type="button" data-theme="device" title="Follow this device's light or dark setting">Device</button>
  <button type="button" data-theme="light">Light</button>
  <button type="button" data-theme="dark">Dark</button>
</div>
"""

_CSS = """
.usjp-theme { display: flex; align-items: center; gap: 0.25rem; font-size: 0.875rem; }
.usjp-theme-label { margin-right: 0.25rem; color: var(--st-text-color); }
.usjp-theme button {
  font: inherit; color: var(--st-text-color); background: transparent; cursor: pointer;
  border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.6)); border-radius: 0.5rem;
  padding: 0.15rem 0.6rem;
}
.usjp-theme button[aria-pressed="true"] {
  background: var(--st-primary-color); color: #ffffff; border-color: var(--st-primary-color);
}
.usjp-theme button:focus-visible { outline: 2px solid var(--st-primary-color); outline-offset: 2px; }
/* Streamlit writes a chosen pill's label in the primary colour, which on the dark page is the mid blue
   white tag text needs (4.6:1); on its dark tint that label is 3.5:1, so it takes the lighter link blue. */
html[data-usjp-theme="dark"] button[data-variant="pills"][aria-pressed="true"] p { color: #8FC8F2; }
"""

_JS = """
export default function(component) {
  const { data, setTriggerValue, parentElement } = component;
  const THEMES = ["light_theme", "dark_theme"];
  const chosen = () => {
    const options = new URL(window.location.href).searchParams.getAll("embed_options").map((v) => v.toLowerCase());
    return options.includes("dark_theme") ? "dark" : options.includes("light_theme") ? "light" : "device";
  };
  const choose = (theme) => {
    const url = new URL(window.location.href);
    const kept = url.searchParams.getAll("embed_options").filter((v) => !THEMES.includes(v.toLowerCase()));
    url.searchParams.delete("embed_options");
    kept.forEach((v) => url.searchParams.append("embed_options", v));
    if (theme !== "device") url.searchParams.append("embed_options", theme + "_theme");
    window.location.assign(url.toString());  // Streamlit reads the option when the page loads
  };
  const current = chosen();
  parentElement.querySelectorAll("button[data-theme]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.theme === current));
    button.onclick = () => { if (button.dataset.theme !== chosen()) choose(button.dataset.theme); };
  });

  // What the page shows now, from its background (as Streamlit itself tells light from dark).
  const shown = () => {
    const app = document.querySelector('[data-testid="stApp"]') || document.body;
    const rgb = (getComputedStyle(app).backgroundColor.match(/[0-9.]+/g) || ["255", "255", "255"]).map(Number);
    const lin = rgb.slice(0, 3).map((c) => {
      c /= 255;
      return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2] < 0.2 ? "dark" : "light";
  };
  // Ask for one rerun when the charts were drawn for the other theme; once per theme shown.
  const check = () => {
    const now = shown();
    document.documentElement.dataset.usjpTheme = now;  // for the style rules below that differ by theme
    const state = window.__usjpTheme || (window.__usjpTheme = { asked: null, drawn: null });
    if (now !== state.drawn && now !== state.asked) {
      state.asked = now;
      setTriggerValue("shown", now);
    }
  };
  const state = window.__usjpTheme || (window.__usjpTheme = { asked: null, drawn: null });
  state.drawn = data.drawn;
  if (state.drawn === state.asked) state.asked = null;
  state.check = check;
  check();
  if (!state.watching) {  // the device switches while the page is open: Streamlit re-themes, then we check
    state.watching = true;
    const later = () => setTimeout(() => state.check(), 400);
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", later);
  }
}
"""

_toggle = st.components.v2.component("usjp_theme", html=_HTML, css=_CSS, js=_JS, isolate_styles=False)


def reader_theme() -> str:
    """The reader's theme: "dark" when their page is dark, else "light" (Streamlit infers it from the
    page's background and sends it with each rerun)."""
    try:
        kind = st.context.theme.type
    except Exception:  # no browser session (a bare script run)
        kind = None
    return "dark" if kind == "dark" else "light"


def render_toggle() -> None:
    """The Device / Light / Dark buttons (in the sidebar), and the check that the charts match the page."""
    _toggle(key=KEY, data={"drawn": reader_theme()}, on_shown_change=lambda: None)
