"""Names written by strangers in real chromium: a right-to-left override in a display
name must not reverse the page's text after it, and a 3,000-character name or
handle with no spaces must not make the page wider than a phone. Also the
security headers and the hostile redirect, as the browser sees them."""

from __future__ import annotations

from typing import Any

import pyotp
import pytest

from bot.storage import models as m
from bot.storage.db import transaction
from bot.users import create_user
from tests.browser.conftest import ARTIFACTS, DESKTOP, PHONE, Site, screenshot
from tests.browser.test_clerk_journey import new_context, sign_in_and_enrol
from tests.web.conftest import insert_review

pytestmark = pytest.mark.browser

RLO = "\u202e"
LONG = "W" * 3000

# Where each piece of text sits on the screen, left to right, within its line.
POSITIONS = """(selector) => [...document.querySelectorAll(selector)].map(el => {
  const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, top: r.top, text: el.textContent};
})"""


def page_width(page: Any) -> int:
    return int(page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_hostile_names_on_the_queue_and_item_pages(browser: Any, axe_source: str, site: Site,
                                                   viewport: dict[str, int]) -> None:
    tag = "desktop" if viewport is DESKTOP else "phone"
    reversed_id = insert_review(site.app, display_name=f"Jo {RLO}Bloggs", author_handle="@jo@example.social",
                                text=f"Hello {RLO}council, this is backwards")
    long_id = insert_review(site.app, display_name=LONG, author_handle="@" + "h" * 3000 + "@example.social",
                            text="x" * 3000)
    context = new_context(browser, axe_source, viewport)
    page = context.new_page()
    sign_in_and_enrol(page, site, f"hostile-{tag}")
    for path, name in (("/", "queue"), (f"/items/{long_id}", "item-long"), (f"/items/{reversed_id}", "item-rlo")):
        page.goto(site.url + path)
        # The top of the page only: a full-page picture of thousands of wrapped characters is slow to take.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"hostile-names-{tag}-{name}.png"))
        assert page_width(page) <= viewport["width"], f"{path} is wider than the screen"
    # On the item page the name is isolated: the handle after it still reads left to right, after the name.
    name, handle = (page.evaluate(POSITIONS, sel)[0] for sel in (".summary dd bdi", ".summary dd .handle"))
    assert RLO in name["text"] and handle["text"].strip() == "@jo@example.social"
    assert handle["left"] >= name["right"] - 1, (name, handle)
    isolation = page.evaluate("getComputedStyle(document.querySelector('.summary dd bdi')).unicodeBidi")
    assert isolation == "isolate"
    context.close()


def test_hostile_browser_name_on_your_sign_in(browser: Any, axe_source: str, site: Site) -> None:
    """The browser's own description (User-Agent) is listed on 'Your sign-in': it is untrusted too."""
    context = new_context(browser, axe_source, PHONE, user_agent=f"Evil {RLO}browser " + "Z" * 2000)
    page = context.new_page()
    sign_in_and_enrol(page, site, "hostile-agent")
    page.goto(site.url + "/my-sign-in")
    screenshot(page, "hostile-agent-my-sign-in")
    assert page_width(page) <= PHONE["width"]
    cell = page.locator("table.sessions td bdi").first
    assert RLO in cell.inner_text() or "browser" in cell.inner_text()
    assert page.evaluate("getComputedStyle(document.querySelector('table.sessions td bdi')).unicodeBidi") == "isolate"
    context.close()


def test_redirect_and_headers_in_the_browser(browser: Any, axe_source: str, site: Site) -> None:
    """The reported attack: sign in from a link with ``next=/%09/evil.example/``."""
    with transaction(site.app.sessions) as s:
        new = create_user(s, "clerk", "clerk", created_by="test")
        s.query(m.User).filter(m.User.name == "clerk").one().totp_confirmed = True
    context = new_context(browser, axe_source, DESKTOP)
    page = context.new_page()
    response = page.goto(site.url + "/sign-in?next=/%09/evil.example/")
    assert response is not None
    headers = response.headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
    assert "strict-transport-security" not in headers  # plain http on loopback: Secure cookies are off
    page.get_by_label("User name").fill("clerk")
    page.get_by_label("Password").fill(new.password)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/sign-in/code")
    page.get_by_label("6-digit code").fill(pyotp.TOTP(new.totp_secret).now())
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Review queue").wait_for()
    assert page.url == site.url + "/"  # the queue of this site, not evil.example
    context.close()
