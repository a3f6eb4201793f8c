"""Settings of the quiet-account features: reply policy, pile-on protection, pre-election period.

Part of the one declarative schema (``bot.settings`` splices these fields in), kept
here so the feature's settings and their cross-checks sit together.
"""

from __future__ import annotations

from typing import Any

from bot.domain import ReplyPolicy
from bot.schema import Field

REPLY_POLICIES = tuple(p.value for p in ReplyPolicy)
LIMIT_TO = ("followers_and_mentioned", "followers", "mentioned", "nobody")

#: Words that suggest a post is campaigning rather than informing (checked as whole words).
CAMPAIGN_WORDS = (
    "vote for", "vote against", "re-elect", "elect", "candidate", "candidates", "manifesto",
    "polling day", "ballot", "hustings", "canvassing", "campaign", "campaigning",
)
#: Parties standing in English local elections; councils add local groups to the list.
PARTIES = (
    "Conservative", "Conservatives", "Tory", "Tories", "Labour", "Liberal Democrat", "Liberal Democrats",
    "Lib Dem", "Lib Dems", "Green Party", "Reform UK", "Plaid Cymru", "SNP",
)

MENTION_REPLY_TEXT = (
    "Thank you for getting in touch. {council} shares information on this account but does not "
    "answer here. Please contact the office by e-mail at {email} or by phone on {phone}"
    "{hours_sentence}. Please do not send personal details by social media. {website}"
)

QUIET_SCHEMA: tuple[Field, ...] = (
    Field("quiet.mention_reply_text", "str", default=MENTION_REPLY_TEXT, doc=(
        "Mastodon accounts whose reply_policy is not open (replies cannot be restricted there): the "
        "automatic private answer to mentions and replies, at most once per sender per "
        "dm_reply.once_per_days; same place-holders as dm_reply.text.")),
    Field("pile_on.enabled", "bool", default=True, doc="Watch each council post for a sudden burst of replies (a pile-on)."),
    Field("pile_on.window_minutes", "int", default=60, minimum=5, doc="Replies are counted over this many minutes."),
    Field("pile_on.min_replies", "int", default=20, minimum=2, doc="A pile-on needs at least this many replies to one post within the window."),
    Field("pile_on.newcomer_share", "float", default=0.5, minimum=0, maximum=1, doc=(
        "...and at least this share of them (0 to 1) from accounts that are new or writing to the "
        "council for the first time; 0 counts replies only.")),
    Field("pile_on.new_account_days", "int", default=30, minimum=1, doc="An account younger than this many days counts as new."),
    Field("pile_on.limit_hours", "int", default=24, minimum=1, maximum=720, doc=(
        "The proposed limit on replies lasts this many hours, then the bot puts the previous setting back.")),
    Field("pile_on.limit_to", "choice", default="followers_and_mentioned", choices=LIMIT_TO, doc=(
        "Who may still reply while a limit is on: followers_and_mentioned, followers, mentioned or nobody.")),
    Field("election.from", "date", default="", doc="First day of the pre-election period (YYYY-MM-DD), or empty. `modbot election set` can set it too."),
    Field("election.to", "date", default="", doc="Polling day, the last day of the pre-election period (YYYY-MM-DD)."),
    Field("election.candidates", "list", default=[], doc="Names of candidates standing; council.people are checked as well."),
    Field("election.parties", "list", default=list(PARTIES), doc="Party and group names to look for in the council's own posts during the period."),
    Field("election.campaign_words", "list", default=list(CAMPAIGN_WORDS), doc="Campaign words and phrases to look for in the council's own posts during the period."),
)

QUIET_ACCOUNT_SCHEMA: tuple[Field, ...] = (
    Field("reply_policy", "choice", default="open", choices=REPLY_POLICIES, doc=(
        "Who may reply to the council's new posts: open, followers, mentioned or nobody (information "
        "only). Bluesky: a threadgate on every new post. GoToSocial: the account's interaction policy "
        "for new posts. Mastodon cannot restrict replies (see mention_reply).")),
    Field("mention_reply", "bool", default=True, doc=(
        "Mastodon, when reply_policy is not open: answer mentions and replies with "
        "quiet.mention_reply_text (once per sender per period, live mode only).")),
)


def check_quiet(values: dict[str, Any], problems: list[tuple[str, str]]) -> None:
    """Checks across keys: the period needs both ends, in order."""
    start, end = values.get("election.from") or "", values.get("election.to") or ""
    if bool(start) != bool(end):
        key = "election.to" if start else "election.from"
        problems.append((key, "is needed too: give both the first day and polling day, or neither"))
    elif start and end and end < start:
        problems.append(("election.to", f"is before election.from ({end} < {start})"))
