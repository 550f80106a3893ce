"""The relationship score: evidence, weighted; unknown scores nothing; old evidence fades."""

from __future__ import annotations

import datetime as dt

from kamkit.models import RelationshipDoc
from kamkit.scoring.relationship import relationship_score


def test_nothing_answered_has_no_score(framework, today):
    result = relationship_score(RelationshipDoc(gut_feeling=80), framework, today)
    assert result.score is None and len(result.unknown) == 9


def test_top_level_everywhere_scores_100_and_is_integrated(framework, today):
    doc = RelationshipDoc(ratings={i.id: {"level": len(i.levels) - 1, "as_of": today}
                                   for i in framework.relationship.indicators})
    result = relationship_score(doc, framework, today)
    assert result.score == 100 and result.stage == "Integrated"


def test_an_unknown_indicator_counts_as_nothing_and_is_listed(framework, today):
    doc = RelationshipDoc(ratings={"prompt_payment": {"level": 2, "as_of": today}})
    result = relationship_score(doc, framework, today)
    assert result.score == 10  # prompt payment weighs 10 of 100
    assert "They pay us promptly" not in result.unknown and len(result.unknown) == 8


def test_stale_evidence_counts_half(framework, today):
    old = today - dt.timedelta(days=framework.relationship.stale_after_days + 1)
    doc = RelationshipDoc(ratings={"prompt_payment": {"level": 2, "as_of": old}})
    result = relationship_score(doc, framework, today)
    assert result.score == 5 and result.items[0].stale
