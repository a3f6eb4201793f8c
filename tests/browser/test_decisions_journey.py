"""The clerk's decisions in a real browser, at 1280 px and 360 px, each page checked by axe:
a rejection without a reason comes back with a GOV.UK error summary linking to the
field; approving a block shows the check page in plain words for Mastodon; after the
executor ran, the result panel says what happened (no raw JSON); the block is undone
through its own check page; a threat is upheld with no action, referred to the police;
and the audit log tells all of it in sentences, readable on a phone.

The council's Mastodon server is the ``responses`` fake shaped like the real API,
driven by the real ``MastodonAdapter``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import responses

from adapters.mastodon import MastodonAdapter
from bot.storage import models as m
from bot.storage.db import transaction
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings
from tests.browser.conftest import DESKTOP, PHONE, Site
from tests.browser.test_clerk_journey import check_page, new_context, sign_in_and_enrol
from tests.web.conftest import insert_review

pytestmark = pytest.mark.browser
RESIDENT = "109000000000000777"


@pytest.fixture
def mastodon(site: Site) -> Iterator[FakeMastodon]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeMastodon(rsps)
        site.app.moderator.adapters["masto"] = MastodonAdapter(account_settings(), access_token="token-abc")
        yield fake


def mastodon_review(site: Site, *, text: str, actions: tuple[str, ...], ground: str = "harassment") -> int:
    rid = insert_review(site.app, account="masto", platform="mastodon", text=text, actions=actions, ground=ground,
                        severity=3, author_handle="@angry@other.example", display_name="Angry Resident")
    with transaction(site.app.sessions) as s:
        review = s.get(m.ReviewItem, rid)
        assert review is not None
        review.item.author.remote_id = RESIDENT  # the account id the fake server knows
        return review.item_id


def fits_phone(page: Any, viewport: dict[str, int]) -> None:
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_reject_error_check_page_result_undo_and_audit(browser: Any, axe_source: str, site: Site,
                                                       mastodon: FakeMastodon, viewport: dict[str, int]) -> None:
    tag = "decide-" + ("desktop" if viewport is DESKTOP else "phone")
    item = mastodon_review(site, text="You are a useless idiot and everyone knows it", actions=("block",))
    context = new_context(browser, axe_source, viewport)
    page = context.new_page()
    sign_in_and_enrol(page, site, tag)
    card = page.locator("li.card").filter(has_text=f"Item {item}:")
    assert "Proposed: block @angry@other.example." in card.inner_text()
    assert card.get_by_role("button", name="Approve").count() == 1 and card.get_by_role("button").count() == 2
    check_page(page, f"{tag}-10-queue")
    fits_phone(page, viewport)

    card.get_by_role("button", name=f"Reject item {item}").click()  # no reason given
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert "There is a problem" in summary.inner_text()
    check_page(page, f"{tag}-11-error")
    summary.get_by_role("link", name=f"Item {item}: Give a reason why this is not a breach.").click()
    assert page.evaluate("document.activeElement.id") == f"reason-{item}"

    card = page.locator("li.card").filter(has_text=f"Item {item}:")
    card.get_by_role("button", name=f"Approve item {item}").click()
    page.get_by_role("heading", name=f"Check what will happen: item {item}").wait_for()
    assert "The council's account will block @angry@other.example" in page.locator("main").inner_text()
    check_page(page, f"{tag}-12-check")
    fits_phone(page, viewport)
    page.get_by_role("button", name="Confirm and approve").click()
    page.get_by_text(f"Item {item} upheld: blocking @angry@other.example approved.").wait_for()

    page.goto(f"{site.url}/items/{item}")
    results = page.locator(".result")
    assert "Waiting Blocking @angry@other.example" in " ".join(results.first.inner_text().split())
    assert site.app.moderator.execute_due().done == 1
    page.reload()
    panel = page.locator(".result").first
    assert "Done The bot blocked @angry@other.example" in " ".join(panel.inner_text().split())
    assert "{" not in panel.inner_text() and "record_key" not in page.locator("main").inner_text()
    check_page(page, f"{tag}-13-result")
    fits_phone(page, viewport)

    panel.get_by_label("Why it should be undone").fill("Blocked the wrong person")
    panel.get_by_role("button", name="Unblock the author").click()
    page.get_by_role("heading", name=f"Check before you undo it: item {item}").wait_for()
    assert "will unblock @angry@other.example" in page.locator("main").inner_text()
    check_page(page, f"{tag}-14-check-undo")
    page.get_by_role("button", name="Confirm and undo it").click()
    page.get_by_text(f"Item {item}: unblocking @angry@other.example approved.").wait_for()
    assert site.app.moderator.execute_due().done == 1
    assert site.app.moderator.execute_due().done == 0
    unblocks = [c for c in mastodon.calls if c["path"] == f"/api/v1/accounts/{RESIDENT}/unblock"]
    assert len(unblocks) == 1
    page.reload()
    assert "Done The bot unblocked @angry@other.example" in " ".join(page.locator("main").inner_text().split())
    assert page.get_by_role("button", name="Unblock the author").count() == 0  # undone once
    check_page(page, f"{tag}-15-undone")

    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("heading", name="Audit log").wait_for()
    body = page.locator("main").inner_text()
    assert f"clerk approved blocking @angry@other.example (item {item})" in body
    assert f"clerk approved unblocking @angry@other.example (item {item}): “Blocked the wrong person”" in body
    assert "The bot" not in body and "action.approved" not in body  # the bot's entries are behind the filter
    check_page(page, f"{tag}-16-audit")
    fits_phone(page, viewport)
    page.get_by_label("Show").select_option("all")
    page.get_by_role("button", name="Filter").click()
    assert f"The bot unblocked @angry@other.example (item {item})" in page.locator("main").inner_text()
    context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_threat_upheld_with_no_action_referred_to_the_police(browser: Any, axe_source: str, site: Site,
                                                               mastodon: FakeMastodon,
                                                               viewport: dict[str, int]) -> None:
    tag = "police-" + ("desktop" if viewport is DESKTOP else "phone")
    item = mastodon_review(site, text="I will come to the next meeting and hurt you", actions=("report",),
                           ground="threat")
    context = new_context(browser, axe_source, viewport)
    page = context.new_page()
    sign_in_and_enrol(page, site, tag)
    card = page.locator("li.card").filter(has_text=f"Item {item}:")
    card.get_by_text("Choose other actions").click()
    card.get_by_label("Report to the platform's moderators").uncheck()
    card.get_by_label("Refer it to the police").check()
    card.get_by_label("Reason").fill("Sent to the police, reference 12/3456")
    check_page(page, f"{tag}-20-choose")
    card.get_by_role("button", name=f"Approve item {item}").click()
    page.get_by_text(f"Item {item} upheld as a breach, with no action on the platform.").wait_for()
    page.goto(f"{site.url}/items/{item}")
    main = page.locator("main").inner_text()
    assert "Upheld (breach)" in main and "No action on the platform: referred to the police." in main
    assert "Marked for police referral" in main
    check_page(page, f"{tag}-21-item")
    fits_phone(page, viewport)
    assert site.app.moderator.execute_due().done == 0 and not [c for c in mastodon.calls if c["method"] == "POST"]
    context.close()
