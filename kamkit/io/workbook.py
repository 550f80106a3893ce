"""One trainee's whole workbook as a JSON file: every account and every saved version of every
step - and the trainee as a person: every version of their competency ratings (their own, their
manager's, their peers' by name), of their development plan, their peers' links (never a token)
and their quiz attempts - and, per account, every case-study check ("Check my answers") and
every manager's review (rubric rating, comment, status), oldest first - so work can move
between machines or be archived. A peer's link comes in withdrawn: no old link works after a
move.

The file carries a SHA-256 checksum of its content. It is an integrity check, not a signature: it
catches a truncated download or a hand edit, and import then refuses the whole file. Import
validates everything before it writes anything, and writes in one transaction - all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from kamkit.competency import DevelopmentPlan, QuizAttempt, RaterLink, RatingSet
from kamkit.competency_content import Rater, Round
from kamkit.errors import ImportRefused, InvalidInput, KamkitError
from kamkit.frameworks import default_framework
from kamkit.models import Account, Attempt, Review, Trainee, parse
from kamkit.people import keep_person_records
from kamkit.privacy import (
    Pseudonyms,
    Raters,
    pseudonymise_link,
    pseudonymise_plan,
    pseudonymise_ratings,
    scoped_text,
)
from kamkit.report import pseudonymised_versions
from kamkit.steps import document_model
from kamkit.store import DocumentVersion, Store
from kamkit.store_privacy import PersonHistory, PlanVersion
from kamkit.text_limits import field_type, narrowed

__all__ = ["FORMAT", "FORMAT_VERSION", "READS", "export_trainee", "dumps", "import_workbook",
           "Book"]

FORMAT = "kamkit-workbook"
#: 2: a saved version may be marked `stale` (saved from a page left behind; never current).
#: 3: the trainee as a person (`person`: ratings, development plans, peers' links, quiz).
#: 4: per account, its case-study checks (`attempts`) and its managers' reviews (`reviews`).
#: An older kamkit refuses a newer format rather than import part of it as the whole.
FORMAT_VERSION = 4
READS = (1, 2, 3, 4)  # 1 has no stale versions; 1, 2 no person; 1-3 no checks


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_trainee(store: Store, trainee_id: int, *,
                   pseudonymise: bool = False) -> dict[str, Any]:
    """Everything one trainee has done, as a JSON-ready dict with its checksum. With
    `pseudonymise`, the customer's people under pseudonyms in every version, and the managers
    and peers who rated the trainee under theirs - a reviewer is a manager - their names
    replaced in what the ratings, the plan and the reviews' comments say too
    (`kamkit.privacy`); the file says so, and imports like any other."""
    from kamkit import __version__

    trainee = store.get_trainee(trainee_id)
    pseudonyms = Pseudonyms() if pseudonymise else None
    history = store.get_person_history(trainee_id)
    accounts = list(reversed(store.list_accounts(trainee_id)))  # oldest first
    scopes = [str(account.id) for account in accounts]
    checks = {a.id: store.list_attempts(account_id=a.id) for a in accounts}
    reviews = {a.id: store.list_reviews(a.id) for a in accounts}  # type: ignore[arg-type]
    raters = None
    if pseudonyms is not None:  # every colleague learned before any text is rewritten
        raters = Raters()
        raters.learn(history.ratings, history.links)
        for review in (r for rs in reviews.values() for r in rs):
            raters.of("manager", review.reviewer)
    books = []
    for account in accounts:
        saved = {step: store.list_versions(account.id, step)  # type: ignore[arg-type]
                 for step in sorted(store.list_steps_saved(account.id))}  # type: ignore
        said = reviews[account.id]
        if pseudonyms is not None and raters is not None:
            saved = _pseudonymised(saved, pseudonyms, str(account.id))
            said = [_pseudonymised_review(r, raters, pseudonyms, str(account.id))
                    for r in said]
        docs = {step: [v.model_dump(mode="json") for v in versions]
                for step, versions in saved.items()}
        books.append(account.model_dump(mode="json", exclude={"id", "trainee_id"})
                     | {"documents": docs,
                        "attempts": [a.model_dump(mode="json", exclude={"id", "account_id"})
                                     for a in checks[account.id]],
                        "reviews": [r.model_dump(mode="json", exclude={"id", "account_id"})
                                    for r in said]})
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kamkit_version": __version__,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "trainee": trainee.model_dump(mode="json", exclude={"id"}),
        "accounts": books,
        "person": _person(history, pseudonyms, raters, scopes),
    } | ({"pseudonymised": True} if pseudonymise else {})
    return body | {"checksum": _checksum(body)}


_WHEN = TypeAdapter(dt.datetime)


def _person(history: PersonHistory, pseudonyms: Pseudonyms | None, raters: Raters | None,
            scopes: Sequence[str]) -> dict[str, Any]:
    """The trainee's record as a person, for the file: a peer's ratings point at their link
    by its place in `rater_links`; no link carries its token or hash."""
    if pseudonyms is not None and raters is not None:
        also = scoped_text(pseudonyms, scopes)
        history = PersonHistory(
            ratings=[pseudonymise_ratings(s, raters, also) for s in history.ratings],
            plans=[PlanVersion(p.version, p.saved_at, pseudonymise_plan(p.plan, raters, also))
                   for p in history.plans],
            links=[pseudonymise_link(link, raters) for link in history.links],
            quiz=history.quiz)
    place = {link.id: n for n, link in enumerate(history.links)}
    return {
        "ratings": [s.model_dump(mode="json", exclude={"trainee_id", "link_id"})
                    | {"link": place.get(s.link_id) if s.link_id is not None else None}
                    for s in history.ratings],
        "development_plans": [{"version": p.version, "saved_at": _WHEN.dump_python(
                               p.saved_at, mode="json"), "plan": p.plan.model_dump(mode="json")}
                              for p in history.plans],
        "rater_links": [link.model_dump(mode="json", exclude={"id", "trainee_id"})
                        for link in history.links],
        "quiz_attempts": [q.model_dump(mode="json", exclude={"id", "trainee_id"})
                          for q in history.quiz],
    }


def _pseudonymised(saved: dict[str, list[DocumentVersion]], pseudonyms: Pseudonyms,
                   scope: str) -> dict[str, list[DocumentVersion]]:
    """The versions with only their data pseudonymised: everything else a version carries
    goes into the file as it is."""
    shown = pseudonymised_versions({step: [(v.version, v.saved_at, v.data) for v in versions]
                                    for step, versions in saved.items()}, pseudonyms, scope)
    return {step: [v.model_copy(update={"data": data})
                   for v, (_, _, data) in zip(versions, shown[step], strict=True)]
            for step, versions in saved.items()}


_COMMENT = narrowed(field_type(Review.model_fields["comment"]), "")[1]


def _pseudonymised_review(review: Review, raters: Raters, pseudonyms: Pseudonyms,
                          scope: str) -> Review:
    """A manager's review under pseudonyms: the reviewer as the manager they are ("Manager N",
    the same as in their ratings), and in the comment every colleague's name and the account's
    customer people replaced, as in the report handed on. Rating and status stay."""
    comment = pseudonyms.text(scope, raters.text(review.comment, _COMMENT), _COMMENT)
    return review.model_copy(update={"reviewer": raters.of("manager", review.reviewer),
                                     "comment": comment})


def dumps(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


class _Book(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    case_id: str | None = None  # files written before case studies have none
    created_at: dt.datetime
    updated_at: dt.datetime
    documents: dict[str, list[DocumentVersion]]
    attempts: list[dict[str, Any]] = Field(default_factory=list)  # before format 4: none
    reviews: list[dict[str, Any]] = Field(default_factory=list)


def import_workbook(store: Store, text: str | bytes, keep_login: bool = False) -> Trainee:
    """Check a workbook file completely, then add it to the store as a new trainee.

    The trainee comes without the file's login unless `keep_login`: a login makes the workbook
    that OS or JupyterHub user's own, and a file must not choose whose it becomes - the
    facilitator does (`kamkit import --keep-login`).

    Raises ImportRefused (store unchanged) for a file that is not JSON, not a kamkit workbook,
    altered since export, or holding any invalid answer.
    """
    bundle = _loaded(text)
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ImportRefused("This file is not a kamkit workbook export.")
    if bundle.get("format_version") not in READS:
        raise ImportRefused(f"This workbook file uses format {bundle.get('format_version')!r}; "
                            f"this kamkit reads formats {READS[0]} to {READS[-1]}.")
    body = {k: v for k, v in bundle.items() if k != "checksum"}
    try:
        checksum = _checksum(body)
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): JSON allows it, UTF-8 cannot
        raise ImportRefused("This file holds text that is not valid Unicode, so it was not "
                            "written by kamkit; it may be damaged. Export it again.") from None
    if bundle.get("checksum") != checksum:
        raise ImportRefused("This workbook file was changed after it was exported (its checksum "
                            "does not match), so kamkit will not import it. Export it again.")
    trainee, books = _validated(body)
    person = _validated_person(body.get("person"))
    if not keep_login:
        trainee = trainee.model_copy(update={"login": None})
    try:
        restored = store.restore_trainee(trainee, books, person)
    except InvalidInput as exc:
        raise ImportRefused(str(exc)) from None
    # their record as a person kept, as their accounts' figures are: the dashboard reads both
    keep_person_records(store, default_framework(), [restored.id],  # type: ignore[list-item]
                        cohort=restored.cohort)
    return restored


def _loaded(text: str | bytes) -> Any:
    """The file's JSON, or ImportRefused saying why it cannot be read."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        reason = f"line {exc.lineno}"
    except RecursionError:
        reason = "nested too deeply"
    except UnicodeDecodeError:
        reason = "not UTF-8 text"
    except ValueError as exc:  # json reads integers through int(), which stops at 4300 digits
        reason = "a number with too many digits" if "digits" in str(exc) else "an unreadable value"
    raise ImportRefused(f"This file is not readable JSON ({reason}); it may be damaged or not "
                        "a kamkit workbook.")


