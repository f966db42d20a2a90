"""The Story page's panels: the list of stories, a step (chart, caption, prediction and reveal, notes,
sources), navigation, and presentation mode (full screen, large type, driven from the keyboard).

Presentation mode hides the sidebar and Streamlit's chrome with a fixed style sheet of ours (no data
reaches it) and mounts a small component that turns the keys a presenter or a clicker sends into
navigation: Right, Space, PageDown next; Left, PageUp back; Home, End; Esc leaves presentation mode.
It also reports the window's height, so the chart and the caption fit the screen without scrolling."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from usjp import catalog
from usjp.events import Event
from usjp.figures.style import export_config
from usjp.story import files, reveal
from usjp.story.facts import FactError
from usjp.story.figures import presentation_view, step_alt, step_figure
from usjp.story.model import DIRECTIONS, Prediction, Step, Story
from usjp.ui import loaders, width
from usjp.ui.keys import STORY as KEYS
from usjp.ui.markdown import md_escape, safe_url
from usjp.ui.url_state import UrlBinding
from usjp.views.story import StoryView, moved, parse_story_view, to_params
from usjp.views.timeline import View, bar_series

REVEALED = "_sy_revealed"  # (story, step) -> the class's answer, for the steps revealed this session
HEIGHT_STEP = 40  # the window height is reported in steps of this many px (fewer reruns on resize)
DEFAULT_HEIGHT = 720
# The series' least height full screen, on a tall and on a short window (a 720p projector at 150% zoom
# is 480 CSS px high: everything else in the figure keeps its size, so the lines give way)
PRESENT_MIN_SERIES_PX = {False: 96, True: 56}
SHORT_WINDOW = 600  # px: below this the chart takes a little more of the width full screen
ANSWER_WORDS = {"up": "Up", "down": "Down", "little": "Little change"}

# Trusted code of ours (no data reaches it).
_JS = """
export default function(component) {
  const { data, setTriggerValue, setStateValue } = component;
  const actions = {
    ArrowRight: "next", " ": "next", PageDown: "next",
    ArrowLeft: "back", PageUp: "back", Home: "first", End: "last", Escape: "exit",
  };
  const busy = 'input, textarea, select, [role="slider"], [role="radio"], [role="combobox"], [contenteditable="true"]';
  const onKey = (ev) => {
    if (!data.active || ev.altKey || ev.ctrlKey || ev.metaKey || ev.repeat) return;
    const action = actions[ev.key];
    if (!action) return;
    const target = ev.target;
    if (target && target.closest && target.closest(busy)) return;
    ev.preventDefault();
    setTriggerValue("action", action);
  };
  let reported = data.height;
  const measure = () => {
    const height = Math.max(Math.floor(window.innerHeight / data.step) * data.step, data.step);
    if (height !== reported) {
      reported = height;
      setStateValue("height", height);
    }
  };
  // One listener per page, whatever Streamlit does with the element: a second one would turn one key
  // press into two steps.
  const previous = window.__usjpStoryKeys;
  if (previous) previous.stop();
  const stop = () => {
    document.removeEventListener("keydown", onKey);
    window.removeEventListener("resize", measure);
    if (window.__usjpStoryKeys && window.__usjpStoryKeys.stop === stop) delete window.__usjpStoryKeys;
  };
  window.__usjpStoryKeys = { stop };
  document.addEventListener("keydown", onKey);
  window.addEventListener("resize", measure);
  measure();
  return stop;
}
"""
_keys = st.components.v2.component("usjp_story_keys", js=_JS)

# Presentation mode: no sidebar, no header or toolbar, the main column edge to edge, large type.
# Captions are 28.8 px on a 720 px high screen, 48 on a 1080 one, and smaller in CSS px on a short window
# (16 px at 480: a 720p projector at 150% zoom, where a CSS px is 1.5 screen px).
PRESENT_CSS = """
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"],
[data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0.6rem 1.6rem 0 !important; max-width: 100% !important; }
/* no gap for what takes no room */
.st-key-sy_keys, .st-key-usjp_column_width, .st-key-sy_present_style { margin-top: -1rem; }
.st-key-sy_caption p, .st-key-sy_caption li {
  font-size: clamp(15px, calc(5.3vh - 9.4px), 48px); line-height: 1.25; margin-bottom: 0.2em;
}
.st-key-sy_reveal p { font-size: clamp(14px, calc(4.6vh - 8px), 40px); line-height: 1.25; margin-bottom: 0.2em; }
.st-key-sy_heading h2 { font-size: clamp(22px, 4.4vh, 52px); padding: 0; line-height: 1.2; }
.st-key-sy_counter p { font-size: clamp(15px, 2.4vh, 28px); margin: 0; }
.st-key-sy_predict p { font-size: clamp(14px, calc(4vh - 6px), 34px); line-height: 1.25; }
.st-key-sy_nav_foot button p { font-size: clamp(14px, 2.4vh, 28px); }
"""
# A style sheet of ours for the whole page (not isolated), there only while presentation mode is on: a
# component, not st.html, which the app never uses (tests/unit/test_security_scan.py)
_present = st.components.v2.component("usjp_story_present", css=PRESENT_CSS, isolate_styles=False)


# -- URL state -----------------------------------------------------------------------------------
def binding(steps: Mapping[str, int]) -> UrlBinding[StoryView]:
    return UrlBinding(
        page="story",
        parse=lambda params: parse_story_view(params, steps),
        apply=apply_view,
        to_params=to_params,
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: StoryView) -> None:
    state = st.session_state
    state[KEYS.story] = view.story
    state[KEYS.step] = view.step
    state[KEYS.present] = view.present


def current_view() -> StoryView:
    state = st.session_state
    return StoryView(story=state[KEYS.story] or "", step=int(state[KEYS.step]), present=bool(state[KEYS.present]))


def navigate(action: str, steps: int) -> None:
    """Apply a navigation action (a button's or a key's) to the session's view before the rerun."""
    apply_view(moved(current_view(), action, steps))


