"""kamkit on JupyterHub: the hub's configuration file (`kamkit hub-config`), and what kamkit's two
servers change when the hub is the one starting them.

The hub does what it is built for - sign-in (any authenticator), a server per user (any spawner),
groups and roles, culling idle servers (`jupyterhub-idle-culler`) - and kamkit runs inside it:

- Each hub user's server is `kamkit serve`, and the hub user is the trainee (`kamkit.identity`).
  It serves the workbook pages only, with the same templates, tracebacks off and the same file
  rules: no JupyterLab, no terminal, no kernel that runs code a person sends, so nobody runs
  code of their own next to the store's password.
- The manager's pages are `kamkit review`, started by the hub as the service `kamkit-review`;
  the members of a hub group reach it through a hub role granting
  `access:services!service=kamkit-review`; reviews are signed with the hub user's name.
- Both let the hub sign people in: JupyterHub's own identity provider for Jupyter servers
  (`HubOAuth` underneath) admits only those the hub grants access to that server or service
  (`JUPYTERHUB_OAUTH_ACCESS_SCOPES`), and answers anyone else 403. No token of kamkit's.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from kamkit.server import DASHBOARD, WORKBOOK

__all__ = ["REVIEW_SERVICE", "CULLER_SERVICE", "MANAGERS_GROUP", "REVIEW_PORT", "DEFAULT_URL",
           "HubPlace", "hub_place", "hub_auth_classes", "config_text", "start_page"]

REVIEW_SERVICE = "kamkit-review"
CULLER_SERVICE = "kamkit-idle-culler"
MANAGERS_GROUP = "kamkit-managers"
REVIEW_PORT = 8867
#: Where a trainee's server opens (the hub's `Spawner.default_url`).
DEFAULT_URL = f"/voila/render/{WORKBOOK}"


@dataclass(frozen=True)
class HubPlace:
    """Where the hub wants one of kamkit's servers: the address to listen on and the URL prefix
    the hub's proxy sends to it."""

    host: str
    port: int
    prefix: str


def hub_place(env: Mapping[str, str]) -> HubPlace | None:
    """Under JupyterHub - the hub set `JUPYTERHUB_API_TOKEN` and `JUPYTERHUB_SERVICE_PREFIX`, as
    it does for a user's server and for a service it starts - where to listen; None otherwise."""
    prefix = env.get("JUPYTERHUB_SERVICE_PREFIX", "")
    if not (env.get("JUPYTERHUB_API_TOKEN") and prefix):
        return None
    url = urlsplit(env.get("JUPYTERHUB_SERVICE_URL") or "")
    host = url.hostname or "0.0.0.0"  # noqa: S104 - the hub gave no address: its proxy's choice
    return HubPlace(host=host, port=url.port or (443 if url.scheme == "https" else 80),
                    prefix=prefix if prefix.endswith("/") else prefix + "/")


def start_page(env: Mapping[str, str], review: bool) -> str:
    """The page the server's own root sends a person to: the review dashboard on the review
    service, else the hub's default URL for the server (`JUPYTERHUB_DEFAULT_URL`), else the
    workbook. Relative to the server's prefix."""
    if review:
        return f"voila/render/{DASHBOARD}"
    return (env.get("JUPYTERHUB_DEFAULT_URL") or DEFAULT_URL).lstrip("/")


def hub_auth_classes() -> tuple[type, type]:
    """JupyterHub's identity provider and authorizer for a Jupyter server (the hub signs people
    in through OAuth; only those with one of the server's access scopes get in), fitted to
    Voila, which hands its identity provider a token and a login page it has no use for."""
    from jupyterhub.singleuser.extension import JupyterHubAuthorizer, JupyterHubIdentityProvider

    class HubIdentityProvider(JupyterHubIdentityProvider):
        def __init__(self, *, token: object = None, login_handler_class: object = None,
                     **kwargs: object) -> None:
            super().__init__(**kwargs)

    return HubIdentityProvider, JupyterHubAuthorizer


