"""An interactive, self-contained HTML file of a view (plotly.js inlined: it works offline and loads
nothing from anywhere), and the `<iframe>` snippet that embeds it in a page.

Everything that comes from the view or the data is escaped: the title, the description (the chart in
words, for screen readers) and the address under the chart."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import plotly.graph_objects as go
import plotly.io as pio

CHART_ID = "usjp-chart"
DESC_ID = "usjp-chart-desc"
FRAME_ID = "usjp-frame"
_STYLE = """
html, body { margin: 0; background: #ffffff; color: #1a1a1a;
  font-family: Inter, 'Source Sans Pro', 'DejaVu Sans', Arial, sans-serif; }
figure { margin: 0; }
#usjp-frame { width: max-content; transform-origin: 0 0; }
body { overflow-x: hidden; }
figcaption { font-size: 12px; color: #555555; padding: 4px 8px 8px; overflow-wrap: anywhere; }
figcaption a { color: #1b2f4b; }
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; border: 0; }
""".strip()


def _http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def embed_html(
    figure: go.Figure, *, title: str, description: str, link_line: str, link: str | None, filename: str = "chart"
) -> bytes:
    """The page: `<html lang="en">` with `title`, a <figure> named by the title and described by
    `description` (visually hidden), the chart, and under it `link_line` as text, its address `link`
    clickable when it is an http(s) URL. The toolbar has no Plotly logo and saves a 2x PNG named
    `filename`.

    The chart keeps the size its labels were laid out for (usjp.figures.labels): in a narrower frame the
    whole page is scaled down to fit (a CSS scale, set by a few lines of script of ours; plotly.js maps
    the pointer through it), never re-flowed, so
    labels cannot run into each other."""
    width = int(figure.layout.width or 1200)
    height = int(figure.layout.height or 600)
    config = {
        "displaylogo": False,
        "doubleClick": "reset",
        "responsive": False,
        "toImageButtonOptions": {"format": "png", "scale": 2, "filename": filename},
    }
    chart = pio.to_html(
        figure,
        config=config,
        include_plotlyjs=True,
        include_mathjax=False,
        full_html=False,
        div_id=CHART_ID,
        default_width=f"{width}px",
        default_height=f"{height}px",
    )
    caption = html.escape(link_line)
    if link and _http(link) and link in link_line:
        before, _, after = link_line.partition(link)
        anchor = f'<a href="{html.escape(link, quote=True)}">{html.escape(link)}</a>'
        caption = html.escape(before) + anchor + html.escape(after)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
{_STYLE}
</style>
</head>
<body>
<div id="{FRAME_ID}">
<figure aria-label="{html.escape(title, quote=True)}" aria-describedby="{DESC_ID}">
<p id="{DESC_ID}" class="visually-hidden">{html.escape(description)}</p>
{chart}
<figcaption>{caption}</figcaption>
</figure>
</div>
<script>
(function () {{
  var frame = document.getElementById("{FRAME_ID}");
  function fit() {{
    var scale = Math.min(1, document.documentElement.clientWidth / {width});
    frame.style.transform = "scale(" + scale + ")";
    document.body.style.height = Math.ceil(frame.offsetHeight * scale) + "px";
  }}
  window.addEventListener("resize", fit);
  fit();
}})();
</script>
</body>
</html>
"""
    return page.encode()


def iframe_snippet(src: str, width: int, height: int, title: str) -> str:
    """`<iframe src=... width=... height=... title=... loading="lazy">` for copying into a page: `src` an
    http(s) URL or a file name (a relative address); every attribute escaped. ValueError for any other
    scheme (javascript:, data:, ...)."""
    if re.match(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:", src) and not _http(src.strip()):
        raise ValueError("an iframe's address must be an http(s) URL or a file name")
    attrs = {
        "src": src.strip(),
        "width": str(int(width)),
        "height": str(int(height)),
        "title": title,
        "loading": "lazy",
        "style": "border:0;max-width:100%",
    }
    return "<iframe " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + "></iframe>"
