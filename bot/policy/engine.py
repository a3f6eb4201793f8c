"""The policy engine: the council's rules applied to one item at a time.

``load_engine`` reads the rules file once (word lists, allow-list, classifier);
``PolicyEngine.evaluate`` runs every enabled rule in the file's order and returns
one ``Finding`` per rule that fired. A rule that raises is logged and becomes a
``rule_error`` finding, so the item goes to the clerk instead of being dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.council_policy import CouncilPolicy, neutral_policy
from bot.domain import ActionKind, Finding, Ground, Item, Platform, Severity
from bot.policy.analysis import Analysis, Hit
from bot.policy.detectors import DETECTORS, GATES, NEEDS_CLASSIFIER
from bot.policy.lexicon import WORD_RE, AllowList, Lexicon
from bot.policy.normalise import Normalised, normalise
from bot.policy.proposals import fit_finding
from bot.policy.rules import DEFAULT_RULES_FILE, Rule, RuleSet, load_ruleset, with_council_clauses
from bot.policy.transformer_tier import SecondOpinion, classifier_options, load_classifier
from bot.settings import CouncilSettings, Settings

log = logging.getLogger(__name__)
DEFAULT_REPEAT_WINDOW_DAYS = 90
Scorer = Callable[[Normalised, frozenset[str]], dict[str, float]]
CLASSIFIER_NEVER = frozenset({ActionKind.BLOCK, ActionKind.REPORT, ActionKind.DOMAIN_BLOCK,
                              ActionKind.REMOVE_FOLLOWER})


@dataclass(frozen=True)
class EvalContext:
    """What the engine may know beyond the item itself (filled in by the core).

    ``author_upheld_recent``: findings against this author the clerk upheld within
    ``engine.repeat_window_days``; ``same_text_authors``: how many *other* authors
    posted the same normalised text recently.
    """

    council: CouncilSettings
    platform: Platform
    account_handle: str = ""
    author_upheld_recent: int = 0
    same_text_authors: int = 0


class PolicyEngine:
    """Rules compiled once; ``evaluate`` is safe to call from several threads.

    ``gates=False`` runs every detector and every pattern on every post, skipping
    the cheap pre-checks (``GATES`` and the trigger words inside the detectors):
    slower, and the findings must be the same (tests/policy/test_gate_equivalence.py).
    """

    def __init__(self, ruleset: RuleSet, classifier: SecondOpinion | None = None,
                 gates: bool = True):
        self.ruleset = ruleset
        self.gates = gates
        self.rules: list[Rule] = list(ruleset.rules)
        self.lexicon = Lexicon(ruleset.word_lists, AllowList(ruleset.allow_entries), _list_weights(self.rules))
        self.classifier = classifier
        self._detectors = [
            (_with_model_thresholds(rule, classifier), DETECTORS[rule.detector],
             GATES[rule.detector])
            for rule in self.rules
        ]
        self._scorer = self._scores if classifier is not None else None
        self._opinion_rules = frozenset(r.id for r in self.rules if r.detector == "classifier")
        # A second opinion with a cheap part (the transformer tier's standard spam head):
        # each post's scores are then asked for through ``_PostScores``, which runs the
        # model only if a rule still needs it once the cheap part's bounds are known.
        self._bounded = callable(getattr(classifier, "bounds", None))
        # Findings of these rules consulted the model: they carry its SHA-256 (the spam
        # rule's may be another file's: the transformer tier reads the standard spam head).
        spam_sha = getattr(classifier, "spam_sha256", None) if classifier is not None else None
        self._model_rules = {r.id: (spam_sha if r.detector == "spam" and spam_sha else
                                    classifier.sha256 if classifier is not None else None)
                             for r in self.rules if r.detector in NEEDS_CLASSIFIER}
        self._build_plan()

    def _build_plan(self) -> None:
        """Precompute the loop ``evaluate`` runs (call again after changing ``_detectors``).

        Two plans: every rule, and the rules left when the post has no word-list hit
        (the usual case), so an ordinary post skips the word-list rules in one test.
        Rules that can never fire (``manual``; ``classifier`` without a model) are left out.
        """
        word_gate = GATES["word_list"]
        never = {"manual"} | (set() if self.classifier is not None else {"classifier"})
        self._plan = tuple(
            (rule, detect, gate, rule.params, rule.unless_grounds, rule.only_with_grounds)
            for rule, detect, gate in self._detectors if rule.detector not in never
        )
        self._plan_without_words = tuple(step for step in self._plan if step[2] is not word_gate)
        if not self.gates:
            self._plan = self._plan_without_words = tuple(
                (rule, detect, _always, params, unless, only_with)
                for rule, detect, _, params, unless, only_with in self._plan)

    def classifier_text(self, norm: Normalised, words: frozenset[str] | None = None) -> str:
        """The normalised text the classifier reads: allow-listed words and phrases
        (Scunthorpe, Shitterton, "spotted dick") left out. Training uses the same."""
        text = norm.text
        allow = self.lexicon.allow
        if words is None:
            words = frozenset(WORD_RE.findall(text))
        for start, end in reversed(allow.phrase_ranges(text, words)):
            text = text[:start] + " " + text[end:]
        allows = allow.allows
        innocent = {w for w in words if len(w) > 3 and allows(w)}
        if innocent:
            text = WORD_RE.sub(lambda m: "" if m.group() in innocent else m.group(), text)
        return text

    def _scores(self, norm: Normalised, words: frozenset[str] | None = None) -> dict[str, float]:
        assert self.classifier is not None
        return self.classifier.scores(self.classifier_text(norm, words))

    @property
    def repeat_window_days(self) -> int:
        """M in "N upheld findings within M days" (the core counts over this window)."""
        for rule in self.rules:
            if rule.detector == "repeat_offender":
                return int(rule.params.get("window_days", DEFAULT_REPEAT_WINDOW_DAYS))
        return DEFAULT_REPEAT_WINDOW_DAYS

    def score(self, text: str, head: str = "offensive") -> float | None:
        """The classifier's score for ``text`` (0 to 1), or ``None`` without a model."""
        if self.classifier is None:
            return None
        return self._scores(normalise(text)).get(head)

    def evaluate(self, item: Item, ctx: EvalContext) -> list[Finding]:
        """One ``Finding`` per rule that fired (spans index the original ``item.text``)."""
        return self._stamp(self._run(item, ctx)[0])

    def evaluate_batch(self, pairs: list[tuple[Item, EvalContext]]) -> list[list[Finding]]:
        """``evaluate`` for a whole poll's items.

        When the second opinion scores each post on its own (``scores_alone``: the standard
        tier, and the transformer tier at its default ``batch_size`` 1), each item is simply
        evaluated, so the model runs only for the posts a rule needs it for, with the same
        scores as in one batch. Otherwise the model scores them in one batch first; if that
        fails, each item is evaluated on its own (a failing model then becomes a
        ``rule_error`` finding per item, as in ``evaluate``).
        """
        if self.classifier is None or len(pairs) < 2 or getattr(self.classifier, "scores_alone", False):
            return [self.evaluate(item, ctx) for item, ctx in pairs]
        return self._evaluate_scored_first(pairs)

    def _evaluate_scored_first(self, pairs: list[tuple[Item, EvalContext]]) -> list[list[Finding]]:
        """The items' scores from one ``scores_batch`` call, then the rules on each."""
        assert self.classifier is not None
        try:
            texts = [self.classifier_text(normalise(item.text or "")) for item, _ in pairs]
            scores = self.classifier.scores_batch(texts)
        except Exception:
            log.exception("batch scoring of %d items failed; scoring them one by one", len(pairs))
            return [self.evaluate(item, ctx) for item, ctx in pairs]
        return [self._stamp(self._run(item, ctx, preset)[0])
                for (item, ctx), preset in zip(pairs, scores, strict=True)]

    def _stamp(self, findings: list[Finding]) -> list[Finding]:
        """Record which model file the rules that consulted it used (traceable evidence)."""
        if self.classifier is None or not self._model_rules:
            return findings
        shas = self._model_rules
        return [replace(f, model_sha256=shas[f.rule_id]) if f.rule_id in shas else f for f in findings]

    def evaluate_scored(self, item: Item, ctx: EvalContext,
                        head: str = "offensive") -> tuple[list[Finding], float | None]:
        """``evaluate`` and the classifier's score for the item, from one pass."""
        findings, analysis = self._run(item, ctx)
        findings = self._stamp(findings)
        if analysis is None or self.classifier is None:
            return findings, None
        try:
            return findings, analysis.scores.get(head)
        except Exception:
            log.exception("classifier failed on item %s", item.remote_id)
            return findings, None

    def _run(self, item: Item, ctx: EvalContext,
             preset: dict[str, float] | None = None) -> tuple[list[Finding], Analysis | None]:
        scorer: Scorer | None = self._scorer
        bounder: Scorer | None = None
        if preset is not None:
            scorer = lambda norm, words: preset  # noqa: E731
        elif self._bounded:
            post = _PostScores(self.classifier_text, self.classifier)
            scorer, bounder = post.scores, post.bounds
        try:
            analysis = Analysis(item, ctx, self.lexicon, scorer, bounder)
            analysis.gated = self.gates
        except Exception:
            log.exception("could not prepare item %s for the rules", item.remote_id)
            return [_rule_error("engine", "the text could not be read")], None
        try:
            plan = self._plan if analysis.lex_hits else self._plan_without_words
        except Exception:  # each word-list rule will then report its own error
            plan = self._plan
        findings: list[Finding] = []
        analysis.findings = findings  # the same list, growing: what the rules before found
        analysis.opinion_rules = self._opinion_rules
        for rule, detect, gate, params, unless, only_with in plan:
            if unless and findings and any(f.ground in unless for f in findings):
                continue
            if only_with and not any(f.ground in only_with and f.severity > Severity.LOW
                                     for f in findings):
                continue
            try:
                if not gate(analysis, params):
                    continue
                hit = detect(analysis, params)
            except Exception:
                log.exception("rule %s failed on item %s", rule.id, item.remote_id)
                findings.append(_rule_error(rule.id, "it stopped with an error"))
                continue
            if hit is not None:
                findings.append(_finding(rule, hit, item, ctx))
        return findings, analysis


