"""How `kamkit serve` and `kamkit review` run Voila: the command lines and config, built as data
so tests can read them.

`kamkit serve` serves the trainee notebooks only - from a copy that leaves out `review/`, so no
manager page exists on the trainee server at all - with no tracebacks, pre-heated kernels for the
workbook page, idle kernels culled, and a file allow-list under which no database, JSON, YAML,
Python or notebook file is ever served. `kamkit review` serves only `notebooks/review/`, on its
own port, behind a token (kept in a private config file, not on the command line where `ps`
would show it).
"""

from __future__ import annotations

import ipaddress
import json
import os
import posixpath
import re
import shutil
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from kamkit.resources import exercises_dir, notebooks_dir
from kamkit.room import (
    KERNEL_MEMORY_MB,
    ROOM_FILL_DELAY,
    ROOM_FULL_PAGE,
    UNCONNECTED_AFTER,
    RoomPlan,
    default_max_kernels,
)

if TYPE_CHECKING:
    from kamkit.frameworks import Framework

__all__ = ["NOTEBOOKS", "WORKBOOK", "DASHBOARD", "voila_command", "write_config", "is_loopback",
           "trainee_notebooks", "write_review_config", "REVIEW", "offline_templates",
           "with_offline_templates", "EXERCISES", "FILE_ALLOWLIST", "FILE_DENYLIST", "WATCHDOG",
           "write_kernel_spec", "A11Y", "in_workbook", "EXERCISE_FOLDER",
           "workbook_pages", "compile_kamkit"]

NOTEBOOKS = notebooks_dir()
EXERCISES = exercises_dir()
WORKBOOK = "00_workbook.ipynb"
REVIEW = "review"
DASHBOARD = "00_dashboard.ipynb"

# Only pictures and stylesheets may be fetched as files; the deny-list repeats the rule for the
# kinds that must never leave the server, in case someone widens the allow-list.
FILE_ALLOWLIST = [r".*\.(png|jpg|jpeg|gif|svg|css)"]
FILE_DENYLIST = [r".*\.(db|db-wal|db-shm|sqlite|json|yaml|yml|py|ipynb|csv|xlsx)", r"(.*/)?\..*"]


EXERCISE_FOLDER = "exercises"  # where the exercise notebooks are served
_IMPORTS = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import\s+(\w+)|import\s+([\w.]+))", re.M)


_COMPETENCY_VIEW = "kamkit.ui.competencies"  # the workbook's tab after the steps


def workbook_pages(framework: Framework) -> tuple[dict[str, str], set[str]]:
    """What opens inside the workbook (see `in_workbook`): each step's view module -> its tab
    (the step's id; the competencies' view -> COMPETENCIES), and the names of the exercise
    pages (each case's id, and the quiz)."""
    from kamkit.exercises import list_cases
    from kamkit.identity import COMPETENCIES
    from kamkit.quiz import QUIZ_PAGE
    from kamkit.steps import for_framework

    steps = {unit.view_module(): text.id for text, unit in for_framework(framework)}
    return steps | {_COMPETENCY_VIEW: COMPETENCIES}, {c.id for c in list_cases()} | {QUIZ_PAGE}


def in_workbook(page: str | None, root: Path, steps: dict[str, str], exercises: set[str],
                ) -> dict[str, str] | None:
    """The workbook link's parameters that open the served notebook `page` (as the page
    handler gets it, under `root`) inside the workbook, or None when it is a page of its own.

    A notebook at the root that shows a step's view (`steps`: view module -> step id, the
    competencies' under COMPETENCIES) opens the workbook on that step, whatever its file is
    called; an exercise notebook (`exercises/NN_<name>.ipynb`, `name` one of `exercises`) on
    that exercise's page. Either way the link opens in the workbook's pre-heated kernel, as
    fast as the workbook, where a page of its own would wait for a kernel started cold."""
    from kamkit.identity import EXERCISE_PARAM, TAB_PARAM

    folder, name = posixpath.split(posixpath.normpath("/" + (page or "")).lstrip("/"))
    if not name.endswith(".ipynb"):
        return None
    if folder == EXERCISE_FOLDER:
        exercise = name.removesuffix(".ipynb").split("_", 1)[-1]
        return {EXERCISE_PARAM: exercise} if exercise in exercises else None
    if folder:
        return None
    path = root / name
    try:
        imported = _imports_of(path, path.stat().st_mtime_ns)
    except OSError:
        return None
    return next(({TAB_PARAM: steps[m]} for m in imported if m in steps), None)


