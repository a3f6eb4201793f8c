"""Real processes side by side: a ``modbot run`` service, ``execute --once`` calls beside
it, two services on one PostgreSQL database. Nothing reaches the platform twice while
its executor is alive; a killed executor's action is taken over and finished.

The simulated platform keeps its state in a file all processes share, and counts
every call per idempotency key (``calls``) next to what it really did (``effects``).
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, insert, select

from bot.storage import models as m
from tests.processes import add_clerk, freeze_at, kill, modbot, start, write_config

pytestmark = pytest.mark.slow
SERVICE = ("run", "--no-web")


def platform(tmp: Path) -> dict[str, Any]:
    path = tmp / "data" / "simulated-sim.json"
    return json.loads(path.read_text()) if path.exists() else {}


def reviews(db_url: str, n: int) -> list[tuple[int, int]]:
    """(review id, item number) of the first ``n`` pending reviews."""
    engine = create_engine(db_url)
    with engine.connect() as c:
        ids = [(r, i) for r, i in c.execute(select(m.ReviewItem.id, m.ReviewItem.item_id)
                                            .where(m.ReviewItem.status == "pending")
                                            .order_by(m.ReviewItem.id).limit(n)).all()]
    engine.dispose()
    return ids


def action_states(db_url: str) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as c:
        rows = c.execute(select(m.Action.state, func.count()).group_by(m.Action.state)).all()
    engine.dispose()
    return {state: n for state, n in rows}


KINDS = ("block", "report")  # a report is what platforms do not de-duplicate


def approve(config: Path, review: tuple[int, int], kinds: tuple[str, ...] = ("block",)) -> None:
    """The clerk approves actions (the CLI takes the item number people see)."""
    modbot(config, "queue", "approve", str(review[1]), "--as", "clerk", "--reason", "threat",
           "--actions", ",".join(kinds))


def keys_of(reviews: list[tuple[int, int]], kinds: tuple[str, ...] = KINDS) -> list[str]:
    return [f"act-{r}-{kind}" for r, _ in reviews for kind in kinds]


def ready(tmp: Path, db_url: str, approvals: int, **sections: Any) -> tuple[Path, list[tuple[int, int]]]:
    config = write_config(tmp, db_url, **sections)
    modbot(config, "poll", "--once")
    add_clerk(db_url)
    ids = reviews(db_url, approvals)
    assert len(ids) == approvals
    return config, ids


def execute_beside(config: Path, n: int) -> list[subprocess.CompletedProcess[str]]:
    """``n`` concurrent ``execute --once`` processes, all finished."""
    procs = [start(config, "execute", "--once") for _ in range(n)]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return done


def until(condition: Any, what: str, timeout: float = 120) -> None:
    """Watch another process's work land (no fixed sleeps: stop as soon as it is there)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize("point", ["execute.claimed", "execute.applied"])
def test_execute_once_beside_a_frozen_service_calls_nothing_then_takes_over_when_it_dies(
        db_url: str, tmp_path: Path, point: str) -> None:
    config, (review,) = ready(tmp_path, db_url, 1)
    approve(config, review)
    key = f"act-{review[0]}-block"
    service = freeze_at(config, tmp_path, point, *SERVICE, log=tmp_path / "service.log")
    called = 1 if point == "execute.applied" else 0
    for run in execute_beside(config, 3):  # the service holds a live lease: nobody else touches it
        assert run.returncode == 0, run.stderr
        assert "0 done" in run.stdout and "Traceback" not in run.stderr
    assert platform(tmp_path).get("calls", {}).get(key, 0) == called
    assert action_states(db_url).get("executing") == 1
    kill(service)
    modbot(config, "execute", "--once")  # its owner is gone: taken over, same idempotency key
    state = platform(tmp_path)
    assert state["calls"][key] == called + 1 and state["effects"].count(key) == 1
    assert action_states(db_url).get("done") == 1


def test_a_dm_reply_frozen_after_sending_is_not_sent_again_beside_it(db_url: str, tmp_path: Path) -> None:
    config, _ = ready(tmp_path, db_url, 1)
    engine = create_engine(db_url)
    with engine.begin() as c:  # one automatic reply waiting to go, as ingest queues it for a fresh DM
        item_id, account_id, sender = c.execute(
            select(m.Item.id, m.Item.account_id, m.Author.remote_id).join(m.Author, m.Author.id == m.Item.author_id)
            .where(m.Item.id.not_in(select(m.OutboxMessage.item_id))).order_by(m.Item.id.desc()).limit(1)).one()
        key = f"dm-{account_id}-{item_id}"
        c.execute(insert(m.OutboxMessage).values(
            account_id=account_id, item_id=item_id, recipient_remote_id=sender, text="Please contact the office.",
            state="pending", idempotency_key=key, attempts=0, created_at=m.utcnow()))
    engine.dispose()
    service = freeze_at(config, tmp_path, "outbox.sent", *SERVICE, log=tmp_path / "service.log")
    for run in execute_beside(config, 2):
        assert run.returncode == 0 and "DM replies sent: 0" in run.stdout, run.stdout + run.stderr
    assert platform(tmp_path)["dm_calls"] == {key: 1}
    kill(service)
    assert "DM replies sent: 1" in modbot(config, "execute", "--once").stdout
    state = platform(tmp_path)
    assert state["dm_calls"] == {key: 2} and list(state["dm_replies"]) == [key]  # same key: one reply


