#!/usr/bin/env python3
"""Benchmarks for the foundation (issue 2), printing figures:

1. ingest throughput on SQLite: items stored, evaluated by the policy engine and
   queued, delivered in batches of 80 as a Mastodon poll delivers them;
2. resident memory of ``modbot run`` idle with two accounts (web page on).

Targets: >= 1,000 items/s; idle RSS <= 150 MB.
Usage: python scripts/bench_ingest.py [--batches 100] [--batch-size 80] [--skip-rss]
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from adapters.simulated.traffic import scripted_post  # noqa: E402
from bot.bootstrap import build_app  # noqa: E402
from bot.domain import ActionKind, Author, Batch, Item, ItemKind, Platform  # noqa: E402
from tests.support import make_settings  # noqa: E402


class BenchAdapter:
    platform = Platform.SIMULATED
    capabilities = frozenset(ActionKind)

    def __init__(self, batch_size: int):
        self.batch_size = batch_size

    def fetch(self, cursor: str | None) -> Batch:
        start = int(cursor or 0)
        items = []
        for n in range(start, start + self.batch_size):
            p = scripted_post(7, n, "Thornbury Town Council")
            who = n % 500  # 500 residents, each always under the same handle
            author = Author(remote_id=f"user-{who}", handle=f"resident{who}@social.example",
                            display_name=f"Resident {who}", created_at=p.account_created)
            # Residents do not post identical texts (the spam rule flags copies from
            # several accounts), so each scripted text gets its own ending.
            text = f"{p.text} (comment {n} today)"
            items.append(Item(remote_id=f"b-{n}", kind=ItemKind(p.kind), author=author, text=text,
                              created_at=p.created_at, raw={"id": n, "content": text, "account": p.handle},
                              html=f"<p>{text}</p>"))
        return Batch(tuple(items), str(start + self.batch_size), requests=1)

    def check(self):  # pragma: no cover
        raise AssertionError

    def send_dm_reply(self, item, text, key):  # pragma: no cover
        return None

    def apply(self, order):  # pragma: no cover
        return None


def bench_ingest(batches: int, batch_size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = make_settings(Path(tmp), f"sqlite:///{tmp}/bench.db", mode="observe")
        clock_now = [datetime(2026, 11, 2, tzinfo=UTC)]
        app = build_app(settings, adapters={"sim": BenchAdapter(batch_size)}, clock=lambda: clock_now[0])
        app.moderator.poll("sim")  # warm-up (imports, caches)
        started = time.perf_counter()
        stored = flagged = 0
        for _ in range(batches):
            clock_now[0] += timedelta(seconds=30)
            r = app.moderator.poll("sim")
            stored += r.stored
            flagged += r.flagged
        elapsed = time.perf_counter() - started
        app.close()
    return {"items": stored, "flagged": flagged, "seconds": round(elapsed, 3),
            "items_per_second": round(stored / elapsed, 1)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def bench_idle_rss(settle_seconds: float) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        doc = yaml.safe_load((REPO / "config" / "demo.yaml").read_text())
        doc.update(data_dir=str(Path(tmp) / "data"), rules_file=str(REPO / "config" / "rules.yaml"))
        doc["web"].update(port=port, public_url=f"http://127.0.0.1:{port}")
        cfg = Path(tmp) / "modbot.yaml"
        cfg.write_text(yaml.safe_dump(doc))
        proc = subprocess.Popen([sys.executable, "-m", "bot", "--config", str(cfg), "run"], cwd=REPO,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            health = wait_for_polls(port, proc)
            time.sleep(settle_seconds)  # a benchmark measuring idleness must let time pass
            rss = psutil.Process(proc.pid).memory_info().rss
        finally:
            proc.terminate()
            proc.wait(30)
    return {"accounts": len(health["accounts"]), "idle_rss_mb": round(rss / 2**20, 1)}


def wait_for_polls(port: int, proc: subprocess.Popen[bytes]) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("modbot run exited early")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:  # noqa: S310
                doc = json.load(resp)
        except urllib.error.HTTPError as exc:
            doc = json.load(exc.fp) if exc.fp else None  # 503 still carries the report
        except OSError:
            doc = None
        if doc and all(a["last_successful_poll"] for a in doc.get("accounts", [])) and doc.get("accounts"):
            return doc
        time.sleep(0.5)
    raise SystemExit("accounts were not polled within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=80)
    parser.add_argument("--settle", type=float, default=10.0)
    parser.add_argument("--skip-rss", action="store_true")
    args = parser.parse_args()
    ingest = bench_ingest(args.batches, args.batch_size)
    print(f"ingest (SQLite, batches of {args.batch_size}): {ingest['items']} items, {ingest['flagged']} flagged, "
          f"{ingest['seconds']} s -> {ingest['items_per_second']} items/s (target >= 1000)")
    if not args.skip_rss:
        rss = bench_idle_rss(args.settle)
        print(f"modbot run idle with {rss['accounts']} accounts: RSS {rss['idle_rss_mb']} MB (target <= 150)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
