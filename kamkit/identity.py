"""Who is looking at a page: the rules, in one place.

1. Under JupyterHub, the hub user (`JUPYTERHUB_USER`) is the trainee - whatever link they opened.
2. A personal link (`?t=<token>`, handed out by `kamkit cohort add`) names its trainee. The token
   is random and only its hash is stored; editing the URL cannot reach anyone else's work.
3. A workshop server (`KAMKIT_ACCESS=links`, the default when serving beyond this machine) admits
   nobody else: the page asks for the personal link.
4. Otherwise - self-paced use on one's own machine - the OS user is the trainee, no sign-in.

A peer who rates a trainee is nobody's trainee: their link (`?r=<token>`, made by the trainee,
`Store.add_rater_link`) opens the rating page (`RATER_PAGE`) for that one trainee and round, and
nothing else. That page answers only a query holding one `r` and nothing besides - no `t`, no
`trainee=`, no other name - hub user or not; an `r` on any other page is refused. The server asks
the same rules (`refusal`) before a kernel starts; the page's kernel asks them again
(`resolve_rater`, `resolve_trainee`), so a server without kamkit's gate opens nothing more.
"""

from __future__ import annotations

import getpass
import os
import posixpath
from collections.abc import Mapping
from urllib.parse import parse_qs, urlencode

from kamkit.competency import RaterLink
from kamkit.errors import AccessDenied, InvalidInput, NotFound
from kamkit.models import Trainee
from kamkit.settings import Settings
from kamkit.store import Store

__all__ = ["TOKEN_PARAM", "RATER_PARAM", "RATER_PAGE", "resolve_trainee", "resolve_rater",
           "refusal", "is_rater_page", "rater_href", "link_for", "who_query", "with_who",
           "page_query", "display_name", "REVIEWER_HEADER", "reviewer_name", "TAB_PARAM",
           "EXERCISE_PARAM", "COMPETENCIES"]

TOKEN_PARAM = "t"
#: The workbook link's parameters that open it on a tab (a step's id, or COMPETENCIES) or on an
#: exercise's page (a case's id, or the quiz) - where a step's or an exercise's own link lands.
TAB_PARAM, EXERCISE_PARAM = "tab", "exercise"
COMPETENCIES = "competencies"
#: The query parameter of a peer's rating link, and the one page it opens.
RATER_PARAM = "r"
RATER_PAGE = "rate_a_colleague.ipynb"
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


_RATING_ONLY = ("This link only opens the rating form it was sent for - not the workbook or "
                "any other page.")
_RATER_LINK_NEEDED = ("This page opens only through the rating link a colleague sent you. "
                      "Open that link exactly as you received it.")
_NOT_A_RATER_LINK = ("This page is for rating a colleague and opens only with the rating link "
                     "they sent you, not with a personal workbook link.")
_RATER_LINK_CHANGED = ("This rating link has been changed: it opens one rating form and names "
                       "nobody else. Open the link exactly as you received it.")


#: Voila's own display choices: the server ignores them (`kamkit.voila_app`), and they name
#: nobody, so a rating link may carry them.
_DISPLAY_PARAMS = frozenset({"template", "theme"})


def _params(query: str | None) -> dict[str, list[str]]:
    return parse_qs(query or "", keep_blank_values=True)


def resolve_trainee(store: Store, query: str | None, env: Mapping[str, str]) -> Trainee:
    """The trainee for a page request, or AccessDenied with a message for the page."""
    if RATER_PARAM in _params(query):  # a peer's link opens the rating form, nothing else
        raise AccessDenied(_RATING_ONLY)
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


def resolve_rater(store: Store, query: str | None) -> RaterLink:
    """The active peer's link a rating page request carries, or AccessDenied with a message
    for the page. The query holds one `r` and nothing else: a trainee's link (`t`) or any other
    parameter - `trainee=`, `id=`, whatever may name a person; only Voila's display choices,
    which the server ignores, may come along - is refused, as is a link that expired or was
    withdrawn. Who is signed in (a hub user) does not count: only the link."""
    params = _params(query)
    if TOKEN_PARAM in params:
        raise AccessDenied(_NOT_A_RATER_LINK)
    tokens = params.get(RATER_PARAM, [])
    if not tokens:
        raise AccessDenied(_RATER_LINK_NEEDED)
    if len(tokens) > 1 or set(params) - _DISPLAY_PARAMS != {RATER_PARAM}:
        raise AccessDenied(_RATER_LINK_CHANGED)
    return store.rater_link_by_token(tokens[0])  # AccessDenied: unknown, expired, withdrawn


def is_rater_page(page: str | None) -> bool:
    """Whether a served path (`rate_a_colleague.ipynb`, as the server's page handler gets it) is
    the peer's rating page."""
    return posixpath.normpath("/" + (page or "")).lstrip("/") == RATER_PAGE


def rater_href(token: str) -> str:
    """A peer's link to the rating page, relative to the workbook page beside it."""
    return f"{RATER_PAGE}?{urlencode({RATER_PARAM: token})}"


def refusal(store: Store, query: str | None, env: Mapping[str, str],
            page: str | None = None) -> str | None:
    """What the server answers, before any kernel is started, to a request that cannot become
    anyone's page (`resolve_rater`'s rules for the rating page, `resolve_trainee`'s for every
    other - without creating anybody): the message, or None when the request may have a
    page."""
    try:
        if is_rater_page(page):
            resolve_rater(store, query)
        elif RATER_PARAM in _params(query):
            raise AccessDenied(_RATING_ONLY)
        elif env.get("JUPYTERHUB_USER"):
            return None  # the hub signed its user in: the trainee, whatever link
        elif _token(query) is not None or Settings.from_env(env).access == "links":
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
