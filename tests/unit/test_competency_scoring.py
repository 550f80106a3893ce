"""The person's figures, pure: competency means per rater (peers averaged behaviour by
behaviour), the gap chart's table, how far a trainee's self-view sits from their manager's;
first try versus best on the case studies; the quiz's counted attempt."""

from __future__ import annotations

import pytest

from kamkit.scoring.competency import (
    CaseTry,
    case_tries,
    competency_means,
    explained,
    gap_table,
    overall_level,
    pass_label,
    quiz_record,
    rater_means,
    self_manager_gap,
)
from tests.competency_data import check, every, quiz, rating_set


@pytest.fixture
def content(framework):
    return framework.competencies


# -- competency ratings -------------------------------------------------------------------------

def test_a_competency_is_the_mean_of_its_rated_behaviours(content):
    from kamkit.competency import CompetencyRatings

    ratings = CompetencyRatings(levels={"evidence_first": 2, "qualify_honestly": 5,
                                        "customer_goals": 3, "not_in_the_framework": 1})
    assert competency_means(ratings, content) == {"acumen": 3, "data": 3.5}
    # the mean over every behaviour of the framework rated (an unknown id counts nowhere)
    assert overall_level(ratings, content) == pytest.approx(3.33)
    assert overall_level(CompetencyRatings(), content) is None


def test_peers_are_averaged_behaviour_by_behaviour_not_peer_by_peer(content):
    """Ada rates both 'data' behaviours 1; Bo rates only one of them 5. Peer by peer the
    competency would be (1 + 5) / 2 = 3; behaviour by behaviour it is ((1 + 5) / 2 + 1) / 2."""
    sets = [rating_set("before", "peer", {"evidence_first": 1, "qualify_honestly": 1},
                       name="Ada", link=1),
            rating_set("before", "peer", {"evidence_first": 5, "listens": 4}, name="Bo", link=2)]
    assert rater_means(sets, "before", "peer", content) == {"data": 2, "trust": 4}


def test_a_raters_means_keep_to_their_round_and_kind(content):
    sets = [rating_set("before", "self", every(2)), rating_set("after", "self", every(4)),
            rating_set("after", "manager", every(3), name="Mia")]
    assert set(rater_means(sets, "after", "self", content).values()) == {4}
    assert set(rater_means(sets, "before", "self", content).values()) == {2}
    assert rater_means(sets, "before", "manager", content) == {}
    assert rater_means(sets, "after", "peer", content) == {}


def test_the_gap_table_holds_only_the_rounds_and_raters_someone_rated_in(content):
    sets = [rating_set("before", "self", {"listens": 4}),
            rating_set("before", "manager", {"listens": 2, "conducts": 3}, name="Mia"),
            rating_set("after", "peer", {"listens": 5}, name="Ada", link=1)]
    assert gap_table(sets, content) == {
        ("before", "self"): {"trust": 4},
        ("before", "manager"): {"trust": 2, "team": 3},
        ("after", "peer"): {"trust": 5},
    }


def test_the_self_manager_gap_is_over_the_behaviours_both_rated(content):
    sets = [rating_set("before", "self", {"customer_goals": 4, "evidence_first": 2,
                                          "plan_lives": 5}),
            rating_set("before", "manager", {"customer_goals": 2, "evidence_first": 3,
                                             "listens": 4}, name="Mia")]
    # |4 - 2| and |2 - 3|: plan_lives (self only) and listens (manager only) count nowhere
    assert self_manager_gap(sets, "before", content) == 1.5
    assert self_manager_gap(sets, "after", content) is None


def test_the_self_manager_gap_uses_the_latest_self_rating_and_every_manager(content):
    sets = [rating_set("after", "self", {"listens": 1}, version=1),
            rating_set("after", "self", {"listens": 4}, version=2, minutes=5),
            rating_set("after", "manager", {"listens": 2}, name="Mia"),
            rating_set("after", "manager", {"listens": 4}, name="Raj")]
    assert self_manager_gap(sets, "after", content) == 1  # |4 - (2 + 4) / 2|


def test_no_behaviour_rated_by_both_is_no_gap(content):
    sets = [rating_set("before", "self", {"listens": 4}),
            rating_set("before", "manager", {"conducts": 2}, name="Mia")]
    assert self_manager_gap(sets, "before", content) is None


# -- case studies: first try and best -----------------------------------------------------------

def test_only_the_first_check_of_the_first_account_is_the_first_try():
    (case,) = case_tries([check("stakeholders", 60), check("stakeholders", 80, attempt=2,
                                                           minutes=5),
                          check("stakeholders", 100, attempt=3, minutes=9)])
    assert case.first_try == {"stakeholders": 60}
    assert case.best == {"stakeholders": 100}
    assert case.first_score == 60 and case.best_score == 100
    assert case.passed == {"stakeholders"} and not case.passed_first_try


def test_best_is_over_every_attempt_and_every_account():
    tries = case_tries([check("profile", 50, account=10), check("profile", 40, account=10,
                                                                attempt=2, minutes=1),
                        check("profile", 90, account=11, minutes=30)])
    assert tries[0].best == {"profile": 90} and tries[0].first_try == {"profile": 50}


