"""The timeline's Download panel through AppTest: closed it draws nothing and starts nothing; open it has
the size picker, the eight deferred download buttons, the embed snippet and the citations; a deferred
download makes exactly the export's bytes when (and only when) it is asked for."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest, app_test

from tests.app.support import open_page
from usjp.publish import cite, export, image, sizes
from usjp.ui import loaders
from usjp.ui.publish import BUTTONS, KEYS
from usjp.views.timeline import View

LABELS = {
    "PNG": "pub_png",
    "PNG 2x": "pub_png2",
    "SVG": "pub_svg",
    "PDF": "pub_pdf",
    "Data (CSV)": "pub_csv",
    "Events (CSV)": "pub_events",
    "Interactive HTML": "pub_html",
    "Data package (zip)": "pub_zip",
}


def opened(at: AppTest) -> AppTest:
    """Open the panel as a click on its header does (its state is the expander's key), and rerun."""
    at.session_state[KEYS.panel] = True
    return at.run()


def buttons(at: AppTest) -> dict[str, object]:
    return {b.key: b for b in at.get("download_button")}


def test_the_closed_panel_draws_nothing_and_starts_no_renderer():
    starts = image.RENDERER.starts
    at = open_page()
    assert not at.exception
    assert [e.label for e in at.expander if e.label == "Download, embed and cite"] == ["Download, embed and cite"]
    assert not buttons(at) and not at.code
    assert KEYS.size not in [s.key for s in at.selectbox]
    assert image.RENDERER.starts == starts


def test_the_open_panel_has_every_download_deferred_and_the_citations():
    starts = image.RENDERER.starts
    at = opened(open_page())
    assert not at.exception
    found = buttons(at)
    assert {b.label: key for key, b in found.items()} == LABELS
    assert [b.key for b in BUTTONS] == list(LABELS.values())
    for button in found.values():
        assert button.proto.deferred_file_id and button.proto.ignore_rerun  # made on click, no rerun
    assert at.selectbox(key=KEYS.size).value == "article"
    codes = {c.language: c.value for c in at.code}
    assert codes["html"].startswith('<iframe src="usjp-ust10y-usdjpy-2025-02-01-2025-08-31-article.html" width="1200"')
    citations = [c.value for c in at.code if c.language in (None, "", "plaintext")]
    assert any(c.startswith("US–Japan trade-tension dashboard (version") and "FRED DGS10" in c for c in citations)
    assert cite.dashboard_citation() in citations
    captions = " ".join(c.value for c in at.caption)
    assert "MIT" in captions and "CC BY 4" in captions and "Public domain" in captions
    assert image.RENDERER.starts == starts  # drawing the buttons made no image


def test_custom_size_asks_for_width_and_height():
    at = opened(open_page())
    at.selectbox(key=KEYS.size).set_value("custom").run()
    assert not at.exception
    assert at.number_input(key=KEYS.width).value == 1200 and at.number_input(key=KEYS.height).value == 675
    at.number_input(key=KEYS.width).set_value(1600).run()
    assert '-1600x675.html" width="1600" height="675"' in next(c.value for c in at.code if c.language == "html")


def test_a_deferred_download_makes_the_exports_bytes(monkeypatch):
    """Click "Data (CSV)" as the browser does: the server runs the button's callable and serves its bytes."""
    managers: list[MediaFileManager] = []

    class Recording(MediaFileManager):  # AppTest makes one per run; keep it to ask it for the file
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            managers.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)
    at = opened(open_page(params={"series": "ust10y,usdjpy", "start": "2026-03-02", "end": "2026-07-31"}))
    assert not at.exception
    url = managers[-1].execute_deferred(buttons(at)[KEYS.csv].proto.deferred_file_id)
    made = managers[-1].read_file(url.rsplit("/", 1)[1])
    view = View(series=("ust10y", "usdjpy"), range="custom", start=dt.date(2026, 3, 2), end=dt.date(2026, 7, 31))
    expected = export.export_view(view, view.start, view.end, loaders.timeline_data(view), "csv", sizes.SIZES[0])
    assert made.filename == expected.filename and made.content == expected.data
    table = pd.read_csv(io.BytesIO(made.content))
    assert "Japan's currency interventions (100 million yen)" in table.columns


def test_hostile_title_stays_literal_in_the_panel():
    title = "<b>x</b> & <a href=javascript:alert(1)>"
    at = opened(open_page(params={"title": title}))
    assert not at.exception
    assert any(f'"{title}"' in c.value for c in at.code if c.language != "html")
    snippet = next(c.value for c in at.code if c.language == "html")
    assert title not in snippet and 'title="&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href=javascript:alert(1)&gt;"' in snippet


@pytest.mark.parametrize("open_it", [False, True])
def test_the_data_table_expander(open_it):
    """render_data_table is drawn by the page once it calls it; until then this checks it alone."""
    script = (
        "import datetime as dt\n"
        "from usjp.ui import publish\n"
        "from usjp.views.timeline import View\n"
        "publish.render_data_table(View(), dt.date(2025, 2, 1), dt.date(2025, 8, 31))\n"
    )
    at = AppTest.from_string(script, default_timeout=60)
    if open_it:
        at.session_state[KEYS.table] = True
    at.run()
    assert not at.exception
    assert [e.label for e in at.expander] == ["Show the data"]
    if not open_it:
        assert not at.dataframe
        return
    table = at.dataframe[0].value
    assert list(table.columns) == ["date", "US 10-year Treasury yield (percent)", "USD/JPY (yen per dollar)"]
    assert table["date"].iloc[0] >= "2025-02-01" and table["date"].iloc[-1] <= "2025-08-31"
