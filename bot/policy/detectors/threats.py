"""Threats: statements of violent intent, wishes of harm, intimidation.

A threat needs a person (or group) as its object: "I'll kill you", "someone should
shoot the clerk", "hope you die", "I know where you live". Everyday idioms have
no such object or have a tell-tale ending and do not fire: "this queue is killing
me", "I could murder a curry", "I'll shoot you an email", "we smashed it",
"kill two birds with one stone", "the plan should be shot down".

Leetspeak and hidden letters are decoded first ("I'll k1ll you", "gonna h*rt
you"). Each pattern only runs when one of its trigger words is in the post, so
ordinary posts cost a set lookup.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from bot.policy.analysis import Analysis, Hit
from bot.policy.detectors.harm import (
    COUNCIL_ADDRESSED,
    COUNCIL_VEHICLES,
    HARM_WORDS,
    VEILED_WORDS,
    harm_cue,
    intent_cue,
    structural_threat,
    structure_mask,
    structure_needs,
)
from bot.policy.detectors.threat_forms import SPORT_AFTER, forms_for
from bot.policy.leetspeak import decode_leet
from bot.policy.lexicon import LEET_PAIR, WORD_RE
from bot.policy.prefilter import PREFILTER, PatternGroup

_INTENT = (
    r"(?:i|we|you|they|someone|somebody|people|he|she)?\s*(?:'?ll|will|would|'?d|could|should|"
    r"'?s\s+going\s+to|is\s+going\s+to|"
    r"shall|must|am\s+going\s+to|'?m\s+going\s+to|m\s+gonna|'?m\s+gonna|are\s+going\s+to|"
    r"'?re\s+gonna|gonna|going\s+to|need\s+to|needs\s+to|ought\s+to|want\s+to|wanna|"
    r"will\s+happily|swear\s+i'?ll|let'?s|time\s+to)"
)
_VERB = (
    r"(?:kill|murder|stab|shoot|hang|lynch|burn|torch|petrol\s+bomb|firebomb|bomb|batter|"
    r"punch|kick\s+the\s+shit\s+out\s+of|kick\s+in|kick|glass|bottle|knife|strangle|choke|"
    r"throttle|slit|gut|assault|rape|deck|lamp|chin|twat|smack|slap|"
    r"headbutt|run\s+over|wipe\s+out|exterminate|execute|behead|hunt\s+down|string\s+up|"
    r"hurt|harm|injure|"
    r"beat\s+the\s+shit\s+out\s+of|beat\s+up|gas|shank|maim)"
)
_PERSON = (
    r"(?:you|u|ya|yer|ye|youse|him|her|them|the\s+lot\s+of\s+(?:you|them)|"
    r"(?:you|u)\s+all|all\s+of\s+(?:you|them)|every\s+(?:one|last\s+one)\s+of\s+(?:you|them)|"
    r"(?:your|ur|his|her|their)\s+(?:family|kids|children|wife|husband|mum|mother|dad|"
    r"partner|daughter|son|house|home|car|office)|the\s+(?:clerk|mayor|councillors?|chairman|"
    r"chair|staff|council\s+staff)|councillors?|cllr\s+[a-z]+|(?:that|this)\s+(?:woman|man|"
    r"clerk|councillor|cow|bitch|bastard|cunt|twat|scum)|all\s+(?:the\s+)?[a-z]+s)"
)
_NOT_AFTER = (
    r"(?!\s+(?:a|an)\s+(?:email|e-mail|message|text|line|note|dm|pm|call|ring|invite|link)"
    r"|\s+(?:up\b|out\b|over\b|back\b|with\s+kindness|to\s+it|off\s+the)"
    r"|\s+(?:at|in)\s+(?:a|the)\s+(?:race|game|match|quiz|vote|election|polls)"
    r"|\s+to\s+(?:say|admit|apologi[sz]e|listen|read|be|know|have|try|ask|check)"
    # a team or quiz side: "we'll kill them on Saturday", "batter them in the derby"
    r"|" + SPORT_AFTER + ")"
)

# "I know where you park your gritter lorry", "I know where you live, Thornbury Town Council":
# the council's vehicles, or the council addressed as "you", are no person to intimidate.
_NOT_THE_COUNCILS = rf"(?!(?<=park)\s+{COUNCIL_VEHICLES})(?!{COUNCIL_ADDRESSED})"

# Words of the "I'll", "we're going to", "time to" part, as WORD_RE splits them.
INTENT_WORDS = (
    "ll will would d could should s going gonna shall must m re need needs ought want wanna "
    "swear let lets time ill im id youll theyll"
)

# Words of the person part (_PERSON), as WORD_RE splits them.
PERSON_WORDS = (
    "you u ya yer ye youse him her them your ur his their lot all every clerk mayor councillor "
    "councillors cllr chairman chair staff woman man cow bitch bastard cunt twat scum"
)

# (trigger words, also-needed word groups separated by "|", pattern, what it is): a
# pattern only runs when the post has one of its trigger words and one word of
# each also-needed group.
PATTERNS: tuple[tuple[frozenset[str], tuple[frozenset[str], ...], re.Pattern[str], str], ...] = tuple(
    (frozenset(triggers.split()), tuple(frozenset(n.split()) for n in needs.split("|") if n.strip()),
     re.compile(pattern), label)
    for triggers, needs, pattern, label in (
        (
            "kill murder stab shoot hang lynch burn torch bomb firebomb batter punch kick glass "
            "bottle knife strangle choke throttle slit gut assault rape deck "
            "lamp chin twat smack slap headbutt run wipe exterminate execute behead hunt string "
            "beat gas shank maim hurt harm injure",
            INTENT_WORDS + "|" + PERSON_WORDS,
            rf"(?<![a-z]){_INTENT}\s+(?:[a-z']+\s+){{0,3}}?{_VERB}\s+{_PERSON}(?![a-z']){_NOT_AFTER}",
            "a statement of violent intent",
        ),
        (
            "beat batter kick smash knock punch do",
            INTENT_WORDS + "|up in senseless pulp death black face head teeth",
            rf"(?<![a-z]){_INTENT}\s+(?:[a-z']+\s+){{0,3}}?(?:beat|batter|kick|smash|knock|punch|do)"
            rf"\s+{_PERSON}\s+(?:up|in|senseless|to\s+(?:a\s+pulp|death)|black\s+and\s+blue|"
            r"(?:your|ur|his|her|their)\s+(?:face|head|teeth)\s+in)(?![a-z])"
            # "batter them in the derby": a side in a fixture
            r"(?!(?<=in)\s+(?:the\s+)?(?:derby|final|match|game|league|cup|quiz|semi|replay|rematch))",
            "a statement of violent intent",
        ),
        (
            "kill shoot hang lynch gas burn string exterminate stab",
            "",
            r"(?:^|[.!?]\s*|\n\s*)(?:just\s+)?(?:kill|shoot|hang|lynch|gas|burn|string\s+up|"
            r"exterminate|stab)\s+(?:them|him|her|the\s+lot|all|every|the\s+(?:clerk|mayor|"
            r"councillors?))(?![a-z])(?!\s+(?:out|up|off|down|a\s+message|an\s+email))",
            "a call to kill or harm people",
        ),
        (
            "hope wish pray",
            "die dies died rot drown choke suffer burn get gets",
            r"(?<![a-z])(?:hope|wish|pray)\s+(?:that\s+)?(?:you|u|he|she|they|your\s+[a-z]+|"
            r"the\s+(?:clerk|mayor|councillors?))\s+(?:[a-z]+\s+){0,2}?(?:die|dies|died|rot|"
            r"drown|choke|suffer|burn|gets?\s+(?:killed|shot|stabbed|raped|hurt|cancer|run\s+over|"
            r"what'?s\s+coming|beaten|hit\s+by))(?![a-z])",
            "a wish that someone is harmed",
        ),
        (
            "should deserve deserves ought need needs",
            "die hang hanged hung shot killed stabbed lynched strung burned burnt put executed "
            "beaten raped gassed",
            r"(?<![a-z])(?:you|u|he|she|they|them|the\s+clerk|the\s+mayor|councillors?|all\s+of\s+"
            r"(?:you|them)|[a-z]+\s+[a-z]+)\s+(?:should|deserves?\s+to|ought\s+to|needs?\s+to)\s+"
            r"(?:be\s+)?(?:taken\s+out\s+and\s+)?(?:die|hang|hanged|hung|shot|killed|stabbed|"
            r"lynched|strung\s+up|burned|burnt|put\s+down|executed|beaten|raped|gassed)"
            r"(?![a-z])(?!\s+(?:down|out|off|by\s+the\s+(?:voters|electorate)))",
            "a statement that someone should be killed or harmed",
        ),
        (
            "deserve deserves",
            "",
            r"(?<![a-z])deserves?\s+(?:a\s+)?(?:bullet|kicking|good\s+kicking|beating|good\s+hiding|"
            r"slap|bat\s+to\s+the\s+head|to\s+be\s+(?:shot|hanged|hung|killed|beaten|raped))",
            "a statement that someone deserves violence",
        ),
        (
            "kill kys neck bleach die dead",
            "",
            r"(?<![a-z])(?:kill\s+(?:yourself|urself|yourselves)|kys|neck\s+yourself|"
            r"go\s+(?:and\s+)?die|drink\s+bleach|die\s+in\s+a\s+(?:fire|ditch|hole)|"
            r"drop\s+dead)(?![a-z])",
            "telling someone to kill themselves or die",
        ),
        (
            "live lives work works sleep school address park",
            "know found have got",
            r"(?<![a-z])(?:i|we|they)\s+(?:know|found\s+out|have\s+found)\s+where\s+(?:you|u|he|"
            r"she|they|your\s+[a-z]+)\s+(?:live|lives|work|works|sleep|go\s+to\s+school|park)(?![a-z])"
            # the council's vehicles, not a person's ("where you park your gritter lorry"), and the
            # council itself addressed ("I know where you live, Thornbury Town Council: the Town Hall")
            + _NOT_THE_COUNCILS +
            r"|(?:know|have|got|found)\s+(?:your|ur)\s+(?:home\s+)?address",
            "intimidation about where someone lives or works",
        ),
        (
            "watch waiting visit round outside regret pay safe careful bullet brick burn",
            "",
            r"(?<![a-z])(?:watch\s+(?:your|ur)\s+back|(?:i'?ll|we'?ll|ill)\s+be\s+waiting"
            # not a resident waiting to hand in a petition or for a reply
            r"(?![^.!?]{0,50}?(?<![a-z])(?:to\s+(?:hand|deliver|give|present|collect|hear|welcome|help|show|"
            r"sign|chat|talk\s+to\s+residents)|with\s+(?:the\s+|a\s+|our\s+)?(?:petition|leaflets|banners?|"
            r"placards|cake|tea|flask)|for\s+(?:the|a|an|my|our|news|answers?|replies|your\s+(?:reply|answer|"
            r"response|email|call|decision))(?![a-z])))"
            r"(?:\s+for\s+(?:you|u))?|pay\s+(?:you|u|ya)\s+a\s+(?:little\s+)?visit|"
            r"(?:come|coming|pop)\s+round\s+(?:to\s+)?(?:your|ur)\s+(?:house|home|place|door)|"
            r"see\s+(?:you|u)\s+(?:outside|after\s+dark|on\s+your\s+own|alone)|"
            r"you(?:'ll|\s+will|ll)\s+(?:regret|pay\s+for)\s+(?:this|it|that)|"
            r"not\s+(?:be\s+)?safe\s+(?:walking|in\s+your|at\s+home)|"
            r"careful\s+(?:walking\s+home|where\s+you\s+park|at\s+night)|"
            r"bullet\s+(?:in|through)\s+(?:your|ur|his|her|their)\s+(?:head|skull|brain)|"
            r"brick\s+through\s+(?:your|ur|his|her|their|the\s+clerk'?s)\s+window|"
            r"(?:your|ur)\s+(?:house|home|car|office)\s+(?:will|would|could|is\s+going\s+to|"
            r"gonna)\s+(?:burn|go\s+up|get\s+(?:torched|burned|burnt|smashed)))(?![a-z])",
            "intimidation",
        ),
    )
)


_GROUP = PREFILTER.group([pattern for _, _, pattern, _ in PATTERNS])


@lru_cache(maxsize=64)
def _forms_group(people: tuple[str, ...]) -> PatternGroup:
    return PREFILTER.group([pattern for pattern, _ in forms_for(people)])


# Knife, fire, bomb, pistol, coffin: aimed at a person they read as threats.
VIOLENT_EMOJI = ("\U0001F52A", "\U0001F525", "\U0001F4A3", "\U0001F52B", "\u26B0", "\U0001FA93")
TRIGGERS = frozenset().union(*(triggers for triggers, _, _, _ in PATTERNS))
# Words a "*" may hide in a threat ("k*ll", "h*rt", "sh**t"), for ``decode_leet``.
VOCABULARY = TRIGGERS | frozenset(
    "shoot murder stab hurt harm kill die dead rape hang burn punch kick bat knife blade you under "
    "be".split()
)
STRUCTURE_WORDS = HARM_WORDS | VEILED_WORDS


def _view(a: Analysis) -> tuple[str, frozenset[str]]:
    """The text with leetspeak decoded (same positions) and its words; cached per post."""
    cached = a.__dict__.get("_threat_view")
    if cached is None:
        text, words = a.text, a.words
        if a.flags & LEET_PAIR:
            decoded = decode_leet(text, VOCABULARY)
            if decoded != text:
                text, words = decoded, frozenset(WORD_RE.findall(decoded))
        cached = a.__dict__["_threat_view"] = (text, words)
    return cached


def harm_or_intent(a: Analysis) -> tuple[bool, bool]:
    """(a word of violence or menace, or the target's family or home; intent, a condition or a
    wish) in the post, leetspeak decoded ("k!lling"): ``bot.policy.detectors.harm.harm_cue``,
    ``intent_cue``."""
    text, words = _view(a)
    return harm_cue(text, words), intent_cue(words)


def maybe_threat(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: a trigger or structure word or a form's string (after decoding
    leetspeak), or council patterns."""
    text, words = _view(a)
    group = _forms_group(tuple(a.ctx.council.people))
    return (bool(params.get("extra_patterns")) or not words.isdisjoint(TRIGGERS)
            or group.any(a.literal_bits(text, group.mask)) or not words.isdisjoint(STRUCTURE_WORDS)
            or (not a.text.isascii() and any(e in (a.item.text or "") for e in VIOLENT_EMOJI)))


