"""A trainee assessed as a person, for the tests: ratings in both rounds by themselves (two
versions), their manager and a peer through the peer's link, a withdrawn link, a development plan
saved twice and the quiz failed then retaken - the customer person of `tests.customer` named in
their example and plan, colleagues named in the comments."""

from __future__ import annotations

import datetime as dt

from kamkit.frameworks import default_framework
from tests.customer import ZEB

FW = default_framework()
BEHAVIOURS = [b.id for b in FW.competencies.behaviours]


def _levels(level: int) -> dict[str, int]:
    return dict.fromkeys(BEHAVIOURS, level)


def assessed(store, trainee_id: int) -> dict:
    """The trainee's record as a person (see above); the tokens of the two links, as their
    peers were given them."""
    store.save_ratings(trainee_id, "before", "self", {"levels": _levels(3)})
    store.save_ratings(trainee_id, "before", "self", {
        "levels": _levels(2), "examples": {BEHAVIOURS[0]: f"I mapped {ZEB}'s goals"},
        "comment": "Sam Reyes told me to be honest"})
    store.save_ratings(trainee_id, "before", "manager", {"levels": _levels(2)},
                       rater_name="Mia Lindqvist")
    store.save_ratings(trainee_id, "after", "self", {"levels": _levels(4)})
    store.save_ratings(trainee_id, "after", "manager", {
        "levels": _levels(3), "comment": "Better; Sam Reyes saw it too"},
        rater_name="Mia Lindqvist")
    link, token = store.add_rater_link(trainee_id, "after", "Sam Reyes", days=14, most=3)
    store.save_ratings(trainee_id, "after", "peer", {
        "levels": _levels(4), "examples": {BEHAVIOURS[1]: "Mia Lindqvist asked me to rate"}},
        rater_name="Sam Reyes", link_id=link.id)
    gone, gone_token = store.add_rater_link(trainee_id, "after", "Lena Vogel", days=14, most=3)
    store.revoke_rater_link(trainee_id, gone.id)
    store.save_development_plan(trainee_id, {"items": [{"competency": "trust",
                                                        "action": "Listen more"}]})
    store.save_development_plan(trainee_id, {"items": [{
        "competency": "influence", "action": f"Meet {ZEB} with Sam Reyes",
        "due": dt.date(2027, 1, 15)}]})
    store.add_quiz_attempt(trainee_id, "ideas", 50.0, False, {"purpose": 1, "grid": 0})
    store.add_quiz_attempt(trainee_id, "ideas", 100.0, True, {"purpose": 0, "grid": 2})
    return {"peer": token, "withdrawn": gone_token}
