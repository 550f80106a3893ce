"""An account's key figures for the manager's dashboard."""

from __future__ import annotations

import datetime as dt

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.frameworks import default_framework
from kamkit.models import ProfileDoc, RelationshipDoc, Stakeholder, StakeholderMapDoc
from kamkit.scoring.figures import account_figures

TODAY = dt.date(2026, 11, 23)
FW = default_framework()


def test_an_empty_workbook_has_no_score_and_nothing_done():
    f = account_figures(ProfileDoc(), StakeholderMapDoc(), RelationshipDoc(), FW, TODAY)
    assert f.steps_done == 0 and f.people == 0 and f.threats_without_action == 0
    assert f.score is None and f.stage is None and f.gap is None and f.purpose is None


def test_prefills_alone_are_not_an_assessment():
    """Share of wallet pre-fills an indicator, but step 3 has not begun: no score yet."""
    profile = ProfileDoc(total_category_spend=1000, spend_with_us=500)
    f = account_figures(profile, StakeholderMapDoc(), RelationshipDoc(), FW, TODAY)
    assert f.score is None


def test_the_sample_account_shows_its_purpose_people_threats_and_gap():
    f = account_figures(sample_profile(TODAY), sample_map(TODAY), sample_relationship(TODAY),
                        FW, TODAY)
    assert f.purpose == "Grow"
    assert f.people == len(sample_map(TODAY).people)
    assert f.feeling == 75 and f.score is not None
    assert f.gap == f.feeling - f.score
    assert f.status["profile"] == "done" and f.status["relationship"] == "done"


def test_a_threat_with_a_written_action_is_no_longer_counted():
    threat = Stakeholder(id="p1", name="Carla", influence=5, support=-2)
    doc = StakeholderMapDoc(people=[threat])
    assert account_figures(ProfileDoc(), doc, RelationshipDoc(), FW, TODAY) \
        .threats_without_action == 1
    acted = StakeholderMapDoc(people=[threat.model_copy(update={"action": "Meet her CFO"})])
    assert account_figures(ProfileDoc(), acted, RelationshipDoc(), FW, TODAY) \
        .threats_without_action == 0
