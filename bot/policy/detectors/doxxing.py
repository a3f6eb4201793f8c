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
    r"citroen|mazda|lexus|porsche|suzuki|dacia|mg|jeep|transit|golf|fiesta|corsa|polo|qashqai|berlingo|"
    r"micra|octavia|focus|astra|clio|yaris|juke|sportage|tucson|zafira|insignia|mondeo|kuga|passat|"
    r"tiguan|a3|a4|320d|x5|c-class|e-class|sprinter|vivaro|caddy|partner|kangoo)"
)
CAR_OF_RE = re.compile(
    rf"(?<![a-z])(?<!\bi\s)(?<!\bwe\s)(?:[a-z']+\s+)(?:drives|has\s+got|owns|parks)\s+(?:a|an|the)\s+(?:[a-z]+\s+){{0,2}}?"
    rf"{MAKES}(?![a-z])|(?<![a-z]){_WHO}\s+(?:car|van|motor)\s+is\s+(?:a|an|the)\s+"
    rf"(?:[a-z]+\s+){{0,2}}?{MAKES}(?![a-z])"
)
_CHILD = (r"(?:son|daughter|kids?|children|child|boy|girl|little\s+girl|little\s+boy|lad|little\s+one|grandson|"
          r"granddaughter|twins|stepson|stepdaughter)")
CHILD_RE = re.compile(
    rf"(?<![a-z])(?<!\bmy\s)(?<!\bour\s)(?:{_WHO}\s+(?:[a-z]+\s+)?{_CHILD}(?:\s+[a-z]+(?:\s+and\s+[a-z]+)?,?)?"
    rf"|{_CHILD}(?:,?\s+[a-z]+(?:\s+and\s+[a-z]+)?,|\s+of\s+(?:the|that)\s+[a-z ]{{2,40}}?,?))"
    rf"\s+(?:goes\s+to|go\s+to|attends|attend|is\s+at|are\s+at|does\s+[a-z]+\s+at|swims?\s+at|"
    rf"walks\s+(?:her|his|their)\s+dog|catch(?:es)?\s+the|is\s+in\s+year\s+\d+|"
    rf"is\s+in\s+year\s+\d+\s+at|walks?\s+(?:home|to\s+school)|gets?\s+the\s+bus|plays?\s+(?:at|in|on)|"
    rf"finishes?\s+school|leaves?\s+school|is\s+picked\s+up|gets?\s+picked\s+up|"
    rf"(?:is|are)\s+(?:always\s+)?(?:at|in)\s+the\s+(?:park|rec|playground|library|leisure\s+centre))"
    rf"(?![a-z])"
)
CHILD_WORDS = frozenset("son daughter kid kids children child boy girl lad one grandson granddaughter twins "
                        "stepson stepdaughter".split())
_DAY_OR_TIME = (
    r"(?:\d{1,2}(?::\d{2})?\s*(?:am|pm)|\d{1,2}[:.]\d{2}|\d{1,2}\s*-\s*\d{1,2}|\d{1,2}\s*o'?clock|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|mornings|evenings|lunchtime|lunchtimes|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mondays|tuesdays|wednesdays|thursdays|fridays|saturdays|"
    r"sundays|every\s+(?:morning|evening|night|day)|each\s+(?:morning|evening)|weekends|nights)"
)
WORKPLACE_RE = re.compile(
    rf"(?<![a-z])(?<!\bi\s)(?<!\bwe\s)(?:(?P<who>[a-z']+),?\s+)(?P<verb>works|is\s+working|works\s+shifts|does\s+shifts|starts|"
    rf"finishes|cleans|is\s+an?\s+[a-z]+|is|works\s+on\s+the\s+[a-z]+|clocks\s+(?:on|off))\s+(?:at|in|for)\s+(?:the\s+)?[a-z0-9'&\-\s]{{2,40}}?"
    rf"(?:\b(?:on|from|until|till|til|at|between|every|each|shifts?|finishes|leaves|starts|gets\s+off)\b"
    rf"[^.!?\n]{{0,30}}?)?{_DAY_OR_TIME}(?![a-z])"
)
WORK_WORDS = frozenset("works working shifts starts finishes clocks cleans".split())
# "X is at the offices every Monday": "is" only counts with a day or time word.
DAY_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday mondays tuesdays wednesdays "
                      "thursdays fridays saturdays sundays mon tue tues wed thu thur thurs fri sat sun am pm "
                      "mornings evenings lunchtime lunchtimes weekends nights morning evening night day "
                      "oclock clock".split())


