"""No raw HTML in the app: a scan of every .py file for the Streamlit calls that render HTML as markup.

Data-derived text reaches the page only through escaped markdown (usjp/ui/text.py) and Plotly's
escaped labels. `unsafe_allow_html=True`, `st.html` and `components.html` would bypass that, so any
use fails here; if one is ever needed, it needs a reviewed exception in ALLOWED with its reason.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "venv", "artifacts", "wheelhouse", "node_modules", "build", "dist", "__pycache__"}
RISKY_KEYWORDS = {"unsafe_allow_html", "unsafe_allow_javascript"}
# "path:line" -> why it is safe. Empty: there is no reviewed exception.
ALLOWED: dict[str, str] = {}


def python_files(root: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")]
        found += [Path(folder) / f for f in files if f.endswith(".py")]
    return sorted(found)


def _root_name(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.value if isinstance(node, ast.Attribute) else node.func
    return node.id if isinstance(node, ast.Name) else ""


def raw_html_uses(source: str, filename: str = "<source>") -> list[str]:
    """`file:line what` for every call that could render a string as HTML or run it as script."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            off = isinstance(keyword.value, ast.Constant) and keyword.value.value is False
            if keyword.arg in RISKY_KEYWORDS and not off:
                found.append(f"{filename}:{node.lineno} {keyword.arg}={ast.unparse(keyword.value)}")
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in ("html", "iframe"):
            chain = ast.unparse(func)
            if _root_name(func) in ("st", "streamlit") or "components" in chain:
                found.append(f"{filename}:{node.lineno} {chain}(...)")
    return found


def test_no_raw_html_anywhere_in_the_repo():
    files = python_files(REPO)
    assert any(f.name == "app.py" for f in files) and any("pages" in f.parts for f in files)
    uses = []
    for path in files:
        rel = str(path.relative_to(REPO))
        uses += [u for u in raw_html_uses(path.read_text(encoding="utf-8"), rel) if u.split(" ")[0] not in ALLOWED]
    assert not uses, "raw HTML in the app (escape the text instead, see usjp/ui/text.py):\n" + "\n".join(uses)


@pytest.mark.parametrize(
    "snippet",
    [
        "st.markdown(text, unsafe_allow_html=True)",
        "st.markdown(text, unsafe_allow_html=flag)",
        "st.sidebar.write(text, unsafe_allow_html=1)",
        "st.html(summary)",
        "st.html(summary, unsafe_allow_javascript=True)",
        "components.html(summary)",
        "st.components.v1.html(summary)",
        "streamlit.components.v1.iframe(url)",
        "with st.sidebar:\n    st.caption(x, unsafe_allow_html=True)",
    ],
)
def test_the_scan_finds_raw_html(snippet):
    assert raw_html_uses(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "st.markdown(md_escape(text))",
        "st.markdown(text, unsafe_allow_html=False)",
        "html.escape(text)",
        "fig.write_html(path)",
        "'unsafe_allow_html=True'",
    ],
)
def test_the_scan_leaves_safe_calls_alone(snippet):
    assert not raw_html_uses(snippet)
