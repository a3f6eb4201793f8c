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
    """Verify the token, its permissions and the notification policy of one account.

    ``data_dir`` is part of the registry's signature; Mastodon keeps nothing there."""
    adapter = MastodonAdapter(account)
    info = adapter.check()
    print(f"  token works: signed in as @{info.handle} ({info.display_name})", file=out)
    version = ".".join(str(n) for n in adapter.server_version)
    print(f"  server runs Mastodon {version}", file=out)
    ok = True
    app = adapter.client.call("app_verify_credentials")
    scopes = app.get("scopes") if isinstance(app, dict) else None
    if isinstance(scopes, list):
        missing = [s for s in SCOPES if s not in granted([str(x) for x in scopes])]
        if missing:
            ok = False
            print(f"  MISSING permissions: {' '.join(missing)} (run 'modbot account add "
                  "mastodon' again to get a new token)", file=out)
        else:
            print("  permissions: all present", file=out)
    else:
        print("  permissions: this server does not say (Mastodon before 4.3)", file=out)
    for warning in info.warnings:
        print(f"  note: {warning}", file=out)
    return ok
