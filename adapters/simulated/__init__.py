"""``SimulatedAdapter``: a scripted platform for the demo and the core's tests.

It behaves like a well-kept real server: pages of new items after a cursor, every
action kind, DM replies, idempotency keys honoured (a repeated key is not applied
twice), and its own state in a JSON file in the data directory so it survives the
bot being killed and restarted, as a real server would. Several bot processes may share one simulated platform (two
services on one database): every change to its state is made under a file lock, so
calls are counted exactly. Faults can be injected (``inject``; operations fetch,
apply, dm, check, deleted) to exercise retry, rate limits, revoked tokens and
malformed payloads.
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import json
import logging
import os
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from adapters.simulated.council import SIMULATES, CouncilSide
from adapters.simulated.traffic import ScriptedPost, scripted_post
from bot.domain import AccountInfo, ActionKind, ActionOrder, Author, Batch, Item, ItemKind, Platform
from bot.errors import MalformedPayload, PlatformError, TargetGone, Unsupported

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class SimulatedAdapter(CouncilSide):
    platform = Platform.SIMULATED

    def __init__(
        self,
        handle: str,
        state_file: Path,
        *,
        council_name: str = "Town Council",
        seed: int = 1,
        initial: int = 16,
        per_minute: float = 6.0,
        page_size: int = 40,
        total: int | None = None,
        clock: Clock | None = None,
        simulates: str = "any",
    ):
        if simulates not in SIMULATES:
            raise ValueError(f"simulates must be one of {', '.join(SIMULATES)}")
        self.simulates = simulates
        #: What the simulated platform can do: exactly what the real one it copies can.
        self.capabilities: frozenset[ActionKind] = SIMULATES[simulates][0]
        self.handle = handle
        self.state_file = Path(state_file)
        self.council_name = council_name
        self.seed = seed
        self.initial = initial
        self.per_minute = per_minute
        self.page_size = page_size
        self.total = total
        self.clock = clock or (lambda: datetime.now(UTC))
        self._faults: deque[tuple[str, PlatformError]] = deque()
        self._lock = threading.Lock()
        with self._locked():
            if "started_at" not in self._state:
                self._state["started_at"] = self.clock().isoformat()
                self._save()

    # -- the platform's own persistent state ------------------------------------
    def _load(self) -> dict[str, Any]:
        if self.state_file.exists():
            data: dict[str, Any] = json.loads(self.state_file.read_text(encoding="utf-8"))
            return data
        return {"applied": {}, "dm_replies": {}, "deleted": []}

    def _save(self) -> None:
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.state_file.parent, prefix=".sim-")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self._state, fh, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.state_file)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads and every other process using the same state file, one at a time."""
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(self.state_file.with_name(self.state_file.name + ".lock"), "a") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._state = self._load()
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    @property
    def applied(self) -> dict[str, dict[str, Any]]:
        """Actions the platform carried out, by idempotency key."""
        return dict(self._load()["applied"])

    @property
    def dm_replies(self) -> dict[str, dict[str, Any]]:
        return dict(self._load()["dm_replies"])

    def inject(self, operation: str, error: PlatformError, times: int = 1) -> None:
        """Make the next ``times`` calls of ``operation`` (fetch/apply/dm) raise ``error``."""
        for _ in range(times):
            self._faults.append((operation, error))

    def delete_post(self, remote_id: str) -> None:
        """The author deletes a post (actions on it then fail with TargetGone)."""
        with self._locked():
            self._state["deleted"].append(remote_id)
            self._save()

    deletion_checks_per_poll = 25

    def deleted_posts(self, remote_ids: list[str]) -> set[str]:
        """Which of these posts were deleted (``delete_post``), as a real server's 404 would say."""
        self._maybe_fail("deleted")
        deleted = set(self._load().get("deleted", []))
        return {r for r in remote_ids if r in deleted}

    def _maybe_fail(self, operation: str) -> None:
        if self._faults and self._faults[0][0] == operation:
            raise self._faults.popleft()[1]

    # -- Adapter protocol -------------------------------------------------------------
    def check(self) -> AccountInfo:
        self._maybe_fail("check")
        return AccountInfo(remote_id="council", handle=self.handle, display_name=self.council_name)

    def released(self) -> int:
        started = datetime.fromisoformat(self._state["started_at"])
        minutes = max((self.clock() - started).total_seconds(), 0) / 60
        count = self.initial + int(minutes * self.per_minute)
        return min(count, self.total) if self.total is not None else count

    def fetch(self, cursor: str | None) -> Batch:
        """Scripted traffic, then any replies added by ``reply_burst``; cursor ``"n"`` or ``"n/e"``."""
        self._maybe_fail("fetch")
        scripted, _, extra = (cursor or "0").partition("/")
        start, extra_start = int(scripted or 0), int(extra or 0)
        end = min(start + self.page_size, self.released())
        items: list[Item] = []
        skipped = 0
        for n in range(start, end):
            try:
                items.append(self._item(scripted_post(self.seed, n, self.council_name)))
            except MalformedPayload as exc:
                log.warning("simulated platform: malformed post %d skipped: %s", n, exc)
                skipped += 1
        extras = self._load().get("extra", [])[extra_start:extra_start + self.page_size]
        items.extend(self._burst_item(e) for e in extras)
        next_cursor = str(max(end, start))
        if extra_start + len(extras):
            next_cursor += f"/{extra_start + len(extras)}"
        return Batch(items=tuple(items), cursor=next_cursor, skipped=skipped, requests=1)

    def _burst_item(self, e: dict[str, Any]) -> Item:
        author = Author(remote_id=e["author"], handle=f"{e['author']}.social.example", display_name=e["author"],
                        created_at=datetime.fromisoformat(e["account_created"]), domain="social.example")
        return Item(remote_id=e["id"], kind=ItemKind.REPLY, author=author, text=e["text"],
                    created_at=datetime.fromisoformat(e["created_at"]), raw=dict(e),
                    html=f"<p>{_escape(e['text'])}</p>", url=f"https://social.example/@{author.handle}/{e['id']}",
                    in_reply_to_id=e["post"], in_reply_to_author_id="council", thread_root_id=e["post"],
                    meta={"root_is_council": True, "root_uri": e["post"], "parent_uri": e["post"]})

    def _posted_at(self, p: ScriptedPost) -> datetime:
        """When post ``p`` appeared on this platform: the first ``initial`` posts were there
        before the bot connected (7 minutes apart), the rest arrive after it at ``per_minute``."""
        started = datetime.fromisoformat(self._state["started_at"])
        if p.n < self.initial or self.per_minute <= 0:
            return started - timedelta(minutes=7 * max(self.initial - p.n, 1))
        return started + timedelta(minutes=(p.n - self.initial + 1) / self.per_minute)

    def _item(self, p: ScriptedPost) -> Item:
        shift = self._posted_at(p) - p.created_at  # the script's times, moved to this platform's clock
        p = dataclasses.replace(p, created_at=p.created_at + shift, account_created=p.account_created + shift)
        raw = self._raw(p)
        if p.malformed:
            raise MalformedPayload(f"post {p.n} has no author")
        author = Author(
            remote_id=p.author_id,
            handle=p.handle,
            display_name=p.display_name,
            is_bot=p.is_bot,
            created_at=p.account_created,
            domain="social.example",
        )
        kind = ItemKind(p.kind)
        return Item(
            remote_id=f"sim-{p.n}",
            kind=kind,
            author=author,
            text=p.text,
            created_at=p.created_at,
            raw=raw,
            html=f"<p>{_escape(p.text)}</p>",
            url=f"https://social.example/@{p.handle}/{p.n}",
            in_reply_to_id="council-post-1" if kind is ItemKind.REPLY else None,
            in_reply_to_author_id="council" if kind is ItemKind.REPLY else None,
            thread_root_id="council-post-1" if kind is ItemKind.REPLY else None,
            context_text="Roadworks on High Street start on Monday for two weeks." if kind is ItemKind.REPLY else "",
            meta={"n": p.n, "root_is_council": kind is ItemKind.REPLY},
        )

    def _raw(self, p: ScriptedPost) -> dict[str, Any]:
        raw: dict[str, Any] = {
            "id": f"sim-{p.n}",
            "type": p.kind,
            "content": p.text,
            "created_at": p.created_at.isoformat(),
        }
        if not p.malformed:
            raw["account"] = {
                "id": p.author_id,
                "acct": p.handle,
                "display_name": p.display_name,
                "bot": p.is_bot,
                "created_at": p.account_created.isoformat(),
            }
        return raw

    def _gate_effect(self, order: ActionOrder) -> dict[str, Any]:
        root = _root_of(order)
        if order.kind is ActionKind.HIDE_REPLY and root:
            gate = self._state.setdefault("gates", {}).setdefault(root, {"allow": None, "hidden": []})
            gate["hidden"].append(order.item_remote_id)
        return self._gate_action(order.kind, root, order.params)

    def send_dm_reply(self, item: Item, text: str, idempotency_key: str) -> None:
        self._maybe_fail("dm")
        with self._locked():
            dm_calls = self._state.setdefault("dm_calls", {})
            dm_calls[idempotency_key] = dm_calls.get(idempotency_key, 0) + 1
            self._save()
            if idempotency_key in self._state["dm_replies"]:
                return  # a retry with the same key: the server returns the first reply
            self._state["dm_replies"][idempotency_key] = {
                "to": item.author.remote_id,
                "in_reply_to": item.remote_id,
                "text": text,
                "at": self.clock().isoformat(),
            }
            self._save()

    def apply(self, order: ActionOrder) -> dict[str, Any] | None:
        self._maybe_fail("apply")
        if order.kind not in self.capabilities:
            raise Unsupported(order.kind.value)
        with self._locked():
            if order.item_remote_id in self._state["deleted"] and order.kind in (
                ActionKind.HIDE_REPLY,
                ActionKind.DETACH_QUOTE,
            ):
                raise TargetGone(f"post {order.item_remote_id} was deleted")
            calls = self._state.setdefault("calls", {})
            calls[order.idempotency_key] = calls.get(order.idempotency_key, 0) + 1
            record = self._state["applied"].get(order.idempotency_key)
            if record is None:  # a repeated idempotency key is not applied twice
                record = {
                    "kind": order.kind.value,
                    "author": order.author_remote_id,
                    "item": order.item_remote_id,
                    "params": order.params,
                    "at": self.clock().isoformat(),
                    "record_key": f"rk-{order.action_id}",
                }
                if order.kind in (ActionKind.LIMIT_REPLIES, ActionKind.RESTORE_REPLIES, ActionKind.HIDE_REPLY):
                    record["outcome"] = self._gate_effect(order)
                self._state["applied"][order.idempotency_key] = record
                self._state.setdefault("effects", []).append(order.idempotency_key)
            self._save()
        if "outcome" in record:
            return {"record_key": record["record_key"], **record["outcome"]}
        return {"record_key": record["record_key"]}


def _root_of(order: ActionOrder) -> str:
    return str(order.item_meta.get("root_uri") or ("council-post-1" if order.item_meta.get("root_is_council") else ""))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