class _PostScores:
    """One post's second opinion, asked for by its ``Analysis``: ``bounds`` from the
    classifier's cheap part (``Analysis.score_bound``), ``scores`` with the model, reusing
    the cheap part's result and the classifier text, each worked out once."""

    __slots__ = ("classifier_text", "classifier", "text", "cheap")

    def __init__(self, classifier_text: Callable[[Normalised, frozenset[str]], str], classifier: Any):
        self.classifier_text = classifier_text
        self.classifier = classifier  # with ``bounds(text)`` and ``scores(text, cheap)``
        self.text: str | None = None
        self.cheap: Any = None

    def _text(self, norm: Normalised, words: frozenset[str]) -> str:
        if self.text is None:
            self.text = self.classifier_text(norm, words)
        return self.text

    def bounds(self, norm: Normalised, words: frozenset[str]) -> dict[str, float]:
        bounds, self.cheap = self.classifier.bounds(self._text(norm, words))
        return bounds

    def scores(self, norm: Normalised, words: frozenset[str]) -> dict[str, float]:
        return self.classifier.scores(self._text(norm, words), self.cheap)


AUTO_THRESHOLDS = {"auto": "", "auto-high-recall": "_high_recall"}


def _list_weights(rules: list[Rule]) -> dict[str, int]:
    """How serious each word list is: the summed severities of the enabled rules that read it."""
    weights: dict[str, int] = {}
    for rule in rules:
        for name in (rule.params or {}).get("lists", ()) or ():
            weights[name] = weights.get(name, 0) + int(rule.severity)
    return weights


