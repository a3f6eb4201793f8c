"""The pre-election period ("purdah"): when it is, and what in a council post needs a second look.

During the period the council's own accounts must not publish anything that could
favour candidates or parties (Thornbury's policy statement; Pershore 14; Thurcaston).
The bot cannot judge that, so it looks for the signs (names of councillors and
candidates, party names, campaign words) in the council's new posts and asks the clerk
to check: a warning item, never a platform action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import Finding, Ground, Severity, Span
from bot.settings import Settings
from bot.storage import quiet_models as q
from bot.uk_time import UK, day_text

RULE_ID = "pre_election"
_TITLES = re.compile(r"^(cllr|councillor|mr|mrs|ms|miss|dr)\.?\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date
    source: str  # "settings" or "command line"

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on

    def words(self) -> str:
        return f"{_day(self.starts_on)} to polling day, {_day(self.ends_on)}"


def _day(d: date) -> str:
    return day_text(d)


def periods(s: Session, settings: Settings) -> list[Period]:
    """Every period the council gave: in the settings, and with ``modbot election set``."""
    found = []
    start, end = settings.get("election.from"), settings.get("election.to")
    if start and end:
        found.append(Period(date.fromisoformat(start), date.fromisoformat(end), "settings"))
    rows = s.execute(select(q.ElectionPeriod).where(q.ElectionPeriod.cleared_at.is_(None))
                     .order_by(q.ElectionPeriod.starts_on)).scalars()
    found.extend(Period(r.starts_on, r.ends_on, "command line") for r in rows)
    return found


def active_period(s: Session, settings: Settings, at: datetime) -> Period | None:
    """The period covering ``at`` (a UK calendar day), if any."""
    day = at.astimezone(UK).date()
    return next((p for p in periods(s, settings) if p.covers(day)), None)


def _terms(settings: Settings) -> list[tuple[str, str]]:
    """(what it is, the words) to look for, most specific first."""
    terms: list[tuple[str, str]] = []
    for name in (*settings.council.people, *settings.get("election.candidates")):
        terms.append(("name", name))
        bare = _TITLES.sub("", name).strip()
        if bare and bare != name and " " in bare:
            terms.append(("name", bare))
    terms += [("party", p) for p in settings.get("election.parties")]
    terms += [("campaign", w) for w in settings.get("election.campaign_words")]
    return [(k, w.strip()) for k, w in terms if w.strip()]


def _pattern(words: str) -> re.Pattern[str]:
    spaced = r"\s+".join(re.escape(part) for part in words.split())
    return re.compile(rf"(?<![\w-]){spaced}(?![\w-])", re.IGNORECASE)


def check_post(text: str, settings: Settings, period: Period) -> Finding | None:
    """A warning if the post names people or parties or uses campaign words; None otherwise."""
    spans: list[Span] = []
    found: dict[str, list[str]] = {"name": [], "party": [], "campaign": []}
    for kind, words in _terms(settings):
        for match in _pattern(words).finditer(text):
            if any(s.start <= match.start() < s.end for s in spans):
                continue  # already inside a longer match ("Cllr Jane Smith" then "Jane Smith")
            spans.append(Span(match.start(), match.end(), match.group(0)))
            if words not in found[kind]:
                found[kind].append(words)
    if not spans:
        return None
    return Finding(rule_id=RULE_ID, ground=Ground.PRE_ELECTION, severity=Severity.MEDIUM,
                   clauses=settings.policy.clauses(Ground.PRE_ELECTION),
                   explanation=_explain(found, period), spans=tuple(sorted(spans, key=lambda s: s.start)))


def _explain(found: dict[str, list[str]], period: Period) -> str:
    parts = []
    if found["name"]:
        parts.append("names " + ", ".join(found["name"]))
    if found["party"]:
        parts.append("mentions " + ", ".join(found["party"]))
    if found["campaign"]:
        parts.append("uses campaign words (" + ", ".join(f"'{w}'" for w in found["campaign"]) + ")")
    return (f"This is the council's own post, published in the pre-election period ({period.words()}). "
            f"It {'; '.join(parts)}. The council's accounts must not publish anything that could be seen "
            "to favour a candidate or party: please check it, and edit or delete it if it does. "
            "The bot has not changed anything on the platform.")
