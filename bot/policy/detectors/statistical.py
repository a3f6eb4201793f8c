"""The classifier's second opinion, as a rule."""

from __future__ import annotations

import re
from typing import Any

from bot.domain import Severity
from bot.policy.analysis import Analysis, Hit
from bot.policy.detectors.hate import COUNTER_RE, FORMS, NEGATION_RE, NEGATIVE, PRONOUN_GROUP

# Condemning abuse someone else gave ("To whoever shouted at my brother that he
# shouldn't be out: you're the one..."): the abuse is reported, the anger is at the abuser.
CONDEMN_RE = re.compile(
    r"(?<![a-z])(?:(?:to\s+)?(?:whoever|the\s+(?:person|people|man|woman|lad|lads|driver|idiot))\s+(?:who\s+)?(?:shouted|yelled|"
    r"screamed|said|wrote|called|sprayed|spray-?painted|scrawled|abused|hurled))(?![a-z])"
)
# An insult the author says of themselves ("I was a proper idiot and parked in the
# disabled bay"): the same words that moved the score, aimed at no one else.
_BEFORE_INSULT = (r"(?:(?:such|a|an|an?\s+absolute|a\s+proper|a\s+complete|a\s+total|the\s+biggest|"
                  r"proper|complete|total|absolute|right|bit\s+of\s+an?|utter|silly|daft|old|little|lazy|fat)\s+)*$")
SELF_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:i'?m|i\s+am|i\s+was|i'?ve\s+been|i\s+felt(?:\s+like)?|i\s+feel(?:\s+like)?|call\s+me)\s+"
    + _BEFORE_INSULT
)
# "... while the mayor's car stays": a role named only as the owner of a thing.
_ROLE_WORD_RE = re.compile(
    r"(?<![a-z])(?:clerk|councillors?|cllrs?|mayor|chair(?:man|woman)?|officers?|staff)(?![a-z])")
_ROLE_THING_RE = re.compile(
    r"'s\s+(?:new\s+|own\s+|official\s+|latest\s+)?(?:car|cars|budget|report|office|decision|plan|allowance|expenses|"
    r"chain|parking|space|motion|proposal|scheme|chauffeur|limo|salary|pay|pension|vote|speech|letter|email|"
    r"newsletter|surgery|agenda|reply|response|answer|update|announcement|statement|refusal|failure|handling|"
    r"promise|u-turn|record)(?![a-z])"
)


def _roles_only_as_owners(a: Analysis) -> bool:
    if a.target != "a councillor or member of staff":
        return False
    ends = [m.end() for m in _ROLE_WORD_RE.finditer(a.text)] + [end for _, end in a.people]
    # "Cllr Brown's vote" reads the role word and the name: the name's end is what counts
    ends = [e for e in ends if not any(s <= e < pe for s, pe in a.people)]
    return bool(ends) and all(_ROLE_THING_RE.match(a.text, e) for e in ends)


# "Our cat is a fat lazy slob and I love him": "him" is the pet, not a person.
_PET_RE = re.compile(
    r"(?<![a-z])(?:my|our|the)\s+(?:[a-z]+\s+)?(?:cat|dog|puppy|pup|kitten|pony|horse|budgie|parrot|rabbit|hamster|"
    r"tortoise|goat|spaniel|labrador|terrier|collie|whippet|greyhound|staffie|cockapoo)(?![a-z])"
)


# "Our dog is a complete moron and ate a conker": the insult is said of the pet.
_PET_SUBJECT_BEFORE_RE = re.compile(
    _PET_RE.pattern + r"\s+(?:is|was|'s|can\s+be|has\s+been|really\s+is)\s+" + _BEFORE_INSULT)
# "I'll have to twist the arm of my neighbour ... She'll moan but she'll come": the only person
# ("she", "him") is the author's own family, friend or neighbour.
_OWN_PERSON_RE = re.compile(
    r"(?<![a-z])(?:my|our)\s+(?:(?:lovely|elderly|old|new|next-door|next\s+door|little|young|eldest|youngest|"
    r"late|dear|best|poor)\s+)?(?:neighbours?|husband|wife|partner|mum|mother|dad|father|sons?|daughters?|kids?|"
    r"children|friends?|nan|nanna|gran|granny|grandad|grandma|grandpa|brother|sister|auntie|aunt|uncle|"
    r"nephew|niece|cousin|missus|hubby|other\s+half|fella|boyfriend|girlfriend)(?![a-z])")


