"""What kamkit keeps about the customer's people, handled in one place: finding them in a
document, a document without some of them (erasure), and a document with each of them under a
pseudonym (exports a manager hands on - and later a QBR pack).

Nothing here knows a step. The models mark how a field concerns a person (`kamkit.models.
personal`): a model marked "person" is one person of the customer, whose `id` names them within
an account; "name" and "email" identify them; "about" is free text about them; "ref" points at a
person by id. Any document - kamkit's own steps or another package's - is handled by walking its
fields by those marks; free text anywhere else is searched for the people's names and emails
(a name of one word only as written: "Will" is a name, "will" a word). Pure functions on
pydantic models: no store, no widgets.

The colleagues who rate a trainee's competencies - their manager, their peers - are people too:
in a pseudonymised export each is "Manager N" or "Peer N" (`Raters`), the same colleague under
the same pseudonym wherever they appear, and their names are replaced in the ratings' text the
way a customer person's are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from kamkit.competency import (
    CompetencyRatings,
    DevelopmentItem,
    DevelopmentPlan,
    RaterLink,
    RatingSet,
)
from kamkit.text_limits import field_type, item_types, narrowed, value_type

__all__ = ["Person", "people", "matches", "Traces", "traces", "without_people", "scrub",
           "Pseudonyms", "pseudonymise", "pseudonymise_all", "REMOVED", "Raters", "Rewrite",
           "pseudonymise_ratings", "pseudonymise_link", "pseudonymise_plan", "scoped_text",
           "rewrite_ratings", "rewrite_plan"]

#: What stands where erased or withheld text was.
REMOVED = "[removed]"
#: What stands there instead when "[removed]" would take a text past its field's limit (and
#: "…" where even that is longer than the name it stands for): the text a person wrote is
#: never cut.
_SHORT = "[…]"
_LAST = "…"

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
        """The texts that identify them: full name and email."""
        return {w for w in (self.name.strip(), self.email.strip()) if w}

    @property
    def phrases(self) -> set[str]:
        """What free text is searched for in any case: their email, and a name of two words
        or more."""
        return {w for w in (self.email.strip(), "" if self.single else self.name.strip()) if w}

    @property
    def single(self) -> str | None:
        """A name of one word: found only as written ("Will" is a name, "will" a word)."""
        words = self.name.split()
        return words[0] if len(words) == 1 else None

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

    def text(self, value: str, limit: int | None) -> str:
        """Free text, which its field lets hold at most `limit` characters (None: no limit)."""
        return value

    def gone(self, pid: str) -> bool:
        return False


def _walk(value: Any, kind: str | None, hint: Any, edit: _Edit) -> Any:
    """`value` edited; `hint` is its type (with its constraints), which says how long a text
    may grow."""
    if isinstance(value, BaseModel):
        return _walk_model(value, edit)
    hint, limit = narrowed(hint, value)
    if isinstance(value, list | tuple):
        items = [_walk(v, kind, h, edit) for v, h in
                 zip(value, item_types(hint, len(value)), strict=True)]
        return type(value)(v for v in items if v is not _DROP)
    if isinstance(value, dict):
        out = {}
        each = value_type(hint)
        for key, item in value.items():
            if kind == "ref" and edit.gone(str(key)):  # an entry keyed by a person gone
                continue
            new = _walk(item, None if kind == "ref" else kind, each, edit)
            if new is not _DROP:
                out[key] = new
        return out
    if isinstance(value, str):
        if kind == "ref":
            return _DROP if edit.gone(value) else value
        return edit.text(value, limit)
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
        new = _walk(old, _mark(info.json_schema_extra), field_type(info), edit)
        if new is _DROP:
            if info.is_required():  # e.g. a link to the person: it goes with them
                return _DROP
            new = _default(info)
        if new != old:
            update[name] = new
    return model.model_copy(update=update) if update else model


def _default(info: FieldInfo) -> Any:
    return info.get_default(call_default_factory=True)


def _fitting(stand_ins: Sequence[str], room: int | None) -> str:
    """The first stand-in no longer than `room` characters (None: the first)."""
    return next((s for s in (*stand_ins, _LAST) if room is None or len(s) <= room), "")


class _Words:
    """Finds names and emails, as whole words, and puts a stand-in in their place: those of
    `any_case` in any case, those of `as_written` only as written (a surname, not the same
    word in lower case). The words of a name may be apart by any white space (a line break,
    two spaces). One pass: a stand-in is never searched again. Each has its stand-ins, the
    one to use first, then shorter ones for a text at its limit."""

    def __init__(self, any_case: Mapping[str, Sequence[str]],
                 as_written: Mapping[str, Sequence[str]] | None = None) -> None:
        found = [(key.split(), said, True) for key, said in any_case.items()]
        found += [(key.split(), said, False) for key, said in (as_written or {}).items()]
        found = sorted((f for f in found if f[0]), key=lambda f: len(" ".join(f[0])),
                       reverse=True)  # the longest first: "Will Turner" before "Will"
        self._said = [said for _, said, _ in found]
        # one group for each, so a match says whose it is, whatever its case
        alternatives = "|".join(
            ("((?i:{}))" if fold else "({})").format(r"\s+".join(map(re.escape, words)))
            for words, _, fold in found)
        self._pattern = (re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)") if found else None)

    def __call__(self, text: str, limit: int | None = None) -> str:
        """`text` with each name or email found replaced; never past `limit` characters when
        the text was within it."""
        if self._pattern is None or not text:
            return text
        new = self._pattern.sub(lambda m: self._said[(m.lastindex or 1) - 1][0], text)
        if limit is None or len(new) <= limit:
            return new
        # each stand-in no longer than what it stands for: the text keeps within the limit it
        # was written to, and no word of the writer's is cut
        return self._pattern.sub(
            lambda m: _fitting(self._said[(m.lastindex or 1) - 1], len(m[0])), text)


# -- erasure -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Traces:
    """How erased people show in free text: their emails and names of two words or more (any
    case), and - as written - their surnames and names of one word, unless someone kept in
    the account shares the word. A first name alone is too common to find safely; it stays."""

    any_case: frozenset[str]
    as_written: frozenset[str] = frozenset()

    @cached_property
    def _finder(self) -> _Words:
        return _Words(dict.fromkeys(self.any_case, (REMOVED, _SHORT)),
                      dict.fromkeys(self.as_written, (REMOVED, _SHORT)))

    def scrub(self, text: str, limit: int | None = None) -> str:
        """`text` with every whole occurrence of the traces replaced by "[removed]" - or, where
        that would take it past `limit` characters, by something shorter."""
        return self._finder(text, limit)


def traces(gone: Iterable[Person], kept: Iterable[Person] = ()) -> Traces:
    """The traces of the people `gone`; `kept` are everyone else in the account (any version),
    whose names must not be cut into."""
    gone = list(gone)
    shared = {word for p in kept for word in p.name.split()}
    own = {word for p in gone for word in (p.surname, p.single) if word}
    return Traces(frozenset().union(*(p.phrases for p in gone)), frozenset(own - shared))


def scrub(text: str, found: Traces, field: FieldInfo | None = None) -> str:
    """`text` without the traces of erased people (a manager's comment, say); `field`, the
    field it is kept in, says how long it may be."""
    return found.scrub(text, narrowed(field_type(field), text)[1] if field else None)


class _Erase(_Edit):
    def __init__(self, ids: set[str], found: Traces) -> None:
        self._ids, self._found = ids, found

    def person(self, model: BaseModel, who: Person) -> dict[str, Any] | None:
        return None if who.id in self._ids else {}

    def text(self, value: str, limit: int | None) -> str:
        return self._found.scrub(value, limit)

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
        # scope -> a name or an email, folded -> (as first written, its stand-ins)
        self._words: dict[str, dict[str, tuple[str, tuple[str, str]]]] = {}
        self._names: dict[str, dict[str, set[str]]] = {}     # scope -> word of a name -> whose
        self._own: dict[str, dict[str, str]] = {}  # scope -> surname or one-word name -> whose
        self._finders: dict[str, _Words] = {}

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
        for word, said in (("" if who.single else who.name, (found, self.short(found))),
                           (who.email, (self.email(found), self.short(found)))):
            if word.strip() and word.strip().casefold() not in words:
                words[word.strip().casefold()] = (word.strip(), said)
                self._finders.pop(scope, None)
        for word in who.name.split():
            whose = self._names.setdefault(scope, {}).setdefault(word, set())
            if found not in whose:
                whose.add(found)
                self._finders.pop(scope, None)
        for word in (who.surname, who.single):
            if word:
                self._own.setdefault(scope, {}).setdefault(word, found)
        return found

    @staticmethod
    def email(pseudonym: str) -> str:
        """The placeholder email of a pseudonym ("person-3@example.invalid")."""
        return f"{pseudonym.lower().replace(' ', '-')}@example.invalid"

    def short(self, pseudonym: str) -> str:
        """A pseudonym in short ("P3"), for a text that "Person 3" would take past its limit."""
        return f"{self.label[:1]}{pseudonym.rpartition(' ')[2]}"

    def text(self, scope: str, value: str, limit: int | None = None) -> str:
        """Free text with the emails and the names of two words or more of the scope's people
        replaced (any case), and their surnames and one-word names (as written) where no one
        else in the scope has the word in their name - never past `limit` characters, when
        the text was within it (then "P3" stands for "Person 3")."""
        finder = self._finders.get(scope)
        if finder is None:
            names = self._names.get(scope, {})
            own = {word: (said, self.short(said)) for word, said
                   in self._own.get(scope, {}).items() if names.get(word) == {said}}
            phrases = dict(self._words.get(scope, {}).values())
            finder = self._finders[scope] = _Words(phrases, own)
        return finder(value, limit)


class _Pseudonymise(_Edit):
    def __init__(self, pseudonyms: Pseudonyms, scope: str) -> None:
        self._p, self._scope = pseudonyms, scope

    def person(self, model: BaseModel, who: Person) -> dict[str, Any] | None:
        said = self._p.of(self._scope, who)
        short = self._p.short(said)
        fields = type(model).model_fields
        update: dict[str, Any] = {}
        for kind, stand_ins in (("name", (said, short)),
                                ("email", (Pseudonyms.email(said), short)),
                                ("about", (REMOVED, _SHORT))):
            for name in _marked(model, kind):
                if getattr(model, name):  # an empty field stays empty: nothing was written
                    limit = narrowed(field_type(fields[name]), "")[1]
                    update[name] = _fitting(stand_ins, limit)
        return update

    def text(self, value: str, limit: int | None) -> str:
        return self._p.text(self._scope, value, limit)


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


# -- the colleagues who rate a trainee -------------------------------------------------------------

#: A text rewritten: (text, the most characters its field holds - None: no limit) -> text.
Rewrite = Callable[[str, int | None], str]

_RATERS = "raters"  # one scope for every colleague: they rate across trainees and accounts


class Raters:
    """The pseudonyms of the colleagues who rated trainees in one export: each manager
    "Manager N", each peer "Peer N", numbered in the order first met, the same colleague the
    same pseudonym in every version, for every trainee, in every sheet. Learn them all
    (`learn`) before rewriting any text, so a peer named in a manager's comment is replaced
    too. The trainee's own ratings carry no rater's name: trainees stay named."""

    def __init__(self) -> None:
        self._kinds = {"manager": Pseudonyms("Manager"), "peer": Pseudonyms("Peer")}

    def of(self, rater: str, name: str) -> str:
        """The pseudonym of a manager or a peer (by the name their rating or link gives);
        anything else - an empty name, the trainee's own - as it is."""
        kind = self._kinds.get(rater)
        if kind is None or not name.strip():
            return name
        return kind.of(_RATERS, Person(name.strip().casefold(), name.strip(), ""))

    def learn(self, sets: Iterable[RatingSet] = (), links: Iterable[RaterLink] = ()) -> None:
        for s in sets:
            self.of(s.rater, s.rater_name)
        for link in links:
            self.of("peer", link.peer_name)

    def text(self, value: str, limit: int | None = None) -> str:
        """Free text with every learned colleague's name replaced (a name of one word only as
        written), never past `limit` characters when it was within it."""
        for kind in self._kinds.values():
            value = kind.text(_RATERS, value, limit)
        return value


def scoped_text(pseudonyms: Pseudonyms, scopes: Iterable[str]) -> Rewrite:
    """Text a trainee wrote about their own work (a rating's example, a plan's action) with
    the customer's people of each of `scopes` (their accounts, learned) under their
    pseudonyms."""
    scopes = list(scopes)

    def rewrite(value: str, limit: int | None) -> str:
        for scope in scopes:
            value = pseudonyms.text(scope, value, limit)
        return value
    return rewrite


class _Texts(_Edit):
    def __init__(self, rewrite: Rewrite) -> None:
        self._rewrite = rewrite

    def text(self, value: str, limit: int | None) -> str:
        return self._rewrite(value, limit)


def _both(raters: Raters, also: Rewrite | None) -> Rewrite:
    def rewrite(value: str, limit: int | None) -> str:
        value = raters.text(value, limit)
        return also(value, limit) if also is not None else value
    return rewrite


def rewrite_ratings(ratings: CompetencyRatings, rewrite: Rewrite) -> CompetencyRatings:
    """Ratings with `rewrite` applied to their examples and comment (never past a field's
    limit); the levels as they are."""
    return _walk_model(ratings, _Texts(rewrite))  # type: ignore[no-any-return]


def rewrite_plan(plan: DevelopmentPlan, rewrite: Rewrite) -> DevelopmentPlan:
    """A development plan with `rewrite` applied to each item's action."""
    limit = narrowed(field_type(DevelopmentItem.model_fields["action"]), "")[1]
    return plan.model_copy(update={"items": [
        item.model_copy(update={"action": rewrite(item.action, limit)}) for item in plan.items]})


def pseudonymise_ratings(rated: RatingSet, raters: Raters, also: Rewrite | None = None
                         ) -> RatingSet:
    """One rater's ratings under pseudonyms: the manager's or peer's name as `raters` says,
    and in the examples and the comment every colleague's name replaced - and whatever `also`
    replaces (the customer's people of the trainee's accounts: `Pseudonyms.text`). Levels
    stay: they are the assessment."""
    return rated.model_copy(update={
        "rater_name": raters.of(rated.rater, rated.rater_name),
        "ratings": rewrite_ratings(rated.ratings, _both(raters, also))})


def pseudonymise_link(link: RaterLink, raters: Raters) -> RaterLink:
    """A peer's link under the peer's pseudonym."""
    return link.model_copy(update={"peer_name": raters.of("peer", link.peer_name)})


def pseudonymise_plan(plan: DevelopmentPlan, raters: Raters, also: Rewrite | None = None
                      ) -> DevelopmentPlan:
    """A development plan with colleagues' (and, with `also`, customer people's) names
    replaced in its actions."""
    return rewrite_plan(plan, _both(raters, also))
