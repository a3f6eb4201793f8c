"""Words the council uses for the bot's codes, and number formats for the summary."""

from __future__ import annotations

GROUNDS = {
    "hate": "Hate",
    "harassment": "Harassment or abuse",
    "threat": "Threats",
    "obscene": "Obscene language",
    "defamation": "Possible defamation",
    "personal_data": "Personal data",
    "off_topic": "Off topic",
    "spam": "Spam or advertising",
    "impersonation": "Impersonation",
    "copyright": "Copyright",
    "repeat_offender": "Repeated breaches",
    "rule_error": "Could not be checked",
    "pile_on": "Pile-on of replies",
    "pre_election": "Pre-election period",
}
KINDS = {"reply": "Replies", "mention": "Mentions", "quote": "Quotes", "dm": "Direct messages",
         "post": "Council posts", "pile_on": "Pile-ons"}
PLATFORMS = {"mastodon": "Mastodon", "bluesky": "Bluesky", "simulated": "Simulated (demo)"}
SEVERITIES = {1: "Low", 2: "Medium", 3: "High"}
ACTIONS = {
    "hide_reply": "Hide reply",
    "detach_quote": "Detach quote",
    "block": "Block account",
    "mute": "Mute account",
    "report": "Report to the platform",
    "remove_follower": "Remove follower",
    "domain_block": "Block server",
    "limit_replies": "Limit replies for a few hours",
    "restore_replies": "Put replies back as they were",
}
DM_STATES = {
    "sent": "Answered automatically",
    "observe": "Would have been answered (observe mode)",
    "suppressed": "Not answered (already answered recently, a bot, or the council)",
    "too_old": "Not answered (sent before the bot was connected, or too old when it was seen)",
    "pending": "Answer waiting to be sent",
    "failed": "Answer could not be sent",
}


def ground_label(code: str) -> str:
    return GROUNDS.get(code, code.replace("_", " ").capitalize())


def kind_label(code: str) -> str:
    return KINDS.get(code, code.capitalize())


def platform_label(code: str) -> str:
    return PLATFORMS.get(code, code.capitalize())


def action_label(code: str) -> str:
    return ACTIONS.get(code, code.replace("_", " ").capitalize())


def duration(hours: float | None) -> str:
    """``0.75`` -> ``"45 min"``, ``5.5`` -> ``"5 h 30 min"``, ``50`` -> ``"2 days 2 h"``; None -> ``"–"``."""
    if hours is None:
        return "–"
    minutes = round(hours * 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        h, mins = divmod(minutes, 60)
        return f"{h} h {mins} min" if mins else f"{h} h"
    days, rest = divmod(minutes, 24 * 60)
    return f"{days} days {rest // 60} h" if rest // 60 else f"{days} days"


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


def change(now: float | None, before: float | None) -> str:
    """``"+12 (+25%)"``, ``"−3"``, ``"no change"`` or ``"new"``, for the comparison table."""
    if now is None or before is None:
        return "–"
    diff = now - before
    if diff == 0:
        return "no change"
    sign = "+" if diff > 0 else "−"
    text = f"{sign}{abs(diff):g}"
    if before:
        text += f" ({sign}{abs(diff) / before * 100:.0f}%)"
    return text


#: Plain names of the packaged rules, for the public summary (rule ids are for the rules file).
RULES = {
    "threat_of_violence": "Threats of violence",
    "hate_race": "Racist abuse",
    "hate_religion": "Abuse about religion or belief",
    "hate_disability": "Abuse about disability",
    "hate_sexuality": "Abuse about sexuality",
    "hate_gender": "Abuse about gender",
    "hate_age": "Abuse about age",
    "abusive_language_at_person": "Abusive language at a person",
    "insult": "Insults",
    "insult_said_of_person": "Insults about a named person",
    "obscene_language": "Obscene language",
    "accusation_against_person": "Accusations against a named person",
    "phone_number": "Someone's phone number",
    "email_address": "Someone's e-mail address",
    "home_address": "Someone's home address",
    "national_insurance_number": "A National Insurance number",
    "vehicle_details": "Someone's vehicle details",
    "child_whereabouts": "Where a child can be found",
    "workplace_times": "Someone's working times and place",
    "spam": "Spam or advertising",
    "off_topic_link": "Off-topic links",
    "impersonation": "Impersonating the council or a councillor",
    "copyright": "Copied material",
    "abuse_second_opinion": "Abuse found by the statistical check",
    "repeat_offender": "Repeated breaches",
    "pile_on": "Pile-on of replies",
    "pre_election": "Council post in the pre-election period",
}


def rule_name(rule_id: str) -> str:
    """A rule's plain name; a council's own rule without one reads as its id in words."""
    return RULES.get(rule_id, rule_id.replace("_", " ").strip().capitalize())
