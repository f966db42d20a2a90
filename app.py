"""Entry point: page config, navigation over pages/, the shared sidebar."""

import streamlit as st

from usjp.ui.boot import IMPORT_LOCK, load_chart_code
from usjp.ui.nav import APP_NAME, PAGES, tab_title

st.set_page_config(page_title=APP_NAME, layout="wide")
# Both before the heavy imports below (pandas, pydantic, the data layer), which take about half a
# second on a cold start: the browser loads the chart code meanwhile, and shows the page names at once
# (a fresh server's first visitor otherwise sees Streamlit's file-name list of pages/ until then).
# These start-up rules, and the tests that guard them: docs/streamlit-notes.md.
load_chart_code(p.url_path for p in PAGES if p.has_chart)
pg = st.navigation(
    [st.Page(p.script, title=p.title, url_path=p.url_path or None, default=not p.url_path) for p in PAGES]
)
st.set_page_config(page_title=tab_title(pg.title))  # each page its own browser tab title

with IMPORT_LOCK:  # not while another session's blank figure is being built (see usjp/ui/boot.py)
    # The pages' modules (pandas, Plotly figures, the data layer) are first imported here, under the lock.
    from usjp.ui import loaders, widgets, width  # noqa: F401
    from usjp.ui.a11y import render_page_aids
    from usjp.ui.refresh import render_refresh_control
    from usjp.ui.theme import render_toggle

with st.sidebar:
    st.markdown(f"**{APP_NAME}**")
    st.caption(
        "Tariffs, trade talks, Japan's Treasury holdings and central-bank moves, next to the market series "
        "where they should show. Works offline on the bundled data."
    )
    render_refresh_control()
    render_toggle()

render_page_aids()  # skip links, toolbar names, focus ring: before the page (usjp/ui/a11y.py)
pg.run()
