"""kamkit's Voila: what `kamkit serve` and `kamkit review` run (`python -m kamkit.voila_app`).

Voila itself, with four things changed where it meets the network:

- **A gate before any kernel.** On the trainee server a page request that cannot become anyone's
  page - a personal link that is not valid, or no link where links are required; on the peer's
  rating page anything but one active rating link, alone; a rating link on any other page - is
  answered with a plain refusal page (403) before a kernel is started or taken from the pool
  (`kamkit.identity.refusal` holds the rules). A page that may open gets Voila's `_xsrf`
  cookie, so its close-tab call (which shuts its kernel down) is accepted.
- **The query socket behind a key.** A pre-heated kernel asks Voila which request it serves;
  that answer carries the personal token. Voila's own socket (`/voila/query/<kernel_id>`)
  answers anyone who knows a kernel id; kamkit's answers only with the key the server gave its
  own kernels (`kamkit.kernel.wait_for_request`), and forgets the answer once delivered.
- **Kernels that answer their own page only.** A page's kernel is handed to the browser it was
  served to (a private cookie); its websocket, its API and its close-tab call refuse anyone else,
  so a kernel id read from `ps` or a log opens nothing.
- **Logs without secrets.** Every logged URL has its personal token (`t`), a peer's rating
  token (`r`), the review token (`token`) and the query key masked.
- **The room's kernel manager** (`kamkit.room.capped`): a cap on kernels, closed tabs and pages
  that never connected reclaimed.
- **Under JupyterHub** (`kamkit.hub`), the hub signs people in instead of kamkit's token:
  JupyterHub's identity provider (OAuth through the hub) admits only those with access to this
  server or service. The server's root opens its start page, the hub's readiness check gets
  the hub's version header, and on the review service each page learns which hub user opened
  it (the name reviews are signed with), from a header this server sets after sign-in.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import secrets
import sys
import threading
from typing import Any
from urllib.parse import unquote_plus, urlencode

from kamkit.html import e
from kamkit.kernel import QUERY_PATH
from kamkit.room import PAGE_OWNER
from kamkit.settings import child_env, current

__all__ = ["scrub", "REFUSED_PAGE", "SECRET_PARAMS", "PAGE_COOKIES", "main"]

#: The cookies that make a page's browser the owner of its kernel (see `_owned`): one per
#: kernel and place - `<name>-<kernel id>`, sent only with that kernel's websocket and API, or
#: its close-tab call - so two tabs opened at once, or two kamkit servers on one machine, never
#: take each other's. Cookie name -> the path under which it is sent.
PAGE_COOKIES = {"kamkit-kernel": "api/kernels", "kamkit-close": "voila/api/shutdown"}
#: Query parameters whose values never reach a log line.
SECRET_PARAMS = frozenset({"t", "r", "token", "key", "_xsrf"})
_QUERY_KEY = re.compile(rf"({re.escape(QUERY_PATH)}/)[^/?\s]+")
_PARAM = re.compile(r"([?&;])([^=&#\s'\"?;]+)=([^&#\s'\";]*)")

REFUSED_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>kamkit - {title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; background: #f6f7f9; color: #1f2933; margin: 0; }}
  main {{ max-width: 34rem; margin: 12vh auto; background: #fff; border-radius: 8px;
         padding: 2rem 2.2rem; box-shadow: 0 1px 4px rgba(0,0,0,.12); }}
  h1 {{ font-size: 1.4rem; margin-top: 0; }}
</style>
</head>
<body>
<main id="kamkit-refused">
  <h1>{heading}</h1>
  <p>{message}</p>
</main>
</body>
</html>
"""


def scrub(text: str) -> str:
    """`text` (a URL, or a log line holding some) with the values of secret query parameters
    and the query key masked."""
    def mask(found: re.Match[str]) -> str:
        sep, name, value = found.groups()
        secret = unquote_plus(name) in SECRET_PARAMS and value
        return f"{sep}{name}={'[secret]' if secret else value}"

    return _QUERY_KEY.sub(r"\1[secret]", _PARAM.sub(mask, text))


