"""How a case study checks step 5: the plan focus the expert key expects - which of the
customer's own goals the plan must serve, the kinds of objective it needs, the people of theirs
it must reach, what the white space should show in a cell the brief makes clear, and whether a
sponsor must commit to the account.

A plan is judged on what it does, not on its wording. A customer goal counts as served when a
live objective (not dropped) serves a goal whose words contain any of the key's `any_of`
(case-insensitive: "validation" matches "Shortage of validation engineers"), so a trainee who
worded the goal their own way in step 1 is judged fairly. A person is reached by a QBR they
attended, a next action on the trainee's stakeholder map, or a plan action that names them.

The key, under the step's id in `key.yaml`::

    account_plan:
      goals:                  # the customer goals the plan must serve
        brno:
          goal: Brno started on schedule        # as the brief words it (the typed-in answer)
          any_of: [Brno, validation, start-up]  # words of a served goal that count
          where: ...
          why: ...
      kinds:                  # the kinds of objective the plan needs (content ids)
        wallet: {any_of: [share_of_wallet, revenue], where: ..., why: ...}
      reach: {must_reach: [ingrid, oskar], where: ..., why: ...}
      white_space:            # cells of the case's units x offerings the brief makes clear
        gdansk: {unit: Gdańsk, offering: Cleanroom consumables, expected: competitor,
                 also: [open], where: ..., why: ...}
      sponsor: {needed: true, where: ..., why: ...}

Unknown cell states are refused when the key is read (the models below); unknown objective
kinds, people, units and offerings are refused by `problems`, against the case and the content.
"""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field

from kamkit.account_plan import (
    AccountPlanDoc,
    Action,
    Cell,
    CellState,
    Commitment,
    Objective,
    WhiteSpace,
)
from kamkit.checking import Clue, Item, KeyPart, joined, people_names
from kamkit.frameworks import Framework
from kamkit.models import StakeholderMapDoc
from kamkit.steps import Docs

__all__ = ["GoalKey", "KindKey", "ReachKey", "CellKey", "SponsorKey", "AccountPlanKey",
           "served", "reached", "check", "problems", "explain", "answer"]

#: words shorter than this match inside too many others ("US" in "must") to judge fairly
_MIN_WORD = 3


class GoalKey(Clue):
    goal: str = Field(min_length=1, max_length=200,
                      description="the customer goal as the brief words it")
    any_of: tuple[str, ...] = Field(min_length=1,
                                    description="words of a served goal that count as it")


class KindKey(Clue):
    any_of: tuple[str, ...] = Field(min_length=1,
                                    description="objective kind ids (content), any one will do")


class ReachKey(Clue):
    must_reach: tuple[str, ...] = Field(
        min_length=1, description="map ids of theirs a QBR or an action must reach")


class CellKey(Clue):
    unit: str
    offering: str
    expected: CellState
    also: tuple[CellState, ...] = Field(default=(), description="other states accepted")


class SponsorKey(Clue):
    needed: bool = Field(description="must a sponsor commit to the account (or must none)?")


class AccountPlanKey(KeyPart):
    goals: dict[str, GoalKey] = Field(min_length=1,
                                      description="a name of your choice -> the goal")
    kinds: dict[str, KindKey] = Field(min_length=1,
                                      description="a name of your choice -> the kinds")
    reach: ReachKey | None = None
    white_space: dict[str, CellKey] = Field(default_factory=dict,
                                            description="a name of your choice -> the cell")
    sponsor: SponsorKey | None = None


# -- what the plan does --------------------------------------------------------------------------

def _live(doc: AccountPlanDoc) -> list[Objective]:
    return [o for o in doc.objectives if o.status != "dropped"]


def served(doc: AccountPlanDoc, gk: GoalKey) -> list[str]:
    """The goals of the plan's live objectives that match the key's words."""
    words = [w.casefold() for w in gk.any_of]
    goals = dict.fromkeys(g for o in _live(doc) for g in o.serves)
    return [g for g in goals if any(w in g.casefold() for w in words)]


def _named(text: str, name: str) -> bool:
    """Does `text` name the person (their full name, or a word of it)?"""
    words = [w for w in re.split(r"\s+", name) if len(w) >= _MIN_WORD and not w.endswith(".")]
    return any(re.search(rf"(?<!\w){re.escape(w)}(?!\w)", text, re.IGNORECASE) for w in words)