def threat_of_violence(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Threats, wishes of harm and intimidation aimed at a person or group."""
    text, words = _view(a)
    spans, labels = [], []
    # Only the patterns whose strings are in the text (``bot.policy.prefilter``).
    for index in _GROUP.candidates(a.literal_bits(text, _GROUP.mask)):
        triggers, needs, pattern, label = PATTERNS[index]
        if a.gated and (words.isdisjoint(triggers) or any(words.isdisjoint(group) for group in needs)):
            continue
        for m in pattern.finditer(text):
            if a.reported(m.start(), m.end()):  # a threat the author quotes to report it
                continue
            spans.append(a.span(m.start(), m.end()))
            labels.append(label)
    # The forms are picked by the strings they need alone (hand-listed trigger words
    # once missed "your house would go up a treat").
    people = tuple(a.ctx.council.people)
    forms, group = forms_for(people), _forms_group(people)
    for index in group.candidates(a.literal_bits(text, group.mask)):
        pattern, label = forms[index]
        for m in pattern.finditer(text):
            if a.reported(m.start(), m.end()):  # a threat the author quotes to report it
                continue
            spans.append(a.span(m.start(), m.end()))
            labels.append(label)
    if not labels and (not a.gated or (not words.isdisjoint(STRUCTURE_WORDS) and any(
            a.may_match(pattern, text) for pattern in structure_needs(people)))):
        found = structural_threat(text, people, a.literal_bits(text, structure_mask(people)) if a.gated else None)
        if found is not None and not a.reported(*found[0]):
            spans.append(a.span(*found[0]))
            labels.append(found[1])
    if a.target and not (a.item.text or "").isascii():
        emoji = [e for e in VIOLENT_EMOJI if e in (a.item.text or "")]
        if emoji:
            labels.append("violent emoji aimed at " + a.target)
    for extra in params.get("extra_patterns", ()):
        for m in re.finditer(extra, text):
            spans.append(a.span(m.start(), m.end()))
            labels.append("a phrase on the council's own list")
    if not labels:
        return None
    return Hit(spans=tuple(spans), detail=f"Looks like {labels[0]}.")
