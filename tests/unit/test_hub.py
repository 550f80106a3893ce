"""kamkit on JupyterHub, without a hub: the config `kamkit hub-config` writes, where a server the
hub started listens, who signs a review there, and the command itself."""

from __future__ import annotations

import os
import stat

import pytest
from traitlets.config import Config

from kamkit.cli import main
from kamkit.hub import config_text, hub_place, start_page
from kamkit.identity import refusal, resolve_trainee, reviewer_name
from kamkit.server import voila_command, write_review_config

PG = "postgresql+psycopg://kamkit:secret@db.example.com/kamkit"


def _load(text: str, env: dict[str, str] | None = None) -> Config:
    """The config a hub gets from `text` (run as JupyterHub runs its config file)."""
    config = Config()
    saved = os.environ.pop("KAMKIT_DB_URL", None)
    os.environ.update(env or {})
    try:
        exec(compile(text, "jupyterhub_config.py", "exec"),  # noqa: S102 - our own file
             {"get_config": lambda: config})
    finally:
        for name in env or {}:
            os.environ.pop(name, None)
        if saved is not None:
            os.environ["KAMKIT_DB_URL"] = saved
    return config


def test_each_hub_user_gets_kamkit_serve_opening_the_workbook_on_the_shared_store():
    c = _load(config_text(PG, python="/opt/kamkit/bin/python"))
    assert c.Spawner.cmd[:4] == ["/opt/kamkit/bin/python", "-m", "kamkit.cli", "serve"]
    assert c.Spawner.default_url == "/voila/render/00_workbook.ipynb"
    assert c.Spawner.environment == {"KAMKIT_DB_URL": PG}


def test_the_store_url_is_one_setting_the_hub_environment_can_hold_instead():
    c = _load(config_text(PG), {"KAMKIT_DB_URL": "postgresql+psycopg://from-the-env/kamkit"})
    review = next(s for s in c.JupyterHub.services if s["name"] == "kamkit-review")
    assert c.Spawner.environment["KAMKIT_DB_URL"] == "postgresql+psycopg://from-the-env/kamkit"
    assert review["environment"]["KAMKIT_DB_URL"] == "postgresql+psycopg://from-the-env/kamkit"


def test_only_the_managers_group_is_granted_the_review_service():
    c = _load(config_text(PG, managers_group="account-directors", review_port=9001))
    review = next(s for s in c.JupyterHub.services if s["name"] == "kamkit-review")
    assert review["command"][1:] == ["-m", "kamkit.cli", "review"]
    assert review["url"] == "http://127.0.0.1:9001" and "api_token" not in review
    granted = [r for r in c.JupyterHub.load_roles
               if "access:services!service=kamkit-review" in r["scopes"]]
    assert granted == [next(r for r in c.JupyterHub.load_roles if r["name"] == "kamkit-manager")]
    assert granted[0]["groups"] == ["account-directors"] and not granted[0].get("users")
    assert granted[0]["scopes"] == ["access:services!service=kamkit-review"]
    assert "extra_user_scopes" not in c.JupyterHub  # trainees get nothing more than a hub gives


def test_idle_servers_are_culled_by_the_hubs_culler_with_no_more_rights_than_it_needs():
    c = _load(config_text(PG))
    culler = next(s for s in c.JupyterHub.services if s["name"] == "kamkit-idle-culler")
    assert culler["command"][1:3] == ["-m", "jupyterhub_idle_culler"]
    assert "--timeout=3600" in culler["command"]
    role = next(r for r in c.JupyterHub.load_roles if r.get("services") == ["kamkit-idle-culler"])
    assert set(role["scopes"]) == {"list:users", "read:users:activity", "read:servers",
                                   "delete:servers"}


def test_the_public_url_is_set_only_when_given():
    assert "public_url" not in _load(config_text(PG)).JupyterHub
    c = _load(config_text(PG, public_url="https://hub.example.com"))
    assert c.JupyterHub.public_url == "https://hub.example.com"


def test_the_config_names_no_authenticator_and_no_spawner_of_its_own():
    c = _load(config_text(PG))
    assert "authenticator_class" not in c.JupyterHub and "spawner_class" not in c.JupyterHub


def test_a_server_started_by_the_hub_listens_where_the_hub_says():
    user = {"JUPYTERHUB_API_TOKEN": "x", "JUPYTERHUB_SERVICE_PREFIX": "/user/ana/",
            "JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:40123/user/ana/"}
    place = hub_place(user)
    assert (place.host, place.port, place.prefix) == ("127.0.0.1", 40123, "/user/ana/")
    service = {"JUPYTERHUB_API_TOKEN": "x", "JUPYTERHUB_SERVICE_PREFIX": "/services/kamkit-review",
               "JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8867"}
    assert hub_place(service).prefix == "/services/kamkit-review/"
    assert hub_place(service).host == "0.0.0.0"
    # not under a hub: both the hub's token and its prefix are needed
    assert hub_place({}) is None
    assert hub_place({"JUPYTERHUB_SERVICE_PREFIX": "/user/ana/"}) is None
    assert hub_place({"JUPYTERHUB_API_TOKEN": "x"}) is None


def test_the_root_of_a_server_opens_its_start_page():
    assert start_page({}, review=False) == "voila/render/00_workbook.ipynb"
    assert start_page({"JUPYTERHUB_DEFAULT_URL": "/voila/render/05_account_plan.ipynb"},
                      review=False) == "voila/render/05_account_plan.ipynb"
    assert start_page({}, review=True) == "voila/render/00_dashboard.ipynb"


