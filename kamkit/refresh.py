"""Bringing the dashboard's kept figures up to date before anyone looks: after a content change
(a rubric, a case's key, the framework, the quiz - or a new kamkit) every account's figures and
every trainee's person record kept in the store are stale, and the first dashboard page would
score them all (~8 s for 10,000 accounts on one core here). `kamkit review` runs `kamkit
refresh` beside its server as it starts, so that work is done once, there, on up to 4 cores.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from typing import NamedTuple

from kamkit.errors import one_line
from kamkit.frameworks import Framework, default_framework
from kamkit.people import keep_stale_records
from kamkit.quiz import load_quiz
from kamkit.review import bulk, kept_and_stale
from kamkit.store import Store

__all__ = ["Refreshed", "bring_up_to_date", "up_to_date_on", "workers"]


class Refreshed(NamedTuple):
    """What was scored again and kept."""

    accounts: int
    trainees: int


def bring_up_to_date(store: Store, framework: Framework | None = None,
                     today: dt.date | None = None, part: tuple[int, int] = (0, 1)) -> Refreshed:
    """Score and keep now what the dashboard's next look would otherwise score - every
    account's figures and every trainee's person record not kept under this content, or moved
    by a day - for the trainees in `part` (k, n: those whose id is k modulo n; by default all).
    Raises when what it scored cannot be kept."""
    framework = framework or default_framework()
    today = today or dt.date.today()
    k, n = part
    rows = [r for r in store.list_account_rows() if r["trainee_id"] % n == k]
    with bulk():
        _, stale = kept_and_stale(framework, rows, today)
        if stale:
            store.save_figures(store.scored_figures(stale, framework, today)[1])
        trainees = keep_stale_records(store, framework, rows)
    return Refreshed(len(stale), trainees)


def workers() -> int:
    """How many processes `up_to_date_on` shares the work out to: one per core this process
    may run on, at most 4."""
    return min(len(os.sched_getaffinity(0)), 4)


def up_to_date_on(url: str | None, processes: int | None = None) -> Refreshed:
    """`bring_up_to_date` over the store at `url` (None: the default), its trainees shared out
    between `processes` (default `workers()`). The content is loaded (and checked) first, once
    (the workers are forked with it). Interrupted (Ctrl+C), the workers end without a word:
    what they kept stays kept."""
    load_quiz()  # and the quiz the records are scored under: a broken one said here, once
    default_framework()
    processes = processes or workers()
    if processes <= 1:
        return _part(url, (0, 1))
    import multiprocessing

    # forked, whatever the platform's default: the workers start with the content loaded
    with multiprocessing.get_context("fork").Pool(processes, initializer=_deaf) as pool:
        done = pool.starmap(_part, [(url, (k, processes)) for k in range(processes)])
    return Refreshed(sum(d.accounts for d in done), sum(d.trainees for d in done))


def _deaf() -> None:
    """A worker leaves Ctrl+C to its parent, which ends it (a worker interrupted on its own
    would print a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _part(url: str | None, part: tuple[int, int]) -> Refreshed:
    try:
        with Store(url) as store:
            return bring_up_to_date(store, part=part)
    except Exception as exc:  # sent back to the parent as one line any process can rebuild
        raise RuntimeError(one_line(exc)) from None
