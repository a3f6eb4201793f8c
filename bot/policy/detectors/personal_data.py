"""Personal data: phone numbers, e-mail addresses, home addresses, NI numbers.

The council's own published contacts (``council.phone``, ``council.email`` and
addresses at its ``allowed_domains``) are never flagged, nor are numbers the rule
lists as public (``public_numbers``: e.g. the police non-emergency line).
Business numbers (freephone, premium rate, shared cost) are left to the spam rule.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from bot.domain import Span
from bot.policy.analysis import Analysis, Hit, domain_matches

_DIGIT_RUN = re.compile(r"(?:\d[\s\-().]{0,3}){7}")
_PERSONAL_TYPES = frozenset({
    PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.VOIP, PhoneNumberType.PAGER,
})
EMAIL_RE = re.compile(r"(?<![\w@.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
POSTCODE_RE = re.compile(
    r"(?<![a-z0-9])(?:[a-z]{1,2}\d[a-z\d]?|gir)\s*\d[abd-hjlnp-uw-z]{2}(?![a-z0-9])"
)
STREET_RE = re.compile(
    r"(?<![a-z0-9])(?:flat\s+\d+[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+(?:[a-z'\-]+\s+){1,3}?"
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|cl|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|terrace|grove|hill|park|square|sq|mews|row|walk|view|rise|green|"
    r"meadow|meadows|fields|croft|parade|vale|wharf|yard|end|gate|bank|paddock)(?![a-z])"
)
RESIDENCE_RE = re.compile(
    r"(?<![a-z])(?:lives?\s+(?:at|in|on)|living\s+at|address\s+(?:is|:)|home\s+is|house\s+is|"
    r"house\s+at|home\s+at|(?:his|her|their|your|the\s+clerk'?s|councillor'?s)\s+"
    r"(?:address|house|home|flat|front\s+door))(?![a-z])"
)
STREET_WORDS = frozenset(
    "road rd street st lane ln avenue ave close cl drive dr way crescent cres court ct place pl "
    "gardens gdns terrace grove hill park square sq mews row walk view rise green meadow meadows "
    "fields croft parade vale wharf yard end gate bank paddock".split()
)
NI_RE = re.compile(
    r"(?<![a-z0-9])(?!bg|gb|nk|kn|tn|nt|zz)[a-ceghj-prstw-z][a-ceghj-nprstw-z]"
    r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d](?![a-z0-9])"
)


def _e164(number: str, region: str = "GB") -> str:
    try:
        return phonenumbers.format_number(phonenumbers.parse(number, region), PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        return ""


def maybe_phone(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: seven digits close together."""
    return a.digit_count >= 7 and _DIGIT_RUN.search(a.text) is not None


def phone_number(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Private phone numbers (UK and international), not the council's own."""
    text = a.item.text or ""
    if _DIGIT_RUN.search(text) is None:
        return None
    public = {_e164(n) for n in (a.ctx.council.phone, *params.get("public_numbers", ()))}
    region = str(params.get("region", "GB"))
    spans = []
    for match in phonenumbers.PhoneNumberMatcher(text, region):
        number = match.number
        if phonenumbers.number_type(number) not in _PERSONAL_TYPES:
            continue
        if phonenumbers.format_number(number, PhoneNumberFormat.E164) in public:
            continue
        spans.append(Span(match.start, match.end, match.raw_string))
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail=f"Found {len(spans)} phone number(s).")


def maybe_email(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: an "@" with a letter or digit on both sides (not "@user")."""
    text = a.text
    at = text.find("@")
    while at != -1:
        if 0 < at < len(text) - 1 and text[at - 1] in _LOCAL and text[at + 1].isalnum():
            return True
        at = text.find("@", at + 1)
    return False


def email_address(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """E-mail addresses, except the council's own and those at its own domains."""
    if not maybe_email(a, params):
        return None
    own = {a.ctx.council.email.lower(), *(e.lower() for e in params.get("public_emails", ()))}
    domains = tuple(d.lower() for d in a.ctx.council.allowed_domains)
    spans = []
    for m in EMAIL_RE.finditer(a.text):
        address = m.group()
        if address in own or domain_matches(address.rsplit("@", 1)[1], domains):
            continue
        spans.append(a.span(m.start(), m.end()))
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail=f"Found {len(spans)} e-mail address(es).")


def maybe_address(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: a street word and a digit."""
    return not a.words.isdisjoint(STREET_WORDS) and a.has_digit


def home_address(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A house number and street, with a postcode or words saying someone lives there."""
    if not maybe_address(a, params):
        return None
    postcodes = list(POSTCODE_RE.finditer(a.text))
    residence = [] if a.words.isdisjoint(RESIDENCE_WORDS) else list(RESIDENCE_RE.finditer(a.text))
    if not postcodes and not residence:
        return None
    streets = list(STREET_RE.finditer(a.text))
    if not streets:
        return None
    spans = [a.span(m.start(), m.end()) for m in streets + postcodes]
    cue = "a postcode" if postcodes else "words saying someone lives there"
    return Hit(spans=tuple(spans), detail=f"Found a house number and street with {cue}.")


def maybe_ni_number(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: six digits close together."""
    return a.digit_count >= 6 and _SIX_DIGITS.search(a.text) is not None


def national_insurance_number(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """UK National Insurance numbers (two letters, six digits, one letter A-D)."""
    if not maybe_ni_number(a, params):
        return None
    spans = tuple(a.span(m.start(), m.end()) for m in NI_RE.finditer(a.text))
    if not spans:
        return None
    return Hit(spans=spans, detail="Found what looks like a National Insurance number.")


_SIX_DIGITS = re.compile(r"\d\s?\d\s?\d\s?\d\s?\d\s?\d")
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
# RESIDENCE_RE can only match when one of these words is in the post.
RESIDENCE_WORDS = frozenset("live lives living address home house flat door".split())