def reached(work: Docs, names: dict[str, str]) -> set[str]:
    """The people of theirs (map ids) the plan reaches: at a QBR, by a next action on the
    stakeholder map, or by a plan action naming them."""
    doc = work.of(AccountPlanDoc)
    out = {pid for q in doc.qbrs for pid in q.theirs}
    out |= {p.id for p in work.of(StakeholderMapDoc).people if p.action.strip()}
    live = [a.what for a in doc.actions if a.status != "dropped"]
    out |= {pid for pid, name in names.items() if any(_named(w, name) for w in live)}
    return out


def _sponsors(smap: StakeholderMapDoc) -> list[str]:
    return [t.id for t in smap.team if t.role == "sponsor"]


# -- words ---------------------------------------------------------------------------------------

def _people_names(work: Docs, case: Docs) -> dict[str, str]:
    return people_names(case.of(StakeholderMapDoc), work.of(StakeholderMapDoc))


def _kinds(ids: tuple[str, ...], fw: Framework) -> list[str]:
    return [fw.account_plan.objective_kinds.get(k, k) for k in ids]


def _cell_label(ck: CellKey) -> str:
    return f"the white space ({ck.unit} × {ck.offering})"


# -- the check -----------------------------------------------------------------------------------

def check(work: Docs, case: Docs, key: AccountPlanKey, fw: Framework) -> list[Item]:
    content = fw.account_plan
    doc = work.of(AccountPlanDoc)
    live = _live(doc)
    items = []
    for gid, gk in key.goals.items():
        found = served(doc, gk)
        yours = (f"your objectives serve {joined([f'“{g}”' for g in found])}" if found else
                 "no objective serves it" if live else "no objective yet")
        items.append(Item(f"goal:{gid}", f"the customer goal “{gk.goal}”", bool(found), yours,
                          "an objective serving it (a goal that mentions "
                          + joined([f'“{w}”' for w in gk.any_of], "or") + ")",
                          gk))
    kinds = [o.kind for o in live]
    for kid, kk in key.kinds.items():
        shown = _kinds(tuple(dict.fromkeys(kinds)), fw)
        wanted = joined(_kinds(kk.any_of, fw), "or")
        items.append(Item(f"kind:{kid}", f"an objective of kind {wanted}",
                          any(k in kk.any_of for k in kinds),
                          f"objectives of kind {joined(shown)}" if shown else "no objective yet",
                          f"at least one {joined(_kinds(kk.any_of, fw), 'or')} objective", kk))
    if key.reach is not None:
        names = _people_names(work, case)
        got = reached(work, names)
        for pid in key.reach.must_reach:
            name = names.get(pid, pid)
            items.append(Item(f"reach:{pid}", f"reaching {name}", pid in got,
                              "your plan reaches them" if pid in got else
                              "no QBR, next action or plan action reaches them",
                              f"a QBR with {name} or an action that reaches them",
                              key.reach))
    cells = {(c.unit, c.offering): c for c in doc.white_space.cells}
    for cid, ck in key.white_space.items():
        cell = cells.get((ck.unit, ck.offering))
        yours = "not filled in" if cell is None else content.white_space[cell.state]
        accepted = content.white_space[ck.expected] + "".join(
            f" (or {content.white_space[s]})" for s in ck.also if s != ck.expected)
        items.append(Item(f"cell:{cid}", _cell_label(ck),
                          cell is not None and cell.state in (ck.expected, *ck.also), yours,
                          accepted, ck))
    if key.sponsor is not None:
        smap = work.of(StakeholderMapDoc)
        said = {c.member for c in doc.team if c.commitment.strip()}
        committed = [s for s in _sponsors(smap) if s in said]
        team = {t.id: t.name for t in smap.team}
        yours = (f"{joined([team[s] for s in committed])} committed as sponsor" if committed else
                 "a sponsor with no commitment written" if _sponsors(smap) else "no sponsor")
        items.append(Item("sponsor", "the sponsor's part", bool(committed) == key.sponsor.needed,
                          yours, "a sponsor who commits to the account" if key.sponsor.needed
                          else "no sponsor's time spent on it", key.sponsor))
    return items


# -- the key against the case and the content ----------------------------------------------------

