"""Source locations and evaluated values shared by every input format.

Every value that reaches the cluster model keeps the place it was written (`Location`).
Evaluators produce `Sourced` trees: a scalar, list or dict whose every element is itself
`Sourced`, so the location of each list entry survives evaluation. A value that cannot be
known before deployment is an `Unresolved` carrying the reason; it is never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union


@dataclass(frozen=True, slots=True, order=True)
class Location:
    """A 1-based position in a scanned file; `path` is relative to the scan root (POSIX)."""

    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A value that cannot be known from the scanned files, and why. `not_null`: the
    value is known not to be null (Terraform refines the result of most functions, of
    templates and operators so), so `x != null` is decided even though `x` is not."""

    reason: str
    location: Location | None = None
    not_null: bool = False

    def __str__(self) -> str:
        return f"<unresolved: {self.reason}>"


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """An attribute of a resource in the same deployment whose value Azure assigns at
    deployment (a Terraform `azurerm_subnet.aks.id`). Opaque to every operator, but it
    links the referring resource to the referenced one in the model."""

    target: str
    attribute: str = "id"

    def __str__(self) -> str:
        return f"{self.target}.{self.attribute}"


# What a Sourced value may hold: a scalar, a list or dict of Sourced values, or Unresolved.
Raw = Union[
    str, int, float, bool, None, "list[Sourced]", "dict[str, Sourced]", Unresolved, ResourceRef
]


@dataclass(frozen=True, slots=True)
class Sourced:
    """An evaluated value and the location where it was written.

    `at` is the attribute or property that holds the value when the value itself was
    written elsewhere (a variable default, a tfvars or parameter file, a module caller).
    """

    data: Raw
    loc: Location | None = None
    at: Location | None = None

    @property
    def unresolved(self) -> bool:
        return isinstance(self.data, Unresolved)

    def plain(self) -> object:
        """The value with every location stripped (lists and dicts rebuilt)."""
        return to_plain(self)


def to_plain(value: object) -> object:
    """Strip `Sourced` wrappers recursively; `Unresolved` stays as it is. A list or dict
    of a kind that says its type (a Terraform set or map) keeps its kind."""
    if isinstance(value, Sourced):
        value = value.data
    if isinstance(value, list):
        return _same_kind(value, [to_plain(v) for v in value])
    if isinstance(value, dict):
        return _same_kind(value, {k: to_plain(v) for k, v in value.items()})
    return value


def _same_kind(original: object, items: object) -> object:
    """`items` in a collection of the same kind as `original` (a list or dict subclass
    that defines `retyped`), else as they are."""
    retyped = getattr(original, "retyped", None)
    return retyped(items) if retyped is not None else items


def sourced(value: object, loc: Location | None) -> Sourced:
    """Wrap a plain value (recursively) so every element carries `loc`."""
    if isinstance(value, Sourced):
        return value
    if isinstance(value, list | tuple):
        return Sourced(_same_kind(value, [sourced(v, loc) for v in value]), loc)  # type: ignore[arg-type]
    if isinstance(value, dict):
        return Sourced(_same_kind(value, {str(k): sourced(v, loc)  # type: ignore[arg-type]
                                          for k, v in value.items()}), loc)
    if value is None or isinstance(value, str | int | float | bool | Unresolved | ResourceRef):
        return Sourced(value, loc)
    raise TypeError(f"cannot source a {type(value).__name__}")


def find_unresolved(value: object) -> Unresolved | None:
    """The first `Unresolved` inside a (possibly nested, possibly Sourced) value."""
    if isinstance(value, Sourced):
        value = value.data
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, list):
        for item in value:
            found = find_unresolved(item)
            if found is not None:
                return found
    elif isinstance(value, dict):
        for item in value.values():
            found = find_unresolved(item)
            if found is not None:
                return found
    return None
