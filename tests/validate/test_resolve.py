"""Scores resolved to numbers: labels to their numbers, likelihood x impact filled in."""

from __future__ import annotations

from reportgen.model import Entry, Register, Score
from reportgen.reader import SourceMap
from reportgen.validate.context import Context
from reportgen.validate.resolve import resolve_scores


def _resolve(*risks: Entry, **kw):
    return resolve_scores(Context(Register(organisation="T", period="Q1", risks=list(risks), **kw), SourceMap("r")))


def test_labels_become_numbers_and_the_score_is_filled_in():
    got = _resolve(Entry(id="CR1", current="12 (Major/Possible)", residual=Score(likelihood="Unlikely (2)", impact=4)))
    cr1 = got.register.risks[0]
    assert (cr1.current.score, cr1.current.likelihood, cr1.current.impact) == (12, 3, 4)
    assert (cr1.residual.score, cr1.residual.likelihood, cr1.residual.impact) == (8, 2, 4)
    assert got.problems == []
    assert got.scores[("risks", 0)]["current"] == cr1.current


def test_a_score_that_cannot_stand_is_dropped_and_reported():
    got = _resolve(Entry(id="CR1", current=Score(score=16, likelihood=3, impact=4), residual=30, target=0))
    cr1 = got.register.risks[0]
    assert (cr1.current, cr1.residual, cr1.target) == (None, None, None)
    assert [str(d) for d in got.problems] == [
        "r: CR1 current score: 16 does not match likelihood 3 (Possible) × impact 4 (Major) = 12",
        "r: CR1 residual score: 30 is above the highest possible score, 25",
        "r: CR1 target score: 0 is below the lowest possible score, 1",
    ]


def test_a_point_off_the_scale_is_reported_and_the_score_kept():
    got = _resolve(Entry(id="CR1", current=Score(score=12, likelihood="Major", impact=4)))
    assert got.register.risks[0].current == Score(score=12, likelihood=None, impact=4)
    assert [str(d) for d in got.problems] == [
        "r: CR1 current score likelihood: 'Major' is an impact label, not a likelihood; likelihood is one of "
        "1 (Rare), 2 (Unlikely), 3 (Possible), 4 (Likely), 5 (Certain)"
    ]


def test_an_opportunity_resolves_on_the_opportunity_scale():
    reg = Register(organisation="T", period="Q1", opportunities=[Entry(id="CO1", current="15 (Outstanding/Possible)")])
    got = resolve_scores(Context(reg, SourceMap("r")))
    assert got.register.opportunities[0].current.impact == 5 and got.problems == []
