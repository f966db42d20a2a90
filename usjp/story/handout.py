"""The printable classroom handout of a story, as a PDF on A4 or US Letter: a header (title, audience,
time, how old the data is), then each step as the class first sees it (its chart, cut before the event
for a question; its caption with the numbers filled in; the question with room to answer), then the
sources: every event the steps name, with each of its sources, and the data series drawn. The teacher's
copy (`answers=True`) adds each question's answer and the speaker notes.

`build_handout` is the one call the Story page's download button and `python -m usjp handout` share.
It computes the steps (`handout_steps`: texts, answers, each chart rendered by an injectable `chart`
function) and lays them out (`handout_pdf`, which takes everything already computed, charts as PNG).

fpdf2 writes the PDF (pure Python, no system library: it works from the offline classroom pack) in DejaVu
Sans, read from the system's fonts (Debian and Ubuntu: fonts-dejavu-core). Without them a HandoutError says
which package to install: no fallback font that would mangle “ ” – ’ ¥. A character DejaVu Sans lacks
prints as U+FFFD; a source headline in Japanese is named as such, its link kept. Pure: no Streamlit, no
stored data read here (the caller passes its loaders).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import plotly.graph_objects as go
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from usjp import analysis, catalog
from usjp.events import Source
from usjp.figures import credits, timeline_view
from usjp.figures.timeline_view import StoredLike, TimelineData
from usjp.publish import export, image
from usjp.publish.sizes import Size
from usjp.story import files, reveal
from usjp.story.facts import StoryData, fill
from usjp.story.figures import hide_from, step_figure
from usjp.story.model import Story
from usjp.views.timeline import View


class HandoutError(RuntimeError):
    """The handout cannot be made here (its font is missing, a chart is not a PNG)."""


# -- paper, fonts, sizes ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Paper:
    key: str  # "a4", "letter" (the command line's --paper, the file name)
    label: str  # "A4", "US Letter" (printed in the header)
    fpdf_format: str
    width_mm: float
    height_mm: float


PAPERS: dict[str, Paper] = {
    p.key: p for p in (Paper("a4", "A4", "A4", 210.0, 297.0), Paper("letter", "US Letter", "letter", 215.9, 279.4))
}
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT_PACKAGE = "fonts-dejavu-core"
FAMILY = "DejaVu"
# The chart as the app's article export lays it out (1200 x 675 CSS px: the layout the figure tests check
# for overlaps), drawn at 2x: about 350 dpi across the text width (174 mm on A4, 180 on Letter), where its
# axis labels print at about 5.5 pt.
CHART = Size("handout", "Handout chart (1200 × 675)", 1200, 675, 2.0)
DIRECTION_BOXES = ("up", "down", "little change")
JAPANESE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")

# Layout, in mm and points.
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM, FOOTER_Y = 18.0, 15.0, 18.0, -12.0
BODY, BODY_LH = 10.5, 5.0
SMALL, SMALL_LH = 8.5, 4.0
H1, H1_LH = 18.0, 8.0
H2, H2_LH = 13.0, 6.5
H3, H3_LH = 11.0, 5.6
PAD = 3.0  # inside a box
GAP = 3.0  # between the parts of a step
STEP_GAP = 9.0  # between two steps on one page
WRITE_LINE = 7.5  # the spacing of the ruled lines to write on
MAX_CHART_SHARE = 0.6  # of the page's text height
NOTES_KEPT = (
    GAP + (SMALL_LH + 0.5) + 3 * (SMALL_LH + 0.6)
)  # speaker notes kept with their step: the label and three lines
INK, GREY, RULE, LINK = (26, 26, 26), (90, 90, 90), (185, 185, 185), (0, 70, 160)
QUESTION_FILL, ANSWER_FILL, TEACHER_FILL = (241, 245, 250), (255, 246, 213), (255, 236, 236)


# -- what the handout prints, computed ---------------------------------------------------------------
@dataclass(frozen=True)
class Question:
    """A prediction as printed: the question, its kind, and for a size question the unit and range."""

    text: str
    kind: str  # "direction" or "size"
    unit: str = ""  # "bp" or "%" (size questions)
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Answer:
    """What the teacher's copy prints under a question."""

    verdict: str  # "Answer: down." / "Answer: +14 bp."
    what_happened: str  # reveal.what_happened
    how_unusual: str  # reveal.how_unusual

    @property
    def text(self) -> str:
        return f"{self.what_happened} {self.how_unusual}"


