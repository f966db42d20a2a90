"""The app's colours as data: one `Palette` per theme ("light", "dark"), a colour per role, and the checks
that every palette must pass (colour-blind separation, WCAG contrast), as functions returning readable
problems.

The light palette is what every figure is built with (exports, handouts and embeds stay light); the dark
one is what usjp/figures/theme.py swaps in, role for role. Category colours live on the Category records
(usjp/events.py: the light ones) and here (the dark ones, by slug)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from usjp.events import CATEGORY_TABLE, category
from usjp.figures import colour

TEXT, MARK, DECORATION = "text", "mark", "decoration"  # a role's kind: what its contrast must be
TEXT_CONTRAST = 4.5  # WCAG 2.x AA, normal text (1.4.3)
MARK_CONTRAST = 3.0  # WCAG 2.x AA, graphical objects (1.4.11): lines, markers, bars
# The least CIEDE2000 difference between any two category colours (and between any two series colours),
# for normal vision and under each simulated dichromacy (usjp.figures.colour.VISIONS). Why 14 and not 20:
# tests/unit/test_palette.py says.
MIN_CATEGORY_DE = 14.0
MIN_SERIES_DE = 20.0


def _role(kind: str, *, drawn: bool = True):
    """A role's field: its kind, and whether the light figures draw it (the others only go into the dark
    template, so they need no light counterpart in a figure)."""
    return field(metadata={"kind": kind, "drawn": drawn})


@dataclass(frozen=True)
class Palette:
    """Every colour a figure draws, by role, for one theme. A role's kind says what it must pass against
    the background: TEXT 4.5:1, MARK 3:1, DECORATION nothing (grids, fills behind text, shading)."""

    background: str = _role(DECORATION)  # paper and plot
    text: str = _role(TEXT)  # titles, axis titles and ticks, legend
    muted: str = _role(TEXT)  # subtitles, footers, notes beside panels
    ink: str = _role(TEXT)  # the event lanes' labels and the panels' notes; zero lines
    label: str = _role(TEXT)  # event labels above the series
    selected: str = _role(TEXT)  # the selected event: its ring, its line, its label
    leader: str = _role(MARK)  # the leader line from a label down to its event
    release: str = _role(MARK)  # scheduled releases' ticks
    path: str = _role(MARK)  # the event study's single paths; foreign-held debt
    band_edge: str = _role(MARK)  # the placebo band's edges (drawn over the background: checked composited)
    bought: str = _role(MARK)  # Japan's interventions: yen bought
    sold: str = _role(MARK)  # ... yen sold
    change_up: str = _role(MARK)  # Japan's holdings, 12-month change: up
    change_down: str = _role(MARK)  # ... down
    yields_down: str = _role(MARK)  # yields down (yields up is series[1])
    grid: str = _role(DECORATION)  # the template's grid lines
    lane_grid: str = _role(DECORATION)  # the event lanes' grid lines
    axis_line: str = _role(DECORATION)  # the template's axis lines
    halo: str = _role(DECORATION)  # marker outlines and the count on a cluster: the background's colour
    label_backing: str = _role(DECORATION)  # behind event labels
    note_backing: str = _role(DECORATION)  # behind notes inside a plot
    band_fill: str = _role(DECORATION)  # the placebo band
    hover_background: str = _role(DECORATION, drawn=False)  # hover labels (light figures keep Plotly's own)
    hover_border: str = _role(DECORATION, drawn=False)
    series: tuple[str, ...] = _role(MARK)  # lines drawn together on one chart, in order
    categories: Mapping[str, str] = _role(MARK)  # event category slug -> colour

    def kinds(self) -> dict[str, str]:
        """Role name -> its kind."""
        return {f.name: f.metadata["kind"] for f in fields(self)}


LIGHT = Palette(
    background="#FFFFFF",
    text="#1A1A1A",
    muted="#555555",
    ink="#444444",
    label="#333333",
    selected="#000000",
    leader="#8F8F8F",
    release="#767676",
    path="#8592A0",
    band_edge="rgba(0, 114, 178, 0.75)",
    bought="#2166AC",
    sold="#B2182B",
    change_up="#C47A64",
    change_down="#7090BE",
    yields_down="#1B5E8C",
    grid="#EBF0F8",
    lane_grid="#EEEEEE",
    axis_line="#A2B1C6",
    halo="#FFFFFF",
    label_backing="rgba(255,255,255,0.92)",
    note_backing="rgba(255,255,255,0.8)",
    band_fill="rgba(0, 114, 178, 0.16)",
    hover_background="#FFFFFF",
    hover_border="#A2B1C6",
    series=("#1B2F4B", "#A33B20", "#03A795", "#765FC4", "#D68100"),
    categories={c.slug: c.colour for c in CATEGORY_TABLE},
)

# Streamlit 1.67's dark background is rgb(23, 22, 20): the charts sit on it seamlessly. Warm greys to match.
DARK = Palette(
    background="#171614",
    text="#F2F0EB",
    muted="#ABA69E",
    ink="#C2BDB5",
    label="#D9D5CE",
    selected="#F8F7F4",
    leader="#77736D",
    release="#9A958E",
    path="#737C87",
    band_edge="rgba(110, 170, 230, 0.8)",
    bought="#92C5DE",
    sold="#F4A582",
    change_up="#B8705C",
    change_down="#5F84B5",
    yields_down="#7DB4E0",
    grid="#2E2C29",
    lane_grid="#2E2C29",
    axis_line="#57534D",
    halo="#171614",
    label_backing="rgba(23,22,20,0.92)",
    note_backing="rgba(23,22,20,0.8)",
    band_fill="rgba(110, 170, 230, 0.22)",
    hover_background="#26241F",
    hover_border="#57534D",
    series=("#DAE1FF", "#DA5405", "#48A38C", "#9172D8", "#FCE185"),
    categories={
        "tariff": "#E25327",
        "negotiation": "#00A56B",
        "treasury-leverage": "#A37AA4",
        "monetary-policy": "#4E75FF",
        "fx": "#FCA40B",
        "politics": "#AAAAAA",
        "market-stress": "#8CD4F9",
        "data-release": "#E1D69F",
    },
)

PALETTES: dict[str, Palette] = {"light": LIGHT, "dark": DARK}
# Plotly's plotly_white template draws in these colours; its dark counterpart takes the roles'.
TEMPLATE_ROLES = {
    "#2A3F5F": "text",
    "#EBF0F8": "grid",
    "#DFE8F3": "grid",
    "#A2B1C6": "axis_line",
    "#C8D4E3": "axis_line",
}


def palette(theme: str) -> Palette:
    """The palette of `theme` ("light" or "dark")."""
    try:
        return PALETTES[theme]
    except KeyError:
        raise KeyError(f"unknown theme {theme!r}; known: {', '.join(PALETTES)}") from None


# -- colour strings -----------------------------------------------------------------------------------
_NAMED = {"white": "#FFFFFF", "black": "#000000"}
_RGBA = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([0-9.]+)\s*)?\)", re.IGNORECASE)


def normal_form(value: str) -> str:
    """A colour string as the maps key it: "#RRGGBB" upper case, "rgba(r,g,b,a)" without spaces, the
    names Plotly's templates use ("white") as hex; anything else upper case, stripped."""
    text = value.strip()
    match = _RGBA.fullmatch(text)
    if match:
        r, g, b, a = match.groups()
        return f"rgba({int(r)},{int(g)},{int(b)},{float(a) if a is not None else 1.0:g})"
    return _NAMED.get(text.lower(), text.upper())


