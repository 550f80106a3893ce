"""The dashboard's rows are the same however they are built - cold (a new page, nothing kept),
warm (the page built again), from a new page reading kept figures, with some accounts saved
since - and every figure in them is what the reference computation gives: each account scored
on its own from its latest documents, each trainee's certification by `certify` (no shortcuts)
and gain by the original rule (`statistics.fmean`), over a varied store (every step full,
partial or not begun, several versions, reviews, ratings before and after by self, managers
and peers, quizzes retaken, case studies practised twice, accounts with nothing saved and
untouched practice accounts that share their documents). On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import random
from statistics import fmean

import pytest

from kamkit import people
from kamkit.competency_content import Rater, Round
from kamkit.exercises import checked_steps, load_key
from kamkit.figures import account_figures
from kamkit.frameworks import default_framework
from kamkit.models import Attempt, IndicatorRating, Review
from kamkit.quiz import load_quiz
from kamkit.refresh import bring_up_to_date
from kamkit.review import ReviewSession, saved_docs
from kamkit.scoring.competency import (
    GAIN_MEASURES,
    case_tries,
    certify,
    quiz_record,
)
from kamkit.steps import for_framework
from kamkit.store import Store
from kamkit.store_tables import accounts, figures, person_figures
from tests.pg import PG_URL, fresh_schema

FW = default_framework()
TODAY = dt.date.today()
T0 = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=90)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        with Store(f"sqlite:///{tmp_path / 'kamkit.db'}") as s:
            yield s
        return
    if not PG_URL:
        pytest.skip("no PostgreSQL here: set KAMKIT_TEST_PG_URL (CI does)")
    with fresh_schema() as url, Store(url) as s:
        yield s


def _levels(rng: random.Random, lo: int, hi: int, some: bool = False) -> dict[str, int]:
    ids = [b.id for b in FW.competencies.behaviours]
    if some:
        ids = rng.sample(ids, rng.randint(1, len(ids)))
    return {b: rng.randint(lo, hi) for b in ids}


def _vary(step: str, doc, rng: random.Random):
    """A step's sample, made this trainee's own where the figures feel it."""
    if step == "relationship":
        ratings = {k: IndicatorRating(level=rng.choice([None, 0, 1, 2, 3, 4]),
                                      evidence=rng.choice(["", r.evidence]),
                                      as_of=r.as_of - dt.timedelta(days=rng.randint(0, 400))
                                      if r.as_of else None)
                   for k, r in doc.ratings.items()}
        return doc.model_copy(update={"gut_feeling": rng.choice([10, 45, 80, 95]),
                                      "ratings": ratings})
    if step == "stakeholders":
        return doc.model_copy(update={"people": [
            p.model_copy(update={"support": rng.choice([None, -2, -1, 0, 1, 2])})
            for p in doc.people]})
    return doc


def seed(store: Store, rng: random.Random) -> None:
    steps = [(text.id, unit) for text, unit in for_framework(FW) if unit.sample is not None]
    quiz = load_quiz()
    for i in range(24):
        t = store.add_trainee(f"Trainee {i:02d}", cohort=f"Cohort {i % 3}")
        for n in range(rng.choice([0, 1, 1, 2])):
            acc = store.add_account(t.id, f"Account {i}-{n}")
            for step, unit in steps:
                for _ in range(rng.choice([0, 1, 1, 2])):  # not begun, saved once or twice
                    doc = unit.sample(TODAY - dt.timedelta(days=rng.randint(0, 200)),
                                      rng.random() < 0.4)
                    store.save_document(acc.id, step, _vary(step, doc, rng))
                saved = store.list_steps_saved(acc.id)
                if step in saved and rng.random() < 0.5:
                    store.add_review(Review(
                        account_id=acc.id, step=step, doc_version=saved[step][0],
                        rating=rng.randint(1, 5), comment="Look at the buyers again.",
                        status=rng.choice(["reviewed", "needs_rework"]), reviewer="Mia"))
        for rnd, lo, hi in (("before", 1, 4), ("after", 2, 5)):
            for rater in ("self", "manager"):
                for _ in range(rng.choice([0, 1, 1, 2])):  # a manager saving twice
                    store.save_ratings(t.id, rnd, rater, {"levels": _levels(
                        rng, lo, hi, some=rng.random() < 0.3)},
                        rater_name="" if rater == "self" else "Mia")
        if rng.random() < 0.4:
            link, _ = store.add_rater_link(t.id, "after", "Sam", days=14, most=3)
            store.save_ratings(t.id, "after", "peer", {"levels": _levels(rng, 1, 5)},
                               rater_name="Sam", link_id=link.id)
        for _ in range(rng.choice([0, 1, 2, 3])):
            right = rng.randint(0, len(quiz.questions))
            answers = {q.id: 0 for q in quiz.questions[:rng.choice([right, len(
                quiz.questions)])]}
            store.add_quiz_attempt(t.id, quiz.id, 100 * right / len(quiz.questions),
                                   right >= 0.75 * len(quiz.questions), answers)
        for case_id in rng.sample(["halden", "corvel"], rng.randint(0, 2)):
            acc = store.add_practice_account(t.id, f"{case_id} (case study)", case_id, {})
            for k, step in enumerate(checked_steps(load_key(case_id))):
                if rng.random() < 0.2:
                    continue  # a step not checked yet: the case has no first try
                for attempt in range(1, rng.randint(1, 3) + 1):
                    score = rng.choice([20.0, 50.0, 80.0, 100.0])
                    store.add_attempt(Attempt(
                        account_id=acc.id, case_id=case_id, step=step, attempt=attempt,
                        score=score, passed=score >= 80, hints=rng.randint(0, 2),
                        wrong=[] if score >= 80 else ["x"],
                        at=T0 + dt.timedelta(days=k, minutes=attempt)))


def reference_gain(cases, quiz, sets) -> dict[str, tuple[float | None, float | None]]:
    """The learning gain as first written (`person_gain` before it was made fast)."""
    def mean(values):
        values = list(values)
        return round(fmean(values), 2) if values else None

    def of(rnd: Round, rater: Rater):
        return [s for s in sets if s.round == rnd and s.rater == rater]

    def gap(rnd: Round):
        mine, theirs = of(rnd, "self"), of(rnd, "manager")
        if not mine or not theirs:
            return None
        own, pooled = mine[-1].ratings.levels, {}
        for s in theirs:
            for b, level in s.ratings.levels.items():
                pooled.setdefault(b, []).append(level)
        known = FW.competencies.behaviour_ids
        return mean(abs(own[b] - fmean(pooled[b])) for b in own if b in pooled and b in known)

    out: dict[str, tuple[float | None, float | None]] = {}
    if not cases and quiz.first is None and not sets:
        return {key: (None, None) for key in GAIN_MEASURES}
    ordered = sorted(cases, key=lambda c: c.started)
    for step in sorted({s for c in ordered for s in c.first_try}):
        tried = [c for c in ordered if step in c.first_try]
        out[f"judgement:{step}"] = (tried[0].first_try[step],
                                    tried[-1].first_try[step] if len(tried) > 1 else None)
    out["quiz"] = (quiz.first.score if quiz.first else None,
                   quiz.retake.score if quiz.retake else None)
    if not sets:
        return out | {"self": (None, None), "manager": (None, None), "gap": (None, None)}
    known = FW.competencies.behaviour_ids
    for rater in ("self", "manager"):
        pooled: dict[str, dict[str, list[int]]] = {"before": {}, "after": {}}
        for rnd in ("before", "after"):
            for s in of(rnd, rater):  # type: ignore[arg-type]
                for b, lvl in s.ratings.levels.items():
                    if b in known:
                        pooled[rnd].setdefault(b, []).append(lvl)
        both = pooled["before"].keys() & pooled["after"].keys()
        shown = (both, both) if both else (pooled["before"].keys(), pooled["after"].keys())
        out[rater] = (mean(fmean(pooled["before"][b]) for b in shown[0]),
                      mean(fmean(pooled["after"][b]) for b in shown[1]))
    out["gap"] = (gap("before"), gap("after"))
    return out


def check_against_reference(store: Store, rows, today: dt.date) -> None:
    quiz = load_quiz()
    steps = [s.id for s in FW.steps]
    titles = {s.id: s.title for s in FW.steps}
    for row in rows:
        own = [a for a in store.list_accounts(row.trainee_id) if a.case_id is None]
        if row.account_id is not None:
            saved = store.latest_documents([row.account_id]).get(row.account_id, {})
            assert row.figures == account_figures(saved_docs(saved, FW), FW, today)
        sets = [s for s in store.latest_ratings([row.trainee_id])]
        tries = case_tries(a for acc in store.list_accounts(row.trainee_id)
                           if acc.case_id is not None
                           for a in store.list_attempts(account_id=acc.id))
        for case in tries:
            case.steps = tuple(checked_steps(load_key(case.case_id)))
        record = quiz_record(store.list_quiz_attempts([row.trainee_id]), quiz.id,
                             len(quiz.questions))
        latest = store.latest_reviews([a.id for a in own])
        reviews = [{step: rv.rating if rv.status == "reviewed" else None
                    for (acc, step), rv in latest.items() if acc == a.id} for a in own]
        person = row.person
        assert person.sets == sets and person.quiz == record and person.cases == tries
        assert person.reviews == reviews
        assert person.certification == certify(
            FW.certification, steps=steps, titles=titles, reviews=reviews, cases=tries,
            quiz=record, sets=sets, competencies=FW.competencies)
        assert person.gain == reference_gain(tries, record, sets)


def test_every_way_of_building_the_rows_gives_the_reference_figures(store, monkeypatch):
    rng = random.Random(22)
    seed(store, rng)
    session = ReviewSession(store, "Mia")
    cold = session.rows()
    assert {r.account_id for r in cold} - {None}  # accounts scored, some trainees without one
    assert any(r.person.certified for r in cold) or any(r.person.cases for r in cold)
    check_against_reference(store, cold, TODAY)

    assert session.rows() == cold  # warm: the same page again
    assert ReviewSession(store, "Mia").rows() == cold  # a new page, figures kept
    cold = kept_records(store, monkeypatch, cold)  # and some trainees' work saved since
    with store._write() as conn:  # nothing kept, as after an import
        conn.execute(figures.delete())
    assert ReviewSession(store, "Mia").rows() == cold

    # some accounts saved since: their figures scored again, the others kept
    moved = [r.account_id for r in cold if r.account_id is not None][::3]
    with store._write() as conn:
        conn.execute(accounts.update().where(accounts.c.id.in_(moved)).values(
            updated_at=dt.datetime.now(dt.timezone.utc)))
    again = session.rows()
    assert [r.figures for r in again] == [r.figures for r in cold]

    # another day: every figure as of that day, the same whichever way it is built
    later = TODAY + dt.timedelta(days=45)
    other_day = session.rows(today=later)
    check_against_reference(store, other_day, later)
    assert ReviewSession(store, "Mia").rows(today=later) == other_day



def kept_records(store: Store, monkeypatch: pytest.MonkeyPatch, cold) -> list:
    """A new page reads every person record the store keeps - scoring none - and they equal the
    ones scored; a rating, a quiz attempt or a case check saved since is seen on the next new
    page (that trainee scored again, and only them), as the reference gives it."""
    with store._read() as conn:
        assert {t for (t,) in conn.execute(person_figures.select().with_only_columns(
            person_figures.c.trainee_id))} == {r.trainee_id for r in cold}
    scored: list[int] = []
    real = people._records

    def counting(store, framework, rows, checked=None):
        scored.extend(r["trainee_id"] for r in rows)
        return real(store, framework, rows, checked)

    monkeypatch.setattr(people, "_records", counting)
    again = ReviewSession(store, "Mia").rows()
    assert scored == [] and again == cold
    assert [r.person.sets for r in again] == [r.person.sets for r in cold]
    quiz = load_quiz()
    ana, ben, cy = (r.trainee_id for r in cold[:3])
    store.save_ratings(ana, "after", "manager", {"levels": _levels(random.Random(1), 1, 5)},
                       rater_name="Mia")
    store.add_quiz_attempt(ben, quiz.id, 100.0, True, {q.id: 0 for q in quiz.questions})
    practice = store.add_practice_account(cy, "halden (case study)", "halden", {})
    store.add_attempt(Attempt(account_id=practice.id, case_id="halden", step="profile",
                              attempt=1, score=100.0, passed=True, hints=0,
                              at=T0 + dt.timedelta(days=60)))
    fresh = ReviewSession(store, "Mia").rows()
    assert sorted(set(scored)) == sorted({ana, ben, cy})
    check_against_reference(store, fresh, TODAY)
    assert [r.person for r in fresh[3:]] == [r.person for r in cold[3:]]
    assert ReviewSession(store, "Mia").rows() == fresh  # and kept: read back the same
    assert sorted(set(scored)) == sorted({ana, ben, cy})

    # other content (or another kamkit): every record scored again, none read back
    monkeypatch.setattr(people, "_fingerprint", lambda framework: "other content")
    scored.clear()
    assert ReviewSession(store, "Mia").rows() == fresh
    assert sorted(set(scored)) == sorted(r.trainee_id for r in cold)
    monkeypatch.undo()
    return fresh


def test_a_content_change_is_scored_once_before_the_first_page(store, monkeypatch):
    """`bring_up_to_date` (what `kamkit review` runs as it starts) scores every account and
    trainee kept under other content, once: the next page scores nothing and shows the
    reference figures; run again, it scores nothing either."""
    seed(store, random.Random(5))
    cold = ReviewSession(store, "Mia").rows()
    # figures and records kept under other content, as before a content change
    with store._write() as conn:
        conn.execute(figures.update().values(fingerprint="other content"))
        conn.execute(person_figures.update().values(fingerprint="other content"))
        accounts_kept = len(conn.execute(figures.select()).all())
    assert accounts_kept > len(cold) / 2
    assert bring_up_to_date(store) == (accounts_kept, len(cold))

    def no_scoring(*args, **kwargs):
        raise AssertionError("the page scored what bring_up_to_date should have kept")

    monkeypatch.setattr(people, "_records", no_scoring)
    monkeypatch.setattr(Store, "keep_figures", no_scoring)
    fresh = ReviewSession(store, "Mia").rows()
    assert fresh == cold
    check_against_reference(store, fresh, TODAY)
    assert bring_up_to_date(store) == (0, 0)

