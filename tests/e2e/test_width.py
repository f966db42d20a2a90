"""The charts' layout follows the width they are drawn at, not the browser's name."""

from __future__ import annotations

import pytest

from tests.e2e import harness
from usjp.events import category

pytestmark = pytest.mark.e2e

LANE = category("treasury-leverage")  # its wide and compact lane labels differ


def lane_labels(tab) -> list[str]:
    return tab.page.evaluate(
        "() => Array.from(document.querySelectorAll('.js-plotly-plot text')).map(t => t.textContent)"
    )


def wait_lane(tab, label: str) -> None:
    tab.page.wait_for_function(
        "(l) => Array.from(document.querySelectorAll('.js-plotly-plot text')).some(t => t.textContent === l)",
        arg=label,
    )
    harness.wait_idle(tab.page)


@pytest.mark.parametrize(
    "size,label",
    [
        ({"viewport": {"width": 1440, "height": 900}}, LANE.label),  # desktop browser, wide window
        ({"viewport": {"width": 560, "height": 900}}, LANE.short),  # desktop browser, narrow window
        ({**harness.PHONE, "viewport": {"width": 1440, "height": 900}}, LANE.label),  # a mobile browser name, wide
    ],
    ids=["desktop-wide", "desktop-narrow", "mobile-agent-wide"],
)
def test_layout_follows_the_width_not_the_user_agent(open_tab, server, size, label):
    tab = open_tab(size).goto(server.url())
    wait_lane(tab, label)
    assert label in lane_labels(tab)
    tab.assert_healthy()


def test_resizing_across_the_line_redraws_for_the_new_width(open_tab, server):
    tab = open_tab({"viewport": {"width": 1440, "height": 900}}).goto(server.url())
    wait_lane(tab, LANE.label)
    tab.page.set_viewport_size({"width": 520, "height": 900})
    wait_lane(tab, LANE.short)
    tab.page.set_viewport_size({"width": 1440, "height": 900})
    wait_lane(tab, LANE.label)
    tab.assert_healthy()
