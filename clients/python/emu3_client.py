"""emu3_client: a small Python client for emu3-swift services (pynng + protobuf).

Every call is one ``emu3.v1.RpcRequest`` envelope on an NNG REQ socket; the answer is one
``emu3.v1.RpcReply`` (README, "The wire protocol"). The message classes are generated from
``proto/emu3/v1`` by ``gen_proto.sh`` into ``emu3/v1/*_pb2.py`` next to this file.

    import emu3_client
    print(emu3_client.health("ipc:///tmp/emu3-1000/backbone.ipc"))      # "SERVING"
    png = emu3_client.generate(ORCHESTRATOR_URL, "a red circle", seed=7).png
    print(emu3_client.understand(ORCHESTRATOR_URL, png, "What is in the picture?").text)

Errors are ``Emu3Error`` with the service's status code (gRPC numbering) and message.
Requires: pynng, protobuf >= 3.20.
"""
from __future__ import annotations

import os
import secrets
import sys
import time

# The generated modules import each other as `emu3.v1.x_pb2`: make ours the `emu3` found.
_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

import pynng  # noqa: E402

from emu3.v1 import health_pb2, rpc_pb2  # noqa: E402

__all__ = [
    "Emu3Error", "StatusCode", "Client", "call", "health", "info", "generate", "understand",
    "HEALTH_CHECK", "INFO_GET", "ORCHESTRATOR_GENERATE", "ORCHESTRATOR_UNDERSTAND",
]

HEALTH_CHECK = "/emu3.v1.Health/Check"
INFO_GET = "/emu3.v1.Info/Get"
ORCHESTRATOR_GENERATE = "/emu3.v1.Orchestrator/GenerateImage"
ORCHESTRATOR_UNDERSTAND = "/emu3.v1.Orchestrator/Understand"


class StatusCode:
    """gRPC's canonical status codes, as carried in ``RpcReply.code``."""
    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16

    @classmethod
    def name(cls, code: int) -> str:
        for key, value in vars(cls).items():
            if key.isupper() and value == code:
                return key
        return "UNKNOWN"


class Emu3Error(Exception):
    """A call failed: ``code`` is the status (``StatusCode``), ``retry_after_ms`` > 0 when
    the service asks the caller to retry later (busy)."""

    def __init__(self, code: int, message: str, retry_after_ms: int = 0):
        super().__init__(f"{StatusCode.name(code)}: {message}")
        self.code = code
        self.message = message
        self.retry_after_ms = retry_after_ms


def _now_ms() -> int:
    return int(time.time() * 1000)


