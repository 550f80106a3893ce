"""What kamkit keeps about the customer's people, handled in one place: finding them in a
document, a document without some of them (erasure), and a document with each of them under a
pseudonym (exports a manager hands on - and later a QBR pack).

Nothing here knows a step. The models mark how a field concerns a person (`kamkit.models.
personal`): a model marked "person" is one person of the customer, whose `id` names them within
an account; "name" and "email" identify them; "about" is free text about them; "ref" points at a
person by id. Any document - kamkit's own steps or another package's - is handled by walking its
fields by those marks; free text anywhere else is searched for the people's full names and
emails. Pure functions on pydantic models: no store, no widgets.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

__all__ = ["Person", "people", "matches", "Traces", "traces", "without_people", "scrub",
           "Pseudonyms", "pseudonymise", "pseudonymise_all", "REMOVED"]

#: What stands where erased or withheld text was.
REMOVED = "[removed]"
#: A replacement may make a text longer; it is cut to this length (kamkit's shortest text limit,
#: a name's) or the original's, whichever is longer - so a valid text stays valid.
_ROOM = 120

_M = TypeVar("_M", bound=BaseModel)
_DROP = object()  # "leave this item out": a person erased, or a link that pointed at them


@dataclass(frozen=True)
class Person:
    """One customer person as a document names them."""

    id: str
    name: str
    email: str

    @property
    def words(self) -> set[str]:
        """The texts that identify them in free text: full name and email."""
        return {w for w in (self.name.strip(), self.email.strip()) if w}

    @property
    def surname(self) -> str | None:
        """The last word of a name of two words or more (a first name alone is too common a
        word to look for)."""
        words = self.name.split()
        return words[-1] if len(words) > 1 and len(words[-1]) >= 3 else None


def _mark(extra: Any) -> str | None:
    return extra.get("personal") if isinstance(extra, dict) else None


def _is_person(model: BaseModel) -> bool:
    return _mark(type(model).model_config.get("json_schema_extra")) == "person"


def _marked(model: BaseModel, kind: str) -> list[str]:
    return [name for name, info in type(model).model_fields.items()
            if _mark(info.json_schema_extra) == kind]


def _as_person(model: BaseModel) -> Person:
    def first(kind: str) -> str:
        return next((str(getattr(model, n) or "") for n in _marked(model, kind)), "")

    return Person(str(getattr(model, "id", "")), first("name"), first("email"))


def _each_model(value: Any) -> Iterable[BaseModel]:
    if isinstance(value, BaseModel):
        yield value
        for name in type(value).model_fields:
            yield from _each_model(getattr(value, name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _each_model(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _each_model(item)


def people(doc: BaseModel) -> list[Person]:
    """Every customer person in the document, at any depth, in order."""
    return [_as_person(m) for m in _each_model(doc) if _is_person(m)]


def matches(person: Person, who: str, by_id: bool = False) -> bool:
    """Is `who` this person - their name or email (any case), or with `by_id` their id?"""
    wanted = who.strip().casefold()
    return bool(wanted) and (wanted in {w.casefold() for w in person.words}
                             or (by_id and who.strip() == person.id))


# -- the walk ----------------------------------------------------------------------------------

class _Edit:
    """What a walk does: to each person (field updates, or None to leave them out), to free
    text, and to a reference to a person (is that person gone?)."""

    def person(self, model: BaseModel, who: Person) -> dict[str, Any] | None:
        return {}

    def text(self, value: str) -> str:
        return value

    def gone(self, pid: str) -> bool:
        return False


def _walk(value: Any, kind: str | None, edit: _Edit) -> Any:
    if isinstance(value, BaseModel):
        return _walk_model(value, edit)
    if isinstance(value, list | tuple):
        items = [_walk(v, kind, edit) for v in value]
        return type(value)(v for v in items if v is not _DROP)
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if kind == "ref" and edit.gone(str(key)):  # an entry keyed by a person gone
                continue
            new = _walk(item, None if kind == "ref" else kind, edit)
            if new is not _DROP:
                out[key] = new
        return out
    if isinstance(value, str):
        if kind == "ref":
            return _DROP if edit.gone(value) else value
        return edit.text(value)
    return value


def _walk_model(model: BaseModel, edit: _Edit) -> Any:
    update: dict[str, Any] = {}
    if _is_person(model):
        found = edit.person(model, _as_person(model))
        if found is None:
            return _DROP
        update.update(found)
    for name, info in type(model).model_fields.items():
        if name in update:  # a person's own name, email or notes: already decided
            continue
        old = getattr(model, name)
        new = _walk(old, _mark(info.json_schema_extra), edit)
        if new is _DROP:
            if info.is_required():  # e.g. a link to the person: it goes with them
                return _DROP
            new = _default(info)
        if new != old:
            update[name] = new
    return model.model_copy(update=update) if update else model


def _default(info: FieldInfo) -> Any:
    return info.get_default(call_default_factory=True)


class _Words:
    """Finds whole words and phrases and puts a replacement in their place: in any case, or
    (`as_written`) only as written - a surname, not the same word in lower case."""

    def __init__(self, replacements: Mapping[str, str], as_written: bool = False) -> None:
        fold = (lambda w: w) if as_written else str.casefold
        self._fold = fold
        self._by = {fold(k.strip()): v for k, v in replacements.items() if k.strip()}
        alternatives = "|".join(re.escape(k) for k in sorted(self._by, key=len, reverse=True))
        flags = 0 if as_written else re.IGNORECASE
        self._pattern = (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", flags)
                         if self._by else None)

    def __call__(self, text: str) -> str:
        if self._pattern is None or not text:
            return text
        new = self._pattern.sub(lambda m: self._by[self._fold(m.group(0))], text)
        return new if new == text else new[:max(len(text), _ROOM)]


# -- erasure -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Traces:
    """How erased people show in free text: their full names and emails (any case), and their
    surnames as written - unless someone kept in the account shares the word. A first name
    alone is too common to find safely; it stays."""

    any_case: frozenset[str]
    as_written: frozenset[str] = frozenset()

    @cached_property
    def _finders(self) -> tuple[_Words, _Words]:
        return (_Words({w: REMOVED for w in self.any_case}),
                _Words({w: REMOVED for w in self.as_written}, as_written=True))

    def scrub(self, text: str) -> str:
        """`text` with every whole occurrence of the traces replaced by "[removed]"."""
        for finder in self._finders:
            text = finder(text)
        return text


def traces(gone: Iterable[Person], kept: Iterable[Person] = ()) -> Traces:
    """The traces of the people `gone`; `kept` are everyone else in the account (any version),
    whose names must not be cut into."""
    gone = list(gone)
    shared = {word for p in kept for word in p.name.split()}
    return Traces(frozenset().union(*(p.words for p in gone)),
                  frozenset(p.surname for p in gone if p.surname and p.surname not in shared))


def scrub(text: str, found: Traces) -> str:
    """`text` without the traces of erased people (a manager's comment, say)."""
    return found.scrub(text)


class _Erase(_Edit):
    def __init__(self, ids: set[str], found: Traces) -> None:
        self._ids, self._found = ids, found

    def person(self, model: BaseModel, who: Person) -> dict[str, Any] | None:
        return None if who.id in self._ids else {}

    def text(self, value: str) -> str:
        return self._found.scrub(value)

    def gone(self, pid: str) -> bool:
        return pid in self._ids


def without_people(doc: _M, ids: Iterable[str], found: Traces | None = None) -> _M:
    """The document without the people `ids`, without anything that pointed at them (reports-to
    and influence lines, relationships, entries keyed by their id), and with their traces
    (`traces`: names, emails) taken out of every free text. Validated as a whole."""
    edited = _walk_model(doc, _Erase(set(ids), found or Traces(frozenset())))
    if edited is _DROP:  # the document itself is one of the people
        return type(doc)()
    return type(doc).model_validate(edited.model_dump())


# -- pseudonyms --------------------------------------------------------------------------------

class Pseudonyms:
    """The pseudonyms of one export: the same person has the same "Person N" wherever they
    appear - every version, every step, every sheet - numbered in the order first met.

    `scope` is the account a document belongs to (people's ids are an account's own). Within
    it a person is known by their id, their email or their name, so someone renamed, or removed
    and added again, keeps their pseudonym; across accounts by their email. Learn every
    document of an account before pseudonymising any (`learn`), so a name in one step's text is
    replaced even when the person is met in another step.
    """

    def __init__(self, label: str = "Person") -> None:
        self.label = label
        self._by: dict[tuple[str, ...], str] = {}
        self._count = 0
        self._words: dict[str, dict[str, str]] = {}          # scope -> name or email -> said
        self._names: dict[str, dict[str, set[str]]] = {}     # scope -> word of a name -> whose
        self._surnames: dict[str, dict[str, str]] = {}       # scope -> surname -> pseudonym
        self._finders: dict[str, tuple[_Words, _Words]] = {}

    def learn(self, scope: str, *docs: BaseModel) -> None:
        for doc in docs:
            for who in people(doc):
                self.of(scope, who)

    def of(self, scope: str, who: Person) -> str:
        """The person's pseudonym (a new one the first time they are met). A role not yet
        filled - no name, no email - takes no number until someone is named in it."""
        keys = [("id", scope, who.id)]
        if not who.words:
            return self._by.get(keys[0], "")
        if who.email.strip():
            keys.append(("email", who.email.strip().casefold()))
        if who.name.strip():
            keys.append(("name", scope, who.name.strip().casefold()))
        found = next((self._by[k] for k in keys if k in self._by), None)
        if found is None:
            self._count += 1
            found = f"{self.label} {self._count}"
        for key in keys:
            self._by.setdefault(key, found)
        words = self._words.setdefault(scope, {})
        for word, said in ((who.name, found), (who.email, self.email(found))):
            if word.strip() and word.strip().casefold() not in words:
                words[word.strip().casefold()] = said
                self._finders.pop(scope, None)
        for word in who.name.split():
            whose = self._names.setdefault(scope, {}).setdefault(word, set())
            if found not in whose:
                whose.add(found)
                self._finders.pop(scope, None)
        if who.surname:
            self._surnames.setdefault(scope, {}).setdefault(who.surname, found)
        return found

    @staticmethod
    def email(pseudonym: str) -> str:
        """The placeholder email of a pseudonym ("person-3@example.invalid")."""
        return f"{pseudonym.lower().replace(' ', '-')}@example.invalid"

    def text(self, scope: str, value: str) -> str:
        """Free text with the full names and emails of the scope's people replaced, and their
        surnames (as written) where no one else in the scope has the word in their name."""
        finders = self._finders.get(scope)
        if finders is None:
            names = self._names.get(scope, {})
            surnames = {word: said for word, said in self._surnames.get(scope, {}).items()
                        if names.get(word) == {said}}
            finders = self._finders[scope] = (_Words(self._words.get(scope, {})),
                                              _Words(surnames, as_written=True))
        for finder in finders:
            value = finder(value)
        return value


class _Pseudonymise(_Edit):
    def __init__(self, pseudonyms: Pseudonyms, scope: str) -> None:
        self._p, self._scope = pseudonyms, scope

    def person(self, model: BaseModel, who: Person) -> dict[str, Any] | None:
        said = self._p.of(self._scope, who)
        update: dict[str, Any] = {}
        for kind, value in (("name", said), ("email", Pseudonyms.email(said)),
                            ("about", REMOVED)):
            for name in _marked(model, kind):
                if getattr(model, name):  # an empty field stays empty: nothing was written
                    update[name] = value
        return update

    def text(self, value: str) -> str:
        return self._p.text(self._scope, value)


def pseudonymise(doc: _M, pseudonyms: Pseudonyms, scope: str) -> _M:
    """The document with each customer person under their pseudonym: name "Person N", email a
    placeholder, free text about them withheld ("[removed]"), and their names and emails in
    any other text replaced. Titles, levels, roles and ratings stay: they are the analysis."""
    pseudonyms.learn(scope, doc)
    return _walk_model(doc, _Pseudonymise(pseudonyms, scope))  # type: ignore[no-any-return]


def pseudonymise_all(docs: Sequence[_M], pseudonyms: Pseudonyms, scope: str) -> list[_M]:
    """`pseudonymise` for several documents of one account (its steps, its saved versions),
    every one learned first: a name in one document's text is replaced even when the person is
    met only in another."""
    pseudonyms.learn(scope, *docs)
    return [pseudonymise(doc, pseudonyms, scope) for doc in docs]
