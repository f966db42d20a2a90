"""Data and sources: every series with its publisher, licence, coverage and checksum."""

from types import SimpleNamespace

import pandas as pd
import streamlit as st

from usjp import catalog
from usjp.ui import boot, data, state

boot.ensure_app_navigation()


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

rows = []
for spec in catalog.SERIES:
    item = data.load_series(spec.key)
    rows.append(
        {
            "Series": spec.label,
            "Key": spec.key,
            "Source": f"{spec.source.upper()} {spec.source_id}",
            "Publisher": spec.publisher,
            "Licence": spec.license,
            "Frequency": spec.frequency,
            "From": item.values.index[0].date() if item else None,
            "Through": item.last_date if item else None,
            "Rows": len(item.values) if item else 0,
            "Stored in": item.store if item else "not stored (live or local import only)",
            "Retrieved": str(item.meta.get("retrieved_at", ""))[:10] if item else "",
            "Link": spec.url,
        }
    )
st.dataframe(
    pd.DataFrame(rows),
    hide_index=True,
    width="stretch",
    column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
)
st.caption(
    "Snapshot figures were first published by FRED (St. Louis Fed), the U.S. Treasury and the OECD; each file "
    "was cross-checked against independent copies before import. Checksums are in data/market/manifest.json."
)
state.write_url({})
