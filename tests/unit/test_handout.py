"""The classroom handout (usjp/story/handout.py, `python -m usjp handout`): real charts (kaleido), real
data (data/market, data/events.yaml), real PDFs (fpdf2) read back with poppler's pdfinfo and pdftotext.

The fixture story (tests/fixtures/stories/handout-sample.yaml) has a plain step, a direction question and
a size question. Its steps are computed once (three charts), then laid out for each paper and copy. Every
story in data/stories/ gets its A4 handouts written to artifacts/handouts/ (CI keeps them)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

import plotly.graph_objects as go
import pytest

from tests.support import IN_CI, REPO
from usjp.cli import export as stores
from usjp.cli import handout as cli
from usjp.cli import main
from usjp.data import verify
from usjp.events import Source
from usjp.paths import stories_dir
from usjp.publish import image
from usjp.story import files, handout, reveal
from usjp.story.facts import StoryData, fill
from usjp.story.model import Story

FIXTURE = REPO / "tests" / "fixtures" / "stories" / "handout-sample.yaml"
ARTIFACTS = REPO / "artifacts" / "handouts"
MADE = dt.date(2026, 11, 30)
POINTS = {"a4": (595, 842), "letter": (612, 792)}  # pdfinfo's page size, rounded
MM = 72 / 25.4  # points per mm


def needs(*tools: str) -> None:
    """Chromium (the charts) and poppler-utils (reading the PDFs back): a skip here, a failure in CI."""
    missing = [t for t in tools if shutil.which(t) is None and not Path(f"/usr/bin/{t}").exists()]
    if missing:
        message = f"missing {', '.join(missing)}: apt-get install -y chromium poppler-utils"
        pytest.fail(message) if IN_CI else pytest.skip(message)


# -- what the handouts are made from ------------------------------------------------------------------
@dataclass
class Stores:
    data: StoryData
    stored: list[str]
    bounds: tuple[dt.date, dt.date]
    events: list

    def timeline_data(self, view):
        return cli.timeline_data(view, self.events)


@pytest.fixture(scope="module")
def store() -> Stores:
    """The repository's data, read as the command line reads it."""
    events = stores.load_events().events
    data = StoryData(lambda key: found.values if (found := verify.read_newest(key)) else None, events)
    return Stores(data, stores.available_keys(), stores.date_bounds(), events)


@pytest.fixture(scope="module")
def story(store: Stores) -> Story:
    loaded = files.read_story(FIXTURE)
    assert loaded.story is not None and not loaded.problems, loaded.problems
    assert files.check_story(loaded, store.data, store.stored, store.bounds) == []
    return loaded.story


@dataclass
class Made:
    contents: handout.Contents
    figures: list[go.Figure]  # as handed to the chart renderer, one per step


@pytest.fixture(scope="module")
def made(story: Story, store: Stores) -> Made:
    """The fixture story's steps, each chart rendered for real (and its figure kept)."""
    needs("chromium")
    figures: list[go.Figure] = []

    def chart(figure: go.Figure) -> bytes:
        figures.append(figure)
        return handout.render_chart(figure)

    contents = handout.handout_steps(story, store.data, store.timeline_data, store.stored, store.bounds, chart=chart)
    return Made(contents, figures)


def layout(story: Story, made: Made, paper: str = "a4", answers: bool = False) -> bytes:
    c = made.contents
    return handout.handout_pdf(
        story, c.steps, c.sources, paper=paper, answers=answers, data_as_of=c.data_as_of, made=MADE
    )


@pytest.fixture(scope="module")
def pdfs(story: Story, made: Made, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, bool], Path]:
    """(paper, answers) -> the handout written to a file."""
    needs("pdfinfo", "pdftotext")
    folder = tmp_path_factory.mktemp("handouts")
    out = {}
    for paper in handout.PAPERS:
        for answers in (False, True):
            path = folder / handout.filename(story.id, paper, answers)
            path.write_bytes(layout(story, made, paper, answers))
            out[paper, answers] = path
    return out


# -- reading a PDF back -------------------------------------------------------------------------------
def info(path: Path) -> dict[str, str]:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in done.stdout.splitlines())}


def pages_text(path: Path) -> list[str]:
    """Each page's text (pdftotext, reading order)."""
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return done.stdout.split("\f")[:-1]


def norm(text: str) -> str:
    """Words separated by single spaces (pdftotext breaks lines where the PDF wraps them)."""
    return " ".join(text.split())


def squash(text: str) -> str:
    """No whitespace at all: a long URL is wrapped inside the word."""
    return re.sub(r"\s+", "", text)


