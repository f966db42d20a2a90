"""The simulated reader's pure parts (bench/st_client.py, bench/capacity.py): percentiles, the messages it
builds, and how it reads a ForwardMsg sequence (built here in code, shaped like a real run of the timeline:
see `python -m bench.capacity --check-protocol` for the comparison with Chromium)."""

from __future__ import annotations

import math

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench import capacity
from bench.st_client import FINISHED, ReaderError, Session, state_value, user_key, widget_value

FRAGMENT = "499603ab0fda966b063d51ead90cab9a"
MODE_ID = "$$ID-7d27d67f7c024570776b8136b4cbccdb-w_mode"
SERIES_ID = "$$ID-4b1deeea9ae04af67e3751b2a4143f57-w_series"
CHART_ID = "$$ID-32da80662f6b110670fc794f9d691da7-timeline_chart"
LEVELS, INDEXED = "Levels", "Indexed (start = 100)"


# -- ForwardMsgs, as the server sends them ----------------------------------------------------------------------


def new_session(page_hash: str = "main", max_age: int = 2) -> bytes:
    msg = ForwardMsg()
    msg.new_session.page_script_hash = page_hash
    msg.new_session.config.max_cached_message_age = max_age
    return msg.SerializeToString()


def navigation(page_hash: str) -> bytes:
    msg = ForwardMsg()
    msg.navigation.page_script_hash = page_hash
    return msg.SerializeToString()


def status(running: bool) -> bytes:
    msg = ForwardMsg()
    msg.session_status_changed.script_is_running = running
    return msg.SerializeToString()


def radio(value: str | None = None, fragment: str = FRAGMENT) -> bytes:
    msg = ForwardMsg()
    msg.delta.fragment_id = fragment
    proto = msg.delta.new_element.radio
    proto.id, proto.label, proto.default = MODE_ID, "Scale", 0
    proto.options[:] = [LEVELS, INDEXED]
    if value is not None:
        proto.raw_value, proto.set_value = value, True
    return msg.SerializeToString()


def multiselect() -> bytes:
    msg = ForwardMsg()
    proto = msg.delta.new_element.multiselect
    proto.id = SERIES_ID
    proto.options[:] = ["US 10-year Treasury yield", "USD/JPY", "US 30-year Treasury yield"]
    proto.default[:] = [0, 1]
    return msg.SerializeToString()


def chart(spec: str, digest: str, fragment: str = FRAGMENT) -> bytes:
    msg = ForwardMsg()
    msg.hash = digest
    msg.metadata.cacheable = True
    msg.metadata.delta_path[:] = [0, 0, 1]
    msg.delta.fragment_id = fragment
    msg.delta.new_element.plotly_chart.id = CHART_ID
    msg.delta.new_element.plotly_chart.spec = spec
    return msg.SerializeToString()


def ref(digest: str) -> bytes:
    msg = ForwardMsg()
    msg.ref_hash = digest
    msg.metadata.delta_path[:] = [0, 0, 1]
    return msg.SerializeToString()


def exception(text: str) -> bytes:
    msg = ForwardMsg()
    msg.delta.new_element.exception.type = "ValueError"
    msg.delta.new_element.exception.message = text
    return msg.SerializeToString()


def finished(code: int = FINISHED.FINISHED_SUCCESSFULLY) -> bytes:
    msg = ForwardMsg()
    msg.script_finished = code
    return msg.SerializeToString()


def opened(session: Session, *, levels_chart: str = "a" * 32) -> None:
    """The first run of the timeline: session, navigation to the page, widgets, the chart."""
    session.open_msg(now=0.0)
    for t, frame in enumerate(
        [
            new_session("main"),
            status(True),
            navigation("timeline"),
            radio(),
            multiselect(),
            chart('{"levels": 1}', levels_chart),
            finished(),
        ]
    ):
        session.feed(frame, now=0.1 * (t + 1))


# -- tests ---------------------------------------------------------------------------------------------------------


def test_percentile_interpolates_between_ranks() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert capacity.percentile(values, 50) == pytest.approx(50.5)
    assert capacity.percentile(values, 95) == pytest.approx(95.05)
    assert capacity.percentile(values, 99) == pytest.approx(99.01)
    assert capacity.percentile([3.0, 1.0, 2.0], 0) == 1.0 and capacity.percentile([3.0, 1.0, 2.0], 100) == 3.0
    assert capacity.percentile([0.25], 95) == 0.25
    assert math.isnan(capacity.percentile([], 50))


def test_user_key_is_the_tail_of_a_widget_id() -> None:
    assert user_key(MODE_ID) == "w_mode"
    assert user_key("$$ID-abc-my-key-with-dashes") == "my-key-with-dashes"
    assert user_key("$$ID-a37b478b479aa38db2c4d58442552745-None") == ""
    assert user_key("") == ""


def test_opening_sends_the_page_and_no_widget_states() -> None:
    session = Session("/event_study", "?window=0:1", base="http://127.0.0.1:8501")
    msg = session.open_msg(now=0.0)
    assert msg.WhichOneof("type") == "rerun_script"
    state = msg.rerun_script
    assert (state.page_name, state.query_string, state.page_script_hash) == ("event_study", "window=0:1", "")
    assert state.HasField("widget_states") and not state.widget_states.widgets
    assert state.context_info.url == "http://127.0.0.1:8501/event_study?window=0:1"
    assert BackMsg.FromString(msg.SerializeToString()) == msg


