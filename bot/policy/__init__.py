"""The policy engine: the council's rules applied to each item, every hit explained.

Interface used by the core (``bot.moderator``):

    engine = load_engine(settings)          # reads settings.rules_file
    findings = engine.evaluate(item, ctx)   # list[bot.domain.Finding]

A rule that raises is caught by the engine, logged, and turned into a
``rule_error`` finding so the item goes to human review instead of being dropped.
"""

from bot.policy.engine import EvalContext, PolicyEngine, load_engine

__all__ = ["EvalContext", "PolicyEngine", "load_engine"]
