"""The holdings page's URL state: query parameters <-> a typed `HoldingsView`.

Pure code, like usjp/views/event_study.py: bad values never raise; they are dropped, the default is used,
and a notice says what was ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from usjp.views.query import QueryReader, short

FIRST_YEAR, LAST_YEAR = 2000, 2100  # TIC's history file starts in 2000
SINCE_CHOICES = (2000, 2010, 2015, 2020, 2022, 2024)


@dataclass(frozen=True)
class HoldingsView:
    known: bool = False  # plot each month at the date its figure was first published
    since: int = 2022  # first year shown
    event: str = ""  # the selected event's id ("" for none)
    notices: tuple[str, ...] = field(default=(), compare=False)


def parse_holdings_view(
    params: Mapping[str, str | Sequence[str]], event_ids: Sequence[str] | None = None
) -> HoldingsView:
    """A `HoldingsView` from query parameters. `event_ids` lists the events that can be selected."""
    query = QueryReader(params, known=("known", "since", "event"))
    notices = query.notices
    view = HoldingsView()

    known = query.choice("known", ("0", "1"), "Ignored known={value}: use 1 (dates first published) or 0.")
    if known is not None:
        view = replace(view, known=known == "1")

    since = query.single("since")
    if since is not None:
        if since.isascii() and since.isdigit() and FIRST_YEAR <= int(since) <= LAST_YEAR:
            view = replace(view, since=int(since))
        else:
            notices.append(f"Ignored since={short(since)!r}: use a year from {FIRST_YEAR}.")

    event = query.single("event")
    if event:
        if event_ids is None or event in event_ids:
            view = replace(view, event=event)
        else:
            notices.append(f"Ignored unknown event {short(event)!r}.")
    return replace(view, notices=tuple(notices))


def to_params(view: HoldingsView) -> dict[str, str]:
    """Query parameters for a view; defaults are left out so links stay short."""
    default = HoldingsView()
    params: dict[str, str] = {}
    if view.known != default.known:
        params["known"] = "1" if view.known else "0"
    if view.since != default.since:
        params["since"] = str(view.since)
    if view.event:
        params["event"] = view.event
    return params
