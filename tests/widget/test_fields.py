"""A form's fields cost the page as few models as they can: every text box of a height shares
one layout, every named control of a kind one style - and each still looks and reads as its
own (its label as wide as its words, its box as wide as the form)."""

from __future__ import annotations

import ipywidgets as widgets
import pytest

from kamkit.ui.components import (
    ChoiceField,
    DateField,
    NumberField,
    TextField,
    close_tree,
    fixed,
    named,
)


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


def test_fields_sized_alike_share_one_layout_that_cannot_be_changed_under_them():
    a, b = DateField("Due"), DateField("Signed")
    assert a.input.layout is b.input.layout and a.input.layout.width == "140px"
    narrow, wide = NumberField("Count", width="70px"), NumberField("Value")
    assert narrow.box.layout.width == "70px" and wide.box.layout.width == "180px"
    assert ChoiceField("A", [("a", "a")], width="200px").input.layout is ChoiceField(
        "B", [("b", "b")], width="200px").input.layout
    with pytest.raises(TypeError, match="shared layout"):
        a.input.layout.width = "90px"  # would narrow every date on the page
    assert b.input.layout.width == "140px"
    assert fixed(width="1px", flex="1") is fixed(flex="1", width="1px")


def test_closing_a_tree_closes_its_widgets_and_what_only_they_use():
    own = widgets.Layout(width="10px")
    shared = widgets.Layout(width="20px")
    alike = fixed(width="33px")  # as fields sized alike share theirs
    kept_child = widgets.HTML("also shown elsewhere", layout=alike)
    kept_inside = widgets.HTML("inside it")
    held_box = widgets.VBox([kept_inside])
    gone = widgets.HTML("only here", layout=own)
    gone_alike = widgets.HTML("sized as the one kept", layout=alike)
    beside = widgets.HTML("in the tree", layout=shared)
    tree = widgets.VBox([widgets.HBox([gone, beside, gone_alike]), kept_child, held_box,
                         widgets.VBox([kept_inside])])  # reached a second way, not held
    outside = widgets.VBox([kept_child, held_box], layout=shared)
    close_tree(tree)
    assert tree.comm is None and gone.comm is None and own.comm is None
    assert beside.comm is None and shared.comm is not None  # the outside box's layout
    assert gone_alike.comm is None and alike.comm is not None  # the kept one's layout
    assert kept_child.comm is not None and held_box.comm is not None
    assert kept_inside.comm is not None and outside.comm is not None
    for widget in (outside, kept_child, held_box, kept_inside):  # what is still shown can
        widget.get_state()  # still be sent to a page (a closed widget in it would raise)