class Client:
    """A REQ socket dialled to one service address. Every socket option the service
    contract asks for is set explicitly (receive limit, timeouts, resend).

    ``resend=False`` (the default) never resends a request: use it for long, non-idempotent
    calls such as generation, so a job never runs twice. Not thread-safe: one per thread.
    """

    def __init__(self, url: str, recv_max_bytes: int = 64 << 20, resend: bool = False,
                 connect_wait_ms: int = 500):
        self.url = url
        self.connect_wait_ms = connect_wait_ms
        self._socket = pynng.Req0(recv_max_size=recv_max_bytes, reconnect_time_min=100,
                                  reconnect_time_max=2000)
        # 0 turns resending off in NNG's REQ protocol (pynng has no "infinite" constant).
        self._socket.resend_time = 5000 if resend else 0
        try:
            self._socket.dial(url, block=False)
        except pynng.NNGException as e:
            self._socket.close()
            raise Emu3Error(StatusCode.INVALID_ARGUMENT, f"cannot dial {url}: {e}") from e

    def close(self) -> None:
        self._socket.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def call_raw(self, method: str, payload: bytes, timeout_ms: int) -> bytes:
        """Sends one envelope; returns the reply payload, or raises ``Emu3Error``."""
        deadline = _now_ms() + timeout_ms
        self._wait_for_connection(deadline)
        request_id = secrets.token_hex(16)
        envelope = rpc_pb2.RpcRequest(method=method, request_id=request_id,
                                      deadline_unix_ms=deadline, payload=payload)
        reply = rpc_pb2.RpcReply()
        reply.ParseFromString(self.exchange(envelope.SerializeToString(), deadline))
        if reply.code != StatusCode.OK:
            raise Emu3Error(reply.code, reply.message, reply.retry_after_ms)
        if reply.request_id != request_id:
            raise Emu3Error(StatusCode.INTERNAL,
                            f"reply for request {reply.request_id} does not match {request_id}")
        return reply.payload

    def call(self, method: str, request, response_type, timeout_ms: int = 10_000):
        """Calls ``method`` with a protobuf message; returns a ``response_type`` message."""
        payload = self.call_raw(method, request.SerializeToString(), timeout_ms)
        response = response_type()
        try:
            response.ParseFromString(payload)
        except Exception as e:  # protobuf's DecodeError
            raise Emu3Error(StatusCode.INTERNAL, f"malformed {response_type.__name__} from {self.url}: {e}") from e
        return response

    def exchange(self, data: bytes, deadline_ms: int) -> bytes:
        """Sends raw bytes (which need not be a valid envelope) and returns the raw reply."""
        try:
            self._socket.send_timeout = max(1, deadline_ms - _now_ms())
            self._socket.send(data)
            left = deadline_ms - _now_ms()
            if left <= 0:
                raise Emu3Error(StatusCode.DEADLINE_EXCEEDED, f"no reply from {self.url} in time")
            self._socket.recv_timeout = left
            return self._socket.recv()
        except pynng.Timeout as e:
            raise Emu3Error(StatusCode.DEADLINE_EXCEEDED, f"no reply from {self.url} in time") from e
        except (pynng.ConnectionReset, pynng.ConnectionRefused, pynng.Closed, pynng.ConnectionAborted) as e:
            raise Emu3Error(StatusCode.UNAVAILABLE, f"connection to {self.url} lost: {e}") from e

    def _wait_for_connection(self, deadline_ms: int) -> None:
        # Fail fast with UNAVAILABLE when nobody listens, instead of letting NNG queue the
        # request until the deadline.
        until = min(deadline_ms, _now_ms() + self.connect_wait_ms)
        while not self._socket.pipes and _now_ms() < until:
            time.sleep(0.002)
        if self._socket.pipes:
            return
        if _now_ms() >= deadline_ms:
            raise Emu3Error(StatusCode.DEADLINE_EXCEEDED, f"deadline passed before {self.url} answered")
        raise Emu3Error(StatusCode.UNAVAILABLE, f"no service is listening at {self.url}")

    # Methods every service answers.

    def health(self, service: str = "", timeout_ms: int = 2000) -> str:
        """``/emu3.v1.Health/Check``: "SERVING", "NOT_SERVING", "UNKNOWN" or "SERVICE_UNKNOWN"."""
        response = self.call(HEALTH_CHECK, health_pb2.HealthCheckRequest(service=service),
                             health_pb2.HealthCheckResponse, timeout_ms)
        return health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)

    def info(self, timeout_ms: int = 2000):
        """``/emu3.v1.Info/Get``: an ``InfoResponse`` (name, version, model, limits, methods)."""
        return self.call(INFO_GET, health_pb2.InfoRequest(), health_pb2.InfoResponse, timeout_ms)

    # The orchestrator's pipelines (`emu3-orchestrator serve`).

    def generate(self, prompt: str, *, negative_prompt: str = "", ratio: str = "", area: int = 0,
                 cfg_scale: float = 0.0, top_k: int = 0, top_p: float = 0.0, temperature: float = 0.0,
                 seed: int = 0, timeout_ms: int = 600_000):
        """``/emu3.v1.Orchestrator/GenerateImage``: a ``GenerateImageResponse`` (png bytes,
        width, height, seed, token_ids, elapsed_ms). Zero values mean the model's defaults."""
        orchestrator_pb2 = _orchestrator_messages()
        request = orchestrator_pb2.GenerateImageRequest(
            prompt=prompt, negative_prompt=negative_prompt, ratio=ratio, area=area, cfg_scale=cfg_scale,
            top_k=top_k, top_p=top_p, temperature=temperature, seed=seed)
        return self.call(ORCHESTRATOR_GENERATE, request, orchestrator_pb2.GenerateImageResponse, timeout_ms)

    def understand(self, png: bytes, question: str, *, max_tokens: int = 0, timeout_ms: int = 600_000):
        """``/emu3.v1.Orchestrator/Understand``: an ``UnderstandResponse`` (text, token_ids,
        elapsed_ms) answering ``question`` about the PNG image ``png``."""
        orchestrator_pb2 = _orchestrator_messages()
        request = orchestrator_pb2.UnderstandRequest(png=png, question=question, max_tokens=max_tokens)
        return self.call(ORCHESTRATOR_UNDERSTAND, request, orchestrator_pb2.UnderstandResponse, timeout_ms)


def _orchestrator_messages():
    try:
        from emu3.v1 import orchestrator_pb2
    except ImportError as e:
        raise Emu3Error(StatusCode.UNIMPLEMENTED,
                        "emu3/v1/orchestrator_pb2.py is missing: run clients/python/gen_proto.sh") from e
    return orchestrator_pb2


# One-shot helpers: open a socket, call, close.

def call(url: str, method: str, request, response_type, timeout_ms: int = 10_000, resend: bool = False):
    """Calls ``method`` at ``url`` once (see ``Client.call``)."""
    with Client(url, resend=resend) as c:
        return c.call(method, request, response_type, timeout_ms)


def health(url: str, service: str = "", timeout_ms: int = 2000) -> str:
    """The Health status of the process at ``url``, e.g. "SERVING"."""
    with Client(url, resend=True) as c:
        return c.health(service, timeout_ms)


def info(url: str, timeout_ms: int = 2000):
    """The ``InfoResponse`` of the process at ``url``."""
    with Client(url, resend=True) as c:
        return c.info(timeout_ms)


def generate(url: str, prompt: str, **options):
    """Generates one image through the orchestrator at ``url`` (see ``Client.generate``)."""
    with Client(url, recv_max_bytes=64 << 20) as c:
        return c.generate(prompt, **options)


def understand(url: str, png: bytes, question: str, **options):
    """Answers ``question`` about ``png`` through the orchestrator at ``url``."""
    with Client(url) as c:
        return c.understand(png, question, **options)
