"""Monthly summaries for download: only recorded files inside the data directory, the
confidential annex for the clerk only, with the right content types."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient

from bot.bootstrap import App
from bot.storage import models as m
from bot.storage.db import transaction
from bot.web.summaries import servable
from tests.support import FakeClock
from tests.web.conftest import add_person, sign_in


def record(app: App, month: str, html: Path | str, pdf: Path | str, annex: Path | str | None = None) -> None:
    with transaction(app.sessions) as s:
        s.add(m.Summary(month=month, html_path=str(html), pdf_path=str(pdf),
                        annex_path=str(annex) if annex else None, figures={}))


@pytest.fixture
def reports(app: App) -> Path:
    """October's summary with its annex in data_dir/reports, as ``modbot report`` writes them."""
    out = Path(app.settings.data_dir) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    for name, body in (("moderation-summary-2026-10.pdf", b"%PDF-1.7 public"),
                       ("moderation-summary-2026-10.html", b"<!doctype html><title>October</title>"),
                       ("moderation-annex-2026-10-CONFIDENTIAL.pdf", b"%PDF-1.7 confidential")):
        (out / name).write_bytes(body)
    record(app, "2026-10", out / "moderation-summary-2026-10.html", out / "moderation-summary-2026-10.pdf",
           out / "moderation-annex-2026-10-CONFIDENTIAL.pdf")
    return out


def test_summaries_are_listed_and_downloaded_with_their_types(signed_in: FlaskClient, reports: Path) -> None:
    page = signed_in.get("/summaries").get_data(as_text=True)
    assert "October 2026" in page and "/summaries/2026-10/pdf" in page and "/summaries/2026-10/annex" in page
    expected = {"pdf": ("application/pdf", "moderation-summary-2026-10.pdf", b"%PDF-1.7 public"),
                "html": ("text/html", "moderation-summary-2026-10.html", b"<!doctype html><title>October</title>"),
                "annex": ("application/pdf", "moderation-annex-2026-10-CONFIDENTIAL.pdf", b"%PDF-1.7 confidential")}
    for kind, (mimetype, filename, body) in expected.items():
        r = signed_in.get(f"/summaries/2026-10/{kind}")
        assert r.status_code == 200 and r.mimetype == mimetype and r.data == body, kind
        assert r.headers["Content-Disposition"] == f"attachment; filename={filename}"
        assert r.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("role", ["deputy", "delegate"])
def test_only_the_clerk_gets_the_confidential_annex(app: App, client: FlaskClient, clock: FakeClock,
                                                    reports: Path, role: str) -> None:
    add_person(app, "boss", "clerk")
    sign_in(client, add_person(app, f"a-{role}", role), clock)
    page = client.get("/summaries").get_data(as_text=True)
    assert "/summaries/2026-10/pdf" in page and "annex" not in page.lower()
    assert client.get("/summaries/2026-10/annex").status_code == 403
    assert client.get("/summaries/2026-10/pdf").status_code == 200


def test_files_outside_the_data_directory_are_never_served(app: App, signed_in: FlaskClient, reports: Path,
                                                           tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret.pdf").write_bytes(b"not for the web")
    (reports / "link.pdf").symlink_to(outside / "secret.pdf")
    record(app, "2026-09", outside / "secret.pdf", reports / "link.pdf", reports / ".." / ".." / "secret.pdf")
    for kind in ("pdf", "html", "annex"):
        assert signed_in.get(f"/summaries/2026-09/{kind}").status_code == 404, kind
    assert "not available here" in signed_in.get("/summaries").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/summaries/2026-13/pdf", "/summaries/2026-10/raw", "/summaries/2026-11/pdf",
                                  "/summaries/..%2F..%2Fetc/pdf", "/summaries/2026-10/..%2Fsecret_key"])
def test_unknown_months_kinds_and_paths_are_not_found(signed_in: FlaskClient, reports: Path, path: str) -> None:
    assert signed_in.get(path).status_code == 404


def test_a_recorded_file_that_is_missing_is_not_found(app: App, signed_in: FlaskClient, reports: Path) -> None:
    (reports / "moderation-summary-2026-10.pdf").unlink()
    assert signed_in.get("/summaries/2026-10/pdf").status_code == 404
    assert signed_in.get("/summaries/2026-10/html").status_code == 200


def test_servable_resolves_and_checks_containment(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "reports").mkdir(parents=True)
    (data / "reports" / "a.pdf").write_bytes(b"x")
    (tmp_path / "b.pdf").write_bytes(b"y")
    assert servable(str(data / "reports" / "a.pdf"), data) == (data / "reports" / "a.pdf").resolve()
    assert servable("reports/a.pdf", data) == (data / "reports" / "a.pdf").resolve()  # relative to data_dir
    assert servable("reports/../../b.pdf", data) is None
    assert servable(str(tmp_path / "b.pdf"), data) is None
    assert servable(str(data / "reports"), data) is None  # a directory, not a file
    assert servable(None, data) is None and servable("", data) is None


def test_no_summaries_yet(signed_in: FlaskClient) -> None:
    assert "No summaries yet" in signed_in.get("/summaries").get_data(as_text=True)
