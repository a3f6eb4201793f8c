"""Real-browser tests: Playwright driving Debian's chromium against the page served by
waitress on loopback. Without chromium or axe-core they are skipped on a developer
machine and fail in CI (``CI`` set), so nothing is skipped silently there.

Install both with ``scripts/install_browser_deps.sh``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import App, build_app
from tests.support import REPO, make_settings

CHROMIUM = Path(os.environ.get("MODBOT_CHROMIUM", "/usr/bin/chromium"))
AXE_JS = Path(os.environ.get("MODBOT_AXE_JS", REPO / ".e2e" / "axe" / "node_modules" / "axe-core" / "axe.min.js"))
ARTIFACTS = REPO / "test-artifacts" / "browser"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _missing() -> str:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing (run scripts/install_browser_deps.sh)"
    if not AXE_JS.exists():
        return f"axe-core is missing at {AXE_JS} (run scripts/install_browser_deps.sh)"
    return ""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    problem = _missing()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {problem}")
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


@dataclass
class Site:
    app: App
    url: str


@contextmanager
def serving(app: App) -> Iterator[Site]:
    """``app``'s clerk's page on a free port for as long as the block runs; ``app`` is closed after."""
    from bot.web import create_web_app
    from bot.web.server import create_server

    server = create_server(create_web_app(app), "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield Site(app, f"http://127.0.0.1:{server.effective_port}")
    finally:
        server.close()
        thread.join(timeout=5)
        app.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The whole service on the simulated platform (SQLite), its page on a free port."""
    from adapters.simulated import SimulatedAdapter

    settings = make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'modbot.db'}")
    adapter = SimulatedAdapter("@council@social.example", tmp_path / "sim.json",
                               council_name=settings.council.name, initial=60, total=60)
    with serving(build_app(settings, adapters={"sim": adapter})) as served:
        yield served


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the current page (WCAG 2.2 A/AA + best practice)."""
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                       nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes']}" for v in result
            if v["impact"] in ("serious", "critical")]
