"""The clerk's web page: a small server-rendered Flask app on top of the core.

``create_web_app(app)`` builds it; ``serve(flask_app, host, port)`` runs it with
waitress (pure Python, production-grade). It works without JavaScript, serves every
asset itself, and sends a strict Content-Security-Policy with every response.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from bot import uk_time
from bot.action_words import NO_ACTION_LABELS, NO_ACTION_SENTENCES, verdict
from bot.bootstrap import App
from bot.health import health_report
from bot.scheduler import Heartbeat
from bot.uk_time import uk_datetime
from bot.users import prepare_dummy_hash
from bot.web import security, throttle
from bot.web.caveats import GROUND_LABELS, PLATFORM_NAMES, SEVERITY_LABELS, action_label, tick_boxes
from bot.web.reads import read_sessions
from bot.web.render import post_body, pretty_json, sanitise_html, untrusted
from bot.web.sessions import Lifetimes

log = logging.getLogger(__name__)
ERROR_TITLES = {
    400: "The request could not be used", 403: "You do not have access to this page",
    404: "Page not found", 405: "That is not allowed here", 413: "The form was too large",
}


def create_web_app(app: App, heartbeat: Heartbeat | None = None, *,
                   config_overrides: dict[str, Any] | None = None) -> Flask:
    flask_app = Flask(__name__)
    flask_app.secret_key = security.load_secret_key(app.settings)
    security.configure_cookies(flask_app, app.settings)
    flask_app.config.update(
        MODBOT_APP=app, MODBOT_SESSIONS=app.sessions, MODBOT_READS=read_sessions(app, flask_app),
        MODBOT_HEARTBEAT=heartbeat,
        MODBOT_CLOCK=app.moderator.clock,
        MODBOT_LIFETIMES=Lifetimes(idle=timedelta(minutes=int(app.settings.get("web.session_idle_minutes"))),
                                   absolute=timedelta(hours=int(app.settings.get("web.session_max_hours")))),
        MODBOT_TRUSTED_PROXIES=throttle.networks(app.settings.get("web.trusted_proxies")),
        MODBOT_COUNCIL=app.settings.council.name,
    )
    flask_app.config.update(config_overrides or {})
    prepare_dummy_hash()
    _register(flask_app)
    return flask_app


def _register(flask_app: Flask) -> None:
    from bot.web import admin, auth, deciding, items, oversight, review, summaries

    for blueprint in (auth.bp, review.bp, deciding.bp, items.bp, oversight.bp, summaries.bp, admin.bp):
        flask_app.register_blueprint(blueprint)
    flask_app.before_request(_before)
    flask_app.after_request(security.add_security_headers)
    flask_app.register_error_handler(HTTPException, _http_error)
    flask_app.register_error_handler(Exception, _crash)
    flask_app.add_url_rule("/healthz", "healthz", _healthz)
    policy = flask_app.config["MODBOT_APP"].settings.policy
    flask_app.jinja_env.globals.update(
        policy=policy, cite=policy.cite,
        csrf_token=security.csrf_token, action_label=action_label, grounds=GROUND_LABELS,
        severities=SEVERITY_LABELS, platform_names=PLATFORM_NAMES, post_body=post_body,
        sanitise_html=sanitise_html, pretty_json=pretty_json, tick_boxes=tick_boxes, verdict=verdict,
        no_action_labels=[(k.value, v) for k, v in NO_ACTION_LABELS.items()],
        no_action_sentences=NO_ACTION_SENTENCES,
        status_labels={"pending": "Pending", "approved": "Upheld (breach)", "rejected": "No breach", "all": "All"})
    flask_app.jinja_env.filters["when"] = _when
    flask_app.jinja_env.filters["untrusted"] = untrusted
    flask_app.jinja_env.filters["age"] = _age
    flask_app.jinja_env.filters["uk_on"] = uk_time.on
    flask_app.jinja_env.filters["ground_label"] = lambda g: GROUND_LABELS.get(g, g)


def _before() -> None:
    if request.endpoint in ("static", "healthz"):
        return
    security.load_user()
    security.check_csrf()


def _healthz() -> Any:
    from flask import current_app

    app = current_app.config["MODBOT_APP"]
    report = health_report(app.settings, current_app.config["MODBOT_READS"], current_app.config["MODBOT_HEARTBEAT"])
    return jsonify(report), 200 if report["status"] == "ok" else 503


def _http_error(exc: HTTPException) -> Any:
    code = exc.code or 500
    title = ERROR_TITLES.get(code, "Something went wrong")
    detail = exc.description if code == 400 else ""
    return render_template("error.html", title=title, code=code, detail=detail), code


def _crash(exc: Exception) -> Any:
    reference = secrets.token_hex(4)
    log.exception("unexpected error on %s %s (reference %s)", request.method, request.path, reference)
    g.setdefault("user", None)
    return render_template("error.html", title="Something went wrong", code=500, reference=reference,
                           detail="The problem has been logged. Please try again; if it keeps happening, "
                                  "give the reference to whoever looks after the bot."), 500


def _when(value: datetime | None) -> str:
    return uk_datetime(value)


def _age(value: datetime | None) -> str:
    """How old an account is, in words ('3 days', '2 years')."""
    if value is None:
        return "unknown"
    from flask import current_app

    days = (current_app.config["MODBOT_CLOCK"]() - value).days
    if days < 1:
        return "less than a day"
    for size, unit in ((365, "year"), (30, "month"), (1, "day")):
        if days >= size:
            n = days // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    return f"{days} days"


def serve(flask_app: Flask, host: str, port: int, threads: int = 4) -> None:
    """Serve the page with waitress until the process is stopped."""
    from bot.web.server import create_server

    create_server(flask_app, host, port, threads).run()
