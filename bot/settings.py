"""Settings: one YAML file, validated once at start-up into frozen dataclasses.

The schema below is declarative: it drives validation (every problem is collected
and reported with the key it concerns), defaults, and the generated config
reference in the README (``modbot config-reference``). Secrets are never in the
file: it names the environment variables (or files) that hold them.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.council_policy import CouncilPolicy, neutral_policy
from bot.domain import Platform
from bot.errors import ConfigError
from bot.schema import Field
from bot.settings_policy import POLICY_SCHEMA, policy_from
from bot.settings_quiet import QUIET_ACCOUNT_SCHEMA, QUIET_SCHEMA, check_quiet

MODES = ("observe", "live")
_ENV_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ACCOUNT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_DID = re.compile(r"^did:(plc:[a-z2-7]{24}|web:[a-zA-Z0-9.:%-]+)$")
#: Bluesky's own services, used unless an account names others (e.g. a self-hosted Ozone).
BLUESKY_MODERATION_DID = "did:plc:ar7c4by46qjdydhdevvrndac"
BLUESKY_CHAT_DID = "did:web:api.bsky.chat"


# Top-level and section keys. Account entries have their own schema below.
SCHEMA: tuple[Field, ...] = (
    Field("council.name", "str", required=True, doc="The council's name as residents know it."),
    Field("council.email", "email", required=True, doc="The office e-mail given in DM auto-replies."),
    Field("council.phone", "str", required=True, doc="The office phone number given in DM auto-replies."),
    Field("council.website", "url", required=True, doc="The council's website."),
    Field("council.office_hours", "str", default="", doc="Office hours, e.g. 'Mon-Fri 9am-1pm'."),
    Field("council.official_accounts", "list", default=[], doc="Handles of the council's own official accounts (never flagged as impersonation, never auto-replied to)."),
    Field("council.people", "list", default=[], doc="Names of councillors and staff, so personal attacks on them are recognised."),
    Field("council.personal_accounts", "list", default=[], doc="Handles of councillors' and staff's own personal accounts: a post as 'Cllr Jane Smith' from one of them is not impersonation (everything else is still checked)."),
    Field("council.allowed_domains", "list", default=[], doc="Link domains that are always on topic (the council's site, county council, gov.uk...)."),
    *POLICY_SCHEMA,
    Field("mode", "choice", default="observe", choices=MODES, doc="observe: record and queue, send nothing. live: send DM replies and carry out approved actions."),
    Field("data_dir", "path", default="./data", doc="Directory for the SQLite database, reports and evidence (created owner-only)."),
    Field("database_url", "db_url", default="", doc="SQLAlchemy URL; empty means a SQLite file modbot.db in data_dir. PostgreSQL: postgresql+psycopg://user@host/db."),
    Field("database_url_env", "env", default="", doc="Name of an environment variable holding the database URL (overrides database_url; use it when the URL has a password)."),
    Field("database_wait_seconds", "int", default=15, minimum=1, doc="How long the bot waits for another process's lock on the database (SQLite's busy timeout, PostgreSQL's lock_timeout) before giving up with a message and trying again at the next run."),
    Field("rules_file", "path", default="rules.yaml", doc="The policy rules file, relative to this config file."),
    Field("polling.interval_seconds", "int", default=120, minimum=15, doc="Seconds between polls of each account."),
    Field("polling.jitter_seconds", "int", default=15, minimum=0, doc="Random extra delay so accounts are not polled in lock-step."),
    Field("polling.execute_interval_seconds", "int", default=20, minimum=1, doc="Seconds between runs of the action executor and the DM outbox."),
    Field("dm_reply.enabled", "bool", default=True, doc="Send the automatic reply to direct messages (live mode only)."),
    Field("dm_reply.once_per_days", "int", default=7, minimum=0, doc="At most one automatic reply per sender in this many days."),
    Field("dm_reply.backfill_hours", "int", default=24, minimum=1, doc="DMs older than this when the bot first sees them (after an outage, say), or sent before the account was connected to the bot, are kept as evidence but not answered."),
    Field("dm_reply.text", "str", default=(
        "Thank you for your message. {council} does not answer direct messages on social media. "
        "Please contact the office by e-mail at {email} or by phone on {phone}{hours_sentence}. "
        "Please do not send personal details by social media. {website}"
    ), doc="Template of the automatic reply; {council}, {email}, {phone}, {website}, {hours}, {hours_sentence} are filled in."),
    Field("actions.max_attempts", "int", default=6, minimum=1, doc="Attempts before an approved action is marked failed."),
    Field("actions.backoff_seconds", "int", default=30, minimum=1, doc="First retry delay; doubles each attempt, with jitter."),
    Field("actions.lease_seconds", "int", default=120, minimum=30, doc="How long a claimed action or DM reply stays reserved for the process carrying it out; renewed while the platform call runs. Another process (or a second service on the same PostgreSQL database) takes it over only after it expires. Keep it well above the platforms' request timeout (30 s)."),
    Field("web.bind", "str", default="127.0.0.1", doc="Address the clerk's page listens on (put a TLS proxy in front)."),
    Field("web.port", "int", default=8080, minimum=1, doc="Port of the clerk's page."),
    Field("web.public_url", "url", default="http://127.0.0.1:8080", doc="The address the clerk uses, for links in e-mails."),
    Field("web.secret_key_env", "env", default="MODBOT_SECRET_KEY", doc="Environment variable with the session-signing key (generated into data_dir if unset)."),
    Field("web.session_idle_minutes", "int", default=30, minimum=1, doc="Sign the clerk out after this long without activity."),
    Field("web.secure_cookies", "bool", default=True, doc="Mark cookies Secure (needs HTTPS; the demo turns it off on localhost)."),
    Field("web.session_max_hours", "int", default=12, minimum=1, doc="Sign the clerk out this long after signing in, however active (absolute session lifetime)."),
    Field("web.trusted_proxies", "list", default=["127.0.0.1", "::1"], doc="Addresses (or networks, e.g. 172.18.0.0/16) of the reverse proxy in front; only requests from these are believed about the client's address (X-Forwarded-For). The default trusts a proxy on the same machine."),
    Field("web.connection_limit", "int", default=200, minimum=10, doc="Most open connections the page's server (waitress) accepts at once; keep it above what the proxy may open."),
    Field("web.channel_timeout_seconds", "int", default=30, minimum=1, doc="Close a connection that has sent nothing for this long (slow or idle clients)."),
    Field("web.cleanup_interval_seconds", "int", default=5, minimum=1, doc="How often the server looks for connections to close (at most this much later than the timeout)."),
    Field("smtp.host", "str", default="", doc="SMTP server for alerts to the clerk; empty disables e-mail."),
    Field("smtp.port", "int", default=587, minimum=1, doc="SMTP port."),
    Field("smtp.starttls", "bool", default=True, doc="Use STARTTLS."),
    Field("smtp.username_env", "env", default="", doc="Environment variable with the SMTP user name."),
    Field("smtp.password_env", "env", default="", doc="Environment variable with the SMTP password."),
    Field("smtp.sender", "str", default="", doc="From address of alerts."),
    Field("alerts.recipients", "list", default=[], doc="E-mail addresses of the clerk and deputy for urgent alerts."),
    Field("alerts.poll_failure_minutes", "int", default=60, minimum=1, doc="Alert when an account has not polled successfully for this long."),
    Field("alerts.degraded_after_failures", "int", default=3, minimum=1, doc="Show an account as degraded in /healthz and modbot status after this many failed polls in a row (long before the e-mail alert)."),
    Field("retention.unflagged_days", "int", default=90, minimum=1, doc="Delete items with no finding after this many days."),
    Field("retention.flagged_days", "int", default=730, minimum=1, doc="Delete flagged items and their evidence after this many days (unless under legal hold)."),
    Field("retention.audit_days", "int", default=2190, minimum=1, doc="Keep audit log entries this long."),
    Field("logging.level", "choice", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"), doc="Log level."),
    Field("logging.json", "bool", default=False, doc="Write logs as JSON lines."),
    *QUIET_SCHEMA,
)

ACCOUNT_SCHEMA: tuple[Field, ...] = (
    Field("name", "str", required=True, doc="Short name for the account, e.g. 'mastodon' (lower case, digits, - and _)."),
    Field("platform", "choice", required=True, choices=tuple(p.value for p in Platform), doc="mastodon, bluesky or simulated."),
    Field("handle", "str", required=True, doc="The council's handle on that platform."),
    Field("server_url", "url", default="", doc="Mastodon: the server's address. Bluesky: the PDS (default https://bsky.social)."),
    Field("token_env", "env", default="", doc="Mastodon: environment variable holding the access token."),
    Field("app_password_env", "env", default="", doc="Bluesky: environment variable holding the app password (with DM access)."),
    Field("moderation_service_did", "did", default=BLUESKY_MODERATION_DID, doc="Bluesky: the moderation service that receives the council's reports (default: Bluesky's own)."),
    Field("chat_service_did", "did", default=BLUESKY_CHAT_DID, doc="Bluesky: the chat service for direct messages (default: Bluesky's own)."),
    Field("read_dms", "bool", default=True, doc="Bluesky: read direct messages and send the automatic reply. false: DMs are skipped and account check does not need DM access."),
    Field("poll_interval_seconds", "int", default=0, minimum=0, doc="Override polling.interval_seconds for this account (0: use the default)."),
    Field("context_days", "int", default=14, minimum=0, doc="Also scan replies under the council's posts of the last N days (replies without a mention)."),
    Field("enabled", "bool", default=True, doc="Poll this account."),
    Field("script", "str", default="demo", doc="Simulated platform only: which scripted traffic to play."),
    Field("simulates", "choice", default="any", choices=("any", "mastodon", "bluesky", "gotosocial"), doc="Simulated platform only: the real platform whose abilities it has, no more (mastodon: no hiding replies; bluesky: hiding and detaching quotes; gotosocial), so the page shows that platform's caveats. any: every action."),
    *QUIET_ACCOUNT_SCHEMA,
)


@dataclass(frozen=True)
class CouncilSettings:
    name: str
    email: str
    phone: str
    website: str
    office_hours: str = ""
    official_accounts: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    personal_accounts: tuple[str, ...] = ()  # council people's own accounts: not impersonation
    allowed_domains: tuple[str, ...] = ()
    policy: str = "neutral"
    policy_title: str = ""
    policy_url: str = ""
    policy_adopted: str = ""


@dataclass(frozen=True)
class AccountSettings:
    name: str
    platform: Platform
    handle: str
    server_url: str = ""
    token_env: str = ""
    app_password_env: str = ""
    moderation_service_did: str = BLUESKY_MODERATION_DID
    chat_service_did: str = BLUESKY_CHAT_DID
    read_dms: bool = True
    poll_interval_seconds: int = 0
    context_days: int = 14
    enabled: bool = True
    script: str = "demo"
    simulates: str = "any"
    reply_policy: str = "open"
    mention_reply: bool = True

    def secret(self, env_name: str) -> str | None:
        """Read a secret from the environment, or from the file named by ``NAME_FILE``."""
        return read_secret(env_name)


@dataclass(frozen=True)
class Settings:
    council: CouncilSettings
    accounts: tuple[AccountSettings, ...]
    mode: str
    data_dir: Path
    database_url: str
    rules_file: Path
    values: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    #: The council's own policy document: every finding cites its clauses.
    policy: CouncilPolicy = field(default_factory=neutral_policy)

    @property
    def live(self) -> bool:
        return self.mode == "live"

    def get(self, key: str) -> Any:
        """A validated value by dotted key, e.g. ``settings.get('polling.interval_seconds')``."""
        return self.values[key]

    def account(self, name: str) -> AccountSettings:
        for acc in self.accounts:
            if acc.name == name:
                return acc
        raise KeyError(name)

    def dm_reply_text(self) -> str:
        c = self.council
        hours = c.office_hours
        return str(self.get("dm_reply.text")).format(
            council=c.name, email=c.email, phone=c.phone, website=c.website, hours=hours,
            hours_sentence=f" ({hours})" if hours else "",
        )


def read_secret(env_name: str) -> str | None:
    """``NAME`` from the environment, else the contents of the file at ``NAME_FILE``."""
    if not env_name:
        return None
    value = os.environ.get(env_name)
    if value:
        return value
    path = os.environ.get(env_name + "_FILE")
    if path and Path(path).is_file():
        return Path(path).read_text(encoding="utf-8").strip()
    return None


def _lookup(data: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _check(f: Field, value: Any, key: str, problems: list[tuple[str, str]]) -> Any:
    """Validate one value; append a problem naming ``key`` and return the clean value."""
    def bad(msg: str) -> None:
        problems.append((key, msg))

    if f.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, int | float) or (
            f.kind == "int" and isinstance(value, float)
        ):
            bad(f"must be a whole number, got {value!r}" if f.kind == "int" else f"must be a number, got {value!r}")
            return f.default
        if f.minimum is not None and value < f.minimum:
            bad(f"must be at least {f.minimum:g}, got {value}")
        if f.maximum is not None and value > f.maximum:
            bad(f"must be at most {f.maximum:g}, got {value}")
        return value
    if f.kind == "date" and isinstance(value, date):  # YAML reads 2027-04-01 as a date
        return value.isoformat()
    if f.kind == "bool":
        if not isinstance(value, bool):
            bad(f"must be true or false, got {value!r}")
            return f.default
        return value
    if f.kind == "list":
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            bad("must be a list of text values")
            return f.default
        return tuple(value)
    if not isinstance(value, str):
        bad(f"must be text, got {type(value).__name__}")
        return f.default
    value = value.strip()
    if f.required and not value:
        bad("must not be empty")
    elif f.kind == "email" and value and not _EMAIL.match(value):
        bad(f"is not an e-mail address: {value!r}")
    elif f.kind == "url" and value and not re.match(r"^https?://[^\s/]+", value):
        bad(f"must start with http:// or https://, got {value!r}")
    elif f.kind == "env" and value and not _ENV_NAME.match(value):
        bad(f"must be the NAME of an environment variable (capitals, digits, _), got {value!r}; never put the secret itself here")
    elif f.kind == "choice" and value not in f.choices:
        bad(f"must be one of {', '.join(f.choices)}, got {value!r}")
    elif f.kind == "did" and not _DID.match(value):
        bad(f"must be a DID such as did:plc:... or did:web:..., got {value!r}")
    elif f.kind == "date" and value and not _is_date(value):
        bad(f"must be a date written YYYY-MM-DD, got {value!r}")
    elif f.kind == "db_url" and value and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
        bad(f"must be a sqlite:// or postgresql:// URL, got {value.split('@')[-1]!r}")
    return value


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", value))


def _validate_section(data: dict[str, Any], schema: tuple[Field, ...], prefix: str,
                      problems: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in schema:
        present, value = _lookup(data, f.key)
        key = prefix + f.key
        if not present or value is None:
            if f.required:
                problems.append((key, "is required but missing"))
            out[f.key] = f.default
            continue
        out[f.key] = _check(f, value, key, problems)
    _unknown_keys(data, schema, prefix, problems)
    return out


def _unknown_keys(data: dict[str, Any], schema: tuple[Field, ...], prefix: str,
                  problems: list[tuple[str, str]]) -> None:
    known = {f.key for f in schema}
    sections = {k.split(".")[0] for k in known if "." in k}
    for k, v in data.items():
        if k == "accounts" and not prefix:
            continue
        if k in sections:
            if not isinstance(v, dict):
                problems.append((prefix + k, "must be a section of keys"))
                continue
            for sub in v:
                if f"{k}.{sub}" not in known:
                    problems.append((f"{prefix}{k}.{sub}", "is not a known setting (typo?)"))
        elif k not in known:
            problems.append((prefix + k, "is not a known setting (typo?)"))


def _validate_accounts(raw: Any, problems: list[tuple[str, str]]) -> tuple[AccountSettings, ...]:
    if raw is None:
        problems.append(("accounts", "is required: list at least one account to watch"))
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(("accounts", "must be a non-empty list of accounts"))
        return ()
    accounts: list[AccountSettings] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        prefix = f"accounts[{i}]."
        if not isinstance(entry, dict):
            problems.append((f"accounts[{i}]", "must be a section with platform, handle, ..."))
            continue
        v = _validate_section(entry, ACCOUNT_SCHEMA, prefix, problems)
        name = v["name"] or ""
        if name and not _ACCOUNT_NAME.match(name):
            problems.append((prefix + "name", f"use lower-case letters, digits, - and _ only, got {name!r}"))
        if name in seen:
            problems.append((prefix + "name", f"{name!r} is used by two accounts"))
        seen.add(name)
        _check_account_platform(v, prefix, problems)
        if v["platform"] in {p.value for p in Platform}:
            v["platform"] = Platform(v["platform"])
            accounts.append(AccountSettings(**v))
    return tuple(accounts)


def _check_account_platform(v: dict[str, Any], prefix: str, problems: list[tuple[str, str]]) -> None:
    if v["platform"] == "mastodon":
        if not v["server_url"]:
            problems.append((prefix + "server_url", "is required for a Mastodon account (e.g. https://mastodon.social)"))
        if not v["token_env"]:
            problems.append((prefix + "token_env", "is required for a Mastodon account: the name of the variable holding the access token"))
    elif v["platform"] == "bluesky" and not v["app_password_env"]:
        problems.append((prefix + "app_password_env", "is required for a Bluesky account: the name of the variable holding the app password"))


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return False
    return True


def parse_settings(data: Any, base_dir: Path, source: Path | None = None) -> Settings:
    """Validate a parsed YAML document; raise ``ConfigError`` listing every problem."""
    problems: list[tuple[str, str]] = []
    if not isinstance(data, dict):
        raise ConfigError([("(file)", "must be a YAML mapping of settings")])
    values = _validate_section(data, SCHEMA, "", problems)
    accounts = _validate_accounts(data.get("accounts"), problems)
    for addr in values["alerts.recipients"]:
        if not _EMAIL.match(addr):
            problems.append(("alerts.recipients", f"is not an e-mail address: {addr!r}"))
    check_quiet(values, problems)
    for network in values["web.trusted_proxies"]:
        if not _is_network(network):
            problems.append(("web.trusted_proxies", f"is not an IP address or network: {network!r}"))
    policy = policy_from(values, base_dir, problems)
    if problems:
        raise ConfigError(problems)
    data_dir = (base_dir / values["data_dir"]).resolve()
    db_url = read_secret(values["database_url_env"]) if values["database_url_env"] else None
    db_url = db_url or values["database_url"] or f"sqlite:///{data_dir / 'modbot.db'}"
    council = CouncilSettings(**{k.split(".", 1)[1]: values[k] for k in values if k.startswith("council.")})
    return Settings(
        council=council, accounts=accounts, mode=values["mode"], data_dir=data_dir,
        database_url=db_url, rules_file=(base_dir / values["rules_file"]).resolve(),
        values=values, source=source, policy=policy,
    )


def load_settings(path: str | os.PathLike[str]) -> Settings:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([("(file)", f"cannot read {p}: {exc.strerror}")]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "somewhere"
        raise ConfigError([("(file)", f"is not valid YAML at {where}: {getattr(exc, 'problem', exc)}")]) from exc
    return parse_settings(data, p.resolve().parent, source=p.resolve())


def config_reference() -> str:
    """Markdown table of every setting, generated from the schema (for the README)."""
    lines = ["| key | default | meaning |", "|---|---|---|"]
    for f in SCHEMA:
        lines.append(f"| `{f.key}` | {_fmt_default(f)} | {f.doc} |")
    for f in ACCOUNT_SCHEMA:
        lines.append(f"| `accounts[].{f.key}` | {_fmt_default(f)} | {f.doc} |")
    return "\n".join(lines) + "\n"


def _fmt_default(f: Field) -> str:
    if f.required:
        return "*required*"
    if f.default in ("", [], None):
        return "(empty)"
    text = str(f.default)
    return f"`{text}`" if len(text) < 40 else "(see file)"
