"""A demo cohort to explore kamkit with: a filled-in sample account for the person at this
machine, and a small workshop cohort with work at different stages (none, partial, complete).
Everything here is invented; each step brings its own sample (`Step.sample`), so a new step is in
the demo the moment it is in the workbook.

The cohort's trainees are assessed as people too, in a before/after round with a visible gain:
their own and their manager's competency ratings before and after (the manager a little below
them before, closer after), peers rating through real links, the quiz failed then retaken, two
case studies practised with better first-try judgement on the later one, a development plan
each, and the after-round opened. One trainee meets every certification rule; the others do
not yet, each for reasons of their own.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from kamkit.competency_content import Behaviour
from kamkit.exercises import check, checked_steps, load_case, load_key, model_answers
from kamkit.frameworks import Framework, default_framework
from kamkit.identity import display_name
from kamkit.models import Attempt
from kamkit.quiz import load_quiz, record
from kamkit.review import ReviewSession
from kamkit.steps import Docs, document_model, for_framework
from kamkit.steps.profile import sample as sample_profile
from kamkit.steps.relationship import sample as sample_relationship
from kamkit.steps.stakeholders import sample as sample_map
from kamkit.store import Store

__all__ = ["DEMO_COHORT", "DEMO_MANAGER", "PLANS", "PEOPLE", "Assessed", "seed_demo",
           "sample_profile", "sample_map", "sample_relationship", "ALL"]

DEMO_COHORT = "Demo workshop"
#: who rates the demo trainees and reviews their work
DEMO_MANAGER = "Mia Lindqvist"

#: How far each demo trainee has got, per account: the work of the workbook's steps in order -
#: "full", "partial", or nothing for a step not begun. ALL is every step done.
ALL = ("all",)
PLANS: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "Ana Costa": [("Nordwind Logistics", ALL), ("Helix Pharma", ("partial",))],
    "Ben Okafor": [("Trivento Foods", ("partial",))],
    "Chloé Martin": [("Solara Energy", ("full", "partial"))],
    "Dev Patel": [],
}



@dataclass(frozen=True)
class Assessed:
    """How a demo trainee stands as the subject of the assessment."""

    level: int                    # the level they give themselves before, give or take
    gain: int | None = None       # levels their own rating rises by after (None: not rated yet)
    manager_floor: int = 1        # the least their manager rates any behaviour after
    weak: int | None = None       # a competency (its place) their manager rates 2 after
    peers: tuple[str, ...] = ()   # colleagues who rate them after, each through their link
    quiz: tuple[int, ...] = ()    # questions right at each attempt, in order
    cases: tuple[tuple[str, float, int], ...] = ()  # (case, first-try % aimed at, retries)
    reviewed: int | None = None   # every step of their first account reviewed at this


PEOPLE: dict[str, Assessed] = {
    # meets every rule: reviewed at 3+, 80 %+ at first try on the later case, the quiz passed
    # first time, her manager at 3 or more on everything after
    "Ana Costa": Assessed(3, gain=1, manager_floor=3, peers=(), quiz=(6,),
                        cases=(("halden", 50, 0), ("corvel", 80, 0)), reviewed=4),
    # not yet: nothing reviewed, under 70 % at first try, the quiz failed then retaken, one
    # competency still at 2 in his manager's eyes
    "Ben Okafor": Assessed(3, gain=0, weak=0, peers=("Sam Reyes",), quiz=(3, 6),
                         cases=(("halden", 20, 1), ("corvel", 40, 0))),
    # not yet: the quiz failed at the first attempt, her work not reviewed
    "Chloé Martin": Assessed(2, gain=2, manager_floor=2, peers=("Lena Vogel", "Tom Berger"),
                           quiz=(4, 5), cases=(("halden", 70, 0),)),
    # only just started: rated before the programme, by himself and his manager, no more
    "Dev Patel": Assessed(2),
}

#: what a trainee saw themselves do, by behaviour (a behaviour not here: no example)
_EXAMPLES = {
    "customer_goals": "Before the review I listed {account}'s three goals for next year and "
                      "tied each one to something we offer.",
    "evidence_first": "I scored the relationship at {account} from dated evidence, not from how "
                      "the last meeting felt.",
    "qualify_honestly": "I qualified out the small tender at {account}: we had no access to the "
                        "buyer.",
    "listens": "I asked the head of operations at {account} what a good quarter looks like for "
               "her, and checked it back in writing.",
    "reaches_power": "I asked our sponsor to open a meeting with the CFO at {account}.",
    "advocate": "I argued internally for the delivery window {account} needed, and won it.",
    "plan_lives": "I reviewed the plan for {account} on the date I had set and moved two "
                  "actions.",
    "conducts": "I agreed commitments with service and finance for {account} and sent them "
                "round.",
}
#: what a trainee will do to get better, by competency (else a general action)
_ACTIONS = {
    "acumen": "Read the customer's annual report and bring three questions to the next meeting",
    "data": "Date every rating's evidence on my main account before the next review",
    "trust": "Check back what I heard after each customer meeting, in writing",
    "influence": "Ask our sponsor to introduce me to one decision maker I have not met",
    "planning": "Put the plan's review date in the calendar with the team",
    "team": "Agree one commitment with each colleague on the account team",
}
#: levels given in one round vary a little from behaviour to behaviour, as people's do
_WAVE = (0, 1, -1, 0, 1, 0, -1, 1)


def seed_demo(store: Store, today: dt.date | None = None,
              framework: Framework | None = None) -> dict[str, str]:
    """Add the demo cohort and a sample account for this machine's user. Returns
    {trainee name: personal-link token} for the cohort."""
    today = today or dt.date.today()
    framework = framework or default_framework()
    me = getpass.getuser()
    try:
        mine = store.get_trainee_by_login(me)
    except Exception:
        mine = store.add_trainee(display_name(me), login=me)
    acc = store.add_account(mine.id, "Nordwind Logistics (sample)")  # type: ignore[arg-type]
    _seed(store, acc.id, ALL, today, framework)  # type: ignore[arg-type]

    tokens = {}
    manager = ReviewSession(store, DEMO_MANAGER, framework)
    for name, accounts in PLANS.items():
        trainee = store.add_trainee(name, cohort=DEMO_COHORT)
        person = PEOPLE.get(name, Assessed(3))
        own = []
        if not accounts:
            _practise(store, trainee.id, person, today, framework)  # type: ignore[arg-type]
        for n, (account_name, work) in enumerate(accounts):
            if n == len(accounts) - 1:  # the workshop's case studies, before their latest work
                _practise(store, trainee.id, person, today, framework)  # type: ignore[arg-type]
            acc = store.add_account(trainee.id, account_name)  # type: ignore[arg-type]
            _seed(store, acc.id, work, today, framework)  # type: ignore[arg-type]
            own.append(acc)
        if own and person.reviewed is not None:
            _review(manager, own[0].id, person.reviewed)  # type: ignore[arg-type]
        _assess(store, trainee.id, person, own[0].name if own else "",  # type: ignore[arg-type]
                today, framework)
        tokens[name] = store.issue_token(trainee.id)  # type: ignore[arg-type]
    store.open_after_round(DEMO_COHORT, at=_day(today, -7))
    return tokens


def _day(today: dt.date, days: int, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour),
                               dt.timezone.utc)


# -- the trainee as the subject ------------------------------------------------------------------

def _levels(behaviours: list[Behaviour], level: int, shift: int = 0) -> dict[str, int]:
    return {b.id: max(1, min(5, level + _WAVE[i % len(_WAVE)] + shift))
            for i, b in enumerate(behaviours)}


def _assess(store: Store, trainee_id: int, person: Assessed, account: str, today: dt.date,
            framework: Framework) -> None:
    """Their ratings before and after (their own, their manager's, their peers'), the quiz and
    a development plan."""
    content = framework.competencies
    behaviours = content.behaviours
    examples = {b.id: _EXAMPLES[b.id].format(account=account)
                for b in behaviours if b.id in _EXAMPLES and account}
    own = _levels(behaviours, person.level)
    store.save_ratings(trainee_id, "before", "self", {"levels": own, "examples": examples},
                       at=_day(today, -40))
    # their manager a little below them before the programme ...
    theirs = {b.id: max(1, own[b.id] - (i % 2 == 0)) for i, b in enumerate(behaviours)}
    store.save_ratings(trainee_id, "before", "manager", {"levels": theirs},
                       rater_name=DEMO_MANAGER, at=_day(today, -38))
    if person.gain is not None:
        after = _levels(behaviours, person.level, person.gain)
        store.save_ratings(trainee_id, "after", "self", {
            "levels": after, "examples": examples,
            "comment": "The case studies changed how I prepare for a customer meeting."},
            at=_day(today, -3))
        # ... and closer after it
        weak = {b.id for i, c in enumerate(content.competencies) if i == person.weak
                for b in c.behaviours}
        seen = {b.id: 2 if b.id in weak else max(person.manager_floor, after[b.id] - (i % 4 == 0))
                for i, b in enumerate(behaviours)}
        store.save_ratings(trainee_id, "after", "manager", {
            "levels": seen, "comment": "Clear progress on evidence and planning; keep "
                                       "reaching for the people who decide."},
            rater_name=DEMO_MANAGER, at=_day(today, -2))
        for n, peer in enumerate(person.peers):
            link, token = store.add_rater_link(trainee_id, "after", peer,
                                               days=content.peer_link_days, most=content.peers)
            opened = store.rater_link_by_token(token)  # the peer opens their link and rates
            store.save_ratings(trainee_id, "after", "peer", {
                "levels": _levels(behaviours, person.level + (person.gain or 0), -(n % 2))},
                rater_name=opened.peer_name, link_id=link.id, at=_day(today, -1))
    _take_quiz(store, trainee_id, person.quiz)
    latest = after if person.gain is not None else own
    weakest = sorted(content.competencies, key=lambda c: sum(
        latest[b.id] for b in c.behaviours) / len(c.behaviours))[:min(2, content.plan_items)]
    store.save_development_plan(trainee_id, {"items": [
        {"competency": c.id, "action": _ACTIONS.get(c.id, f"Practise {c.title.lower()} on a "
                                                           "live account"),
         "due": today + dt.timedelta(days=30 * (n + 1))} for n, c in enumerate(weakest)]})


def _take_quiz(store: Store, trainee_id: int, right: tuple[int, ...]) -> None:
    """Each attempt with the first `n` questions answered right and the rest wrong, kept as
    the quiz page keeps a completed one."""
    quiz = load_quiz()
    for n in right:
        record(store, trainee_id, quiz, {
            q.id: next(i for i, o in enumerate(q.options) if o.correct is (k < n))
            for k, q in enumerate(quiz.questions)})


def _review(manager: ReviewSession, account_id: int, rating: int) -> None:
    """The manager reviews every saved step of the account at `rating`."""
    for step in manager.store.list_steps_saved(account_id):
        manager.review(account_id, step, rating=rating, status="reviewed",
                       comment="Specific to this customer and backed by evidence.")


# -- case studies --------------------------------------------------------------------------------

def _practise(store: Store, trainee_id: int, person: Assessed, today: dt.date,
              framework: Framework) -> None:
    """Each case in turn, a week or so apart: every step the case checks, first partly right
    (about `aim` % where the step allows), then again after the hints or the explanations
    (`retries` more partial tries), until passed - each check kept as the trainee's page
    keeps it."""
    for number, (case_id, aim, retries) in enumerate(person.cases):
        case, key = load_case(case_id), load_key(case_id, framework)
        account = store.add_practice_account(trainee_id, case.account, case.id,
                                             dict(case.facts))
        answers = model_answers(case, key, today)
        work = Docs(dict(case.facts), case.account)  # what the account holds
        when = _day(today, 10 * number - 21)
        for step in checked_steps(key):
            targets = [aim + (100 - aim) * n / (retries + 1) for n in range(retries + 1)]
            for attempt, target in enumerate([*targets, 100], start=1):
                work = Docs({**work, step: _partly(step, work, case, key, answers, target,
                                                   framework)}, work.account)
                feedback = check(step, work, case, key, framework, attempt)
                when += dt.timedelta(minutes=3)
                store.add_attempt(Attempt(
                    account_id=account.id, case_id=case.id, step=step,  # type: ignore[arg-type]
                    attempt=attempt, score=feedback.score, passed=feedback.passed,
                    hints=0 if feedback.explains else len(feedback.wrong),
                    wrong=[i.id for i in feedback.wrong], at=when))
                if feedback.passed:
                    break
            store.save_document(account.id, step, work[step])  # type: ignore[arg-type]


def _partly(step: str, work: Docs, case: Any, key: Any, answers: Docs, aim: float,
            framework: Framework) -> BaseModel:
    """The step's document with only part of the key's answers in it: the fewest that score
    `aim` % or more (all of them, if nothing less does)."""
    start = (work.get(step) or document_model(step)()).model_dump()
    full = answers[step].model_dump()
    units = _units(start, full)
    for n in range(len(units)):
        try:
            doc = document_model(step).model_validate(_blend(start, full, units[:n]))
        except ValidationError:  # half an answer that does not hold together: more of it
            continue
        if check(step, Docs({**work, step: doc}, work.account), case, key,
                 framework).score >= aim:
            return doc
    return answers[step]


def _units(start: dict[str, Any], full: dict[str, Any]) -> list[tuple[str, Any]]:
    """The parts of an answer, one at a time: each field, or each entry of a field that holds
    as many entries as the start does (a rating per indicator, a person per line)."""
    out: list[tuple[str, Any]] = []
    for name, value in full.items():
        was = start.get(name)
        if value == was:
            continue
        if isinstance(value, dict) and isinstance(was, dict):
            out += [(name, k) for k in value if value[k] != was.get(k)]
        elif isinstance(value, list) and isinstance(was, list) and len(value) == len(was):
            out += [(name, i) for i in range(len(value)) if value[i] != was[i]]
        else:
            out.append((name, None))
    return out


def _blend(start: dict[str, Any], full: dict[str, Any], units: list[tuple[str, Any]]
           ) -> dict[str, Any]:
    out = {k: (dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v)
           for k, v in start.items()}
    for name, part in units:
        if part is None:
            out[name] = full[name]
        else:
            out[name][part] = full[name][part]
    return out


def _seed(store: Store, account_id: int, work: tuple[str, ...], today: dt.date,
          framework: Framework) -> None:
    steps = for_framework(framework)
    plan = ["full"] * len(steps) if work == ALL else list(work)
    unknown = set(plan) - {"full", "partial"}
    if unknown:
        raise ValueError(f"demo plans say 'full' or 'partial', not {sorted(unknown)}")
    for (text, unit), how in zip(steps, plan, strict=False):
        if unit.sample is None:
            continue
        doc = unit.sample(today, how == "partial")
        if how == "partial":  # a first draft before it, so the history shows work evolving
            store.save_document(account_id, text.id, _first_draft(doc))
        store.save_document(account_id, text.id, doc)


def _first_draft(doc: BaseModel) -> BaseModel:
    """The document with only the first thing that was filled in."""
    filled = doc.model_dump(exclude_defaults=True)
    first = next(iter(filled), None)
    return type(doc).model_validate({first: filled[first]} if first else {})
