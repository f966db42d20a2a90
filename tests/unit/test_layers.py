"""The import arrows between the app's layers: a scan of every import in app.py, pages/ and usjp/.

    app.py, pages/ -> usjp/ui -> usjp/{story, publish, figures, views, analysis, data}
        -> usjp/{catalog, events, releases, paths}
    (publish draws through figures; figures draw a view, so they read usjp.views' View records; a story
    is views with captions: it reads its files through the data layer and prints through publish)
    usjp/cli (and `python -m usjp`) may import anything except usjp.ui.

Imports inside functions (lazy imports) and under `if TYPE_CHECKING:` count too: they are arrows all
the same. Only app.py, pages/ and usjp/ui import Streamlit. A reviewed exception goes into ALLOWED,
"path:line" -> why.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ALLOWED: dict[str, str] = {}  # empty: there is no reviewed exception

CORE = {"catalog", "events", "paths", "releases"}
# Layer of the importing file -> the usjp layers it may import (its own included where allowed).
MAY_IMPORT: dict[str, set[str]] = {
    "entry": {"ui"},  # app.py and pages/: usjp.ui only (plus Streamlit and the standard library)
    "ui": {"ui", "story", "views", "figures", "publish", "analysis", "data", "data.sources", "cli", "root", *CORE},
    "story": {"story", "publish", "figures", "views", "analysis", "data", *CORE},
    "views": {"views", "analysis", *CORE},
    "figures": {"figures", "views", "analysis", *CORE},
    "publish": {"publish", "figures", "views", "analysis", *CORE},
    "analysis": {"analysis", "catalog", "events", "releases"},
    "data": {"data", "data.sources", *CORE},
    "data.sources": {"data.sources"},
    "catalog": CORE,
    "events": CORE,
    "releases": CORE,
    "paths": CORE,
    "cli": {"cli", "story", "views", "figures", "publish", "analysis", "data", "data.sources", "root", *CORE},
    "root": set(),  # usjp/__init__.py: the package's docstring, nothing else
}
NAMES = {"entry": "app.py and pages/", "root": "usjp/__init__.py"}
STREAMLIT_LAYERS = {"entry", "ui"}
# Entry scripts import nothing third-party but Streamlit: their heavy imports live in usjp.ui.
ENTRY_THIRD_PARTY = {"streamlit"}


def source_files() -> list[Path]:
    files = [REPO / "app.py", *sorted((REPO / "pages").glob("*.py")), *sorted((REPO / "usjp").rglob("*.py"))]
    return [f for f in files if "__pycache__" not in f.parts]


def module_of(rel: str) -> str:
    """'usjp/data/store.py' -> 'usjp.data.store'; 'usjp/ui/__init__.py' -> 'usjp.ui'."""
    parts = list(Path(rel).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of_module(module: str) -> str:
    """The layer a usjp module belongs to ('data.sources' apart from 'data'; '__main__' is the CLI's)."""
    parts = module.split(".")
    if len(parts) == 1:
        return "root"
    if parts[1] == "data" and len(parts) > 2 and parts[2] == "sources":
        return "data.sources"
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


def layer_of_file(rel: str) -> str:
    if rel == "app.py" or rel.startswith("pages/"):
        return "entry"
    return layer_of_module(module_of(rel))


def imported_modules(node: ast.Import | ast.ImportFrom, this_module: str, is_package: bool) -> list[str]:
    """The modules an import statement loads: `from usjp import analysis` -> ['usjp.analysis'];
    relative imports resolved against `this_module`."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = this_module.split(".") if is_package else this_module.split(".")[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join([*package, *([base] if base else [])])
    # `from package import name` loads package.name when name is a submodule; treat it as one
    # (for a plain attribute the layer is the package's own, so the verdict is the same).
    if base == "usjp" or base.startswith("usjp."):
        return [f"{base}.{alias.name}" if alias.name != "*" else base for alias in node.names]
    return [base]


def layer_violations(source: str, rel: str) -> list[str]:
    """`file:line import ... : why` for every import in `source` (the file at repo path `rel`) that
    breaks the arrows."""
    layer = layer_of_file(rel)
    this_module = module_of(rel) if layer != "entry" else "__main__"
    is_package = rel.endswith("__init__.py")
    found = []
    for node in ast.walk(ast.parse(source, rel)):
        if not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        for module in imported_modules(node, this_module, is_package):
            top = module.split(".")[0]
            why = ""
            if top == "usjp":
                target = layer_of_module(module)
                if target == "ui" and layer not in ("entry", "ui"):
                    why = "nothing below the pages imports usjp.ui"
                elif target not in MAY_IMPORT[layer]:
                    allowed = ", ".join(sorted(MAY_IMPORT[layer])) or "nothing"
                    why = f"{NAMES.get(layer, layer)} may import only usjp.{{{allowed}}}, not usjp.{target}"
            elif top == "streamlit":
                if layer not in STREAMLIT_LAYERS:
                    why = "only app.py, pages/ and usjp/ui import streamlit"
            elif layer == "entry" and top not in sys.stdlib_module_names and top not in ENTRY_THIRD_PARTY:
                why = "app.py and pages/ import only usjp.ui, streamlit and the standard library"
            if why:
                found.append(f"{rel}:{node.lineno} {ast.unparse(node)}  <- {why}")
    return found


def test_every_import_follows_the_layer_arrows():
    files = source_files()
    assert any(f.name == "app.py" for f in files) and any("pages" in f.parts for f in files)
    assert any(f.match("usjp/data/sources/*.py") for f in files) and any(f.match("usjp/cli/*.py") for f in files)
    found = []
    for path in files:
        rel = path.relative_to(REPO).as_posix()
        found += [v for v in layer_violations(path.read_text(encoding="utf-8"), rel) if v.split(" ")[0] not in ALLOWED]
    assert not found, (
        "imports that break the layers (app.py, pages/ -> usjp/ui -> views/figures/publish/analysis/data "
        "-> catalog/events/paths; see docs/streamlit-notes.md):\n" + "\n".join(found)
    )


# -- the checker itself: each snippet breaks one arrow ------------------------------------------------
@pytest.mark.parametrize(
    ("rel", "snippet"),
    [
        ("pages/timeline.py", "from usjp.events import filter_events"),
        ("pages/timeline.py", "import pandas as pd"),
        ("pages/timeline.py", "def f():\n    from usjp.views.timeline import View"),
        ("app.py", "from usjp.data.events_file import EventError"),
        ("usjp/figures/style.py", "from usjp.ui import loaders"),
        ("usjp/figures/style.py", "def lazy():\n    import usjp.ui.loaders"),
        ("usjp/figures/style.py", "from ..ui import loaders"),
        ("usjp/figures/style.py", "from usjp.publish import csv_file"),
        ("usjp/figures/style.py", "from usjp.data import store"),
        ("usjp/views/timeline.py", "from usjp.figures import credits"),
        ("usjp/analysis/paths.py", "from usjp import paths"),
        ("usjp/data/store.py", "from usjp.analysis import Window"),
        ("usjp/data/sources/fred.py", "from usjp import catalog"),
        ("usjp/data/sources/fred.py", "from .. import store"),
        ("usjp/catalog.py", "from usjp.data import store"),
        ("usjp/events.py", "import streamlit as st"),
        ("usjp/data/store.py", "from streamlit.runtime import caching"),
        ("usjp/cli/stats.py", "from usjp.ui import loaders"),
        ("usjp/__main__.py", "from usjp.ui.boot import IMPORT_LOCK"),
        ("usjp/cli/stats.py", "if TYPE_CHECKING:\n    import streamlit"),
        ("usjp/__init__.py", "from usjp import catalog"),
    ],
)
def test_the_scan_finds_a_forbidden_import(rel, snippet):
    found = layer_violations(snippet, rel)
    assert len(found) == 1 and found[0].startswith(f"{rel}:"), found


@pytest.mark.parametrize(
    ("rel", "snippet"),
    [
        ("pages/timeline.py", "import streamlit as st\nfrom usjp.ui import boot, loaders\nimport datetime as dt"),
        ("app.py", "from usjp.ui.boot import IMPORT_LOCK\nwith IMPORT_LOCK:\n    from usjp.ui import loaders"),
        ("usjp/ui/loaders.py", "import pandas as pd\nfrom usjp.data import store\nfrom usjp.figures import credits"),
        ("usjp/figures/timeline.py", "import plotly.graph_objects as go\nfrom usjp import analysis, catalog, events"),
        ("usjp/figures/style.py", "from . import credits\nfrom .credits import caption"),
        ("usjp/views/timeline.py", "from usjp.analysis import Window\nfrom usjp.paths import events_path"),
        ("usjp/publish/csv_file.py", "from usjp.figures import tables"),
        ("usjp/data/refresh.py", "from usjp.data.sources import fred\nfrom usjp import catalog"),
        ("usjp/data/sources/fred.py", "from usjp.data.sources import net\nfrom .tidy import tidy"),
        ("usjp/events.py", "from usjp.catalog import SeriesSpec\nfrom __future__ import annotations"),
        ("usjp/cli/stats.py", "from usjp import analysis\nfrom usjp.data import store"),
    ],
)
def test_the_scan_leaves_allowed_imports_alone(rel, snippet):
    assert not layer_violations(snippet, rel)