Book = tuple[Account, dict[str, list[DocumentVersion]], list[Attempt], list[Review]]


def _validated(body: dict[str, Any]) -> tuple[Trainee, list[Book]]:
    where = "the trainee"
    try:
        trainee = parse(Trainee, body.get("trainee"))
        books = []
        raw_books = body.get("accounts")
        if not isinstance(raw_books, list):
            raise InvalidInput("Accounts are missing.")
        for raw in raw_books:
            where = f"account {raw.get('name')!r}" if isinstance(raw, dict) else "an account"
            try:
                book = _Book.model_validate(raw)
            except ValidationError as exc:
                raise InvalidInput(exc.errors()[0]["msg"]) from None
            account = parse(Account, {"trainee_id": 0, "name": book.name,
                                      "case_id": book.case_id,
                                      "created_at": book.created_at,
                                      "updated_at": book.updated_at})
            for step, versions in book.documents.items():
                numbers = [v.version for v in versions]
                # gaps are fine: the retention setting prunes old versions
                if numbers != sorted(set(numbers)) or (numbers and numbers[0] < 1):
                    raise InvalidInput(f"step '{step}' has versions {numbers}, expected "
                                       "increasing numbers from 1 up")
                for v in versions:
                    where = f"account {book.name!r}, step '{step}', version {v.version}"
                    parse(document_model(step), v.data)
            checks = _checks(book, f"account {book.name!r}")
            said = _reviews(book, f"account {book.name!r}")
            books.append((account, book.documents, checks, said))
    except _Where as exc:
        raise ImportRefused(f"Nothing was imported: {exc}") from None
    except KamkitError as exc:
        raise ImportRefused(f"Nothing was imported: {where}: {exc}") from None
    return trainee, books


