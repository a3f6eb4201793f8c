"""``modbot demo`` end to end in a real process: the queue fills within seconds,
an approved action reaches the simulated platform and the audit log."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, select

from adapters.simulated.traffic import CIVIL, DMS
from bot.storage import models as m
from tests.support import REPO

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthz(port: int) -> dict:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
            return json.load(resp)
    except urllib.error.HTTPError as exc:  # 503 when degraded still carries the report
        return json.load(exc)


def wait_until(condition, seconds: float, what: str):  # noqa: ANN001, ANN201
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except OSError:
            value = None
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def test_demo_fills_queue_and_carries_out_an_approved_action(tmp_path: Path) -> None:
    port = free_port()
    data_dir = tmp_path / "demo"
    proc = subprocess.Popen([sys.executable, "-m", "bot", "demo", "--port", str(port), "--data-dir", str(data_dir)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=dict(os.environ))
    try:
        assert proc.stdout is not None
        banner = "".join(proc.stdout.readline() for _ in range(6))
        assert re.search(r"Sign in as\s+clerk", banner) and "Password" in banner
        started = time.monotonic()
        report = wait_until(lambda: (h := healthz(port)) and sum(a["pending_review"] for a in h["accounts"]) and h,
                            10, "a filling queue")
        assert time.monotonic() - started < 10
        assert len(report["accounts"]) == 2
        config = tmp_path / "demo.yaml"
        doc = yaml.safe_load((REPO / "config" / "demo.yaml").read_text())
        doc.update(data_dir=str(data_dir), rules_file=str(REPO / "config" / "rules.yaml"))
        config.write_text(yaml.safe_dump(doc))
        listing = subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "queue", "list", "--json"],
                                 cwd=REPO, capture_output=True, text=True, check=True)
        queue = json.loads(listing.stdout)
        target = next(r for r in queue if r["account"] == "sim-mastodon" and r["actions"])
        subprocess.run([sys.executable, "-m", "bot", "--config", str(config), "queue", "approve", str(target["item"]),
                        "--as", "clerk", "--reason", "demo test"], cwd=REPO, check=True, capture_output=True)
        engine = create_engine(f"sqlite:///{data_dir / 'modbot.db'}")
        assert_civil_posts_not_queued(engine)

        def done_events() -> list[str]:
            with engine.connect() as c:
                return list(c.execute(select(m.AuditEvent.event).where(m.AuditEvent.event == "action.done")).scalars())

        wait_until(done_events, 20, "the approved action being carried out")
        with engine.connect() as c:
            review_id = c.execute(select(m.ReviewItem.id).where(m.ReviewItem.item_id == target["item"])).scalar()
        engine.dispose()
        state = json.loads((data_dir / "simulated-sim-mastodon.json").read_text())
        assert any(k.startswith(f"act-{review_id}-") for k in state["applied"])
    finally:
        proc.terminate()
        proc.wait(30)
    assert proc.returncode == 0


def assert_civil_posts_not_queued(engine) -> None:  # noqa: ANN001
    """The scripted civil replies and DMs are stored but none of them is flagged."""
    civil = set(CIVIL) | set(DMS)
    with engine.connect() as c:
        rows = c.execute(select(m.Item.text, m.Item.flagged)).all()
    seen = [(text, flagged) for text, flagged in rows if text in civil]
    assert len(seen) >= 3, "too few civil posts ingested to tell"
    queued = sorted({text for text, flagged in seen if flagged})
    assert queued == [], f"civil scripted posts were queued: {queued}"
    assert any(flagged for text, flagged in rows if text not in civil), "no breach was queued"
