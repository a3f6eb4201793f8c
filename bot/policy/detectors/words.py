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
* ``only_words``: keep only the hits whose word (letters only, leetspeak read) starts with one
  of these ("cunt" keeps "c u n t s" and "cunts"; "suck my" keeps "s.u.c.k my");
* ``skip_reported`` (default true): leave out words the author reports or quotes
  to condemn ("my son was called a "spastic" on the bus"; ``bot.policy.speech``);
* ``intensifiers_at_things`` (``civil``): with ``aimed: not``, leave out "fucking" used as
  an intensifier or exclamation ("the fucking parking machine", "fucking hell", "what the
  actual fuck is going on") when the post is about things (``Analysis.target`` is empty)
  and its only other listed words are mild or weak ones: swearing at things is a civil complaint,
  as "the bin schedule is shit" is (tests/policy/corpus/README.md; the council's policy
  removes obscene remarks "of a personal ... nature"). "Fuck this council", "cunt",
  "wanker" and anything sexual still count.
"""

from __future__ import annotations

import re
from typing import Any

from bot.domain import Severity
from bot.policy.analysis import Analysis, Hit
from bot.policy.lexicon import LEET, LexHit

# "fucking", "fuckin", "f*cking", "fkn", "fking", "effing": the -ing form, an intensifier.
_INTENSIFIER_RE = re.compile(r"(?:f+u*c*k+|fck|fvck|fuk|fk|feck)(?:ing|in|n|en)")
# "what the (actual) fuck", "oh fuck", "holy fuck"; "for fuck's sake", "fuck sake": exclamations.
_EXCLAIM_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:what\s+the\s+(?:actual\s+|bloody\s+|flying\s+|hell\s+|very\s+)?|oh\s+|holy\s+|aw\s+|ah\s+)\Z")
_SAKE_AFTER_RE = re.compile(r"(?:'?s)?\s*sake(?![a-z])")
_BARE = frozenset({"fuck", "fck", "fuk", "fvck", "feck"})
# Other listed words that may stand beside it: mild swearing and weak words, which count only
# when said of a person ("stupid", "pathetic", "nobody"); not slurs, insults or strong words.
MILD_LISTS = frozenset({"profanity_mild", "insults_weak"})


def _letters(word: str) -> str:
    """A hit's word as letters only, leetspeak read ("c u n t s", "w@nkers" -> "cunts", "wankers")."""
    return "".join(c for c in word.lower().translate(LEET) if c.isalpha())


def _intensifier(a: Analysis, hit: LexHit) -> bool:
    """Is this hit "fucking" as an intensifier, or "fuck" in an exclamation?"""
    word = _letters(hit.word)
    if _INTENSIFIER_RE.fullmatch(word):
        return True
    if word not in _BARE:
        return False
    return (_EXCLAIM_BEFORE_RE.search(a.text, max(0, hit.start - 30), hit.start) is not None
            or _SAKE_AFTER_RE.match(a.text, hit.end) is not None)


def _swearing_at_things(a: Analysis, hits: list[LexHit]) -> set[int]:
    """Indexes of ``hits`` that are intensifiers, in a post about things (no person or group
    is its target) whose other listed words are all mild or weak; empty otherwise."""
    if a.target:
        return set()
    marked = {i for i, h in enumerate(hits) if _intensifier(a, h)}
    spans = {(hits[i].start, hits[i].end) for i in marked}
    if not marked or any((h.start, h.end) not in spans and not MILD_LISTS.issuperset(h.lists)
                         for h in a.lex_hits):
        return set()
    return marked


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
    civil = (_swearing_at_things(a, hits)
             if aimed == "not" and params.get("intensifiers_at_things") == "civil" else set())
    only = tuple(w.replace(" ", "") for w in params.get("only_words", ()) or ())
    for index, hit in enumerate(hits):
        if only and not _letters(hit.word).startswith(only):
            continue
        if skip_reported and a.reported(hit.start, hit.end):
            continue
        if index in civil:
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
