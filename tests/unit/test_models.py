"""Models: every bad value fails with a message a trainee can read."""

from __future__ import annotations

import pytest

from kamkit.errors import InvalidInput
from kamkit.models import ProfileDoc, Stakeholder, StakeholderMapDoc, Trainee, parse


def test_out_of_range_influence_says_the_range_and_the_value():
    with pytest.raises(InvalidInput) as err:
        parse(Stakeholder, {"id": "p1", "name": "Greta", "influence": 7})
    assert str(err.value) == "Influence must be at most 5 (got 7)"
    assert err.value.field == "influence"


def test_unknown_ratings_are_allowed_and_stay_unknown():
    """Is 'unknown' an answer? Yes: None is kept, not turned into neutral."""
    person = parse(Stakeholder, {"id": "p1", "name": "Greta"})
    assert person.influence is None and person.support is None


def test_spend_with_us_cannot_exceed_total_spend():
    with pytest.raises(InvalidInput, match="cannot exceed their total spend"):
        parse(ProfileDoc, {"total_category_spend": 100, "spend_with_us": 150})


def test_share_of_wallet_follows_from_spend():
    doc = parse(ProfileDoc, {"total_category_spend": 400, "spend_with_us": 100})
    assert doc.share_of_wallet == pytest.approx(25)
    assert ProfileDoc().share_of_wallet is None


def test_impossible_date_is_refused_readably():
    with pytest.raises(InvalidInput, match="Next renewal must be a real date"):
        parse(ProfileDoc, {"next_renewal": "2026-02-30"})


def test_every_problem_is_reported_with_its_field():
    with pytest.raises(InvalidInput) as err:
        parse(ProfileDoc, {"margin_pct": 140, "years_as_customer": -1})
    fields = [f for f, _ in err.value.problems]
    assert fields == ["margin_pct", "years_as_customer"]
    assert "and 1 more problem" in str(err.value)


def test_blank_name_is_refused():
    with pytest.raises(InvalidInput, match="Name cannot be empty"):
        parse(Trainee, {"name": "   "})


def test_placeholder_role_needs_no_name_but_a_person_does():
    assert parse(Stakeholder, {"id": "cfo", "title": "new CFO", "placeholder": True})
    with pytest.raises(InvalidInput, match="needs a name"):
        parse(Stakeholder, {"id": "x"})


def test_map_refuses_a_reports_to_line_to_nobody():
    with pytest.raises(InvalidInput, match="unknown person 'ghost'"):
        parse(StakeholderMapDoc, {"people": [{"id": "p1", "name": "A", "reports_to": "ghost"}]})


def test_unknown_fields_are_refused_not_silently_dropped():
    with pytest.raises(InvalidInput, match="not a field kamkit knows"):
        parse(ProfileDoc, {"favourite_colour": "blue"})
