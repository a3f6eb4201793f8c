"""Threats in the many forms residents really use, beyond "I'll kill you".

Violence by any means (fire, vehicles, water, poison, weapons, bricks), against a
person, their family, children, home, car or workplace; conditional threats ("if
you vote for this..."); wishes of harm; veiled intimidation ("be a shame if
something happened to your car", "I know which school your kids go to").

Each form needs a person or their things as its object: "you", "him", "her",
"the clerk", a councillor, one of the council's named people (``council.people``,
also by surname alone), "whoever signed it off", "your wife", "his car".
Residents' hyperbole about their own family ("I'll kill my husband if he leaves
the bins out") and about things ("the charges will kill the high street") has no
such object. The patterns are compiled once per council (its people's names).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.policy.normalise import normalise
from bot.policy.prefilter import longest_first, top_level

_W = r"(?:[a-z']+\s+)"
_THINGS = (r"(?:house|home|car|van|windows?|office|garden|dog|cat|shop|business|front\s+door|"
           r"kids|children|wife|husband|family|daughter|son|lad|girl|boy|mum|dad|partner)")
_OWNER = r"(?:your|ur|his|her|their)"
_MEANS = (
    r"(?:kill|murder|stab|shoot|strangle|throttle|drown|poison|torch|burn|batter|glass|knife|"
    r"blade|smash|break|hang|lynch|hurt|harm|maim|cripple|bury|gut|slit|petrol|firebomb|"
    r"run\s+(?:[a-z]+\s+)?over|reverse\s+(?:a|my|the|his|her)\s+(?:van|car|lorry|truck)\s+into|"
    r"drive\s+(?:a|my|the)\s+(?:van|car|lorry|truck)\s+into|set\s+fire\s+to|burn\s+down|"
    r"stick\s+(?:a|my|the)\s+(?:knife|blade)\s+in(?:to)?|put\s+(?:a\s+)?(?:bullet|brick|blade|knife)\s+"
    r"(?:in|through)(?:to)?|do\s+(?:in|over)|knock\s+(?:out|down)|"
    r"push\s+|throw\s+|chuck\s+|slip\s+(?:something|anything|poison)\s+in(?:to)?|"
    r"put\s+(?:antifreeze|poison|rat\s+poison|bleach|something)\s+in(?:to)?|finish\s+off|take\s+out|"
    r"ram|mow\s+(?:[a-z]+\s+)?down|knock\s+(?:yer|your|his|her)\s+block\s+off|slash|tie)"
)
_INTENT = (
    r"(?:i'?ll|i\s+will|ill|ah'?ll|imma|i'?m\s+(?:going|gonna|coming)\s+(?:to\s+)?|i\s+am\s+going\s+to|gonna|"
    r"going\s+to|i'?d\s+(?:happily|gladly|love\s+to)?|i\s+would\s+(?:happily|gladly)?|i\s+want\s+to|"
    r"we'?ll|we\s+will|we'?re\s+going\s+to|someone\s+(?:should|ought\s+to|needs\s+to|must|will|'?ll|"
    r"is\s+going\s+to)|somebody\s+(?:should|ought\s+to|needs\s+to|must|will|'?ll)|"
    r"(?:should|ought\s+to|needs?\s+to)|let'?s|time\s+to|who'?s\s+(?:coming|up\s+for|with\s+me))"
)
_HARM_DONE = (r"(?:battered|stabbed|shot|hurt|harmed|killed|beaten|glassed|knifed|burnt|burned|a\s+glassing|"
              r"(?:ur|your|his|her)\s+head\s+kicked\s+in|"
              r"torched|run\s+over|smashed|done\s+in|sorted\s+out|a\s+kicking|a\s+beating|a\s+hiding|"
              r"your\s+head\s+kicked\s+in|what'?s\s+coming(?:\s+to\s+(?:you|him|her))?)")
_WISH_HARM = (
    r"(?:dies?|died|drowns?|burns?|rots?|chokes?|suffers?|crash(?:es)?|gets?\s+(?:cancer|run\s+over|"
    r"hit\s+by|stabbed|shot|hurt|killed|battered|beaten|what'?s\s+coming|a\s+kicking)|"
    r"grows?\s+up\s+without|breaks?\s+(?:his|her|their|your)\s+(?:neck|legs?)|ends?\s+up\s+in\s+"
    r"(?:hospital|a\s+wheelchair|a\s+box|the\s+ground)|never\s+wakes?\s+up|"
    r"(?:would|will|'?d)\s+(?:put|run|hit|stab|shoot|kill|hurt|burn|drown|knock))"
)



# A team or quiz side is "them" with a fixture after it: "we'll kill them on Saturday",
# "batter them in the derby" (never "you", "him" or a named person).
SPORT_AFTER = (r"(?<=them)\s+(?:on|at|in|this|next)\s+(?:saturday|sunday|monday|tuesday|wednesday|thursday|friday|"
               r"the\s+(?:derby|final|match|game|league|cup|quiz|semi|replay|rematch))")


@lru_cache(maxsize=64)
def forms_for(people: tuple[str, ...]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """The compiled forms for a council with these named people."""
    person = _person_ref(people)
    obj = rf"(?:{person}|{_OWNER}\s+(?:[a-z]+\s+)?{_THINGS}|the\s+council\s+(?:offices?|building|chamber)|"
    obj += r"the\s+town\s+hall)"
    forms = (
        (rf"{_INTENT}\s+{_W}{{0,3}}?{_MEANS}\s*{_W}{{0,2}}?{obj}(?![a-z])"
         r"(?!\s+(?:an?\s+)?(?:email|e-mail|message|text|line|call|ring|link|invite|favou?r|chance|break|"
         r"hand|lift|go|try|piece\s+of\s+my\s+mind|pint|look|minute|second)\b)"
         rf"(?!{SPORT_AFTER})",
         "a statement of violent intent"),
        (rf"(?<![a-z]){person}(?:'re|'s|\s+(?:are|is|r))?\s+(?:getting|gonna\s+get|going\s+to\s+get|"
         rf"will\s+get|'?ll\s+get|'?ll\s+be|will\s+be|gets?)\s+{_HARM_DONE}",
         "a statement that someone will be harmed"),
        (r"(?:you'?re|you\s+are|ur|u\s+r|he'?s|she'?s)\s+(?:so\s+|a\s+)?(?:dead|d\s*e\s*a\s*d|dead\s+meat|"
         r"dead\s+m[ae]n|a\s+dead\s+(?:man|woman))(?![a-z])(?!\s+(?:right|wrong|on|to\s+me|tired|boring))",
         "telling someone they are dead"),
        (rf"(?:leav(?:e|ing)|go(?:ing)?\s+home|end\s+up|come\s+out)\s+{_W}{{0,4}}?in\s+(?:an\s+ambulance|"
         r"a\s+body\s+bag|a\s+box|a\s+wheelchair|a\s+coffin|hospital)",
         "a threat of injury"),
        (rf"{_OWNER}\s+(?:[a-z]+\s+){{0,3}}?{_THINGS}\s+(?:{_W}{{0,4}}?)(?:would|will|could|might|is\s+going\s+to|gonna|"
         r"'?d|'?ll)\s+(?:go\s+up|burn|get\s+(?:burnt|burned|torched|smashed|hurt)|go\s+in|be\s+next)"
         rf"|every\s+window\s+{_W}{{0,5}}?goes\s+in|windows?\s+(?:will|would|'?ll)\s+(?:go\s+in|get\s+"
         r"(?:smashed|put\s+in))",
         "a threat against someone's home, car or family"),
        (r"(?:got|have|bought|keep|kept)\s+(?:a|an|my)\s+(?:shotgun|gun|rifle|knife|blade|bat|baseball\s+bat|"
         rf"machete|crossbow|axe)\s+{_W}{{0,6}}?(?:with\s+{_W}{{0,3}}?name\s+on\s+it|for\s+{person})"
         r"|(?:bring|brings|bringing)\s+(?:a\s+|your\s+|some\s+)?(?:knife|knives|blades?|weapons?|torches|"
         r"pitchforks|petrol|something\s+heavy|a\s+bat|bats|bricks|a\s+rope|rope)(?![a-z])"
         r"|(?:baseball\s+)?(?:bat|brick|hammer|crowbar|iron\s+bar)\s+to\s+(?:the|your|his|her|their)\s+"
         r"(?:kneecaps|knees|head|face|legs|skull)"
         r"|(?:bricks|petrol|matches|rope)\s*(?:are|is|'?s)\s+cheap",
         "a threat with a weapon"),
        (r"(?:be|would\s+be|it'?d\s+be)\s+(?:a\s+)?(?:real\s+)?shame\s+if\s+(?:something|anything|your|his|her|"
         r"their|you|she|he|one\s+of)"
         r"|(?:would|'?d)\s+hate\s+for\s+(?:something|anything|you|him|her|them|it|your|his)\s+"
         r"(?:to\s+)?(?:happen|get|to\s+get|be)"
         r"|(?:i|we)\s+(?:know|found\s+out|have\s+found)\s+(?:which|what)\s+(?:school|house|street|road|car|"
         r"route|door|bus|gym|pub)"
         r"|(?:you|he|she)\s+always\s+(?:walk|walks|leave|leaves|go|goes|park|parks)\s+(?:the\s+same|at)"
         r"|long\s+memories|watch\s+(?:himself|herself|his\s+back|her\s+back)"
         r"|(?:don'?t|won'?t|will\s+not|wouldn'?t|not)\s+(?:be|stay|feel)\s+safe"
         r"|(?:might|could|will)\s+be\s+your\s+last\s+(?:meeting|day|time|week)"
         r"|(?:you'?d|you\s+had)\s+better\s+(?:have|get|hire)\s+(?:some\s+)?(?:security|protection|a\s+bodyguard)"
         r"|(?:i'?m|we'?re)\s+coming\s+for\s+(?:you|him|her|them)|(?:i'?ll|we'?ll)\s+deal\s+with\s+(?:you|him|"
         r"her|them)|you\s+won'?t\s+like\s+(?:how|what\s+happens)|see\s+what\s+happens\s+to\s+(?:you|the\s+(?:people|lot|clerk|mayor|"
         r"councillors?|ones?|man|woman|family|families|kids|children)|him|her|them|your|whoever|anyone)"
         r"|(?:take|took|taking)\s+matters\s+into\s+(?:our|their|my)\s+own\s+hands"
         r"|lin(?:e|ed|ing)\s+(?:them\s+|you\s+|the\s+lot\s+)?up\s+against\s+a\s+wall"
         r"|(?:saw|seen|spotted)\s+(?:your|his|her)\s+(?:lad|son|daughter|kids|children|wife|husband|boy|girl)"
         r"\s+(?:at|in|on|outside|walking)"
         r"|(?:waiting|wait)\s+for\s+(?:you|her|him|them)\s+with\s+(?:a|an|some)\s+(?:bat|knife|blade|brick|"
         r"hammer|crowbar|gun|axe)"
         r"|(?:start|starting)\s+looking\s+over\s+(?:their|your|his|her)\s+shoulders?"
         r"|make\s+sure\s+(?:she|he|you|they)\s+never\s+forgets?"
         r"|with\s+(?:him|her|them|you)\s+(?:still\s+)?inside|(?:kids|children|people)\s+have\s+accidents"
         r"|glass\s+breaks|would\s+make\s+a\s+(?:lovely|nice|good)\s+bonfire|be\s+careful\s+what\s+"
         r"(?:she|he|you|they)\s+eats?|"
         r"sugar\s+in\s+the\s+(?:petrol|fuel)\s+tank|(?:drop|splash|dash|cup|sip)\s+of\s+(?:weedkiller|antifreeze|"
         r"bleach|poison)|see\s+how\s+(?:u|you)\s+like\s+(?:it|ur|your)"
         r"|(?:go|let\s+(?:her|him|them))\s+(?:and\s+)?(?:let\s+(?:her|him|them)\s+)?"
         r"know\s+how\s+you\s+feel",
         "intimidation"),
        (rf"(?:hope|hoping|wish|pray)\s+(?:that\s+)?(?:someone\s+|somebody\s+)?{_W}{{0,5}}?{_WISH_HARM}",
         "a wish that someone is harmed"),
        (rf"(?:{person})\s+(?:needs|deserves|wants|could\s+do\s+with)\s+(?:a\s+)?(?:proper\s+|good\s+)?"
         r"(?:kicking|hiding|beating|slap|smack|bullet|bat\s+to\s+the\s+head)"
         rf"|(?:give|giving)\s+{person}\s+(?:a\s+)?(?:proper\s+|good\s+)?(?:kicking|hiding|beating)"
         rf"|(?:teach|teaching)\s+{person}\s+a\s+lesson",
         "a call for someone to be beaten"),
        (rf"(?:smash|kick|punch|cave|stamp)\s+{_OWNER}\s+(?:face|head|teeth|skull)\s+in"
         rf"|break\s+(?:every\s+bone\s+in\s+)?{_OWNER}\s+(?:body|legs?|neck|arms?|jaw|nose|fingers|skull)(?!\s+on\b)"
         rf"|{_INTENT}\s+(?:run|knock|mow)\s+{person}\s+(?:over|down)"
         r"|(?:slip|put|pour)\s+(?:something|anything|poison|rat\s+poison|antifreeze|bleach|weedkiller)\s+"
         r"in(?:to)?\s+(?:the|his|her|your|their)\s+(?:\w+\s+)?(?:tea|coffee|drink|food|pint|water)",
         "a threat of violence"),
        (r"(?:blow|blowing)\s+up\s+(?:the\s+)?(?:council|town\s+hall|chamber|offices?|meeting)"
         r"|(?:bomb|torch|burn\s+down|firebomb|set\s+fire\s+to)\s+(?:the\s+)?(?:council|town\s+hall|chamber|"
         r"offices?|library|pavilion)"
         r"|(?:chuck|throw|push)\s+(?:the\s+lot\s+of\s+them|them\s+all|him|her|them)\s+(?:in|into|off)\s+"
         r"(?:the\s+)?(?:river|severn|brook|canal|sea|bridge|cliff)"
         r"|(?:with|and)\s+(?:the\s+)?(?:whole\s+lot\s+of\s+them|all\s+of\s+them|them\s+all|them)\s+inside",
         "a threat to attack people or the council's buildings"),
    )
    # One compiled pattern per top-level alternative, so the literal pre-filter
    # (bot.policy.prefilter, via threats.py) can pick the alternatives a post could match.
    return tuple((re.compile(r"(?<![a-z])(?:" + branch + ")"), label)
                 for pattern, label in forms for branch in top_level(pattern) if branch)


def _person_ref(people: tuple[str, ...]) -> str:
    names = []
    for person in people:
        words = [w for w in normalise(person).text.replace(".", " ").split() if w]
        words = [w for w in words if w not in {"cllr", "councillor", "mr", "mrs", "ms", "dr", "mayor"}]
        if words:
            names.append(r"\s+".join(map(re.escape, words)))
            names.append(re.escape(words[-1]))
    name = "|".join(longest_first(names))
    base = (
        r"you|u|ya|yer|ur|youse|him|her|them|the\s+lot\s+of\s+(?:you|them)|(?:all|every\s+one)\s+of\s+"
        r"(?:you|them)|whoever\s+[a-z]+(?:\s+[a-z]+)?|anyone\s+who\s+[a-z]+|the\s+people\s+who\s+[a-z]+|"
        r"(?:the\s+|that\s+|this\s+|every\s+|the\s+next\s+)(?:clerk|mayor|councillors?|cllrs?|"
        r"(?:planning\s+)?officer|chair(?:man|woman)?|woman|man|lot)|(?:cllr|councillor|mr|mrs|ms)\s+[a-z]+"
    )
    return f"(?:{base}|{name})" if name else f"(?:{base})"
