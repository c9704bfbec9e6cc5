"""Streamlit's own websocket protocol spoken without a browser: one visitor's session, run by run.

A browser tab talks to the server over `/_stcore/stream`: it sends BackMsg protobufs (a `rerun_script`
carrying the page, the query string and the value of every widget it shows) and receives ForwardMsg
protobufs (a `new_session`, then one `delta` per element drawn, `page_info_changed` when the app writes
the URL, `script_finished`, and a session status that says when the run is over). `Session` does the
same, as the frontend of Streamlit 1.67 does (recorded from a real Chromium tab, see README
« Capacité »): the HTTP visit that sets the XSRF cookie (and the proxy's affinity cookie), the token
in the websocket subprotocol, every widget's value on every rerun, the message cache
(`cached_message_hashes` / `ref_hash`).

Widgets and figures are found by their label in the deltas, never by a widget id or key: ids change
whenever another engineer renames a key, labels are what users read.
"""
from __future__ import annotations

import http.client
import socket
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websocket  # websocket-client: plain sockets, so Locust's gevent makes it cooperative

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED_OK = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
FINISHED_COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
# Widgets whose value the frontend sends back on every rerun, and how (see WidgetStates.proto).
WIDGET_KINDS = {"slider", "multiselect", "selectbox", "checkbox", "radio", "button_group", "button"}


class ProtocolError(Exception):
    """The server did something a browser would show as broken: closed the socket, timed out, errored."""


@dataclass
class Widget:
    """One widget as the last run drew it."""
    kind: str
    proto: object

    @property
    def id(self) -> str:
        return self.proto.id

    @property
    def label(self) -> str:
        return self.proto.label

    @property
    def options(self) -> list[str]:
        """What a user can pick, as displayed (Streamlit sends formatted option strings)."""
        if self.kind == "button_group":
            return [o.content for o in self.proto.options]
        return list(getattr(self.proto, "options", []))

    def shown_value(self):
        """The value the server drew the widget with: its own (set_value: session state, a reset…) or
        its default. A value the user picked stays in the frontend and is not sent back (Session.value)."""
        p = self.proto
        if self.kind in ("multiselect", "button_group"):
            return list(p.raw_values) if p.set_value else [self.options[i] for i in p.default]
        if self.kind in ("selectbox", "radio"):
            if p.set_value:
                return p.raw_value
            try:
                has_default = p.HasField("default")
            except ValueError:  # not an optional field in this proto version
                has_default = True
            return self.options[p.default] if has_default and 0 <= p.default < len(self.options) else None
        if self.kind == "slider":
            return list(p.value) if p.set_value else list(p.default)
        if self.kind == "checkbox":
            return p.value if p.set_value else p.default
        return None  # buttons: a trigger, sent only in the rerun of the click

    def state(self, value) -> WidgetState | None:
        """The WidgetState a browser sends for this widget holding `value`."""
        s = WidgetState(id=self.id)
        if self.kind in ("multiselect", "button_group"):
            s.string_array_value.data.extend(value or [])
        elif self.kind in ("selectbox", "radio"):
            if value is None:
                return None
            s.string_value = value
        elif self.kind == "slider":
            s.double_array_value.data.extend(float(v) for v in value)
        elif self.kind == "checkbox":
            s.bool_value = bool(value)
        elif self.kind == "button":
            s.trigger_value = bool(value)
        else:
            return None
        return s


@dataclass
class Run:
    """What one action brought back: the page as drawn, and how long it took as the client saw it."""
    seconds: float                # from sending the BackMsg to the end of the last run it caused
    finished: list[int]           # script_finished status of each run (more than one after st.rerun)
    elements: dict[tuple, tuple]  # delta path -> (kind, proto) of every element of the page
    bytes: int                    # ForwardMsg bytes received
    messages: int
    query_string: str

    def of_kind(self, kind: str) -> list:
        return [proto for k, proto in self.elements.values() if k == kind]

    def metrics(self) -> dict[str, str]:
        """Key figure tiles (st.metric): {label: value as displayed}."""
        return {m.label: m.body for m in self.of_kind("metric")}

    def exceptions(self) -> list[str]:
        return [f"{e.type}: {e.message}" for e in self.of_kind("exception")]

    def errors(self) -> list[str]:
        """Error boxes (st.error) and exceptions: what a user would read as « something broke »."""
        boxes = [a.body for a in self.of_kind("alert") if a.format == a.Format.ERROR]
        return boxes + self.exceptions()

    def texts(self) -> list[str]:
        """Markdown, captions and headings: the words of the page."""
        return [p.body for k, p in self.elements.values() if k in ("markdown", "heading", "alert")]


