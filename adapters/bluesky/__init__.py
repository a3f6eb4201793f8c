"""The Bluesky adapter (atproto): see ``adapters.bluesky.adapter``."""

from adapters.bluesky.adapter import BlueskyAdapter, build_adapter

__all__ = ["BlueskyAdapter", "build_adapter"]
