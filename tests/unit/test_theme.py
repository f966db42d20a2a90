"""The dark figures: every page's figures, built by the app's own builders from the stored data, go dark
without a light colour left behind, with readable text, and without touching the light figure (the figures
are shared between sessions through caches)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.builders import business_series, make_event
from usjp import analysis, catalog
from usjp.analysis import curve
from usjp.analysis import holdings as holdings_calc
from usjp.cli import export
from usjp.data import interventions, verify
from usjp.events import CATEGORIES
from usjp.figures import colour, yield_curve
from usjp.figures import palette as pal
from usjp.figures.event_study import build_aligned_paths_figure
from usjp.figures.holdings import HoldingsData, build_holdings_figure
from usjp.figures.theme import themed, unmapped_colours
from usjp.figures.timeline_view import figure_for_view
from usjp.figures.yen import build_gap_figure, build_yen_figure
from usjp.story.figures import step_figure
from usjp.views.holdings import HoldingsView
from usjp.views.timeline import View

FRAME = {"title": "Title", "subtitle": "Subtitle", "source_lines": ["Source: FRED"], "as_of": "Data as of today"}


@pytest.fixture(scope="module")
def events():
    """Every timeline event (curated, and one per intervention day), as the app and the CLI load them."""
    return export.load_events().events


def _timeline(events, label: str, **view) -> Iterator[tuple[str, go.Figure]]:
    """The timeline at a view, desktop and phone."""
    chosen = View(**view)
    start, end = chosen.window(*export.date_bounds())
    data = export.timeline_data(chosen, events)
    for width in (1000, 390):
        yield f"timeline {label} {width}px", figure_for_view(chosen, start, end, data, width=width)


def _holdings(events) -> Iterator[tuple[str, go.Figure]]:
    load = {k: verify.read_newest(k) for k in ("tic_japan", "tic_china", "tic_uk", "tic_total", "foreign_debt")}
    record = verify.read_newest(catalog.INTERVENTIONS)
    total = load["tic_total"].values
    data = HoldingsData(
        holders={
            name: load[key].values
            for name, key in (("Japan", "tic_japan"), ("China", "tic_china"), ("United Kingdom", "tic_uk"))
        },
        total=total,
        published=holdings_calc.publications([t.date() for t in total.index], events),
        debt=load["foreign_debt"].values,
        interventions=record.values,
        intervention_ids={d.date(): f"{interventions.ID_PREFIX}{d:%Y-%m-%d}" for d in record.values.index},
        events=[e for e in events if e.category in ("treasury-leverage", "data-release")],
    )
    for known in (False, True):
        view = HoldingsView(known=known, since=2022, event="kato-treasuries-card")
        yield f"holdings known={known}", build_holdings_figure(data, view, **FRAME, compact=known)


def _yield_curve(events) -> Iterator[tuple[str, go.Figure]]:
    by_id = {e.id: e for e in events}
    closes = curve.common_closes({k: verify.read_newest(k).values for k in curve.CURVE_KEYS})
    frame = yield_curve.Frame("Title", "Subtitle", ["Source: FRED", "Data as of today"])
    yield (
        "curves",
        yield_curve.build_curve_figure(curve.event_curves(closes, by_id["liberation-day-tariffs"]), by_id, frame),
    )
    day = dt.date(2025, 4, 2)
    moves = [
        yield_curve.MaturityMove("3M", -4.0, -1.1, day, day),
        yield_curve.MaturityMove("2Y", 12.0, 2.3, day, day),
        yield_curve.MaturityMove("10Y", None, None, None, None, "no data"),
    ]
    yield "moves", yield_curve.build_moves_figure(moves, frame)
    spread = verify.read_newest("ust10y2y").values.dropna()
    spread = spread[spread.index >= pd.Timestamp("2024-01-01")] * 100
    shown = [e for e in events if e.date >= dt.date(2024, 1, 1) and e.importance >= 2]
    yield "spread", yield_curve.build_spread_figure(spread, shown, "liberation-day-tariffs", frame)


def _yen(events) -> Iterator[tuple[str, go.Figure]]:
    start, end = dt.date(2022, 8, 1), dt.date(2022, 12, 30)
    usdjpy = verify.read_newest("usdjpy").values
    usdjpy = usdjpy[(usdjpy.index >= pd.Timestamp(start)) & (usdjpy.index <= pd.Timestamp(end))]
    days = verify.read_newest(catalog.INTERVENTIONS).values
    days = days[(days.index >= pd.Timestamp(start)) & (days.index <= pd.Timestamp(end)) & (days != 0)]
    shown = [e for e in events if start <= e.date <= end and e.category in ("monetary-policy", "fx")]
    for compact in (False, True):
        yield (
            f"yen compact={compact}",
            build_yen_figure(usdjpy, days, shown, start=start, end=end, selected=shown[0].id, **FRAME, compact=compact),
        )
    gap = pd.Series([3.1, 3.4, 3.9, 4.2], index=pd.date_range("2022-09-01", periods=4, freq="MS"))
    for compact in (False, True):
        yield f"gap compact={compact}", build_gap_figure(gap, **FRAME, compact=compact)


def _paths() -> Iterator[tuple[str, go.Figure]]:
    """The event study's aligned paths (the yen page draws them too), in every category's colour."""
    values = business_series([2.0 + (i % 7) / 100 for i in range(300)], end="2025-06-30")
    days = [d.date() for d in values.index]
    chosen = [make_event(id="a", date=str(days[150])), make_event(id="b", date=str(days[220]))]
    paths = analysis.aligned_paths(catalog.get("ust10y"), values, chosen, chosen, draws=50)
    for slug in CATEGORIES:
        yield f"paths {slug}", build_aligned_paths_figure(paths, category=slug, event_titles={}, **FRAME)


@pytest.fixture(scope="module")
def figures(events) -> dict[str, go.Figure]:
    """Every page's figures, light, as the app builds them: the timeline (its default view, and a view
    with the intervention bars, the releases' lane and a selected event), a story step, holdings, the
    three yield-curve figures, the yen page's, and the aligned paths in every category's colour."""
    built = dict(_timeline(events, "default"))
    intervention = next(e for e in events if e.id.startswith(interventions.ID_PREFIX) and e.date.year == 2024)
    built.update(
        _timeline(
            events,
            "2024 with bars, releases and a selection",
            series=("usdjpy", "ust10y"),
            range="custom",
            start=dt.date(2024, 1, 2),
            end=dt.date(2024, 12, 31),
            event=intervention.id,
            releases=True,
        )
    )
    story_view = View(series=("ust10y",), event="liberation-day-tariffs")
    start, end = story_view.window(*export.date_bounds())
    built["story step"] = step_figure(
        story_view, start, end, export.timeline_data(story_view, events), first_hidden=dt.date(2025, 4, 3), width=1000
    )
    for part in (_holdings(events), _yield_curve(events), _yen(events), _paths()):
        built.update(part)
    return built


def _spec(fig: go.Figure) -> dict:
    return json.loads(fig.to_json())


def test_the_light_theme_is_the_figure_itself(figures):
    for fig in figures.values():
        assert themed(fig, "light") is fig


def test_going_dark_leaves_the_light_figure_as_it_was(figures):
    for name, fig in figures.items():
        before = fig.to_json()
        dark = themed(fig, "dark")
        assert dark is not fig
        assert fig.to_json() == before, name


def test_no_light_only_colour_is_left_in_any_figure(figures):
    for name, fig in figures.items():
        assert unmapped_colours(fig) == set(), f"{name}: give these colours a role in usjp/figures/palette.py"
        left = {pal.normal_form(c) for c in unmapped_colours(themed(fig, "dark"))}
        assert left <= {pal.normal_form(c) for c in pal.role_colours(pal.DARK).values()}, name  # dark ones only


def _texts(node, backdrop: str, path: str = "") -> Iterator[tuple[str, str, str]]:
    """(where, text colour, what it is drawn on) for every font colour under `node`: a trace's text over
    its markers is drawn on each marker's colour, anything else on the background."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}/{key}"
            if key.endswith("font") and isinstance(value, dict) and isinstance(value.get("color"), str):
                yield where, value["color"], backdrop
            if isinstance(value, dict | list):
                yield from _texts(value, backdrop, where)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _texts(value, backdrop, f"{path}[{i}]")