def test_a_run_ends_at_its_script_finished_and_records_what_came() -> None:
    session = Session()
    opened(session)
    run = session.run
    assert run.done and run.status == FINISHED.FINISHED_SUCCESSFULLY and not run.exceptions
    assert run.latency == pytest.approx(0.7)
    assert run.last_delta_latency == pytest.approx(0.6)
    assert run.types[0] == "new_session" and run.types[-1] == "script_finished"
    assert run.elements == {"radio": 1, "multiselect": 1, "plotly_chart": 1}
    assert run.keys == {"w_mode", "w_series", "timeline_chart"}
    assert session.page_script_hash == "timeline"  # the page's, from navigation, not the main script's
    assert session.widget("w_mode").value == LEVELS


def test_a_change_sends_every_widget_state_the_fragment_and_the_cached_hashes() -> None:
    session = Session(base="http://127.0.0.1:8501")
    opened(session)
    assert session.other_option("w_mode") == INDEXED
    msg = session.change_msg("w_mode", INDEXED, now=1.0)
    state = msg.rerun_script
    assert {w.id: state_value(w) for w in state.widget_states.widgets} == {
        MODE_ID: INDEXED,
        SERIES_ID: ["US 10-year Treasury yield", "USD/JPY"],
    }
    assert state.widget_states.widgets[0].WhichOneof("value") == "string_value"
    assert state.page_script_hash == "timeline"
    assert state.fragment_id == FRAGMENT
    assert list(state.cached_message_hashes) == ["a" * 32]
    assert not state.page_name


def test_without_the_cache_no_hashes_are_reported() -> None:
    session = Session(cache=False)
    opened(session)
    assert not session.change_msg("w_mode", INDEXED, now=1.0).rerun_script.cached_message_hashes


def test_a_ref_hash_is_served_from_the_cache() -> None:
    session = Session()
    opened(session)
    session.change_msg("w_mode", INDEXED, now=1.0)
    for frame in [new_session("main"), radio(), chart('{"indexed": 1}', "b" * 32), finished(3)]:
        session.feed(frame, now=1.1)
    session.change_msg("w_mode", LEVELS, now=2.0)
    for frame in [new_session("main"), radio(), ref("a" * 32)]:
        session.feed(frame, now=2.1)
    resolved = session.feed(finished(FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY), now=2.2)
    run = session.run
    assert run.done and run.ref_hits == 1 and run.elements["plotly_chart"] == 1 and "timeline_chart" in run.keys
    assert run.types == ["new_session", "delta", "delta", "script_finished"]
    assert resolved.script_finished == FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY


def test_a_ref_to_a_message_never_cached_is_an_error() -> None:
    session = Session()
    opened(session)
    session.change_msg("w_mode", INDEXED, now=1.0)
    with pytest.raises(ReaderError, match="never cached"):
        session.feed(ref("c" * 32), now=1.1)


def test_cached_messages_expire_after_max_age_runs() -> None:
    session = Session()
    opened(session, levels_chart="a" * 32)  # cached at run 0
    for n in range(3):
        session.change_msg("w_mode", session.other_option("w_mode"), now=float(n))
        for frame in [new_session("main"), radio(), chart(f'{{"n": {n}}}', f"{n}" * 32), finished(3)]:
            session.feed(frame, now=n + 0.5)
    assert "a" * 32 not in session.cache  # untouched for 3 runs > max age 2
    assert "2" * 32 in session.cache


def test_finished_early_for_rerun_does_not_end_the_run() -> None:
    session = Session()
    opened(session)
    session.change_msg("w_mode", INDEXED, now=1.0)
    session.feed(new_session("main"), now=1.1)
    session.feed(finished(FINISHED.FINISHED_EARLY_FOR_RERUN), now=1.2)
    assert not session.run.done
    session.feed(new_session("main"), now=1.3)
    session.feed(finished(3), now=1.4)
    assert session.run.done and session.run.latency == pytest.approx(0.4)


def test_an_exception_box_is_recorded() -> None:
    session = Session()
    opened(session)
    session.change_msg("w_mode", INDEXED, now=1.0)
    for frame in [new_session("main"), exception("boom"), finished(3)]:
        session.feed(frame, now=1.1)
    assert session.run.exceptions == ["ValueError: boom"]


def test_a_value_set_by_the_script_wins_and_undrawn_widgets_are_dropped() -> None:
    session = Session()
    opened(session)
    session.change_msg("w_series", ["USD/JPY"], now=1.0)  # outside the fragment: a full run
    assert not session.run.fragment_id
    # The script sets the radio itself and no longer draws the multiselect.
    for frame in [new_session("main"), radio(INDEXED), finished()]:
        session.feed(frame, now=1.1)
    assert session.widget("w_mode").value == INDEXED
    with pytest.raises(ReaderError, match="no widget"):
        session.widget("w_series")


