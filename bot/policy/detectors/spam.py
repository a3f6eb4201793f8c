"""Spam (commercial promotion, scams) and links unrelated to the thread.

Spam is a score of signals, each worth points (all configurable in the rules
file): link shorteners, each money, crypto or prize word, each phrase such as
"DM me" or "check out my channel", the statistical spam score, and, only together
with a commercial signal or a link outside the trusted sites, the same text from
several accounts, a brand-new account posting links, many links. A link, a
hashtag or a phone number alone is never spam. The rule fires at ``threshold``
points.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from typing import Any

from bot.policy.analysis import Analysis, Hit, domain_matches
from bot.policy.prefilter import PREFILTER

SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
    "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "bl.ink", "lnkd.in",
    "shorte.st", "adf.ly", "linktr.ee", "tiny.one", "qr.net",
})
SPAM_WORDS = frozenset(
    "crypto bitcoin btc eth usdt forex nft airdrop giveaway investment invest investing profit "
    "profits earn earning income cash prize winner won claim casino betting viagra followers "
    "promo onlyfans loan loans payday discount voucher vouchers ringtone subscribe "
    "unsubscribe whatsapp telegram guaranteed congratulations urgent bonus reward rewards "
    "jackpot lottery trading trader mlm discount discounts deals cheap subscribers "
    "refund refunds winnings offer offers payouts presale paypal cialis hookups singles rebate "
    "cashback nft memecoin staking cbd vapes gummies airdrops token".split()
)
SPAM_PHRASES = re.compile(
    r"(?<![a-z])(?:dm\s+me|message\s+me|inbox\s+me|click\s+(?:here|the\s+link|below)|"
    r"link\s+in\s+(?:my\s+)?bio|limited\s+time|act\s+now|work\s+from\s+home|"
    r"free\s+(?:gift|money|followers|trial|iphone|ipad|vouchers?|giveaway)|100%\s+free|"
    r"call\s+now|text\s+(?:stop|win|yes)|send\s+stop|you\s+have\s+(?:won|been\s+selected)|"
    r"double\s+your|financial\s+freedom|\d+\s?%\s+off|"
    r"(?:£|\$|€)\s?\d[\d,]*k?(?:\s?per\s+(?:day|week|hour)|\s?a\s+(?:day|week))|get\s+rich|passive\s+income|"
    r"cheap\s+(?:meds|pills|followers)|buy\s+followers|"
    r"(?:check\s+out|visit|subscribe\s+to|sub\s+to|follow)\s+my\s+(?:channel|page|site|"
    r"website|shop|store|profile|videos?|music|account)|my\s+(?:youtube\s+)?channel|"
    r"(?:please\s+)?subscribe\s+(?:to|and|for|please|now|!)|make\s+money|earn\s+(?:money|cash|"
    r"\$|£)|claim\s+your\s+(?:prize|reward|bonus|refund|gift)|send\s+your\s+bank\s+details|"
    r"bank\s+details\s+(?:by|via|in)\s+dm|message\s+(?:her|him|us)|dm\s+(?:us|her|him)|drop\s+(?:me|us)\s+a\s+"
    r"(?:message|dm|line)|follow\s+for\s+follow|f4f|sub4sub|follow\s+back|hot\s+singles|sign\s+up\s+(?:free|now)|"
    r"no\s+credit\s+checks?|approved\s+in\s+minutes|apply\s+(?:now|today|online\s+at|at)|"
    r"write\s+off\s+(?:up\s+to\s+)?\d+\s?%|government\s+approved|you\s+are\s+owed|click\s+to\s+claim|"
    r"(?:outstanding|unclaimed)\s+(?:tax\s+)?refund|within\s+24\s+hours|avoid\s+losing|recovery\s+expert|"
    r"lost\s+your\s+(?:crypto|bitcoin|money)|weekly\s+payouts|trades\s+for\s+you|i\s+(?:made|make|earn|earned)\s+"
    r"(?:£|\$)\s?\d|a\s+(?:month|week|day)\s+just\s+by|in\s+my\s+spare\s+time|before\s+it\s+moons|"
    r"(?:we'?re|i'?m)\s+giving\s+away|lucky\s+(?:followers|winners?)|reply\s+with\s+your\s+(?:paypal|email|"
    r"bank|card|details)|first\s+\d+\s+people|no\s+prescription|discreet\s+delivery|check\s+if\s+you\s+qualify|"
    r"free\s+for\s+homeowners|lines\s+open\s+24|would\s+mean\s+the\s+world\s+if\s+you\s+(?:followed|"
    r"subscribed)|help\s+me\s+get\s+to\s+\d+|(?:cheap|discount)\s+(?:viagra|cialis|meds|pills|watches|"
    r"sunglasses|designer)|earn\s+from\s+home|wipe\s+your\s+debts?|debt\s+(?:help|solution|advice\s+line)|"
    r"confirm\s+your\s+(?:identity|details|account|password)|reply\s+with\s+your|(?:to\s+)?avoid\s+(?:a\s+fine|"
    r"prosecution|bailiffs|penalt(?:y|ies)|suspension|disconnection)|(?:pay|renew|act|book|shop|order|buy)\s+now|"
    r"admin\s+fee|(?:identified|selected)\s+as\s+eligible|enter\s+your\s+(?:details|card|bank)|claim\s+yours|"
    r"\d+\s?%\s+returns?|ask\s+me\s+for\s+(?:her|his|their)\s+(?:whatsapp|number|details)|"
    r"(?:help|assistance)\s+(?:moving|transferring)\s+(?:£|\$)|reply\s+for\s+(?:details|more|info)|"
    r"(?:£|\$)0\s+(?:down|deposit|upfront)|before\s+funding\s+runs\s+out|best\s+bargains|"
    r"you'?ll\s+love\s+my\s+(?:page|channel|account)|follow\s+@\w+|unusual\s+(?:sign-?in|login)\s+activity|"
    r"your\s+(?:account|payment|parcel|licence|vehicle\s+tax)\s+(?:has|is|was)\s+(?:been\s+)?"
    r"(?:suspended|failed|expired|locked|on\s+hold|in\s+arrears|overdue)|"
    # Self-promotion as it is written under videos and posts: "sub me", "check me out",
    # "follow me on instagram", "my new song", "like 4 like", "sorry for the spam". Not "follow
    # us on Facebook" or "check us out at the fete": community groups write that.
    r"follow\s+me\s+on\s+(?:twitter|instagram|insta|ig|twitch|facebook|tumblr|"
    r"soundcloud|tiktok|youtube)|(?:sub|subscribe|sucscribe|subscribing)\s+(?:to\s+)?me|add\s+me\s+(?:on|here)|"
    r"check\s+me\s+out|(?:check\s+out|listen\s+to|watch)\s+my\s+(?:new(?:est)?\s+|latest\s+)?"
    r"(?:music|songs?|sound|tracks?|mixtape|videos?|vids?|covers?|blog|band|vlogs?|rap|beats?)|"
    r"my\s+(?:new(?:est)?|latest)\s+(?:songs?|sound|track|single|mixtape|video|vid|cover|vlog)|"
    r"(?:like|follow|sub)\s*(?:4|for)\s*(?:like|follow|sub)|l4l|"
    r"(?:reach|get|got|hit)\s+(?:some\s+|more\s+)?\d*\s*(?:subs|subscribers)|"
    r"sorry\s+for\s+(?:the\s+)?(?:spam|self[-\s]?promo)|free\s+gift\s+cards?|"
    # Charged texts and premium lines, as SMS spam writes them: "text RALLY to 61200 (25p)",
    # "send STOP to 87239", "reply END", "costs 20p/min", "150p/msg".
    r"(?:text|txt|send|reply)\s+[a-z0-9]+(?:\s+[a-z0-9]+)?\s+(?:to|2)\s+\d{5}|"
    r"reply\s+(?:end|stop|win|yes|ans)|\d{1,3}\s?p\s?(?:/|per\s+)\s?(?:min|minute|msg|text|wk|week)|"
    r"\(\d{1,3}\s?p\)|\d{2,3}\s?ppm|costs?\s+\d{1,3}\s?p\b|national\s+rate\s+call|"
    r"to\s+claim\s+call|call\s+(?:free\s+)?now|"
    # Money-making, referral and sales forms shared by video-comment, SMS and today's social
    # spam: "make a lot of money", "easy money", "4000 dollars a month", "use my referral
    # link", "invite code", "Price: $390", "join our team". Not "the car park could make some
    # money" (a 2-point phrase alone is never spam) nor "the precept costs 5 pounds a month".
    r"make\s+(?:a\s+lot\s+of\s+|lots\s+of\s+|extra\s+|easy\s+|real\s+|serious\s+)?money(?:\s+(?:fast|online|from\s+home))?|"
    r"(?:extra|easy|fast|quick)\s+money|money\s+fast|"
    r"\d[\d,.]*\s?(?:k\s+)?(?:dollars|usd|bucks)\s+(?:a|per|every)\s+(?:day|week|month|hour)|"
    r"(?:my|with\s+my|use\s+my)\s+(?:referral|invite|promo|affiliate)\s+(?:link|code)|use\s+my\s+code|"
    r"price\s*:\s*(?:£|\$|€)\s?\d|join\s+(?:to\s+)?(?:our|my)\s+team|"
    r"(?:visit|check\s+out|read)\s+my\s+blog|"
    # Crypto "giveaways": "send 0.1 ETH, get 1 ETH back".
    r"(?:send|get)\s+(?:me\s+|us\s+)?\d+(?:[.,]\d+)?\s?(?:eth|btc|bitcoin|usdt|sol|doge|bnb|xrp)(?:\s+back)?|"
    # Round 7: offers spread over several words. Deadlines and scarcity ("this month only", "for
    # the next hour only", "only 40 left", "limited places"), clearance sales, crypto tickers and
    # doubling ("$TOWNCOIN", "send 0.1 get 0.2 back", "connect your wallet", "mint price"), free
    # quotes and surveys, a compliment that turns into an advert ("nice post, btw ..."),
    # "check my profile". A resident's "Christmas market this weekend only" is one phrase (2
    # points): never spam alone.
    r"(?:this|that)\s+(?:week|month|weekend)\s+only|(?:for\s+)?(?:the\s+)?next\s+(?:\d+\s+)?(?:hours?|minutes?)\s+only|"
    r"only\s+\d+\s+(?:left|remaining|spots|places|available)|\d+\s+spots|limited\s+(?:places|spots|stock)|"
    r"(?:warehouse\s+)?clearance(?:\s+sale)?!|warehouse\s+(?:clearance|closing)|closing\s+down\s+sale|"
    r"\$[a-z]{3,10}(?![a-z])|(?:send|sent)\s+(?:me\s+)?\d+(?:[.,]\d+)?\s+(?:[a-z]+\s+)?(?:get|and\s+get|receive)\s+"
    r"\d+(?:[.,]\d+)?|doubling\s+(?:all|any|every)|connect\s+your\s+wallet|mint\s+price|first\s+token|"
    r"free\s+(?:quotes?|survey|no[-\s]obligation)|no[-\s]obligation|100%\s+funded|fully\s+funded\s+for|for\s+£0|"
    r"(?:nice|great|good|lovely|interesting)\s+(?:post|article|update|thread|read)[!.,]*\s+(?:btw|by\s+the\s+way)|"
    r"(?:chek|chk|chec)\s+out|check\s+(?:out\s+)?my\s+profile|something\s+special\s+for\s+you|"
    r"(?:government|council)\s+is\s+giving\s+(?:out|away)|giving\s+out\s+(?:£|\$)\s?\d|apply\s+here|"
    r"(?:qualif(?:y|ies)|(?:is|are)\s+eligible)\s+(?:for\s+(?:a\s+)?(?:£|\$|free)|this\s+(?:week|month))|"
    # follower farming, tips and streams, "business opportunities", advance-fee and crypto
    # boasts, charged texts by the message: "gain 1000 followers", "I follow everyone back",
    # "95% win rate", "stream every Premier League match free", "no experience needed",
    # "transfer £4.5 million", "turned £200 into £14,000", "send any amount get 2x back",
    # "(£1.50/msg)", "first 100 to comment", "check eligibility"
    r"gain\s+\d+\s+(?:followers|subs|likes)|i\s+follow\s+(?:every(?:one|body)\s+)?back|like\s*for\s*like|likeforlike|"
    r"like\s+my\s+(?:last\s+)?post|drop\s+(?:ur|your)\s+(?:handle|@)|let'?s\s+grow\s+together|"
    r"\d+\s?%\s+win\s+rate|betting\s+tips|(?:stream|watch)\s+(?:every|all)\s+(?:premier\s+league\s+)?(?:matches|match|games)|"
    r"free\s+in\s+hd|no\s+subscription|business\s+opportunity|no\s+experience\s+needed|"
    r"transfer\s+(?:£|\$)\s?\d[\d.,]*\s*(?:million|m|bn)|turned\s+(?:£|\$)\s?\d[\d,.]*k?\s+into\s+(?:£|\$)|"
    r"send\s+any\s+amount|(?:get|got)\s+(?:2x|3x|double)(?:\s+back)?|"
    r"(?:£|\$)\s?\d+(?:\.\d{2})?\s?/\s?(?:msg|min|text|week|wk)|first\s+\d+\s+(?:people\s+)?to\s+(?:comment|reply|share|like|follow)|"
    r"free\s+iphones|check\s+(?:your\s+)?eligibility|(?:hello|greetings)\s+dear)(?![a-z])"
)
# A demand for money or credentials, as phishing writes it: a fee for a parcel, a fine or an
# account about to be closed, "confirm ... with your password". With a link outside the trusted
# sites this is phishing by itself (``phishing`` points); a warning that quotes it is not
# (``warns_about_scams``), nor a link to the real service (gov.uk, the council's own site).
PHISHING_RE = re.compile(
    r"(?<![a-z])(?:(?:redelivery|re-delivery|delivery|customs|admin|processing|release|renewal|reactivation|"
    r"verification|postage)\s+(?:fee|charge|payment)|"
    r"parcel\s+(?:could\s+not|couldn'?t|can'?t|cannot|was\s+not|wasn'?t)\s+be\s+delivered|tried\s+to\s+deliver\s+your|"
    r"your\s+parcel\s+is\s+(?:held|waiting|on\s+hold)|reschedule\s+(?:for|your\s+delivery)|"
    r"(?:is|are|remains?)\s+(?:now\s+)?(?:unpaid|overdue)|"
    r"(?:or\s+face|to\s+avoid|avoid)\s+(?:a\s+)?(?:(?:£|\$)\s?\d+\s+)?(?:fine|court\s+action|penalty|prosecution|"
    r"legal\s+action|bailiffs|suspension|disconnection)|"
    r"(?:will\s+be|has\s+been|is\s+being)\s+(?:suspended|removed|deleted|deactivated|closed|locked|disabled)\s+"
    r"(?:in|within|tonight|today|unless)|unless\s+you\s+(?:confirm|verify|pay|update|log\s*in|click|appeal|respond)|"
    r"(?:confirm|verify)\s+(?:your\s+)?(?:ownership|identity|account|details|password|login)|"
    r"with\s+your\s+(?:password|bank\s+card|card\s+details|card|login|bank\s+details|pin)|"
    r"(?:appeal|verify|pay|claim|reschedule)\s+here|"
    r"your\s+(?:[a-z]+\s+){0,2}(?:permit|licence|subscription|account|membership|card|payment|parcel|handle|penalty|"
    r"pcn|fine)\s+(?:has|is|was)\s+(?:been\s+)?(?:expired|unpaid|suspended|failed|overdue|reported|flagged|locked|"
    r"on\s+hold)|pay\s+(?:the\s+)?(?:£|\$)\s?\d[\d.,]*\s+(?:[a-z]+\s+)?now)(?![a-z])"
)
PHISHING_WORDS = frozenset(
    "fee charge payment parcel deliver reschedule unpaid overdue face avoid suspended removed deleted "
    "deactivated closed locked disabled unless confirm verify password card login pin appeal pay claim "
    "permit licence subscription account membership handle penalty pcn fine".split()
)
# Tried phrase by phrase, only the phrases whose strings are in the post (``bot.policy.prefilter``).
_PHRASES = PREFILTER.alternatives(SPAM_PHRASES)
# UK premium-rate and revenue-sharing numbers (09, 0870-0873, 0844-0845): a charged line is
# a commercial signal. An ordinary phone number (a resident's, a business's) is not.
_NUMBER_RE = re.compile(r"(?<![\d+])0[\d \-]{9,13}\d(?!\d)")
_PREMIUM_PREFIXES = ("09", "0870", "0871", "0872", "0873", "0844", "0845")


def premium_numbers(text: str) -> list[str]:
    """The premium-rate numbers in ``text`` (11 digits, a charged prefix)."""
    found = []
    for m in _NUMBER_RE.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if len(digits) == 11 and digits.startswith(_PREMIUM_PREFIXES):
            found.append(m.group().strip())
    return found
# The phrases above can only match when one of these words (or a currency sign) is there.
_PHRASE_TRIGGERS = frozenset(
    "dm message inbox text click link limited act work free call send won selected double "
    "financial rich passive cheap buy off check visit subscribe sub follow channel make earn "
    "claim bank her him us drop f4f sub4sub back hot sign no approved apply write government owed "
    "outstanding unclaimed within avoid recovery lost weekly trades made make earn earned month week "
    "spare before giving lucky reply first discreet qualify homeowners lines would help wipe debt "
    "confirm avoid pay renew shop order admin identified selected enter yours returns ask assistance "
    "funding best love unusual your follow sub subscribe sucscribe subscribing add listen watch my "
    "like l4l reach get got hit sorry gift txt reply national to costs cost extra easy fast quick "
    "dollars usd bucks use price join read this that next only limited clearance warehouse closing doubling "
    "connect mint first no fully nice great good lovely interesting chek chk chec something government "
    "council giving qualify qualifies eligible spots gain i likeforlike drop let's lets betting stream free "
    "business transfer turned any got iphones hello greetings".split()
)


_GATE_WORDS = SPAM_WORDS | _PHRASE_TRIGGERS


def maybe_spam(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: a link, an offer word, a currency sign, repeats or the model."""
    return (
        a.maybe_links or a.ctx.same_text_authors > 0
        or (a.has_scorer and params.get("use_classifier", True))
        or not a.words.isdisjoint(_GATE_WORDS) or "$" in a.text or "%" in a.text
        or "09" in a.text or "087" in a.text or "084" in a.text or _glued_money(a.text)
        or "£" in money_text(a)
    )


