"""A classroom story: a sequence of steps, each a timeline view with a caption in our own words, some of
them a question the class answers before the rest of the line is drawn (data/stories/*.yaml).

A step's view is the query string of a timeline link (`series=ust10y&range=custom&start=...`), read by
the timeline's own parser: a story shows exactly what the same link shows on the timeline. Numbers in
captions are placeholders (usjp/story/facts.py), never typed. Pure: no Streamlit, no stored data here.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from usjp.analysis import Window, parse_window
from usjp.events import Source

ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_STEPS = 20
MIN_STEPS = 2
CAPTION_CHARS = 700
NOTES_CHARS = 1200
QUESTION_CHARS = 200
DIRECTIONS = ("up", "down", "little")  # the answers of a direction question ("little": little change)
# A move counts as "little change" when its z-score is below this in size: inside the ordinary range of
# moves of that length over the previous five years (docs/method.md).
LITTLE_Z = 1.0


class Prediction(BaseModel):
    """A question asked before the reveal: which way (`direction`) or how far (`size`) `series` moved over
    `window` around `event`. The answer comes from the event-window statistics (usjp/analysis)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    question: str = Field(min_length=5, max_length=QUESTION_CHARS)
    kind: Literal["direction", "size"]
    event: str = Field(pattern=ID, max_length=80)
    series: str = Field(pattern=r"^[a-z0-9_]+$", max_length=40)
    window: str = Field(default="0:5", max_length=20)
    # size questions: the slider's range and step, in the series' change unit (bp or %)
    low: float | None = None
    high: float | None = None
    step: float | None = Field(default=None, gt=0)

    @field_validator("window")
    @classmethod
    def _window(cls, value: str) -> str:
        window = parse_window(value)
        if window.start < 0:
            raise ValueError("a prediction's window starts at 0 or later: the class sees the chart up to t0")
        return window.key

    @model_validator(mode="after")
    def _slider(self) -> Prediction:
        if self.kind == "size":
            if self.low is None or self.high is None or self.step is None:
                raise ValueError("a size question needs low, high and step (the slider, in bp or %)")
            if not self.low < 0 < self.high:
                raise ValueError("low must be below 0 and high above it, so either sign can be guessed")
        elif (self.low, self.high, self.step) != (None, None, None):
            raise ValueError("low, high and step belong to size questions only")
        return self

    @property
    def parsed_window(self) -> Window:
        return parse_window(self.window)


class Step(BaseModel):
    """One step: a timeline view (`view`: a query string), a caption, optional speaker notes, the events
    its claims rest on (their sources go into the handout), and an optional prediction."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3, max_length=90)
    view: str = Field(default="", max_length=1000)
    caption: str = Field(min_length=10, max_length=CAPTION_CHARS)
    notes: str = Field(default="", max_length=NOTES_CHARS)
    events: tuple[str, ...] = Field(default=(), max_length=12)
    predict: Prediction | None = None

    @property
    def asked(self) -> str | None:
        """The event the step's question is about (None without a question)."""
        return self.predict.event if self.predict else None

    @property
    def event_ids(self) -> list[str]:
        """The events the step names, then the one it asks about, once each."""
        return list(dict.fromkeys([*self.events, *([self.asked] if self.asked else [])]))

    @field_validator("events")
    @classmethod
    def _ids(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in values if not re.match(ID, v)]
        if bad:
            raise ValueError(f"not an event id: {bad[0][:60]!r}")
        return values

    @field_validator("view")
    @classmethod
    def _query(cls, value: str) -> str:
        if value.startswith(("?", "http://", "https://")) or "#" in value:
            raise ValueError("give the query alone (series=...&range=...), without '?', an address or '#'")
        return value


class Story(BaseModel):
    """A story file: id (the file's name), title, who it is for, extra sources, and its steps."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=ID, max_length=60)
    title: str = Field(min_length=5, max_length=120)
    audience: str = Field(min_length=5, max_length=300)
    minutes: int = Field(ge=5, le=120)  # how long it takes in class
    sources: tuple[Source, ...] = ()  # beyond the sources of the events the steps name
    steps: tuple[Step, ...] = Field(min_length=MIN_STEPS, max_length=MAX_STEPS)

    def event_ids(self) -> list[str]:
        """Every event a step names or predicts around, in order of first mention."""
        return list(dict.fromkeys(i for step in self.steps for i in step.event_ids))
