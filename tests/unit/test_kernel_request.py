"""A pre-heated kernel hears its request over a WebSocket with kamkit.kernel.first_message (no
client library in every kernel): against a real tornado server, as Voila's query socket is."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator

import pytest
from tornado.web import Application
from tornado.websocket import WebSocketHandler

from kamkit.kernel import first_message

pongs: list[str] = []


class Speaker(WebSocketHandler):
    """Says what its path asks for, the way Voila's query socket says a request."""

    def open(self, what: str) -> None:  # type: ignore[override]
        if what == "request":  # the request comes once the kernel has answered a ping
            self.ping(b"are you there")
            self.later = asyncio.get_running_loop().call_later(10, self.say)
        elif what == "large":
            self.write_message("é" * 40_000)  # 80,000 bytes: the 64-bit length form
        elif what == "medium":
            self.write_message("m" * 1_000)  # the 16-bit length form
        elif what == "binary":
            self.write_message(b"\x00\x01", binary=True)
        else:
            self.close()

    def say(self) -> None:
        self.write_message({"QUERY_STRING": "t=abc", "SCRIPT_NAME": "/voila/render/x",
                            "answered": pongs})

    def on_pong(self, data: bytes) -> None:
        pongs.append(data.decode())
        self.later.cancel()
        self.say()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)
        Application([(r"/q/(\w+)", Speaker)]).listen(port, "127.0.0.1")
        loop.call_soon(started.set)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(10)
    yield f"ws://127.0.0.1:{port}"
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_the_request_arrives_when_the_server_sends_it_and_its_ping_is_answered(server):
    pongs.clear()
    assert json.loads(first_message(f"{server}/q/request?x=1")) == {
        "QUERY_STRING": "t=abc", "SCRIPT_NAME": "/voila/render/x",
        "answered": ["are you there"]}


def test_messages_of_every_length_form_arrive_whole(server):
    assert first_message(f"{server}/q/medium") == "m" * 1_000
    assert first_message(f"{server}/q/large") == "é" * 40_000


def test_a_message_past_the_limit_is_refused(server):
    with pytest.raises(ValueError, match="over 1000 bytes"):
        first_message(f"{server}/q/large", max_size=1000)


def test_a_server_that_closes_or_is_no_websocket_is_a_connection_error(server):
    with pytest.raises(ConnectionError, match="closed"):
        first_message(f"{server}/q/nothing")
    with pytest.raises(ConnectionError, match="no WebSocket"):
        first_message(f"{server}/elsewhere")
    with pytest.raises(ValueError, match="not text"):
        first_message(f"{server}/q/binary")


def test_nobody_listening_is_an_os_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(OSError):
        first_message(f"ws://127.0.0.1:{port}/q/request", open_timeout=5)