def _glued_money(text: str) -> bool:  # "4000DOLLARS a month": one word, no trigger
    return "dollar" in text or "bucks" in text or "usd" in text


DEFAULT_POINTS = {
    "shortener": 2, "spam_word": 1, "spam_phrase": 2, "same_text": 3, "new_account_link": 2,
    "many_links": 1, "classifier": 3, "lookalike": 2, "premium_number": 2, "referral_link": 2,
    "phishing": 2, "phishing_link": 3,
}
# Signals that say "commercial or scam" by themselves: without one of these (or a
# link outside the trusted sites) the same text from several accounts is a
# petition or a shared question, and a new account's link to gov.uk is just a link.
COMMERCIAL = frozenset({"shortener", "spam_word", "spam_phrase", "classifier", "lookalike",
                        "premium_number", "referral_link", "phishing", "phishing_link"})
# An outside link whose name borrows an official or well-known name is a phishing sign
# ("nhs-booking-uk.example", "southglos-payments.example", "secure-natwest-login.example").
BORROWED_NAMES = re.compile(
    r"nhs|hmrc|dvla|gov|council|southglos|natwest|lloyds|barclays|hsbc|santander|halifax|nationwide|"
    r"tvlicen[cs]e|royalmail|royal-mail|evri|dpd|paypal|amazon|lidl|tesco|aldi|asda|sainsbury|ofgem|"
    r"octopus|britishgas|police|bank|login|secure|verify|refund|grant|rebate|claim|payment"
)
# The real official sites are never look-alikes, even where the council has not listed them
# ("https://www.nhs.uk/vaccinations/..." borrows no name: it is the name).
OFFICIAL_DOMAINS = ("gov.uk", "nhs.uk", "nhs.scot", "gov.scot", "gov.wales", "llyw.cymru",
                    "police.uk", "parliament.uk", "nidirect.gov.uk")
