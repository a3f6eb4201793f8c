"""The published default rules, the example settings and the demo settings.

A package only so that a normal (non-editable) install ships these files next to
``bot``: ``bot.policy.rules.DEFAULT_RULES_FILE`` and ``modbot demo`` find them here.
"""
