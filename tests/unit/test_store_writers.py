"""Forty kernels saving into one SQLite file for a minute (a workshop room typing at once): every
save a writer was told succeeded is in the store, in order, and no writer ever sees "database is
locked" or any other refusal - the WAL, the busy timeout and the retries absorb the contention.

Each writer is its own process with its own Store, like a trainee's kernel. Pairs of writers
share an account (a trainee with two tabs open), so version numbers are contended too.
`KAMKIT_WRITERS_SECONDS` shortens or lengthens the run (60 by default)."""

from __future__ import annotations

import multiprocessing as mp
import os
import time

from kamkit.errors import KamkitError
from kamkit.models import ProfileDoc
from kamkit.store import Store

WRITERS = 40
SECONDS = float(os.environ.get("KAMKIT_WRITERS_SECONDS", "60"))


def _writer(url: str, account_id: int, name: str, ready: mp.Queue, go: mp.Event,
            out: mp.Queue) -> None:
    acknowledged: list[tuple[int, str]] = []
    refusals: list[str] = []
    with Store(url) as store:
        ready.put(name)
        go.wait()
        until = time.time() + SECONDS
        n = 0
        while time.time() < until:
            text = f"{name} edit {n}"
            try:
                version = store.save_document(account_id, "profile",
                                              ProfileDoc(strategy=text))
            except KamkitError as exc:  # what a page would show
                refusals.append(str(exc))
            else:
                acknowledged.append((version, text))
            n += 1
    out.put((account_id, name, acknowledged, refusals))


def test_forty_writers_for_a_minute_lose_nothing_and_never_see_locked(tmp_path):
    url = f"sqlite:///{tmp_path / 'kamkit.db'}"
    with Store(url) as store:
        accounts = [store.add_account(store.add_trainee(f"Trainee {i}").id, f"Account {i}").id
                    for i in range(WRITERS // 2)]
    ctx = mp.get_context("spawn")
    ready: mp.Queue = ctx.Queue()
    out: mp.Queue = ctx.Queue()
    go = ctx.Event()
    procs = [ctx.Process(target=_writer,
                         args=(url, accounts[i // 2], f"w{i}", ready, go, out))
             for i in range(WRITERS)]
    for p in procs:
        p.start()
    for _ in procs:  # all connected: then they write at once, for the whole run
        ready.get(timeout=180)
    go.set()
    results = [out.get(timeout=SECONDS + 120) for _ in procs]
    for p in procs:
        p.join(timeout=30)

    refusals = [r for *_, rs in results for r in rs]
    assert not refusals, refusals[:3]
    saves = sum(len(acks) for _, _, acks, _ in results)
    assert saves > WRITERS * 5, f"only {saves} saves in {SECONDS:.0f} s: the test proves little"

    with Store(url) as store:
        for account_id in accounts:
            stored = {v.version: v.data["strategy"]
                      for v in store.list_versions(account_id, "profile")}
            acked = {version: text for acc, _, acks, _ in results if acc == account_id
                     for version, text in acks}
            # every acknowledged save is there, under the version number it was given, and
            # no version was handed to two writers
            assert len(acked) == sum(len(acks) for acc, _, acks, _ in results
                                     if acc == account_id)
            assert stored == acked
            assert sorted(stored) == list(range(1, len(stored) + 1))