@lru_cache(maxsize=64)
def _imports_of(path: Path, _mtime: int) -> tuple[str, ...]:
    """The modules a notebook's code imports (`from kamkit.ui import profile`: kamkit.ui.profile
    - the page it shows), read once per version of the file."""
    try:
        cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return ()
    code = "\n".join("".join(c.get("source", "")) for c in cells
                     if isinstance(c, dict) and c.get("cell_type") == "code")
    return tuple(found[3] or f"{found[1]}.{found[2]}" for found in _IMPORTS.finditer(code))


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


# Voila's page templates ask public CDNs for icon fonts; a workshop room is often offline, and a
# page should not wait on (or tell) the internet. These are the files that do, patched per run
# from the installed Voila (so they follow its version) and put first on Jupyter's data path.
_CDN_TEMPLATES = ("voila/templates/base/page.html", "voila/templates/lab/index.html.j2")
_LOG_JS = "{{ log.js() }}"
WATCHDOG = Path(__file__).resolve().parent / "ui" / "static" / "watchdog.js"
#: live regions for kamkit's messages and names the widget library leaves out
A11Y = WATCHDOG.with_name("a11y.js")
_REMOTE_LINK = re.compile(r'^[^\n]*<link[^>]*href="https?://[^"]*"[^>]*>[^\n]*\n', re.M)


def offline_templates(run_dir: Path) -> Path:
    """Copies of Voila's templates without their CDN stylesheets (the notebook page with the
    connection watchdog, `ui/static/watchdog.js`, and `ui/static/a11y.js`), and the "room is
    full" page, under `run_dir/jupyter`. Returns that folder, for JUPYTER_PATH."""
    from jupyter_core.paths import jupyter_path

    root = run_dir / "jupyter"
    for rel in _CDN_TEMPLATES:
        source = next((Path(p) / rel for p in jupyter_path()
                       if not Path(p).resolve().is_relative_to(root.resolve())
                       and (Path(p) / rel).exists()), None)
        if source is None:  # a Voila without this file: nothing to patch
            continue
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        text = _REMOTE_LINK.sub("", source.read_text(encoding="utf-8"))
        if rel.endswith("index.html.j2"):  # every notebook page gets the connection watchdog
            scripts = "".join(f"\n<script>{{% raw %}}{js.read_text(encoding='utf-8')}"
                              "{% endraw %}</script>" for js in (WATCHDOG, A11Y))
            text = text.replace(_LOG_JS, _LOG_JS + scripts, 1)
        target.write_text(text, encoding="utf-8")
    # Voila renders `<status>.html` for an error: a full room gets a page that retries itself.
    full = root / "voila/templates/base/503.html"
    full.parent.mkdir(parents=True, exist_ok=True)
    full.write_text(ROOM_FULL_PAGE, encoding="utf-8")
    return root


def write_kernel_spec(root: Path, memory_mb: int = KERNEL_MEMORY_MB) -> Path:
    """The `python3` kernel spec under `root/kernels` (first on the server's JUPYTER_PATH, so
    Voila finds it before the installed one): every kernel starts with a data limit of
    `memory_mb` MiB (0: none), through `kamkit.kernel`. Returns the spec's file."""
    path = root / "kernels" / "python3" / "kernel.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "argv": [sys.executable, "-m", "kamkit.kernel", "--memory-mb", str(int(memory_mb)),
                 "-f", "{connection_file}"],
        "display_name": "Python 3 (kamkit)",
        "language": "python",
        "metadata": {"debugger": False},
    }, indent=2))
    return path


def compile_kamkit(package: Path = Path(__file__).parent) -> bool:
    """Write the bytecode of kamkit's own modules where it is missing or stale, once, before
    the kernels start. Under PYTHONDONTWRITEBYTECODE (common in containers, and so in the
    environment kernels inherit) no kernel ever writes it, so each compiled kamkit's ~80
    modules from source again as it started: ~0.15 s of CPU per pre-heated kernel, forty of
    them in a room. A package that cannot be written to is left as it is. True when every
    module has its bytecode."""
    import compileall

    try:
        return bool(compileall.compile_dir(package, quiet=2, force=False))
    except OSError:
        return False


def with_offline_templates(env: dict[str, str], run_dir: Path,
                           memory_mb: int = KERNEL_MEMORY_MB) -> dict[str, str]:
    """`env` with the offline templates and kamkit's kernel spec (each kernel's memory limit)
    first on JUPYTER_PATH (for the Voila process); kamkit's bytecode written for its kernels."""
    root = offline_templates(run_dir)
    write_kernel_spec(root, memory_mb)
    compile_kamkit()
    paths = [str(root), env.get("JUPYTER_PATH", "")]
    return env | {"JUPYTER_PATH": os.pathsep.join(p for p in paths if p)}