@dataclass
class Session:
    """One visitor: an HTTP visit, then a websocket session, driven action by action.

    `source_address` binds the client to one loopback address (127.x.y.z): a proxy then sees distinct
    visitors, as it would on the internet, instead of everybody on 127.0.0.1.
    """
    base_url: str
    source_address: str | None = None
    timeout: float = 120.0
    origin: str | None = None            # Origin header of the websocket; None: the site itself
    locale: str = "fr-FR"
    cookies: dict[str, str] = field(default_factory=dict)
    session_id: str | None = None
    pages: dict[str, str] = field(default_factory=dict)   # page title -> page_script_hash
    page_paths: dict[str, str] = field(default_factory=dict)  # url path ("" = default) -> title
    page_title: str | None = None
    widgets: dict[str, Widget] = field(default_factory=dict)   # label -> widget of the last run
    last: Run | None = None
    _ws: object = None
    _values: dict = field(default_factory=dict)       # widget id -> value the user holds
    _cache: dict = field(default_factory=dict)        # message hash -> (ForwardMsg, run number)
    _max_age: int = 2
    _runs: int = 0
    _query: str = ""
    _path: str = ""

    # ------------------------------------------------------------ connection

    def _socket(self) -> socket.socket:
        u = urlsplit(self.base_url)
        src = (self.source_address, 0) if self.source_address else None
        return socket.create_connection((u.hostname, u.port or 80), timeout=self.timeout, source_address=src)

    def visit(self, path: str = "/") -> tuple[int, dict[str, str]]:
        """An HTTP GET as a browser's first visit: keeps the cookies it sets; returns status and headers."""
        u = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=self.timeout)
        conn.sock = self._socket()
        try:
            headers = {"Accept": "text/html"}
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            for raw in resp.headers.get_all("Set-Cookie") or []:
                jar = SimpleCookie()
                jar.load(raw)
                self.cookies.update({k: m.value for k, m in jar.items()})
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}
        finally:
            conn.close()

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None,
                chunk: int = 1 << 20) -> tuple[int, dict[str, str], bytes]:
        """One HTTP request with this visitor's cookies and address; returns status, headers, body.

        A server may answer (413, 429) before the whole body is sent and close: the status it sent is
        still read; 0 means the connection broke without an answer."""
        u = urlsplit(self.base_url)
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=self.timeout)
        conn.sock = self._socket()
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            all_headers = {"Content-Length": str(len(body)), **(headers or {})}
            if self.cookies:
                all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            for k, v in all_headers.items():
                conn.putheader(k, v)
            conn.endheaders()
            try:
                for i in range(0, len(body), chunk):
                    conn.send(body[i:i + chunk])
            except OSError:
                pass  # answered and closed early: the answer may still be readable
            try:
                resp = conn.getresponse()
                return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
            except (OSError, http.client.HTTPException):
                return 0, {}, b""
        finally:
            conn.close()

    def upload(self, data: bytes, name: str = "fichier.csv", file_id: str | None = None) -> int:
        """PUT a file to this session as st.file_uploader's frontend does (multipart, XSRF header);
        returns the HTTP status (204: stored in the server's memory until the session ends)."""
        if not self.session_id:
            raise ProtocolError("no session yet: open a page first")
        boundary = uuid.uuid4().hex
        body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n"
                f"Content-Type: text/csv\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
        u = urlsplit(self.base_url)
        status, _, _ = self.request(
            "PUT", f"/_stcore/upload_file/{self.session_id}/{file_id or uuid.uuid4()}", body,
            {"Content-Type": f"multipart/form-data; boundary={boundary}", "Origin": f"{u.scheme}://{u.netloc}",
             "X-Xsrftoken": self.cookies.get("_streamlit_xsrf", "")})
        return status

    def connect(self) -> None:
        """The browser's first visit, then the websocket with the XSRF token as its second subprotocol.

        As the frontend: the page, then /_stcore/health (which sets the XSRF cookie) and
        /_stcore/host-config. The page's scripts and styles are left out: a browser keeps them a year.
        """
        for path in ("/", "/_stcore/health", "/_stcore/host-config"):
            status, _ = self.visit(path)
            if status != 200:
                raise ProtocolError(f"GET {path} returned {status}")
        u = urlsplit(self.base_url)
        scheme = "wss" if u.scheme == "https" else "ws"
        protocols = ["streamlit", self.cookies.get("_streamlit_xsrf", "")]
        try:
            self._ws = websocket.create_connection(
                f"{scheme}://{u.netloc}/_stcore/stream", timeout=self.timeout, socket=self._socket(),
                subprotocols=[p for p in protocols if p],
                origin=self.origin or f"{u.scheme}://{u.netloc}",
                cookie="; ".join(f"{k}={v}" for k, v in self.cookies.items()) or None)
        except (OSError, websocket.WebSocketException) as exc:
            raise ProtocolError(f"websocket refused: {exc}") from exc

    @property
    def connected(self) -> bool:
        return self._ws is not None

    def close(self) -> None:
        if self._ws is not None:
            try:
                self._ws.close()
            except Exception:  # a socket the server already dropped
                pass
            self._ws = None

    # ------------------------------------------------------------ actions

    def open(self, path: str = "", query: str = "") -> Run:
        """First run of a page, as a tab opened on http://host/<path>?<query>."""
        self._path, self._query = path.strip("/"), query
        return self._rerun(page_name=self._path)

    def goto(self, title: str) -> Run:
        """Click a page in the navigation menu (the query string stays, as the browser keeps it)."""
        if title not in self.pages:
            raise ProtocolError(f"no page titled {title!r} in the navigation ({sorted(self.pages)})")
        self._path = next((p for p, t in self.page_paths.items() if t == title), self._path)
        return self._rerun(page_script_hash=self.pages[title])

    def set(self, label: str, value) -> Run:
        """Give the widget labelled `label` a new value (option strings as displayed) and rerun."""
        w = self.widget(label)
        if w.kind in ("multiselect", "button_group"):
            unknown = [v for v in value if v not in w.options]
            if unknown:
                raise ProtocolError(f"{label}: {unknown} not among the options")
        self._values[w.id] = value
        return self._rerun()

    def click(self, label: str) -> Run:
        w = self.widget(label)
        return self._rerun(trigger=w)

    def value(self, label: str):
        """What the widget labelled `label` holds now: the user's choice, unless the server set it since."""
        w = self.widget(label)
        return self._values.get(w.id, w.shown_value())

    def widget(self, label: str) -> Widget:
        if label not in self.widgets:
            raise ProtocolError(f"no widget labelled {label!r} on the page (labels: {sorted(self.widgets)})")
        return self.widgets[label]

    # ------------------------------------------------------------ one rerun

    def _states(self, trigger: Widget | None):
        out = []
        for w in self.widgets.values():
            if w.kind == "button":
                continue
            s = w.state(self._values[w.id] if w.id in self._values else w.shown_value())
            if s is not None:
                out.append(s)
        if trigger is not None:
            out.append(trigger.state(True))
        return out

    def _rerun(self, page_script_hash: str = "", page_name: str = "", trigger: Widget | None = None) -> Run:
        if self._ws is None:
            raise ProtocolError("not connected")
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self._query
        cs.widget_states.widgets.extend(self._states(trigger))
        if page_script_hash:
            cs.page_script_hash = page_script_hash
        elif page_name:
            cs.page_name = page_name
        elif self.page_title in self.pages:
            cs.page_script_hash = self.pages[self.page_title]
        cs.cached_message_hashes.extend(self._cache)
        ctx = cs.context_info
        ctx.timezone, ctx.timezone_offset, ctx.locale = "Europe/Paris", -60, self.locale
        ctx.url = f"{self.base_url}/{self._path}" + (f"?{self._query}" if self._query else "")
        ctx.is_embedded, ctx.color_scheme = False, "light"
        started = time.perf_counter()
        try:
            self._ws.send_binary(msg.SerializeToString())
        except (OSError, websocket.WebSocketException) as exc:
            raise ProtocolError(f"send failed: {exc}") from exc
        return self._receive(started)

    def _receive(self, started: float) -> Run:
        deadline = started + self.timeout
        elements: dict[tuple, tuple] = {}
        finished: list[int] = []
        size = count = 0
        self._runs += 1
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise ProtocolError(f"no end of run after {self.timeout:.0f} s")
            self._ws.settimeout(left)
            try:
                opcode, data = self._ws.recv_data()
            except websocket.WebSocketTimeoutException as exc:
                raise ProtocolError(f"no end of run after {self.timeout:.0f} s") from exc
            except (OSError, websocket.WebSocketException) as exc:
                raise ProtocolError(f"websocket closed during a run: {exc}") from exc
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                raise ProtocolError("websocket closed by the server during a run")
            if opcode != websocket.ABNF.OPCODE_BINARY:
                continue
            size += len(data)
            count += 1
            fm = ForwardMsg()
            fm.ParseFromString(data)
            kind = fm.WhichOneof("type")
            if kind == "ref_hash":
                cached = self._cache.get(fm.ref_hash)
                if cached is None:
                    raise ProtocolError(f"server referred to an uncached message {fm.ref_hash}")
                body = ForwardMsg()
                body.CopyFrom(cached[0])
                body.metadata.CopyFrom(fm.metadata)
                self._cache[fm.ref_hash] = (cached[0], self._runs)
                fm, kind = body, body.WhichOneof("type")
            elif fm.metadata.cacheable:
                self._cache[fm.hash] = (fm, self._runs)
            if kind == "new_session":
                ns = fm.new_session
                self.session_id = ns.initialize.session_id or self.session_id
                self._max_age = ns.config.max_cached_message_age or self._max_age
                self.page_title = None
                elements = {}  # a new run (also after st.rerun): the page is drawn again from scratch
            elif kind == "navigation":
                # Hidden pages (aliases such as /vue-d-ensemble) are not in the menu a user clicks.
                self.pages = {p.page_name: p.page_script_hash for p in fm.navigation.app_pages if not p.is_hidden}
                self.page_paths = {p.url_pathname: p.page_name for p in fm.navigation.app_pages}
                current = fm.navigation.page_script_hash
                self.page_title = next((t for t, h in self.pages.items() if h == current), self.page_title)
            elif kind == "page_info_changed":
                self._query = fm.page_info_changed.query_string
            elif kind == "delta":
                d = fm.delta
                which = d.WhichOneof("type")
                path = tuple(fm.metadata.delta_path)
                if which == "new_element":
                    el = d.new_element.WhichOneof("type")
                    elements[path] = (el, getattr(d.new_element, el))
                elif which == "add_block":
                    elements[path] = ("block", d.add_block)
            elif kind == "script_finished":
                finished.append(fm.script_finished)
            elif kind == "session_status_changed":
                if finished and not fm.session_status_changed.script_is_running:
                    break
            elif kind == "page_not_found":
                finished.append(FINISHED_COMPILE_ERROR)
        seconds = time.perf_counter() - started
        # The frontend forgets cached messages not used for max_cached_message_age runs.
        self._cache = {h: v for h, v in self._cache.items() if self._runs - v[1] < self._max_age}
        self.widgets = {}
        for kind, proto in elements.values():
            if kind in WIDGET_KINDS and proto.label:
                self.widgets[proto.label] = Widget(kind, proto)
        # As the frontend's widget manager: a widget drawn for the first time holds what the server drew;
        # a value the server sets (session state, a reset) replaces the one held; otherwise the value
        # held stays, even when a later run draws the widget with its bare default. Widgets no longer
        # drawn are forgotten.
        live = {w.id for w in self.widgets.values()}
        self._values = {k: v for k, v in self._values.items() if k in live}
        for w in self.widgets.values():
            if w.kind != "button" and (w.id not in self._values or getattr(w.proto, "set_value", False)):
                self._values[w.id] = w.shown_value()
        self.last = Run(seconds, finished, elements, size, count, self._query)
        return self.last
