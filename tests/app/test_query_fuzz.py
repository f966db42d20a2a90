"""Hostile query strings on every page (AppTest + hypothesis): no exception, the default view, a notice.

Every generated parameter is unusable on purpose: an unknown key, or a key some page reads with a
value no page accepts (bad dates, NaN, huge strings, unicode, repeated keys). So whatever the page,
the view must be its default one and at least one notice must say what was ignored.
"""

from __future__ import annotations

import functools
from urllib.parse import parse_qs

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.app.support import chart_specs, new_warnings, open_page, page_id, widget_values
from tests.support import IN_CI
from usjp.ui.nav import PAGES

# Keys the pages read (from their sample links, plus the timeline's other ones): a key one page
# reads is unknown to another, which must say so too.
# Free text (a search, the reader's own title and note) is never unusable: any value is a view of its own.
FREE_TEXT = {"q", "title", "subtitle", "note"}
KNOWN_KEYS = sorted(
    ({key for p in PAGES for key in parse_qs(p.sample_query)} | {"series", "range", "start", "end", "mode", "event"})
    - FREE_TEXT
)
JUNK_VALUES = (
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "4",
    "2.5",
    "9999-99-99",
    "2025-02-30",
    "2025-13-01",
    "0:",
    "3:1",
    "99:100",
    "null",
    "undefined",
    "[]",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "\u202eمرحبا",
    "🇯🇵💴",
    "ust10y\x00",
    "x\u0301\u0301\u0301",
)
MAX_NOTICE_CHARS = 400  # a notice quotes a bad value shortened, never a 20,000-character string back

# Any character a decoded URL can hold (lone surrogates cannot come out of UTF-8 percent-decoding).
URL_CHARS = st.characters(blacklist_categories=("Cs",))
junk_value = st.one_of(
    st.sampled_from(JUNK_VALUES),
    st.text(URL_CHARS.filter(lambda c: c != ","), min_size=1, max_size=40).map(lambda s: "~" + s),
    st.integers(600, 20_000).map(lambda n: "x" * n),
)
# Never valid on any page: the "~" prefix is in no key, series, event or category name.
unknown_key = st.text(URL_CHARS, min_size=1, max_size=30).map(lambda s: "~" + s) | st.sampled_from(
    ["utm_source", "x" * 600]
)
value_or_repeats = junk_value | st.lists(junk_value, min_size=2, max_size=3)
params_strategy = st.dictionaries(st.sampled_from(KNOWN_KEYS) | unknown_key, value_or_repeats, min_size=1, max_size=5)


@functools.cache
def default_view(spec):
    at = open_page(spec)
    assert not at.exception
    return at


@pytest.mark.parametrize("spec", PAGES, ids=page_id)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    derandomize=IN_CI,  # the same examples in CI; new ones on each local run
)
@given(params=params_strategy)
@example(params={"series": ["nope", "ust10y\u200b", "nope"], "imp": "NaN", "start": "2025-02-30", "end": "x" * 5000})
@example(params={"event": "<img src=x onerror=alert(1)>", "mode": "indexed\u0000", "cat": "none,~"})
@example(params={"~ü🇯🇵": "1", "window": ["0:1", "0:999"], "sort": "-z"})
@example(params={"cat": "x" * 2001})  # found by this test: a too-long list of categories was dropped silently
def test_unusable_links_give_the_default_view_and_a_notice(spec, params):
    at = open_page(spec, params)
    assert not at.exception, f"{params!r}: {at.exception}"
    assert not at.error, f"{params!r}: {[e.value for e in at.error]}"
    assert bool(chart_specs(at)) == spec.has_chart
    baseline = default_view(spec)
    assert widget_values(at) == widget_values(baseline), f"defaults not applied for {params!r}"
    notices = new_warnings(at, baseline)
    assert notices, f"{spec.title}: nothing says what was ignored in {params!r}"
    assert all(len(n) <= MAX_NOTICE_CHARS for n in notices), notices