# A referral or affiliate code in a link outside the trusted sites ("swagbucks.example/refer/
# Nonturtle02", "?ref=4477063", "?aff=", "/invite/"): someone is paid when you follow it. A code
# has a digit in it: a site's own tag ("?ref=newsletter") is not one, nor are a social network's
# navigation links ("facebook.com/...?ref=bookmarks") or Amazon's "/ref=sr_1_7" paths.
REFERRAL_RE = re.compile(
    r"[?&](?:ref|aff|affid|aff_id|affiliate|affiliate_id|referral|referrer|invite|invite_code|"
    r"ref_code|refcode|promo|promo_code|coupon)=[a-z_-]*\d[\w-]*|/(?:ref|refer|referral|invite|aff)/[a-z_-]*\d[\w-]*",
    re.IGNORECASE)
NAVIGATION_DOMAINS = ("facebook.com", "twitter.com", "x.com", "instagram.com", "linkedin.com",
                      "youtube.com", "google.com")
# A resident warning others about a scam quotes its words ("messages saying 'claim your
# council tax rebate' with a link. It's a scam, don't click"): without a link outside the
# trusted sites or a charged number of its own, such a post is not spam.
SCAM_WARNING_RE = re.compile(
    r"(?<![a-z])(?:scam|scams|scammers?|phishing|fraudsters?|fake\s+(?:texts?|emails?|messages?|calls?|sites?))"
    r"(?![a-z])")
