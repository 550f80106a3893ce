"""How long does keeping one answer take? Median and p95 of `Store.save_document` (validate,
append a version, in one IMMEDIATE transaction, WAL) against a floor measured in the same run:
a bare sqlite3 INSERT + COMMIT of the same JSON into a table of the same shape, same pragmas.

    .venv/bin/python benchmarks/store_writes.py [--n 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import tempfile
import time
from pathlib import Path

from _figures import report  # noqa: I001 - benchmarks/ is on sys.path when run

from kamkit.demo import sample_map
from kamkit.store import Store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=500)
    n = ap.parse_args().n
    doc = sample_map(dt.date.today())
    payload = doc.model_dump_json()
    with tempfile.TemporaryDirectory() as tmp:
        raw = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA synchronous=NORMAL")
        raw.execute("CREATE TABLE d (id INTEGER PRIMARY KEY, account_id INT, step TEXT, "
                    "version INT, data TEXT, saved_at TEXT)")
        floor_times = []
        for i in range(n):
            t = time.perf_counter()
            raw.execute("BEGIN IMMEDIATE")
            raw.execute("INSERT INTO d (account_id, step, version, data, saved_at) "
                        "VALUES (1, 'stakeholders', ?, ?, datetime('now'))", (i, payload))
            raw.execute("COMMIT")
            floor_times.append(time.perf_counter() - t)
        raw.close()

        with Store(f"sqlite:///{Path(tmp) / 'kamkit.db'}") as store:
            account = store.add_account(store.add_trainee("Bench").id, "Acme")
            times = []
            for _ in range(n):
                t = time.perf_counter()
                store.save_document(account.id, "stakeholders", doc)
                times.append(time.perf_counter() - t)
            load_times = []
            for _ in range(min(n, 200)):
                t = time.perf_counter()
                store.load_document(account.id, "stakeholders")
                load_times.append(time.perf_counter() - t)

    print(f"kamkit store benchmark: {n} saves of an 8-person stakeholder map "
          f"({len(payload)} bytes of JSON)")
    floor = report("floor: raw sqlite3 insert+commit", floor_times)
    report("Store.save_document", times, floor)
    report("Store.load_document (latest)", load_times, floor)


if __name__ == "__main__":
    main()
