"""The Mastodon adapter: see ``adapters.mastodon.adapter``."""

from adapters.mastodon.adapter import CAVEAT, MastodonAdapter, build_adapter

__all__ = ["CAVEAT", "MastodonAdapter", "build_adapter"]
