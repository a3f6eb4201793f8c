"""Which server software the council's account lives on, read from NodeInfo.

Mastodon, GoToSocial, Akkoma and Pleroma all speak the Mastodon client API, but
not all of it, and their ``/api/v2/instance`` "version" fields mean different things
(GoToSocial says "0.19.2", Akkoma "2.7.2 (compatible; Akkoma 3.13.2)"). Reading that
as a Mastodon version would switch features on or off by a misread number. NodeInfo
(``/.well-known/nodeinfo`` -> the 2.1 or 2.0 document) names the software itself, so
each feature the bot relies on is decided here, from what that software really offers.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

import requests

log = logging.getLogger(__name__)

NODEINFO_SCHEMAS = (  # newest first
    "http://nodeinfo.diaspora.software/ns/schema/2.1",
    "http://nodeinfo.diaspora.software/ns/schema/2.0",
)
DISPLAY_NAMES = {"mastodon": "Mastodon", "gotosocial": "GoToSocial", "akkoma": "Akkoma",
                 "pleroma": "Pleroma", "glitchsoc": "Mastodon (glitch-soc)", "hometown": "Hometown"}
MASTODON_FORKS = frozenset({"mastodon", "glitchsoc", "hometown"})


class Feature(Enum):
    """Parts of the Mastodon API the bot uses that not every server has."""

    APP_SCOPES = "apps/verify_credentials lists the token's scopes"
    NOTIFICATION_POLICY = "notification policy and filtered requests"
    QUOTES = "quote notifications and quote revocation"
    DOMAIN_BLOCK = "user-level domain blocks"
    REMOVE_FOLLOWER = "remove a follower"
    REPORT_CATEGORIES = "report categories spam, violation and legal"
    INTERACTION_POLICY = "interaction policies (who may reply)"


def parse_version(text: str) -> tuple[int, int, int]:
    """'4.5.0+glitch' -> (4, 5, 0); anything unreadable counts as very old."""
    match = re.match(r"^\s*v?(\d+)\.(\d+)(?:\.(\d+))?", text or "")
    if not match:
        return (0, 0, 0)
    return (int(match[1]), int(match[2]), int(match[3] or 0))


@dataclass(frozen=True)
class ServerSoftware:
    name: str  # NodeInfo's software.name, lower case ("mastodon", "gotosocial", ...)
    version_text: str  # as the server wrote it, e.g. "0.19.2+git-6574dc8"
    source: str = "nodeinfo"  # or "instance" when NodeInfo could not be read

    @property
    def version(self) -> tuple[int, int, int]:
        return parse_version(self.version_text)

    @property
    def label(self) -> str:
        """'GoToSocial 0.19.2', for the operator."""
        name = DISPLAY_NAMES.get(self.name, self.name or "an unknown server")
        return f"{name} {self.version_text}".strip()

    @property
    def features(self) -> frozenset[Feature]:
        return features_of(self.name, self.version)

    def has(self, feature: Feature) -> bool:
        return feature in self.features


def features_of(name: str, version: tuple[int, int, int]) -> frozenset[Feature]:
    """What each server software offers, from its own API documentation and source."""
    if name in MASTODON_FORKS:
        found = {Feature.APP_SCOPES, Feature.DOMAIN_BLOCK, Feature.REMOVE_FOLLOWER, Feature.REPORT_CATEGORIES}
        if version >= (4, 3, 0):
            found.add(Feature.NOTIFICATION_POLICY)
        if version >= (4, 5, 0):
            found.add(Feature.QUOTES)
        return frozenset(found)
    if name == "gotosocial":
        # No /api/v1/apps/verify_credentials (only /api/v1/apps/:id), no user-level domain
        # blocks (gotosocial#3061), no remove_from_followers, no notification policy, reports
        # in category "other" only; it has interaction policies (who may reply) instead.
        return frozenset({Feature.INTERACTION_POLICY})
    if name in ("akkoma", "pleroma"):
        # Both route /api/v1/apps/verify_credentials and /api/v1/domain_blocks (Pleroma's router).
        # remove_from_followers only from Pleroma 2.5; Akkoma's is not confirmed, so not offered.
        found = {Feature.APP_SCOPES, Feature.DOMAIN_BLOCK}
        if name == "pleroma" and version >= (2, 5, 0):
            found.add(Feature.REMOVE_FOLLOWER)
        return frozenset(found)
    return frozenset({Feature.DOMAIN_BLOCK})  # an unknown server: only the oldest Mastodon API


def read_nodeinfo(session: requests.Session, base_url: str, timeout: float) -> ServerSoftware | None:
    """The server's software from NodeInfo, or None when it does not publish a usable one."""
    try:
        index = _get_json(session, f"{base_url.rstrip('/')}/.well-known/nodeinfo", timeout)
        href = _document_link(index)
        document = _get_json(session, href, timeout) if href else None
    except (requests.RequestException, ValueError) as exc:
        log.info("could not read NodeInfo from %s: %s", base_url, exc)
        return None
    software = document.get("software") if isinstance(document, dict) else None
    if not isinstance(software, dict) or not isinstance(software.get("name"), str):
        log.info("NodeInfo of %s does not name its software", base_url)
        return None
    return ServerSoftware(name=software["name"].strip().lower(), version_text=str(software.get("version") or ""))


def _document_link(index: Any) -> str | None:
    links = index.get("links") if isinstance(index, dict) else None
    by_schema = {link.get("rel"): link.get("href") for link in links or () if isinstance(link, dict)}
    for schema in NODEINFO_SCHEMAS:
        href = by_schema.get(schema)
        if isinstance(href, str) and href.startswith(("https://", "http://")):
            return href
    return None


def _get_json(session: requests.Session, url: str, timeout: float) -> Any:
    response = session.get(url, timeout=timeout, headers={"Accept": "application/json"})
    response.raise_for_status()
    return response.json()


def from_instance(instance: Any) -> ServerSoftware:
    """Fallback without NodeInfo: the instance document's version, read as carefully as it allows."""
    version = str(instance.get("version") or "") if isinstance(instance, dict) else ""
    compatible = re.search(r"compatible; (\w+) ([\w.+-]+)", version)  # Akkoma and Pleroma
    if compatible:
        return ServerSoftware(compatible[1].lower(), compatible[2], source="instance")
    source_url = str(instance.get("source_url") or "") if isinstance(instance, dict) else ""
    if "gotosocial" in source_url.lower():
        return ServerSoftware("gotosocial", version, source="instance")
    return ServerSoftware("mastodon", version, source="instance")
