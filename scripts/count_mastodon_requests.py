"""How many HTTP requests one Mastodon poll cycle costs, measured against a fake server.

Scenario: the council's account has 100 new mention notifications since the last
poll and 20 posts within the thread-scan window, each with replies. The script runs
the real ``MastodonAdapter`` against the test suite's fake Mastodon server
(``responses``: no network) and counts the requests of:

- a cold start (first poll after the bot starts: it also learns who it is, the
  server's version and the notification policy, and reads every thread once);
- a warm poll with 100 new notifications where every thread changed;
- a warm poll with 100 new notifications and no thread changed (the usual case);
- a quiet poll (nothing new).

Run: .venv/bin/python scripts/count_mastodon_requests.py
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import responses

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from adapters.mastodon import MastodonAdapter  # noqa: E402
from tests.adapters.fixtures.mastodon.fake_server import FakeMastodon, account_settings, load  # noqa: E402

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)
LIMIT, WINDOW_MINUTES = 300, 5  # Mastodon's default per-account API limit


def council_posts(fake: FakeMastodon, count: int) -> list[dict]:
    posts = []
    for n in range(count):
        created = (NOW - timedelta(hours=6 * (n + 1))).isoformat().replace("+00:00", "Z")
        post = fake.add_post(str(114600000000000100 + n), created_at=created, replies_count=1)
        fake.contexts[post["id"]] = {"ancestors": [], "descendants": [load("context")["descendants"][1]]}
        posts.append(post)
    return posts


def measure() -> list[tuple[str, int]]:
    rows = []
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeMastodon(rsps)
        posts = council_posts(fake, 20)
        adapter = MastodonAdapter(account_settings(), access_token="fake", now=lambda: NOW)  # noqa: S106
        fake.push_notification()
        baseline = adapter.fetch(None)  # cold start
        rows.append(("cold start (whoami, version, policy, 20 threads)", baseline.requests))
        for _ in range(100):
            fake.push_notification()
        for post in posts:
            post["replies_count"] += 1
        busy = adapter.fetch(baseline.cursor)
        rows.append(("100 new notifications, all 20 threads changed", busy.requests))
        for _ in range(100):
            fake.push_notification()
        usual = adapter.fetch(busy.cursor)
        rows.append(("100 new notifications, threads unchanged", usual.requests))
        quiet = adapter.fetch(usual.cursor)
        rows.append(("nothing new", quiet.requests))
    return rows


def main() -> None:
    polls_per_window = WINDOW_MINUTES * 60 / 120  # default polling.interval_seconds = 120
    print(f"Mastodon default limit: {LIMIT} requests per {WINDOW_MINUTES} minutes per account")
    for label, count in measure():
        per_window = count * polls_per_window
        print(f"  {label:<50} {count:>3} requests per poll; {per_window:>5.1f} per 5 min "
              f"at one poll every 2 min = {100 * per_window / LIMIT:.0f}% of the limit")


if __name__ == "__main__":
    main()
