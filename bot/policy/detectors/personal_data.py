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
from phonenumbers import PhoneNumberType

from bot.domain import ActionKind, ItemKind, Severity, Span
from bot.policy.analysis import Analysis, Hit, domain_matches

_DIGIT_RUN = re.compile(r"(?:\d[\s\-().]{0,3}){7}")
_PERSONAL_TYPES = frozenset({
    PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.PERSONAL_NUMBER, PhoneNumberType.VOIP, PhoneNumberType.PAGER,
})
EMAIL_RE = re.compile(r"(?<![\w@.+-])[a-z0-9][a-z0-9._%+-]*@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}")
POSTCODE_RE = re.compile(
    # By format, not validity: inward codes with C, I, K, M, O or V are never issued but are
    # still someone's address as far as a clerk can tell ("BS35 2VI"); "M5 4pm" is a time.
    r"(?<![a-z0-9])(?:[a-z]{1,2}\d[a-z\d]?|gir)\s*\d(?![ap]m(?![a-z]))[a-z]{2}(?![a-z0-9])"
)
STREET_RE = re.compile(
    r"(?<![a-z0-9])(?:flat\s+\d+[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+(?:[a-z'\-]+\s+){1,3}?"
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|cl|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|terrace|grove|hill|park|square|sq|mews|row|walk|view|rise|green|"
    r"meadow|meadows|fields|croft|parade|vale|wharf|yard|end|gate|bank|paddock|ridge|heath|hollow|chase|"
    r"mead|brow|orchard|copse|leaze|dale|cottages)(?![a-z])"
    # "Butt Lane Row, number 2": the number after the street
    r"|(?<![a-z0-9])(?:[a-z'\-]+\s+){0,2}(?:road|street|lane|avenue|close|drive|way|crescent|court|place|"
    r"gardens|terrace|grove|hill|mews|row|walk|rise|green|ridge|heath)\s*,?\s+(?:no\.?|number)\s+\d{1,4}(?![\d])"
)
RESIDENCE_RE = re.compile(
    r"(?<![a-z])(?:lives?\s+(?:at|in|on)|living\s+at|address\s+(?:is|:)|home\s+is|house\s+is|"
    r"house\s+at|home\s+at|(?:his|her|their|your|the\s+clerk'?s|councillor'?s)\s+"
    r"(?:address|house|home|flat|front\s+door))(?![a-z])"
)
STREET_WORDS = frozenset(
    "road rd street st lane ln avenue ave close cl drive dr way crescent cres court ct place pl "
    "gardens gdns terrace grove hill park square sq mews row walk view rise green meadow meadows "
    "fields croft parade vale wharf yard end gate bank paddock ridge heath hollow chase mead brow orchard "
    "copse leaze dale cottages".split()
)
# By format, not validity: HMRC's example prefix QQ and the unallocated ones (GB,
# NK, TN ...) are still shown to the clerk.
NI_RE = re.compile(r"(?<![a-z0-9])[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d](?![a-z0-9])")
UK_PHONE_RE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?|\(?0[\s\-.)]{0,2})\d(?:[\s\-.()]{0,2}\d){8,9}(?![\d])"
)
OWN_CONTACT_RE = re.compile(
    r"(?<![a-z])(?:(?:call|ring|phone|fone|text|txt|tx|whatsapp|contact|reach|email|e-mail|message|msg|bell)\s+"
    r"(?:me|us|me\s+on|us\s+on)|me\s+(?:on|at)|(?:i|we)\s+(?:may|can|could)\s+be\s+(?:tele)?(?:phoned|rung|called|"
    r"contacted|reached|texted)|(?:my|our)\s+(?:number|mobile|phone|landline|home\s+phone|whatsapp|"
    r"work\s+phone|email|e-mail|email\s+address|address|contact\s+details|details|house|home)|"
    r"i'?m\s+(?:on|at)|i\s+am\s+(?:on|at)|we'?re\s+(?:on|at)|we\s+are\s+(?:on|at)|i\s+live\s+at|we\s+live\s+at|"
    r"you\s+can\s+(?:call|ring|reach|email|text|find)|i'?m\s+[a-z]+\s+(?:on|at)|"
    r"get\s+hold\s+of\s+me|contact\s+me|reach\s+me|i\s+can\s+be\s+reached|my\s+name\s+is|my\s+name'?s|"
    r"contact\s*:|details\s*:|happy\s+to\s+be\s+(?:a|the)\s+contact)(?![a-z])"
)
# "..., text 07700 ...", "collections call Ken on ...": an imperative right before the
# number, with no one else named in it ("call him on ..." is someone else's).
IMPERATIVE_RE = re.compile(
    r"(?:(?:^|[.!?,;:]|\s)\s*(?:please\s+)?(?:call|ring|text|txt|phone|fone|whatsapp|message|bell)\s+(?:[a-z]+\s+)?"
    r"(?:on\s+)?|"
    # "Email sam@...", "or contact jo@...": a noun "email" is no imperative ("his email is ...").
    r"(?:^|[.!?,;:(]|\s(?:or|and|please|pls))\s*(?:e-?mail|contact)\s+(?!is\s|was\s)(?:[a-z]+\s+)?(?:at\s+|on\s+)?)$"
)
OWN_AFTER_RE = re.compile(
    r"[\s,.;:()\-]*(?:and\s+|please\s+|pls\s+)*(?:call|ring|text|phone|contact|email|e-mail|message)"
    r"\s+me(?![a-z])|[\s,.;:()\-]*(?:is\s+|that'?s\s+|it'?s\s+)?my\s+(?:\w+\s+)?(?:number|mobile|email|phone|"
    r"address|landline)(?![a-z])"
)
BUSINESS_RE = re.compile(
    r"(?<![a-z])(?:book(?:ing|ings)?|reservations?|table|shop|store|pub|bar|inn|arms|hotel|restaurant|cafe|"
    r"café|takeaway|taxis?|cabs?|firm|company|business|vets?|dentists?|dental|surgery|gp|doctors|pharmacy|"
    r"chemist|hardware|garage|plumber|electrician|builders?|service|services|centre|center|club|society|"
    r"association|charity|church|hall|library|school\s+office|reception|helpline|hotline|enquiries|"
    r"office|ltd|limited|legion|transport|bus|practice|salon|hairdressers?|bakery|butchers?|florist|"
    r"opening\s+hours|out\s+of\s+hours|open\s+(?:from|until|till)|lines?\s+open)(?![a-z])"
)
PERSON_CUE_RE = re.compile(
    r"(?<![a-z])(?:him|her|his|he|she|hers|their\s+(?:mobile|personal|home)|mobile|personal|home\s+number|"
    r"lives?|wife|husband|son|daughter|mum|dad|cllr|councillor|clerk|mayor|bloke|guy|fella|man|woman|"
    r"lady|neighbour|who\s+(?:complained|reported|objected))(?![a-z])"
)
# PERSON_CUE_RE for the author's own details: "mobile" or "home number" alone is no one
# else's ("Mobile 07700 ..."); "his mobile" still is, by "his".
OTHER_CUE_RE = re.compile(
    r"(?<![a-z])(?:him|her|his|he|she|hers|their\s+(?:mobile|personal|home)|lives?|wife|husband|son|daughter|mum|dad|cllr|councillor|clerk|"
    r"mayor|bloke|guy|fella|man|woman|lady|neighbour|who\s+(?:complained|reported|objected))(?![a-z])"
)
# A post by its author about their own matter: written in the first person, or a notice.
FIRST_PERSON_RE = re.compile(r"(?<![a-z])(?:i|i'?m|i'?ve|i'?ll|i'?d|me|my|mine|we|we'?re|we'?ve|our|us)(?![a-z])")
NOTICE_RE = re.compile(
    r"(?<![a-z])(?:lost|found|missing|selling|for\s+sale|free\s+to\s+(?:a\s+)?good\s+home|wanted|"
    r"going\s+spare|giving\s+away|free\s+to\s+collect|ono)(?![a-z])"
)
# Anyone else in the post: a third person, a relative, a neighbour, a role, a titled or
# possessive name ("Dave's"), someone who did something, or the reader's own details.
OTHER_PERSON_RE = re.compile(
    r"(?<![a-z])(?:he|she|him|her|his|hers|himself|herself|their|theirs|he'?s|she'?s|he'?d|she'?d|"
    r"wife|husband|son|daughter|mum|dad|mother|father|brother|sister|nan|grandad|partner|boyfriend|"
    r"girlfriend|ex|friend|mate|lad|boss|landlord|landlady|tenant|lodger|neighbours?|bloke|guy|fella|"
    r"man|woman|lady|kid|boy|girl|cllr|councillors?|clerk|mayor|officer|warden|mr|mrs|ms|miss|dr|"
    r"(?:anyone|someone|whoever|people|idiot|person)\s+(?:who|that)\s+(?:parks?|lives?|did|does|dumped|"
    r"left|keeps?|complained|reported|objected)|"
    r"your\s+(?:number|mobile|phone|address|e-?mail|house|home|details)|you\s+live|"
    r"found\s+out|(?:know|out)\s+who|whose|"
    # a call to pester the number: not the author's
    r"(?:ring|call|text|spam|flood|bombard)\s+(?:it|them|this)|do\s+your\s+worst|all\s+night|day\s+and\s+night|"
    r"(?:every(?:one|body)|let'?s\s+all)\s+(?:call|ring|text|e-?mail|phone|message|give))(?![a-z])"
)
_POSSESSIVE_NAME_RE = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+'s(?![a-z])")
OWN_ADDRESS_RE = re.compile(
    r"(?<![a-z])(?:(?:i|we)\s+(?:live|am|are)\s+(?:at|on|in)|(?:my|our)\s+(?:address|house|home|flat))(?![a-z])"
)
OWN_DETAILS_ACTIONS = frozenset({ActionKind.HIDE_REPLY, ActionKind.DETACH_QUOTE})


