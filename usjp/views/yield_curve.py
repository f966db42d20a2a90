"""The yield-curve page's URL state: query parameters <-> a typed `CurveView`.

Pure code, like usjp/views/event_study.py: bad values never raise; they are dropped, the default is
used, and a notice says what was ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from usjp import analysis
from usjp.analysis import Window
from usjp.analysis import curve as curves_
from usjp.analysis.curve import Curve
from usjp.events import Event
from usjp.views.query import MAX_LIST_CHARS, QueryReader, short

MAX_DATES = 4
MAX_OFFSET = 60  # as the event-study page
DEFAULT_EVENT = "liberation-day-tariffs"  # the moves chart's event when none is chosen
PAUSE_EVENT = "reciprocal-tariff-pause"
WINDOW_CHOICES: tuple[Window, ...] = (Window(0, 0), Window(0, 1), Window(0, 5), Window(-1, 10), Window(0, 20))
KNOWN = ("event", "dates", "window")


@dataclass(frozen=True)
class CurveView:
    event: str = ""  # "" = none chosen: the default curves, and the moves around DEFAULT_EVENT
    dates: tuple[dt.date, ...] = ()
    window: Window = analysis.HEADLINE_WINDOW
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def moves_event(self) -> str:
        """The event whose moves the bar chart shows."""
        return self.event or DEFAULT_EVENT


def parse_dates(text_values: Sequence[str], notices: list[str]) -> tuple[dt.date, ...]:
    """ISO dates, in the order given, duplicates once, at most MAX_DATES; the rest become notices."""
    good: list[dt.date] = []
    bad: list[str] = []
    for text in text_values:
        try:
            day = dt.date.fromisoformat(text) if len(text) == 10 else None
        except ValueError:
            day = None
        if day is None:
            bad.append(text)
        elif day not in good:
            good.append(day)
    if bad:
        shown = ", ".join(repr(short(b)) for b in bad[:5])
        notices.append(f"Ignored dates {shown}: use YYYY-MM-DD.")
    if len(good) > MAX_DATES:
        notices.append(f"Showing the first {MAX_DATES} of {len(good)} dates: the chart takes at most {MAX_DATES}.")
        good = good[:MAX_DATES]
    return tuple(good)


def parse_curve_view(params: Mapping[str, str | Sequence[str]], event_ids: Collection[str] | None = None) -> CurveView:
    """A `CurveView` from query parameters; `event_ids` are the known events (None: accept any id)."""
    query = QueryReader(params, known=KNOWN)
    notices = query.notices
    view = CurveView()

    event = query.single("event")
    if event is not None and event != "":
        if event_ids is not None and event not in event_ids:
            notices.append(f"Ignored unknown event {short(event)!r}.")
        else:
            view = replace(view, event=event)

    if "dates" in query:
        texts = query.values("dates", MAX_LIST_CHARS)
        if texts is not None:
            view = replace(view, dates=parse_dates(texts, notices))

    window = query.single("window")
    if window is not None:
        try:
            parsed = analysis.parse_window(window)
        except ValueError as exc:
            notices.append(f"Ignored {short(window)!r}: {str(exc).split(': ', 1)[-1]}.")
        else:
            if max(abs(parsed.start), abs(parsed.end)) > MAX_OFFSET:
                notices.append(f"Ignored window {parsed.key}: the page allows offsets up to ±{MAX_OFFSET}.")
            else:
                view = replace(view, window=parsed)
    return replace(view, notices=tuple(notices))


def to_params(view: CurveView) -> dict[str, str]:
    """Query parameters for a view; defaults are left out so links stay short."""
    params: dict[str, str] = {}
    if view.event:
        params["event"] = view.event
    if view.dates:
        params["dates"] = ",".join(d.isoformat() for d in view.dates)
    if view.window != CurveView().window:
        params["window"] = view.window.key
    return params


def dates_text(dates: Sequence[dt.date]) -> str:
    """The dates as the text box shows them."""
    return ", ".join(d.isoformat() for d in dates)


def chosen_curves(
    view: CurveView, closes: pd.DataFrame, by_id: Mapping[str, Event]
) -> tuple[list[Curve], list[dt.date]]:
    """The curves the view asks for (the event's baseline, t+1, t+5, then the dates; the defaults when it
    asks for neither), and the dates asked for that have no close on or before them."""
    out: list[Curve] = []
    missing: list[dt.date] = []
    if view.event in by_id:
        out.extend(curves_.event_curves(closes, by_id[view.event]))
    for day in view.dates:
        found = curves_.curve_on(closes, day)
        if found is None:
            missing.append(day)
        else:
            out.append(found)
    if not view.event and not view.dates:
        out = default_curves(closes, by_id)
    return list({(c.day, c.role): c for c in out}.values()), missing


def default_curves(closes: pd.DataFrame, by_id: Mapping[str, Event]) -> list[Curve]:
    """The last close before Liberation Day (its baseline), the first close after the 9 April pause (its
    t0) and the latest close."""
    out: list[Curve] = []
    if DEFAULT_EVENT in by_id:
        out.extend(curves_.event_curves(closes, by_id[DEFAULT_EVENT], (-1,)))
    if PAUSE_EVENT in by_id:
        out.extend(curves_.event_curves(closes, by_id[PAUSE_EVENT], (0,)))
    if (last := curves_.latest(closes)) is not None:
        out.append(last)
    return out
