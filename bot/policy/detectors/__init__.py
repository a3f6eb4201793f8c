"""The detectors, listed explicitly: name in the rules file -> pure function.

Each takes an ``Analysis`` (the item, its normalised text and context) and the
rule's ``params`` and returns a ``Hit`` or ``None``.
"""

from __future__ import annotations

from bot.policy.analysis import Detector
from bot.policy.detectors.identity import impersonation, repeat_offender
from bot.policy.detectors.personal_data import (
    email_address,
    home_address,
    national_insurance_number,
    phone_number,
)
from bot.policy.detectors.spam import off_topic_link, spam
from bot.policy.detectors.statistical import abuse_classifier, manual
from bot.policy.detectors.threats import threat_of_violence
from bot.policy.detectors.words import word_list

DETECTORS: dict[str, Detector] = {
    "word_list": word_list,
    "threat_of_violence": threat_of_violence,
    "phone_number": phone_number,
    "email_address": email_address,
    "home_address": home_address,
    "national_insurance_number": national_insurance_number,
    "spam": spam,
    "off_topic_link": off_topic_link,
    "impersonation": impersonation,
    "repeat_offender": repeat_offender,
    "classifier": abuse_classifier,
    "manual": manual,
}

# Detectors that need the statistical model loaded.
NEEDS_CLASSIFIER = frozenset({"classifier", "spam"})
