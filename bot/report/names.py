"""Names the bot knows, so the public summary never quotes a post that contains one.

The summary is published with the council's papers. Its themes section quotes a few
civil posts without their authors; a post that names a resident, a councillor or a
member of staff (or gives anyone's handle) is left out, whoever wrote it. Known names
are every author's display names and handles as the bot saw them (with aliases),
and ``council.people``. A person's name also counts by its parts ("Jane Smith" is
caught as "Smith" too), except parts that are common words or part of the council's
own name ("Thornbury" in "Thornbury Runners" is the town, not a person).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.policy.prefilter import longest_first
from bot.storage import models as m

_TITLES = re.compile(r"^(?:cllr|councillor|mr|mrs|ms|miss|dr|rev|revd)\.?\s+", re.IGNORECASE)
#: @name, @name@server, and Bluesky-style bare handles (name.bsky.social, council.example.social).
HANDLE = re.compile(r"@[\w.\-]+|\b[\w\-]+(?:\.[\w\-]+)*\.(?:social|bsky|[a-z]{2,}\.[a-z]{2,})\b", re.IGNORECASE)
_PART = re.compile(r"[^\W\d_]{3,}")


class KnownNames:
    """Matches any known name or handle in a text (whole words).

    Full names and handles match in any case; a single part of a name ("Smith") only
    when the post writes it with a capital, as a name is written, so a resident called
    "Bins Matter" does not hide every post about the bins.
    """

    def __init__(self, names: Iterable[str], handles: Iterable[str], place_words: Iterable[str] = (),
                 common_words: Iterable[str] = ()):
        skip = {w.lower() for w in place_words} | {w.lower() for w in common_words}
        whole: set[str] = set()
        parts: set[str] = set()
        for name in names:
            _add_name(whole, parts, name, skip)
        for handle in handles:
            _add_handle(whole, handle, skip)
        self._whole = _alternation(whole, re.IGNORECASE)
        self._parts = _alternation({p.capitalize() for p in parts} - {w.capitalize() for w in whole}, 0)

    def mentioned(self, text: str) -> bool:
        """True when ``text`` contains a handle or a name the bot knows."""
        return bool(HANDLE.search(text) or (self._whole and self._whole.search(text))
                    or (self._parts and self._parts.search(text)))


def _alternation(phrases: set[str], flags: int) -> re.Pattern[str] | None:
    if not phrases:
        return None
    body = "|".join(re.escape(p) for p in longest_first(phrases))
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", flags)


def _add_name(whole: set[str], parts: set[str], name: str, skip: set[str]) -> None:
    name = " ".join(_TITLES.sub("", name.strip()).split())
    if len(name) < 3:
        return
    if name.lower() not in skip:
        whole.add(name.lower())
    found = _PART.findall(name)
    if len(found) > 1:
        parts.update(part.lower() for part in found if part.lower() not in skip)


def _add_handle(whole: set[str], handle: str, skip: set[str]) -> None:
    local = handle.lstrip("@").split("@")[0]
    local = local.split(".")[0] if "." in local else local  # name.bsky.social -> name
    if len(local) >= 3 and local.lower() not in skip:
        whole.add(local.lower())


def known_names(session: Session, people: Iterable[str], council_name: str,
                common_words: Iterable[str] = ()) -> KnownNames:
    """Every author's names and handles (with aliases) and the council's people."""
    names: list[str] = list(people)
    handles: list[str] = []
    for model in (m.Author, m.AuthorAlias):
        for handle, display in session.execute(select(model.handle, model.display_name)):
            handles.append(handle or "")
            names.append(display or "")
    return KnownNames(names, handles, place_words=_PART.findall(council_name), common_words=common_words)
