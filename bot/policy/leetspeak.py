"""Leetspeak decoded in place: "k1ll" -> "kill", keeping every character's position.

Used where a detector needs whole words back ("I'll k1ll you" for the threat
patterns) and highlighting must still point at what the author typed.
"""

from __future__ import annotations

import re

from bot.policy.lexicon import LEET

_LEET_TOKEN_RE = re.compile(r"[a-z0-9@$*!|+]+")
_LEADING_LEET = frozenset("0123456789$")


def decode_leet(text: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """``text`` with leetspeak inside words decoded, keeping every position.

    "k1ll" -> "kill", "$tab" -> "stab"; a ``*`` becomes the letter that makes a
    word of ``vocabulary`` ("h*rt" -> "hurt" when "hurt" is in it). Characters
    after a word's last letter ("you!") and @mentions are left alone, so the
    result lines up with ``text`` character for character.
    """
    chars: list[str] | None = None
    for m in _LEET_TOKEN_RE.finditer(text):
        tok = m.group()
        if tok.isalpha() or tok[0] == "@":
            continue
        letters = [i for i, c in enumerate(tok) if c.isalpha()]
        if not letters:
            continue
        first, last = letters[0], letters[-1]
        while first > 0 and tok[first - 1] in _LEADING_LEET:
            first -= 1
        core = tok[first:last + 1].translate(LEET)
        if "*" in core:
            core = _unstar(core, vocabulary)
        if core != tok[first:last + 1]:
            chars = chars if chars is not None else list(text)
            start = m.start() + first
            chars[start:start + len(core)] = core
    return text if chars is None else "".join(chars)


def _unstar(word: str, vocabulary: frozenset[str]) -> str:
    pattern = re.compile(re.escape(word).replace(r"\*", "[a-z]") + r"\Z")
    for candidate in sorted(vocabulary):  # alphabetical: a set's order follows PYTHONHASHSEED
        if len(candidate) == len(word) and pattern.match(candidate):
            return candidate
    return word
