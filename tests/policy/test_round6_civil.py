"""Round 6: kinds of civil false alarm removed by structure, each civil post next to the
breach it must still catch (rules only, the example council). Sentences written for this
file, not taken from any corpus.

- Swearing at things: "fucking" as an intensifier or "what the fuck" as an exclamation, in
  a post about things with no other strong word, is a civil complaint (the corpus README:
  swearing at *things* is civil); "fuck this council", "cunt", insults, sexual words and
  swearing at a person or a group still count.
- A thing as the subject: "It's a disgrace", "That is a joke", "which is a threat" after a
  sentence naming a group are said of a thing or of what was said, not of the group.
- Abuse others posted, quoted to condemn it: "people telling the clerk to '...'", "keep
  replying to her with '...'", "someone posted '...'"; not the author's own "I'm telling you".
- The second opinions' gate: a group named only as the author's own family, friends or
  neighbours ("our trans daughter", "all our Muslim neighbours") is not a target.
"""

from __future__ import annotations

import pytest

from bot.domain import Ground
from bot.policy.engine import load_engine
from bot.policy.evaluation import judge
from bot.policy.rules import DEFAULT_RULES_FILE

ENGINE = load_engine(classifier=False)
UNGATED = load_engine(classifier=False, gates=False)


def grounds(text: str, engine=ENGINE) -> set[Ground]:
    return {Ground(g) for g in judge(engine, text).grounds}


# (breach, its ground, civil look-alike)
SWEARING_AT_THINGS = [
    ("Fuck this council and its parking wardens.", Ground.OBSCENE,
     "What the fuck is going on with the parking wardens this week?"),
    ("fucking cunts at the depot lost my bin again", Ground.OBSCENE,
     "the fucking depot lost my bin again, third time this month"),
    ("Fucking hell you are useless, clerk.", Ground.HARASSMENT,
     "Fucking hell, the flooding on the Gloucester Road is back."),
    ("The f*cking idiots running this town have closed the pool.", Ground.OBSCENE,
     "The f*cking pool is closed again and nobody told us."),
    ("for fuck's sake Cllr Brown you absolute wanker", Ground.HARASSMENT,
     "for fuck's sake, the bus shelter glass is smashed again"),
    ("What a fucking shambles you are, Cllr Smith.", Ground.HARASSMENT,
     "What a fucking shambles the consultation was, two weeks in August."),
    ("The fucking travellers are back on the field.", Ground.OBSCENE,
     "The fucking drains are back to overflowing on the field."),
    ("Council meeting last night? Watching two old people fuck would be quicker.", Ground.OBSCENE,
     "Council meeting last night went on till eleven, what the actual fuck."),
    ("Suck my dick, Thornbury, your fucking bins are a joke.", Ground.OBSCENE,
     "Thornbury, the fucking bins are a joke, collected once in three weeks."),
]

THING_SUBJECT = [
    ("The disabled lot moved in next door. They are a menace.", Ground.HATE,
     "The disabled toilets in the Town Hall are locked again. It's a disgrace."),
    ("Gay people, it's a disease.", Ground.HATE,
     "Gay people were asked to the Pride planning meeting and nobody came from the council. That is a joke."),
    ("Muslims are a threat to this town.", Ground.HATE,
     "Somebody sprayed that Muslims 'should go home' on the bus shelter. That is a threat and it should be reported."),
]

REPORTED = [
    ("Hope you die, Cllr Smith.", Ground.THREAT,
     "People keep replying to Cllr Smith with 'hope you die'. Disagree with her, fine, but that's sick."),
    ("I'm telling you 'you're dead', Brown.", Ground.THREAT,
     "Trolls telling the clerk to 'go and die' under every post. Please block them."),
    ("Gas the lot of them, the travellers.", Ground.THREAT,
     "Someone posted 'gas the lot of them' about the travellers on the Facebook group. Shameful."),
]


@pytest.mark.parametrize(("breach", "ground", "civil"), SWEARING_AT_THINGS + THING_SUBJECT + REPORTED)
def test_breach_caught_and_its_civil_look_alike_unflagged(breach, ground, civil):
    assert ground in grounds(breach), breach
    assert grounds(civil) == set(), civil


def test_the_gates_hide_none_of_these():
    for breach, _, civil in SWEARING_AT_THINGS + THING_SUBJECT + REPORTED:
        for text in (breach, civil):
            assert grounds(text) == grounds(text, UNGATED), text


def test_the_intensifier_exemption_is_a_rules_file_choice(tmp_path):
    """Without ``intensifiers_at_things: civil`` the obscene rule counts every strong word."""
    local = tmp_path / "local.yaml"
    local.write_text(f"""
extends: {DEFAULT_RULES_FILE}
rules:
  - {{id: obscene_language, params: {{lists: [profanity], aimed: not}}}}
""")
    strict = load_engine(path=local, classifier=False)
    assert grounds("the fucking depot lost my bin again", strict) == {Ground.OBSCENE}
    assert grounds("the fucking depot lost my bin again") == set()


# The second opinions' gate (score given, no model): a group named only as the author's own
# family, friends or neighbours is not a target; the same group named otherwise still is.
OWN_GROUP = [
    ("These trans people should keep out of the leisure centre.",
     "Our trans daughter has been so welcomed at the youth theatre."),
    ("Muslims are taking over the High Street.", "Eid Mubarak to all our Muslim neighbours in Thornbury."),
    ("Our town is full of disabled scroungers now.", "My disabled son loves the new swings at the park."),
    ("Gay people shouldn't be near children.", "Our gay friends came to the fete and loved it."),
]


def _second_opinion(text: str, head: str):
    from bot.policy.analysis import Analysis
    from bot.policy.detectors.statistical import abuse_classifier
    from bot.policy.evaluation import example_context, text_item

    a = Analysis(text_item(text), example_context(), ENGINE.lexicon,
                 lambda norm, words: {"hate": 0.99, "offensive": 0.99, "threat": 0.99})
    return abuse_classifier(a, {"head": head, "threshold": 0.5})


@pytest.mark.parametrize(("aimed", "own"), OWN_GROUP)
@pytest.mark.parametrize("head", ["hate", "offensive"])
def test_a_group_named_as_the_authors_own_people_is_no_target(aimed, own, head):
    assert _second_opinion(aimed, head) is not None, aimed
    assert _second_opinion(own, head) is None, own
