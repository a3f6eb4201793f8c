"""The words of each alert e-mail. Links to the clerk's page, never the post's text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.report.labels import ground_label, platform_label
from bot.settings import Settings
from bot.storage import models as m
from bot.uk_time import to_uk, uk_datetime, uk_weekday_date

SEVERITY = {1: "low", 2: "medium", 3: "high"}


@dataclass(frozen=True)
class Draft:
    kind: str
    dedupe_key: str
    subject: str
    body: str


def _link(settings: Settings, path: str) -> str:
    return str(settings.get("web.public_url")).rstrip("/") + path


def _footer(settings: Settings) -> str:
    return (
        f"\n-- \nSent by the moderation bot of {settings.council.name}. You receive these e-mails because "
        "your address is in the bot's alerts.recipients setting.\n"
    )


def urgent_item(settings: Settings, review: m.ReviewItem) -> Draft:
    item = review.item
    grounds = sorted({ground_label(f.ground) for f in item.findings}) or ["a high-severity breach"]
    where = f"{platform_label(item.account.platform)} account {item.account.handle}"
    lines = [
        f"Item {item.id}, a post on the council's {where}, needs your attention now.",
        "",
        f"What the rules found: {', '.join(grounds)} (severity {SEVERITY.get(review.severity, review.severity)}).",
        f"Received: {uk_datetime(item.captured_at, weekday=True)} (UK time).",
        *_citations(settings, item.findings),
    ]
    if review.police_referral_suggested:
        lines.append("The rules suggest this may need reporting to the police.")
    lines += [
        "",
        "Open it on the moderation page to see the post and decide:",
        _link(settings, f"/items/{item.id}"),
        "",
        "The post itself is not copied into this e-mail, so abusive or threatening text does not sit in mailboxes.",
    ]
    return Draft(
        "urgent",
        f"review:{review.id}",
        f"Urgent: item {item.id}, {', '.join(grounds)} on the council's {where}",
        "\n".join(lines) + _footer(settings),
    )


def _citations(settings: Settings, findings: list[m.Finding]) -> list[str]:
    """One line per ground citing the council's own policy (never another council's)."""
    cited = {settings.policy.cite(f.ground, f.clauses): None for f in findings}
    return [f"Council policy: {c}" for c in cited]


def outage(settings: Settings, account: m.Account, last_ok: datetime, now: datetime) -> Draft:
    name = f"{platform_label(account.platform)} account {account.handle}"
    if account.auth_failed:
        why = (
            "The platform no longer accepts the bot's login or token (it may have been revoked or expired). "
            "Create a new token or app password and put it where the bot reads it: the bot tries again by "
            "itself every 15 minutes, or at once when someone runs 'modbot account check'."
        )
    else:
        why = (
            "The bot has not been able to check this account since then. The platform may be down, or the "
            "server running the bot may have lost its connection."
        )
    lines = [
        f"The bot cannot check the council's {name}.",
        "",
        f"Last successful check: {uk_datetime(last_ok, weekday=True)} (UK time); now {uk_datetime(now, weekday=True)}.",
        f"Last problem reported: {account.last_error or 'none recorded'}.",
        "",
        why,
        "Until this is fixed, replies and messages to this account are not being moderated.",
        "",
        "Account status:",
        _link(settings, "/accounts"),
    ]
    key = f"outage:{account.id}:{last_ok.isoformat(timespec='seconds')}"
    return Draft("outage", key, f"Account not being monitored: {name}", "\n".join(lines) + _footer(settings))


def digest(settings: Settings, counts: dict[int, int], oldest: datetime, now: datetime) -> Draft:
    total = sum(counts.values())
    parts = [f"{counts[s]} {SEVERITY[s]}" for s in (3, 2, 1) if counts.get(s)]
    lines = [
        f"{total} flagged post{'s' if total != 1 else ''} are waiting for a decision ({', '.join(parts)} severity).",
        f"The oldest has been waiting since {uk_datetime(oldest, weekday=True)} (UK time).",
        "",
        "Review queue:",
        _link(settings, "/"),
    ]
    day = uk_weekday_date(now)
    return Draft(
        "digest",
        f"digest:{to_uk(now).date().isoformat()}",
        f"Moderation queue, {day}: {total} waiting",
        "\n".join(lines) + _footer(settings),
    )


def sign_in_locked(settings: Settings, user_name: str, until: datetime, address: str, now: datetime) -> Draft:
    """A user's sign-in was paused after repeated failures (someone may be guessing)."""
    lines = [
        f"Signing in as {user_name} on the moderation page has been paused until "
        f"{uk_datetime(until, weekday=True)} (UK time) after repeated wrong passwords or codes.",
        f"The last attempt came from the network address {address or 'unknown'} at "
        f"{uk_datetime(now, weekday=True)} (UK time).",
        "",
        f"If this was not {user_name}, someone may be trying to guess the password. The pause grows with each "
        "further failure. The clerk can lift it on the Users page once it is safe:",
        _link(settings, "/users"),
    ]
    key = f"lockout:{user_name}:{until.isoformat(timespec='seconds')}"
    return Draft("security", key, f"Sign-in paused for {user_name} after repeated failures",
                 "\n".join(lines) + _footer(settings))


def sign_in_throttled(settings: Settings, address: str, failures: int, since: datetime, now: datetime) -> Draft:
    """One network address has failed to sign in many times (guessing names or passwords)."""
    lines = [
        f"There have been {failures} failed attempts to sign in to the moderation page from the network "
        f"address {address} since {uk_datetime(since, weekday=True)} (UK time).",
        "That address now has to wait longer and longer between attempts; its passwords are not even checked "
        "while it waits.",
        "",
        "No action is needed unless this keeps happening; the audit log lists the attempts:",
        _link(settings, "/audit"),
    ]
    key = f"throttle:{address}:{since.isoformat(timespec='seconds')}"
    subject = "Repeated failed sign-ins to the moderation page"
    return Draft("security", key, subject, "\n".join(lines) + _footer(settings))
