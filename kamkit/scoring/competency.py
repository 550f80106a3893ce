"""The person's figures, pure: competency means and gaps (self / manager / peers, before /
after), first-try versus best on the case studies (and a pass only after the explanations were
shown), the quiz's counted attempt, the certification rules, and the learning gain of a trainee
and of a cohort - every cohort figure with the number of trainees behind it.

No I/O: `kamkit.people` gathers what the store holds and calls these.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from math import fsum

from kamkit.competency import CompetencyRatings, QuizAttempt, RatingSet
from kamkit.competency_content import (
    CaseFirstTry,
    CertificationContent,
    CompetencyAfter,
    CompetencyContent,
    QuizFirstAttempt,
    Rater,
    Round,
    StepsReviewed,
)
from kamkit.models import Attempt

__all__ = ["competency_means", "overall_level", "rater_means", "gap_table", "self_manager_gap",
           "CaseTry", "case_tries", "explained", "QuizRecord", "quiz_record", "RuleResult",
           "Certification", "certify", "Certifier", "GAIN_MEASURES", "person_gain", "CohortGain",
           "cohort_gain", "pass_label"]


def _fmean(values: list[float]) -> float:
    """`statistics.fmean` of a non-empty list, the same float (its very sum and division)
    without its generality: a cohort's figures take hundreds of thousands of these."""
    return fsum(values) / len(values)


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return round(fsum(values) / len(values), 2) if values else None


# -- competency ratings -----------------------------------------------------------------------

def competency_means(ratings: CompetencyRatings, content: CompetencyContent
                     ) -> dict[str, float]:
    """competency id -> the mean level of its rated behaviours (competencies with none rated
    are left out)."""
    out = {}
    for comp in content.competencies:
        mean = _mean(ratings.levels[b.id] for b in comp.behaviours if b.id in ratings.levels)
        if mean is not None:
            out[comp.id] = mean
    return out


def overall_level(ratings: CompetencyRatings, content: CompetencyContent) -> float | None:
    """The mean level over every rated behaviour of the framework."""
    return _mean(ratings.levels[b.id] for b in content.behaviours if b.id in ratings.levels)


def _of(sets: Iterable[RatingSet], round: Round, rater: Rater) -> list[RatingSet]:
    return [s for s in sets if s.round == round and s.rater == rater]


def rater_means(sets: Iterable[RatingSet], round: Round, rater: Rater,
                content: CompetencyContent) -> dict[str, float]:
    """competency id -> mean level given by `rater` in `round`; peers are averaged behaviour by
    behaviour over every peer who rated it (a manager's several saves: the latest set of each
    manager, averaged likewise)."""
    chosen = _of(sets, round, rater)
    if not chosen:
        return {}
    pooled: dict[str, list[int]] = {}
    for s in chosen:
        for behaviour, level in s.ratings.levels.items():
            pooled.setdefault(behaviour, []).append(level)
    averaged = {b: _fmean(levels) for b, levels in pooled.items()}
    out = {}
    for comp in content.competencies:
        mean = _mean(averaged[b.id] for b in comp.behaviours if b.id in averaged)
        if mean is not None:
            out[comp.id] = mean
    return out


def gap_table(sets: Iterable[RatingSet], content: CompetencyContent
              ) -> dict[tuple[Round, Rater], dict[str, float]]:
    """(round, rater) -> competency id -> mean level: what the gap chart draws. Only the
    (round, rater) pairs someone rated in."""
    sets = list(sets)
    out = {}
    for round in ("before", "after"):
        for rater in ("self", "manager", "peer"):
            means = rater_means(sets, round, rater, content)  # type: ignore[arg-type]
            if means:
                out[(round, rater)] = means
    return out  # type: ignore[return-value]


def self_manager_gap(sets: Iterable[RatingSet], round: Round, content: CompetencyContent
                     ) -> float | None:
    """How far the trainee's own ratings sit from their manager's, in one round: the mean
    absolute difference over the behaviours both rated (None: nothing rated by both)."""
    sets = list(sets)
    return _gap(_of(sets, round, "self"), _of(sets, round, "manager"), content)


def _gap(mine: list[RatingSet], theirs: list[RatingSet], content: CompetencyContent
         ) -> float | None:
    if not mine or not theirs:
        return None
    own = mine[-1].ratings.levels
    pooled: dict[str, list[int]] = {}
    for s in theirs:
        for b, level in s.ratings.levels.items():
            pooled.setdefault(b, []).append(level)
    known = content.behaviour_ids
    return _mean(abs(own[b] - _fmean(pooled[b])) for b in own if b in pooled and b in known)


