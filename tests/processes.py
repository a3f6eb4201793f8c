"""Real ``modbot`` processes for crash and concurrency tests: a config file, a run of a
subcommand, a process frozen at a named crash point (``bot.crashpoints``) and killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import create_engine, insert

from bot.storage import models as m
from tests.support import REPO


def write_config(tmp: Path, db_url: str, **sections: Any) -> Path:
    """A live-mode config on the simulated platform; ``sections`` are merged in (e.g. polling={...})."""
    doc: dict[str, Any] = {
        "council": {
            "name": "Test Town Council",
            "email": "clerk@example.gov.uk",
            "phone": "01454 000000",
            "website": "https://example.gov.uk",
        },
        "mode": "live",
        "data_dir": str(tmp / "data"),
        "database_url": db_url,
        "rules_file": str(REPO / "config" / "rules.yaml"),
        "accounts": [{"name": "sim", "platform": "simulated", "handle": "@council@social.example"}],
    }
    for key, value in sections.items():
        doc[key] = {**doc.get(key, {}), **value} if isinstance(value, dict) else value
    path = tmp / "modbot.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _env(crashpoint: str | None, marker: Path | None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MODBOT_CRASHPOINT", None)
    if crashpoint:
        env.update(MODBOT_CRASHPOINT=crashpoint, MODBOT_CRASHPOINT_FILE=str(marker))
    return env


def modbot(config: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run one modbot command to the end (``start`` runs one in the background)."""
    cmd = [sys.executable, "-m", "bot", "--config", str(config), *args]
    return subprocess.run(cmd, env=_env(None, None), cwd=REPO, capture_output=True, text=True, check=check, timeout=120)


def start(config: Path, *args: str, crashpoint: str | None = None, marker: Path | None = None,
          log: Path | None = None) -> subprocess.Popen[str]:
    """``modbot ARGS`` in the background; output to ``log`` when given (a long-running service)."""
    cmd = [sys.executable, "-m", "bot", "--config", str(config), *args]
    out: Any = open(log, "w", encoding="utf-8") if log else subprocess.PIPE  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, env=_env(crashpoint, marker), cwd=REPO, stdout=out,
                            stderr=subprocess.STDOUT if log else subprocess.PIPE, text=True)


def wait_for_marker(proc: subprocess.Popen[str], marker: Path, what: str, timeout: float = 60) -> None:
    """Until the child says it reached its crash point (it writes the marker file)."""
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"modbot exited before {what}: {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"modbot never reached {what}")
        time.sleep(0.02)


def freeze_at(config: Path, tmp: Path, crashpoint: str, *args: str, log: Path | None = None) -> subprocess.Popen[str]:
    """Run modbot until it reaches ``crashpoint`` and leave it frozen there (alive)."""
    marker = tmp / f"reached-{crashpoint}"
    marker.unlink(missing_ok=True)
    proc = start(config, *args, crashpoint=crashpoint, marker=marker, log=log)
    wait_for_marker(proc, marker, crashpoint)
    return proc


def kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def kill_at(config: Path, tmp: Path, crashpoint: str, *args: str) -> None:
    """Run modbot until it reaches ``crashpoint``, then SIGKILL it."""
    kill(freeze_at(config, tmp, crashpoint, *args))


def add_clerk(db_url: str, name: str = "clerk") -> None:
    engine = create_engine(db_url)
    with engine.begin() as c:
        c.execute(insert(m.User).values(
            name=name, role="clerk", password_hash="-", active=True, created_at=m.utcnow(), created_by="test",
            recovery_codes=[], failed_logins=0, totp_confirmed=False, totp_last_step=0, email=""))
    engine.dispose()