def test_a_second_request_while_a_run_is_open_is_refused() -> None:
    session = Session()
    session.open_msg(now=0.0)
    with pytest.raises(ReaderError, match="still running"):
        session.open_msg(now=0.1)


@pytest.mark.parametrize(
    ("kind", "fill", "expected"),
    [
        ("checkbox", lambda p: setattr(p, "default", True), ("bool_value", True)),
        ("text_input", lambda p: setattr(p, "default", ""), ("string_value", "")),
        ("text_input", lambda p: None, None),  # value=None: the browser sends nothing
        ("selectbox", lambda p: (p.options.extend(["a", "b"]), setattr(p, "default", 1)), ("string_value", "b")),
        ("button_group", lambda p: (p.options.add(content="x"), p.options.add(content="y"), p.default.extend([1])),
         ("string_array_value", ["y"])),
        ("button", lambda p: None, None),
    ],
)  # fmt: skip
def test_widget_values_before_the_reader_touches_them(kind, fill, expected) -> None:
    msg = ForwardMsg()
    proto = getattr(msg.delta.new_element, kind)
    fill(proto)
    assert widget_value(kind, proto) == expected


def _step(readers: int, p95_ms: float | None, errors: int = 0) -> dict:
    return {"readers": readers, "p95_ms": p95_ms, "errors": errors}


def test_capacity_is_the_last_step_of_an_unbroken_passing_run() -> None:
    steps = [_step(10, 200), _step(25, 400), _step(50, 1200), _step(100, 900)]
    assert capacity.capacity(steps) == {"max_readers": 25, "limit_reached": True}
    assert capacity.capacity([_step(10, 200), _step(25, 300, errors=1)]) == {"max_readers": 10, "limit_reached": True}
    assert capacity.capacity([_step(10, 200), _step(25, 300)]) == {"max_readers": 25, "limit_reached": False}
    assert capacity.should_stop(_step(50, 3500)) and capacity.should_stop(_step(100, 500, errors=6))
    assert not capacity.should_stop(_step(100, 500, errors=5))


def test_the_reply_summary_skips_the_previous_runs_status_and_stops_at_the_end() -> None:
    frames = [
        status(False),
        new_session("main"),
        status(True),
        radio(),
        chart("{}", "d" * 32),
        finished(3),
        status(False),
    ]
    summary = capacity.rerun_summary(frames)
    assert summary["types"] == ["new_session", "session_status_changed", "delta", "delta", "script_finished"]
    assert summary["elements"] == ["radio:w_mode", "plotly_chart:timeline_chart"]


def test_identical_exchanges_compare_equal() -> None:
    session = Session()
    open_msg = session.open_msg(now=0.0).SerializeToString()
    for frame in [new_session("main"), radio(), chart("{}", "a" * 32), finished()]:
        session.feed(frame, now=0.1)
    change = session.change_msg("w_mode", INDEXED, now=1.0).SerializeToString()
    reply = [new_session("main"), radio(INDEXED), finished(3)]
    exchange = {"open": [open_msg], "changes": [[change]], "reruns": [reply]}
    rows = capacity.compare_exchanges(exchange, exchange)
    assert rows and all(same for *_, same in rows)
    session.run.finished_at = 1.5
    other = dict(exchange, changes=[[session.change_msg("w_mode", LEVELS, now=2.0).SerializeToString()]])
    differing = [what for what, _, _, same in capacity.compare_exchanges(exchange, other) if not same]
    assert differing == ["  its value", "  widget ids and values differing"]


def test_the_query_string_the_script_sets_goes_with_the_next_rerun() -> None:
    session = Session(base="http://127.0.0.1:8501")
    opened(session)
    session.change_msg("w_mode", INDEXED, now=1.0)
    info = ForwardMsg()
    info.page_info_changed.query_string = "scale=indexed"
    for frame in [new_session("main"), radio(), info.SerializeToString(), finished(3)]:
        session.feed(frame, now=1.1)
    state = session.change_msg("w_mode", LEVELS, now=2.0).rerun_script
    assert state.query_string == "scale=indexed"
    assert state.context_info.url == "http://127.0.0.1:8501/"  # the address it was opened at, as Chromium


def test_the_charts_counted_are_the_pages_not_the_hidden_blank_one():
    """The sidebar's blank figure that loads the chart code (ui/boot.py) is not one of the page's charts;
    the timeline's chart, a component of ours drawn with its scales, is."""
    from bench.st_client import is_chart
    from usjp.ui.boot import CHART_CODE_FIGURE as CODE_CHART_KEY  # the names the app draws them under
    from usjp.ui.keys import SCALED_CHART

    element = ForwardMsg().delta.new_element
    assert is_chart("plotly_chart", element.plotly_chart, "timeline_chart")
    assert not is_chart("plotly_chart", element.plotly_chart, CODE_CHART_KEY)
    element.bidi_component.component_name = SCALED_CHART
    assert is_chart("bidi_component", element.bidi_component, "timeline_chart")
    element.bidi_component.component_name = "usjp_column_width"
    assert not is_chart("bidi_component", element.bidi_component, "usjp_column_width")