# -- case studies: first try and best ---------------------------------------------------------

def explained(attempt: Attempt) -> bool:
    """Whether this check showed the explanations (not hints): it had wrong answers and gave
    no hint for them."""
    return bool(attempt.wrong) and attempt.hints == 0


@dataclass
class CaseTry:
    """One case study as a trainee met it: the first-try score of each step checked on the
    first account they practised it on, the best score of each step over every attempt, and
    the steps passed only after the explanations had been shown."""

    case_id: str
    first_account: int
    started: dt.datetime
    first_try: dict[str, float] = field(default_factory=dict)
    best: dict[str, float] = field(default_factory=dict)
    passed: set[str] = field(default_factory=set)
    passed_first_try: set[str] = field(default_factory=set)
    passed_after_explanations: set[str] = field(default_factory=set)
    #: the steps the case's key checks (empty: not known - every step tried counts)
    steps: tuple[str, ...] = ()

    @property
    def first_score(self) -> float | None:
        """The mean first-try score over the steps the case checks - None until each has had
        its first try (one easy step checked alone is not a case's first try)."""
        if self.steps:
            if any(s not in self.first_try for s in self.steps):
                return None
            return _mean(self.first_try[s] for s in self.steps)
        return _mean(self.first_try.values())

    @property
    def best_score(self) -> float | None:
        return _mean(self.best.values())


def case_tries(attempts: Iterable[Attempt]) -> list[CaseTry]:
    """Each case a trainee practised, in the order they started them. `attempts`: all of one
    trainee's attempts (any accounts, any order)."""
    ordered = sorted(attempts, key=lambda a: (a.at, a.id or 0))
    cases: dict[str, CaseTry] = {}
    explained_before: set[tuple[str, str]] = set()  # (case, step) explanations shown
    for a in ordered:
        case = cases.get(a.case_id)
        if case is None:
            case = cases[a.case_id] = CaseTry(a.case_id, a.account_id, a.at)
        if a.account_id == case.first_account and a.attempt == 1 and a.step not in case.first_try:
            case.first_try[a.step] = a.score
            if a.passed:
                case.passed_first_try.add(a.step)
        case.best[a.step] = max(case.best.get(a.step, 0.0), a.score)
        if a.passed:
            if (a.case_id, a.step) in explained_before and a.step not in case.passed:
                case.passed_after_explanations.add(a.step)
            case.passed.add(a.step)
        if explained(a):
            explained_before.add((a.case_id, a.step))
    return list(cases.values())


def pass_label(case: CaseTry, step: str) -> str:
    """How a step of a case was passed, in words for the manager."""
    if step in case.passed_first_try:
        return "passed at the first try"
    if step in case.passed_after_explanations:
        return "passed after the explanations were shown"
    if step in case.passed:
        return "passed after hints"
    return "not passed yet" if step in case.best else "not checked"


# -- the quiz -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuizRecord:
    first: QuizAttempt | None = None        # the attempt that counts
    retake: QuizAttempt | None = None       # the latest practice retake
    attempts: int = 0


def quiz_record(attempts: Iterable[QuizAttempt], quiz: str | None = None,
                questions: int | None = None) -> QuizRecord:
    """One trainee's quiz: the counted first attempt (finished or not) and the latest retake.
    An attempt exists from its first checked answer; with `questions` (how many the quiz has),
    one with fewer answers is incomplete and never passed (its score: the answers given, over
    all the questions)."""
    mine = sorted((a for a in attempts if quiz is None or a.quiz == quiz),
                  key=lambda a: a.attempt)
    if questions is not None:
        mine = [a.model_copy(update={"passed": False})
                if a.passed and len(a.answers) < questions else a for a in mine]
    if not mine:
        return QuizRecord()
    return QuizRecord(mine[0], mine[-1] if len(mine) > 1 else None, len(mine))


# -- certification ------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleResult:
    text: str        # what the rule asks (content)
    met: bool
    detail: str      # why not, or the figure that met it


@dataclass(frozen=True)
class Certification:
    results: tuple[RuleResult, ...]

    @property
    def certified(self) -> bool:
        return all(r.met for r in self.results)

    @property
    def unmet(self) -> list[RuleResult]:
        return [r for r in self.results if not r.met]


