"""Executor and DM-send leases, in one process with two executors on one database
(SQLite and PostgreSQL). Real processes are in ``test_concurrent_executors.py``."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, update

from adapters.simulated import SimulatedAdapter
from bot import leases
from bot.bootstrap import App
from bot.decisions import Decision
from bot.domain import ActionKind, ActionOrder
from bot.moderator import Moderator
from bot.storage import models as m
from bot.storage.db import transaction
from tests.support import FakeClock
from tests.test_moderator import add_user, first_pending

OTHER_HOST = "vps-two pid 4242 started 2026-11-02T09:00:00Z"


class SlowPlatform(SimulatedAdapter):
    """The simulated platform whose ``apply`` waits for the test to let it finish."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.entered = threading.Event()
        self.release = threading.Event()

    def apply(self, order: ActionOrder) -> dict[str, Any] | None:
        result = super().apply(order)
        self.entered.set()
        assert self.release.wait(30), "the test never let the platform call finish"
        return result


def second_executor(app: App, adapter: SimulatedAdapter, owner: str) -> Moderator:
    mod = app.moderator
    return Moderator(mod.settings, mod.sessions, {"sim": adapter}, mod.engine, clock=mod.clock, lease_owner=owner)


def approve_block(app: App) -> int:
    add_user(app)
    app.moderator.poll("sim")
    review = first_pending(app)
    app.moderator.decide(Decision(review.id, True, "clerk", "threat", actions=(ActionKind.BLOCK,)))
    return review.id


def action_row(app: App, review_id: int) -> m.Action:
    with app.sessions() as s:
        row = s.execute(
            select(m.Action).where(m.Action.review_item_id == review_id, m.Action.kind == "block")
        ).scalar_one()
        return row


def claimed_by(app: App, review_id: int, owner: str, expires_at: datetime) -> None:
    """The block of ``review_id`` left executing under ``owner``'s lease, as a crashed process leaves it."""
    with transaction(app.sessions) as s:
        s.execute(
            update(m.Action)
            .where(m.Action.review_item_id == review_id, m.Action.kind == "block")
            .values(state="executing", lease_owner=owner, lease_expires_at=expires_at)
        )


def calls(adapter: SimulatedAdapter) -> dict[str, int]:
    return dict(adapter._load().get("calls", {}))


def test_a_live_executors_action_is_not_run_again_and_its_late_finish_does_not_crash(
    app: App, tmp_path: Path, clock: FakeClock
) -> None:
    review_id = approve_block(app)
    slow = SlowPlatform("@council@social.example", tmp_path / "sim.json", initial=60, total=60, clock=clock)
    first = second_executor(app, slow, "vps-one pid 1 started 2026-11-02T09:00:00Z")
    results: list[Any] = []
    worker = threading.Thread(target=lambda: results.append(first.execute_due()))
    worker.start()
    assert slow.entered.wait(30)
    other = second_executor(app, app.moderator.adapters["sim"], OTHER_HOST)  # type: ignore[arg-type]
    assert other.execute_due().done == 0  # the lease is live: no second platform call
    assert other.recover_abandoned() == 0
    clock.advance(seconds=121)  # the first executor froze for longer than its lease
    assert other.execute_due().done == 1  # taken over, same idempotency key
    slow.release.set()
    worker.join(30)
    assert results and results[0].done == 0  # its late outcome is dropped, not a "done to done" crash
    key = f"act-{review_id}-block"
    assert calls(slow)[key] == 2 and slow._load()["effects"].count(key) == 1
    with app.sessions() as s:
        events = s.execute(select(m.AuditEvent.event).where(m.AuditEvent.subject_type == "action")).scalars().all()
    assert events.count("action.recovered") == 1 and events.count("action.lease_lost") == 1
    assert action_row(app, review_id).state == "done"


def test_only_an_expired_lease_from_another_host_is_recovered(app: App, clock: FakeClock) -> None:
    review_id = approve_block(app)
    claimed_by(app, review_id, OTHER_HOST, clock.now + timedelta(seconds=60))
    assert app.moderator.execute_due().done == 0
    assert calls(app.moderator.adapters["sim"]) == {}  # type: ignore[arg-type]
    clock.advance(seconds=61)
    assert app.moderator.execute_due().done == 1
    row = action_row(app, review_id)
    assert row.state == "done" and row.lease_owner is None and row.attempts == 1


def test_an_owner_on_this_host_that_has_exited_is_recovered_at_once(app: App, clock: FakeClock) -> None:
    review_id = approve_block(app)
    dead = subprocess.run([sys.executable, "-c", "from bot import leases; print(leases.me().key)"],
                          capture_output=True, text=True, check=True).stdout.strip()  # a real owner, now exited
    assert leases.Owner.parse(dead) is not None and leases.Owner.parse(dead).identity  # type: ignore[union-attr]
    claimed_by(app, review_id, dead, clock.now + timedelta(minutes=2))
    assert app.moderator.execute_due().done == 1


