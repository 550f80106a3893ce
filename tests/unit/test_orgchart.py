"""Their organisation drawn: bosses above the people who report to them, reports-to lines,
influence arrows, who of ours knows each person - and every name escaped."""

from __future__ import annotations

from kamkit.orgchart import OrgPerson, layout, org_chart


def _people():
    return [OrgPerson("ceo", "Greta Lind", "CEO", None, ("You (3)",)),
            OrgPerson("coo", "Tomasz <b>Nowak</b>", "COO", "ceo"),
            OrgPerson("cfo", "New CFO", "CFO", "ceo"),
            OrgPerson("hub", "Jan de Vries", "Hub manager", "coo"),
            OrgPerson("it", "Lena Brandt", "Head of IT", None)]


def test_a_boss_sits_one_row_up_and_over_the_middle_of_their_reports():
    where = layout(_people())
    assert {pid: row for pid, (_, row) in where.items()} == {
        "ceo": 0, "coo": 1, "cfo": 1, "hub": 2, "it": 0}
    assert where["ceo"][0] == (where["coo"][0] + where["cfo"][0]) / 2
    assert where["coo"][0] == where["hub"][0]
    columns = [c for c, _ in where.values()]
    assert len({(c, r) for c, r in where.values()}) == len(where)  # no two boxes overlap
    assert min(columns) == 0


def test_the_chart_draws_lines_arrows_and_who_knows_whom():
    svg = org_chart(_people(), [("it", "coo"), ("it", "nobody-on-the-map")])
    assert svg.count('class="kk-org-person"') == 5
    assert svg.count('stroke="#7b8794"') == 3           # three reports-to lines
    assert svg.count('class="kk-org-influence"') == 1       # the arrow to nobody is left out
    assert "Lena Brandt influences Tomasz &lt;b&gt;Nowak&lt;/b&gt;" in svg
    assert "<b>Nowak" not in svg                            # names are text, never markup
    assert "← You (3)" in svg and svg.count("no contact of ours</text>") == 4


def test_a_boss_who_is_not_on_the_map_makes_a_root_and_an_empty_map_draws_nothing():
    alone = [OrgPerson("a", "Ann", boss="gone")]
    assert layout(alone) == {"a": (0, 0)}
    assert org_chart([]) == ""
