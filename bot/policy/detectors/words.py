"""Word-list detectors: swearing, insults, slurs and accusations.

Parameters (from the rules file):

* ``lists``: the word lists to look in (files in ``bot/policy/data/wordlists`` or
  the council's own, see ``word_lists`` in the rules file);
* ``aimed``: ``any`` (default: flag wherever the word appears), ``near`` (only
  when aimed at a person: "you", an @mention, a named councillor, the clerk),
  ``plain`` (only when plainly said of a person: "you're pathetic", "Cllr Smith is
  a clown"), or ``not`` (only when *not* aimed at anyone: general swearing);
* ``third_person``: with ``near``, also count "he", "she", "they" (accusations);
* ``aimed_severity``: raise the severity to this when aimed at a person;
* ``skip_reported`` (default true): leave out words the author reports or quotes
  to condemn ("my son was called a "spastic" on the bus"; ``bot.policy.speech``).
"""

from __future__ import annotations

from typing import Any

from bot.domain import Severity
from bot.policy.analysis import Analysis, Hit


def _quote(words: list[str]) -> str:
    unique = list(dict.fromkeys(words))
    shown = ", ".join(f'"{w}"' for w in unique[:5])
    return shown + (" and more" if len(unique) > 5 else "")


def word_list(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Words from the rule's lists, optionally only when aimed at a person."""
    hits = a.hits_in(tuple(params.get("lists", ())))
    if not hits:
        return None
    aimed = params.get("aimed", "any")
    third = bool(params.get("third_person", False))
    kept, reasons = [], []
    skip_reported = bool(params.get("skip_reported", True))
    for hit in hits:
        if skip_reported and a.reported(hit.start, hit.end):
            continue
        if aimed == "plain":
            reason = "said plainly of a person" if a.plainly_called(hit.start) else ""
        else:
            wants_reason = aimed != "any" or "aimed_severity" in params
            reason = a.aimed_at(hit.start, hit.end, third_person=third) if wants_reason else ""
        if aimed in ("near", "plain") and not reason:
            continue
        if aimed == "not" and a.aimed_at(hit.start, hit.end, third_person=third):
            continue
        kept.append(hit)
        reasons.append(reason)
    if not kept:
        return None
    detail = "Matched " + _quote([h.word for h in kept])
    reason = next((r for r in reasons if r), "")
    if reason:
        detail += f" ({reason})"
    severity = None
    if reason and params.get("aimed_severity"):
        severity = Severity.parse(params["aimed_severity"])
    return Hit(spans=tuple(a.span(h.start, h.end) for h in kept), detail=detail + ".",
               severity=severity)