@dataclass(frozen=True)
class HandoutStep:
    """One step, everything computed: the chart as PNG bytes (the cut one for a question), the caption
    and notes with their numbers filled in, the question and its answer."""

    title: str
    chart: bytes
    caption: str
    chart_alt: str = ""
    question: Question | None = None
    answer: Answer | None = None
    notes: str = ""


@dataclass(frozen=True)
class EventCredit:
    date: dt.date
    title: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class SeriesCredit:
    label: str
    credit: str  # credits.citation: publisher, via the source's own id, licence
    url: str


@dataclass(frozen=True)
class Sources:
    """The handout's last section: the events the steps name (in order of first mention), the story's
    own further sources and the data series its charts draw."""

    events: tuple[EventCredit, ...] = ()
    story: tuple[Source, ...] = ()
    series: tuple[SeriesCredit, ...] = ()


@dataclass(frozen=True)
class Contents:
    steps: tuple[HandoutStep, ...]
    sources: Sources
    data_as_of: str  # "Data as of 10Y 08 Oct 2026, USD/JPY 02 Oct 2026"


Chart = Callable[[go.Figure], bytes]


def render_chart(figure: go.Figure) -> bytes:
    """A step's figure as PNG (kaleido, the process's one browser). image.ImageError when it fails."""
    return image.render(figure, "png", CHART)


def handout_steps(
    story: Story,
    data: StoryData,
    timeline_data_for: Callable[[View], TimelineData],
    stored: Sequence[str] | None,
    bounds: tuple[dt.date, dt.date],
    *,
    chart: Chart = render_chart,
) -> Contents:
    """Every step's texts, answer and chart, and the sources. `timeline_data_for(view)` gives what a view
    is drawn from (the app's cached loader or the command line's store reader); `chart` renders a figure
    to PNG. FactError when a number or an answer cannot be computed (files.check_story says which first),
    image.ImageError when a chart cannot be rendered."""
    ids = [e.id for e in data.events]
    steps: list[HandoutStep] = []
    drawn: dict[str, StoredLike] = {}  # key -> stored series, for "Data as of"
    specs: dict[str, catalog.SeriesSpec] = {}
    for step in story.steps:
        view = files.step_view(step.view, ids, stored, bounds)
        start, end = view.window(*bounds)
        full = timeline_data_for(view)
        for item in full.series:
            drawn.setdefault(item.spec.key, item)
        for spec in export.specs_drawn(view, start, end, full):
            specs.setdefault(spec.key, spec)
        question = answer = None
        first_hidden = None
        if (p := step.predict) is not None:
            first_hidden = reveal.cutoff(p, data)
            unit = catalog.get(p.series).change_unit if p.kind == "size" else ""
            question = Question(p.question, p.kind, unit, p.low, p.high)
            result = reveal.outcome(p, data)
            verdict = (
                reveal.DIRECTION_WORDS[result.direction]
                if p.kind == "direction"
                else analysis.format_change(result.change, result.unit)
            )
            answer = Answer(f"Answer: {verdict}.", reveal.what_happened(result), reveal.how_unusual(result))
        asked = step.asked
        figure = step_figure(
            view,
            start,
            end,
            full,
            first_hidden=first_hidden,
            width=CHART.width,
            height=CHART.height,
            exact=True,
            asked=asked,
        )
        shown = full if first_hidden is None else hide_from(full, first_hidden, asked)
        if len(shown.series) < 2:
            # One line has no legend: its name is the title's, and the top margin leaves no room for one
            # (Plotly would draw it anyway, over the subtitle, because the event lanes are traces too).
            figure.update_layout(showlegend=False)
        steps.append(
            HandoutStep(
                title=step.title,
                chart=chart(figure),
                caption=fill(step.caption, data),
                chart_alt=timeline_view.alt_text(view, start, end, shown),
                question=question,
                answer=answer,
                notes=fill(step.notes, data),
            )
        )
    events = tuple(EventCredit(event.date, event.title, event.sources) for event in map(data.event, story.event_ids()))
    series = tuple(SeriesCredit(spec.label, credits.citation(spec), spec.url) for spec in specs.values())
    as_of = credits.as_of_line(list(drawn.values())) or "Data as of: no stored data"
    return Contents(tuple(steps), Sources(events, story.sources, series), as_of)


