"""The short form of the soak and fault test (``scripts/soak.py``) run in CI: over an hour of
simulated time with every kind of fault, real processes killed with SIGKILL and restarted,
and afterwards zero invariant violations."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts.soak import Soak
from scripts.soak_checks import actions_exactly_once, expected_remote_ids, no_dm_answered_twice

pytestmark = pytest.mark.slow


def test_soak_short_form_keeps_every_invariant(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    figures = Soak(tmp_path, minutes=65, kills=5, seed=11).run()
    with capsys.disabled():
        print("\n" + figures.report())
    assert figures.violations == []
    kinds = " ".join(figures.faults)
    for fault in ("RateLimited", "TransientError", "AuthFailed", "malformed", "locked"):
        assert fault in kinds, f"no {fault} fault was injected"
    assert sum(n for point, n in figures.kills.items() if "not reached" not in point) >= 4
    assert figures.restarts >= 5
    assert figures.items_processed > 300 and figures.actions_done > 0 and figures.dm_replies > 0


def test_checks_notice_what_they_are_there_to_catch() -> None:
    """The invariant checks themselves: a double effect, a lost action and a second DM are caught."""
    assert expected_remote_ids(54) == {f"sim-{n}" for n in range(54) if n != 52}

    class Row:
        def __init__(self, key: str, state: str, error: str = ""):
            self.idempotency_key, self.state, self.approved_by, self.last_error = key, state, "clerk", error

    class FakeSession:
        def __init__(self, rows: list[object]):
            self.rows = rows

        def execute(self, _query: object) -> FakeSession:
            return self

        def scalars(self) -> FakeSession:
            return self

        def all(self) -> list[object]:
            return self.rows

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter(self.rows)

    rows = [Row("act-1-block", "done"), Row("act-2-block", "approved"), Row("act-3-mute", "failed")]
    found = actions_exactly_once(FakeSession(rows), {"effects": ["act-1-block", "act-1-block"]})  # type: ignore[arg-type]
    assert "action act-1-block carried out 2 times" in found
    assert "approved action act-2-block is still approved" in found
    assert "action act-3-mute failed without a reason" in found
    replies = {"dm-1": {"to": "a1", "in_reply_to": "sim-5"}, "dm-2": {"to": "a1", "in_reply_to": "sim-9"}}
    sent = FakeSession([("dm-1", "sent"), ("dm-2", "sent")])
    assert no_dm_answered_twice(sent, {"dm_replies": replies}, True) == [  # type: ignore[arg-type]
        "sender a1 answered 2 times in one period"]
