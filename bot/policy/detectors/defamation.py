"""Accusations of crime, dishonesty or sexual offences against a specific person.

Only for the clerk's judgement (a true statement is not defamatory; fair comment
is allowed): the rule proposes nothing. It needs both, in the same sentence:

* a specific person: one of the council's named people (also by surname), a
  titled name ("Cllr Brown", "Mrs Doyle"), a full name ("Dave Pryor"), the clerk
  or the mayor, or "he"/"she" in a post that names someone;
* an accusation: "has been fiddling his expenses", "rigged the tender", "took a
  cut", "is a known fence for stolen goods", "lied under oath", "is on the sex
  offenders register", "was done for drink driving".

Hyperbole about things ("the parking charges are daylight robbery", "the precept
is theft") and indefinite people ("a councillor in another town was convicted")
do not fire.

Round 7 (tests/policy/test_round7_grounds.py) added, besides more forms of the same kinds:

* a verdict as a sentence of its own after a sentence that names a person ("Crook.",
  "Corrupt as they come.", "Backhander, obviously.", "That is fraud.");
* acts that residents also report about unnamed people (vandalism, break-ins, poisoned pets,
  selling drugs) only with the named person as their subject ("Jordan Pike is the one breaking
  into sheds", not "someone vandalised the shelter, Cllr Brown");
* people the detector did not see: "'s a crook" after a name, a full name after "That" or in a
  post with "£" or a curly apostrophe, a first name with a role or place ("Dave from the bowls
  club", "Hayley who runs the cafe", "old Roy"), a council surname alone;
* not an accusation: a crime reported about someone unnamed ("Cllr Smith, someone has been
  stealing diesel"), "that a councillor" (indefinite), and a conviction reported as news
  ("... was jailed for fraud, the Gazette reported", "at Bristol Crown Court").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache
from typing import Any

from bot.policy.analysis import Analysis, Hit
from bot.policy.prefilter import PREFILTER

ACCUSATION_RE = re.compile(
    r"(?<![a-z])(?:fiddl(?:ing|ed|es)\s+(?:his|her|their|the)\s+(?:expenses|books|accounts|figures|mileage)|"
    r"fiddl(?:ing|ed)\s+(?:the\s+)?(?:expenses|books|accounts)|skim(?:ming|med)\s+(?:money|cash|off)|"
    r"embezzl\w+|(?:has\s+been|have\s+been|is|are|was)\s+(?:stealing|thieving|pocketing|siphoning)|"
    r"stole\s+(?:money|cash|from)|steals\s+from|helped\s+(?:him|her)self\s+to|"
    r"falsif(?:ied|ies|ying)|forg(?:ed|ing|es)\s+(?:the\s+)?(?:signatures?|receipts?|documents?|minutes|accounts|votes?)|"
    r"rigg?(?:ed|ing)\s+(?:the\s+)?(?:tender|vote|votes|postal\s+votes|election|contract|ballot|count|books)|"
    r"took\s+a\s+(?:cut|bung|backhander|kickback|bribe)|tak(?:es|ing)\s+(?:bribes|backhanders|kickbacks|bungs)|"
    r"on\s+the\s+take|brown\s+envelopes?|(?:bribed|paid\s+off)\s+(?:the|by)|launder(?:s|ed|ing)?\s+(?:money|cash)|"
    r"money\s+launder\w*|deals?\s+(?:drugs|coke|cocaine|weed)|drug\s+dealer|dealing\s+drugs|"
    r"(?:was|got|been)\s+(?:done|nicked|arrested|charged|convicted|cautioned|jailed)\s+for|"
    r"(?:covered|hushed|swept)\s+(?:it\s+)?up|got\s+the\s+police\s+to\s+drop|got\s+off\s+because|"
    r"burgl(?:ed|es|ing|ar)(?![a-z])|(?:a\s+)?(?:known\s+)?fence\s+for\s+stolen|handl(?:es|ing)\s+stolen|stolen\s+goods|"
    r"lied\s+under\s+oath|perjur\w+|committed\s+(?:fraud|perjury|a\s+crime)|"
    r"child\s+abuse\s+images|indecent\s+images|(?:done|arrested|caught)\s+for\s+flashing|flash(?:ed|ing|es)\s+at|"
    r"sex\s+offenders?\s+register|kiddie\s+fiddler|(?:is|was|'s)\s+a\s+(?:paedo|paedophile|pedo|nonce|rapist|"
    r"groomer|molester|fraudster|crook|thief|conman|con\s+artist|criminal|drug\s+dealer|wife\s+beater|abuser|"
    r"liar|known\s+liar|compulsive\s+liar|swindler|racketeer|fraud|kiddie\s+fiddler)|"
    r"ran\s+(?:someone|a\s+(?:kid|child|cyclist|pedestrian))\s+over|hit\s+and\s+run|drink[\s-]+driving|drunk[\s-]+driving|"
    r"claim(?:ing|ed|s)\s+benefits\s+while|benefit\s+fraud|cash\s+in\s+hand|tax\s+(?:evasion|fraud)|"
    r"dodg(?:ing|ed|es)\s+(?:his|her|their)?\s*tax|"
    r"leak(?:ing|ed|s)\s+(?:confidential\s+)?(?:planning\s+)?(?:documents|papers|information|files)\s+\w*\s*(?:to|for)|"
    r"(?:deliberately|secretly)\s+(?:deleted|destroyed|shredded|hid|removed|altered|changed)|"
    r"taking\s+the\s+subs|lining\s+(?:his|her|their)\s+(?:own\s+)?pockets?|"
    r"pocket(?:ed|ing|s)\s+(?:the\s+)?(?:money|cash|grant|funds|donations)|blackmail\w*|extort\w*|"
    r"sold\s+(?:his|her|their)\s+vote|(?:is|was|'s)\s+(?:corrupt|bent|on\s+the\s+fiddle)|abus(?:ed|es|ing)\s+(?:a|his|her|children|kids)|"
    r"groom(?:ed|ing)\s+(?:a|young|children|kids|girls|boys)|molest\w*|assault(?:ed|s)\s+(?:a|his|her|someone)|"
    r"beats?\s+(?:his|her)\s+(?:wife|husband|partner|kids)|stole\s+(?:£|\$)?\d|nicked\s+(?:the|£|money|cash)|"
    r"bought\s+(?:votes|the\s+vote|support)|brib(?:ery|ing)|grooms\s+(?:the\s+)?(?:teenage|young|kids|children|"
    r"girls|boys)|forg(?:ed|ing)\s+(?:his|her|their)|invented\s+the\s+(?:figures|numbers|results|data|"
    r"consultation)|us(?:ed|es|ing)\s+(?:the\s+)?(?:council'?s?|public|taxpayers'?|our)\s+(?:money|funds|"
    r"credit\s+card|card|cash)|(?:awarded|gave|handed)\s+(?:the\s+)?(?:[a-z]+\s+)?contract\s+to\s+(?:his|her|"
    r"their)\s+(?:own\s+)?(?:brother|sister|son|daughter|wife|husband|mate|mates|friend|friends|cousin|"
    r"brother-in-law|family)|(?:it'?s|that'?s|thats)\s+(?:fraud|corruption|theft|embezzlement))"
)
# The general forms: an accusation verb or noun of crime or dishonesty, whatever
# its object ("pocketed the playground grant", "nicking diesel from the depot",
# "guilty of fraud", "is a known fraudster", "got a caution for ...").
_CRIME = (
    r"fraud|theft|embezzlement|bribery|corruption|perjury|forgery|assault|burglary|stalking|harassment|"
    r"blackmail|extortion|money\s+laundering|drink[\s-]+driving|drunk[\s-]+driving|dealing|shoplifting|"
    r"arson|rape|abuse|indecent\s+exposure|indecency|grooming|tax\s+evasion|misconduct\s+in\s+public\s+office|"
    r"criminal\s+damage|domestic\s+(?:abuse|violence)|sexual\s+(?:assault|offences?|misconduct)"
)
_CRIMINAL = (
    r"paedo|paedophile|pedo|nonce|rapist|groomer|molester|fraudster|crook|thief|conman|con\s+artist|criminal|"
    r"drug\s+dealer|wife[\s-]+beater|abuser|swindler|racketeer|kiddie\s+fiddler|embezzler|perjurer|forger|"
    r"stalker|sex\s+offender|shoplifter|burglar|arsonist|drink[\s-]+driver|drunk[\s-]+driver|scammer|"
    r"scam\s+artist|pimp|sex\s+pest|groper|money\s+launderer|tax\s+dodger|benefit\s+cheat|cheat|"
    r"wrong\s+'?un|liar|lier|drugs?\s+dealer|coke\s+dealer|weed\s+dealer"
)
_MONEY = r"(?:money|cash|funds?|budget|grants?|donations|float|takings|subs|pot|kitty|till)"
_GENERAL = (
    r"(?:guilty\s+of|accused\s+of|convicted\s+(?:of|for)|arrested\s+for|charged\s+with|investigated\s+for|"
    r"under\s+investigation\s+for|jailed\s+for|sacked\s+for)\s+(?:[a-z]+\s+){0,2}?(?:" + _CRIME + r")"
    r"|struck\s+off|(?:got|given|had|received)\s+a\s+(?:police\s+)?caution|a\s+conviction\s+for"
    r"|(?:is|was|'s|are|were)\s+(?:(?:nothing\s+but|no\s+more\s+than|no\s+better\s+than|just|basically|clearly|"
    r"obviously|definitely|still|also|actually|literally|nowt\s+but|little\s+more\s+than)\s+)?(?:a|an)\s+"
    r"(?:[a-z]+\s+){0,2}?(?:" + _CRIMINAL + r")"
    r"|(?:a|an|the)\s+(?:known|convicted|notorious|serial|common|proven|self-confessed|registered)\s+(?:[a-z]+\s+)?"
    r"(?:" + _CRIMINAL + r")"
    # taking from someone by deceit, whatever the object
    r"|defraud(?:ed|ing|s)?|swindl(?:ed|ing|es)|fleec(?:ed|ing)\s+(?:the|my|our|his|her|residents|pensioners)"
    r"|(?:diddl|cheat|conn|scamm)(?:ed|ing)\s+(?:[^\s.!?]+\s+){0,4}?out\s+of\s+(?:(?:his|her|their|my|our|the)\s+)?"
    r"(?:[a-z]+\s+)?(?:money|savings|thousands|millions|hundreds|£|cash|inheritance|pension|house|land|wages|rent|"
    r"deposit|fees|grant)"
    r"|(?:cheat|brib|li|conn|fiddl|buy|bought|rigg|forg|lie)(?:ed|ing|d)?\s+(?:his|her|their)\s+way\s+(?:onto|into|on|in|to|through)|"
    r"forg(?:ed|ing|es)\s+(?:my|his|her|their|our|a|the)\s+(?:[a-z]+\s+)?(?:signatures?|name|receipts?|documents?|"
    r"minutes|accounts|votes?|papers|references?|qualifications|certificates?)"
    r"|cook(?:ing|ed|s)\s+the\s+(?:accounts|figures|numbers|minutes|results|count)"
    r"|sacked\s+(?:[a-z]+\s+){0,4}?for\s+(?:[a-z]+\s+){0,2}?(?:theft|fraud|misconduct|stealing|abuse|bullying|assault)|(?:hands?|fingers)\s+in\s+the\s+(?:till|cash\s+box|pot|kitty|"
    r"biscuit\s+tin|cookie\s+jar)"
    # falsifying records
    r"|doctor(?:ed|ing|s)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:minutes|figures|accounts|books|records|survey|results|"
    r"report|evidence|receipts|documents|count)"
    r"|cook(?:ed|ing)\s+up\s+(?:the\s+)?(?:[a-z]+\s+)?(?:figures|survey|results|numbers|report|evidence|story|count)"
    r"|fake\s+(?:postal\s+)?(?:votes|signatures|receipts|invoices|expenses\s+claims)"
    r"|fak(?:ed|ing)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:signatures?|votes|results|figures|accounts|receipts|minutes|"
    r"survey|invoices|expenses)"
    r"|made\s+up\s+the\s+(?:figures|numbers|results|consultation|survey|responses)"
    # prison, records, police
    r"|(?:did|doing|done|served)\s+(?:time|a\s+stretch|bird|\d+\s+(?:years|months))\s+(?:for|inside)"
    r"|(?:was|been|were)\s+(?:inside|in\s+prison|in\s+jail|banged\s+up)\s+for"
    r"|(?:criminal\s+record|(?:a|his|her)\s+(?:criminal\s+)?(?:conviction|record)\s+for)"
    r"|(?:arrested|charged|cautioned|convicted|nicked|jailed|investigated)\s+(?:[a-z0-9]+\s+){1,4}?for\s+"
    r"(?:[a-z]+\s+){0,2}?(?:" + _CRIME + r")"
    # sexual offences against children
    r"|kicked\s+out\s+of\s+(?:[a-z]+\s+){0,3}?for\s+(?:[a-z]+\s+)?(?:interfering|touching|stealing|fraud|abuse|"
    r"groping|fiddling|grooming)"
    r"|interfer(?:ed|ing|es)\s+with\s+(?:[a-z]+\s+)?(?:boys|girls|kids|children|a\s+child|young|little)"
    r"|touch(?:ed|ing|es)\s+(?:up\s+)?(?:kids|children|little\s+(?:boys|girls)|young\s+(?:boys|girls)|a\s+child)"
    r"|grop(?:ed|ing|es)\s+(?:a|an|the|his|her|young|girls|women|boys|volunteers?|staff|someone)"
    # bribery
    r"|(?:took|takes|taking|accepted|accepting|gets|getting|got)\s+(?:cash|money|payments?|gifts|backhanders|"
    r"kickbacks|bribes|bungs|brown\s+envelopes)\s+(?:from|off)"
    r"|claim(?:ing|ed|s)\s+(?:[a-z]+\s+){0,2}?(?:expenses|mileage|benefits|allowances)\s+for\s+[^.!?]{0,40}?"
    r"(?<![a-z])(?:never|didn'?t|wasn'?t|not)(?![a-z])"
    r"|rip(?:s|ped|ping)\s+off\s+(?:pensioners|residents|customers|the\s+council|people|old|vulnerable|taxpayers)"
    r"|(?:beats|hits|batters|beat|hit|battered)\s+(?:her|him|his\s+wife|her\s+husband|the\s+kids|his\s+kids|her\s+kids)"
    r"(?![a-z])(?!\s+(?:at|in|on|to)\s)"
    r"|sell(?:s|ing)?\s+drugs"
    r"|lied\s+(?:on|in|about)\s+(?:his|her|their|the)\s+(?:[a-z]+\s+)?(?:form|application|cv|declaration|papers|"
    r"nomination|expenses|register|qualifications)"
    r"|mess(?:ing|ed)\s+(?:about\s+|around\s+)?with\s+(?:kids|children|boys|girls|young|little|underage)"
    r"|dr(?:ove|ives|iving)\s+(?:home\s+)?(?:drunk|pissed|over\s+the\s+limit|under\s+the\s+influence)"
    r"|help(?:ing|ed|s)\s+(?:him|her|them)sel(?:f|ves)\s+to"
    r"|(?:claim|claimed|claiming|took|got)\s+(?:a\s+)?(?:[a-z]+\s+){0,2}?(?:grant|money|funding|overtime)\s+for\s+"
    r"[^.!?]{0,40}?(?<![a-z])(?:never|didn'?t|doesn'?t|don'?t|wasn'?t)(?![a-z])"
    r"|(?:are|is|were|was)\s+(?:all\s+)?in\s+on\s+it"
    r"|fakes\s+(?:the\s+)?(?:[a-z]+\s+)?(?:figures|results|accounts|receipts|signatures|minutes|records)"
    r"|wanted\s+(?:by\s+the\s+police\s+)?for\s+(?:[a-z]+ing|murder|rape|fraud|assault|theft)"
    r"|(?:sending|sent|sends)\s+(?:[a-z]+\s+){0,2}?(?:pictures|photos|messages|pics|images)\s+to\s+(?:underage|young|"
    r"little|teenage|school)"
    r"|pay(?:ing|s)?\s+(?:him|her|them)sel(?:f|ves)\s+(?:overtime|bonuses|extra|expenses)"
    r"|(?:are|is|were|was)\s+(?:all\s+)?(?:fabricated|forged|faked|falsified|doctored)"
    r"|(?:shredded|destroyed|deleted|burned|burnt|binned)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:files|evidence|records|"
    r"documents|emails|receipts)\s+[^.!?]{0,30}?before\s+(?:the\s+)?(?:audit|inquiry|investigation|inspection|police)"
    r"|destroying\s+evidence"
    r"|(?:paid|bought)\s+off\s+by|(?:was|were|been|got|is|are)\s+bought(?:\s+off)?(?:\s*[.!?]|\s*$|\s+and\s+paid"
    r"|\s+by\s+(?:the\s+)?(?:developers?|builders?|contractors?|landlords?))"
    r"|(?:pays?|paid|paying)\s+(?:for\s+(?:his|her|their|the)\s+votes|(?:people|voters|residents)\s+(?:to\s+vote|"
    r"for\s+(?:their\s+)?votes))"
    # insinuation: the money vanished, and funny how
    r"|(?:funny|strange|odd|interesting|curious|convenient)\s+(?:how|that)\s+[^.!?]{0,100}?" + _MONEY
    + r"\s+(?:[a-z]+\s+){0,3}?(?:vanished|disappeared|went\s+missing|evaporated|never\s+(?:reached|arrived|made\s+it))"
    r"|(?:(?:went|gone|going|goes|go|straight|disappeared|vanished|ended\s+up)\s+|(?<=[?.!]\s))into\s+"
    r"(?:his|her|your|their)\s+(?:own\s+)?(?:back\s+)?(?:pockets?|bank\s+accounts?|wallet|holiday\s+fund)"
    r"|(?:pocket(?:ed|ing|s)|cream(?:ed|ing|s)|trouser(?:ed|ing)|siphon(?:ed|ing)|skim(?:med|ming)|nick(?:ed|ing)|pinch(?:ed|ing)|"
    r"swip(?:ed|ing)|steal(?:s|ing)?|stole|embezzl(?:ed|ing))\s+(?:[^\s.!?]+\s+){0,3}?(?:grants?|money|cash|"
    r"funds?|donations|budget|fees|takings|diesel|fuel|equipment|tools|from|parcels|packages|deliveries|bikes|lead|"
    r"catalytic|benches|stock)"
    r"|(?:rigg?(?:ed|ing)|fiddl(?:ed|ing|es)|fix(?:ed|ing))\s+(?:the\s+)?(?:[a-z]+\s+)?(?:tender|vote|votes|ballot|"
    r"election|contract|count|books|accounts|figures|minutes|results|draw|raffle|expenses)"
    r"|cook(?:ing|ed|s)\s+the\s+books|(?:times|twice)\s+over\s+the\s+limit"
    r"|lost\s+(?:his|her)\s+(?:driving\s+)?licen[cs]e\s+for|stalk(?:ing|ed|s)\s+(?:his|her|a|the|their)"
    r"|sold\s+(?:his|her|their)\s+(?:vote|seat)|(?:shredded|destroyed|deleted|hid)\s+(?:the\s+)?"
    r"(?:[a-z]+\s+)?(?:documents|evidence|records|files|emails|receipts)\s+to\s+(?:protect|cover|hide)"
    # round 5: public money taken for oneself, whatever the verb ("took the money from the hall
    # fund", "spends the allotment rent on himself", "takes money out of the precept for her holidays")
    r"|(?:took|take|takes|taking|taken|spent|spend|spends|spending|used|uses|using|had|nicked|kept|keeps|keeping)\s+"
    r"(?:the\s+|our\s+)?(?:[a-z]+\s+){0,2}?(?:money|cash|funds?|rent|grant|precept|budget|donations|takings|"
    r"subs|float|kitty|collection)\s+(?:(?:from|out\s+of|of)\s+(?:the\s+|our\s+)?(?:[a-z]+\s+){0,2}?"
    r"(?:fund|account|kitty|pot|tin|box|till|float|collection|budget|grant|precept|reserves|appeal)"
    r"|(?:[a-z]+\s+){0,5}?(?:on|for)\s+(?:(?:him|her|them)sel(?:f|ves)|(?:his|her|their)\s+(?:own\s+)?"
    r"(?:holidays?|car|house|extension|kitchen|wedding|mortgage|bills|pocket|mates|family|drinking|habit)))"
    # self-dealing: council land, contracts or lets handed to one's own family or firm
    r"|(?:sold|sells|selling|gave|gives|giving|handed|hands|leased|leasing|let|lets|letting)\s+(?:the\s+)?"
    r"(?:council'?s?\s+)?(?:[a-z]+\s+)?(?:land|contracts?|plots?|lease|building|hall|property|work|jobs?)\s+"
    r"to\s+(?:his|her|their)\s+(?:own\s+)?(?:brother|sister|son|daughter|wife|husband|mate|mates|friend|friends|"
    r"cousin|family|partner|company|firm|nephew|niece|brother-in-law|son-in-law)"
    # paid by an interested party to vote; caught with drugs; lying to an official body
    r"|(?:paid|bribed|bunged)\s+(?:by|off)\s+(?:the\s+)?(?:[a-z]+\s+)?(?:developers?|builders?|contractors?|"
    r"landlords?|supermarket|company|firm)\s+to\s+(?:vote|back|approve|support|push|wave|sign|block)"
    r"|caught\s+(?:with|taking|buying|selling|snorting|dealing)\s+(?:[a-z]+\s+)?(?:cocaine|coke|drugs|weed|"
    r"cannabis|heroin|pills|ketamine|a\s+prostitute|prostitutes|indecent|underage|stolen)"
    r"|lied\s+to\s+(?:the\s+)?(?:auditors?|police|court|inspectors?|standards\s+(?:board|committee)|ombudsman|"
    r"inquiry|magistrates|tribunal|monitoring\s+officer|hmrc|insurers?|full\s+council|committee)"
    # keeping the proceeds; messages to children; figures made up; a hit and run; paid to keep quiet
    r"|(?:and|then)\s+(?:keeping|kept|keeps|pocketing|pocketed|trousering)\s+the\s+(?:cash|money|proceeds|profits?|change)"
    r"|(?:sending|sent|sends)\s+(?:[a-z]+\s+){0,2}?(?:pictures|photos|messages|pics|images|texts)\s+to\s+(?:[a-z]+\s+)?"
    r"(?:girls|boys|kids|children|pupils|minors|schoolgirls|schoolboys)"
    r"|fak(?:ed|ing|es)\s+(?:his|her|their)\s+(?:[a-z]+\s+)?(?:qualifications|degree|cv|references|certificates?|"
    r"credentials|address|results)"
    r"|made\s+(?:the\s+)?(?:[a-z]+\s+)?(?:numbers|figures|results|data|responses|minutes)\s+up"
    r"|hit\s+(?:a|an|some)\s+(?:cyclist|pedestrian|child|kid|woman|man|pensioner)\s+[^.!?]{0,40}?(?:drove|driven|driving)\s+off"
    r"|pa(?:y|id)\s+(?:[a-z]+\s+){1,3}?to\s+keep\s+(?:quiet|schtum|(?:his|her|their)\s+mouths?\s+shut)"
    r"|(?:we\s+all\s+know|everyone\s+knows|everybody\s+knows)\s+(?:he|she)\s+(?:was|got)\s+paid"
    # round 7: money taken whatever the verb and the fund ("fiddling the allotment rent money",
    # "robbed the charity fund", "walk off with £40,000", "misappropriated the charity fund",
    # "kept the raffle money", "took money of the bowls club")
    r"|(?:fiddl(?:ed|ing|in'?|es)|robb(?:ed|ing|in'?)|robs|misappropriat(?:ed|ing|es)|embezzl(?:ed|ing|es)|"
    r"nick(?:ed|ing|in'?)|pinch(?:ed|ing)|pocket(?:ed|ing|s)|trouser(?:ed|ing)|siphon(?:ed|ing)|skim(?:med|ming))"
    r"(?!\s+(?:of|us|me|them|you|everyone|residents|taxpayers|pensioners)\s)\s+(?:[^\s.!?]+\s+){0,3}?(?:rent|reserves|fund|funds|raffle|collection|float|kitty|till|subs|precept|"
    r"charity|money|cash|grants?|donations|takings|[£l]\s?\d[\d,.]*k?|\d[\d,.]*k?\s+(?:quid|pounds|grand))"
    r"|(?:walk(?:ed|s|ing)?|r[au]n(?:s|ning)?|made|make|making)\s+off\s+with\s+(?:the\s+|our\s+)?"
    r"(?:[^\s.!?]+\s+){0,2}?(?:[£l]\s?\d|money|cash|funds?|reserves|takings|donations|grant|precept|raffle)"
    r"|(?:kept|keeps|keeping|pocketed|trousered)\s+(?:the\s+|all\s+the\s+|our\s+)?(?:[a-z]+\s+){0,2}?"
    r"(?:money|cash|takings|donations|proceeds|collection|profits)(?!\s*(?:box|tin|safe|in\s+the|aside|separate|"
    r"secure|for\s+the))"
    r"|(?:took|takes|taking|tak(?:in|en)|accepted|got|gets|getting)\s+(?:cash|money|payments?|bribes|backhanders|"
    r"kickbacks)\s+of(?:f)?\s+(?:the|a|his|her)\s"
    r"|(?:took|takes|taking|accepted|pocketed|got)\s+(?:[£l]\s?\d[\d,.]*k?|(?:a|\d+)\s+grand|thousands)\s+"
    r"(?:in\s+(?:cash|readies|notes)\s+)?(?:from|off|of)\s+(?:the\s+|a\s+)?(?:[a-z-]+\s+){0,3}?(?:developers?|"
    r"builders?|contractors?|firm|company|landlords?|supermarket|lot|club)"
    r"|(?:went|gone|going|goes|ended\s+up|straight)\s+(?:straight\s+)?into\s+(?:his|her|their)\s+(?:own\s+)?"
    r"(?:[a-z]+(?:'s|-in-law)?\s+){0,2}?(?:firm|company|business|account|pockets?|bank)"
    # bribery: "takin bribes", "Brown's getting a cut", "on the developer's payroll", "bought his votes",
    # "paid two councillors a grand each to back him"
    r"|tak(?:in'?|en)\s+(?:bribes|backhanders|kickbacks|bungs)"
    r"|(?:gets|getting|gettin'?|got|get|takes|taking|took|had|has)\s+a\s+(?:cut|backhander|kickback|bung|"
    r"back-hander)(?=\s*(?:[.!?,]|$|\s+(?:of|off|from|out)\s))"
    r"|on\s+(?:the\s+)?(?:[a-z]+\s+)?(?:developer|builder|contractor|landowner|supermarket|mafia)s?'?(?:'s)?\s+"
    r"payroll"
    r"|(?:bought|buys|buying)\s+(?:his|her|their)\s+(?:votes?|seat|election|way)"
    r"|paid\s+(?:[a-z]+\s+){1,3}?(?:a\s+grand|[£l]\s?\d[\d,.]*k?|\d+k|thousands|cash)\s+(?:each\s+)?to\s+"
    r"(?:vote|back|support|approve|sign|stay|change|keep)"
    # lying to people: "has been lying to residents", "She's lying to all of you", "lied to the planning
    # inspector"
    r"|(?:is|was|has\s+been|have\s+been|been|keeps|kept)\s+lying\s+(?:to|about)\s+(?:the\s+|all\s+|us|residents|"
    r"everyone|everybody|the\s+public|voters|councillors|parishioners)"
    r"|lied\s+to\s+(?:the\s+)?(?:[a-z]+\s+){0,2}?(?:inspector|inspectors|residents|public|voters|everyone|"
    r"everybody|councillors|parishioners|press|regulator|auditor)"
    # sexual offences against children, whatever the object ("grooming the lads", "messaging young
    # girls", "touching the kids", "has a thing for teenage boys", "sleeping with a 15 year old")
    r"|groom(?:ed|ing|s)\s+(?:the\s+|local\s+|young\s+)*(?:teenagers?|lads|kids|children|girls|boys|pupils|"
    r"youngsters|teens|minors|scouts|cubs)"
    r"|messag(?:ed|ing|es)\s+(?:young|underage|teenage|little|school|schoolgirls|schoolboys|kids|children|minors)"
    r"|(?:touch(?:ed|ing|es)|fiddl(?:ed|ing)\s+with|interfer(?:ed|ing)\s+with)\s+(?:up\s+)?(?:the|our|local)\s+"
    r"(?:kids|children|boys|girls|lads|pupils|scouts|cubs|brownies)"
    r"|(?:has|had|got)\s+a\s+thing\s+(?:for|about)\s+(?:teenage|young|little|underage|school)\s*(?:boys|girls|lads|kids)?"
    r"|(?:sleeping|slept|sleeps|sex|affair)\s+with\s+(?:a\s+)?(?:1[0-5]|twelve|thirteen|fourteen|fifteen)"
    r"[\s-]+(?:year|yr)[\s-]+old"
    r"|(?:is|was)\s+on\s+bail\s+for"
    # records faked whatever the record ("made up the bat survey"), rigging whatever the vote ("rigged
    # the youth council election"), the till ("hand in t' till"), claims for people who do not exist,
    # paying one's own family's firm, "caught shoplifting", "used to be done for"
    r"|made\s+up\s+the\s+(?:[a-z]+\s+){1,2}?(?:figures|numbers|results|consultation|survey|responses|report|minutes|"
    r"count|evidence)"
    r"|(?:rigs|rigg?(?:ed|ing)|riged)\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}?(?:tender|votes?|ballot|election|contract|"
    r"count|decisions?|applications?|shortlist|interviews?|survey|consultation|raffle|draw|process)"
    r"|(?:hands?|fingers)\s+in\s+(?:t'|th'|the)\s*(?:till|cash\s+box|pot|kitty|biscuit\s+tin|cookie\s+jar)"
    r"|claim(?:ing|ed|s)\s+(?:[a-z]+\s+){0,2}?for\s+(?:[a-z]+\s+){0,3}?(?:who|that)\s+(?:don'?t|doesn'?t|never|"
    r"didn'?t|do\s+not)\s+(?:exist|work|turn\s+up)|ghost\s+(?:workers|staff|employees)"
    r"|pa(?:id|ying|ys)\s+(?:his|her|their)\s+own\s+(?:[a-z]+(?:'s|-in-law)?\s+){0,2}?(?:company|firm|business)"
    r"|(?:got|get|gets|was|been|were|is)\s+caught\s+(?:shoplifting|stealing|nicking|dealing|fiddling|cheating|"
    r"drink[\s-]+driving|taking\s+(?:money|cash|bribes))"
    r"|(?:used\s+to\s+be|to\s+have\s+been)\s+(?:done|nicked|arrested|charged|convicted|cautioned|jailed)\s+for"
    r"|(?:expenses|mileage)\s+for\s+[^.!?]{0,50}?\s(?:that|which)\s+was\s+(?:actually|really|just)\s"
    # a person to keep children from
    r"|(?:don'?t|do\s+not|never)\s+let\s+(?:[a-z]+\s+){1,3}?(?:near|around|anywhere\s+near)\s+(?:your|the|our|any)\s+"
    r"(?:kids|children|daughters?|sons?|girls|boys|grandchildren|little\s+ones)"
    r"|keep\s+(?:your|the|our)\s+(?:kids|children|daughters?|sons?|girls|boys)\s+(?:well\s+)?away\s+from\s+"
    r"(?:him|her)(?![a-z])"
    # "Cllr Hollis is a dealer" (not "a car dealer", "a dealer in antiques")
    r"|(?:is|was)\s+(?:a|the\s+local)\s+(?:known\s+|local\s+)?dealer(?!\s*(?:in|of|for|at|with|principal|ship|'s))"
)
# Every form ends at a word's end: "burglar" is not found inside "burglary", nor
# "is a fraud" inside "is a fraudulent claim" (the trigger words are whole words too).
_APOS = (
    r"'s\s+(?:(?:nothing\s+but|no\s+better\s+than|just|basically|clearly|obviously|definitely|still|also|actually|"
    r"literally|nowt\s+but)\s+)?(?:a|an)\s+(?:[a-z]+\s+){0,2}?(?:" + _CRIMINAL + r")"
    r"|'s\s+(?:(?:a|an)\s+(?:known|convicted|notorious|serial|registered)\s+(?:[a-z]+\s+)?(?:" + _CRIMINAL + r")|"
    r"corrupt|bent|on\s+the\s+(?:fiddle|take))"
    r"|(?<![a-z])(?:hes|shes)\s+(?:a|an)\s+(?:[a-z]+\s+){0,2}?(?:" + _CRIMINAL + r")"
    r"|'s\s+(?:a|the\s+local)\s+(?:known\s+|local\s+)?dealer(?!\s*(?:in|of|for|at|with|principal|ship|'s))"
    r"|'s\s+(?:been\s+)?lying\s+(?:to|about)\s+(?:the\s+|all\s+|us|residents|everyone|everybody|voters|councillors)"
)
ACCUSATION_RE = re.compile(r"(?<![a-z])(?:" + _GENERAL + r")(?![a-z])|(?:" + ACCUSATION_RE.pattern + r")(?![a-z])"
                           r"|(?:" + _APOS + r")(?![a-z])")
_TRIGGERS = frozenset(
    "fiddling fiddled fiddles skimming skimmed embezzled embezzling embezzlement stealing thieving pocketing "
    "siphoning stole steals helped falsified falsifies falsifying forged forging forges rigged rigging riged "
    "took taking takes take brown bribed paid launder laundered laundering laundering deals deal drug "
    "dealing done nicked arrested charged convicted cautioned jailed covered hushed swept got burgled "
    "burgles burgling burglar fence handles handling stolen lied perjury perjured committed child indecent "
    "caught flashed flashing sex kiddie paedo paedophile pedo nonce rapist groomer molester fraudster crook "
    "thief conman con criminal abuser beater liar swindler racketeer ran hit drink drunk claiming claimed "
    "claims benefit cash tax bought bribery bribing nicked grooms invented used using awarded gave "
    "dodging dodged dodges leaking leaked leaks deliberately secretly lining pocketed pockets blackmail "
    "blackmailed blackmailing extort extortion sold corrupt bent abused abuses abusing groomed grooming "
    "molested assaulted assaults beats beat fraud corruption theft guilty accused convicted sacked struck "
    "given received conviction pocketed pocketing trousered siphoned skimmed nicking pinched pinching "
    "swiped swiping steal stealing embezzler fix fixed fixing rigging cooking cooked cooks limit lost "
    "stalking stalked stalks stalker shredded destroyed deleted hid caution perjurer forger offender "
    "shoplifter arsonist driver scammer scam pimp pest groper launderer dodger cheat wrong un "
    "defraud defrauded defrauding defrauds swindled swindling swindles fleeced fleecing diddled diddling "
    "cheated cheating conned conning scammed scamming hand hands fingers doctored doctoring doctors cooked "
    "fake faked faking made did doing served inside prison jail banged record criminal arrested charged "
    "nicked jailed investigated kicked interfered interfering interferes touched touching touches "
    "groped groping gropes accepted accepting gets getting payments gifts bought pays paid paying "
    "funny strange odd interesting curious convenient into off claiming claimed claims claim rips ripped "
    "ripping hits batters hit battered sells sell selling fiddle lied messing messed drove drives driving "
    "helping helped helps claim took got grant overtime fakes wanted sending sent pictures photos "
    "way bribed bribing lying lied rigged cooking cooked sacked "
    "paying pay fabricated forged faked falsified burned burnt binned destroying evidence "
    "take taken spent spend spends spending uses had kept keeps keeping gives giving handed hands leased "
    "leasing let lets letting bunged caught creaming creamed creams keeping proceeds sends sending sent faked "
    "faking fakes made hit pay paid knows know flashes "
    # round 7
    "fiddlin robbed robbing robbin robs misappropriated misappropriating misappropriates embezzles nickin "
    "trousering siphoning skimming walk walked walks walking run ran running make making kept keeps keeping "
    "accepted tak takin taken gets getting gettin get has kickback kickbacks backhander backhanders bung "
    "payroll buys buying lying groom grooms messaged messaging messages touched touching fiddled "
    "interfered thing sleeping slept sleeps sex affair bail dealer lier liar hes shes went gone going goes "
    "ended straight grand".split()
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
# Tried form by form, only the forms whose strings are in the post (``bot.policy.prefilter``).
_ACCUSATIONS = PREFILTER.alternatives(ACCUSATION_RE)
# "She is corrupt and took backhanders": he or she as the subject of the accusation.
_SUBJECT = re.compile(r"(?<![a-z])(?:he|she)(?:'s|\s+(?:is|was|has|had|took|takes|stole|rigged|lied|forged))(?![a-z])")
_PRONOUN = re.compile(r"(?<![a-z])(?:he|she|him|her|his|hes|shes)(?![a-z])")
_YOU = re.compile(r"(?<![a-z])(?:you|your|ya|ur)(?![a-z])")
_ROLE_PERSON = re.compile(
    r"(?<![a-z])(?:the|our|their|your|that|this)\s+(?:(?!(?:a|an|any|another|some|one|every|no)\s)[a-z-]+\s+){0,3}?"
    r"(?:clerk|councillor|groundsman|caretaker|"
    r"manager|mayor|chair(?:man|woman)?|deputy\s+clerk|treasurer|leader|coach|teacher|headteacher|head|landlord|"
    r"landlady|vicar|owner|instructor|secretary|president|"
    r"head\s+of\s+[a-z' ]{3,30}|youth\s+worker|warden|planning\s+officer|officer)(?![a-z])"
    r"|(?<![a-z])(?:the|that|this)\s+(?:bloke|man|woman|guy|lad|fella|lady)\s+who\s+(?:runs|owns|works|manages)"
    r"|(?<![a-z])(?<!\ba\s)(?<!\bany\s)(?<!another\s)(?<!\bsome\s)(?<!\bone\s)"
    r"(?:cllr|councillor|mr|mrs|ms|miss|dr)\.?\s+(?!(?:was|is|has|had|who|in|at|for|of|and|or|the|a|an|from|"
    r"said|says|should|would|will|can|could|somewhere|elsewhere|near|with|to|on|got|been)(?![a-z]))[a-z]+"
)
_FULL_NAME = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?(?![A-Za-z])")
_NOT_NAMES = frozenset(
    "The This That These Those Castle Street High Street Town Council Parish County South North East West "
    "Thornbury Planning Committee Christmas Easter Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
    "January February March April May June July August September October November December Road Lane "
    "Hall Park Centre Green Way Close School Hospital Police British Legion Crown Court Courts Magistrates "
    "Gazette News Daily Post Council".split()
)


# Round 7. A verdict as a sentence of its own, after a sentence that names a person: "Crook.",
# "Corrupt as they come.", "Backhander, obviously.", "Electoral fraud.", "Tax dodger sat on the
# finance committee", "It's corruption". Not "theft" or "robbery" (hyperbole about charges:
# "Daylight robbery."), and only after a sentence that names a specific person.
_VERDICT = re.compile(
    r"\s*(?:(?:it'?s|that'?s|thats|this\s+is|that\s+is|it\s+is|what\s+an?|such\s+an?|an?|absolute|absolutely|total|totally|utter|"
    r"utterly|pure|proper|complete|bloody|just|and|more|typical|blatant|clear|obvious|classic)\s+){0,3}"
    r"(?:crook|criminal|thief|fraud|fraudster|corrupt|corruption|bent|embezzlement|embezzler|"
    r"bribery|backhanders?|back-handers?|kickbacks?|nepotism|tax\s+dodg(?:er|ing)|liar|lier|hit\s+and\s+run|"
    r"destroying\s+evidence|electoral\s+fraud|money\s+laundering|swindler|con\s*man|con\s+artist|"
    r"perjury|fiddler)(?![a-z])"
    # a label, not the subject of a sentence ("Criminals are the problem", "Corruption is rife")
    r"(?!\s+(?:are|is|was|were|has|have|had|will|would|should|can|could|do|does|did|in|at|on)(?![a-z]))"
)
# Round 7. Acts against people's property, animals or the law that a resident also reports about
# unnamed people ("someone vandalised the bus shelter, Cllr Brown"): the accused must be the
# subject, a person named or pointed at just before the verb ("Linda Fairweather poisoned the
# neighbours' cat", "Jordan Pike is the one breaking into sheds", "the councillor's lad vandalised").
_ACT = re.compile(
    r"(?<![a-z])(?:poison(?:ed|s|ing)\s+(?:the\s+|my\s+|our\s+|their\s+|his\s+|her\s+)?(?:[a-z']+\s+){0,2}?"
    r"(?:cats?|dogs?|pets?|horses?|swans?|ducks?|badgers?|trees?|hedges?|pond)"
    r"|vandali[sz](?:ed|es|ing)|torch(?:ed|es|ing)\s+(?:the|a|his|her|their|my|our)\s"
    r"|key(?:ed|ing|s)\s+(?:the\s+|all\s+(?:those|the)\s+|my\s+|our\s+|his\s+|her\s+)?(?:[a-z]+\s+)?cars?"
    r"|(?:breaking|broke|breaks|broken)\s+into\s+(?:the\s+|people'?s\s+|our\s+)?(?:[a-z]+\s+)?(?:sheds?|houses?|"
    r"homes?|cars?|vans?|garages?|shops?|pavilion|church|school|club)"
    r"|behind\s+(?:the|all\s+the|those|these|all\s+those)\s+(?:[a-z]+\s+)?(?:break-ins|burglaries|thefts|fires|"
    r"vandalism|robberies|attacks|muggings|arson)"
    r"|(?:deal(?:s|ing|in')?|sell(?:s|ing|in')?|push(?:es|ing))\s+(?:drugs|coke|cocaine|weed|crack|heroin|pills|"
    r"ketamine|cannabis|gear)"
    r"|(?:nick|steal|pinch|swip)(?:s|ing|in'|ed|es)?\s+(?:the\s+|our\s+|people'?s\s+)?(?:[a-z]+\s+)?(?:diesel|fuel|"
    r"lead|bikes?|tools|parcels|catalytic|charity|donations)"
    r"|sell(?:s|ing)?\s+(?:off\s+)?(?:the\s+)?(?:donations|donated|raffle\s+prizes|food\s+parcels)"
    r"|ran\s+over\s+(?:a|the|that|some|an)\s+(?:[a-z]+\s+)?(?:cyclist|pedestrian|child|kid|woman|man|pensioner|dog|"
    r"cat)[^.!?]{0,40}?(?:drove|driven|driving)\s+off"
    r"|set\s+fire\s+to|shoplift(?:ed|ing|s)|mugg(?:ed|ing)\s+(?:a|an|the|that|old)\s)"
)
# A conviction reported as news ("... was jailed for fraud, the Gazette reported", "convicted of
# burglary at Bristol Crown Court"): a court's finding, not the author's allegation.
_NEWS = re.compile(
    r"(?<![a-z])(?:(?:the\s+)?(?:gazette|bbc|itv|news|paper|papers|press|echo|post|observer|mercury|telegraph|times|"
    r"guardian|standard)\s+(?:says|said|reports?|reported|ran\s+(?:a|the)\s+story)|according\s+to\s+(?:the\s+)?"
    r"(?:gazette|bbc|police|court|news|paper|press|reports?)|reported\s+(?:today|yesterday|this\s+week|last\s+week)|"
    r"court\s+heard|crown\s+court|magistrates'?\s+court|pleaded\s+guilty|(?:was|were|been)\s+sentenced|"
    r"press\s+release|police\s+(?:say|said|confirmed|statement)|sources\s+(?:say|said|told)|"
    r"told\s+(?:the\s+)?(?:post|gazette|bbc|paper|press|reporters|journalists))(?![a-z])"
)
_COURT_FORM = re.compile(r"(?<![a-z])(?:convicted|jailed|sentenced|charged|arrested|cautioned|pleaded|guilty|"
                         r"prison|jail)(?![a-z])")
# A resident reporting a crime by someone unnamed, to a named person: "Cllr Smith, someone has been
# stealing diesel from the farms" (the accusation's subject is just before it).
_INDEFINITE_BEFORE = re.compile(
    r"(?<![a-z])(?:someone|somebody|some\s+(?:one|people|kids|lads|idiot|scumbag)s?|thieves|kids|youths|vandals|"
    r"burglars|people|a\s+(?:man|woman|lad|bloke|gang|group)|they)\s+(?:(?:has|have|had|is|are|was|were|keeps|"
    r"been|'s|'re|s)\s+){0,2}$"
)
# Between the person and the act: at most a few words, none that brings in another subject or
# a report ("Cllr Brown says someone ...", "Tom reported that kids ...").
_OTHER_SUBJECT = re.compile(
    r"(?<![a-z])(?:someone|somebody|anyone|anybody|people|kids|youths|they|thieves|burglars|vandals|we|i|you|"
    r"said|says|reported|reports|told|tells|asked|asks|thinks|reckons|saw|seen|found|caught|heard|if|when|"
    r"because|after|before|whether|and|but|so|or|a|some|their|police|council)(?![a-z])"
)
# Only words between the person and the act (no clause break, no "== Title == Stop ..."), and
# no order: "stop", "don't".
_BETWEEN = re.compile(r"(?:'s)?,?(?:\s+(?!(?:stop|don'?t|quit|never)(?![a-z]))[a-z'-]+)*\s+")
_FIRST_NAME_ROLE = re.compile(
    r"(?<![A-Za-z'])(?:old\s+)?([A-Z][a-z]{2,})(?=\s+(?:from|at)\s+(?:the|our)\s+[a-z]"
    r"|\s+who\s+(?:runs|owns|works|manages|organises|chairs|coaches|teaches|does)(?![a-z])"
    r"|,?\s+the\s+(?:clerk|caretaker|mayor|treasurer|groundsman|chair|warden|councillor)(?![a-z]))"
    r"|(?<![A-Za-z])old\s+([A-Z][a-z]{2,})(?![A-Za-z])"
)
_NOT_FIRST_NAMES = frozenset(
    "Someone Somebody Anyone Anybody Everyone Everybody Nobody People Residents Thieves Police Staff "
    "Volunteers Councillors Kids Nothing Greetings Thanks Cheers Hello Photos Pictures News Letters Help "
    "Bins Parking Traffic Cars Fresh Straight Back Home Live Word Post Message Update Letter Email Report "
    "Reports Photo Video Quote Result Results Love Hello Away Down Apart Free Far Just Only Even Also Still "
    "Someone's Lots Loads Most Many Some Several Both Each Everything Anything Apologies Sorry Heard Told "
    "Saw Seen Got Came Went Left Sent Read Found Came Kept Said Made Took".split()
)


# The words one of ``_VERDICT`` or ``_ACT`` needs (the gate and the early return).
_ROUND7_TRIGGERS = frozenset(
    "crook crooks criminal criminals thief thieves fraud fraudster fraudsters corrupt corruption bent "
    "embezzlement embezzler bribery backhander backhanders back handers kickback kickbacks nepotism tax liar "
    "liars lier liers hit destroying electoral money swindler swindlers con conman conmen artist artists "
    "perjury fiddler fiddlers poisoned poison poisons poisoning vandalised vandalises vandalising vandalized "
    "vandalizes vandalizing torched torches torching keyed keying keys breaking broke breaks broken behind "
    "deal deals dealing dealin sell sells selling sellin push pushes pushing nick nicks nicking nickin nicked "
    "nickes steal steals stealing stealin pinch pinchs pinching pinched pinches swip swips swiping swiped "
    "swipes ran set shoplifted shoplifting shoplifts mugged mugging".split()
)


def maybe_accusation(a: Analysis, params: dict[str, Any]) -> bool:
    return (not a.words.isdisjoint(_TRIGGERS) or " in on it" in a.text
            or not a.words.isdisjoint(_ROUND7_TRIGGERS))


def accusation(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """An accusation of crime or dishonesty against a specific person (for the clerk's judgement)."""
    listed = a.may_match(ACCUSATION_RE)
    if not listed and a.words.isdisjoint(_ROUND7_TRIGGERS):
        return None
    bits = a.bits_for(_ACCUSATIONS)
    surnames = _surnames(tuple(a.ctx.council.people))
    named_post = (bool(a.people) or _ROLE_PERSON.search(a.text) is not None or bool(_full_names(a))
                  or bool(_first_names(a)) or (surnames is not None and surnames.search(a.text) is not None))
    named_before = False  # an earlier sentence names a specific person
    for sentence in _SENTENCE.finditer(a.text):
        start, end = sentence.span()
        named_here = named_post and _person_in(a, start, end)
        found = _ACCUSATIONS.search(a.text, bits, start, end) if listed else None
        if found is None and named_post:
            found = _VERDICT.match(a.text, start, end) if named_before else None
            if found is None:
                found = _act_by_person(a, start, end)
            if found is not None and not a.reported(found.start(), found.end()):
                return _hit(a, found)
        if (found is None or a.reported(found.start(), found.end())
                or _INDEFINITE_BEFORE.search(a.text, max(start, found.start() - 30), found.start()) is not None
                or (_COURT_FORM.search(found.group()) is not None and _NEWS.search(a.text) is not None)):
            named_before = named_before or named_here
            continue
        subject = _SUBJECT.search(a.text, max(start, found.start() - 20), found.start() + 12)
        if not (_person_in(a, start, end) or subject
                or (named_post and _PRONOUN.search(a.text, start, end))
                or (a.people and _YOU.search(a.text, start, end))):  # "..., Cllr Brown? Into your pocket?"
            verdict = _VERDICT.match(a.text, start, end) if named_before else None
            named_before = named_before or named_here
            if verdict is None:
                continue
            return _hit(a, verdict)
        return Hit(spans=(a.span(found.start(), found.end()),),
                   detail=f'Accusation: "{found.group()}" about a named or identifiable person.')
    return None


def _hit(a: Analysis, found: re.Match[str]) -> Hit:
    """The finding of a verdict or an act: its words, without the spaces around them."""
    text = found.group()
    start = found.start() + len(text) - len(text.lstrip())
    end = found.start() + len(text.rstrip())
    return Hit(spans=(a.span(start, end),),
               detail=f'Accusation: "{text.strip()}" about a named or identifiable person.')


def _person_in(a: Analysis, start: int, end: int) -> bool:
    if any(start <= s < end for s, _ in a.people) or _ROLE_PERSON.search(a.text, start, end):
        return True
    surnames = _surnames(tuple(a.ctx.council.people))
    if surnames is not None and surnames.search(a.text, start, end):
        return True
    return any(start <= s < end for s in _full_names(a)) or any(start <= s < end for s, _ in _first_names(a))


_HE_SHE = re.compile(r"(?<![a-z])(?:he|she|hes|shes|'e)(?![a-z])")


def _act_by_person(a: Analysis, start: int, end: int) -> re.Match[str] | None:
    """An act of ``_ACT`` in the sentence whose subject is a specific person named or pointed at
    just before it (a few words, no other subject or report between)."""
    for act in _ACT.finditer(a.text, start, end):
        lo = max(start, act.start() - 60)
        ends = [e for s, e in a.people if lo <= e <= act.start()]
        ends += [m.end() for m in _ROLE_PERSON.finditer(a.text, lo, act.start())]
        ends += [m.end() for m in _HE_SHE.finditer(a.text, lo, act.start())]
        surnames = _surnames(tuple(a.ctx.council.people))
        if surnames is not None:
            ends += [m.end() for m in surnames.finditer(a.text, lo, act.start())]
        ends += [e for s, e in _first_names(a) if lo <= e <= act.start()]
        ends += [e for s, e in _full_name_spans(a) if lo <= e <= act.start()]
        for e in ends:
            between = a.text[e:act.start()]
            if (len(between.split()) <= 8 and _BETWEEN.fullmatch(between) is not None
                    and _OTHER_SUBJECT.search(between) is None):
                return act
    return None


def _normalised_span(a: Analysis, start: int, end: int) -> tuple[int, int]:
    """The normalised text's span of the original text's ``start:end`` (a "£" or a curly
    apostrophe in the post no longer hides its names)."""
    offsets = a.norm.offsets
    if offsets is None:
        return start, end
    return bisect_left(offsets, start), bisect_left(offsets, end)


def _first_names(a: Analysis) -> list[tuple[int, int]]:
    """(start, end) of a first name given with a role or a place ("Dave from the allotment
    committee", "Hayley who runs the food bank", "Sarah the clerk", "old Roy")."""
    cached = a.__dict__.get("_first_names")
    if cached is None:
        cached = []
        for m in _FIRST_NAME_ROLE.finditer(a.item.text or ""):
            group = 1 if m.group(1) else 2
            word = m.group(group)
            if (word not in _NOT_FIRST_NAMES and word not in _NOT_NAMES
                    and not word.endswith(("ed", "ing", "ly"))):  # "Heard from the police", "Fresh from"
                cached.append(_normalised_span(a, m.start(group), m.end(group)))
        a.__dict__["_first_names"] = cached
    return cached


@lru_cache(maxsize=64)
def _surnames(people: tuple[str, ...]) -> re.Pattern[str] | None:
    """The council's people by surname alone ("Brown's a ..."), as residents write."""
    names = {p.replace(".", " ").split()[-1].lower() for p in people if p.strip()}
    if not names:
        return None
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, sorted(names))) + r")(?:'s)?(?![a-z])")


def _full_names(a: Analysis) -> list[int]:
    """Start offsets (in the normalised text) of capitalised full names in the original post."""
    return [s for s, _ in _full_name_spans(a)]


def _full_name_spans(a: Analysis) -> list[tuple[int, int]]:
    """(start, end) of capitalised full names in the original post; "That Lorna Beckwith" gives
    "Lorna Beckwith" (a word that is not a name before it is passed over)."""
    cached = a.__dict__.get("_full_names")
    if cached is None:
        original = a.item.text or ""
        cached = []
        pos = 0
        while (m := _FULL_NAME.search(original, pos)) is not None:
            first, last = m.group().split()[0], m.group().split()[-1]
            if first in _NOT_NAMES and last not in _NOT_NAMES:
                pos = m.start() + len(first)  # try again from the second word
                continue
            if first not in _NOT_NAMES and last not in _NOT_NAMES:
                cached.append(_normalised_span(a, m.start(), m.end()))
            pos = m.end()
        a.__dict__["_full_names"] = cached
    return cached
