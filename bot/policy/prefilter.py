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

Two refinements make the pre-filter sharper without changing what it promises:

* **Several sets per pattern** (``required_sets``): every part of a sequence that
  must match brings its own set ("I'll ... stab ... you" needs one of the intent
  strings *and* one of the harm strings *and* one of the person strings), so a
  pattern is tried only when each of its (up to ``MAX_SETS``) sets has a string in
  the text.
* **One alternative at a time** (``Alternatives``): a large alternation
  ``(?<![a-z])(?:a|b|c)(?![a-z])`` is split into its alternatives, each with its own
  sets, and only those whose strings are in the text are tried; the leftmost match
  and, on a tie, the earlier alternative win, exactly as the whole pattern would
  (``tests/policy/test_prefilter.py`` compares the two on the corpora).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator
from functools import reduce
from operator import itemgetter, or_
from re import _constants as sre  # type: ignore[attr-defined]  # the parser re itself uses
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import ahocorasick

_VALUE = itemgetter(1)

# Shorter strings would pass almost every post: such a pattern is simply always run
# (a single uncommon sign such as "£" or "%" is rare enough).
MIN_LENGTH = 2
RARE_SIGNS = frozenset("£$€%@#&*+=|~^")
# The most sets a pattern is checked against (the strongest ones).
MAX_SETS = 3


def required_literals(pattern: re.Pattern[str] | str) -> frozenset[str] | None:
    """Strings of which every match of ``pattern`` contains at least one, or ``None``
    when no useful set exists (the pattern must then always be tried)."""
    parsed = _parse(pattern)
    if parsed is None:
        return None
    found = _sequence(list(parsed))
    if found is None or not all(map(_useful, found)):
        return None
    return found


def required_sets(pattern: re.Pattern[str] | str) -> tuple[frozenset[str], ...]:
    """Up to ``MAX_SETS`` sets of strings, strongest first, such that every match of
    ``pattern`` contains a string of *each* set; ``()`` when there is no useful set
    (the pattern must then always be tried)."""
    parsed = _parse(pattern)
    if parsed is None:
        return ()
    found: list[frozenset[str]] = []
    for lits in sorted(_all_sets(list(parsed)), key=_strength, reverse=True):
        if all(map(_useful, lits)) and lits not in found:
            found.append(lits)
    return tuple(found[:MAX_SETS])


def _parse(pattern: re.Pattern[str] | str) -> Any:
    """The pattern's parse tree; None when it ignores case or does not parse (no sets then)."""
    source, flags = (pattern.pattern, pattern.flags) if isinstance(pattern, re.Pattern) else (pattern, 0)
    if flags & re.IGNORECASE or not isinstance(source, str):
        return None
    try:
        parsed = sre_parse.parse(source, flags)
    except re.error:
        return None
    if parsed.state.flags & re.IGNORECASE:  # an inline (?i)
        return None
    return parsed