def words(path: Path) -> list[tuple[int, str, float, float, float, float]]:
    """(page, word, xMin, yMin, xMax, yMax) in points, from pdftotext -bbox."""
    done = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    found, page = [], 0
    for line in done.stdout.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            found.append((page, m[5], *(float(m[i]) for i in range(1, 5))))
    return found


def assert_inside_the_margins(path: Path, paper: str) -> None:
    """Every word inside the page's text area (margins less 1 mm of slack), footer included."""
    width, height = POINTS[paper]
    left, right = (handout.MARGIN_X - 1) * MM, width - (handout.MARGIN_X - 1) * MM
    found = words(path)
    assert found
    outside = [w for w in found if w[2] < left or w[4] > right or w[3] < (handout.MARGIN_TOP - 1) * MM or w[5] > height]
    assert not outside, f"{path.name}: words outside the text area: {outside[:5]}"


# -- the fixture story --------------------------------------------------------------------------------
@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_page_size_and_count(pdfs, paper):
    for answers in (False, True):
        path = pdfs[paper, answers]
        meta = info(path)
        width, height = (round(float(v)) for v in re.findall(r"[\d.]+", meta["Page size"])[:2])
        assert (width, height) == POINTS[paper]
        pages = int(meta["Pages"])
        # a step with a question fills most of a page: 3 steps and the sources take 3 to 6 pages
        assert 3 <= pages <= 6
        text = pages_text(path)
        assert len(text) == pages == cli.pages(path.read_bytes())
        assert all(f"Page {i} of {pages}" in page for i, page in enumerate(text, 1))
        assert meta["Title"] == "Tariff week, April 2025: the yen and the 10-year yield"


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_text_steps_captions_questions(pdfs, story, store, made, paper):
    text = pages_text(pdfs[paper, False])
    everything = norm(" ".join(text))
    assert story.title in everything and "Data as of 10Y" in everything and "Made 30 November 2026" in everything
    assert ("A4 paper" if paper == "a4" else "US Letter paper") in everything and story.audience in everything
    for n, step in enumerate(story.steps, 1):
        heading = f"Step {n} of 3: {step.title}"
        caption = norm(fill(step.caption, store.data))
        on = [i for i, page in enumerate(text) if heading in norm(page)]
        assert len(on) == 1, heading
        page = norm(text[on[0]])
        # kept together: the heading, its caption and its question on one page
        assert caption in page, caption
        if step.predict:
            assert norm(step.predict.question) in page
    # the numbers, as facts.fill computes them
    for number in ("4.20%", "¥149.98", "fell 3.76% (-3.76%, z = -2.3)"):
        assert number in everything
    assert "“reciprocal”" in everything  # curly quotes survive the font
    assert "up down little change" in everything and "My guess:" in everything and "bp" in everything
    assert "from −40 bp to +40 bp" in everything


def test_sources_with_links(pdfs, story, store):
    path = pdfs["a4", False]
    everything = norm(" ".join(pages_text(path)))
    squashed = squash(everything)
    raw = path.read_bytes()
    assert story.event_ids() == ["auto-tariff-signed", "auto-tariff-effective", "liberation-day-tariffs",
                                 "reciprocal-tariff-pause"]  # fmt: skip
    sources = [s for event_id in story.event_ids() for s in store.data.event(event_id).sources] + list(story.sources)
    for source in sources:
        assert norm(source.publisher) in everything
        assert squash(source.url) in squashed  # wrapped inside the word when long
        assert f"/URI ({source.url})".encode() in raw  # a clickable link
    for event_id in story.event_ids():
        event = store.data.event(event_id)
        assert f"{event.date:%-d %b %Y} · {norm(event.title)}" in everything
    # the Japanese headline is named, not printed as boxes
    assert "TBS NEWS DIG (via cube-soft news): headline in Japanese (open the link)" in everything
    for series_id in ("FRED DGS10", "FRED DEXJPUS"):
        assert series_id in everything
        assert f"https://fred.stlouisfed.org/series/{series_id.split()[1]}" in everything


def test_the_teacher_copy_alone_has_answers_and_notes(pdfs, story, store):
    for paper in handout.PAPERS:
        student = norm(" ".join(pages_text(pdfs[paper, False])))
        teacher = norm(" ".join(pages_text(pdfs[paper, True])))
        assert "Student copy" in student and "Teacher’s copy" in teacher and "Name:" in student
        for step in story.steps:
            if step.predict:
                result = reveal.outcome(step.predict, store.data)
                for sentence in (reveal.what_happened(result), reveal.how_unusual(result)):
                    assert norm(sentence) not in student
                    assert norm(sentence) in teacher
            if step.notes:
                notes = norm(fill(step.notes, store.data))
                assert notes not in student and notes in teacher
        assert "Answer: down." in teacher and "Answer: +14 bp." in teacher
        assert "Answer:" not in student and "Speaker notes" not in student


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_no_text_outside_the_margins(pdfs, paper):
    for answers in (False, True):
        assert_inside_the_margins(pdfs[paper, answers], paper)


