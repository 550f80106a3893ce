"""Printing benchmark figures the same way everywhere: median and p95, and the ratio to a floor
measured in the same run (this machine is noisy; only same-run comparisons mean anything) - and
the floor page itself, a one-button Voila notebook."""

from __future__ import annotations

import json
import os
import statistics
import time
import urllib.request
from pathlib import Path

FLOOR_BUTTON = "Floor button"
#: where `verdict` adds its row (set by `make bench`, which prints them all at the end)
TABLE = "KAMKIT_BENCH_TABLE"


def floor_notebook(path: Path) -> Path:
    """Write the floor: a notebook that shows one button, nothing else. Returns `path`."""
    path.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "f1", "metadata": {},
                   "outputs": [], "source": ["import ipywidgets as w\n",
                                             f"w.Button(description='{FLOOR_BUTTON}')"]}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python",
                                    "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5}))
    return path


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, seconds: list[float], floor_ms: float | None = None) -> float:
    """Print one line of figures; returns the median in milliseconds."""
    med = statistics.median(seconds) * 1000
    ratio = f"  ({med / floor_ms:.2f}x floor)" if floor_ms else ""
    print(f"{name:<40} median {med:8.3f} ms   p95 {pct(seconds, 0.95) * 1000:8.3f} ms{ratio}")
    return med


def answering(url: str, what: str, seconds: float = 120) -> None:
    """Wait until the server at `url` answers (any page), or say which one did not."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer in {seconds:.0f} s")


def verdict(figure: str, target: str, measured: str, met: bool) -> None:
    """Say whether `figure` (as `measured`) meets `target`, and add the row to the table
    `make bench` prints at the end (`benchmarks/summary.py`)."""
    print(f"  -> {figure}: {measured} - {'meets' if met else 'MISSES'} the target ({target})")
    table = os.environ.get(TABLE)
    if table:
        with open(table, "a", encoding="utf-8") as out:
            out.write(json.dumps({"figure": figure, "target": target, "measured": measured,
                                  "met": met}) + "\n")
