"""Round 7: the weakest grounds by sentence structure. Each breach form next to a civil
look-alike (rules only, the example council: Cllr Jane Smith, Cllr Tom Brown). Sentences
written for this file, not taken from any corpus.

Defamation (``accusation``):

* the copula after a word: "she's a liar", "Brown's a crook" (the forms began with a
  word boundary, so "'s" after a name never matched);
* names the detector did not see: a full name after "That" ("That Lorna Beckwith ..."),
  a full name in a post with "£" or a curly apostrophe, a first name with a role or place
  ("Dave from the bowls club", "Hayley who runs the cafe", "old Roy"), a council surname
  alone ("Brown's brother-in-law ... Backhander, obviously.");
* a verdict as a sentence of its own after a sentence that names a person ("Crook.",
  "Corrupt as they come.", "That is fraud."), not "Daylight robbery." about charges;
* acts that residents also report about unnamed people (vandalism, break-ins, poisoned
  pets, selling drugs, shoplifting) only with the person as the subject;
* money taken whatever the verb and fund, bribery nouns and forms, lying to people, sexual
  offences against children whatever the object, faked records, claims for people who do
  not exist, "don't let him near your kids".
"""

from __future__ import annotations

import pytest

from bot.domain import Ground
from bot.policy.engine import load_engine
from bot.policy.evaluation import judge

ENGINE = load_engine(classifier=False)
UNGATED = load_engine(classifier=False, gates=False)


def grounds(text: str, engine=ENGINE) -> set[Ground]:
    return {Ground(g) for g in judge(engine, text).grounds}


DEFAMATION = [
    # the copula after a name or pronoun
    ("Cllr Brown told the auditors one thing and us another. He's a liar.",
     "Cllr Brown told the auditors one thing and us another. He's a fan of the new bins."),
    ("Brown's a crook and everybody at the bowls club knows it.",
     "Brown's a star and everybody at the bowls club knows it."),
    ("shes a thief that clerk", "shes a saint that clerk"),
    # a full name after "That", and with a pound sign in the post
    ("That Maureen Pilling who chairs the fete was done for fraud at her last job.",
     "That Maureen Pilling who chairs the fete was done up as a pirate at the last one."),
    ("Derek Ashworth took £3k in cash from the developer before the vote.",
     "Derek Ashworth took £3k in sponsorship to the food bank before Christmas."),
    # a first name with a role or a place
    ("Dave from the bowls club is a convicted fraudster, ask anyone.",
     "Dave from the bowls club is a brilliant umpire, ask anyone."),
    ("Everyone knows old Roy is a thief.", "Everyone knows old Roy is a legend."),
    # a verdict as a sentence of its own, after a sentence that names a person
    ("Cllr Smith's husband's firm got the grounds contract again. Corrupt as they come.",
     "Cllr Smith's husband's firm got the grounds contract again. Cheapest bid, fair enough."),
    ("Tom Brown sold the old pavilion to his nephew for a pound. Crook.",
     "The old pavilion was sold for a pound to a charity. Bargain."),
    ("Brown's cousin got the lighting contract. Backhander, obviously.",
     "Brown's cousin got the lighting contract. Lowest bid, apparently."),
    ("Cllr Brown keeps putting the parking charges up. Fraud, plain and simple.",
     "Cllr Brown keeps putting the parking charges up. Daylight robbery."),
    # acts with the named person as the subject / reported about unnamed people
    ("Janet Cole poisoned the neighbour's dog because it barked at night.",
     "Someone poisoned the neighbour's dog, Janet Cole says; please report it to the police."),
    ("Cllr Brown's lad is the one who vandalised the bus shelter.",
     "Someone vandalised the bus shelter again, Cllr Brown, can we get a camera?"),
    ("Gary Hinds is the one breaking into sheds on Park Road.",
     "Gary Hinds says thieves are breaking into sheds on Park Road."),
    ("The man who runs the pet shop is selling weed out the back.",
     "The man who runs the pet shop is selling puppies out the back, is that allowed?"),
    # money taken whatever the verb and the fund
    ("The clerk has been fiddling the hall hire money for years.",
     "The clerk has been fiddling with the hall heating for years, it's still freezing."),
    ("Cllr Smith robbed the playground fund, I've seen the figures.",
     "The playground fund was robbed of its grant by the county, Cllr Smith says."),
    ("Tom Brown walked off with £12,000 of the reserves.",
     "Tom Brown walked off with the prize for best marrow again."),
    ("The mayor kept the raffle money for herself.", "The mayor kept the cash box safe in the office."),
    # bribery
    ("Cllr Smith is on the developer's payroll, that's why she voted yes.",
     "Cllr Smith is on the council's payroll as a member, that's an allowance."),
    ("Brown's been getting a cut. Everyone knows.", "Brown's been getting a haircut. Everyone knows."),
    ("Cllr Brown bought his votes with free pints at the Swan.",
     "Cllr Brown bought the first round of pints at the Swan."),
    # lying to people; records faked
    ("Cllr Smith has been lying to residents about the precept for years.",
     "Cllr Smith has been talking to residents about the precept for years."),
    ("The tree officer made up the bat survey to get the oaks down.",
     "The tree officer made up the bat boxes with the scouts."),
    ("The groundsman is claiming for staff who don't exist.",
     "The groundsman is asking for staff who can drive the mower."),
    # sexual offences against children, whatever the object; keep the children away
    ("That youth worker has been grooming the lads at the club.",
     "That youth worker has been grooming the ponies at the riding club."),
    ("The new cub leader has been messaging young girls online.",
     "The new cub leader has been messaging parents about camp."),
    ("Don't let Cllr Brown near your kids.", "Don't let your kids near the pond by Cllr Brown's house."),
    # a conviction as the author's allegation / reported as news by a paper or a court
    ("Everyone knows Derek Hale was jailed for fraud and the council hushed it up.",
     "Former councillor Derek Hale was jailed for fraud in 2019, the Gazette reported today."),
    ("Cllr Brown was convicted of assault years ago and nobody told us.",
     "Cllr Brown's predecessor, Alan Marsh, was convicted of assault at Bristol Crown Court, the paper says."),
    # rigging whatever the vote
    ("The clerk rigged the youth council election for her niece.",
     "The clerk ran the youth council election for the school."),
]