def rgba_parts(value: str) -> tuple[str, float]:
    """A colour string as "#RRGGBB" and its opacity."""
    match = _RGBA.fullmatch(value.strip())
    if match:
        r, g, b, a = match.groups()
        return colour.rgb_to_hex([int(r) / 255, int(g) / 255, int(b) / 255]), float(a) if a is not None else 1.0
    return normal_form(value), 1.0


def opaque(value: str, background: str) -> str:
    """The colour `value` shows over `background` (an rgba one composited; a hex one as it is)."""
    hex_colour, alpha = rgba_parts(value)
    return hex_colour if alpha >= 1 else colour.mix(hex_colour, alpha, background)


def role_colours(p: Palette, *, drawn_only: bool = False) -> dict[str, str]:
    """Every role's colour, flattened: "series[0]", "categories[tariff]", "text", ... (`drawn_only`: the
    roles the light figures draw)."""
    out: dict[str, str] = {}
    for f in fields(p):
        if drawn_only and not f.metadata["drawn"]:
            continue
        name = f.name
        value = getattr(p, name)
        if isinstance(value, str):
            out[name] = value
        elif isinstance(value, tuple):
            out.update({f"{name}[{i}]": c for i, c in enumerate(value)})
        else:
            out.update({f"{name}[{k}]": c for k, c in value.items()})
    return out


