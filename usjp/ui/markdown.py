"""Data-derived text made safe for Streamlit markdown: escaped, and links limited to http(s)."""

from __future__ import annotations

import re
from urllib.parse import quote

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def md_escape(text: str) -> str:
    """Escape every markdown, HTML and LaTeX trigger so the text shows exactly as written."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), with characters that could end a markdown link encoded; else None."""
    if not url or not re.match(r"^https?://", url, flags=re.IGNORECASE):
        return None
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def md_link(label: str, url: str | None) -> str:
    """A markdown link, or the plain escaped label when the URL is not http(s)."""
    target = safe_url(url)
    return f"[{md_escape(label)}]({target.replace(')', '%29').replace('(', '%28')})" if target else md_escape(label)