# A number written in words ("oh seven seven zero zero, nine double zero..."): seven
# or more number words in a row, read as digits.
_DIGIT_WORDS = {"zero": "0", "oh": "0", "o": "0", "nought": "0", "one": "1", "two": "2", "three": "3",
                "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9"}
_NUMWORD = r"(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|double|triple|treble)"
SPELLED_RE = re.compile(rf"(?<![a-z]){_NUMWORD}(?:[\s,.\-/]+{_NUMWORD}){{6,}}(?![a-z])")
_SPELLED_CUES = frozenset({"zero", "oh", "nought", "double", "triple", "treble"})
_SPELLED_WORDS = frozenset(_DIGIT_WORDS) | _SPELLED_CUES


def spelled_numbers(lower: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each run of number words in lower-cased ``lower``."""
    found = []
    for m in SPELLED_RE.finditer(lower):
        digits, repeat = [], 1
        for word in re.findall(r"[a-z]+", m.group()):
            if word == "double":
                repeat = 2
            elif word in ("triple", "treble"):
                repeat = 3
            else:
                digits.append(_DIGIT_WORDS[word] * repeat)
                repeat = 1
        found.append((m.start(), m.end(), "".join(digits)))
    return found


def maybe_phone(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: seven digits close together, or number words with a zero or "double"."""
    if a.digit_count >= 7 and _DIGIT_RUN.search(a.text) is not None:
        return True
    return not a.words.isdisjoint(_SPELLED_CUES) and len(a.words & _SPELLED_WORDS) >= 3


def uk_numbers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, national number) of every UK-format number, valid or not.

    By format, not validity: Ofcom's ranges for drama (07700 900xxx, 01632 960xxx,
    020 7946 0xxx) are still someone's number as far as a clerk can tell.
    """
    found = []
    for m in UK_PHONE_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        national = digits[2:] if digits.startswith("44") else digits[4:] if digits.startswith("0044") \
            else digits[1:]
        if national.startswith("0"):
            national = national[1:]  # "+44 (0)117 ..."
        if 9 <= len(national) <= 10:
            found.append((m.start(), m.end(), national))
    return found


# "his personal line is 0808 ...": a freephone or 03 number said to be someone's own.
_SAID_PERSONAL_RE = re.compile(
    r"(?<![a-z])(?:his|her|their|[a-z]+'s)\s+(?:personal|private|home|own|direct)\s+(?:line|number|phone|mobile)"
    r"(?:\s+is|\s*:)?\s*$")


def _said_personal(lower: str, start: int) -> bool:
    return _SAID_PERSONAL_RE.search(lower[max(0, start - 50): start]) is not None


def _personal_uk(national: str) -> bool:
    """Geographic (01, 02), mobile, personal and pager (07) and VoIP (05) numbers.

    03 (organisations' non-geographic numbers) and 08/09 (freephone, premium rate)
    are businesses: the spam rule weighs those.
    """
    return national[0] in "1257"


def phone_number(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Private phone numbers (UK by format; international by ``phonenumbers``), not the council's."""
    text = a.item.text or ""
    lower = text.lower()
    spelled = (spelled_numbers(lower) if not a.words.isdisjoint(_SPELLED_CUES)
               and len(a.words & _SPELLED_WORDS) >= 3 else [])
    if _DIGIT_RUN.search(text) is None and not spelled:
        return None
    public = {_national(n) for n in (a.ctx.council.phone, *params.get("public_numbers", ()))}
    spans: list[Span] = []
    for start, end, digits in spelled:
        if digits.startswith("0") and len(digits) in (10, 11):
            national = digits[1:]
            if _personal_uk(national) and national not in public and not _business(lower, start):
                spans.append(Span(start, end, text[start:end]))
    for start, end, national in uk_numbers(text):
        if (_personal_uk(national) or _said_personal(lower, start)) and national not in public \
                and not _business(lower, start):
            spans.append(Span(start, end, text[start:end]))
    taken = [(s.start, s.end) for s in spans]
    for match in phonenumbers.PhoneNumberMatcher(text, str(params.get("region", "GB"))):
        number = match.number
        if number.country_code == 44 or any(s < match.end and match.start < e for s, e in taken):
            continue
        if phonenumbers.number_type(number) in _PERSONAL_TYPES:
            spans.append(Span(match.start, match.end, match.raw_string))
    if not spans:
        return None
    return own_or_theirs(a, spans, f"Found {len(spans)} phone number(s).")


def _own(lower: str, start: int, end: int) -> bool:
    """The author's own details: a first-person cue shortly before (with no one else named
    in between) or just after ("..., that's my work number")."""
    if OWN_AFTER_RE.match(lower, end):
        return True
    imperative = IMPERATIVE_RE.search(lower, max(0, start - 40), start)
    if imperative is not None and OTHER_CUE_RE.search(imperative.group()) is None \
            and not re.search(r"(?<![a-z])(?:the|a|an|that|this)\s", imperative.group()):
        return OTHER_CUE_RE.match(lower[end:end + 25].lstrip(" ,.")) is None
    cues = list(OWN_CONTACT_RE.finditer(lower, max(0, start - 100), start))
    if not cues:
        return False
    between = lower[cues[-1].end(): start]
    return OTHER_CUE_RE.search(between) is None and OTHER_CUE_RE.match(lower[end:end + 25].lstrip(" ,.")) is None


def _sole_author(a: Analysis, original: str, lower: str, address: bool) -> bool:
    """A post by its author about their own matter, with no one else in it: in the first
    person or a notice ("Found a ring ...", "Selling two tickets ..."), and no third person,
    relative, neighbour, role or other name. Its phone numbers and e-mail addresses are
    the author's; a home address only with "I live at", "my address" and the like."""
    if FIRST_PERSON_RE.search(lower) is None and NOTICE_RE.search(lower) is None:
        return False
    if OTHER_PERSON_RE.search(lower) is not None or _POSSESSIVE_NAME_RE.search(original) is not None:
        return False
    if a.people or a.item.mentions or "@" in re.sub(EMAIL_RE, "", lower):
        return False
    return not address or OWN_ADDRESS_RE.search(lower) is not None


def _business(lower: str, start: int) -> bool:
    """A shop's, pub's or service's number ("book a table on ...", "the vet's new number"),
    unless the words before it point at a person ("ring him on", "her mobile")."""
    before = lower[max(0, start - 80): start]
    after = lower[start: start + 60]
    return ((BUSINESS_RE.search(before) is not None or _BOOKING_AFTER.search(after) is not None)
            and PERSON_CUE_RE.search(before) is None and PERSON_CUE_RE.search(after) is None)


# "Call the Swan on ... to book": a booking line said right after the number.
_BOOKING_AFTER = re.compile(
    r"(?<![a-z])(?:to\s+(?:book|order|reserve)|for\s+(?:bookings|reservations|tickets|orders|takeaways?|"
    r"a\s+table|collections?|deliveries))(?![a-z])"
)


def _national(number: str) -> str:
    found = uk_numbers(number)
    return found[0][2] if found else number.strip()


def _person_before(a: Analysis, start: int) -> bool:
    if a.norm.offsets is not None:  # positions differ between the texts: judge by the words
        return bool(a.people)
    return any(start - 60 <= b <= start for _, b in a.people)


def own_or_theirs(a: Analysis, spans: list[Span], detail: str, address: bool = False) -> Hit | None:
    """A resident's own contact details: low severity, at most hidden (to protect them).

    "Call me on ...", "my email is ...": the author gives their own details, which
    is no breach but may be unwise in public; in a direct message it is private
    already and not flagged at all.
    """
    original = a.item.text or ""
    lower = original.lower()
    # A council person named just before the details is not the author ("ring Jane Smith on ...").
    own = _sole_author(a, original, lower, address) or all(
        _own(lower, s.start, s.end) and not _person_before(a, s.start) for s in spans)
    if not own:
        return Hit(spans=tuple(spans), detail=detail)
    if a.item.kind is ItemKind.DM:
        return None
    return Hit(spans=tuple(spans), severity_cap=Severity.LOW, allowed_actions=OWN_DETAILS_ACTIONS,
               detail=detail + " They seem to be the author's own; hiding the post would protect them.")


def maybe_email(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: an "@" with a letter or digit on both sides (not "@user")."""
    text = a.text
    at = text.find("@")
    while at != -1:
        if 0 < at < len(text) - 1 and text[at - 1] in _LOCAL and text[at + 1].isalnum():
            return True
        at = text.find("@", at + 1)
    return False


# An address written out to dodge filters: "jane dot smith at example dot com",
# "tombrown1962 (at) example (dot) net", "j.smith [at] example [dot] org". The domain must
# end in " dot " and a top-level domain, so "see you at the hall" is no address.
_AT = r"(?:\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+|\.)"
SPELLED_EMAIL_RE = re.compile(
    rf"(?<![a-z0-9])[a-z0-9][a-z0-9_-]*(?:(?:{_DOT}|\s+|_)[a-z0-9][a-z0-9_-]*){{0,4}}?{_AT}"
    rf"[a-z0-9][a-z0-9-]*(?:{_DOT}[a-z0-9-]+)*?(?:\s*[(\[{{<]\s*dot\s*[)\]}}>]\s*|\s+dot\s+)"
    r"(?:com|net|org|co|uk|io|info|me|biz|mail|email)(?![a-z0-9])"
)


def spelled_emails(text: str) -> list[tuple[int, int, str]]:
    """(start, end, address) of each address written with "at" and "dot" in words."""
    found = []
    for m in SPELLED_EMAIL_RE.finditer(text):
        local, _, domain = re.split(_AT, m.group(), maxsplit=1)[0], None, re.split(_AT, m.group(), maxsplit=1)[1]
        words = re.split(r"\s+", re.sub(_DOT, ".", local).strip())
        # The local part: the words joined by "dot" ("jane dot smith") and a trailing number
        # ("tom dot brown 1972"); an ordinary sentence before it is not part of it.
        kept = [words[-1]]
        for word in reversed(words[:-1]):
            if kept[0].startswith(".") or word.endswith(".") or kept[0].isdigit():
                kept.insert(0, word)
            else:
                break
        address = "".join(kept) + "@" + re.sub(r"\s+", "", re.sub(_DOT, ".", domain))
        start = m.start() + m.group().rfind(kept[0].lstrip("."), 0, len(m.group()) - len(domain)) \
            if kept[0].lstrip(".") else m.start()
        found.append((start, m.end(), address))
    return found


def maybe_any_email(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: an "@" address, or "at" with "dot" or a bracketed "(at)"."""
    return maybe_email(a, params) or ("at" in a.words and (
        "dot" in a.words or "(at)" in a.text or "[at]" in a.text))


def email_address(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """E-mail addresses, except the council's own and those at its own domains."""
    spelled = (spelled_emails(a.text) if ("dot" in a.words or "(at)" in a.text or "[at]" in a.text)
               and "at" in a.words else [])
    if not maybe_email(a, params) and not spelled:
        return None
    own = {a.ctx.council.email.lower(), *(e.lower() for e in params.get("public_emails", ()))}
    domains = tuple(d.lower() for d in a.ctx.council.allowed_domains)
    spans = []
    found = [(m.start(), m.end(), m.group()) for m in EMAIL_RE.finditer(a.text)] + spelled
    for start, end, address in found:
        if address in own or domain_matches(address.rsplit("@", 1)[1], domains):
            continue
        spans.append(a.span(start, end))
    if not spans:
        return None
    return own_or_theirs(a, spans, f"Found {len(spans)} e-mail address(es).")


def maybe_address(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: a street word and a digit."""
    return not a.words.isdisjoint(STREET_WORDS) and a.has_digit


def home_address(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A house number and street, with a postcode or words saying someone lives there."""
    if not maybe_address(a, params):
        return None
    postcodes = list(POSTCODE_RE.finditer(a.text))
    residence = [] if a.gated and a.words.isdisjoint(RESIDENCE_WORDS) else list(RESIDENCE_RE.finditer(a.text))
    streets = list(STREET_RE.finditer(a.text))
    if not streets:
        return None
    if not postcodes and not residence:
        said_of = [m for m in streets if _said_of_person(a, m.start())]
        if not said_of:
            return None
        spans = [a.span(m.start(), m.end()) for m in said_of]
        return own_or_theirs(a, spans, "Found a house number and street said of a person.", address=True)
    spans = [a.span(m.start(), m.end()) for m in streets + postcodes]
    cue = "a postcode" if postcodes else "words saying someone lives there"
    return own_or_theirs(a, spans, f"Found a house number and street with {cue}.", address=True)


# A house number and street said of someone, with no postcode or "lives at": the person,
# then "is / are / lives / of / at" or a comma or colon, then the address ("the guy who
# complained is Colin Arden, 3 Pickering Mews", "the family who ... are at 4 Chantry Close",
# "Craig at 30 Laurel Walk", "Tom Brown's mum lives: 9 Harebell Gardens"). Not a shop's, a
# hall's or a service's address ("the Swan, 3 Castle Street"), nor a place where something
# happened ("the pothole outside 41 Quarrymead Road").
_ADDRESS_LINK_RE = re.compile(
    r"(?:(?<![a-z])(?:is|are|lives?|living|stays?|of|at|'s)\s*:?\s+(?:at\s+|in\s+|on\s+)?|[a-z],\s*|[a-z]:\s*|\s[-\u2013]\s)"
    r"(?:number\s+|no\.?\s+)?$"
)
_DOX_WHO_RE = re.compile(
    r"(?<![a-z])(?:family|objector|complainant|owner|tenant|(?:the\s+)?one\s+(?:who|whose)|whose|"
    r"who\s+(?:complained|reported|objected|blocked|dumped|voted|signed|parks|lives|keeps))(?![a-z])"
)
_FULL_NAME_RE = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+\s+[A-Z][a-z]+(?:'s)?(?![A-Za-z])")
_PLACE_NAME_RE = re.compile(
    r"(?<![a-z])(?:road|street|lane|avenue|close|drive|way|crescent|court|hill|park|green|square|hall|"
    r"school|church|house|arms|inn|centre|club|town|council|fields|gardens)(?![a-z])")


def _said_of_person(a: Analysis, start: int) -> bool:
    """Is the street at ``start`` given as a person's address (see ``_ADDRESS_LINK_RE``)?"""
    before = a.text[max(0, start - 12): start]
    if _ADDRESS_LINK_RE.search(before) is None:
        return False
    sentence_start = max(a.text.rfind(". ", 0, start), a.text.rfind("\n", 0, start), a.text.rfind("? ", 0, start),
                         a.text.rfind("! ", 0, start)) + 1
    lead = a.text[sentence_start: start]
    if BUSINESS_RE.search(lead[-30:]) is not None:  # "the Swan Inn, 3 Castle Street"
        return False
    if OTHER_CUE_RE.search(lead) or _DOX_WHO_RE.search(lead) or _person_before(a, start):
        return True
    if a.norm.offsets is not None:
        return False
    original = (a.item.text or "")[sentence_start: start]
    return any(_PLACE_NAME_RE.search(m.group().lower()) is None for m in _FULL_NAME_RE.finditer(original))


def maybe_ni_number(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: six digits close together."""
    return a.digit_count >= 6 and _SIX_DIGITS.search(a.text) is not None


def national_insurance_number(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """UK National Insurance numbers (two letters, six digits, one letter A-D)."""
    if not maybe_ni_number(a, params):
        return None
    spans = tuple(a.span(m.start(), m.end()) for m in NI_RE.finditer(a.text))
    if not spans and not a.words.isdisjoint(_NI_WORDS):
        # Said to be an NI number: any final letter ("the NI number ... TN 31 01 80 F").
        spans = tuple(a.span(m.start(), m.end()) for m in _NI_SAID_RE.finditer(a.text))
    if not spans:
        return None
    return Hit(spans=spans, detail="Found what looks like a National Insurance number.")


_NI_WORDS = frozenset({"ni", "nino", "insurance"})
_NI_SAID_RE = re.compile(r"(?<![a-z0-9])[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-z](?![a-z0-9])")
_SIX_DIGITS = re.compile(r"\d\s?\d\s?\d\s?\d\s?\d\s?\d")
_LOCAL = frozenset("abcdefghijklmnopqrstuvwxyz0123456789._%+-")
# RESIDENCE_RE can only match when one of these words is in the post.
RESIDENCE_WORDS = frozenset("live lives living address home house flat door".split())
