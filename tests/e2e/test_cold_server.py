"""A fresh server whose first visitor deep-links to a non-root page gets the app's navigation.

Streamlit starts in its legacy pages/ mode until st.navigation has run once; usjp/ui/boot.py leaves
that mode with a rerun. Each case needs its own server process, because the mode is per process.
"""

from __future__ import annotations

import pytest

from tests.e2e import harness
from tests.e2e.test_pages import assert_app_navigation, page_id
from usjp.ui.nav import PAGES

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("spec", [p for p in PAGES if p.url_path], ids=page_id)
def test_first_request_is_a_deep_link(open_tab, chromium, spec):
    log = harness.ARTIFACTS / "logs" / f"cold-server-{page_id(spec)}.log"
    with harness.StreamlitServer(log_path=log) as server:
        tab = open_tab().goto(server.url(spec.url_path, spec.sample_query), spec.has_chart)
        assert_app_navigation(tab)
        titles = tab.page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
        assert "app" not in [t.strip().lower() for t in titles]
        assert harness.urlsplit(tab.page.url).path == f"/{spec.url_path}"
        tab.screenshot(f"{page_id(spec)}-cold-server")
        tab.assert_healthy()
