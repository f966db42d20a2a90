"""Documentation that must not drift from the code (datasette's test_docs.py is the model): the method
note's numbers, the README's JSON fields, the events schema and the category table in data/README.md."""

from __future__ import annotations

import re

import pytest

from usjp import analysis, catalog
from usjp.events import CATEGORY_TABLE, Event, Quote, Source
from usjp.figures import credits
from usjp.paths import REPO_ROOT, method_path

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
DATA_README = (REPO_ROOT / "data" / "README.md").read_text(encoding="utf-8")
METHOD = method_path().read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end != -1 else None]


# -- docs/method.md -------------------------------------------------------------------------------
def test_every_placeholder_in_the_method_is_filled_from_the_code():
    names = set(re.findall(r"\{([A-Z_]+)\}", METHOD))
    assert names, "the method note states no numbers from the code"
    assert names <= set(credits.METHOD_VALUES), f"unknown placeholders: {names - set(credits.METHOD_VALUES)}"
    filled = credits.method_text()
    assert "{" not in filled and "}" not in filled


@pytest.mark.parametrize(
    "name",
    ["SIGMA_CHANGES", "PERCENTILE_OBS", "PLACEBO_DRAWS", "PATH_BEFORE", "PATH_AFTER", "PLACEBO_MARGIN"],
)
def test_the_method_states_the_codes_constants(name):
    value = getattr(analysis, name)
    assert credits.METHOD_VALUES[name] == f"{value:,}"
    assert f"{{{name}}}" in METHOD, f"docs/method.md should use {{{name}}}"


def test_the_percentile_years_match_the_observation_count():
    years = {"four": 4, "five": 5, "six": 6}[credits.METHOD_VALUES["PERCENTILE_YEARS"]]
    assert round(analysis.PERCENTILE_OBS / 252) == years  # about 252 sessions a year


def test_the_method_and_the_readme_type_none_of_those_numbers():
    """Typed-in constants drift; the texts use the placeholders (method) or words (README)."""
    for constant in (analysis.SIGMA_CHANGES, analysis.PERCENTILE_OBS, analysis.PLACEBO_DRAWS):
        for typed in {str(constant), f"{constant:,}"}:
            assert not re.search(rf"(?<![\w,.]){re.escape(typed)}(?![\w,])", METHOD), typed
            section = _section(README, "## What happened after")
            assert not re.search(rf"(?<![\w,.]){re.escape(typed)}(?![\w,])", section), typed


def test_the_readme_links_the_method():
    assert "(docs/method.md)" in README


# -- README: the stats command's JSON ----------------------------------------------------------------
def _json_paragraph() -> str:
    return README[README.index("The JSON has, per series:") :].split("\n\n")[0]


def test_the_readmes_json_fields_are_the_ones_the_cli_prints():
    """Every key of EventStats.to_json (top level, windows, periods) is named in the README, and no other."""
    from tests.builders import make_event

    spec = catalog.get("ust10y")
    import pandas as pd

    values = pd.Series(
        [4.0 + 0.01 * i for i in range(400)], index=pd.bdate_range("2024-01-01", periods=400), dtype=float
    )
    daily = analysis.event_stats(make_event(date=values.index[300].date()), spec, values).to_json()
    monthly_spec = catalog.get("tic_japan")
    monthly_values = pd.Series([1000.0, 1010.0, 1020.0], index=pd.date_range("2025-01-01", periods=3, freq="MS"))
    monthly = analysis.event_stats(make_event(date=values.index[300].date()), monthly_spec, monthly_values).to_json()
    keys = set(daily) | set(daily["windows"][0]) | set(monthly) | set(monthly["periods"])
    documented = set(re.findall(r"`([a-z_0-9]+)`", _json_paragraph())) - {"bp"}
    assert keys == documented, f"not documented: {keys - documented}; not printed: {documented - keys}"


# -- data/README.md: the events schema --------------------------------------------------------------
def _table_fields(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"^\| `([a-z_]+)` \|", text, flags=re.MULTILINE)}


def test_every_event_field_is_documented_and_nothing_else():
    schema = _section(DATA_README, "## events.yaml")
    assert _table_fields(schema) == set(Event.model_fields)


@pytest.mark.parametrize("model", [Quote, Source])
def test_nested_fields_are_documented(model):
    schema = _section(DATA_README, "## events.yaml")
    row = schema[schema.index(f"| `{'quote' if model is Quote else 'sources'}` |") :].split("\n")[0]
    for field in model.model_fields:
        assert f"`{field}`" in row, f"{model.__name__}.{field} is not documented"


def test_the_category_table_matches_the_records():
    table = _section(DATA_README, "## Categories")
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", table, flags=re.MULTILINE))
    assert rows == {c.slug: c.label for c in CATEGORY_TABLE}
