"""Hate without a slur: derogatory generalisations, dehumanisation, exclusion and
stereotypes about a group protected by the Equality Act (``bot.policy.groups``).

A finding needs a group term *and* one of the forms below in the same sentence:

* generalisation: "Romanians are all thieves", "Islam is a cancer";
* dehumanisation: "they breed like rats", "illegals are vermin";
* exclusion: "no more immigrants", "Muslims out", "deport every ...", "gays
  shouldn't be allowed near ...", "whites only";
* stereotypes that disqualify: "never put a woman in charge", "only got the job
  because she's Asian", "typical woman".

Not hate: negation ("immigrants are not criminals", "not all ... are"),
counter-speech and reporting ("someone shouted "Muslims out" at my neighbour,
disgusting"), positive or neutral statements about groups ("refugees are
welcome", "the mosque open day was lovely").
"""

from __future__ import annotations

import re
from typing import Any

from bot.policy.analysis import Analysis, Hit
from bot.policy.groups import GROUP_WORDS
from bot.policy.prefilter import PREFILTER

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
NEGATIVE = (
    r"(?:vermin|rats?|parasites?|cockroach(?:es)?|roaches|animals|savages|sub-?human|filth|filthy|dirty|"
    r"scum|freaks?|pigs?|thieves|thieving|criminals?|rapists?|terrorists?|predators?|paedos?|paedophiles?|"
    r"groomers?|perverts?|degenerates?|disgusting|evil|lazy|stupid|thick|inferior|drains?|burdens?|"
    r"diseased?|cancer|plague|virus|mentally\s+ill|sick\s+in\s+the\s+head|sick|violent|dangerous|aggressive|"
    r"brats|scroungers?|spongers?|leeches|invaders?|a\s+menace|menace|a\s+threat|liars?|trash|rubbish|"
    r"useless|worthless|backward|primitive|animals|monsters?|vile|an?\s+abomination|abominations?|unnatural|"
    r"wrong\s+in\s+the\s+head|a\s+drain|a\s+burden|a\s+joke|feral|breeders?|dogs|snakes|cowards|"
    r"untrustworthy|not\s+to\s+be\s+trusted|deviants?|groomers|nonces?|a\s+disgrace|senile|"
    r"(?:a\s+)?(?:made-up\s+)?mental\s+illness|an?\s+infestation|infestation|brats|"
    r"(?:a\s+)?(?:drain|burden)\s+on|(?:drug\s+)?dealers|gangsters|thugs|crooks|drunks|drunkards|"
    r"(?:a\s+)?danger(?:\s+to)?|bed-?\s*blockers|brainwashed|idiots|confused|freeloaders|layabouts|"
    r"benefit\s+cheats|(?:blokes|men)\s+in\s+dresses|not\s+(?:real|proper)\s+(?:women|men|british|english)|"
    r"(?:a\s+)?bad\s+influences?|(?:a\s+)?waste\s+of\s+(?:space|money|oxygen|air|skin|resources)|"
    r"(?:only|just)\s+here\s+(?:for|to\s+(?:get|claim|grab))\s+(?:the\s+)?(?:free\s+|our\s+)?(?:money|benefits|"
    r"handouts|houses?|homes|nhs|cash|stuff|hotels?|freebies)|"
    r"here\s+to\s+(?:scrounge|sponge|leech|take\s+(?:our|what))|twisted|perverted|unclean|smelly|stinking|"
    r"savages?|barbaric|barbarians|pests?|a\s+blight|(?:a\s+)?curse|demons|devils|grooming\s+gangs?|"
    r"sex\s+offenders|paedophile\s+gangs|breeding\s+machines|extremists?|jihadis?|fanatics|radicals|"
    r"behind\s+(?:all|most|every)\s+(?:of\s+)?(?:the\s+)?[a-z]+|"
    r"to\s+blame\s+for\s+(?:all|every|most|the)|behind\s+(?:all|most)\s+(?:the\s+)?(?:crime|trouble|problems))"
)
_Q = r"(?:all|just|always|nothing\s+but|basically|mostly|naturally|really|such|so|a\s+bunch\s+of|a\s+load\s+of|" \
     r"too|little|dirty|lazy|filthy|thieving|badly\s+behaved|spoilt|sneaky|stinking|useless|made-up|[a-z]+\s+and|" \
     r"the\s+real|a|an|the|born|total|complete|utter|bloody|fucking|like|worse\s+than|no\s+better\s+than|" \
     r"more\s+likely\s+to\s+be|likely\s+to\s+be|prone\s+to\s+being|known\s+(?:to\s+be|for\s+being)|" \
     r"nothing\s+more\s+than|little\s+more\s+than|mainly|genetically|inherently|by\s+nature|naturally|" \
     r"a\s+pack\s+of|a\s+gang\s+of|a\s+horde\s+of|hordes\s+of|mostly|every\s+one\s+of\s+them|" \
     r"each\s+and\s+every\s+one)"