class _Scrubbed(logging.Filter):
    """Masks secrets in every record a log handler writes, whoever logged it (tornado's access
    and error lines, Voila's, kamkit's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call: the handler reports it as it would
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:  # a traceback: formatted here, scrubbed
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


def _refused_page(message: str, rating: bool = False) -> str:
    """The refusal page saying `message` (the rating page's, or a workbook page's)."""
    if rating:
        return REFUSED_PAGE.format(title="rating link needed", heading="Rating a colleague",
                                   message=e(message))
    return REFUSED_PAGE.format(title="personal link needed",
                               heading="Your personal link, please", message=e(message))


def _scrub_every_log_handler() -> None:
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)]
    # tornado's access lines have no handler of their own: Python's last resort writes them
    handlers = [h for logger in loggers for h in logger.handlers] + [logging.lastResort]
    for handler in handlers:
        if handler is not None and not any(isinstance(f, _Scrubbed) for f in handler.filters):
            handler.addFilter(_Scrubbed())


def _gated(handler_class: type, hub: bool = False) -> type:
    """Voila's page handler, refusing requests that cannot become anyone's page (under the hub,
    on the review service: telling the page which hub user opened it)."""
    from sqlalchemy.exc import SQLAlchemyError
    from tornado.web import authenticated

    from kamkit.errors import KamkitError, SaveFailed
    from kamkit.identity import REVIEWER_HEADER, is_rater_page, refusal
    from kamkit.store import Store

    store: list[Store] = []
    opening = threading.Lock()  # requests in a burst open the server's store once
    pages: dict[int, tuple[dict[str, str], set[str]]] = {}  # what opens in the workbook

    class GatedVoilaHandler(handler_class):  # type: ignore[misc, valid-type]
        @authenticated
        async def get(self, path: str | None = None) -> None:
            if current().role != "review":
                try:  # off the event loop: a slow database holds up this request only
                    message = await asyncio.to_thread(self._refusal, path)
                except KamkitError as exc:  # the store cannot be read: say so, start nothing
                    self.log.error("kamkit: a page was refused: %s", exc)
                    message = ("The workbook cannot open right now. Please tell your "
                               "facilitator.")
                if message is not None:
                    self.set_status(403)
                    self.set_header("Content-Type", "text/html; charset=utf-8")
                    self.set_header("Cache-Control", "no-store")
                    self.finish(_refused_page(message, rating=is_rater_page(path)))
                    return
                moved = await asyncio.to_thread(self._in_workbook, path)
                if moved is not None:
                    self.set_header("Cache-Control", "no-store")  # the link holds the token
                    self.redirect(moved)
                    return
            # Templates and themes are the server's to choose (a template may load scripts
            # from the internet); a request naming one is served the usual page.
            for name in ("template", "theme"):
                self.request.arguments.pop(name, None)
                self.request.query_arguments.pop(name, None)
            # Who opened the page, as the hub signed them in - never what the browser says.
            self.request.headers.pop(REVIEWER_HEADER, None)
            if hub and current().role == "review":
                self.request.headers[REVIEWER_HEADER] = self.current_user.username
            self.xsrf_token  # noqa: B018 - sets the cookie the page's close-tab call sends back
            self.set_header("Referrer-Policy", "no-referrer")  # the link's token stays here
            if current().role != "review":
                PAGE_OWNER.set(self._give)  # the kernel handed to this page: this browser's
            await super().get(path)

        def _in_workbook(self, path: str | None) -> str | None:
            """Where a step's or an exercise's own page opens when this server pre-heats the
            workbook: the workbook, on that page, with the rest of the query as sent (the same
            person and account) - as a link relative to this page. None: a page of its own."""
            from pathlib import Path

            from kamkit.frameworks import default_framework
            from kamkit.identity import EXERCISE_PARAM, TAB_PARAM
            from kamkit.server import WORKBOOK, in_workbook, workbook_pages

            root = getattr(self.contents_manager, "root_dir", None)
            if not self.voila_configuration.preheat_kernel or not path or not root:
                return None  # without pre-heated kernels, each page starts its own
            try:
                framework = default_framework()
            except KamkitError:  # content that cannot load: the page itself says so
                return None
            if id(framework) not in pages:
                pages.clear()
                pages[id(framework)] = workbook_pages(framework)
            opens = in_workbook(path, Path(root), *pages[id(framework)])
            if opens is None:
                return None
            kept = [part for part in self.request.query.split("&") if part and unquote_plus(
                part.split("=", 1)[0]) not in (TAB_PARAM, EXERCISE_PARAM)]  # the page says
            up = "../" * path.count("/")
            return f"{up}{WORKBOOK}?{'&'.join(kept + [urlencode(opens)])}"

        def _give(self, kernel_id: str) -> str:
            """A new secret for `kernel_id`, as a cookie sent only to its websocket and API
            and to its close-tab call (set before the page's first byte is sent)."""
            from jupyter_server.utils import url_path_join

            secret = secrets.token_urlsafe(32)
            for name, prefix in PAGE_COOKIES.items():
                self.set_cookie(f"{name}-{kernel_id}", secret, httponly=True, samesite="Lax",
                                path=url_path_join(self.base_url, prefix, kernel_id))
            return secret

        def _refusal(self, path: str | None) -> str | None:
            try:
                if hub:  # one person's few page requests: no connection kept between them
                    with Store(current().db_url) as once:
                        return refusal(once, self.request.query, os.environ, page=path)
                with opening:
                    if not store:
                        store.append(Store(current().db_url))
                return refusal(store[0], self.request.query, os.environ, page=path)
            except SQLAlchemyError as exc:  # the database went away while serving
                raise SaveFailed(f"the store cannot be read ({type(exc).__name__})") from None

    return GatedVoilaHandler


def _owned(handler_class: type) -> type:
    """One of Voila's kernel handlers (the page's websocket, the kernel's API, the close-tab
    call), answering only the browser its kernel was handed to: a kernel id read from `ps` or
    a log opens nothing."""
    from tornado.httputil import responses
    from tornado.web import HTTPError

    class OwnedKernelHandler(handler_class):  # type: ignore[misc, valid-type]
        async def prepare(self, *args: Any, **kwargs: Any) -> None:
            await super().prepare(*args, **kwargs)
            if current().role == "review":  # every request there carries the review token
                return
            kernel_id = self.path_kwargs.get("kernel_id") or next(iter(self.path_args), "")
            if kernel_id not in self.kernel_manager:
                raise HTTPError(404)
            owner = self.kernel_manager.owner_of(kernel_id)
            cookie = next((c for name in PAGE_COOKIES
                           if (c := self.get_cookie(f"{name}-{kernel_id}"))), "")
            if owner is None or not hmac.compare_digest(cookie.encode(), owner.encode()):
                raise HTTPError(403, reason="This kernel belongs to another page")

        def write_error(self, status_code: int, **kwargs: Any) -> None:
            # plain words: Jupyter's HTML error page needs templates this server lacks
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            error = kwargs.get("exc_info", (None, None, None))[1]
            reason = getattr(error, "reason", None) or responses.get(status_code, "Error")
            self.finish(f"{status_code}: {reason}")

    return OwnedKernelHandler


def _query_socket() -> type:
    from voila.request_info_handler import RequestInfoSocketHandler

    class KeyedQuerySocket(RequestInfoSocketHandler):
        """Voila's query socket, answering only the server's own kernels."""

        _registered: str | None = None

        def open(self, key: str, kernel_id: str) -> None:  # type: ignore[override]
            expected = current().query_key or ""
            if not expected or not hmac.compare_digest(key.encode(), expected.encode()):
                self.close(code=1008, reason="not allowed")
                return
            self._registered = kernel_id
            super().open(kernel_id)
            RequestInfoSocketHandler._cache.pop(kernel_id, None)  # delivered (or to come live)

        def on_close(self) -> None:
            waiters = RequestInfoSocketHandler._waiters
            if self._registered is not None and waiters.get(self._registered) is self:
                del waiters[self._registered]

    return KeyedQuerySocket


def _hub_routes(server_url: str, review: bool) -> list[Any]:
    """Under the hub: the server's root sends a person to its start page, and `/api` (the hub's
    readiness check) answers with the hub's version header."""
    import json

    from jupyter_server.utils import url_path_join
    from jupyterhub import __version__ as hub_version
    from tornado.web import RedirectHandler, RequestHandler

    from kamkit.hub import start_page

    class HubPing(RequestHandler):
        def get(self) -> None:
            self.set_header("X-JupyterHub-Version", hub_version)
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps({"kamkit": "ok"}))

    start = url_path_join(server_url, start_page(os.environ, review))
    return [(server_url, RedirectHandler, {"url": start, "permanent": False}),
            (url_path_join(server_url, "api"), HubPing)]


