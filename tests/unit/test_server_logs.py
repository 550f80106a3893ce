"""The rule the server and browser layers apply to a served log (tests.servers.unexplained):
the server's own reply to a page that has just closed is not a failure; a handler's
exception, or any traceback through kamkit, is."""

from pathlib import Path

import kamkit
from tests.servers import unexplained

SITE = "/v/lib/python3.11/site-packages"

# As tornado logged it in CI: a kernel's reply written to a page the browser had just closed.
PAGE_GONE = f"""[KamkitVoila] Starting buffering for 4b64:35f3
Exception in callback functools.partial(<function ZMQStream._update_handler.<locals>.<lambda>>)
Traceback (most recent call last):
  File "{SITE}/tornado/ioloop.py", line 756, in _run_callback
    ret = callback()
          ^^^^^^^^^^
  File "{SITE}/jupyter_server/services/kernels/connection/channels.py", line 634, in _on_zmq_reply
    self.write_message(bin_msg, binary=True)
  File "{SITE}/tornado/websocket.py", line 364, in write_message
    raise WebSocketClosedError()
tornado.websocket.WebSocketClosedError
[KamkitVoila] Kernel started: 769d
"""

# The same, as asyncio's own loop logged it in a local run.
PAGE_GONE_ASYNCIO = f"""Exception in callback BaseAsyncIOLoop._handle_events(18, 1)
handle: <Handle BaseAsyncIOLoop._handle_events(18, 1)>
Traceback (most recent call last):
  File "/py/lib/python3.11/asyncio/events.py", line 80, in _run
    self._context.run(self._callback, *self._args)
  File "{SITE}/tornado/platform/asyncio.py", line 200, in _handle_events
    handler_func(fileobj, events)
  File "{SITE}/jupyter_server/services/kernels/connection/channels.py", line 634, in _on_zmq_reply
    self.write_message(bin_msg, binary=True)
  File "{SITE}/tornado/websocket.py", line 364, in write_message
    raise WebSocketClosedError()
tornado.websocket.WebSocketClosedError
"""

HANDLER = """[KamkitVoila] Kernel started: 769d
Exception in callback <function on_click at 0x7f>: boom
Traceback (most recent call last):
  File "/v/ipywidgets/widgets/widget.py", line 186, in __call__
    local_value = callback(*args, **kwargs)
ValueError: boom
"""


def test_a_reply_to_a_closed_page_is_the_servers_not_ours():
    assert unexplained(PAGE_GONE) == ""
    assert unexplained(PAGE_GONE * 3) == ""
    assert unexplained(PAGE_GONE_ASYNCIO + PAGE_GONE) == ""


def test_a_closed_socket_met_elsewhere_than_relaying_a_kernel_is_still_a_failure():
    elsewhere = PAGE_GONE.replace("jupyter_server/services/kernels/connection/channels.py",
                                  "some_extension/push.py")
    assert "Exception in callback" in unexplained(elsewhere)


def test_a_handlers_exception_fails_even_beside_a_closed_page():
    assert "boom" in unexplained(PAGE_GONE + HANDLER)
    assert "boom" in unexplained(HANDLER + PAGE_GONE)


def test_a_traceback_through_kamkit_fails_even_when_it_ends_like_a_closed_page():
    ours = str(Path(kamkit.__file__).parent) + "/ui/app.py"
    through_us = PAGE_GONE.replace(f"{SITE}/tornado/ioloop.py", ours)
    assert ours in unexplained(through_us)