def trainee_notebooks(source: Path, run_dir: Path, exercises: Path | None = EXERCISES) -> Path:
    """A fresh copy of the trainee notebooks (and their pictures) without the manager's pages,
    plus the exercise notebooks - never the case folders, whose keys stay unserved. The
    trainee server's root. Returns the folder."""
    target = run_dir / "notebooks"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=lambda folder, names: [
        n for n in names if (Path(folder) == source and n == REVIEW)
        or n.startswith(".") or n == "__pycache__"])
    if exercises is not None and exercises.is_dir():
        (target / EXERCISE_FOLDER).mkdir(exist_ok=True)
        for nb in exercises.glob("*.ipynb"):
            shutil.copy(nb, target / EXERCISE_FOLDER / nb.name)
    return target


def _config(notebook: str, pool: int, room: RoomPlan | None = None,
            reclaim_after: float = 30.0, unconnected_after: float = UNCONNECTED_AFTER,
            headers: tuple[str, ...] = (), **extra: object) -> dict[str, object]:
    """Pre-heat `pool` kernels for `notebook` only (a step's, an exercise's link opens in it, see
    `in_workbook`; a rating page's kernel starts on demand), with the file rules, tracebacks
    off and the template fixed (a request's `?template=` is ignored: other templates load
    scripts from the internet). A room plan sets the pool and the cap on kernels, and holds
    refills back until a burst has passed; without one the cap is `default_max_kernels`."""
    pools: dict[str, object] = {
        "kernel_pools_config": {notebook: {"pool_size": room.pool if room else pool},
                                "default": {"pool_size": 0}},
    }
    if room:
        pools["fill_delay"] = ROOM_FILL_DELAY
    return {
        **extra,
        "VoilaKernelManager": pools,
        "RoomKernelManager": {"max_kernels": (room.max_kernels if room
                                              else default_max_kernels(pool)),
                              "reclaim_after": reclaim_after,
                              "unconnected_after": unconnected_after},
        "VoilaConfiguration": {
            "allow_template_override": "NO",
            "allow_theme_override": "NO",
            "file_allowlist": FILE_ALLOWLIST,
            "file_denylist": FILE_DENYLIST,
            "show_tracebacks": False,
            # request headers a page's kernel is told (the review server sets them itself)
            "http_header_envs": list(headers),
        },
    }


def write_config(run_dir: Path, pool: int, room: RoomPlan | None = None,
                 reclaim_after: float = 30.0,
                 unconnected_after: float = UNCONNECTED_AFTER) -> Path:
    """The trainee server's voila.json: the pool is for the workbook page."""
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = run_dir / "voila.json"
    path.write_text(json.dumps(_config(WORKBOOK, pool, room, reclaim_after, unconnected_after),
                               indent=2))
    return path


def voila_command(*, host: str, port: int, config_dir: Path, pool: int, cull_idle: int,
                  notebooks: Path = NOTEBOOKS, prefix: str | None = None) -> list[str]:
    """The Voila command line for a trainee server, or (with `notebooks/review` and a review
    config) the review server. `prefix`: the URL prefix a proxy sends to it (JupyterHub's),
    on exactly the port it was given."""
    under = [f"--Voila.base_url={prefix}", "--Voila.port_retries=0"] if prefix else []
    return [
        # Voila, with kamkit's gate, query socket, log and room (kamkit/voila_app.py)
        sys.executable, "-m", "kamkit.voila_app", str(notebooks),
        "--no-browser",
        f"--Voila.ip={host}",
        f"--Voila.port={port}",
        f"--Voila.config_file_paths={config_dir}",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--VoilaConfiguration.preheat_kernel={pool > 0}",
        f"--VoilaConfiguration.default_pool_size={pool}",
        # Kernels talk over local sockets (files), not TCP ports: forty kernels starting at once
        # cannot collide on a port.
        "--KernelManager.transport=ipc",
        # A closed tab's kernel is never shut down by the page; cull it when idle.
        f"--MappingKernelManager.cull_idle_timeout={cull_idle}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=False",
        *under,
    ]


def write_review_config(run_dir: Path, token: str, pool: int = 1,
                        headers: tuple[str, ...] = ()) -> Path:
    """The review server's voila.json, readable by this user only: the token (under the hub,
    where the hub signs people in, one nobody is given), a pool for the dashboard page, and
    the request headers its pages are told (`headers`)."""
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = run_dir / "voila.json"
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(json.dumps(_config(DASHBOARD, pool, headers=headers,
                                       Voila={"token": token}), indent=2))
    return path
