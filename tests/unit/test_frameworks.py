"""Content: kamkit's own files load; a broken file names the file, the field and the reason."""

from __future__ import annotations

import re
import shutil

import pytest

from kamkit.cli import main
from kamkit.errors import ContentError
from kamkit.frameworks import CONTENT_DIR, default_framework, load_framework


def test_shipped_content_loads_with_the_six_grid_categories(framework):
    names = {c.name for c in framework.grid.categories}
    assert names == {"Driver", "Advocate", "Swing vote", "Observer", "Threat", "Critic"}
    assert framework.grid.influence.high_from == 4
    assert [s.id for s in framework.steps] == ["profile", "stakeholders", "relationship",
                                                      "opportunities", "account_plan"]


def test_relationship_stage_follows_the_score_bands(framework):
    assert framework.relationship.stage_for(0) == "Exploratory"
    assert framework.relationship.stage_for(59.9) == "Cooperative"
    assert framework.relationship.stage_for(100) == "Integrated"


@pytest.fixture
def trainer_folder(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def test_weights_that_do_not_add_up_name_file_field_and_reason(trainer_folder):
    path = trainer_folder / "segmentation.yaml"
    path.write_text(path.read_text().replace("weight: 40", "weight: 45"))
    with pytest.raises(ContentError) as err:
        load_framework(trainer_folder)
    assert err.value.path == str(path)
    assert "attractiveness weights add up to 105, not 100" in str(err.value)


def test_a_wrong_type_names_the_field_path(trainer_folder):
    path = trainer_folder / "relationship.yaml"
    path.write_text(path.read_text().replace("weight: 10\n", "weight: lots\n", 1))
    with pytest.raises(ContentError) as err:
        load_framework(trainer_folder)
    assert "indicators.0.weight" in str(err.value)
    assert str(path) in str(err.value)


def test_broken_yaml_names_the_line(trainer_folder):
    (trainer_folder / "grid.yaml").write_text("influence:\n  high_from: [4\n")
    with pytest.raises(ContentError, match=r"grid\.yaml: line \d+"):
        load_framework(trainer_folder)


def test_a_missing_grid_cell_is_refused(trainer_folder):
    path = trainer_folder / "grid.yaml"
    text = path.read_text()
    start = text.index("  - id: critic")
    path.write_text(text[:start] + text[text.index("unmapped:"):])
    with pytest.raises(ContentError, match="one category for each influence x support cell"):
        load_framework(trainer_folder)


def test_a_trainer_may_ship_only_some_files(tmp_path):
    (tmp_path / "steps.yaml").write_text(
        "steps:\n  - {id: profile, number: 1, title: Know your customer, summary: Facts first.}\n")
    fw = load_framework(tmp_path)
    assert [s.title for s in fw.steps] == ["Know your customer"]
    assert len(fw.relationship.indicators) == 9  # the rest from kamkit's defaults


def test_kamkit_content_env_points_pages_at_a_trainer_folder(tmp_path, monkeypatch):
    (tmp_path / "steps.yaml").write_text(
        "steps:\n  - {id: profile, number: 1, title: Custom, summary: x}\n")
    monkeypatch.setenv("KAMKIT_CONTENT", str(tmp_path))
    assert [s.title for s in default_framework().steps] == ["Custom"]


def test_validate_content_command_reports_ok_and_broken(trainer_folder, capsys):
    assert main(["validate-content", str(trainer_folder)]) == 0
    assert "is valid" in capsys.readouterr().out
    (trainer_folder / "steps.yaml").write_text("steps: []\n")
    assert main(["validate-content", str(trainer_folder)]) == 1
    err = capsys.readouterr().err
    assert "steps.yaml: steps:" in err and "at least 1 item" in err


@pytest.mark.parametrize("text, reason", [
    ("threshold: " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deeply"),
    ("threshold: " + "9" * 100_000 + "\n", "a number with too many digits"),
    ("threshold: 2026-13-45\n", "month must be in 1..12"),
], ids=["nested 100,000 deep", "a 100,000-digit integer", "a date with month 13"])
def test_validate_content_names_the_file_it_cannot_read(tmp_path, capsys, text, reason):
    (tmp_path / "segmentation.yaml").write_text(text)
    assert main(["validate-content", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"kamkit: {tmp_path / 'segmentation.yaml'}: ") and reason in err


@pytest.mark.parametrize("number", [".inf", ".nan"])
def test_a_content_weight_of_infinity_or_nan_is_refused(trainer_folder, number):
    path = trainer_folder / "segmentation.yaml"
    text, count = re.subn(r"weight: [0-9.]+", f"weight: {number}", path.read_text(), count=1)
    assert count == 1
    path.write_text(text)
    with pytest.raises(ContentError, match=r"segmentation.yaml: .*weight: .*finite number"):
        load_framework(trainer_folder)


def test_a_hint_about_a_field_the_profile_does_not_have_is_refused(trainer_folder):
    path = trainer_folder / "profile.yaml"
    path.write_text(path.read_text().replace("empty: [pressures]", "empty: [presures]"))
    with pytest.raises(ContentError, match="'presures' is not a field of the profile"):
        load_framework(trainer_folder)
