"""Turning evaluated `Sourced` values into model `Field`s, shared by every normaliser."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from aksnetlint.model import Field
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

T = TypeVar("T")

MISSING = Sourced(None, None)


def get(value: Sourced | None, *path: str | int, ci: bool = False) -> Sourced | None:
    """Walk dict keys / list indexes; None when a step is absent. A Terraform block is a list
    of dicts, so `get(body, "network_profile", 0, "outbound_type")`. With `ci`, dict keys
    match case-insensitively (ARM property names are case-insensitive)."""
    current = value
    for step in path:
        if current is None:
            return None
        data = current.data
        if isinstance(data, Unresolved):
            return current
        if isinstance(step, int):
            if not isinstance(data, list) or step >= len(data):
                return None
            current = data[step]
        else:
            if not isinstance(data, dict):
                return None
            found = data.get(step)
            if found is None and ci:
                lowered = step.lower()
                for key, item in data.items():
                    if key.lower() == lowered:
                        found = item
                        break
            current = found
    return current


def first(value: Sourced | None, *candidates: tuple[str | int, ...],
          ci: bool = False) -> Sourced | None:
    """The first of several attribute paths that is present (v3 / v4 spellings)."""
    for path in candidates:
        found = get(value, *path, ci=ci)
        if found is not None and found.data is not None:
            return found
    return None


def field_from(value: Sourced | None, convert: Callable[[object], T | Unresolved],
               absent: T | None | Unresolved, absent_loc: Location | None,
               default: bool = False) -> Field[T]:
    """A model field from an attribute value; `absent` is used (at `absent_loc`) when the
    attribute is not written; `default` marks that value as an Azure/provider default."""
    if value is None or (value.data is None and value.at is None and value.loc is None):
        return Field(absent, absent_loc, None, default)  # type: ignore[arg-type]
    loc, origin = provenance(value)
    data = value.data
    if isinstance(data, Unresolved):
        return Field(data, loc, origin)
    if isinstance(data, ResourceRef):
        return Field(Unresolved(f"{data} is known only after apply", loc), loc, origin)
    if data is None:
        return Field(absent, loc, origin, default)  # type: ignore[arg-type]
    return Field(convert(data), loc, origin)


def provenance(value: Sourced) -> tuple[Location | None, Location | None]:
    """A field's (loc, origin): the attribute that holds the value, and where the value was
    written when that is another line or file."""
    loc = value.at or value.loc
    origin = value.loc if value.at is not None and _elsewhere(value.loc, value.at) else None
    return loc, origin


def _elsewhere(a: Location | None, b: Location) -> bool:
    return a is not None and (a.path != b.path or a.line != b.line)


def as_str(data: object) -> str | Unresolved:
    if isinstance(data, str):
        return data
    if isinstance(data, bool):
        return "true" if data else "false"
    if isinstance(data, int | float):
        return str(data)
    return Unresolved(f"expected a string, found {type(data).__name__}")


def as_bool(data: object) -> bool | Unresolved:
    if isinstance(data, bool):
        return data
    if isinstance(data, str) and data.strip().lower() in ("true", "false"):
        return data.strip().lower() == "true"
    return Unresolved(f"expected true or false, found {data!r}")


def as_int(data: object) -> int | Unresolved:
    if isinstance(data, bool):
        return Unresolved("expected a number, found a boolean")
    if isinstance(data, int):
        return data
    if isinstance(data, float) and data.is_integer():
        return int(data)
    if isinstance(data, str):
        try:
            return int(data)
        except ValueError:
            pass
    return Unresolved(f"expected a whole number, found {data!r}")


def string_list(value: Sourced | None, absent_loc: Location | None,
                absent: tuple[Field[str], ...] | None = ()) -> Field[tuple[Field[str], ...] | None]:
    """A list of strings; each entry keeps its own location. A single string is a list of one
    (Terraform v2 `address_prefix`, ARM `addressPrefix`)."""
    if value is None or (value.data is None and value.at is None and value.loc is None):
        return Field(absent, absent_loc)
    loc, origin = provenance(value)
    data = value.data
    if isinstance(data, Unresolved):
        return Field(data, loc, origin)
    if isinstance(data, ResourceRef):
        return Field(Unresolved(f"{data} is known only after apply", loc), loc, origin)
    if data is None:
        return Field(absent, loc, origin)
    items = data if isinstance(data, list) else [value]
    entries: list[Field[str]] = []
    for item in items:
        item_loc = item.loc or loc
        if isinstance(item.data, Unresolved):
            entries.append(Field(item.data, item_loc))
        elif isinstance(item.data, ResourceRef):
            entries.append(Field(Unresolved(f"{item.data} is known only after apply"), item_loc))
        else:
            entries.append(Field(as_str(item.data), item_loc))
    return Field(tuple(entries), loc, origin)


def ref_target(value: Sourced | None) -> ResourceRef | str | Unresolved | None:
    """What a reference attribute points at: a ResourceRef (same deployment), an id string,
    Unresolved, or None when absent."""
    if value is None:
        return None
    data = value.data
    if isinstance(data, ResourceRef | str | Unresolved) or data is None:
        return data
    return Unresolved(f"expected a resource id, found {type(data).__name__}")


def ref_of(value: Sourced | None) -> str | None:
    """The `target` of a ResourceRef value (a reference Azure resolves at deployment)."""
    if value is not None and isinstance(value.data, ResourceRef):
        return value.data.target
    return None
