"""The classifier's second opinion, as a rule."""

from __future__ import annotations

from typing import Any

from bot.policy.analysis import Analysis, Hit


def abuse_classifier(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Posts the statistical model rates as abusive although no listed word matched."""
    head = str(params.get("head", "offensive"))
    score = a.scores.get(head)
    if score is None or score < float(params.get("threshold", 0.5)):
        return None
    return Hit(detail=f"The statistical second opinion rates it {score:.2f} out of 1 "
                      "(no listed word matched); please judge it yourself.", score=score)


def manual(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A ground only the clerk can choose (e.g. copyright): never fires by itself."""
    return None
