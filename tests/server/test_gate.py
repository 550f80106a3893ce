"""What a workshop server gives a script, a curious trainee or another user of the machine: no
kernel without a valid personal link, no token through the query socket or in the log, every
kernel under a memory limit, and the page's own close-tab call honoured (issue 16)."""

from __future__ import annotations

import concurrent.futures
import contextlib
import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import psutil
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from kamkit.identity import RATER_PAGE
from kamkit.store import Store

WORKBOOK = "/voila/render/00_workbook.ipynb"
KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")


def kernels(srv) -> dict[str, psutil.Process]:
    """The server's kernels, by id, as `ps` shows them to anyone on the machine."""
    out = {}
    for proc in psutil.Process(srv.proc.pid).children(recursive=True):
        try:
            found = KERNEL_FILE.search(" ".join(proc.cmdline()))
        except psutil.Error:
            continue
        if found:
            out[found.group(1)] = proc
    return out


def wait_for(what, timeout: float = 60.0, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not within {timeout} s: {what}")


def fetch(url: str, opener=None, data: bytes | None = None) -> tuple[int, str]:
    opener = opener or urllib.request.build_opener()
    try:
        with opener.open(url, data=data, timeout=120) as resp:
            return resp.status, resp.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")


def kernel_of(html: str) -> str:
    return re.search(r'"kernelId": "([0-9a-f-]{36})"', html).group(1)


@pytest.fixture(scope="module")
def pool_ready(workshop):
    """The pre-heated page's kernel, once it waits for its request."""
    wait_for(lambda: "pages started" in workshop.logs(), timeout=120)
    return wait_for(lambda: kernels(workshop))


@pytest.mark.parametrize("query", ["", "?t=", "?t=not-a-link", "?t=abc&t=def",
                                   "?template=reveal"])
def test_a_request_that_cannot_be_anyones_page_gets_a_refusal_and_no_kernel(
        workshop, pool_ready, query):
    before, logged = set(kernels(workshop)), len(workshop.full_log())
    answers = [fetch(workshop.url + WORKBOOK + query) for _ in range(5)]
    for status, body in answers:
        assert status == 403
        assert "personal link" in body and "kernelId" not in body
    since = workshop.full_log()[logged:]
    assert "Kernel started" not in since and "pre-heated kernel" not in since, since
    assert set(kernels(workshop)) <= before


@pytest.fixture(scope="module")
def rita(workshop):
    """A trainee who asks a peer to rate her: her id and personal token."""
    link = workshop.personal_links("Rita Rated")["Rita Rated"]
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
    with Store(workshop.db) as store:
        return {"id": store.get_trainee_by_token(token).id, "token": token}


@pytest.mark.parametrize("page, query, said", [
    ("rate_a_colleague.ipynb", "", "opens only through the rating link"),
    ("rate_a_colleague.ipynb", "?r=made-up", "not valid any more"),
    ("rate_a_colleague.ipynb", "?r={r}&t={t}", "not with a personal workbook link"),
    ("rate_a_colleague.ipynb", "?r={r}&trainee=1", "has been changed"),
    ("rate_a_colleague.ipynb", "?t={t}", "not with a personal workbook link"),
    ("00_workbook.ipynb", "?r={r}", "only opens the rating form"),
    ("exercises/10_quiz.ipynb", "?t={t}&r={r}", "only opens the rating form"),
])
def test_a_rating_link_opens_its_form_alone_or_no_kernel_starts(workshop, pool_ready, rita, page,
                                                                 query, said):
    token = rita["token"]
    with Store(workshop.db) as store:
        rater = store.add_rater_link(rita["id"], "before", "Pia Peer", days=1, most=1)[1]
        before, logged = set(kernels(workshop)), len(workshop.full_log())
        status, body = fetch(f"{workshop.url}/voila/render/{page}{query.format(r=rater, t=token)}")
        store.revoke_rater_link(rita["id"], store.rater_link_by_token(rater).id)
    assert status == 403 and said in body and "kernelId" not in body
    assert "Rita Rated" not in body
    since = workshop.full_log()[logged:]
    assert "Kernel started" not in since and "pre-heated kernel" not in since, since
    assert set(kernels(workshop)) <= before
    assert rater not in workshop.full_log()  # the rating token never reaches the log


class _Stay(urllib.request.HTTPRedirectHandler):
    """An opener that reports a redirect instead of following it."""

    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("page, opens", [
    ("03_relationship.ipynb", "00_workbook.ipynb?t={t}&account=7&x=%C3%A4&tab=relationship"),
    ("06_competencies.ipynb", "00_workbook.ipynb?t={t}&account=7&x=%C3%A4&tab=competencies"),
    ("exercises/01_halden.ipynb", "../00_workbook.ipynb?t={t}&account=7&x=%C3%A4&exercise=halden"),
    ("exercises/10_quiz.ipynb", "../00_workbook.ipynb?t={t}&account=7&x=%C3%A4&exercise=quiz"),
])
def test_a_steps_or_an_exercises_own_link_opens_the_workbook_there(workshop, pool_ready, rita, page,
                                                                   opens):
    """The links handed out for a step or an exercise open in the workbook's pre-heated kernel,
    for the same person and account (the rest of the query as sent); a link that is no one's
    is refused where it was sent."""
    stay = urllib.request.build_opener(_Stay)
    token = rita["token"]
    with pytest.raises(urllib.error.HTTPError) as moved:
        stay.open(f"{workshop.url}/voila/render/{page}?t={token}&account=7&tab=profile&x=%C3%A4",
                  timeout=60)
    with moved.value as answer:  # its connection is closed with it
        assert answer.code == 302 and answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Location"] == opens.format(t=token)
    before = set(kernels(workshop))
    status, body = fetch(f"{workshop.url}/voila/render/{page}?t=made-up")
    assert status == 403 and "kernelId" not in body
    assert set(kernels(workshop)) <= before


def test_the_query_socket_answers_no_one_but_the_servers_own_kernels(workshop, pool_ready):
    link = workshop.personal_links("Quinn Query")["Quinn Query"]
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
    ws = workshop.url.replace("http", "ws")
    with contextlib.ExitStack() as stack:
        listening = []
        for kernel_id in kernels(workshop):  # ids anyone on the machine reads from `ps`
            with pytest.raises(InvalidStatus):  # Voila's unauthenticated socket is gone
                stack.enter_context(connect(f"{ws}/voila/query/{kernel_id}", open_timeout=10))
            listening.append(stack.enter_context(connect(
                f"{ws}/voila/kamkit-query/guessed-key/{kernel_id}", open_timeout=10)))
        assert listening
            # the page is still served (that its kernel learns who it is for, the browser layer
        # shows: every pre-heated page there greets its trainee by name)
        status, html = fetch(link)
        assert status == 200 and "kernelId" in html
        for sock in listening:
            with pytest.raises((ConnectionClosed, TimeoutError)):
                message = sock.recv(timeout=3)
                assert token not in message, "the token was handed to an outsider"


def test_a_page_that_never_connects_has_its_kernel_shut_down(workshop, pool_ready):
    link = workshop.personal_links("Sam Script")["Sam Script"]
    status, html = fetch(link)  # a script: it never opens the page's websocket
    assert status == 200
    kernel_id = kernel_of(html)
    assert kernel_id in kernels(workshop)
    wait_for(lambda: kernel_id not in kernels(workshop), timeout=60)
    assert "its page never connected" in workshop.logs()


def test_the_pages_close_tab_call_shuts_its_kernel_down(workshop, pool_ready):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    link = workshop.personal_links("Tia Tab")["Tia Tab"]
    status, html = fetch(link, browser)
    assert status == 200
    kernel_id = kernel_of(html)
    xsrf = {c.name: c.value for c in jar}.get("_xsrf")
    assert xsrf, "the page gave no _xsrf cookie: its close-tab call would be refused"
    form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
    status, _ = fetch(f"{workshop.url}/voila/api/shutdown/{kernel_id}", browser, form)
    assert status == 204
    wait_for(lambda: kernel_id not in kernels(workshop), timeout=30)
    # without the page's cookie (another site's page, a script) the call is refused
    other = kernel_of(fetch(workshop.personal_links("Uma Other")["Uma Other"])[1])
    status, _ = fetch(f"{workshop.url}/voila/api/shutdown/{other}", data=form)
    assert status == 403


def test_every_kernel_runs_under_a_memory_limit(workshop, pool_ready):
    started = wait_for(lambda: [p for p in kernels(workshop).values()
                                if time.time() - p.create_time() > 3])
    limits = {" ".join(p.cmdline()): p.rlimit(psutil.RLIMIT_DATA)[0] for p in started}
    assert set(limits.values()) == {1024 * 1024 * 1024}, limits


def test_no_token_reaches_the_log(workshop, pool_ready):
    link = workshop.personal_links("Lena Log")["Lena Log"]
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
    for path in ("/voila/render/missing.ipynb", "/voila/files/kamkit.db", WORKBOOK):
        fetch(f"{workshop.url}{path}?t={token}&account=1")
    fetch(f"{workshop.url}/voila/render/missing.ipynb?token=review-secret-0123456789")
    key = psutil.Process(next(iter(kernels(workshop).values())).pid).environ()[
        "KAMKIT_QUERY_KEY"]
    fetch(f"{workshop.url}/voila/kamkit-query/{key}")  # a wrong request on the key's path
    logs = wait_for(lambda: workshop.full_log() if "kamkit-query" in workshop.full_log()
                    else "")
    assert "t=[secret]" in logs and "kamkit-query/[secret]" in logs
    assert token not in logs and "review-secret" not in logs and key not in logs


def test_the_review_link_goes_to_the_terminal_or_a_private_file_never_the_log(review):
    logs = review.full_log()
    assert review.token not in logs
    saved = review.home / "run" / f"review-{review.port}" / "review-link"
    assert "readable by you only" in logs and str(saved) in logs
    assert saved.read_text().strip().endswith(f"token={review.token}")
    assert saved.stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("template", ["reveal", "classic"])
def test_no_page_asks_the_internet_for_anything_whatever_template_is_asked_for(
        workshop, pool_ready, template):
    link = workshop.personal_links(f"Tom {template.title()}")[f"Tom {template.title()}"]
    token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["t"][0]
    with Store(workshop.db) as store:  # the rating page opens with a peer's link only
        tom = store.get_trainee_by_token(token)
        rater = store.add_rater_link(tom.id, "before", "Pia Peer", days=1, most=3)[1]
    pages = sorted(p.relative_to(workshop.served_root).as_posix()
                   for p in workshop.served_root.rglob("*.ipynb"))
    assert len(pages) >= 9, pages  # the workbook, the steps, the cases, the quiz, the rating
    for page in pages:
        who = f"r={rater}" if page == RATER_PAGE else f"t={token}"
        status, html = fetch(f"{workshop.url}/voila/render/{page}?{who}&template={template}"
                             f"&theme=dark")
        assert status == 200, (page, html[:300])
        remote = [url for url in re.findall(r'(?:src|href)="([^"]+)"', html)
                  if urllib.parse.urlsplit(url).hostname not in (None, "127.0.0.1")]
        assert remote == [], (page, remote)
        assert "reveal" not in html.lower()  # the template asked for is not the one served


def test_a_kernel_answers_the_browser_it_was_handed_to_and_nobody_else(workshop, pool_ready):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    status, html = fetch(workshop.personal_links("Owen Own")["Owen Own"], browser)
    kernel_id = kernel_of(html)  # what anyone on the machine reads from `ps`
    cookies = "; ".join(f"{c.name}={c.value}" for c in jar)
    ws = workshop.url.replace("http", "ws") + f"/api/kernels/{kernel_id}/channels"
    with pytest.raises(InvalidStatus) as refused:  # another user, a script: no page cookie
        connect(ws, open_timeout=10)
    assert refused.value.response.status_code == 403
    name = next(c.name for c in jar if c.name.startswith("kamkit-kernel"))
    with pytest.raises(InvalidStatus):  # somebody else's page cookie
        connect(ws, open_timeout=10, additional_headers={"Cookie": f"{name}=guess"})
    assert fetch(f"{workshop.url}/api/kernels/{kernel_id}")[0] == 403
    with connect(ws, open_timeout=10, additional_headers={"Cookie": cookies}):
        pass  # the page's own browser connects as before
    assert fetch(f"{workshop.url}/api/kernels/{kernel_id}", browser)[0] == 200


def test_two_pages_opened_at_once_in_one_browser_each_keep_their_kernel(workshop, pool_ready):
    jar = http.cookiejar.CookieJar()  # a fresh browser: no cookie yet
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    links = workshop.personal_links("Pia Pair")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        pages = list(pool.map(lambda _: fetch(links["Pia Pair"], browser), range(2)))
    ids = [kernel_of(html) for _, html in pages]
    assert len(set(ids)) == 2
    for kernel_id in ids:  # both tabs' kernels answer this browser
        assert fetch(f"{workshop.url}/api/kernels/{kernel_id}", browser)[0] == 200
