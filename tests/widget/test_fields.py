"""A form's fields cost the page as few models as they can: every text box of a height shares
one layout, every named control of a kind one style - and each still looks and reads as its
own (its label as wide as its words, its box as wide as the form)."""

from __future__ import annotations

import ipywidgets as widgets

from kamkit.ui.components import ChoiceField, TextField, named


def test_text_boxes_of_a_height_share_one_layout_and_named_controls_one_style():
    a, b = TextField("First"), TextField("Second")
    long = TextField("Notes", long=True)
    assert a.input.layout is b.input.layout and a.input.layout.width == "96%"
    assert long.input.layout is not a.input.layout and "calc" in long.input.layout.height
    assert a.input.style is b.input.style and a.input.style.description_width == "initial"
    x, y = ChoiceField("One", [("a", "a")]), ChoiceField("Two", [("a", "a")])
    assert x.input.style is y.input.style and x.input.style.description_width == "initial"
    assert (a.input.description, x.input.description) == ("First", "One")
    a.layout.width = "320px"  # a field made narrower changes its own box, no other field's
    assert b.layout.width != "320px" and b.input.layout.width == "96%"


def test_a_control_made_with_a_style_of_its_own_keeps_it():
    own = widgets.Dropdown(options=["a"], style={"description_width": "100px"})
    shared = named(widgets.Dropdown(options=["a"]), "Shared")
    named(own, "Own")
    assert own.style is not shared.style and own.style.description_width == "initial"


def test_a_shared_layout_closed_is_made_again():
    before = TextField("Before").input
    before.layout.close()  # as Widget.close_all() closes it
    after = TextField("After").input
    assert after.layout is not before.layout and after.layout.comm is not None
