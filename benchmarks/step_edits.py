"""How long from a trainee's edit to the saved, re-scored, redrawn step? For each workbook step,
median and p95 over N edits on a SQLite file store with the complete sample account, against a
floor measured in the same run: setting a widget value with nothing listening.

    .venv/bin/python benchmarks/step_edits.py [--n 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets
from _figures import report  # noqa: I001 - benchmarks/ is on sys.path when run

from kamkit.session import Session
from kamkit.steps import account_plan, opportunities, profile, relationship, stakeholders
from kamkit.store import Store
from kamkit.ui.account_plan import AccountPlanApp
from kamkit.ui.opportunities import OpportunitiesApp
from kamkit.ui.profile import ProfileApp
from kamkit.ui.relationship import RelationshipApp
from kamkit.ui.stakeholders import StakeholdersApp


def _time(n: int, edit: Callable[[int], None]) -> list[float]:
    times = []
    for i in range(n):
        t = time.perf_counter()
        edit(i)
        times.append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    n = ap.parse_args().n
    today = dt.date.today()
    bare = widgets.Text()
    floor = report("floor: bare widget value change", _time(n, lambda i: setattr(
        bare, "value", f"{i},000")))
    with tempfile.TemporaryDirectory() as tmp, Store(f"sqlite:///{Path(tmp) / 'k.db'}") as store:
        session = Session(store, store.add_trainee("Bench"))
        account = session.create_account("Acme")
        steps = (profile, stakeholders, relationship, opportunities, account_plan)
        for step in steps:
            store.save_document(account.id, step.ID, step.sample(today))
        builds = {}
        for step, cls in zip(steps, (ProfileApp, StakeholdersApp, RelationshipApp,
                                     OpportunitiesApp, AccountPlanApp), strict=True):
            t = time.perf_counter()
            view = cls(session)
            if hasattr(view, "build_rest"):  # tabs built when first shown: every tab, as the
                view.build_rest()  # workbook builds them after the step
            builds[step.ID] = (view, time.perf_counter() - t)
        profile_view, map_view, relationship_view, opportunities_view, plan_view = (
            b[0] for b in builds.values())

        def drag(i: int) -> None:  # what a drop on the grid does
            map_view.grid.points = [
                {**p, "influence": 1 + i % 5} if p["id"] == "p3" else p
                for p in map_view.grid.points]

        unique = opportunities_view.questions["unique"].answer.input  # the renewal's question

        def answer(i: int) -> None:  # "yes" and "partly" in turn: another score, verdict, forecast
            score, forecast = opportunities_view.score.value, opportunities_view.forecast.value
            unique.value = "partly" if i % 2 == 0 else "yes"
            assert opportunities_view.score.value != score, "not re-scored"
            assert opportunities_view.forecast.value != forecast, "forecast not redrawn"

        depot_report = plan_view.rows["actions"][1].status.input  # the sample's overdue action

        def depot_report_done(i: int) -> None:  # done, open: "Overdue actions" comes and goes
            findings = plan_view.findings.value
            depot_report.value = "done" if i % 2 == 0 else "not_started"
            assert plan_view.findings.value != findings, "findings not redrawn"

        report("profile: edit -> saved, placed, redrawn", _time(n, lambda i: setattr(
            profile_view.fields["revenue_with_us"].box, "value", f"{1_000_000 + i:,}")), floor)
        report("map: drag -> saved, findings redrawn", _time(n, drag), floor)
        report("relationship: level -> saved, re-scored", _time(n, lambda i: setattr(
            relationship_view.cards["plan_sharing"].level.input, "value", i % 5)), floor)
        report("opportunities: answer -> verdict, fcast", _time(n, answer), floor)
        report("plan: status -> saved, findings redrawn", _time(n, depot_report_done), floor)
        for step in steps:  # every edit really was saved
            versions = len(store.list_versions(account.id, step.ID))
            assert versions == n + 1, (step.ID, versions)
    for name, (_, seconds) in builds.items():
        print(f"{'build the ' + name + ' view, every tab':<40} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
