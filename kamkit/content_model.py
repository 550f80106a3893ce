"""The base of every content model (grid.yaml, qualification.yaml …): frozen, strict about
unknown fields (a typo is an error, not ignored), and without YAML's .inf and .nan - no weight or
threshold is infinite."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Content"]


class Content(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True,
                              allow_inf_nan=False)
