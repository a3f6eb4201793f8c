"""Hostile connections against the real waitress server (as ``modbot run`` starts it):
150 idle, half-sent requests must not stop ``/healthz`` answering, and the server
closes such connections itself after ``web.channel_timeout_seconds``.

Bounded: 150 sockets to 127.0.0.1 on a port the system picks, every wait capped
at a few seconds, all sockets closed at the end.
"""

from __future__ import annotations

import http.client
import json
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest

from bot.bootstrap import build_app
from bot.cli.service import serve
from bot.scheduler import Heartbeat
from tests.support import make_settings

IDLE_SOCKETS = 150
CLOSE_WITHIN = 10.0  # seconds: the channel timeout below (2 s) plus the sweep, with room


@contextmanager
def running_service(tmp_path: Path, **overrides: object) -> Iterator[int]:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'modbot.db'}", **overrides)
    app = build_app(settings, adapters={})
    server = serve(app, Heartbeat(), "127.0.0.1", 0)
    try:
        yield int(server.effective_port)
    finally:
        server.close()
        app.close()


def half_sent_request(port: int) -> socket.socket:
    """A slow client: connects, sends part of a request, then nothing."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def healthz(port: int) -> dict[str, object]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        return dict(json.loads(response.read()), http_status=response.status)
    finally:
        conn.close()


def test_health_answers_while_150_connections_hang(tmp_path: Path) -> None:
    with running_service(tmp_path) as port, ExitStack() as stack:
        for _ in range(IDLE_SOCKETS):
            stack.callback(half_sent_request(port).close)
        report = healthz(port)  # waitress's default limit (100) would leave this unanswered
        assert report["http_status"] in (200, 503) and "database" in report


@pytest.mark.slow
def test_idle_connections_are_closed_by_the_server(tmp_path: Path) -> None:
    with running_service(tmp_path, **{"web.channel_timeout_seconds": 2, "web.cleanup_interval_seconds": 1}) as port:
        sockets = [half_sent_request(port) for _ in range(20)]
        deadline = time.monotonic() + CLOSE_WITHIN
        try:
            for sock in sockets:  # recv returns b"" once the server has closed the connection
                sock.settimeout(max(0.1, deadline - time.monotonic()))
                assert sock.recv(1024) == b""
        finally:
            for sock in sockets:
                sock.close()
        assert healthz(port)["http_status"] in (200, 503)
