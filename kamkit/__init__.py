"""kamkit - a workbook that trains and assesses new key account managers.

The public API is listed in `__all__`. Names are imported lazily, so `import kamkit.models`
does not drag in SQLAlchemy or ipywidgets (pages and pure tests stay light).
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    # errors
    "KamkitError": "kamkit.errors", "InvalidInput": "kamkit.errors",
    "ContentError": "kamkit.errors", "NotFound": "kamkit.errors",
    "AccessDenied": "kamkit.errors", "ImportRefused": "kamkit.errors",
    "SaveFailed": "kamkit.errors",
    # content
    "Framework": "kamkit.frameworks", "load_framework": "kamkit.frameworks",
    "default_framework": "kamkit.frameworks",
    # models
    "Trainee": "kamkit.models", "Account": "kamkit.models", "ProfileDoc": "kamkit.models",
    "StakeholderMapDoc": "kamkit.models", "RelationshipDoc": "kamkit.models",
    # steps and settings
    "Step": "kamkit.steps", "Docs": "kamkit.steps", "registered": "kamkit.steps",
    "Settings": "kamkit.settings",
    # store and session
    "Store": "kamkit.store", "Session": "kamkit.session",
    # workbook files
    "export_trainee": "kamkit.io.workbook", "import_workbook": "kamkit.io.workbook",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kamkit' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(__all__)
