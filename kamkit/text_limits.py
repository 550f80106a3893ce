"""How many characters a text may hold where a pydantic model keeps it, read from the types
of its fields: a field's own `max_length`, that of an `Annotated` type (kamkit's `ShortText`,
say), inside a list, a tuple, a dict or a union. `kamkit.privacy` asks it before a
replacement makes a text longer, so that an edited document stays valid without a word of it
cut. Pure: types in, numbers out.
"""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

__all__ = ["field_type", "narrowed", "item_types", "value_type"]


def field_type(info: FieldInfo) -> Any:
    """A field's type with the constraints pydantic keeps beside it (`Field(max_length=…)`, an
    `Annotated` type's)."""
    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def narrowed(hint: Any, value: Any) -> tuple[Any, int | None]:
    """The type `value` has under `hint` - the arm of a union it fits, without `Annotated` - and
    the most characters the constraints on it allow (None: no limit known)."""
    limits: list[int] = []
    while True:
        origin = get_origin(hint)
        if origin is Annotated:
            for meta in hint.__metadata__:
                for m in meta.metadata if isinstance(meta, FieldInfo) else [meta]:
                    if isinstance(getattr(m, "max_length", None), int):
                        limits.append(m.max_length)
            hint = hint.__origin__
        elif origin is Union or origin is types.UnionType:
            hint = next((arm for arm in get_args(hint) if _fits(arm, value)), Any)
        else:
            return hint, min(limits, default=None)


def _fits(arm: Any, value: Any) -> bool:
    while get_origin(arm) is Annotated:
        arm = arm.__origin__
    try:
        return isinstance(value, get_origin(arm) or arm)
    except TypeError:  # Literal, Any, a TypeVar: not a class to check
        return False


def item_types(hint: Any, count: int) -> list[Any]:
    """The type of each of the `count` items of a list or tuple of type `hint` (narrowed; Any
    where it says none)."""
    args = get_args(hint)
    if get_origin(hint) is tuple and args[-1:] != (Ellipsis,):
        return list(args) if len(args) == count else [Any] * count
    return [args[0] if args else Any] * count


def value_type(hint: Any) -> Any:
    """The type of the values of a dict of type `hint` (narrowed; Any where it says none)."""
    args = get_args(hint)
    return args[1] if len(args) == 2 else Any
