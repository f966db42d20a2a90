"""The event-study page's URL state: query parameters <-> a typed `StudyView`.

Pure code, like usjp/views/timeline.py: bad values never raise; they are dropped, the default is used,
and a notice says what was ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from usjp import analysis, catalog
from usjp.analysis import Window
from usjp.events import CATEGORIES
from usjp.views.query import MAX_LIST_CHARS, MAX_PARAM_CHARS, QueryReader, short

MAX_STUDY_OFFSET = 60
WINDOW_CHOICES: tuple[Window, ...] = (Window(0, 0), Window(0, 1), Window(0, 5), Window(-1, 10), Window(0, 20))
SORTS = {
    "z": "Largest |z| first",
    "change": "Largest |change| first",
    "percentile": "Highest percentile first",
    "date": "Newest first",
    "oldest": "Oldest first",
}
DAILY_KEYS: tuple[str, ...] = tuple(s.key for s in catalog.SERIES if s.daily)


@dataclass(frozen=True)
class StudyView:
    series: tuple[str, ...] = ("ust10y", "ust2y", "usdjpy")  # the scoreboard's series
    window: Window = analysis.HEADLINE_WINDOW
    categories: tuple[str, ...] = CATEGORIES  # the scoreboard's filter
    sort: str = "z"
    path_category: str = "tariff"  # aligned paths: which events ...
    path_series: str = "ust10y"  # ... on which series
    notices: tuple[str, ...] = field(default=(), compare=False)


def parse_study_view(params: Mapping[str, str | Sequence[str]], stored: Sequence[str] | None = None) -> StudyView:
    """A `StudyView` from query parameters. `stored` lists the daily series that have data here."""
    query = QueryReader(params, known=("series", "window", "cat", "sort", "pcat", "pseries"))
    notices, single = query.notices, query.single
    view = StudyView()
    usable = [k for k in DAILY_KEYS if stored is None or k in stored]

    def series_problem(key: str) -> str | None:
        if key not in catalog.CATALOG:
            return f"Ignored unknown series {short(key)!r}."
        spec = catalog.get(key)
        if not spec.analysable:
            return f"{spec.label} is not a price or a level: no event statistics (the timeline draws it as bars)."
        if not spec.daily:
            return f"{spec.label} is {spec.frequency}: event statistics need daily data (see the timeline's details)."
        if key not in usable:
            return f"{spec.label} has no data on this machine yet."
        return None

    if "series" in query:
        keys_or_none = query.values("series", MAX_PARAM_CHARS)
        if keys_or_none is not None:
            keys = list(dict.fromkeys(keys_or_none))
            problems = [p for p in (series_problem(k) for k in keys[:20]) if p]
            notices.extend(problems[:5])
            good = tuple(k for k in keys if series_problem(k) is None)
            if good:
                view = replace(view, series=good)
    if stored is not None and not set(view.series) <= set(usable):
        view = replace(view, series=tuple(k for k in view.series if k in usable) or tuple(usable[:1]))

    window = single("window")
    if window is not None:
        try:
            parsed = analysis.parse_window(window)
        except ValueError as exc:
            notices.append(f"Ignored {short(window)!r}: {str(exc).split(': ', 1)[-1]}.")
        else:
            if max(abs(parsed.start), abs(parsed.end)) > MAX_STUDY_OFFSET:
                notices.append(f"Ignored window {parsed.key}: the page allows offsets up to ±{MAX_STUDY_OFFSET}.")
            else:
                view = replace(view, window=parsed)

    if "cat" in query:
        cats = query.values("cat", MAX_LIST_CHARS) or []
        bad = [c for c in cats if c not in CATEGORIES]
        if bad:
            notices.append(f"Ignored unknown categories {', '.join(repr(short(b)) for b in bad[:5])}.")
        good = tuple(c for c in CATEGORIES if c in cats)
        if good:
            view = replace(view, categories=good)

    if sort := query.choice("sort", SORTS, f"Ignored sort order {{value}}: use one of {', '.join(SORTS)}."):
        view = replace(view, sort=sort)

    if pcat := query.choice("pcat", CATEGORIES, "Ignored unknown category {value} for the aligned paths."):
        view = replace(view, path_category=pcat)

    pseries = single("pseries")
    if pseries is not None:
        problem = series_problem(pseries)
        if problem:
            notices.append(problem.replace("Ignored", "Aligned paths: ignored"))
        else:
            view = replace(view, path_series=pseries)
    if stored is not None and view.path_series not in usable and usable:
        view = replace(view, path_series=view.series[0] if view.series else usable[0])
    return replace(view, notices=tuple(notices))


def to_params(view: StudyView) -> dict[str, str]:
    """Query parameters for a view; defaults are left out so links stay short."""
    default = StudyView()
    params: dict[str, str] = {}
    if view.series != default.series:
        params["series"] = ",".join(view.series)
    if view.window != default.window:
        params["window"] = view.window.key
    if view.categories != default.categories:
        params["cat"] = ",".join(view.categories)
    if view.sort != default.sort:
        params["sort"] = view.sort
    if view.path_category != default.path_category:
        params["pcat"] = view.path_category
    if view.path_series != default.path_series:
        params["pseries"] = view.path_series
    return params


def scoreboard_rows(board: pd.DataFrame, view: StudyView) -> pd.DataFrame:
    """The scoreboard rows (analysis.compute_scoreboard) the view asks for, in its sort order."""
    rows = board[
        (board["window"] == view.window.key)
        & board["series"].isin(view.series)
        & board["category"].isin(view.categories)
    ].copy()
    if view.sort == "z":
        rows = rows.sort_values(["abs_z", "date"], ascending=[False, False], na_position="last")
    elif view.sort == "change":
        rows = rows.assign(_k=rows["change"].abs()).sort_values(["_k", "date"], ascending=False, na_position="last")
        rows = rows.drop(columns="_k")
    elif view.sort == "percentile":
        rows = rows.sort_values(["percentile", "abs_z"], ascending=False, na_position="last")
    else:
        rows = rows.sort_values(["date", "series"], ascending=[view.sort == "oldest", True])
    return rows.reset_index(drop=True)
