"""The result panel of an item: each chosen action as done, failed (with the reason)
or waiting, in words; an undo sits with the action it undoes. Never the platform's
raw answer (that stays in the evidence pack).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.action_words import doing, done, first_upper, to_do
from bot.domain import UNDO_OF, ActionKind
from bot.execution import NOT_NEEDED
from bot.web.isolate import Isolating, Mark


@dataclass(frozen=True)
class Result:
    action_id: int
    status: str  # done, failed, waiting, in-progress
    headline: str
    detail: str
    undo_kind: str | None  # the undo the clerk may ask for now, if any
    is_undo: bool


def _undoes(action: Any) -> int | None:
    value = (action.params or {}).get("undoes")
    return int(value) if isinstance(value, int) else None


def results(actions: Iterable[Any], who: str, capabilities: frozenset[ActionKind],
            when: Callable[[datetime | None], str], live: bool = True) -> list[Result]:
    """Results for the actions that were chosen (approved), oldest first; ``when`` renders a time."""
    chosen = [a for a in actions if a.state != "rejected" and a.state != "proposed"]
    undone = {_undoes(a) for a in chosen if _undoes(a) is not None}
    out = []
    for a in chosen:
        undo = UNDO_OF.get(ActionKind(a.kind)) if a.kind in ActionKind._value2member_map_ else None
        carried_out = a.state == "done" and not (a.outcome or "").startswith(NOT_NEEDED)
        may_undo = carried_out and undo is not None and undo in capabilities and a.id not in undone
        mark = Isolating()  # the handle, the platform's words and the approver's name, each in <bdi>
        status, headline, detail = _words(a, mark(who), when, live, mark)
        out.append(Result(a.id, status, mark.html(headline), mark.html(detail),
                          undo.value if may_undo and undo else None, _undoes(a) is not None))
    return out


def _words(a: Any, who: str, when: Callable[[datetime | None], str], live: bool,
           mark: Mark) -> tuple[str, str, str]:
    by = f" Approved by {mark(a.approved_by)}." if a.approved_by else ""
    if a.state == "done" and (a.outcome or "").startswith(NOT_NEEDED):
        return ("done", f"Nothing to do: the bot did not need to {to_do(a.kind, who)}",
                f"{mark(a.outcome)} {by}".strip())
    if a.state == "done":
        return "done", f"The bot {done(a.kind, who)}", f"On {when(a.done_at)}.{by}"
    if a.state == "failed":
        reason = mark(a.last_error) or "the platform gave no reason"
        return "failed", f"The bot could not {to_do(a.kind, who)}", f"{reason} Nothing more will be tried.{by}"
    if a.state == "executing":
        return "in-progress", first_upper(doing(a.kind, who)), f"Started {when(a.updated_at)}.{by}"
    if a.last_error:
        detail = (f"The last try did not work ({mark(a.last_error)}). "
                  f"The bot will try again after {when(a.next_attempt_at)}.")
        return "waiting", first_upper(doing(a.kind, who)), detail + by
    if not live:
        observe = "The bot is in observe mode, so it carries nothing out until it is switched to live."
        return "waiting", first_upper(doing(a.kind, who)), observe + by
    return "waiting", first_upper(doing(a.kind, who)), "The bot will carry it out within a few minutes." + by
