"""The rules of the house that a test can hold: one-way imports, a public API, clean notebooks,
and a server that never hands out data or source files."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kamkit
from kamkit import server
from tests import imports

ROOT = Path(__file__).resolve().parents[2]


PURE = sorted(["kamkit.models", "kamkit.frameworks", "kamkit.charts", "kamkit.orgchart",
               "kamkit.report", "kamkit.exercises", "kamkit.checking", "kamkit.figures",
               "kamkit.html", "kamkit.privacy", "kamkit.text_limits", "kamkit.certificate",
               "kamkit.people_kept",
               *(m for m in imports.modules() if m.startswith(("kamkit.scoring",
                                                               "kamkit.steps")))])


def _heavy_after_import(module: str) -> list[str]:
    """Which of ipywidgets / SQLAlchemy importing `module` pulls in - with every registered
    step loaded as well (the registry imports step modules when first asked)."""
    code = (f"import sys, importlib; importlib.import_module({module!r}); "
            "import kamkit.steps; kamkit.steps.registered(); "
            "print(sorted(m for m in ('ipywidgets', 'sqlalchemy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    return eval(out)  # noqa: S307 - our own subprocess prints a list literal


@pytest.mark.parametrize("module", PURE)
def test_domain_code_imports_neither_widgets_nor_sqlalchemy(module):
    assert _heavy_after_import(module) == []


def test_the_purity_check_sees_a_module_that_does():
    assert _heavy_after_import("kamkit.store") == ["sqlalchemy"]


def test_no_module_imports_another_in_a_circle_not_even_inside_a_function():
    assert imports.cycles(imports.graph()) == []


def test_no_module_imports_a_higher_layer():
    assert imports.upward(imports.graph()) == []


def test_the_import_checks_can_fail():
    """A cycle hidden in a function-local import, and an import up the layers, are both seen."""
    store = imports.imports_of("def f():\n    from kamkit.ui import page\n", "kamkit.store",
                               {"kamkit.ui", "kamkit.ui.page", "kamkit.store"})
    assert store == {"kamkit.ui", "kamkit.ui.page"}
    typing_only = imports.imports_of(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kamkit.ui import page\n",
        "kamkit.store", {"kamkit.ui", "kamkit.ui.page"})
    assert typing_only == set()
    edges = {"kamkit.store": store, "kamkit.ui.page": {"kamkit.store"}}
    assert imports.cycles(edges) == [["kamkit.store", "kamkit.ui.page"]]
    assert imports.upward(edges) == ["kamkit.store (store) imports kamkit.ui (views)",
                                     "kamkit.store (store) imports kamkit.ui.page (views)"]


def test_every_public_name_resolves():
    for name in kamkit.__all__:
        assert getattr(kamkit, name) is not None, name


def test_every_module_lists_its_public_names_in_all():
    missing = {}
    for name, path in imports.modules().items():
        if name == "kamkit":  # its __all__ is the lazy API, checked above
            continue
        module = importlib.import_module(name)
        listed = getattr(module, "__all__", None)
        assert listed is not None, f"{name} has no __all__"
        for entry in listed:
            assert hasattr(module, entry), f"{name}.__all__ names {entry}, which is not there"
        gone = imports.public_names(path.read_text(encoding="utf-8")) - set(listed)
        if gone:
            missing[name] = sorted(gone)
    assert missing == {}


def test_the_all_check_sees_a_missing_name():
    source = "__all__ = ['kept']\ndef kept(): ...\ndef forgotten(): ...\n_private = 1\n"
    assert imports.public_names(source) - {"kept"} == {"forgotten"}


def test_step_ids_are_literals_only_in_their_own_step_modules():
    """Nothing outside a step's own modules - its unit and its view - switches on its id. (A
    view may name a field of its own document that happens to be spelt like the step.)"""
    from kamkit.steps import registered

    found = []
    for name, path in imports.modules().items():
        text = path.read_text(encoding="utf-8")
        for sid, unit in registered().items():
            view = unit.view.partition(":")[0] if isinstance(unit.view, str) else None
            if name in (f"kamkit.steps.{sid}", view):
                continue
            if re.search(rf"[\"']{sid}[\"']", text):
                found.append(f"{name}: '{sid}'")
    assert found == []


def _tracked_notebooks() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True,
                            text=True, check=True).stdout.split()
    return [ROOT / p for p in listed]


def test_notebooks_in_git_carry_no_outputs():
    notebooks = _tracked_notebooks()
    assert notebooks, "expected the workbook notebook to be tracked"
    dirty = [str(p.relative_to(ROOT)) for p in notebooks
             if any(c.get("outputs") or c.get("execution_count")
                    for c in json.loads(p.read_text())["cells"])]
    assert dirty == []


def test_notebooks_hold_no_logic_only_prose_and_a_few_calls():
    for path in _tracked_notebooks():
        code = [c for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code"]
        assert 1 <= len(code) <= 3, path
        for cell in code:
            source = "".join(cell["source"])
            assert not re.search(r"^\s*(def|class|for|while|if)\b", source, re.M), path


@pytest.mark.parametrize("path", ["kamkit.db", "sub/kamkit.db-wal", "workbook.json",
                                  "grid.yaml", "x.yml", "evil.py", "00_workbook.ipynb",
                                  ".env", "people.csv"])
def test_the_server_file_rules_refuse_data_and_source(path):
    allowed = any(re.fullmatch(p, path) for p in server.FILE_ALLOWLIST)
    denied = any(re.fullmatch(p, path) for p in server.FILE_DENYLIST)
    assert not allowed or denied


def test_serve_command_keeps_tracebacks_off_and_culls_idle_kernels(tmp_path):
    cmd = server.voila_command(host="127.0.0.1", port=9, config_dir=tmp_path, pool=3,
                               cull_idle=600)
    assert "--VoilaConfiguration.show_tracebacks=False" in cmd
    assert "--MappingKernelManager.cull_idle_timeout=600" in cmd
    assert "--KernelManager.transport=ipc" in cmd  # no TCP ports to collide on
    config = json.loads(server.write_config(tmp_path, 3).read_text())
    pools = config["VoilaKernelManager"]["kernel_pools_config"]
    assert pools[server.WORKBOOK]["pool_size"] == 3 and pools["default"]["pool_size"] == 0
