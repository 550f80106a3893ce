"""A case study in a real browser: a trainee practises, makes a known mistake, gets a hint, fixes
it and passes - and the expert key never reaches the browser (neither the page nor any message
on its websocket carries a key-only phrase)."""

from __future__ import annotations

from helpers import field, personal_links

KEY_ONLY = "the Brno tender is the whole game"       # the key's facilitator note
EXPLANATION = "the owners plan to double revenue"   # shown only from the second check on


def test_a_trainee_practises_a_case_gets_a_hint_fixes_it_and_passes(server, page):
    frames: list[str] = []
    page.on("websocket", lambda ws: ws.on(
        "framereceived", lambda payload: frames.append(
            payload if isinstance(payload, str) else payload.decode("utf-8", "replace"))))
    page.goto(personal_links(server, "Pia Lund", cohort="Practice room")["Pia Lund"])
    page.get_by_text("Hello, Pia Lund").wait_for()
    cases = page.locator(".widget-dropdown:has(label:text-is('Case')) select")
    halden = cases.locator("option", has_text="Halden Medical Devices").text_content()
    cases.select_option(label=halden)
    page.get_by_role("button", name="Practise this case").click()
    # straight to step 1, with the brief open above the profile
    page.get_by_text("Lena Holt is our best friend there").first.wait_for()
    page.get_by_text("Profile complete").wait_for()

    page.get_by_text("Segmentation ·").click()
    for label, value in [("Revenue potential (weight 40)", "30"),       # the mistake
                         ("Strategic importance (weight 35)", "70"),
                         ("Market influence (weight 25)", "70")]:
        field(page, label, "select").select_option(label=value)
    strength = "Relationship strength (weight 50) - your rating, used until the facts are in"
    field(page, strength, "select").select_option(label="20")
    page.get_by_text("is a Grow account").wait_for()

    page.get_by_role("button", name="Check my answers").first.click()
    page.get_by_text("Look again at Revenue potential").wait_for()
    page.get_by_text("75 % of your answers match the key").wait_for()
    assert page.get_by_text(EXPLANATION).count() == 0

    field(page, "Revenue potential (weight 40)", "select").select_option(label="80")
    page.get_by_role("button", name="Check my answers").first.click()
    page.get_by_text("100 % of your answers match the key").wait_for()
    page.get_by_text("The expert's view").wait_for()
    page.get_by_text("passed ✓").wait_for()

    shown = page.content()
    assert KEY_ONLY not in shown and EXPLANATION not in shown
    assert frames and not any(KEY_ONLY in f or EXPLANATION in f for f in frames)


def test_case_files_and_keys_are_not_served(server):
    import urllib.error
    import urllib.request

    for path in ("/voila/files/exercises/cases/halden/key.yaml",
                 "/voila/files/cases/halden/key.yaml",
                 "/voila/render/exercises/cases/halden/key.yaml",
                 "/voila/files/exercises/quiz.yaml"):
        try:
            with urllib.request.urlopen(server.url + path, timeout=30) as resp:
                status, body = resp.status, resp.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, ""
        assert status in (403, 404), (path, status)
        assert "facilitator_note" not in body


def test_moving_between_pages_never_changes_the_trainee(server, page):
    """From the workbook to a case's own page and back into practice, then to the quiz: every
    link keeps the personal link, so a trainee on someone else's laptop (or a workshop server)
    never lands as the machine's user or is asked for their link again."""
    page.goto(personal_links(server, "Rui Alves", cohort="Moving room")["Rui Alves"])
    page.get_by_text("Hello, Rui Alves").wait_for()
    page.get_by_role("link", name="Halden Medical Devices").click()
    page.get_by_text("Practise this case in your workbook").wait_for()
    page.get_by_role("link", name="▶ Practise this case in your workbook").click()
    # the same trainee, now practising: the workbook's steps, on the case's first
    page.locator(".lm-TabBar-tab.lm-mod-current", has_text="1. Account profile").wait_for()
    page.get_by_text("Hello, Rui Alves").wait_for()
    assert "case=halden" in page.url and "exercise=" not in page.url
    page.get_by_text("Lena Holt is our best friend there").locator("visible=true").first.wait_for()
    page.get_by_role("tab", name="Home").click()
    page.get_by_role("link", name="Key account management - the ideas in ten minutes").click()
    page.get_by_role("button", name="Check").first.wait_for()  # the quiz, for Rui
    page.get_by_text("Hello, Rui Alves").wait_for()
    page.get_by_role("link", name="← Your workbook").click()
    page.get_by_role("tab", name="Home").wait_for()  # the workbook again, still Rui's
    page.get_by_text("Hello, Rui Alves").wait_for()
    assert "exercise=" not in page.url
