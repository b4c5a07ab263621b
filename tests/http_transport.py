"""``pytest --over-http``: every ``sim.client(...)`` of the behaviour suites becomes a boto3
client with ``endpoint_url`` that reaches its simulation over a real HTTP connection, through
the same request handler and ``WireEndpoint`` as ``lmsim serve``.

One server per test process serves every simulation: each client marks its requests with
its simulation's key (a header the endpoint does not read), so tests keep their own fresh
simulations without a port each.
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import weakref
from http.server import ThreadingHTTPServer
from typing import Any

from botocore import UNSIGNED
from botocore.client import BaseClient
from botocore.config import Config

from simulator import Simulation
from simulator.aws.gateway import _PRESIGNERS
from simulator.aws.http import AccessKeys, WireEndpoint, WireRequest, WireResponse
from simulator.aws.models import boto3_session
from simulator.serve.server import make_handler

SIMULATION_HEADER = "X-Lmsim-Test-Simulation"
_ORIGINAL_CLIENT = Simulation.client


class SharedTransport:
    """The one HTTP server of a test process, serving any number of simulations."""

    def __init__(self) -> None:
        self._sims: weakref.WeakValueDictionary[str, Simulation] = weakref.WeakValueDictionary()
        self._endpoints: weakref.WeakKeyDictionary[Simulation, WireEndpoint] = weakref.WeakKeyDictionary()
        self._keys: weakref.WeakKeyDictionary[Simulation, AccessKeys] = weakref.WeakKeyDictionary()
        self._names = (f"sim-{n}" for n in itertools.count())
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(self._serve, self._refuse, body_timeout=0.5))
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        host, port = self._httpd.server_address[:2]
        self.url = f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving."""
        self._httpd.shutdown()
        self._httpd.server_close()

    def endpoint(self, sim: Simulation) -> tuple[str, WireEndpoint, AccessKeys]:
        """The name, endpoint and access keys of ``sim`` (made on first use)."""
        with self._lock:
            endpoint = self._endpoints.get(sim)
            if endpoint is None:
                keys = AccessKeys()
                services = sim.world.global_services
                endpoint = WireEndpoint(sim.gateway, services.sts.sessions, sim.ids, sim.region,
                                        lambda account_id: None, keys, services.iam.access_key)
                name = next(self._names)
                endpoint.test_name = name  # type: ignore[attr-defined]
                self._sims[name] = sim
                self._endpoints[sim] = endpoint
                self._keys[sim] = keys
            return endpoint.test_name, endpoint, self._keys[sim]  # type: ignore[attr-defined]

    def _target(self, request: WireRequest) -> WireEndpoint:
        name = {k.lower(): v for k, v in request.headers.items()}.get(SIMULATION_HEADER.lower(), "")
        sim = self._sims[name]
        return self._endpoints[sim]

    def _serve(self, request: WireRequest) -> WireResponse:
        return self._target(request).handle(request)

    def _refuse(self, request: WireRequest, length: int | None) -> WireResponse:
        return self._target(request).refuse_unread(request, length)

    def client(
        self, sim: Simulation, service_name: str, account_id: str | None = None, region: str | None = None,
        principal: str | None = None, *, credentials: Any = None,
    ) -> BaseClient:
        """What ``sim.client(...)`` returns under ``--over-http``: the same checks of its
        arguments, then a client over HTTP that acts as the same caller."""
        _ORIGINAL_CLIENT(sim, service_name, account_id, region, principal, credentials=credentials)
        name, _, keys = self.endpoint(sim)
        config = Config(retries={"total_max_attempts": 1})
        secret, token = "simulated", None
        if credentials is not None:
            key, secret, token = (credentials["AccessKeyId"], credentials["SecretAccessKey"],
                                  credentials.get("SessionToken"))
        elif account_id is None:
            key = "unsigned"
            config = config.merge(Config(signature_version=UNSIGNED))
        elif principal is None or principal == f"arn:aws:iam::{account_id}:root":
            key = account_id
        else:
            key = "AKIA" + hashlib.sha1(principal.encode()).hexdigest()[:16].upper()
            keys.register(key, account_id, principal)
        client = boto3_session().client(
            service_name, region_name=region or sim.region, endpoint_url=self.url, aws_access_key_id=key,
            aws_secret_access_key=secret, aws_session_token=token, config=config)

        def mark(request: Any, **_: Any) -> None:
            request.headers[SIMULATION_HEADER] = name

        client.meta.events.register("before-send", mark)
        for event, handler in _PRESIGNERS:
            client.meta.events.unregister(event, handler)
        return client