WARNING_RE = re.compile(
    r"(?<![a-z])(?:warning|beware|watch\s+out|be\s+careful|heads\s+up|(?:don'?t|do\s+not|never)\s+"
    r"(?:click|reply|respond|give|send|call|ring|pay|open|enter)|(?:never|doesn'?t|does\s+not|won'?t|will\s+not)"
    r"\s+(?:texts?|emails?|asks?|calls?|rings?|phones?)|report(?:ed)?\s+(?:it|them|this|to))(?![a-z])")
MAX_WORD_SIGNALS = 3
WORDED = frozenset({"spam_word", "spam_phrase", "premium_number", "phishing", "phishing_link"})


def _untrusted_links(a: Analysis, params: dict[str, Any]) -> list:
    council = a.ctx.council
    own = council.website.lower().split("//")[-1].split("/")[0].removeprefix("www.")
    trusted = tuple(d.lower() for d in (*council.allowed_domains, *params.get("trusted_domains", ())))
    trusted += (own,) if own else ()
    return [link for link in a.links if not domain_matches(link.domain, trusted)]


def _signals(a: Analysis, params: dict[str, Any]) -> list[tuple[str, str]]:
    """Every signal counts: each offer word (up to three), each distinct phrase, each shortener."""
    signals: list[tuple[str, str]] = []
    untrusted = _untrusted_links(a, params) if a.links else []
    for link in a.links:
        if link.domain in SHORTENERS:
            signals.append(("shortener", f"a shortened link ({link.domain})"))
    for link in untrusted:
        if (link.domain not in SHORTENERS and BORROWED_NAMES.search(link.domain)
                and not domain_matches(link.domain, OFFICIAL_DOMAINS)):
            signals.append(("lookalike", f"a link to {link.domain}, which borrows an official or known name"))
            break
    for link in untrusted:
        if REFERRAL_RE.search(link.url) and not domain_matches(link.domain, NAVIGATION_DOMAINS):
            signals.append(("referral_link", f"a link to {link.domain} with a referral code"))
            break
    for word in sorted(a.words & SPAM_WORDS)[:MAX_WORD_SIGNALS]:
        signals.append(("spam_word", f'the offer word "{word}"'))
    for phrase in _spam_phrases(a):
        signals.append(("spam_phrase", f'the phrase "{phrase}"'))
    if not a.words.isdisjoint(PHISHING_WORDS) and (not a.gated or a.may_match(PHISHING_RE, money_text(a))):
        demand = PHISHING_RE.search(money_text(a))
        if demand is not None:
            outside = any(not domain_matches(link.domain, OFFICIAL_DOMAINS) for link in untrusted)
            signals.append(("phishing_link" if outside else "phishing",
                            f'a demand for money or details ("{demand.group()}")'
                            + (" with a link outside the trusted sites" if outside else "")))
    for number in premium_numbers(a.text)[:1] if "0" in a.text else ():
        signals.append(("premium_number", f"the premium-rate number {number}"))
    if params.get("use_classifier", True) and _score_may_count(a, params, signals):
        points = classifier_points(a.scores.get("spam", 0.0), params)
        if points >= 3 and a.links and not a.ctx.same_text_authors and not any(
                not domain_matches(link.domain, OFFICIAL_DOMAINS) for link in untrusted):
            # Every link goes to an official or trusted site ("flu jab info here
            # https://www.nhs.uk/..."): the model's word alone does not make that spam.
            points = 2
        # A middling score adds up only with what the post says (an offer word, a phrase, a
        # charged number), not with a shortened link alone (Twitter wraps every link in t.co).
        if points and (points >= 3 or any(k in WORDED for k, _ in signals)):
            signals.append(("classifier" if points >= 3 else f"classifier_{points}",
                            f"a statistical spam score of {a.scores['spam']:.2f}"))
    kinds = [kind for kind, _ in signals]
    commercial = bool(untrusted) or kinds.count("spam_word") >= 2 or any(
        kind in COMMERCIAL and kind != "spam_word" for kind in kinds)
    if commercial and a.ctx.same_text_authors >= int(params.get("same_text_authors", 2)):
        signals.append(("same_text", f"the same text from {a.ctx.same_text_authors} other accounts"))
    created = a.item.author.created_at
    if untrusted and created is not None:
        age = (datetime.now(UTC) - (created if created.tzinfo else created.replace(tzinfo=UTC)))
        if age.days < int(params.get("new_account_days", 7)):
            signals.append(("new_account_link", f"a link from an account {age.days} day(s) old"))
    if len(untrusted) >= int(params.get("many_links", 3)):
        signals.append(("many_links", f"{len(untrusted)} links"))
    return signals


