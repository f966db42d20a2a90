"""Data and sources: every series with its publisher, licence, coverage and checksum."""

import streamlit as st

from usjp.ui import boot

# First: a run in Streamlit's legacy pages/ mode stops here, so the app's modules are first imported
# by app.py (under its import lock, see usjp/ui/boot.py).
boot.ensure_app_navigation()

from types import SimpleNamespace

import pandas as pd

from usjp import catalog
from usjp.ui import data, state
from usjp.ui.text import md_escape, md_link


def _no_view(params: dict[str, list[str]]) -> SimpleNamespace:
    """This page reads nothing from the URL: every parameter in a link is ignored, with a notice."""
    keys = [key if len(key) <= 40 else key[:37] + "..." for key in params if key != "page"]
    return SimpleNamespace(notices=[f"Ignored unknown URL parameter {key!r}." for key in keys])


state.sync_from_url(_no_view, lambda _view: None)

st.title("Data and sources")
st.markdown(
    "Every chart in this dashboard is drawn from the series below. US government series (Federal Reserve H.15 "
    "and H.10, Treasury TIC and Fiscal Service) are public domain; the Japan 10-year yield is OECD data under "
    "CC BY 4.0. Exchange and index data (Nikkei 225, Toyota) are licensed: they are never bundled, only fetched "
    "live from Yahoo Finance or imported locally."
)
state.render_notices()

rows, citations = [], []
for spec in catalog.SERIES:
    item = data.load_series(spec.key)
    # The columns a reader checks first (what, where from, how fresh) come first, so they fit a laptop.
    rows.append(
        {
            "Series": spec.label,
            "Source": f"{spec.source.upper()} {spec.source_id}",
            "Link": spec.url,
            "Through": item.last_date if item else None,
            "Retrieved": str(item.meta.get("retrieved_at", ""))[:10] if item else "",
            "Stored in": item.store if item else "not stored (live or local import only)",
            "Rows": len(item.values) if item else 0,
            "From": item.values.index[0].date() if item else None,
            "Frequency": spec.frequency,
            "Licence": spec.license,
            "Key": spec.key,
        }
    )
    citations.append(
        f"- **{md_escape(spec.label)}**: {md_escape(spec.publisher)}, via {md_escape(rows[-1]['Source'])} "
        f"({md_escape(spec.license)}). {md_link('Series page', spec.url)}"
    )
# A short heading on the left: the table's toolbar (shown above its right edge on touch screens) then
# covers empty space, not the paragraph.
st.subheader("Series")
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    height=36 * (len(rows) + 1) + 2,  # every series at once, no inner scrolling
    column_config={"Link": st.column_config.LinkColumn("Link", display_text="open", width="small")},
)
st.caption(
    "Snapshot figures were first published by FRED (St. Louis Fed), the U.S. Treasury and the OECD; each file "
    "was cross-checked against independent copies before import. Checksums are in data/market/manifest.json."
)
st.subheader("How to cite")
st.markdown("\n".join(citations))
state.write_url({})
