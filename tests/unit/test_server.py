"""The two servers: the trainee server has no review page to serve, and the review server's
token is kept in a private file, never on a command line."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from kamkit import server


def test_the_trainee_server_root_leaves_the_review_pages_out(tmp_path):
    root = server.trainee_notebooks(server.NOTEBOOKS, tmp_path)
    assert (root / server.WORKBOOK).exists()
    assert (server.NOTEBOOKS / server.REVIEW / server.DASHBOARD).exists()
    assert not (root / server.REVIEW).exists()
    assert not list(root.rglob("*dashboard*"))


def test_the_trainee_server_root_has_the_exercise_notebooks_but_no_case_keys(tmp_path):
    root = server.trainee_notebooks(server.NOTEBOOKS, tmp_path)
    assert (root / "exercises" / "01_halden.ipynb").exists()
    assert not list(root.rglob("*.yaml")) and not list(root.rglob("brief.md"))


def test_the_review_token_lives_in_a_private_config_file(tmp_path):
    path = server.write_review_config(tmp_path, "s3cret-token-0123456789")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    config = json.loads(path.read_text())
    assert config["Voila"]["token"] == "s3cret-token-0123456789"
    assert config["VoilaConfiguration"]["show_tracebacks"] is False
    cmd = server.voila_command(host="127.0.0.1", port=9, config_dir=tmp_path, pool=1,
                               cull_idle=60, notebooks=server.NOTEBOOKS / server.REVIEW)
    assert not any("s3cret" in part for part in cmd)
    assert cmd[3].endswith("notebooks/review")


def test_a_short_review_token_is_refused(capsys):
    from kamkit.cli import main

    assert main(["review", "--token", "short"]) == 1
    assert "at least 16 characters" in capsys.readouterr().err


def test_the_served_templates_ask_no_cdn_for_anything(tmp_path):
    root = server.offline_templates(tmp_path)
    patched = list(root.rglob("*.html*")) + list(root.rglob("*.j2"))
    assert {p.name for p in patched} >= {"page.html", "index.html.j2"}
    for path in patched:
        text = path.read_text()
        assert "cdn.jsdelivr" not in text
        assert not any(line.strip().startswith("<link") and "https://" in line
                       for line in text.splitlines())


def test_every_notebook_page_carries_the_connection_watchdog(tmp_path):
    page = (server.offline_templates(tmp_path) / "voila/templates/lab/index.html.j2").read_text()
    assert "{{ log.js() }}" in page
    assert "kamkit-connection-lost" in page and "{% raw %}" in page
    assert page.index("kamkit-connection-lost") > page.index("{{ log.js() }}")


@pytest.mark.parametrize(("line", "kept"), [
    ("404 GET /voila/render/x.ipynb?t=TOK&account=3 (127.0.0.1)", "?t=[secret]&account=3 "),
    ("GET /voila/render/00_dashboard.ipynb?token=TOK", "?token=[secret]"),
    ("GET /voila/render/x.ipynb?account=1&%74=TOK", "&%74=[secret]"),
    ("WS /voila/kamkit-query/TOK/0b9e-11 failed", "/voila/kamkit-query/[secret]/0b9e-11"),
    ("POST /voila/api/shutdown/k1 _xsrf=TOK", None),
    ("'http://10.0.0.5:8866/voila/render/00_workbook.ipynb?t=TOK'", "?t=[secret]'"),
])
def test_a_log_line_keeps_no_token(line, kept):
    from kamkit.voila_app import scrub

    assert "TOK" not in scrub(line.replace("_xsrf=", "?_xsrf="))
    if kept:
        assert kept in scrub(line)
    assert scrub("GET /voila/render/x.ipynb?account=12&case=halden") == (
        "GET /voila/render/x.ipynb?account=12&case=halden")


def test_the_log_filter_masks_messages_and_tracebacks():
    import logging

    from kamkit.voila_app import _Scrubbed

    try:
        raise ValueError("opening /voila/render/x.ipynb?t=TOK")
    except ValueError:
        import sys

        record = logging.LogRecord("tornado.access", logging.WARNING, __file__, 1,
                                   "%d GET %s", (404, "/x?t=TOK"), sys.exc_info())
    _Scrubbed().filter(record)
    assert "TOK" not in record.getMessage() and "TOK" not in record.exc_text
    odd = logging.LogRecord("x", logging.INFO, __file__, 1, "%d %d", ("one",), None)
    assert _Scrubbed().filter(odd)  # a malformed call is let through, not raised


def test_a_store_that_cannot_be_opened_is_not_called_damaged(tmp_path):
    from kamkit.errors import SaveFailed
    from kamkit.store import Store

    with pytest.raises(SaveFailed) as refused:
        Store(f"sqlite:///{tmp_path}")  # a folder: SQLite cannot open it
    assert "cannot be opened" in str(refused.value) and "damaged" not in str(refused.value)
    assert "Saving failed" not in str(refused.value)


def test_kamkits_bytecode_is_written_once_for_kernels_that_may_not_write_it(tmp_path,
                                                                             monkeypatch):
    """Under PYTHONDONTWRITEBYTECODE every kernel compiled kamkit from source as it started;
    the server writes the bytecode before they start, and only what is missing or stale."""
    import importlib.util

    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("X = 1\n")
    (package / "sub" / "mod.py").write_text("Y = 2\n")
    assert server.compile_kamkit(package)
    cached = [Path(importlib.util.cache_from_source(str(package / p)))
              for p in ("__init__.py", "sub/mod.py")]
    assert all(c.is_file() for c in cached)
    written = [c.stat().st_mtime_ns for c in cached]
    assert server.compile_kamkit(package)  # nothing stale: nothing written again
    assert [c.stat().st_mtime_ns for c in cached] == written
    (package / "sub" / "broken.py").write_text("def (:\n")
    assert not server.compile_kamkit(package)  # said, never raised


def test_every_step_and_exercise_page_opens_in_the_workbook_on_what_it_shows(tmp_path):
    """A step's notebook opens the workbook on the step whose view it shows, whatever its file
    is called; the competencies' on theirs; an exercise notebook on its page in the workbook;
    the workbook itself, the rating page and anything unknown are pages of their own."""
    from kamkit.frameworks import default_framework

    root = server.trainee_notebooks(server.NOTEBOOKS, tmp_path)
    steps, exercises = server.workbook_pages(default_framework())
    opened = {nb.relative_to(root).as_posix(): server.in_workbook(
        nb.relative_to(root).as_posix(), root, steps, exercises) for nb in root.rglob("*.ipynb")}
    assert opened == {
        "00_workbook.ipynb": None, "rate_a_colleague.ipynb": None,
        "01_account_profile.ipynb": {"tab": "profile"},
        "02_stakeholder_map.ipynb": {"tab": "stakeholders"},
        "03_relationship.ipynb": {"tab": "relationship"},
        "04_opportunities.ipynb": {"tab": "opportunities"},
        "05_account_plan.ipynb": {"tab": "account_plan"},
        "06_competencies.ipynb": {"tab": "competencies"},
        "exercises/01_halden.ipynb": {"exercise": "halden"},
        "exercises/02_corvel.ipynb": {"exercise": "corvel"},
        "exercises/03_brightwater.ipynb": {"exercise": "brightwater"},
        "exercises/10_quiz.ipynb": {"exercise": "quiz"}}
    for page in ("03_missing.ipynb", "exercises/04_nope.ipynb", "review/00_dashboard.ipynb",
                 "03_relationship.ipynb/x", "01_account_profile.py"):
        assert server.in_workbook(page, root, steps, exercises) is None, page


def test_a_trainers_own_steps_open_by_what_each_notebook_shows(tmp_path):
    """A trainer's steps.yaml with a step of their own at number 4 and no opportunities: a
    notebook opens the step it shows, never the one at its number."""
    from kamkit.frameworks import load_framework
    from kamkit.steps import added
    from tests import extra_step

    (tmp_path / "steps.yaml").write_text(extra_step.STEPS_YAML)
    root = server.trainee_notebooks(server.NOTEBOOKS, tmp_path / "run")
    (root / "04_pricing.ipynb").write_text(json.dumps({"cells": [{
        "cell_type": "code", "source": ["from tests import extra_step\n",
                                        "extra_step.view(None)"]}]}))
    with added(extra_step.STEP):
        steps, exercises = server.workbook_pages(load_framework(tmp_path))
    assert server.in_workbook("04_pricing.ipynb", root, steps, exercises) == {"tab": "pricing"}
    assert server.in_workbook("04_opportunities.ipynb", root, steps, exercises) is None
    assert server.in_workbook("03_relationship.ipynb", root, steps, exercises) == {
        "tab": "relationship"}