def _app_class() -> type:
    from jupyter_server.auth.authorizer import Authorizer
    from jupyter_server.auth.identity import IdentityProvider
    from jupyter_server.services.kernels.handlers import KernelHandler
    from jupyter_server.utils import url_path_join
    from traitlets import Type
    from voila.app import Voila
    from voila.request_info_handler import RequestInfoSocketHandler
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.tornado.handler import TornadoVoilaHandler
    from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    from voila.tornado.treehandler import TornadoVoilaTreeHandler

    from kamkit.hub import hub_auth_classes, hub_place

    owned = (KernelHandler, VoilaKernelWebsocketHandler, VoilaShutdownKernelHandler)
    hub = hub_place(os.environ) is not None

    class KamkitVoila(Voila):
        def start(self) -> None:
            _scrub_every_log_handler()
            super().start()

        def init_handlers(self) -> list[Any]:
            handlers = []
            if hub:
                handlers += _hub_routes(self.server_url, current().role == "review")
            for route in super().init_handlers():
                pattern, handler, *rest = route
                if handler is RequestInfoSocketHandler:
                    handlers.append((url_path_join(self.server_url,
                                                   rf"/{QUERY_PATH}/([^/]+)/([^/]+)"),
                                     _query_socket()))
                elif handler is TornadoVoilaHandler:
                    handlers.append((pattern, _gated(handler, hub), *rest))
                elif handler in owned:
                    handlers.append((pattern, _owned(handler), *rest))
                elif hub and handler is TornadoVoilaTreeHandler and pattern == self.server_url:
                    continue  # the root opens the start page (above)
                elif hub and not pattern.startswith(self.server_url):
                    # the identity provider's own routes (the hub's OAuth callback, logout)
                    handlers.append((url_path_join(self.server_url, pattern), handler, *rest))
                else:
                    handlers.append(route)
            return handlers

    if not hub:
        return KamkitVoila
    provider, authorizer = hub_auth_classes()

    class HubVoila(KamkitVoila):
        """Signed in by the hub, not by kamkit's token."""

        identity_provider_class = Type(provider, klass=IdentityProvider, config=True)
        authorizer_class = Type(authorizer, klass=Authorizer, config=True)

    return HubVoila


def main() -> None:
    """Voila, as described above. Its kernels inherit this process's environment, the query
    key among it."""
    # jsonschema checks IRIs with rfc3987_syntax when that is installed, and importing it builds
    # a grammar: 2 s of CPU at every server start (each hub user's server, a room's server) for
    # a check no kamkit server makes. This process goes without it; kernels are not affected.
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import voila.app

    from kamkit.room import capped

    os.environ.update(child_env({}, query_key=secrets.token_urlsafe(32)))
    factory = voila.app.voila_kernel_manager_factory

    def room_factory(*args: Any, **kwargs: Any) -> type:
        return capped(factory(*args, **kwargs))

    voila.app.voila_kernel_manager_factory = room_factory
    _app_class().launch_instance()


if __name__ == "__main__":
    main()
