"""The sizes an export is made at: named ones for an article, a social post, a slide and a printed
column, and a custom `WxH` (CSS pixels; a PNG's pixels are those times its scale)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

MIN_PX, MAX_PX = 320, 4000  # each side of a custom size, in CSS px
MIN_SCALE, MAX_SCALE = 1.0, 6.0  # a PNG's pixels per CSS px (print at 2x: 6)
_CUSTOM = re.compile(r"\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*")


@dataclass(frozen=True)
class Size:
    """An export's layout size in CSS px and the PNG scale (pixels per CSS px)."""

    key: str  # "article", ..., or "1600x900" for a custom size
    label: str
    width: int
    height: int
    scale: float = 1.0

    @property
    def pixels(self) -> tuple[int, int]:
        """A PNG's width and height in pixels."""
        return round(self.width * self.scale), round(self.height * self.scale)

    @property
    def slug(self) -> str:
        """The size in a file name: 'article', 'article-2x', '1600x900', 'print' (its own scale is part of it)."""
        default = SIZE_BY_KEY[self.key].scale if self.key in SIZE_BY_KEY else 1.0
        return self.key if self.scale == default else f"{self.key}-{self.scale:g}x"

    def scaled(self, scale: float) -> Size:
        """The same layout at another PNG scale (MIN_SCALE..MAX_SCALE)."""
        return replace(self, scale=check_scale(scale))


SIZES: tuple[Size, ...] = (
    Size("article", "Article (1200 × 675)", 1200, 675),
    Size("social", "Social, square (1080 × 1080)", 1080, 1080),
    Size("slide", "Slide (1920 × 1080)", 1920, 1080),
    # A 3.5-inch column at 300 dpi is 1050 px wide: laid out at 350 CSS px, drawn at 3 pixels each.
    Size("print", "Print column (3.5 in at 300 dpi)", 350, 420, scale=3.0),
)
SIZE_BY_KEY = {s.key: s for s in SIZES}
ALLOWED = f"one of {', '.join(SIZE_BY_KEY)}, or WIDTHxHEIGHT in CSS px with each side {MIN_PX} to {MAX_PX}"


def custom_size(width: int, height: int) -> Size:
    """A custom size; ValueError naming what is allowed when a side is out of bounds."""
    if not (MIN_PX <= width <= MAX_PX and MIN_PX <= height <= MAX_PX):
        raise ValueError(f"size {width}x{height} is out of bounds: each side must be {MIN_PX} to {MAX_PX} px")
    return Size(f"{width}x{height}", f"Custom ({width} × {height})", width, height)


def parse_size(text: str) -> Size:
    """'article', 'social', 'slide', 'print' or 'WxH' (e.g. '1600x900'); ValueError saying what is allowed."""
    key = text.strip().lower()
    if key in SIZE_BY_KEY:
        return SIZE_BY_KEY[key]
    match = _CUSTOM.fullmatch(key)
    if match is None:
        shown = text if len(text) <= 40 and text.isprintable() else repr(text[:40])
        raise ValueError(f"unknown size {shown!r}: use {ALLOWED}")
    return custom_size(int(match[1]), int(match[2]))


def check_scale(scale: float) -> float:
    """The scale if it is MIN_SCALE..MAX_SCALE, else ValueError."""
    if not MIN_SCALE <= scale <= MAX_SCALE:
        raise ValueError(f"scale {scale:g} is out of bounds: use {MIN_SCALE:g} to {MAX_SCALE:g}")
    return float(scale)
