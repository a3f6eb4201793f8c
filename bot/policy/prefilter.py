"""Literal pre-filters derived from the detectors' own patterns.

A pattern such as ``(?:rigg?ed|fiddled)\\s+the\\s+(?:books|tender)`` can only match a
text that contains one of a few plain strings (here "gged", "fiddled", "the",
"books" or "tender"; the strongest such set is kept). ``required_literals``
reads that set off the compiled pattern itself, so a pattern another engineer adds
or widens is covered without a word list to keep in step.

``PREFILTER`` holds the sets of every pattern the detectors register (``bit``) in
one Aho-Corasick automaton: one C-level pass per post (``Analysis.literal_bits``)
says which patterns could match, and a detector skips the others. Skipping never
changes a finding: a pattern without any of its strings cannot match (checked by
tests/policy/test_gate_equivalence.py, which runs the engine with and without it).
"""

from __future__ import annotations

import re
import threading
from re import _constants as sre  # type: ignore[attr-defined]  # the parser re itself uses
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

# Shorter strings would pass almost every post: such a pattern is simply always run
# (a single uncommon sign such as "£" or "%" is rare enough).
MIN_LENGTH = 2
RARE_SIGNS = frozenset("£$€%@#&*+=|~^")


def required_literals(pattern: re.Pattern[str] | str) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` contains at least one, or ``None``
    when no useful set exists (the pattern must then always be tried)."""
    source, flags = (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    if flags & re.IGNORECASE or not isinstance(source, str):
        return None
    try:
        parsed = sre_parse.parse(source, flags)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:  # an inline (?i)
        return None
    found = _sequence(list(parsed))
    if found is None or not all(map(_useful, found)):
        return None
    return found


def _useful(lit: str) -> bool:
    """Rare enough to be worth looking for: not a single letter or space."""
    return len(lit) >= MIN_LENGTH or lit in RARE_SIGNS


def _strength(lits: frozenset[str]) -> tuple[bool, int, int]:
    """Rarer first: all strings useful, the longer the shortest string, the fewer strings."""
    return all(map(_useful, lits)), min(map(len, lits)), -len(lits)


def _sequence(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """The strongest set among a sequence's literal runs and its items' own sets."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        # Runs stop at spaces: a string without spaces is also in a copy of the text
        # with some parts blanked out (``harm.structural_threat`` masks idioms).
        if op is sre.LITERAL and not chr(av).isspace():
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset({"".join(run)}))
            run = []
        found = _item(op, av)
        if found is not None:
            candidates.append(found)
    if run:
        candidates.append(frozenset({"".join(run)}))
    return max(candidates, key=_strength) if candidates else None


def _item(op: Any, av: Any) -> frozenset[str] | None:
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        return None if add_flags & re.IGNORECASE else _sequence(list(sub))
    if op is sre.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            found = _sequence(list(branch))
            if found is None:
                return None  # one alternative needs no string: nothing is required
            union |= found
        return frozenset(union)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _sequence(list(sub)) if low >= 1 else None
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is sre.IN and av and all(o is sre.LITERAL for o, _ in av):
        return frozenset(chr(v) for _, v in av)  # [£$]: one of these characters
    return None  # assertions, classes, anchors, back-references: no string required


class Prefilter:
    """Registered patterns and one automaton over their required strings."""

    def __init__(self) -> None:
        # By id: hashing a compiled pattern hashes its whole program, every time.
        # The pattern is kept with its bit, so its id stays its own.
        self._bits: dict[int, tuple[re.Pattern[str], int]] = {}
        self._keys: dict[str, int] = {}
        self._always = 0
        # The automaton, the always-run bits and the bits registered when it was built.
        self._built: tuple[Any, int, int] | None = None
        self._lock = threading.Lock()

    def bit(self, pattern: re.Pattern[str]) -> int:
        """The bit ``scan`` sets when ``pattern`` could match (registered on first use)."""
        known = self._bits.get(id(pattern))
        if known is not None:
            return known[1]
        with self._lock:
            if id(pattern) not in self._bits:
                bit = 1 << len(self._bits)
                lits = required_literals(pattern)
                if lits is None:
                    self._always |= bit
                else:
                    for lit in lits:
                        self._keys[lit] = self._keys.get(lit, 0) | bit
                self._bits[id(pattern)] = (pattern, bit)
                self._built = None
            return self._bits[id(pattern)][1]

    def group(self, patterns: list[re.Pattern[str]] | tuple[re.Pattern[str], ...]) -> PatternGroup:
        """Patterns a detector tries in turn (see ``PatternGroup``)."""
        return PatternGroup(tuple(self.bit(p) for p in patterns))

    def scan(self, text: str) -> tuple[int, int]:
        """(bits of the registered patterns that could match ``text``, bits registered
        so far: a pattern registered later is not covered by this answer)."""
        built = self._built or self._build()
        automaton, bits, known = built
        for _, more in automaton.iter(text):
            bits |= more
        return bits, known

    def _build(self) -> tuple[Any, int, int]:
        with self._lock:
            automaton: Any = _EMPTY
            if self._keys:
                automaton = ahocorasick.Automaton()
                for key, bits in self._keys.items():
                    automaton.add_word(key, bits)
                automaton.make_automaton()
            built = self._built = (automaton, self._always, (1 << len(self._bits)) - 1)
            return built


class PatternGroup:
    """A detector's list of patterns: ``candidates`` picks, in list order, those that
    could match a text (from its ``Prefilter.scan`` bits) without testing each one."""

    def __init__(self, bits: tuple[int, ...]):
        self.bits = bits
        self.mask = 0
        for bit in bits:
            self.mask |= bit
        self._index = {bit: i for i, bit in enumerate(bits)}
        self._repeats = len(self._index) < len(bits)  # a pattern listed twice

    def candidates(self, bits: int) -> list[int]:
        """Indices (ascending) of the patterns whose bit is set in ``bits``."""
        if self._repeats:
            return [i for i, bit in enumerate(self.bits) if bit & bits]
        wanted, found = bits & self.mask, []
        while wanted:
            low = wanted & -wanted
            found.append(self._index[low])
            wanted ^= low
        if len(found) > 1:
            found.sort()
        return found


class _Empty:
    def iter(self, text: str) -> tuple[()]:
        return ()


_EMPTY: Any = _Empty()
PREFILTER = Prefilter()
