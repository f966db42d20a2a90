"""The app's pages, as data: app.py builds its navigation from this list, and the tests and the
benchmark visit every entry, so a page added here is tested and measured automatically."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageSpec:
    script: str  # path relative to the repo root
    title: str
    url_path: str  # "" for the home page, which lives at "/"
    # A deep link that exercises the page's URL state (query string without "?").
    sample_query: str = ""
    # Pages whose main content is a chart: the browser suite waits for it.
    has_chart: bool = True
    tags: tuple[str, ...] = field(default_factory=tuple)
    # The stored series its default view reads ("*": every one), so the tests know which data notices
    # and "data as of" lines the page must show when a copy is damaged or the network is down.
    reads: tuple[str, ...] = ("*",)


APP_NAME = "US–Japan trade tensions and markets"


def tab_title(page_title: str) -> str:
    """A page's browser tab title: the page first (what a reader scanning tabs needs), then the app."""
    return f"{page_title} · {APP_NAME}"


PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "pages/timeline.py",
        "Timeline",
        "",
        sample_query="series=ust10y,ust30y,usdjpy&range=tariff-2025&event=kato-treasuries-card&imp=2&releases=1",
    ),
    PageSpec(
        "pages/event_study.py",
        "Event study",
        "event_study",  # = the file name: a cold server in legacy pages/ mode finds it without "Page not found"
        sample_query="series=ust10y,ust30y,usdjpy&window=0:1&cat=tariff,treasury-leverage&sort=z&pcat=tariff&pseries=ust30y",
    ),
    PageSpec(
        "pages/holdings.py",
        "The card: who holds Treasuries",
        "holdings",
        sample_query="event=kato-treasuries-card&known=1&since=2015",
        reads=("tic_japan", "tic_china", "tic_uk", "tic_total", "foreign_debt", "mof_intervention"),
    ),
    PageSpec(
        "pages/yield_curve.py",
        "Yield curve",
        "yield_curve",
        sample_query="event=liberation-day-tariffs&dates=2024-09-18&window=0:1",
    ),
    PageSpec(
        "pages/yen.py",
        "The yen and intervention",
        "yen",
        sample_query="episode=2022&event=mof-intervention-2022-10-21",
    ),
    PageSpec(
        "pages/events.py",
        "Event log",
        "events",
        has_chart=False,
        reads=(),
        sample_query=(
            "q=Kato&cat=treasury-leverage,fx&imp=2&status=confirmed&start=2025-01-01&end=2025-12-31"
            "&series=usdjpy&gen=1&sort=oldest&id=kato-treasuries-card"
        ),
    ),
    PageSpec(
        "pages/story.py",
        "Stories for the classroom",
        "story",
        has_chart=False,  # the default view is the list of stories; a step (the sample query) has a chart
        reads=(),
        sample_query="s=liberation-day&step=2",
    ),
    PageSpec("pages/sources.py", "Data and sources", "sources", has_chart=False),
)
