"""Core subcommands: check-config, migrate, poll, execute, queue, run, status."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.cli.common import config_path, settings_from
from bot.council_policy import DEFAULT_PRESET, CouncilPolicy, preset_names
from bot.decisions import Decision
from bot.domain import UNDO_OF, ActionKind, NoActionReason
from bot.errors import ConfigError, InvalidTransition, NotFound
from bot.policy import load_engine
from bot.report.labels import GROUNDS
from bot.settings import Settings, config_reference, load_settings
from bot.storage import models as m
from bot.storage.db import DatabaseTooNew, migrate


def register(sub: Any) -> None:
    p = sub.add_parser("check-config", help="validate a settings file and list every problem")
    p.add_argument("file", nargs="?", help="settings file (default: --config or $MODBOT_CONFIG)")
    p.set_defaults(func=cmd_check_config)
    sub.add_parser("config-reference", help="print the settings reference (Markdown)").set_defaults(
        func=lambda a: print(config_reference(), end="") or 0
    )
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(func=cmd_migrate)
    p = sub.add_parser("poll", help="poll the accounts for new items")
    p.add_argument("--once", action="store_true", required=True, help="poll once and exit")
    p.add_argument("--account", help="only this account (its name in the settings)")
    p.set_defaults(func=cmd_poll)
    p = sub.add_parser("execute", help="carry out approved actions and send DM replies")
    p.add_argument("--once", action="store_true", required=True, help="run once and exit")
    p.set_defaults(func=cmd_execute)
    _register_queue(sub)


def _register_queue(sub: Any) -> None:
    q = sub.add_parser("queue", help="list and decide review items").add_subparsers(dest="queue_cmd", metavar="ACTION")
    p = q.add_parser("list", help="pending review items, most severe and oldest first")
    p.add_argument("--json", action="store_true", help="one JSON document")
    p.add_argument("--status", default="pending", choices=("pending", "approved", "rejected", "all"))
    p.set_defaults(func=cmd_queue_list)
    for verb in ("approve", "reject"):
        p = q.add_parser(verb, help=("uphold an item's finding (a breach), with or without actions"
                                     if verb == "approve" else "reject an item's finding: no breach"))
        p.add_argument("item", type=int, help="the item number, as on the page and in the e-mails")
        p.add_argument("--as", dest="user", required=True, help="the clerk, deputy or delegate deciding")
        p.add_argument("--reason", default="", help="why (required to reject)")
        if verb == "approve":
            p.add_argument("--actions", help="comma-separated actions instead of the proposed ones")
            p.add_argument("--no-action", dest="no_action", choices=[r.value for r in NoActionReason],
                           help="uphold with no action on the platform, and why")
            p.add_argument("--police", action="store_true", help="also mark for police referral")
        p.set_defaults(func=cmd_decide, approve=verb == "approve")
    p = q.add_parser("undo", help="undo a block, mute, hide or quote detach that was carried out")
    p.add_argument("item", type=int, help="the item number")
    p.add_argument("--action", required=True, choices=[k.value for k in UNDO_OF], help="the action to undo")
    p.add_argument("--as", dest="user", required=True, help="the clerk, deputy or delegate approving the undo")
    p.add_argument("--reason", default="", help="why it should be undone (required)")
    p.set_defaults(func=cmd_undo)


def open_app(args: argparse.Namespace, run_migrations: bool = False) -> App:
    settings = settings_from(args)
    return build_app(settings, run_migrations=run_migrations)


def cmd_check_config(args: argparse.Namespace) -> int:
    path = args.file or config_path(args)
    try:
        settings = load_settings(path)
        rules = rules_in(settings)
    except ConfigError as exc:
        print(f"{path}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for key, message in exc.problems:
            print(f"  {key}: {message}", file=sys.stderr)
        return 2
    print(f"{path}: OK ({len(settings.accounts)} account(s), mode {settings.mode}, "
          f"{rules} rule(s) in {settings.rules_file})")
    for line in policy_warnings(settings.policy):
        print(f"  warning: council.policy: {line}")
    return 0


def policy_warnings(policy: CouncilPolicy) -> list[str]:
    """Name every ground the council's policy leaves without a clause (the bot still works)."""
    missing = policy.uncovered()
    if policy.name == DEFAULT_PRESET:
        return ["the neutral default cites plain descriptions, not the council's clause numbers; name the "
                f"council's policy (a preset: {', '.join(preset_names())}, or its own file)"]
    return [f"no clause for the ground {g.value!r} ({GROUNDS.get(g.value, g.value)}): findings on it cite only "
            f"the description {policy.description(g)!r}" for g in missing]


def rules_in(settings: Settings) -> int:
    """Read and validate the rules file the settings name; problems name ``rules_file``."""
    path = settings.rules_file
    if not path.is_file():
        raise ConfigError([("rules_file", f"there is no rules file at {path} (the path is relative to "
                                          "the settings file; copy config/rules.yaml there to start)")])
    try:
        engine = load_engine(settings, classifier=False)
    except ConfigError as exc:
        raise ConfigError([(f"rules_file ({path.name}) {key}", message) for key, message in exc.problems]) from exc
    return len(engine.rules)


def cmd_migrate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        migrate(settings.database_url)
    except DatabaseTooNew as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print("database schema is up to date")
    return 0