def open_story(story_id: str) -> None:
    apply_view(StoryView(story=story_id))


# -- the list of stories ---------------------------------------------------------------------------
def render_index(stories: Sequence[files.Loaded]) -> None:
    st.caption(
        "Guided stories for a class: each step is a chart with a caption; some ask the class to predict what "
        "the market did before the rest of the line is drawn. Present one full screen from the keyboard, or "
        "print its handout."
    )
    for loaded in stories:
        story = loaded.story
        if story is None:
            continue
        with st.container(border=True, key=f"sy_card_{story.id}"):
            st.markdown(f"## {md_escape(story.title)}")
            predictions = sum(1 for s in story.steps if s.predict)
            st.caption(
                md_escape(
                    f"{story.audience} · about {story.minutes} minutes · {len(story.steps)} steps, "
                    f"{predictions} to predict"
                )
            )
            st.button("Open", key=f"sy_open_{story.id}", on_click=open_story, args=(story.id,))
    if not any(item.story for item in stories):
        st.info("No story passed its checks on this machine (see the problems above).")


def render_file_problems(stories: Sequence[files.Loaded]) -> None:
    """Each story file that failed its structural checks, with its `file:line` problems."""
    for loaded in stories:
        if loaded.problems:
            listed = "\n".join(f"- {md_escape(p)}" for p in loaded.problems[:10])
            st.warning(f"{md_escape(loaded.label)} cannot be shown:\n{listed}", icon="⚠️")


# -- a step -----------------------------------------------------------------------------------------
def render_counter(story: Story, view: StoryView) -> None:
    """'Story title · step 3 of 9' ('Step 3 of 9' full screen, where the class knows the story)."""
    text = f"Step {view.step} of {len(story.steps)}"
    with st.container(key="sy_counter"):
        st.markdown(md_escape(text if view.present else f"{story.title} · {text.lower()}"))


def render_heading(step: Step) -> None:
    with st.container(key="sy_heading"):
        st.markdown(f"## {md_escape(step.title)}")


