"""Text normalisation before matching, keeping a map back to the original text.

Matching runs on a lower-case, accent-free, look-alike-free copy of the post; every
character of that copy remembers which character of the original it came from, so
a finding can highlight the words the author really typed.

Steps (in order, per character): zero-width, bidi and other format characters are
dropped; control characters and lone surrogates become spaces; Unicode NFKD
compatibility decomposition (full-width, mathematical and circled letters become
plain ones) with combining accents dropped; case folding; confusable look-alikes
(Cyrillic, Greek, small capitals, IPA) mapped to the Latin letter they imitate.
Leetspeak, repeated letters and spaced-out letters are handled by the lexicon
(``bot.policy.lexicon``) because they depend on word boundaries.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.domain import Span

# Look-alike letters that NFKD does not fold (a practical subset of Unicode TR39
# confusables for the Latin alphabet, after case folding).
CONFUSABLES: dict[str, str] = {
    # Cyrillic
    "а": "a", "б": "b", "в": "b", "г": "r", "д": "d", "е": "e", "ё": "e", "з": "3",
    "и": "u", "й": "u", "к": "k", "л": "n", "м": "m", "н": "h", "о": "o", "п": "n",
    "р": "p", "с": "c", "т": "t", "у": "y", "ф": "f", "х": "x", "ц": "u", "ч": "y",
    "ш": "w", "щ": "w", "ъ": "b", "ы": "bi", "ь": "b", "э": "e", "ю": "io", "я": "r",
    "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h",
    "ӏ": "l", "ү": "y", "ґ": "r", "є": "e", "ѡ": "w", "ꙇ": "i",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n", "θ": "o",
    "ι": "i", "κ": "k", "λ": "l", "μ": "u", "ν": "v", "ξ": "e", "ο": "o", "π": "n",
    "ρ": "p", "σ": "o", "ς": "c", "τ": "t", "υ": "u", "φ": "f", "χ": "x", "ψ": "w",
    "ω": "w", "ϲ": "c", "ϳ": "j",
    # Latin letters without a decomposition
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƀ": "b", "ɨ": "i",
    "æ": "ae", "œ": "oe", "þ": "th", "ð": "d", "ŋ": "n", "ɑ": "a", "ɡ": "g", "ɩ": "i",
    "ɪ": "i", "ʏ": "y", "ʀ": "r", "ʜ": "h", "ʟ": "l", "ɴ": "n", "ɢ": "g", "ʙ": "b",
    "ᴀ": "a", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ᴊ": "j", "ᴋ": "k", "ᴍ": "m", "ᴏ": "o",
    "ᴘ": "p", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ᴢ": "z", "ꜱ": "s", "ɵ": "o",
    "ɔ": "c", "ǝ": "e", "ə": "e", "ɛ": "e", "ʋ": "u", "ƅ": "b", "ꮃ": "w",
    # Punctuation that stands in for letters or apostrophes
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "＠": "@", "€": "e", "£": "l",
    "¡": "i", "¢": "c", "§": "s", "×": "x",
}

_DROP_CATEGORIES = frozenset({"Cf", "Mn", "Me"})  # format (zero-width, bidi), accents
_SPACE_CATEGORIES = frozenset({"Cc", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"})
_CACHE: dict[str, str] = {}
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_CACHE_LIMIT = 20_000


@dataclass(frozen=True)
class Normalised:
    """The normalised text and, when it differs in length, where each char came from.

    ``offsets[i]`` is the index in ``original`` of the character that produced
    ``text[i]``; ``offsets`` is ``None`` when the two line up one for one.
    """

    original: str
    text: str
    offsets: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> Span:
        """The span of the original text that produced ``text[start:end]``."""
        if self.offsets is None:
            a, b = start, end
        elif end <= start:
            a = b = self.offsets[start] if start < len(self.offsets) else len(self.original)
        else:
            a, b = self.offsets[start], self.offsets[end - 1] + 1
        return Span(a, b, self.original[a:b])


def fold_char(ch: str) -> str:
    """One original character as it is matched: '' (dropped), ' ', or letters."""
    cached = _CACHE.get(ch)
    if cached is not None:
        return cached
    category = unicodedata.category(ch)
    if category in _SPACE_CATEGORIES:
        out = " "
    elif category in _DROP_CATEGORIES:
        out = ""
    else:
        parts = []
        for part in unicodedata.normalize("NFKD", ch):
            if unicodedata.category(part) in _DROP_CATEGORIES:
                continue
            for low in part.casefold():
                parts.append(CONFUSABLES.get(low, low))
        out = "".join(parts)
    if len(_CACHE) < _CACHE_LIMIT:
        _CACHE[ch] = out
    return out


def normalise(text: str) -> Normalised:
    """Normalise ``text`` for matching (see the module docstring)."""
    if text.isascii():
        # Plain ASCII: lower-casing is the whole job and keeps positions.
        return Normalised(text, text.lower())
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    # ASCII runs are lowered in one go; only the other characters are folded one by one.
    for run in _NON_ASCII.finditer(text):
        start, end = run.span()
        if start > position:
            pieces.append(text[position:start].lower())
            offsets.extend(range(position, start))
        for index in range(start, end):
            folded = fold_char(text[index])
            if folded:
                pieces.append(folded)
                offsets.extend([index] * len(folded))
        position = end
    if position < len(text):
        pieces.append(text[position:].lower())
        offsets.extend(range(position, len(text)))
    return Normalised(text, "".join(pieces), tuple(offsets))
