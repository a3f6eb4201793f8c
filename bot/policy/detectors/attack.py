"""Personal attacks without a listed insult word: harassment by sentence structure.

Three forms, each only when said of a person (the person replied to, a councillor or
member of staff by role or name, "he" or "she"), never of the author themselves,
their own family or pets, nor of things:

* **a degrading description**: a contemptuous or superlative adjective before a
  word for a person ("the thickest councillor in the history of the town", "a
  pathetic little man", "a spineless, two-faced excuse for a councillor", "a vile,
  nasty piece of work", "the most useless woman in Gloucestershire");
* **mockery of mind or looks** said plainly of the person: "about as much use as
  a chocolate teapot", "two brain cells", "a face like a slapped arse", "as thick
  as mince";
* **wishing them gone**: "crawl back under whatever rock you came from", "do the
  town a favour and disappear", "nobody would miss you", "go and get a real job".

Civil look-alikes stay unflagged: "the most useless bus service in the county",
"the new roundabout is the stupidest design", "the bus shelter is about as much
use as a chocolate teapot", "Brown's plan is as much use as...", "I'm the thickest
person in my family", "my dog is the stupidest animal", "do us a favour and fix the
lights", "Cllr Brown should resign" (a demand, not an attack).
"""

from __future__ import annotations

import re
from typing import Any

from bot.policy.analysis import ROLES, SECOND_PERSON, Analysis, Hit

_ADJ = (
    r"thickest|stupidest|dimmest|dumbest|laziest|ugliest|nastiest|vilest|smuggest|"
    r"most\s+(?:useless|pathetic|incompetent|clueless|spineless|hopeless|arrogant|vile|hated|despised|"
    r"two-faced|ignorant|self-important|objectionable|odious|repulsive|brainless|gormless|idiotic)|"
    r"useless|pathetic|spineless|two-faced|gormless|brainless|clueless|vile|nasty|thick|stupid|"
    r"dim-witted|dimwitted|thick-headed|pig-ignorant|ugly|fat|smug|worthless|hopeless|repulsive|"
    r"odious|snivelling|sniveling|slimy|weaselly|jumped-up|pompous|self-important|miserable\s+old|"
    r"bitter\s+old|nasty\s+little|sad\s+little|sad\s+old|pathetic\s+little"
)
_PERSON_NOUN = (
    r"man|woman|bloke|fella|fellow|person|individual|mother|father|wife|husband|creature|specimen|"
    r"human\s+being|excuse\s+for\s+(?:a|an)\s+(?:[a-z]+\s+)?(?:human(?:\s+being)?|man|woman|person|"
    r"councillor|clerk|mayor|officer|chair(?:man|woman)?|mother|father)|piece\s+of\s+work|clerk|"
    r"councillors?|cllr|mayor|chair(?:man|woman)?|officer|toad|slug|weasel|lump|oaf|"
    r"embarrassment|disgrace|failure|waste\s+of\s+(?:space|oxygen|skin|air|a\s+salary)"
)
_DESCRIPTION = re.compile(
    r"(?:(?<![a-z])(?:the|a|an|such\s+a|what\s+a|what\s+an)\s+|^|(?<=[.!?]\s))(?:(?:total|complete|absolute|utter|right|proper|"
    r"little|old|big|bloody)\s+)?(?:" + _ADJ + r")(?:,?\s+(?:and\s+)?(?:" + _ADJ + r"))*\s+(?:" + _PERSON_NOUN
    + r")(?![a-z])"
    r"|(?<![a-z])(?:weapon|clown|melt|joke|disgrace|embarrassment|shambles|car\s+crash|waste)\s+of\s+an?\s+"
    r"(?:man|woman|human(?:\s+being)?|person|councillor|clerk|mayor|bloke)(?![a-z])"
)
_MOCKERY = re.compile(
    r"(?<![a-z])(?:(?:about\s+)?as\s+(?:much\s+)?use(?:ful)?\s+as\s+(?:a|an)\s+(?:[a-z]+\s+)?(?:chocolate\s+)?"
    r"(?:teapot|fireguard|ashtray|handbrake|umbrella|screen\s+door|ejector\s+seat|sieve|inflatable|"
    r"dartboard|glass\s+hammer)|"
    r"as\s+(?:thick|dim|dense|daft)\s+as\s+(?:mince|a\s+brick|two\s+short\s+planks|pig\s+shit|a\s+plank|"
    r"a\s+post|custard)|"
    r"(?:one|two|three|both|only\s+(?:one|two)|a\s+couple\s+of|no)\s+(?:of\s+(?:your|his|her)\s+)?brain\s+cells?|"
    r"dragged\s+through\s+(?:a|the)\s+(?:[a-z]+\s+)?hedge\s+backwards|"
    r"brain\s+(?:the\s+size\s+of|of)\s+(?:a|an)\s+(?:pea|peanut|walnut|goldfish|gnat|amoeba)|"
    r"(?:a\s+)?face\s+(?:like|that\s+looks\s+like)\s+(?:a|an)\s+(?:slapped|smacked|dropped|bulldog|bag|"
    r"melted|squashed|burst|wet|bashed)|"
    r"face\s+(?:looks|is)\s+like\s+(?:a|an)\s+(?:slapped|smacked|dropped|melted|squashed|burst|bag)|"
    r"breath\s+(?:could|would)\s+(?:strip|peel|kill|knock)|"
    r"(?:not|never)\s+(?:the\s+)?sharpest\s+(?:tool|knife|pencil)|"
    r"lights\s+are\s+on\s+but\s+(?:nobody|no\s+one|no-one)'?s\s+home)"
)
_GONE = re.compile(
    r"(?<![a-z])(?:(?:crawl|slither|slink|scuttle|go|get)\s+back\s+(?:under|into|to|in)\s+(?:a|your|ur|the|that|"
    r"whatever|which\s*ever|his|her)\s+(?:[a-z]+\s+)?(?:rock|stone|hole|sewer|swamp|gutter|pit|cave)|"
    r"do\s+(?:us|everyone|everybody|the\s+(?:town|world|rest\s+of\s+us|country|village|planet)|us\s+all|"
    r"all\s+of\s+us)\s+(?:a|an\s+enormous|a\s+(?:big|huge|massive))?\s*favou?r\s+and\s+(?:just\s+)?"
    r"(?:disappear|vanish|jump|emigrate|piss\s+off|get\s+lost|do\s+one|shut\s+up|crawl|sod\s+off|"
    r"bugger\s+off|go\s+away|fall\s+(?:off|under)|leave\s+(?:town|the\s+country|the\s+planet))|"
    r"(?:nobody|no\s+one|no-one)\s+(?:would|will|'?d|'?ll)\s+(?:ever\s+)?miss\s+(?:you|u|ya|him|her|the\s+old)"
    r"(?![a-z])(?!\s+(?:bus|shelter|bench|tree|pub|shop|library|sign|building|market|car|van))|"
    r"(?:go|go\s+and|get)\s+(?:get\s+)?(?:a|yourself\s+a)\s+(?:real|proper)\s+job(?![a-z])|"
    r"if\s+anyone\s+would\s+(?:have|employ|hire)\s+(?:you|u|him|her)|"
    # a pile-on: a call to everyone to tag or reply to a person until they give up
    r"(?:everyone|everybody|let'?s\s+all|all\s+of\s+you|join\s+in)\s+[^.!?]{0,60}?(?:tag|reply|replies|email|message|"
    r"dm|@|spam|comment|post)[a-z]*\s+[^.!?]{0,80}?(?:until|till|til|untill)\s+(?:she|he|they)\s+(?:quits|deletes|"
    r"resigns|leaves|gives\s+up|cries|breaks|goes|stops)|"
    r"fill\s+(?:her|his|their)\s+(?:notifications|inbox|mentions|timeline)|"
    r"let'?s\s+see\s+how\s+long\s+(?:she|he|they)\s+lasts?)"
)
# The author themselves, their family or their pets ("I'm the thickest person in my
# family", "my useless husband", "our dog is a nasty little creature").
_OWN = re.compile(r"(?<![a-z])(?:i'?m|i\s+am|i\s+was|i'?ve\s+been|my|our|me|myself)(?:\s+[a-z']+){0,2}\s*\Z")
_FORMS = ((_DESCRIPTION, "a degrading description of a person"),
          (_MOCKERY, "mockery of a person's mind or looks"),
          (_GONE, "telling a person to disappear or calling for a pile-on"))