def _steps_reviewed(rule: StepsReviewed, steps: list[str],
                    reviews: list[Mapping[str, int | None]], titles: Mapping[str, str]
                    ) -> RuleResult:
    best: list[str] | None = None
    for account in reviews:
        short = [titles.get(s, s) for s in steps
                 if (account.get(s) or 0) < rule.min_rating]
        if not short:
            return RuleResult(rule.text, True, "every step reviewed at "
                                               f"{rule.min_rating} or more")
        if best is None or len(short) < len(best):
            best = short
    if best is None:
        return RuleResult(rule.text, False, "no account of their own yet")
    return RuleResult(rule.text, False, "below " + str(rule.min_rating) + " or not reviewed: "
                      + ", ".join(best))


def _case_first_try(rule: CaseFirstTry, cases: list[CaseTry]) -> RuleResult:
    scores = [c.first_score for c in cases if c.first_score is not None]
    if not scores:
        return RuleResult(rule.text, False, "no case study with every step checked at the "
                                            "first try yet")
    top = max(scores)
    return RuleResult(rule.text, top >= rule.min_score, f"best first try {top:g} %")


def _quiz_first(rule: QuizFirstAttempt, quiz: QuizRecord) -> RuleResult:
    if quiz.first is None:
        return RuleResult(rule.text, False, "quiz not taken yet")
    return RuleResult(rule.text, quiz.first.passed, f"first attempt {quiz.first.score:g} %")


def _competency_after(rule: CompetencyAfter, sets: list[RatingSet],
                      content: CompetencyContent) -> RuleResult:
    means = rater_means(sets, "after", rule.rater, content)
    if not means:
        return RuleResult(rule.text, False, f"no after-round rating by their {rule.rater} yet"
                          if rule.rater != "self" else "no after-round self-rating yet")
    short = [f"{c.title} {means[c.id]:g}" if c.id in means else f"{c.title} not rated"
             for c in content.competencies if means.get(c.id, 0) < rule.min_level]
    if short:
        return RuleResult(rule.text, False, "below " + f"{rule.min_level:g}: " + ", ".join(short))
    return RuleResult(rule.text, True, f"every competency {rule.min_level:g} or more")


def _rule(rule: object, steps: list[str], titles: Mapping[str, str],
          competencies: CompetencyContent, reviews: list[Mapping[str, int | None]],
          cases: list[CaseTry], quiz: QuizRecord, sets: list[RatingSet]) -> RuleResult:
    if isinstance(rule, StepsReviewed):
        return _steps_reviewed(rule, steps, reviews, titles)
    if isinstance(rule, CaseFirstTry):
        return _case_first_try(rule, cases)
    if isinstance(rule, QuizFirstAttempt):
        return _quiz_first(rule, quiz)
    return _competency_after(rule, sets, competencies)  # type: ignore[arg-type]


def certify(content: CertificationContent, *, steps: list[str], titles: Mapping[str, str],
            reviews: list[Mapping[str, int | None]], cases: list[CaseTry], quiz: QuizRecord,
            sets: list[RatingSet], competencies: CompetencyContent) -> Certification:
    """Every certification rule of the content, met or not with why. `reviews`: for each of
    the trainee's own accounts (not practice), step id -> the latest review's rating. Each rule
    worked out afresh: `Certifier` is the same for many trainees, with shortcuts."""
    return Certification(tuple(_rule(rule, steps, titles, competencies, reviews, cases, quiz,
                                      sets) for rule in content.rules))


class Certifier:
    """`certify` for many trainees under one content: what a rule says of a trainee with
    nothing to show for it (no case, no quiz, no rating) is worked out once, not per person."""

    def __init__(self, content: CertificationContent, steps: list[str],
                 titles: Mapping[str, str], competencies: CompetencyContent) -> None:
        self.content, self.steps, self.titles = content, steps, titles
        self.competencies = competencies
        self._blank = {id(rule): self._one(rule, [], [], QuizRecord(), [])
                       for rule in content.rules if not isinstance(rule, StepsReviewed)}
        # own accounts, none reviewed: the same words for everyone in that case
        self._unreviewed = {id(rule): self._one(rule, [{}], [], QuizRecord(), [])
                            for rule in content.rules if isinstance(rule, StepsReviewed)}

    def _one(self, rule: object, reviews: list[Mapping[str, int | None]],
             cases: list[CaseTry], quiz: QuizRecord, sets: list[RatingSet]) -> RuleResult:
        return _rule(rule, self.steps, self.titles, self.competencies, reviews, cases, quiz,
                     sets)

    def __call__(self, reviews: list[Mapping[str, int | None]], cases: list[CaseTry],
                 quiz: QuizRecord, sets: list[RatingSet]) -> Certification:
        results = []
        for rule in self.content.rules:
            if isinstance(rule, StepsReviewed):
                blank = reviews and not any(reviews)
                results.append(self._unreviewed[id(rule)] if blank
                               else self._one(rule, reviews, cases, quiz, sets))
                continue
            blank = (isinstance(rule, CaseFirstTry) and not cases
                     or isinstance(rule, QuizFirstAttempt) and quiz.first is None
                     or isinstance(rule, CompetencyAfter) and not sets)
            results.append(self._blank[id(rule)] if blank
                           else self._one(rule, reviews, cases, quiz, sets))
        return Certification(tuple(results))


