"""The model as a document that rules select from with JSONPath.

Model dataclasses become `Node` dicts (with a `kind` key and their declaration), fields
holding lists become `NodeList`s, scalar fields become `Leaf`s. Every node remembers the
model `Field` it came from, so a rule's anchor resolves to the exact source location.
"""

from __future__ import annotations

import dataclasses
from enum import Enum

from aksnetlint.facts import hybrid_evidence
from aksnetlint.model import Deployment, Field
from aksnetlint.values import Location, Unresolved


class Leaf:
    """A scalar model value (or Unresolved) with its field."""

    __slots__ = ("value", "field")

    def __init__(self, value: object, field: Field[object] | None) -> None:
        self.value = value
        self.field = field

    @property
    def location(self) -> Location | None:
        return self.field.where if self.field is not None else None

    def __repr__(self) -> str:
        return f"Leaf({self.value!r})"

    def __len__(self) -> int:
        """A scalar has no entries: JSONPath `[*]` over an unresolved or absent list field
        selects nothing (instead of failing); truthiness is unaffected (`__bool__`)."""
        return 0

    def __bool__(self) -> bool:
        return True


class Node(dict[str, object]):
    """A model object (or a referenced object inside a field)."""

    def __init__(self, kind: str, decl: Location | None, field: Field[object] | None = None):
        super().__init__()
        self["kind"] = kind
        self.decl = decl
        self.field = field

    @property
    def location(self) -> Location | None:
        if self.field is not None and self.field.where is not None:
            return self.field.where
        return self.decl


class NodeList(list[object]):
    """A list-valued field, or a tuple of model objects."""

    def __init__(self, items: list[object], field: Field[object] | None = None,
                 decl: Location | None = None) -> None:
        super().__init__(items)
        self.field = field
        self.decl = decl

    @property
    def location(self) -> Location | None:
        if self.field is not None and self.field.where is not None:
            return self.field.where
        return self.decl


def build_document(deployment: Deployment, hybrid_declared: bool = False,
                   on_premises: tuple[Field[str], ...] = ()) -> Node:
    """The root document: the deployment's collections plus derived network facts;
    `on_premises` are the ranges the configuration declares (connected to every cluster)."""
    root = _convert_object(deployment, None)
    assert isinstance(root, Node)
    evidence = hybrid_evidence(deployment)
    items: list[object] = []
    for piece in evidence:
        node = Node("evidence", piece.location)
        node["description"] = Leaf(piece.description, Field(piece.description, piece.location))
        items.append(node)
    network = Node("network", None)
    network["hybrid"] = Leaf(bool(evidence) or hybrid_declared, None)
    network["hybrid_declared"] = Leaf(hybrid_declared, None)
    network["hybrid_evidence"] = NodeList(items)
    root["network"] = network
    from aksnetlint.facts_api_server import annotate_api_server

    annotate_api_server(root, deployment)
    from aksnetlint.facts_network import attach_network_facts

    attach_network_facts(root, deployment, on_premises)
    return root


def _kind(obj: object) -> str:
    return type(obj).__name__.lower()


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = tuple(f.name for f in dataclasses.fields(cls) if f.name != "decl")
        _FIELDS[cls] = names
    return names


class _Converter:
    """Model -> document. An object referenced from many places (a subnet used by several
    pools) is converted once; each reference gets its own shell node (with the field that
    refers to it) over the shared converted children."""

    def __init__(self) -> None:
        self._children: dict[int, tuple[object, dict[str, object]]] = {}

    def convert_object(self, obj: object, field: Field[object] | None) -> Node:
        decl = getattr(obj, "decl", None)
        node = Node(_kind(obj), decl if isinstance(decl, Location) else None, field)
        cached = self._children.get(id(obj))
        if cached is None or cached[0] is not obj:
            children = {name: self.value(getattr(obj, name))
                        for name in _field_names(obj.__class__)}
            self._children[id(obj)] = (obj, children)
        else:
            children = cached[1]
        node.update(children)
        return node

    def value(self, value: object) -> object:
        if isinstance(value, Unresolved):
            return Leaf(value, None)
        if isinstance(value, Field):
            return self.field(value)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.convert_object(value, None)
        if isinstance(value, tuple | list):
            return NodeList([self.value(v) for v in value])
        return Leaf(_scalar(value), None)

    def field(self, field: Field[object]) -> object:
        value = field.value
        if isinstance(value, Unresolved):
            return Leaf(value, field)
        if isinstance(value, tuple | list):
            return NodeList([self.value(v) for v in value], field)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return self.convert_object(value, field)
        return Leaf(_scalar(value), field)


def _convert_object(obj: object, field: Field[object] | None) -> Node:
    return _Converter().convert_object(obj, field)


def _scalar(value: object) -> object:
    return value.value if isinstance(value, Enum) else value