def _only_a_pet(a: Analysis) -> bool:
    """The only person ("him", "she") is the author's pet, or their family, friend or neighbour
    in a post with no insult ("My neighbour is a fat lazy slob" still reaches the model)."""
    return a.target == "a person" and (_PET_RE.search(a.text) is not None or (
        _OWN_PERSON_RE.search(a.text) is not None and not a.hits_in(INSULT_LISTS)))


# "our trans daughter", "my disabled son", "all our Muslim neighbours": the group named as the
# author's own family, friends or neighbours, the way residents speak well of them.
_OWN_BEFORE_RE = re.compile(
    r"(?<![a-z])(?:my|our)\s+(?:(?:lovely|new|local|own|wonderful|fellow|dear|young|little|elderly|older|"
    r"eldest|youngest|two|three|many)\s+)?\Z")
_OWN_AFTER_RE = re.compile(
    r"\s+(?:neighbours?|friends?|daughters?|sons?|child|children|kids?|family|families|community|communities|"
    r"colleagues?|residents?|members?|volunteers?|pupils?|students?|brothers?|sisters?|mum|dad|parents?|"
    r"grandchildren|grandsons?|granddaughters?|grandkids|nephews?|nieces?|partners?|husband|wife|boys?|girls?|"
    r"lads?|lass|teenagers?|teens?|twins?|cousins?|aunt|uncle)(?![a-z])")


def _groups_only_the_authors_own(a: Analysis) -> bool:
    """Every group the post names is the author's own people ("our Muslim neighbours")."""
    if a.target != "a group of people" or not a.groups:
        return False
    text = a.text
    return all(_OWN_BEFORE_RE.search(text, max(0, start - 24), start) is not None
               and _OWN_AFTER_RE.match(text, end) is not None for start, end, _ in a.groups)


INSULT_LISTS = ("insults_uk", "insults_general", "insults_weak")


def _insults_only_self_aimed(a: Analysis) -> bool:
    """Every insult is the author's of themselves, or said of their pet."""
    hits = a.hits_in(INSULT_LISTS)
    if not hits:
        return False
    return all(SELF_BEFORE_RE.search(a.text[max(0, h.start - 50):h.start]) is not None
               or _PET_SUBJECT_BEFORE_RE.search(a.text[max(0, h.start - 60):h.start]) is not None for h in hits)


# Neutral or supportive debate about a group: a derogation denied ("Disabled people are not a
# burden", "Old people aren't the problem with housing") or support for the group's needs
# ("Disabled residents have waited long enough", "the gender neutral toilets are a good idea"),
# in a post with no form of hate anywhere (``bot.policy.detectors.hate.FORMS``, not negated).
_DENIED_RE = re.compile(
    r"(?:(?<![a-z])(?:are|is|were|was)\s+(?:not|never)|'re\s+not|(?:aren|isn|weren|wasn)'?t)\s+"
    r"(?:(?:all|just|really|simply|a|an|the|any|some\s+kind\s+of)\s+)*"
    rf"(?:{NEGATIVE}|problems?|issue|enemy|to\s+blame|the\s+cause)(?![a-z])")
_SUPPORT_RE = re.compile(
    r"(?<![a-z])(?:(?:have|has|'ve)\s+waited\s+(?:long\s+enough|too\s+long|years|decades)|"
    r"deserves?\s+(?:better|more|respect|dignity|support|access|the\s+same|a\s+(?:proper|decent|safe|fair))|"
    r"(?:are|is|'re)\s+(?:(?:very|always|so|all)\s+)?(?:welcome|valued|a\s+(?:good|great|brilliant)\s+idea|"
    r"part\s+of\s+(?:this|our|the)\s+(?:town|community))|"
    r"needs?\s+(?:access|support|somewhere|a\s+(?:proper|safe|decent|changing|place)))(?![a-z])")
_BUT_RE = re.compile(r"(?<![a-z])(?:but|though|however|except)(?![a-z])")
# Words of removal: "... have waited long enough, time they were moved out" is no support.
_REMOVAL_WORDS = frozenset("out rid back away ban banned deport deported remove removed gone kick kicked send sent "
                           "ship shipped moved leave".split())