# The general form behind the child and workplace patterns: someone else (a named or
# pointed-at person, their child or partner) + where they are (goes to, works at,
# plays for, a nurse on, catches the...) + when (a day, a time, pick-up, nights this
# week) in one sentence. The author's own ("my son goes to ...", "I work at ...") is not.
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")  # "3.15" does not end a sentence
_SOMEONE = re.compile(
    # "[a-z]+'s" is a possessive, not "that's", "it's" or "library's" (a place's hours)
    r"(?<![a-z])(?:he|she|his|her|their|(?!(?:that|it|there|what|here|who|where|let|library|council|town|"
    r"school|centre|church|hall|club)'s)[a-z]+'s|cllr\s+[a-z]+|councillor\s+[a-z]+|the\s+(?:clerk|mayor|chair|"
    r"chairman|councillor|neighbour|man|woman|bloke|lad|son|daughter|wife|husband|partner|kids?|children)|"
    # "the Pearce girl", "the one whose dad complained"
    r"the\s+[a-z]+\s+(?:girl|boy|lad|kids?|children|twins|family)|whose\s+(?:dad|mum|father|mother|parents?)|"
    r"(?:his|her|their|the\s+\w+'s)\s+(?:son|daughter|kids?|children|twins|youngest|eldest|lad|boy|girl|wife|"
    r"husband|partner))(?![a-z])"
)
_PRESENCE = re.compile(
    r"(?<![a-z])(?:goes\s+to|go\s+to|attends?|works?|working(?!\s+(?:parents|families|people|mums|dads|class|hours|week|day|group|party|lunch))|plays?\s+for|training|trains|swims?|shifts?|"
    r"is\s+(?:a|an)\s+[a-z]+\s+(?:at|on|in)|(?:are|is)\s+in\s+year\s+\d+|catch(?:es)?\s+the|gets?\s+the\s+\d|"
    r"walks?\s+(?:home|to)|pick-?\s?up|drop-?\s?off|finishes\s+at|charges\s+it\s+at|"
    r"parks\s+(?:it\s+)?(?:at|in|outside|by)|"
    # routines: "walks her dog along ...", "plays netball Tuesdays", "get dropped at ... nursery",
    # "her day job is at the surgery"
    r"walks?\s+(?:her|his|their|the)\s+dogs?|(?:jogs|runs|cycles)\s+(?:along|round|through|past|to|from)|"
    r"plays?\s+(?:[a-z]+\s+){1,2}(?:at|on|for|in|every)|plays?\s+[a-z]+\s+[a-z]+days|"
    r"(?:gets?|got|is|are)\s+(?:dropped|picked\s+up)\s+(?:off\s+)?(?:at|from)|"
    r"(?:day\s+)?job\s+is\s+(?:at|in)|works?\s+(?:on|at)\s+(?:the\s+)?(?:front\s+desk|reception|tills?|checkouts?))"
    r"(?![a-z])"
)
_WHEN = re.compile(
    r"(?<![a-z0-9])(?:" + _DAY_OR_TIME[3:-1].replace("mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|", "")
    + r"|pick-?\s?up\s+is|drop-?\s?off\s+at|at\s+\d{1,2}(?![\d:.])|"
    r"\d{1,2}[.:]\d{2}|\d{1,2}\s*(?:am|pm)|nights?\s+this\s+week|late\s+shift|early\s+shift|"
    r"every\s+(?:evening|morning|night|day|week)|half\s+(?:past\s+)?(?:\d+|[a-z]+)|"
    # shifts: "on earlies, 6 till 2", "night shift"
    r"night\s+shifts?|day\s+shifts?|earlies|lates|\d{1,2}\s*(?:till|til|until|to)\s*\d{1,2}(?![\d:.]))(?![a-z])"
)
_OWN_START = re.compile(r"\s*(?:my|our|i|i'm|i'?ve|we|we're|me)(?![a-z])")