def test_random_kills_of_the_service_with_execute_once_beside_it(db_url: str, tmp_path: Path) -> None:
    rng = random.Random(15)
    config, ids = ready(tmp_path, db_url, 4, polling={"execute_interval_seconds": 1})
    log = tmp_path / "service.log"
    service = start(config, *SERVICE, log=log)
    kills = 0
    for n, review in enumerate(ids):
        approve(config, review, KINDS)
        beside = start(config, "execute", "--once")
        if n % 2:  # at a random moment while both work
            time.sleep(rng.uniform(0.0, 0.8))
            kill(service)
            kills += 1
            service = start(config, *SERVICE, log=log.with_suffix(f".{n}.log"))
        out, err = beside.communicate(timeout=120)
        assert beside.returncode == 0 and "Traceback" not in err, err
    until(lambda: action_states(db_url).get("done", 0) == len(keys_of(ids)), "every approved action to be done")
    service.send_signal(signal.SIGTERM)
    service.wait(timeout=60)
    state = platform(tmp_path)
    keys = keys_of(ids)
    assert all(state["effects"].count(k) == 1 for k in keys)
    # A second call can only come from a kill between the platform call and its commit.
    assert sum(state["calls"][k] - 1 for k in keys) <= kills
    for path in tmp_path.glob("service*.log"):
        text = path.read_text()
        assert "InvalidTransition" not in text and "Traceback" not in text, text[-3000:]


@dataclass(frozen=True)
class TwoServices:
    approved: list[tuple[int, int]]
    platform: dict[str, Any]
    logs: list[str]
    account: tuple[int, str | None]


@pytest.fixture(scope="module")
def two_services(postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwoServices]:
    """Bounded (about a minute): two services on one PostgreSQL database poll the same
    account and run the executor every second while a clerk approves blocks and reports one by one."""
    from tests.conftest import _truncate

    tmp = tmp_path_factory.mktemp("two-services")
    _truncate(postgres_url)
    config, ids = ready(tmp, postgres_url, 4, polling={"execute_interval_seconds": 1, "interval_seconds": 15,
                                                      "jitter_seconds": 2})
    services = [start(config, *SERVICE, log=tmp / f"service-{n}.log") for n in range(2)]
    try:
        for review in ids:
            approve(config, review, KINDS)
        until(lambda: action_states(postgres_url).get("done", 0) == len(keys_of(ids)),
              "every approved action to be done")
        polls_before = _polls(postgres_url)
        until(lambda: _polls(postgres_url) > polls_before, "another poll while both run", timeout=60)
    finally:
        for s in services:
            s.send_signal(signal.SIGTERM)
        for s in services:
            s.wait(timeout=60)
    engine = create_engine(postgres_url)
    with engine.connect() as c:
        failures, last_error = c.execute(select(m.Account.consecutive_failures, m.Account.last_error)).one()
    engine.dispose()
    yield TwoServices(ids, platform(tmp), [(tmp / f"service-{n}.log").read_text() for n in range(2)],
                      (failures, last_error))
    _truncate(postgres_url)


@pytest.mark.postgres
def test_two_services_on_one_postgres_database_never_call_the_platform_twice(two_services: TwoServices) -> None:
    calls = two_services.platform["calls"]
    assert {k: n for k, n in calls.items() if n != 1} == {}
    assert sorted(calls) == sorted(keys_of(two_services.approved))
    for text in two_services.logs:
        assert "InvalidTransition" not in text and "job execute failed" not in text, text[-3000:]


@pytest.mark.postgres
def test_two_services_on_one_postgres_database_have_no_failed_poll(two_services: TwoServices) -> None:
    assert two_services.account == (0, None)
    for text in two_services.logs:
        assert "poll of sim failed" not in text and "Traceback" not in text, text[-3000:]


def _polls(db_url: str) -> Any:
    engine = create_engine(db_url)
    with engine.connect() as c:
        at = c.execute(select(m.Account.last_poll_ok_at)).scalar()
    engine.dispose()
    assert at is not None
    return at
