"""The start-up rules of app.py and pages/ (docs/streamlit-notes.md), checked without a server.

- Nothing app.py imports before its import lock loads pandas (or any other heavy module): on a fresh
  server, sessions run app.py in parallel threads, and Plotly's figure code must never find pandas
  half-imported by another session.
- app.py's own usjp imports sit inside `with IMPORT_LOCK:`, after the preload and st.navigation.
- Every page calls boot.ensure_app_navigation() before anything else, and its url_path is its file
  name (the legacy pages/ mode finds a deep link by file name).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "app.py"
PAGE_FILES = sorted((REPO / "pages").glob("*.py"))
HEAVY = ("pandas", "plotly", "numpy", "pyarrow", "pydantic", "yaml")
BEFORE_THE_LOCK = ("usjp.ui.boot", "usjp.ui.nav")  # the only usjp modules app.py imports outside the lock

# Run in a fresh interpreter: what `import streamlit` loads, then what boot and nav add to it.
PROBE = """
import json, sys
import streamlit
before = set(sys.modules)
import usjp.ui.boot, usjp.ui.nav
print(json.dumps({"added": sorted(set(sys.modules) - before), "loaded": sorted(sys.modules)}))
"""


def test_boot_and_nav_import_nothing_heavy():
    """Streamlit 1.67 itself imports plotly.graph_objects (its Plotly theme), never pandas; boot and nav
    must add nothing but themselves and the standard library."""
    run = subprocess.run([sys.executable, "-c", PROBE], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    modules = json.loads(run.stdout.splitlines()[-1])
    added, loaded = modules["added"], set(modules["loaded"])
    for name in ("pandas", "numpy", "pyarrow", "pydantic", "yaml", "usjp.data.store"):
        assert name not in loaded, f"importing usjp.ui.boot and usjp.ui.nav loads {name}"
    ours = {"usjp", "usjp.ui", "usjp.ui.boot", "usjp.ui.nav"}
    foreign = [m for m in added if m not in ours and m.split(".")[0] not in sys.stdlib_module_names]
    assert not foreign, f"usjp.ui.boot and usjp.ui.nav import more than Streamlit already did: {foreign}"


# -- app.py ---------------------------------------------------------------------------------------
def _is_import_lock(node: ast.AST) -> bool:
    return isinstance(node, ast.With) and any(
        isinstance(item.context_expr, ast.Name) and item.context_expr.id == "IMPORT_LOCK" for item in node.items
    )


def imports_outside_the_lock(source: str, filename: str = "app.py") -> list[str]:
    """`file:line statement` for each import that must sit inside `with IMPORT_LOCK:` but does not: a usjp
    module other than boot and nav, or a heavy library. Fails too when the lock block is missing."""
    tree = ast.parse(source, filename)
    locks = [n for n in tree.body if _is_import_lock(n)]
    if not locks:
        return [f"{filename}: no module-level `with IMPORT_LOCK:` block"]
    inside = {id(n) for lock in locks for n in ast.walk(lock)}
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Import | ast.ImportFrom) or id(node) in inside:
            continue
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif node.module in ("usjp", "usjp.ui"):
            modules = [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            modules = [node.module or ""]
        for module in modules:
            usjp = module.split(".")[0] == "usjp" and module not in BEFORE_THE_LOCK
            if usjp or module.split(".")[0] in HEAVY:
                found.append(f"{filename}:{node.lineno} {ast.unparse(node)}")
    return found


def test_app_imports_its_modules_under_the_import_lock():
    found = imports_outside_the_lock(APP.read_text(encoding="utf-8"))
    assert not found, "app.py imports these outside `with IMPORT_LOCK:` (usjp/ui/boot.py says why):\n" + "\n".join(
        found
    )


def test_app_imports_the_lock_from_boot_and_preloads_and_navigates_before_it():
    """The browser starts fetching the chart code and shows the page names while the server imports."""
    tree = ast.parse(APP.read_text(encoding="utf-8"))
    body = [ast.unparse(n) for n in tree.body]
    lock = next(i for i, n in enumerate(tree.body) if _is_import_lock(n))
    before = "\n".join(body[:lock])
    assert "from usjp.ui.boot import IMPORT_LOCK" in before
    assert "load_chart_code(" in before and "st.navigation(" in before


@pytest.mark.parametrize(
    "snippet",
    [
        "from usjp.ui import loaders",
        "import pandas as pd\nwith IMPORT_LOCK:\n    from usjp.ui import loaders",
        "from usjp.data.events_file import EventError\nwith IMPORT_LOCK:\n    pass",
        "with IMPORT_LOCK:\n    pass\nfrom usjp.ui.refresh import render_refresh_control",
        "with IMPORT_LOCK:\n    pass\nimport plotly.graph_objects as go",
        "with IMPORT_LOCK:\n    pass\ndef f():\n    from usjp.ui import loaders",
        "with IMPORT_LOCK:\n    pass\nfrom usjp.ui import boot, loaders",
        "with open(path):\n    from usjp.ui import loaders",
    ],
)
def test_the_lock_check_finds_an_import_outside_the_lock(snippet):
    assert imports_outside_the_lock(snippet)


def test_the_lock_check_accepts_the_pattern():
    source = (
        "import streamlit as st\nfrom usjp.ui.boot import IMPORT_LOCK\nfrom usjp.ui.nav import PAGES\n"
        "with IMPORT_LOCK:\n    import pandas as pd\n    from usjp.ui import loaders\n"
    )
    assert not imports_outside_the_lock(source)


# -- pages/ ---------------------------------------------------------------------------------------
PAGE_OPENING = ["import streamlit as st", "from usjp.ui import boot", "boot.ensure_app_navigation()"]


def page_opening_problems(source: str, filename: str = "<page>") -> list[str]:
    """What is wrong with a page's first statements: a docstring, then exactly PAGE_OPENING."""
    body = ast.parse(source, filename).body
    has_doc = bool(body) and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
    if not has_doc or not isinstance(body[0].value.value, str):
        return [f"{filename}: the first statement is not the page's docstring"]
    opening = [ast.unparse(n) for n in body[1 : 1 + len(PAGE_OPENING)]]
    if opening != PAGE_OPENING:
        return [f"{filename}: the page starts {opening}, not {PAGE_OPENING}"]
    return []


