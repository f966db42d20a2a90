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
    PageSpec("pages/sources.py", "Data and sources", "sources", has_chart=False),
)
