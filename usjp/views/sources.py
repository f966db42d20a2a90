"""The Data and sources page's URL state: it has no view, so every parameter in a link is reported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from usjp.views.query import QueryReader


@dataclass(frozen=True)
class SourcesView:
    notices: tuple[str, ...] = field(default=(), compare=False)


def parse_sources_view(params: Mapping[str, str | Sequence[str]]) -> SourcesView:
    """Every parameter is unknown here: each becomes a notice."""
    return SourcesView(notices=tuple(QueryReader(params, known=()).notices))


def to_params(view: SourcesView) -> dict[str, str]:
    return {}
