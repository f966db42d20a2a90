"""The app with every fetch failing: each page still renders from the stored data, says how fresh it
is, and "Check for new data" says what went wrong at once, with nothing stored changed."""

from __future__ import annotations

import functools
import json
import time

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests import fakes
from tests.app.support import chart_specs, open_page, page_id
from tests.live_support import digest_tree
from usjp.data import store
from usjp.data.sources import fred, tic, yahoo
from usjp.ui.nav import PAGES
from usjp.ui.refresh import BUTTON_KEY

KEY = "0123456789abcdef0123456789abcdef"


def freshness_shown(at: AppTest) -> bool:
    """Some element says how fresh the data is: a caption (timeline), the chart's own "Data as of" line
    (charts carry it for exported PNGs), or the sources table's Through/Retrieved columns."""
    if any("data through" in c.value and "retrieved" in c.value for c in at.caption):
        return True
    for spec in chart_specs(at):
        notes = json.loads(spec).get("layout", {}).get("annotations", [])
        if any("as of" in str(note.get("text", "")) for note in notes):
            return True
    return any({"Through", "Retrieved"} <= set(df.value.columns) for df in at.dataframe)


def page_text(at: AppTest) -> str:
    parts = []
    for kind in ("markdown", "caption", "warning", "error", "info", "success", "code", "text", "exception"):
        parts += [str(getattr(el, "value", "")) for el in at.get(kind)]
    parts += [df.value.to_string() for df in at.dataframe]
    parts += [str(el.proto) for el in at.get("expandable")]
    return "\n".join(parts)


@pytest.mark.usefixtures("offline")
@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_offline_every_page_renders_with_freshness_and_a_notice(spec, data_dir):
    before = digest_tree(data_dir)
    at = open_page(spec)
    assert not at.exception, at.exception
    reads_data = bool(spec.reads)  # a page that shows no market data (the event log) has no freshness to say
    assert freshness_shown(at) or not reads_data, f"{spec.script}: no freshness caption"
    started = time.monotonic()
    at.button(key=BUTTON_KEY).click().run()
    assert time.monotonic() - started < 10
    assert not at.exception, at.exception
    notices = [w.value for w in at.sidebar.warning]
    assert any("network is unreachable" in n and "existing data is untouched" in n for n in notices), notices
    assert freshness_shown(at) or not reads_data, f"{spec.script}: no freshness caption after the check"
    assert digest_tree(data_dir) == before
    at.run()  # the notice stays on the next rerun, the page still renders
    assert not at.exception and any("network is unreachable" in w.value for w in at.sidebar.warning)


@pytest.mark.usefixtures("online")
def test_failing_fetches_for_the_series_in_view(data_dir, monkeypatch):
    """Network up, every source broken: the series in the view are tried, each failure is listed."""
    monkeypatch.setenv("USJP_FETCH_TIMEOUT", "0.5")
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, b"<html><body>oops</body></html>"))
    monkeypatch.setattr(yahoo, "download", fakes.hang)
    monkeypatch.setattr(tic, "download_tables", fakes.refused)
    before = digest_tree(data_dir)
    at = open_page(params={"series": "ust10y,tic_japan"})
    at.button(key=BUTTON_KEY).click().run()
    assert not at.exception, at.exception
    assert any("0 updated, 0 unchanged, 2 failed" in w.value for w in at.sidebar.warning)
    details = at.sidebar.dataframe[0].value
    assert list(details["Series"]) == ["10Y", "Japan holdings"]
    assert details["Reason"].str.contains("HTML page").iloc[0]
    assert details["Reason"].str.contains("refused").iloc[1]
    assert freshness_shown(at)
    assert digest_tree(data_dir) == before


@pytest.mark.usefixtures("online")
def test_secret_key_never_reaches_the_page(data_dir, monkeypatch):
    monkeypatch.setattr(fred, "download_api", functools.partial(fakes.leaks_key, KEY))
    at = open_page(secrets={"FRED_API_KEY": KEY})
    at.button(key=BUTTON_KEY).click().run()
    assert not at.exception
    text = page_text(at)
    assert "api_key=REDACTED" in text
    assert KEY not in text


@pytest.mark.usefixtures("online")
def test_new_data_shows_on_the_same_run(data_dir, monkeypatch):
    """A successful check stores into the cache and the chart caption moves on at once (the loaders are
    keyed by the stored file's checksum, so nothing stale is served)."""
    snap = store.snapshot().read("ust10y").values
    last, new_day = snap.index[-1], snap.index[-1] + pd.offsets.BDay(1)  # the answer adds one session
    body = "observation_date,DGS10\n" + "".join(f"{d:%Y-%m-%d},{v!r}\n" for d, v in snap.items())
    body += f"{new_day:%Y-%m-%d},4.12\n"
    monkeypatch.setattr(fred, "download_csv", functools.partial(fakes.returns, body.encode()))
    at = open_page(params={"series": "ust10y"})
    assert any(f"data through {last:%d %b %Y}" in c.value and "bundled snapshot" in c.value for c in at.caption)
    at.button(key=BUTTON_KEY).click().run()
    assert not at.exception, at.exception
    assert any("1 updated, 0 unchanged, 0 failed" in s.value for s in at.sidebar.success)
    assert any(f"data through {new_day:%d %b %Y}" in c.value and "local cache" in c.value for c in at.caption)
    assert (data_dir / "cache" / "ust10y.csv").exists()
