"""Reading the story files (data/stories/ID.yaml) with `file:line` problems, and checking a story
against the data: its views parse with no notice, its events exist, every placeholder computes, every
prediction has an answer. `python -m usjp validate` runs both; the Story page shows the problems."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs

from usjp import catalog
from usjp.data import yaml_list
from usjp.figures import timeline_view
from usjp.paths import stories_dir
from usjp.story import reveal
from usjp.story.facts import FactError, StoryData, fill
from usjp.story.model import Story
from usjp.views.timeline import View, parse_view

MAX_STORIES = 50


@dataclass(frozen=True)
class Loaded:
    """A story file read and validated: the story (None when it failed), the line of each key and item,
    how problems name the file, and its problems."""

    story: Story | None
    label: str
    lines: dict[tuple, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()

    def line(self, *where: object) -> int:
        return yaml_list.line_of(self.lines, tuple(where))


def read_story(path: Path) -> Loaded:
    """One story file: its structure checked (pydantic), each problem as `file:line field: message`."""
    label = yaml_list.file_label(path)
    text, problem = yaml_list.read_text(path, label)
    if problem is not None:
        return Loaded(None, label, problems=(problem,))
    raw, lines, problems = yaml_list.mapping(text, label)
    if problems:
        return Loaded(None, label, problems=tuple(problems))
    story, problems = yaml_list.validate_mapping(raw, lines, Story, label)
    if story is not None and story.id != path.stem:
        problems = [f"{label}:{yaml_list.line_of(lines, ('id',))} id: {story.id!r} differs from the file's name"]
        story = None
    return Loaded(story, label, lines, tuple(problems))


def read_stories(folder: Path | None = None) -> list[Loaded]:
    """Every data/stories/*.yaml, in name order (at most MAX_STORIES)."""
    folder = folder or stories_dir()
    paths = sorted(folder.glob("*.yaml"))[:MAX_STORIES] if folder.is_dir() else []
    return [read_story(p) for p in paths]


def query(text: str) -> dict[str, str | list[str]]:
    """A step's view ('series=ust10y&range=custom&start=...') as query parameters."""
    parsed = parse_qs(text, keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def step_view(
    text: str, event_ids: Sequence[str], stored: Sequence[str] | None, bounds: tuple[dt.date, dt.date] | None
) -> View:
    """The timeline view a step shows, read by the timeline's own parser (notices included)."""
    return parse_view(query(text), frozenset(event_ids), stored, bounds)


def check_story(
    loaded: Loaded,
    data: StoryData,
    stored: Sequence[str],
    bounds: tuple[dt.date, dt.date],
) -> list[str]:
    """What in a structurally valid story the data cannot back: `file:line steps.N.field: message`."""
    story = loaded.story
    if story is None:
        return []
    problems: list[str] = []
    ids = [e.id for e in data.events]

    def problem(where: tuple, message: str) -> None:
        field_name = ".".join(str(p) for p in where)
        problems.append(f"{loaded.label}:{loaded.line(*where)} {field_name}: {message}")

    for i, step in enumerate(story.steps):
        view = step_view(step.view, ids, stored, bounds)
        for notice in view.notices:
            problem(("steps", i, "view"), notice)
        start, end = view.window(*bounds)
        drawn = {e.id for e in timeline_view.shown_events(data.events, view, start, end)}
        for label in view.labels or ():
            if label not in drawn:
                problem(
                    ("steps", i, "view"),
                    f"label {label!r} is not drawn: its event is outside the view's dates, categories or importance",
                )
        for j, event_id in enumerate(step.events):
            if event_id not in data.by_id:
                problem(("steps", i, "events", j), f"unknown event {event_id!r}")
        for name in ("caption", "notes"):
            try:
                fill(getattr(step, name), data)
            except FactError as exc:
                problem(("steps", i, name), str(exc))
        if step.predict is not None:
            problems += _check_prediction(loaded, i, view, data, bounds)
    return problems


def _check_prediction(
    loaded: Loaded, i: int, view: View, data: StoryData, bounds: tuple[dt.date, dt.date]
) -> list[str]:
    story = loaded.story
    assert story is not None
    prediction = story.steps[i].predict
    assert prediction is not None
    where = ("steps", i, "predict")
    here = f"{loaded.label}:{loaded.line(*where)} steps.{i}.predict"
    if prediction.series not in catalog.CATALOG:
        return [f"{here}: unknown series {prediction.series!r}"]
    if prediction.series not in view.series:
        return [f"{here}: the series {prediction.series} is not drawn in the step's view ({', '.join(view.series)})"]
    try:
        result = reveal.outcome(prediction, data)
        first_hidden = reveal.cutoff(prediction, data)
    except FactError as exc:
        return [f"{here}: {exc}"]
    start, end = view.window(*bounds)
    if not start < first_hidden <= end:
        return [f"{here}: the event's market date {first_hidden} is outside the view's dates {start} to {end}"]
    if result.end_date > end:
        return [f"{here}: the view ends {end}, before the reveal's last date {result.end_date}"]
    if prediction.kind == "size" and not prediction.low <= result.change <= prediction.high:  # type: ignore[operator]
        return [f"{here}: the actual move {result.change:+g} is outside the slider {prediction.low}..{prediction.high}"]
    return []