def render_nav(story: Story, view: StoryView, *, where: str) -> None:
    """Back / Next (and Present or Leave), as buttons for a mouse, a touch screen or Tab + Enter."""
    steps = len(story.steps)
    row = st.container(horizontal=True, key=f"sy_nav_{where}")
    row.button("← Back", key=f"sy_back_{where}", on_click=navigate, args=("back", steps), disabled=view.step == 1)
    row.button(
        "Next →",
        key=f"sy_next_{where}",
        on_click=navigate,
        args=("next", steps),
        disabled=view.step == steps,
        type="primary",
    )
    if view.present:
        row.button(
            "Leave (Esc)",
            key=f"sy_exit_{where}",
            on_click=navigate,
            args=("exit", steps),
            help="Leave presentation mode",
        )
    else:
        row.button("Present full screen", key=f"sy_present_{where}", on_click=navigate, args=("present", steps))


def render_keys(story: Story, view: StoryView) -> None:
    """The keyboard and window-height watcher (keys act only in presentation mode)."""

    def pressed() -> None:
        state = st.session_state.get(KEYS.keys)
        action = state.get("action") if state is not None else None
        if action in ("next", "back", "first", "last", "exit"):
            navigate(action, len(story.steps))

    _keys(
        key=KEYS.keys,
        data={"active": view.present, "step": HEIGHT_STEP, "height": window_height()},
        default={"height": DEFAULT_HEIGHT},
        on_action_change=pressed,
        on_height_change=lambda: None,
        height=0,
    )


def window_height() -> int:
    """The browser window's height (px) as last reported, DEFAULT_HEIGHT until it has been."""
    state = st.session_state.get(KEYS.keys)
    height = state.get("height") if state is not None else None
    return height if isinstance(height, int) and 200 <= height <= 5000 else DEFAULT_HEIGHT


def chart_height(present: bool) -> int | None:
    """The chart's height: the app's default on the page; in presentation mode the window's height less
    the page's padding (the step counter, the caption, the answer and the buttons sit beside it)."""
    return max(window_height() - 56, 300) if present else None


def chart_width(present: bool, column: int) -> int:
    """The width the chart is laid out for: the column's step, or full screen its left share of the column
    (not a step: the legend and the source lines wrap at the width they really have)."""
    return int(column * chart_share()) if present else column


def chart_share() -> float:
    """The chart's share of the width full screen: more on a short window (a projector at 150% zoom), where
    a wider chart wraps its legend and source lines into fewer rows and so needs less height."""
    return 0.62 if window_height() < SHORT_WINDOW else 0.6


def named_events(step: Step, view: View, by_id: Mapping[str, Event]) -> list[Event]:
    """The events a step talks about: those it names, the one it predicts around, the selected and the
    labelled ones."""
    ids = [*step.event_ids, *([view.event] if view.event else [])]
    ids += list(view.labels or ())
    return [by_id[i] for i in dict.fromkeys(ids) if i in by_id]


def step_view(step: Step, event_ids: Sequence[str]) -> tuple[View, dt.date, dt.date]:
    view = files.step_view(step.view, event_ids, loaders.available_keys(), loaders.date_bounds())
    start, end = view.window(*loaders.date_bounds())
    return view, start, end


def first_hidden(story: Story, step_no: int, prediction: Prediction | None) -> dt.date | None:
    """The date the chart stops before, for a prediction not yet revealed this session."""
    if prediction is None or (story.id, step_no) in st.session_state.get(REVEALED, {}):
        return None
    return reveal.cutoff(prediction, loaders.story_data())


def figure(
    story: Story,
    step_no: int,
    view: View,
    span: tuple[dt.date, dt.date],
    hidden: dt.date | None,
    *,
    present: bool,
    named: Sequence[Event],
    column: int,
) -> go.Figure:
    """The step's chart, shared per (story, step, revealed or not, layout) (loaders.shared_figure). In
    presentation mode it is exactly as tall as the window allows, with the lanes of the named events."""
    if present:
        view = presentation_view(view, story.steps[step_no - 1].title, named)
    fig_width, height = chart_width(present, column), chart_height(present)
    asked = story.steps[step_no - 1].asked
    key = (story.id, step_no, replace(view, notices=()), span, hidden, fig_width, height)
    reads = (*view.series, *bar_series(view.series))
    return loaders.shared_figure(
        "story",
        key,
        reads,
        lambda: step_figure(
            view,
            *span,
            loaders.timeline_data(view),
            first_hidden=hidden,
            width=fig_width,
            height=height,
            exact=present,
            short_subtitle=present,
            min_series_px=PRESENT_MIN_SERIES_PX[window_height() < SHORT_WINDOW] if present else None,
            asked=asked,
        ),
    )


