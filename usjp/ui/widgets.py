"""Widgets shared by pages: the event picker, the event details panel with its
"what happened after" tables."""

from __future__ import annotations

import math
from collections.abc import Sequence

import streamlit as st

from usjp.data.store import StoredSeries
from usjp.events import Event, category, status
from usjp.figures import a11y_words, credits, timeline_words
from usjp.figures import releases as release_words
from usjp.figures.tables import event_tables
from usjp.releases import Release
from usjp.ui import a11y, loaders
from usjp.ui.markdown import md_escape, md_link

NO_EVENT = ""
DETAILS_KEY = "event_details"  # the event details panel (its heading takes focus when an event is chosen)
# Background for |z| (one orange hue, darker = larger, so it reads without colour vision too).
Z_SHADES = ((3.0, "#C2410C", "#FFFFFF"), (2.0, "#FDBA74", "#1A1A1A"), (1.0, "#FFEDD5", "#1A1A1A"))


def render_data_notices(notices: Sequence[str]) -> None:
    """A stored copy that failed its check: what is shown instead (from loaders.data_notices)."""
    for notice in notices:
        st.warning(md_escape(notice), icon=":material/report:")


def render_events_notice(problems: Sequence[str], shown: int) -> None:
    """A damaged events file: the pages keep working with the events that passed, and say what failed."""
    if not problems:
        return
    what = f"{shown} event{'s' if shown != 1 else ''} that passed are shown" if shown else "no events can be shown"
    with st.container(border=True, key="events_problems"):
        st.warning(
            md_escape(
                f"The event timeline (data/events.yaml) has {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''}, so {what}; run “python -m usjp validate” for the full list."
            ),
            icon=":material/report:",
        )
        st.code("\n".join(problems[:20]), language=None, wrap_lines=True)


def z_style(value: object) -> str:
    """CSS for a z cell: shaded by |z|."""
    if not isinstance(value, int | float) or not math.isfinite(value):
        return ""
    for limit, background, colour in Z_SHADES:
        if abs(value) >= limit:
            return f"background-color: {background}; color: {colour}; font-weight: 600"
    return ""


def caption_of(item: StoredSeries) -> str:
    """A series' provenance line, escaped for markdown."""
    return md_escape(credits.caption(item))


def z_column(format: str | None = None) -> object:
    return st.column_config.NumberColumn("z", help=credits.Z_HELP, format=format)


def percentile_column(format: str | None = None) -> object:
    return st.column_config.NumberColumn("Percentile", help=credits.PERCENTILE_HELP, format=format)


def render_event_picker(events: Sequence[Event], key: str) -> None:
    """The keyboard's way to every event on the chart, and an alternative to clicking a marker (its value
    is the event id, "" for none). The page's "Skip to the events in view" link lands on it."""
    if key not in a11y.PICKER_KEYS:
        raise ValueError(f"event picker key {key!r} is not in usjp.ui.a11y.PICKER_KEYS (the skip link's list)")
    options = [NO_EVENT, *[e.id for e in events]]
    if st.session_state.get(key) not in options:
        options.append(st.session_state[key])
    by_id = {e.id: e for e in events}
    st.selectbox(
        a11y_words.picker_label(len(by_id)),  # our words and a count: nothing to escape
        options,
        format_func=lambda i: (
            "Click a marker or choose an event…"
            if i == NO_EVENT
            else (timeline_words.event_option(by_id[i]) if i in by_id else i)
        ),
        key=key,
    )
    a11y.note_pick(key, st.session_state.get(key))


