from bot.report.months import Month
from bot.report.themes import CivilPost, emerging_themes, pick_examples, rank_terms, terms_of
from tests.report.conftest import ReportEnv


def test_terms_drop_common_words_links_and_handles() -> None:
    terms = terms_of("Parking on High Street @bob@social.example https://example.com/x is a disgrace!")
    assert {"parking", "high street", "disgrace"} <= terms
    assert not {"on", "is", "bob", "social", "example", "parking high"} & terms


def _posts(texts: list[str]) -> list[CivilPost]:
    return [CivilPost(t, i) for i, t in enumerate(texts)]


def test_rising_term_ranks_first_and_one_topic_gives_one_theme() -> None:
    now = _posts(["Parking on High Street again", "High Street parking is awful", "parking on High Street",
                  "High Street needs parking enforcement", "bins missed", "the library hours"])
    before = _posts(["bins missed again", "bins late", "library closed", "bins overflowing", "lovely market"] * 3)
    themes = rank_terms(now, before)
    # "parking" is in the same four posts as "high street": one topic, shown once, as the phrase.
    assert [t.term for t in themes] == ["high street"]
    assert themes[0].posts_now == 4 and themes[0].share_before == 0.0
    assert "bins" not in [t.term for t in themes]


def test_one_person_repeating_a_word_is_not_a_theme() -> None:
    now = [CivilPost("Morton Way planning objection", 7)] * 5 + _posts(["bins", "library"])
    assert rank_terms(now, _posts(["bins"] * 5)) == []


def test_examples_skip_posts_with_handles_or_links() -> None:
    posts = _posts(["parking @x@y.example bad", "parking at https://x.example", "Parking outside the school is bad"])
    assert pick_examples(posts, "parking", 2) == ["Parking outside the school is bad"]


def test_october_themes_from_civil_posts_only(report_env: ReportEnv) -> None:
    with report_env.sessions() as s:
        report = emerging_themes(s, Month.parse("2026-10"))
    # 12 civil posts in October (DMs and flagged posts left out); 5 in July to September.
    assert (report.posts_now, report.posts_before) == (12, 5)
    top = report.themes[0]
    assert top.term == "high street" and top.posts_now == 5 and top.authors == 5
    assert all("High Street" in e for e in top.examples) and len(top.examples) == 2