_CONFIG = '''\
# jupyterhub_config.py for kamkit, written by `kamkit hub-config`.
#
#     jupyterhub -f jupyterhub_config.py
#
# What kamkit needs from the hub is below, each setting with its reason. Two things are the
# hub's business and left to you at the end of this file: how people sign in (the
# authenticator) and where their servers run (the spawner). This file may hold the database's
# password: keep it readable by the hub's user only (kamkit wrote it so).
import os

c = get_config()  # noqa: F821 - JupyterHub provides it

# -- The store ----------------------------------------------------------------------------------
# One database for every trainee's work, the reviews and the figures: each trainee's server
# and the review service get this URL as KAMKIT_DB_URL. Set KAMKIT_DB_URL in the hub's
# environment to keep the password out of this file. (JupyterHub's own database,
# JupyterHub.db_url, is a different one: kamkit never reads it.)
KAMKIT_DB_URL = os.environ.get("KAMKIT_DB_URL") or {db_url!r}

# The Python with kamkit installed (`pip install "kamkit[hub,postgres]"`): the one that wrote this
# file. Every user's server runs it, so it must be readable by them.
KAMKIT_PYTHON = {python!r}

# -- Each trainee's server ----------------------------------------------------------------------
# The hub user is the trainee. Their server is `kamkit serve` (no JupyterLab, no terminal): the
# workbook pages only, the same templates (nothing fetched from the internet), tracebacks off,
# the same file rules (no database, JSON, YAML, Python, notebook or CSV file is ever served).
# It lets the hub sign people in (OAuth through the hub): only its owner, and hub admins, get in.
# --pool 0: no page is pre-heated (a pre-heated page per trainee would double the memory each
# takes; the hub starts the server while the trainee waits anyway). --max-kernels 6: at most six
# pages open at once per trainee (about 125 MB each); a closed tab's seat is given back after 30 s.
c.Spawner.cmd = [KAMKIT_PYTHON, "-m", "kamkit.cli", "serve", "--pool", "0", "--max-kernels", "6"]
c.Spawner.default_url = {default_url!r}
c.Spawner.environment = {{"KAMKIT_DB_URL": KAMKIT_DB_URL}}
# The memory a trainee's server may take: the server and up to six pages (see docs/hub/sizing.md).
# Spawners that can enforce it do (KubeSpawner, SystemdSpawner); the local ones ignore it.
c.Spawner.mem_limit = "1G"
c.Spawner.mem_guarantee = "256M"
# A server answers in a few seconds alone; forty signing in within a minute on two cores waited
# up to 54 s for theirs (docs/hub/sizing.md): the hub gives each two minutes before it gives up.
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

# -- The manager's pages: the review service ------------------------------------------------------
# `kamkit review`, started and stopped by the hub, reached at /services/{review}/. The hub
# signs managers in; kamkit asks for no token. Reviews are signed with the hub user's name.
MANAGERS_GROUP = {group!r}
c.JupyterHub.services = [
    {{
        "name": {review!r},
        "url": "http://127.0.0.1:{review_port}",
        "command": [KAMKIT_PYTHON, "-m", "kamkit.cli", "review"],
        "environment": {{"KAMKIT_DB_URL": KAMKIT_DB_URL}},
        "display": True,          # listed in the hub's Services menu (for those who may open it)
        "oauth_no_confirm": True,  # a manager is not asked "allow kamkit-review?" first
    }},
    # Idle servers are stopped by JupyterHub's idle culler: one that has had no traffic for
    # an hour. Saved work is in the store already; the trainee's next visit starts a new server.
    {{
        "name": {culler!r},
        "command": [KAMKIT_PYTHON, "-m", "jupyterhub_idle_culler", "--timeout=3600"],
    }},
]
c.JupyterHub.load_roles = [
    # Who reaches the review pages: the members of the hub group {group!r} (hub admins can
    # too). Add managers on the hub's admin page, through the REST API, or from your sign-in
    # (an authenticator that manages groups); trainees are not in it and are refused (403).
    {{
        "name": "kamkit-manager",
        "description": "Open kamkit's review pages (the cohort dashboard, reviews, the room)",
        "scopes": ["access:services!service={review}"],
        "groups": [MANAGERS_GROUP],
    }},
    # What the culler needs to see activity and stop servers - nothing more.
    {{
        "name": {culler!r},
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": [{culler!r}],
    }},
]
{public_url}
# -- Yours to choose ----------------------------------------------------------------------------
# Sign-in: any authenticator (the default signs in this machine's users). The README's
# "On JupyterHub" shows two:
#   a pilot:         c.JupyterHub.authenticator_class = "nativeauthenticator.NativeAuthenticator"
#   a company's LMS: c.JupyterHub.authenticator_class = (
#                        "ltiauthenticator.lti13.auth.LTI13Authenticator")
# Who may sign in, and the hub's admins:
#   c.Authenticator.allowed_users = {{"ana", "ben"}}   (or c.Authenticator.allow_all = True)
#   c.Authenticator.admin_users = {{"mia"}}
# Where servers run: on this machine, as each user's system account (the default,
# LocalProcessSpawner), or all as the hub's user ("jupyterhub.spawner.SimpleLocalProcessSpawner",
# a pilot); on Kubernetes, Zero to JupyterHub (docs/hub/values.yaml).
'''


def config_text(db_url: str, managers_group: str = MANAGERS_GROUP,
                public_url: str | None = None, python: str | None = None,
                review_port: int = REVIEW_PORT) -> str:
    """The text of a working `jupyterhub_config.py` for kamkit, each setting commented."""
    public = (f"\n# The address people open (links the hub writes use it).\n"
              f"c.JupyterHub.public_url = {public_url!r}\n" if public_url else "")
    return _CONFIG.format(db_url=db_url, python=python or sys.executable,
                          default_url=DEFAULT_URL, group=managers_group,
                          review=REVIEW_SERVICE, culler=CULLER_SERVICE,
                          review_port=int(review_port), public_url=public)
