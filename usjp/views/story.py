"""The Story page's URL state: which story (`s`), which step (`step`, from 1) and presentation mode
(`present=1`). Every step has its own address. Pure; bad values become a default and a notice.

A class's answers and whether a step is revealed are not here: they stay in the reader's session (a
pasted link never carries an answer, and nothing is stored on the server)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from usjp.views.query import QueryReader, short


@dataclass(frozen=True)
class StoryView:
    story: str = ""  # "" = the list of stories
    step: int = 1  # 1-based
    present: bool = False
    notices: tuple[str, ...] = field(default=(), compare=False)


def parse_story_view(params: Mapping[str, str | Sequence[str]], steps: Mapping[str, int]) -> StoryView:
    """A `StoryView` from query parameters; `steps` maps each story id to its number of steps."""
    query = QueryReader(params, known=("s", "step", "present"))
    notices = query.notices
    view = StoryView()
    if story := query.choice("s", steps, "No story with id {value}; showing the list of stories."):
        view = replace(view, story=story)
    raw = query.single("step")
    if raw is not None:
        if not view.story:
            notices.append("Ignored step: no story chosen.")
        elif raw.isascii() and raw.isdigit() and 1 <= int(raw) <= steps[view.story]:
            view = replace(view, step=int(raw))
        else:
            notices.append(f"Ignored step={short(raw)}: this story has steps 1 to {steps[view.story]}.")
    present = query.choice("present", ("0", "1"), "Ignored present={value}: use present=1 for presentation mode.")
    if present is not None:
        view = replace(view, present=present == "1" and bool(view.story))
    return replace(view, notices=tuple(notices))


def to_params(view: StoryView) -> dict[str, str]:
    """Query parameters of a view (defaults left out)."""
    if not view.story:
        return {}
    params = {"s": view.story, "step": str(view.step)}
    if view.present:
        params["present"] = "1"
    return params


def moved(view: StoryView, action: str, steps: int) -> StoryView:
    """The view after a navigation action: next, back, first, last, present, exit."""
    step = {
        "next": min(view.step + 1, steps),
        "back": max(view.step - 1, 1),
        "first": 1,
        "last": steps,
    }.get(action, view.step)
    present = {"present": True, "exit": False}.get(action, view.present)
    return replace(view, step=step, present=present, notices=())
