"""The literal pre-filter's sharper forms change no match.

``required_sets``: every match contains a string of each set. ``Alternatives``:
a large alternation tried alternative by alternative gives the same matches as
the whole pattern (leftmost, earlier alternative on a tie, ``finditer`` going on
after each match), on hand-made texts and on every council tuning-corpus post.
"""

from __future__ import annotations

import re

import pytest

from bot.policy.measure import CORPUS_DIR, load_corpus
from bot.policy.normalise import normalise
from bot.policy.prefilter import PREFILTER, Prefilter, required_sets

SETS = [
    (r"(?:i'?ll|gonna)\s+(?:stab|kill)\s+(?:you|him)", "gonna stab him",
     {frozenset({"stab", "kill"}), frozenset({"you", "him"}), frozenset({"ll", "gonna"})}),
    (r"(?<![a-z])(?:rigg?ed|fiddled)\s+the\s+(?:books|tender)", "he rigged the tender", None),
    (r"deserves?\s+(?:a\s+)?(?:bullet|kicking)", "deserves a kicking", None),
]


@pytest.mark.parametrize(("pattern", "matching", "expected"), SETS)
def test_every_match_has_a_string_of_each_set(pattern, matching, expected):
    sets = required_sets(pattern)
    assert sets
    if expected is not None:
        assert set(sets) == expected
    assert re.search(pattern, matching)
    for lits in sets:
        assert any(lit in matching for lit in lits)


def test_a_pattern_is_a_candidate_only_with_every_set():
    prefilter = Prefilter()
    pattern = re.compile(r"(?:gonna|will)\s+stab\s+(?:you|him)")
    group = prefilter.group([pattern, re.compile(r"\d+")])  # the second: always tried
    assert group.candidates(prefilter.scan("gonna stab him")[0]) == [0, 1]
    assert group.candidates(prefilter.scan("gonna stab the printer")[0]) == [1]
    assert group.candidates(prefilter.scan("stab")[0]) == [1]


CASES = [
    (r"(?<![a-z])(?:cat|dog|do|catalogue)(?![a-z])", ["a dog and a cat", "catalogue do", "docat dog"]),
    (r"ab|a|abc", ["abc abcd a", "xabx"]),
    (r"(?<![a-z])(?:kill\s+(?:you|him)|kill|you\s+all)(?![a-z])", ["kill you all", "kill him", "you all kill"]),
    (r"(?:one|two)\s+(?:three|four)|five", ["one four five two three", "fivefive"]),
    (r"(?<![a-z])(?:x(?:ab|cd)|y)(?=\s)", ["xab y xcd ", "y xcd"]),
]


@pytest.mark.parametrize(("pattern", "texts"), CASES)
def test_alternatives_find_what_the_whole_pattern_finds(pattern, texts):
    compiled = re.compile(pattern)
    alts = PREFILTER.alternatives(compiled)
    assert len(alts.branches) >= 2
    for text in texts:
        bits = PREFILTER.scan(text)[0]
        whole = [m.span() for m in compiled.finditer(text)]
        assert [m.span() for m in alts.finditer(text, bits)] == whole
        for pos in range(len(text)):
            for end in (len(text), max(pos, len(text) - 2)):
                got, want = alts.search(text, bits, pos, end), compiled.search(text, pos, end)
                assert (got and got.span()) == (want and want.span())


@pytest.mark.parametrize("pattern", [r"(a|b)c", r"(?i)cat|dog", r"(?:cat|dog)+", r"cat|x?"])
def test_patterns_that_cannot_be_split_stay_whole(pattern):
    compiled = re.compile(pattern)
    assert PREFILTER.alternatives(compiled).branches == (compiled,)


def _registered_alternatives():
    from bot.policy.detectors import defamation, harm, hate, spam  # noqa: F401  (they register theirs)
    from bot.policy.evaluation import EXAMPLE_COUNCIL
    harm.structure_alternatives(tuple(EXAMPLE_COUNCIL.people))
    return list(PREFILTER.every_alternatives())


def test_the_detectors_alternatives_match_like_their_patterns_on_the_corpora():
    texts = [normalise(c.text).text for p in sorted(CORPUS_DIR.glob("*.tune.yaml")) for c in load_corpus(p)]
    alternatives = _registered_alternatives()
    assert len(alternatives) >= 5
    assert len(texts) > 500
    for alts in alternatives:
        for text in texts:
            bits = PREFILTER.scan(text)[0]
            got = [m.span() for m in alts.finditer(text, bits)]
            assert got == [m.span() for m in alts.pattern.finditer(text)], (alts.pattern.pattern[:60], text)
