"""The files kamkit carries besides its code: the trainee notebooks, the exercise notebooks, the
case studies and the quiz.

In the repository they stay at the top (`notebooks/`, `exercises/`), where people edit them; a
built wheel carries them inside the package (`kamkit/_notebooks`, `kamkit/_exercises`, mapped in
pyproject.toml). One lookup finds them either way, so an installed kamkit serves the same pages as
a checkout.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["notebooks_dir", "exercises_dir"]

_HERE = Path(__file__).resolve().parent


def _carried(name: str) -> Path:
    packaged = _HERE / f"_{name}"            # installed from a wheel
    return packaged if packaged.is_dir() else _HERE.parent / name  # a checkout


def notebooks_dir() -> Path:
    """The trainee notebooks (with `review/`, the manager's pages)."""
    return _carried("notebooks")


def exercises_dir() -> Path:
    """The exercise notebooks, the quiz and `cases/`."""
    return _carried("exercises")