@pytest.mark.parametrize("page", PAGE_FILES, ids=lambda p: p.name)
def test_page_leaves_legacy_mode_before_anything_else(page):
    problems = page_opening_problems(page.read_text(encoding="utf-8"), f"pages/{page.name}")
    assert not problems, "\n".join(problems) + "\n(why: docs/streamlit-notes.md)"


@pytest.mark.parametrize(
    "snippet",
    [
        '"""Doc."""\nimport streamlit as st\nfrom usjp.ui import boot\nfrom usjp.ui import loaders\n'
        "boot.ensure_app_navigation()",
        '"""Doc."""\nimport streamlit as st\nfrom usjp.ui import boot\nst.title("x")\nboot.ensure_app_navigation()',
        '"""Doc."""\nimport pandas\nimport streamlit as st\nfrom usjp.ui import boot\nboot.ensure_app_navigation()',
        'import streamlit as st\nfrom usjp.ui import boot\nboot.ensure_app_navigation()\n"""Doc."""',
        '"""Doc."""\nimport streamlit as st\nfrom usjp.ui import boot',
    ],
)
def test_the_page_check_finds_a_late_boot_call(snippet):
    assert page_opening_problems(snippet)


def test_timeline_page_keeps_its_ordering_rules():
    """pages/timeline.py: URL state and a clicked marker are taken before any widget is drawn; the chart
    (in a fragment that reruns the whole page on a marker click and writes the URL) is sent before the
    sidebar controls, whose slot is reserved first."""
    body = ast.parse((REPO / "pages" / "timeline.py").read_text(encoding="utf-8")).body
    code = [ast.unparse(n) for n in body]

    def first(text: str) -> int:
        return next(i for i, c in enumerate(code) if text in c)

    fragments = [
        n
        for n in body
        if isinstance(n, ast.FunctionDef)
        and any(ast.unparse(d) == "st.fragment" for d in n.decorator_list)
        and "chart.show_scales(" in ast.unparse(n)
    ]
    assert len(fragments) == 1, "the chart is drawn in one @st.fragment function"
    panel = ast.unparse(fragments[0])
    assert "chart_click_pending()" in panel and "st.rerun()" in panel and ".write(" in panel
    chart = code.index(f"{fragments[0].name}()")
    order = [first(".sync()"), first("take_chart_click("), first("st.sidebar.container()"), chart]
    assert order == sorted(order), "URL sync, then the click, then the sidebar slot, then the chart"
    assert chart < first("render_controls("), "the chart is sent before the sidebar controls are drawn"
    assert first("take_chart_click(") < first("render_event_picker("), "the click is taken before the picker"


def test_the_streamlit_flag_the_boot_guard_sets_still_exists():
    """boot.ensure_app_navigation sets this (private) class attribute as st.navigation does; without it
    the guard silently does nothing and deep links on a fresh server lose the app's navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    assert hasattr(PagesManager, "uses_pages_directory")


def test_every_page_is_registered_and_its_url_path_is_its_file_name():
    """In legacy pages/ mode Streamlit finds /event_study by the file pages/event_study.py; a different
    url_path would show "Page not found" to a fresh server's first visitor."""
    from usjp.ui.nav import PAGES

    assert sorted(Path(p.script).name for p in PAGES) == [p.name for p in PAGE_FILES]
    for spec in PAGES:
        assert (REPO / spec.script).is_file() and Path(spec.script).parent == Path("pages")
        if spec.url_path:
            assert spec.url_path == Path(spec.script).stem, spec
    assert [p.url_path for p in PAGES].count("") == 1  # one home page, at "/"
