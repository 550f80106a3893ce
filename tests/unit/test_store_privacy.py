"""The store's file and folder: readable by their owner only."""

from __future__ import annotations

import os
import sqlite3
import stat

from kamkit.store import Store


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_store_and_its_folder_are_private_even_in_a_home_that_exists(private_home):
    """A home folder made by someone else (0755) and a permissive umask: still owner-only."""
    private_home.mkdir(mode=0o755)
    os.chmod(private_home, 0o755)
    old = os.umask(0o022)
    try:
        with Store() as store:
            store.add_trainee("Ann")  # the log and shared-memory files exist while it is open
            files = [private_home / f"kamkit.db{end}" for end in ("", "-wal", "-shm")]
            assert [_mode(f) for f in files] == [0o600] * 3
        assert _mode(private_home) == 0o700
    finally:
        os.umask(old)


def test_an_existing_store_file_is_made_private_but_a_folder_of_ones_own_is_left(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    path = folder / "team.db"
    sqlite3.connect(path).close()
    os.chmod(path, 0o644)
    Store(f"sqlite:///{path}").close()
    assert (_mode(path), _mode(folder)) == (0o600, 0o755)
    from kamkit.store_privacy import make_private

    os.chmod(path, 0o444)  # read-only on purpose: it stays read-only, for its owner alone
    make_private(path, tmp_path / "home")
    assert _mode(path) == 0o400