# An invitation to act on the details: "tell her what you think", "if anyone wants a word",
# "easy to find", "go knock", "thought people should know", "keep an eye out". With one of
# these, someone's whereabouts need no time ("her day job is at the dental surgery on Bristol
# Road, front desk. Book an appointment and tell her what you think.").
DOX_CALL_RE = re.compile(
    r"(?<![a-z])(?:tell\s+(?:him|her|them)\s+(?:what|how)|let\s+(?:him|her|them)\s+(?:know|have\s+it)|"
    r"(?:if|in\s+case)\s+(?:any\s?one|anybody|you|people)\s+(?:wants?|fancies|needs?)\s+(?:a\s+word|to\s+(?:ask|see|find|"
    r"visit|tell|pay|have)|to\s+pay)|wanting\s+a\s+word|have\s+a\s+word|easy\s+to\s+find|you\s+know\s+where\s+to\s+find|"
    r"go\s+(?:and\s+)?(?:knock|visit|see\s+(?:him|her|them))|pay\s+(?:him|her|them)\s+a\s+visit|"
    r"(?:thought|think)\s+(?:people|you|everyone)\s+should\s+know|keep\s+an\s+eye\s+out|remember\s+that\s+name|"
    r"face\s+to\s+face|ask\s+(?:him|her|them)\s+(?:about|why|yourself)|just\s+saying|alone\.)"
)


def whereabouts(a: Analysis) -> list[tuple[int, int]]:
    """Sentences giving someone else's whereabouts with a time (see above)."""
    # Each needs a presence word and someone in one sentence: none in the whole post, none at all.
    if a.gated and not (a.may_match(_PRESENCE) and (a.may_match(_SOMEONE) or a.people)):
        return []
    found = []
    for m in _SENTENCE.finditer(a.text):
        start, end = m.span()
        if _OWN_START.match(a.text, start):
            continue
        who = _SOMEONE.search(a.text, start, end)
        if who is None and not any(start <= s < end for s, _ in a.people):
            continue
        where = _PRESENCE.search(a.text, start, end)
        if where is None:
            continue
        if _WHEN.search(a.text, start, end) is None and not (
                (not a.gated or a.may_match(DOX_CALL_RE)) and DOX_CALL_RE.search(a.text) is not None):
            continue
        found.append((start + len(m.group()) - len(m.group().lstrip()), end))
    return found


def maybe_vehicle(a: Analysis, params: dict[str, Any]) -> bool:
    # Without a vehicle word only "X drives a ..." can be found (a plate counts only with one).
    return not a.words.isdisjoint(VEHICLE_WORDS) or not a.words.isdisjoint(MAKE_WORDS) or a.may_match(CAR_OF_RE)


def vehicle_details(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A person's car: a number plate, or "Cllr Smith drives a silver Audi"."""
    spans = [a.span(m.start(), m.end()) for m in CAR_OF_RE.finditer(a.text)]
    if a.has_digit and not (a.words.isdisjoint(VEHICLE_WORDS) and a.words.isdisjoint(MAKE_WORDS)) \
            and _has_owner(a):
        spans += [a.span(m.start(), m.end()) for m in PLATE_RE.finditer(a.text)
                  if not m.group().isalpha()]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="Found details of a vehicle (a number plate or a person's car).")


OWNER_WORDS = frozenset(
    "his her hers their your he she cllr councillor clerk mayor mr mrs ms drives owns bloke woman man "
    "warden neighbour who clerks cllrs councillors mayors owner objector".split()
)
# A plate next to a make or model ("Grey Astra, WU19 QXI") is a car's even without "car".
MAKE_WORDS = frozenset(
    "ford vauxhall bmw audi mercedes merc toyota nissan kia hyundai volkswagen vw honda peugeot renault skoda "
    "fiat volvo tesla jaguar citroen mazda lexus porsche suzuki dacia jeep fiesta corsa polo qashqai berlingo "
    "micra octavia astra clio yaris juke sportage tucson zafira insignia mondeo kuga passat tiguan sprinter "
    "vivaro kangoo".split()
)


def _has_owner(a: Analysis) -> bool:
    """A person the plate belongs to ("his car", "Cllr Smith's van"), not just "the van"."""
    return not a.words.isdisjoint(OWNER_WORDS) or bool(a.people) or "'s " in a.text


