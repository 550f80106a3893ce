"""axe-core, the accessibility engine most audits use, run inside a page a test has opened.

axe-core comes from the npm registry (`npm install -g axe-core`, which .ci/run does); a missing
copy fails the test that needs it - the accessibility check is never skipped."""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

__all__ = ["axe_source", "serious_violations", "describe"]

#: what fails a page: axe's two worst impacts (WCAG 2.1 A and AA rules, and axe's best practices)
FAILING = ("serious", "critical")


@cache
def axe_source() -> str:
    """axe.min.js: from KAMKIT_AXE_JS, else the npm global folder."""
    candidates = [os.environ.get("KAMKIT_AXE_JS", "")]
    npm = shutil.which("npm")
    if npm:
        root = subprocess.run([npm, "root", "-g"], capture_output=True, text=True,
                              timeout=60).stdout.strip()
        candidates.append(str(Path(root) / "axe-core" / "axe.min.js"))
    candidates += ["/usr/lib/node_modules/axe-core/axe.min.js",
                   "/usr/local/lib/node_modules/axe-core/axe.min.js"]
    for path in candidates:
        if path and Path(path).is_file():
            return Path(path).read_text()
    raise AssertionError("axe-core not found: npm install -g axe-core (or set KAMKIT_AXE_JS to "
                         "its axe.min.js) - the accessibility check is never skipped")


def serious_violations(page, impacts: tuple[str, ...] = FAILING) -> list[dict]:
    """axe's violations on what the page shows now, of the given impacts."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 160),
                                      summary: n.failureSummary}))}));
    }""")
    return [v for v in result if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """Rule and elements, one line each, for a failure message."""
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} elements)")
        lines += [f"    {n['target']}  {n['html']}" for n in v["nodes"][:6]]
    return "\n".join(lines)
