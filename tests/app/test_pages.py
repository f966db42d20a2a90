"""Every page in usjp.ui.nav.PAGES through AppTest: registered, draws, accepts its own sample link."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.support import APP, chart_specs, new_warnings, open_page, page_id, query_dict, widget_values
from usjp.ui.nav import PAGES


def test_the_app_registers_exactly_the_pages_in_the_registry():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    registered = sorted(info.get("url_pathname", "") for info in at._registered_pages.values())
    assert registered == sorted(p.url_path for p in PAGES)


@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_page_runs_with_no_parameters(spec):
    at = open_page(spec)
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert bool(chart_specs(at)) == spec.has_chart


@pytest.mark.parametrize("spec", [p for p in PAGES if p.sample_query], ids=page_id)
def test_sample_link_is_accepted_and_round_trips(spec):
    """The sample link is valid (no notices) and the URL the page writes back reproduces the view."""
    at = open_page(spec, query_dict(spec.sample_query))
    assert not at.exception, at.exception
    again = open_page(spec, dict(at.query_params))
    assert widget_values(again) == widget_values(at)
    assert not new_warnings(at, again), new_warnings(at, again)
    assert widget_values(at) != widget_values(open_page(spec)), "the sample link changed nothing"
