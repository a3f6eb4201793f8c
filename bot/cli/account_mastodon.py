"""``modbot account add mastodon --server URL`` and the Mastodon part of ``account check``.

The setup helper registers the bot as an application on the council's Mastodon
server with the fewest permissions it needs, has the installer approve it while
signed in as the council's account, and stores the access token in an owner-only
file. It prints the environment variable to set; it never prints the token.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from mastodon import Mastodon, MastodonError

from adapters.mastodon import MastodonAdapter
from adapters.mastodon.server import Feature
from bot.errors import ModbotError
from bot.settings import AccountSettings

OOB = "urn:ietf:wg:oauth:2.0:oob"

#: The least the bot needs: read what arrives, answer DMs, and carry out the actions.
SCOPES: tuple[str, ...] = (
    "read:accounts", "read:notifications", "read:statuses",
    "write:statuses",       # DM auto-replies, revoking quotes
    "write:blocks",         # block an account or a whole server
    "write:mutes",
    "write:reports",
    "write:follows",        # remove a follower
    "write:notifications",  # accept DMs from strangers (Mastodon 4.3+ filters them)
)

_SCOPE_GROUPS = ("read", "write")


def register_add(platforms: Any) -> None:
    p = platforms.add_parser("mastodon", help="register the bot on a Mastodon server and get a token")
    p.add_argument("--server", required=True, help="the server's address, e.g. https://mastodon.social")
    p.add_argument("--app-name", default="council-modbot", help="name shown in the account's settings")
    p.add_argument("--website", default=None, help="the council's website, shown with the app")
    p.add_argument("--token-file", default="mastodon-token",
                   help="where to store the access token (created owner-only; default ./mastodon-token)")
    p.add_argument("--env-name", default="MODBOT_MASTODON_TOKEN",
                   help="the environment variable the settings name in token_env")
    p.add_argument("--code", help="the authorisation code (otherwise you are asked for it)")
    p.set_defaults(func=cmd_add)


def cmd_add(args: argparse.Namespace, ask: Callable[[str], str] = input,
            out: TextIO | None = None) -> int:
    """Register the app, get the installer's approval, save the token; 0 ok, 1 refused, 2 usage."""
    out = out or sys.stdout
    server = args.server.rstrip("/")
    if not server.startswith(("https://", "http://")):
        print("--server must start with https://", file=sys.stderr)
        return 2
    try:
        client_id, client_secret = Mastodon.create_app(
            args.app_name, scopes=list(SCOPES), redirect_uris=OOB, website=args.website,
            api_base_url=server, request_timeout=30)
        api = Mastodon(client_id=client_id, client_secret=client_secret, api_base_url=server,
                       request_timeout=30)
        url = api.auth_request_url(redirect_uris=OOB, scopes=list(SCOPES))
        print(_STEPS.format(url=url, scopes=" ".join(SCOPES)), file=out)
        code = (args.code or ask("Authorisation code: ")).strip()
        token = api.log_in(code=code, redirect_uri=OOB, scopes=list(SCOPES))
    except MastodonError as exc:
        print(f"The server refused: {exc.args[0] if exc.args else exc}. Nothing was saved.", file=sys.stderr)
        return 1
    path = _save_token(Path(args.token_file), token)
    print(_DONE.format(env=args.env_name, path=path, server=server), file=out)
    return 0


def _save_token(path: Path, token: str) -> Path:
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(token + "\n")
    os.chmod(path, 0o600)
    return path


_STEPS = """\
1. In a web browser, sign in to Mastodon AS THE COUNCIL'S ACCOUNT.
2. Open this address and press "Authorise":

   {url}

   The bot asks only for: {scopes}
3. Copy the code the page shows and paste it here.
"""