def maybe_child(a: Analysis, params: dict[str, Any]) -> bool:
    return not a.words.isdisjoint(CHILD_WORDS)


def child_whereabouts(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Where a named or pointed-at person's child goes to school or can be found."""
    if not a.may_match(CHILD_RE):
        return None
    spans = [a.span(m.start(), m.end()) for m in CHILD_RE.finditer(a.text)]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="The post says where someone's child goes or can be found.")


PRESENCE_WORDS = frozenset("goes go attends attend works work working plays training trains swims swim "
                           "shift shifts is are catch catches gets walks walk pick pickup drop dropoff "
                           "finishes charges parks get got dropped play job jogs runs cycles".split())


def maybe_workplace(a: Analysis, params: dict[str, Any]) -> bool:
    words = a.words
    return not words.isdisjoint(WORK_WORDS) or (
        "is" in words and (not words.isdisjoint(DAY_WORDS) or a.has_digit)) or (
        (a.has_digit or not words.isdisjoint(DAY_WORDS) or a.may_match(DOX_CALL_RE))
        and not words.isdisjoint(PRESENCE_WORDS))


# A councillor's public duties ("Cllr Brown's surgery is at the library every Saturday",
# "she holds a drop-in on Fridays"): published times, not someone's whereabouts.
PUBLIC_DUTY_RE = re.compile(
    r"(?:(?:'s|(?<![a-z])ward|(?<![a-z])councillors?'?|(?<![a-z])cllr'?s?|(?<![a-z])mayor'?s)\s+(?:ward\s+|weekly\s+|monthly\s+|"
    r"next\s+|councillor\s+|advice\s+|drop-?\s?in\s+)?(?:surgery|surgeries|drop-?\s?ins?|advice\s+sessions?|"
    r"street\s+stall)|holds?\s+(?:a\s+|her\s+|his\s+|their\s+)?(?:ward\s+)?(?:surgery|surgeries|drop-?\s?ins?))"
    r"(?![a-z])"
)


def _public_duty(a: Analysis, start: int, end: int) -> bool:
    """Is the match at ``start:end`` about a councillor's published surgery or drop-in?"""
    if "surger" not in a.text and "drop" not in a.text and "stall" not in a.text and "advice" not in a.text:
        return False
    return any(s < end + 20 and start - 40 < e for s, e in
               (m.span() for m in PUBLIC_DUTY_RE.finditer(a.text)))


# "X is at ... on Saturday", "X starts at ... at 9": only when X is a person. "The market is at
# the square every Saturday" and "the clinic starts at 9" are events, not someone's whereabouts.
_PERSON_SUBJECTS = frozenset(
    "he she they husband wife son daughter partner mum dad mother father brother sister boyfriend "
    "girlfriend clerk mayor councillor cllr chair chairman man woman bloke lad guy fella neighbour "
    "landlord landlady boss missus".split()
)


_PERSON_LEAD = re.compile(
    r"(?<![a-z])(?:officer|worker|objector|warden|teacher|nurse|assistant|manager|who|whose)(?![a-z])")


def _person_subject(a: Analysis, m: re.Match[str]) -> bool:
    verb = m.group("verb")
    if verb.startswith(("works", "clocks", "cleans", "does")) or verb == "is working":
        return True
    who = m.group("who")
    if who.rstrip("'s") in _PERSON_SUBJECTS or who.endswith("'s") or any(
            m.start("who") - 1 <= b <= m.end("who") + 1 for _, b in a.people):
        return True
    lead = a.text[max(a.text.rfind(". ", 0, m.start()), a.text.rfind("\n", 0, m.start()), 0): m.start("verb")]
    if _SOMEONE.search(lead) or _PERSON_LEAD.search(lead):  # "the planning officer who refused us ..."
        return True
    if a.norm.offsets is not None:
        return False
    original = (a.item.text or "")[m.start("who"): m.end("who")]
    # A name ("Dave is at the depot every Monday"), not the first word of a sentence ("The
    # market is ...", "Bingo is at the hall on Fridays").
    sentence_start = m.start("who") == 0 or a.text[:m.start("who")].rstrip()[-1:] in ".!?"
    return original[:1].isupper() and not sentence_start