# Obscene (``sexual_content``): a person's body described, an act wanted with them; the
# same words about food, books, plans or clothes for the cold stay civil.
OBSCENE = [
    ("Cllr Smith's boobs in the newsletter photo, phwoar", "Cllr Smith's books in the newsletter photo"),
    ("Cllr Smith's rack in that dress, phwoar", "Cllr Smith's rack of lamb at the fete was lovely"),
    ("The clerk looked lovely, I think about her in that tight skirt",
     "The clerk looked cold, I think about her in that thin coat"),
    ("The clerk's got a body on her", "The clerk's got a bee in her bonnet"),
    ("I'd have her on the desk, the clerk.", "I'd have her on the committee, the clerk."),
    ("Cllr Brown, I'd love to get my hands all over you",
     "Cllr Brown, I'd love to get my hands all over the new plans"),
    ("Imagine the clerk on her knees under the desk", "The clerk on her knees in the garden weeding, bless her"),
    ("Sarah, send me photos of your feet", "Sarah, send me photos of your garden for the competition"),
    ("I'd lick the mayor all over", "I'd lick the stamps for the mayor's letters"),
    ("Jane, I'll show you what a real member looks like", "Jane, I'll show you what a real member of the choir does"),
]


@pytest.mark.parametrize(("ground", "breach", "civil"),
                         [(Ground.DEFAMATION, b, c) for b, c in DEFAMATION]
                         + [(Ground.OBSCENE, b, c) for b, c in OBSCENE])
def test_form_and_its_civil_look_alike(ground, breach, civil):
    assert ground in grounds(breach), breach
    assert grounds(civil) == set(), civil


# Sexual and anatomical swearing at a person is obscene as well as harassment
# (``obscene_at_person``); other swearing at a person is harassment alone, swearing at
# things stays civil (round 6).
SWEARING = [
    ("Fuck you Cllr Brown, you absolute cunt.", "Fuck you Cllr Brown, you absolute idiot."),
    ("Stick it up your arse, you c u n t s", "Stick it up your arse, you idiots"),
    ("Cllr Smith you fucking whore", "Cllr Smith you fucking liar"),
]


