"""The address of a view: the public base URL (`USJP_PUBLIC_URL`) + the page's path + the view's query,
and the line that carries it into an exported figure's footer."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from usjp.views.timeline import View, to_params

ENV = "USJP_PUBLIC_URL"
TIMELINE_PATH = ""  # the timeline is the home page
LOCAL = "Local view (no public address set)"


@dataclass(frozen=True)
class PublicBase:
    """The public base URL (None: not set or not usable) and why it was ignored ("" when it was not)."""

    url: str | None
    warning: str = ""


def check_base(raw: str | None, source: str = ENV) -> PublicBase:
    """An http(s) base URL without query or fragment (trailing slash removed); anything else is ignored
    with a warning saying so (never quoting the value: it may be long or hostile)."""
    if raw is None or not raw.strip():
        return PublicBase(None)
    text = raw.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    usable = (
        parts is not None
        and parts.scheme.lower() in ("http", "https")
        and bool(parts.hostname)
        and not parts.query
        and not parts.fragment
        and not parts.username
        and not parts.password
        and all(ch.isprintable() and not ch.isspace() for ch in text)
    )
    if not usable:
        return PublicBase(None, f"{source} is not an http(s) address (like https://example.org), so it was ignored.")
    return PublicBase(text.rstrip("/"))


def public_base(environ: Mapping[str, str] | None = None) -> PublicBase:
    """The base URL from the environment (`USJP_PUBLIC_URL`)."""
    return check_base((os.environ if environ is None else environ).get(ENV))


def query(view: View) -> str:
    """The view's query string without '?' ("" for the default view)."""
    return urlencode(to_params(view))


def permalink(view: View, base: str | None, path: str = TIMELINE_PATH) -> str:
    """'https://host/?series=...' with a base, else the query alone ('?series=...', '' for the default view)."""
    q = query(view)
    suffix = f"?{q}" if q else ""
    if base is None:
        return suffix
    return f"{base}/{path}{suffix}"


def link_line(view: View, base: str | None, path: str = TIMELINE_PATH) -> str:
    """The footer's line: 'Interactive view: https://host/?series=...', or, with no public address,
    'Local view (no public address set): ?series=...'."""
    if base is not None:
        return f"Interactive view: {permalink(view, base, path)}"
    return f"{LOCAL}: {permalink(view, None, path) or 'the default view'}"
