"""Words for keyboard and screen-reader users that carry data, as plain text from pure functions (the UI
escapes them): the event picker's label, which names how many events of the chart it lists."""

from __future__ import annotations


def picker_label(n: int) -> str:
    """'Events in view (12): open one': the picker is the keyboard's way to every event on the chart."""
    if n <= 0:
        return "Events in view (none)"
    if n == 1:
        return "Events in view (1): open it"
    return f"Events in view ({n}): open one"
