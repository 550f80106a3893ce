"""How a case study checks step 4: the expert key for the case's opportunities, and the
comparison of a trainee's qualification with it - the decision, the answers the brief makes
clear, who is in the decision, and whether the activity plan reaches the people who matter.

What counts as the trainee's answer to a question is what their page shows: their own answer,
or - for the three questions the stakeholder map answers until they do - the map's pre-fill
(`kamkit.scoring.qualification.prefills`, read from the trainee's own map). A trainee whose map
is right is judged on it; one who overwrote the pre-fill is judged on what they said. A question
neither answered nor pre-filled is "not answered", and wrong: don't know is never a pass.

The key, under the step's id in `key.yaml`::

    opportunities:
      <opportunity id in case.yaml>:
        decision: {expected: fix_gaps, also: [pursue], where: ..., why: ...}
        answers:                # only the questions whose answer the brief makes clear
          budget: {answer: "yes", also: [partly], where: ..., why: ...}
        people: {must_include: [ingrid, oskar], where: ..., why: ...}
        plan: {must_contact: [ingrid, oskar], where: ..., why: ...}

Unknown decisions and answers are refused when the key is read (the models below); unknown
opportunities, questions and people are refused by `problems`, against the case and the content.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from kamkit.checking import Clue, Item, KeyPart, joined, people_names
from kamkit.frameworks import Framework
from kamkit.models import StakeholderMapDoc
from kamkit.opportunity import (
    Answer,
    Decision,
    OpportunitiesDoc,
    Opportunity,
    Outcome,
    PlannedContact,
    QuestionAnswer,
)
from kamkit.scoring.qualification import prefills, qualify
from kamkit.steps import Docs

__all__ = ["DecisionKey", "AnswerKey", "PeopleKey", "PlanKey", "OpportunityKey",
           "OpportunitiesKey", "check", "problems", "explain", "answer"]

#: The kind of contact the typed-in key plans (a contact kind id of `qualification.yaml`).
_KEY_CONTACT = "meeting"
#: The litmus answer the typed-in key gives, from its decision.
_LITMUS: dict[Decision, Answer] = {"pursue": "yes", "fix_gaps": "partly", "qualify_out": "no"}


class DecisionKey(Clue):
    expected: Decision
    also: tuple[Decision, ...] = Field(default=(), description="other decisions accepted")


class AnswerKey(Clue):
    answer: Answer = Field(description="what the brief makes clear (never 'unknown')")
    also: tuple[Answer, ...] = Field(default=(), description="other answers accepted")


class PeopleKey(Clue):
    must_include: tuple[str, ...] = Field(
        min_length=1, description="map ids the trainee must pick as in this decision")


class PlanKey(Clue):
    must_contact: tuple[str, ...] = Field(
        min_length=1, description="map ids the activity plan must reach - with an outcome for "
                                  "this opportunity, or one for the account as a whole")


class OpportunityKey(KeyPart):
    decision: DecisionKey
    answers: dict[str, AnswerKey] = Field(default_factory=dict,
                                          description="question id -> the expert's answer")
    people: PeopleKey | None = None
    plan: PlanKey | None = None


class OpportunitiesKey(KeyPart):
    opportunities: dict[str, OpportunityKey] = Field(
        min_length=1, description="opportunity id (of the case) -> its key")


# -- words -------------------------------------------------------------------------------------

def _opp_names(case: Docs) -> dict[str, str]:
    return {o.id: o.name for o in case.of(OpportunitiesDoc).opportunities}


def _people_names(work: Docs, case: Docs) -> dict[str, str]:
    return people_names(case.of(StakeholderMapDoc), work.of(StakeholderMapDoc))


def _accepted(main: str, also: tuple[str, ...], words: dict[str, str]) -> str:
    others = [words[a] for a in also if a != main]
    return words[main] + (f" (or {' or '.join(others)})" if others else "")


_GONE = "nothing: the opportunity is no longer in your list"


# -- the check ---------------------------------------------------------------------------------

def check(work: Docs, case: Docs, key: OpportunitiesKey, fw: Framework) -> list[Item]:
    content = fw.qualification
    doc = work.of(OpportunitiesDoc)
    smap = work.of(StakeholderMapDoc)
    theirs = {o.id: o for o in doc.opportunities}
    opp_names = _opp_names(case)
    names = _people_names(work, case)
    texts = {q.id: q.text for q in content.questions}
    items = []
    for oid, want in key.opportunities.items():
        opp = theirs.get(oid)
        name = opp_names.get(oid, oid)
        dk = want.decision
        said = (_GONE if opp is None else
                content.verdicts[opp.decision] if opp.decision else "no decision yet")
        items.append(Item(f"decision:{oid}", f"your decision ({name})",
                          opp is not None and opp.decision in (dk.expected, *dk.also), said,
                          _accepted(dk.expected, dk.also, content.verdicts), dk))
        shown = {} if opp is None else \
            {i.id: i for i in qualify(opp, fw, prefills(opp, smap, fw)).items}
        for qid, ak in want.answers.items():
            got = shown.get(qid)
            if opp is None:
                yours = _GONE
            elif got is None or got.answer is None:
                yours = "not answered"
            else:
                yours = content.answers[got.answer] + (
                    " (pre-filled from your stakeholder map)" if got.prefilled else "")
            ok = got is not None and got.answer in (ak.answer, *ak.also)
            items.append(Item(f"answer:{oid}:{qid}", f"“{texts.get(qid, qid)}” ({name})", ok,
                              yours, _accepted(ak.answer, ak.also, content.answers), ak))
        if want.people is not None:
            items.append(_people_item(oid, name, opp, want.people, names))
        if want.plan is not None:
            items.append(_plan_item(oid, name, opp, doc.outcomes, want.plan, names))
    return items


def _people_item(oid: str, name: str, opp: Opportunity | None, pk: PeopleKey,
                 names: dict[str, str]) -> Item:
    picked = [] if opp is None else opp.people
    yours = (_GONE if opp is None else
             joined([names.get(p, p) for p in picked]) if picked else "nobody picked yet")
    return Item(f"people:{oid}", f"who is in the decision ({name})",
                opp is not None and set(pk.must_include) <= set(picked), yours,
                joined([names.get(p, p) for p in pk.must_include]) + " among them", pk)


def _plan_item(oid: str, name: str, opp: Opportunity | None, outcomes: list[Outcome],
               pk: PlanKey, names: dict[str, str]) -> Item:
    # as the plan's own check does (`scoring.activity`): an account-wide outcome reaches
    # people for every opportunity
    reached = {pid for o in outcomes if o.opportunity in (oid, None)
               for c in o.contacts for pid in c.people}
    shown = [names.get(p, p) for p in sorted(reached)]
    yours = (_GONE if opp is None else
             f"contacts planned with {joined(shown)}" if shown else "no contact planned")
    return Item(f"plan:{oid}", f"your activity plan ({name})",
                opp is not None and set(pk.must_contact) <= reached, yours,
                "a contact planned with " + joined([names.get(p, p) for p in pk.must_contact]),
                pk)


# -- the key against the case and the content -------------------------------------------------

def problems(key: OpportunitiesKey, case: Docs, fw: Framework) -> list[tuple[str, str]]:
    opportunities = _opp_names(case)
    people = {p.id for p in case.of(StakeholderMapDoc).people}
    questions = [q.id for q in fw.qualification.questions]
    found = []
    for oid, want in key.opportunities.items():
        at = f"opportunities.{oid}"
        if oid not in opportunities:
            found.append((at, f"not an opportunity of the case (the case has: "
                              f"{', '.join(opportunities) or 'none'})"))
        for qid, ak in want.answers.items():
            if qid not in questions:
                found.append((f"{at}.answers.{qid}",
                              f"unknown question '{qid}' (questions: {', '.join(questions)})"))
            if ak.answer == "unknown":
                # a question the brief does not answer is not keyed: "don't know" is never
                # the one right answer (it may be accepted in `also`)
                found.append((f"{at}.answers.{qid}.answer",
                              "key what the brief makes clear; 'unknown' only in 'also'"))
        named = [("people.must_include", pid) for pid in
                 (want.people.must_include if want.people else ())]
        named += [("plan.must_contact", pid) for pid in
                  (want.plan.must_contact if want.plan else ())]
        found += [(f"{at}.{part}", f"'{pid}' is not a person on the case's map")
                  for part, pid in named if pid not in people]
    return found


def explain(item_id: str, case: Docs, key: OpportunitiesKey, fw: Framework) -> tuple[str, str]:
    """An item in words for the room ("Brno tender: your decision") and the key's why."""
    kind, _, ref = item_id.partition(":")
    oid, _, qid = ref.partition(":")
    name = _opp_names(case).get(oid, oid)
    want = key.opportunities.get(oid)
    if kind == "answer":
        text = next((q.text for q in fw.qualification.questions if q.id == qid), qid)
        found = want.answers.get(qid) if want else None
        return f"{name}: {text}", found.why if found else ""
    what = {"decision": "your decision", "people": "who is in the decision",
            "plan": "the activity plan"}.get(kind, kind)
    clue = getattr(want, kind, None) if want and kind in ("decision", "people", "plan") \
        else None
    return f"{name}: {what}", clue.why if clue else ""


