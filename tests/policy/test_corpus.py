"""The hand-written policy corpora (tests/policy/corpus/): schema, counts and split.

These tests never run the engine: they check that the corpora are well formed, big
and varied enough, and that the tuning and held-out parts are the ones
scripts/split_corpus.py makes from the sources, with no post (or near copy of one)
on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from bot.domain import Ground
from scripts import split_corpus

CORPUS = Path(__file__).parent / "corpus"
KINDS = {"reply", "mention", "quote", "dm"}
COMMON_KEYS = {"id", "text", "kind", "author", "thread", "same_text_authors", "tags", "batch"}
BREACH_KEYS = COMMON_KEYS | {"ground", "also"}
# Grounds a post can be written for (the other two are the engine's own bookkeeping).
POST_GROUNDS = {g.value for g in Ground} - {Ground.REPEAT_OFFENDER.value, Ground.RULE_ERROR.value}
MINIMUM_PER_GROUND = {
    "threat": 70, "hate": 70, "harassment": 60, "obscene": 35, "defamation": 35,
    "personal_data": 60, "spam": 40, "off_topic": 20, "impersonation": 15,
}
MINIMUM_CIVIL = 520
MINIMUM_BREACHES = 420
# 4-character shingles of the normalised text; two posts whose shingle sets overlap by
# this much (Jaccard) are the same post reworded, not two posts.
NEAR_DUPLICATE = 0.6


def _load(name: str) -> list[dict]:
    return split_corpus.load(CORPUS / f"{name}.yaml")


SOURCES = {name: _load(name) for name in split_corpus.SOURCES}
PARTS = {(name, part): _load(f"{name}.{part}") for name in SOURCES for part in split_corpus.PARTS}


def _shingles(text: str) -> frozenset[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    words = " ".join(re.findall(r"\w+", folded)) or folded.strip()
    return frozenset(words[i:i + 4] for i in range(max(1, len(words) - 3)))


def _common_problems(post: dict, keys: set[str]) -> list[str]:
    tags = post.get("tags")
    author = post.get("author", {"display_name": "-", "handle": "-"})
    checks = {
        "unknown keys": set(post) <= keys,
        "id": isinstance(post.get("id"), str)
        and re.fullmatch(r"[a-z]+(-[a-z]+)*-\d{3}", post["id"]) is not None,
        "text": isinstance(post.get("text"), str) and post["text"].strip() == post["text"] != "",
        "kind": post.get("kind", "reply") in KINDS,
        "tags": isinstance(tags, list) and bool(tags) and len(tags) == len(set(tags))
        and all(isinstance(t, str) and re.fullmatch(r"[a-z_]+", t) for t in tags),
        "author": isinstance(author, dict) and set(author) == {"display_name", "handle"}
        and all(isinstance(v, str) and v for v in author.values()),
        "thread": isinstance(post.get("thread", "-"), str) and post.get("thread", "-") != "",
        "same_text_authors": isinstance(post.get("same_text_authors", 2), int)
        and post.get("same_text_authors", 2) >= 2,
        "batch": isinstance(post.get("batch", 1), int),
    }
    return [f"{post.get('id')}: {name}" for name, ok in checks.items() if not ok]


def _breach_problems(post: dict) -> list[str]:
    also = post.get("also", [])
    checks = {
        "ground": post.get("ground") in POST_GROUNDS,
        "also": isinstance(also, list) and len(also) == len(set(also))
        and all(g in POST_GROUNDS for g in also) and post.get("ground") not in also,
        "an off-topic reply needs the council post it is under (thread)":
        post.get("ground") != "off_topic" or "thread" in post,
        "an impersonation needs the pretending account (author)":
        post.get("ground") != "impersonation" or "author" in post,
    }
    return [f"{post.get('id')}: {name}" for name, ok in checks.items() if not ok]


def test_civil_posts_are_well_formed():
    problems = [m for p in SOURCES["civil"] for m in _common_problems(p, COMMON_KEYS)]
    problems += [f"{p['id']}: civil posts have no ground" for p in SOURCES["civil"]
                 if "ground" in p or "also" in p]
    assert not problems, problems


def test_breaches_are_well_formed():
    problems = [m for p in SOURCES["breaches"]
                for m in _common_problems(p, BREACH_KEYS) + _breach_problems(p)]
    assert not problems, problems


def test_a_malformed_post_is_reported_by_name():
    bad = {"id": "Bad Id", "text": " padded ", "kind": "email", "tags": [], "ground": "rudeness",
           "also": ["rudeness"], "same_text_authors": 1}
    problems = _common_problems(bad, BREACH_KEYS) + _breach_problems(bad)
    for name in ("id", "text", "kind", "tags", "same_text_authors", "ground", "also"):
        assert f"Bad Id: {name}" in problems


def test_ids_unique_across_every_file():
    ids = [p["id"] for posts in SOURCES.values() for p in posts]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_enough_posts_of_every_ground():
    assert len(SOURCES["civil"]) >= MINIMUM_CIVIL
    assert len(SOURCES["breaches"]) >= MINIMUM_BREACHES
    counts = Counter(p["ground"] for p in SOURCES["breaches"])
    short = {g: counts[g] for g, n in MINIMUM_PER_GROUND.items() if counts[g] < n}
    assert not short, short


def test_civil_corpus_covers_what_the_issue_asks_for():
    tags = Counter(t for p in SOURCES["civil"] for t in p["tags"])
    for tag, least in {"own_contact": 25, "link": 20, "same_text": 10, "idiom": 25,
                       "reporting_abuse": 20, "protected_group": 20, "rude_string": 20}.items():
        assert tags[tag] >= least, (tag, tags[tag])
    assert sum(1 for p in SOURCES["civil"] if "same_text_authors" in p) >= 10
    assert {p.get("kind", "reply") for p in SOURCES["civil"]} == KINDS


@pytest.mark.parametrize("name", split_corpus.SOURCES)
def test_each_part_is_about_the_right_share_of_every_ground(name):
    """Stratified: every ground (and civil as a whole) is ~70/30 in tune/held-out."""
    def grounds(part):
        return Counter(p.get("ground", "civil") for p in PARTS[(name, part)])
    tune, heldout = grounds("tune"), grounds("heldout")
    for ground in tune | heldout:
        share = heldout[ground] / (tune[ground] + heldout[ground])
        assert 0.25 <= share <= 0.35, (ground, tune[ground], heldout[ground])


@pytest.mark.parametrize("name", split_corpus.SOURCES)
def test_parts_are_the_source_and_nothing_else(name):
    ids = [p["id"] for part in split_corpus.PARTS for p in PARTS[(name, part)]]
    assert sorted(ids) == sorted(p["id"] for p in SOURCES[name])


def test_split_files_are_what_the_script_makes():
    for path, text in split_corpus.expected_files(CORPUS).items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is out of date: run python -m scripts.split_corpus")


def test_split_is_deterministic_and_independent_of_source_order():
    posts = SOURCES["breaches"]
    first = split_corpus.split(posts)
    again = split_corpus.split(list(reversed(posts)))
    for part in split_corpus.PARTS:
        assert {p["id"] for p in first[part]} == {p["id"] for p in again[part]}


def test_adding_a_later_batch_moves_no_earlier_post():
    posts = SOURCES["civil"]
    batch = max(p.get("batch", 1) for p in posts) + 1
    later = [{"id": f"civ-later-{n:03d}", "text": f"later post {n}", "tags": ["complaint", "bins"],
              "batch": batch} for n in range(1, 20)]
    before = split_corpus.split(posts)
    after = split_corpus.split(posts + later)
    for part in split_corpus.PARTS:
        old_ids = {p["id"] for p in before[part]}
        assert old_ids <= {p["id"] for p in after[part]}


def _close_pairs(left: list[dict], right: list[dict]) -> list[tuple[str, str]]:
    """Pairs (one from each list, never a post with itself) that are near copies.

    Candidates are pairs sharing a rare shingle (one in few posts): a reworded copy
    shares many shingles, rare ones among them, and this keeps the test fast.
    Posts with no rare shingle at all (emoji, "Thanks!") are compared exactly.
    """
    shingles = {p["id"]: _shingles(p["text"]) for p in left + right}
    postings: dict[str, set[str]] = {}
    for post in right:
        for shingle in shingles[post["id"]]:
            postings.setdefault(shingle, set()).add(post["id"])
    close = set()
    for post in left:
        mine = shingles[post["id"]]
        rare = [s for s in mine if 0 < len(postings.get(s, ())) <= 5]
        candidates = set().union(*(postings[s] for s in rare)) if rare else {
            p["id"] for p in right if shingles[p["id"]] == mine}
        for other in candidates - {post["id"]}:
            theirs = shingles[other]
            if len(mine & theirs) / len(mine | theirs) >= NEAR_DUPLICATE:
                close.add(tuple(sorted((post["id"], other))))
    return sorted(close)


def test_no_text_or_near_copy_on_both_sides_of_the_split():
    tune = [p for name in SOURCES for p in PARTS[(name, "tune")]]
    heldout = [p for name in SOURCES for p in PARTS[(name, "heldout")]]
    assert not _close_pairs(tune, heldout)


def test_no_post_is_a_template_copy_of_another():
    posts = [p for name in SOURCES for p in SOURCES[name]]
    assert not _close_pairs(posts, posts)


def test_near_copy_check_catches_a_reworded_post():
    post = {"id": "a-001", "text": "The bloody bins on Eastland Road were missed again this week."}
    copy = {"id": "b-001", "text": "The bloody bins on Eastland Road were missed again this week!!"}
    other = {"id": "c-001", "text": "Lovely turnout at the carol service on the Plain."}
    assert _close_pairs([post], [copy, other]) == [("a-001", "b-001")]


# Public numbers residents quote as they are: the example council's office, the gas
# emergency line, Citizens Advice and Age UK advice lines.
PUBLIC_NUMBERS = {"01454412103", "0800111999", "08001448848", "08006781602"}


def test_personal_data_uses_only_reserved_or_fictional_ranges():
    """Every phone number is an Ofcom drama number or a public one; NI numbers are reserved."""
    drama = re.compile(
        r"07700900\d{3}|01632960\d{3}|02079460\d{3}|01[1-9]14960\d{3}|011[3-8]4960\d{3}|"
        r"02896496\d{3}|02920180\d{3}|08081570\d{3}")
    phone = re.compile(r"(?:\+44|0044|\b0)(?:[\s().-]*\d){9,11}")
    for post in SOURCES["breaches"] + SOURCES["civil"]:
        for match in phone.finditer(post["text"]):
            digits = re.sub(r"^(?:\+44|0044)(?:\s*\(0\))?", "0", match.group())
            digits = re.sub(r"\D", "", digits)
            assert drama.fullmatch(digits) or digits in PUBLIC_NUMBERS, (post["id"], match.group())
    ni = re.compile(r"\b([A-Z]{2})\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
    reserved = {"QQ", "BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}
    for post in SOURCES["breaches"]:
        for match in ni.finditer(post["text"]):
            assert match.group(1).upper() in reserved, (post["id"], match.group())