def lowest_counting_score(params: dict[str, Any], worded: bool) -> float:
    """The lowest statistical spam score that can add a signal in ``_signals``: one earning
    any points when the post has an offer word, a phrase or a charged number (``worded``),
    else one earning 3 or more (a middling score adds up only with those). A lower bound:
    every level earning enough points counts, reachable or not."""
    levels = [(float(params.get("classifier_threshold", 0.9)),
               int({**DEFAULT_POINTS, **params.get("points", {})}["classifier"]))]
    levels += [(float(tier[0]), int(tier[1])) for tier in params.get("classifier_tiers", ())]
    need = 1 if worded else 3
    return min((level for level, points in levels if points >= need), default=math.inf)


def _score_may_count(a: Analysis, params: dict[str, Any], signals: list[tuple[str, str]]) -> bool:
    """False when the spam score cannot add a signal whatever the model says: its bound
    (``Analysis.score_bound``, known without running the model) is below the lowest
    score that counts. Then the model is not run for the spam rule (the findings are the
    same: ``classifier_points`` gives 0, or a middling score that counts only with an
    offer word, a phrase or a charged number, of which the post has none)."""
    bound = a.score_bound("spam")
    return bound is None or bound >= lowest_counting_score(params, any(k in WORDED for k, _ in signals))


