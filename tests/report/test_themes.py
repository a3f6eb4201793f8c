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


def test_known_names_catch_full_names_parts_handles_and_people() -> None:
    from bot.report.names import KnownNames

    names = KnownNames(["Margaret Hughes", "Thornbury Runners", "andy"], ["@angry_andy@social.example",
                       "bob.bsky.social"], place_words=["Thornbury", "Town", "Council"])
    people = KnownNames(["Cllr Jane Smith"], [])
    for text in ("Margaret Hughes is right about the bins", "ask Hughes about parking", "andy said so",
                 "ANGRY_ANDY has a point", "as bob.bsky.social said", "thanks @carol for this"):
        assert names.mentioned(text), text
    assert people.mentioned("Smith never replies about parking") and people.mentioned("well done jane smith")
    for text in ("Thornbury parking is awful", "the runners were out early", "parking outside the school",
                 "Councillors should look at the high street"):
        assert not names.mentioned(text) and not people.mentioned(text), text


def test_examples_never_quote_a_post_naming_a_resident_or_councillor() -> None:
    from bot.report.names import KnownNames

    known = KnownNames(["Margaret Hughes", "Cllr Jane Smith"], ["dave.bsky.social"])
    posts = _posts(["Parking outside the school: Margaret Hughes was nearly hit", "Jane Smith promised parking",
                    "parking is awful, ask dave.bsky.social", "Smith ignores parking",
                    "Parking outside the school is bad", "More parking enforcement please"])
    chosen = pick_examples(posts, "parking", 5, names=known)
    assert chosen == ["Parking outside the school is bad", "More parking enforcement please"]


def test_the_summary_quotes_no_name_the_bot_knows(report_env: ReportEnv) -> None:
    """Every author's names and handles count, also for a post by someone else."""
    from datetime import UTC, datetime

    from bot.report.names import KnownNames, known_names
    from bot.storage.db import transaction
    from tests.report.seed import Seeder

    with transaction(report_env.sessions) as s:
        sd = Seeder(s)
        sd.author("mastodon", "margaret_h").display_name = "Margaret Hughes"
        for n, text in enumerate(["High Street parking: Margaret Hughes says the bays are too narrow",
                                  "High Street parking for Cllr Jane Smith's surgery is full"]):
            sd.item(datetime(2026, 10, 20, 12, n, tzinfo=UTC), text, author=f"neighbour{n}")
    with report_env.sessions() as s:
        names = known_names(s, ["Cllr Jane Smith"], "Thornbury Town Council")
        report = emerging_themes(s, Month.parse("2026-10"), names=names)
        unfiltered = emerging_themes(s, Month.parse("2026-10"), names=KnownNames([], []))
    named = ("Hughes", "Smith")
    assert any(n in e for t in unfiltered.themes for e in t.examples for n in named)  # they would be chosen
    quoted = [e for t in report.themes for e in t.examples]
    assert quoted and not any(n in e for e in quoted for n in named)
