"""Keyboard and screen-reader aids for every page: skip links, names for Plotly's toolbar buttons, a
visible focus ring, and focus moved to an event's details when the reader opens one.

Two small components of ours (trusted code, fixed strings; no data reaches their HTML):
- the page aids, mounted once per run by app.py. Once per document its script puts two links first in
  the tab order, shown only when focused: "Skip to main content" and, on a page with an event picker,
  "Skip to the events in view" (they replace Streamlit's own skip link, which would say the first
  again). It also names any toolbar button Plotly leaves unnamed (from its tooltip) and carries the
  focus-ring style sheet.
- the details focus, mounted inside the event details panel when the reader has just chosen another
  event (the picker or a marker): once per choice, it focuses the panel's heading and scrolls it into
  view. Not on the first load of a link (`?event=...`), not on a later rerun.
"""

from __future__ import annotations

import streamlit as st

from usjp.ui.boot import CHART_CODE
from usjp.ui.keys import HOLDINGS, TIMELINE, YEN, YIELD_CURVE

# The event pickers' widget keys: the skip link finds the picker through the class Streamlit gives a
# keyed widget's element, `st-key-<key>`. widgets.render_event_picker refuses a key not listed here.
PICKER_KEYS = (TIMELINE.event, HOLDINGS.event, YIELD_CURVE.event, YEN.event)
AIDS_KEY = "usjp_page_aids"
FOCUS_KEY = "usjp_focus_details"

# Session state (private to this module)
RUN = "_a11y_run"  # the session's full runs, counted by render_page_aids (a fragment's rerun is not one)
PICKED = "_a11y_picked"  # (picker key, selected event id, run) as the last drawn picker had it
FOCUS = "_a11y_focus"  # (picker key, event id, run): the reader chose this event in that run
FOCUS_RUNS = 2  # a choice still moves focus this many runs later (a run interrupted before the panel)

# Trusted code of ours: fixed strings only.
_AIDS_JS = """
export default function(component) {
  const { data } = component;
  const present = window.__usjpPageAids;
  if (present) {  // once per document: a rerun or another page only refreshes what the links point at
    present.pickers = data.pickers;
    present.refresh();
    return;
  }
  const self = { pickers: data.pickers };
  window.__usjpPageAids = self;
  const picker = () => {
    for (const key of self.pickers) {
      const input = document.querySelector(`.st-key-${key} input[role="combobox"]`);
      if (input) return input;
    }
    return null;
  };
  // The page's first heading when nothing to operate comes before it, else the main area itself.
  const mainTarget = () => {
    const main = document.getElementById("stMain") || document.querySelector('[data-testid="stMain"]');
    if (!main) return null;
    const heading = main.querySelector("h1, h2, h3");
    const control = main.querySelector('.js-plotly-plot, input, button, select, textarea, a[href]');
    const first = heading && (!control || heading.compareDocumentPosition(control) & Node.DOCUMENT_POSITION_FOLLOWING);
    return first ? heading : main;
  };
  // A jump, not a smooth scroll: the picker's list, opened at once, would close on the scroll.
  const focusOn = (target, block) => {
    if (!target) return;
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.scrollIntoView({ block, behavior: "instant" });
    target.focus({ preventScroll: true });
  };
  const old = document.getElementById("usjp-skip-links");
  if (old) old.remove();
  const box = document.createElement("div");
  box.id = "usjp-skip-links";
  const link = (text, href, go) => {
    const a = document.createElement("a");
    a.className = "usjp-skip-link";
    a.href = href;
    a.textContent = text;
    a.addEventListener("click", (ev) => { ev.preventDefault(); go(); });
    box.appendChild(a);
    return a;
  };
  link("Skip to main content", "#stMain", () => focusOn(mainTarget(), "start"));
  const toEvents = link("Skip to the events in view", "#usjp-events", () => focusOn(picker(), "center"));
  // Pointing at the picker's own id makes the link a real in-page link (an audit checks its target).
  self.refresh = () => {
    const input = picker();
    toEvents.hidden = !input;
    if (input && input.id) toEvents.setAttribute("href", `#${input.id}`);
  };
  document.body.insertBefore(box, document.body.firstChild);
  document.documentElement.classList.add("usjp-skip-links-on");

  // Plotly's toolbar: a button with no name gets its tooltip's words (plotly.js 4 names its own).
  const name = (el) => {
    if (!el.getAttribute("aria-label") && !(el.textContent || "").trim() && el.dataset.title) {
      el.setAttribute("aria-label", el.dataset.title);
    }
    if (el.tagName !== "BUTTON" && !el.hasAttribute("role")) el.setAttribute("role", "button");
  };
  let queued = false;
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches(".modebar-btn")) name(node);
        else if (node.firstElementChild) node.querySelectorAll(".modebar-btn").forEach(name);
      }
    }
    if (!queued) {
      queued = true;
      requestAnimationFrame(() => { queued = false; self.refresh(); });
    }
  });
  observer.observe(document.body, { childList: true, subtree: true });
  document.querySelectorAll(".modebar-btn").forEach(name);
  self.refresh();
}
"""

