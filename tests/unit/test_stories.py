"""The classroom stories in data/stories: each one loads and checks against the stored data with no
problem, its numbers agree with a computation by hand from the CSV files in data/market, and a malformed
story file gives `file:line` problems, never an exception."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from tests.support import REPO
from usjp import catalog
from usjp.cli.export import available_keys, date_bounds, load_events
from usjp.data import verify
from usjp.events import Event
from usjp.paths import stories_dir
from usjp.story import files, reveal
from usjp.story.facts import PLACEHOLDER, StoryData, fill
from usjp.story.model import Story

STORIES = ("the-card", "liberation-day", "yen-intervention")
MARKET = REPO / "data" / "market"
MIN_STEPS, MAX_STEPS = 6, 12  # the brief for a class period (the model allows 2-20)
MAX_LINES, MAX_LABELS = 3, 4  # what stays readable on a projector
MAX_FILLED_CAPTION = 500  # characters, numbers filled in: two to four sentences


@dataclass(frozen=True)
class Stored:
    """What the stories are checked against: the placeholders' data, the stored keys and date bounds."""

    data: StoryData
    keys: list[str]
    bounds: tuple[dt.date, dt.date]

    @property
    def by_id(self) -> dict[str, Event]:
        return dict(self.data.by_id)


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stored]:
    """The repository's data folder copied without any local cache, so the stories are checked against
    the committed snapshot (the CSV files the hand computations read)."""
    target = tmp_path_factory.mktemp("stories") / "data"
    shutil.copytree(REPO / "data", target, ignore=shutil.ignore_patterns("cache", ".lock"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("USJP_DATA_DIR", str(target))
        data = StoryData(lambda k: s.values if (s := verify.read_newest(k)) else None, load_events().events)
        yield Stored(data, available_keys(), date_bounds())


def load(name: str) -> files.Loaded:
    return files.read_story(stories_dir() / f"{name}.yaml")


def story(name: str) -> Story:
    loaded = load(name)
    assert loaded.story is not None, loaded.problems
    return loaded.story


def texts(name: str) -> list[str]:
    """Every caption and speaker note of a story, placeholders unfilled."""
    return [t for step in story(name).steps for t in (step.caption, step.notes)]


def captions() -> str:
    return "\n".join(step.caption for name in STORIES for step in story(name).steps)


# -- the three stories --------------------------------------------------------------------------------
@pytest.mark.parametrize("name", STORIES)
def test_story_loads_and_checks_with_no_problem(stored: Stored, name: str) -> None:
    loaded = load(name)
    assert loaded.problems == ()
    assert loaded.story is not None and loaded.story.id == name
    assert files.check_story(loaded, stored.data, stored.keys, stored.bounds) == []


def test_validate_reads_all_three_stories(stored: Stored) -> None:
    names = [loaded.story.id for loaded in files.read_stories() if loaded.story is not None]
    assert set(STORIES) <= set(names)


@pytest.mark.parametrize("name", STORIES)
def test_story_has_a_class_length_and_a_prediction(stored: Stored, name: str) -> None:
    steps = story(name).steps
    assert MIN_STEPS <= len(steps) <= MAX_STEPS
    assert any(step.predict for step in steps)
    assert 5 <= story(name).minutes <= 60


def test_one_prediction_at_least_asks_for_a_size(stored: Stored) -> None:
    kinds = {step.predict.kind for name in STORIES for step in story(name).steps if step.predict}
    assert kinds == {"direction", "size"}


@pytest.mark.parametrize("name", STORIES)
def test_every_prediction_has_a_reveal(stored: Stored, name: str) -> None:
    for step in story(name).steps:
        if step.predict is None:
            continue
        result = reveal.outcome(step.predict, stored.data)
        hidden = reveal.cutoff(step.predict, stored.data)
        assert math.isfinite(result.change) and math.isfinite(result.z)
        assert result.start_date < hidden <= result.end_date  # the chart stops on the baseline
        assert reveal.what_happened(result) and reveal.how_unusual(result)
        if step.predict.kind == "size":
            assert step.predict.low <= result.change <= step.predict.high
            assert reveal.size_verdict(0.0, result)
        else:
            assert result.direction in ("up", "down", "little")
            assert reveal.direction_verdict(result.direction, result).startswith("The class said")


@pytest.mark.parametrize("name", STORIES)
def test_a_prediction_step_does_not_give_its_answer_away(stored: Stored, name: str) -> None:
    """The caption of a question is shown before the reveal: no number about the predicted event."""
    for step in story(name).steps:
        if step.predict is None:
            continue
        for match in PLACEHOLDER.finditer(step.caption):
            assert step.predict.event not in match.group(1).split(), step.title


@pytest.mark.parametrize("name", STORIES)
def test_views_stay_readable(stored: Stored, name: str) -> None:
    """At most three lines and four labels, and every labelled event is one the chart shows: inside the
    dates, of a category shown and at least as important as the view's threshold."""
    for step in story(name).steps:
        view = files.step_view(step.view, list(stored.by_id), stored.keys, stored.bounds)
        assert view.notices == () and view.range == "custom", step.title
        assert 1 <= len(view.series) <= MAX_LINES, step.title
        assert view.labels is not None and 1 <= len(view.labels) <= MAX_LABELS, step.title
        start, end = view.window(*stored.bounds)
        assert start < end
        for event_id in view.labels:
            event = stored.by_id[event_id]
            assert event.importance >= view.importance, (step.title, event_id)
            assert event.category in view.categories, (step.title, event_id)
            assert start <= event.date <= end, (step.title, event_id)


def amount(text: str) -> str | None:
    """The number with its unit in a placeholder's text ('rose 32 bp' -> '32 bp', '-2.17%' -> '2.17%'),
    None for a bare count or z-score (too short to tell from a date or a rate typed nearby)."""
    core = re.sub(r"^(rose|fell) ", "", text).lstrip("+-")
    return core if re.search(r"bp|%|¥|\$", core) else None


@pytest.mark.parametrize("name", STORIES)
def test_captions_are_short_and_numbers_are_not_typed_twice(stored: Stored, name: str) -> None:
    """A filled caption fits a projector, and no number a placeholder gives is also typed by hand."""
    for text in texts(name):
        typed = PLACEHOLDER.sub("", text)
        for match in PLACEHOLDER.finditer(text):
            number = amount(fill(match.group(0), stored.data))
            assert number is None or number not in typed, (number, text[:60])
    for step in story(name).steps:
        assert len(fill(step.caption, stored.data)) <= MAX_FILLED_CAPTION, step.title


@pytest.mark.parametrize("name", STORIES)
def test_steps_name_the_events_they_talk_about(stored: Stored, name: str) -> None:
    """Every placeholder's event and every prediction's event is known; a step that tells a story names
    at least one event, whose sources back it."""
    for step in story(name).steps:
        assert step.events, step.title
        for match in PLACEHOLDER.finditer(step.caption + step.notes):
            words = match.group(1).split()
            if words[0] in ("change", "move", "z", "percentile"):
                assert words[2] in stored.by_id
        if step.predict:
            assert step.predict.event in stored.by_id


QUOTED = re.compile(r"“([^”]{25,})”")  # a quotation, not a term in quotation marks (“Liberation Day”)


def test_quotes_are_exact_and_from_the_steps_events(stored: Stored) -> None:
    """Words in quotation marks are a speaker's words as the events file gives them, from an event the
    step names (whose sources carry them)."""
    found = 0
    for step in (step for name in STORIES for step in story(name).steps):
        quotes = [q.text for e in step.events if (q := stored.by_id[e].quote) is not None]
        for said in QUOTED.findall(step.caption + "\n" + step.notes):
            found += 1
            assert any(said in text for text in quotes), (step.title, said)
    assert found >= 5  # the pattern does find the stories' quotations


# -- numbers by hand ----------------------------------------------------------------------------------
def stored_csv(key: str) -> pd.Series:
    frame = pd.read_csv(MARKET / f"{key}.csv")
    return pd.Series(frame["value"].to_numpy(float), index=pd.to_datetime(frame["date"])).dropna()


def window_by_hand(stored: Stored, key: str, event_id: str, window: str) -> tuple[float, float, int]:
    """(value at the window's start, value at its end, t0's position) from the CSV: t0 is the first
    observation on or after the event's market date, the start x[t0+a-1], the end x[t0+b]."""
    values = stored_csv(key)
    market = stored.by_id[event_id].market_date(catalog.get(key).observed_at_et)
    dates = [d.date() for d in values.index]
    t0 = next(i for i, d in enumerate(dates) if d >= market)
    a, b = (int(x) for x in window.split(":"))
    return float(values.iloc[t0 + a - 1]), float(values.iloc[t0 + b]), t0


def in_captions(verb_args: str) -> bool:
    """Whether a caption uses this series, event and window (as a change, a move or a z-score)."""
    return any(f"{{{verb} {verb_args}}}" in captions() for verb in ("change", "move", "z"))


# (series, event, window): moves the captions report
YIELD_MOVES = [
    ("ust10y", "kato-treasuries-card", "0:5"),
    ("ust10y", "liberation-day-tariffs", "0:1"),
    ("ust30y", "liberation-day-tariffs", "0:5"),
    ("ust30y", "nikkei-crash-apr-2025", "0:1"),  # t0 a Monday: the start is the Friday before
    ("ust2y", "liberation-day-tariffs", "0:5"),
]
FX_MOVES = [
    ("usdjpy", "record-yen-intervention-2026", "0:1"),
    ("usdjpy", "boj-hike-jan-2025", "0:1"),  # a decision at noon in Tokyo: the evening before in New York
    ("usdjpy", "liberation-day-tariffs", "0:1"),  # after the US close: the next day at noon
    ("usdjpy", "joint-us-japan-yen-intervention", "-1:1"),  # a window starting before t0
]


@pytest.mark.parametrize(("key", "event_id", "window"), YIELD_MOVES)
def test_a_yield_move_matches_the_csv(stored: Stored, key: str, event_id: str, window: str) -> None:
    assert in_captions(f"{key} {event_id} {window}")
    start, end, _ = window_by_hand(stored, key, event_id, window)
    bp = round((end - start) * 100)
    assert fill(f"{{change {key} {event_id} {window}}}", stored.data) == f"{bp:+d} bp"
    words = "did not move" if bp == 0 else f"{'rose' if bp > 0 else 'fell'} {abs(bp)} bp"
    assert fill(f"{{move {key} {event_id} {window}}}", stored.data) == words


@pytest.mark.parametrize(("key", "event_id", "window"), FX_MOVES)
def test_a_usdjpy_move_matches_the_csv(stored: Stored, key: str, event_id: str, window: str) -> None:
    assert in_captions(f"{key} {event_id} {window}")
    start, end, _ = window_by_hand(stored, key, event_id, window)
    percent = (end / start - 1) * 100
    assert fill(f"{{change {key} {event_id} {window}}}", stored.data) == f"{percent:+.2f}%"
    assert fill(f"{{move {key} {event_id} {window}}}", stored.data) == (
        f"{'rose' if percent > 0 else 'fell'} {abs(percent):.2f}%"
    )


def test_the_market_dates_used_by_hand(stored: Stored) -> None:
    """The t0 rules the hand computations rely on, on the events whose timing differs."""
    close, noon = catalog.get("ust10y").observed_at_et, catalog.get("usdjpy").observed_at_et
    assert stored.by_id["kato-treasuries-card"].market_date(close) == dt.date(2025, 5, 2)  # no time: its date
    assert stored.by_id["liberation-day-tariffs"].market_date(close) == dt.date(2025, 4, 3)  # after the close
    assert stored.by_id["boj-hike-jan-2025"].market_date(noon) == dt.date(2025, 1, 24)  # 22:00 ET the day before
    start, end, _ = window_by_hand(stored, "ust10y", "kato-treasuries-card", "0:5")
    assert (start, end) == (4.25, 4.37)


def test_a_z_score_matches_the_csv(stored: Stored) -> None:
    """z = change / (sigma × √steps), sigma the sample deviation of the 250 one-step changes to the start."""
    key, event_id, window = "ust30y", "liberation-day-tariffs", "0:5"
    assert in_captions(f"{key} {event_id} {window}")
    start, end, t0 = window_by_hand(stored, key, event_id, window)
    history = stored_csv(key).iloc[:t0] * 100  # bp, ending at the baseline x[t0-1]
    sigma = history.diff().dropna().iloc[-250:].std(ddof=1)
    z = (end - start) * 100 / (sigma * math.sqrt(6))
    assert fill(f"{{z {key} {event_id} {window}}}", stored.data) == f"{z:+.1f}"


@pytest.mark.parametrize(
    ("key", "month"),
    [("tic_japan", "2025-02"), ("tic_japan", "2025-04"), ("tic_uk", "2025-03"), ("tic_china", "2025-03")],
)
def test_a_monthly_holding_matches_the_csv(stored: Stored, key: str, month: str) -> None:
    assert f"{{value {key} {month}}}" in captions()
    value = float(stored_csv(key)[pd.Timestamp(f"{month}-01")])
    assert fill(f"{{value {key} {month}}}", stored.data) == f"${value:,.1f}bn"


@pytest.mark.parametrize(("key", "day"), [("usdjpy", "2026-04-29"), ("ust10y", "2025-04-02"), ("usdjpy", "2026-10-02")])
def test_a_daily_value_matches_the_csv(stored: Stored, key: str, day: str) -> None:
    assert f"{{value {key} {day}}}" in captions()
    values = stored_csv(key)
    value = float(values[values.index <= pd.Timestamp(day)].iloc[-1])
    expected = f"¥{value:,.2f}" if key == "usdjpy" else f"{value:.2f}%"
    assert fill(f"{{value {key} {day}}}", stored.data) == expected


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [("2026-04-28", "2026-05-27", 3), ("2026-04-30", "2026-05-06", 3), ("2024-01-01", "2024-12-31", 4)],
)
def test_intervention_totals_match_the_csv(stored: Stored, start: str, end: str, days: int) -> None:
    """¥100 million units summed without their sign (yen bought or sold), in ¥ trillion."""
    assert any(f"{{total mof_intervention {start} {end}}}" in t for name in STORIES for t in texts(name))
    values = stored_csv("mof_intervention")
    span = values[(values.index >= pd.Timestamp(start)) & (values.index <= pd.Timestamp(end))]
    assert fill(f"{{total mof_intervention {start} {end}}}", stored.data) == f"¥{span.abs().sum() / 10_000:,.2f}trn"
    assert fill(f"{{days mof_intervention {start} {end}}}", stored.data) == str(int((span != 0).sum())) == str(days)


def test_the_record_intervention_is_the_ministrys_sum(stored: Stored) -> None:
    """The April-May 2026 total the story gives agrees with the ministry's published ¥11,734.9bn."""
    assert fill("{total mof_intervention 2026-04-28 2026-05-27}", stored.data) == "¥11.73trn"


# -- malformed files ----------------------------------------------------------------------------------
STORY = """\
id: {id}
title: "A test story"
audience: "Test class of economics students"
minutes: 10
steps:
  - title: "First step"
    view: "{view}"
    caption: "{caption}"
  - title: "Second step"
    caption: "A second caption, long enough."
{extra}"""
CAPTION_LINE, VIEW_LINE, SECOND_STEP_LINE = 8, 7, 9


def write(folder: Path, name: str, text: str | bytes, **fields: str) -> Path:
    path = folder / f"{name}.yaml"
    if isinstance(text, str):
        values = {"id": name, "view": "series=ust10y&start=2025-03-03&end=2025-04-30", "caption": "Fine words here."}
        values.update(fields)
        text = text.format(extra="", **values) if "{" in text else text
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    return path


def problems_of(path: Path, stored: Stored) -> list[str]:
    """Both checks, as `python -m usjp validate` runs them; neither may raise."""
    loaded = files.read_story(path)
    return [*loaded.problems, *files.check_story(loaded, stored.data, stored.keys, stored.bounds)]


def test_the_test_story_itself_is_fine(tmp_path: Path, stored: Stored) -> None:
    assert problems_of(write(tmp_path, "fine", STORY), stored) == []


@pytest.mark.parametrize(
    ("caption", "message"),
    [
        ("Yields {frobnicate ust10y liberation-day-tariffs 0:5} a lot.", "unknown placeholder 'frobnicate'"),
        ("Yields {move ust10y no-such-event 0:5} that week.", "unknown event 'no-such-event'"),
        ("Yields { rose, then fell back.", "a '{' or '}' outside a placeholder"),
        ("Yields {move ust10y liberation-day-tariffs 0:5 extra}.", "move takes 3 arguments, not 4"),
        ("Holdings were {value tic_japan 2025-02-15}.", "give the month as YYYY-MM"),
    ],
)
def test_a_bad_placeholder_is_a_problem_on_the_caption_line(
    tmp_path: Path, stored: Stored, caption: str, message: str
) -> None:
    path = write(tmp_path, "bad-placeholder", STORY, caption=caption)
    problems = problems_of(path, stored)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{path}:{CAPTION_LINE} steps.0.caption: ")
    assert message in problems[0]


def test_an_unknown_series_in_a_view_is_a_problem_on_the_view_line(tmp_path: Path, stored: Stored) -> None:
    path = write(tmp_path, "bad-view", STORY, view="series=ust10y,nosuch&start=2025-03-03&end=2025-04-30")
    assert problems_of(path, stored) == [f"{path}:{VIEW_LINE} steps.0.view: Ignored unknown series 'nosuch'."]


def test_a_missing_caption_is_a_problem_on_the_line_of_its_step(tmp_path: Path, stored: Stored) -> None:
    text = STORY.replace('    caption: "A second caption, long enough."\n', "")
    path = write(tmp_path, "no-caption", text)
    problems = problems_of(path, stored)
    assert f"{path}:{SECOND_STEP_LINE} steps.1.caption: Field required" in problems


PREDICT = """\
    predict:
      question: "Which way did the 10-year yield go?"
      kind: {kind}
      event: liberation-day-tariffs
      series: ust10y
      window: "{window}"
"""
# A problem with the whole prediction names the line of its `predict:` key.
PREDICT_LINE, WINDOW_LINE = 11, 16


def test_a_prediction_window_before_t0_is_a_problem(tmp_path: Path, stored: Stored) -> None:
    path = write(tmp_path, "early", STORY.replace("{extra}", PREDICT.format(kind="direction", window="-1:5")))
    problems = problems_of(path, stored)
    assert f"{path}:{WINDOW_LINE} steps.1.predict.window: a prediction's window starts at 0 or later" in "\n".join(
        problems
    )


def test_a_size_prediction_without_a_slider_is_a_problem(tmp_path: Path, stored: Stored) -> None:
    path = write(tmp_path, "no-slider", STORY.replace("{extra}", PREDICT.format(kind="size", window="0:5")))
    problems = problems_of(path, stored)
    assert f"{path}:{PREDICT_LINE} steps.1.predict: a size question needs low, high and step" in "\n".join(problems)


def test_a_prediction_on_a_series_not_drawn_is_a_problem(tmp_path: Path, stored: Stored) -> None:
    text = STORY.replace("{extra}", PREDICT.format(kind="direction", window="0:5")).replace("ust10y\n", "ust30y\n")
    path = write(tmp_path, "not-drawn", text)
    problems = problems_of(path, stored)
    assert len(problems) == 1 and problems[0].startswith(f"{path}:{PREDICT_LINE} steps.1.predict: the series ust30y")


def test_an_id_that_differs_from_the_file_name_is_a_problem(tmp_path: Path, stored: Stored) -> None:
    path = write(tmp_path, "file-name", STORY, id="another-name")
    assert problems_of(path, stored) == [f"{path}:1 id: 'another-name' differs from the file's name"]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("- id: a-list\n- title: of entries\n", r":1 - file: expected a mapping"),
        ('id: broken\ntitle: "never closed\nsteps: [\n', r":\d+ - yaml: "),
        ('id: anchors\ntitle: &t "A test story"\naudience: *t\n', r": yaml: aliases \(\*name\) are not allowed"),
        (b'id: latin\ntitle: "caf\xe9"\n', r":2: not UTF-8 \(byte 0xe9 at column 12\)"),
        (b"#" * 3_000_000, r": 3,000,000 bytes, more than the limit of 2,000,000"),
        ("", r":1 - file: expected a mapping"),
    ],
    ids=["list", "invalid-yaml", "alias", "not-utf8", "3mb", "empty"],
)
def test_a_file_that_is_not_a_story_is_one_problem(
    tmp_path: Path, stored: Stored, content: str | bytes, expected: str
) -> None:
    path = write(tmp_path, "damaged", content)
    loaded = files.read_story(path)
    assert loaded.story is None and len(loaded.problems) == 1, loaded.problems
    assert loaded.problems[0].startswith(str(path))
    assert re.search(expected, loaded.problems[0].removeprefix(str(path))), loaded.problems
    assert files.check_story(loaded, stored.data, stored.keys, stored.bounds) == []
