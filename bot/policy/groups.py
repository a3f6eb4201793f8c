"""Groups of people protected by the Equality Act 2010, as words in a post.

Used by the hate detector (a derogatory generalisation, dehumanisation or call
for exclusion needs a group as its object) and by the classifier's target guard
(strong words about roads and bins are not abuse; about a group of people they
may be). Terms are matched as whole words on normalised text; plural and
adjective forms are listed because the patterns read "Muslims are" and "the
Muslim ones" alike.
"""

from __future__ import annotations

import re

from bot.policy.prefilter import PREFILTER, longest_first

GROUP_TERMS: dict[str, tuple[str, ...]] = {
    "race or nationality": (
        "black people", "blacks", "black folk", "whites", "white people", "asians", "asian people",
        "africans", "african", "indians", "pakistanis", "pakistani", "bangladeshis", "chinese",
        "poles", "polish", "romanians", "romanian", "bulgarians", "albanians", "albanian",
        "lithuanians", "eastern europeans", "gypsies", "gypsy", "gipsies", "travellers",
        "traveller", "pikeys", "roma", "irish", "scots", "scottish", "welsh", "english",
        "arabs", "arab", "somalis", "nigerians", "jamaicans", "mexicans", "latinos",
        "immigrants", "immigrant", "migrants", "migrant", "refugees", "refugee",
        "asylum seekers", "asylum seeker", "foreigners", "foreign", "foreign nationals",
        "ethnic minorities", "ethnics", "natives", "native americans", "muslim immigrants",
        "boat people", "small boats", "illegals", "illegal immigrants", "non whites",
        "ukrainians", "ukrainian", "russians", "syrians", "afghans", "kurds", "turks", "iranians",
        "iraqis", "italians", "french", "germans", "lithuanian", "latvians", "bulgarian", "somali",
        "nigerian", "jamaican", "black women", "black men", "black lads", "black person",
        "asian women", "asian men", "chinese people", "indian people", "paddies", "brits", "gypos",
        "white british", "british",
        "non-whites", "coloured", "coloureds", "people of colour", "brown people",
        "black families", "asian families", "immigrant families", "foreign families", "traveller families",
        "black kids", "asian lads", "new arrivals",
    ),
    "religion or belief": (
        "muslims", "muslim", "moslems", "islam", "islamic", "islamists", "jews", "jewish",
        "jew", "christians", "christian", "catholics", "catholic", "protestants", "hindus",
        "hindu", "sikhs", "sikh", "buddhists", "atheists", "mosques", "mosque", "synagogue",
        "muslim family", "muslim families", "muslim women", "muslim men", "jewish people",
        "synagogues", "churchgoers",
    ),
    "disability": (
        "disabled people", "the disabled", "disabled", "wheelchair users", "autistic people",
        "autistic", "autists", "the mentally ill", "mentally ill", "people with learning disabilities",
        "blind people", "deaf people", "cripples", "invalids", "people with down syndrome",
        "benefit claimants", "schizophrenics", "mental patients", "autistic kids",
        "autistic children", "disabled kids", "the handicapped", "handicapped", "wheelchair people",
    ),
    "sexual orientation": (
        "gays", "gay people", "gay men", "gay", "lesbians", "lesbian", "homosexuals",
        "homosexual", "bisexuals", "bisexual", "bi people", "queers", "queer people", "lgbt",
        "lgbtq", "lgbtq+", "lgbt people", "the gay community", "homosexuality", "gay couples",
    ),
    "gender identity": (
        "trans people", "trans women", "trans men", "transwomen", "transmen", "transgender",
        "transgender people", "trans", "transsexuals", "non-binary people", "non binary people",
        "trans person", "trans woman", "trans man", "trans kids", "non-binary", "non binary",
        "enbies",
    ),
    "sex": (
        "women", "woman", "females", "female", "girls", "ladies", "wives", "mothers", "feminists",
        "women councillors", "woman clerk", "woman councillor",
        "feminist", "men", "males", "blokes",
    ),
    "age": (
        "pensioners", "old people", "oaps", "the elderly", "elderly people", "boomers",
        "old folk", "young people", "teenagers", "youths", "millennials", "kids these days",
        "students", "teenagers in this town", "old codgers", "old gits", "oldies", "coffin dodgers",
        "the old", "grannies",
    ),
}

GROUP_OF: dict[str, str] = {term: group for group, terms in GROUP_TERMS.items() for term in terms}
# Words of the terms, for a cheap "could a group be mentioned at all" test.
GROUP_WORDS = frozenset(w for term in GROUP_OF for w in re.findall(r"[a-z]+", term))
GROUP_RE = re.compile(
    r"(?<![a-z])(?:" + "|".join(re.escape(t) for t in longest_first(GROUP_OF))
    + r")(?![a-z])"
)
_HEADS = frozenset(t.split()[-1] for t in GROUP_OF)


# Term by term, only the terms in the post (``bot.policy.prefilter``).
GROUP_ALTERNATIVES = PREFILTER.alternatives(GROUP_RE)


def group_mentions(text: str, words: frozenset[str] | None,
                   bits: int | None = None) -> list[tuple[int, int, str]]:
    """(start, end, characteristic) of each group term in normalised ``text``
    (``words``: its words, to skip the scan when no term can be there; ``None``: scan;
    ``bits``: its pre-filter bits, so only the terms whose strings are there are tried)."""
    if words is not None and words.isdisjoint(_HEADS):
        return []
    return [(m.start(), m.end(), GROUP_OF[m.group()]) for m in GROUP_ALTERNATIVES.finditer(text, bits)]
