"""Stories for a class: guided steps with captions, predict-then-reveal, and a presentation mode."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock). Why: docs/streamlit-notes.md.
boot.ensure_app_navigation()

from usjp.ui import chart, loaders, url_state, widgets, width
from usjp.ui import story as ui

# 1/ URL -> state (story, step, presentation mode)
stories = loaders.load_stories()
url = ui.binding(ui.steps_by_id(stories))
url.sync()
view = ui.current_view()
story = ui.story_of(stories, view.story)
all_events = loaders.load_events()
by_id = {e.id: e for e in all_events}

if story is None:
    # 2a/ The list of stories
    st.title("Stories for the classroom")
    url_state.render_notices()
    ui.render_file_problems(stories)
    ui.render_index(stories)
else:
    # 2b/ One step: heading, chart, caption, prediction; then notes, sources and links off-screen
    ui.present_style(view)
    step = story.steps[view.step - 1]
    if not view.present:
        ui.render_counter(story, view)
    if not view.present:
        url_state.render_notices()
        widgets.render_events_notice(loaders.events_problems(), len(all_events))
        widgets.render_data_notices(loaders.story_problems(story.id))
    if not view.present:  # full screen, the chart's own title is the step's
        ui.render_heading(step)
    shown, start, end = ui.step_view(step, list(by_id))
    hidden = ui.first_hidden(story, view.step, step.predict)
    column = width.column_width()
    # Full screen: the chart on the left, the caption, the answer and the buttons beside it
    share = ui.chart_share()
    left, right = st.columns([share, 1 - share], gap="medium") if view.present else (st.container(), st.container())
    chart.show(
        ui.figure(
            story,
            view.step,
            shown,
            (start, end),
            hidden,
            present=view.present,
            named=ui.named_events(step, shown, by_id),
            column=column,
        ),
        key=ui.KEYS.chart,
        config=ui.config(story, view.step, column),
        alt=ui.alt(step, shown, hidden),
        data=not view.present,  # full screen has no room; the page's own view has the table
        where=left,
    )
    caption, notes, problem = loaders.story_texts(story.id, view.step)
    with right:
        if view.present:
            ui.render_counter(story, view)
        ui.render_caption(caption, problem)
        if step.predict is not None:
            ui.render_prediction(story, view.step, step.predict, present=view.present)
        ui.render_nav(story, view, where="foot")
    if not view.present:
        ui.render_notes(notes)
        ui.render_sources(step, by_id)
        ui.render_links(step)
        ui.render_handout(story)
    ui.render_keys(story, view)
    view = ui.current_view()

url.write(view)
width.render_probe()  # last: measures the column the chart fills (layout by width, not by browser)
