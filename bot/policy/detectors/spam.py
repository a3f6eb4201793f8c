"""Spam (commercial promotion, scams) and links unrelated to the thread.

Spam is a score of signals, each worth points (all configurable in the rules
file): link shorteners, money, crypto and prize offers, "DM me", the same text
from several accounts, a brand-new account posting links, and the statistical
spam score. The rule fires at ``threshold`` points.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.policy.analysis import Analysis, Hit, domain_matches

SHORTENERS = frozenset({
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
    "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "t.ly", "s.id", "v.gd", "bl.ink", "lnkd.in",
    "shorte.st", "adf.ly", "linktr.ee", "tiny.one", "qr.net",
})
SPAM_WORDS = frozenset(
    "crypto bitcoin btc eth usdt forex nft airdrop giveaway investment invest investing profit "
    "profits earn earning income cash prize winner won claim casino betting viagra followers "
    "promo onlyfans loan loans payday discount voucher vouchers txt ringtone subscribe "
    "unsubscribe whatsapp telegram guaranteed congratulations urgent bonus reward rewards "
    "jackpot lottery trading trader mlm".split()
)
SPAM_PHRASES = re.compile(
    r"(?<![a-z])(?:dm\s+me|message\s+me|inbox\s+me|text\s+me|click\s+(?:here|the\s+link|below)|"
    r"link\s+in\s+(?:my\s+)?bio|limited\s+time|act\s+now|work\s+from\s+home|per\s+(?:day|week)|"
    r"free\s+(?:entry|gift|money|followers|trial)|100%\s+free|call\s+now|text\s+(?:stop|win|yes)|"
    r"send\s+stop|you\s+have\s+(?:won|been\s+selected)|double\s+your|financial\s+freedom|"
    r"(?:£|\$|€)\s?\d[\d,]*(?:k|\s?per|\s?a\s+(?:day|week))|get\s+rich|passive\s+income|"
    r"cheap\s+(?:meds|pills)|buy\s+followers)(?![a-z])"
)
# The phrases above can only match when one of these words (or a currency sign) is there.
_PHRASE_TRIGGERS = frozenset(
    "dm message inbox text click link limited act work per free call send won selected double "
    "financial rich passive cheap buy".split()
)


_GATE_WORDS = SPAM_WORDS | _PHRASE_TRIGGERS


def maybe_spam(a: Analysis, params: dict[str, Any]) -> bool:
    """Cheap pre-check: a link, an offer word, a currency sign, repeats or the model."""
    return (
        a.maybe_links or a.ctx.same_text_authors > 0
        or (a.has_scorer and params.get("use_classifier", True))
        or not a.words.isdisjoint(_GATE_WORDS) or "$" in a.text
    )


def _spam_phrase(a: Analysis) -> re.Match[str] | None:
    """The first spam phrase in the post (looked for once per post)."""
    if "_spam_phrase" not in a.__dict__:
        found = None
        if not a.words.isdisjoint(_PHRASE_TRIGGERS) or any(c in a.text for c in "£$€"):
            found = SPAM_PHRASES.search(a.text)
        a.__dict__["_spam_phrase"] = found
    return a.__dict__["_spam_phrase"]


DEFAULT_POINTS = {
    "shortener": 2, "spam_word": 1, "spam_phrase": 2, "same_text": 3, "new_account_link": 2,
    "many_links": 1, "classifier": 3,
}


def _signals(a: Analysis, params: dict[str, Any]) -> list[tuple[str, str]]:
    signals: list[tuple[str, str]] = []
    for link in a.links:
        if link.domain in SHORTENERS:
            signals.append(("shortener", f"a shortened link ({link.domain})"))
    words = sorted(a.words & SPAM_WORDS)
    if len(words) >= int(params.get("min_spam_words", 2)):
        signals.append(("spam_word", "money or offer words (" + ", ".join(words[:4]) + ")"))
    phrase = _spam_phrase(a)
    if phrase:
        signals.append(("spam_phrase", f'the phrase "{phrase.group()}"'))
    if a.ctx.same_text_authors >= int(params.get("same_text_authors", 2)):
        signals.append(("same_text", f"the same text from {a.ctx.same_text_authors} other accounts"))
    created = a.item.author.created_at
    if a.links and created is not None:
        age = (datetime.now(UTC) - (created if created.tzinfo else created.replace(tzinfo=UTC)))
        if age.days < int(params.get("new_account_days", 7)):
            signals.append(("new_account_link", f"a link from an account {age.days} day(s) old"))
    if len(a.links) >= int(params.get("many_links", 3)):
        signals.append(("many_links", f"{len(a.links)} links"))
    threshold = float(params.get("classifier_threshold", 0.9))
    if params.get("use_classifier", True) and a.scores.get("spam", 0.0) >= threshold:
        signals.append(("classifier", f"a statistical spam score of {a.scores['spam']:.2f}"))
    return signals


def spam(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Commercial promotion and scams, from a score of several signals."""
    signals = _signals(a, params)
    points = {**DEFAULT_POINTS, **params.get("points", {})}
    total = sum(points.get(kind, 1) for kind, _ in signals)
    if total < float(params.get("threshold", 3)):
        return None
    spans = tuple(link.span for link in a.links if link.span is not None)
    phrase = _spam_phrase(a)
    if phrase:
        spans += (a.span(phrase.start(), phrase.end()),)
    detail = "Signals: " + "; ".join(text for _, text in signals) + "."
    return Hit(spans=spans, detail=detail, score=min(1.0, total / 10))


def off_topic_link(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """Links to sites that are neither trusted nor related to the thread."""
    if not a.links:
        return None
    council = a.ctx.council
    trusted = tuple(d.lower() for d in (*council.allowed_domains, *params.get("trusted_domains", ())))
    own = council.website.lower().split("//")[-1].split("/")[0].removeprefix("www.")
    context = (a.item.context_text or "").lower()
    unrelated = [
        link for link in a.links
        if not domain_matches(link.domain, trusted + ((own,) if own else ()))
        and link.domain not in context
    ]
    if not unrelated or (context and _shares_topic(a, context)):
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