GENERALISE_RE = re.compile(
    rf"(?:\bare|\bis|'re|'s|\br)\s+(?:{_Q}\s+){{0,4}}{NEGATIVE}(?![a-z])"
    rf"|(?:breed|breeding|multiply|swarm|swarming|infest|infesting|spread|spreading)\s+(?:like\s+)?"
    r"(?:rats|rabbits|vermin|cockroaches|their\s+diseases?|disease)"
    r"|(?:treated|dealt\s+with)\s+like\s+(?:vermin|animals|rats|dogs)"
    r"|like\s+(?:a\s+)?(?:plague\s+of\s+|swarm\s+of\s+|pack\s+of\s+)?(?:locusts|rats|vermin|animals|cockroaches|"
    r"rabbits|parasites|leeches|insects|a\s+plague|a\s+swarm|a\s+virus|a\s+disease|dogs|pigs|monkeys|apes|"
    r"cattle|savages)(?![a-z])"
    r"|(?:overrun|swamped|infested|invaded|flooded|overrun)\s+(?:by|with)"
    r"|riddled\s+with\s+(?:it|them)"
    # dehumanising verbs of animals and pests, whatever their object ("are infesting the high street")
    r"|(?<![a-z])(?:infest(?:s|ing|ed)?|swarming|crawling\s+(?:all\s+)?over|breeding\s+(?:like|everywhere)|"
    r"multiplying\s+like|spawning)(?![a-z])|(?:should|need\s+to)\s+be\s+(?:exterminated|gassed|wiped\s+out|culled)"
)
BEHAVIOUR_RE = re.compile(
    r"(?:\ball\s+)?(?:steal|steals|stealing|launder|laundering|scrounge|scrounging|sponge|sponging|leech|leeching|"
    r"rob|robbing|breed|smell|stink|rape|raping|groom|grooming|"
    r"bring(?:s|ing)?\s+(?:nothing\s+but\s+|only\s+|in\s+)?(?:crime|disease|diseases|trouble|drugs|knife\s+crime|"
    r"violence|filth|gangs)|run(?:s|ning)?\s+(?:the|this|our)\s+(?:council|country|town|banks|media|world|show|"
    r"government)|spread(?:s|ing)?\s+(?:disease|diseases|germs|aids|hiv|filth)|"
    r"take\s+(?:our|all\s+the)\s+(?:jobs|houses|homes|benefits)|take\s+over|are\s+taking\s+over|"
    r"ruin(?:s|ed)\s+(?:our|this|the)|(?:will|'ll|gonna|going\s+to)\s+(?:wreck|ruin|destroy|trash)|"
    r"own(?:s)?\s+(?:the|all\s+the|our)\s+(?:banks|media|council|developers|businesses|land|shops|houses|town|"
    r"country|press)|destroy(?:s|ed)\s+(?:our|this|the)|"
    r"caus(?:e|es|ing)\s+(?:all\s+the\s+|nothing\s+but\s+)?(?:trouble|problems|crime|fights)|"
    r"spread(?:s|ing)?\s+(?:the\s+)?(?:virus|disease|diseases|germs|covid|aids|hiv)|"
    r"drink\s+all\s+day|claim\s+(?:all\s+the\s+)?benefits|live\s+off\s+benefits|own\s+all\s+the|"
    r"can'?t\s+(?:count|drive|be\s+trusted|speak\s+english|cook|lead)|ruin(?:ing)?\s+(?:our|this|the)|"
    r"destroy(?:ing)?\s+(?:our|this|the)|invad(?:e|ing)|flood(?:ing)?\s+(?:our|in|into)|"
    r"treat\s+their\s+women\s+like|worship\s+cows|cover\s+for\s+(?:each\s+other|their\s+own)|"
    r"shouldn'?t\s+have\s+(?:kids|children|the\s+vote)|are\s+a\s+(?:drain|burden)\s+on|"
    r"started\s+moving\s+in|moved\s+in\s+and|(?:is|are)\s+(?:all\s+)?on\s+benefits|sell(?:s|ing)?\s+drugs|"
    r"can'?t\s+(?:handle|manage|do)\s+(?:money|maths|budgets?|the\s+budget|numbers|decisions)|"
    r"eat\s+(?:dogs|cats)|put\s+out\s+to\s+pasture|(?:can'?t|won'?t|never|refuse\s+to|don'?t)\s+integrate|"
    r"(?:always|somehow)\s+end\s+up\s+(?:running|in\s+charge|controlling|owning)|"
    r"control\s+(?:the\s+(?:banks|media|council|money)|everything)|sucking\s+(?:\w+\s+){1,2}dry|"
    r"(?:are|'re)\s+not\s+our\s+problem)(?![a-z])"
)
EXCLUDE_RE = re.compile(
    r"(?:\bno\s+more\s+(?:of\s+)?|\bno\s+)(?P<g1>[a-z ]{2,30}?)(?:\s+(?:in|here|round|around)|[.!,]|$)"
    r"|(?P<g2>[a-z]+)\s+out(?:\s*[.!]|\s+of\s+(?:our|this)|$)"
    r"|(?:send|ship|deport|kick|throw|boot|chuck|drive|chase|force|get|turf|fling)\s+(?:\w+\s+){0,3}?"
    r"(?:back|out|home|away)(?![a-z])"
    r"|(?:deport|expel|ban|remove|evict|curfew|round\s+up|lock\s+up|sterili[sz]e)\s+(?:all\s+|every\s+|the\s+|them)"
    r"|(?:should|must|need\s+to|ought\s+to)\s+(?:all\s+)?(?:be\s+)?(?:banned|deported|kept\s+(?:out|away)|"
    r"sent\s+(?:back|home)|removed|locked\s+up|thrown\s+out|kicked\s+out|go\s+back|leave|"
    r"stay\s+(?:out|away)|stay\s+in\s+[a-z]+,?\s+not\s+here|locked\s+away|put\s+away|put\s+down|"
    r"got\s+rid\s+of|shipped\s+(?:off|out|back)|(?:driven|run|hounded|thrown|kicked|burned|burnt|forced)\s+out|rounded\s+up|segregated|sterili[sz]ed|moved\s+on\s+for\s+good|"
    r"run\s+out\s+of\s+(?:town|here)|hurry\s+up\s+and\s+die|die\s+off|drop\s+dead|just\s+die)(?![a-z])"
    r"|(?:don'?t|do\s+not|doesn'?t|does\s+not|will\s+never|never)\s+belong\s+(?:here|in\s+(?:this|our|britain|"
    r"england|the\s+uk|a\s+(?:christian|civilised|decent))|on\s+(?:the|our|any)\s+(?:council|committee|board)|"
    r"anywhere\s+near)|belongs?\s+(?:at\s+home|in\s+the\s+kitchen)"
    r"|get\s+rid\s+of\s+(?:all\s+)?(?:the|these|those|them|every)"
    r"|(?:go|sent|put|goes)\s+to\s+the\s+back\s+of\s+(?:every|the)\s+(?:queue|list)"
    r"|(?:locals|english|british|whites?|our\s+own|our\s+people|natives)\s+first|keep\s+it\s+for\s+our\s+own"
    r"|repatriat\w*|close\s+the\s+borders|(?:stays?|keep\s+(?:it|\w+))\s+white(?![a-z])"
    r"|stay\s+away\s+from\s+(?:our|my|the)\s+(?:kids|children|daughters|sons|girls|boys|schools?|town)"
    r"|(?:shouldn'?t|should\s+not|mustn'?t|must\s+not)\s+(?:\w+\s+){0,2}?(?:be\s+)?(?:given|get|getting|receive)\s+"
    r"(?:a\s+(?:single\s+)?penny|anything|a\s+thing|any\s+(?:help|money|benefits|support|houses?|homes?)|"
    r"(?:our|a)\s+(?:money|houses?|homes?|benefits|council\s+houses?))"
    r"|(?:shouldn'?t|should\s+not|mustn'?t|must\s+not|can'?t|cannot)\s+(?:\w+\s+){0,2}?(?:be\s+)?"
    r"(?:allowed|housed|let\s+in|let\s+near|trusted|stand|vote|be\s+in\s+charge|chair|teach|"
    r"work\s+with|near|represent|adopt|have\s+(?:kids|children)|running|working|teaching|leading|"
    r"in\s+(?:normal|mainstream|ordinary|regular|the\s+same)|mixing\s+with|mix\s+with|"
    r"looking\s+after|in\s+charge|on\s+(?:the|our)\s+council|anywhere\s+near|around)(?![a-z])"
    r"|should\s+(?:all\s+)?be\s+kept\s+(?:in\s+(?:special|separate|their\s+own|homes|institutions|camps)|away|out|"
    r"apart|separate|locked)"
    r"|keep\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s+out\s+of"
    r"|let\s+(?:them|the\s+[a-z]+(?:\s+[a-z]+)?)\s+(?:freeze|starve|rot|drown|die|suffer|sink)"
    r"|over\s+my\s+dead\s+body|(?:have|has)\s+no\s+place\s+(?:on|in)\s+(?:our|this|the)"
    r"|keep\s+(?:them|\w+)\s+(?:out|away)|(?:for|belongs\s+to)\s+the\s+(?:english|british|whites?|white\s+people)"
    r"|(?:whites?|english|british|christians?)\s+only|our\s+people\s+first|everybody\s+else\s+(?:can|should)\s+"
    r"(?:leave|go)|(?:^\s*|[,;]\s*)go\s+(?:back\s+)?home(?![a-z])|go\s+back\s+to\s+(?:your|their|where)|not\s+welcome\s+here"
    r"|don'?t\s+want\s+(?:any\s+)?(?:more\s+)?(?:of\s+)?(?:them|their\s+kind)\s+(?:here|in)"
)
STEREOTYPE_RE = re.compile(
    r"(?:typical|just\s+another|bloody|stupid|dumb|silly|hysterical)\s+(?:woman|women|female|girl|bird|"
    r"lesbian|gay|muslim|paki|foreigner|immigrant|pensioner|boomer|cripple)"
    r"|never\s+(?:put|let|trust|elect|vote\s+for)\s+(?:a|an)\s+(?:woman|female|girl|muslim|foreigner|immigrant|"
    r"gay|trans|disabled|black)"
    r"|(?:because|cos|'cause|coz|since)\s+(?:she'?s|he'?s|they'?re|she\s+is|he\s+is)\s+(?:an?\s+)?"
    r"(?:female|a\s+woman|woman|asian|black|gay|lesbian|disabled|trans|muslim|jewish|foreign|indian|"
    r"pakistani|polish|a\s+foreigner|an\s+immigrant)"
    r"|diversity\s+hire|token\s+(?:woman|black|asian|muslim|gay)|(?:too|so)\s+emotional|belongs?\s+in\s+the\s+kitchen|"
    r"make\s+me\s+a\s+sandwich|has\s+no\s+business\s+(?:telling|being|sitting|running)|"
    r"(?:that'?s|thats)\s+why\s+(?:she'?s|he'?s|they'?re|she|he)|is\s+a\s+man\s+and\s+always\s+will\s+be|"
    r"(?:tell|telling)\s+white\s+people|\(\(\(|"
    r"(?:'s|is)\s+an?\s+[a-z]+\s+so\s+(?:of\s+course\s+)?(?:he|she)|so\s+of\s+course\s+(?:he|she)\s+"
    r"(?:wants|supports|backs|votes)"
)
NEGATION_RE = re.compile(r"(?<![a-z])(?:not|n't|never|no\s+longer|hardly)(?![a-z])|\bnot\s+all\b")
COUNTER_RE = re.compile(
    r"(?<![a-z])(?:racis[mt]|bigot(?:s|ed|ry)?|hate\s+crimes?|xenophob\w*|homophob\w*|transphob\w*|"
    r"islamophob\w*|antisemit\w*|sexis[mt]|misogyn\w*|abuse|abusive|disgusting\s+(?:that|to|comments?|abuse)|"
    r"unacceptable|not\s+acceptable|has\s+no\s+place|no\s+place\s+(?:for|in)|solidarity|stand\s+with|"
    r"shame\s+on\s+(?:whoever|the\s+person|them)|condemn|reported\s+(?:it|this|them|him|her)|myths?|"
    r"stereotypes?|it'?s\s+(?:wrong|not\s+true|a\s+lie)\s+(?:to\s+say\s+)?that|people\s+who\s+say|"
    r"dehumanis\w*|dehumaniz\w*|racist\s+rubbish|"
    r"sick\s+of\s+(?:hearing|people\s+saying)|stop\s+saying|so\s+sad\s+to\s+see|really\s+sad\s+to\s+see)(?![a-z])"
)
# "I'm not racist but ...": a disclaimer, not counter-speech.
DISCLAIMER_RE = re.compile(r"not\s+(?:being\s+)?(?:a\s+)?(?:racist|sexist|homophobic|bigot\w*)\s*,?\s+but")
FORMS = ((GENERALISE_RE, "a derogatory generalisation or dehumanisation"),
         (BEHAVIOUR_RE, "a derogatory generalisation"),
         (EXCLUDE_RE, "a call to exclude or expel a group"),
         (STEREOTYPE_RE, "a stereotype used to demean"))