def test_a_question_chart_stops_before_the_event(made, story, store):
    """The figure of a prediction step holds no value on or after the event's market date (the answer),
    while its x axis runs to the view's end; a plain step's chart is the whole view."""
    assert len(made.figures) == len(story.steps)
    ids = [e.id for e in store.events]
    for step, figure in zip(story.steps, made.figures, strict=True):
        view = files.step_view(step.view, ids, store.stored, store.bounds)
        _, end = view.window(*store.bounds)
        lines = [t for t in figure.data if t.type == "scatter" and t.mode == "lines"]
        assert lines
        last = max(max(dt.date.fromisoformat(str(x)[:10]) for x in t.x) for t in lines)
        if step.predict is None:
            assert last > end - dt.timedelta(days=7)
            continue
        cutoff = reveal.cutoff(step.predict, store.data)
        assert last < cutoff < end
        assert reveal.outcome(step.predict, store.data).end_date > cutoff
        assert f"Data to {cutoff - dt.timedelta(days=1):%-d %b %Y}" in figure.layout.title.subtitle.text
    chart = made.contents.steps[1]
    assert handout.png_size(chart.chart) == handout.CHART.pixels
    assert "Apr 2025" in chart.chart_alt and "2 Apr 2025" in chart.chart_alt  # the cut line, in words


def test_long_urls_and_missing_glyphs(made, story, tmp_path):
    """A 400-character URL wraps inside the margins and stays one link; a character the font lacks prints
    as U+FFFD, not as nothing."""
    needs("pdftotext")
    url = "https://example.org/" + "a-very-long-path-segment-without-spaces" * 10
    long = Source(publisher="Example Publisher", title="A headline 🙂 with an emoji", url=url)
    step = replace(made.contents.steps[0], caption="Caption with a ☃ snowman and a 🙂 smile.")
    sources = handout.Sources(story=(long,))
    path = tmp_path / "long.pdf"
    path.write_bytes(
        handout.handout_pdf(story, [step], sources, paper="letter", data_as_of="Data as of test", made=MADE)
    )
    text = norm(" ".join(pages_text(path)))
    assert squash(url) in squash(text) and f"/URI ({url})".encode() in path.read_bytes()
    assert "Caption with a ☃ snowman and a \ufffd smile." in text
    assert_inside_the_margins(path, "letter")


def test_a_missing_font_says_which_package(story, made, tmp_path):
    c = made.contents
    with pytest.raises(handout.HandoutError, match="fonts-dejavu-core"):
        handout.handout_pdf(story, c.steps, c.sources, data_as_of=c.data_as_of, made=MADE, fonts=tmp_path)
    with pytest.raises(ValueError, match="a4 or letter"):
        handout.handout_pdf(story, c.steps, c.sources, paper="a3", data_as_of="", made=MADE)


def test_file_names():
    assert handout.filename("tariff-week") == "usjp-story-tariff-week-a4.pdf"
    assert handout.filename("tariff-week", "letter", answers=True) == "usjp-story-tariff-week-letter-teacher.pdf"


# -- every story in data/stories/ (the handouts CI keeps) ---------------------------------------------
STORY_FILES = sorted(stories_dir().glob("*.yaml")) if stories_dir().is_dir() else []


@pytest.mark.parametrize("path", STORY_FILES or [None], ids=[p.stem for p in STORY_FILES] or ["none"])
def test_every_story_prints(path, store):
    if path is None:
        pytest.skip("no story in data/stories/ yet")
    needs("chromium", "pdfinfo", "pdftotext")
    loaded = files.read_story(path)
    problems = [*loaded.problems, *files.check_story(loaded, store.data, store.stored, store.bounds)]
    assert loaded.story is not None and not problems, "\n".join(problems)
    story = loaded.story
    contents = handout.handout_steps(story, store.data, store.timeline_data, store.stored, store.bounds)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for answers in (False, True):
        out = ARTIFACTS / f"{story.id}-a4{'-teacher' if answers else ''}.pdf"
        out.write_bytes(
            handout.handout_pdf(
                story,
                contents.steps,
                contents.sources,
                answers=answers,
                data_as_of=contents.data_as_of,
                made=dt.date.today(),
            )
        )
        assert tuple(round(float(v)) for v in re.findall(r"[\d.]+", info(out)["Page size"])[:2]) == POINTS["a4"]
        text = norm(" ".join(pages_text(out)))
        for n, step in enumerate(story.steps, 1):
            assert norm(f"Step {n} of {len(story.steps)}: {step.title}") in text
        assert_inside_the_margins(out, "a4")


