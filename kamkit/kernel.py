"""What kamkit's Voila servers do inside each kernel they start.

- A memory ceiling: every kernel starts as `python -m kamkit.kernel --memory-mb N -f <file>`
  (the kernel spec `kamkit.server.write_kernel_spec` puts first on the server's path), which
  lowers the process's data limit before ipykernel starts, so no page - whatever file it is fed -
  can take the machine's memory from the room. Past the limit Python raises MemoryError, which
  the page reports like any failed import.
- The request, fetched with a key: a pre-heated kernel learns which request it serves over
  Voila's query socket. kamkit's server (`kamkit.voila_app`) answers that socket only to a
  client that brings the key the server gave its kernels (`KAMKIT_QUERY_KEY` in their
  environment), because the request carries the trainee's personal token.
- The heap a build has freed goes back to the machine: `release_memory()` (glibc keeps what
  Python freed for its next allocations, ~5 MB after a workbook has built its views; forty
  kernels in a room hold that for nothing). A pre-heated kernel releases before it waits.
- No debugger: ipykernel would import debugpy (~8 MB per kernel) for a debugger no served
  page offers.
- Every message reaches the page: the kernel's IOPub socket queues what the server cannot take
  yet instead of dropping it. ZeroMQ's default (a high-water mark of 1000 messages, then
  messages are silently dropped) loses part of a burst - a workbook building its step views
  sends thousands of widget messages in a few seconds while the server is busy with other
  pages - and a widget whose creation was lost breaks the view that shows it ("widget model
  not found"). The queue holds only what this kernel itself sent and the server has not read.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from kamkit.settings import current

__all__ = ["limit_memory", "memory_limit_mb", "release_memory", "wait_for_request", "QUERY_PATH",
           "first_message", "main", "unheard", "preheated", "before_page"]

#: Where kamkit's server answers a kernel's "which request am I serving?":
#: `<server_url>voila/kamkit-query/<key>/<kernel_id>` (the server's log masks the key).
QUERY_PATH = "voila/kamkit-query"

_log = logging.getLogger("kamkit.kernel")


def limit_memory(mb: int) -> None:
    """Cap this process's data (heap and private mappings) at `mb` MiB; 0 leaves it as it is.
    Only ever lowers the limit."""
    if mb <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    wanted = mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        wanted = min(wanted, hard)
    if soft == resource.RLIM_INFINITY or wanted < soft:
        resource.setrlimit(resource.RLIMIT_DATA, (wanted, hard))


def memory_limit_mb() -> int | None:
    """This process's data limit in MiB (None: no limit)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_DATA)
    return None if soft == resource.RLIM_INFINITY else soft // (1024 * 1024)


def release_memory() -> bool:
    """Give the heap's free memory back to the system (glibc's `malloc_trim`): what a build
    allocated and freed again - messages, parsed content, temporary objects - stays in the
    process otherwise. A few milliseconds; False where the C library has no such call."""
    trim = _malloc_trim()
    return trim is not None and trim(0) >= 0


@lru_cache(maxsize=1)
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim  # type: ignore[no-any-return]
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to give back
        return None


def preheated() -> bool:
    """This kernel was started ahead of its page (Voila's pre-heated pool)."""
    return os.environ.get("VOILA_PREHEAT", "False") != "False"


# Per process, as the kernel is: whether widget messages are held now, and whether this kernel
# has answered its one request (the page connects after that: from then on nothing is held).
_quiet = [False]
_answered = [False]


def before_page() -> bool:
    """True once: for a pre-heated kernel's first answer to its request, before its page has
    connected - never again in this kernel's life (a page then listens)."""
    first = preheated() and not _answered[0]
    _answered[0] = True
    return first


@contextmanager
def unheard() -> Iterator[None]:
    """Widgets made or changed inside are not announced one message at a time: for a
    pre-heated kernel answering its request, before its page has connected. Nobody can hear
    those messages yet (only the server, which drops them); once connected, the page asks the
    kernel for the state of every widget it holds at once (ipywidgets' `request_states`), so
    what was built in here arrives whole. Saves the kernel - and the server reading its
    messages - some hundreds of messages per step built into the page (~0.3 ms each)."""
    from ipykernel.comm.comm import BaseComm

    if not getattr(BaseComm.publish_msg, "_kamkit", False):
        plain = BaseComm.publish_msg

        def publish_msg(self: Any, *args: Any, **kwargs: Any) -> None:
            if not _quiet[0]:
                plain(self, *args, **kwargs)

        publish_msg._kamkit = True  # type: ignore[attr-defined]
        BaseComm.publish_msg = publish_msg  # type: ignore[method-assign]
    was, _quiet[0] = _quiet[0], True
    try:
        yield
    finally:
        _quiet[0] = was