def _all_sets(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """Every set a sequence requires: its literal runs, the sets of the groups and
    repeats it must go through (their own parts too), and one set per alternation."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre.LITERAL and not chr(av).isspace():
            run.append(chr(av))
            continue
        if run:
            found.append(frozenset({"".join(run)}))
            run = []
        if op is sre.SUBPATTERN and not av[1] & re.IGNORECASE:
            found += _all_sets(list(av[3]))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            found += _all_sets(list(av[2]))
        elif op is sre.ATOMIC_GROUP:
            found += _all_sets(list(av))
        else:
            one = _item(op, av)
            if one is not None:
                found.append(one)
    if run:
        found.append(frozenset({"".join(run)}))
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
        # The pattern is kept with its mask, so its id stays its own.
        self._masks: dict[int, tuple[re.Pattern[str], int]] = {}
        self._keys: dict[str, int] = {}
        self._count = 0  # bits handed out
        # The automaton and the bits handed out when it was built.
        self._built: tuple[Any, int] | None = None
        self._lock = threading.Lock()
        self._alternatives: list[Alternatives] = []

    def mask(self, pattern: re.Pattern[str]) -> int:
        """The bits ``scan`` must all set for ``pattern`` to be able to match: one per
        set of ``required_sets`` (registered on first use); 0 for a pattern that must
        always be tried."""
        known = self._masks.get(id(pattern))
        if known is not None:
            return known[1]
        with self._lock:
            if id(pattern) not in self._masks:
                mask = 0
                for lits in required_sets(pattern):  # the strongest set gets the lowest bit
                    bit = 1 << self._count
                    self._count += 1
                    mask |= bit
                    for lit in lits:
                        self._keys[lit] = self._keys.get(lit, 0) | bit
                self._masks[id(pattern)] = (pattern, mask)
                self._built = None
            return self._masks[id(pattern)][1]

    def group(self, patterns: list[re.Pattern[str]] | tuple[re.Pattern[str], ...]) -> PatternGroup:
        """Patterns a detector tries in turn (see ``PatternGroup``)."""
        return PatternGroup(tuple(self.mask(p) for p in patterns))

    def alternatives(self, pattern: re.Pattern[str]) -> Alternatives:
        """``pattern`` split into its alternatives (see ``Alternatives``)."""
        alternatives = Alternatives(pattern, self)
        with self._lock:
            self._alternatives.append(alternatives)
        return alternatives

    def every_alternatives(self) -> tuple[Alternatives, ...]:
        """Every ``Alternatives`` made so far (the tests compare each with its pattern)."""
        return tuple(self._alternatives)

    def scan(self, text: str) -> tuple[int, int]:
        """(bits of the strings found in ``text``, bits handed out so far: a pattern
        registered later is not covered by this answer)."""
        built = self._built or self._build()
        automaton, known = built
        # OR of the values of every string found, in C (map, itemgetter, reduce).
        return reduce(or_, map(_VALUE, automaton.iter(text)), 0), known

    def _build(self) -> tuple[Any, int]:
        with self._lock:
            automaton: Any = _EMPTY
            if self._keys:
                automaton = ahocorasick.Automaton()
                for key, bits in self._keys.items():
                    automaton.add_word(key, bits)
                automaton.make_automaton()
            built = self._built = (automaton, (1 << self._count) - 1)
            return built


class PatternGroup:
    """A detector's list of patterns: ``candidates`` picks, in list order, those that
    could match a text (from its ``Prefilter.scan`` bits) without testing each one."""

    def __init__(self, masks: tuple[int, ...]):
        self.masks = masks
        self.mask = 0  # every bit any of them reads
        self._always = tuple(i for i, m in enumerate(masks) if not m)
        # Each pattern under the bit of its strongest set (its lowest bit).
        self._by_first: dict[int, list[int]] = {}
        self._first = 0
        self._last: tuple[int | None, list[int]] = (None, [])
        for i, m in enumerate(masks):
            self.mask |= m
            if m:
                self._by_first.setdefault(m & -m, []).append(i)
                self._first |= m & -m

    def candidates(self, bits: int) -> list[int]:
        """Indices (ascending) of the patterns all of whose bits are set in ``bits``.

        The last answer is kept: a detector asks again for each sentence of the same
        post (same bits, same answer; a new post's bits simply replace it)."""
        last = self._last
        if last[0] == bits:
            return last[1]
        found = list(self._always)
        wanted, masks = bits & self._first, self.masks
        while wanted:
            low = wanted & -wanted
            wanted ^= low
            for i in self._by_first[low]:
                if bits & masks[i] == masks[i]:
                    found.append(i)
        if len(found) > 1:
            found.sort()
        self._last = (bits, found)  # one assignment: another thread sees the old pair or the new
        return found

    def any(self, bits: int) -> bool:
        """Could any of the patterns match?"""
        if self._always:
            return True
        wanted, masks = bits & self._first, self.masks
        while wanted:
            low = wanted & -wanted
            wanted ^= low
            for i in self._by_first[low]:
                if bits & masks[i] == masks[i]:
                    return True
        return False


class Alternatives:
    """A large alternation tried one alternative at a time, only the alternatives
    whose strings are in the text (``bits``, from ``Prefilter.scan`` of it).

    ``head(?:a|b|c)tail`` with ``head`` made of look-arounds only (nothing to
    backtrack into) is the alternatives ``head(?:a)tail``, ``head(?:b)tail`` ... tried
    in order at each position; the top-level ``a|b`` and alternatives inside
    alternatives are split too. ``search`` and ``finditer`` return what the whole
    pattern returns: the leftmost match, the earlier alternative on a tie, and
    ``finditer`` goes on after each match's end. A pattern with capturing groups, an
    inline flag or an alternative that can match nothing stays whole. ``bits=None``
    (the engine without gates) runs the whole pattern.
    """

    def __init__(self, pattern: re.Pattern[str], prefilter: Prefilter):
        self.pattern = pattern
        self.branches = _split(pattern)
        self.group = prefilter.group(self.branches)
        self.mask = self.group.mask

    def search(self, text: str, bits: int | None, pos: int = 0,
               endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        if bits is None:
            return self.pattern.search(text, pos, end)
        best: re.Match[str] | None = None
        branches = self.branches
        for index in self.group.candidates(bits):
            m = branches[index].search(text, pos, end)
            if m is not None and (best is None or m.start() < best.start()):
                best = m
                if m.start() == pos:  # nothing can start earlier; later ones lose the tie
                    break
        return best

    def finditer(self, text: str, bits: int | None, pos: int = 0,
                 endpos: int | None = None) -> list[re.Match[str]]:
        end = len(text) if endpos is None else endpos
        if bits is None:
            return list(self.pattern.finditer(text, pos, end))
        candidates = self.group.candidates(bits)
        if len(candidates) <= 1:
            return list(self.branches[candidates[0]].finditer(text, pos, end)) if candidates else []
        branches = [self.branches[i] for i in candidates]
        nexts = [b.search(text, pos, end) for b in branches]
        out: list[re.Match[str]] = []
        while True:
            best: re.Match[str] | None = None
            for m in nexts:
                if m is not None and (best is None or m.start() < best.start()):
                    best = m
            if best is None:
                return out
            out.append(best)
            pos = best.end()  # never empty (``_split``), so this moves on
            for k, m in enumerate(nexts):
                if m is not None and m.start() < pos:
                    nexts[k] = branches[k].search(text, pos, end)

    def blank(self, text: str, bits: int | None) -> str:
        """``text`` with every match (as ``finditer``) replaced by as many spaces."""
        found = self.finditer(text, bits)
        if not found:
            return text
        parts: list[str] = []
        last = 0
        for m in found:
            parts += (text[last:m.start()], " " * (m.end() - m.start()))
            last = m.end()
        parts.append(text[last:])
        return "".join(parts)



def _split(pattern: re.Pattern[str]) -> tuple[re.Pattern[str], ...]:
    """The alternatives of ``pattern``, each compiled alone, or the pattern itself."""
    source = pattern.pattern
    if (pattern.groups or not isinstance(source, str) or "(?" + "P=" in source
            or re.search(r"\(\?[aiLmsux]", source)):
        return (pattern,)
    sources = _alternatives(source)
    if len(sources) < 2:
        return (pattern,)
    try:
        branches = tuple(re.compile(b, pattern.flags) for b in sources)
    except re.error:
        return (pattern,)
    if any(b.groups or sre_parse.parse(b.pattern, b.flags).getwidth()[0] == 0 for b in branches):
        return (pattern,)
    return branches


def _alternatives(source: str) -> list[str]:
    """``a|b`` -> [a, b]; ``head(?:a|b)tail`` (head of look-arounds) -> [head(?:a)tail,
    head(?:b)tail]; recursively, in the order the regex engine tries them."""
    top = top_level(source, "|")
    if len(top) > 1:
        return [alt for branch in top for alt in _alternatives(branch)]
    head_end = _lookaround_prefix(source)
    if not source.startswith("(?:", head_end):
        return [source]
    close = _closing(source, head_end)
    if close is None:
        return [source]
    inner = source[head_end + 3:close]
    parts = top_level(inner, "|")
    if len(parts) < 2:
        return [source]
    head, tail = source[:head_end], source[close + 1:]
    if tail[:1] in ("*", "+", "?", "{"):  # the group is repeated: not a plain alternation
        return [source]
    return [alt for part in parts for alt in _alternatives(f"{head}(?:{part}){tail}")]


def _structure(source: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of the pattern ``source`` from ``start`` that is neither escaped nor
    inside a character class, with its index and the group depth before it."""
    depth, i, in_class, class_start = 0, start, False, 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            if c == "]" and i > class_start:  # "[]..." and "[^]..." hold a literal "]"
                in_class = False
        elif c == "[":
            in_class, class_start = True, i + 1 + (source[i + 1:i + 2] == "^")
        else:
            yield i, c, depth
            depth += (c == "(") - (c == ")")
        i += 1


def top_level(source: str, sep: str = "|") -> list[str]:
    """The pattern ``source`` split at ``sep`` outside groups and classes
    (``"a(?:b|c)|d"`` -> ``["a(?:b|c)", "d"]``)."""
    parts, start = [], 0
    for i, c, depth in _structure(source):
        if c == sep and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def longest_first(alternatives: Iterable[str]) -> list[str]:
    """Distinct alternatives, longest first (so "brownlow" is tried before "brown"), then in
    alphabetical order: the same pattern text whatever the set order or hash seed."""
    return sorted(set(alternatives), key=lambda a: (-len(a), a))


def _closing(source: str, open_at: int) -> int | None:
    """Index of the ")" closing the group opened at ``open_at``."""
    return next((i for i, c, depth in _structure(source, open_at) if c == ")" and depth == 1), None)


def _lookaround_prefix(source: str) -> int:
    """Where the look-arounds (``(?<!..)``, ``(?=..)``, ``\\b``) at the start of ``source`` end."""
    i = 0
    while True:
        if source.startswith(("(?<!", "(?<=", "(?!", "(?="), i):
            close = _closing(source, i)
            if close is None:
                return i
            i = close + 1
        elif source.startswith("\\b", i):
            i += 2
        else:
            return i


class _Empty:
    def iter(self, text: str) -> tuple[()]:
        return ()


_EMPTY: Any = _Empty()
PREFILTER = Prefilter()