def alt(step: Step, view: View, hidden: dt.date | None) -> str:
    """The step's chart in words (the chart's `alt`)."""
    return step_alt(step.title, [catalog.get(k).label for k in view.series], hidden)


def config(story: Story, step_no: int, column: int) -> dict:
    return export_config(f"usjp-story-{story.id}-step-{step_no}", column < width.COMPACT_BELOW_PX)


def render_caption(text: str, problem: str) -> None:
    with st.container(key="sy_caption"):
        if problem:
            st.error(md_escape(f"This step's numbers cannot be computed here: {problem}"))
        else:
            st.markdown(md_escape(text))


# -- predict, then reveal ------------------------------------------------------------------------------
def answer_key(story: Story, step_no: int) -> str:
    return f"sy_answer_{story.id}_{step_no}"


def render_prediction(story: Story, step_no: int, prediction: Prediction, *, present: bool) -> None:
    """The question, the class's answer (kept in this session only), Reveal, and the reveal. Full screen,
    a revealed step gives the question's room to the answer (the verdict repeats what the class said)."""
    revealed = st.session_state.setdefault(REVEALED, {})
    slot = (story.id, step_no)
    done = slot in revealed
    with st.container(key="sy_predict"):
        if not (done and present):
            render_question(prediction, answer_key(story, step_no), done, present)
        if done:
            st.button("Hide the answer again", key=f"sy_hide_{step_no}", on_click=_hide, args=(slot,))
        else:
            answer = st.session_state.get(answer_key(story, step_no))
            st.button(
                "Reveal",
                key=f"sy_reveal_{step_no}",
                type="primary",
                on_click=_reveal,
                args=(slot, answer),
                disabled=answer is None,
                help="Draws the rest of the line and says how unusual the move was.",
            )
    if done:
        render_reveal(prediction, revealed[slot])


def render_question(prediction: Prediction, key: str, done: bool, present: bool) -> None:
    st.markdown(f"**{md_escape(prediction.question)}**")
    if prediction.kind == "direction":
        st.radio(
            "The class's answer",
            DIRECTIONS,
            format_func=ANSWER_WORDS.get,
            horizontal=True,
            index=None,
            key=key,
            disabled=done,
            label_visibility="collapsed" if present else "visible",
        )
    else:
        st.slider(
            f"The class's guess ({_unit(prediction)})",
            min_value=float(prediction.low),  # type: ignore[arg-type]
            max_value=float(prediction.high),  # type: ignore[arg-type]
            step=float(prediction.step),  # type: ignore[arg-type]
            value=0.0,
            key=key,
            disabled=done,
            label_visibility="collapsed" if present else "visible",
        )


def _unit(prediction: Prediction) -> str:
    from usjp import catalog

    return catalog.get(prediction.series).change_unit


def _reveal(slot: tuple[str, int], answer: object) -> None:
    st.session_state.setdefault(REVEALED, {})[slot] = answer


def _hide(slot: tuple[str, int]) -> None:
    st.session_state.setdefault(REVEALED, {}).pop(slot, None)


def render_reveal(prediction: Prediction, answer: object) -> None:
    try:
        result = reveal.outcome(prediction, loaders.story_data())
    except FactError as exc:
        st.error(md_escape(f"The answer cannot be computed here: {exc}"))
        return
    if prediction.kind == "direction":
        verdict = reveal.direction_verdict(str(answer), result)
    else:
        verdict = reveal.size_verdict(float(answer), result)  # type: ignore[arg-type]
    with st.container(key="sy_reveal"):
        st.markdown(md_escape(reveal.what_happened(result)))
        st.markdown(md_escape(reveal.how_unusual(result)))
        st.markdown(f"**{md_escape(verdict)}**")


