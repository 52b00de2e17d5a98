"""Recognise `bicep build` output beside its source, by content, whatever its file name.

A repository often commits the compiled ARM template next to the Bicep source (`main.json`,
but as often `azuredeploy.json` for a "Deploy to Azure" button). Scanning both would report
every finding twice, once on a line nobody edits. A JSON file is the compiled form of a
`.bicep` file in the same folder when Bicep generated it (`metadata._generator.name` is
`bicep`) and it declares what the source declares: the same parameters and outputs (by
name) and the same kinds of resources (resource types, a module being a
`Microsoft.Resources/deployments`; `existing` references left out, as the compiler leaves
them out of templates without symbolic names). The source is scanned, the compiled template
is not (its own parameter files become parameter variants of the source).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from aksnetlint.errors import AksnetlintError
from aksnetlint.parsers import bicep_ast as ast

Signature = tuple[frozenset[str], frozenset[str], frozenset[str]]
DEPLOYMENTS = "microsoft.resources/deployments"
# the most JSON files of one folder looked at for a source (a folder of thousands of JSON
# files is not a Bicep project's output folder)
MAX_CANDIDATES = 200


def source_signature(tree: ast.BicepFile) -> Signature:
    """Parameter names, output names and resource types a Bicep file declares."""
    types: set[str] = set()
    for resource in tree.resources:
        _resource_types(resource, None, types)
    if tree.modules:
        types.add(DEPLOYMENTS)
    return (frozenset(p.name.lower() for p in tree.params),
            frozenset(o.name.lower() for o in tree.outputs), frozenset(types))


def _resource_types(resource: ast.Resource, parent: str | None, into: set[str]) -> None:
    kind = resource.resource_type.lower()
    if ":" in kind.split("/", 1)[0]:
        kind = kind.split(":", 1)[1]  # `az:My.Rp/type`: the extension alias is not compiled
    if parent is not None and "/" not in kind:
        kind = f"{parent}/{kind}"  # a child declared inside its parent: `'subnets'`
    if not resource.existing:
        into.add(kind)
    body = resource.object
    for item in body.items if body is not None else ():
        if isinstance(item, ast.Resource):
            _resource_types(item, kind, into)


def compiled_signature(data: object) -> Signature | None:
    """The same, read from a compiled template; None when Bicep did not generate it."""
    from aksnetlint.resolve.bicep import is_compiled_bicep

    if not isinstance(data, dict) or not is_compiled_bicep(data):
        return None
    resources = data.get("resources", [])
    items: Iterable[object] = resources.values() if isinstance(resources, dict) else \
        resources if isinstance(resources, list) else []
    types = {str(r.get("type", "")).lower() for r in items
             if isinstance(r, dict) and not r.get("existing") and r.get("type")}
    return (frozenset(str(k).lower() for k in _mapping(data.get("parameters"))),
            frozenset(str(k).lower() for k in _mapping(data.get("outputs"))),
            frozenset(types))


def _mapping(value: object) -> dict[object, object]:
    return value if isinstance(value, dict) else {}


def compiled_templates(source: Path, root: Path) -> list[Path]:
    """The JSON files beside a `.bicep` file that are its compiled form."""
    from aksnetlint.discover import relative
    from aksnetlint.resolve.bicep import load_bicep

    try:
        tree = load_bicep(source, relative(source, root))
    except AksnetlintError:
        return []
    if not isinstance(tree, ast.BicepFile):
        return []
    wanted = source_signature(tree)
    found = []
    candidates = sorted(p for p in source.parent.glob("*.json") if p.is_file())
    for candidate in candidates[:MAX_CANDIDATES]:
        signature = _signature_of(candidate, relative(candidate, root))
        if signature is not None and signature == wanted:
            found.append(candidate.resolve())
    return found


def _signature_of(path: Path, rel: str) -> Signature | None:
    from aksnetlint.parsers.arm import parse
    from aksnetlint.sources import read_text

    try:
        text = read_text(path, rel)
    except AksnetlintError:
        return None
    if '"_generator"' not in text or "bicep" not in text.lower():
        return None  # cheap: not compiled by Bicep
    try:
        document = parse(text, rel)
    except AksnetlintError:
        return None
    return compiled_signature(document.data)


def source_of(compiled: Path, root: Path) -> Path | None:
    """The `.bicep` file beside a compiled template that it was compiled from."""
    candidates = sorted(p for p in compiled.parent.glob("*.bicep") if p.is_file())
    for candidate in candidates:
        if compiled.resolve() in compiled_templates(candidate, root):
            return candidate.resolve()
    return None
