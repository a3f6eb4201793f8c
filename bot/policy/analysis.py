"""Everything the detectors share about one item, computed once and only if needed.

An ``Analysis`` holds the normalised text, its words, the word-list hits, the
links and the "who is this aimed at" context. Detectors are pure functions of an
``Analysis`` and their rule's parameters; expensive facts are cached properties
so a post that no detector is interested in costs almost nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.domain import Item, Span
from bot.policy.groups import GROUP_ALTERNATIVES, group_mentions
from bot.policy.lexicon import WORD_RE, LexHit, Lexicon
from bot.policy.normalise import Normalised, normalise
from bot.policy.prefilter import PREFILTER, Alternatives
from bot.policy.speech import quoted_ranges, reported

if TYPE_CHECKING:
    from bot.policy.engine import EvalContext

SECOND_PERSON = frozenset({
    "you", "your", "yours", "yourself", "yourselves", "u", "ur", "ya", "yer", "youse", "ye",
})
THIRD_PERSON = frozenset({"he", "she", "him", "her", "his", "hes", "shes", "they", "them"})
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "hes", "shes", "himself", "herself"})
ROLES = frozenset({
    "clerk", "councillor", "councillors", "cllr", "cllrs", "mayor", "chairman", "chairwoman",
    "officer", "officers", "staff", "chair",
})
TITLES = ("cllr", "councillor", "mr", "mrs", "ms", "miss", "dr", "mayor", "clerk", "sir", "dame")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+")
_TRAILING = ".,;:!?'\")]}"
# Links written without http:// or www. ("thorntoken.example/presale", "bit.ly/x").
BARE_TLDS = (".com", ".net", ".org", ".uk", ".example", ".io", ".ly", ".xyz", ".info", ".biz", ".me",
             ".shop", ".online", ".site", ".app", ".link", ".click", ".top", ".co")
BARE_DOMAIN_RE = re.compile(
    r"(?<![@\w.\-/])(?:[a-z0-9][a-z0-9\-]*\.)+(?:com|net|org|co\.uk|org\.uk|gov\.uk|uk|example|io|ly|"
    r"xyz|info|biz|me|shop|online|site|app|link|click|top|co)(?:/[^\s<>\"')\]]*)?(?![\w\-])", re.IGNORECASE
)
_STRICT_BEFORE = re.compile(
    r"(?:(?<![a-z])(?:you|u|ya|ye|youse|ur|youre)(?![a-z])['\s]*(?:(?:are|re|r|were)\s+)?"
    r"|(?<![a-z])(?:is|are|s|was|were)\s+)"
    r"(?:(?:such|so|a|an|the|total|complete|absolute|utter|right|proper|massive|bloody|"
    r"fucking|effing|little|big|old|lying|sad|real|bunch\s+of|pack\s+of|load\s+of)\s+)*"
    r"(?:[a-z'\-]+,?\s+){0,3}?\Z"
)


# A name (or "you") followed by "absolute/utter/total ..." and the word: a name-call.
_VOCATIVE = re.compile(
    r"(?:(?<![a-z])(you|u|ya)\s+|[^a-z\s]*\s*,?\s*)(?:absolute|utter|total|complete|proper|right|useless|"
    r"such\s+a|what\s+a|an?)\s+(?:[a-z'\-]+\s+){0,2}?\Z"
)


# "what a useless prick he is": the exclamation, then who it is said of.
_WHAT_A = re.compile(r"(?<![a-z])what\s+(?:an?\s+)?(?:[a-z'\-]+\s+){0,2}?\Z")
_HE_IS = re.compile(r"[a-z'\-]+\s+(?:he|she|you|they)\s*(?:is|are|was|were|'s|'re)(?![a-z])")


@dataclass(frozen=True)
class Link:
    url: str
    domain: str
    span: Span | None


@dataclass(frozen=True)
class Hit:
    """What a detector found: spans to highlight and a detail for the clerk."""

    spans: tuple[Span, ...] = ()
    detail: str = ""
    score: float | None = None
    severity: Any = None  # a Severity overriding the rule's, e.g. when aimed at a person
    # Low-risk hits (a resident's own phone number, the classifier alone): the most
    # the finding may be (a Severity) and the only actions it may propose.
    severity_cap: Any = None
    allowed_actions: frozenset[Any] | None = None


Detector = Callable[["Analysis", dict[str, Any]], "Hit | None"]


def domain_of(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def domain_matches(domain: str, allowed: frozenset[str] | tuple[str, ...]) -> bool:
    """``a.b.gov.uk`` matches an allowed ``gov.uk``; ``evilgov.uk`` does not."""
    return any(domain == d or domain.endswith("." + d) for d in allowed)


def people_pattern(people: tuple[str, ...]) -> re.Pattern[str] | None:
    """A pattern for the council's named councillors and staff ("Cllr Jane Smith")."""
    alternatives = []
    for person in people:
        words = [w for w in normalise(person).text.replace(".", " ").split() if w]
        while words and words[0] in TITLES:
            words = words[1:]
        if not words:
            continue
        alternatives.append(r"\s+".join(map(re.escape, words)))
        alternatives.append(rf"(?:{'|'.join(TITLES)})\.?\s+{re.escape(words[-1])}")
    if not alternatives:
        return None
    return re.compile(r"(?<![a-z])(?:" + "|".join(alternatives) + r")(?![a-z])")