def build_handout(
    story: Story,
    data: StoryData,
    timeline_data_for: Callable[[View], TimelineData],
    stored: Sequence[str] | None,
    bounds: tuple[dt.date, dt.date],
    *,
    paper: str = "a4",
    answers: bool = False,
    made: dt.date | None = None,
    chart: Chart = render_chart,
    fonts: Path | None = None,
) -> bytes:
    """The story's handout as PDF bytes: the student copy, or the teacher's with `answers`. Raises
    FactError (a number or answer not computable), image.ImageError (a chart not rendered), HandoutError
    (no font) and ValueError (an unknown paper)."""
    paper_of(paper)
    font_files(fonts)  # before the charts: a missing font is said at once
    contents = handout_steps(story, data, timeline_data_for, stored, bounds, chart=chart)
    return handout_pdf(
        story,
        contents.steps,
        contents.sources,
        paper=paper,
        answers=answers,
        data_as_of=contents.data_as_of,
        made=made or dt.date.today(),
        fonts=fonts,
    )


def filename(story_id: str, paper: str = "a4", answers: bool = False) -> str:
    """'usjp-story-tariff-week-a4.pdf'; the teacher's copy ends '-teacher.pdf'."""
    return f"usjp-story-{story_id}-{paper}{'-teacher' if answers else ''}.pdf"


def paper_of(key: str) -> Paper:
    try:
        return PAPERS[key]
    except KeyError:
        raise ValueError(f"unknown paper {key!r}: use {' or '.join(PAPERS)}") from None


