"""Emerging themes: which words residents used much more this month than before.

Only civil posts count: replies, mentions and quotes that no rule flagged (never
DMs, never deleted or minimised posts). Each post is split into words; common
English words are dropped; single words and two-word phrases are counted once per
post. A term *rises* when the share of posts mentioning it this month is well above
its share in the previous months. The ranking uses the log-odds ratio with an
informative prior (Monroe, Colaresi and Quinn, 2008), which stops a word seen in two
posts out of three from outranking one seen in thirty out of three hundred. A term
must appear in at least ``min_posts`` posts by at least two different people.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.report.months import Month
from bot.report.names import KnownNames, known_names
from bot.storage import models as m

STOP_WORDS = frozenset(
    """
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
few for from further get gets got had hadn't has hasn't have haven't having he her here hers herself him
himself his how i i'd i'll i'm i've if in into is isn't it it's its itself just let's like me more most much
must my myself no nor not now of off on once only or other ought our ours ourselves out over own please really
same she should shouldn't so some still such than thank thanks that that's the their theirs them themselves
then there there's these they they're this those through to too under until up us very was wasn't we we're
were weren't what what's when where which while who whom why will with won't would wouldn't you you're your
yours yourself yourselves yes yet one two next last again ever every anyone someone something anything
council councils town today tomorrow yesterday week weeks month year years time day days can please hi hello
see know think going go new good great well ok okay lot lots since ago back make made need needs want
near around many even already always never maybe sure
""".split()
)
_URL = re.compile(r"https?://\S+|www\.\S+")
_HANDLE = re.compile(r"@[\w.\-]+(?:@[\w.\-]+)?")
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z0-9]*\d[a-z0-9]*")


@dataclass
class Theme:
    term: str
    posts_now: int
    share_now: float
    share_before: float
    authors: int
    score: float
    examples: list[str] = field(default_factory=list)
    post_ids: frozenset[int] = field(default=frozenset(), repr=False)


@dataclass
class ThemeReport:
    posts_now: int
    posts_before: int
    baseline_months: int
    themes: list[Theme]


@dataclass(frozen=True)
class CivilPost:
    text: str
    author_id: int


def terms_of(text: str) -> set[str]:
    """The distinct words and two-word phrases of a post, without common words."""
    cleaned = _HANDLE.sub(" ", _URL.sub(" ", text.lower().replace("’", "'")))
    kept = [w if _meaningful(w) else None for w in _WORD.findall(cleaned)]
    words = {w for w in kept if w}
    # Phrases only from words that were next to each other in the post.
    return words | {f"{a} {b}" for a, b in zip(kept, kept[1:], strict=False) if a and b}


def _meaningful(word: str) -> bool:
    return len(word) > 2 and word not in STOP_WORDS and not word.isdigit()


def civil_posts(session: Session, month: Month) -> list[CivilPost]:
    rows = session.execute(
        select(m.Item.text, m.Item.author_id)
        .where(
            m.Item.captured_at >= month.start,
            m.Item.captured_at < month.end,
            m.Item.flagged.is_(False),
            m.Item.kind != "dm",
            m.Item.deleted_at.is_(None),
            m.Item.minimised_at.is_(None),
        )
        .order_by(m.Item.captured_at, m.Item.id)
    ).all()
    return [CivilPost(text or "", author) for text, author in rows]


def emerging_themes(
    session: Session, month: Month, *, baseline_months: int = 3, top: int = 6, min_posts: int = 3, examples: int = 2,
    names: KnownNames | None = None,
) -> ThemeReport:
    """The month's rising themes; example posts never contain a name the bot knows
    (``names``; by default every author's names and handles) or any handle."""
    now = civil_posts(session, month)
    before = [p for mo in month.last(baseline_months + 1)[:-1] for p in civil_posts(session, mo)]
    themes = rank_terms(now, before, min_posts=min_posts)[:top]
    names = names or known_names(session, (), "", common_words=STOP_WORDS)
    used: set[str] = set()
    for theme in themes:
        theme.examples = pick_examples(now, theme.term, examples, avoid=used, names=names)
        used.update(theme.examples)
    return ThemeReport(len(now), len(before), baseline_months, themes)


def rank_terms(now: list[CivilPost], before: list[CivilPost], *, min_posts: int = 3) -> list[Theme]:
    """Terms ordered by how much more often they were used now than before."""
    df_now, authors, posts = _document_frequency(now)
    df_before, _, _ = _document_frequency(before)
    n_now, n_before = len(now), len(before)
    candidates = []
    for term, count in df_now.items():
        if count < min_posts or len(authors[term]) < 2:
            continue
        score = _log_odds_z(count, n_now, df_before.get(term, 0), n_before)
        share_before = df_before.get(term, 0) / n_before if n_before else 0.0
        if score > 1.0 and count / n_now > share_before:
            candidates.append(Theme(term, count, count / n_now, share_before, len(authors[term]), score,
                                    post_ids=frozenset(posts[term])))
    candidates.sort(key=lambda t: (-t.score, -t.posts_now, t.term))
    return _without_overlaps(candidates)


def _document_frequency(posts: list[CivilPost]) -> tuple[Counter[str], dict[str, set[int]], dict[str, set[int]]]:
    """Posts per term, the distinct authors per term, and which posts (by position) use it."""
    df: Counter[str] = Counter()
    authors: dict[str, set[int]] = {}
    where: dict[str, set[int]] = {}
    for index, post in enumerate(posts):
        for term in terms_of(post.text):
            df[term] += 1
            authors.setdefault(term, set()).add(post.author_id)
            where.setdefault(term, set()).add(index)
    return df, authors, where


def _log_odds_z(y_now: int, n_now: int, y_before: int, n_before: int, prior_posts: float = 10.0) -> float:
    """z-score of the log-odds ratio with a prior worth ``prior_posts`` posts at the pooled rate."""
    pooled = (y_now + y_before) / max(n_now + n_before, 1)
    a = max(prior_posts * pooled, 0.01)
    a0 = prior_posts

    def log_odds(y: int, n: int) -> float:
        return math.log((y + a) / max(n + a0 - y - a, 1e-9))

    delta = log_odds(y_now, n_now) - log_odds(y_before, n_before)
    return delta / math.sqrt(1 / (y_now + a) + 1 / (y_before + a))


def _without_overlaps(themes: list[Theme]) -> list[Theme]:
    """One term per topic: "planning", "application" and "morton way" in the same posts are one theme.

    Two terms clash when they share a word or when most of their posts are the same
    (Jaccard similarity of 0.5 or more); the better-ranked stays, except that a
    phrase covering most of a single word's posts replaces it, being more telling.
    """
    kept: list[Theme] = []
    for theme in themes:
        clash = next((k for k in kept if _same_topic(k, theme)), None)
        if clash is None:
            kept.append(theme)
        elif " " in theme.term and " " not in clash.term and theme.posts_now >= 0.8 * clash.posts_now:
            kept[kept.index(clash)] = theme
    return kept


def _same_topic(a: Theme, b: Theme) -> bool:
    if set(a.term.split()) & set(b.term.split()):
        return True
    union = len(a.post_ids | b.post_ids)
    return bool(union) and len(a.post_ids & b.post_ids) / union >= 0.5


def pick_examples(posts: list[CivilPost], term: str, count: int, avoid: set[str] | None = None,
                  names: KnownNames | None = None) -> list[str]:
    """Short, tidy posts that use the term, shown without author: never one with a link,
    a handle or a name the bot knows (a resident's, a councillor's, staff's)."""
    chosen: list[str] = []
    avoid = avoid or set()
    for post in sorted(posts, key=lambda p: (abs(len(p.text) - 110), p.text)):
        if term not in terms_of(post.text) or _HANDLE.search(post.text) or _URL.search(post.text):
            continue
        if names is not None and names.mentioned(post.text):
            continue
        text = " ".join(post.text.split())
        if len(text) > 280:
            text = text[:277].rsplit(" ", 1)[0] + "…"
        if text not in chosen and text not in avoid:
            chosen.append(text)
        if len(chosen) == count:
            break
    return chosen