def colour_map(source: Palette = LIGHT, target: Palette = DARK) -> dict[str, str]:
    """Normalised source colour -> target colour, role for role (plus plotly_white's own colours). Two
    roles sharing a source colour must share the target one: a figure only carries the colour."""
    mapping: dict[str, str] = {}
    roles: dict[str, str] = {}
    targets = role_colours(target)
    pairs = [(role, c, targets[role]) for role, c in role_colours(source, drawn_only=True).items()]
    pairs += [(f"plotly_white {c}", c, getattr(target, role)) for c, role in TEMPLATE_ROLES.items()]
    for role, light, dark in pairs:
        key = normal_form(light)
        if key in mapping and normal_form(mapping[key]) != normal_form(dark):
            raise ValueError(
                f"{light} is both {roles[key]} and {role}, but their {_theme_name(target)} colours differ: "
                f"{mapping[key]} and {dark}"
            )
        mapping.setdefault(key, dark)
        roles.setdefault(key, role)
    return mapping


def _theme_name(p: Palette) -> str:
    return next((name for name, known in PALETTES.items() if known is p), "target")


# -- checks: each returns readable problems, [] when all is well ---------------------------------------
def distance_problems(colours: Mapping[str, str], threshold: float) -> list[str]:
    """Every pair of `colours` (name -> colour) closer than `threshold` ΔE00 for normal vision or under a
    simulated dichromacy."""
    problems = []
    for (name1, c1), (name2, c2) in itertools.combinations(colours.items(), 2):
        for vision in colour.VISIONS:
            d = colour.distance(c1, c2, vision)
            if d < threshold:
                seen = "normal vision" if vision == "normal" else vision
                problems.append(f"{name1} vs {name2} under {seen}: ΔE00 {d:.1f} < {threshold:g}")
    return problems


def category_distance_problems(colours: Mapping[str, str], threshold: float = MIN_CATEGORY_DE) -> list[str]:
    """`distance_problems` for category colours keyed by slug, named by the categories' labels."""
    return distance_problems({category(slug).label: c for slug, c in colours.items()}, threshold)


def series_distance_problems(colours: tuple[str, ...], threshold: float = MIN_SERIES_DE) -> list[str]:
    """`distance_problems` for series colours, named by their place."""
    return distance_problems({f"series {i + 1} ({c})": c for i, c in enumerate(colours)}, threshold)


def contrast_problems(colours: Mapping[str, str], background: str, minimum: float) -> list[str]:
    """Every colour (name -> colour; rgba composited over the background) under `minimum`:1 against it."""
    problems = []
    for name, value in colours.items():
        ratio = colour.contrast(opaque(value, background), background)
        if ratio < minimum:
            problems.append(f"{name} {value} on {background}: contrast {ratio:.2f}:1 < {minimum:g}:1")
    return problems


def palette_problems(p: Palette) -> list[str]:
    """Everything a palette must pass: text 4.5:1 and marks 3:1 against its background (decoration is
    exempt), hover text on the hover background, categories and series told apart in every vision."""
    kinds = p.kinds()
    flat = role_colours(p)
    text = {r: c for r, c in flat.items() if kinds[r.split("[")[0]] == TEXT}
    marks = {r: c for r, c in flat.items() if kinds[r.split("[")[0]] == MARK}
    return [
        *contrast_problems(text, p.background, TEXT_CONTRAST),
        *contrast_problems(marks, p.background, MARK_CONTRAST),
        *contrast_problems({"text": p.text}, p.hover_background, TEXT_CONTRAST),
        *category_distance_problems(p.categories),
        *series_distance_problems(p.series),
    ]