# -- notes, sources, links --------------------------------------------------------------------------
def render_notes(notes: str) -> None:
    if notes:
        with st.expander("Speaker notes"):
            st.markdown(md_escape(notes))


def render_sources(step: Step, by_id: Mapping[str, Event]) -> None:
    """The sources of the events the step's claims rest on (http(s) links only)."""
    events = [by_id[i] for i in step.event_ids if i in by_id]
    if not events:
        return
    lines = []
    for event in events:
        for source in event.sources:
            url = safe_url(source.url)
            name = md_escape(f"{source.publisher}: {source.name}")
            lines.append(f"- {event.date:%d %b %Y} · [{name}]({url})" if url else f"- {event.date:%d %b %Y} · {name}")
    with st.expander(f"Sources for this step ({len(lines)})"):
        st.markdown("\n".join(lines))


def render_links(step: Step) -> None:
    params = files.query(step.view)
    st.page_link(
        "pages/timeline.py",
        label="Explore this view on the timeline",
        icon=":material/timeline:",
        query_params={k: v if isinstance(v, str) else v[-1] for k, v in params.items()},
    )


def present_style(view: StoryView) -> None:
    if view.present:
        _present(key="sy_present_style", height=0)


def story_of(stories: Sequence[files.Loaded], story_id: str) -> Story | None:
    return next((item.story for item in stories if item.story is not None and item.story.id == story_id), None)


def steps_by_id(stories: Sequence[files.Loaded]) -> dict[str, int]:
    return {item.story.id: len(item.story.steps) for item in stories if item.story is not None}


# -- the handout ------------------------------------------------------------------------------------------
HANDOUT = "_sy_handout"  # (story, paper, answers) -> the PDF made in this session
WANTED = "_sy_handout_wanted"  # the handout asked for by the button, made in the run it starts


def _want_handout(slot: tuple[str, str, bool]) -> None:
    st.session_state[WANTED] = slot


def render_handout(story: Story) -> None:
    """Paper and copy, then "Make the PDF" (charts are drawn server-side, a few seconds) and its download."""
    from usjp.publish.image import ImageError
    from usjp.story import handout
    from usjp.story.facts import FactError

    with st.expander("Print a handout (PDF)"):
        st.caption(
            "Each step's chart and caption, the questions with room to answer, and every source. The "
            "teacher's copy adds the answers and the speaker notes."
        )
        left, right = st.columns(2)
        paper = left.radio("Paper", list(handout.PAPERS), format_func=lambda k: handout.PAPERS[k].label, key="sy_paper")
        answers = right.toggle("Teacher's copy (answers, notes)", key="sy_answers")
        slot = (story.id, paper, answers)
        made = st.session_state.get(HANDOUT, {})
        if slot not in made:
            st.button("Make the PDF", key="sy_make_handout", on_click=_want_handout, args=(slot,))
        if slot not in made and st.session_state.pop(WANTED, None) == slot:
            with st.spinner("Drawing the charts and laying out the pages…"):
                try:
                    made = {slot: handout_bytes(story, paper, answers)}  # one PDF kept per session
                except (FactError, ImageError, handout.HandoutError, ValueError) as exc:
                    st.error(md_escape(f"The handout could not be made: {exc}"))
                    return
            st.session_state[HANDOUT] = made
        if slot in made:
            st.download_button(
                "Download the PDF",
                data=made[slot],
                file_name=handout.filename(story.id, paper, answers),
                mime="application/pdf",
                key="sy_handout_download",
                on_click="ignore",
                type="primary",
            )


def handout_bytes(story: Story, paper: str, answers: bool) -> bytes:
    """The handout through the app's cached loaders (the same figures as `python -m usjp handout`)."""
    from usjp.story import handout

    return handout.build_handout(
        story,
        loaders.story_data(),
        lambda view: loaders.timeline_data(replace(view, notices=())),
        loaders.available_keys(),
        loaders.date_bounds(),
        paper=paper,
        answers=answers,
    )