_TRIGGERS = frozenset(
    "thickest stupidest dimmest dumbest laziest ugliest nastiest vilest smuggest most useless pathetic "
    "spineless two faced gormless brainless clueless vile nasty thick stupid dim witted dimwitted headed "
    "ignorant ugly fat smug worthless hopeless repulsive odious snivelling sniveling slimy weaselly "
    "jumped pompous self important miserable bitter sad use useful dense daft brain cells cell face breath "
    "sharpest lights crawl slither slink scuttle favour favor miss job anyone weapon clown melt joke disgrace "
    "embarrassment shambles crash waste both dragged hedge everyone everybody lets let all join fill".split()
)


def maybe_attack(a: Analysis, params: dict[str, Any]) -> bool:
    return not a.words.isdisjoint(_TRIGGERS)


def personal_attack(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A personal attack said of a person by structure, without a listed insult (see the module docstring)."""
    spans, what = [], ""
    for pattern, label in _FORMS:
        if not a.may_match(pattern):
            continue
        for m in pattern.finditer(a.text):
            start, end = m.span()
            if a.reported(start, end) or _OWN.search(a.text, max(0, start - 24), start) is not None:
                continue
            if pattern is _MOCKERY:
                aimed = _said_of_person(a, start)
            else:
                aimed = bool(a.aimed_at(start, end, third_person=True)) or a.plainly_called(start)
            if aimed:
                spans.append(a.span(start, end))
                what = what or label
    if not spans:
        return None
    return Hit(spans=tuple(spans), detail=f"Found {what}.")


# The person the mockery is said of, just before it: "Jane Smith is about as much use
# as...", "you've got two brain cells", "Brown's face looks like...", "your two brain cells".
_SUBJECT_BEFORE = re.compile(
    r"(?<![a-z])([a-z]+)(?:'s|'re|'ve|\s+is|\s+are|\s+was|\s+were|\s+has|\s+have|\s+must\s+have)?"
    r"(?:\s+got)?\s+(?:(?:about|just|only|literally|really|honestly|clearly|obviously|basically|genuinely|"
    r"like|all|been|looks|seems)\s+)*\Z"
)
_PERSON_WORDS = SECOND_PERSON | ROLES | frozenset({"he", "she", "his", "her", "hes", "shes"})


def _said_of_person(a: Analysis, start: int) -> bool:
    """Is the mockery at ``start`` said of a person (not "Brown's plan is as much use as...")?"""
    m = _SUBJECT_BEFORE.search(a.text, max(0, start - 40), start)
    if m is None:
        return False
    word = m.group(1)
    if word in _PERSON_WORDS or word in a.council_surnames:
        return True
    return any(m.start(1) <= b <= m.end(1) for _, b in a.people)
