"""The sidebar's "Check for new data" control: refresh the series in view from the live sources.

The FRED key is read here (st.secrets, then the environment) and passed down; nothing below
usjp/ui/ reads secrets. Loaded data is cached by the stored files' checksums (usjp/ui/loaders.py), so
new data shows on this very run, and a failed fetch leaves nothing behind to be cached.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st

from usjp import catalog
from usjp.ui.keys import TIMELINE

# usjp.data.refresh (the fetchers, their parsers and the process tools) is imported only when a reader asks
# for new data: every first page view of a fresh server would otherwise wait for those imports.

BUTTON_KEY = "refresh_button"
REQUEST_KEY = "refresh_requested"
REPORT_KEY = "refresh_report"


def series_in_view() -> list[str]:
    """The series the current view shows, else the default ones."""
    keys = st.session_state.get(TIMELINE.series) or catalog.DEFAULT_SERIES
    return [k for k in keys if k in catalog.CATALOG] or list(catalog.DEFAULT_SERIES)


def fred_api_key() -> str | None:
    """FRED_API_KEY from .streamlit/secrets.toml, else the environment, else None (keyless CSV)."""
    try:
        key = st.secrets.get("FRED_API_KEY")
    except FileNotFoundError:  # no secrets.toml at all: fine, the keyless download works
        key = None
    return str(key or os.environ.get("FRED_API_KEY") or "").strip() or None


def fetch_timeout() -> float:
    """Deadline per fetch: USJP_FETCH_TIMEOUT seconds when set (deployments, tests), else 20."""
    from usjp.data.sources import net

    try:
        return float(os.environ.get("USJP_FETCH_TIMEOUT", net.DEFAULT_TIMEOUT))
    except ValueError:
        return net.DEFAULT_TIMEOUT


def render_refresh_control() -> None:
    """The button, the progress while it runs, and the outcome of the last check."""
    keys = series_in_view()
    names = ", ".join(catalog.get(k).short for k in keys)
    # A callback, not the button's return value: the click must survive a rerun that happens before
    # this code runs (boot.ensure_app_navigation's, on the first click after a deep link).
    st.button(
        "Check for new data",
        key=BUTTON_KEY,
        on_click=_request,
        help=f"Fetch the newest {names} from FRED, Yahoo Finance or Treasury TIC. Needs the network; "
        "without it the stored data stays as it is.",
        width="stretch",
    )
    if st.session_state.pop(REQUEST_KEY, False):
        _run(keys)
    _render_last_report()


def _request() -> None:
    st.session_state[REQUEST_KEY] = True


def _run(keys: list[str]) -> None:
    from usjp.data import refresh

    with st.status(f"Checking {len(keys)} series for new data…", expanded=True) as status:
        bar = st.progress(0.0, text="probing the sources")
        report = refresh.refresh(
            keys,
            api_key=fred_api_key(),
            timeout=fetch_timeout(),
            progress=lambda done, total, text: bar.progress(min(done / total, 1.0), text=text),
            command="the app's Check for new data",
        )
        label = "No network" if report.offline else "Check finished" if report.ok else "Check finished with problems"
        status.update(label=label, state="complete" if report.ok else "error", expanded=False)
    st.session_state[REPORT_KEY] = {
        "offline": report.offline,
        "ok": report.ok,
        "summary": report.summary(),
        "why_offline": "; ".join(
            sorted({r.removeprefix("network unreachable: ") for r in report.unreachable.values()})
        ),
        "rows": [
            {
                "Series": catalog.get(o.key).short,
                "Result": o.status,
                "New": o.new,
                "Revised": o.revised,
                "Through": o.through,
                "Reason": o.reason,
            }
            for o in report.outcomes
        ],
    }


def _render_last_report() -> None:
    last = st.session_state.get(REPORT_KEY)
    if not last:
        return
    if last["offline"]:
        from usjp.data.refresh import OFFLINE_MESSAGE

        st.warning(f"{OFFLINE_MESSAGE} The charts show the stored data.", icon=":material/cloud_off:")
        why = last["why_offline"]
        st.caption(why[:1].upper() + why[1:])
        return
    if last["ok"]:
        st.success(last["summary"], icon=":material/check_circle:")
    else:
        st.warning(last["summary"], icon=":material/warning:")
    with st.expander("Details of the last check"):
        st.dataframe(pd.DataFrame(last["rows"]), hide_index=True, width="stretch")
