"""Who is posting: look-alike council accounts, and repeat offenders."""

from __future__ import annotations

import re
from typing import Any

from bot.policy.analysis import Analysis, Hit
from bot.policy.lexicon import LEET
from bot.policy.normalise import normalise
from bot.settings import CouncilSettings

_GENERIC = frozenset(
    "the town parish city borough district county community council councils of and tc pc "
    "official team".split()
)
_CLAIM_RE = re.compile(
    r"(?:town|parish|city|borough|district|county|community)council|councilofficial|"
    r"officialcouncil|townclerk|parishclerk|(?<![a-z])tc(?:official|uk)?$"
)
_SKELETON_CACHE: dict[str, str] = {}


def skeleton(text: str) -> str:
    """Lower-case letters and digits only, after confusables and leetspeak."""
    cached = _SKELETON_CACHE.get(text)
    if cached is None:
        folded = normalise(text).text.translate(LEET)
        cached = re.sub(r"[^a-z0-9]", "", folded)
        if len(_SKELETON_CACHE) < 10_000:
            _SKELETON_CACHE[text] = cached
    return cached


def handle_local(handle: str) -> str:
    """"@thornburytc@mastodon.social" -> "thornburytc"; "thornburytc.bsky.social" likewise."""
    handle = handle.strip().lstrip("@")
    local = handle.split("@", 1)[0]
    if "@" not in handle and local.count(".") >= 2:
        local = local.split(".", 1)[0]
    return local


def close(a: str, b: str, limit: int) -> bool:
    """Edit distance of at most ``limit`` (banded, stops early)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _is_official(author_handle: str, official: tuple[str, ...]) -> bool:
    mine = author_handle.strip().lstrip("@").lower()
    return any(mine == o.strip().lstrip("@").lower() for o in official)


# Verdicts per council (by identity: hashing the settings on every post is slow),
# then per (handle, display name, account, max_edits).
_VERDICTS: dict[int, tuple[CouncilSettings, dict[tuple[Any, ...], Hit | None]]] = {}
_UNSEEN = object()


def impersonation(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """A display name or handle made to look like the council's, or a false claim."""
    author = a.item.author
    council = a.ctx.council
    entry = _VERDICTS.get(id(council))
    if entry is None or entry[0] is not council:
        if len(_VERDICTS) > 100:
            _VERDICTS.clear()
        entry = _VERDICTS[id(council)] = (council, {})
    verdicts = entry[1]
    key = (author.handle, author.display_name, a.ctx.account_handle, params.get("max_edits", 2))
    verdict = verdicts.get(key, _UNSEEN)
    if verdict is _UNSEEN:
        if len(verdicts) > 50_000:
            verdicts.clear()
        verdict = verdicts[key] = _impersonation(a, params)
    return verdict or _content_claim(a)  # type: ignore[return-value]


def _impersonation(a: Analysis, params: dict[str, Any]) -> Hit | None:
    author = a.item.author
    council = a.ctx.council
    if _is_official(author.handle, council.official_accounts) or author.handle == a.ctx.account_handle:
        return None
    # In a fixed order (not a set's, which changes with the hash seed), so the same
    # post always gets the same explanation in the evidence.
    names = sorted({skeleton(author.display_name), skeleton(handle_local(author.handle))} - {""})
    officials = sorted(({skeleton(council.name)} | {skeleton(handle_local(h)) for h in council.official_accounts})
                       - {""})
    limit = int(params.get("max_edits", 2))
    for name in names:
        for official in officials:
            if len(official) < 6 or len(set(name) ^ set(official)) > 2 * limit:
                continue
            if name == official or close(name, official, limit):
                return Hit(detail=f'The name "{author.display_name or author.handle}" is a '
                                  "look-alike of the council's own account.")
    keywords = [w for w in skeleton_words(council.name) if w not in _GENERIC and len(w) >= 4]
    shown = author.display_name or author.handle
    both = "".join(names)  # the claim in one, the town in the other ("Town Clerk Sarah", @clerk-thornbury)
    group = _GROUP_RE.search(" ".join((author.display_name or "", handle_local(author.handle))).lower())
    for name in names:
        if _CLAIM_RE.search(name) and (not keywords or any(k in name for k in keywords)
                                        or (group is None and any(k in both for k in keywords))):
            return Hit(detail=f'The name "{shown}" claims to be the council but is not one of its '
                              "official accounts.")
        if any(len(o) >= 8 and o in name for o in officials):
            return Hit(detail=f'The name "{shown}" contains the council\'s own name or handle but is '
                              "not one of its official accounts.")
    if _is_official(author.handle, tuple(council.personal_accounts)):
        return None  # a councillor's or officer's own account (council.personal_accounts)
    # "Thornbury Council", "Council of Thornbury": the town's name with "council" (not
    # "councillor"), unless the name says it is a residents' group ("Thornbury Council Watch").
    if group is None and any(re.search(rf"{k}council(?!lor)|councilof{k}", name) for k in keywords
                             for name in names):
        return Hit(detail=f'The name "{shown}" claims to be the council but is not one of its '
                          "official accounts.")
    role = _role_claim(author.display_name or "", author.handle, keywords)
    if role and group is None:
        return Hit(detail=f'The name "{shown}" presents itself as the {role} of the council. If it is '
                          "their own personal account, add it to council.personal_accounts.")
    person = _staff_name(author.display_name, author.handle, council, keywords)
    if person:
        return Hit(detail=f'The name "{shown}" presents itself as {person} of the council. If it is '
                          "their own personal account, add it to council.personal_accounts.")
    return None


