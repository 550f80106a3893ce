"""How fast is the manager's dashboard over a big store?

1. Building the dashboard's data (`ReviewSession.rows()`: every trainee's row with figures, last
   activity and review state, and each trainee's record as a person - competency ratings,
   quiz, case tries, certification, learning gain) over N trainees x every step of the
   workbook, N = 100, 1,000, 10,000 assessments:
   - the import: the raw store (seeded straight into its tables, nothing scored) has every
     account scored as an import's saves score them (`Store.keep_figures`, once);
   - cold after an import: a new dashboard page (a new kernel: nothing kept in memory) over
     the figures the import kept;
   - cold, the first look of a day (days +1 .. +5, a new page each): only the accounts that
     day moves (a rating turning stale, an action falling due ...) are scored again;
   - content changed: every account scored again - once, kept for the looks after it: by
     `kamkit review` in the background as it starts (`up_to_date_on`: up to 4 processes), and
     the first page after it; and what a page opened before that has finished pays (all
     scored on the page), and a view of one cohort of 25 (the page opens on the latest
     workshop's cohort when cohorts have workshop dates - these have none, so "(all)" is what
     their page would show);
   - warm: the same page built again (the steady state);
   - 1 % of accounts saved (and so scored, as a save does) since the page's last build.
   Most trainees are rated before and after (by themselves and their manager, some by a peer),
   most took the quiz (some twice), a fifth practised a case study.
   Floors, measured in the same run: the bare SQL join of trainees and accounts, and reading and
   parsing (json.loads) every account's latest documents once - what any cold build must do
   before scoring anything. CPU seconds are printed beside the cold wall time: on a shared
   machine the difference is other processes' load.
   Target: 10,000 assessments in under 1 s, warm and cold.
2. The dashboard page's time-to-interactive under `kamkit review` with 1,000 trainees against
   10 (two stores, two servers, opens interleaved so the machine's noise hits both alike): from
   navigation to the cohort summary and the first table line on screen. Target: within 1.5x.

    .venv/bin/python benchmarks/review_dashboard.py [--sizes 100 1000 10000] [--opens 10]
        [--skip-tti]  (the data only, no browser)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _figures import answering, pct, report, verdict  # noqa: I001 - benchmarks/ is on sys.path when run
from sqlalchemy import select

from kamkit.demo import sample_map, sample_profile, sample_relationship
from kamkit.frameworks import default_framework
from kamkit.models import IndicatorRating
from kamkit.people import keep_person_records
from kamkit.refresh import up_to_date_on
from kamkit.review import ReviewSession
from kamkit.steps import for_framework
from kamkit.store import Store
from kamkit.store_tables import (
    accounts,
    attempts,
    competency_ratings,
    development_plans,
    documents,
    figures,
    person_figures,
    quiz_attempts,
    rater_links,
    trainees,
)

CHROMIUM = os.environ.get("KAMKIT_CHROMIUM", "/usr/bin/chromium")


def seed(store: Store, n: int, rng: random.Random) -> None:
    """n trainees in cohorts of 25, one account each with every step saved (varied: the
    relationship's ratings and feeling, the map's support; the later steps full or partial;
    the work written on one of 40 days over the last year, so its dates - ratings' as-of,
    actions due, QBRs, decision dates, reviews - fall all over the calendar, as a real
    cohort's do). Written straight into the tables: nothing scored, as a raw copy would be."""
    today = dt.date.today()
    first = {"profile", "stakeholders", "relationship"}
    variants = []
    for k in range(40):
        day = today - dt.timedelta(days=9 * k)
        later = [(text.id, unit.sample(day, False).model_dump_json(),
                  unit.sample(day, True).model_dump_json())
                 for text, unit in for_framework(default_framework())
                 if text.id not in first and unit.sample is not None]
        variants.append((sample_profile(day).model_dump_json(), sample_map(day),
                         sample_relationship(day), later))
    now = dt.datetime.now(dt.timezone.utc)
    with store._write() as conn:
        conn.execute(trainees.insert(), [
            {"name": f"Trainee {i:05d}", "cohort": f"Cohort {i // 25:03d}", "created_at": now}
            for i in range(n)])
        ids = conn.execute(select(trainees.c.id).order_by(trainees.c.id)).scalars().all()
        conn.execute(accounts.insert(), [
            {"trainee_id": t, "name": f"Account of {t}", "created_at": now, "updated_at": now}
            for t in ids])
        acc_ids = conn.execute(select(accounts.c.id).order_by(accounts.c.id)).scalars().all()
        rows = []
        for acc in acc_ids:
            profile, smap, rel, later = rng.choice(variants)
            ratings = {k: IndicatorRating(level=rng.randint(0, 4), evidence=r.evidence,
                                          as_of=r.as_of) for k, r in rel.ratings.items()}
            varied = rel.model_copy(update={"gut_feeling": rng.randint(20, 95),
                                            "ratings": ratings})
            people = [p.model_copy(update={"support": rng.randint(-2, 2)})
                      for p in smap.people]
            for step, data in (("profile", profile),
                               ("stakeholders",
                                smap.model_copy(update={"people": people}).model_dump_json()),
                               ("relationship", varied.model_dump_json())):
                rows.append({"account_id": acc, "step": step, "version": 1,
                             "data": data, "saved_at": now})
            for step, full, partial in later:
                rows.append({"account_id": acc, "step": step, "version": 1,
                             "data": full if rng.random() < 0.6 else partial, "saved_at": now})
        conn.execute(documents.insert(), rows)
    seed_people(store, ids, rng)


def seed_people(store: Store, ids: list[int], rng: random.Random) -> None:
    """Each trainee as a person: 90 % rated before and after by themselves and their manager
    (one in ten by a peer too, through a link), 80 % took the quiz (a third of them twice), a
    fifth practised a case study (a practice account, every step checked, some twice) and has
    a development plan."""
    behaviours = [b.id for b in default_framework().competencies.behaviours]
    steps = [s.id for s in default_framework().steps]
    now = dt.datetime.now(dt.timezone.utc)
    before, after = now - dt.timedelta(days=60), now - dt.timedelta(days=2)

    def levels(lo: int, hi: int) -> str:
        return json.dumps({"levels": {b: rng.randint(lo, hi) for b in behaviours},
                           "examples": {}, "comment": ""})

    ratings, links, quiz, practice, plans = [], [], [], [], []
    for t in ids:
        if rng.random() < 0.9:
            for round, at, lo, hi in (("before", before, 1, 4), ("after", after, 2, 5)):
                for rater, name in (("self", ""), ("manager", "Manager")):
                    ratings.append({"trainee_id": t, "round": round, "rater": rater,
                                    "rater_name": name, "link_id": 0, "version": 1,
                                    "data": levels(lo, hi), "saved_at": at})
            if rng.random() < 0.1:
                links.append({"trainee_id": t, "round": "after", "peer_name": "Peer",
                              "token_hash": f"{t:064x}", "created_at": after,
                              "expires_at": after + dt.timedelta(days=14)})
        if rng.random() < 0.8:
            first = rng.choice((50.0, 66.7, 83.3, 100.0))
            quiz.append({"trainee_id": t, "quiz": "ideas", "attempt": 1, "score": first,
                         "passed": first >= 75, "answers": "{}", "at": before})
            if rng.random() < 0.33:
                quiz.append({"trainee_id": t, "quiz": "ideas", "attempt": 2, "score": 100.0,
                             "passed": True, "answers": "{}", "at": after})
        if rng.random() < 0.2:
            practice.append(t)
            plans.append({"trainee_id": t, "version": 1, "saved_at": after, "data": json.dumps(
                {"items": [{"competency": "trust", "action": "Listen", "due": None,
                            "done": False}]})})
    with store._write() as conn:
        for table, rows in ((competency_ratings, ratings), (quiz_attempts, quiz),
                            (development_plans, plans)):
            if rows:
                conn.execute(table.insert(), rows)
        for link in links:  # a peer rates through their own link
            link_id = conn.execute(rater_links.insert().values(**link)).inserted_primary_key[0]
            conn.execute(competency_ratings.insert().values(
                trainee_id=link["trainee_id"], round="after", rater="peer", rater_name="Peer",
                link_id=link_id, version=1, data=levels(2, 5), saved_at=after))
        if not practice:
            return
        long_ago = now - dt.timedelta(days=30)  # before their own account's latest save
        conn.execute(accounts.insert(), [
            {"trainee_id": t, "name": "Halden (case study)", "case_id": "halden",
             "created_at": long_ago, "updated_at": long_ago} for t in practice])
        case_accounts = conn.execute(select(accounts.c.id).where(
            accounts.c.case_id == "halden")).scalars().all()
        checks = []
        for acc in case_accounts:
            for step in steps:
                score = rng.choice((25.0, 50.0, 75.0, 100.0))
                checks.append({"account_id": acc, "case_id": "halden", "step": step,
                               "attempt": 1, "score": score, "passed": score >= 80,
                               "hints": 0 if score >= 80 else 2, "wrong": "[]",
                               "at": long_ago})
                if score < 80:
                    checks.append({"account_id": acc, "case_id": "halden", "step": step,
                                   "attempt": 2, "score": 100.0, "passed": True, "hints": 0,
                                   "wrong": "[]", "at": long_ago + dt.timedelta(minutes=5)})
        conn.execute(attempts.insert(), checks)


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def timed_cpu(fn, repeats: int) -> tuple[list[float], list[float]]:
    """(wall seconds, CPU seconds of this process) of each call."""
    wall, cpu = [], []
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return wall, cpu


def measure(store: Store, n: int, rng: random.Random) -> None:
    fw, today = default_framework(), dt.date.today()
    page = lambda day=None: ReviewSession(store, "bench").rows(today=day)  # noqa: E731 - a new page

    def floor() -> None:
        with store._read() as conn:
            conn.execute(select(trainees.c.id, trainees.c.name, accounts.c.id,
                                accounts.c.updated_at).join(
                accounts, accounts.c.trainee_id == trainees.c.id)).all()

    def parse() -> None:  # every latest document read and parsed once, nothing scored
        ids = [r["account_id"] for r in store.list_account_rows() if r["account_id"]]
        for saved in store.latest_documents(ids).values():
            for _, _, data in saved.values():
                json.loads(data)

    def stamps() -> dict[int, dt.datetime]:
        return {r["account_id"]: r["updated_at"] for r in store.list_account_rows()
                if r["account_id"] is not None}

    def nothing_kept() -> None:  # as after a content change: no figure or record holds
        with store._write() as conn:
            conn.execute(figures.delete())
            conn.execute(person_figures.delete())

    def rescore_all() -> None:  # a page opened before kamkit review kept them again: every
        nothing_kept()  # account and person scored on the page
        page()

    floor_times = timed(floor, 7)
    floor_ms = _median(floor_times) * 1000
    parse_times = timed(parse, 3)
    def imported_now() -> None:  # as `kamkit import` keeps what it wrote (io.workbook)
        store.keep_figures(stamps(), fw, today)
        keep_person_records(store, fw, [r["trainee_id"] for r in store.list_account_rows()])

    # the import: its saves score each account as they keep it (Store.score_saved), and each
    # trainee's person record is kept (people.keep_person_records), once
    imported, imported_cpu = timed_cpu(imported_now, 1)
    after_import, after_import_cpu = timed_cpu(page, 5)  # cold: a new page, nothing in memory
    next_day, next_day_cpu, moved = [], [], []
    for k in (1, 2, 3, 4, 5):
        day = today + dt.timedelta(days=k)
        wall, used = timed_cpu(lambda day=day: page(day), 1)
        next_day += wall
        next_day_cpu += used
        moved.append(sum(json.loads(r["figures"])["figures"]["as_of"] == day.isoformat()
                         for r in store.list_account_rows()))  # scored again that day
    def one_cohort() -> None:  # a view of one cohort: only its 25 are scored again
        nothing_kept()
        ReviewSession(store, "bench").rows(cohort="Cohort 000")

    content_cohort = timed(one_cohort, 3)
    content, content_cpu = timed_cpu(rescore_all, 1 if n >= 10_000 else 3)
    at_start, after_start = [], []  # as kamkit review starts: kept again, then the first page
    for _ in range(1 if n >= 10_000 else 3):
        nothing_kept()
        at_start += timed(lambda: up_to_date_on(store.url), 1)  # as kamkit refresh does
        after_start += timed(page, 1)
    session = ReviewSession(store, "bench")
    session.rows()
    warm, warm_cpu = timed_cpu(session.rows, 7)
    changed, changed_cpu = [], []
    for _ in range(5):
        picked = rng.sample(range(1, n + 1), max(1, n // 100))
        with store._write() as conn:  # a save moves the account's stamp ...
            conn.execute(accounts.update().where(accounts.c.id.in_(picked))
                         .values(updated_at=dt.datetime.now(dt.timezone.utc)))
        store.score_saved(picked)  # ... and scores it, as Store.save_document does
        t0, c0 = time.perf_counter(), time.process_time()
        rows = session.rows()
        changed.append(time.perf_counter() - t0)
        changed_cpu.append(time.process_time() - c0)
    one_save = timed(lambda: store.score_saved([rng.randint(1, n)]), 20)
    assert len(rows) == n and all(r.figures is not None for r in rows)
    assert all(r.person is not None for r in rows)
    rated = sum(bool(r.person.sets) for r in rows)
    gains = {g.key: g.n for g in session.gains(rows)}

    def cpu(values: list[float]) -> None:
        print(f"{'      (CPU of this process)':<40} median {_median(values) * 1000:8.3f} ms")

    report(f"    floor: SQL join of {n} rows", floor_times)
    report("    floor: parse every latest document", parse_times, floor_ms)
    report("    import: every account scored (once)", imported, floor_ms)
    cpu(imported_cpu)
    report("    a save: its account scored (once)", one_save, floor_ms)
    cold_ms = report("    cold: new page after the import", after_import, floor_ms)
    cpu(after_import_cpu)
    day_ms = report("    cold: new page, first look of a day", next_day, floor_ms)
    cpu(next_day_cpu)
    print(f"      (accounts scored again on days +1..+5: {', '.join(map(str, moved))} of "
          f"{n})")
    report("    content changed: kept again at start", at_start, floor_ms)
    content_ms = report("    content changed: first page after it", after_start, floor_ms)
    report("    content changed: a page before it", content, floor_ms)
    cpu(content_cpu)
    report("    content changed: one cohort's view", content_cohort, floor_ms)
    warm_ms = report("    warm: the same page again", warm, floor_ms)
    cpu(warm_cpu)
    changed_ms = report("    1 % of accounts saved since", changed, floor_ms)
    cpu(changed_cpu)
    print(f"    (person records: {rated} trainees rated; gain counts self {gains['self']}, "
          f"manager {gains['manager']}, quiz {gains['quiz']})")
    if n >= 10_000:
        cold_parts(store)
        for name, ms, used in (("cold after an import", cold_ms, after_import_cpu),
                               ("cold, a day's first look", day_ms, next_day_cpu),
                               ("warm", warm_ms, warm_cpu), ("1 % saved", changed_ms, changed_cpu)):
            verdict(f"dashboard data, {n:,} assessments: {name}", "<= 1 s",
                    f"{ms:.0f} ms ({_median(used) * 1000:.0f} ms CPU)", ms <= 1000)
        verdict(f"dashboard data, {n:,} assessments: content changed, the first page after "
                "kamkit review kept it again", "<= 1 s",
                f"{content_ms:.0f} ms (kept again in {_median(at_start):.1f} s, in the background "
                f"as the server starts; a page before that: {_median(content):.1f} s)",
                content_ms <= 1000)
        print(f"    (load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
              f"{os.cpu_count()} cores)")


def cold_parts(store: Store) -> None:
    """Where a cold build's time goes, in CPU seconds of this process (one pass each): reading
    and validating every account's latest documents, scoring them, and the person records
    (the garbage collector held off, as `ReviewSession.rows` does)."""
    import gc

    from kamkit.figures import account_figures
    from kamkit.people import person_records
    from kamkit.review import saved_docs

    gc.collect()
    gc.disable()

    fw, today = default_framework(), dt.date.today()
    rows = store.list_account_rows()
    ids = [r["account_id"] for r in rows if r["account_id"]]
    c = time.process_time()
    docs = [saved_docs(saved, fw) for saved in store.latest_documents(ids).values()]
    read = time.process_time() - c
    c = time.process_time()
    for d in docs:
        account_figures(d, fw, today)
    scored = time.process_time() - c
    c = time.process_time()
    person_records(store, fw, rows)
    people = time.process_time() - c
    gc.enable()
    total = read + scored + people
    print(f"    cold, CPU by part: documents read and validated {read:.1f} s, {len(docs)} "
          f"accounts scored {scored:.1f} s, person records {people:.1f} s = {total:.1f} s: "
          f"on both cores at best {total / 2:.1f} s (load average now "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


def data_benchmark(sizes: list[int]) -> None:
    print("Building the dashboard's data (ReviewSession.rows), figures per trainee:")
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            with Store(f"sqlite:///{Path(tmp) / f'bench-{n}.db'}") as store:
                t = time.perf_counter()
                seed(store, n, rng)
                print(f"  {n:>6} assessments (seeded in {time.perf_counter() - t:.1f} s)")
                measure(store, n, rng)


# -- time-to-interactive of the dashboard page -------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ReviewServer:
    token = "benchmark-token-0123456789abcdef"

    def __init__(self, home: Path, n: int) -> None:
        self.home, self.n = home, n
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ, KAMKIT_HOME=str(home),
                        KAMKIT_DB_URL=f"sqlite:///{home / 'kamkit.db'}")
        with Store(self.env["KAMKIT_DB_URL"]) as store:
            seed(store, n, random.Random(n))
            ReviewSession(store, "bench").rows()  # figures kept, as after the trainees' saves
        self.log = open(home / "review.log", "w")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kamkit.cli", "review", "--port", str(self.port),
             "--token", self.token, "--pool", "1"], env=self.env, stdout=self.log,
            stderr=subprocess.STDOUT, start_new_session=True)
        answering(self.url, "kamkit review")

    def stop(self) -> None:
        import signal

        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=30)
        self.log.close()


