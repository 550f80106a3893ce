"""Fuzzing what comes from outside: every model, every importer (CRM file, portfolio file,
workbook JSON) and every content loader (framework YAML, cases, keys, quiz). Whatever arrives,
the answer is one of kamkit's named errors with a readable message - never a crash."""

from __future__ import annotations

import json
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kamkit import models
from kamkit.errors import KamkitError
from kamkit.frameworks import CONTENT_DIR, FILES, load_part
from kamkit.io.crm import read_contacts
from kamkit.io.portfolio import read_portfolio
from kamkit.io.workbook import dumps, export_trainee, import_workbook
from kamkit.models import parse
from kamkit.store import Store

FUZZ = settings(max_examples=int(__import__("os").environ.get("KAMKIT_FUZZ", "60")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
    | st.text(max_size=300),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=20), inner,
                                                                max_size=5),
    max_leaves=20)

MODELS = [models.Trainee, models.Cohort, models.Account, models.ProfileDoc, models.Stakeholder,
          models.TeamMember, models.PeerLink, models.StakeholderMapDoc, models.IndicatorRating,
          models.PlanItem, models.RelationshipDoc, models.Review, models.Attempt]


def _readable(exc: KamkitError) -> None:
    text = str(exc)
    assert text and "Traceback" not in text and len(text) < 2000


def _fields(model):
    """Data for `model`: its own field names with any JSON values, plus strangers."""
    names = list(model.model_fields)
    return st.dictionaries(st.sampled_from(names) | st.text(max_size=10), json_values,
                           max_size=len(names) + 2)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@FUZZ
@given(data=st.data())
def test_every_model_accepts_or_names_the_problem(model, data):
    payload = data.draw(_fields(model) | json_values)
    try:
        parse(model, payload)
    except KamkitError as exc:
        _readable(exc)


csv_cells = st.text(alphabet=string.printable + "äöüéß€\u0000\ufeff", max_size=40)


@FUZZ
@given(header=st.lists(st.sampled_from(["First Name", "Last Name", "Title", "Email", "Account Name",
                                        "Name", "Company", "Job Title", "Role", "x", ""])
                       | csv_cells, max_size=8),
       rows=st.lists(st.lists(csv_cells, max_size=8), max_size=6),
       junk=st.binary(max_size=200), use_junk=st.booleans(),
       name=st.sampled_from(["contacts.csv", "contacts.xlsx", "x.txt", "report.CSV"]))
@example(header=[], rows=[], junk=b"\r\x00", use_junk=True, name="contacts.csv")  # was a crash
def test_the_crm_import_reads_or_refuses_any_file(header, rows, junk, use_junk, name):
    text = "\n".join(",".join(json.dumps(c) for c in r) for r in [header, *rows])
    content = junk if use_junk else text.encode("utf-8", "replace")
    try:
        preview = read_contacts(name, content, models.StakeholderMapDoc(), company="Acme")
        assert all(isinstance(r.errors, list) for r in preview.rows)
    except KamkitError as exc:
        _readable(exc)


@FUZZ
@given(header=st.lists(st.sampled_from(["Name", "Industry", "Revenue", "Spend with us",
                                        "Total spend", "?"]) | csv_cells, max_size=6),
       rows=st.lists(st.lists(csv_cells | st.integers().map(str), max_size=6), max_size=6),
       junk=st.binary(max_size=300), use_junk=st.booleans(),
       name=st.sampled_from(["portfolio.csv", "portfolio.xlsx", "p.ods"]))
def test_the_portfolio_import_reads_or_refuses_any_file(header, rows, junk, use_junk, name):
    text = "\n".join(",".join(json.dumps(c) for c in r) for r in [header, *rows])
    content = junk if use_junk else text.encode("utf-8", "replace")
    try:
        read_portfolio(name, content)
    except KamkitError as exc:
        _readable(exc)


