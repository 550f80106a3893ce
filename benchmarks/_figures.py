"""Printing benchmark figures the same way everywhere: median and p95, and the ratio to a floor
measured in the same run (this machine is noisy; only same-run comparisons mean anything)."""

from __future__ import annotations

import statistics


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report(name: str, seconds: list[float], floor_ms: float | None = None) -> float:
    """Print one line of figures; returns the median in milliseconds."""
    med = statistics.median(seconds) * 1000
    ratio = f"  ({med / floor_ms:.0f}x floor)" if floor_ms else ""
    print(f"{name:<40} median {med:8.3f} ms   p95 {pct(seconds, 0.95) * 1000:8.3f} ms{ratio}")
    return med
