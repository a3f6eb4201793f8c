"""Reported and quoted speech: a resident telling the council about abuse they had.

"My son was called a "spastic" on the bus", "someone yelled "f*ggots" at two
lads", "the phrase "go back to where you came from" has no place here": the
words are abuse, the post is not. A hit counts as reported when it sits inside
quotation marks with a reporting word shortly before the quote, or directly
after "called me (a)", "was called", "calling her" and the like. What is said
to the person replied to outside the quotes still counts ("you're a "clown"").
"""

from __future__ import annotations

import re

# Single quotes may hold apostrophes inside words ('I'll have you sacked').
QUOTE_RE = re.compile(r"\"([^\"]{1,200})\"|“([^”]{1,200})”|‘([^’]{1,200})’|"
                      r"(?<![a-z])'((?:[^']|(?<=[a-z])'(?=[a-z])){2,120})'(?![a-z])")
REPORT_WORDS = (
    r"(?:called|calling|calls|call\s+(?:me|us|him|her|them)|yelled|yelling|shouted|shouting|screamed|"
    r"screaming|chanted|chanting|said|saying|says|wrote|written|writing|sprayed|spray\s*painted|painted|"
    r"scrawled|graffiti|texted|messaged|sent|notes?|letters?|leaflets?|stickers?|phrase|word|words|"
    r"slur|slurs|term|comments?|told|heard|hear|shout|yell|abuse|abused|names?|referred\s+to\s+as|"
    r"described\s+as|labelled|branded|things\s+like|(?:messages|posts|replies|tweets|e-?mails|threats)\s+(?:like|saying))"
)
_REPORT_BEFORE = re.compile(rf"(?<![a-z]){REPORT_WORDS}(?![a-z])")
# What others posted to someone: "people telling the clerk to '...'", "keep replying to her with
# '...'", "someone posted '...'". Not the author's own words ("I'm telling you '...'", a post
# that starts "Replying to your post: '...'").
_OTHERS_POSTED = re.compile(
    r"(?<![a-z])(?:telling|tells|replying|replied|replies|posting|posted|tweeted|tweeting|commented|"
    r"commenting)(?![a-z])")
_FIRST_PERSON_BEFORE = re.compile(r"(?<![a-z])(?:i|i'm|im|i\s+am|i\s+was|i've|ive|we|we're|we've|i'll)\s+\Z")


def _others_posted(text: str, lo: int, hi: int) -> bool:
    for m in _OTHERS_POSTED.finditer(text, lo, hi):
        if m.start() == 0 or not text[:m.start()].strip():
            continue
        if _FIRST_PERSON_BEFORE.search(text, max(0, m.start() - 12), m.start()) is None:
            return True
    return False
_CALLED_RE = re.compile(
    r"(?<![a-z])(?:(?:was|were|been|being|get|gets|got|getting)\s+called|called|calling|calls)\s+"
    r"(?:me|us|him|her|them|my\s+[a-z]+|our\s+[a-z]+|his\s+[a-z]+|her\s+[a-z]+)?\s*(?:an?\s+)?$"
)


# After the quotation: what it is ("the same '...' message to anyone who...") or a verdict on it
# ("'You'll regret this' is not feedback"): abuse the author shows to condemn it.
_CONDEMNED_AFTER = re.compile(
    r"[\s'\"\u2019\u201d.,!?]*(?:(?:messages?|posts?|replies|tweets?|e-?mails?|dms?)(?![a-z])|"
    r"(?:(?:is|was)\s+not|isn'?t|wasn'?t)\s+(?:feedback|acceptable|ok|okay|debate|criticism|free\s+speech|banter|"
    r"a\s+joke|funny|on)(?![a-z]))")


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of each quotation whose lead-in reports or condemns it."""
    if not any(q in text for q in "\"“‘'"):
        return []
    ranges = []
    for m in QUOTE_RE.finditer(text):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        lead_in = text[max(0, m.start() - 60): m.start()]
        after = text[m.end(): m.end() + 40]
        if (_REPORT_BEFORE.search(lead_in) or _REPORT_BEFORE.search(after)
                or _CONDEMNED_AFTER.match(text, m.end()) is not None
                or _others_posted(text, max(0, m.start() - 60), m.start())):
            ranges.append((m.start(group), m.end(group)))
    return ranges


def reported(text: str, ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when ``text[start:end]`` is abuse the author reports rather than says."""
    if any(a <= start and end <= b for a, b in ranges):
        return True
    return _CALLED_RE.search(text[max(0, start - 40): start]) is not None
