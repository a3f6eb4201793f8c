"""Helpers to run the engine over plain texts, for measurement and the CLI.

A text becomes an ``Item`` from an anonymous author, evaluated in the context of
an example council (or the caller's). Used by ``modbot rules test``,
``scripts/evaluate_policy.py``, ``scripts/bench_policy.py`` and the training
script (which needs the word-list rules' verdicts to choose its threshold).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.domain import Author, Finding, Ground, Item, ItemKind, Platform
from bot.policy.engine import EvalContext, PolicyEngine, load_engine
from bot.settings import CouncilSettings

ABUSE_GROUNDS = frozenset({Ground.HATE, Ground.HARASSMENT, Ground.THREAT, Ground.OBSCENE})
EXAMPLE_COUNCIL = CouncilSettings(
    name="Thornbury Town Council", email="clerk@thornburytowncouncil.gov.uk",
    phone="01454 412103", website="https://www.thornburytowncouncil.gov.uk",
    official_accounts=("@thornburytc@mastodon.social", "thornburytc.bsky.social"),
    people=("Cllr Jane Smith", "Cllr Tom Brown", "Sarah Jones"),
    allowed_domains=("thornburytowncouncil.gov.uk", "southglos.gov.uk", "gov.uk"),
)
_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def text_item(text: str, number: int = 0, author: Author | None = None,
              kind: ItemKind = ItemKind.REPLY, **fields) -> Item:
    return Item(
        remote_id=f"text-{number}", kind=kind,
        author=author or Author(remote_id="anon", handle="resident@social.example",
                                display_name="A Resident"),
        text=text, created_at=_EPOCH, raw={}, **fields,
    )


def example_context(council: CouncilSettings | None = None, **fields) -> EvalContext:
    return EvalContext(council=council or EXAMPLE_COUNCIL, platform=Platform.SIMULATED, **fields)


@dataclass(frozen=True)
class Verdict:
    """The engine's answer for one text, as the CLI prints it."""

    findings: tuple[Finding, ...]
    score: float | None

    @property
    def flagged(self) -> bool:
        return bool(self.findings)

    @property
    def grounds(self) -> list[str]:
        return list(dict.fromkeys(str(f.ground) for f in self.findings))

    @property
    def severity(self) -> str | None:
        return max(self.findings, key=lambda f: f.severity).severity.label if self.findings else None

    def as_dict(self) -> dict:
        return {
            "flagged": self.flagged, "grounds": self.grounds, "severity": self.severity,
            "score": None if self.score is None else round(self.score, 4),
            "rules": [f.rule_id for f in self.findings],
            "police_referral": any(f.police_referral for f in self.findings),
            "spans": [[s.start, s.end, s.text] for f in self.findings for s in f.spans],
        }


def judge(engine: PolicyEngine, text: str, ctx: EvalContext | None = None,
          number: int = 0) -> Verdict:
    findings, score = engine.evaluate_scored(text_item(text, number), ctx or example_context())
    return Verdict(tuple(findings), score)


def rule_flags(texts: Iterable[str], rules_file: Path | None = None,
               grounds: frozenset[Ground] = ABUSE_GROUNDS) -> list[bool]:
    """For each text: did a word-list or pattern rule (no classifier) find abuse?"""
    engine = load_engine(path=rules_file, classifier=False)
    ctx = example_context()
    return [
        any(f.ground in grounds for f in engine.evaluate(text_item(t, i), ctx))
        for i, t in enumerate(texts)
    ]


def target_flags(texts: Iterable[str]) -> list[bool]:
    """For each text: is it aimed at a person or group (what the second opinion needs)?"""
    from bot.policy.analysis import Analysis

    engine = load_engine(classifier=False)
    ctx = example_context()
    return [bool(Analysis(text_item(t, i), ctx, engine.lexicon).target) for i, t in enumerate(texts)]
