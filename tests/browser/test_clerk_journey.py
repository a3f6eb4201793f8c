"""A clerk signs in with a password and an authenticator code, approves one item,
rejects another and finds both in the audit log: on a desktop and on a phone.
Every page passes axe-core with no serious or critical violation."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Dialog

from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import create_user
from bot.web.queries import PAGE_SIZE
from tests.browser.conftest import DESKTOP, PHONE, Site, screenshot, serious_violations
from tests.web.conftest import insert_review
from tests.web.hostile import PAYLOADS

pytestmark = pytest.mark.browser


def new_context(browser: Any, axe_source: str, viewport: dict[str, int], **kwargs: Any) -> Any:
    context = browser.new_context(viewport=viewport, **kwargs)
    context.add_init_script(script=axe_source)  # injected by the browser, not by the page: the CSP stays strict
    return context


def check_page(page: Any, name: str) -> None:
    screenshot(page, name)
    assert serious_violations(page) == [], name


def sign_in_and_enrol(page: Any, site: Site, tag: str) -> None:
    with transaction(site.app.sessions) as s:
        new = create_user(s, "clerk", "clerk", created_by="test")
    page.goto(site.url + "/")
    check_page(page, f"{tag}-01-sign-in")
    page.get_by_label("User name").fill("clerk")
    page.get_by_label("Password").fill(new.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/set-up")
    assert page.locator(".qr svg").is_visible()
    check_page(page, f"{tag}-02-set-up-authenticator")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(new.totp_secret).now())
    page.get_by_role("button", name="Confirm and sign in").click()
    page.get_by_role("heading", name="Your authenticator app is set up").wait_for()
    check_page(page, f"{tag}-03-recovery-codes")
    page.get_by_role("link", name="Go to the queue").click()
    page.get_by_role("heading", name="Review queue").wait_for()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sign_in_approve_reject_and_audit(browser: Any, axe_source: str, site: Site, viewport: dict[str, int]) -> None:
    tag = "desktop" if viewport is DESKTOP else "phone"
    site.app.moderator.poll("sim")
    context = new_context(browser, axe_source, viewport)
    page = context.new_page()
    sign_in_and_enrol(page, site, tag)
    check_page(page, f"{tag}-04-queue")
    if viewport is PHONE:  # readable on a 360 px phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    cards = page.locator("li.card")
    first = cards.nth(0)
    first_id = first.locator("h2 a").get_attribute("href").rsplit("/", 1)[1]  # the item's number
    with site.app.sessions() as s:
        first_review = s.query(m.ReviewItem.id).filter(m.ReviewItem.item_id == int(first_id)).scalar()
    approve(page, first, first_id)
    page.get_by_text(f"Item {first_id} upheld").wait_for()

    second = page.locator("li.card").nth(0)
    second_id = second.locator("h2 a").get_attribute("href").rsplit("/", 1)[1]
    second.get_by_label("Reason").fill("Fair comment about the bins, not abuse")
    second.get_by_role("button", name=f"Reject item {second_id}").click()
    page.get_by_text(f"Item {second_id}: recorded as no breach.").wait_for()
    check_page(page, f"{tag}-05-after-decisions")

    page.goto(f"{site.url}/review/{first_review}")  # the old address leads to the item page
    page.wait_for_url(f"**/items/{first_id}")
    page.get_by_role("heading", name="Evidence", exact=True).wait_for()
    check_page(page, f"{tag}-06-item")
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    body = page.locator("main").inner_text()
    assert f"clerk upheld item {first_id}" in body and f"clerk found no breach in item {second_id}" in body
    assert "Fair comment about the bins, not abuse" in body and "review.approved" not in body
    check_page(page, f"{tag}-07-audit")
    for name in ("Accounts", "Monthly summaries", "Users", "Your sign-in"):
        page.get_by_role("link", name=name, exact=True).click()
        page.get_by_role("heading", level=1).wait_for()
        check_page(page, f"{tag}-08-{name.lower().replace(' ', '-')}")
    context.close()


def approve(page: Any, card: Any, item_id: str) -> None:
    """Approve a card as proposed (or, with nothing proposed, as "record only"), confirming
    on the check page when the actions need it."""
    if not card.locator("input[name=actions]:checked").count():
        card.get_by_label("Record the breach only").check()
    card.get_by_role("button", name=f"Approve item {item_id}").click()
    heading = page.get_by_role("heading", level=1)
    heading.wait_for()
    if heading.inner_text().startswith("Check what will happen"):
        page.get_by_role("button", name="Confirm and approve").click()


def test_keyboard_only_sign_in(browser: Any, axe_source: str, site: Site) -> None:
    with transaction(site.app.sessions) as s:
        new = create_user(s, "deputy", "deputy", created_by="test")
    context = new_context(browser, axe_source, DESKTOP)
    page = context.new_page()
    page.goto(site.url + "/sign-in")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("deputy")
    page.keyboard.press("Tab")
    page.keyboard.type(new.password)
    page.keyboard.press("Enter")
    page.wait_for_url("**/sign-in/set-up")
    context.close()


def test_hostile_posts_do_not_run(browser: Any, axe_source: str, site: Site) -> None:
    """Even with the CSP switched off in the browser, no payload runs: the escaping alone holds."""
    for payload in PAYLOADS:
        insert_review(site.app, text=payload, html=payload, display_name=payload, context_text=payload,
                      spans=[{"start": 0, "end": 6, "text": payload[:6]}], raw=json.dumps({"content": payload}))
    dialogs: list[str] = []
    outside: list[str] = []
    context = new_context(browser, axe_source, DESKTOP, bypass_csp=True)
    page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site.url) else None)
    sign_in_and_enrol(page, site, "hostile")
    page.goto(site.url + "/?status=pending")
    assert page.locator("li.card").count() == PAGE_SIZE
    assert page.get_by_text("<script>window.__pwned=1</script>", exact=True).count() >= 1  # shown as text
    screenshot(page, "hostile-queue")
    for rid in range(1, 6):
        page.goto(f"{site.url}/review/{rid}")
        page.locator("details summary").first.click()
    for frame in [page.main_frame]:
        assert frame.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == [] and outside == []
    assert page.evaluate("document.querySelectorAll('main script, main img, main iframe, main svg').length") == 0
    context.close()


def test_item_page_legal_hold_evidence_pack_and_summaries(browser: Any, axe_source: str, site: Site,
                                                          tmp_path: Path) -> None:
    """From the link in an alert e-mail: the item, a legal hold with a reason, the evidence
    pack as a download; then last month's summary from the summaries page."""
    item_id = insert_review(site.app, text="I know where you live", severity=3, ground="threat")
    reports = Path(site.app.settings.data_dir) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    (reports / "moderation-summary-2026-10.pdf").write_bytes(b"%PDF-1.7 summary")
    (reports / "moderation-summary-2026-10.html").write_text("<!doctype html><title>October</title>")
    with transaction(site.app.sessions) as s:
        s.add(m.Summary(month="2026-10", html_path=str(reports / "moderation-summary-2026-10.html"),
                        pdf_path=str(reports / "moderation-summary-2026-10.pdf"), figures={}))
    context = new_context(browser, axe_source, PHONE, accept_downloads=True)
    page = context.new_page()
    sign_in_and_enrol(page, site, "evidence")
    page.goto(f"{site.url}/items/{item_id}")
    page.get_by_role("heading", name="Legal hold").wait_for()
    check_page(page, "evidence-10-item")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.get_by_label("Reason for the hold").fill("Police reference 12/3456")
    page.get_by_role("button", name="Set a legal hold").click()
    page.get_by_text(f"Item {item_id} is now under legal hold.").wait_for()
    assert "Under legal hold: Police reference 12/3456" in page.locator("main").inner_text()
    check_page(page, "evidence-11-held")
    with page.expect_download() as download_info:
        page.get_by_role("button", name=f"Download the evidence pack for item {item_id}").click()
    download = download_info.value
    assert download.suggested_filename.startswith("evidence-") and download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(download.path()) as zf:
        assert "manifest.json" in zf.namelist() and "summary.pdf" in zf.namelist()
    page.get_by_role("link", name="Monthly summaries").click()
    page.get_by_role("heading", name="Monthly summaries").wait_for()
    check_page(page, "evidence-12-summaries")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF for the meeting papers for October 2026").click()
    assert download_info.value.suggested_filename == "moderation-summary-2026-10.pdf"
    page.goto(f"{site.url}/audit")
    body = page.locator("main").inner_text()
    assert f"clerk put item {item_id} under legal hold: “Police reference 12/3456”" in body
    assert "clerk downloaded an evidence pack" in body
    context.close()