def classifier_points(score: float, params: dict[str, Any]) -> int:
    """Points for the statistical spam score: the full ``classifier`` points at
    ``classifier_threshold``, fewer for a middling score (``classifier_tiers``,
    e.g. ``[[0.65, 2], [0.45, 1]]``): a middling score never makes spam alone, and it
    adds up only with an offer word, a phrase or a charged number (see ``_signals``)."""
    if score >= float(params.get("classifier_threshold", 0.9)):
        return int({**DEFAULT_POINTS, **params.get("points", {})}["classifier"])
    for tier in sorted(params.get("classifier_tiers", ()), key=lambda t: -float(t[0])):
        if score >= float(tier[0]):
            return int(tier[1])
    return 0


# Normalisation reads "£" as the letter "l" (a confusable: "£oser"), so "£35" arrives as "l35"
# and the phrases' pound signs never matched. The phrases read the text with a pound sign back
# before a digit ("l35" -> "£35"; the same length, so spans stay put).
_POUND_RE = re.compile(r"(?<![a-z0-9])l(?=\s?\d)")


def money_text(a: Analysis) -> str:
    """The normalised text with "£" put back before amounts (see ``_POUND_RE``)."""
    if "_money_text" not in a.__dict__:
        a.__dict__["_money_text"] = _POUND_RE.sub("£", a.text) if a.has_digit else a.text
    return a.__dict__["_money_text"]