_SENTENCE_END_RE = re.compile(r"[.!?\n]")
_NEGATIVE_WORD_RE = re.compile(rf"(?<![a-z]){NEGATIVE}(?![a-z])")


def _neutral_group_debate(a: Analysis) -> bool:
    """The group named is the subject of a denied derogation or of support (in its sentence,
    within 60 characters after it), and the post has no derogatory word or form of hate that is
    not negated, no word of removal and no "but" after it."""
    if not a.groups:
        return False
    text = a.text
    said = None
    for _, end, _ in a.groups:
        stop = _SENTENCE_END_RE.search(text, end)
        stop = min(stop.start() if stop else len(text), end + 60)
        said = _DENIED_RE.search(text, end, stop) or _SUPPORT_RE.search(text, end, stop)
        if said is not None:
            break
    if said is None or not a.words.isdisjoint(_REMOVAL_WORDS):
        return False
    for pattern in (_NEGATIVE_WORD_RE, *(form for form, _ in FORMS)):
        for m in pattern.finditer(text):
            if NEGATION_RE.search(text, max(0, m.start() - 25), m.start()) is None:
                return False  # a derogatory word or a form of hate said outright ("perverts", "they are vermin")
    return _BUT_RE.search(text, said.end()) is None  # "are not all thieves, but ..."


# A consequence the council is warned of that is civic, legal or the nature of the service, in a
# post with no word of harm: "If the council won't mend the railings, we'll do it ourselves and
# send you the invoice", "If you take away the Saturday collection you'll have foxes in every bag".
_CONDITION_RE = re.compile(r"(?<![a-z])(?:if|unless|or\s+else|otherwise)(?![a-z])")
_CIVIC_CONSEQUENCE_RE = re.compile(
    r"(?<![a-z])(?:(?:send|sending)\s+(?:you|the\s+council|them)\s+(?:the|a|an|our)\s+(?:invoice|bill)|"
    r"(?:do|fix|mend|sort|paint|clear|repair|cut|pay\s+for)\s+(?:it|them)\s+(?:our|my)sel(?:f|ves)|"
    r"vote\s+(?:you|them|him|her|the\s+lot(?:\s+of\s+you)?)\s+out|(?:at|in)\s+the\s+(?:ballot\s+box|polls|next\s+election)|"
    r"(?:to|with)\s+the\s+(?:ombudsman|local\s+paper|papers|press|bbc|monitoring\s+officer|auditors?|"
    r"standards\s+(?:board|committee))|(?:to|in)\s+court|legal\s+action|judicial\s+review|a\s+(?:formal\s+)?complaint|"
    r"(?:you'?ll|you\s+will|we'?ll|we\s+will)\s+have\s+(?:[a-z]+\s+){0,3}?(?:foxes|rats|gulls|seagulls|flies|maggots|"
    r"rubbish|litter|flooding|floods|potholes|gridlock|chaos|queues|empty\s+shops|a\s+ghost\s+town)|"
    r"make\s+(?:a|such\s+a)\s+(?:racket|fuss|noise|stink))(?![a-z])")


def _civic_consequence(a: Analysis) -> bool:
    if _CONDITION_RE.search(a.text) is None or _CIVIC_CONSEQUENCE_RE.search(a.text) is None:
        return False
    from bot.policy.detectors.threats import harm_or_intent

    return not harm_or_intent(a)[0]


