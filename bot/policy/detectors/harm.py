"""Threats found by structure rather than by template: harm x target x intent.

A sentence (read together with the sentences either side of it) is a threat when
it has all three of:

* **harm**: a word of violence by any means, with its inflections: verbs (kill,
  stab, torch, drown, poison, run over, strangle, string up...), weapons and
  means (knife, bullet, shotgun, hammer, petrol, acid, bricks, a chainsaw...) and
  the harm done ("in a wheelchair", "six feet under", "a broken jaw", "never walk
  again", "won't last the week", "make your life hell");
* **a target**: the person replied to ("you", "yourself"), him, her or them, an
  @mention, a councillor, the clerk or another role, one of the council's named
  people (full name or surname), "whoever voted for...", or their family,
  children, home, car, workplace ("your kids", "his car", "that bakery of
  yours", "the clerk's car", "the town hall");
* **intent or modality**: first-person future ("I'll", "we're going to", "I'm
  bringing"), a condition ("if", "unless", "keep it up", "one more", "touch my
  hedge and..."), a wish ("hope", "pray", "deserves", "should be", "I'd love to
  see"), or a veiled warning ("be a shame if", "better hope", "accidents happen").

Veiled intimidation that names no harm is a second, smaller form: knowledge of
someone's whereabouts or routine said to them ("I know what time you lock up",
"I'm outside your work", "we know which bedroom is the kids'"), a warning about
their family or things ("be a shame if the tyres got slashed", "wouldn't it be
awful if your daughter's pony got out", "keep his kids indoors").

Things as targets stay civil ("burn the whole consultation document", "I'm going
to strangle this printer", "the charges will kill the high street") and so do
idioms ("I could murder a bacon roll", "knock 'em dead", "drowning my sorrows",
"my mum will kill me"), warnings about hazards ("someone's going to break their
neck on that bridge") and the author's own family ("I'll kill my husband").
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.policy.normalise import normalise
from bot.policy.prefilter import PREFILTER, Alternatives, longest_first

# Harm by any means. Verbs of violence need a person as their object ("I'll
# drown you", "someone should torch his car") or as the one harmed ("the clerk
# should be pushed under a bus", "hope your house floods"); "this will hurt the
# high street" has no such object. Weapons and harm done need only a target nearby.
_VERB = (
    r"kill|murder|stab|shoot|poison|torch|burn|drown|flood|strangle|throttle|choke|hang|lynch|"
    r"batter|thump|punch|glass|slash|knife|hurt|harm|injure|maim|cripple|bury|"
    # round 5: more verbs of the same structure ("wring your neck", "behead him"); nouns
    # first ("stone", "butcher", "rip") are means below, with a narrower form
    r"wring|behead|slaughter|suffocate|smother|garrotte|mutilate|disembowel|kneecap|pummel|bludgeon"
)
_VERB_ED = (
    r"killed|murdered|stabbed|shot|poisoned|torched|burnt|burned|drowned|flooded|strangled|throttled|"
    r"choked|hanged|hung|lynched|strung\s+up|battered|thumped|punched|glassed|slashed|knifed|hurt|harmed|"
    r"injured|maimed|crippled|buried|smashed|beaten|kicked|keyed|butchered|slaughtered|beheaded|"
    r"kneecapped|bludgeoned|hit\s+by|pushed\s+(?:under|off|in\s+front)|thrown|"
    r"run\s+(?:over|off\s+the\s+road|down)|mown\s+down|knocked\s+(?:down|over|out)|set\s+(?:on\s+)?fire"
)
_VERB_ING = (
    r"(?:" + _VERB + r")(?:s|es|ed|ing|ning|bing|ming|ting)?|shot|strung|ran|threw|"
    r"(?:set|sets|setting)\s+fire\s+to|"
    r"str(?:ing|ung)"
)
_INTRANSITIVE = (r"hanging|strung\s+up|floods?|burns?|drowns?|dies?|rots?|chokes?|"
                 r"catch(?:es)?\s+fire|caught\s+fire|(?:go|goes|went)\s+up\s+(?:a\s+treat|in\s+flames|like\s+a|nicely|lovely)")
_MEANS = (
    r"(?:an?|few|some)\s+(?:[a-z']+\s+)?(?:bullets?|bricks?)(?![a-z])(?!\s+(?:points?|proof|wall|work))|"
    r"(?:with|bring|bringing|got|have|take|taking|put|puts|stick|use|using|pull|grab|pulled|grabbed|brought)\s+"
    r"(?:(?:a|an|my|some|the|this|that|few|his|her)\s+)?(?:[a-z']+\s+)?(?:bullets?|guns?|shotguns?|rifles?|knife|knives|blades?|machetes?|axe|hammer|"
    r"baseball\s+bat|chainsaw|spade|crowbar|iron\s+bar|acid|rat\s+poison|antifreeze|weedkiller|petrol|"
    r"lighter\s+fluid|bricks?)(?!\s+(?:control|laws?|violence|owners?|ownership|rights|crime|lobby|shops?|"
    r"safety|amnesty|points?|proof|holders?|racks?|debate|reform|deaths?|range|club|show|wound|"
    r"station|prices?|pumps?|cars?|wall|work))|one\s+match|flames|arson|"
    r"(?:break|breaking|broke|broken|snap)\s+(?:\w+\s+){0,4}?(?:legs?|arms?|neck|jaw|nose|bones?|fingers|skull|"
    r"kneecaps|teeth)|broken\s+(?:jaw|nose|legs?|neck|bones?)|"
    r"smash(?:es|ed|ing)?\s+(?:\w+\s+){0,2}(?:face|head|teeth|skull)\s+in|"
    r"smash(?:es|ed|ing)?\s+(?:your|his|her|their|the\s+\w+'?s)\s+(?:\w+\s+)?(?:windows?|car|van|windscreen)|"
    r"tyres?\s+(?:got\s+|get\s+)?slashed|brakes?\s+(?:don'?t\s+|do\s+|might\s+|could\s+)?fail|"
    r"cut\s+(?:\w+\s+)?brake|run\s+(?:\w+\s+){0,2}off\s+the\s+road|through\s+the\s+windscreen|"
    r"on\s+(?:its|it'?s)\s+roof|"
    r"(?:be|leaving|leave)\s+(?:\w+\s+){0,2}?on\s+a\s+stretcher|"
    r"(?:put|puts|leave|leaves|leaving|end\s+up|ends\s+up|go\s+home|carried\s+out|come\s+out|be|"
    r"walk\s+out)\s+(?:\w+\s+){0,4}?in\s+(?:(?:a|an|the)\s+)?(?:wheelchair|ambulance|box|coffin|body\s+bag|"
    r"hospital|ground|morgue|river|canal|brook|ditch|pond|quarry|severn)|"
    r"(?:6|six)\s*(?:ft|feet|foot)\s+under|pushing\s+up\s+daisies|"
    r"never\s+walk\s+(?:\w+\s+)?again|won'?t\s+be\s+walking|"
    r"won'?t\s+last\s+(?:the|a|another)\s+(?:week|night|day|month)|"
    r"(?:make|making)\s+(?:your|his|her|their)\s+life\s+(?:hell|a\s+(?:misery|living\s+hell))|"
    r"picking\s+(?:your|his|her)\s+teeth\s+up|teeth\s+(?:kicked\s+)?in|"
    r"burning\s+doesn'?t\s+take\s+long|caught\s+fire|go(?:es)?\s+up\s+in\s+(?:flames|smoke)|"
    r"a\s+visit\s+after\s+dark|"
    r"(?:your|ur|his|her|their)\s+(?:[a-z]+\s+)?(?:windows?|windscreen|front\s+door)\s+(?:are|is|'re|'s|will\s+be)\s+"
    r"(?:coming|going)\s+in|"
    r"(?:a\s+)?pile\s+of\s+(?:ashes|ash|rubble)|burn(?:t|ed)\s+(?:to\s+the\s+ground|down)|"
    r"(?:i'?ll|i\s+will|gonna|going\s+to|swear\s+i'?ll)\s+(?:(?:fucking|fuckin|fukin|fkn|fking|effing|bloody|"
    r"frigging)\s+)?end\s+(?:you|u|ya|him|her|them)(?![a-z])|"
    r"(?:see|find\s+out)\s+if\s+(?:you|u|he|she|they)\s+can\s+still\s+(?:walk|talk|stand|see|breathe)|"
    r"(?:car|cars|house|van|home|windows?|shop)\s+(?:gets|will\s+get|is\s+getting|'ll\s+get)\s+it(?![a-z])|"
    r"(?:knock|kick|punch|smash)(?:s|ed|ing)?\s+(?:your|ur|his|her|their)\s+(?:teeth|lights|head|block)\s+"
    r"(?:out|in|off)|"
    r"(?:spade|shovel|bat|brick|hammer|crowbar|plank|bottle|pint\s+glass|fist|iron\s+bar|golf\s+club)\s+"
    r"(?:across|over|round|to|in|into|through)\s+(?:the|his|her|your|ur|their)\s+(?:head|face|skull|knees|kneecaps|"
    r"back|legs|teeth|jaw)|"
    r"(?:a|an)\s+(?:[a-z]+\s+){0,2}?(?:kicking|hiding|beating|battering|thumping|slap|smack|glassing|pasting|"
    r"knuckle\s+sandwich)|"
    r"lesson\s+(?:\w+\s+)?(?:won'?t|will\s+never|never)\s+(?:get\s+up|forget)|"
    # round 5: tearing a person or a body part, stoning, setting alight, beating "out of"
    r"rip(?:s|ped|ping)?\s+(?:(?:your|ur|his|her|their)\s+(?:\w+\s+)?(?:head|face|throat|heart|eyes|arms?|legs?|"
    r"tongue|guts|spine|ears?)|(?:you|u|him|her|them)\s+(?:apart|to\s+(?:pieces|shreds)|limb\s+from\s+limb))|"
    r"ston(?:e|ed|ing)\s+(?:you|u|him|her|them|the\s+lot\s+of\s+(?:you|them))(?![a-z])|"
    r"(?:set|setting|sets)\s+(?:(?:your|ur|his|her|their)\s+(?:\w+\s+)?\w+|you|u|him|her|them)\s+"
    r"(?:alight|ablaze|on\s+fire)|"
    r"(?:beat|beating|kick|kicking|knock|knocking|thump|batter)\s+the\s+(?:living\s+)?(?:daylights|shit|crap|hell|"
    r"stuffing|life)\s+out\s+of|"
    r"wipe\s+(?:that|the)\s+(?:smug\s+)?(?:smirk|smile|grin)\s+off|"
    r"teeth\s+down\s+(?:your|ur|his|her|their)\s+throat|"
    # poison in an animal's or a person's food, petrol through the door
    r"(?:eat|eats|eating|ate|drink|drinks|drinking|lap|lapping)\s+(?:some\s+)?(?:antifreeze|rat\s+poison|weedkiller|"
    r"bleach|poison|slug\s+pellets)|(?:antifreeze|rat\s+poison|weedkiller|bleach|poison|slug\s+pellets)\s+in\s+"
    r"(?:its|his|her|their|your|the)\s+(?:food|water|bowl|drink|tea|feed|dinner)|something\s+extra\s+in\s+it|"
    r"petrol\s+(?:through|in|into|under)\s+(?:the|your|ur|his|her|their)\s+(?:letterbox|letter\s+box|door)|"
    r"(?:bottle|can|jerry\s*can|gallon)\s+of\s+petrol\s+(?:through|in|into|under)|firelighters?\s+(?:in|under|through|by|"
    r"against|behind)|"
    # illness wished on a person ("pray she has a stroke")
    r"(?:has|have|get|gets|getting)\s+a\s+(?:stroke|heart\s+attack|seizure|aneurysm)|"
    # a blow to a person named directly ("lamps the councillor", "deck him")
    r"(?:lamp|deck|chin|clout|wallop|whack|twat|glass)(?:s|ed|ped|ping|ing|ned|ning)?\s+(?:you|u|him|her|them|"
    r"the\s+(?:clerk|mayor|councillors?|chair(?:man|woman)?)|that\s+(?:clerk|councillor|woman|man)|cllr\s+[a-z]+)(?![a-z])|"
    r"(?:be\s+the\s+one|end\s+up|ends\s+up)\s+needing\s+(?:an?\s+)?(?:ambulance|surgeon|dentist|undertaker|coffin|"
    r"hospital\s+bed)"
)
# Idioms and things that look like harm and are not (masked before matching).
_IDIOM = (
    r"hang(?:s|ing)?\s+out|hung\s+out|hurt\s+(?:\w+\s+)?feelings|(?:wouldn'?t|won'?t|doesn'?t|never)\s+hurt\s+to|"
    r"(?:kill|hurt|harm)\s+(?:\w+\s+)?to\s+(?:say|admit|ask|try|be|listen|read|apologi[sz]e|check|have|smile)|"
    r"twist\s+the\s+knife|stab(?:s|bed|bing)?\s+(?:\w+\s+){0,2}in\s+the\s+back|knock(?:s|ed)?\s+(?:\w+\s+)?out\s+(?:in|of)\s+the\s+"
    r"(?:first|second|third|final|\w+th)|knock\s+(?:\w+\s+)?socks\s+off|shoot(?:ing)?\s+(?:\w+\s+)?mouth\s+off|kill\s+it\s+(?:at|in|on|tonight)|"
    r"killing\s+me|kill\s+for|killed\s+it|kill\s+(?:two|time|the\s+(?:lights|engine|floodlights))|"
    r"murder\s+an?\s+(?:\w+\s+)?(?:roll|curry|pint|tea|coffee|cuppa|brew|sandwich|pie|kebab|burger|chippy)|"
    r"my\s+(?:\w+\s+)?will\s+kill\s+me|(?:mum|mam|wife|husband|dad)\s+(?:will|would|'?ll)\s+kill\s+me|"
    r"drown(?:ing)?\s+(?:my|our|his|her)\s+sorrows|blew\s+\w+\s+away|knock\s+(?:'?em|them)\s+dead|"
    r"fire\s+(?:up|away|safety|station|service|brigade|alarm|alarms|door|doors|engine|works|fighters?|"
    r"drill|exit|escape)|fired\s+up|on\s+fire|bonfire|fireworks?|smash(?:ed|ing)?\s+it|"
    r"break\s+a\s+leg|break\s+(?:their|his|her|your)\s+(?:neck|legs?)\s+on|death\s+trap|car\s+crash\s+of|"
    r"shoot\s+(?:\w+\s+)?(?:an?\s+)?(?:email|e-mail|message|text|line|dm)|shot\s+(?:down|at\s+(?:the\s+)?title)|"
    r"burn(?:ing)?\s+(?:the\s+)?(?:midnight\s+oil|bridges|calories|a\s+hole)|flood(?:ing|ed)?\s+(?:warnings?|"
    r"defences|risk|alleviation|plain|lights)|fire\s+and\s+rescue|hurt(?:s|ing)?\s+my\s+(?:head|eyes|ears)|"
    r"take\s+a\s+hammer\s+to\s+(?:that|the|this)|bat\s+(?:an\s+)?eyelid|"
    r"strangle\s+(?:this|that|the)\s+(?:printer|computer|laptop|machine|meter)|"
    r"kill\s+(?:this|the|our|my|a)\s+(?:town|high\s+street|village|shop|business|market|plan|idea|scheme|pub)|"
    r"(?:will|would|'?ll|going\s+to)\s+kill\s+(?:off\s+)?(?:this|the|our|that)\s+(?:\w+\s+)?(?:town|street|village|"
    r"market|shops?|businesses|end\s+of\s+town|community|trade|footfall)|"
    r"burn\s+(?:the|this|that|it\s+all|everything)\s+(?:whole\s+)?(?:\w+\s+)?(?:document|report|plan|leaflet|"
    r"consultation|paper|strategy|minutes|form)|"
    r"petrol\s+(?:station|prices?|pumps?|car)|matches\s+(?:on|at|this|every|today|tonight)|football\s+matches|"
    r"bat(?:s)?\s+(?:survey|box|boxes|roost)|"
    # round 5: sport and quizzes ("we'll kill them on Saturday", "slaughter 'em in the derby")
    r"(?:kill|murder|batter|destroy|smash|thrash|hammer|slaughter|annihilate|bury|crush)\s+(?:them|'?em|us)\s+"
    r"(?:on|at|in|this|next)\s+(?:saturday|sunday|monday|tuesday|wednesday|thursday|friday|the\s+(?:derby|final|"
    r"match|game|league|cup|quiz|semi|replay|pitch|rematch))|"
    r"rip(?:s|ped|ping)?\s+(?:into|up)|wish\s+(?:\w+\s+){0,2}?(?:well|a\s+(?:speedy|quick|full))|get\s+well|"
    r"hang(?:s|ing)?\s+up\s+(?:on|the\s+phone|immediately|straight)|"
    r"(?:flood|bombard|swamp)(?:s|ed|ing)?\s+(?:[a-z']+\s+){0,3}?with\s+(?:\w+\s+)?(?:emails|e-mails|letters|complaints|"
    r"messages|objections|calls|comments|responses|questions|petitions|postcards)|brick\s+(?:wall|work|built|kiln)|red\s+brick|hung\s+(?:jury|parliament)"
)
# Who or what the harm is aimed at. {people} is filled in with the council's named people.
_OWNED = (
    r"(?:family|kids?|children|child|boy|lad|girl|son|daughter|grandkids|grandchildren|wife|husband|partner|"
    r"mum|mother|dad|father|dog|cat|pony|horse|house|home|place|car|van|lorry|truck|tyres|brakes|windows?|"
    r"letterbox|front\s+door|door|office|shop|business|bakery|garden|cellar|drive|driveway|work|legs|face|"
    r"head|teeth|jaw|tea|coffee|drink|bedroom|roof|gate|kitchen|shed|garage|porch|conservatory|greenhouse|"
    r"allotment|caravan|boat|bike|fence|hedge|flat|surgery|salon|pub|yard|farm|barn|stables|animals|driver|"
    r"drivers|workers?|lads|mates?|"
    # round 5: the body ("snap your neck", "punch his lights out", "knock your block off")
    r"neck|throat|nose|arms?|skull|knees?|kneecaps|fingers|bones|ribs|eyes?|lights|block|guts|heart|brains?|"
    r"missus|mrs|other\s+half|nan|gran|grandad|grandma|ponies|pets|puppy|spaniel|terrier)"
)
_TARGET = (
    # "before someone hurts them selves": the split reflexive is no one else
    r"(?:you|u|ya|yer|youse|him|her|them)(?!\s+(?:self|selves)(?![a-z]))|the\s+lot\s+of\s+(?:you|them)|you\s+lot|"
    r"(?:all|every\s+(?:one|last\s+one|single\s+one))\s+of\s+(?:you|them)|whoever\s+[a-z]+|anyone\s+who\s+[a-z]+|"
    r"(?:the|that|this|our|every|the\s+next|a\s+few)\s+(?:clerk|mayor|councillors?|cllrs?|officers?|chair(?:man|woman)?|"
    r"driver|groundsman|staff|warden)|councillors?|cllrs?|clerk|mayor|"
    r"(?:your|ur|yer|his|her|their)\s+(?:\w+\s+){0,2}?" + _OWNED + r"|"
    r"(?:\w+\s+)?" + _OWNED + r"\s+of\s+(?:yours|his|hers|theirs)|"
    r"(?:clerk|chair|councillor|mayor|{surnames})'?s\s+(?:\w+\s+){0,2}?" + _OWNED + r"|"
    r"the\s+town\s+hall|the\s+council\s+(?:office|offices|chamber|building)|"
    r"(?:the\s+)?(?:whole|entire)\s+(?:council|committee|cabinet|lot)|(?:that|this)\s+(?:woman|man|bloke|cow)|"
    r"@\w+|{people}"
)
_INTENT = (
    r"i'?ll|i\s+will|ill|ah'?ll|imma|ima|i'?m\s+(?:going|gonna|coming|bringing|taking)|i\s+am\s+(?:going|coming)|gonna|"
    r"going\s+to|we'?ll|we\s+will|we'?re\s+(?:going|coming)|i'?d|i\s+would|i\s+want\s+to|"
    r"(?:some|any)(?:one|body)\s+(?:should|ought|needs?|must|will|'?ll|is\s+going|'?s\s+going|could)|let'?s|"
    r"(?:we|they|people|you)\s+(?:should|ought\s+to|need\s+to|must)|"
    r"(?:tenner|fiver|score|pint|drink|reward|£\d+|\d+\s+quid)\s+(?:to|for)\s+(?:anyone|anybody|whoever|the\s+first)|"
    r"time\s+(?:some(?:one|body)|we|people)|"
    r"you'?ll|you\s+will|you'?re\s+getting|you\s+won'?t|you'?d|there'?s\s+(?:a|going)|"
    r"(?:is|are|'?s|'?re)\s+going\s+through|are\s+paying|is\s+paying|next\s+(?:time|meeting)|"
    r"tonight|see\s+if\s+i\s+don'?t|would|'?d\s+go|bring(?:ing)?|it\s+would\s+take|would\s+be\s+too\s+good|gets?\s+an?|getting\s+an?|"
    r"will\s+get|'?ll\s+get|will\s+be|'ll\s+be|won'?t\s+be|be\s+round|won'?t\s+last"
)
_CONDITION = (
    r"if|unless|(?:had\s+)?better\s+not|say\s+that\s+(?:again|to\s+my\s+face)|or\s+else|otherwise|keep\s+(?:it|this|that|on|ignoring|pushing)|carry\s+on|one\s+more|"
    r"again\s+and|do\s+that\s+again|touch|vote\s+(?:to|for|against)|pass\s+the|close\s+the|give\s+me|"
    r"think\s+(?:on|about)\s+that|before\s+(?:the|tuesday|monday|wednesday|thursday|friday|next)|"
    r"eye\s+for\s+an\s+eye|you'?ve\s+cost\s+me"
)
_WISH = (
    r"hope|hoping|wish|pray|deserves?|should\s+be|ought\s+to\s+be|needs?\s+to\s+be|"
    r"(?:i'?d|i\s+would|we'?d)\s+(?:love|like)\s+to\s+see|too\s+good\s+for|look\s+(?:good|better)\s+with|"
    r"the\s+sooner|nobody\s+will\s+be\s+sorry|one\s+of\s+these\s+(?:days|nights|mornings|evenings)"
)
# The council's vehicles, or the council itself addressed as "you", are no person to intimidate:
# "I know where you park your gritter lorry", "I know where you live, Thornbury Town Council".
COUNCIL_VEHICLES = (r"(?:your|the|its|their)\s+(?:[a-z]+\s+)?(?:gritters?|lorr(?:y|ies)|trucks?|wagons?|buses|"
                    r"tractors?|mowers?|sweepers?|diggers?|fleet|skips?|trailers?|vehicles)(?![a-z])")
COUNCIL_ADDRESSED = (r"[,:;\s]+(?:the\s+)?(?:[a-z]+\s+){0,2}?(?:town|parish|district|county|city|borough)\s+"
                     r"council(?![a-z])")
_VEILED = (
    r"(?:shame|pity|awful|terrible|sad)\s+(?:if|about)|accidents?\s+(?:happen|can\s+happen)|funny\s+how|"
    r"(?:be|being|wants?\s+to\s+be|better\s+be)\s+careful|careful\s+who|better\s+hope|you'?d\s+better|"
    r"if\s+i\s+were\s+you|won'?t\s+be\s+smiling|see\s+(?:what\s+happens|how\s+brave)|let'?s\s+see|"
    r"choose\s+your\s+words|short\s+temper|don'?t\s+bother\s+(?:ringing|calling)\s+the\s+police|"
    r"more\s+than\s+talk|(?:i|we)\s+know\s+(?:where|what\s+time|which|when|your)|been\s+watching|"
    r"the\s+(?:thing|one|people)\s+you\s+love|something\s+of\s+yours|people\s+like\s+(?:you|him|her)|"
    r"(?:i'?m|i\s+am)\s+not\s+joking|(?:last|final)\s+warning|wonder\s+how\s+(?:well|long|fast|quick)|"
    r"think\s+about\s+that|just\s+saying"
)
# Veiled intimidation that needs no harm word, only a target in the same sentences.
_VEILED_ALONE = (
    r"(?:find\s+out|learn|discover)\s+what\s+happens\s+(?:to\s+(?:people|those|anyone|folk|you|him|her|them|your|his|their)|"
    r"when\s+(?:you|people|anyone|someone|they)\s+(?:cross|mess|upset|annoy|push|wind))|what\s+happens\s+to\s+(?:people|those|anyone|folk)\s+who|"
    r"(?:people|those|anyone|folk)\s+who\s+cross(?:es)?\s+(?:me|us)|cross\s+me\s+again|"
    r"(?:shame|pity|awful|terrible)\s+if\s+(?:it|she|he|they|you|something|anything)\s+(?:had|ate|got|fell|"
    r"went\s+missing|caught|suffered|disappeared|tripped|swallowed)(?![a-z])|"
    r"(?:your|his|her|their)\s+brake\s+lines?|brake\s+lines?\s+(?:are|is|look)|"
    # round 5: sabotage of a car, a child not coming home, "glass won't stop me"
    r"brake\s+(?:pipes?|cables?|hoses?|fluid)\s+(?:are|is|can|could|get|got)|wheel\s+nuts\s+(?:had\s+been\s+|were\s+|"
    r"got\s+|get\s+|was\s+)?loosen(?:ed)?|"
    r"(?:shame|pity|awful|terrible)\s+if\s+(?:they|she|he|the\s+kids|the\s+children)\s+(?:stopped|never|didn'?t)\s+"
    r"(?:coming|came|come)\s+home|"
    r"(?:glass|locks?|bolts?|doors?|the\s+police|a\s+door)\s+(?:won'?t|will\s+not|can'?t)\s+stop\s+(?:me|us)|"
    r"(?:teach|show)\s+(?:[a-z']+\s+){0,3}?what\s+it\s+feels\s+like\s+to\s+(?:lose|suffer|be\s+hurt|burn|bleed)|"
    r"route\s+(?:[a-z']+\s+){0,3}?(?:walks|drives|cycles|takes|runs)\s+home|"
    r"(?:won'?t|will\s+not|wont)\s+make\s+it\s+(?:[a-z']+\s+){0,4}?(?:afterwards|alive|in\s+one\s+piece)|"
    r"(?:i'?m|i\s+am)\s+not\s+braking|speed\s+bump\s+treatment|"
    r"(?:i|we)\s+know\s+(?:which|where)\s+(?:[a-z]+\s+){0,2}?(?:the\s+(?:clerk|councillor|mayor)|cllr\s+[a-z]+)\s+"
    r"(?:keeps?|lives?|parks?|works?|walks?|goes|sleeps?|drops?)|"
    r"(?:will|i'?ll|we'?ll|they'?ll)\s+(?:be\s+)?waiting\s+[^.!?]{0,30}?for\s+(?:you|u|him|her|them|(?:your|his|her|the\s+[a-z]+'s)\s+"
    r"(?:little\s+)?(?:girl|boy|kids|children|son|daughter|wife|husband))(?![a-z])"
    r"(?!\s+(?:with\s+(?:tea|cake|coffee|a\s+cuppa|open\s+arms|biscuits)|at\s+the\s+(?:finish|end)))|"
    r"(?:people|others|folk)\s+have\s+(?:disappeared|gone\s+missing|been\s+hurt|ended\s+up\s+\w+)\s+for\s+less|"
    r"careful\s+who\s+(?:you|she|he|they)\s+(?:upsets?|cross(?:es)?|annoys?|mess(?:es)?\s+with)|"
    r"(?:i|we)\s+know\s+(?:your|his|her|their)\s+(?:routine|movements|schedule|habits|timetable)|"
    r"(?:you'?ll|you\s+will|he'?ll|she'?ll|they'?ll)\s+be\s+sorry(?!\s+(?:you|to|if|that|for|about)(?![a-z]))"
    r"(?!\s+(?:at|come|in)\s+(?:the\s+)?(?:ballot|polls|election|next\s+election|may|local\s+elections))|"
    r"when\s+(?:i'?m|i\s+am|we'?re)\s+(?:finished|done)\s+with\s+(?:you|u|him|her|them)|"
    r"(?:i'?m|we'?re|i\s+am|we\s+are)\s+coming\s+for|follow(?:ing)?\s+(?:you|u|him|her|them)\s+home|"
    r"get\s+what\s+(?:you|they|he|she)\s+deserves?|"
    r"see\s+how\s+(?:tough|hard|brave|big|clever|mouthy|cocky)\s+(?:you|he|she|they)\s+(?:are|is|really\s+are)|"
    r"make\s+(?:you|u|him|her|them)\s+pay(?!\s+(?:for\s+parking|the|a|your|his|her|more|less|back))|"
    r"sleep\s+with\s+(?:one\s+eye\s+open|the\s+lights?\s+on|a\s+knife|a\s+bat)|"
    r"check\s+(?:your|ur|his|her|their)\s+(?:brakes|wheel\s+nuts)|check\s+under\s+(?:your|ur|his|her|their)\s+car|"
    r"(?:friends|mates|lads|boys)[\s,]+(?:\w+[\s,]+){0,3}?(?:aren'?t|are\s+not|who\s+aren'?t|who\s+are\s+not)\s+"
    r"(?:friendly|nice|as\s+nice|so\s+nice|very\s+nice)|"
    r"give\s+(?:[a-z]+\s+){1,3}?what\s+(?:she|he|they|you)\s+(?:deserves?|has\s+coming|had\s+coming)|"
    r"(?:i'?ll|i\s+will|we'?ll|we\s+will)\s+be\s+(?:outside|at|round)\s+(?:your|ur|his|her)\s+(?:house|home|door|"
    r"work|office|place|shop|school)|"
    r"what'?s\s+coming\s+to\s+(?:you|u|ya|him|her|them)|get(?:s|ting)?\s+what'?s\s+coming|"
    r"days\s+(?:are|is)\s+numbered|"
    r"watch\s+(?:your|ur|yer|my|his|her|their)\s+backs?|"
    r"watch\s+(?:yourself|yourselves|himself|herself)(?!\s+(?:on|near|by|round|around|crossing|in\s+the\s+(?:rain|wet)))|"
    r"look(?:ing)?\s+over\s+(?:your|ur|his|her|their)\s+shoulders?|"
    r"(?:won'?t|will\s+not|wont)\s+be\s+(?:so\s+)?(?:smug|laughing|cocky|brave|mouthy|clever|gobby)\s+when\s+"
    r"(?:i|we)\s+(?:catch|get\s+hold\s+of|find|corner|get)|"
    r"(?:get|gets|got|lay|put)\s+(?:my|our)\s+hands\s+on|"
    r"never\s+(?:feel|feels|be|is)\s+safe\s+(?:again|in\s+(?:this|the|their|his|her|your)|at\s+home|walking)|"
    r"make\s+sure\s+(?:[^\s.!?]+\s+){1,3}?(?:never|won'?t)\s+(?:feel|feels|sleep|sleeps|rest|rests)|"
    r"(?:little|friendly|quiet|wee|home)\s+visit|visit\s+(?:you|him|her|them)\s+at\s+home|"
    # a knock on the door at night (not "I'll knock on your door if the parcel comes")
    r"knock\s+on\s+(?:your|ur|his|her|their)\s+(?:front\s+)?door\s+(?:[^.!?]{0,20}?)(?:tonight|one\s+night|"
    r"some\s+night|at\s+night|after\s+dark|late|at\s+\d{1,2}\s*am|in\s+the\s+(?:middle\s+of\s+the\s+)?night|"
    r"when\s+you\s+least|soon|next|and\s+(?:see|we'?ll|i'?ll))|"
    r"visit\s+from\s+(?:me\s+and\s+)?(?:my|the|some\s+of\s+my)\s+(?:lads|boys|mates|friends)|"
    r"make\s+(?:you|u|ya|him|her)\s+(?:disappear|vanish)(?![a-z])|"
    r"(?:next\s+time|when|once|the\s+day)\s+(?:i|we)\s+(?:see|catch|get|find|meet|run\s+into|bump\s+into)\s+"
    r"[^.!?]{0,40}?(?:regret|be\s+sorry|wish\s+(?:you|he|she)\s+(?:hadn'?t|never))|"
    r"(?:i|we)\s+know\s+(?:where|what\s+time|which|when)\s+(?:you|u|your|he|she|his|her|they)(?!\s*'?re\s+coming\s+from)"
    rf"(?!\s+(?:park|parks)\s+{COUNCIL_VEHICLES})(?!\s+[a-z]+{COUNCIL_ADDRESSED})|"
    r"(?:i|we)\s+know\s+(?:you|u|he|she|they)\s+(?:work|works|live|lives|walk|walks|park|parks|drive|drives|"
    r"finish|finishes|leave|leaves|lock\s+up|locks\s+up)\s+(?:at|on|in|from|round|past|the|every|alone|"
    r"late|early|by)|"
    r"accidents?\s+(?:happen|can\s+happen)|checking\s+under\s+(?:your|his|her|the)\s+car|"
    r"(?:take|taking)\s+something\s+of\s+yours|the\s+thing\s+you\s+love\s+most|"
    r"sees?\s+what\s+happens\s+to\s+(?:[^\s.!?]+\s+){0,5}?(?:your|you|him|her|them|whoever|the\s+people)|"
    r"shame\s+about\s+(?:all\s+)?(?:that|the|your)\s+(?:glass|windows?|car|house|garden|tyres)|"
    r"(?:your|his|her)\s+(?:wife|husband|partner|kids|children|son|daughter|boy|girl|family|mum|dad)\s+"
    r"(?:wants?|needs?|had\s+better|should|ought)\s+(?:to\s+)?(?:be\s+careful|take\s+care|watch\s+out)|"
    r"(?:i'?ve|we'?ve|i\s+have|we\s+have)?\s*been\s+watching\s+(?:you|your|his|her|him)|"
    r"(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:outside|at)\s+(?:your|ur)\s+(?:work|house|home|door|office|"
    r"place|school)|"
    r"(?:shame|pity|awful|terrible)\s+if\s+(?:\w+\s+){0,4}?(?:your|his|her|the)\s+(?:\w+\s+){0,2}?"
    r"(?:tyres|brakes|windows?|house|car(?!\s+(?:boot|park|parks|sale|wash|show))|kids|children|daughter|son|wife|"
    r"husband|dog|cat|pony|family|shop|home)|"
    r"(?:shame|pity)\s+if\s+something\s+(?:happened|were\s+to\s+happen)|"
    r"keep\s+(?:his|her|your|their)\s+(?:kids|children|family|daughter|son)\s+(?:indoors|inside|close|at\s+home)|"
    r"(?:same|usual)\s+(?:way|route)\s+home|walk\s+to\s+the\s+car\s+park\s+alone|"
    r"you\s+always\s+leave|which\s+bedroom|be\s+careful\s+who\s+you\s+upset|"
    r"(?:your|his|her|[a-z]+'s)\s+(?:little\s+)?(?:boy|son|lad|girl|daughter|kids|children|grandkids)\s+"
    r"(?:\w+\s+){0,3}?"
    r"(?:plays?|walks?|goes|go|catch(?:es)?|training|come\s+out\s+of\s+school)\s+(?:[^\s.!?]+\s+){0,10}?"
    r"(?:morning|afternoon|evening|night|monday|tuesday|wednesday|thursday|friday|saturday|sunday|gate|"
    r"\d{1,2}[.:]\d{2})"
)
# Bringing a weapon to the council's meeting or office needs no other target.
_ARMED = (
    r"(?:bring|bringing|brings|take|taking)\s+(?:a|an|my|some|the)\s+(?:hammer|knife|knives|baseball\s+bat|bat|"
    r"gun|shotgun|rifle|petrol|machete|axe|crowbar|acid|blade)(?![a-z])(?:[^.!?]{0,40})"
    r"(?:meeting|council|office|surgery|town\s+hall|chamber)"
    r"|(?:i'?ll|who'?s|we'?ll|i\s+will)\s+(?:bring|bringing)\s+the\s+(?:matches|petrol|lighter\s+fluid|accelerant)"
    r"|with\s+(?:a|an|my)\s+(?:can\s+of\s+petrol|jerry\s*can|petrol\s+can|claw\s+hammer|machete|shotgun|crowbar|"
    r"baseball\s+bat)(?:[^.!?]{0,40})(?:meeting|council|office|surgery|town\s+hall|chamber)"
    r"|(?:meeting|chamber|surgery|office)\s+with\s+(?:a|an)\s+(?:can\s+of\s+petrol|petrol\s+can|jerry\s*can|"
    r"claw\s+hammer|hammer|knife|machete|shotgun|gun|crowbar|baseball\s+bat|axe)"
    r"|(?<![a-z])me\s+and\s+(?:a|an)\s+(?:claw\s+hammer|hammer|machete|baseball\s+bat|crowbar|shotgun|knife|axe)"
    r"|(?:next|the|that|this|tonight'?s)\s+(?:council\s+)?meeting(?:[^.!?]{0,30})(?:i'?m|i\s+am|we'?re)\s+"
    r"(?:bringing|taking)\s+(?:a|an|my|some)\s+(?:hammer|knife|knives|baseball\s+bat|bat|gun|shotgun|rifle|"
    r"petrol|machete|axe|crowbar|acid|blade)"
)
# A sentence that starts with a violent verb is an order or incitement ("Throw her off the bridge").
_IMPERATIVE = re.compile(r"[\s\"'(]*(?:just\s+|somebody\s+|someone\s+)?(?:throw|push|chuck|shove|kill|shoot|burn|torch|"
                         r"hang|drown|stab|string|batter|smash|poison|lynch|knife|run|line|put|tie|drag|round\s+up)(?![a-z])")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")

def _inflections(stems: str) -> frozenset[str]:
    out = set()
    for stem in stems.split():
        last = stem[-1]
        double = stem + last if last in "bgmnpt" and stem[-2] in "aeiou" and stem[-3:-2] not in "aeiou" else stem
        out |= {stem, stem + "s", stem + "es", stem + "ed", stem + "d", stem + "ing", double + "ing",
                double + "ed", stem.rstrip("e") + "ing"}
    return frozenset(out)


# Every match of the patterns above contains one of these words (as ``WORD_RE``
# splits them): the engine's cheap gate runs the structural check only then.
# ``tests/policy/test_harm.py`` checks the gate against every corpus post.
HARM_WORDS = _inflections(
    "kill murder stab shoot poison torch burn drown flood strangle throttle choke hang lynch batter "
    "thump punch glass slash knife hurt harm injure maim cripple bury smash beat kick push throw chuck "
    "run mow knock break set put die rot catch go hit "
    "wring behead slaughter suffocate smother garrotte mutilate disembowel kneecap pummel bludgeon rip stone"
) | frozenset(
    "shot strung string ran threw thrown broke broken beaten hung mown caught goes burnt buried "
    "bullet bullets gun guns shotgun shotguns rifle rifles knives blade blades machete machetes axe "
    "hammer bat chainsaw spade crowbar bar acid antifreeze weedkiller petrol match lighter flames arson "
    "brick bricks tyre tyres brake brakes cut windscreen roof wheelchair ambulance box coffin body "
    "hospital ground morgue ft 6ft feet foot six daisies walk walking last life teeth smoke dark lesson "
    "burning fire hanging bring bringing brings take taking end pile ashes ash rubble window windows "
    "windscreen door still river canal brook ditch pond quarry severn put puts putting send sends "
    "sending drag drags dragged dragging hurl hurls hurled hurling through "
    "keyed butchered alight ablaze wipe snap snapped snapping eat eats eating ate drink drinks drinking lap "
    "lapping bleach slug extra firelighter firelighters stroke attack seizure aneurysm lamp lamps lamped "
    "lamping deck decks decked decking chin chins chinned chinning clout clouts clouted wallop walloped whack "
    "whacked twat twats twatted needing jerrycan".split()
)
VEILED_WORDS = frozenset(
    "find happens cross coming days numbered back backs yourself yourselves himself herself shoulder "
    "learn discover finished done follow following deserve tough hard big knock kick punch smash teeth "
    "lights head block walk walks past "
    "it had ate got fell caught suffered disappeared tripped swallowed brake lines waiting less careful "
    "routine movements schedule habits timetable gets matches petrol lighter accelerant little "
    "stretcher bag pay sleep check brakes nuts friends mates lads boys deserves deserve coming "
    "spade shovel plank bottle fist club ah ahll imma ima getting "
    "shoulders smug laughing cocky brave mouthy clever gobby hands safe sure visit door regret sorry "
    "know watching outside shame pity awful terrible keep same usual always bedroom careful accident "
    "accidents checking something thing see plays play walks walk goes go gets catch catches training "
    "come wants want needs need had should ought sees disappear vanish stop teach show feels route afterwards "
    "alive braking bump".split()
)


@lru_cache(maxsize=64)
def _compiled(people: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    names, surnames = [], []
    for person in people:
        parts = [w for w in normalise(person).text.replace(".", " ").split() if w]
        parts = [w for w in parts if w not in {"cllr", "councillor", "mr", "mrs", "ms", "dr", "mayor"}]
        if parts:
            names.append(r"\s+".join(map(re.escape, parts)))
            names += [re.escape(parts[-1]), re.escape(parts[0])]
            surnames.append(re.escape(parts[-1]))
    people_re = "|".join(longest_first(names)) or r"(?!x)x"
    target = _TARGET.replace("{people}", people_re).replace("{surnames}", "|".join(surnames) or r"(?!x)x")

    def words(p: str) -> re.Pattern[str]:
        return re.compile(r"(?<![a-z'])(?:" + p + r")(?![a-z])")

    active = rf"(?:{_VERB_ING})\s+(?:[a-z']+\s+){{0,3}}?(?:{target})"
    # Verbs that are violent only with a direction: "push her under", "run him off the road".
    directed = (rf"(?:push|shove|throw|chuck|run|mow|knock|kick|beat|put|send|drag|hurl)(?:s|es|ed|ing|ning|ting)?\s+"
                rf"(?:{target})\s+"
                r"(?:[a-z']+\s+)?(?:under|off|in\s+front\s+of|over|out\s+cold|senseless|black\s+and\s+blue|"
                r"to\s+(?:death|a\s+pulp)|in(?:to)?\s+(?:the|a)\s+(?:river|brook|canal|pond|ditch|road|traffic|severn)|"
                r"out\s+of\s+(?:that|the|his|her|their)\s+(?:chamber|house|car|office|meeting|bed)|"
                r"through\s+(?:the|a|an|his|her|your|their|that)\s+(?:[a-z]+\s+)?(?:window|windscreen|wall|door|"
                r"table|floor|hedge|fence|glass))")
    passive = (rf"(?:{target})\s+(?:[a-z']+\s+){{0,6}}?(?:be|get|gets|got|getting|been|being|end\s+up|ends\s+up|"
               r"wind\s+up)\s+"
               rf"(?:[a-z']+\s+)?(?:(?:taken|dragged|marched|frogmarched)\s+(?:[a-z']+\s+){{0,3}}?and\s+)?(?:{_VERB_ED})")
    intransitive = rf"(?:{target})\s+(?:[a-z']+\s+){{0,2}}?(?:{_INTRANSITIVE})"
    # "someone should torch it" after "the clerk's car": "it" is the target's thing.
    active_it = rf"(?:{_VERB_ING})\s+it(?![a-z'])"
    harm = "|".join((active, directed, passive, intransitive, active_it, _MEANS))
    return (words(harm), words(_IDIOM), words(target), words(_INTENT), words(_CONDITION),
            words(_WISH), words(_VEILED), words(_VEILED_ALONE), words(_ARMED))


def structure_needs(people: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """The patterns of which ``structural_threat`` needs one to match (harm, a weapon,
    veiled intimidation alone): a text none of them can match is left alone."""
    harm, _, _, _, _, _, _, veiled_alone, armed = _compiled(people)
    return harm, armed, veiled_alone


@lru_cache(maxsize=64)
def structure_alternatives(people: tuple[str, ...]) -> tuple[Alternatives, ...]:
    """``_compiled``'s patterns, each tried alternative by alternative (``bot.policy.prefilter``)."""
    return tuple(PREFILTER.alternatives(p) for p in _compiled(people))


