"""The Data and sources page's panels: every series with its provenance, and how to cite each."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from usjp import catalog
from usjp.events import tally
from usjp.figures import credits, series_table
from usjp.ui import loaders, widgets, width
from usjp.ui.markdown import md_escape, md_link
from usjp.ui.url_state import UrlBinding
from usjp.views.sources import SourcesView, parse_sources_view, to_params

__all__ = [
    "INTRO",
    "SourcesView",
    "binding",
    "render_citations",
    "render_notices",
    "render_series_table",
    "render_timeline_facts",
]

INTRO = (
    "Every chart in this dashboard is drawn from the series below. US government series (Federal Reserve H.15 "
    "and H.10, Treasury TIC and Fiscal Service) are public domain; the Japan 10-year yield is OECD data under "
    "CC BY 4.0; Japan's intervention record is the Ministry of Finance's, free to use with the source cited. "
    "Exchange and index data (Nikkei 225, Toyota) are licensed: they are never bundled, only fetched "
    "live from Yahoo Finance or imported locally."
)


def binding() -> UrlBinding[SourcesView]:
    return UrlBinding(page="sources", parse=parse_sources_view, apply=lambda _view: None, to_params=to_params)


def render_series_table() -> None:
    """Every series with its provenance: a table whose first columns fit a laptop's column (the rest one
    scroll away), or on a phone a card per series with the rest one tap away."""
    entries = []
    for spec in catalog.SERIES:
        resolved = loaders.load_resolved(spec.key)
        entries.append((spec, series_table.series_row(spec, resolved.series, resolved.rejected), resolved.rejected))
    if width.is_compact():
        _render_cards(entries)
    else:
        _render_table([row for _, row, _ in entries])
    st.caption(
        "Snapshot figures were first published by FRED (St. Louis Fed), the U.S. Treasury, the OECD and Japan's "
        "Ministry of Finance; each file "
        "was cross-checked against independent copies before import. Checksums are in data/market/manifest.json."
    )


# Widths (px) of the columns a reader checks first (series_table.FIRST): together 967, inside the column of a
# 1440 px window with the sidebar open (980 px, its borders included). A series name longer than its column
# ends in "…" and shows whole on hover and in "How to cite" below.
_WIDTHS = {
    "Series": 314,
    "Source": 165,
    "Link": 46,
    "Through": 88,
    "Licence": 140,
    "Stored in": 80,
    "Check": 46,
    "From": 88,
}


def _render_table(rows: list[dict]) -> None:
    column = st.column_config
    st.dataframe(
        pd.DataFrame(rows, columns=list(series_table.COLUMNS)),
        hide_index=True,
        width="stretch",
        height=36 * (len(rows) + 1) + 2,  # every series at once, no inner scrolling
        placeholder="–",
        column_config={
            "Series": column.TextColumn("Series", width=_WIDTHS["Series"]),
            "Source": column.TextColumn("Source", width=_WIDTHS["Source"]),
            "Link": column.LinkColumn("Link", display_text="open", width=_WIDTHS["Link"]),
            "Through": column.DateColumn("Through", format="YYYY-MM-DD", width=_WIDTHS["Through"]),
            "Licence": column.TextColumn(
                "Licence", width=_WIDTHS["Licence"], help="In short; the full terms are under How to cite"
            ),
            "Stored in": column.TextColumn("Stored in", width=_WIDTHS["Stored in"]),
            "Check": column.TextColumn("Check", width=_WIDTHS["Check"]),
            "From": column.DateColumn("From", format="YYYY-MM-DD", width=_WIDTHS["From"]),
            "Rows": column.NumberColumn("Rows", format="localized"),
        },
    )


def _render_cards(entries: list[tuple[catalog.SeriesSpec, dict, tuple]]) -> None:
    """A phone's view: per series its name, source, licence, coverage and check; the rest under Details."""
    for spec, row, rejected in entries:
        title, shown, details = series_table.card(spec, row, rejected)
        with st.container(border=True):
            st.markdown(f"**{md_escape(title)}**  \n" + "  \n".join(md_escape(line) for line in shown))
            with st.expander("Details"):
                lines = [*(f"- {md_escape(line)}" for line in details), f"- {md_link('Series page', spec.url)}"]
                st.markdown("\n".join(lines))


def render_notices() -> None:
    """Every stored copy that failed its check, and what is shown instead."""
    widgets.render_data_notices(loaders.data_notices([s.key for s in catalog.SERIES]))


def render_citations() -> None:
    lines = [
        f"- **{md_escape(spec.label)}**: {md_escape(credits.citation(spec))} {md_link('Series page', spec.url)}"
        for spec in catalog.SERIES
    ]
    st.markdown("\n".join(lines))


def render_timeline_facts() -> None:
    """How many events and sources the timeline holds, how well sourced, and the latest event's date."""
    events = loaders.load_curated_events()
    record = loaders.load_series(catalog.INTERVENTIONS)
    days = 0 if record is None else len(record.values)
    lines = credits.timeline_facts(tally(events), intervention_days=days, releases=len(loaders.load_releases()[0]))
    st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))
    problems = loaders.events_problems()
    if problems:
        widgets.render_events_notice(problems, len(events))
