"""The holdings page's panels: its URL binding, controls, the figure's inputs, the latest figures and
"what was known when" for the selected event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

import plotly.graph_objects as go
import streamlit as st

from usjp import catalog
from usjp.analysis import holdings as calc
from usjp.analysis.holdings import Publication, TicVintage
from usjp.data import interventions
from usjp.data.store import StoredSeries
from usjp.events import Event
from usjp.figures import holdings_words as words
from usjp.figures.holdings import HoldingsData, build_holdings_figure
from usjp.figures.style import export_config
from usjp.ui import loaders
from usjp.ui.keys import HOLDINGS as KEYS
from usjp.ui.markdown import md_escape
from usjp.ui.timeline import selected_from_chart
from usjp.ui.url_state import UrlBinding
from usjp.views.holdings import SINCE_CHOICES, HoldingsView, parse_holdings_view, to_params

HOLDERS = {"Japan": "tic_japan", "China": "tic_china", "United Kingdom": "tic_uk"}
TOTAL, DEBT = "tic_total", "foreign_debt"
KEYS_SHOWN = (*HOLDERS.values(), TOTAL, DEBT, catalog.INTERVENTIONS)
LANE_CATEGORIES = ("treasury-leverage", "data-release")
LAST_CLICK = "_hd_last_click"


def binding(event_ids: Sequence[str]) -> UrlBinding[HoldingsView]:
    """The page's view in the URL: known (publication dates), since (first year), event."""
    return UrlBinding(
        page="holdings",
        parse=lambda params: parse_holdings_view(params, event_ids),
        apply=apply_view,
        to_params=to_params,
        widget_keys=KEYS.widgets(),
    )


def apply_view(view: HoldingsView) -> None:
    state = st.session_state
    state[KEYS.known] = view.known
    state[KEYS.since] = view.since
    state[KEYS.event] = view.event


def take_chart_click() -> None:
    """A newly clicked marker or bar becomes the selected event (before the picker is drawn)."""
    clicked = selected_from_chart(st.session_state.get(KEYS.chart))
    if clicked and clicked != st.session_state.get(LAST_CLICK):
        st.session_state[KEYS.event] = clicked
    st.session_state[LAST_CLICK] = clicked


def current_view() -> HoldingsView:
    state = st.session_state
    return HoldingsView(known=bool(state[KEYS.known]), since=int(state[KEYS.since]), event=state[KEYS.event] or "")


def render_intro() -> None:
    st.title(words.PAGE_TITLE)
    st.caption(words.PAGE_CAPTION)


def render_mode_note(view: HoldingsView, data: HoldingsData) -> None:
    """In 'known' mode, say what the chart leaves out (the foreign-held debt's publication dates are not stored)."""
    if view.known and data.debt is not None:
        st.caption(md_escape(words.debt_left_out()))


def render_controls() -> None:
    left, right = st.columns([3, 1])
    left.toggle(words.KNOWN_TOGGLE, key=KEYS.known, help=words.KNOWN_HELP)
    choices = list(SINCE_CHOICES)
    if st.session_state.get(KEYS.since) not in choices:
        choices.append(st.session_state[KEYS.since])  # a year from the URL
    right.selectbox(words.SINCE_LABEL, sorted(choices), key=KEYS.since)


# -- data -----------------------------------------------------------------------------------------
def lane_events(all_events: Sequence[Event]) -> list[Event]:
    """The events drawn in the lane: Treasuries as leverage and data releases."""
    return [e for e in all_events if e.category in LANE_CATEGORIES]


def picker_events(all_events: Sequence[Event], selected: str) -> list[Event]:
    """The picker's events: the lane's, plus the selected one when it is another (a clicked intervention bar)."""
    lane = lane_events(all_events)
    extra = [e for e in all_events if e.id == selected and e not in lane]
    return sorted([*lane, *extra], key=lambda e: (e.date, e.id))


def holdings_data(all_events: Sequence[Event]) -> HoldingsData | None:
    """The figure's inputs from the stored series (None when Japan's or the total's holdings are missing)."""
    japan, total = loaders.load_series(HOLDERS["Japan"]), loaders.load_series(TOTAL)
    if japan is None or total is None:
        return None
    holders = {name: item.values for name, key in HOLDERS.items() if (item := loaders.load_series(key)) is not None}
    debt = loaders.load_series(DEBT)
    record = loaders.load_series(catalog.INTERVENTIONS)
    days = {e.date: e.id for e in all_events if e.id.startswith(interventions.ID_PREFIX)}
    months = [t.date() for t in total.values.index]
    return HoldingsData(
        holders=holders,
        total=total.values,
        published=calc.publications(months, all_events),
        debt=debt.values if debt is not None else None,
        interventions=record.values if record is not None else None,
        intervention_ids=days,
        events=lane_events(all_events),
    )


