"""A simulated reader: a small client of Streamlit's own websocket protocol, no browser.

It speaks to `/_stcore/stream` as Streamlit's frontend does (checked against the installed Streamlit 1.67
and against Chromium by `python -m bench.capacity --check-protocol`):

  - handshake: GET /_stcore/health (sets the `_streamlit_xsrf` cookie, as the frontend's health probe does;
    behind deploy/'s nginx also the sticky `usjp_worker` cookie), then the websocket with subprotocols
    ["streamlit", <the XSRF cookie>], the cookies and an Origin header, as Chromium sends them;
  - opening a page: BackMsg(rerun_script=ClientState(query_string, page_name, widget_states={}, context_info));
  - a widget change: BackMsg(rerun_script=ClientState(...)) carrying the states of *every* widget on the page
    (the frontend's WidgetStateManager does the same), the page's `page_script_hash`, the `fragment_id` of
    the changed widget's fragment when it is inside an st.fragment, and `cached_message_hashes`;
  - the server answers with ForwardMsgs: new_session, session_status_changed, navigation, page_config_changed,
    deltas, page_info_changed, ... and `script_finished`. A run is over at a script_finished whose status is
    not FINISHED_EARLY_FOR_RERUN (that one means another run follows, e.g. after a newer request).
  - message cache: ForwardMsgs with metadata.cacheable (large new_element deltas, e.g. a Plotly figure) are
    kept by hash, aged by finished runs as the frontend does (global.maxCachedMessageAge, from new_session),
    and reported back in cached_message_hashes; the server then sends only a `ref_hash` for an unchanged one.
    `cache=False` reports nothing and gets full messages every time (the server only sends refs for hashes a
    client reported).

`Session` is the protocol state machine (no I/O: feed it frames, it tells when a run is over); `StClient`
adds the websocket. Errors a reader can meet raise `ReaderError` with a short reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from usjp.ui.boot import CHART_CODE_FIGURE
from usjp.ui.keys import SCALED_CHART

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE_OK = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}
XSRF_COOKIE = "_streamlit_xsrf"
STREAM_PATH = "/_stcore/stream"
CONTEXT_INFO = {
    "timezone": "UTC",
    "timezone_offset": 0,
    "locale": "en-US",
    "is_embedded": False,
    "color_scheme": "light",
}


class ReaderError(Exception):
    """What went wrong for one reader (a short reason, counted as an error by the benchmark)."""


def is_chart(kind: str, proto, key: str) -> bool:
    """Whether a new element is one of the page's charts: st.plotly_chart's, except the hidden blank one
    that loads the chart code (ui/boot.py), and the timeline's, a component of ours drawn with its scales
    (ui/chart.show_scales)."""
    if kind == "plotly_chart":
        return key != CHART_CODE_FIGURE
    return kind == "bidi_component" and getattr(proto, "component_name", "") == SCALED_CHART


def user_key(element_id: str) -> str:
    """The user key at the end of a widget id ("$$ID-<hash>-<key>"), or "" for a keyless one."""
    if not element_id.startswith("$$ID-"):
        return ""
    key = element_id.split("-", 2)[2] if element_id.count("-") >= 2 else ""
    return "" if key == "None" else key


# -- widget states, as the frontend keeps them ------------------------------------------------------------


def _single(proto, options: list[str]) -> str | None:
    if proto.set_value and proto.HasField("raw_value"):
        return proto.raw_value
    if proto.HasField("default") and 0 <= proto.default < len(options):
        return options[proto.default]
    return None


def widget_value(kind: str, proto) -> tuple[str, object] | None:
    """(WidgetState value field, value) a freshly drawn widget reports before the reader touches it, or None
    for widgets that report nothing until used (buttons, components) or that this client does not model."""
    if kind in ("radio", "selectbox"):
        value = _single(proto, list(proto.options))
        return None if value is None else ("string_value", value)
    if kind == "multiselect":
        options = list(proto.options)
        values = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default if i < len(options)]
        return ("string_array_value", values)
    if kind == "button_group":
        options = [o.content for o in proto.options]
        values = list(proto.raw_values) if proto.set_value else [options[i] for i in proto.default if i < len(options)]
        return ("string_array_value", values)
    if kind == "checkbox":
        return ("bool_value", proto.value if proto.set_value else proto.default)
    if kind in ("text_input", "text_area"):
        if proto.set_value and proto.HasField("value"):
            return ("string_value", proto.value)
        return ("string_value", proto.default) if proto.HasField("default") else None
    if kind == "number_input":
        value = proto.value if proto.set_value else proto.default
        return ("int_value", int(value)) if proto.data_type == proto.DataType.INT else ("double_value", value)
    if kind == "slider" and proto.type != proto.Type.SELECT_SLIDER:
        return ("double_array_value", list(proto.value if proto.set_value else proto.default))
    if kind == "date_input":
        return ("string_array_value", list(proto.value if proto.set_value else proto.default))
    return None


def set_state(state: WidgetState, value_field: str, value: object) -> None:
    if value_field in ("string_array_value", "double_array_value", "int_array_value"):
        getattr(state, value_field).data[:] = value
    else:
        setattr(state, value_field, value)


def state_value(state: WidgetState) -> object:
    """A WidgetState's value as plain Python (for comparisons and printing)."""
    kind = state.WhichOneof("value")
    if kind is None:
        return None
    value = getattr(state, kind)
    return list(value.data) if hasattr(value, "data") else value