def cmd_poll(args: argparse.Namespace) -> int:
    app = open_app(args, run_migrations=True)
    names = [args.account] if args.account else list(app.moderator.adapters)
    failed = False
    for name in names:
        if name not in app.moderator.adapters:
            print(f"error: no enabled account named {name!r}", file=sys.stderr)
            return 2
        r = app.moderator.poll(name)
        failed |= not r.ok
        print(
            f"{name}: {'ok' if r.ok else 'FAILED ' + r.error}; {r.stored} new, {r.duplicates} already seen, "
            f"{r.skipped} skipped, {r.flagged} flagged, {r.dm_replies} DM replies queued"
            + (f", {r.deleted} pending post(s) deleted by their authors" if r.deleted else "")
        )
    app.close()
    return 1 if failed else 0


def cmd_execute(args: argparse.Namespace) -> int:
    app = open_app(args, run_migrations=True)
    app.moderator.recover_abandoned()
    result = app.moderator.execute_due(limit=1000)
    sent = app.moderator.send_outbox(limit=1000)
    mode = "" if app.settings.live else " (observe mode: nothing is sent)"
    gone = f", {result.not_needed} not needed (post or account deleted)" if result.not_needed else ""
    print(
        f"actions: {result.done} done, {result.retried} to retry, {result.failed} failed{gone}; "
        f"DM replies sent: {sent}{mode}"
    )
    app.close()
    return 1 if result.failed else 0


def queue_rows(app: App, status: str) -> list[dict[str, Any]]:
    with app.sessions() as s:
        q = select(m.ReviewItem).order_by(m.ReviewItem.severity.desc(), m.ReviewItem.created_at, m.ReviewItem.id)
        if status != "all":
            q = q.where(m.ReviewItem.status == status)
        rows = []
        for r in s.execute(q).scalars():
            item = r.item
            rows.append(
                {
                    "item": r.item_id,
                    "status": r.status,
                    "severity": r.severity,
                    "account": item.account.name,
                    "platform": item.account.platform,
                    "kind": item.kind,
                    "author": item.author.handle,
                    "text": item.text,
                    "created_at": r.created_at.isoformat(),
                    "grounds": sorted({f.ground for f in item.findings}),
                    "rules": sorted({f.rule_id for f in item.findings}),
                    "clauses": sorted({c for f in item.findings for c in f.clauses}),
                    "explanations": [f.explanation for f in item.findings],
                    "actions": [{"kind": a.kind, "state": a.state} for a in r.actions],
                    "no_action_reason": r.no_action_reason,
                    "police_referral_suggested": r.police_referral_suggested,
                }
            )
        return rows


def cmd_queue_list(args: argparse.Namespace) -> int:
    app = open_app(args)
    rows = queue_rows(app, args.status)
    app.close()
    if args.json:
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return 0
    if not rows:
        print("The queue is empty.")
    sev = {1: "low", 2: "medium", 3: "HIGH"}
    for r in rows:
        acts = ", ".join(f"{a['kind']}({a['state']})" for a in r["actions"]) or "none"
        text = r["text"].replace("\n", " ")
        print(
            f"Item {r['item']} [{sev.get(r['severity'], r['severity'])}] {r['account']} @{r['author']}: "
            f"{text[:70]}\n    {', '.join(r['grounds'])} - {'; '.join(r['clauses'])} - actions: {acts}"
        )
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    app = open_app(args)
    try:
        decision = _decision_from_args(app, args)
        review = app.moderator.decide(decision)
    except (ValueError, InvalidTransition, NotFound) as exc:
        print(f"error: item {args.item}: {exc}", file=sys.stderr)
        return 2
    finally:
        app.close()
    verdict = "upheld (breach)" if review.status == "approved" else "rejected (no breach)"
    print(f"item {review.item_id} {verdict} by {args.user}")
    return 0


def _decision_from_args(app: App, args: argparse.Namespace) -> Decision:
    actions: tuple[ActionKind, ...] | None = None
    if getattr(args, "actions", None):
        try:
            actions = tuple(ActionKind(a.strip()) for a in args.actions.split(",") if a.strip())
        except ValueError as exc:
            raise ValueError(f"unknown action ({exc})") from exc
    no_action = NoActionReason(args.no_action) if getattr(args, "no_action", None) else None
    if no_action is not None:
        if actions:
            raise ValueError("--no-action and --actions cannot go together")
        actions = ()
    review_id = app.moderator.review_of_item(args.item)
    return Decision(review_id, args.approve, args.user, args.reason, actions, getattr(args, "police", False),
                    no_action)


def cmd_undo(args: argparse.Namespace) -> int:
    """Approve undoing a carried-out action; ``modbot execute`` or the service then carries it out."""
    app = open_app(args)
    try:
        review_id = app.moderator.review_of_item(args.item)
        with app.sessions() as s:
            action_id = s.execute(select(m.Action.id).where(
                m.Action.review_item_id == review_id, m.Action.kind == args.action,
                m.Action.state == "done")).scalar()
        if action_id is None:
            raise NotFound(f"no {args.action.replace('_', ' ')} was carried out for this item")
        undo = app.moderator.request_undo(int(action_id), args.user, args.reason)
    except (InvalidTransition, NotFound) as exc:
        print(f"error: item {args.item}: {exc}", file=sys.stderr)
        return 2
    finally:
        app.close()
    print(f"item {args.item}: {undo.kind.replace('_', ' ')} approved by {args.user}; it is carried out next")
    return 0
