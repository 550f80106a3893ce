"""The competency framework and the certification rules are content: a trainer's copy with one
thing wrong is refused before any page is built, with a ContentError naming the file, the field
and the reason."""

from __future__ import annotations

import shutil

import pytest

from kamkit.errors import ContentError
from kamkit.frameworks import CONTENT_DIR, load_framework


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def broken(folder, name: str, old: str, new: str) -> ContentError:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, "the shipped file changed: update the test's text"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_framework(folder)
    return err.value


def test_the_shipped_competencies_and_rules_load(framework):
    comp = framework.competencies
    assert [p.id for p in comp.pillars] == ["strategic", "relationships", "execution"]
    assert all(set(b.anchors) == {1, 2, 3, 4, 5} for b in comp.behaviours)
    assert set(comp.role_fit) == {p.id for p in framework.segmentation.purposes}
    assert [r.kind for r in framework.certification.rules] == [
        "steps_reviewed", "case_first_try", "quiz_first_attempt", "competency_after"]


def test_a_behaviour_missing_an_anchor_names_it_and_the_level(content):
    err = broken(content, "competencies.yaml",
                 "              5: The customer asks their view on their own business.\n", "")
    assert err.path == str(content / "competencies.yaml")
    assert err.field == "pillars.0.competencies.0.behaviours.0.anchors"
    assert err.reason == ("behaviour 'customer_goals' needs an anchor for each level 1-5 "
                          "(none for 5)")


def test_an_anchor_beyond_the_scale_is_refused(content):
    err = broken(content, "competencies.yaml",
                 "              5: The customer asks their view on their own business.\n",
                 "              5: The customer asks their view on their own business.\n"
                 "              6: Runs the customer.\n")
    assert err.field.endswith("behaviours.0.anchors") and "beyond 1-5: 6" in err.reason


def test_a_duplicate_behaviour_id_is_refused(content):
    err = broken(content, "competencies.yaml", "- id: qualify_honestly", "- id: evidence_first")
    assert err.path == str(content / "competencies.yaml")
    assert err.field == "pillars"
    assert err.reason == "behaviour ids must be unique: evidence_first twice"


def test_a_duplicate_competency_id_is_refused(content):
    err = broken(content, "competencies.yaml", "- id: data\n", "- id: acumen\n")
    assert (err.field, err.reason) == ("pillars", "competency ids must be unique: acumen twice")


def test_role_fit_naming_an_unknown_competency_is_refused(content):
    err = broken(content, "competencies.yaml", "emphasis: [influence, acumen]",
                 "emphasis: [influence, charm]")
    assert err.path == str(content / "competencies.yaml")
    assert err.field == "role_fit"
    assert "role_fit.grow names unknown competencies ['charm']" in err.reason


def test_role_fit_missing_a_purpose_names_the_file_and_the_purpose(content):
    err = broken(content, "competencies.yaml", "  exit:\n    emphasis: [data, planning]\n"
                 "    advice: Leaving an account well takes an honest view of the figures and a "
                 "careful handover plan.\n", "")
    assert err.path == str(content / "competencies.yaml")  # not just the folder
    assert err.field == "role_fit"
    assert "role_fit must name each purpose of segmentation.yaml" in err.reason
    assert "missing: exit" in err.reason


def test_role_fit_of_a_folder_without_its_own_competencies_names_kamkits_file(content):
    """A trainer who renames a purpose in segmentation.yaml but ships no competencies.yaml is
    pointed at the file to copy and adapt."""
    (content / "competencies.yaml").unlink()
    for name in ("segmentation.yaml", "account_plan.yaml"):
        path = content / name
        path.write_text(path.read_text(encoding="utf-8").replace("exit", "leave"),
                        encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_framework(content)
    assert err.value.path == str(CONTENT_DIR / "competencies.yaml")
    assert err.value.field == "role_fit" and "not a purpose: exit" in err.value.reason


def test_an_unknown_rule_kind_is_refused(content):
    err = broken(content, "certification.yaml", "kind: quiz_first_attempt",
                 "kind: quiz_passed")
    assert err.path == str(content / "certification.yaml")
    assert err.field == "rules.2"
    assert "'quiz_passed'" in err.reason and "'quiz_first_attempt'" in err.reason


def test_a_min_rating_off_the_scale_is_refused(content):
    err = broken(content, "certification.yaml", "min_rating: 3", "min_rating: 6")
    assert err.path == str(content / "certification.yaml")
    assert err.field == "rules.0.steps_reviewed.min_rating"
    assert "5" in err.reason


def test_a_rule_without_its_words_is_refused(content):
    err = broken(content, "certification.yaml",
                 "    text: The quiz passed at the first attempt\n", "")
    assert err.field == "rules.2.quiz_first_attempt.text"


def test_a_scale_missing_a_level_is_refused(content):
    err = broken(content, "competencies.yaml", "  3: Does it reliably\n", "")
    assert (err.field, err.reason) == (
        "scale", "the scale needs an anchor for each level 1-5 (none for 3)")


def test_rounds_must_name_before_and_after(content):
    err = broken(content, "competencies.yaml", "  after: After the programme\n", "")
    assert (err.field, err.reason) == ("rounds", "must name before and after")


def test_a_team_fit_mismatch_names_the_account_plan_file(content):
    text = (content / "account_plan.yaml").read_text(encoding="utf-8")
    start = text.index("  exit:\n    min_members")
    err = broken(content, "account_plan.yaml", text[start:text.index("strategic:")], "")
    assert err.path == str(content / "account_plan.yaml") and err.field == "team_fit"