# Light and dark themes alike: the skip links are dark text on white inside a blue ring and a white halo
# (the ring shows on a light page, the halo on a dark one).
_AIDS_CSS = """
.st-key-usjp_page_aids, .st-key-usjp_focus_details, .st-key-$CHART_CODE { display: none !important; }
html.usjp-skip-links-on [data-testid="stSkipToContent"] { display: none !important; }
.usjp-skip-link {
  position: fixed; top: 0.6rem; left: 0.6rem; z-index: 1000300;
  padding: 0.5rem 0.9rem; border-radius: 0.4rem;
  background: #FFFFFF; color: #1A1A1A; font: 600 1rem/1.4 "Source Sans", "Source Sans Pro", sans-serif;
  text-decoration: underline; outline: 3px solid #005F8F; outline-offset: 0; box-shadow: 0 0 0 6px #FFFFFF;
}
.usjp-skip-link:not(:focus) {
  clip-path: inset(50%); width: 1px; height: 1px; overflow: hidden; padding: 0; white-space: nowrap;
  outline: none; box-shadow: none;
}
.usjp-skip-link[hidden] { display: none; }
/* A ring in the text colour (it contrasts with the page in either theme) where Streamlit's own focus cue
   is none (page links, the main area it makes a tab stop), a 1 px border colour change (fields), a faint
   background (radios, checkboxes, toggles) */
[data-testid="stSidebarNavLink"]:focus-visible { outline: 2px solid currentColor; outline-offset: -2px; }
[data-testid="stMain"]:focus-visible { outline: 2px solid currentColor; outline-offset: -2px; }
/* Plotly's toolbar rings a focused button in 1 px black, lost on a dark chart */
.js-plotly-plot .plotly .modebar .modebar-btn:focus-visible { outline: 2px solid currentColor; outline-offset: 1px; }
[data-testid="stTextInputRootElement"]:focus-within, [data-testid="stTextAreaRootElement"]:focus-within,
[data-testid="stNumberInputContainer"]:focus-within, [data-testid="stDateInputField"]:focus-within,
[data-testid="stSelectbox"] [role="group"]:focus-within,
[data-testid="stMultiSelect"] div:has(> [data-testid="stMultiSelectTagsContainer"]):focus-within {
  outline: 2px solid currentColor; outline-offset: 1px;
}
label:has(> span > input:is([type="radio"], [type="checkbox"]):focus-visible) {
  outline: 2px solid currentColor; outline-offset: 2px; border-radius: 0.25rem;
}
/* a heading given focus by a skip link or a chosen event clears the header when scrolled to */
[data-testid="stMain"] h1[tabindex="-1"], [data-testid="stMain"] h2[tabindex="-1"],
[data-testid="stMain"] h3[tabindex="-1"], .st-key-event_details h2 { scroll-margin-top: 4.5rem; }
/* Headings of boxes (an event's details, what was known, a story's card) are level 2 for a screen
   reader's outline (they sit right under the page's h1 or beside its h2 sections), drawn smaller */
.st-key-event_details h2, .st-key-hd_known_when h2, [class*="st-key-sy_card_"] h2 {
  font-size: 1.4rem; padding: 0.25rem 0 0.5rem;
}
""".replace("$CHART_CODE", CHART_CODE)
_aids = st.components.v2.component(AIDS_KEY, js=_AIDS_JS, css=_AIDS_CSS, isolate_styles=False)

_FOCUS_JS = """
export default function(component) {
  const { data } = component;
  const mark = data && data.id ? `${data.id}:${data.n}` : "";
  if (!mark || window.__usjpDetailsFocused === mark) return;  // each choice moves focus once
  window.__usjpDetailsFocused = mark;
  let tries = 40;
  const go = () => {
    const box = document.querySelector(`.st-key-${data.box}`);
    const heading = box && box.querySelector("h1, h2, h3, h4, h5, h6");
    if (!heading) {
      if (tries-- > 0) setTimeout(go, 50);
      return;
    }
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
    const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    heading.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
  };
  requestAnimationFrame(go);
}
"""
_focus = st.components.v2.component(FOCUS_KEY, js=_FOCUS_JS)


def render_page_aids() -> None:
    """Skip links, toolbar names and the focus ring (app.py, once per run, before the page)."""
    st.session_state[RUN] = st.session_state.get(RUN, 0) + 1
    _aids(key=AIDS_KEY, data={"pickers": list(PICKER_KEYS)}, height=0)


def note_pick(key: str, value: str | None) -> None:
    """Remember the picker's value in this run; a value the reader changed since the run before (by the
    picker, a marker, the Back button) asks the details panel to take focus."""
    state = st.session_state
    run = state.get(RUN, 0)
    before = state.get(PICKED)
    state[PICKED] = (key, value, run)
    if value and before is not None and before[0] == key and before[2] == run - 1 and before[1] != value:
        state[FOCUS] = (key, value, run)


def focus_details(event_id: str, box_key: str) -> None:
    """Inside the event details panel `box_key`: move focus to its heading when the reader just chose
    this event (see note_pick)."""
    state = st.session_state
    pending = state.get(FOCUS)
    if pending is None:
        return
    key, chosen, since = pending
    run = state.get(RUN, 0)
    picked = state.get(PICKED)
    if run - since > FOCUS_RUNS:
        state.pop(FOCUS, None)
        return
    if chosen != event_id or picked is None or picked[0] != key or picked[2] != run:
        return  # another event, or a panel this run's picker did not open (the event log's)
    _focus(key=FOCUS_KEY, data={"id": event_id, "n": since, "box": box_key}, height=0)
