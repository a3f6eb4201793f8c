"""Serving the clerk's page with waitress, with limits set on purpose.

waitress's defaults accept only 100 connections and keep an idle one open for two
minutes, so about a hundred slow or idle connections stopped the page (and
``/healthz``) from answering. Here the connection limit, the idle timeout and how
often idle connections are swept come from the settings (``web.connection_limit``,
``web.channel_timeout_seconds``, ``web.cleanup_interval_seconds``), and request
headers and bodies are capped well below waitress's own limits (the page's forms
are small; Flask refuses bodies over 256 KiB anyway).
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask

from bot.settings import Settings

MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024


def waitress_options(settings: Settings, threads: int = 4) -> dict[str, Any]:
    return {
        "threads": threads,
        "ident": "council-modbot",
        "connection_limit": int(settings.get("web.connection_limit")),
        "channel_timeout": int(settings.get("web.channel_timeout_seconds")),
        "cleanup_interval": int(settings.get("web.cleanup_interval_seconds")),
        "max_request_header_size": MAX_HEADER_BYTES,
        "max_request_body_size": MAX_BODY_BYTES,
        # The page itself decides whether to believe X-Forwarded-For (only from
        # web.trusted_proxies, see bot/web/throttle.py); waitress would otherwise
        # delete the header before the page could check where it came from.
        "clear_untrusted_proxy_headers": False,
    }


def create_server(flask_app: Flask, host: str, port: int, threads: int = 4) -> Any:
    """A waitress server for the page (call ``run()``; ``close()`` to stop)."""
    from waitress.server import create_server as waitress_server

    settings = flask_app.config["MODBOT_APP"].settings
    return waitress_server(flask_app, host=host, port=port, **waitress_options(settings, threads))


class ServerThread:
    """The page's server running in a thread, with a ``close()`` that stops it cleanly."""

    def __init__(self, server: Any):
        self.server = server
        self.effective_port = server.effective_port
        self._thread = threading.Thread(target=server.run, name="web", daemon=True)
        self._thread.start()

    def close(self, timeout: float = 5.0) -> None:
        # Closing the sockets from another thread while waitress's loop is inside
        # select() fails with "bad file descriptor"; the loop closes them itself
        # when woken through its trigger, then returns.
        from waitress import wasyncore

        self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        self._thread.join(timeout)
        self.server.task_dispatcher.shutdown()