def font_files(folder: Path | None = None) -> dict[str, Path]:
    """The regular and bold DejaVu Sans files (in FONT_DIR unless `folder`); HandoutError naming the package
    when one is missing."""
    folder = folder or FONT_DIR
    paths = {style: folder / name for style, name in FONT_FILES.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:
        raise HandoutError(
            f"the handout's font DejaVu Sans is missing ({', '.join(missing)}): install it with "
            f"`apt-get install {FONT_PACKAGE}` (Debian, Ubuntu) or your system's DejaVu fonts package"
        )
    return paths


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height in pixels (its IHDR); HandoutError for anything else."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise HandoutError("a step's chart is not a PNG image")
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


# -- the layout ----------------------------------------------------------------------------------------
class _Pdf(FPDF):
    """The page, its fonts and footer, and text helpers that measure before they print."""

    def __init__(self, paper: Paper, footer_left: str, fonts: dict[str, Path]) -> None:
        super().__init__(orientation="P", unit="mm", format=paper.fpdf_format)
        for style, path in fonts.items():
            self.add_font(FAMILY, style, str(path))
        self.glyphs = set(self.fonts[FAMILY.lower()].cmap) & set(self.fonts[f"{FAMILY.lower()}B"].cmap)
        self.footer_left = self.clean(footer_left)
        self.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        self.set_auto_page_break(True, MARGIN_BOTTOM)
        self.alias_nb_pages()

    # text ---------------------------------------------------------------------------------------------
    def clean(self, text: str) -> str:
        """`text` with tabs as spaces and every character the font lacks as U+FFFD."""
        text = text.replace("\t", " ").replace("\r", "")
        return "".join(c if c == "\n" or ord(c) in self.glyphs else "\ufffd" for c in text)

    def style(self, size: float, bold: bool = False, color: tuple[int, int, int] = INK) -> None:
        self.set_font(FAMILY, "B" if bold else "", size)
        self.set_text_color(*color)

    def height(self, text: str, line: float, width: float) -> float:
        """How tall `text` prints in the current font, `width` mm wide."""
        if not text:
            return 0.0
        return float(
            self.multi_cell(width, line, self.clean(text), align="L", dry_run=True, output=MethodReturnValue.HEIGHT)  # type: ignore[arg-type]
        )

    def para(self, text: str, line: float, *, indent: float = 0.0, right: float = 0.0, link: str = "") -> None:
        """`text` wrapped from the left margin plus `indent` to the right margin less `right`."""
        if not text:
            return
        self.set_x(self.l_margin + indent)
        self.multi_cell(
            self.epw - indent - right,
            line,
            self.clean(text),
            align="L",
            link=link or None,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    # room -----------------------------------------------------------------------------------------------
    @property
    def room(self) -> float:
        """What is left of this page's text area below the cursor (mm)."""
        return self.page_break_trigger - self.get_y()

    @property
    def page_height(self) -> float:
        """A whole page's text area (mm)."""
        return self.page_break_trigger - self.t_margin

    @property
    def at_top(self) -> bool:
        return self.get_y() <= self.t_margin + 0.5

    def keep(self, height: float) -> None:
        """A new page unless `height` mm fit below the cursor (or the cursor is at the top already)."""
        if height > self.room and not self.at_top:
            self.add_page()

    def rule(self, gap: float = 0.0) -> None:
        self.set_draw_color(*RULE)
        self.set_line_width(0.25)
        y = self.get_y() + gap
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_y(y + gap)

    def footer(self) -> None:
        self.set_y(FOOTER_Y)
        self.style(SMALL - 0.5, color=GREY)
        right = f"Page {self.page_no()} of {{nb}}"
        room = self.epw - self.get_string_width(right) - 8
        left = self.footer_left
        while left and self.get_string_width(left) > room:
            left = left[:-2] + "…"
        self.cell(self.epw / 2, 4, left, new_x=XPos.LMARGIN)
        self.cell(0, 4, right, align="R")


def handout_pdf(
    story: Story,
    steps: Sequence[HandoutStep],
    sources: Sources,
    *,
    paper: str = "a4",
    answers: bool = False,
    data_as_of: str,
    made: dt.date,
    fonts: Path | None = None,
) -> bytes:
    """Lay out a handout from steps already computed (`handout_steps`): the header, every step (a new
    page when the rest of a step does not fit below the previous one), and the sources. `answers` prints
    each question's answer and the speaker notes (the teacher's copy); without it, neither is printed."""
    sheet = paper_of(paper)
    copy = "Teacher’s copy" if answers else "Student copy"
    pdf = _Pdf(sheet, f"{story.title} · {copy}", font_files(fonts))
    pdf.set_title(pdf.clean(story.title))
    pdf.set_subject(f"Classroom handout, {copy.lower()}")
    pdf.set_author("US–Japan trade-tension dashboard")
    pdf.set_creator("python -m usjp handout")
    pdf.set_lang("en")
    pdf.set_creation_date(dt.datetime.combine(made, dt.time(12), tzinfo=dt.UTC))
    pdf.add_page()
    _header(pdf, story, steps, sheet, answers, data_as_of, made)
    for number, step in enumerate(steps, 1):
        _step(pdf, number, len(steps), step, answers)
    _sources(pdf, sources)
    return bytes(pdf.output())


def _header(
    pdf: _Pdf, story: Story, steps: Sequence[HandoutStep], paper: Paper, answers: bool, as_of: str, made: dt.date
) -> None:
    questions = sum(1 for s in steps if s.question)
    pdf.style(SMALL, color=GREY)
    pdf.para("US–Japan trade tensions · classroom handout", SMALL_LH)
    pdf.ln(1)
    pdf.style(H1, bold=True)
    pdf.para(story.title, H1_LH)
    pdf.ln(1.5)
    pdf.style(BODY - 1, color=GREY)
    predict = f", {questions} to predict" if questions else ""
    pdf.para(f"For: {story.audience}", SMALL_LH + 0.6)
    pdf.para(f"About {story.minutes} minutes · {len(steps)} steps{predict}", SMALL_LH + 0.6)
    pdf.para(as_of, SMALL_LH + 0.6)
    pdf.para(f"Made {made:%-d %B %Y} · {paper.label} paper", SMALL_LH + 0.6)
    pdf.ln(3)
    if answers:
        text = (
            "Teacher’s copy: each question’s answer and the speaker notes are printed under it. "
            "Give the class the student copy."
        )
        pdf.style(BODY - 0.5, bold=True)
        h = pdf.height(text, BODY_LH, pdf.epw - 2 * PAD) + 2 * PAD
        pdf.set_fill_color(*TEACHER_FILL)
        pdf.rect(pdf.l_margin, pdf.get_y(), pdf.epw, h, style="F")
        pdf.set_y(pdf.get_y() + PAD)
        pdf.para(text, BODY_LH, indent=PAD, right=PAD)
        pdf.set_y(pdf.get_y() + PAD)
    else:
        pdf.style(BODY)
        pdf.para("Name: ______________________________   Class: ____________   Date: ____________", BODY_LH + 2)
        pdf.ln(1)
        if questions:
            pdf.style(BODY - 1, color=GREY)
            pdf.para(
                "Where a step asks a question, answer it before your teacher shows what happened: the chart "
                "stops just before the event.",
                SMALL_LH + 0.6,
            )
    pdf.ln(2)


# -- a step --------------------------------------------------------------------------------------------
def _chart_box(pdf: _Pdf, png: bytes) -> tuple[float, float]:
    """The chart's width and height on the page: the text width, or less when it would be too tall."""
    px_w, px_h = png_size(png)
    width = pdf.epw
    height = width * px_h / px_w
    limit = pdf.page_height * MAX_CHART_SHARE
    if height > limit:
        width, height = width * limit / height, limit
    return width, height


def _heading(step: HandoutStep, number: int, total: int) -> str:
    return f"Step {number} of {total}: {step.title}"


def _question_height(pdf: _Pdf, question: Question) -> float:
    pdf.style(BODY, bold=True)
    h = pdf.height(question.text, BODY_LH, pdf.epw - 2 * PAD)
    pdf.style(SMALL, color=GREY)
    h += 2 + 7 + pdf.height(_hint(question), SMALL_LH, pdf.epw - 2 * PAD)
    return PAD + h + 3 + BODY_LH + 2 * WRITE_LINE + PAD


def _hint(question: Question) -> str:
    if question.kind == "direction":
        return "Tick one. “Little change” means a move no bigger than a typical move over the same number of days."
    low, high = (_signed(v or 0.0, question.unit) for v in (question.low, question.high))
    return f"Somewhere from {low} to {high}: “+” for a rise, “−” for a fall."


def _signed(value: float, unit: str) -> str:
    """'+40 bp', '−40 bp' (a minus sign, not a hyphen: it prints as one)."""
    return analysis.format_change(value, unit).replace("-", "−")


def _answer_height(pdf: _Pdf, answer: Answer) -> float:
    pdf.style(BODY, bold=True)
    h = pdf.height(answer.verdict, BODY_LH, pdf.epw - 2 * PAD)
    pdf.style(BODY - 0.5)
    return PAD + h + 1 + pdf.height(answer.text, BODY_LH - 0.3, pdf.epw - 2 * PAD) + PAD


def _notes_height(pdf: _Pdf, notes: str) -> float:
    if not notes:
        return 0.0
    pdf.style(SMALL, bold=True)
    h = SMALL_LH + 0.5
    pdf.style(BODY - 1)
    return GAP + h + pdf.height(notes, SMALL_LH + 0.6, pdf.epw)


def _step(pdf: _Pdf, number: int, total: int, step: HandoutStep, answers: bool) -> None:
    chart_w, chart_h = _chart_box(pdf, step.chart)
    pdf.style(H2, bold=True)
    heading = _heading(step, number, total)
    core = pdf.height(heading, H2_LH, pdf.epw) + GAP + chart_h + GAP
    pdf.style(BODY)
    core += pdf.height(step.caption, BODY_LH, pdf.epw)
    if step.question is not None:
        core += GAP + _question_height(pdf, step.question)
    if answers and step.answer is not None and step.question is not None:
        core += GAP + _answer_height(pdf, step.answer)
    notes = _notes_height(pdf, step.notes) if answers else 0.0
    # On one page: the heading, chart, caption, question and answer, with the start of the speaker notes
    # (long notes run on to the next page rather than leave most of this one empty).
    need = core + min(notes, NOTES_KEPT)
    if not pdf.at_top:
        if need + STEP_GAP > pdf.room:
            pdf.add_page()
        else:
            pdf.ln(STEP_GAP - 3)
            pdf.rule(1.5)
    pdf.style(H2, bold=True)
    pdf.para(heading, H2_LH)
    pdf.ln(GAP)
    y = pdf.get_y()
    x = pdf.l_margin + (pdf.epw - chart_w) / 2
    pdf.image(io.BytesIO(step.chart), x=x, y=y, w=chart_w, h=chart_h, alt_text=pdf.clean(step.chart_alt) or None)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.rect(x, y, chart_w, chart_h)
    pdf.set_y(y + chart_h + GAP)
    pdf.style(BODY)
    pdf.para(step.caption, BODY_LH)
    if step.question is not None:
        pdf.ln(GAP)
        _question(pdf, step.question)
    if answers:
        if step.answer is not None and step.question is not None:
            pdf.ln(GAP)
            _answer(pdf, step.answer)
        _notes(pdf, step.notes)


def _question(pdf: _Pdf, question: Question) -> None:
    height = _question_height(pdf, question)
    pdf.keep(height)
    top = pdf.get_y()
    pdf.set_fill_color(*QUESTION_FILL)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.25)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="DF")
    pdf.set_y(top + PAD)
    pdf.style(BODY, bold=True)
    pdf.para(question.text, BODY_LH, indent=PAD, right=PAD)
    pdf.ln(2)
    row = pdf.get_y()
    pdf.style(BODY)
    # where the text inside the box starts: a cell prints its text c_margin to the right of its x
    inner = pdf.l_margin + PAD + pdf.c_margin
    x = inner
    if question.kind == "direction":
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.3)
        for label in DIRECTION_BOXES:
            pdf.set_fill_color(255, 255, 255)
            pdf.rect(x, row + 1.2, 4.5, 4.5, style="DF")
            pdf.set_xy(x + 6.5 - pdf.c_margin, row + 1)
            pdf.cell(pdf.get_string_width(label) + 2 * pdf.c_margin, 5, label)
            x += 6.5 + pdf.get_string_width(label) + 14
    else:
        pdf.set_xy(inner - pdf.c_margin, row + 1)
        pdf.cell(pdf.get_string_width("My guess: ") + pdf.c_margin, 5, "My guess: ")
        start = pdf.get_x()
        pdf.set_draw_color(*INK)
        pdf.set_line_width(0.3)
        pdf.line(start, row + 5.6, start + 32, row + 5.6)
        pdf.set_xy(start + 33.5 - pdf.c_margin, row + 1)
        pdf.cell(10, 5, question.unit)
    pdf.set_y(row + 7)
    pdf.style(SMALL, color=GREY)
    pdf.para(_hint(question), SMALL_LH, indent=PAD, right=PAD)
    pdf.ln(3)
    pdf.style(BODY)
    pdf.para("Why do you think so?", BODY_LH, indent=PAD, right=PAD)
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.25)
    for i in (1, 2):
        y = pdf.get_y() + i * WRITE_LINE - 1
        pdf.line(inner, y, pdf.w - pdf.r_margin - PAD - pdf.c_margin, y)
    pdf.set_y(top + height)