# A name that says it is not the council: a residents' group, a campaign, a parody.
_GROUP_RE = re.compile(
    r"(?<![a-z])(?:watch|watchers|residents?|friends|action|against|fans?|parody|unofficial|not|critics|"
    r"scrutiny|society|club|group|association|rotary|lions|history|matters|memes?)(?![a-z])"
)
_ROLE_NAME_RE = re.compile(
    r"(?<![a-z])(?:cllr|councillor|counciller|(?:town\s+|parish\s+|deputy\s+)?clerk|(?:deputy\s+)?mayor)(?![a-z])")
_ROLE_HANDLE_RE = re.compile(r"cllr|councillor|clerk|mayor")


def _role_claim(display: str, handle: str, keywords: list[str]) -> str:
    """A council role with the town's name ("Cllr Priya Mistry (Thornbury)", "Town Clerk Sarah"
    @clerk-thornbury, "Office of the Mayor of Thornbury"): the role it claims, else ""."""
    if not keywords:
        return ""
    shown = normalise(display).text.translate(LEET)
    local = skeleton(handle_local(handle))
    role = _ROLE_NAME_RE.search(shown)
    found = role.group() if role else (_ROLE_HANDLE_RE.search(local) or [""])[0]
    if not found:
        return ""
    town = skeleton(display) + local
    return re.sub(r"\s+", " ", found) if any(k in town for k in keywords) else ""


def _content_claim(a: Analysis) -> Hit | None:
    """The post itself speaks as the clerk or the council ("this is the clerk", "Signed, Cllr Brown")."""
    if "clerk" not in a.words and "council" not in a.words and "cllr" not in a.words \
            and "councillor" not in a.words and "mayor" not in a.words:
        return None
    author = a.item.author
    council = a.ctx.council
    if (_is_official(author.handle, council.official_accounts) or author.handle == a.ctx.account_handle
            or _is_official(author.handle, tuple(council.personal_accounts))):
        return None
    claim = _CONTENT_CLAIM_RE.search(a.text)
    if claim is None:
        return None
    return Hit(spans=(a.span(claim.start(), claim.end()),),
               detail=f'The post speaks as the council or its staff ("{claim.group()}") from an '
                      "account that is not the council's.")


_ROLE_WORDS = ("cllr", "councillor", "clerk", "council", "mayor", "official", "tc")
_CONTENT_CLAIM_RE = re.compile(
    r"(?<![a-z])(?:(?:as|i\s+am|i'?m|this\s+is)\s+(?:the\s+)?(?:town\s+|parish\s+|deputy\s+)?clerk|"
    r"(?:reminder|message|notice|update)\s+from\s+the\s+(?:town\s+|parish\s+)?clerk'?s?\s*(?:office)?|"
    r"(?:signed|regards|from)\s*,?\s*(?:cllr|councillor|the\s+clerk|the\s+mayor)|"
    r"on\s+behalf\s+of\s+(?:the\s+)?(?:town\s+|parish\s+)?council|official\s+notice\s*:|"
    r"speaking\s+(?:as|for)\s+the\s+council|"
    # "Town clerk here.", "Mayor's office here:", "it's Cllr Brown on a new account"
    r"(?:^|(?<=[.!?]\s))(?:hi,?\s+|hello,?\s+)?(?:the\s+)?(?:town\s+|parish\s+|deputy\s+)?(?:clerk|mayor'?s\s+office|"
    r"council\s+office|clerk'?s\s+office)\s+here(?=[.,!:;]|\s+(?:with|to|from))|"
    r"(?:it'?s|this\s+is)\s+(?:cllr|councillor|the\s+clerk|the\s+mayor)(?:\s+[a-z]+)?\s+(?:on|from)\s+(?:a|my)\s+new\s+account)"
    r"(?![a-z])"
)


def _staff_name(display: str, handle: str, council: CouncilSettings, keywords: list[str]) -> str:
    """A council person's name with a role or the council's name ("Cllr Jane Smith",
    "Sarah Jones, Town Clerk", "Tom Brown (Thornbury TC)"), on an account not the council's."""
    shown = skeleton(display)
    local = skeleton(handle_local(handle))
    for person in council.people:
        words = [skeleton(w) for w in person.replace(".", " ").split()]
        words = [w for w in words if w and w not in ("cllr", "councillor", "mr", "mrs", "ms", "dr")]
        if len(words) < 2:
            continue
        full, surname = "".join(words), words[-1]
        named = full in shown or full in local or (surname in shown and words[0] in shown)
        if not named:
            continue
        claims = any(r in shown for r in _ROLE_WORDS) or any(k in shown or k in local for k in keywords)
        if claims:
            return person
    return ""


def skeleton_words(text: str) -> list[str]:
    return [skeleton(w) for w in text.split()]


def repeat_offender(a: Analysis, params: dict[str, Any]) -> Hit | None:
    """An author with several upheld findings in the last ``window_days`` days."""
    threshold = int(params.get("threshold", 3))
    count = a.ctx.author_upheld_recent
    if count < threshold:
        return None
    days = int(params.get("window_days", 90))
    return Hit(detail=f"{count} earlier posts by this author were upheld in the last {days} days "
                      f"(the limit is {threshold}).")