def answer(case: Docs, key: OpportunitiesKey, today: dt.date) -> OpportunitiesDoc:
    """The key typed into the case's opportunities: each keyed one qualified as the key says,
    and an outcome per plan reaching the people it must."""
    doc = case.of(OpportunitiesDoc)
    opportunities = []
    outcomes = list(doc.outcomes)
    for opp in doc.opportunities:
        want = key.opportunities.get(opp.id)
        if want is None:
            opportunities.append(opp)
            continue
        reason = want.decision.why.strip() or "As the key says."
        # validated, as a trainee's save would be: the key's words must fit the document
        opportunities.append(Opportunity.model_validate(opp.model_dump() | {
            "litmus": _LITMUS[want.decision.expected], "litmus_locked": True,
            "answers": opp.answers | {qid: QuestionAnswer(answer=ak.answer, how=ak.why)
                                      for qid, ak in want.answers.items()},
            "people": list(dict.fromkeys([*opp.people,
                                          *(want.people.must_include if want.people else ())])),
            "decision": want.decision.expected, "decision_reason": reason}))
        if want.plan is not None:
            outcomes.append(Outcome(
                what="As the key says", opportunity=opp.id, by=today + dt.timedelta(days=90),
                value=opp.value, contacts=[PlannedContact(kind=_KEY_CONTACT,
                                                          people=list(want.plan.must_contact))]))
    return OpportunitiesDoc(opportunities=opportunities, outcomes=outcomes,
                            estimate=doc.estimate)
