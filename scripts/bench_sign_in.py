"""How long the sign-in page takes to answer, with the real Argon2 cost, for each kind
of failure an attacker can try: a wrong password for a real user, a name that does not
exist, and the right password while the account is locked. They should be alike, so
timing tells an attacker nothing; and an address that must wait answers at once.

    .venv/bin/python scripts/bench_sign_in.py [--rounds 15]

Prints the median and spread of each, in milliseconds (the machine may be shared).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        web, clock, password = _site(Path(tmp))
        cases = {
            "wrong password, real user": ("clerk", "not the password at all", "192.0.2.1"),
            "unknown user": ("nobody-here", "not the password at all", "192.0.2.2"),
            "right password while locked": ("clerk", password, "192.0.2.3"),
        }
        for _ in range(5):
            _attempt(web, "clerk", "wrong wrong wrong", "192.0.2.9")  # locks the account
        for label, (name, secret, address) in cases.items():
            times = []
            for _ in range(args.rounds):
                clock.advance(seconds=60)  # past any address wait: measure the password check itself
                times.append(_attempt(web, name, secret, address))
            _report(label, times)
        for _ in range(10):
            _attempt(web, "guess", "guess", "192.0.2.50")
        _report("address that must wait", [_attempt(web, "clerk", password, "192.0.2.50") for _ in range(5)])


def _site(tmp: Path) -> tuple[Any, Any, str]:
    from adapters.simulated import SimulatedAdapter
    from bot.bootstrap import build_app
    from bot.storage.db import transaction
    from bot.users import create_user
    from bot.web import create_web_app
    from tests.support import FakeClock, make_settings

    clock = FakeClock()
    settings = make_settings(tmp / "data", f"sqlite:///{tmp / 'modbot.db'}")
    adapter = SimulatedAdapter("@council@social.example", tmp / "sim.json", council_name=settings.council.name,
                               initial=0, total=0, clock=clock)
    app = build_app(settings, adapters={"sim": adapter}, clock=clock)
    with transaction(app.sessions) as s:
        new = create_user(s, "clerk", "clerk", created_by="bench")
    clock.advance(seconds=1)
    return create_web_app(app), clock, new.password


def _attempt(web: Any, name: str, password: str, address: str) -> float:
    client = web.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    found = CSRF.search(client.get("/sign-in").get_data(as_text=True))
    assert found
    start = time.perf_counter()
    client.post("/sign-in", data={"name": name, "password": password, "csrf_token": found.group(1)})
    return (time.perf_counter() - start) * 1000


def _report(label: str, times: list[float]) -> None:
    times.sort()
    print(f"{label:32s} median {statistics.median(times):7.1f} ms   min {times[0]:7.1f}   max {times[-1]:7.1f}"
          f"   ({len(times)} tries)")


if __name__ == "__main__":
    main()
