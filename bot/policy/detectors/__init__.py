"""The detectors, listed explicitly: name in the rules file -> pure function.

Each takes an ``Analysis`` (the item, its normalised text and context) and the
rule's ``params`` and returns a ``Hit`` or ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.policy.analysis import Analysis, Detector
from bot.policy.detectors.attack import maybe_attack, personal_attack
from bot.policy.detectors.defamation import accusation, maybe_accusation
from bot.policy.detectors.doxxing import (
    child_whereabouts,
    maybe_child,
    maybe_private,
    maybe_vehicle,
    maybe_workplace,
    private_details,
    vehicle_details,
    workplace_times,
)
from bot.policy.detectors.hate import group_hate, maybe_hate
from bot.policy.detectors.identity import impersonation, repeat_offender
from bot.policy.detectors.personal_data import (
    email_address,
    home_address,
    maybe_address,
    maybe_any_email,
    maybe_ni_number,
    maybe_phone,
    national_insurance_number,
    phone_number,
)
from bot.policy.detectors.sexual import maybe_sexual, sexual_content
from bot.policy.detectors.spam import maybe_off_topic, maybe_spam, off_topic_link, spam
from bot.policy.detectors.statistical import abuse_classifier, manual
from bot.policy.detectors.threats import maybe_threat, threat_of_violence
from bot.policy.detectors.words import word_list

DETECTORS: dict[str, Detector] = {
    "word_list": word_list,
    "group_hate": group_hate,
    "accusation": accusation,
    "personal_attack": personal_attack,
    "sexual_content": sexual_content,
    "threat_of_violence": threat_of_violence,
    "phone_number": phone_number,
    "email_address": email_address,
    "home_address": home_address,
    "national_insurance_number": national_insurance_number,
    "vehicle_details": vehicle_details,
    "child_whereabouts": child_whereabouts,
    "workplace_times": workplace_times,
    "private_details": private_details,
    "spam": spam,
    "off_topic_link": off_topic_link,
    "impersonation": impersonation,
    "repeat_offender": repeat_offender,
    "classifier": abuse_classifier,
    "manual": manual,
}

# Detectors that need the statistical model loaded.
NEEDS_CLASSIFIER = frozenset({"classifier", "spam"})

Gate = Callable[[Analysis, dict[str, Any]], bool]


def _always(a: Analysis, params: dict[str, Any]) -> bool:
    return True


# Cheap pre-checks: a detector only runs when its gate says it could fire. Each
# gate reads facts the ``Analysis`` computes once per post (the word set, the
# lexicon's one-pass pre-filter, "is there a digit"), so an ordinary post costs a
# handful of set and attribute look-ups instead of every detector's scans.
GATES: dict[str, Gate] = {
    "word_list": lambda a, p: bool(a.lex_hits),
    "group_hate": maybe_hate,
    "accusation": maybe_accusation,
    "personal_attack": maybe_attack,
    "sexual_content": maybe_sexual,
    "threat_of_violence": maybe_threat,
    "phone_number": maybe_phone,
    "email_address": maybe_any_email,
    "home_address": maybe_address,
    "national_insurance_number": maybe_ni_number,
    "vehicle_details": maybe_vehicle,
    "child_whereabouts": maybe_child,
    "workplace_times": maybe_workplace,
    "private_details": maybe_private,
    "spam": maybe_spam,
    "off_topic_link": maybe_off_topic,
    "impersonation": _always,
    "repeat_offender": lambda a, p: a.ctx.author_upheld_recent > 0,
    "classifier": lambda a, p: a.has_scorer,
    "manual": lambda a, p: False,
}