@pytest.mark.parametrize(("breach", "other"), SWEARING)
def test_sexual_swearing_at_a_person_is_obscene_and_harassment(breach, other):
    assert {Ground.OBSCENE, Ground.HARASSMENT} <= grounds(breach), breach
    assert Ground.OBSCENE not in grounds(other) and Ground.HARASSMENT in grounds(other), other


@pytest.mark.parametrize("text", ["The fucking parking machine ate my coins again.",
                                  "Are the bins fucking collected on Tuesdays or not?"])
def test_swearing_at_things_stays_civil(text):
    assert grounds(text) == set(), text


# News of a real conviction, crime news about unnamed people, residents reporting crimes.
CIVIL = [
    # a plural noun as the subject of a sentence is not a verdict on the person named before
    "Cllr Brown wants more street lights on Park Road. Criminals are the problem, not the lighting.",
    # news with its source; an order to stop is not the act
    "Local actress Jane Dobbs has been arrested for her alleged role in the scam, sources told the Gazette.",
    "== Tom Hardy == Stop vandalising Tom Hardy's page, it is protected.",
    # a body part in a discussion, not aimed
    "A man got six months for touching her boobs on the bus, Cllr Smith, is that enough?",
    # "that a councillor": an indefinite person, not "that councillor"
    "Interesting that a councillor in another county was jailed for fraud. What checks do ours get?",
    "A man from Bristol was arrested for the thefts from the church, the police say. Well done them.",
    "Heard from the police surgery that a woman has been charged with the burglaries on Park Road.",
    "Cllr Smith, someone has been stealing diesel from the farms again, can we raise it with the police?",
    "The parking charges are daylight robbery. Theft, plain and simple.",
    "The precept went up again. Corruption in Westminster is one thing, but this is just bad budgeting.",
    "Dave from the bowls club is running the quiz on Friday, all welcome.",
    "Our car dealer on the Bath Road is a dealer in classic Minis, worth a visit.",
    "Keep your kids away from the quarry edge, Cllr Brown says it's unstable.",
]


@pytest.mark.parametrize("text", CIVIL)
def test_civil_posts_stay_unflagged(text):
    assert grounds(text) == set(), text


def test_the_gates_hide_none_of_these_forms():
    for breach, civil in DEFAMATION + OBSCENE + SWEARING:
        for text in (breach, civil):
            assert grounds(text) == grounds(text, UNGATED), text
    for text in CIVIL:
        assert grounds(text) == grounds(text, UNGATED), text


# Harassment in the transformer tier: the abuse second opinion runs before the threat and hate
# second opinions, so an insult the threat head also scores is found as harassment too; only a
# rule's threat, hate, harassment or obscene finding makes it redundant. Scores given (no model run).
def _with_scores(scores: dict[str, float]):
    full = load_engine()
    assert full.classifier is not None
    full.classifier.scores_batch = lambda texts, standard=None: [dict(scores) for _ in texts]
    return full


def test_an_insult_the_threat_head_scores_is_harassment_too():
    from bot.policy.evaluation import example_context, text_item

    full = _with_scores({"offensive": 0.99, "threat": 0.99, "hate": 0.0, "hate_group": 0.0, "spam": 0.0})
    posts = ["Cllr Smith is a walking disappointment.", "I'll stab you, Cllr Smith.",
             "The bins were late again on Elm Road."]
    found = [{f.rule_id for f in fs}
             for fs in full.evaluate_batch([(text_item(t, i), example_context()) for i, t in enumerate(posts)])]
    # harassment; no harm word, so the threat second opinion yields (yield_without_harm, test_round7_civil.py)
    assert "abuse_second_opinion" in found[0] and "threat_second_opinion" not in found[0]
    assert "abuse_second_opinion" not in found[1] and "threat_second_opinion" not in found[1]  # a rule's threat
    assert found[2] == set()  # no target: neither second opinion
