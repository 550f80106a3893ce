"""Kept figures hold until the first day they may change (`figures_until`): every day before it,
the same documents give the very same figures - checked day by day over documents dated all
around today (ratings turning stale, QBRs entering and leaving the year, actions falling due,
plans passing their review, won deals becoming history at a quarter's turn). And saves and
imports score their account as they keep it: a dashboard after them scores nothing, one a day
later only the accounts that day moves."""

from __future__ import annotations

import datetime as dt
import random

import pytest

import kamkit.store_reviews as store_reviews
from kamkit.figures import Kept, account_figures, figures_until, saved_docs
from kamkit.frameworks import default_framework
from kamkit.io.workbook import dumps, export_trainee, import_workbook
from kamkit.review import ReviewSession
from kamkit.steps import Docs, added, for_framework
from kamkit.steps.opportunities import sample as sample_opportunities
from kamkit.store import Store

FW = default_framework()
TODAY = dt.date(2026, 12, 2)


def _docs(rng: random.Random, made_on: dt.date) -> Docs:
    """Every step's sample as written on `made_on`, full or begun; some deals won, their
    decision dates spread over quarters."""
    docs = {}
    for text, unit in for_framework(FW):
        if unit.sample is not None:
            docs[text.id] = unit.sample(made_on, rng.random() < 0.3)
    opps = sample_opportunities(made_on)
    docs["opportunities"] = opps.model_copy(update={"opportunities": [
        o.model_copy(update={"stage": rng.choice(["won", o.stage, "lost"]),
                             "decision_date": made_on + dt.timedelta(days=rng.randint(-200, 200))})
        for o in opps.opportunities]})
    return Docs(docs)


def _shown(docs: Docs, day: dt.date):
    f = account_figures(docs, FW, day)
    return f.percent, f.status, f.values


@pytest.mark.parametrize("seed", range(6))
def test_the_figures_hold_every_day_before_their_until(seed):
    rng = random.Random(seed)
    moved = 0
    for shift in range(-420, 120, 45):
        docs = _docs(rng, TODAY + dt.timedelta(days=shift + rng.randint(0, 44)))
        first = _shown(docs, TODAY)
        until = figures_until(docs, FW, TODAY)
        assert until is None or until > TODAY
        last = TODAY + dt.timedelta(days=400) if until is None else until
        days = {TODAY + dt.timedelta(days=n) for n in range(1, 32)}
        days |= {last - dt.timedelta(days=n) for n in (1, 2)}
        days |= {TODAY + dt.timedelta(days=rng.randint(1, max(1, (last - TODAY).days)))
                 for _ in range(8)}
        for day in sorted(d for d in days if d < last):
            assert _shown(docs, day) == first, (shift, day, until)
        if until is not None and _shown(docs, until) != first:
            moved += 1
    assert moved  # the days named are days the figures really move, at least some of them


def test_a_step_that_does_not_say_is_scored_again_the_next_day():
    text, unit = for_framework(FW)[0]
    with added(unit.__class__(**{**unit.__dict__, "figures_until": None})):
        assert figures_until(Docs(), FW, TODAY) == TODAY + dt.timedelta(days=1)


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'kamkit.db'}") as s:
        yield s


@pytest.fixture
def scored(monkeypatch):
    """Account ids scored, by whoever scores them."""
    out: list[int] = []
    real = store_reviews.kept_figures

    def counting(saved, framework, today):
        out.append(today)
        return real(saved, framework, today)

    monkeypatch.setattr(store_reviews, "kept_figures", counting)
    return out


def test_a_save_keeps_its_figures_and_the_dashboard_only_reads_them(store, scored):
    ana = store.add_trainee("Ana")
    acc = store.add_account(ana.id, "Orbit Foods")
    for text, unit in for_framework(FW):
        if unit.sample is not None:
            store.save_document(acc.id, text.id, unit.sample(dt.date.today(), False))
    assert len(scored) == len(FW.steps)  # each save scored its account
    scored.clear()
    session = ReviewSession(store, "Mia")
    row = session.rows()[0]
    assert scored == []  # nothing left to score
    saved = store.latest_documents([acc.id])[acc.id]
    assert row.figures == account_figures(saved_docs(saved, FW), FW, dt.date.today())
    until = Kept.model_validate_json(store.list_account_rows()[0]["figures"]).until
    assert until is not None  # the sample's ratings turn stale, its actions fall due
    before = until - dt.timedelta(days=1)
    assert ReviewSession(store, "Mia").rows(today=before)[0].figures.as_of == before
    assert scored == []  # a later day before `until`: the same figures, dated that day
    assert ReviewSession(store, "Mia").rows(today=until)[0].figures.as_of == until
    assert scored == [until]  # the day they may change: scored again, once


def test_an_imported_trainee_is_on_the_dashboard_without_scoring(store, scored, tmp_path):
    ana = store.add_trainee("Ana", login="ana")
    acc = store.add_account(ana.id, "Orbit Foods")
    for text, unit in for_framework(FW):
        if unit.sample is not None:
            store.save_document(acc.id, text.id, unit.sample(dt.date.today(), True))
    text = dumps(export_trainee(store, ana.id))
    with Store(f"sqlite:///{tmp_path / 'other.db'}") as other:
        scored.clear()
        import_workbook(other, text)
        assert len(scored) == 1  # the import scored the account it brought
        rows = ReviewSession(other, "Mia").rows()
        assert len(scored) == 1 and rows[0].figures is not None
        assert rows[0].figures == ReviewSession(store, "Mia").rows()[0].figures
