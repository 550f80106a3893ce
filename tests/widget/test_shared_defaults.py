"""Widgets that never touch their layout or style share one default of each kind; touching one
gives that widget its own, and the page is told - no widget's change ever shows on another."""

from __future__ import annotations

import comm
import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget import _instances

import kamkit.ui  # noqa: F401 - installs the sharing, as every kamkit view does
from kamkit.ui.shared_defaults import shared_default
from kamkit.ui.workbook import app


@pytest.fixture
def sent(monkeypatch):
    """Every message the widgets send the page, in order: (type, model id, data)."""
    out: list[tuple[str, str, dict]] = []

    def publish(self, msg_type, data=None, metadata=None, buffers=None, **keys):
        out.append((msg_type, self.comm_id, data or {}))

    monkeypatch.setattr(comm.DummyComm, "publish_msg", publish)
    return out


def _layout_trait():
    return widgets.HTML.class_traits()["layout"]


def test_untouched_widgets_are_sent_one_shared_layout_and_style(sent):
    a, b = widgets.HTML("a"), widgets.HTML("b")
    layout = shared_default(_layout_trait())
    style = shared_default(widgets.HTML.class_traits()["style"])
    for w in (a, b):
        assert w.get_state()["layout"] == f"IPY_MODEL_{layout.model_id}"
        assert w.get_state()["style"] == f"IPY_MODEL_{style.model_id}"
    opened = [data["state"]["_model_name"] for kind, _, data in sent if kind == "comm_open"]
    assert opened == ["HTMLModel", "HTMLModel"]  # no layout or style model of their own
    button = widgets.Button(description="Go")  # another kind of style: its own shared one
    assert button.get_state()["style"] != a.get_state()["style"]
    assert button.get_state()["layout"] == a.get_state()["layout"]


def test_changing_one_widgets_layout_changes_no_other(sent):
    a, b = widgets.HTML("a"), widgets.HTML("b")
    shared = shared_default(_layout_trait())
    sent.clear()
    a.layout.display = "none"
    mine = a.layout
    assert mine is not shared and shared.display is None
    assert a.get_state()["layout"] == f"IPY_MODEL_{mine.model_id}"
    assert b.get_state()["layout"] == f"IPY_MODEL_{shared.model_id}"
    assert b.layout.display is None and b.layout is not mine  # b, asked, gets its own too
    # the page learns of a's own layout, then that a uses it, then its change - in that order
    assert [(kind, model) for kind, model, _ in sent[:3]] == [
        ("comm_open", mine.model_id), ("comm_msg", a.model_id), ("comm_msg", mine.model_id)]
    assert sent[1][2]["state"] == {"layout": f"IPY_MODEL_{mine.model_id}"}
    assert sent[2][2]["state"] == {"display": "none"}


def test_reading_a_style_only_to_look_keeps_the_page_in_step(sent):
    text = widgets.Text(description="Name")
    assert text.style.description_width == ""  # its own now, sent to the page
    updates = [d["state"] for kind, m, d in sent if kind == "comm_msg" and m == text.model_id]
    assert updates == [{"style": f"IPY_MODEL_{text.style.model_id}"}]
    text.style.description_width = "initial"
    assert shared_default(widgets.Text.class_traits()["style"]).description_width == ""


def test_a_widget_built_with_its_own_layout_keeps_it(sent):
    layout = widgets.Layout(width="90px")
    button = widgets.Button(description="Open", layout=layout)
    assert button.layout is layout
    assert button.get_state()["layout"] == f"IPY_MODEL_{layout.model_id}"


def test_a_closed_shared_default_is_made_anew(sent):
    before = shared_default(_layout_trait())
    before.close()  # as Widget.close_all() would
    html = widgets.HTML("after")
    after = shared_default(_layout_trait())
    assert after is not before and after.comm is not None
    assert html.get_state()["layout"] == f"IPY_MODEL_{after.model_id}"
    assert after.model_id in _instances


def test_the_workbook_home_page_sends_far_fewer_models(store):
    known = set(_instances)
    page = app()
    made = [w for k, w in _instances.items() if k not in known]
    assert len(made) < 120  # 180 with a layout and a style object for every widget
    page.tabs.layout.display = "none"  # as a refused link does: only the tabs hide
    assert page.home.layout.display is None and page.header.layout.display is None