_FORM_ALTERNATIVES = tuple(PREFILTER.alternatives(pattern) for pattern, _ in FORMS)
PRONOUN_GROUP = _PRONOUN_GROUP = re.compile(
    r"(?<![a-z])(?:those|these)\s+(?:[a-z]+\s+)?people|their\s+kind|they\s+(?:all\s+)?(?:breed|multiply|swarm|spawn)\s+like|(?:ship|send|deport)\s+them|no\s+more\s+of\s+them|\(\(\("
)


def maybe_hate(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: a word of a group term (or "those people", "no more of them")."""
    return (not a.words.isdisjoint(GROUP_WORDS) or "people" in a.words or "them" in a.words
            or "(((" in a.text)


def group_hate(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Hate about a protected group without a slur (see the module docstring)."""
    groups = a.groups
    pronouns = a.may_match(_PRONOUN_GROUP)
    if not groups and (not pronouns or _PRONOUN_GROUP.search(a.text) is None):
        return None
    if (a.may_match(COUNTER_RE) and COUNTER_RE.search(a.text) and not DISCLAIMER_RE.search(a.text)
            and (a.text.count('"') >= 2 or "“" in a.text or _first_person(a))):
        return None
    previous = 0
    for sentence in _SENTENCE.finditer(a.text):
        start, end = sentence.span()
        # The group may be named in the sentence before ("Close the X centre. Go home.").
        mine = [g for g in groups if previous <= g[0] < end]
        previous = start
        pronoun = _PRONOUN_GROUP.search(a.text, start, end) if pronouns else None
        if not mine and pronoun is None:
            continue
        hit = _form_in(a, sentence.group(), start, mine)
        if hit is not None:
            return hit
    return None


def _form_in(a: Analysis, sentence: str, offset: int, groups: list[tuple[int, int, str]]) -> Hit | None:
    for (pattern, label), alternatives in zip(FORMS, _FORM_ALTERNATIVES, strict=True):
        if not a.may_match(pattern):  # not in the post, so not in this sentence
            continue
        # The post's strings cover the sentence's: only its possible alternatives are tried.
        for m in alternatives.finditer(sentence, a.bits_for(alternatives)):
            lo, hi = offset + m.start(), offset + m.end()
            if a.reported(lo, hi) or _negated(sentence, m.start()):
                continue
            if pattern is GENERALISE_RE and _thing_subject(sentence, m.start(), groups, offset):
                continue
            if pattern is EXCLUDE_RE and not _excludes_group(m, groups, offset):
                continue
            what = groups[0][2] if groups else "a group of people"
            spans = [a.span(lo, hi)] + [a.span(g[0], g[1]) for g in groups[:2]]
            return Hit(spans=tuple(spans), detail=f"Looks like {label} ({what}).")
    return None


# "It's a disgrace", "That is a joke", "which is a threat": the copula's subject is a thing or
# what was said, not the group named nearby ("The disabled toilets are locked again. It's a
# disgrace"; "a post says the travellers 'should be burned out'. That is a threat").
_THING_SUBJECT_RE = re.compile(r"(?<![a-z])(?:it|that|this|which|what|there|here)\s*\Z")


def _thing_subject(sentence: str, at: int, groups: list[tuple[int, int, str]], offset: int) -> bool:
    """Is the copula at ``at`` ("is", "'s", "are") said of "it", "that", "this", "which"?
    Not when the pronoun only picks up the group just named ("Gay people, it's a ...")."""
    m = _THING_SUBJECT_RE.search(sentence, max(0, at - 12), at)
    if m is None:
        return False
    return not any(0 <= offset + m.start() - g_end <= 3 for _, g_end, _ in groups)


def _negated(sentence: str, at: int) -> bool:
    """A negation just before the form ("are not criminals", "not all of them are")."""
    return NEGATION_RE.search(sentence, max(0, at - 25), at) is not None


def _excludes_group(m: re.Match[str], groups: list[tuple[int, int, str]], offset: int) -> bool:
    """"no more X" / "X out" must be about the group, not "no more potholes"."""
    for name in ("g1", "g2"):
        if m.group(name) is not None:
            lo, hi = offset + m.start(name), offset + m.end(name)
            return any(lo <= g0 and g1 <= hi + 1 for g0, g1, _ in groups) or m.group(name).strip() in {
                "of them", "them", "more of them"}
    return True


def _first_person(a: Analysis) -> bool:
    return not a.words.isdisjoint({"i", "me", "my", "we", "us", "our", "im", "ive"})
