"""Personal data beyond numbers: a person's car, a child's school or whereabouts, a
workplace with times. Each needs a person it belongs to, so "the van AB12 CDE
blocking the lane" (a vehicle, no owner), "the school run is chaos" (no child
pointed at) and "my son goes to Castle School" (the author's own) stay civil.
"""

from __future__ import annotations

import re
from typing import Any

from bot.policy.analysis import Analysis, Hit

_WHO = (
    r"(?:he|she|him|her|his|hers|they|their|your|cllr\s+[a-z]+|councillor\s+[a-z]+|the\s+clerk|"
    r"the\s+mayor|mr\s+[a-z]+|mrs\s+[a-z]+|ms\s+[a-z]+|[a-z]+'s)"
)
# Current UK plates (AB12 CDE), prefix (A123 BCD) and suffix (ABC 123D) styles.
PLATE_RE = re.compile(
    r"(?<![a-z0-9])(?:[a-z]{2}\d{2}\s?[a-z]{3}|[a-z]\d{1,3}\s?[a-z]{3}|[a-z]{3}\s?\d{1,3}[a-z])(?![a-z0-9])"
)
VEHICLE_WORDS = frozenset(
    "car cars van vans reg registration plate plates motor vehicle drives driving parked parks "
    "parking motorbike bike truck pickup".split()
)
MAKES = (
    r"(?:ford|vauxhall|bmw|audi|mercedes|merc|toyota|nissan|kia|hyundai|volkswagen|vw|honda|"
    r"peugeot|renault|skoda|seat|fiat|mini|volvo|tesla|land\s+rover|range\s+rover|jaguar|"
    r"citroen|mazda|lexus|porsche|suzuki|dacia|mg|jeep|transit|golf|fiesta|corsa|polo|qashqai)"
)
CAR_OF_RE = re.compile(
    rf"(?<![a-z]){_WHO}\s+(?:drives|has\s+got|has|owns|parks)\s+(?:a|an|the)\s+(?:[a-z]+\s+){{0,2}}?"
    rf"{MAKES}(?![a-z])|(?<![a-z]){_WHO}\s+(?:car|van|motor)\s+is\s+(?:a|an|the)\s+"
    rf"(?:[a-z]+\s+){{0,2}}?{MAKES}(?![a-z])"
)
_CHILD = r"(?:son|daughter|kids?|children|child|boy|girl|lad|little\s+one|grandson|granddaughter)"
CHILD_RE = re.compile(
    rf"(?<![a-z]){_WHO}\s+(?:[a-z]+\s+)?{_CHILD}\s+(?:goes\s+to|go\s+to|attends|attend|is\s+at|are\s+at|"
    rf"is\s+in\s+year\s+\d+\s+at|walks?\s+(?:home|to\s+school)|gets?\s+the\s+bus|plays?\s+(?:at|in|on)|"
    rf"finishes?\s+school|leaves?\s+school|is\s+picked\s+up|gets?\s+picked\s+up|"
    rf"(?:is|are)\s+(?:always\s+)?(?:at|in)\s+the\s+(?:park|rec|playground|library|leisure\s+centre))"
    rf"(?![a-z])"
)
CHILD_WORDS = frozenset("son daughter kid kids children child boy girl lad one grandson granddaughter".split())
_DAY_OR_TIME = (
    r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}|\d{1,2}\s*o'?clock|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|"
    r"sundays|every\s+(?:morning|evening|night|day)|each\s+(?:morning|evening)|weekends|nights)"
)
WORKPLACE_RE = re.compile(
    rf"(?<![a-z]){_WHO}\s+(?:works|is\s+working|works\s+shifts|does\s+shifts|starts|finishes|"
    rf"clocks\s+(?:on|off))\s+(?:at|in|for)\s+(?:the\s+)?[a-z0-9'&\-\s]{{2,40}}?"
    rf"(?:\b(?:on|from|until|till|til|at|between|every|each|shifts?|finishes|leaves|starts|gets\s+off)\b"
    rf"[^.!?\n]{{0,30}}?)?{_DAY_OR_TIME}(?![a-z])"
)
WORK_WORDS = frozenset("works working shifts starts finishes clocks".split())


def maybe_vehicle(a: Analysis, params: dict[str, Any]) -> bool:
    return not a.words.isdisjoint(VEHICLE_WORDS) or (a.has_digit and PLATE_RE.search(a.text) is not None)


def vehicle_details(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A person's car: a number plate, or "Cllr Smith drives a silver Audi"."""
    spans = [a.span(m.start(), m.end()) for m in CAR_OF_RE.finditer(a.text)]
    if a.has_digit and not a.words.isdisjoint(VEHICLE_WORDS) and _has_owner(a):
        spans += [a.span(m.start(), m.end()) for m in PLATE_RE.finditer(a.text)
                  if not m.group().isalpha()]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="Found details of a vehicle (a number plate or a person's car).")


OWNER_WORDS = frozenset("his her hers their your he she cllr councillor clerk mayor mr mrs ms".split())


def _has_owner(a: Analysis) -> bool:
    """A person the plate belongs to ("his car", "Cllr Smith's van"), not just "the van"."""
    return not a.words.isdisjoint(OWNER_WORDS) or bool(a.people) or "'s " in a.text


def maybe_child(a: Analysis, params: dict[str, Any]) -> bool:
    return not a.words.isdisjoint(CHILD_WORDS)


def child_whereabouts(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Where a named or pointed-at person's child goes to school or can be found."""
    spans = [a.span(m.start(), m.end()) for m in CHILD_RE.finditer(a.text)]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="The post says where someone's child goes or can be found.")


def maybe_workplace(a: Analysis, params: dict[str, Any]) -> bool:
    return not a.words.isdisjoint(WORK_WORDS)


def workplace_times(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Where a person works together with when they are there ("works at Tesco, finishes at 6")."""
    spans = [a.span(m.start(), m.end()) for m in WORKPLACE_RE.finditer(a.text)]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="The post says where someone works and when they are there.")
