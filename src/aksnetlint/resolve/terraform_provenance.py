"""Where the values a Terraform function returns were written.

The function library works on plain values. Many functions return values of their
arguments (`merge`, `lookup`, `concat`, `coalesce`, `try`...): those keep the location
where they were written, so a finding about a value that went through `merge()` points at
the line that wrote it, not at the `merge()` call. `resource_result` finds each part of a
result in the arguments: containers by identity (the library returns argument containers
as they are), scalars by the key or the position that held them.
"""

from __future__ import annotations

from collections import defaultdict, deque

from aksnetlint.values import Location, Sourced, Unresolved, _same_kind, sourced

# Functions whose result is made of (parts of) their arguments' values.
PASS_THROUGH = frozenset({
    "coalesce", "coalescelist", "compact", "concat", "distinct", "element", "flatten",
    "lookup", "merge", "one", "reverse", "setunion", "slice", "sort", "tolist", "tomap",
    "toset", "tostring", "tonumber", "tobool", "values", "zipmap", "try", "transpose",
    "chunklist", "setintersection", "setsubtract", "matchkeys", "nonsensitive", "sensitive",
})


class _Index:
    def __init__(self) -> None:
        self.containers: dict[int, Sourced] = {}
        self.keyed: dict[tuple[str, int], Sourced] = {}
        self.positional: dict[int, deque[Sourced]] = defaultdict(deque)
        self.last: dict[int, Sourced] = {}
        self.keep: list[object] = []  # the plain values stay alive while ids are compared

    def add(self, value: Sourced, plain: object) -> None:
        self.keep.append(plain)
        if isinstance(plain, list) and isinstance(value.data, list) and \
                len(plain) == len(value.data):
            self.containers[id(plain)] = value
            for item, item_plain in zip(value.data, plain, strict=True):
                self._scalar(item, item_plain, None)
                self.add(item, item_plain)
        elif isinstance(plain, dict) and isinstance(value.data, dict):
            self.containers[id(plain)] = value
            for key, item_plain in plain.items():
                found = value.data.get(key)
                if found is None:
                    continue
                self._scalar(found, item_plain, key)
                self.add(found, item_plain)

    def _scalar(self, value: Sourced, plain: object, key: str | None) -> None:
        if isinstance(plain, list | dict):
            return
        if key is not None:
            self.keyed[(key, id(plain))] = value
        self.positional[id(plain)].append(value)
        self.last[id(plain)] = value


def resource_result(name: str, result: object, args: list[Sourced], plain: list[object],
                    loc: Location) -> Sourced:
    """`result` of function `name` as a Sourced value: parts that are argument values keep
    their locations, everything else is located at the call."""
    if name not in PASS_THROUGH or isinstance(result, Unresolved):
        return sourced(result, loc)
    index = _Index()
    for arg, arg_plain in zip(args, plain, strict=False):
        index.add(arg, arg_plain)
        index._scalar(arg, arg_plain, None)
    return _walk(result, index, loc, None)


def _walk(node: object, index: _Index, loc: Location, key: str | None) -> Sourced:
    found = index.containers.get(id(node)) if isinstance(node, list | dict) else None
    if found is not None:
        return found
    if isinstance(node, list):
        items = [_walk(item, index, loc, None) for item in node]
        return Sourced(_same_kind(node, items), loc)  # type: ignore[arg-type]
    if isinstance(node, dict):
        members = {k: _walk(v, index, loc, k) for k, v in node.items()}
        return Sourced(_same_kind(node, members), loc)  # type: ignore[arg-type]
    if key is not None and (key, id(node)) in index.keyed:
        return index.keyed[(key, id(node))]
    queue = index.positional.get(id(node))
    if queue:
        return queue.popleft()
    if id(node) in index.last:
        return index.last[id(node)]
    return sourced(node, loc)


__all__ = ["PASS_THROUGH", "resource_result"]