def _with_model_thresholds(rule: Rule, classifier: SecondOpinion | None) -> Rule:
    """Replace ``auto`` thresholds by the ones chosen when the model was trained.

    ``auto`` is the balanced operating point (best macro-F1 at precision >= 0.60 on
    the training part's out-of-fold scores); ``auto-high-recall`` the one reaching
    recall 0.85 there (more of the abuse, but about half the queue false alarms).
    """
    keys = [k for k in ("threshold", "classifier_threshold", "group_threshold", "insult_threshold")
            if rule.params.get(k) in AUTO_THRESHOLDS]
    if not keys:
        return rule
    chosen = (classifier.meta.get("thresholds", {}) if classifier else {})
    head = "spam" if rule.detector == "spam" else str(rule.params.get("head", "offensive"))
    params = dict(rule.params)
    for key in keys:
        # ``group_threshold: auto``: the head's threshold for posts naming a protected group
        # (``hate_group``); a model chosen without one gives the head's own threshold
        # ``insult_threshold: auto``: the ``insult_head``'s own threshold (the threat second opinion
        # yields to the abuse second opinion at that rule's operating point)
        base = str(params.get("insult_head", "offensive")) if key == "insult_threshold" else head
        name = base + ("_group" if key == "group_threshold" else "") + AUTO_THRESHOLDS[str(params[key])]
        params[key] = float(chosen.get(name, chosen.get(base, 0.5)))
    return replace(rule, params=params)