def test_every_text_in_a_dark_figure_is_aa_on_what_it_is_drawn_on(figures):
    background = pal.DARK.background
    for name, fig in figures.items():
        spec = _spec(themed(fig, "dark"))
        template = spec["layout"].pop("template")["layout"]
        assert template["paper_bgcolor"] == template["plot_bgcolor"] == background
        found = [("template font", template["font"]["color"], background)]
        found.append(("hover label", template["hoverlabel"]["font"]["color"], template["hoverlabel"]["bgcolor"]))
        found += _texts(spec["layout"], background, "layout")
        for i, trace in enumerate(spec["data"]):
            marker = trace.get("marker", {}).get("color")
            if "textfont" in trace and "text" in trace.get("mode", "") and marker is not None:
                for c in marker if isinstance(marker, list) else [marker]:
                    found.append((f"trace {i} text on its marker", trace["textfont"]["color"], c))
            found += [t for t in _texts(trace, background, f"data[{i}]") if not t[0].endswith("/textfont")]
        assert len(found) > 3, name
        for where, text, drawn_on in found:
            ratio = colour.contrast(pal.opaque(text, drawn_on), drawn_on)
            assert ratio >= pal.TEXT_CONTRAST, f"{name}: {where} {text} on {drawn_on} is {ratio:.2f}:1"