def test_a_second_practice_account_of_the_case_never_gives_a_new_first_try():
    """Starting the case afresh after seeing the explanations is practice: neither a step
    checked on the first account nor one first checked on the second counts as a first try."""
    (case,) = case_tries([
        check("stakeholders", 40, account=10),
        check("stakeholders", 50, account=10, attempt=2, minutes=3),  # explanations shown
        check("stakeholders", 100, account=11, minutes=20),
        check("relationship", 100, account=11, minutes=25)])
    assert case.first_account == 10
    assert case.first_try == {"stakeholders": 40}
    assert case.best == {"stakeholders": 100, "relationship": 100}
    assert "relationship" not in case.passed_first_try
    assert pass_label(case, "relationship") == "passed after hints"


def test_the_first_try_follows_time_not_the_order_given():
    late, early = (check("profile", 90, account=11, minutes=60),
                   check("profile", 30, account=10))
    (case,) = case_tries([late, early])
    assert case.first_account == 10 and case.first_try == {"profile": 30}


def test_a_pass_after_the_explanations_were_shown_is_labelled_so():
    (case,) = case_tries([check("stakeholders", 60),              # hints
                          check("stakeholders", 60, attempt=2),   # the explanations
                          check("stakeholders", 100, attempt=3)])
    assert explained(check("stakeholders", 60, attempt=2))
    assert not explained(check("stakeholders", 60))                # hints only
    assert not explained(check("stakeholders", 100, attempt=2))    # nothing to explain
    assert case.passed_after_explanations == {"stakeholders"}
    assert pass_label(case, "stakeholders") == "passed after the explanations were shown"


def test_the_explanations_seen_on_one_account_mark_a_pass_on_the_next():
    (case,) = case_tries([check("stakeholders", 60, account=10),
                          check("stakeholders", 60, account=10, attempt=2, minutes=1),
                          check("stakeholders", 100, account=11, minutes=30)])
    assert case.passed_after_explanations == {"stakeholders"}


def test_a_pass_after_hints_only_is_not_after_explanations():
    (case,) = case_tries([check("stakeholders", 60), check("stakeholders", 90, attempt=2,
                                                           minutes=2)])
    assert case.passed == {"stakeholders"} and not case.passed_after_explanations
    assert pass_label(case, "stakeholders") == "passed after hints"


def test_a_pass_at_the_first_try_stays_so_whatever_came_after():
    (case,) = case_tries([check("profile", 80, wrong=2),
                          check("profile", 60, attempt=2, minutes=1),   # explained
                          check("profile", 100, attempt=3, minutes=2)])
    assert case.passed_first_try == {"profile"} and not case.passed_after_explanations
    assert pass_label(case, "profile") == "passed at the first try"


def test_steps_not_passed_or_not_checked_say_so():
    (case,) = case_tries([check("profile", 40)])
    assert pass_label(case, "profile") == "not passed yet"
    assert pass_label(case, "relationship") == "not checked"


def test_explanations_of_one_case_do_not_mark_another():
    tries = case_tries([check("profile", 40, case="halden"),
                        check("profile", 40, case="halden", attempt=2, minutes=1),
                        check("profile", 100, case="corvel", account=20, attempt=2,
                              minutes=5)])
    corvel = next(c for c in tries if c.case_id == "corvel")
    assert not corvel.passed_after_explanations


def test_cases_come_in_the_order_they_were_started():
    tries = case_tries([check("profile", 70, case="corvel", account=20, minutes=50),
                        check("profile", 40, case="halden", account=10),
                        check("profile", 90, case="halden", account=10, attempt=2,
                              minutes=60)])
    assert [c.case_id for c in tries] == ["halden", "corvel"]
    assert isinstance(tries[0], CaseTry) and tries[0].started < tries[1].started


def test_no_checks_no_cases():
    assert case_tries([]) == []
    assert CaseTry("halden", 1, check("profile", 1).at).first_score is None


# -- the quiz -----------------------------------------------------------------------------------

def test_the_first_quiz_attempt_counts_and_the_latest_retake_is_kept_beside_it():
    record = quiz_record([quiz(3, 100, minutes=9), quiz(1, 50), quiz(2, 90, minutes=4)])
    assert (record.first.attempt, record.first.score, record.first.passed) == (1, 50, False)
    assert record.retake.attempt == 3 and record.retake.score == 100
    assert record.attempts == 3


def test_one_quiz_attempt_has_no_retake_and_none_is_nothing():
    assert quiz_record([quiz(1, 85)]).retake is None
    empty = quiz_record([])
    assert empty.first is None and empty.retake is None and empty.attempts == 0


def test_the_quiz_record_keeps_to_the_quiz_asked_for():
    record = quiz_record([quiz(1, 40, name="old"), quiz(1, 90, name="kam_basics"),
                          quiz(2, 100, name="old")], quiz="kam_basics")
    assert record.first.score == 90 and record.attempts == 1
