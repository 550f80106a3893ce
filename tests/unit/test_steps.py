"""The step registry: kamkit's own steps come through the entry-point group like anyone's, a
content file that lists a step nobody installed is refused with the file and the step, and an
account's documents are read by their type."""

from __future__ import annotations

import pytest

from kamkit.cli import main
from kamkit.errors import ContentError, InvalidInput
from kamkit.frameworks import load_framework
from kamkit.models import ProfileDoc, StakeholderMapDoc
from kamkit.steps import (
    Docs,
    check_framework,
    document_model,
    for_framework,
    origin,
    registered,
    rubric,
    step,
)


def test_kamkits_steps_come_through_the_entry_point_group():
    assert {"profile", "stakeholders", "relationship"} <= set(registered())
    assert origin("profile") == "kamkit.steps.profile:STEP (kamkit)"


def test_the_workbook_order_is_the_contents(framework):
    assert [t.id for t, _ in for_framework(framework)] == ["profile", "stakeholders",
                                                           "relationship", "opportunities",
                                                           "account_plan"]
    check_framework(framework)


def test_an_unknown_step_is_an_invalid_input_not_a_key_error():
    with pytest.raises(InvalidInput, match="no workbook step called 'pricing'"):
        document_model("pricing")


def test_a_steps_file_naming_a_step_nobody_installed_is_refused(tmp_path):
    (tmp_path / "steps.yaml").write_text(
        "steps:\n  - {id: pricing, number: 1, title: Pricing, summary: Terms.}\n")
    with pytest.raises(ContentError, match="no step 'pricing' is installed") as caught:
        check_framework(load_framework(tmp_path))
    assert caught.value.path.endswith("steps.yaml")


def test_validate_content_says_so_too(tmp_path, capsys):
    (tmp_path / "steps.yaml").write_text(
        "steps:\n  - {id: pricing, number: 1, title: Pricing, summary: Terms.}\n")
    assert main(["validate-content", str(tmp_path)]) == 1
    assert "no step 'pricing' is installed" in capsys.readouterr().err


def test_a_step_without_a_rubric_anywhere_is_refused(tmp_path, framework):
    (tmp_path / "review.yaml").write_text(
        "scale: {1: a, 2: b, 3: c, 4: d, 5: e}\n"
        "statuses: {reviewed: R, needs_rework: N}\nrubrics: {}\n")
    with pytest.raises(ContentError, match="no rubric for step 'profile'"):
        check_framework(load_framework(tmp_path))
    assert rubric(framework, "profile")[3].startswith("Goals, pressures")


def test_documents_are_read_by_their_type_and_an_unsaved_one_is_empty():
    docs = Docs({"profile": ProfileDoc(industry="Chemicals")}, "Acme")
    assert docs.of(ProfileDoc).industry == "Chemicals" and docs.account == "Acme"
    assert docs.of(StakeholderMapDoc) == StakeholderMapDoc()
    assert list(docs) == ["profile"] and "stakeholders" not in docs


def test_a_view_factory_named_by_module_is_imported_only_when_asked():
    factory = step("profile").view_factory()
    assert factory.__module__ == "kamkit.ui.profile" and factory.__name__ == "app"


def test_kamkit_steps_lists_them_in_workbook_order(capsys):
    assert main(["steps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines[:3]] == ["profile", "stakeholders",
                                                           "relationship"]
    assert "1. Account profile" in lines[0] and "(kamkit)" in lines[0]