# -- the command --------------------------------------------------------------------------------------
def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, str]:
    code = main(["handout", *argv])
    out, err = capsysbinary.readouterr()
    return code, out, err.decode()


@pytest.fixture
def stories(data_dir: Path) -> Path:
    """data/stories/ of the private data copy, holding the fixture story alone."""
    folder = data_dir / "stories"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    shutil.copy(FIXTURE, folder)
    return folder


def test_cli_writes_the_teacher_copy_by_id_with_its_default_name(stories, tmp_path, capsysbinary, monkeypatch):
    needs("chromium", "pdfinfo")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsysbinary, "handout-sample", "--paper", "letter", "--answers")
    assert code == 0, err
    out = tmp_path / "usjp-story-handout-sample-letter-teacher.pdf"
    assert out.read_bytes().startswith(b"%PDF")
    assert info(out)["Page size"].startswith("612 x 792")
    assert re.fullmatch(rf"wrote {out.name} \([\d,]+ bytes, \d pages, teacher's copy\)\n", err)


def test_cli_a_path_and_standard_output(data_dir, capsysbinary):
    needs("chromium")
    code, out, err = run(capsysbinary, str(FIXTURE), "--out", "-")
    assert code == 0, err
    assert out.startswith(b"%PDF") and out.rstrip().endswith(b"%%EOF") and cli.pages(out) >= 3


def test_cli_unknown_story_lists_the_known(stories, capsysbinary):
    code, out, err = run(capsysbinary, "no-such-story")
    assert code == 2 and not out
    assert err == "error: unknown story 'no-such-story'; known stories: handout-sample\n"
    code, _, err = run(capsysbinary, "missing/story.yaml")
    assert code == 2 and err == "error: no story file 'missing/story.yaml'\n"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--paper", "a3"], "error: unknown paper 'a3'; use a4 or letter"),
        (["--out", "/no/such/folder/x.pdf"], "does not exist"),
    ],
)
def test_cli_bad_arguments_exit_2(stories, capsysbinary, argv, expected):
    code, _, err = run(capsysbinary, "handout-sample", *argv)
    assert code == 2 and expected in err and len(err.splitlines()) == 1


def test_cli_a_story_with_problems_exits_1_with_file_lines(stories, tmp_path, capsysbinary):
    text = FIXTURE.read_text(encoding="utf-8")
    # structure: a caption too short (pydantic), named by file and line
    (stories / "handout-sample.yaml").write_text(text.replace("caption: >-", "caption: x\n    notes: >-", 1))
    code, _, err = run(capsysbinary, "handout-sample", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and not (tmp_path / "x.pdf").exists()
    assert re.search(r"^data/stories/handout-sample\.yaml:\d+ .*caption", err, re.MULTILINE), err
    assert err.splitlines()[-1].startswith("error: ") and "cannot be printed" in err
    # data: an event the timeline does not have
    (stories / "handout-sample.yaml").write_text(text.replace("[auto-tariff-signed,", "[no-such-event,", 1))
    code, _, err = run(capsysbinary, "handout-sample", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and not (tmp_path / "x.pdf").exists()
    assert re.search(r"handout-sample\.yaml:\d+ steps\.0\.events\.0: unknown event 'no-such-event'", err), err


def test_cli_a_renderer_failure_exits_1(stories, tmp_path, capsysbinary, monkeypatch):
    def broken(*args, **kwargs):
        raise image.ImageError("the image renderer (kaleido with Chromium) did not start: test")

    monkeypatch.setattr(image, "render", broken)
    code, _, err = run(capsysbinary, "handout-sample", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and err == "error: the image renderer (kaleido with Chromium) did not start: test\n"
    assert not (tmp_path / "x.pdf").exists()


def test_cli_a_missing_font_exits_1(stories, tmp_path, capsysbinary, monkeypatch):
    monkeypatch.setattr(handout, "FONT_DIR", tmp_path / "fonts")
    code, _, err = run(capsysbinary, "handout-sample", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "apt-get install fonts-dejavu-core" in err and len(err.splitlines()) == 1
