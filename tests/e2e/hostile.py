"""Hostile inputs shared by the security tests: an event full of HTML/markdown/LaTeX tricks, fake secrets.

Every trick, if it ever ran, would set `window.__pwned`; the tests assert it never does and that the
text shows literally.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from tests.builders import event_fields

EVENT_ID = "hostile-input-test"
# <b> is one of the tags Plotly renders in labels: it shows whether the chart escapes the title.
TITLE = "<img src=x onerror=window.__pwned='title'> <b>b</b> [x](javascript:alert(1)) $\\LaTeX$"
SUMMARY = (
    "<script>window.__pwned='summary'</script> and <img src=x onerror=window.__pwned='summary-img'> "
    "and [click](javascript:window.__pwned='link') and $\\LaTeX$ and **bold** and <b>raw</b> and :red[red]."
)
QUOTE = "<iframe src=javascript:window.__pwned='quote'></iframe> $1.13trn is a [card](javascript:alert(1))"
SPEAKER = "<svg onload=window.__pwned='speaker'>"
SOURCE_TITLE = "<script>window.__pwned='source'</script>[x](javascript:alert(1))"
PUBLISHER = "**Pub** <u>lisher</u>"
# A valid http(s) URL that tries to close the markdown link and open a javascript: one.
TRICKY_URL = "https://example.com/a)](javascript:window.__pwned='url')"
# Texts that must be visible literally (exactly as written) in the details panel.
LITERAL_TEXTS = (TITLE, SUMMARY, QUOTE, SPEAKER, SOURCE_TITLE, PUBLISHER)

JAVASCRIPT_URLS = (
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://example.com/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example/x",
)

FAKE_ENV_KEY = "envfake0123456789abcdef0123456789"
FAKE_SECRETS_KEY = "tomlfake0123456789abcdef012345678"


def hostile_event(url: str = TRICKY_URL, **overrides: object) -> dict:
    """A valid event (tests/builders.py's, dated inside the default 2025 range) whose every text field
    is hostile."""
    hostile = {
        "id": EVENT_ID,
        "date": "2025-03-17",
        "title": TITLE,
        "summary": SUMMARY,
        "importance": 3,
        "series": ["ust10y", "usdjpy"],
        "quote": {"text": QUOTE, "language": "en", "speaker": SPEAKER},
        "sources": [
            {"publisher": PUBLISHER, "title": SOURCE_TITLE, "url": url, "published": "2025-03-17"},
            {"publisher": "Plain", "title": "A plain second source", "url": "https://example.org/plain"},
        ],
    }
    return event_fields(**{**hostile, **overrides})


def append_event(events_yaml: Path, event: dict) -> None:
    """Append one event to an events.yaml (a copy: never the repo's)."""
    text = events_yaml.read_text(encoding="utf-8").rstrip("\n") + "\n"
    events_yaml.write_text(text + yaml.safe_dump([event], allow_unicode=True, sort_keys=False), encoding="utf-8")


# Runs in the page: anything a hostile string could have created or run. (The literal text may sit in
# plain data attributes, e.g. an input's value or Plotly's data-unformatted: that is inert.)
INJECTED = r"""() => {
  const found = [];
  if (window.__pwned !== undefined) found.push('window.__pwned=' + window.__pwned);
  for (const el of document.querySelectorAll('img[src="x"], iframe, object, embed')) {
    found.push(el.outerHTML.slice(0, 200));
  }
  for (const s of document.scripts) if (s.textContent.includes('__pwned')) found.push('script: ' + s.textContent);
  const urlAttrs = ['href', 'src', 'xlink:href', 'action', 'formaction', 'srcdoc', 'data'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) found.push('handler: ' + el.outerHTML.slice(0, 200));
      else if (urlAttrs.includes(name) && /^(javascript|vbscript|data:text\/html)/.test(value.replace(/\s/g, '')))
        found.push('url: ' + el.outerHTML.slice(0, 200));
    }
  }
  return found;
}"""
