"""The certificate a manager hands a trainee who met every certification rule
(`certification.yaml`): one self-contained HTML page that prints on A4 - from the drill-down of
the review server, or `kamkit export --trainee T --format certificate`.

It says who, which cohort, the day, who issued it, and each rule with the figure that met it
(so the paper carries its own evidence). Only for a certified trainee: for anyone else it is
refused, naming the unmet rules. Pure: the certification in, HTML out; every text is escaped
(`e`), and as in the report and the QBR pack a Content-Security-Policy allows no script and no
fetch - styles inline, nothing else.
"""

from __future__ import annotations

import datetime as dt

from kamkit.errors import InvalidInput
from kamkit.html import e
from kamkit.report import REPORT_CSS
from kamkit.scoring.competency import Certification

__all__ = ["certificate_html", "not_certified", "CERTIFICATE_CSS", "PROGRAMME"]

PROGRAMME = "Key account management"

CERTIFICATE_CSS = REPORT_CSS + """
@page { size: A4; margin: 14mm; }
body { max-width: 760px; }
.kk-certificate { border: 6px double #1f4e79; padding: 36px 44px; text-align: center; }
.kk-certificate h1 { font-size: 34px; letter-spacing: 1px; margin: 8px 0 18px; color: #1f4e79; }
.kk-name { font-size: 30px; font-weight: 600; margin: 14px 0; }
.kk-rules { text-align: left; margin: 22px auto 8px; max-width: 620px; list-style: none;
  padding-left: 0; } .kk-rules li { margin: 6px 0; }
.kk-signed { margin-top: 36px; display: flex; justify-content: space-between; text-align: left; }
@media print { body { margin: 0; } .kk-certificate { break-inside: avoid; } }
"""


def not_certified(certification: Certification | None) -> str:
    """Why there is no certificate, in words: each unmet rule with what is missing."""
    if certification is None:
        return "Not certified yet: no certification rules were worked out for this trainee."
    return "Not certified yet: " + "; ".join(f"{r.text} ({r.detail})"
                                             for r in certification.unmet) + "."


def certificate_html(name: str, cohort: str | None, certification: Certification | None,
                     today: dt.date, *, issued_by: str = "",
                     programme: str = PROGRAMME) -> str:
    """The certificate of a trainee who met every rule: a standalone HTML page (A4) that runs
    no script and fetches nothing. `InvalidInput` (the unmet rules named) for anyone else."""
    if certification is None or not certification.certified:
        raise InvalidInput(not_certified(certification))
    rules = "".join(f"<li>✓ {e(r.text)} <span class='kk-muted'>- {e(r.detail)}</span></li>"
                    for r in certification.results)
    return "\n".join([
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        # no script, no network: inline styles only
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">",
        f"<title>Certificate - {e(name)}</title><style>{CERTIFICATE_CSS}</style></head><body>",
        "<main class='kk-certificate'>",
        f"<div class='kk-muted'>{e(programme)}</div>",
        "<h1>Certificate</h1>",
        "<div>This certifies that</div>",
        f"<div class='kk-name'>{e(name)}</div>",
        f"<div>has met every certification rule of the {e(programme.lower())} programme"
        + (f", as a member of <b>{e(cohort)}</b>" if cohort else "") + ":</div>",
        f"<ul class='kk-rules'>{rules}</ul>",
        "<div class='kk-signed'>",
        f"<div><div class='kk-muted'>Date</div><b>{today.day} {today:%B %Y}</b></div>",
        (f"<div><div class='kk-muted'>Issued by</div><b>{e(issued_by)}</b></div>"
         if issued_by.strip() else ""),
        "</div></main></body></html>"])
