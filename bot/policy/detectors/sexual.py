"""Sexual content aimed at a person: obscene under the council's policy.

Sexual remarks about or to a councillor, the clerk or a resident ("needs a good
hard shag", "I want to lick every inch of you", "takes it up the arse"), links
to sexual content about a person, and sexual emoji sent at someone. Sex
education, health services and news ("the sexual health clinic moves to the
Armstrong Hall") have no such target or form and stay civil.
"""

from __future__ import annotations

import re
from typing import Any

from bot.policy.analysis import Analysis, Hit

SEXUAL_RE = re.compile(
    r"(?<![a-z])(?:(?:good|hard|proper|quick)\s+(?:hard\s+)?(?:shag|shagging|seeing\s+to|rogering|bang(?:ing)?)|"
    r"needs?\s+(?:a\s+)?(?:shag|shagging|seeing\s+to|good\s+seeing\s+to|dicking)|shag(?:ged|ging)?\s+(?:you|her|him)|"
    r"suck\s+(?:my|a|his|your|me\s+off)\s*(?:dick|cock|knob|balls|golf\s+ball)?|suck\s+a\s+golf\s+ball|"
    r"(?:show|send)\s+(?:you|her|him|me)\s+(?:what\s+)?(?:a\s+)?(?:real\s+)?(?:man'?s\s+)?(?:my\s+|your\s+)?"
    r"(?:dick|cock|knob|tits|boobs|nudes|naked\s+pics?)|(?:dick|cock|knob)\s+pics?|"
    r"lick\s+(?:every\s+inch|you|your|her|his)|(?:takes?|taking|took)\s+it\s+up\s+the\s+(?:arse|ass|bum)|"
    r"moans?\s+like\s+a\s+porn\s*star|porn\s*star|(?:watch|watching)\s+porn|onlyfans|only\s+fans|"
    r"tied\s+up\s+and\s+spanked|spank(?:ed|ing)?\s+(?:her|him|you)|(?:sit|sat)\s+on\s+my\s+face|"
    r"blow\s*jobs?|hand\s*jobs?|wank(?:ing)?\s+(?:over|off)|nudes|naked\s+(?:pics?|photos?)|"
    r"(?:picture|photo|pic)\s+of\s+(?:your|his|my)\s+(?:cock|dick|knob|tits|arse|bum)|"
    r"(?:whenever|when)\s+you\s+want\s+(?:it|me)|i\s+know\s+you\s+want\s+it|"
    r"bollocks\s+nailed|fill\s+(?:you|her)\s+up|bend\s+(?:you|her)\s+over|"
    r"(?:she|he)'?s\s+(?:filthy|a\s+slag|a\s+slut|easy|gagging\s+for\s+it)|gagging\s+for\s+it|"
    # round 5: a sexual act wanted with a person ("I'd bend Cllr Smith over", "I'd shag the clerk")
    r"bend\s+(?:[a-z]+\s+){1,2}?over(?!\s+backwards)|"
    r"(?:i'?d|i\s+would|i'?ll|i\s+want\s+to|wanna|would(?:n'?t)?\s+mind|love\s+to|like\s+to)\s+"
    r"(?:(?:happily|gladly|definitely|so)\s+)?(?:fuck|shag|bonk|hump|bang|finger)\s+(?:you|u|her|him|the\s+(?:clerk|mayor|"
    r"chair(?:man|woman)?|councillor)|cllr\s+[a-z]+|councillor\s+[a-z]+)|"
    r"gives?\s+(?:great|good|amazing|decent|the\s+best)\s+head|"
    r"(?:see|seen|seeing)\s+(?:you|u|her|him|the\s+(?:clerk|mayor)|cllr\s+[a-z]+)\s+(?:naked|in\s+(?:the\s+nude|"
    r"(?:her|his|your)\s+(?:underwear|knickers|pants|bra)))|"
    r"(?:get|got|getting|gets)\s+(?:her|his|your|ur)\s+(?:tits|boobs|cock|knob|dick|baps|norks)\s+out|"
    r"(?:likes?|loves?|gets?|getting)\s+it\s+up\s+the\s+(?:arse|ass|bum|backside|back\s+passage)|"
    r"lick\s+my\s+(?:balls|arse|ass|cock|dick|knob|hole|crack|bum)|"
    r"(?:sleeps|slept|sleeping|shagging|shagged)\s+(?:with|round)\s+(?:half|every|all|the\s+whole)|"
    r"slept\s+(?:her|his)\s+way\s+(?:to|onto|up|into)|"
    r"(?:good|great|a\s+(?:right\s+)?goer|dirty|filthy|wild|an\s+animal)\s+in\s+(?:bed|the\s+sack)|"
    # round 7: a person's body described ("the lollipop lady's massive tits", "Cllr Smith's arse in
    # those trousers", "got a body on her", "you in that tight skirt"), an act wanted with them ("I'd
    # have her in the back of the town hall", "lick the new mayor all over", "get my hands all over",
    # "on her knees under the desk", "show you what a real member looks like", "send me pics of your
    # feet"); not "off her arse", "a pain in the arse", "send me pictures of the flooding"
    r"(?:got|has|had|what)\s+a\s+(?:body|figure|rack|pair)\s+on\s+(?:her|him)|"
    r"(?:you|her|him)\s+in\s+(?:that|those|your|her|his)\s+(?:tight|short|little|skimpy|sexy|low-cut)\s+"
    r"(?:skirt|dress|top|jeans|trousers|leggings|shorts|outfit|blouse)|"
    r"(?:i'?d|i\s+would|i'?ll|wanna|want\s+to|love\s+to)\s+(?:happily\s+|gladly\s+)?(?:have|do|take|ruin|wreck)\s+"
    r"(?:her|him|you)\s+(?:in\s+the\s+back|on\s+the\s+(?:desk|table|floor)|over\s+the|against\s+the|from\s+behind|"
    r"all\s+night|in\s+a\s+heartbeat|senseless|raw|\.|!)|"
    r"lick\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?(?:all\s+over|every\s+inch)|"
    r"(?:get|put|run|got|have)\s+my\s+hands\s+all\s+over(?=\s*[,.!]|\s+(?:you|her|him|them)(?![a-z]))|"
    r"on\s+(?:her|his|your)\s+knees\s+(?:under|behind)\s+(?:the|my|his|her)\s+desk|"
    r"show\s+(?:you|her|him)\s+what\s+a\s+real\s+(?:man|member|woman)\s+(?:looks|feels|is)|"
    r"(?:pics|pictures|photos|selfies)\s+of\s+(?:your|her|his)\s+(?:feet|body|legs|bum|arse|tits|boobs|chest|"
    r"underwear|knickers|bra)|"
    r"bent\s+over\s+and\s+(?:screaming|moaning|begging))(?![a-z])"
    # after "'s" (a name's: no word boundary before it) or "her"/"his"
    # (a name's body part; "her"/"his" only with a word that leers: "touching her boobs" in a
    # discussion is not aimed)
    r"|(?:'s\s+(?:(?:massive|big|huge|lovely|nice|perky|saggy|tight|juicy|great)\s+)?|(?<![a-z])(?:her|his)\s+"
    r"(?:massive|big|huge|lovely|nice|perky|saggy|tight|juicy|great)\s+)"
    r"(?:tits|titties|boobs|knockers|norks|cleavage|rack(?!\s+of))(?![a-z])"
    r"|(?:'s|(?<![a-z])her|(?<![a-z])his)\s+(?:(?:massive|big|lovely|nice|perky|tight|juicy|peachy)\s+)?(?:arse|ass|bum|"
    r"backside|behind)\s+in\s+(?:those|that|her|his|the|them)\s+(?:[a-z]+\s+)?(?:trousers|skirt|jeans|leggings|dress|"
    r"shorts|tights|knickers|pants|uniform)(?![a-z])"
)
_TRIGGERS = frozenset(
    "shag shagging shagged seeing rogering bang banging dicking suck show send dick cock knob pics pic "
    "lick takes taking took moans porn pornstar watch watching onlyfans only tied spank spanked spanking "
    "sit sat blow blowjob blowjobs hand handjob wank wanking nudes naked picture photo whenever when "
    "know bollocks fill bend filthy slag slut easy gagging fuck shag bonk hump bang finger gives give "
    "head seen seeing naked nude get got getting gets likes like loves love lick sleeps slept sleeping "
    "bed sack "
    "tits titties boobs knockers norks jugs baps rack cleavage arse ass bum backside behind body figure pair "
    "skirt dress top outfit blouse have do ruin wreck all every hands knees real pictures photos selfies "
    "bent".split()
)
# Sexual emoji (aubergine, peach, droplets, tongue, middle finger) aimed at someone.
SEXUAL_EMOJI = ("\U0001F346", "\U0001F351", "\U0001F4A6", "\U0001F445", "\U0001F595")


def maybe_sexual(a: Analysis, params: dict[str, Any]) -> bool:
    text = a.item.text or ""
    return not a.words.isdisjoint(_TRIGGERS) or (not text.isascii() and any(e in text for e in SEXUAL_EMOJI))


def sexual_content(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Sexual remarks, links or emoji aimed at a person (see the module docstring)."""
    # A council person by surname alone ("Smith's a ...") is a person too.
    target = a.target or ("a named councillor or member of staff"
                          if not a.words.isdisjoint(a.council_surnames) else "")
    if not target:
        return None
    found = SEXUAL_RE.finditer(a.text) if a.may_match(SEXUAL_RE) else ()
    spans = [a.span(m.start(), m.end()) for m in found if not a.reported(m.start(), m.end())]
    text = a.item.text or ""
    emoji = [e for e in SEXUAL_EMOJI if e in text] if not text.isascii() else []
    if not spans and not emoji:
        return None
    what = "sexual remarks" if spans else "sexual or obscene emoji"
    return Hit(spans=tuple(spans), detail=f"Found {what} aimed at {target}.")
