"""E-mail alerts to the clerk and deputy.

``scan`` finds what needs an alert (a new high-severity or impersonation finding, an
account that cannot be polled) and queues it in the ``alerts`` table, once per
review item or outage; ``daily_digest`` queues a summary of the waiting queue;
``send_pending`` delivers queued alerts over SMTP with retries and records failures
so the accounts page can show them (``delivery_problems``). E-mails carry a link to
the item, never the abusive text itself.
"""

from bot.alerts.mailer import SmtpConfig, send_pending
from bot.alerts.scan import daily_digest, email_configured, scan
from bot.alerts.status import AlertProblem, delivery_problems

__all__ = [
    "AlertProblem",
    "SmtpConfig",
    "daily_digest",
    "delivery_problems",
    "email_configured",
    "scan",
    "send_pending",
]