_STEP = 40  # the store's columns
_CASE = 60


class _Where(KamkitError):
    """A fault in one entry of a list, naming the entry."""


def _checks(book: _Book, account: str) -> list[Attempt]:
    """The account's case-study checks, each as the store keeps it (oldest first)."""
    out, taken = [], set()
    for n, data in enumerate(book.attempts):
        where = f"{account}, case-study check {n + 1}"
        try:
            if not isinstance(data, dict) or {"id", "account_id"} & data.keys():
                raise InvalidInput("it is not a check as kamkit writes one")
            check = parse(Attempt, {**data, "account_id": 0})
            if len(check.step) > _STEP or len(check.case_id) > _CASE:
                raise InvalidInput(f"a step's id has at most {_STEP} characters, a case's "
                                   f"{_CASE}")
            if check.attempt > _NUMBER or check.hints > _NUMBER:
                raise InvalidInput(f"numbers must be at most {_NUMBER}")
            if (check.step, check.attempt) in taken:
                raise InvalidInput(f"attempt {check.attempt} of step '{check.step}' is there "
                                   "twice")
        except KamkitError as exc:
            raise _Where(f"{where}: {exc}") from None
        taken.add((check.step, check.attempt))
        out.append(check.model_copy(update={"at": _utc(check.at)}))
    return out