def wait_for_request() -> None:
    """Block a pre-heated kernel until its page is requested; the request's details (its query
    string among them) are then in `os.environ`, as Voila's own helper would put them. Returns
    at once outside pre-heating."""
    if not preheated():
        return
    release_memory()  # the page is built: what building it freed is not kept while we wait
    protocol = os.environ.get("VOILA_WS_PROTOCOL", "ws")
    host = os.environ.get("VOILA_APP_IP", "127.0.0.1")
    port = os.environ.get("VOILA_APP_PORT", "8866")
    base = os.environ.get("VOILA_WS_BASE_URL", os.environ.get("VOILA_SERVER_URL", "/"))
    kernel_id = os.environ.get("VOILA_KERNEL_ID", "")
    url = f"{protocol}://{host}:{port}{base}{QUERY_PATH}/{current().query_key or '-'}/{kernel_id}"
    try:
        request = json.loads(first_message(url, open_timeout=30, max_size=2**20))
    except (OSError, ValueError) as exc:
        # The page then opens as a request without a link would (it asks for one).
        _log.warning("kamkit: this kernel could not learn its request (%s)", type(exc).__name__)
        return
    os.environ.update({str(k): str(v) for k, v in request.items()})


_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455's, for the handshake's answer


def first_message(url: str, open_timeout: float = 30, max_size: int = 2**20) -> str:
    """The first text message a WebSocket server at `url` (ws:// or wss://) sends, waiting as
    long as it takes (`open_timeout`: for the connection and its handshake only). Only what a
    kernel needs to hear its request - a library for it cost every kernel ~1.3 MB and ~80 ms to
    import. Raises OSError (ConnectionError when the server closes or answers otherwise) or
    ValueError (a message past `max_size`, or one that is not text)."""
    import base64
    import hashlib
    import socket
    import struct
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    secure = parts.scheme == "wss"
    host = parts.hostname or "127.0.0.1"
    key = base64.b64encode(os.urandom(16)).decode()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    raw = socket.create_connection((host, parts.port or (443 if secure else 80)),
                                   timeout=open_timeout)
    with raw:
        conn = raw
        if secure:
            import ssl

            conn = ssl.create_default_context().wrap_socket(raw, server_hostname=host)
        conn.sendall((f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\n\r\n").encode("ascii"))
        stream = conn.makefile("rb")
        status = stream.readline(65536).split()
        headers = {}
        while (line := stream.readline(65536)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip()
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
        if status[1:2] != [b"101"] or headers.get("sec-websocket-accept") != accept:
            raise ConnectionError(f"no WebSocket at {parts.path}: "
                                  f"{b' '.join(status[1:]).decode('latin-1')}")
        conn.settimeout(None)  # the request comes when a person asks for the page

        def read(n: int) -> bytes:
            data = stream.read(n)
            if len(data) < n:
                raise ConnectionError("the server closed the connection")
            return data

        message = b""
        while True:
            head, size = read(2), 0
            opcode, size = head[0] & 0x0F, head[1] & 0x7F
            if size >= 126:
                (size,) = struct.unpack("!H" if size == 126 else "!Q", read(2 if size == 126
                                                                          else 8))
            mask = read(4) if head[1] & 0x80 else b""
            if len(message) + size > max_size:
                raise ValueError(f"a message over {max_size} bytes")
            data = read(size)
            if mask:
                data = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
            if opcode == 0x8:
                raise ConnectionError("the server closed the connection")
            if opcode == 0x9:  # ping: answer it (a client's frames are masked)
                pong = os.urandom(4)
                conn.sendall(bytes([0x8A, 0x80 | len(data)]) + pong
                             + bytes(b ^ pong[i % 4] for i, b in enumerate(data)))
                continue
            if opcode in (0x1, 0x0):  # text, or the continuation of a text message
                message += data
                if head[0] & 0x80:  # the last part
                    return message.decode("utf-8")
            elif opcode != 0xA:  # a pong is ignored; anything else is not for us
                raise ValueError("a message that is not text")


def main(argv: Sequence[str] | None = None) -> None:
    """`python -m kamkit.kernel [--memory-mb N] <ipykernel arguments>`."""
    args = list(sys.argv[1:] if argv is None else argv)
    mb = 0
    if args[:1] == ["--memory-mb"]:
        mb, args = int(args[1]), args[2:]
    limit_memory(mb)
    # No debugger: a served page is never debugged (the kernel spec says so), and ipykernel
    # imports debugpy whenever it can - ~140 modules, ~8 MB and ~50 ms in every kernel.
    sys.modules.setdefault("debugpy", None)  # type: ignore[arg-type]
    if sys.path and sys.path[0] in ("", os.getcwd()):  # as ipykernel_launcher does
        del sys.path[0]
    _kernel_app().launch_instance(argv=args)


def _kernel_app() -> type:
    """ipykernel's kernel application, its IOPub socket never dropping a message (above)."""
    import zmq
    from ipykernel.kernelapp import IPKernelApp

    class KamkitKernelApp(IPKernelApp):
        def init_iopub(self, context: zmq.Context) -> None:
            # A high-water mark must be set before the socket binds; ipykernel creates and
            # binds it in one go, so it comes from the context's defaults, for this call only.
            context.setsockopt(zmq.SNDHWM, 0)
            try:
                super().init_iopub(context)
            finally:
                context.sockopts.pop(zmq.SNDHWM, None)

    return KamkitKernelApp


if __name__ == "__main__":
    main()
