"""The hand-written policy corpora (tests/policy/corpus/): schema, counts and split.

These tests never run the engine: they check that the corpora are well formed, big
and varied enough, and that the tuning and held-out parts are the ones
scripts/split_corpus.py makes from the sources, with no post (or near copy of one)
on both sides. The fresh sets (``*.fresh.yaml``, ``*.fresh2.yaml``, ``*.fresh3.yaml``,
``*.fresh4.yaml`` and ``*.fresh5.yaml``, never split, never tuned on) each get the same schema and
reserved-range checks, ids unique across every file, and no post that is a near copy of one in the
sources or another fresh set.
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
# The fresh held-out sets: each written later, by someone who had not seen the detectors
# (fresh2 after fresh, fresh3 after fresh2, fresh4 after fresh3, fresh5 after fresh4, each by
# someone else). These
# tests read them for their form only; they never print a post's text. A set's ids start with its name and a dash.
FRESH_SETS = ("fresh", "fresh2", "fresh3", "fresh4", "fresh5")
FRESH = {s: {name: _load(f"{name}.{s}") for name in split_corpus.SOURCES} for s in FRESH_SETS}
FRESH_MINIMUM_PER_GROUND = {
    "fresh": {"threat": 25, "hate": 25, "harassment": 25, "defamation": 25, "personal_data": 25,
              "spam": 25, "obscene": 10, "impersonation": 10},
    "fresh2": {"threat": 40, "hate": 40, "harassment": 35, "personal_data": 30, "defamation": 25,
               "spam": 25, "obscene": 12, "impersonation": 12, "off_topic": 12},
    "fresh3": {"threat": 55, "hate": 50, "harassment": 45, "defamation": 40, "personal_data": 40,
               "spam": 35, "obscene": 25, "impersonation": 15, "off_topic": 15},
    "fresh4": {"threat": 54, "hate": 50, "harassment": 50, "defamation": 40, "personal_data": 36,
               "spam": 31, "obscene": 22, "impersonation": 16, "off_topic": 16},
    "fresh5": {"threat": 84, "hate": 72, "harassment": 66, "defamation": 52, "personal_data": 48,
               "spam": 38, "obscene": 27, "impersonation": 19, "off_topic": 21},
}
FRESH_MINIMUM = {"fresh": {"civil": 260, "breaches": 260}, "fresh2": {"civil": 320, "breaches": 260},
                 "fresh3": {"civil": 420, "breaches": 320}, "fresh4": {"civil": 450, "breaches": 350},
                 "fresh5": {"civil": 550, "breaches": 440}}
FRESH_CIVIL_TAGS = {
    "fresh": {"own_contact": 15, "link": 15, "same_text": 8, "idiom": 20, "reporting_abuse": 15,
              "protected_group": 12, "rude_string": 10, "lookalike": 30, "sarcasm": 10, "hyperbole": 10},
    "fresh2": {"own_contact": 15, "link": 15, "same_text": 10, "idiom": 20, "reporting_abuse": 15,
               "protected_group": 20, "rude_string": 10, "lookalike": 30, "sarcasm": 10,
               "hyperbole": 10, "councillor_criticism": 15, "crime_news": 10, "complaint": 50,
               "dialect": 10, "textspeak": 15},
    "fresh3": {"own_contact": 20, "link": 18, "same_text": 12, "idiom": 25, "reporting_abuse": 20,
               "protected_group": 28, "rude_string": 12, "lookalike": 50, "sarcasm": 12,
               "hyperbole": 12, "councillor_criticism": 20, "crime_news": 12, "complaint": 70,
               "dialect": 20, "textspeak": 20, "debate": 10, "anger_council": 12, "swearing": 12},
    "fresh4": {"own_contact": 20, "link": 18, "same_text": 12, "idiom": 25, "reporting_abuse": 20,
               "protected_group": 28, "rude_string": 12, "lookalike": 50, "sarcasm": 12,
               "hyperbole": 12, "councillor_criticism": 20, "crime_news": 12, "complaint": 70,
               "dialect": 20, "textspeak": 20, "debate": 10, "anger_council": 12, "swearing": 12},
    "fresh5": {"own_contact": 27, "link": 25, "same_text": 14, "idiom": 34, "reporting_abuse": 26,
               "protected_group": 35, "rude_string": 18, "lookalike": 100, "sarcasm": 19,
               "hyperbole": 19, "councillor_criticism": 26, "crime_news": 18, "complaint": 85,
               "dialect": 22, "textspeak": 23, "debate": 20, "anger_council": 16, "swearing": 17},
}
# Civil posts with same_text_authors.
FRESH_SAME_TEXT = {"fresh": 8, "fresh2": 10, "fresh3": 12, "fresh4": 12, "fresh5": 14}


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
        and re.fullmatch(r"[a-z]+\d?(-[a-z]+)*-\d{3}", post["id"]) is not None,
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


def _fresh_posts(*sets: str) -> list[dict]:
    return [p for s in sets or FRESH_SETS for posts in FRESH[s].values() for p in posts]


def test_ids_unique_across_every_file():
    ids = [p["id"] for posts in SOURCES.values() for p in posts] + [p["id"] for p in _fresh_posts()]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]


def test_every_fresh_set_has_both_files():
    for fresh_set in FRESH_SETS:
        for name in split_corpus.SOURCES:
            assert (CORPUS / f"{name}.{fresh_set}.yaml").is_file(), (fresh_set, name)
            assert FRESH[fresh_set][name], (fresh_set, name)


@pytest.mark.parametrize("fresh_set", FRESH_SETS)
def test_fresh_posts_are_well_formed(fresh_set):
    posts = FRESH[fresh_set]
    problems = [m for p in posts["civil"] for m in _common_problems(p, COMMON_KEYS)]
    problems += [f"{p['id']}: civil posts have no ground" for p in posts["civil"]
                 if "ground" in p or "also" in p]
    problems += [m for p in posts["breaches"]
                 for m in _common_problems(p, BREACH_KEYS) + _breach_problems(p)]
    problems += [f"{p.get('id')}: a {fresh_set} post's id starts with {fresh_set}-"
                 for p in _fresh_posts(fresh_set)
                 if not str(p.get("id", "")).startswith(f"{fresh_set}-")]
    problems += [f"{p.get('id')}: a fresh set has no batches" for p in _fresh_posts(fresh_set)
                 if "batch" in p]
    assert not problems, problems


@pytest.mark.parametrize("fresh_set", FRESH_SETS)
def test_fresh_posts_are_never_in_a_split_part(fresh_set):
    split_ids = {p["id"] for posts in PARTS.values() for p in posts}
    assert not split_ids & {p["id"] for p in _fresh_posts(fresh_set)}


@pytest.mark.parametrize("fresh_set", FRESH_SETS)
def test_split_ignores_the_fresh_files(tmp_path, fresh_set):
    """The split script reads only the two sources: a fresh set beside them changes nothing."""
    for name in split_corpus.SOURCES:
        (tmp_path / f"{name}.yaml").write_text(
            (CORPUS / f"{name}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    before = {p.name: t for p, t in split_corpus.expected_files(tmp_path).items()}
    for name in split_corpus.SOURCES:
        (tmp_path / f"{name}.{fresh_set}.yaml").write_text(
            (CORPUS / f"{name}.{fresh_set}.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    after = {p.name: t for p, t in split_corpus.expected_files(tmp_path).items()}
    assert after == before
    assert sorted(before) == sorted(f"{n}.{part}.yaml" for n in split_corpus.SOURCES
                                    for part in split_corpus.PARTS)


@pytest.mark.parametrize("fresh_set", FRESH_SETS)
def test_fresh_set_is_big_and_varied_enough(fresh_set):
    posts = FRESH[fresh_set]
    for name, least in FRESH_MINIMUM[fresh_set].items():
        assert len(posts[name]) >= least, (name, len(posts[name]))
    counts = Counter(p["ground"] for p in posts["breaches"])
    short = {g: counts[g] for g, n in FRESH_MINIMUM_PER_GROUND[fresh_set].items() if counts[g] < n}
    assert not short, short
    assert set(counts) >= set(MINIMUM_PER_GROUND), set(MINIMUM_PER_GROUND) - set(counts)
    tags = Counter(t for p in posts["civil"] for t in p["tags"])
    for tag, least in FRESH_CIVIL_TAGS[fresh_set].items():
        assert tags[tag] >= least, (tag, tags[tag])
    assert sum(1 for p in posts["civil"] if "same_text_authors" in p) >= FRESH_SAME_TEXT[fresh_set]
    for name in split_corpus.SOURCES:
        assert {p.get("kind", "reply") for p in posts[name]} == KINDS, name


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


@pytest.mark.parametrize("fresh_set", FRESH_SETS)
def test_no_fresh_post_is_a_copy_of_another_or_of_a_source_post(fresh_set):
    """Nor of a post in another fresh set, nor of another in its own set."""
    fresh = _fresh_posts(fresh_set)
    sources = [p for posts in SOURCES.values() for p in posts]
    close = _close_pairs(fresh, _fresh_posts() + sources)  # ids only: never print a post's text
    assert not close, close


def test_near_copy_check_catches_a_reworded_post():
    post = {"id": "a-001", "text": "The bloody bins on Eastland Road were missed again this week."}
    copy = {"id": "b-001", "text": "The bloody bins on Eastland Road were missed again this week!!"}
    other = {"id": "c-001", "text": "Lovely turnout at the carol service on the Plain."}
    assert _close_pairs([post], [copy, other]) == [("a-001", "b-001")]


# Public numbers residents quote as they are: the example council's office, the gas
# emergency line, Citizens Advice and Age UK advice lines.
PUBLIC_NUMBERS = {"01454412103", "0800111999", "08001448848", "08006781602"}


DRAMA = re.compile(
    r"07700900\d{3}|01632960\d{3}|02079460\d{3}|01[1-9]14960\d{3}|011[3-8]4960\d{3}|"
    r"02896496\d{3}|02920180\d{3}|08081570\d{3}")
PHONE = re.compile(r"(?:\+44|0044|\b0)(?:[\s().-]*\d){9,11}")
NI_NUMBER = re.compile(r"\b([A-Z]{2})\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.IGNORECASE)
RESERVED_NI = {"QQ", "BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def _phone_problems(posts: list[dict]) -> list[tuple[str, str]]:
    wrong = []
    for post in posts:
        for match in PHONE.finditer(post["text"]):
            digits = re.sub(r"^(?:\+44|0044)(?:\s*\(0\))?", "0", match.group())
            digits = re.sub(r"\D", "", digits)
            if not (DRAMA.fullmatch(digits) or digits in PUBLIC_NUMBERS):
                wrong.append((post["id"], match.group()))
    return wrong


def _ni_problems(posts: list[dict]) -> list[tuple[str, str]]:
    return [(post["id"], match.group()) for post in posts
            for match in NI_NUMBER.finditer(post["text"])
            if match.group(1).upper() not in RESERVED_NI]


def test_personal_data_uses_only_reserved_or_fictional_ranges():
    """Every phone number is an Ofcom drama number or a public one; NI numbers are reserved."""
    assert not _phone_problems(SOURCES["breaches"] + SOURCES["civil"])
    assert not _ni_problems(SOURCES["breaches"])


# Where the fresh posts may link: the council's, county's and public services' own
# sites; everything else (spam, scams, unrelated links) is at .example (RFC 2606).
FRESH_PUBLIC_HOSTS = ("gov.uk", "nhs.uk", "police.uk", "gazetteseries.co.uk", "travelwest.info")
EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
URL_HOST = re.compile(r"(?:https?://|\bwww\.)([\w.-]+)", re.IGNORECASE)
# A current-style registration (AB12 CDE); the DVLA never issues I or Q in the last three.
REGISTRATION = re.compile(r"\b[A-Z]{2}\d{2}\s?([A-Z]{3})\b")


def _fresh_data_problems(posts: list[dict]) -> list[tuple[str, str]]:
    wrong = _phone_problems(posts) + _ni_problems(posts)
    for post in posts:
        text = post["text"]
        wrong += [(post["id"], m.group()) for m in EMAIL.finditer(text)
                  if m.group(1).lower() not in {"example.com", "example.org", "example.net"}]
        for match in URL_HOST.finditer(text):
            host = match.group(1).lower().rstrip(".")
            public = any(host == h or host.endswith("." + h) for h in FRESH_PUBLIC_HOSTS)
            if not (public or host.endswith(".example")):
                wrong.append((post["id"], match.group()))
        wrong += [(post["id"], m.group()) for m in REGISTRATION.finditer(text)
                  if not set(m.group(1)) & {"I", "Q"}]
    return wrong


@pytest.mark.parametrize("fresh_set", FRESH_SETS)
def test_fresh_personal_data_uses_only_reserved_or_fictional_ranges(fresh_set):
    """Phones, NI numbers, e-mails, links and registrations in a fresh set, civil and breaches."""
    wrong = _fresh_data_problems(_fresh_posts(fresh_set))
    assert not wrong, wrong


def test_fresh_data_check_catches_real_looking_data():
    posts = [{"id": "x-001", "text": "ring 07911 123456 or mail bob@gmail.com"},
             {"id": "x-002", "text": "NI AB 12 34 56 C, car WU19 ABC, see https://real-shop.co.uk/x"},
             {"id": "x-003", "text": "07700 900123, QQ 12 34 56 C, a@example.org, WU19 QXI, "
                                     "https://scam.example and https://www.southglos.gov.uk"}]
    wrong = {i for i, _ in _fresh_data_problems(posts)}
    assert wrong == {"x-001", "x-002"}
    assert len(_fresh_data_problems(posts[:2])) == 5
