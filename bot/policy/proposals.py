"""What a finding may propose, fitted to the item it is about.

The rules file says what each rule proposes for an ordinary reply; the item may
need something else or less:

* a quote post is not a reply under the council's post: it is detached (the
  council's post is removed from the quote), not hidden;
* a direct message cannot be hidden or detached;
* on Bluesky a reply can only be hidden in a thread the council started;
* a finding the detector marked as low-risk (the classifier's second opinion, a
  resident's own contact details) proposes nothing stronger than its cap.

The adapters' capabilities are applied afterwards by the core, so nothing the
platform cannot do is ever queued.
"""

from __future__ import annotations

from dataclasses import replace

from bot.domain import ActionKind, Finding, Item, ItemKind, Platform, Severity

NOT_ON_DMS = frozenset({ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE})


def fit_actions(actions: tuple[ActionKind, ...], item: Item, platform: Platform,
                allowed: frozenset[ActionKind] | None = None) -> tuple[ActionKind, ...]:
    """``actions`` changed to what makes sense for this kind of item, in order, no repeats."""
    fitted: list[ActionKind] = []
    for kind in actions:
        if item.kind is ItemKind.QUOTE and kind is ActionKind.HIDE_REPLY:
            kind = ActionKind.DETACH_QUOTE
        elif item.kind is not ItemKind.QUOTE and kind is ActionKind.DETACH_QUOTE:
            continue
        if item.kind is ItemKind.DM and kind in NOT_ON_DMS:
            continue
        if (kind is ActionKind.HIDE_REPLY and platform is Platform.BLUESKY
                and item.meta.get("root_is_council") is False):
            continue
        if allowed is not None and kind not in allowed:
            continue
        if kind not in fitted:
            fitted.append(kind)
    return tuple(fitted)


def fit_finding(finding: Finding, item: Item, platform: Platform,
                allowed: frozenset[ActionKind] | None = None,
                severity_cap: Severity | None = None) -> Finding:
    """The finding with its proposals (and, for low-risk hits, severity) fitted to the item."""
    actions = fit_actions(finding.proposed_actions, item, platform, allowed)
    severity = finding.severity if severity_cap is None else min(finding.severity, severity_cap)
    police = finding.police_referral and severity_cap is None
    if actions == finding.proposed_actions and severity == finding.severity \
            and police == finding.police_referral:
        return finding
    return replace(finding, proposed_actions=actions, severity=severity, police_referral=police)