# -- learning gain ------------------------------------------------------------------------------

#: the gain measures besides judgement on the case steps: key -> (label, higher is better)
GAIN_MEASURES: dict[str, tuple[str, bool]] = {
    "quiz": ("Quiz: first attempt → later retake (%)", True),
    "self": ("Competency, self-rated: before → after (1-5)", True),
    "manager": ("Competency, manager-rated: before → after (1-5)", True),
    "gap": ("Self vs manager gap: before → after (lower: a more accurate self-view)", False),
}


_NOTHING = {key: (None, None) for key in GAIN_MEASURES}


def person_gain(cases: list[CaseTry], quiz: QuizRecord, sets: list[RatingSet],
                content: CompetencyContent) -> dict[str, tuple[float | None, float | None]]:
    """One trainee's before/after pairs. Judgement (`"judgement:<step>"`): the first-try score
    on the first case they practised vs on the latest case they started later (unseen until
    then); the quiz: first attempt vs the latest retake; competency self and manager means
    before vs after; and the self-manager gap before vs after."""
    out: dict[str, tuple[float | None, float | None]] = {}
    if not cases and quiz.first is None and not sets:
        return dict(_NOTHING)
    ordered = sorted(cases, key=lambda c: c.started)
    steps = {s for c in ordered for s in c.first_try}
    for step in sorted(steps):
        tried = [c for c in ordered if step in c.first_try]
        if tried:
            later = tried[-1] if len(tried) > 1 else None
            out[f"judgement:{step}"] = (tried[0].first_try[step],
                                        later.first_try[step] if later else None)
    out["quiz"] = (quiz.first.score if quiz.first else None,
                   quiz.retake.score if quiz.retake else None)
    if not sets:
        return out | {"self": (None, None), "manager": (None, None), "gap": (None, None)}
    known = content.behaviour_ids
    by: dict[tuple[str, str], list[RatingSet]] = {}  # (round, rater) -> sets, in their order
    for s in sets:
        by.setdefault((s.round, s.rater), []).append(s)
    for rater in ("self", "manager"):
        # paired: the behaviours rated in both rounds (a half-done after-round is no gain)
        pooled: dict[str, dict[str, list[int]]] = {"before": {}, "after": {}}
        for round in ("before", "after"):
            for s in by.get((round, rater), ()):
                for b, lvl in s.ratings.levels.items():
                    if b in known:
                        pooled[round].setdefault(b, []).append(lvl)
        both = pooled["before"].keys() & pooled["after"].keys()
        shown = (both, both) if both else (pooled["before"].keys(), pooled["after"].keys())
        out[rater] = (_mean(_fmean(pooled["before"][b]) for b in shown[0]),
                      _mean(_fmean(pooled["after"][b]) for b in shown[1]))
    out["gap"] = (_gap(by.get(("before", "self"), []), by.get(("before", "manager"), []),
                       content),
                  _gap(by.get(("after", "self"), []), by.get(("after", "manager"), []),
                       content))
    return out


@dataclass(frozen=True)
class CohortGain:
    key: str
    label: str
    before: float | None     # mean over the trainees with both figures
    after: float | None
    n: int                   # trainees with both figures
    higher_is_better: bool = True

    @property
    def gain(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


def cohort_gain(people: Iterable[Mapping[str, tuple[float | None, float | None]]],
                labels: Mapping[str, tuple[str, bool]]) -> list[CohortGain]:
    """Each measure's mean before and after over the trainees who have both (paired: a
    trainee with only one of the two counts in neither), with how many they are. `labels`:
    key -> (label, higher is better), in the order to show."""
    people = list(people)
    out = []
    for key, (label, higher) in labels.items():
        pairs = [p[key] for p in people if key in p
                 and p[key][0] is not None and p[key][1] is not None]
        out.append(CohortGain(key, label, _mean(b for b, _ in pairs),  # type: ignore[misc]
                              _mean(a for _, a in pairs), len(pairs), higher))  # type: ignore
    return out
