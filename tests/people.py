"""A trainee who meets every certification rule (`certification.yaml`), built through the
store's and the review session's own verbs - for the tests of the manager's side of the
competency assessment."""

from __future__ import annotations

from kamkit.competency import CompetencyRatings
from kamkit.frameworks import Framework
from kamkit.models import Attempt, Trainee
from kamkit.review import ReviewSession


def levels(fw: Framework, level: int) -> CompetencyRatings:
    """Every behaviour of the framework rated `level`."""
    return CompetencyRatings(levels={b.id: level for b in fw.competencies.behaviours})


def certified(session: ReviewSession, name: str = "Ana Costa", cohort: str = "May",
              level: int = 4) -> Trainee:
    """Every step of an own account reviewed at 4, a first try of 80 % on a case, the quiz
    passed at the first attempt, and the manager's after-round ratings at `level` (3 or more:
    certified)."""
    store, fw = session.store, session.framework
    trainee = store.add_trainee(name, cohort=cohort)
    own = store.add_account(trainee.id, "Acme")
    for step in fw.steps:
        store.save_document(own.id, step.id, {})
        session.review(own.id, step.id, rating=4, comment="Good.", status="reviewed")
    practice = store.add_practice_account(trainee.id, "Halden (practice)", "halden", {})
    store.add_attempt(Attempt(account_id=practice.id, case_id="halden", step="stakeholders",
                              attempt=1, score=80, passed=True, hints=0))
    store.add_quiz_attempt(trainee.id, "ideas", 90, True, {})
    store.open_after_round(cohort)
    session.rate(trainee.id, "after", levels(fw, level))
    return trainee
