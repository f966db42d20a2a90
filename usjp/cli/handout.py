"""`python -m usjp handout STORY [--out FILE.pdf] [--paper a4|letter] [--answers]`: a story's printable
classroom handout (PDF), the same file the Story page's download button makes.

STORY is a story id (a file data/stories/ID.yaml) or the path to a story file. The handout has a header
(title, audience, time, how old the data is), each step as the class first sees it (its chart, cut just
before the event where the step asks a question; its caption with the numbers filled in; the question with
room to answer) and the sources (every event the steps name, with links, and the data series drawn).
--answers makes the teacher's copy: each question's answer and the speaker notes are printed too.

Without --out the file is usjp-story-ID-PAPER.pdf (…-PAPER-teacher.pdf with --answers) in the current
folder; `--out -` writes to standard output. The story is checked first, as `python -m usjp validate`
checks it. Exit 0 when written; 1 when the story has problems (listed as file:line), a number cannot be
computed, a chart cannot be drawn or the font is missing; 2 for a bad argument (unknown story, with the
known ids; paper; output path).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from usjp.cli import export
from usjp.data import calendar_file, store, verify
from usjp.events import Event
from usjp.figures.timeline_view import TimelineData
from usjp.paths import stories_dir
from usjp.publish import image
from usjp.story import files, handout
from usjp.story.facts import FactError, StoryData
from usjp.views.timeline import View, bar_series

USAGE_ERROR = 2
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "handout",
        help="a story's printable classroom handout (PDF; --answers for the teacher's copy)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("story", help="a story id (data/stories/ID.yaml) or the path to a story .yaml file")
    p.add_argument(
        "--out", default=None, help="file to write, '-' for standard output (default: usjp-story-ID-PAPER.pdf)"
    )
    p.add_argument("--paper", default="a4", help=f"{' or '.join(handout.PAPERS)} (default: %(default)s)")
    p.add_argument("--answers", action="store_true", help="the teacher's copy: answers and speaker notes")
    p.set_defaults(func=cmd_handout)


def _usage(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return USAGE_ERROR


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


def known_ids() -> list[str]:
    """The ids of the story files in data/stories/ (their names), in order."""
    folder = stories_dir()
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


def story_path(text: str) -> tuple[Path | None, str]:
    """The story file STORY names, or None and why not (a usage error)."""
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        path = Path(text)
        return (path, "") if path.is_file() else (None, f"no story file {text!r}")
    path = stories_dir() / f"{text}.yaml"
    if path.is_file():
        return path, ""
    ids = known_ids()
    known = f"known stories: {', '.join(ids)}" if ids else f"there are no stories in {stories_dir()}"
    shown = text if len(text) <= 60 and text.isprintable() else repr(text[:60])
    return None, f"unknown story {shown!r}; {known}"


def timeline_data(view: View, events: list[Event]) -> TimelineData:
    """What a step's chart is drawn from: the stores export.timeline_data reads, without the hover
    headlines (a printed chart has no hover, and they cost about a third of a second a step)."""
    return TimelineData(
        series=export.load_many(view.series),
        events=events,
        headlines={},
        releases=calendar_file.load_calendar_file()[0] if view.releases else (),
        interventions=next(iter(export.load_many(bar_series(view.series))), None),
    )


def pages(pdf: bytes) -> int:
    """How many pages a PDF has (its /Type /Page objects)."""
    return len(_PAGE.findall(pdf))


def cmd_handout(args: argparse.Namespace) -> int:
    paper = args.paper.strip().lower()
    if paper not in handout.PAPERS:
        return _usage(f"unknown paper {args.paper!r}; use {' or '.join(handout.PAPERS)}")
    if args.out not in (None, "-") and (why := export._writable(args.out)):
        return _usage(why)
    path, why = story_path(args.story)
    if path is None:
        return _usage(why)

    loaded = files.read_story(path)
    if loaded.story is None or loaded.problems:
        for problem in loaded.problems:
            print(problem, file=sys.stderr)
        return _fail(f"{loaded.label} cannot be printed: fix the problems above")
    events = export.load_events()
    if events.problems:
        print(
            f"note: data/events.yaml has {len(events.problems)} problem(s); the events that passed are used "
            "(run `python -m usjp validate`)",
            file=sys.stderr,
        )
    data = StoryData(lambda key: found.values if (found := verify.read_newest(key)) else None, events.events)
    stored, bounds = export.available_keys(), export.date_bounds()
    problems = files.check_story(loaded, data, stored, bounds)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return _fail(f"{loaded.label} cannot be printed: the data does not back it (problems above)")
    try:
        pdf = handout.build_handout(
            loaded.story,
            data,
            lambda view: timeline_data(view, events.events),
            stored,
            bounds,
            paper=paper,
            answers=args.answers,
        )
    except (FactError, image.ImageError, handout.HandoutError) as exc:
        return _fail(str(exc))

    if args.out == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.buffer.flush()
        return 0
    out = Path(args.out or handout.filename(loaded.story.id, paper, args.answers))
    try:
        store.atomic_write(out, pdf)
    except OSError as exc:
        return _usage(f"--out {str(out)!r} cannot be written ({exc.strerror or exc})")
    copy = "teacher's copy" if args.answers else "student copy"
    print(f"wrote {out} ({len(pdf):,} bytes, {pages(pdf)} pages, {copy})", file=sys.stderr)
    return 0
