"""Coverage findings: each one triggered, and not triggered, by the map it describes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from kamkit.demo import sample_map
from kamkit.models import PeerLink, Stakeholder, StakeholderMapDoc, TeamMember
from kamkit.scoring.coverage import analyse, peer_grid

TODAY = dt.date(2026, 11, 23)
ME = TeamMember(id="me", name="Me", role="account manager", level="manager")
BOSS = TeamMember(id="boss", name="Our CEO", role="sponsor", level="board")


def person(pid: str, influence: int | None = 3, support: int | None = 0, **kw) -> Stakeholder:
    kw.setdefault("verified_on", TODAY)
    return Stakeholder(id=pid, name=pid.upper(), influence=influence, support=support, **kw)


def ids(doc: StakeholderMapDoc, framework) -> set[str]:
    return {f.id for f in analyse(doc, framework.grid, TODAY).findings}


def healthy() -> StakeholderMapDoc:
    """Eight rated people, a covered decision maker, one opponent with an action, peers."""
    people = [person("ceo", 5, 1, level="board", role="decision maker"),
              person("cfo", 4, -1, level="executive", role="budget holder", action="Pilot"),
              person("ops", 3, 2, level="manager"), person("it", 2, 0, level="manager"),
              person("buy", 2, 0, level="manager"), person("hub", 1, 1, level="manager"),
              person("fin", 1, 0, level="manager"), person("usr", 1, 1, level="manager")]
    links = [PeerLink(ours="boss", theirs="ceo", today=3, wanted=4),
             PeerLink(ours="boss", theirs="cfo", today=2, wanted=3),
             PeerLink(ours="me", theirs="ops", today=3, wanted=3)]
    return StakeholderMapDoc(people=people, team=[ME, BOSS], links=links)


def test_a_healthy_map_has_no_findings_and_good_quality(framework):
    report = analyse(healthy(), framework.grid, TODAY)
    assert report.findings == ()
    assert report.quality == 3
    assert report.power_zone == 0.5  # two strong contacts, one on a high-influence person


def test_no_decision_maker(framework):
    doc = healthy()
    doc.people[0] = doc.people[0].model_copy(update={"role": "evaluator"})
    assert "no_decision_maker" in ids(doc, framework)


def test_high_influence_person_without_meaningful_contact(framework):
    doc = healthy()
    doc.links[1] = doc.links[1].model_copy(update={"today": 1})  # vendor only: not coverage
    report = analyse(doc, framework.grid, TODAY)
    finding = next(f for f in report.findings if f.id == "high_influence_uncovered")
    assert finding.people == ("CFO",) and finding.severity == 1


def test_coverage_is_inadequate_below_half_of_decision_makers(framework):
    doc = healthy()
    doc.people[1] = doc.people[1].model_copy(update={"role": "decision maker"})
    doc.links[0] = doc.links[0].model_copy(update={"today": 1})
    doc.links[1] = doc.links[1].model_copy(update={"today": 1})
    assert "coverage_inadequate" in ids(doc, framework)
    assert "coverage_inadequate" not in ids(healthy(), framework)


def test_threats_and_swing_votes_need_an_action(framework):
    doc = healthy()
    doc.people[1] = doc.people[1].model_copy(update={"action": ""})
    doc.people[0] = doc.people[0].model_copy(update={"support": 0})
    found = ids(doc, framework)
    assert {"threat_without_action", "swing_vote_without_action"} <= found


def test_their_board_met_only_by_our_junior_people_is_a_level_gap(framework):
    doc = healthy()
    doc.links[0] = doc.links[0].model_copy(update={"ours": "me"})
    report = analyse(doc, framework.grid, TODAY)
    gap = next(f for f in report.findings if f.id == "level_gap")
    assert "board" in gap.reason and gap.people == ("CEO",)


def test_a_map_resting_on_one_contact_is_single_threaded(framework):
    doc = healthy().model_copy(update={"links": [PeerLink(ours="me", theirs="ops", today=4)]})
    assert "single_threaded" in ids(doc, framework)


def test_unknown_ratings_are_a_finding_naming_the_people(framework):
    doc = healthy()
    doc.people.append(Stakeholder(id="new", title="new CFO", placeholder=True))
    finding = next(f for f in analyse(doc, framework.grid, TODAY).findings
                   if f.id == "unknown_ratings")
    assert finding.people == ("new CFO (placeholder)",)


def test_no_opponent_at_all_is_suspicious(framework):
    doc = healthy()
    doc.people[1] = doc.people[1].model_copy(update={"support": 1})
    assert "no_opponent" in ids(doc, framework)


def test_fewer_than_eight_rated_people(framework):
    doc = healthy()
    doc.people.pop()
    assert "too_few_people" in ids(doc, framework)


def test_ratings_older_than_90_days_are_stale_but_not_at_90(framework):
    doc = healthy()
    doc.people[2] = doc.people[2].model_copy(
        update={"verified_on": TODAY - dt.timedelta(days=91)})
    assert "stale" in ids(doc, framework)
    doc.people[2] = doc.people[2].model_copy(
        update={"verified_on": TODAY - dt.timedelta(days=90)})
    assert "stale" not in ids(doc, framework)


def test_map_quality_steps_from_no_contacts_to_good(framework):
    doc = healthy()
    assert analyse(doc.model_copy(update={"links": []}), framework.grid, TODAY).quality == 0
    only_low = [PeerLink(ours="me", theirs="ops", today=3)]
    assert analyse(doc.model_copy(update={"links": only_low}), framework.grid).quality == 1
    opposed_only = [PeerLink(ours="boss", theirs="cfo", today=3)]
    assert analyse(doc.model_copy(update={"links": opposed_only}), framework.grid).quality == 2


def test_findings_are_ranked_most_urgent_first(framework, today):
    severities = [f.severity for f in analyse(sample_map(today), framework.grid).findings]
    assert severities == sorted(severities)


def test_the_peer_grid_shows_who_holds_whom_by_their_level(today):
    grid = peer_grid(sample_map(today))
    assert grid["executive"]["t1"] == [("Tomasz Nowak", 3, 4)]
    assert grid["board"]["t2"] == [("Greta Lind", 1, 3)]


@settings(max_examples=60)
@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(1, 5)),
                          st.one_of(st.none(), st.integers(-2, 2)),
                          st.sampled_from([None, "board", "executive", "manager", "staff"]),
                          st.sampled_from([None, "decision maker", "user"]),
                          st.one_of(st.none(), st.integers(1, 4))), max_size=12))
def test_any_valid_map_yields_findings_without_error(rows):
    from kamkit.frameworks import default_framework

    people = [Stakeholder(id=f"p{i}", name=f"P{i}", influence=inf, support=sup, level=lvl,
                          role=role) for i, (inf, sup, lvl, role, _) in enumerate(rows)]
    links = [PeerLink(ours="me", theirs=f"p{i}", today=lv)
             for i, (*_, lv) in enumerate(rows) if lv is not None]
    report = analyse(StakeholderMapDoc(people=people, team=[ME], links=links),
                     default_framework().grid, TODAY)
    assert 0 <= report.quality <= 3
    assert report.power_zone is None or 0 <= report.power_zone <= 1


def test_one_in_three_high_influence_people_covered_is_exactly_enough(framework):
    """Is a third a third? 1 of 3 covered meets 'at least a third'."""
    doc = healthy()
    doc.people[2] = doc.people[2].model_copy(update={"influence": 4, "support": 1})  # ops
    doc.links[1] = doc.links[1].model_copy(update={"today": 1})  # cfo: vendor only
    doc.links[2] = doc.links[2].model_copy(update={"today": 1})  # ops: vendor only
    report = analyse(doc, framework.grid, TODAY)
    assert "coverage_inadequate" not in {f.id for f in report.findings}


def test_every_finding_the_analysis_can_report_is_listed_by_id():
    """A case key is checked against FINDING_IDS: an id the analysis reports but the list
    lacks would make a correct key look broken."""
    import re
    from pathlib import Path

    from kamkit.scoring import coverage

    source = Path(coverage.__file__).read_text(encoding="utf-8")
    reported = set(re.findall(r'add\("([a-z_]+)"', source))
    reported |= {f"{c}_without_action" for c in re.findall(r'\(\("([a-z_]+)", "[^"]+"\),',
                                                            source)}
    reported |= {f"{c}_without_action" for c in re.findall(r'\("([a-z_]+)", "Swing', source)}
    assert reported == set(coverage.FINDING_IDS)
