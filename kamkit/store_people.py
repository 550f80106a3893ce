"""The person's side of the store: competency ratings (every save a new version, per trainee,
round and rater), development plans, peers' rating links (only a token's hash is kept), quiz
attempts (the first counts), and a cohort's after-round. A mixin of `kamkit.store.Store`.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, select

from kamkit.competency import (
    CompetencyRatings,
    DevelopmentPlan,
    QuizAttempt,
    RaterLink,
    RatingSet,
)
from kamkit.competency_content import Rater, Round
from kamkit.errors import AccessDenied, InvalidInput, NotFound
from kamkit.models import parse, trusted
from kamkit.store_tables import (
    accounts,
    attempts,
    cohorts,
    competency_ratings,
    development_plans,
    hash_token,
    person_figures,
    quiz_attempts,
    rater_links,
    reviews,
    trainees,
    utc,
)

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from sqlalchemy import Connection

__all__ = ["PeopleVerbs"]

_LINK_GONE = ("This rating link is not valid any more: it has expired or was withdrawn. Ask "
              "the colleague who sent it for a new one.")


#: ids per IN list (SQLite allows 32,766 bound values; PostgreSQL more)
_CHUNK = 2000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _lock_trainee(conn: Connection, trainee_id: int) -> None:
    """Inside a write: the trainee's row, locked. FOR UPDATE serialises two writers of one
    trainee on PostgreSQL, so both cannot take the same next number (or the last free link);
    SQLite already holds the write lock (BEGIN IMMEDIATE)."""
    found = conn.execute(select(trainees.c.id).where(trainees.c.id == trainee_id)
                         .with_for_update()).first()
    if found is None:
        raise NotFound(f"No trainee with id {trainee_id}.")


class PeopleVerbs:
    """Competency ratings, development plans, rater links, quiz attempts. Mixed into `Store`."""

    if TYPE_CHECKING:
        def _write(self) -> AbstractContextManager[Connection]: ...
        def _read(self) -> AbstractContextManager[Connection]: ...

    # -- ratings ------------------------------------------------------------------------------

    def save_ratings(self, trainee_id: int, round: Round, rater: Rater,
                     ratings: CompetencyRatings | dict[str, Any], *, rater_name: str = "",
                     link_id: int | None = None, at: dt.datetime | None = None) -> int:
        """Keep one rater's ratings of a trainee in a round as a new version; the version
        number. A peer's ratings come through their link (`link_id`), and only while the link
        is active."""
        ratings = parse(CompetencyRatings, ratings if isinstance(ratings, dict)
                        else ratings.model_dump())
        if (rater == "peer") != (link_id is not None):
            raise InvalidInput("A peer rates through their own link, and only a peer does.")
        key = (competency_ratings.c.trainee_id == trainee_id,
               competency_ratings.c.round == round, competency_ratings.c.rater == rater,
               competency_ratings.c.rater_name == rater_name,
               competency_ratings.c.link_id == (link_id or 0))
        with self._write() as conn:
            _lock_trainee(conn, trainee_id)
            if link_id is not None:
                link = conn.execute(select(rater_links).where(
                    rater_links.c.id == link_id)).mappings().first()
                if (link is None or link["trainee_id"] != trainee_id or link["round"] != round
                        or not _link(link).active()):
                    raise AccessDenied(_LINK_GONE)
            latest = conn.execute(select(func.max(competency_ratings.c.version))
                                  .where(*key)).scalar() or 0
            conn.execute(competency_ratings.insert().values(
                trainee_id=trainee_id, round=round, rater=rater, rater_name=rater_name,
                link_id=link_id or 0, version=latest + 1, data=ratings.model_dump_json(),
                saved_at=at or _now()))
        return latest + 1

    def latest_ratings(self, trainee_ids: list[int] | None = None) -> list[RatingSet]:
        """The latest version of every rater's ratings, per trainee and round (of some
        trainees, or of everyone)."""
        c = competency_ratings.c
        newest = (select(c.trainee_id, c.round, c.rater, c.rater_name, c.link_id,
                         func.max(c.version).label("version"))
                  .group_by(c.trainee_id, c.round, c.rater, c.rater_name, c.link_id))
        if trainee_ids is not None:
            newest = newest.where(c.trainee_id.in_(trainee_ids))
        newest = newest.subquery()
        query = (select(competency_ratings).join(newest, (c.trainee_id == newest.c.trainee_id)
                                                 & (c.round == newest.c.round)
                                                 & (c.rater == newest.c.rater)
                                                 & (c.rater_name == newest.c.rater_name)
                                                 & (c.link_id == newest.c.link_id)
                                                 & (c.version == newest.c.version))
                 .order_by(c.trainee_id, c.id))
        with self._read() as conn:
            return [_rating_set(r) for r in conn.execute(query).mappings()]

    def rating_history(self, trainee_id: int) -> list[RatingSet]:
        """Every saved version of every rater's ratings of a trainee, oldest first."""
        with self._read() as conn:
            rows = conn.execute(select(competency_ratings)
                                .where(competency_ratings.c.trainee_id == trainee_id)
                                .order_by(competency_ratings.c.id)).mappings().all()
        return [_rating_set(r) for r in rows]

    # -- development plans ----------------------------------------------------------------------

    def save_development_plan(self, trainee_id: int,
                              plan: DevelopmentPlan | dict[str, Any]) -> int:
        plan = parse(DevelopmentPlan, plan if isinstance(plan, dict) else plan.model_dump())
        with self._write() as conn:
            _lock_trainee(conn, trainee_id)
            latest = conn.execute(select(func.max(development_plans.c.version)).where(
                development_plans.c.trainee_id == trainee_id)).scalar() or 0
            conn.execute(development_plans.insert().values(
                trainee_id=trainee_id, version=latest + 1, data=plan.model_dump_json(),
                saved_at=_now()))
        return latest + 1

    def development_plan(self, trainee_id: int) -> tuple[DevelopmentPlan, int]:
        """The latest plan and its version (an empty plan, version 0, before any save)."""
        with self._read() as conn:
            row = conn.execute(select(development_plans)
                               .where(development_plans.c.trainee_id == trainee_id)
                               .order_by(development_plans.c.version.desc())
                               .limit(1)).mappings().first()
        if row is None:
            return DevelopmentPlan(), 0
        return DevelopmentPlan.model_validate_json(row["data"]), row["version"]

    def development_plans(self, trainee_ids: list[int] | None = None
                          ) -> dict[int, DevelopmentPlan]:
        """The latest plan of each of `trainee_ids` (or of everyone) that has one."""
        d = development_plans.c
        newest = select(d.trainee_id, func.max(d.version).label("version"))
        if trainee_ids is not None:
            newest = newest.where(d.trainee_id.in_(trainee_ids))
        newest = newest.group_by(d.trainee_id).subquery()
        query = select(development_plans).join(
            newest, (d.trainee_id == newest.c.trainee_id) & (d.version == newest.c.version))
        with self._read() as conn:
            return {r["trainee_id"]: DevelopmentPlan.model_validate_json(r["data"])
                    for r in conn.execute(query).mappings()}

    # -- peers' links ---------------------------------------------------------------------------

    def add_rater_link(self, trainee_id: int, round: Round, peer_name: str, *, days: int,
                       most: int) -> tuple[RaterLink, str]:
        """A new link for a peer to rate the trainee in `round`, and its token (shown once:
        only its hash is kept). At most `most` active links per round."""
        now = _now()
        link = parse(RaterLink, {"trainee_id": trainee_id, "round": round,
                                 "peer_name": peer_name, "created_at": now,
                                 "expires_at": now + dt.timedelta(days=days)})
        token = secrets.token_urlsafe(24)
        with self._write() as conn:
            _lock_trainee(conn, trainee_id)
            active = [r for r in conn.execute(select(rater_links).where(
                rater_links.c.trainee_id == trainee_id, rater_links.c.round == round))
                .mappings() if _link(r).active(now)]
            if len(active) >= most:
                raise InvalidInput(f"You have asked {len(active)} colleagues already, the most "
                                   f"for one round. Withdraw a link to ask someone else.",
                                   field="peer_name")
            row = link.model_dump(exclude={"id"}) | {"token_hash": hash_token(token)}
            new_id = conn.execute(rater_links.insert().values(**row)).inserted_primary_key[0]
        return link.model_copy(update={"id": new_id}), token

    def rater_link_by_token(self, token: str, now: dt.datetime | None = None) -> RaterLink:
        """The active link a peer's token belongs to (AccessDenied for an unknown, expired or
        withdrawn one)."""
        with self._read() as conn:
            row = conn.execute(select(rater_links).where(
                rater_links.c.token_hash == hash_token(token))).mappings().first()
        if row is None or not _link(row).active(now):
            raise AccessDenied(_LINK_GONE)
        return _link(row)

    def list_rater_links(self, trainee_id: int) -> list[RaterLink]:
        with self._read() as conn:
            rows = conn.execute(select(rater_links).where(rater_links.c.trainee_id == trainee_id)
                                .order_by(rater_links.c.id)).mappings().all()
        return [_link(r) for r in rows]

    def revoke_rater_link(self, trainee_id: int, link_id: int) -> RaterLink:
        """Withdraw one of the trainee's links (NotFound for anyone else's)."""
        with self._write() as conn:
            conn.execute(rater_links.update().where(
                rater_links.c.id == link_id, rater_links.c.trainee_id == trainee_id,
                rater_links.c.revoked_at.is_(None)).values(revoked_at=_now()))
            row = conn.execute(select(rater_links).where(
                rater_links.c.id == link_id,
                rater_links.c.trainee_id == trainee_id)).mappings().first()
        if row is None:
            raise NotFound("There is no such link.")
        return _link(row)

    # -- quiz -----------------------------------------------------------------------------------

    def add_quiz_attempt(self, trainee_id: int, quiz: str, score: float, passed: bool,
                         answers: dict[str, int]) -> QuizAttempt:
        """Keep a completed quiz as the trainee's next attempt (the first counts; the rest are
        practice)."""
        with self._write() as conn:
            _lock_trainee(conn, trainee_id)
            number = (conn.execute(select(func.max(quiz_attempts.c.attempt)).where(
                quiz_attempts.c.trainee_id == trainee_id,
                quiz_attempts.c.quiz == quiz)).scalar() or 0) + 1
            attempt = parse(QuizAttempt, {"trainee_id": trainee_id, "quiz": quiz,
                                          "attempt": number, "score": score, "passed": passed,
                                          "answers": answers})
            row = attempt.model_dump(exclude={"id"}) | {"answers": json.dumps(attempt.answers)}
            new_id = conn.execute(quiz_attempts.insert().values(**row)).inserted_primary_key[0]
        return attempt.model_copy(update={"id": new_id})

    def record_quiz_answer(self, trainee_id: int, quiz: str, question_id: str, choice: int,
                           questions: int,
                           grade: Callable[[dict[str, int]], tuple[float, bool]]
                           ) -> QuizAttempt:
        """Keep one checked answer: an attempt exists from its first checked answer. The
        trainee's latest attempt at `quiz`, while incomplete (fewer answers than the quiz's
        `questions`), gets the answer - unless that question already has one (the first checked
        answer is the one kept); else the answer starts the next attempt. `grade` gives
        (score, passed) for the attempt's answers (not passed while incomplete). The row is
        written anew (a new id) so that what changed shows in `person_stamps`."""
        with self._write() as conn:
            _lock_trainee(conn, trainee_id)
            row = conn.execute(select(*_QUIZ_COLUMNS).where(
                quiz_attempts.c.trainee_id == trainee_id, quiz_attempts.c.quiz == quiz)
                .order_by(quiz_attempts.c.attempt.desc()).limit(1)).first()
            answers: dict[str, int] = json.loads(row.answers) if row is not None else {}
            if row is not None and len(answers) < questions:
                if question_id in answers:
                    return _quiz_attempt(row)
                number, at = row.attempt, utc(row.at)
                conn.execute(delete(quiz_attempts).where(quiz_attempts.c.id == row.id))
            else:
                number, at, answers = (row.attempt if row is not None else 0) + 1, _now(), {}
            answers = answers | {question_id: choice}
            score, passed = grade(answers)
            attempt = parse(QuizAttempt, {"trainee_id": trainee_id, "quiz": quiz,
                                          "attempt": number, "score": score, "passed": passed,
                                          "answers": answers, "at": at})
            data = attempt.model_dump(exclude={"id"}) | {"answers": json.dumps(attempt.answers)}
            new_id = conn.execute(quiz_attempts.insert().values(**data)).inserted_primary_key[0]
        return attempt.model_copy(update={"id": new_id})

    def list_quiz_attempts(self, trainee_ids: list[int] | None = None) -> list[QuizAttempt]:
        """Quiz attempts, oldest first (of some trainees, or of everyone)."""
        query = select(quiz_attempts).order_by(quiz_attempts.c.id)
        if trainee_ids is not None:
            query = query.where(quiz_attempts.c.trainee_id.in_(trainee_ids))
        with self._read() as conn:  # what kamkit wrote, validated then: read back as is
            return [_quiz_attempt(row)
                    for row in conn.execute(query.with_only_columns(*_QUIZ_COLUMNS))]

    # -- what changed: a stamp per trainee ---------------------------------------------------------

    def person_stamps(self) -> dict[int, tuple[int, ...]]:
        """trainee id -> a stamp of everything their person record is made of (the newest id
        and the count of their ratings, quiz attempts, plans, case checks and reviews): the
        same stamp, the same record. Five grouped reads, whatever the number of trainees."""
        out: dict[int, list[int]] = {}
        per_trainee = ((competency_ratings, competency_ratings.c.trainee_id),
                       (quiz_attempts, quiz_attempts.c.trainee_id),
                       (development_plans, development_plans.c.trainee_id))
        with self._read() as conn:
            for n, (table, who) in enumerate(per_trainee):
                for tid, newest, count in conn.execute(
                        select(who, func.max(table.c.id), func.count()).group_by(who)):
                    out.setdefault(tid, [0] * 12)[2 * n:2 * n + 2] = [newest, count]
            for n, table in ((3, attempts), (4, reviews)):
                query = (select(accounts.c.trainee_id, func.max(table.c.id), func.count())
                         .select_from(table.join(accounts, accounts.c.id == table.c.account_id))
                         .group_by(accounts.c.trainee_id))
                for tid, newest, count in conn.execute(query):
                    out.setdefault(tid, [0] * 12)[2 * n:2 * n + 2] = [newest, count]
            # an erasure rewrites ratings and plans in place: it counts on the accounts
            for tid, erased in conn.execute(
                    select(accounts.c.trainee_id, func.sum(accounts.c.erasures))
                    .group_by(accounts.c.trainee_id)):
                if erased:
                    out.setdefault(tid, [0] * 12)[10] = erased
        return {tid: tuple(stamp) for tid, stamp in out.items()}

    # -- person records kept for the dashboard ------------------------------------------------

    def kept_people(self, trainee_ids: list[int] | None = None
                    ) -> dict[int, tuple[str, str, str]]:
        """trainee id -> (stamp, fingerprint, record JSON) of the person records kept (of some
        trainees, or of everyone): `kamkit.people_kept` says what they mean."""
        query = select(person_figures.c.trainee_id, person_figures.c.stamp,
                       person_figures.c.fingerprint, person_figures.c.data)
        with self._read() as conn:
            if trainee_ids is None:
                return {tid: (stamp, under, data) for tid, stamp, under, data
                        in conn.execute(query)}
            out = {}
            for i in range(0, len(trainee_ids), _CHUNK):
                out.update({tid: (stamp, under, data) for tid, stamp, under, data
                            in conn.execute(query.where(person_figures.c.trainee_id.in_(
                                trainee_ids[i:i + _CHUNK])))})
            return out

    def keep_people(self, rows: list[tuple[int, str, str, str]]) -> None:
        """Keep (trainee id, stamp, fingerprint, record JSON) rows, replacing older ones."""
        if not rows:
            return
        ids = [r[0] for r in rows]
        with self._write() as conn:
            for i in range(0, len(ids), _CHUNK):
                conn.execute(person_figures.delete().where(
                    person_figures.c.trainee_id.in_(ids[i:i + _CHUNK])))
            conn.execute(person_figures.insert(), [
                {"trainee_id": t, "stamp": s, "fingerprint": f, "data": d}
                for t, s, f, d in rows])

    # -- a cohort's after-round -------------------------------------------------------------------

    def open_after_round(self, cohort: str, at: dt.datetime | None = None) -> dt.datetime:
        """Open the competency after-round for a cohort (once: opening it again keeps the first
        date); when it opened."""
        with self._write() as conn:
            named = conn.execute(select(func.count()).select_from(trainees).where(
                trainees.c.cohort == cohort)).scalar()
            row = conn.execute(select(cohorts).where(cohorts.c.name == cohort)
                               ).mappings().first()
            if row is None and not named:
                raise NotFound(f"No cohort called '{cohort}'.")
            if row is not None and row["after_round_at"] is not None:
                return utc(row["after_round_at"])  # type: ignore[return-value]
            when = at or _now()
            if row is None:
                conn.execute(cohorts.insert().values(name=cohort, after_round_at=when))
            else:
                conn.execute(cohorts.update().where(cohorts.c.name == cohort)
                             .values(after_round_at=when))
        return when

    def after_round_opened(self, cohort: str | None) -> dt.datetime | None:
        """When the cohort's after-round opened (None: not yet, or no cohort)."""
        if cohort is None:
            return None
        with self._read() as conn:
            when = conn.execute(select(cohorts.c.after_round_at).where(
                cohorts.c.name == cohort)).scalar()
        return utc(when)


