"""The detectors' pre-checks (gates, trigger words, literal pre-filters) change no finding.

Every post of the council corpora (the sources ``civil.yaml`` and ``breaches.yaml``
and ``council_cases.yaml``) and a fixed sample of each public set's training part
goes through the engine with its gates on and off; the findings (rule, ground,
severity, proposals, explanation, spans, score) must be identical. A pattern added
to a detector that its trigger words do not cover makes this test fail as soon as
a post in these sets matches it: add the missing trigger word (or let the literal
pre-filter of ``bot.policy.prefilter`` cover the pattern).
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from bot.domain import Finding
from bot.policy import load_engine
from bot.policy.datasets import LOADERS, datasets_dir, load_training_part
from bot.policy.engine import PolicyEngine
from bot.policy.evaluation import example_context, text_item
from bot.policy.measure import CORPUS_DIR, Case, case_item, load_corpus
from bot.policy.prefilter import PREFILTER, required_literals

SOURCES = (CORPUS_DIR / "civil.yaml", CORPUS_DIR / "breaches.yaml",
           Path(__file__).parent / "council_cases.yaml")
SAMPLE = 400  # posts per public set
HAS_DATA = (datasets_dir() / "olid-training-v1.0.tsv").is_file()


def _cases() -> list[Case]:
    return [case for path in SOURCES for case in load_corpus(path)]


def _public_sample() -> list[str]:
    texts = []
    for name in sorted(LOADERS):
        try:
            examples = load_training_part(name)
        except FileNotFoundError:
            continue
        rng = random.Random(f"gate-equivalence-{name}")
        texts += [e.text for e in rng.sample(examples, min(SAMPLE, len(examples)))]
    return texts


def _findings_of_cases(engine: PolicyEngine, cases: list[Case]) -> list[list[Finding]]:
    out = []
    for i, case in enumerate(cases):
        ctx = example_context(same_text_authors=int(case.context.get("same_text_authors", 0)),
                              author_upheld_recent=int(case.context.get("author_upheld_recent", 0)))
        out.append(engine.evaluate(case_item(case, i), ctx))
    return out


def _differences(texts: list[str], gated: list[list[Finding]],
                 ungated: list[list[Finding]]) -> list[str]:
    lines = []
    for text, on, off in zip(texts, gated, ungated, strict=True):
        if on != off:
            lines.append(f"{text[:80]!r}: gated {[f.rule_id for f in on]} / "
                         f"ungated {[f.rule_id for f in off]}"
                         + ("" if [f.rule_id for f in on] != [f.rule_id for f in off]
                            else f" (details differ: {on} vs {off})"))
    return lines


@pytest.fixture(scope="module", params=[False, True], ids=["rules", "classifier"])
def engines(request) -> tuple[PolicyEngine, PolicyEngine]:
    return (load_engine(classifier=request.param),
            load_engine(classifier=request.param, gates=False))


def test_corpora_same_findings_with_and_without_gates(engines):
    gated, ungated = engines
    cases = _cases()
    assert len(cases) > 1000
    diff = _differences([c.text for c in cases], _findings_of_cases(gated, cases),
                        _findings_of_cases(ungated, cases))
    assert not diff, f"{len(diff)} posts differ:\n" + "\n".join(diff[:20])


@pytest.mark.skipif(not HAS_DATA, reason=f"the labelled data sets are not in {datasets_dir()}")
def test_public_sets_same_findings_with_and_without_gates(engines):
    gated, ungated = engines
    texts = _public_sample()
    assert len(texts) >= 2000
    ctx = example_context()
    on = [gated.evaluate(text_item(t, i), ctx) for i, t in enumerate(texts)]
    off = [ungated.evaluate(text_item(t, i), ctx) for i, t in enumerate(texts)]
    diff = _differences(texts, on, off)
    assert not diff, f"{len(diff)} posts differ:\n" + "\n".join(diff[:20])


def test_an_uncovered_pattern_is_caught(monkeypatch):
    """The check above can fail: a threat pattern whose trigger words miss the word it
    matches ("obliterate") fires only without gates."""
    from bot.policy.detectors import threats

    pattern = re.compile(r"(?<![a-z])i'?ll\s+obliterate\s+you(?![a-z])")
    extra = (frozenset({"annihilate"}), (), pattern, "a statement of violent intent")
    monkeypatch.setattr(threats, "PATTERNS", threats.PATTERNS + (extra,))
    monkeypatch.setattr(threats, "_GROUP", PREFILTER.group([p for _, _, p, _ in threats.PATTERNS]))
    texts = ["I'll obliterate you at the next meeting", "See you at the next meeting"]
    gated, ungated = load_engine(classifier=False), load_engine(classifier=False, gates=False)
    ctx = example_context()
    on = [gated.evaluate(text_item(t), ctx) for t in texts]
    off = [ungated.evaluate(text_item(t), ctx) for t in texts]
    assert len(_differences(texts, on, off)) == 1


@pytest.mark.parametrize(("pattern", "matching"), [
    (r"(?<![a-z])(?:rigg?ed|fiddled)\s+the\s+(?:books|tender)", "he rigged the tender"),
    (r"(?:£|\$|€)\s?\d+\s?(?:k|per\s+day)", "earn £500 per day"),
    (r"(?:you|u)\s+(?:are|r)\s+dead(?:\s+meat)?", "u r dead meat"),
    (r"kill(?:ing|ed)?\s+(?:him|her)", "killing her"),
    (r"a{2,}rgh", "aaargh"),
])
def test_required_literals_are_in_every_match(pattern, matching):
    compiled = re.compile(pattern)
    literals = required_literals(compiled)
    assert literals is not None
    assert compiled.search(matching) is not None
    assert any(lit in matching for lit in literals)


@pytest.mark.parametrize("pattern", [
    r"(?:a|an)\s+\w+",          # an alternative without a useful string
    r"(?:kill)?\s*\d+",         # the only string is optional
    r"(?i)kill\s+you",          # case-insensitive: strings would not be literal
    r"[a-z]{2}\d{2}\s?[a-z]{3}",  # a number plate: classes only
])
def test_patterns_without_required_strings_always_run(pattern):
    assert required_literals(re.compile(pattern)) is None