def _finding(rule: Rule, hit: Hit, item: Item, ctx: EvalContext) -> Finding:
    explanation = rule.explanation if not hit.detail else f"{rule.explanation} {hit.detail}"
    finding = Finding(
        rule_id=rule.id, ground=rule.ground, severity=max(hit.severity or rule.severity, rule.severity),
        clauses=rule.clauses, explanation=explanation, spans=hit.spans,
        proposed_actions=rule.actions, police_referral=rule.police_referral, score=hit.score,
    )
    allowed = hit.allowed_actions
    if rule.detector == "classifier":  # a second opinion alone never blocks or reports
        allowed = frozenset(allowed if allowed is not None else ActionKind) - CLASSIFIER_NEVER
    return fit_finding(finding, item, ctx.platform, allowed, hit.severity_cap)


def _always(a: Analysis, params: dict) -> bool:
    return True


def _rule_error(rule_id: str, why: str) -> Finding:
    return Finding(
        rule_id=rule_id, ground=Ground.RULE_ERROR, severity=Severity.MEDIUM, clauses=(),
        explanation=f"The rule '{rule_id}' could not check this post ({why}); "
                    "please review it yourself. The details are in the log.",
    )


def load_engine(settings: Settings | None = None, path: Path | None = None,
                classifier: bool | None = None, tier: str | None = None,
                policy: CouncilPolicy | None = None, gates: bool = True) -> PolicyEngine:
    """Build the engine from ``path`` or ``settings.rules_file`` (default: the packaged set).

    ``classifier=False`` runs the rules without the statistical model (faster);
    ``None`` loads it when a rule needs it and the rules file does not disable it.
    ``tier`` ("standard" or "transformer") overrides the rules file's
    ``classifier: {tier: ...}`` (``rules replay --tier``, benchmarks).
    Findings cite ``policy`` (default: the one the settings name, else the neutral one).
    ``gates=False`` turns the detectors' pre-checks off (see ``PolicyEngine``).
    """
    rules_path = Path(path) if path else (settings.rules_file if settings else DEFAULT_RULES_FILE)
    policy = policy or (settings.policy if settings else neutral_policy())
    ruleset = with_council_clauses(load_ruleset(rules_path, frozenset(DETECTORS)), policy)
    options = classifier_options(ruleset, tier)  # checked even when not loaded: typos show at once
    wanted = any(r.detector in NEEDS_CLASSIFIER for r in ruleset.rules)
    wanted = wanted and options["enabled"] and classifier is not False
    return PolicyEngine(ruleset, load_classifier(ruleset, tier) if wanted else None, gates=gates)
