"""The certificate: one printable page that runs nothing and fetches nothing, every text in it
text - and only for a trainee who met every certification rule."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kamkit.certificate import certificate_html, not_certified
from kamkit.errors import InvalidInput
from kamkit.scoring.competency import Certification, RuleResult
from tests.payloads import PAYLOADS, live_markup, text_of

TODAY = dt.date(2026, 12, 4)
MET = Certification((RuleResult("The quiz passed at the first attempt", True,
                                "first attempt 90 %"),
                     RuleResult("A first try of 70 % on a case", True, "best first try 80 %")))


def test_a_certified_trainee_gets_a_page_naming_them_the_rules_and_the_figures():
    page = certificate_html("Ana Costa", "May", MET, TODAY, issued_by="Mia Berg")
    said = " ".join(text_of(page).split())
    assert "This certifies that Ana Costa" in said
    assert "as a member of May" in said and "4 December 2026" in said and "Mia Berg" in said
    assert "The quiz passed at the first attempt - first attempt 90 %" in said
    assert "best first try 80 %" in said


def test_the_page_allows_no_script_and_fetches_nothing():
    page = certificate_html("Ana", None, MET, TODAY)
    csp = re.search(r"Content-Security-Policy' content=\"([^\"]+)\"", page).group(1)
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "@page { size: A4" in page
    assert "as a member of" not in page  # no cohort, no "member of" line


@pytest.mark.parametrize("payload", PAYLOADS)
def test_every_text_on_the_certificate_is_text(payload):
    rules = Certification((RuleResult(payload, True, payload),))
    page = certificate_html(payload, payload, rules, TODAY, issued_by=payload,
                            programme=payload)
    assert live_markup(page) == []
    assert text_of(page).count(payload) >= 5  # name, cohort, issuer, rule, detail: as typed


def test_a_trainee_not_certified_gets_no_certificate_and_hears_which_rules_are_unmet():
    half = Certification((RuleResult("The quiz passed at the first attempt", False,
                                     "first attempt 40 %"), MET.results[1]))
    with pytest.raises(InvalidInput) as refused:
        certificate_html("Ana", "May", half, TODAY)
    said = str(refused.value)
    assert said == ("Not certified yet: The quiz passed at the first attempt (first attempt "
                    "40 %).")
    assert "first try" not in said  # only the unmet rule is named
    with pytest.raises(InvalidInput, match="Not certified yet"):
        certificate_html("Ana", "May", None, TODAY)
    assert not_certified(None).startswith("Not certified yet")
