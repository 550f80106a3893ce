"""The store's side of privacy. The SQLite file holds opinions about real people, so it and
kamkit's home folder are readable by their owner only, whatever the umask and even when they
were made before.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

__all__ = ["make_private"]


def make_private(path: Path, home: Path) -> None:
    """Create the SQLite file `path` readable and writable by its owner only, whatever the
    umask, and take group and other access away from an existing one (and its -wal and -shm,
    which SQLite creates with the file's permissions). The folder is made private when it is
    kamkit's home or made here; a folder of the user's own (a --db elsewhere) is left alone."""
    folder = path.parent
    created = not folder.exists()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    if created or folder.resolve() == home.expanduser().resolve():
        _chmod(folder, 0o700)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.fchmod(fd, 0o600)  # the umask may have taken more than group and other
        os.close(fd)
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm"):
        target = folder / name
        with contextlib.suppress(FileNotFoundError):
            # a read-only file stays read-only: only group and other lose their access
            _chmod(target, stat.S_IMODE(target.stat().st_mode) & 0o700)


def _chmod(path: Path, mode: int) -> None:
    with contextlib.suppress(PermissionError):  # someone else's file: theirs to protect
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
