"""The event-study page in a real browser: the scoreboard's CSV download is what the table shows."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from tests.e2e import harness

pytestmark = pytest.mark.e2e


def test_scoreboard_csv_download_matches_the_table(open_tab, server):
    tab = open_tab().goto(server.url("event_study", "series=ust10y&window=0:5"))
    caption = tab.page.get_by_text(re.compile(r"^\d+ rows: \d+ events × 1 series")).inner_text()
    rows = int(caption.split()[0])
    with tab.page.expect_download() as info:
        tab.page.get_by_role("button", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "usjp-scoreboard-ust10y-0_5.csv"
    table = pd.read_csv(io.BytesIO(download.path().read_bytes()))
    assert len(table) == rows > 50
    assert set(table["series"]) == {"ust10y"} and set(table["window"]) == {"0:5"}
    assert {"event_id", "title", "change", "z", "percentile", "note"} <= set(table.columns)
    z = table["z"].dropna().abs()
    assert z.is_monotonic_decreasing and z.iloc[0] > 2  # the same order as on screen: largest first
    harness.wait_idle(tab.page)
    tab.assert_healthy()
