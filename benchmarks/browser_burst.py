"""Ten real browser pages opening the workbook at once, against one page opening alone, on the
same `kamkit serve --room 10` server in the same run.

First --singles trainees open their personal links one after another (each alone on the server:
a single page's time-to-interactive); once the room's pool is full again and quiet, ten other
trainees open theirs at the same moment, each in its own browser context. Time-to-interactive is
from navigation until the page greets the trainee with their resume button enabled (as in
pages.py). Here the ten Chromium pages share this machine's cores with the server; in a real room
they run on the trainees' laptops, so these figures are pessimistic for the server.

The same is measured for a one-button notebook (the floor) served the same way, so the share of
the browsers' own work shows: --rounds rounds of a floor room and a workbook room, each round in
the other order (one burst's p95 is its slowest page or so: it swings from burst to burst).
Target (issue #22): the workbook's burst p95 <= 1.25x the floor's own burst p95 - the median of
the rounds' ratios.

    .venv/bin/python benchmarks/browser_burst.py [--pages 10] [--singles 5] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from _figures import FLOOR_BUTTON, pct, verdict  # noqa: I001 - benchmarks/ is on sys.path when run
from pages import ARGS, CHROMIUM
from room_burst import Room, _floor_notebooks, _seed

from kamkit.server import WORKBOOK


async def _open(browser, url: str, name: str, floor: bool) -> float:
    """Seconds from navigation until `name` is greeted and can resume - or, on the floor page,
    until its button shows; then the page closes."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(180_000)
    try:
        t = time.perf_counter()
        await page.goto(url)
        if floor:
            await page.get_by_role("button", name=FLOOR_BUTTON).wait_for()
        else:
            await page.get_by_text(f"Hello, {name}").wait_for()
            await page.locator("button:has-text('Resume where you left off'):enabled").wait_for()
        return time.perf_counter() - t
    finally:
        await context.close()


async def measure(room: Room, people: list[tuple[str, str]], pages: int, singles: int,
                  floor: bool) -> tuple[list[float], list[float], list[str]]:
    from playwright.async_api import async_playwright

    link = f"{room.url}/voila/render/{WORKBOOK}?t={{}}".format
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        alone = [await _open(browser, link(token), name, floor)
                 for name, token in people[:singles]]
        # the room refills its pool (and rebuilds those pages) before the burst
        await asyncio.to_thread(room.wait_ready, 600, room.times_full())
        results = await asyncio.gather(*(_open(browser, link(token), name, floor)
                                         for name, token in people[singles:singles + pages]),
                                       return_exceptions=True)
        await browser.close()
    burst = [r for r in results if isinstance(r, float)]
    failures = [repr(r)[:200] for r in results if not isinstance(r, float)]
    return alone, burst, failures


def run(label: str, floor: bool, work: Path, pages: int, singles: int
        ) -> tuple[float, float, int]:
    """One room (the floor page or the workbook): the single opens, then the burst; printed.
    Returns (single median, burst p95, pages that failed)."""
    home = Path(tempfile.mkdtemp(prefix=label.split(":")[0].replace(" ", "-") + "-", dir=work))
    people = _seed(home, singles + pages)
    # seats for the single opens' closed tabs too, so the pool can refill before the burst
    room = Room(home, pages, _floor_notebooks(home / "floor") if floor else None,
                ("--max-kernels", str(pages + singles + 2)))
    try:
        ready = room.wait_ready()
        alone, burst, failures = asyncio.run(measure(room, people, pages, singles, floor))
    finally:
        room.stop()
    single = statistics.median(alone)
    print(f"{label} (room ready {ready:.0f} s after start)")
    print(f"  one page alone, {len(alone)} opens:   median {single:5.2f} s   "
          f"p95 {pct(alone, 0.95):5.2f} s")
    p95 = pct(burst, 0.95) if burst else float("nan")
    if burst:
        print(f"  {pages} pages at once:  {len(failures)} failures; median "
              f"{statistics.median(burst):5.2f} s   p95 {p95:5.2f} s   max {max(burst):5.2f} s"
              f"   (p95 {p95 / single:.1f}x the single median)")
    for failure in failures:
        print(f"  failed: {failure}")
    return single, p95, len(failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--singles", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kamkit-browsers-"))
    ratios, failed = [], 0
    try:
        print(f"kamkit serve --room {args.pages}; {args.pages} Chromium pages on this machine, "
              f"beside the server; {args.rounds} rounds", flush=True)
        for round_ in range(args.rounds):
            rooms = [("floor: one-button page", True), ("workbook page", False)]
            p95s, singles = {}, {}
            for label, floor in rooms if round_ % 2 == 0 else rooms[::-1]:
                singles[floor], p95s[floor], lost = run(label, floor, work, args.pages,
                                                        args.singles)
                failed += lost
            ratios.append(p95s[False] / p95s[True])
            print(f"  round {round_ + 1}: workbook burst p95 / the floor's {ratios[-1]:.2f}x "
                  f"(the workbook's single median {singles[False]:.2f} s)", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratio = statistics.median(ratios)
    each = ", ".join(f"{r:.2f}" for r in ratios)
    counted = not failed and all(math.isfinite(r) for r in ratios)  # a failed page never meets
    verdict(f"{args.pages} browsers at once: burst p95 / the floor's burst p95 (median of "
            f"{args.rounds} rounds)", "<= 1.25x",
            f"{ratio:.2f}x ({each}){'' if counted else f'; {failed} pages failed'}",
            counted and ratio <= 1.25)


if __name__ == "__main__":
    main()
