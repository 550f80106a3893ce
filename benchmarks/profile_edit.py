"""How long from a trainee leaving a profile field to the saved, re-scored, redrawn step?
Median and p95 over N edits on a SQLite file store, against a floor measured in the same run:
setting the same widget value with nothing listening.

    .venv/bin/python benchmarks/profile_edit.py [--n 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import ipywidgets as widgets
from _figures import report  # noqa: I001 - benchmarks/ is on sys.path when run

from kamkit.demo import sample_profile, sample_relationship
from kamkit.session import Session
from kamkit.store import Store
from kamkit.ui.profile import ProfileApp


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    n = ap.parse_args().n
    today = dt.date.today()
    bare = widgets.Text()
    floor_times = []
    for i in range(n):
        t = time.perf_counter()
        bare.value = f"{i},000"
        floor_times.append(time.perf_counter() - t)
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{Path(tmp) / 'k.db'}") as store:
        session = Session(store, store.add_trainee("Bench"))
        account = session.create_account("Acme")
        store.save_document(account.id, "profile", sample_profile(today))
        store.save_document(account.id, "relationship", sample_relationship(today))
        t = time.perf_counter()
        view = ProfileApp(session)
        build = time.perf_counter() - t
        field = view.fields["revenue_with_us"].box
        times = []
        for i in range(n):
            t = time.perf_counter()
            field.value = f"{1_000_000 + i:,}"
            times.append(time.perf_counter() - t)
        assert view.save_status.text.startswith("All changes saved"), view.save_status.text
    print(f"kamkit profile step: {n} edits of a complete sample profile (SQLite file store)")
    floor = report("floor: bare Text widget value change", floor_times)
    report("edit -> validated, saved, redrawn", times, floor)
    print(f"{'build the profile view once':<40} {build * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