def test_owner_liveness() -> None:
    me = leases.me()
    assert me.identity and leases.Owner.parse(me.key) == me
    assert leases.process_identity(me.pid) == me.identity
    assert leases.owner_is_gone(me.key, "actions", 1)  # this process, but not working on it
    with leases.holding("actions", 1, lambda: True, timedelta(hours=1)):
        assert not leases.owner_is_gone(me.key, "actions", 1)
    assert not leases.owner_is_gone(OTHER_HOST, "actions", 1)  # another host: only expiry counts
    boot, namespace, tick = me.identity.split(" ")
    restarted = leases.Owner(me.host, me.pid, me.started, f"{boot} {namespace} {int(tick) - 1}")
    assert leases.owner_is_gone(restarted.key, "actions", 1)  # the pid now belongs to a newer process
    rebooted = leases.Owner(me.host, me.pid, me.started, f"00000000-0000-0000-0000-000000000000 {namespace} {tick}")
    assert leases.owner_is_gone(rebooted.key, "actions", 1)  # written before the host was rebooted
    assert leases.owner_is_gone(None, "actions", 1)  # a claim from before leases existed


def test_a_live_owner_is_not_taken_for_gone_when_the_clock_moves(monkeypatch: Any) -> None:
    """CI once saw a live process's start time, worked out in UTC from the boot time, move by
    ten seconds between two readings (a paused and resumed virtual machine): liveness must
    not read the clock at all."""
    code = "from bot import leases; print(leases.me().key, flush=True); input()"
    child = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        key = child.stdout.readline().strip()
        assert not leases.owner_is_gone(key, "actions", 1)
        real_read = leases._read
        monkeypatch.setattr(leases, "_read", lambda path: "btime 1" if path == "/proc/stat" else real_read(path))
        assert leases.process_started(child.pid) != leases.Owner.parse(key).started  # type: ignore[union-attr]
        assert not leases.owner_is_gone(key, "actions", 1)
    finally:
        child.communicate("\n", timeout=30)
    assert leases.owner_is_gone(key, "actions", 1)


def test_owners_that_cannot_be_checked_are_left_to_expiry() -> None:
    me = leases.me()
    assert me.identity
    boot, _, tick = me.identity.split(" ")
    assert not leases.owner_is_gone(f"{me.host} pid {me.pid} started 2020-01-01T00:00:00Z", "actions", 1)  # no id
    elsewhere = leases.Owner(me.host, me.pid, me.started, f"{boot} pid:[1] {tick}")  # another container
    assert not leases.owner_is_gone(elsewhere.key, "actions", 1)
    assert not leases.owner_is_gone(f"{me.host} pid {me.pid} started {me.started} id garbled", "actions", 1)


def test_holding_renews_until_done() -> None:
    renewed = threading.Event()
    count = [0]

    def renew() -> bool:
        count[0] += 1
        if count[0] >= 3:
            renewed.set()
        return True

    with leases.holding("outbox", 7, renew, timedelta(milliseconds=5)):
        assert renewed.wait(10)
        assert not leases.owner_is_gone(leases.me().key, "outbox", 7)
    stopped = count[0]
    assert leases.owner_is_gone(leases.me().key, "outbox", 7)
    assert count[0] == stopped  # the renewing thread was joined: no renewal after the work is done


def test_a_dm_reply_in_flight_is_not_sent_twice(app: App, clock: FakeClock) -> None:
    from tests.test_dm_replies import ScriptedAdapter, dm

    class SlowDMs(ScriptedAdapter):
        def __init__(self) -> None:
            super().__init__(clock)  # each DM arrives as it is fetched
            self.entered, self.release = threading.Event(), threading.Event()

        def send_dm_reply(self, item: Any, text: str, key: str) -> None:
            super().send_dm_reply(item, text, key)
            self.entered.set()
            assert self.release.wait(30)

    slow = SlowDMs()
    slow.next = [dm(1)]
    first = second_executor(app, slow, "vps-one pid 1 started 2026-11-02T09:00:00Z")  # type: ignore[arg-type]
    first.poll("sim")
    sent: list[int] = []
    worker = threading.Thread(target=lambda: sent.append(first.send_outbox()))
    worker.start()
    assert slow.entered.wait(30)
    other = second_executor(app, slow, OTHER_HOST)  # type: ignore[arg-type]
    assert other.send_outbox() == 0  # live lease: no second send
    slow.release.set()
    worker.join(30)
    assert sent == [1] and len(slow.sent) == 1
    assert other.send_outbox() == 0