def _spam_phrases(a: Analysis) -> list[str]:
    """The distinct spam phrases in the post (looked for once per post)."""
    if "_spam_phrases" not in a.__dict__:
        found: list[str] = []
        text = money_text(a)
        if (not a.gated or not a.words.isdisjoint(_PHRASE_TRIGGERS) or any(c in text for c in "£$€%")
                or _glued_money(a.text)) \
                and a.may_match(SPAM_PHRASES, text):
            found = list(dict.fromkeys(m.group() for m in _PHRASES.finditer(text, a.bits_for(_PHRASES, text))))
        a.__dict__["_spam_phrases"] = found
    return a.__dict__["_spam_phrases"]


def warns_about_scams(a: Analysis, params: dict[str, Any]) -> bool:
    """A post warning others about a scam, with no outside link or charged number of its own."""
    text = a.text
    if not (a.may_match(SCAM_WARNING_RE) and SCAM_WARNING_RE.search(text) and WARNING_RE.search(text)):
        return False
    return not (a.links and _untrusted_links(a, params)) and not premium_numbers(text)


def spam(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Commercial promotion and scams, from a score of several signals."""
    if warns_about_scams(a, params):
        return None
    signals = _signals(a, params)
    points = {**DEFAULT_POINTS, **params.get("points", {})}
    total = sum(int(kind.rsplit("_", 1)[1]) if kind.startswith("classifier_") else points.get(kind, 1)
                for kind, _ in signals)
    if total < float(params.get("threshold", 3)):
        return None
    spans = tuple(link.span for link in a.links if link.span is not None)
    if _spam_phrases(a):
        text = money_text(a)
        spans += tuple(a.span(m.start(), m.end()) for m in _PHRASES.finditer(text, a.bits_for(_PHRASES, text)))
    detail = "Signals: " + "; ".join(text for _, text in signals) + "."
    return Hit(spans=spans, detail=detail, score=min(1.0, total / 10))


# Posts with nothing to do with the thread, without a link (round 7): chit-chat put to
# everyone ("what's everyone's opinion on pineapple on pizza?", "who else thinks the new Doctor
# Who is rubbish?", "does anyone know a good dog groomer?", "can everyone send her a happy
# birthday message?") and promotion of something unrelated ("selling a used PS5, £280 ono",
# "personal trainer here, bootcamp ... message me to book", "my band plays the Fleece on
# Friday"). Only in reply to a thread it shares no word with, and never when the post is about
# the council's business (a road, the bins, the library, "the council"): "does anyone know if
# the closure affects the bus?" under a road closure is on topic.
OFF_TOPIC_RE = re.compile(
    r"(?<![a-z])(?:what'?s\s+every(?:one|body)'?s\s+(?:opinion|view|take|favourite)|who\s+else\s+(?:thinks|reckons|loves|hates|"
    r"watched|is\s+watching)|who'?s\s+(?:watching|going\s+to\s+win)|(?:has|have)\s+any(?:one|1|body)\s+(?:seen|watched|tried)|"
    r"does\s+any(?:one|1|body)\s+(?:\w+\s+)?(?:watch|know\s+(?:a|any)\s+(?:good|decent|cheap)|recommend)|random\s+question|"
    r"asking\s+for\s+a\s+friend|can\s+every(?:one|body)\s+(?:send|wish|give)|"
    r"(?:selling|for\s+sale)\s+(?:my|a|an|our|used|old|two|three|\d)(?:\s+[^.!?]{0,60}?)(?:£\s?\d+\s*(?:ono|each|or\s+near)|"
    r"ono(?![a-z]))|£\s?\d+\s*ono(?![a-z])|"
    r"message\s+me\s+to\s+(?:book|order|buy)|tickets\s+on\s+the\s+door|my\s+band(?:'s)?\s+(?:plays|is\s+playing|new)|"
    r"[a-z]+\s+(?:trainer|coach|stylist|photographer)\s+here)"
)
OFF_TOPIC_WORDS = frozenset(
    "what's whats who else who's whos has have does random asking can selling sale ono message tickets "
    "band here".split()
)
# The council's business: a post naming one of these is about it, whatever the thread.
COUNCIL_TOPIC = frozenset(
    "council councils councillor councillors cllr clerk mayor town parish road roads street lane pavement "
    "bins bin recycling parking park playground library toilets planning precept budget grant grants "
    "allotment allotments hall meeting consultation closure closed bus buses flooding streetlight lights "
    "litter fly-tipping potholes pothole verge hedge trees tree cemetery rec meeting meetings debate market "
    "bypass inquiry timetable timetables kerb ward paper gazette".split()
)


def off_topic_post(a: Analysis, context: str) -> Hit | None:
    """A post without a link that has nothing to do with the thread (see ``OFF_TOPIC_RE``)."""
    if a.words.isdisjoint(OFF_TOPIC_WORDS) and "£" not in money_text(a):
        return None
    if not a.words.isdisjoint(COUNCIL_TOPIC) or _shares_topic(a, context):
        return None
    text = money_text(a)
    marker = OFF_TOPIC_RE.search(text) if (not a.gated or a.may_match(OFF_TOPIC_RE, text)) else None
    if marker is None:
        return None
    return Hit(spans=(a.span(marker.start(), marker.end()),),
               detail=f'Nothing to do with the thread ("{marker.group()}").')


def maybe_off_topic(a: Analysis, params: dict[str, Any]) -> bool:
    return a.maybe_links or (bool(a.item.context_text) and (
        not a.words.isdisjoint(OFF_TOPIC_WORDS) or "£" in money_text(a)))


def off_topic_link(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Links to sites that are neither trusted nor related to the thread, and posts without a
    link that have nothing to do with it (``off_topic_post``)."""
    context = (a.item.context_text or "").lower()
    if not context:  # no thread to compare with: nothing is "off topic"
        return None
    if not a.links:
        return off_topic_post(a, context)
    council = a.ctx.council
    trusted = tuple(d.lower() for d in (*council.allowed_domains, *params.get("trusted_domains", ())))
    own = council.website.lower().split("//")[-1].split("/")[0].removeprefix("www.")
    unrelated = [
        link for link in a.links
        if not domain_matches(link.domain, trusted + ((own,) if own else ()))
        and link.domain not in context
    ]
    # A link about the council's business (the local paper on the precept row, the bus
    # timetables, the Planning Portal) is on topic whatever the thread.
    if not unrelated or _shares_topic(a, context) or not a.words.isdisjoint(COUNCIL_TOPIC):
        return None
    spans = tuple(link.span for link in unrelated if link.span is not None)
    domains = ", ".join(dict.fromkeys(link.domain for link in unrelated))
    return Hit(spans=spans, detail=f"Link(s) to {domains}, which the thread does not mention.")


_STOP = frozenset(
    "the and for that this with have from they will your what about there their which when "
    "would could should been were just like into than them then more some very also only "
    "http https www com org uk".split()
)


def _shares_topic(a: Analysis, context: str) -> bool:
    """True when the post shares a content word (4+ letters) with the thread."""
    mine = {w for w in a.words if len(w) >= 4 and w not in _STOP}
    return any(w in context for w in mine)