def _reviews(book: _Book, account: str) -> list[Review]:
    """The account's reviews, every one, each of a version the account has saved."""
    out = []
    for n, data in enumerate(book.reviews):
        where = f"{account}, review {n + 1}"
        try:
            if not isinstance(data, dict) or {"id", "account_id"} & data.keys():
                raise InvalidInput("it is not a review as kamkit writes one")
            review = parse(Review, {**data, "account_id": 0})
            saved = [v.version for v in book.documents.get(review.step, []) if not v.stale]
            if not saved or review.doc_version > max(saved):
                raise InvalidInput(f"it reviews version {review.doc_version} of step "
                                   f"'{review.step}', which the account has not saved")
        except KamkitError as exc:
            raise _Where(f"{where}: {exc}") from None
        out.append(review.model_copy(update={"reviewed_at": _utc(review.reviewed_at)}))
    return out


# -- the trainee as a person (format 3) ----------------------------------------------------------

_QUIZ_ID = 60  # the store's column
_NUMBER = 2**31 - 1  # the largest version or attempt number every database keeps


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class _Rating(_Strict):
    round: Round
    rater: Rater
    rater_name: str = ""
    link: int | None = Field(default=None, ge=0)  # a peer's: their link's place in rater_links
    version: int = Field(ge=1, le=_NUMBER)
    saved_at: dt.datetime
    ratings: dict[str, Any]


class _Plan(_Strict):
    version: int = Field(ge=1, le=_NUMBER)
    saved_at: dt.datetime
    plan: dict[str, Any]


class _Person(_Strict):
    ratings: list[_Rating] = Field(default_factory=list)
    development_plans: list[_Plan] = Field(default_factory=list)
    rater_links: list[dict[str, Any]] = Field(default_factory=list)
    quiz_attempts: list[dict[str, Any]] = Field(default_factory=list)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """A time the file gave without a zone is UTC, as kamkit writes every time."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=dt.timezone.utc)


def _validated_person(raw: Any) -> PersonHistory | None:
    """The file's record of the trainee as a person, checked whole (None in a file from
    before there was one): ImportRefused naming the first thing wrong."""
    if raw is None:
        return None
    where = "the trainee's record as a person"
    try:
        person = parse(_Person, raw)
        links = []
        for n, data in enumerate(person.rater_links):
            where = f"peer's link {n + 1}"
            link = parse(RaterLink, {**data, "id": n, "trainee_id": 0})
            links.append(link.model_copy(update={
                k: _utc(getattr(link, k)) for k in ("created_at", "expires_at", "revoked_at")}))
        ratings, seen = [], {}
        for r in person.ratings:
            where = f"the {r.rater}'s ratings ({r.round}), version {r.version}"
            if (r.rater == "peer") != (r.link is not None):
                raise InvalidInput("a peer's ratings come through their link, and only a "
                                   "peer's")
            if r.link is not None and (r.link >= len(links) or links[r.link].round != r.round):
                raise InvalidInput("it points at no peer's link of that round")
            rated = parse(RatingSet, {
                "trainee_id": 0, "round": r.round, "rater": r.rater, "rater_name": r.rater_name,
                "link_id": r.link, "version": r.version, "saved_at": _utc(r.saved_at),
                "ratings": r.ratings})
            key = (rated.round, rated.rater, rated.rater_name, rated.link_id)
            if rated.version <= seen.get(key, 0):
                raise InvalidInput("versions must increase")
            seen[key] = rated.version
            ratings.append(rated)
        plans, last = [], 0
        for p in person.development_plans:
            where = f"development plan version {p.version}"
            if p.version <= last:
                raise InvalidInput("versions must increase")
            last = p.version
            plans.append(PlanVersion(p.version, _utc(p.saved_at),  # type: ignore[arg-type]
                                     parse(DevelopmentPlan, p.plan)))
        quiz, taken = [], set()
        for n, data in enumerate(person.quiz_attempts):
            where = f"quiz attempt {n + 1}"
            attempt = parse(QuizAttempt, {**data, "trainee_id": 0})
            if len(attempt.quiz) > _QUIZ_ID:
                raise InvalidInput(f"a quiz's id has at most {_QUIZ_ID} characters")
            if attempt.attempt > _NUMBER:
                raise InvalidInput(f"attempt must be at most {_NUMBER}")
            if (attempt.quiz, attempt.attempt) in taken:
                raise InvalidInput(f"attempt {attempt.attempt} of '{attempt.quiz}' is there "
                                   "twice")
            taken.add((attempt.quiz, attempt.attempt))
            quiz.append(attempt.model_copy(update={"at": _utc(attempt.at)}))
    except KamkitError as exc:
        raise ImportRefused(f"Nothing was imported: {where}: {exc}") from None
    return PersonHistory(ratings=ratings, plans=plans, links=links, quiz=quiz)