_PEOPLE_CACHE: dict[tuple[str, ...], re.Pattern[str] | None] = {}
_SURNAME_SUBJECT = re.compile(r"(?:'s|\s+is|\s+was|,)\s+(?:such\s+|so\s+|an?\s+|the\s+|a\s+total\s+|an\s+absolute\s+)")


@functools.lru_cache(maxsize=64)
def _surnames_of(people: tuple[str, ...]) -> frozenset[str]:
    out = set()
    for person in people:
        words = [w for w in normalise(person).text.replace(".", " ").split() if w and w not in TITLES]
        if len(words) >= 2:  # a surname said alone only when the person has a first name too
            out.add(words[-1])
    return frozenset(out)


class lazy:  # noqa: N801 - used like functools.cached_property
    """A cached property without ``functools.cached_property``'s lock (Python 3.11).

    Computed on first access and stored in the instance ``__dict__``, which later
    reads find first; an ``Analysis`` belongs to one thread, so no lock is needed.
    """

    def __init__(self, func: Callable[[Any], Any]):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


_ANY_DIGIT = re.compile(r"\d")


class Analysis:
    """Facts about one item for the detectors; see the module docstring.

    ``gated``: detectors may skip a pattern whose trigger words are absent (the
    engine's ``gates=False`` sets it off to check that skipping changes nothing).
    """

    gated = True
    # The findings of the rules that ran before the current one (the engine sets it; a second
    # opinion reads it to leave a post to the ground another rule found).
    findings: Sequence[Any] = ()
    opinion_rules: frozenset[str] = frozenset()  # the ids of the second-opinion rules among them

    def __init__(self, item: Item, ctx: EvalContext, lexicon: Lexicon,
                 scorer: Callable[[Normalised, frozenset[str]], dict[str, float]] | None = None,
                 bounder: Callable[[Normalised, frozenset[str]], dict[str, float]] | None = None):
        self.item = item
        self.ctx = ctx
        self.lexicon = lexicon
        self._scorer = scorer
        self._bounder = bounder
        self.norm: Normalised = normalise(item.text or "")
        self.text = self.norm.text

    def literal_bits(self, text: str | None = None, need: int = 0) -> int:
        """``PREFILTER.scan`` bits of ``text`` (default: the normalised text), cached;
        every bit set when the engine runs without gates. ``need``: the bits the caller
        reads (patterns registered after the first scan are scanned for again)."""
        if not self.gated:
            return -1
        key = self.text if text is None else text
        scans = self._literal_scans
        found = scans.get(key)
        if found is None or need & ~found[1]:
            found = scans[key] = PREFILTER.scan(key)
        return found[0]

    def may_match(self, pattern: re.Pattern[str], text: str | None = None) -> bool:
        """False when ``pattern`` cannot match ``text`` (default: the normalised text)
        because one of the sets of strings it needs has none there (``bot.policy.prefilter``)."""
        mask = PREFILTER.mask(pattern)
        return self.literal_bits(text, mask) & mask == mask

    def bits_for(self, alternatives: Alternatives, text: str | None = None) -> int | None:
        """The pre-filter bits ``alternatives`` reads for ``text`` (default: the
        normalised text); ``None`` without gates, so the whole pattern runs."""
        return self.literal_bits(text, alternatives.mask) if self.gated else None

    @lazy
    def _literal_scans(self) -> dict[str, tuple[int, int]]:
        return {}

    @property
    def has_scorer(self) -> bool:
        return self._scorer is not None

    @lazy
    def digit_count(self) -> int:
        """How many digits the post has (ten C-level counts; other scripts' digits too)."""
        text = self.text
        count = sum(map(text.count, "0123456789"))
        if not count and not text.isascii():
            count = len(_ANY_DIGIT.findall(text))
        return count

    @lazy
    def has_digit(self) -> bool:
        """Any digit (other scripts' digits too): one C-level scan."""
        return _ANY_DIGIT.search(self.text) is not None

    @lazy
    def maybe_links(self) -> bool:
        """Cheap: could the post hold a link at all (also a bare "site.example/page")?"""
        text = self.text
        return (bool(self.item.links) or "http" in text or "www." in text
                or (any(t in text for t in BARE_TLDS) and BARE_DOMAIN_RE.search(text) is not None))

    def span(self, start: int, end: int) -> Span:
        return self.norm.original_span(start, end)

    @lazy
    def words(self) -> frozenset[str]:
        return frozenset(WORD_RE.findall(self.text))

    @lazy
    def flags(self) -> int:
        """The lexicon's one-pass pre-filter flags (stems, long runs, leetspeak)."""
        return self.lexicon.prefilter(self.text)

    @lazy
    def lex_hits(self) -> list[LexHit]:
        return self.lexicon.scan(self.text, self.words, self.flags)

    @lazy
    def _hits_by_list(self) -> dict[str, list[LexHit]]:
        by_list: dict[str, list[LexHit]] = {}
        for hit in self.lex_hits:
            for name in hit.lists:
                by_list.setdefault(name, []).append(hit)
        return by_list

    def hits_in(self, lists: tuple[str, ...] | list[str]) -> list[LexHit]:
        """The word-list hits from any of ``lists``, in the order they occur."""
        if not self.lex_hits:
            return []
        if len(lists) == 1:
            return self._hits_by_list.get(lists[0], [])
        wanted = set(lists)
        return [h for h in self.lex_hits if not wanted.isdisjoint(h.lists)]

    @lazy
    def scores(self) -> dict[str, float]:
        return self._scorer(self.norm, self.words) if self._scorer else {}

    def score_bound(self, head: str) -> float | None:
        """A number that ``scores[head]`` cannot exceed, known without running the model
        (the transformer tier's spam score, a mean with the cheap standard spam head, is at
        most (1 + that head's score) / 2); ``None`` when there is none, or once the model
        has run (then read ``scores``). A detector that needs the score only above some
        level reads this first, so a post no rule needs the model for never runs it."""
        if self._bounder is None or "scores" in self.__dict__:
            return None
        return self._bounds.get(head)

    @lazy
    def _bounds(self) -> dict[str, float]:
        return self._bounder(self.norm, self.words) if self._bounder else {}

    @lazy
    def links(self) -> tuple[Link, ...]:
        found: dict[str, Link] = {}
        if not self.maybe_links:
            return ()
        if "http" in self.text or "www." in self.text:
            for m in URL_RE.finditer(self.item.text if self.norm.offsets is None else self.text):
                url = m.group().rstrip(_TRAILING)
                span = self.span(m.start(), m.start() + len(url))
                found.setdefault(url.lower(), Link(url, domain_of(url), span))
        for url in self.item.links:
            found.setdefault(url.lower(), Link(url, domain_of(url), None))
        if any(t in self.text for t in BARE_TLDS):
            source = self.item.text if self.norm.offsets is None else self.text
            for m in BARE_DOMAIN_RE.finditer(source):
                url = m.group().rstrip(_TRAILING)
                if not any(url.lower() in known for known in found):
                    found.setdefault(url.lower(), Link(url, domain_of(url), self.span(m.start(), m.start() + len(url))))
        return tuple(link for link in found.values() if link.domain)

    @lazy
    def people(self) -> list[tuple[int, int]]:
        """Where the council's named councillors and staff are mentioned."""
        people = tuple(self.ctx.council.people)
        if people not in _PEOPLE_CACHE:
            _PEOPLE_CACHE[people] = people_pattern(people)
        pattern = _PEOPLE_CACHE[people]
        return [m.span() for m in pattern.finditer(self.text)] if pattern else []

    @lazy
    def _word_positions(self) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(self.text)]

    def aimed_at(self, start: int, end: int, before: int = 5, after: int = 3,
                 third_person: bool = False) -> str:
        """Why the words at ``start:end`` are aimed at a person ('' if they are not)."""
        key = (start, end, before, after, third_person)
        known = self._aimed.get(key)
        if known is None:
            known = self._aimed[key] = self._aimed_at(start, end, before, after, third_person)
        return known

    @lazy
    def _aimed(self) -> dict[tuple[int, int, int, int, bool], str]:
        return {}

    def _aimed_at(self, start: int, end: int, before: int, after: int, third_person: bool) -> str:
        positions = self._word_positions
        index = next((i for i, (s, _, _) in enumerate(positions) if s >= start), len(positions))
        last = next((i for i in range(index, len(positions)) if positions[i][0] >= end), len(positions))
        window = positions[max(0, index - before): last + after]
        nearby = {w for s, e, w in window if e <= start or s >= end}
        # A phrase such as "go fuck yourself" carries its own target; the single
        # letters of a spaced-out word ("f u c k") do not count as "u".
        nearby |= {w for s, e, w in window if start <= s and e <= end and len(w) > 1}
        if nearby & SECOND_PERSON:
            return "said to the person replied to"
        if nearby & ROLES:
            return "said about a councillor or member of staff"
        if third_person and nearby & THIRD_PERSON:
            return "said about a person"
        lo = window[0][0] if window else start
        hi = window[-1][1] if window else end
        if any(a < hi and b > lo for a, b in self.people):
            return "said about a named councillor or member of staff"
        if self._surname_before(window, start):
            return "said about a named councillor or member of staff"
        if self.item.mentions or "@" in self.text[max(0, lo - 40): hi]:
            return "said to a mentioned account"
        return ""

    @lazy
    def council_surnames(self) -> frozenset[str]:
        """The surnames of the council's people who have a first name too ("Brown" of "Cllr Tom
        Brown"): said alone, they name that person."""
        return _surnames_of(tuple(self.ctx.council.people))

    def _surname_before(self, window: list[tuple[int, int, str]], start: int) -> bool:
        """A council person's surname alone as the subject just before the word
        ("Brown's a melt", "Smith is a ..."), not "the brown bin"."""
        surnames = self.council_surnames
        return any(w in surnames and e <= start and _SURNAME_SUBJECT.match(self.text, e) is not None
                   for s, e, w in window)

    @lazy
    def target(self) -> str:
        """Who the post as a whole is about, if anyone: '' for a post about things.

        A person or group: the person replied to ("you"), an @mention, a councillor
        or member of staff (by role or by name), "he" or "she", or a group of people
        (see ``bot.policy.groups``). "They" and "the council" are not enough: residents
        say "they never fix the roads" of the council as a body.
        """
        words = self.words
        if not words.isdisjoint(SECOND_PERSON):
            return "the person replied to"
        if self.item.mentions or "@" in self.text:
            return "a mentioned account"
        if not words.isdisjoint(ROLES) or self.people:
            return "a councillor or member of staff"
        if not words.isdisjoint(PERSON_PRONOUNS):
            return "a person"
        if self.groups:
            return "a group of people"
        return ""

    @lazy
    def groups(self) -> list[tuple[int, int, str]]:
        """(start, end, characteristic) of each mention of a protected group."""
        if not self.gated:
            return group_mentions(self.text, None)
        return group_mentions(self.text, self.words, self.bits_for(GROUP_ALTERNATIVES))

    def plainly_called(self, start: int) -> bool:
        """True for "you're pathetic", "you clown", "Cllr Smith is a total clown",
        "Cllr Brown, absolute clown", "tell him what a useless prick he is"."""
        base = max(0, start - 60)
        if _WHAT_A.search(self.text, base, start) is not None and _HE_IS.match(self.text, start):
            return True
        vocative = _VOCATIVE.search(self.text, base, start)
        if vocative is not None and (any(vocative.start() - 3 <= b <= vocative.start() + 1 for _, b in self.people)
                                     or vocative.group(1)):
            return True
        m = _STRICT_BEFORE.search(self.text, base, start)
        if m is None:
            return False
        if m.group().lstrip().startswith(("you", "u", "ya", "ye", "ur")):
            return True
        subject_end = m.start()
        words = WORD_RE.findall(self.text, max(0, subject_end - 30), subject_end)
        if words and (words[-1] in THIRD_PERSON | ROLES
                      or words[-1] in self.council_surnames):
            return True
        return any(subject_end - 2 <= b <= subject_end for _, b in self.people)

    @lazy
    def _quoted(self) -> list[tuple[int, int]]:
        return quoted_ranges(self.text)

    @property
    def quotes_reported_speech(self) -> bool:
        """Does the post quote words it reports ("called me a "..."", "the sticker says "...")?"""
        return bool(self._quoted)

    def reported(self, start: int, end: int) -> bool:
        """Is ``text[start:end]`` abuse the author reports or quotes to condemn (``bot.policy.speech``)?"""
        return reported(self.text, self._quoted, start, end)