def _answer(pdf: _Pdf, answer: Answer) -> None:
    height = _answer_height(pdf, answer)
    pdf.keep(height)
    top = pdf.get_y()
    pdf.set_fill_color(*ANSWER_FILL)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
    pdf.set_y(top + PAD)
    pdf.style(BODY, bold=True)
    pdf.para(answer.verdict, BODY_LH, indent=PAD, right=PAD)
    pdf.ln(1)
    pdf.style(BODY - 0.5)
    pdf.para(answer.text, BODY_LH - 0.3, indent=PAD, right=PAD)
    pdf.set_y(top + height)


def _notes(pdf: _Pdf, notes: str) -> None:
    if not notes:
        return
    pdf.keep(min(NOTES_KEPT, _notes_height(pdf, notes)))
    pdf.ln(GAP)
    pdf.style(SMALL, bold=True, color=GREY)
    pdf.para("Speaker notes", SMALL_LH + 0.5)
    pdf.style(BODY - 1)
    pdf.para(notes, SMALL_LH + 0.6)


# -- sources -------------------------------------------------------------------------------------------
def source_name(source: Source, glyphs: set[int] | frozenset[int] | None = None) -> str:
    """'Publisher: headline (published 2025-04-03)'; a headline in Japanese (which DejaVu Sans cannot
    print) is named as such, so the line still says where the link leads."""
    name = source.name
    if glyphs is not None and any(ord(c) not in glyphs for c in name) and JAPANESE.search(name):
        name = "headline in Japanese (open the link)"
    published = f" (published {source.published})" if source.published else ""
    return f"{source.publisher}: {name}{published}"


