"""Reading kamkit's imports from its source, function-local ones included (the house rules test
them): which kamkit module imports which, where each module sits in the layers of
../shared/design.md, the cycles, and the public names a module defines."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "kamkit"

#: The layers, lowest first: a module may import its own layer or a lower one, never a higher.
#: content → models/scoring → (steps) → store → sessions/files → ui → cli.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("foundation", ("kamkit", "kamkit.errors", "kamkit.settings", "kamkit.resources",
                    "kamkit.html")),
    ("content and models", ("kamkit.content_model", "kamkit.frameworks", "kamkit.models",
                            "kamkit.opportunity", "kamkit.qualification",
                            "kamkit.account_plan", "kamkit.plan_content",
                            "kamkit.profile_fields", "kamkit.competency_content",
                            "kamkit.competency")),
    ("domain", ("kamkit.scoring", "kamkit.charts", "kamkit.orgchart", "kamkit.checking",
                "kamkit.privacy", "kamkit.text_limits")),
    ("steps", ("kamkit.steps",)),
    ("read-only work", ("kamkit.report", "kamkit.qbr", "kamkit.figures", "kamkit.exercises",
                        "kamkit.quiz", "kamkit.certificate")),
    ("store", ("kamkit.migrations", "kamkit.store", "kamkit.store_tables",
               "kamkit.store_practice", "kamkit.store_reviews", "kamkit.store_privacy",
               "kamkit.store_people", "kamkit.store_copy")),
    ("sessions and files", ("kamkit.session", "kamkit.review", "kamkit.identity", "kamkit.people",
                            "kamkit.people_kept", "kamkit.refresh",
                            "kamkit.demo", "kamkit.io", "kamkit.rater")),
    ("serving", ("kamkit.room", "kamkit.server", "kamkit.kernel", "kamkit.voila_app",
                 "kamkit.hub")),
    ("views", ("kamkit.ui",)),
    ("command line", ("kamkit.cli",)),
]


def modules(root: Path = ROOT) -> dict[str, Path]:
    """Every kamkit module, by dotted name."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def layer(module: str) -> int:
    """The index of the module's layer (the longest matching prefix wins)."""
    best, found = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, found = len(prefix), index
    if found is None:
        raise AssertionError(f"{module} is in no layer: add it to tests/imports.py LAYERS")
    return found


def _type_checking_only(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports_of(source: str, name: str, known: set[str]) -> set[str]:
    """The kamkit modules `source` (module `name`) imports at run time, wherever the import
    statement is (top level or inside a function); imports only for type checkers do not
    count."""
    tree = ast.parse(source)
    skip = {id(n) for node in ast.walk(tree) if _type_checking_only(node)
            for n in ast.walk(node)}
    package = name if (ROOT.parent / name.replace(".", "/") / "__init__.py").exists() \
        else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found |= {f"{base}.{a.name}" for a in node.names}
    return {m for m in found if m in known and m != name and m != "kamkit"}


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    mods = modules(root)
    return {name: imports_of(path.read_text(encoding="utf-8"), name, set(mods))
            for name, path in mods.items()}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def upward(edges: dict[str, set[str]]) -> list[str]:
    """Every import that points to a higher layer, in words."""
    return [f"{a} ({LAYERS[layer(a)][0]}) imports {b} ({LAYERS[layer(b)][0]})"
            for a, targets in sorted(edges.items()) for b in sorted(targets)
            if layer(b) > layer(a)]


def public_names(source: str) -> set[str]:
    """The public names a module defines at its top level (functions, classes, assignments)."""
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}