def render_event_details(event: Event, related: Sequence[StoredSeries], all_events: Sequence[Event]) -> None:
    """Summary, sourcing, quote, sources, and what the related series did after (event-window statistics).
    When the reader has just chosen the event, focus moves to its heading (a11y.focus_details)."""
    with st.container(border=True, key=DETAILS_KEY):
        st.markdown(f"## {md_escape(event.title)}")
        a11y.focus_details(event.id, DETAILS_KEY)
        span = f" to {event.end:%d %b %Y}" if event.end else ""
        sourcing = status(event.status)
        label = "" if not sourcing.hollow else f" · {sourcing.label.lower()}"
        st.caption(
            f"{event.date:%A %d %B %Y}{span} · {category(event.category).label} · "
            f"importance {event.importance}/3{label}"
        )
        if sourcing.sourcing:
            st.info(md_escape(sourcing.sourcing), icon=":material/help:")
        st.markdown(md_escape(event.summary))
        if event.quote:
            render_quote(event)
        if event.timing_note:
            st.caption(f"Timing: {md_escape(event.timing_note)}")
        lines = []
        for source in event.sources:
            when = f", {source.published}" if source.published else ""
            name = md_link(source.name, source.url) + ("" if source.title else " (our description; headline not known)")
            lines.append(f"- {md_escape(source.publisher)}: {name}{md_escape(when)}")
        st.markdown("**Sources**\n\n" + "\n".join(lines))
        render_event_stats(event, related, all_events)


def render_quote(event: Event) -> None:
    """The quote in English and, when it was not said in English, the original words beside it."""
    quote = event.quote
    assert quote is not None
    who = md_escape(quote.speaker)
    if quote.original is None:
        st.markdown(f"> “{md_escape(quote.text)}”  \n> — {who}")
        return
    english, original = st.columns(2)
    with english:
        st.markdown(f"> “{md_escape(quote.text)}”  \n> — {who}")
        st.caption(md_escape(credits.translation_line(quote.translated_by or "", quote.ours)))
    with original:
        st.markdown(f"> {md_escape(quote.original)}")
        st.caption(md_escape(credits.original_line(quote.language)))


def render_event_stats(
    event: Event,
    related: Sequence[StoredSeries],
    all_events: Sequence[Event],
    releases: Sequence[Release] | None = None,
) -> None:
    """The 'what happened after' tables and the confounder warning (other events and scheduled releases in
    the windows), inside the event details panel. `releases` default to the calendar (loaders)."""
    calendar_problems: list[str] = []
    if releases is None:
        releases, calendar_problems = loaders.load_releases()
    daily, periods, confounders, in_windows = event_tables(
        event, [(s.spec, s.values) for s in related], all_events, releases
    )
    if len(daily):
        st.markdown("**What happened after**")
        styled = daily.style.map(z_style, subset=["z"]).format({"z": "{:+.1f}", "Percentile": "{:.0f}"}, na_rep="n/a")
        st.dataframe(
            styled,
            hide_index=True,
            width="stretch",
            placeholder="n/a",
            key="event_stats_table",
            column_config={
                "z": z_column(),
                "Percentile": percentile_column(),
                "Other events": st.column_config.NumberColumn(
                    "Other events", help="Other timeline events inside the window"
                ),
                release_words.COLUMN: st.column_config.NumberColumn(
                    release_words.COLUMN, help=release_words.COLUMN_HELP
                ),
                "Note": st.column_config.TextColumn("Note", width="large"),
            },
        )
        st.caption(credits.STATS_CAPTION)
    if confounders:
        by_id = {e.id: e for e in all_events}
        names = [f"- {by_id[i].date:%d %b %Y}: {md_escape(by_id[i].title)}" for i in confounders if i in by_id]
        st.warning(
            "Other events fall inside these windows, so the moves are not this event's alone:\n\n" + "\n".join(names),
            icon="⚠️",
        )
    if found := release_words.known(in_windows, {r.id: r for r in releases}):
        lines = [f"- {md_escape(release_words.release_warning(r))}" for r in found]
        st.warning(md_escape(release_words.WARNING_LEAD) + "\n\n" + "\n".join(lines), icon="⚠️")
    if calendar_problems:
        st.caption(md_escape(release_words.calendar_notice(len(calendar_problems))))
    if len(periods):
        st.markdown("**Monthly and quarterly series** (no z-score: too few observations around one event)")
        st.dataframe(periods, hide_index=True, width="stretch", key="event_period_table")
