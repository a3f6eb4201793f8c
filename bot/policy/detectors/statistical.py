"""The classifier's second opinion, as a rule."""

from __future__ import annotations

from typing import Any

from bot.domain import Severity
from bot.policy.analysis import Analysis, Hit
from bot.policy.detectors.hate import COUNTER_RE


def abuse_classifier(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Posts the statistical model rates as abusive although no listed word matched.

    Only when the post is aimed at a person or a group (``Analysis.target``): anger
    at roads, bins, the precept or "the council" stays civil however strong the
    words. Always low severity, for the clerk's judgement: it proposes no action
    stronger than the rule lists, and never a block or report (the engine sees to that).
    """
    target = a.target
    if not target or a.quotes_reported_speech or (a.may_match(COUNTER_RE) and COUNTER_RE.search(a.text)):
        return None  # about things, or reporting / condemning abuse
    head = str(params.get("head", "offensive"))
    score = a.scores.get(head)
    if score is None or score < float(params.get("threshold", 0.5)):
        return None
    return Hit(detail=f"The statistical second opinion rates it {score:.2f} out of 1 "
                      f"(no listed word matched; aimed at {target}); please judge it yourself.",
               score=score, severity_cap=Severity.LOW)


def manual(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A ground only the clerk can choose (e.g. copyright): never fires by itself."""
    return None