def structure_mask(people: tuple[str, ...]) -> int:
    """The pre-filter bits ``structural_threat`` reads."""
    mask = 0
    for alternatives in structure_alternatives(people):
        mask |= alternatives.mask
    return mask


def structural_threat(text: str, people: tuple[str, ...],
                      bits: int | None = None) -> tuple[tuple[int, int], str] | None:
    """The span and kind of the first threat found by structure in normalised ``text``.

    ``bits``: ``PREFILTER.scan`` bits of ``text`` covering ``structure_mask``, so only
    the alternatives of each pattern that could match are tried (the idiom-masked
    text only loses strings, so the bits hold for it too); ``None`` tries the whole
    patterns.
    """
    harm, idiom, target, intent, condition, wish, veiled, veiled_alone, armed = structure_alternatives(people)
    masked = idiom.blank(text, bits)
    sentences = [m.span() for m in _SENTENCE.finditer(masked)] or [(0, len(masked))]
    for i, (start, end) in enumerate(sentences):
        lo = sentences[max(0, i - 1)][0]
        hi = sentences[min(len(sentences) - 1, i + 1)][1]
        found = harm.search(masked, bits, start, end)
        if found is not None and target.search(masked, bits, lo, hi) is not None:
            if _IMPERATIVE.match(masked, start) is not None:
                return found.span(), "a call to harm someone"
            if condition.search(masked, bits, start, end) is not None:  # "if" only in the same sentence
                return found.span(), "a conditional threat"
            for kind, pattern in (("a statement of violent intent", intent),
                                  ("a wish that someone is harmed", wish),
                                  ("veiled intimidation", veiled)):
                if pattern.search(masked, bits, lo, hi) is not None:
                    return found.span(), kind
        weapon = armed.search(masked, bits, start, end)
        if weapon is not None:
            return weapon.span(), "a threat with a weapon"
        alone = veiled_alone.search(masked, bits, start, end)
        if alone is not None and target.search(masked, bits, lo, hi) is not None:
            return alone.span(), "veiled intimidation"
    return None