def _source_height(pdf: _Pdf, source: Source) -> float:
    pdf.style(SMALL + 0.5)
    h = pdf.height(source_name(source, pdf.glyphs), SMALL_LH + 0.3, pdf.epw - 5)
    pdf.style(SMALL)
    return h + pdf.height(source.url, SMALL_LH, pdf.epw - 5) + 1.2


def _source(pdf: _Pdf, source: Source) -> None:
    pdf.style(SMALL + 0.5)
    pdf.para(source_name(source, pdf.glyphs), SMALL_LH + 0.3, indent=5)
    pdf.style(SMALL, color=LINK)
    pdf.para(source.url, SMALL_LH, indent=5, link=source.url)
    pdf.ln(1.2)


@dataclass(frozen=True)
class _Block:
    """A piece of the sources section: how tall it prints, and how to print it."""

    height: float
    draw: Callable[[], None]
    lead: float = 0.0  # what must share a page with its start (0: all of it)

    @property
    def kept(self) -> float:
        return self.lead or self.height


def _event_block(pdf: _Pdf, event: EventCredit) -> _Block:
    heading = f"{event.date:%-d %b %Y} · {event.title}"
    pdf.style(BODY - 1, bold=True)
    top = 2 + pdf.height(heading, BODY_LH, pdf.epw)
    heights = [_source_height(pdf, s) for s in event.sources]

    def draw() -> None:
        pdf.ln(2)
        pdf.style(BODY - 1, bold=True)
        pdf.para(heading, BODY_LH)
        for source in event.sources:
            pdf.keep(_source_height(pdf, source))
            _source(pdf, source)

    # the heading never alone at the foot of a page: it goes with its first source at least
    return _Block(top + sum(heights), draw, lead=top + heights[0] if heights else top)


