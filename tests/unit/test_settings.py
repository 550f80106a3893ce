"""Every KAMKIT_* setting read in one place, with its default, and printed with secrets masked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kamkit.cli import main
from kamkit.settings import SETTINGS, Settings, child_env

ROOT = Path(__file__).resolve().parents[2]


def test_defaults_come_from_the_home_folder():
    s = Settings.from_env({"KAMKIT_HOME": "/data/kam"})
    assert s.home == Path("/data/kam") and s.db_url == "sqlite:////data/kam/kamkit.db"
    assert (s.access, s.role, s.strict, s.content) == ("personal", None, False, None)


def test_blank_values_mean_the_default_and_strict_reads_like_a_switch():
    s = Settings.from_env({"KAMKIT_DB_URL": "  ", "KAMKIT_STRICT": "1", "KAMKIT_ACCESS": "links"})
    assert s.db_url.endswith("kamkit.db") and s.strict and s.access == "links"
    assert not Settings.from_env({"KAMKIT_STRICT": "0"}).strict


def test_shown_settings_mask_the_token_and_a_database_password():
    s = Settings.from_env({"KAMKIT_REVIEW_TOKEN": "very-secret-token-123",
                           "KAMKIT_DB_URL": "postgresql+psycopg://kam:pa55@db:5432/kamkit"})
    shown = {variable: value for variable, value, _, _ in s.shown()}
    assert shown["KAMKIT_REVIEW_TOKEN"] == "****"
    assert shown["KAMKIT_DB_URL"] == "postgresql+psycopg://kam:****@db:5432/kamkit"


def test_a_child_process_gets_settings_by_name():
    env = child_env({"KAMKIT_REVIEW_TOKEN": "x", "PATH": "/bin"}, role="review",
                    review_token=None)
    assert env == {"KAMKIT_ROLE": "review", "PATH": "/bin"}


def test_kamkit_settings_prints_every_setting(capsys, monkeypatch):
    monkeypatch.setenv("KAMKIT_REVIEW_TOKEN", "do-not-print-me-please")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert all(variable in out for variable, _, _ in SETTINGS.values())
    assert "do-not-print-me-please" not in out


def _variable_names(source: str) -> set[str]:
    """Every string in the code that is exactly a KAMKIT_* name - the way a module would read
    one (`env.get("KAMKIT_ROLE")`, `os.environ["KAMKIT_HOME"]`); prose that mentions one is
    longer than the name."""
    return {n.value for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Constant)
            and isinstance(n.value, str) and re.fullmatch(r"KAMKIT_[A-Z_]+", n.value)}


def test_no_module_names_a_kamkit_variable_but_settings():
    readers = {str(p.relative_to(ROOT)): names for p in (ROOT / "kamkit").rglob("*.py")
               if p.name != "settings.py"
               and (names := _variable_names(p.read_text(encoding="utf-8")))}
    assert readers == {}


def test_the_variable_check_sees_a_read_through_any_mapping():
    assert _variable_names('role = env.get("KAMKIT_ROLE")\nx = e["KAMKIT_HOME"]\n'
                           '"""Set KAMKIT_HOME to move it."""') == {"KAMKIT_ROLE", "KAMKIT_HOME"}


def test_the_readme_lists_every_setting():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [v for v, _, _ in SETTINGS.values() if f"`{v}`" not in readme] == []
