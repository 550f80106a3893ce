"""One trainee's whole workbook as a JSON file: every account and every saved version of every
step, so work can move between machines or be archived.

The file carries a SHA-256 checksum of its content. It is an integrity check, not a signature: it
catches a truncated download or a hand edit, and import then refuses the whole file. Import
validates everything before it writes anything, and writes in one transaction - all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from kamkit.errors import ImportRefused, InvalidInput, KamkitError
from kamkit.models import Account, Trainee, parse
from kamkit.privacy import Pseudonyms
from kamkit.report import pseudonymised_versions
from kamkit.steps import document_model
from kamkit.store import DocumentVersion, Store

__all__ = ["FORMAT", "FORMAT_VERSION", "READS", "export_trainee", "dumps", "import_workbook"]

FORMAT = "kamkit-workbook"
#: 2: a saved version may be marked `stale` (saved from a page left behind; never current).
#: An older kamkit refuses it rather than take such a version for the latest.
FORMAT_VERSION = 2
READS = (1, 2)  # format 1 has no stale versions


def _checksum(body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def export_trainee(store: Store, trainee_id: int, *,
                   pseudonymise: bool = False) -> dict[str, Any]:
    """Everything one trainee has done, as a JSON-ready dict with its checksum. With
    `pseudonymise`, the customer's people under pseudonyms in every version
    (`kamkit.privacy`); the file says so, and imports like any other."""
    from kamkit import __version__

    trainee = store.get_trainee(trainee_id)
    pseudonyms = Pseudonyms() if pseudonymise else None
    books = []
    for account in reversed(store.list_accounts(trainee_id)):  # oldest first
        saved = {step: store.list_versions(account.id, step)  # type: ignore[arg-type]
                 for step in sorted(store.list_steps_saved(account.id))}  # type: ignore
        if pseudonyms is not None:
            saved = _pseudonymised(saved, pseudonyms, str(account.id))
        docs = {step: [v.model_dump(mode="json") for v in versions]
                for step, versions in saved.items()}
        books.append(account.model_dump(mode="json", exclude={"id", "trainee_id"})
                     | {"documents": docs})
    body = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kamkit_version": __version__,
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "trainee": trainee.model_dump(mode="json", exclude={"id"}),
        "accounts": books,
    } | ({"pseudonymised": True} if pseudonymise else {})
    return body | {"checksum": _checksum(body)}


def _pseudonymised(saved: dict[str, list[DocumentVersion]], pseudonyms: Pseudonyms,
                   scope: str) -> dict[str, list[DocumentVersion]]:
    """The versions with only their data pseudonymised: everything else a version carries
    goes into the file as it is."""
    shown = pseudonymised_versions({step: [(v.version, v.saved_at, v.data) for v in versions]
                                    for step, versions in saved.items()}, pseudonyms, scope)
    return {step: [v.model_copy(update={"data": data})
                   for v, (_, _, data) in zip(versions, shown[step], strict=True)]
            for step, versions in saved.items()}


def dumps(bundle: dict[str, Any]) -> str:
    return json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"


class _Book(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    case_id: str | None = None  # files written before case studies have none
    created_at: dt.datetime
    updated_at: dt.datetime
    documents: dict[str, list[DocumentVersion]]


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
    if not keep_login:
        trainee = trainee.model_copy(update={"login": None})
    try:
        return store.restore_trainee(trainee, books)
    except InvalidInput as exc:
        raise ImportRefused(str(exc)) from None


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


def _validated(body: dict[str, Any]) -> tuple[Trainee, list[tuple[Account, dict[str, Any]]]]:
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
            books.append((account, book.documents))
    except KamkitError as exc:
        raise ImportRefused(f"Nothing was imported: {where}: {exc}") from None
    return trainee, books
