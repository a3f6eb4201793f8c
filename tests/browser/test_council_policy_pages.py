"""The demo's shape in a real browser at 1280 px and 360 px, each page checked by axe:
findings cite the council's own policy (Thornbury's preset), a simulated Mastodon
account shows Mastodon's caveats and offers no hiding, times are UK time, and the
summaries page marks a provisional summary."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.simulated import SimulatedAdapter
from bot.bootstrap import build_app
from bot.storage import models as m
from bot.storage.db import transaction
from tests.browser.conftest import DESKTOP, PHONE, Site, serving
from tests.browser.test_clerk_journey import check_page, new_context, sign_in_and_enrol
from tests.support import make_settings

pytestmark = pytest.mark.browser
ACCOUNTS = [{"name": "sim-mastodon", "platform": "simulated", "handle": "@council@social.example",
             "simulates": "mastodon"},
            {"name": "sim-bluesky", "platform": "simulated", "handle": "council.example.social",
             "script": "demo-bluesky", "simulates": "bluesky"}]


@pytest.fixture
def council_site(tmp_path: Path) -> Iterator[Site]:
    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'modbot.db'}", accounts=ACCOUNTS,
                             **{"council.policy": "thornbury",
                                "council.policy_url": "https://www.thornburytowncouncil.gov.uk"})
    adapters = {a["name"]: SimulatedAdapter(a["handle"], tmp_path / f"{a['name']}.json", initial=40, total=40,
                                            seed=2 if "bluesky" in a["name"] else 1, simulates=a["simulates"],
                                            council_name=settings.council.name) for a in ACCOUNTS}
    with serving(build_app(settings, adapters=adapters)) as served:
        yield served


def fits(page: Any, viewport: dict[str, int]) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def first_flagged(site: Site, account: str) -> int:
    with site.app.sessions() as s:
        item = (s.query(m.Item).join(m.Account).filter(m.Account.name == account, m.Item.flagged.is_(True))
                .order_by(m.Item.id).first())
        assert item is not None
        return item.id


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_policy_caveats_uk_time_and_provisional_summary(browser: Any, axe_source: str, council_site: Site,
                                                         viewport: dict[str, int]) -> None:
    site, tag = council_site, "policy-" + ("desktop" if viewport is DESKTOP else "phone")
    for name in site.app.moderator.adapters:
        site.app.moderator.poll(name)
    context = new_context(browser, axe_source, viewport)
    page = context.new_page()
    sign_in_and_enrol(page, site, tag)
    check_page(page, f"{tag}-04-queue")
    body = page.inner_text("main")
    assert "Official Social Media Engagement Policy: 7.4" in body
    assert "Alcester" not in body and "Thurcaston" not in body and "UTC" not in body
    fits(page, viewport)

    page.goto(f"{site.url}/items/{first_flagged(site, 'sim-mastodon')}")
    check_page(page, f"{tag}-05-item-simulated-mastodon")
    text = page.inner_text("main")
    assert "behaving like Mastodon" in text and "Mastodon has no way to hide a reply" in text
    assert page.locator('input[value="hide_reply"]').count() == 0
    link = page.get_by_role("link", name="Official Social Media Engagement Policy: 7.4").first
    assert link.get_attribute("href") == "https://www.thornburytowncouncil.gov.uk"
    fits(page, viewport)

    out = Path(site.app.settings.data_dir) / "reports"
    out.mkdir(parents=True, exist_ok=True)
    for suffix in ("pdf", "html"):
        (out / f"moderation-summary-2026-12-PROVISIONAL.{suffix}").write_bytes(b"%PDF-1.7 preview")
    with transaction(site.app.sessions) as s:
        s.add(m.Summary(month="2026-12", created_at=datetime(2026, 12, 15, 9, 30, tzinfo=UTC),
                        html_path=str(out / "moderation-summary-2026-12-PROVISIONAL.html"),
                        pdf_path=str(out / "moderation-summary-2026-12-PROVISIONAL.pdf"), figures={}))
    page.goto(f"{site.url}/summaries")
    check_page(page, f"{tag}-06-summaries-provisional")
    row = page.inner_text("main")
    assert "December 2026" in row and "Provisional" in row and "15 December 2026 at 9:30am" in row
    fits(page, viewport)
    context.close()