@dataclass
class Widget:
    id: str
    kind: str
    options: list[str]
    fragment_id: str
    value_field: str | None = None
    value: object = None


# -- one script run, seen from the client ------------------------------------------------------------------


@dataclass
class Run:
    """One request and the script run(s) it caused, up to the script_finished that ends it."""

    what: str
    sent_at: float
    fragment_id: str = ""
    first_at: float | None = None  # first ForwardMsg after the request
    last_delta_at: float | None = None
    finished_at: float | None = None
    status: int | None = None
    frames: int = 0
    bytes: int = 0
    deltas: int = 0
    ref_hits: int = 0  # deltas sent as a ref_hash and taken from the cache
    types: list[str] = field(default_factory=list)  # ForwardMsg types, in order
    elements: Counter = field(default_factory=Counter)  # element type -> count
    charts: int = 0  # the page's charts drawn (see is_chart)
    keys: set[str] = field(default_factory=set)  # user keys of the elements drawn
    exceptions: list[str] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.finished_at is not None

    @property
    def latency(self) -> float:
        """Seconds from the request to the script_finished of the run."""
        return (self.finished_at or float("nan")) - self.sent_at

    @property
    def last_delta_latency(self) -> float | None:
        return None if self.last_delta_at is None else self.last_delta_at - self.sent_at


@dataclass
class _Cached:
    msg: ForwardMsg
    run_count: int
    fragment_id: str


