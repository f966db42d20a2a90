"""The Story page in AppTest: the list of stories, a step's own address, navigation, presentation mode,
predict-then-reveal (the chart stops before the event's market date until the class answers), and bad
links. Written against whatever stories data/stories holds (their content: tests/unit/test_stories.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.app.support import figure_of, open_page
from usjp.cli.export import load_events
from usjp.data import verify
from usjp.story import files, reveal
from usjp.story.facts import StoryData
from usjp.ui.markdown import md_escape

PAGE = "story"


def texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.fixture(scope="module")
def stories():
    loaded = [item.story for item in files.read_stories() if item.story is not None]
    assert len(loaded) >= 3
    return loaded


@pytest.fixture(scope="module")
def data():
    return StoryData(lambda k: s.values if (s := verify.read_newest(k)) else None, load_events().events)


def prediction_step(stories):
    for story in stories:
        for n, step in enumerate(story.steps, 1):
            if step.predict is not None and step.predict.kind == "direction":
                return story, n, step
    raise AssertionError("no story has a direction question")


def line_ends(fig: dict) -> list[pd.Timestamp]:
    """The last date of each series line (the y/y2 scatter traces drawn as lines)."""
    return [pd.Timestamp(t["x"][-1]) for t in fig["data"] if t.get("mode") == "lines" and t.get("x")]


def test_the_list_offers_every_story(stories):
    at = open_page(PAGE)
    assert not at.exception and not at.warning
    shown = texts(at)
    for story in stories:
        assert md_escape(story.title) in shown
        assert at.button(key=f"sy_open_{story.id}")
    at.button(key=f"sy_open_{stories[0].id}").click().run()
    assert at.query_params == {"s": [stories[0].id], "step": ["1"]} or at.query_params == {
        "s": stories[0].id,
        "step": "1",
    }
    assert f"step 1 of {len(stories[0].steps)}" in texts(at)


def test_every_step_has_its_own_address_and_numbers_filled(stories):
    story = stories[0]
    last = len(story.steps)
    at = open_page(PAGE, {"s": story.id, "step": str(last)})
    assert not at.exception and not at.warning
    assert f"step {last} of {last}" in texts(at)
    assert "{" not in texts(at)  # every placeholder computed
    assert figure_of(at)["data"]
    at.button(key="sy_back_foot").click().run()
    assert f"step {last - 1} of {last}" in texts(at)
    assert dict(at.query_params).get("step") in (str(last - 1), [str(last - 1)])
    assert at.button(key="sy_next_foot").disabled is False


def test_presentation_mode_from_a_link_and_back(stories):
    story = stories[1]
    at = open_page(PAGE, {"s": story.id, "step": "2", "present": "1"})
    assert not at.exception
    assert at.button(key="sy_exit_foot")
    assert not at.expander  # no notes, no sources full screen
    at.button(key="sy_exit_foot").click().run()
    assert at.button(key="sy_present_foot") and "present" not in dict(at.query_params)


def test_predict_then_reveal(stories, data):
    story, n, step = prediction_step(stories)
    at = open_page(PAGE, {"s": story.id, "step": str(n)})
    assert not at.exception and not at.warning
    cut = pd.Timestamp(reveal.cutoff(step.predict, data))
    before = line_ends(figure_of(at))
    assert before and all(end < cut for end in before)  # nothing from the market date on is sent
    assert at.button(key=f"sy_reveal_{n}").disabled  # answer first
    result = reveal.outcome(step.predict, data)
    wrong = next(a for a in ("up", "down", "little") if a != result.direction)
    at.radio(key=f"sy_answer_{story.id}_{n}").set_value(wrong).run()
    at.button(key=f"sy_reveal_{n}").click().run()
    assert not at.exception
    shown = texts(at)
    assert md_escape(reveal.what_happened(result)) in shown
    assert f"{result.percentile:.0f}%" in shown
    assert "The class said" in shown and "right" not in reveal.direction_verdict(wrong, result)
    after = line_ends(figure_of(at))
    assert max(after) >= pd.Timestamp(result.end_date)
    at.button(key=f"sy_hide_{n}").click().run()
    assert all(end < cut for end in line_ends(figure_of(at)))


def test_bad_links_are_notices(stories):
    at = open_page(PAGE, {"s": "<script>", "step": "x"})
    assert not at.exception
    warned = " ".join(w.value for w in at.warning)
    assert "No story with id" in warned and "no story chosen" in warned
    at = open_page(PAGE, {"s": stories[0].id, "step": "999"})
    assert not at.exception and "steps 1 to" in " ".join(w.value for w in at.warning)
    assert "step 1 of" in texts(at)


def test_the_handout_is_made_on_the_page(stories):
    story = stories[0]
    at = open_page(PAGE, {"s": story.id, "step": "1"})
    at.radio(key="sy_paper").set_value("letter").run()
    at.button(key="sy_make_handout").click().run()
    assert not at.exception and not at.error
    buttons = at.get("download_button")
    assert buttons, "no download button after making the handout"
    assert buttons[0].proto.label == "Download the PDF"