# What the threat second opinion reads before it takes a post from another ground
# (``bot.policy.detectors.statistical.abuse_classifier``, ``yield_without_harm``): a word of
# violence, a weapon, an injury or death, or menace ("you'll regret it", "be careful", "a
# visit", "tick tock"), or the target's family or home ("your kids", "his car"). The model's
# threat head also rises on insults, sexual remarks and exclusion that carry none of these.
VIOLENCE_WORDS = _inflections(
    "kill murder stab shoot poison torch burn drown strangle throttle choke hang lynch batter thump punch "
    "slash knife hurt harm injure maim cripple bury smash beat kick attack assault flog whip bomb firebomb "
    "bleed behead slaughter suffocate smother kneecap pummel bludgeon rearrange wallop whack deck lamp "
    "glass mow stone jump bust"
) | frozenset(
    "shot dead death deaths dying die dies died blood bullet bullets gun guns shotgun shotguns rifle rifles "
    "knives blade blades machete machetes axe hammer bat bats brick bricks crowbar acid antifreeze "
    "weedkiller petrol arson alight ablaze flames fire fires coffin grave graves hospital ambulance "
    "wheelchair morgue broken broke bones violence violent beaten hung strung crossbow painful pain "
    "lesson permanently "
    # menace
    "regret warning warned warn careful happen happens happened accident accidents visit safe alone "
    "lonely dark watch watching routine tick tock coming volunteers pity".split()
)
_TARGETS_OWN_RE = re.compile(
    r"(?<![a-z])(?:your|ur|yer|his|her|their|[a-z]+'s)\s+(?:[a-z]+\s+)?(?:wife|husband|partner|kids?|children|sons?|"
    r"daughters?|lad|boy|girl|family|mum|dad|house|home|car|van|windows?|shop|garden|dog|cat|pets?)(?![a-z])"
    r"(?!\s+(?:park|parks|parking|boot\s+sale))")
# Intent, a condition or a wish: "I'll", "gonna", "if", "or else", "next time", "hope", "should".
INTENT_WORDS = frozenset(
    "will ll shall gonna going wanna if unless else next hope hoping wish pray should would d ought "
    "deserve deserves before till until let lets someone somebody won wont then remember".split())


def harm_cue(text: str, words: frozenset[str]) -> bool:
    """Does the post carry a word of violence or menace, or name the target's family or home?"""
    return not words.isdisjoint(VIOLENCE_WORDS) or _TARGETS_OWN_RE.search(text) is not None


def intent_cue(words: frozenset[str]) -> bool:
    """Does the post speak of what will, could or should happen (intent, a condition, a wish)?"""
    return not words.isdisjoint(INTENT_WORDS)
