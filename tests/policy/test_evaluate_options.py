"""scripts/evaluate_policy.py's and bench_transformer.py's choice of council corpus files, and the
refusals (no engine run; no post of a held-out or fresh file is read or printed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scripts import bench_transformer, evaluate_policy, split_corpus, transformer_data
from scripts.evaluate_policy import CORPUS_DIR


def test_each_option_reads_its_own_corpus_files():
    assert evaluate_policy.corpus_part(heldout=False, fresh=False) == "tune"
    assert evaluate_policy.corpus_part(heldout=True, fresh=False) == "heldout"
    assert evaluate_policy.corpus_part(heldout=False, fresh=True) == "fresh"
    assert evaluate_policy.corpus_part(heldout=False, fresh=False, fresh2=True) == "fresh2"
    assert evaluate_policy.corpus_part(heldout=False, fresh=False, fresh3=True) == "fresh3"
    assert evaluate_policy.corpus_part(heldout=False, fresh=False, fresh4=True) == "fresh4"
    assert evaluate_policy.corpus_part(heldout=False, fresh=False, fresh5=True) == "fresh5"


def test_retired_reads_fresh_to_fresh3_and_training_reads_them_with_the_tune_parts():
    """Session 6 retired the first two blind sets to tuning data, session 7 the third; the
    held-out parts, fresh4, fresh5 (and any later blind set) stay out of everything training reads."""
    from bot.policy.measure import part_files, tuning_files

    assert evaluate_policy.corpus_part(heldout=False, fresh=False, retired=True) == "retired"
    assert [p.name for p in part_files("retired")] == [
        "breaches.fresh.yaml", "breaches.fresh2.yaml", "breaches.fresh3.yaml",
        "civil.fresh.yaml", "civil.fresh2.yaml", "civil.fresh3.yaml"]
    read = [p.name for p in transformer_data.corpus_tune_files()]
    assert read == [p.name for p in tuning_files()]
    assert read[:2] == ["breaches.tune.yaml", "civil.tune.yaml"]
    assert set(read[2:]) == {"breaches.fresh.yaml", "civil.fresh.yaml", "breaches.fresh2.yaml",
                             "civil.fresh2.yaml", "breaches.fresh3.yaml", "civil.fresh3.yaml"}
    assert not any("heldout" in n or "fresh4" in n or "fresh5" in n for n in read)


def test_fresh2_reads_the_fresh2_files_and_fresh_does_not():
    """The glob evaluate_policy builds from the part (``*.<part>.yaml``) keeps the two sets apart."""
    def names(part):
        return sorted(p.name for p in CORPUS_DIR.glob(f"*.{part}.yaml"))
    fresh2 = evaluate_policy.corpus_part(heldout=False, fresh=False, fresh2=True)
    assert names(fresh2) == ["breaches.fresh2.yaml", "civil.fresh2.yaml"]
    assert names(evaluate_policy.corpus_part(heldout=False, fresh=True)) == [
        "breaches.fresh.yaml", "civil.fresh.yaml"]


def test_fresh3_reads_only_the_fresh3_files_and_no_other_glob_matches_them():
    """``*.fresh.yaml`` and ``*.fresh2.yaml`` never pick up the third set, nor it them."""
    def names(part):
        return sorted(p.name for p in CORPUS_DIR.glob(f"*.{part}.yaml"))
    fresh3 = evaluate_policy.corpus_part(heldout=False, fresh=False, fresh3=True)
    assert names(fresh3) == ["breaches.fresh3.yaml", "civil.fresh3.yaml"]
    for other in ("fresh", "fresh2", "fresh4", "fresh5", "tune", "heldout"):
        assert not any("fresh3" in name for name in names(other)), other


@pytest.mark.parametrize("blind", ["fresh4", "fresh5"])
def test_a_later_fresh_set_reads_only_its_files_and_no_other_glob_matches_them(blind):
    """No other set's glob (nor the retired part's) picks up the fourth or fifth set, nor its glob
    them."""
    def names(part):
        return sorted(p.name for p in CORPUS_DIR.glob(f"*.{part}.yaml"))
    part = evaluate_policy.corpus_part(heldout=False, fresh=False, **{blind: True})
    assert part == blind
    assert names(part) == [f"breaches.{blind}.yaml", f"civil.{blind}.yaml"]
    from bot.policy.measure import part_files  # what evaluate_corpora reads for the part

    assert [p.name for p in part_files(part)] == [f"breaches.{blind}.yaml", f"civil.{blind}.yaml"]
    assert not any(blind in p.name for p in part_files("retired"))
    for other in ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "tune", "heldout"):
        if other != blind:
            assert not any(blind in name for name in names(other)), other


def test_bench_transformer_reads_the_fresh2_files_with_fresh2():
    part = bench_transformer.quality_part(fresh=False, fresh2=True)
    assert [p.name for p in bench_transformer.corpus_files(part)] == [
        "breaches.fresh2.yaml", "civil.fresh2.yaml"]
    assert bench_transformer.quality_part(fresh=True, fresh2=False) == "fresh"
    assert [p.name for p in bench_transformer.corpus_files("fresh")] == [
        "breaches.fresh.yaml", "civil.fresh.yaml"]
    assert bench_transformer.quality_part(fresh=False, fresh2=False) == "heldout"
    assert bench_transformer.quality_part(fresh=False, fresh2=False, fresh3=True) == "fresh3"
    assert [p.name for p in bench_transformer.corpus_files("fresh3")] == [
        "breaches.fresh3.yaml", "civil.fresh3.yaml"]
    assert bench_transformer.quality_part(fresh=False, fresh2=False, fresh4=True) == "fresh4"
    assert [p.name for p in bench_transformer.corpus_files("fresh4")] == [
        "breaches.fresh4.yaml", "civil.fresh4.yaml"]
    assert bench_transformer.quality_part(fresh=False, fresh2=False, fresh5=True) == "fresh5"
    assert [p.name for p in bench_transformer.corpus_files("fresh5")] == [
        "breaches.fresh5.yaml", "civil.fresh5.yaml"]
    assert [p.name for p in bench_transformer.corpus_files("heldout")] == [
        "breaches.heldout.yaml", "civil.heldout.yaml"]
    with pytest.raises(ValueError):
        bench_transformer.corpus_files("tune")  # quality figures never come from the tuning part


@pytest.mark.parametrize("argv", [["--fresh", "--fresh2"], ["--fresh3", "--fresh"], ["--fresh3", "--fresh2"],
                                  ["--fresh4", "--fresh"], ["--fresh4", "--fresh2"], ["--fresh4", "--fresh3"],
                                  ["--fresh5", "--fresh"], ["--fresh5", "--fresh2"], ["--fresh5", "--fresh3"],
                                  ["--fresh5", "--fresh4"]])
def test_bench_transformer_refuses_two_fresh_sets_before_the_engine_loads(monkeypatch, capsys, argv):
    assert "not allowed with" in refusal(monkeypatch, capsys, bench_transformer, argv)


def test_no_training_or_split_script_reads_a_blind_set():
    """Training reads only the tuning parts and the retired sets (fresh, fresh2, fresh3); the
    split reads only the two sources."""
    tune = transformer_data.corpus_tune_files(CORPUS_DIR)
    allowed = (".tune.yaml", ".fresh.yaml", ".fresh2.yaml", ".fresh3.yaml")
    assert tune and all(p.name.endswith(allowed) for p in tune)
    assert sorted(CORPUS_DIR.glob("civil*.tune.yaml")) == [CORPUS_DIR / "civil.tune.yaml"]
    assert not any(p.name.endswith((".heldout.yaml", ".fresh4.yaml", ".fresh5.yaml")) for p in tune)
    assert not any("fresh5" in p.name for p in tune)
    assert sorted(split_corpus.SOURCES) == ["breaches", "civil"]
    assert {p.name for p in split_corpus.expected_files(CORPUS_DIR)} == {
        f"{n}.{part}.yaml" for n in split_corpus.SOURCES for part in split_corpus.PARTS}


@pytest.mark.parametrize("argv", [["--fresh", "--show"], ["--heldout", "--show"],
                                  ["--fresh", "--heldout"], ["--fresh", "--batch", "2"],
                                  ["--fresh2", "--show"], ["--fresh2", "--batch", "2"],
                                  ["--fresh2", "--heldout"], ["--fresh2", "--fresh"],
                                  ["--fresh3", "--show"], ["--fresh3", "--batch", "2"],
                                  ["--fresh3", "--heldout"], ["--fresh3", "--fresh"],
                                  ["--fresh3", "--fresh2"],
                                  ["--fresh4", "--show"], ["--fresh4", "--batch", "2"],
                                  ["--fresh4", "--heldout"], ["--fresh4", "--fresh"],
                                  ["--fresh4", "--fresh2"], ["--fresh4", "--fresh3"],
                                  ["--fresh5", "--show"], ["--fresh5", "--batch", "2"],
                                  ["--fresh5", "--heldout"], ["--fresh5", "--fresh"],
                                  ["--fresh5", "--fresh2"], ["--fresh5", "--fresh3"],
                                  ["--fresh5", "--fresh4"],
                                  ["--retired", "--heldout"], ["--retired", "--fresh3"],
                                  ["--retired", "--fresh4"], ["--retired", "--fresh5"],
                                  ["--retired", "--batch", "6"]])
def test_listing_posts_or_mixing_parts_is_refused_before_the_engine_loads(monkeypatch, capsys, argv):
    assert "error:" in refusal(monkeypatch, capsys, evaluate_policy, argv)


def refusal(monkeypatch, capsys, script, argv: list[str]) -> str:
    """What ``script``'s main() writes to stderr refusing ``argv`` (exit status 2), with an engine
    that must not load."""
    def no_engine(**_kwargs):
        raise AssertionError("the engine must not load for a refused command")

    monkeypatch.setattr(script, "load_engine", no_engine)
    monkeypatch.setattr("sys.argv", [Path(script.__file__).name, *argv])
    with pytest.raises(SystemExit) as exit_:
        script.main()
    assert exit_.value.code == 2
    return capsys.readouterr().err
