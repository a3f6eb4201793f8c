"""Posts written by strangers are shown as text: nothing they contain becomes markup."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from bot.bootstrap import App
from bot.domain import ActionKind
from bot.web.render import bluesky_links, highlight, sanitise_html
from tests.web.conftest import FakePlatform, insert_review
from tests.web.hostile import PAYLOADS, active_content


def main_part(html: str) -> str:
    return html.split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_every_payload_is_escaped_in_the_queue_and_item_page(app: App, signed_in: FlaskClient) -> None:
    app.moderator.adapters["masto"] = FakePlatform(
        "mastodon", frozenset({ActionKind.BLOCK, ActionKind.REPORT})).as_adapter()
    ids = []
    for payload in PAYLOADS:
        ids.append(insert_review(app, account="masto", platform="mastodon", text=payload, html=payload,
                                 spans=[{"start": 0, "end": min(8, len(payload)), "text": payload[:8]}],
                                 display_name=payload, author_handle=payload[:60], context_text=payload,
                                 raw=json.dumps({"content": payload})))
    pages = [main_part(signed_in.get("/?status=pending").get_data(as_text=True))]
    pages += [main_part(signed_in.get(f"/review/{i}", follow_redirects=True).get_data(as_text=True)) for i in ids]
    for page in pages:
        assert active_content(page) == []
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in pages[0]  # shown, as text


@pytest.mark.parametrize("payload", PAYLOADS)
def test_sanitiser_keeps_no_active_content(payload: str) -> None:
    cleaned = str(sanitise_html(payload))
    assert active_content(cleaned) == [], cleaned
    assert "javascript:" not in cleaned.lower()


def test_sanitiser_keeps_ordinary_mastodon_markup() -> None:
    html = ('<p>Hello <span class="h-card"><a href="https://social.example/@council" class="u-url mention">'
            '@<span>council</span></a></span></p><p>see <a href="https://example.gov.uk/bins">bins</a><br>thanks</p>')
    cleaned = str(sanitise_html(html))
    assert '<a href="https://example.gov.uk/bins" rel="nofollow noopener noreferrer ugc">bins</a>' in cleaned
    assert "<p>" in cleaned and "<br>" in cleaned and "class=" not in cleaned


@pytest.mark.parametrize("payload", PAYLOADS)
def test_highlight_escapes_each_segment(payload: str) -> None:
    spans = [{"start": 1, "end": 5, "text": payload[1:5]}, {"start": 3, "end": 9, "text": payload[3:9]}]
    out = str(highlight(payload, spans))
    assert "<" not in out.replace("<mark>", "").replace("</mark>", "")


def test_highlight_marks_spans_and_ignores_bad_offsets() -> None:
    out = str(highlight("you utter idiot", [{"start": 10, "end": 15}, {"start": 50, "end": 60},
                                            {"start": "x", "end": 2}, {"start": 4, "end": 2}]))
    assert out == "you utter <mark>idiot</mark>"


def test_bluesky_links_come_from_facets_and_only_http() -> None:
    text = "café see site and evil"
    raw = json.dumps({"record": {"text": text, "facets": [
        {"index": {"byteStart": 10, "byteEnd": 14}, "features": [{"$type": "app.bsky.richtext.facet#link",
                                                                  "uri": "https://example.gov.uk"}]},
        {"index": {"byteStart": 19, "byteEnd": 23}, "features": [{"$type": "app.bsky.richtext.facet#link",
                                                                  "uri": "javascript:alert(1)"}]},
        {"index": {"byteStart": 900, "byteEnd": 901}, "features": [{"$type": "app.bsky.richtext.facet#link",
                                                                    "uri": "https://x.example"}]},
    ]}})
    links = bluesky_links(raw, text)
    out = str(highlight(text, [{"start": 18, "end": 22}], links))
    assert '<a href="https://example.gov.uk" rel="nofollow noopener noreferrer ugc">site</a>' in out
    assert "javascript" not in out and "<mark>evil</mark>" in out


def test_bluesky_post_rendered_with_facet_link(app: App, signed_in: FlaskClient) -> None:
    app.moderator.adapters["sky"] = FakePlatform("bluesky", frozenset({ActionKind.BLOCK})).as_adapter()
    text = "read <script>this</script> at link"
    raw = json.dumps({"record": {"text": text, "facets": [{"index": {"byteStart": 30, "byteEnd": 34},
                      "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://ok.example/a"}]}]}})
    rid = insert_review(app, account="sky", platform="bluesky", text=text, raw=raw)
    page = main_part(signed_in.get(f"/review/{rid}", follow_redirects=True).get_data(as_text=True))
    assert "&lt;script&gt;this&lt;/script&gt;" in page
    assert '<a href="https://ok.example/a" rel="nofollow noopener noreferrer ugc">link</a>' in page
