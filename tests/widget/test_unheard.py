"""A pre-heated kernel answering its request builds the page before the page has connected:
its widget messages are held back (`kamkit.kernel.unheard`) - the page asks for every widget's
state at once when it connects - and flow again as soon as that is done."""

from __future__ import annotations

import pytest
from ipykernel.comm.comm import BaseComm

from kamkit import kernel
from kamkit.kernel import preheated, unheard
from kamkit.ui import page


@pytest.fixture
def sent(monkeypatch):
    """What ipykernel's comms would send on IOPub: (message type, comm id)."""
    out: list[tuple[str, str]] = []
    monkeypatch.setattr(BaseComm, "publish_msg",
                        lambda self, msg_type, *a, **k: out.append((msg_type, self.comm_id)))
    return out


def test_messages_inside_are_not_sent_and_flow_again_after(sent):
    before = BaseComm(target_name="jupyter.widget", data={"state": {}})
    with unheard():
        during = BaseComm(target_name="jupyter.widget", data={"state": {}})
        during.send({"method": "update"})
        with unheard():  # nested: still held until the outer one ends
            before.send({"method": "update"})
        before.send({"method": "update"})
    during.send({"method": "update"})
    assert sent == [("comm_open", before.comm_id), ("comm_msg", during.comm_id)]


def test_only_a_preheated_kernels_first_answer_holds_its_messages(sent, monkeypatch):
    """Its page connects after that answer: from then on, every message is sent."""
    monkeypatch.setattr(kernel, "_answered", [False])
    comms: list[BaseComm] = []

    def opened() -> None:
        page.open_page(lambda _: comms.append(BaseComm(target_name="jupyter.widget")), print,
                       request=lambda: None)

    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    assert not preheated()
    opened()  # not pre-heated (JupyterLab, a hub's server): sent
    monkeypatch.setattr(kernel, "_answered", [False])
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    assert preheated()
    opened()  # its request: held
    opened()  # ever after (a page is connected): sent
    assert sent == [("comm_open", comms[0].comm_id), ("comm_open", comms[2].comm_id)]
