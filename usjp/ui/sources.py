"""The Data and sources page's panels: every series with its provenance, and how to cite each."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from usjp import catalog
from usjp.events import tally
from usjp.figures import credits
from usjp.ui import loaders, widgets
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
    rows = []
    for spec in catalog.SERIES:
        resolved = loaders.load_resolved(spec.key)
        item = resolved.series
        # The columns a reader checks first (what, where from, how fresh) come first, so they fit a laptop.
        rows.append(
            {
                "Series": spec.label,
                "Source": spec.citation,
                "Link": spec.url,
                "Through": item.last_date if item else None,
                "Retrieved": item.retrieved if item else "",
                "Stored in": item.store if item else _missing(spec, resolved.rejected),
                "Check": credits.check_summary(resolved.rejected),
                "Rows": len(item.values) if item else 0,
                "From": item.values.index[0].date() if item else None,
                "Frequency": spec.frequency,
                "Licence": spec.license,
                "Key": spec.key,
            }
        )
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        height=36 * (len(rows) + 1) + 2,  # every series at once, no inner scrolling
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open", width="small")},
    )
    st.caption(
        "Snapshot figures were first published by FRED (St. Louis Fed), the U.S. Treasury, the OECD and Japan's "
        "Ministry of Finance; each file "
        "was cross-checked against independent copies before import. Checksums are in data/market/manifest.json."
    )


def _missing(spec: catalog.SeriesSpec, rejected: tuple) -> str:
    if rejected:
        return "unavailable (failed its check)"
    return "not stored (live or local import only)" if not spec.redistributable else "not stored"


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
