"""Past monthly summaries, for download: the public PDF and HTML for everyone who
may use the page, the confidential annex for the clerk only.

Only files whose paths are recorded in the ``summaries`` table are served, and only
when they lie inside the data directory (resolved, symbolic links followed): the
request names a month and a kind of file, never a path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, g, render_template, send_file
from sqlalchemy import select

from bot.report.months import Month
from bot.storage import models as m
from bot.web.security import REVIEW_ROLES, requires

bp = Blueprint("summaries", __name__)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Kind:
    column: str
    mimetype: str
    label: str
    clerk_only: bool = False


KINDS = {
    "pdf": Kind("pdf_path", "application/pdf", "PDF for the meeting papers"),
    "html": Kind("html_path", "text/html", "Web page (HTML)"),
    "annex": Kind("annex_path", "application/pdf", "Confidential annex (PDF, closed session only)", clerk_only=True),
}


def servable(recorded: str | None, data_dir: Path) -> Path | None:
    """The recorded file, if it exists and lies inside ``data_dir``; else None."""
    if not recorded:
        return None
    path = Path(recorded)
    if not path.is_absolute():
        path = data_dir / path
    try:
        resolved = path.resolve(strict=True)
        root = data_dir.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    return resolved if resolved.is_relative_to(root) and resolved.is_file() else None


def _data_dir() -> Path:
    return Path(current_app.config["MODBOT_APP"].settings.data_dir)


def _month_name(month: str) -> str:
    year, number = (int(p) for p in month.split("-"))
    return date(year, number, 1).strftime("%B %Y")


@bp.route("/summaries")
@requires(REVIEW_ROLES)
def index() -> Any:
    with current_app.config["MODBOT_READS"]() as s:
        rows = list(s.execute(select(m.Summary).order_by(m.Summary.month.desc())).scalars())
    data_dir = _data_dir()
    kinds = {k: v for k, v in KINDS.items() if not v.clerk_only or g.user.role == "clerk"}
    listing = [{"month": r.month, "name": _month_name(r.month), "created_at": r.created_at,
                "provisional": not Month.parse(r.month).is_over(r.created_at),
                "files": {k: (servable(getattr(r, v.column), data_dir) is not None, bool(getattr(r, v.column)))
                          for k, v in kinds.items()}} for r in rows]
    return render_template("summaries.html", rows=listing, kinds=kinds)


@bp.route("/summaries/<month>/<kind>")
@requires(REVIEW_ROLES)
def download(month: str, kind: str) -> Any:
    spec = KINDS.get(kind)
    if spec is None or not MONTH.match(month):
        abort(404)
    if spec.clerk_only and g.user.role != "clerk":
        abort(403)
    with current_app.config["MODBOT_READS"]() as s:
        recorded = s.execute(select(getattr(m.Summary, spec.column)).where(m.Summary.month == month)).scalar()
    path = servable(recorded, _data_dir())
    if path is None:
        abort(404)
    return send_file(path, mimetype=spec.mimetype, as_attachment=True, download_name=path.name,
                     conditional=False, etag=False, max_age=0)
