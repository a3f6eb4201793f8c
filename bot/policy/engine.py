"""Minimal engine (foundation): word lists from the rules file.

The policy-engine issue replaces the detectors; the interface stays.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.domain import ActionKind, Finding, Ground, Item, Platform, Severity, Span
from bot.settings import CouncilSettings, Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EvalContext:
    """What the engine may know beyond the item itself (filled in by the core)."""

    council: CouncilSettings
    platform: Platform
    account_handle: str = ""
    author_upheld_recent: int = 0
    same_text_authors: int = 0


@dataclass(frozen=True)
class Rule:
    id: str
    ground: Ground
    clauses: tuple[str, ...]
    severity: Severity
    words: tuple[str, ...]
    actions: tuple[ActionKind, ...]
    explanation: str
    police_referral: bool = False


class PolicyEngine:
    def __init__(self, rules: list[Rule]):
        self.rules = rules
        self._patterns = {
            r.id: re.compile(r"\b(" + "|".join(re.escape(w) for w in r.words) + r")\b", re.I)
            for r in rules
            if r.words
        }

    def evaluate(self, item: Item, ctx: EvalContext) -> list[Finding]:
        findings: list[Finding] = []
        for rule in self.rules:
            pattern = self._patterns.get(rule.id)
            if pattern is None:
                continue
            spans = tuple(Span(m.start(), m.end(), m.group(0)) for m in pattern.finditer(item.text))
            if spans:
                findings.append(Finding(
                    rule_id=rule.id, ground=rule.ground, severity=rule.severity,
                    clauses=rule.clauses, explanation=rule.explanation, spans=spans,
                    proposed_actions=rule.actions, police_referral=rule.police_referral,
                ))
        return findings


def _rule(data: dict[str, Any]) -> Rule:
    return Rule(
        id=data["id"], ground=Ground(data["ground"]), clauses=tuple(data.get("clauses", ())),
        severity=Severity.parse(data.get("severity", "medium")),
        words=tuple(data.get("params", {}).get("words", ())),
        actions=tuple(ActionKind(a) for a in data.get("actions", ())),
        explanation=data.get("explanation", ""), police_referral=bool(data.get("police_referral")),
    )


def load_engine(settings: Settings | None = None, path: Path | None = None) -> PolicyEngine:
    rules_path = path or (settings.rules_file if settings else None)
    if rules_path is None:
        raise ValueError("no rules file")
    doc = yaml.safe_load(Path(rules_path).read_text(encoding="utf-8")) or {}
    return PolicyEngine([_rule(r) for r in doc.get("rules", []) if r.get("enabled", True)])
