"""A kernel started from kamkit's kernel spec (as `kamkit serve` and `kamkit review` start every
page's kernel) loses none of the messages it sends a page, however many at once.

A page that builds its step views in the background sends thousands of widget messages in a few
seconds; when the server reads them more slowly than that (busy with other pages), ZeroMQ's
default dropped everything past 1000 queued messages, and a widget whose creation was dropped
broke the view showing it ("widget model not found" on the demo's own workbook page)."""

from __future__ import annotations

import pytest
import zmq
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

from kamkit.server import write_kernel_spec

BURST = 8000  # messages; ZeroMQ's default kept ~3000 of them for a reader that waits


@pytest.fixture
def kernel(tmp_path):
    """A kernel started from kamkit's kernel spec, and its client: (manager, client)."""
    write_kernel_spec(tmp_path, memory_mb=0)
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(
        kernel_dirs=[str(tmp_path / "kernels")]))
    manager.start_kernel()
    client = manager.client()
    try:
        client.start_channels()
        client.wait_for_ready(timeout=60)
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def test_a_burst_reaches_a_reader_that_waits_until_it_is_over(kernel):
    manager, client = kernel
    context = zmq.Context()
    # The server's side, slow to read: a reader that takes nothing until the burst is over,
    # and keeps almost nothing for the kernel meanwhile, so the kernel has to keep the rest.
    reader = context.socket(zmq.SUB)
    try:
        assert "kamkit.kernel" in manager.kernel_spec.argv
        reader.rcvhwm, reader.rcvbuf = 1, 8192
        reader.setsockopt(zmq.SUBSCRIBE, b"")
        reader.connect(f"{manager.transport}://{manager.ip}:{manager.iopub_port}")
        client.execute("1", reply=True, timeout=60)  # the subscription has reached the kernel
        while reader.poll(500):
            reader.recv_multipart()

        sent = client.execute(
            "from IPython.display import display\n"
            f"for i in range({BURST}): display({{'text/plain': f'{{i:05d}}' + 'x' * 1000}}, "
            "raw=True)", reply=True, timeout=300)
        assert sent["content"]["status"] == "ok", sent["content"]

        received = []
        while reader.poll(5000):
            _, parts = manager.session.feed_identities(reader.recv_multipart())
            msg = manager.session.deserialize(parts)
            if msg["msg_type"] == "display_data":
                received.append(int(msg["content"]["data"]["text/plain"][:5]))
            if (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                    and msg["parent_header"].get("msg_id") == sent["parent_header"]["msg_id"]):
                break
        assert received == list(range(BURST)), (
            f"{BURST - len(received)} of {BURST} messages lost on the way")
    finally:
        reader.close(linger=0)
        context.term()


def test_a_served_kernel_carries_no_debugger(kernel):
    """ipykernel imports debugpy (~8 MB) whenever it can; no served page is ever debugged."""
    _, client = kernel
    info = client.kernel_info(reply=True, timeout=60)["content"]
    assert "debugger" not in info.get("supported_features", [])
    out: list[str] = []
    reply = client.execute_interactive(
        "import sys; print(sorted(m for m, mod in sys.modules.items() if mod is not None "
        "and ('debugpy' in m or 'pydevd' in m)))", timeout=60,
        output_hook=lambda m: out.append(m["content"]["text"])
        if m["msg_type"] == "stream" else None)
    assert reply["content"]["status"] == "ok"
    assert out == ["[]\n"]
