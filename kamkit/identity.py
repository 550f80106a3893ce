"""Who is looking at a page: the rules, in one place.

1. Under JupyterHub, the hub user (`JUPYTERHUB_USER`) is the trainee - whatever link they opened.
2. A personal link (`?t=<token>`, handed out by `kamkit cohort add`) names its trainee. The token
   is random and only its hash is stored; editing the URL cannot reach anyone else's work.
3. A workshop server (`KAMKIT_ACCESS=links`, the default when serving beyond this machine) admits
   nobody else: the page asks for the personal link.
4. Otherwise - self-paced use on one's own machine - the OS user is the trainee, no sign-in.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

from kamkit.errors import AccessDenied, InvalidInput, NotFound
from kamkit.models import Trainee
from kamkit.settings import Settings
from kamkit.store import Store

__all__ = ["TOKEN_PARAM", "resolve_trainee", "refusal", "link_for", "who_query", "with_who",
           "page_query", "display_name", "REVIEWER_HEADER", "reviewer_name"]

TOKEN_PARAM = "t"
#: The request header kamkit's review server sets, under JupyterHub, to the hub user the hub
#: signed in (whatever a browser sent under that name is dropped first); a page's kernel gets
#: it as HTTP_X_KAMKIT_REVIEWER.
REVIEWER_HEADER = "X-Kamkit-Reviewer"
_REVIEWER_ENV = "HTTP_" + REVIEWER_HEADER.upper().replace("-", "_")


def _token(query: str | None) -> str | None:
    values = parse_qs(query or "", keep_blank_values=True).get(TOKEN_PARAM)
    return values[0] if values else None


def _by_login(store: Store, login: str) -> Trainee:
    try:
        return store.get_trainee_by_login(login)
    except NotFound:
        pass
    try:
        return store.add_trainee(display_name(login), login=login)
    except InvalidInput:  # another page of the same user created it a moment ago
        return store.get_trainee_by_login(login)


def display_name(login: str) -> str:
    """How to greet a user who signed in by login: their full name from the system's user
    record when it has one ("Ana Costa" for ana), else the login itself."""
    try:
        import pwd

        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        return login
    return full or login


_INVALID_LINK = ("This personal link is not valid (any more). Ask your facilitator for your "
                 "link.")
_LINK_NEEDED = ("Please open the personal link your facilitator gave you - it takes you "
                "straight to your own workbook.")


def resolve_trainee(store: Store, query: str | None, env: Mapping[str, str]) -> Trainee:
    """The trainee for a page request, or AccessDenied with a message for the page."""
    if env.get("JUPYTERHUB_USER"):
        return _by_login(store, env["JUPYTERHUB_USER"])
    token = _token(query)
    if token is not None:
        try:
            return store.get_trainee_by_token(token)
        except NotFound:
            raise AccessDenied(_INVALID_LINK) from None
    if Settings.from_env(env).access == "links":
        raise AccessDenied(_LINK_NEEDED)
    return _by_login(store, getpass.getuser())


def refusal(store: Store, query: str | None, env: Mapping[str, str]) -> str | None:
    """What the server answers, before any kernel is started, to a request that cannot become
    anyone's page (`resolve_trainee`'s rules, without creating anybody): the message, or None
    when the request may have a page."""
    if env.get("JUPYTERHUB_USER"):
        return None  # the hub signed its user in
    try:
        if _token(query) is not None or Settings.from_env(env).access == "links":
            resolve_trainee(store, query, env)
    except AccessDenied as exc:
        return str(exc)
    return None


def page_query(env: Mapping[str, str] | None = None) -> str:
    """The query string of this page's request, as Voila hands it to the kernel (in its
    environment; a pre-heated kernel has it once `wait_for_request()` returned)."""
    return (os.environ if env is None else env).get("QUERY_STRING") or ""


def who_query(query: str | None) -> str:
    """The part of a page's query that says who is looking (`t=<token>`), for every link the
    page makes to another kamkit page - so moving between pages never changes the trainee.
    Empty when the page was opened without a personal link."""
    token = _token(query)
    return urlencode({TOKEN_PARAM: token}) if token else ""


def with_who(href: str, who: str) -> str:
    """`href` (a relative link to another page) carrying `who` (see `who_query`)."""
    if not who:
        return href
    return f"{href}{'&' if '?' in href else '?'}{who}"


def link_for(base_url: str, token: str, notebook: str = "00_workbook.ipynb") -> str:
    """A trainee's personal link to the workbook page on a `kamkit serve` server."""
    return f"{base_url.rstrip('/')}/voila/render/{notebook}?{TOKEN_PARAM}={token}"


def reviewer_name(env: Mapping[str, str] | None = None) -> str | None:
    """Who signs the reviews given on a review page (`env`: its kernel's environment, once its
    request arrived): on the hub's review service, the hub user who opened the page; elsewhere
    the review server's `reviewer` setting (None: not set)."""
    env = os.environ if env is None else env
    if env.get("JUPYTERHUB_SERVICE_PREFIX"):
        return env.get(_REVIEWER_ENV) or None
    return Settings.from_env(env).reviewer
