"""One entry point for every export of a timeline view: `export_view(view, start, end, data, fmt, size)`
-> an `Export` (file name, MIME type, bytes). The Download panel and `python -m usjp export` both call it,
and the figure is `figure_for_view` at the export's exact size with the view's address in its footer."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import plotly.graph_objects as go

from usjp.catalog import SeriesSpec
from usjp.figures import timeline_view
from usjp.figures.timeline_view import TimelineData
from usjp.publish import cite, embed, image, package, permalink, receipt, tables
from usjp.publish.sizes import Size
from usjp.views.timeline import View


@dataclass(frozen=True)
class Format:
    key: str
    extension: str
    mime: str
    sized: bool  # its file name carries the size (images and the embed)


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format("png", "png", "image/png", True),
        Format("svg", "svg", "image/svg+xml", True),
        Format("pdf", "pdf", "application/pdf", True),
        Format("csv", "csv", "text/csv", False),
        Format("events", "csv", "text/csv", False),
        Format("html", "html", "text/html", True),
        Format("zip", "zip", "application/zip", False),
        Format("receipt", "json", "application/json", False),
    )
}
SUFFIX = {"csv": "data", "events": "events", "zip": "package", "receipt": "receipt"}


@dataclass(frozen=True)
class Export:
    filename: str
    mime: str
    data: bytes
    notices: tuple[str, ...] = ()  # e.g. a public address that was ignored


@dataclass(frozen=True)
class Context:
    """What every format of one export shares: the address, the words and the time."""

    base: permalink.PublicBase
    link: str  # the permalink: a URL, or the query alone with no public address
    link_line: str  # the footer's line
    title: str
    now: dt.datetime

    @property
    def cite_link(self) -> str:
        """The address a citation and a receipt give: the URL, or the local line saying there is none."""
        return self.link if self.base.url else self.link_line


def context(
    view: View, start: dt.date, end: dt.date, data: TimelineData, base_url: str | None, now: dt.datetime | None
) -> Context:
    """`base_url` None: the public address from USJP_PUBLIC_URL; "": none; else checked like it."""
    base = permalink.public_base() if base_url is None else permalink.check_base(base_url, "The public address")
    return Context(
        base=base,
        link=permalink.permalink(view, base.url),
        link_line=permalink.link_line(view, base.url),
        title=timeline_view.title(view, data, start, end),
        now=now or dt.datetime.now(dt.UTC),
    )


def filename(view: View, start: dt.date, end: dt.date, fmt: str, size: Size | None = None) -> str:
    """'usjp-ust10y-usdjpy-2025-02-01-2025-08-31-article.png' (safe characters only)."""
    spec = FORMATS[fmt]
    tail = size.slug if spec.sized and size is not None else SUFFIX.get(fmt, fmt)
    stem = "-".join(["usjp", *view.series, start.isoformat(), end.isoformat(), tail])
    return re.sub(r"[^a-z0-9._-]+", "-", stem.lower()).strip("-") + "." + spec.extension


def static_figure(view: View, start: dt.date, end: dt.date, data: TimelineData, size: Size, link: str) -> go.Figure:
    """The figure exactly `size` (CSS px) with `link` as the footer's last line."""
    return timeline_view.figure_for_view(
        view, start, end, data, width=size.width, height=size.height, exact=True, link=link
    )


def specs_drawn(view: View, start: dt.date, end: dt.date, data: TimelineData) -> list[SeriesSpec]:
    """The catalog records of the series drawn (lines, then the intervention bars when drawn)."""
    return [s.spec for s in tables.drawn_series(view, start, end, data)]


def view_citation(view: View, start: dt.date, end: dt.date, data: TimelineData, ctx: Context) -> str:
    """How to cite this view, with its address (or the local line) and the export's date."""
    return cite.view_citation(view, specs_drawn(view, start, end, data), ctx.cite_link, ctx.now.date(), title=ctx.title)


def export_view(
    view: View,
    start: dt.date,
    end: dt.date,
    data: TimelineData,
    fmt: str,
    size: Size,
    *,
    base_url: str | None = None,
    now: dt.datetime | None = None,
    with_svg: bool = False,
) -> Export:
    """The view as `fmt` (png, svg, pdf, csv, events, html, zip, receipt) at `size`. `base_url` None takes
    the public address from USJP_PUBLIC_URL; `with_svg` adds the chart as SVG to a zip. ValueError for an
    unknown format; image.ImageError when an image cannot be made."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    ctx = context(view, start, end, data, base_url, now)
    name = filename(view, start, end, fmt, size)
    out = _make(view, start, end, data, fmt, size, ctx, name, with_svg)
    return Export(name, FORMATS[fmt].mime, out, tuple(n for n in (ctx.base.warning,) if n))


def _svg(view: View, start: dt.date, end: dt.date, data: TimelineData, size: Size, ctx: Context) -> bytes:
    figure = static_figure(view, start, end, data, size, ctx.link_line)
    return image.render(
        figure, "svg", size, title=ctx.title, description=timeline_view.alt_text(view, start, end, data)
    )


def _make(
    view: View,
    start: dt.date,
    end: dt.date,
    data: TimelineData,
    fmt: str,
    size: Size,
    ctx: Context,
    name: str,
    with_svg: bool,
) -> bytes:
    if fmt == "svg":
        return _svg(view, start, end, data, size, ctx)
    if fmt in ("png", "pdf"):
        return image.render(static_figure(view, start, end, data, size, ctx.link_line), fmt, size)
    if fmt == "csv":
        return tables.data_csv(view, start, end, data)
    if fmt == "events":
        return tables.events_csv(view, start, end, data)
    if fmt == "html":
        return embed.embed_html(
            static_figure(view, start, end, data, size, ""),
            title=ctx.title,
            description=timeline_view.alt_text(view, start, end, data),
            link_line=ctx.link_line,
            link=ctx.link if ctx.base.url else None,
            filename=name.removesuffix(".html"),
        )
    made = receipt.build_receipt(
        view, start, end, data, permalink=ctx.cite_link, fmt=fmt, size=size, now=ctx.now, commit=receipt.git_commit()
    )
    if fmt == "receipt":
        return receipt.receipt_bytes(made)
    files = {
        "data.csv": tables.data_csv(view, start, end, data),
        "events.csv": tables.events_csv(view, start, end, data),
    }
    if with_svg:
        files["chart.svg"] = _svg(view, start, end, data, size, ctx)
    made["files"] = [n for n in package.ORDER if n in (*files, "README.txt", "receipt.json", "CITATION.cff")]
    files["receipt.json"] = receipt.receipt_bytes(made)
    files["README.txt"] = package.readme_text(
        title=ctx.title,
        link_line=ctx.link_line,
        receipt=made,
        view_citation=view_citation(view, start, end, data, ctx),
        dashboard_citation=cite.dashboard_citation(),
        indexed=timeline_view.indexed(view, data),
        with_svg=with_svg,
    )
    files["CITATION.cff"] = cite.CITATION_FILE.read_bytes()
    return package.zip_bytes(files, ctx.now)
