"""Hostile inputs through AppTest: the validator refuses non-http(s) links, hostile event text reaches
Streamlit's markdown escaped, and a FRED key in secrets or the environment is never rendered.

The live-DOM versions of these checks (real server, Chromium) are in tests/e2e/test_security.py.
"""

from __future__ import annotations

import pytest
import yaml
from streamlit.testing.v1 import AppTest

from tests.app.support import HOME, chart_specs, open_page, page_id, query_dict, walk, warning_texts
from tests.e2e import hostile
from usjp.data.events_file import parse_events
from usjp.ui.nav import PAGES


@pytest.mark.parametrize("url", hostile.JAVASCRIPT_URLS)
def test_validator_rejects_source_urls_that_are_not_http(url):
    events, problems = parse_events(yaml.safe_dump([hostile.hostile_event(url=url)]))
    assert not events
    assert any("sources.0.url" in p and "http" in p for p in problems), problems


def test_validator_accepts_the_hostile_text_itself():
    """The text fields are free text: they are made safe where they are shown, not refused."""
    events, problems = parse_events(yaml.safe_dump([hostile.hostile_event()]))
    assert not problems and events[0].title == hostile.TITLE


def test_an_event_with_a_javascript_link_is_refused_and_reported_while_the_others_are_shown(data_dir):
    hostile.append_event(data_dir / "events.yaml", hostile.hostile_event(url="javascript:alert(1)"))
    at = open_page(HOME, {"event": hostile.EVENT_ID})
    assert not at.exception
    assert any("events.yaml" in w and "problem" in w for w in warning_texts(at))
    assert "sources.0.url" in at.code[0].value
    assert chart_specs(at), "the other events and the series are still drawn"
    shown = "\n".join(str(node.value) for node in walk(at._tree) if node.type in ("markdown", "caption"))
    assert "__pwned" not in shown, "the refused event must not be shown"


def test_hostile_event_text_reaches_markdown_escaped(data_dir):
    hostile.append_event(data_dir / "events.yaml", hostile.hostile_event())
    at = open_page(HOME, {"event": hostile.EVENT_ID})
    assert not at.exception
    sources = [
        str(node.value) for node in walk(at._tree) if node.type in ("markdown", "caption", "warning", "info", "error")
    ]
    shown = "\n".join(sources)
    assert "__pwned" in shown, "the hostile event is not on the page"
    for raw in hostile.LITERAL_TEXTS:
        assert raw not in shown, f"unescaped in markdown: {raw!r}"
    assert "](javascript" not in shown
    assert "(https://example.com/a%29%5D%28javascript" in shown  # the tricky URL, brackets encoded


def _details_panel_with_unvalidated_links() -> None:
    """An AppTest script: the details panel for an event whose links never went through the validator."""
    from tests.e2e import hostile
    from usjp.events import Event, Source
    from usjp.ui.widgets import render_event_details

    event = Event.model_validate(hostile.hostile_event())
    sources = tuple(
        Source.model_construct(publisher="Evil", title=f"link {i}", url=url, published=None)
        for i, url in enumerate(hostile.JAVASCRIPT_URLS)
    )
    render_event_details(event.model_copy(update={"sources": sources}), [], [])


def test_details_panel_drops_non_http_links_even_without_the_validator():
    """Defence in depth: usjp/ui/text.md_link keeps only http(s) targets, whatever reaches it."""
    at = AppTest.from_function(_details_panel_with_unvalidated_links, default_timeout=60).run()
    assert not at.exception, at.exception
    sources = next(m.value for m in at.markdown if "**Sources**" in m.value)
    for i in range(len(hostile.JAVASCRIPT_URLS)):
        assert f"link {i}" in sources
    assert "](" not in sources, sources  # no link at all: every target was refused


@pytest.mark.parametrize("spec", PAGES, ids=page_id)
def test_fred_key_from_secrets_or_environment_is_never_rendered(spec, monkeypatch):
    monkeypatch.setenv("FRED_API_KEY", hostile.FAKE_ENV_KEY)
    secrets = {"FRED_API_KEY": hostile.FAKE_SECRETS_KEY}
    for params in ({}, query_dict(spec.sample_query)):
        at = open_page(spec, params, secrets=secrets)
        assert not at.exception
        rendered = b"".join(
            node.proto.SerializeToString() for node in walk(at._tree) if getattr(node, "proto", None) is not None
        )
        assert len(rendered) > 1000
        for key in (hostile.FAKE_ENV_KEY, hostile.FAKE_SECRETS_KEY):
            assert key.encode() not in rendered
            assert key not in repr(at.query_params)
