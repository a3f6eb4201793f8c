"""scripts/evaluate_policy.py's choice of council corpus files and its refusals (no engine run)."""

from __future__ import annotations

import pytest

from scripts import evaluate_policy


def test_each_option_reads_its_own_corpus_files():
    assert evaluate_policy.corpus_part(heldout=False, fresh=False) == "tune"
    assert evaluate_policy.corpus_part(heldout=True, fresh=False) == "heldout"
    assert evaluate_policy.corpus_part(heldout=False, fresh=True) == "fresh"


@pytest.mark.parametrize("argv", [["--fresh", "--show"], ["--heldout", "--show"],
                                  ["--fresh", "--heldout"], ["--fresh", "--batch", "2"]])
def test_listing_posts_or_mixing_parts_is_refused_before_the_engine_loads(monkeypatch, capsys, argv):
    def no_engine(**_kwargs):
        raise AssertionError("the engine must not load for a refused command")

    monkeypatch.setattr(evaluate_policy, "load_engine", no_engine)
    monkeypatch.setattr("sys.argv", ["evaluate_policy.py", *argv])
    with pytest.raises(SystemExit) as exit_:
        evaluate_policy.main()
    assert exit_.value.code == 2
    assert "error:" in capsys.readouterr().err