def guard_passes(a: Analysis, head: str = "offensive") -> bool:
    """May a second opinion on ``head`` fire on this post at all (whatever its score)?

    Only when the post is aimed at a person or a group (``Analysis.target``): anger at
    roads, bins, the precept or "the council" stays civil however strong the words;
    not when it reports or condemns someone else's abuse, when the insult is the
    author's of themselves or said of their pet, when a role is named only as the owner of a
    thing, when "him" is the pet or the author's own family, friend or neighbour, when every
    group it names is the author's own people ("our trans daughter", "all our Muslim
    neighbours"), when it denies a derogation of a group or supports its needs with no form of
    hate in it ("Disabled people are not a burden"), or when it warns the council of a civic
    consequence with no word of harm ("... and send you the invoice"); for ``hate``, not about
    a councillor alone (hate is about a group).
    """
    target = a.target
    if not target or a.quotes_reported_speech or (a.may_match(COUNTER_RE) and COUNTER_RE.search(a.text)):
        return False  # about things, or reporting / condemning abuse
    if (a.may_match(CONDEMN_RE) and CONDEMN_RE.search(a.text)) or _insults_only_self_aimed(a) \
            or _roles_only_as_owners(a) or _only_a_pet(a) or _groups_only_the_authors_own(a):
        return False  # condemning someone else's abuse; an insult the author says of themselves;
        # the group named only as the author's own family or neighbours
    if _neutral_group_debate(a) or _civic_consequence(a):
        return False  # a derogation denied, support for a group; a civic consequence warned of
    if (head == "hate" and target == "a councillor or member of staff" and not a.groups
            and not (a.may_match(PRONOUN_GROUP) and PRONOUN_GROUP.search(a.text))):
        return False  # hate is about a group: "my dog is a plonker, sorry Cllr Brown" is about a councillor
    return True


def abuse_classifier(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Posts the statistical model rates as abusive although no listed word matched.

    Only when ``guard_passes`` (the post is aimed at a person or a group, and is not
    reporting abuse). ``group_threshold`` (optional, the ``hate`` head's second level):
    the threshold when the post names a protected group with the hate detectors' own
    terms (``bot.policy.groups``); ``threshold`` otherwise. Always low severity, for
    the clerk's judgement: it proposes no action stronger than the rule lists, and
    never a block or report (the engine sees to that).
    """
    head = str(params.get("head", "offensive"))
    if not guard_passes(a, head):
        return None
    score = a.scores.get(head)
    threshold = float(params.get("threshold", 0.5))
    if "group_threshold" in params and a.groups:
        threshold = min(threshold, float(params["group_threshold"]))
    if score is None or score < threshold:
        return None
    if _yields(a, params):
        return None
    return Hit(detail=f"The statistical second opinion rates it {score:.2f} out of 1 "
                      f"(no listed word matched; aimed at {a.target}); please judge it yourself.",
               score=score, severity_cap=Severity.LOW)


def _yields(a: Analysis, params: dict[str, Any]) -> bool:
    """Does a second opinion with ``yield_without_harm`` leave the post to another ground?

    The threat head also rises on insults, sexual remarks and exclusion. In a post with no word
    of violence or menace and no mention of the target's family or home
    (``bot.policy.detectors.threats.harm_or_intent``), the model's threat score is read as
    the abuse it is: when an earlier rule found one of the grounds listed in
    ``yield_without_harm`` ("Cllr Brown you utter weapon": an insult; "Ship them all back":
    exclusion), the finding is that rule's alone; when no rule found anything, the post speaks
    of no intent, condition or wish and the ``insult_head`` score reaches ``insult_threshold``
    (the abuse second opinion's, "auto" too), the abuse second opinion takes it
    (harassment: "Bunch of tossers on that committee, the lot of you"). Threats without a harm
    word keep their ground: "I know your routine now" (menace), "Your lad plays for the under
    11s, doesn't he?" (the target's family), "Next time I won't brake" (intent).
    """
    if params.get("yield_without_group"):
        grounds, intent = params["yield_without_group"], False
        if a.groups or (a.may_match(PRONOUN_GROUP) and PRONOUN_GROUP.search(a.text)):
            return False
    elif params.get("yield_without_harm"):
        from bot.policy.detectors.threats import harm_or_intent

        grounds = params["yield_without_harm"]
        harm, intent = harm_or_intent(a)
        if harm:
            return False
    else:
        return False
    wanted = {str(g) for g in grounds}
    found = [f for f in a.findings if f.rule_id not in a.opinion_rules]  # the rules' findings, not the models'
    if any(str(f.ground) in wanted for f in found):
        return True
    insult_threshold = params.get("insult_threshold")
    if insult_threshold is None or intent or found:
        return False
    insult = a.scores.get(str(params.get("insult_head", "offensive")))
    return insult is not None and insult >= float(insult_threshold)


def manual(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A ground only the clerk can choose (e.g. copyright): never fires by itself."""
    return None
