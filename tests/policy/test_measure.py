"""The evaluation's arithmetic and corpus reading, on small hand-made tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.domain import Ground, ItemKind
from bot.policy.measure import Case, confusion, corpus_report, load_corpus


def test_confusion_counts_and_rates() -> None:
    table = confusion([True, True, False, False, False], [True, False, True, False, False])
    assert (table.tp, table.fn, table.fp, table.tn) == (1, 1, 1, 2)
    assert table.precision == pytest.approx(0.5)
    assert table.recall == pytest.approx(0.5)
    assert table.false_alarm_rate == pytest.approx(1 / 3)
    assert table.macro_f1 == pytest.approx((0.5 + 2 / 3) / 2)


def test_nothing_predicted_gives_zero_not_an_error() -> None:
    table = confusion([True, False], [False, False])
    assert table.precision == 0.0 and table.f1 == 0.0 and table.false_alarm_rate == 0.0


def test_corpus_report_counts_any_ground_as_flagged_and_checks_the_right_one() -> None:
    cases = [Case("a", frozenset()), Case("b", frozenset()),
             Case("c", frozenset({Ground.THREAT}), ground=Ground.THREAT),
             Case("d", frozenset({Ground.SPAM}), ground=Ground.SPAM)]
    found = [frozenset({Ground.SPAM}), frozenset(), frozenset({Ground.HARASSMENT}),
             frozenset({Ground.SPAM})]
    report = corpus_report(cases, found)
    assert report.false_alarm_rate == pytest.approx(0.5)
    assert (report.breaches_flagged, report.breaches_right) == (2, 1)
    n, flagged, right, table = report.per_ground[Ground.THREAT]
    assert (n, flagged, right) == (1, 1, 0)
    spam = report.per_ground[Ground.SPAM][3]
    assert spam.precision == pytest.approx(0.5)  # the civil post flagged as spam


def test_corpus_file_reads_civil_and_breach_entries(tmp_path: Path) -> None:
    path = tmp_path / "x.tune.yaml"
    path.write_text(
        "cases:\n"
        "  - {text: 'Bins again!', grounds: []}\n"
        "  - {text: 'civil too', ground: civil}\n"
        "  - {text: 'I will hurt you', grounds: [threat], kind: dm,"
        " context: {same_text_authors: 2}}\n", encoding="utf-8")
    cases = load_corpus(path)
    assert [c.grounds for c in cases[:2]] == [frozenset(), frozenset()]
    assert cases[2].grounds == {Ground.THREAT} and cases[2].kind is ItemKind.DM
    assert cases[2].context["same_text_authors"] == 2


def test_corpus_entry_without_text_names_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "bad.tune.yaml"
    path.write_text("- {grounds: []}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="entry 0"):
        load_corpus(path)


def test_corpus_format_with_posts_ground_also_and_thread(tmp_path: Path) -> None:
    path = tmp_path / "b.tune.yaml"
    path.write_text(
        "posts:\n"
        "  - {id: x-1, text: 'Cllr Smith is a whore', ground: obscene, also: [harassment],"
        " tags: [sexual, named], thread: 'Bins update'}\n"
        "  - {id: c-1, text: 'Call me on 07700 900123', tags: [own_contact, phone]}\n",
        encoding="utf-8")
    breach, own = load_corpus(path)
    assert breach.ground is Ground.OBSCENE and breach.grounds == {Ground.OBSCENE, Ground.HARASSMENT}
    assert breach.context["thread"] == "Bins update" and not breach.own_contact
    assert own.own_contact and own.grounds == frozenset()


def test_own_contact_posts_are_counted_apart_from_civil_false_alarms() -> None:
    from bot.domain import ActionKind, Finding, Severity

    low = Finding("phone_number", Ground.PERSONAL_DATA, Severity.LOW, (), "x",
                  proposed_actions=(ActionKind.HIDE_REPLY,))
    harsh = Finding("phone_number", Ground.PERSONAL_DATA, Severity.MEDIUM, (), "x",
                    proposed_actions=(ActionKind.HIDE_REPLY, ActionKind.BLOCK))
    cases = [Case("a", frozenset(), tags=("own_contact",)), Case("b", frozenset(), tags=("own_contact",)),
             Case("c", frozenset())]
    report = corpus_report(cases, [(low,), (harsh,), ()])
    assert (report.own_contact, report.own_contact_wrong) == (2, 1)
    assert report.civil == 1 and report.civil_flagged == 0