def test_under_the_hub_a_personal_link_opens_nobody_but_the_hub_user(store):
    bob = store.add_trainee("Bob")
    token = store.issue_token(bob.id)
    hub = {"JUPYTERHUB_USER": "kim", "KAMKIT_ACCESS": "links"}
    assert resolve_trainee(store, f"t={token}", hub).login == "kim"
    assert resolve_trainee(store, "t=made-up", hub).login == "kim"
    assert refusal(store, "t=made-up", hub) is None
    # a peer's rating link is still only for the rating page, hub user or not
    assert refusal(store, "r=made-up", hub, page="00_workbook.ipynb") is not None
    assert refusal(store, "r=made-up", hub, page="rate_a_colleague.ipynb") is not None


def test_reviews_on_the_hub_are_signed_with_the_hub_user_the_server_names():
    service = {"JUPYTERHUB_SERVICE_PREFIX": "/services/kamkit-review/",
               "KAMKIT_REVIEWER": "root"}
    assert reviewer_name(service | {"HTTP_X_KAMKIT_REVIEWER": "mia"}) == "mia"
    assert reviewer_name(service) is None  # no name from the server: no name at all
    # off the hub the header means nothing: the review server's setting signs
    assert reviewer_name({"HTTP_X_KAMKIT_REVIEWER": "mallory",
                          "KAMKIT_REVIEWER": "Mia Berg"}) == "Mia Berg"


def test_under_a_prefix_voila_listens_on_exactly_its_port(tmp_path):
    cmd = voila_command(host="127.0.0.1", port=40123, config_dir=tmp_path, pool=0,
                        cull_idle=1800, prefix="/user/ana/")
    assert "--Voila.base_url=/user/ana/" in cmd and "--Voila.port_retries=0" in cmd
    plain = voila_command(host="127.0.0.1", port=8866, config_dir=tmp_path, pool=0,
                          cull_idle=1800)
    assert not any("base_url" in arg or "port_retries" in arg for arg in plain)


def test_only_the_hub_review_server_tells_its_pages_a_request_header(tmp_path):
    import json

    hub = json.loads(write_review_config(tmp_path / "a", "t" * 20, headers=(
        "X-Kamkit-Reviewer",)).read_text())
    plain = json.loads(write_review_config(tmp_path / "b", "t" * 20).read_text())
    assert hub["VoilaConfiguration"]["http_header_envs"] == ["X-Kamkit-Reviewer"]
    assert plain["VoilaConfiguration"]["http_header_envs"] == []


def test_hub_config_writes_a_file_only_its_owner_reads(tmp_path, capsys):
    out = tmp_path / "jupyterhub_config.py"
    assert main(["hub-config", "--output", str(out), "--db-url", PG]) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds the database's password
    assert _load(out.read_text()).Spawner.environment["KAMKIT_DB_URL"] == PG
    assert "jupyterhub -f" in capsys.readouterr().out
    # an existing file is replaced only when asked (no terminal here to ask on)
    assert main(["hub-config", "--output", str(out), "--db-url", PG + "2"]) == 1
    assert PG + "2" not in out.read_text()
    assert main(["hub-config", "--output", str(out), "--db-url", PG + "2", "--yes"]) == 0
    assert PG + "2" in out.read_text()


def test_hub_config_to_standard_output_with_the_store_of_db(capsys):
    assert main(["hub-config", "--output", "-", "--db-url", PG]) == 0
    assert capsys.readouterr().out.startswith("# jupyterhub_config.py for kamkit")
    assert main(["--db", "sqlite:////srv/kamkit.db", "hub-config", "--output", "-"]) == 0
    assert "sqlite:////srv/kamkit.db" in capsys.readouterr().out


@pytest.mark.parametrize("args, says", [
    (["--db-url", "mysql://x/y"], "PostgreSQL"),
    (["--db-url", PG, "--managers-group", "two words"], "group"),
    (["--db-url", PG, "--public-url", "hub.example.com"], "https://"),
])
def test_hub_config_refuses_what_would_not_work(args, says, capsys):
    assert main(["hub-config", "--output", "-", *args]) == 1
    assert says in capsys.readouterr().err


def test_the_kubernetes_values_say_what_the_generated_config_says():
    """docs/hub/values.yaml (Zero to JupyterHub) and `kamkit hub-config` never drift apart."""
    from pathlib import Path

    import yaml

    values = yaml.safe_load((Path(__file__).resolve().parents[2] / "docs" / "hub"
                             / "values.yaml").read_text(encoding="utf-8"))
    c = _load(config_text(PG))
    assert values["singleuser"]["cmd"][1:] == c.Spawner.cmd[1:]
    assert values["singleuser"]["defaultUrl"] == c.Spawner.default_url
    review = next(s for s in c.JupyterHub.services if s["name"] == "kamkit-review")
    assert values["hub"]["services"]["kamkit-review"]["command"][1:4] == review["command"][1:]
    manager = next(r for r in c.JupyterHub.load_roles if r["name"] == "kamkit-manager")
    assert values["hub"]["loadRoles"]["kamkit-manager"]["scopes"] == manager["scopes"]
    assert values["hub"]["loadRoles"]["kamkit-manager"]["groups"] == manager["groups"]
    assert values["cull"]["enabled"] and values["cull"]["timeout"] == 3600
