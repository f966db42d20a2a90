"""The holdings page through AppTest (entered through app.py): default view, the Kato deep link, the
'known' toggle, and bad query values that become notices."""

from __future__ import annotations

from tests.app.support import figure_of, open_page

PAGE = "pages/holdings.py"


def texts(at) -> str:
    return " ".join(m.value for m in at.markdown)


def test_default_view_draws_the_chart_with_its_frame():
    at = open_page(PAGE)
    assert not at.exception and not at.warning
    assert at.toggle(key="hd_known").value is False and at.selectbox(key="hd_since").value == 2022
    fig = figure_of(at)
    assert fig["layout"]["title"]["text"].startswith("<b>Japan held $1,185.5bn")
    footer = fig["layout"]["annotations"][-1]["text"]
    assert "TIC Major Foreign Holders" in footer and "Data as of" in footer and "MOF FEIO" in footer
    names = {t.get("name") for t in fig["data"]}
    assert {"Japan", "China", "United Kingdom", "All foreign holders", "Treasuries as leverage"} <= names
    assert "12\\.8%" in texts(at)


def test_kato_deep_link_shows_what_was_known():
    at = open_page(PAGE, {"event": "kato-treasuries-card", "known": "1"})
    assert not at.exception
    assert not [w for w in at.warning if "Ignored" in w.value]
    assert at.selectbox(key="hd_event").value == "kato-treasuries-card" and at.toggle(key="hd_known").value
    shown = texts(at)
    assert "What was known on 02 May 2025" in shown
    assert "February 2025, published 16 Apr 2025" in shown
    assert "First published\\: \\$1,125\\.9bn \\(TIC monthly release for February 2025" in shown
    assert "have not changed it" in shown
    assert "Kato says Japan" in shown  # the event's details below
    fig = figure_of(at)
    assert fig["layout"]["shapes"][0]["x0"].startswith("2025-05-02")
    assert "first published" in fig["layout"]["title"]["subtitle"]["text"]


def test_bad_query_values_are_notices_not_exceptions():
    at = open_page(PAGE, {"known": "maybe", "since": "1850", "event": "<script>x</script>", "x": "1"})
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "known" in warnings and "since" in warnings and "unknown event" in warnings and "'x'" in warnings
    assert figure_of(at)["data"]
