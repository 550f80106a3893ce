"""Segmentation: the two axes, the purpose they imply, and the sentence that says why."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kamkit.models import ProfileDoc
from kamkit.scoring.segmentation import place

ATTRACT = ["revenue_potential", "strategic_importance", "market_influence"]


def _profile(**ratings: float) -> ProfileDoc:
    return ProfileDoc(segmentation=ratings)


def test_axes_are_weighted_sums_of_the_criteria(framework):
    doc = _profile(revenue_potential=80, strategic_importance=70, market_influence=60,
                   share_of_wallet=20, relationship_strength=40)
    placed = place(doc, framework)
    assert placed.attractiveness.score == 0.40 * 80 + 0.35 * 70 + 0.25 * 60  # 71.5
    assert placed.strength.score == 30
    assert placed.purpose.id == "grow"


def test_share_of_wallet_comes_from_the_spend_figures_when_they_exist(framework):
    doc = ProfileDoc(total_category_spend=1000, spend_with_us=900,
                     segmentation={"share_of_wallet": 10, "relationship_strength": 60,
                                   **dict.fromkeys(ATTRACT, 30)})
    placed = place(doc, framework)
    sow = placed.strength.values[0]
    assert (sow.value, sow.origin) == (90, "your spend figures")
    assert placed.strength.score == 75 and placed.purpose.id == "defend"


def test_relationship_strength_comes_from_the_relationship_step_when_done(framework):
    doc = _profile(**dict.fromkeys(ATTRACT, 80), share_of_wallet=60, relationship_strength=90)
    placed = place(doc, framework, relationship=20)
    rel = placed.strength.values[1]
    assert (rel.value, rel.origin) == (20, "the relationship step")
    assert placed.strength.score == 40 and placed.purpose.id == "grow"


def test_exactly_on_the_threshold_counts_as_high_and_strong(framework):
    doc = _profile(**dict.fromkeys(ATTRACT, 50), share_of_wallet=50, relationship_strength=50)
    placed = place(doc, framework)
    assert placed.attractiveness.high and placed.strength.high
    assert placed.purpose.id == "maintain"


def test_just_below_the_threshold_is_low(framework):
    doc = _profile(**dict.fromkeys(ATTRACT, 49), share_of_wallet=50, relationship_strength=50)
    assert place(doc, framework).purpose.id == "defend"


def test_low_and_weak_is_exit(framework):
    doc = _profile(**dict.fromkeys(ATTRACT, 10), share_of_wallet=10, relationship_strength=10)
    assert place(doc, framework).purpose.id == "exit"


def test_an_unrated_criterion_means_not_placed_and_says_which(framework):
    doc = _profile(revenue_potential=80, share_of_wallet=50, relationship_strength=50)
    placed = place(doc, framework)
    assert placed.purpose is None and placed.attractiveness.score is None
    assert placed.explanation == ("Not placed yet: still to rate strategic importance and "
                                  "market influence.")


def test_the_explanation_names_the_purpose_and_what_drove_it(framework):
    doc = _profile(revenue_potential=90, strategic_importance=60, market_influence=50,
                   share_of_wallet=20, relationship_strength=40)
    text = place(doc, framework, account="Acme").explanation
    assert text.startswith("Acme is a Grow account: attractiveness 70/100 is high "
                           "(mainly revenue potential at 90)")
    assert "our strength 30/100 is weak (held down by share of wallet at 20)" in text
    assert text.endswith("Invest for high growth.")


ratings = st.integers(min_value=0, max_value=100)


@given(base=st.fixed_dictionaries({c: ratings for c in ATTRACT}),
       which=st.sampled_from(ATTRACT), raise_by=st.integers(min_value=0, max_value=100))
def test_raising_an_attractiveness_criterion_never_lowers_attractiveness(base, which, raise_by):
    from kamkit.frameworks import default_framework

    fw = default_framework()
    before = place(_profile(**base), fw).attractiveness.score
    higher = {**base, which: min(100, base[which] + raise_by)}
    assert place(_profile(**higher), fw).attractiveness.score >= before


@given(values=st.fixed_dictionaries({c: ratings for c in
                                     [*ATTRACT, "share_of_wallet", "relationship_strength"]}),
       rel=st.one_of(st.none(), st.floats(min_value=0, max_value=100)))
def test_axes_stay_between_0_and_100(values, rel):
    from kamkit.frameworks import default_framework

    placed = place(_profile(**values), default_framework(), relationship=rel)
    for axis in (placed.attractiveness, placed.strength):
        assert 0 <= axis.score <= 100
