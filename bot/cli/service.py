"""Long-running subcommands: ``modbot run`` (the service) and ``modbot demo``."""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import logging
import shutil
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.bootstrap import App, build_app
from bot.cli.common import settings_from
from bot.health import health_report
from bot.logs import setup_logging
from bot.scheduler import Heartbeat, build_scheduler, run_until_signalled
from bot.service_lease import RENEW_SECONDS, ServiceLease
from bot.settings import Settings, load_settings
from bot.storage.db import sqlite_file
from bot.storage.models import utcnow
from bot.uk_time import at

log = logging.getLogger(__name__)
DEMO_CONFIG = Path(__file__).resolve().parents[2] / "config" / "demo.yaml"

# Features that add scheduled jobs (reports and alerts; evidence media and retention;
# quiet accounts: own posts, reply gates, pile-on limits):
# each module has schedule_jobs(app) -> ((id, func, trigger kwargs), ...)
JOB_MODULES = ("bot.report", "bot.evidence", "bot.quiet")


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="run the service: polling, executor, web page")
    p.add_argument("--no-web", action="store_true", help="do not serve the clerk's page")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("demo", help="the whole loop on a simulated platform, web page on localhost")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--data-dir", default="data/demo", help="where the demo database goes (emptied first)")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("status", help="print the service's health (exit 1 when degraded)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)


def extra_jobs(app: App) -> tuple[tuple[str, Any, dict[str, Any]], ...]:
    jobs: list[tuple[str, Any, dict[str, Any]]] = []
    for name in JOB_MODULES:
        jobs.extend(importlib.import_module(name).schedule_jobs(app))
    return tuple(jobs)


def serve(app: App, heartbeat: Heartbeat, host: str, port: int) -> Any:
    """Start the clerk's page in a thread; returns an object with ``close()``."""
    from bot.web import create_web_app
    from bot.web.server import ServerThread, create_server

    return ServerThread(create_server(create_web_app(app, heartbeat), host, port))


def run_service(app: App, host: str | None, port: int, stop: threading.Event | None = None) -> None:
    heartbeat = Heartbeat()
    if threading.current_thread() is threading.main_thread():
        # Stopped while still starting: leave through the finally below, so the lease goes too.
        signal.signal(signal.SIGTERM, _exit_during_start_up)
    lease = ServiceLease(app.sessions, utcnow)  # says "a service uses this database" to restore, on any host
    lease.take()
    try:
        app.moderator.recover_abandoned()
        app.moderator.prepare_accounts()
        renew = ("service-lease", lease.renew, {"trigger": "interval", "seconds": RENEW_SECONDS})
        scheduler = build_scheduler(app.moderator, heartbeat, (*extra_jobs(app), renew))
        server = serve(app, heartbeat, host, port) if host else None
        if server:
            log.info("clerk's page on http://%s:%d/", host, port)
        run_until_signalled(scheduler, heartbeat, stop or threading.Event(),
                            on_stop=server.close if server else None)
    finally:
        lease.release()
        app.close()


def _exit_during_start_up(signum: int, _frame: Any) -> None:
    log.info("signal %s received while starting: stopping", signum)
    raise SystemExit(0)


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    setup_logging("DEBUG" if args.verbose else settings.get("logging.level"), settings.get("logging.json"))
    app = build_app(settings)
    host = None if args.no_web else settings.get("web.bind")
    run_service(app, host, int(settings.get("web.port")))
    return 0


def demo_settings(data_dir: Path, port: int) -> Settings:
    base = load_settings(DEMO_CONFIG)
    values = dict(base.values, **{"web.port": port, "web.public_url": f"http://127.0.0.1:{port}"})
    return dataclasses.replace(
        base, data_dir=data_dir.resolve(), values=values, database_url=f"sqlite:///{data_dir.resolve() / 'modbot.db'}"
    )


def cmd_demo(args: argparse.Namespace) -> int:
    setup_logging("DEBUG" if args.verbose else "INFO")
    data_dir = Path(args.data_dir)
    if data_dir.exists():
        shutil.rmtree(data_dir)
    settings = demo_settings(data_dir, args.port)
    app = build_app(settings)
    _print_demo_login(app, args.port)
    run_service(app, "127.0.0.1", args.port)
    return 0


def _print_demo_login(app: App, port: int) -> None:
    import pyotp

    from bot.storage.db import transaction
    from bot.users import create_user

    with transaction(app.sessions) as s:
        new = create_user(s, "clerk", "clerk", created_by="demo")
    code = pyotp.TOTP(new.totp_secret).now()
    print(
        f"""
  council-modbot demo: http://127.0.0.1:{port}/
  Sign in as   clerk
  Password     {new.password}
  Authenticator secret {new.totp_secret}
               (add it to an authenticator app, or print the current code with
               .venv/bin/python -c "import pyotp;print(pyotp.TOTP('{new.totp_secret}').now())")
  Code now     {code}
  The simulated platform delivers posts every few seconds; press Ctrl+C to stop.
""",
        flush=True,
    )


def cmd_status(args: argparse.Namespace) -> int:
    import json

    settings = settings_from(args)
    database = sqlite_file(settings.database_url)
    if database is not None and not database.exists():  # look only: never create the file or its directory
        print(f"status: no database yet at {database} (the service has not run; start it or run modbot migrate)",
              file=sys.stderr)
        return 1
    app = build_app(settings, adapters={}, run_migrations=False, create_dirs=False)
    report = health_report(settings, app.sessions, None)
    report.pop("scheduler", None)  # this process is not the service; see /healthz for liveness
    report["problems"] = [p for p in report["problems"] if p != "scheduler not running"]
    report["status"] = "ok" if not report["problems"] else "degraded"
    app.close()
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print_status(report)
    return 0 if report["status"] == "ok" else 1


def _print_status(report: dict[str, Any]) -> None:
    print(f"status: {report['status']}  database: {'ok' if report['database']['ok'] else 'UNREACHABLE'}")
    for acc in report.get("accounts", []):
        good = acc["last_successful_poll"]
        print(
            f"  {acc['name']} ({acc['platform']} {acc['handle']}): last good poll "
            f"{at(datetime.fromisoformat(good)) if good else 'never'}, "
            f"{acc['items']} items, {acc['pending_review']} pending"
            + (f", {n} old DMs kept but not answered" if (n := acc.get("old_dms_not_answered")) else "")
            + (f"; {acc['problem']}" if acc.get("problem") else "")
        )
    q = report.get("queue", {})
    print(
        f"  queue: {q.get('pending', 0)} pending, oldest {q.get('oldest_pending_age_seconds', 0)} s; "
        f"{q.get('failed_actions', 0)} failed actions"
    )
    for p in report["problems"]:
        print(f"  PROBLEM: {p}", file=sys.stderr)