@pytest.fixture(scope="module")
def exported():
    from kamkit.demo import seed_demo

    with Store("sqlite://") as store:
        seed_demo(store)
        trainee = store.list_trainees()[0]
        return json.loads(dumps(export_trainee(store, trainee.id)))


def _mutate(value, path, new):
    if not path:
        return new
    head, *rest = path
    if isinstance(value, dict) and value:
        key = list(value)[head % len(value)]
        return {**value, key: _mutate(value[key], rest, new)}
    if isinstance(value, list) and value:
        i = head % len(value)
        return [*value[:i], _mutate(value[i], rest, new), *value[i + 1:]]
    return new


@FUZZ
@given(path=st.lists(st.integers(0, 50), min_size=1, max_size=6), new=json_values,
       keep_checksum=st.booleans())
def test_a_mutated_workbook_file_is_refused_whole_or_imported_whole(exported, path, new,
                                                                    keep_checksum):
    from kamkit.io.workbook import _checksum

    bundle = _mutate(exported, path, new)
    if keep_checksum and isinstance(bundle, dict):  # a forger who recomputes the checksum
        body = {k: v for k, v in bundle.items() if k != "checksum"}
        bundle = {**body, "checksum": _checksum(body)}
    with Store("sqlite://") as store:
        try:
            import_workbook(store, json.dumps(bundle))
        except KamkitError as exc:
            _readable(exc)
            assert store.list_trainees() == []  # all or nothing


@FUZZ
@given(text=st.binary(max_size=400))
def test_workbook_import_of_any_bytes_is_refused_plainly(text):
    with Store("sqlite://") as store:
        with pytest.raises(KamkitError) as exc:
            import_workbook(store, text)
        _readable(exc.value)


yaml_text = st.one_of(
    st.text(max_size=300),
    st.builds(lambda k, v: f"{k}: {v}\n", st.text(max_size=20), st.text(max_size=40)),
    st.sampled_from(["", "- a\n- b", "a: [1, 2", "{", "threshold: -5", "!!python/object:os.system"
                     " ls", "steps: 3", "pass_mark: 0"]))


@pytest.mark.parametrize("part", sorted(FILES))
@FUZZ
@given(text=yaml_text, edit=st.booleans())
def test_every_content_file_loads_or_names_file_field_and_reason(part, text, edit, tmp_path):
    path = tmp_path / FILES[part]
    original = (CONTENT_DIR / FILES[part]).read_text()
    path.write_text(original + "\n" + text if edit else text)
    try:
        load_part(path, part)
    except KamkitError as exc:
        _readable(exc)
        assert str(path) in str(exc)


@pytest.mark.parametrize("which", ["case.yaml", "key.yaml"])
@FUZZ
@given(text=yaml_text)
def test_a_damaged_case_or_key_is_a_content_error(which, text, tmp_path_factory):
    import shutil

    from kamkit import exercises

    folder = tmp_path_factory.mktemp("cases")
    shutil.copytree(exercises.CASES_DIR / "halden", folder / "halden")
    (folder / "halden" / which).write_text(text)
    exercises._cached_case.cache_clear()
    exercises._cached_key.cache_clear()
    import os

    old = os.environ.get("KAMKIT_CASES")
    os.environ["KAMKIT_CASES"] = str(folder)
    try:
        exercises.load_key("halden", None)
        exercises.load_case("halden")
    except KamkitError as exc:
        _readable(exc)
    finally:
        if old is None:
            os.environ.pop("KAMKIT_CASES", None)
        else:
            os.environ["KAMKIT_CASES"] = old
        exercises._cached_case.cache_clear()
        exercises._cached_key.cache_clear()


@FUZZ
@given(text=yaml_text)
def test_a_damaged_quiz_is_a_content_error(text, tmp_path_factory):
    from kamkit.quiz import load_quiz

    path = tmp_path_factory.mktemp("quiz") / "quiz.yaml"
    path.write_text(text)
    try:
        load_quiz(str(path))
    except KamkitError as exc:
        _readable(exc)
