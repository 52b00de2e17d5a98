"""Terraform plan JSON (`terraform show -json plan.out`) -> `ResolvedResource`s.

Values come from `planned_values` (fully resolved by Terraform, registry modules included);
values "known after apply" (`resource_changes[].change.after_unknown`) are `Unresolved`,
or a `ResourceRef` when the configuration says they reference another resource (so a node
pool still links to its subnet). Each value is located in the `.tf` source when the module
folders sit beside the plan (found through the plan's `configuration` section), else in the
plan file itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aksnetlint.parsers import hcl_ast as ast
from aksnetlint.parsers.arm import ArmDocument
from aksnetlint.resolve.resources import Resolution, ResolvedResource
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

_REF_RE = re.compile(r"^((?:module\.[^.]+\.)*)((?:data\.)?[a-z0-9_]+\.[A-Za-z0-9_-]+)")

ModuleSource = Callable[[str], list[ast.HclFile] | None]


def is_plan(data: object) -> bool:
    """A `terraform show -json` document (plan or state), recognised by its content."""
    return isinstance(data, dict) and "format_version" in data and \
        "terraform_version" in data and ("planned_values" in data or "values" in data)


@dataclass(frozen=True, slots=True)
class _Module:
    """A module of the plan: its address, configuration and parsed source (if present)."""

    address: str  # "" for the root, "module.a.module.b" for nested calls
    config: dict[str, Any]
    files: list[ast.HclFile] | None


def resolve_plan(document: ArmDocument, module_source: ModuleSource) -> Resolution:
    """Every managed resource in the plan. `module_source(relative_folder)` parses the
    `.tf` files of a module folder relative to the plan file's folder ("" = the root), or
    returns None when that folder is not there."""
    data = document.data
    resolution = Resolution()
    planned = data.get("planned_values") or data.get("values") or {}
    unknown = {
        change.get("address"): (change.get("change") or {}).get("after_unknown") or {}
        for change in data.get("resource_changes", []) or []
        if isinstance(change, dict)
    }
    root_config = ((data.get("configuration") or {}).get("root_module")) or {}
    modules: dict[str, _Module] = {}

    def module(address: str) -> _Module:
        if address in modules:
            return modules[address]
        config, folder = root_config, ""
        names = address.split(".")[1::2] if address else []
        for name in names:
            call = (config.get("module_calls") or {}).get(_strip_index(name)) or {}
            source = str(call.get("source", ""))
            folder = _join(folder, source) if source.startswith(".") else "\0"
            config = call.get("module") or {}
        files = module_source(folder) if "\0" not in folder else None
        modules[address] = _Module(address, config, files)
        return modules[address]

    def walk(node: dict[str, Any], path: tuple[object, ...]) -> None:
        for index, res in enumerate(node.get("resources", []) or []):
            if not isinstance(res, dict) or res.get("mode") != "managed":
                continue
            resolution.resources.append(_resource(res, path + ("resources", index), document,
                                                  module(_module_of(res)),
                                                  unknown.get(res.get("address"), {})))
        for index, child in enumerate(node.get("child_modules", []) or []):
            if isinstance(child, dict):
                walk(child, path + ("child_modules", index))

    root_key = "planned_values" if "planned_values" in data else "values"
    if isinstance(planned.get("root_module"), dict):
        walk(planned["root_module"], (root_key, "root_module"))
    return resolution


def _strip_index(name: str) -> str:
    return name.split("[", 1)[0]


def _join(folder: str, source: str) -> str:
    parts = [p for p in (folder + "/" + source).split("/") if p not in ("", ".")]
    out: list[str] = []
    for part in parts:
        if part == ".." and out and out[-1] != "..":
            out.pop()
        else:
            out.append(part)
    return "/".join(out)


def _module_of(res: dict[str, Any]) -> str:
    address = str(res.get("address", ""))
    local = f"{res.get('type')}.{res.get('name')}"
    cut = address.rfind("." + local)
    return address[:cut] if cut > 0 else ""


def _resource(res: dict[str, Any], json_path: tuple[object, ...], document: ArmDocument,
              module: _Module, after_unknown: Any) -> ResolvedResource:
    type_, name = str(res.get("type")), str(res.get("name"))
    block = _find_block(module.files, type_, name)
    config = _config_resource(module.config, type_, name)
    decl = block.loc if block is not None else _json_loc(document, json_path,
                                                          Location(document.path, 1, 1))
    values = res.get("values") or {}
    prefix = module.address + "." if module.address else ""
    body = _value(values, after_unknown, config.get("expressions") or {},
                  block.body if block else None, decl, document,
                  json_path + ("values",), prefix)
    name_value = body.data.get("name") if isinstance(body.data, dict) else None
    return ResolvedResource(
        format="terraform", type=type_, address=str(res.get("address")),
        name=name_value if isinstance(name_value, Sourced) else Sourced(name, decl),
        body=body, decl=decl, present=True,
    )


def _find_block(files: list[ast.HclFile] | None, type_: str, name: str) -> ast.Block | None:
    for hcl in files or []:
        for block in hcl.body.blocks:
            if block.type == "resource" and block.labels == (type_, name):
                return block
    return None


def _config_resource(config: dict[str, Any], type_: str, name: str) -> dict[str, Any]:
    for res in config.get("resources", []) or []:
        if isinstance(res, dict) and res.get("type") == type_ and res.get("name") == name \
                and res.get("mode", "managed") == "managed":
            return res
    return {}


def _value(value: Any, unknown: Any, expressions: Any, body: ast.Body | None,
           loc: Location, document: ArmDocument, json_path: tuple[object, ...],
           prefix: str) -> Sourced:
    """An object of attribute values and nested blocks, located in the source body."""
    out: dict[str, Sourced] = {}
    keys = set(value) if isinstance(value, dict) else set()
    if isinstance(unknown, dict):
        keys |= {k for k, v in unknown.items() if v is True or isinstance(v, dict | list)}
    for key in sorted(keys):
        item = value.get(key) if isinstance(value, dict) else None
        item_unknown = unknown.get(key) if isinstance(unknown, dict) else None
        item_expr = expressions.get(key) if isinstance(expressions, dict) else None
        attr = body.attributes.get(key) if body is not None else None
        blocks = body.blocks_of(key) if body is not None else []
        if attr is not None:
            item_loc = attr.loc
        elif blocks:
            item_loc = blocks[0].loc
        elif body is None and key in (value if isinstance(value, dict) else {}):
            # no source for this resource: point into the plan file itself
            item_loc = _json_loc(document, json_path + (key,), loc)
        else:
            item_loc = loc
        if item_unknown is True:
            out[key] = Sourced(_unknown_value(item_expr, prefix, item_loc), item_loc, None)
            continue
        if item is None and not isinstance(item_unknown, dict | list):
            continue
        if isinstance(item, list) and item and all(isinstance(i, dict) for i in item) and \
                (blocks or isinstance(item_expr, list)):
            out[key] = Sourced([
                _value(element, _at(item_unknown, i), _at(item_expr, i),
                       blocks[i].body if i < len(blocks) else None,
                       blocks[i].loc if i < len(blocks) else item_loc, document,
                       json_path + (key, i), prefix)
                for i, element in enumerate(item)], item_loc)
            continue
        out[key] = _plain(item, item_unknown, item_expr, attr, item_loc, prefix)
    return Sourced(out, loc)


def _at(container: Any, index: int) -> Any:
    if isinstance(container, list) and index < len(container):
        return container[index]
    return None


def _plain(item: Any, unknown: Any, expr: Any, attr: ast.Attribute | None, loc: Location,
           prefix: str) -> Sourced:
    if isinstance(item, list):
        items = attr.value.items if attr is not None and \
            isinstance(attr.value, ast.TupleExpr) and len(attr.value.items) == len(item) else None
        out = []
        for i, element in enumerate(item):
            element_loc = items[i].loc if items else loc
            if _at(unknown, i) is True:
                out.append(Sourced(_unknown_value(None, prefix, element_loc), element_loc))
            else:
                out.append(_plain(element, _at(unknown, i), None, None, element_loc, prefix))
        return Sourced(out, loc)
    if isinstance(item, dict):
        return Sourced({k: _plain(v, unknown.get(k) if isinstance(unknown, dict) else None,
                                  None, None, loc, prefix) for k, v in item.items()}, loc)
    return Sourced(item, loc)


def _unknown_value(expr: Any, prefix: str, loc: Location) -> Unresolved | ResourceRef:
    """Known after apply; a ResourceRef when the configuration names the resource."""
    references = expr.get("references") if isinstance(expr, dict) else None
    for ref in references or []:
        match = _REF_RE.match(str(ref))
        if match and not match.group(2).startswith(("var.", "local.", "data.", "module.")) \
                and str(ref).endswith(".id"):
            return ResourceRef(prefix + match.group(1) + match.group(2), "id")
    return Unresolved("known only after apply", loc)


def _json_loc(document: ArmDocument, path: tuple[object, ...], fallback: Location) -> Location:
    steps = tuple(p for p in path if isinstance(p, str | int))
    try:
        return document.locate(steps)
    except (KeyError, IndexError, ValueError, TypeError):
        return fallback
