"""The profile coach: section completeness, and hints that react to what is missing or odd."""

from __future__ import annotations

import datetime as dt

from kamkit.demo import sample_profile
from kamkit.models import ProfileDoc
from kamkit.scoring.profile import coach_hints, section_progress


def _ids(doc, framework, today):
    return {h.id for h in coach_hints(doc, framework, today)}


def test_a_complete_sample_profile_has_every_section_done_and_no_hints(framework, today):
    doc = sample_profile(today)
    assert all(s.status == "done" for s in section_progress(doc, framework))
    assert _ids(doc, framework, today) == set()


def test_no_pressures_recorded_is_a_gap(framework, today):
    doc = sample_profile(today).model_copy(update={"pressures": []})
    assert _ids(doc, framework, today) == {"no_pressures"}


def test_over_90_percent_of_wallet_without_white_space_asks_where_growth_comes_from(
        framework, today):
    doc = sample_profile(today).model_copy(update={"spend_with_us": 4_000_000, "white_space": []})
    assert "saturated_without_growth" in _ids(doc, framework, today)
    at_90 = doc.model_copy(update={"spend_with_us": 0.9 * doc.total_category_spend})
    assert "saturated_without_growth" not in _ids(at_90, framework, today)


def test_renewal_within_90_days_is_flagged_but_not_at_91(framework, today):
    doc = sample_profile(today)
    soon = doc.model_copy(update={"next_renewal": today + dt.timedelta(days=90)})
    later = doc.model_copy(update={"next_renewal": today + dt.timedelta(days=91)})
    assert "renewal_soon" in _ids(soon, framework, today)
    assert "renewal_soon" not in _ids(later, framework, today)


def test_warnings_come_before_gaps(framework, today):
    doc = ProfileDoc(margin_pct=5)
    levels = [h.level for h in coach_hints(doc, framework, today)]
    assert levels == sorted(levels, key=lambda lv: lv != "warning") and levels[0] == "warning"


def test_section_progress_names_what_is_missing(framework):
    doc = ProfileDoc(industry="Chemicals", total_category_spend=100, spend_with_us=10)
    by_id = {s.step: s for s in section_progress(doc, framework)}
    assert by_id["identity"].missing == ["legal name", "size", "regions", "ownership"]
    # share of wallet is known from the spend figures, so it needs no rating
    assert "share of wallet" not in by_id["segmentation"].missing


def test_no_competitors_is_asked_only_when_someone_else_has_part_of_the_wallet(framework):
    def ids(doc):
        return {h.id for h in coach_hints(doc, framework)}

    assert "no_competitors" in ids(ProfileDoc(total_category_spend=100, spend_with_us=60))
    assert "no_competitors" not in ids(ProfileDoc(total_category_spend=100, spend_with_us=100))