def workplace_times(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Where a person works together with when they are there ("works at Tesco, finishes at 6")."""
    found = WORKPLACE_RE.finditer(a.text) if a.may_match(WORKPLACE_RE) else ()
    spans = [a.span(m.start(), m.end()) for m in found
             if _person_subject(a, m) and not _public_duty(a, *m.span())]
    if not spans and (a.has_digit or not a.words.isdisjoint(DAY_WORDS) or a.may_match(DOX_CALL_RE)):
        spans = [a.span(s, e) for s, e in whereabouts(a) if not _public_duty(a, s, e)]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="The post says where someone works and when they are there.")


PRIVATE_RE = re.compile(
    r"(?<![a-z])(?:born\s+(?:on\s+)?\d{1,2}(?:st|nd|rd|th)?[/.\-\s](?:\d{1,2}|[a-z]+)[/.\-\s]\d{2,4}|"
    r"date\s+of\s+birth|d\.?o\.?b\.?\s*:?\s*\d|sort\s+code\s*:?\s*\d{2}[\s\-]?\d{2}[\s\-]?\d{2}|"
    r"account\s+(?:number|no\.?)?\s*:?\s*\d{8}(?!\d)|(?:has|got|with|diagnosed\s+with)\s+(?:prostate\s+|breast\s+|"
    r"bowel\s+|lung\s+)?(?:cancer|hiv|aids|dementia|alzheimer'?s|ms|parkinson'?s|a\s+brain\s+tumour)\s+and\s+"
    r"(?:is|has\s+been)\s+(?:having|getting|on)|(?:having|having\s+his|having\s+her)\s+(?:chemo|chemotherapy|"
    r"treatment|therapy|dialysis)\s+at|on\s+the\s+(?:sex\s+offenders?\s+)?register\s+for|"
    r"(?:is|was|'s|has\s+been)\s+(?:sectioned|in\s+rehab|on\s+antidepressants|hiv\s+positive)|"
    # someone else's sexual or mental health: "the new youth worker has HIV", "the clerk's been
    # off with depression". Not the author's or their family's ("my mum has dementia").
    r"(?<!\bi\s)(?<!\bmy\s)(?:he|she|[a-z]+'s|(?:the|that|our)\s+(?:new\s+)?[a-z]+(?:\s+worker)?|cllr\s+[a-z]+)\s+"
    r"(?:has|has\s+got|'s\s+got|got)\s+(?:hiv|aids|herpes|chlamydia|syphilis|gonorrhoea|an\s+std)(?![a-z])|"
    r"(?:he|she|[a-z]+'s|the\s+[a-z]+)\s+(?:been|is|was|'s)\s+(?:been\s+)?off\s+(?:sick\s+)?with\s+"
    r"(?:depression|stress|anxiety|a\s+breakdown|a\s+nervous\s+breakdown|mental\s+health))"
)
PRIVATE_WORDS = frozenset("born birth dob sort account cancer hiv dementia chemo chemotherapy treatment "
                          "dialysis sectioned rehab antidepressants aids herpes chlamydia syphilis gonorrhoea "
                          "std depression stress anxiety breakdown mental".split())
_NAMED_ADDRESS_RE = re.compile(
    r"(?:cllr|councillor|mr|mrs|ms|miss|dr)\s+[a-z]+\s*,\s*\d{1,4}[a-z]?\s+(?:[a-z'\-]+\s+){1,3}?"
    r"(?:road|rd|street|st|lane|ln|avenue|ave|close|cl|drive|dr|way|crescent|court|place|gardens|"
    r"terrace|grove|hill|park|square|mews|row|walk|view|rise|green|meadow|croft|parade|vale)(?![a-z])"
)


def maybe_private(a: Analysis, params: dict[str, Any]) -> bool:
    return not a.words.isdisjoint(PRIVATE_WORDS) or (a.has_digit and "," in a.text)


def private_details(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Dates of birth, bank details, health, and "Cllr Brown, 17 Kestrel Close"."""
    spans = [a.span(m.start(), m.end()) for m in PRIVATE_RE.finditer(a.text)] if a.may_match(PRIVATE_RE) else []
    if a.may_match(_NAMED_ADDRESS_RE):
        spans += [a.span(m.start(), m.end()) for m in _NAMED_ADDRESS_RE.finditer(a.text)]
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail="The post seems to give someone's private details "
                                          "(date of birth, bank, health or address).")