_DONE = """\
Done. The access token is saved in {path} (readable only by you).

Give the bot this environment variable (e.g. in its systemd unit or .env file):

   {env}_FILE={path}

and in the settings file:

   accounts:
     - name: mastodon
       platform: mastodon
       handle: "@council@example"   # the council's handle on {server}
       server_url: {server}
       token_env: {env}

Then run: modbot account check
"""


def granted(scopes: list[str]) -> set[str]:
    """Scopes a token really has; "read" and "write" include every read:/write: scope."""
    have = set(scopes)
    for group in _SCOPE_GROUPS:
        if group in have:
            have.update(s for s in SCOPES if s.startswith(group + ":"))
    return have


def check_account(account: AccountSettings, out: TextIO, data_dir: Path | None = None) -> bool:
    """Verify the server software, the token, its permissions and what could hide messages.

    Each check runs even when another failed, so one problem does not hide the rest.
    ``data_dir`` is part of the registry's signature; Mastodon keeps nothing there."""
    adapter = MastodonAdapter(account)
    ok = _run_check("server", lambda: _check_server(adapter, out), out)
    info = None
    try:
        info = adapter.check()
        print(f"  token works: signed in as @{info.handle} ({info.display_name})", file=out)
    except ModbotError as exc:
        print(f"  FAILED: {exc.title} {exc}", file=out)
        print("  skipped: permissions and notification settings (they need a working token)", file=out)
        return False
    ok = _run_check("permissions", lambda: _check_permissions(adapter, out), out) and ok
    if adapter.server.has(Feature.INTERACTION_POLICY):
        _run_check("interaction policy", lambda: _check_interaction_policy(adapter, out), out)
    for warning in info.warnings:
        print(f"  note: {warning}", file=out)
    return ok


def _run_check(name: str, check: Callable[[], bool], out: TextIO) -> bool:
    try:
        return check()
    except ModbotError as exc:
        print(f"  FAILED ({name}): {exc.title} {exc}", file=out)
        return False


def _check_server(adapter: MastodonAdapter, out: TextIO) -> bool:
    server = adapter.server
    how = "" if server.source == "nodeinfo" else " (it publishes no NodeInfo; read from its version string)"
    print(f"  server runs {server.label}{how}", file=out)
    missing = [f.value for f in Feature if f not in server.features and f is not Feature.INTERACTION_POLICY]
    if missing:
        print(f"  this server does not offer: {'; '.join(missing)}", file=out)
    return True


def _check_permissions(adapter: MastodonAdapter, out: TextIO) -> bool:
    if not adapter.server.has(Feature.APP_SCOPES):
        print(f"  permissions: {adapter.server.label.split()[0]} does not tell an app which permissions its "
              "token has; 'modbot account add mastodon' asks for exactly the ones the bot needs", file=out)
        return True
    app = adapter.client.call("app_verify_credentials")
    scopes = app.get("scopes") if isinstance(app, dict) else None
    if not isinstance(scopes, list):
        print("  permissions: this server does not say (Mastodon before 4.3)", file=out)
        return True
    missing = [s for s in SCOPES if s not in granted([str(x) for x in scopes])]
    if missing:
        print(f"  MISSING permissions: {' '.join(missing)} (run 'modbot account add "
              "mastodon' again to get a new token)", file=out)
        return False
    print("  permissions: all present", file=out)
    return True


def _check_interaction_policy(adapter: MastodonAdapter, out: TextIO) -> bool:
    """GoToSocial: who may reply to the council's public posts without its approval."""
    policies = adapter.client.call_endpoint("GET", "/api/v1/interaction_policies/defaults", {})
    reply = (policies or {}).get("public", {}).get("can_reply", {}) if isinstance(policies, dict) else {}
    automatic = reply.get("automatic_approval", reply.get("always", []))
    if "public" in automatic:
        print("  interaction policy: anyone may reply to the council's public posts", file=out)
    else:
        print("  note: replies to the council's public posts need its approval first (GoToSocial interaction "
              "policy); a reply waiting for approval may not reach the bot until the council approves it", file=out)
    return True