class Session:
    """The protocol state of one reader: page, widgets, message cache and the run in progress (no I/O)."""

    def __init__(self, page: str = "/", query: str = "", *, base: str = "", cache: bool = True) -> None:
        self.page_name = page.strip("/")
        self.query = query.lstrip("?")
        # context_info.url: the address the page was opened at (Chromium keeps it when the query changes)
        self.url = f"{base.rstrip('/')}/{self.page_name}" + (f"?{self.query}" if self.query else "")
        self.cache_enabled = cache
        self.page_script_hash = ""
        self.max_cached_message_age = 2
        self.widgets: dict[str, Widget] = {}  # id -> widget, in the order they were first drawn
        self.cache: dict[str, _Cached] = {}
        self.run_count = 0
        self.run: Run | None = None
        self._seen: set[str] = set()  # widget ids drawn by the current run
        self.unknown: Counter = Counter()  # ForwardMsg types this client ignores

    # messages out

    def client_state_msg(self, fragment_id: str = "", initial: bool = False) -> BackMsg:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.widget_states.SetInParent()
        if initial:
            state.page_name = self.page_name
        else:
            state.page_script_hash = self.page_script_hash
            for widget in self.widgets.values():
                if widget.value_field is not None:
                    item = state.widget_states.widgets.add(id=widget.id)
                    set_state(item, widget.value_field, widget.value)
        if fragment_id:
            state.fragment_id = fragment_id
        if self.cache_enabled:
            state.cached_message_hashes.extend(self.cache)
        for name, value in CONTEXT_INFO.items():
            setattr(state.context_info, name, value)
        state.context_info.url = self.url
        return msg

    def begin(self, what: str, now: float, fragment_id: str = "") -> Run:
        if self.run is not None and not self.run.done:
            raise ReaderError(f"{what} while {self.run.what} is still running")
        self.run = Run(what=what, sent_at=now, fragment_id=fragment_id)
        self._seen = set()
        return self.run

    def open_msg(self, now: float) -> BackMsg:
        """The first request of a page visit (no widget states yet)."""
        self.begin("open", now)
        return self.client_state_msg(initial=True)

    def change_msg(self, key: str, value: object, now: float) -> BackMsg:
        """A reader sets the widget with user key `key` to `value` (an option label for choice widgets)."""
        widget = self.widget(key)
        if widget.value_field is None:
            raise ReaderError(f"widget {key!r} ({widget.kind}) has no modelled value")
        if widget.options and value not in widget.options and not isinstance(value, list):
            raise ReaderError(f"{value!r} is not an option of {key!r}: {widget.options}")
        widget.value = value
        self.begin(f"{key}={value}", now, widget.fragment_id)
        return self.client_state_msg(fragment_id=widget.fragment_id)

    def widget(self, key: str) -> Widget:
        for widget in self.widgets.values():
            if user_key(widget.id) == key:
                return widget
        raise ReaderError(f"no widget with key {key!r} on the page")

    def other_option(self, key: str) -> str:
        """The next option of a radio or selectbox after its current value (Levels -> Indexed -> Levels)."""
        widget = self.widget(key)
        if not widget.options:
            raise ReaderError(f"widget {key!r} has no options")
        current = widget.options.index(widget.value) if widget.value in widget.options else -1
        return widget.options[(current + 1) % len(widget.options)]

    # messages in

    def feed(self, data: bytes, now: float) -> ForwardMsg:
        """One frame from the server. Raises ReaderError on protocol trouble."""
        msg = ForwardMsg.FromString(data)
        run = self.run
        if run is not None and not run.done:
            run.frames += 1
            run.bytes += len(data)
            if run.first_at is None:
                run.first_at = now
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":
            entry = self.cache.get(msg.ref_hash)
            if entry is None:
                raise ReaderError(f"ref_hash {msg.ref_hash[:12]} for a message this client never cached")
            entry.run_count = self.run_count
            resolved = ForwardMsg()
            resolved.CopyFrom(entry.msg)
            resolved.metadata.CopyFrom(msg.metadata)
            msg = resolved
            kind = msg.WhichOneof("type")
            if run is not None:
                run.ref_hits += 1
        elif self.cache_enabled and msg.metadata.cacheable and msg.hash:
            if msg.hash in self.cache:
                self.cache[msg.hash].run_count = self.run_count
            else:
                fragment = msg.delta.fragment_id if kind == "delta" else ""
                self.cache[msg.hash] = _Cached(msg, self.run_count, fragment)
        if run is not None and not run.done:
            run.types.append(kind or "?")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash or self.page_script_hash
            if msg.new_session.config.max_cached_message_age:
                self.max_cached_message_age = msg.new_session.config.max_cached_message_age
        elif kind == "navigation":
            self.page_script_hash = msg.navigation.page_script_hash or self.page_script_hash
        elif kind == "page_info_changed":  # the script set the URL's query: later reruns send it
            self.query = msg.page_info_changed.query_string
        elif kind == "delta":
            self._delta(msg, now)
        elif kind == "page_not_found":
            if run is not None:
                run.exceptions.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "script_finished":
            self._finished(msg.script_finished, now)
        elif kind not in (
            "session_status_changed",
            "page_config_changed",
            "session_event",
            "parent_message",
            "logo",
            "git_info_changed",
            "page_profile",
            "heartbeat_ack",
        ):
            self.unknown[kind] += 1
        return msg

    def _delta(self, msg: ForwardMsg, now: float) -> None:
        run = self.run
        if run is not None and not run.done:
            run.deltas += 1
            run.last_delta_at = now
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        proto = getattr(element, kind)
        element_id = getattr(proto, "id", "") if kind != "exception" else ""
        if run is not None and not run.done:
            run.elements[kind] += 1
            key = user_key(element_id)
            if key:
                run.keys.add(key)
            run.charts += is_chart(kind, proto, key)
            if kind == "exception":
                run.exceptions.append(f"{proto.type}: {proto.message}"[:300])
        if not element_id or getattr(proto, "form_id", ""):
            return  # not a widget, or one in a form (its value is sent on submit only)
        self._seen.add(element_id)
        known = self.widgets.get(element_id)
        options = [o.content for o in proto.options] if kind == "button_group" else list(getattr(proto, "options", []))
        initial = widget_value(kind, proto)
        if known is None:
            known = self.widgets[element_id] = Widget(element_id, kind, options, delta.fragment_id)
            if initial is not None:
                known.value_field, known.value = initial
        else:
            known.kind, known.options, known.fragment_id = kind, options, delta.fragment_id
            if initial is not None and (getattr(proto, "set_value", False) or known.value_field is None):
                known.value_field, known.value = initial  # the script set the value: it wins

    def _finished(self, status: int, now: float) -> None:
        run = self.run
        if status == FINISHED.FINISHED_EARLY_FOR_RERUN:
            return  # another run follows
        fragment = run.fragment_id if run is not None else ""
        # Widgets no longer drawn lose their state (the frontend's removeInactiveWidgetState).
        for wid in [w for w, widget in self.widgets.items() if w not in self._seen]:
            if not fragment or self.widgets[wid].fragment_id == fragment:
                del self.widgets[wid]
        self._seen = set()
        # The frontend's ForwardMsgCache.incrementRunCount.
        self.run_count += 1
        for digest in list(self.cache):
            entry = self.cache[digest]
            if fragment and entry.fragment_id != fragment:
                continue
            if self.run_count - entry.run_count > self.max_cached_message_age:
                del self.cache[digest]
        if run is not None and not run.done:
            run.status = status
            run.finished_at = now
            if status not in DONE_OK:
                run.exceptions.append(f"script finished with {FINISHED.Name(status)}")


