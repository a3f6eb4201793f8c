"""The council-specific case table (tests/policy/council_cases.yaml), rules only."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.policy import load_engine
from bot.policy.evaluation import example_context, text_item

CASES = yaml.safe_load((Path(__file__).parent / "council_cases.yaml").read_text())["cases"]


@pytest.fixture(scope="module")
def engine():
    return load_engine(classifier=False)


def test_table_is_big_enough():
    assert len(CASES) >= 60
    assert sum(1 for c in CASES if not c["grounds"]) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:40] for c in CASES])
def test_case(engine, case):
    findings = engine.evaluate(text_item(case["text"]), example_context())
    grounds = sorted({str(f.ground) for f in findings})
    assert grounds == sorted(case["grounds"]), [f.explanation for f in findings]
    for f in findings:
        for span in f.spans:
            assert case["text"][span.start:span.end] == span.text
