"""``rules replay --compare-tiers``: what the standard and transformer tiers would each flag.

Both tiers re-run the same rules on the same stored posts (nothing is written);
the report lists the posts on which they disagree, so a council can see what
switching ``classifier: {tier: ...}`` would change before it does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bot.policy.replay import Change


@dataclass(frozen=True)
class TierDifference:
    item_id: int
    url: str
    standard: frozenset[str]
    transformer: frozenset[str]

    @property
    def kind(self) -> str:
        if not self.standard:
            return "transformer only"
        if not self.transformer:
            return "standard only"
        return "different rules"

    def describe(self) -> str:
        parts = [f"item {self.item_id} ({self.kind})"]
        only_t = ", ".join(sorted(self.transformer - self.standard))
        only_s = ", ".join(sorted(self.standard - self.transformer))
        if only_t:
            parts.append(f"transformer: {only_t}")
        if only_s:
            parts.append(f"standard: {only_s}")
        return "  ".join(parts) + (f"  {self.url}" if self.url else "")


def compare(standard: list[Change], transformer: list[Change]) -> list[TierDifference]:
    """The posts on which the two tiers' findings differ (both lists from ``replay_stored``)."""
    by_id = {c.item_id: c for c in transformer}
    out = []
    for s in standard:
        t = by_id.get(s.item_id)
        if t is not None and s.after != t.after:
            out.append(TierDifference(s.item_id, s.url, s.after, t.after))
    return out


def summary(standard: list[Change], transformer: list[Change], differences: list[TierDifference]) -> str:
    kinds = Counter(d.kind for d in differences)
    flagged_s = sum(1 for c in standard if c.after)
    flagged_t = sum(1 for c in transformer if c.after)
    return (f"{len(standard)} stored post(s): the standard tier would flag {flagged_s}, the transformer "
            f"tier {flagged_t}. They disagree on {len(differences)}: {kinds['transformer only']} flagged "
            f"only by the transformer tier, {kinds['standard only']} only by the standard tier, "
            f"{kinds['different rules']} by both with different rules. Nothing was changed in the database.")