def shown_series() -> list[StoredSeries]:
    return loaders.load_many(KEYS_SHOWN)


# -- figure ---------------------------------------------------------------------------------------
def headline(data: HoldingsData) -> tuple[dt.date, float, float, float | None, float]:
    """(latest month with both Japan and the total, Japan, share %, 12-month change or None, total)."""
    share = calc.share(data.holders["Japan"], data.total)
    stamp = share.index[-1]
    change = calc.change_12m(data.holders["Japan"])
    return (
        stamp.date(),
        float(data.holders["Japan"][stamp]),
        float(share.iloc[-1]),
        float(change[stamp]) if stamp in change.index else None,
        float(data.total[stamp]),
    )


def figure(data: HoldingsData, view: HoldingsView, compact: bool) -> go.Figure:
    """The page's chart, built once per view and data version and shared (loaders.shared_figure)."""
    key = (replace(view, notices=()), compact)
    return loaders.shared_figure("holdings", key, KEYS_SHOWN, lambda: _figure(data, view, compact))


def _figure(data: HoldingsData, view: HoldingsView, compact: bool) -> go.Figure:
    month, japan, share, _, _ = headline(data)
    dated = sum(1 for p in data.published.values() if not p.approximate and p.month.year >= view.since)
    approximate = sum(1 for p in data.published.values() if p.approximate and p.month.year >= view.since)
    specs = [catalog.get(k) for k in (*HOLDERS.values(), TOTAL) if k in catalog.CATALOG]
    if data.debt is not None and not view.known:
        specs.append(catalog.get(DEBT))
    record = catalog.get(catalog.INTERVENTIONS) if data.interventions is not None else None
    return build_holdings_figure(
        data,
        view,
        title=words.title(month, japan, share),
        subtitle=words.subtitle(view.known, dated, approximate, dt.date(view.since, 1, 1), data.debt is not None),
        source_lines=words.sources(specs, record),
        as_of=words.as_of([(item.spec, item.last_date) for item in shown_series()]),
        compact=compact,
        height=1150 if compact else 900,
    )


def alt(data: HoldingsData, view: HoldingsView) -> str:
    month, japan, share, _, _ = headline(data)
    start = dt.date(view.since, 1, 1)
    events = sum(1 for e in data.events if e.date >= start)
    days = 0 if data.interventions is None else int((data.interventions.index >= str(start)).sum())
    return words.alt_text(words.title(month, japan, share), view.known, events, days)


def config(view: HoldingsView, compact: bool) -> dict:
    return export_config(f"usjp-holdings-{'known' if view.known else 'month'}-{view.since}", compact)


def render_latest(data: HoldingsData) -> None:
    month, _, share, change, total = headline(data)
    stamp = f"{month:%Y-%m-%d}"
    values = {name: float(v[stamp]) for name, v in data.holders.items() if stamp in v.index}
    st.markdown(md_escape(words.latest_sentence(month, values, share, change, total)))


# -- what was known when ----------------------------------------------------------------------------
def render_known_when(
    event: Event, data: HoldingsData, all_events: Sequence[Event], vintages: Sequence[TicVintage]
) -> None:
    """The latest Japan figure published before `event`, beside today's stored figure for that month."""
    latest: Publication | None = calc.latest_before(event.date, dict(data.published))
    release = next((e for e in all_events if latest and e.id == latest.event_id), None)
    japan = loaders.load_series(HOLDERS["Japan"])
    stored, retrieved = None, "unknown"
    if latest is not None and japan is not None:
        stamp = f"{latest.month:%Y-%m-%d}"
        stored = float(japan.values[stamp]) if stamp in japan.values.index else None
        retrieved = japan.retrieved
    month = f"{latest.month:%Y-%m}" if latest else ""
    chosen = [v for v in vintages if v.series == HOLDERS["Japan"] and v.month == month]
    with st.container(border=True, key="hd_known_when"):
        st.markdown(f"## {md_escape(words.known_heading(event))}")
        lines = words.known_lines(event, latest, release, stored, retrieved, chosen)
        st.markdown("\n".join(f"- {md_escape(line)}" for line in lines))
        if chosen:
            st.caption("  \n".join(md_escape(f"{v.published:%d %b %Y}: {v.document}, {v.url}") for v in chosen))