def problems(key: AccountPlanKey, case: Docs, fw: Framework) -> list[tuple[str, str]]:
    kinds = list(fw.account_plan.objective_kinds)
    smap = case.of(StakeholderMapDoc)
    people = {p.id for p in smap.people}
    ws = case.of(AccountPlanDoc).white_space
    found = []
    for gid, gk in key.goals.items():
        at = f"goals.{gid}"
        short = [w for w in gk.any_of if len(w.strip()) < _MIN_WORD]
        if short:
            found.append((f"{at}.any_of", f"'{short[0]}' is too short to match fairly (at "
                                          f"least {_MIN_WORD} letters)"))
        if not any(w.casefold() in gk.goal.casefold() for w in gk.any_of):
            found.append((f"{at}.goal", "must contain one of its own any_of words"))
    for kid, kk in key.kinds.items():
        found += [(f"kinds.{kid}.any_of", f"unknown objective kind '{k}' (kinds: "
                                          f"{', '.join(kinds)})")
                  for k in kk.any_of if k not in kinds]
    for pid in key.reach.must_reach if key.reach else ():
        if pid not in people:
            found.append(("reach.must_reach", f"'{pid}' is not a person on the case's map"))
    for cid, ck in key.white_space.items():
        for part, value, given in (("unit", ck.unit, ws.units),
                                   ("offering", ck.offering, ws.offerings)):
            if value not in given:
                found.append((f"white_space.{cid}.{part}",
                              f"'{value}' is not one of the case's white-space {part}s "
                              f"({', '.join(given) or 'none'})"))
    if key.sponsor is not None and key.sponsor.needed and not _sponsors(smap):
        found.append(("sponsor.needed", "the case's team has no sponsor to commit"))
    return found


def explain(item_id: str, case: Docs, key: AccountPlanKey, fw: Framework) -> tuple[str, str]:
    """An item in words for the room ("the customer goal “…”") and the key's why."""
    kind, _, ref = item_id.partition(":")
    if kind == "goal" and ref in key.goals:
        return f"the customer goal “{key.goals[ref].goal}”", key.goals[ref].why
    if kind == "kind" and ref in key.kinds:
        return (f"an objective of kind {joined(_kinds(key.kinds[ref].any_of, fw), 'or')}",
                key.kinds[ref].why)
    if kind == "reach" and key.reach is not None:
        return f"reaching {_people_names(Docs(), case).get(ref, ref)}", key.reach.why
    if kind == "cell" and ref in key.white_space:
        return _cell_label(key.white_space[ref]), key.white_space[ref].why
    if kind == "sponsor" and key.sponsor is not None:
        return "the sponsor's part", key.sponsor.why
    return item_id, ""


def answer(case: Docs, key: AccountPlanKey, today: dt.date) -> AccountPlanDoc:
    """The key typed into the case's plan: an objective per kind serving every keyed goal, an
    action per person to reach, the keyed cells, and the sponsor's commitment if one is
    needed."""
    doc = case.of(AccountPlanDoc)
    smap = case.of(StakeholderMapDoc)
    names = {p.id: p.name or p.title or p.id for p in smap.people}
    goals = [gk.goal for gk in key.goals.values()]
    objectives = [Objective(id=f"key-{n}", title=f"As the key says ({kid})"[:120],
                            kind=kk.any_of[0], serves=goals, status="on_track",
                            checked_on=today) for n, (kid, kk) in enumerate(key.kinds.items())]
    actions = [Action(id=f"reach-{n}", what=f"Meet {names[pid]}"[:200], owner="you",
                      due=today + dt.timedelta(days=30))
               for n, pid in enumerate(key.reach.must_reach if key.reach else ())]
    keyed = {(ck.unit, ck.offering): ck.expected for ck in key.white_space.values()}
    cells = [c for c in doc.white_space.cells if (c.unit, c.offering) not in keyed]
    cells += [Cell(unit=u, offering=o, state=s) for (u, o), s in keyed.items()]
    team = list(doc.team)
    if key.sponsor is not None and key.sponsor.needed:
        sponsor = _sponsors(smap)[0]
        team = [c for c in team if c.member != sponsor] + [
            Commitment(member=sponsor, commitment=key.sponsor.why)]
    # validated, as a trainee's save would be: the key's words must fit the document
    return AccountPlanDoc.model_validate(doc.model_dump() | {
        "objectives": [*doc.objectives, *objectives], "actions": [*doc.actions, *actions],
        "white_space": WhiteSpace(units=doc.white_space.units,
                                  offerings=doc.white_space.offerings, cells=cells),
        "team": team, "next_review": doc.next_review or today + dt.timedelta(days=60)})
