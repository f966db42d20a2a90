"""The timeline's Download panel (images, data, an embed, citations, licences), the "Show the data"
table under the chart, and the chart's description in words.

Both expanders draw their content only while open, and every download is deferred: a file is made
(through usjp/publish/export.py) only when its button is clicked, so an unopened panel costs a page
run nothing. Words come from usjp/publish (pure); text from the data goes through md_escape or st.code.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st

from usjp.figures import timeline_view
from usjp.figures.timeline_view import TimelineData
from usjp.publish import cite, embed, export, image, tables
from usjp.publish.sizes import MAX_PX, MIN_PX, SIZE_BY_KEY, SIZES, Size, custom_size
from usjp.ui import loaders
from usjp.ui.markdown import md_escape
from usjp.views.timeline import View, bar_series

CUSTOM = "custom"


@dataclass(frozen=True)
class PublishKeys:
    panel: str = "publish_panel"
    size: str = "pub_size"
    width: str = "pub_w"
    height: str = "pub_h"
    png: str = "pub_png"
    png2: str = "pub_png2"
    svg: str = "pub_svg"
    pdf: str = "pub_pdf"
    csv: str = "pub_csv"
    events: str = "pub_events"
    html: str = "pub_html"
    zip: str = "pub_zip"
    table: str = "publish_table"


KEYS = PublishKeys()


@dataclass(frozen=True)
class Button:
    label: str
    key: str
    fmt: str
    double: bool = False  # PNG at twice the size's scale


BUTTONS: tuple[Button, ...] = (
    Button("PNG", KEYS.png, "png"),
    Button("PNG 2x", KEYS.png2, "png", double=True),
    Button("SVG", KEYS.svg, "svg"),
    Button("PDF", KEYS.pdf, "pdf"),
    Button("Data (CSV)", KEYS.csv, "csv"),
    Button("Events (CSV)", KEYS.events, "events"),
    Button("Interactive HTML", KEYS.html, "html"),
    Button("Data package (zip)", KEYS.zip, "zip"),
)


def alt_text(view: View, start: dt.date, end: dt.date) -> str:
    """The chart in words (the chart's `alt`), once per view and data version, shared."""
    view = replace(view, notices=())
    return loaders.shared_value(
        "timeline_alt",
        (view, start, end),
        lambda: timeline_view.alt_text(view, start, end, loaders.timeline_data(view)),
        reads=(*view.series, *bar_series(view.series)),
    )


def _size_picker() -> Size:
    keys = [s.key for s in SIZES] + [CUSTOM]
    labels = {s.key: s.label for s in SIZES} | {CUSTOM: "Custom"}
    choice = st.selectbox("Size", keys, format_func=labels.__getitem__, key=KEYS.size)
    if choice != CUSTOM:
        return SIZE_BY_KEY[choice]
    left, right = st.columns(2)
    width = left.number_input("Width (px)", MIN_PX, MAX_PX, 1200, step=10, key=KEYS.width)
    height = right.number_input("Height (px)", MIN_PX, MAX_PX, 675, step=10, key=KEYS.height)
    return custom_size(int(width), int(height))


def _maker(view: View, start: dt.date, end: dt.date, data: TimelineData, fmt: str, size: Size) -> Callable[[], bytes]:
    """The file, made when its button is clicked (outside the page's run: pure work, no Streamlit calls)."""

    def make() -> bytes:
        return export.export_view(view, start, end, data, fmt, size).data

    return make


def render_panel(view: View, start: dt.date, end: dt.date, shown: object = None) -> None:
    """The "Download, embed and cite" expander under the chart (`shown` is unused: the exports work out
    the events shown themselves, as the command line does)."""
    panel = st.expander("Download, embed and cite", expanded=False, key=KEYS.panel, on_change="rerun")
    with panel:
        if not panel.open:
            return
        prewarm_renderer()  # the reader means to export: start the renderer while they pick a size
        view = replace(view, notices=())
        data = loaders.timeline_data(view)
        size = _size_picker()
        columns = st.columns(4)
        for i, button in enumerate(BUTTONS):
            chosen = size.scaled(size.scale * 2) if button.double else size
            columns[i % 4].download_button(
                button.label,
                data=_maker(view, start, end, data, button.fmt, chosen),
                file_name=export.filename(view, start, end, button.fmt, chosen),
                mime=export.FORMATS[button.fmt].mime,
                key=button.key,
                on_click="ignore",
                width="stretch",
            )
        pixels = "×".join(map(str, size.pixels))
        st.caption(
            md_escape(
                f"{size.label}: PNG {pixels} px (PNG 2x twice that); SVG and PDF {size.width}×{size.height}. "
                "The data is the values plotted, in their own units; the package adds the events, a receipt "
                "(each stored file's checksum) and how to cite."
            )
        )
        _render_embed_and_cite(view, start, end, data, size)


def _render_embed_and_cite(view: View, start: dt.date, end: dt.date, data: TimelineData, size: Size) -> None:
    ctx = export.context(view, start, end, data, None, None)  # the address from USJP_PUBLIC_URL, the title
    st.markdown("**Embed**")
    st.caption("Put the Interactive HTML file on your site, then paste:")
    snippet = embed.iframe_snippet(export.filename(view, start, end, "html", size), size.width, size.height, ctx.title)
    st.code(snippet, language="html", wrap_lines=True)
    st.markdown("**Cite this view**")
    st.code(export.view_citation(view, start, end, data, ctx), language=None, wrap_lines=True)
    st.markdown("**Cite the dashboard**")
    st.code(cite.dashboard_citation(), language=None, wrap_lines=True)
    licences = "; ".join(f"{s.short}: {s.license}" for s in export.specs_drawn(view, start, end, data))
    st.caption(md_escape(f"{cite.LICENCES} ({licences})."))
    if ctx.base.warning:
        st.caption(md_escape(ctx.base.warning))


def render_data_table(view: View, start: dt.date, end: dt.date) -> None:
    """The "Show the data" expander: the values plotted, as the Data CSV has them."""
    table_panel = st.expander("Show the data", expanded=False, key=KEYS.table, on_change="rerun")
    with table_panel:
        if not table_panel.open:
            return
        view = replace(view, notices=())
        data = loaders.timeline_data(view)
        if timeline_view.indexed(view, data):
            st.caption("The chart is indexed; the table shows the levels, in each series' own units.")
        st.dataframe(tables.plotted_table(view, start, end, data), hide_index=True, width="stretch")


PREWARM_ENV = "USJP_EXPORT_PREWARM"  # "0": do not start the renderer before the first export (tests)


def prewarm_renderer() -> None:
    """Start the export renderer's browser in the background, once per server process, when a reader opens
    the Download panel: the first file then does not wait for a browser to start, and a server whose
    readers never export never runs one (it costs hundreds of MB)."""
    if os.environ.get(PREWARM_ENV, "1") != "0":
        image.RENDERER.prewarm()
