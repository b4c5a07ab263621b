"""The HTTP server of ``lmsim serve``: one port for every service the simulation
implements (``simulator.aws.http``) and for the control API (``/_lmsim/``), one request at
a time against the simulation, and optionally a clock that follows the wall clock."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from simulator.aws.http import MAX_BODY_BYTES, AccessKeys, WireEndpoint, WireRequest, WireResponse
from simulator.runs.result import Result
from simulator.serve.control import PREFIX, handle_control
from simulator.simulation import MAX_HORIZON, Simulation
from simulator.timelines.costs import Prices

_log = logging.getLogger(__name__)
#: How often (wall seconds) a clock that follows the wall clock catches up.
TICK = 0.05
#: Seconds a request's body may stop arriving short of its Content-Length (S3 closes such
#: connections with RequestTimeout after about 20 seconds).
BODY_TIMEOUT = 20.0


class SimulationServer:
    """Serves one simulation over HTTP.

    Requests are served one at a time (a lock around the simulation), each on the thread of
    its connection. With ``speed`` the simulated clock moves ``speed`` simulated seconds per
    wall second between requests; otherwise it moves only when asked (``/_lmsim/advance``).

    Args:
        sim: The simulation.
        host: The address to listen on (loopback by default).
        port: The port (0: any free port).
        speed: Simulated seconds per wall second, or None.
        name: What runs (the scenario's name), for the summary.
        params: The scenario's parameters, for the summary and trace.
        prices: The scenario's price table, if any.
        body_timeout: Seconds a request's body may stop arriving short of its Content-Length
            before the request is refused with ``RequestTimeout``.

    Raises:
        OSError: if the address cannot be bound.
        ValueError: for a speed that is not positive.
    """

    def __init__(
        self, sim: Simulation, host: str = "127.0.0.1", port: int = 4566, *, speed: float | None = None,
        name: str = "serve", params: Mapping[str, Any] | None = None, prices: Prices | None = None,
        body_timeout: float = BODY_TIMEOUT,
    ) -> None:
        if speed is not None and not speed > 0:
            raise ValueError(f"--speed must be a positive number of simulated seconds per second, got {speed}")
        self.sim = sim
        self.speed = speed
        self.name = name
        self.params = dict(params or {})
        self.prices = prices
        self.lock = threading.RLock()
        self.access_keys = AccessKeys()
        services = sim.world.global_services
        self.endpoint = WireEndpoint(sim.gateway, services.sts.sessions, sim.ids, sim.region, self._ensure_account,
                                     self.access_keys, services.iam.access_key)
        self._httpd = ThreadingHTTPServer((host, port), make_handler(self.serve_request, self._refuse_unread,
                                                                         body_timeout))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None
        self._stopped = threading.Event()
        self._anchor = (time.monotonic(), sim.env.now)

    @property
    def url(self) -> str:
        """The endpoint's URL (``http://127.0.0.1:4566``)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> SimulationServer:
        """Serve on background threads; return the server."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="lmsim-serve", daemon=True)
        self._thread.start()
        if self.speed is not None:
            threading.Thread(target=self._follow_wall_clock, name="lmsim-clock", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port (waits for the request being served)."""
        self._stopped.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.server_close()

    def __enter__(self) -> SimulationServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # -- the simulation -------------------------------------------------------------------

    def advance_to(self, target: float) -> None:
        """Run the simulation up to ``target`` simulated seconds (the caller holds the lock).

        Raises:
            ValueError: for a target before now or past the horizon.
        """
        self.sim.run_to(target)
        self._anchor = (time.monotonic(), self.sim.env.now)

    def _follow_wall_clock(self) -> None:
        assert self.speed is not None
        while not self._stopped.wait(TICK):
            with self.lock:
                began, base = self._anchor
                target = min(base + (time.monotonic() - began) * self.speed, MAX_HORIZON)
                if target > self.sim.env.now:
                    try:
                        self.sim.run_to(target)
                    except Exception:
                        _log.exception("the simulation failed while following the wall clock; the clock stops")
                        return

    def _ensure_account(self, account_id: str) -> None:
        if account_id not in self.sim.world.organizations.accounts:
            self.sim.add_account(account_id)

    def result(self) -> Result:
        """The run so far, as ``lmsim run`` has it (timelines, summary, files)."""
        return Result(self.sim, name=self.name, seed=self.sim.seed, params=self.params, prices=self.prices)

    def status(self) -> dict[str, Any]:
        """What ``GET /_lmsim/status`` answers."""
        sim = self.sim
        organizations = sim.world.organizations
        return {
            "time": sim.now.isoformat().replace("+00:00", "Z"), "seconds": sim.env.now, "start":
            sim.clock.start.isoformat().replace("+00:00", "Z"), "seed": sim.seed, "region": sim.region,
            "scenario": self.name, "speed": self.speed, "accounts": sorted(organizations.accounts),
            "calls": sum(1 for row in sim.records.rows("events") if row is not None and row[9] == "api"),
            "requests": self.endpoint.requests,
        }

    def _refuse_unread(self, request: WireRequest, length: int | None) -> WireResponse:
        with self.lock:
            return self.endpoint.refuse_unread(request, length)

    def serve_request(self, request: WireRequest) -> WireResponse:
        """The answer to one request (AWS API or control API)."""
        with self.lock:
            if request.path.startswith(PREFIX) or request.path == PREFIX.rstrip("/"):
                status, content_type, body = handle_control(self, request.method, request.path, request.query,
                                                            request.body)
                return WireResponse(status, {"Content-Type": content_type}, body)
            return self.endpoint.handle(request)


def make_handler(
    serve: Callable[[WireRequest], WireResponse], refuse_unread: Callable[[WireRequest, int | None], WireResponse],
    body_timeout: float = BODY_TIMEOUT,
) -> type[BaseHTTPRequestHandler]:
    """A request handler class for ``http.server`` that reads each request and writes
    ``serve``'s answer. A body over ``MAX_BODY_BYTES``, or one that stops arriving for
    ``body_timeout`` seconds short of its Content-Length, is answered by ``refuse_unread``
    (with its length, or None) and the connection closed."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "lmsim"
        # Headers and body go out in two writes; with Nagle's algorithm the second waits for
        # the client's delayed ACK of the first (about 40 ms a call on Linux).
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            split = urlsplit(self.path)
            request = WireRequest(self.command, split.path or "/", split.query, dict(self.headers.items()))
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length > MAX_BODY_BYTES or length < 0:
                answer = refuse_unread(request, length)
                self.close_connection = True
            else:
                body: bytes | None
                self.connection.settimeout(body_timeout)
                try:
                    body = self._read_body(length)
                except TimeoutError:
                    body = None
                finally:
                    self.connection.settimeout(None)
                if body is None or len(body) > MAX_BODY_BYTES:
                    answer = refuse_unread(request, None if body is None else len(body))
                    self.close_connection = True
                else:
                    request.body = body
                    answer = serve(request)
            self.send_response(answer.status)
            headers = {key.lower(): (key, value) for key, value in answer.headers.items()}
            if self.command != "HEAD" or "content-length" not in headers:
                # a HEAD answer keeps the length of what a GET would send (an S3 object's size)
                headers["content-length"] = ("Content-Length", str(len(answer.body)))
            for key, value in headers.values():
                self.send_header(key, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(answer.body)

        def _read_body(self, length: int) -> bytes:
            if "chunked" not in self.headers.get("Transfer-Encoding", "").lower():
                return self.rfile.read(length) if length else b""
            chunks = []
            total = 0
            while total <= MAX_BODY_BYTES:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                total += size
                self.rfile.readline()
            return b"".join(chunks)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            _log.debug("%s " + format, self.address_string(), *args)

    return Handler