def open_dashboard(browser, server: ReviewServer) -> float:
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(120_000)
    t = time.perf_counter()
    page.goto(f"{server.url}/voila/render/00_dashboard.ipynb?token={server.token}")
    page.get_by_text(f"{server.n} trainees").wait_for()
    page.locator(".kk-row:not(.kk-head)").first.wait_for()
    elapsed = time.perf_counter() - t
    context.close()
    return elapsed


def tti_benchmark(opens: int) -> None:
    from playwright.sync_api import sync_playwright

    print(f"\nDashboard time-to-interactive under kamkit review (pool 1), {opens} opens each:")
    with tempfile.TemporaryDirectory() as tmp:
        servers = []
        for n in (10, 1000):
            home = Path(tmp) / f"home-{n}"
            home.mkdir()
            servers.append(ReviewServer(home, n))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run"])
                times: dict[int, list[float]] = {s.n: [] for s in servers}
                for s in servers:  # first opens warm the OS caches; not counted
                    open_dashboard(browser, s)
                for _ in range(opens):
                    for s in servers:
                        time.sleep(8)  # let the pre-heated pool refill, as between managers
                        times[s.n].append(open_dashboard(browser, s))
                browser.close()
        finally:
            for s in servers:
                s.stop()
    small = report("  10 trainees", times[10]) / 1000
    large = report("  1,000 trainees", times[1000]) / 1000
    ratio = large / small
    print(f"  p95: {pct(times[10], 0.95):.2f} s vs {pct(times[1000], 0.95):.2f} s")
    verdict("dashboard page TTI, 1,000 trainees / 10", "<= 1.5x", f"{ratio:.2f}x", ratio <= 1.5)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10_000])
    ap.add_argument("--opens", type=int, default=10)
    ap.add_argument("--skip-tti", action="store_true")
    args = ap.parse_args()
    data_benchmark(args.sizes)
    if not args.skip_tti:
        tti_benchmark(args.opens)


if __name__ == "__main__":
    main()
