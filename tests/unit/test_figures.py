"""An account's key figures for the manager's dashboard."""

from __future__ import annotations

import datetime as dt

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.figures import account_figures
from kamkit.frameworks import default_framework
from kamkit.models import ProfileDoc, RelationshipDoc, Stakeholder, StakeholderMapDoc
from kamkit.steps import Docs

TODAY = dt.date(2026, 11, 23)
FW = default_framework()


def _figures(profile, smap, rel):
    docs = Docs({"profile": profile, "stakeholders": smap, "relationship": rel})
    return account_figures(docs, FW, TODAY)


def test_an_empty_workbook_has_no_score_and_nothing_done():
    f = _figures(ProfileDoc(), StakeholderMapDoc(), RelationshipDoc())
    assert f.steps_done == 0 and f.get("people") == 0 and f.get("threats_without_action") == 0
    assert [f.get(n) for n in ("score", "stage", "gap", "purpose")] == [None] * 4


def test_prefills_alone_are_not_an_assessment():
    """Share of wallet pre-fills an indicator, but step 3 has not begun: no score yet."""
    profile = ProfileDoc(total_category_spend=1000, spend_with_us=500)
    f = _figures(profile, StakeholderMapDoc(), RelationshipDoc())
    assert f.get("score") is None


def test_the_sample_account_shows_its_purpose_people_threats_and_gap():
    f = _figures(sample_profile(TODAY), sample_map(TODAY), sample_relationship(TODAY))
    assert f.get("purpose") == "Grow"
    assert f.get("people") == len(sample_map(TODAY).people)
    # levels 3,2,1,1,2,3,1,2,2 of 4 on weights 10,12,14,8,14,10,12,10,10: 46.5, shown as 47
    assert (f.get("score"), f.get("stage"), f.get("feeling"), f.get("gap")) == (
        47, "Cooperative", 75, 28)
    assert f.get("threats_without_action") == 1  # Lena Brandt: influence 4, support -1
    assert f.status["profile"] == "done" and f.status["relationship"] == "done"


def test_a_threat_with_a_written_action_is_no_longer_counted():
    threat = Stakeholder(id="p1", name="Carla", influence=5, support=-2)
    doc = StakeholderMapDoc(people=[threat])
    assert _figures(ProfileDoc(), doc, RelationshipDoc()) \
        .get("threats_without_action") == 1
    acted = StakeholderMapDoc(people=[threat.model_copy(update={"action": "Meet her CFO"})])
    assert _figures(ProfileDoc(), acted, RelationshipDoc()) \
        .get("threats_without_action") == 0