def _link(row: Any) -> RaterLink:
    return RaterLink.model_validate({k: row[k] for k in (
        "id", "trainee_id", "round", "peer_name")} | {
        k: utc(row[k]) for k in ("created_at", "expires_at", "revoked_at")})


_QUIZ_COLUMNS = (quiz_attempts.c.id, quiz_attempts.c.trainee_id, quiz_attempts.c.quiz,
                 quiz_attempts.c.attempt, quiz_attempts.c.score, quiz_attempts.c.passed,
                 quiz_attempts.c.answers, quiz_attempts.c.at)


def _quiz_attempt(row: Any) -> QuizAttempt:
    id_, tid, quiz, attempt, score, passed, answers, at = row
    return trusted(QuizAttempt, {
        "id": id_, "trainee_id": tid, "quiz": quiz, "attempt": attempt, "score": score,
        "passed": bool(passed), "answers": json.loads(answers), "at": utc(at)})


def _rating_set(row: Any) -> RatingSet:
    # what kamkit wrote, validated then (and by the import): read back as is - a dashboard
    # reads thousands
    data = json.loads(row["data"])
    ratings = trusted(CompetencyRatings, {
        "levels": data.get("levels", {}), "examples": data.get("examples", {}),
        "comment": data.get("comment", "")})
    return trusted(RatingSet, {
        "trainee_id": row["trainee_id"], "round": row["round"], "rater": row["rater"],
        "rater_name": row["rater_name"], "link_id": row["link_id"] or None,
        "version": row["version"], "saved_at": utc(row["saved_at"]), "ratings": ratings})