# -- the websocket ----------------------------------------------------------------------------------------


async def http_get(base: str, path: str, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """A minimal HTTP/1.1 GET over asyncio (no thread per reader): status, cookies set, body."""
    parts = urlsplit(base)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    cookies = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "set-cookie":
            pair = value.strip().split(";", 1)[0]
            cookie, _, cookie_value = pair.partition("=")
            cookies[cookie.strip()] = cookie_value.strip()
    return status, cookies, body


def _websocket_connect():
    """websockets' asyncio client (websockets >= 13, which Streamlit 1.67 installs: it requires 12 to 17) and
    the options this version takes: no proxy from the environment on loopback (the option came in 15)."""
    import inspect

    try:
        from websockets.asyncio.client import connect
    except ImportError as exc:  # websockets 12
        raise ReaderError("the simulated reader needs websockets >= 13 (pip install 'websockets>=13')") from exc
    return connect, ({"proxy": None} if "proxy" in inspect.signature(connect).parameters else {})


class StClient:
    """One simulated reader on one websocket: open a page, change widgets, each call waits for its run."""

    def __init__(
        self,
        base: str,
        page: str = "/",
        query: str = "",
        *,
        cache: bool = True,
        timeout: float = 30.0,
        xsrf: bool = True,
    ) -> None:
        self.base = base.rstrip("/")
        self.session = Session(page, query, base=self.base, cache=cache)
        self.timeout = timeout
        self.xsrf = xsrf
        self.ws = None
        self.sent: list[BackMsg] = []  # every BackMsg sent (for the protocol check)
        self.received_bytes = 0
        self._reader: asyncio.Task | None = None
        self._done: asyncio.Future | None = None
        self._failure: ReaderError | None = None

    async def connect(self) -> None:
        connect, options = _websocket_connect()
        subprotocols, headers = ["streamlit"], {}
        if self.xsrf:
            try:
                status, cookies, _ = await http_get(self.base, "/_stcore/health", self.timeout)
            except (TimeoutError, OSError) as exc:
                raise ReaderError(f"health probe failed: {type(exc).__name__}") from exc
            if status != 200:
                raise ReaderError(f"health probe answered {status}")
            if token := cookies.get(XSRF_COOKIE):
                subprotocols.append(token)
            if cookies:  # the XSRF cookie, and a proxy's sticky-session cookie naming the worker
                headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in cookies.items())
        url = "ws" + self.base[len("http") :] + STREAM_PATH
        try:
            self.ws = await connect(
                url,
                subprotocols=subprotocols,
                additional_headers=headers,
                origin=self.base,
                max_size=None,
                ping_interval=None,  # browsers send no pings; the server's pings are still answered
                open_timeout=self.timeout,
                **options,
            )
        except (TimeoutError, OSError) as exc:
            raise ReaderError(f"websocket connect failed: {type(exc).__name__}: {str(exc)[:120]}") from exc
        except Exception as exc:  # websockets' InvalidHandshake and friends
            raise ReaderError(f"websocket handshake failed: {type(exc).__name__}: {str(exc)[:120]}") from exc
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for data in self.ws:
                now = time.perf_counter()
                if isinstance(data, str):
                    raise ReaderError("text frame from the server")
                self.received_bytes += len(data)
                run = self.session.run
                self.session.feed(data, now)
                if run is not None and run.done and self._done is not None and not self._done.done():
                    self._done.set_result(run)
            raise ReaderError(f"server closed the websocket ({self.ws.close_code})")
        except ConnectionClosed as exc:
            self._fail(ReaderError(f"websocket closed ({exc.code})"))
        except ReaderError as exc:
            self._fail(exc)
        except Exception as exc:  # a bad frame: the reader stops with a reason, no traceback
            self._fail(ReaderError(f"{type(exc).__name__}: {str(exc)[:120]}"))

    def _fail(self, error: ReaderError) -> None:
        self._failure = error
        if self._done is not None and not self._done.done():
            self._done.set_exception(error)

    async def _request(self, msg: BackMsg) -> Run:
        if self._failure is not None:
            raise self._failure
        run = self.session.run
        self._done = asyncio.get_running_loop().create_future()
        self.sent.append(msg)
        try:
            await self.ws.send(msg.SerializeToString())
        except Exception as exc:
            raise ReaderError(f"send failed: {type(exc).__name__}") from exc
        try:
            await asyncio.wait_for(asyncio.shield(self._done), self.timeout)
        except TimeoutError:
            raise ReaderError(f"no script_finished {self.timeout:.0f} s after {run.what}") from None
        if run.exceptions:
            raise ReaderError(f"{run.what}: {run.exceptions[0]}")
        return run

    async def open(self) -> Run:
        """Open the page: the first run, no widget states."""
        return await self._request(self.session.open_msg(time.perf_counter()))

    async def change(self, key: str, value: object) -> Run:
        return await self._request(self.session.change_msg(key, value, time.perf_counter()))

    async def toggle(self, key: str) -> Run:
        """Choose the next option of a radio or selectbox (Levels <-> Indexed on the Scale radio)."""
        return await self.change(key, self.session.other_option(key))

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(BaseException):
                await self._reader
        if self.ws is not None:
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(self.ws.close(), 5)
