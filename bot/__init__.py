"""council-modbot: moderation for the social-media accounts of UK town and parish councils."""

__version__ = "0.1.0"
