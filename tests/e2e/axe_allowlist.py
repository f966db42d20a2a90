"""Serious or critical axe-core findings inside Streamlit's or Plotly's own markup that the app cannot fix,
each with the upstream issue that tracks it. Keep this list short: an entry is a debt, not a fix.

An entry matches a finding by its rule and a piece of the CSS selector axe reports (`where`)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Allowed:
    rule: str  # the axe rule id, e.g. "color-contrast"
    where: str  # a substring of the reported CSS selector
    why: str
    upstream: str  # the issue in the project that owns the markup


ALLOWED: tuple[Allowed, ...] = ()


def allowed(finding: dict) -> bool:
    target = " ".join(str(t) for t in finding["target"])
    return any(a.rule == finding["rule"] and a.where in target for a in ALLOWED)
