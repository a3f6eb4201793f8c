"""Quiet accounts: who may reply to the council's posts (information-only accounts),
pile-on protection, and warnings about the council's own posts in the pre-election period.

Only ``bot.adapter``'s optional ``ReplyGating`` protocol is used to reach a platform,
and every change the bot makes goes through the same audit log as the clerk's decisions.
"""


def schedule_jobs(app: object) -> tuple[tuple[str, object, dict[str, object]], ...]:
    from bot.quiet.jobs import schedule_jobs as jobs  # the jobs need the Moderator; keep this import light

    return jobs(app)  # type: ignore[arg-type]
