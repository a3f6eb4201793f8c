"""Word lists matched against normalised text, with leetspeak and an allow-list.

A word list is a plain text file, one entry per line (``#`` starts a comment):

* ``numpty`` matches the whole word, its plural, elongations ("numptyyyy",
  "nummpty"), leetspeak ("nvmpty" no, "numpt¥" no, "n0mpty" no; "numpt1es" yes,
  "1d10t" for idiot) and spaced-out letters ("n u m p t y", "i.d.i.o.t");
* ``fuck*`` also matches inside longer words ("fuckwit", "motherfucker") unless
  the whole word is on the allow-list;
* ``piece of shit`` (several words) matches the phrase with any spacing.

The allow-list stops innocent words that contain a rude string: exact words
(``scunthorpe``), prefixes (``cocktail*``), endings (``*twater``) and phrases
(``blue tit``, ``cock-up``).
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from bot.policy.prefilter import longest_first

LEET = str.maketrans({
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "+": "t",
})
_SKIP = (
    r"https?://\S+|www\.\S+|[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+"
    r"|(?<![a-z0-9])@[a-z0-9_.-]+(?:@[a-z0-9.-]+)?"
)
TOKEN_RE = re.compile(rf"(?P<skip>{_SKIP})|(?P<tok>[a-z0-9@$*!|+]+)")
_TOKEN_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789@$*!|+")
_SKIP_RE = re.compile(_SKIP)


def _skipped_spans(text: str) -> list[tuple[int, int]]:
    """Links, e-mail addresses and @mentions, which the word lists do not look into."""
    if "@" not in text and "http" not in text and "www." not in text:
        return []
    return [m.span() for m in _SKIP_RE.finditer(text)]
WORD_RE = re.compile(r"[a-z]+")
LEET_IN_WORD_RE = re.compile(
    r"[a-z][0-9@$*!|+]+[a-z]|(?<![a-z0-9@])[0-9$][a-z]{3,}|[a-z]\$\$(?![a-z0-9])"
)
_SINGLE_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz")
SPACED_RE = re.compile(r"(?<![a-z0-9])[a-z](?:[ .\-_*/]{1,3}[a-z]){2,}(?![a-z0-9])")
SQUEEZE_RE = re.compile(r"([a-z])\1+")
LONG_RUN_RE = re.compile(r"([a-z])\1\1+")
_HIDDEN_LETTERS = "uaeioncrkt"
LEET_CHARS = "0123456789@$*!|+"
# What the one-pass pre-filter (an Aho-Corasick automaton) reports about a text.
STEM, LONG_RUN, LEET_PAIR, SPACED = 1, 2, 4, 8
ALL_FLAGS = STEM | LONG_RUN | LEET_PAIR | SPACED
_SEPARATORS = " .-_*/"
_LOOKUP_CACHE_LIMIT = 20_000


def _prefilter(stems: Iterable[str]) -> ahocorasick.Automaton:
    """One automaton for every "might need a closer look" string.

    Stems ("fuck" inside "fuckwit"), three equal letters in a row ("fuuuck"), a
    leetspeak character followed by a letter, or a letter followed by "@" or "$$"
    ("1d10t", "sh!t", "c@nt", "a$$"), and single letters between separators ("t w a t",
    "i.d.i.o.t"): a post with none of these and no listed word cannot match, so it
    skips the token and spaced-letter scans.
    """
    automaton = ahocorasick.Automaton()
    flags: dict[str, int] = {}

    def add(key: str, flag: int) -> None:
        flags[key] = flags.get(key, 0) | flag

    for stem in stems:
        add(stem, STEM)
    for letter in string.ascii_lowercase:
        add(letter * 3, LONG_RUN)
        add(letter + "@", LEET_PAIR)
        add(letter + "$$", LEET_PAIR)
        for leet in LEET_CHARS.replace("@", ""):
            add(leet + letter, LEET_PAIR)
        for before in _SEPARATORS:
            for after in _SEPARATORS:
                add(before + letter + after, SPACED)
    for key, flag in flags.items():
        automaton.add_word(key, flag)
    automaton.make_automaton()
    return automaton


def squeeze(word: str) -> str:
    """Collapse every run of a repeated letter to one letter ("fuuuck" -> "fuck")."""
    return SQUEEZE_RE.sub(r"\1", word)


def _doubled(word: str) -> list[str]:
    """"fuck" -> "ffuck", "fuuck", ...: one letter typed twice, a common dodge."""
    return [word[:i + 1] + word[i:] for i in range(len(word)) if word[i].isalpha()]


def plural_forms(word: str) -> tuple[str, ...]:
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return (word, word[:-1] + "ies", word + "s")
    if word.endswith(("s", "x", "sh", "ch")):
        return (word, word + "es")
    return (word, word + "s")


def read_entries(text: str) -> list[str]:
    """Entries of a word-list file: lower-cased, comments and blank lines removed."""
    entries = []
    for line in text.splitlines():
        entry = " ".join(line.split("#", 1)[0].split()).lower()
        if entry:
            entries.append(entry)
    return entries


class AllowList:
    """Innocent words that contain rude strings: exact, ``prefix*`` and ``*ending``."""

    def __init__(self, entries: Iterable[str]):
        exact, prefixes, endings, phrases = set(), [], [], []
        for entry in entries:
            if " " in entry or "-" in entry.strip("-"):
                phrases.append(entry)
            elif entry.endswith("*"):
                prefixes.append(entry.rstrip("*"))
            elif entry.startswith("*"):
                endings.append(entry.lstrip("*"))
            else:
                exact.add(entry)
        self.exact = frozenset(exact)
        self.phrases = tuple(sorted(set(phrases)))
        self._phrase_re = re.compile(r"(?<![a-z])(?:" + "|".join(
            r"[\s\-]+".join(re.escape(w) for w in re.split(r"[\s\-]+", p))
            for p in longest_first(self.phrases)
        ) + r")(?![a-z])") if self.phrases else None
        self.prefixes = tuple(sorted(set(prefixes)))
        self.endings = tuple(sorted(set(endings)))
        self._known: dict[str, bool] = {}
        self._phrase_keys = frozenset(
            max(re.split(r"[\s\-]+", p), key=len) for p in self.phrases)

    def __len__(self) -> int:
        return len(self.exact) + len(self.prefixes) + len(self.endings) + len(self.phrases)

    def phrase_ranges(self, text: str, words: frozenset[str] | None = None) -> list[tuple[int, int]]:
        """Where allowed phrases ("blue tit", "cock-up") occur in normalised text.

        With ``words`` (the post's ``WORD_RE`` words), posts that lack every
        phrase's longest word are answered without scanning.
        """
        if self._phrase_re is None or (words is not None and self._phrase_keys.isdisjoint(words)):
            return []
        return [m.span() for m in self._phrase_re.finditer(text)]

    def allows(self, word: str) -> bool:
        """True when ``word`` is innocent (results cached: words repeat a lot)."""
        known = self._known.get(word)
        if known is None:
            if len(self._known) >= _LOOKUP_CACHE_LIMIT:
                self._known.clear()
            known = self._known[word] = self._allows(word)
        return known

    def _allows(self, word: str) -> bool:
        if word in self.exact or (word.endswith("s") and word[:-1] in self.exact):
            return True
        if word.endswith("'s") and word[:-2] in self.exact:
            return True
        return word.startswith(self.prefixes) or word.endswith(self.endings)


@dataclass(frozen=True)
class LexHit:
    start: int
    end: int
    word: str
    lists: tuple[str, ...]


@dataclass
class _Tables:
    exact: dict[str, set[str]] = field(default_factory=dict)
    squeezed: dict[str, set[str]] = field(default_factory=dict)
    stems: dict[str, set[str]] = field(default_factory=dict)
    phrases: dict[str, set[str]] = field(default_factory=dict)


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in longest_first(words))


class Lexicon:
    """All word lists of a rule set, compiled once into sets and a few regexes."""

    def __init__(self, lists: dict[str, list[str]], allow: AllowList,
                 weights: dict[str, int] | None = None):
        """``weights``: how serious each list is (the engine gives the severities of the rules
        that read it); a masked word ("tw*t") is read as the most serious word it can stand for."""
        self.allow = allow
        self.list_names = frozenset(lists)
        self._weights = dict(weights or {})
        t = _Tables()
        for name, entries in lists.items():
            for entry in entries:
                self._add(t, name, entry)
        self._exact = {w: tuple(sorted(n)) for w, n in t.exact.items()}
        self._squeezed = {w: tuple(sorted(n)) for w, n in t.squeezed.items()}
        self._stems = {w: tuple(sorted(n)) for w, n in t.stems.items()}
        self._phrases = {w: tuple(sorted(n)) for w, n in t.phrases.items()}
        self._exact_keys = frozenset(self._exact)
        self._squeezed_keys = frozenset(self._squeezed)
        self._stem_re = re.compile(_alternation(self._stems)) if self._stems else None
        self._phrase_re = re.compile(
            r"(?<![a-z])(?:" + "|".join(
                r"\s+".join(re.escape(p) for p in phrase.split())
                for phrase in longest_first(self._phrases)
            ) + r")(?![a-z])"
        ) if self._phrases else None
        # A phrase can only match if its longest word is in the post.
        self._phrase_keys = frozenset(max(p.split(), key=len) for p in self._phrases)
        self._by_length: dict[int, list[str]] = {}
        for word in self._exact:
            self._by_length.setdefault(len(word), []).append(word)
        self._automaton = _prefilter(self._stems)
        self._lookups: dict[str, tuple[str, tuple[str, ...] | None]] = {}

    def prefilter(self, text: str) -> int:
        """``STEM | LONG_RUN | LEET_PAIR | SPACED`` flags for ``text``, in one C-level pass."""
        flags = 0
        for _, flag in self._automaton.iter(text):
            flags |= flag
            if flags == ALL_FLAGS:
                break
        return flags

    def _add(self, t: _Tables, name: str, entry: str) -> None:
        if " " in entry:
            t.phrases.setdefault(entry, set()).add(name)
            return
        stem = entry.endswith("*")
        word = entry.strip("*")
        if not word:
            return
        if stem:
            t.stems.setdefault(word, set()).add(name)
        for form in plural_forms(word):
            t.exact.setdefault(form, set()).add(name)
            if len(form) >= 4:
                for variant in _doubled(form):
                    if not self.allow.allows(variant):
                        t.squeezed.setdefault(variant, set()).add(name)
            short = squeeze(form)
            if len(short) >= 4 and not self.allow.allows(short):
                t.squeezed.setdefault(short, set()).add(name)

    # --- matching -------------------------------------------------------------------

    def scan(self, text: str, words: frozenset[str] | None = None,
             flags: int | None = None) -> list[LexHit]:
        """Every hit in normalised ``text``; cheap when there is none (the usual case).

        ``words`` (the set of ``WORD_RE`` words of ``text``) and ``flags`` (from
        ``prefilter``) may be passed in when the caller already has them. Each check
        below is a set operation or one C-level scan; the per-word walk only runs
        when one of them says it might find something.
        """
        if words is None:
            words = frozenset(WORD_RE.findall(text))
        if flags is None:
            flags = self.prefilter(text)
        maybe = (
            flags & (STEM | LONG_RUN)
            or not self._exact_keys.isdisjoint(words)
            or not self._squeezed_keys.isdisjoint(words)
            or (flags & LEET_PAIR and LEET_IN_WORD_RE.search(text) is not None)
        )
        hits: list[LexHit] = self._scan_tokens(text) if maybe else []
        if flags & SPACED and len(words & _SINGLE_LETTERS) >= 2:
            hits.extend(self._scan_spaced(text))
        if self._phrase_re is not None and not self._phrase_keys.isdisjoint(words):
            for m in self._phrase_re.finditer(text):
                key = " ".join(m.group().split())
                hits.append(LexHit(m.start(), m.end(), key, self._phrases[key]))
        if hits:
            allowed = self.allow.phrase_ranges(text, words)
            if allowed:
                hits = [h for h in hits if not any(a <= h.start and h.end <= b for a, b in allowed)]
        return hits

    def _scan_tokens(self, text: str) -> list[LexHit]:
        """Hits among the post's tokens: each distinct token is looked up once (cached
        across posts), and positions are only worked out when something matched."""
        found: dict[str, tuple[str, tuple[str, ...]]] = {}
        for skip, tok in set(TOKEN_RE.findall(text)):
            if skip:
                continue
            word, lists = self._token_lists(tok)
            if lists:
                found[tok] = (word, lists)
        if not found:
            return []
        skipped = _skipped_spans(text)
        hits = []
        for tok, (word, lists) in found.items():
            at = text.find(tok)
            while at != -1:
                end = at + len(tok)
                if ((at == 0 or text[at - 1] not in _TOKEN_CHARS)
                        and (end == len(text) or text[end] not in _TOKEN_CHARS)
                        and not any(a <= at < b for a, b in skipped)):
                    start = at
                    if not tok.isalpha():
                        stripped = tok.strip("!|+")
                        start += tok.index(stripped[:1])
                        end = start + len(stripped)
                    hits.append(LexHit(start, end, word, lists))
                at = text.find(tok, at + 1)
        hits.sort(key=lambda h: h.start)
        return hits

    def _token_lists(self, tok: str) -> tuple[str, tuple[str, ...] | None]:
        """(the word a raw token stands for, the lists it is in), cached per token."""
        known = self._lookups.get(tok)
        if known is None:
            word = tok
            if not tok.isalpha():
                stripped = tok.strip("!|+")
                word = stripped.translate(LEET) if any(c.isalpha() for c in stripped) else ""
            known = (word, self.lookup(word) if word else None)
            if len(self._lookups) >= _LOOKUP_CACHE_LIMIT:
                self._lookups.clear()
            self._lookups[tok] = known
        return known

    def _scan_spaced(self, text: str) -> list[LexHit]:
        hits = []
        for m in SPACED_RE.finditer(text):
            word = re.sub(r"[^a-z]", "", m.group())
            start = m.start()
            lists = self.lookup(word)
            if not lists and word[0] in "ai" and len(word) > 4:
                # "what a k n o b h e a d", "is a m.u.p.p.e.t": the article joins the run.
                lists = self.lookup(word[1:])
                if lists:
                    word = word[1:]
                    start = m.start() + 1 + len(m.group()[1:]) - len(m.group()[1:].lstrip(" .-_*/"))
            if lists:
                hits.append(LexHit(start, m.end(), word, lists))
        return hits

    def lookup(self, word: str) -> tuple[str, ...] | None:
        """The lists a single (normalised, de-leeted) word belongs to, or ``None``."""
        found = self._exact.get(word)
        if found is None and LONG_RUN_RE.search(word):
            found = self._exact.get(LONG_RUN_RE.sub(r"\1\1", word))
        if found is None and "*" in word:
            found = self._wildcard(word)
        if found is None and len(word) >= 4:
            found = self._squeezed.get(word) or self._squeezed.get(squeeze(word))
        if found is None and self._stem_re is not None:
            m = self._stem_re.search(word)
            if m and not self.allow.allows(word):
                found = self._stems[m.group()]
        if found is not None and self.allow.allows(word) and word not in self._exact:
            return None
        return found

    def _wildcard(self, word: str) -> tuple[str, ...] | None:
        """"f*ck", "c**t", "f*cking": a ``*`` stands for one hidden letter."""
        stars = word.count("*")
        if len(word) - stars < 2 or word.startswith("*") or stars > 3:
            return None
        pattern = re.compile(re.escape(word).replace(r"\*", "[a-z]") + r"\Z")
        candidates = [c for c in self._by_length.get(len(word), ()) if pattern.match(c)]
        if candidates:
            # "f*ck" could be "feck" or "fuck", "tw*t" "twit" or "twat": people hide the letters
            # of the serious word, so the most serious reading wins (then the first in the
            # alphabet: the same answer in every process, whatever order the lists were read in).
            weights = self._weights
            best = min(candidates, key=lambda c: (-sum(weights.get(n, 0) for n in self._exact[c]), c))
            return self._exact[best]
        if stars > 2:
            return None
        for letters in itertools.product(_HIDDEN_LETTERS, repeat=stars):
            guess = word
            for letter in letters:
                guess = guess.replace("*", letter, 1)
            found = self.lookup(guess)
            if found:
                return found
        return None
