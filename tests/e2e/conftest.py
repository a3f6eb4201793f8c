"""The local atproto network the Bluesky end-to-end tests run against: one per test module."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.e2e import bluesky_devenv as devenv


@pytest.fixture(scope="module")
def network() -> Iterator[devenv.DevEnv]:
    try:
        devenv.install()
        with devenv.running() as net:
            yield net
    except devenv.Unavailable as exc:
        if os.environ.get("CI"):  # CI must not pass by skipping the end-to-end suite
            pytest.fail(f"Bluesky e2e could not start in CI: {exc}")
        pytest.skip(f"Bluesky e2e: {exc}")
