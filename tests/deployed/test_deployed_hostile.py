"""Deployed resource JSON of the wrong shape (any value replaced by a value of another
type) never breaks a scan: no traceback, no error for the other files, and the rules
still run."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from test_azure_resources import graph_vnet, sdk_cluster, sdk_vnet

from aksnetlint.lint import Options, lint

WRONG: tuple[object, ...] = (None, "text", 7, True, [], {}, [1, "x"], {"id": 5})


def _paths(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*path, i))


def _replaced(data: Any, path: tuple[Any, ...], value: object) -> Any:
    if not path:
        return value
    copied = copy.deepcopy(data)
    node = copied
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = value
    return copied


def test_every_value_of_the_wrong_type(tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    estate.mkdir()
    originals = {"aks.json": sdk_cluster(), "vnets.json": [sdk_vnet()],
                 "graph.json": {"data": [graph_vnet()]}}
    variants = [(name, path) for name, data in originals.items() for path in _paths(data)]
    for number, (name, path) in enumerate(variants):
        wrong = WRONG[number % len(WRONG)]
        for file, data in originals.items():
            text = json.dumps(_replaced(data, path, wrong) if file == name else data)
            (estate / file).write_text(text, encoding="utf-8")
        result = lint([estate], Options(root=tmp_path))
        assert not result.errors, (name, path, wrong, [str(e) for e in result.errors])