def _source_block(pdf: _Pdf, source: Source) -> _Block:
    return _Block(_source_height(pdf, source), lambda: _source(pdf, source))


def _series_block(pdf: _Pdf, series: SeriesCredit) -> _Block:
    pdf.style(BODY - 1, bold=True)
    height = 1 + pdf.height(series.label, BODY_LH, pdf.epw)
    pdf.style(SMALL + 0.5)
    height += pdf.height(series.credit, SMALL_LH + 0.3, pdf.epw - 5)
    pdf.style(SMALL)
    height += pdf.height(series.url, SMALL_LH, pdf.epw - 5) + 1.2

    def draw() -> None:
        pdf.ln(1)
        pdf.style(BODY - 1, bold=True)
        pdf.para(series.label, BODY_LH)
        pdf.style(SMALL + 0.5)
        pdf.para(series.credit, SMALL_LH + 0.3, indent=5)
        pdf.style(SMALL, color=LINK)
        pdf.para(series.url, SMALL_LH, indent=5, link=series.url)
        pdf.ln(1.2)

    return _Block(height, draw)


SUBHEADING = 3 + H3_LH + 1  # its space above, its line, its space below
CREDIT = (
    f"{credits.EVENTS_CREDIT}; each event cites its reporting. The numbers in the captions and answers are "
    "computed from the data above (method: docs/method.md in the dashboard's repository)."
)


def _sources(pdf: _Pdf, sources: Sources) -> None:
    """The sources: each subheading kept with the first entry under it, an event's heading with its first
    source, and each source and series whole."""
    sections = [
        (title, blocks)
        for title, blocks in (
            ("Events named in the steps", [_event_block(pdf, e) for e in sources.events]),
            ("More sources for this story", [_source_block(pdf, s) for s in sources.story]),
            ("Data", [_series_block(pdf, s) for s in sources.series]),
        )
        if blocks
    ]
    first = SUBHEADING + sections[0][1][0].kept if sections else 0.0
    pdf.keep(STEP_GAP + H2_LH + first)
    if not pdf.at_top:
        pdf.ln(STEP_GAP - 3)
        pdf.rule(1.5)
    pdf.style(H2, bold=True)
    pdf.para("Sources", H2_LH)
    for title, blocks in sections:
        pdf.keep(SUBHEADING + blocks[0].kept)
        pdf.ln(3)
        pdf.style(H3, bold=True)
        pdf.para(title, H3_LH)
        pdf.ln(1)
        for block in blocks:
            pdf.keep(block.kept)
            block.draw()
    pdf.style(SMALL, color=GREY)
    pdf.keep(3 + pdf.height(CREDIT, SMALL_LH + 0.3, pdf.epw))
    pdf.ln(3)
    pdf.para(CREDIT, SMALL_LH + 0.3)
