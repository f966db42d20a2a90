"""The yen page's URL state: query parameters <-> a typed `YenView` (pure; bad values become notices).

`episode` is a year of Japan's intervention record (its range computed from the record) or `custom`
with `start`/`end`; `event` is the selected event.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

from usjp.views.query import QueryReader, short

CUSTOM = "custom"
DEFAULT_EPISODE = "2026"


@dataclass(frozen=True)
class YenView:
    episode: str = DEFAULT_EPISODE  # a year of the record's episodes, or "custom"
    start: dt.date | None = None  # only with episode=custom (None: the data's first date)
    end: dt.date | None = None  # only with episode=custom (None: the data's last date)
    event: str | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)

    def window(
        self, episodes: Mapping[str, tuple[dt.date, dt.date]], bounds: tuple[dt.date, dt.date]
    ) -> tuple[dt.date, dt.date]:
        """The dates shown: the episode's range, or the custom one (open ends take the data's), inside the data."""
        first, last = bounds
        if self.episode in episodes:
            start, end = episodes[self.episode]
        else:
            start, end = self.start or first, self.end or last
        start, end = max(start, first), min(end, last)
        return (start, end) if start < end else (first, last)


def default_episode(episodes: Mapping[str, tuple[dt.date, dt.date]]) -> str:
    """The default: the latest episode in the record (custom when there is none)."""
    if DEFAULT_EPISODE in episodes:
        return DEFAULT_EPISODE
    return max(episodes) if episodes else CUSTOM


def parse_yen_view(
    params: Mapping[str, str | Sequence[str]],
    episodes: Mapping[str, tuple[dt.date, dt.date]],
    bounds: tuple[dt.date, dt.date],
    event_ids: Collection[str] = frozenset(),
) -> YenView:
    """A `YenView` from query parameters; what cannot be used is dropped with a notice, never raised."""
    query = QueryReader(params, known=("episode", "start", "end", "event"))
    notices, single = query.notices, query.single
    view = YenView(episode=default_episode(episodes))
    choices = (*episodes, CUSTOM)
    if episode := query.choice(
        "episode", choices, f"Ignored episode {{value}}: use one of {', '.join(choices)} (years of the record)."
    ):
        view = replace(view, episode=episode)

    if (dates := query.date_range(bounds)) is not None:
        start, end = dates
        if (start or end) and view.episode != CUSTOM and "episode" in query and episode:
            notices.append(f"Ignored the dates in the URL: episode {view.episode} sets its own range.")
        elif start or end:
            view = replace(view, episode=CUSTOM, start=start, end=end)

    event = single("event")
    if event:
        if event in event_ids:
            view = replace(view, event=event)
        else:
            notices.append(f"Ignored unknown event {short(event)!r}.")
    return replace(view, notices=tuple(notices))


def to_params(view: YenView, episodes: Mapping[str, tuple[dt.date, dt.date]]) -> dict[str, str]:
    """Query parameters for a view; the default episode is left out so links stay short."""
    params: dict[str, str] = {}
    if view.episode != default_episode(episodes):
        params["episode"] = view.episode
    if view.episode == CUSTOM:
        if view.start:
            params["start"] = view.start.isoformat()
        if view.end:
            params["end"] = view.end.isoformat()
    if view.event:
        params["event"] = view.event
    return params