def test_dark_figures_draw_in_the_dark_palette(figures):
    """Categories, series and the selection come out in their dark colours, and the dark figure is as valid
    as the light one (validating it again changes nothing)."""
    fig = figures["timeline 2024 with bars, releases and a selection 1000px"]
    dark = themed(fig, "dark")
    light_spec, dark_spec = _spec(fig), _spec(dark)
    assert json.loads(go.Figure(dark.to_plotly_json()).to_json()) == dark_spec
    ring = next(t for t in dark_spec["data"] if t["name"] == "Selected event")
    assert ring["marker"]["color"] == pal.DARK.selected
    events = next(t for t in light_spec["data"] if t["name"] == "Events")
    dark_events = next(t for t in dark_spec["data"] if t["name"] == "Events")
    light_to_slug = {c: slug for slug, c in pal.LIGHT.categories.items()}
    assert dark_events["marker"]["color"] == [pal.DARK.categories[light_to_slug[c]] for c in events["marker"]["color"]]
    assert dark_spec["data"][0]["line"]["color"] == pal.DARK.series[0]
    bars = next(t for t in dark_spec["data"] if t["type"] == "bar")
    assert set(bars["marker"]["color"]) <= {pal.DARK.bought, pal.DARK.sold}
    assert dark_spec["layout"]["font"]["color"] == pal.DARK.text


def test_a_colour_outside_the_palette_is_reported_and_left_alone():
    fig = go.Figure(go.Scatter(x=[1], y=[1], marker={"color": "#123456", "line": {"color": "#FFFFFF"}}))
    assert unmapped_colours(fig) == {"#123456"}
    marker = themed(fig, "dark").data[0].marker
    assert marker.color == "#123456" and marker.line.color == pal.DARK.halo


def test_each_dark_figure_has_its_own_template():
    fig = go.Figure(go.Scatter(x=[1], y=[1]))
    first = themed(fig, "dark")
    first.layout.template.layout.font.color = "#FF0000"
    assert themed(fig, "dark").layout.template.layout.font.color == pal.DARK.text


def test_an_unknown_theme_is_refused():
    with pytest.raises(ValueError, match="known: light, dark"):
        themed(go.Figure(), "sepia")
