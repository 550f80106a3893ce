"""The rules of the house that a test can hold: one-way imports, a public API, clean notebooks,
and a server that never hands out data or source files."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kamkit
from kamkit import server

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["kamkit.models", "kamkit.scoring.progress",
                                    "kamkit.frameworks"])
def test_domain_code_imports_neither_widgets_nor_sqlalchemy(module):
    code = (f"import sys, {module}; "
            "print([m for m in ('ipywidgets', 'sqlalchemy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_every_public_name_resolves():
    for name in kamkit.__all__:
        assert getattr(kamkit, name) is not None, name


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
