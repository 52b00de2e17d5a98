"""Resolve a Bicep deployment into the ARM-shaped `ResolvedResource`s.

A `.bicep` file is evaluated the way `bicep build` + ARM would see it, so one normaliser
serves ARM JSON and Bicep:

- Parameters take the value a `.bicepparam` file (`using` this file; `extends` followed)
  or an ARM `*.parameters.json` gives them, else their default, else null for a nullable
  type (`string?`), else they are Unresolved. A value keeps the location where it was
  written (the `.bicepparam` line, the default expression, the module caller's argument).
- Variables, user-defined and imported (`import {...} from './x.bicep'`) functions and
  variables are evaluated lazily, once, with cycle detection (`bicep_eval`).
- Every resource instance is emitted with its full type (`Microsoft.Network/
  virtualNetworks/subnets`), full name (`vnet/aks`), ID (as `resourceId()` builds it, so
  `arm_resource_key` links references) and body (`{type, apiVersion, name, location,
  properties, ...}`, without `parent`, `dependsOn` and `scope`; an extension resource's
  `scope` is the target's ID; an `existing` resource has `existing: true`). Loops
  (`[for ...]`, index and filter, at most `MAX_COPIES` instances) and conditions
  (`if (...)`: false drops the resource, unknown gives `present=None`) apply to resources
  and modules; nested child resources inherit their parent's presence.
- Symbolic references read the declared values: `vnet.id`, `vnet::subnet.name`,
  `vnet.properties.subnets[0].id` (an inline child's ID is derived from its name), an
  `existing` resource's `id`/`name` (its other properties are Unresolved). A property
  never written (runtime state such as `pip.properties.ipAddress`) is unknown: a
  `ResourceRef` to the resource, as `reference()` gives in the compiled template.
- Local modules are evaluated with the arguments their caller passes (a value passed by
  the caller keeps the caller's location; the module property that consumes it is
  `at`), in the scope the caller gives (`scope: resourceGroup('rg')`); their resources
  are emitted and their outputs readable. Registry modules (`br:`, `ts:`) and ARM JSON
  modules have Unresolved outputs and no resources (a note says so). A module cycle, a
  missing module file, or a module that does not parse is a positioned `EvaluationError`.

Nothing here stops on a template error: the value becomes Unresolved and a positioned
`EvaluationError` is added to `Resolution.errors`. Evaluation is bounded in steps, module
depth, loop size and resource count, so no input hangs the scan.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from aksnetlint.errors import EvaluationError, ParseError
from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.parsers.arm import parse as parse_json
from aksnetlint.parsers.arm import parse_bytes
from aksnetlint.parsers.bicep import parse_bicep, parse_bicepparam
from aksnetlint.resolve.arm import (
    MAX_COPIES,
    MAX_NESTED_DEPLOYMENTS,
    ArmModule,
    conditional_error,
    deployment_prefix,
    extension_api_version,
    extension_name,
)
from aksnetlint.resolve.arm_expressions import (
    Deployment,
    RuntimeObject,
    inline_child,
    inline_child_id,
    path_text,
    runtime_view,
)
from aksnetlint.resolve.arm_functions import (
    UNKNOWN_SUBSCRIPTION,
    arm_resource_key,
    provider_path,
    unknown_of,
)
from aksnetlint.resolve.bicep_eval import (
    Budget,
    BudgetExceeded,
    Env,
    Evaluator,
    Failure,
    Function,
    Handle,
    loop_env,
    placed,
)
from aksnetlint.resolve.bicep_eval import index as index_value
from aksnetlint.resolve.bicep_eval import member as member_value
from aksnetlint.resolve.resources import Resolution, ResolvedResource
from aksnetlint.sources import OutsideTree, read_bytes, read_text
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

T = TypeVar("T")

__all__ = [
    "MAX_RESOURCES", "MAX_STEPS", "bicep_source_for", "bicepparam_target", "comments_of",
    "is_compiled_bicep", "load_bicep", "local_modules", "parameter_files_for", "resolve_bicep",
    "resolve_bicepparam",
]

MAX_MODULE_DEPTH = MAX_NESTED_DEPLOYMENTS
"""Deepest chain of local modules (and imports) followed."""

MAX_RESOURCES = 20_000
"""Most resource instances emitted for one deployment."""

MAX_STEPS = 2_000_000
"""Most expression evaluation steps for one deployment."""

MAX_CALL_DEPTH = 64
"""Deepest nesting of user-defined function calls."""

RESOURCE_GROUPS_TYPE = "microsoft.resources/resourcegroups"
_NOT_IN_BODY = frozenset({"name", "parent", "dependsOn", "scope"})
_REGISTRY_NOTE = ("registry module {source!r} is not available (only local modules are "
                  "read); its resources and outputs are unknown")


# ---------------------------------------------------------------------------------------
# Public API

def resolve_bicep(path: Path, rel: str, root: Path, param_file: Path | None = None
                  ) -> Resolution:
    """Resolve the `.bicep` file at `path` (Locations use `rel`, and module files their
    path relative to `root`, POSIX). `param_file` is a `.bicepparam` or an ARM
    `*.parameters.json` whose values the deployment uses (see `parameter_files_for`)."""
    run = _Run(root.resolve())
    tree = run.load(path, rel)
    if not isinstance(tree, ast.BicepFile):
        return run.resolution
    supplied = run.parameter_values(param_file, path) if param_file else _Values({})
    scope = _FileScope(run, path.resolve(), rel, tree, _root_deployment(tree), supplied,
                       (), True)
    declared = {param.name for param in tree.params}
    for name in supplied.names():
        if name not in declared and name.lower() not in {d.lower() for d in declared}:
            run.note(f"{rel}: a value is given for parameter {name!r}, which the file does "
                     "not declare")
    run.emit(scope)
    return run.resolution


def resolve_bicepparam(path: Path, rel: str, root: Path) -> Resolution:
    """Resolve the Bicep file a `.bicepparam` names in `using`, with its values."""
    try:
        tree = load_bicep(path, rel)
    except ParseError as exc:
        return Resolution(errors=[exc])
    target = bicepparam_target(path, tree)
    if target is None:
        return Resolution(notes=[f"{rel}: 'using' names no local Bicep file; nothing to "
                                 "resolve"])
    if not target.is_file():
        using = tree.using if isinstance(tree, ast.BicepParamFile) else None
        loc = using.path.loc if using is not None and using.path is not None else tree.loc
        return Resolution(errors=[EvaluationError(f"'using' names a file that does not "
                                                  f"exist: {target.name}", loc.path,
                                                  loc.line, loc.column)])
    return resolve_bicep(target, _relative(target, root.resolve()), root, path)


def parameter_files_for(bicep_path: Path) -> list[Path]:
    """The parameter files that belong to a `.bicep` file: each `.bicepparam` in the same
    folder whose `using` names it, and `<stem>.parameters.json` beside it. Resolve the
    file once per parameter file (or once with none when this is empty)."""
    found: list[Path] = []
    target = bicep_path.resolve()
    for candidate in sorted(bicep_path.parent.glob("*.bicepparam")):
        try:
            tree = load_bicep(candidate, candidate.name)
        except ParseError:
            continue
        named = bicepparam_target(candidate, tree)
        if named is not None and named.resolve() == target:
            found.append(candidate)
    json_file = bicep_path.with_name(f"{bicep_path.stem}.parameters.json")
    if json_file.is_file():
        found.append(json_file)
    return found


def bicepparam_target(path: Path, tree: ast.BicepParamFile | ast.BicepFile | None = None
                      ) -> Path | None:
    """The local Bicep file a `.bicepparam` names in `using` (None for `using none`, a
    registry or template-spec reference, or no `using`)."""
    if tree is None:
        try:
            tree = load_bicep(path, path.name)
        except ParseError:
            return None
    if not isinstance(tree, ast.BicepParamFile) or tree.using is None \
            or tree.using.path is None:
        return None
    written = tree.using.path.value or ""
    if not written or _is_registry(written) or not written.lower().endswith(".bicep"):
        return None
    return path.parent / written


def local_modules(path: Path, rel: str) -> list[Path]:
    """The local `.bicep` files (and ARM `.json` templates) a file uses as modules
    (resolved paths, existing or not). A scanner should not scan those as roots of their
    own: alone, their parameters have no caller's values. `ParseError` when the file does
    not parse."""
    tree = load_bicep(path, rel)
    if not isinstance(tree, ast.BicepFile):
        return []
    return [(path.parent / module.source).resolve() for module in tree.modules
            if module.source_kind == "local"
            and module.source.lower().endswith((".bicep", ".json", ".jsonc"))]


def is_compiled_bicep(data: object) -> bool:
    """Whether decoded ARM JSON was compiled from Bicep (`metadata._generator.name` is
    `bicep`)."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    generator = metadata.get("_generator") if isinstance(metadata, dict) else None
    name = generator.get("name") if isinstance(generator, dict) else None
    return isinstance(name, str) and name.lower() == "bicep"


def bicep_source_for(json_path: Path) -> Path | None:
    """The `.bicep` source of a compiled template: `<stem>.bicep` beside `<stem>.json`
    when the JSON says Bicep generated it. The scanner scans the source and skips the
    JSON (the source has the user's lines, comments and suppressions)."""
    candidate = json_path.with_suffix(".bicep")
    if json_path.suffix.lower() != ".json" or not candidate.is_file():
        return None
    try:
        document = parse_json(read_text(json_path, json_path.name), json_path.name)
    except ParseError:
        return None
    return candidate if is_compiled_bicep(document.data) else None


def comments_of(path: Path, rel: str) -> tuple[ast.Comment, ...]:
    """Every comment (and `#disable-next-line` pragma) of a `.bicep` or `.bicepparam`
    file, for suppressions; `ParseError` when it does not parse. Cheap after a resolve
    (parsed files are cached)."""
    return load_bicep(path, rel).comments


_CACHE_SIZE = 256
_PARSED: OrderedDict[tuple[str, str, int, int], ast.BicepFile | ast.BicepParamFile
                     | ParseError] = OrderedDict()


def load_bicep(path: Path, rel: str) -> ast.BicepFile | ast.BicepParamFile:
    """Read and parse a `.bicep` (or, by suffix, `.bicepparam`) file; `ParseError` when it
    cannot be read or parsed. The file is read on every call (through `read_text`, so a
    scan's result cache records it); the parse is cached by path and content."""
    text = read_text(path, rel)
    key = (str(path.resolve()), rel, len(text), hash(text))  # SipHash: keyed per process
    found = _PARSED.get(key)
    if found is None:
        try:
            found = parse_bicepparam(text, rel) if path.suffix.lower() == ".bicepparam" \
                else parse_bicep(text, rel)
        except ParseError as exc:
            found = exc
        _PARSED[key] = found
        while len(_PARSED) > _CACHE_SIZE:
            _PARSED.popitem(last=False)
    else:
        _PARSED.move_to_end(key)
    if isinstance(found, ParseError):
        raise found
    return found


# ---------------------------------------------------------------------------------------
# One resolution: errors, notes, budgets, files, emitted resources

class _Supplied(Protocol):
    """Parameter values given from outside a file (parameter file, module caller)."""

    def get(self, name: str) -> Sourced | None:
        """The value given for parameter `name`, if any."""

    def names(self) -> list[str]:
        """Every parameter name a value is given for."""

    def arm_values(self) -> dict[str, Sourced] | Sourced:
        """The values by name for an ARM template, or one unknown value for every
        parameter."""


class _Values:
    def __init__(self, values: dict[str, Sourced]) -> None:
        self._values = values

    def get(self, name: str) -> Sourced | None:
        found = self._values.get(name)
        if found is None:
            lowered = name.lower()
            found = next((v for k, v in self._values.items() if k.lower() == lowered), None)
        return found

    def names(self) -> list[str]:
        return list(self._values)

    def arm_values(self) -> dict[str, Sourced] | Sourced:
        return dict(self._values)


class _UnknownValues:
    """Every parameter of a module whose `params` object is unknown."""

    def __init__(self, unknown: Sourced) -> None:
        self._unknown = unknown

    def get(self, name: str) -> Sourced | None:
        return self._unknown

    def names(self) -> list[str]:
        return []

    def arm_values(self) -> dict[str, Sourced] | Sourced:
        return self._unknown


class _Run:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.resolution = Resolution()
        self.budget = Budget(MAX_STEPS)
        self.call_depth = 0
        self._reported: set[tuple[str | None, int | None, int | None, str]] = set()
        self._fallback: dict[str, int] = {}
        self._budget_reported = False
        # declarations being emitted that may not be deployed (see `error`)
        self.uncertain: list[Location] = []

    # -- reporting ----------------------------------------------------------------------

    def error(self, message: str, loc: Location | None) -> None:
        """Report a template error once; inside a resource that may not be deployed (its
        condition is unknown) it is a note, as in `resolve.arm`."""
        error = EvaluationError(message, loc.path if loc else None,
                                loc.line if loc else None, loc.column if loc else None)
        key = (error.path, error.line, error.column, message)
        if key in self._reported:
            return
        self._reported.add(key)
        if self.uncertain and conditional_error(error, self.uncertain[-1]):
            self.note(f"{error.path}:{error.line}:{error.column}: {message} (only if "
                      "deployed: whether it is deployed is known only at deployment)")
            return
        self.resolution.errors.append(error)

    def fail(self, failure: Failure) -> None:
        if isinstance(failure, BudgetExceeded):
            if self._budget_reported:
                return
            self._budget_reported = True
        self.error(failure.message, failure.loc)

    def note(self, message: str) -> None:
        if message not in self.resolution.notes:
            self.resolution.notes.append(message)

    # -- files --------------------------------------------------------------------------

    def rel(self, path: Path) -> str:
        return _relative(path, self.root)

    def load(self, path: Path, rel: str) -> ast.BicepFile | ast.BicepParamFile | None:
        try:
            return load_bicep(path, rel)
        except OutsideTree as exc:
            self.note(exc.message)
            return None
        except ParseError as exc:
            self.parse_error(exc)
            return None

    def parse_error(self, exc: ParseError) -> None:
        key = (exc.path, exc.line, exc.column, exc.message)
        if key not in self._reported:
            self._reported.add(key)
            self.resolution.errors.append(exc)

    def parameter_values(self, param_file: Path, bicep_path: Path) -> _Supplied:
        rel = self.rel(param_file)
        if param_file.suffix.lower() == ".bicepparam":
            return self.bicepparam_values(param_file, rel, bicep_path, ())
        return self.json_parameter_values(param_file, rel)

    def bicepparam_values(self, path: Path, rel: str, bicep_path: Path | None,
                          chain: tuple[Path, ...]) -> _Supplied:
        tree = self.load(path, rel)
        if not isinstance(tree, ast.BicepParamFile):
            return _Values({})
        target = bicepparam_target(path, tree)
        if bicep_path is not None and target is not None \
                and target.resolve() != bicep_path.resolve():
            self.note(f"{rel}: 'using' names {target.name}, not {bicep_path.name}; its "
                      "values are applied anyway")
        base = self.extended_values(path, tree, chain)
        scope = _FileScope(self, path.resolve(), rel, tree, _root_deployment(None),
                           _Values({}), chain, True)
        if base is not None:
            scope.extra["base"] = _BaseHandle(base)
        return _ParamFileValues(scope, base)

    def extended_values(self, path: Path, tree: ast.BicepParamFile,
                        chain: tuple[Path, ...]) -> _Supplied | None:
        extends = tree.extends
        if extends is None or not extends.path.value:
            return None
        base_path = (path.parent / extends.path.value).resolve()
        if base_path in chain or base_path == path.resolve():
            self.error("'extends' forms a cycle", extends.loc)
            return None
        if len(chain) >= MAX_MODULE_DEPTH or not base_path.is_file():
            self.error(f"base parameters file {extends.path.value!r} not found",
                       extends.path.loc)
            return None
        return self.bicepparam_values(base_path, self.rel(base_path), None,
                                      (*chain, path.resolve()))

    def json_parameter_values(self, path: Path, rel: str) -> _Supplied:
        try:
            document = parse_json(read_text(path, rel), rel)
        except ParseError as exc:
            self.resolution.errors.append(exc)
            return _Values({})
        parameters = document.data.get("parameters") if isinstance(document.data, dict) \
            else None
        if not isinstance(parameters, dict):
            self.note(f"{rel}: no 'parameters' object; file ignored")
            return _Values({})
        values: dict[str, Sourced] = {}
        for name, entry in parameters.items():
            where: tuple[str | int, ...] = ("parameters", name)
            if isinstance(entry, dict) and "value" in entry:
                values[name] = _json_value(document.locate, (*where, "value"), entry["value"])
            elif isinstance(entry, dict) and "reference" in entry:
                loc = document.locate(where)
                values[name] = Sourced(Unresolved(f"parameter {name!r} is a Key Vault "
                                                  "reference", loc), loc)
            else:
                self.error(f"parameter {name!r} needs a 'value' or a 'reference'",
                           document.locate(where))
        return _Values(values)

    # -- emitting -----------------------------------------------------------------------

    def emit(self, scope: _FileScope) -> None:
        for decl in scope.tree.declarations:
            if isinstance(decl, ast.Resource):
                for instance in scope.instances(decl, None):
                    self.emit_resource(instance)
            elif isinstance(decl, ast.Module):
                for instance in scope.instances(decl, None):
                    if instance.present is False:
                        continue
                    module = instance.module_scope()
                    if isinstance(module, _FileScope):
                        self.emit(module)
                    elif isinstance(module, ArmModule):
                        module.emit(instance.present)

    def emit_resource(self, instance: _Instance) -> None:
        if instance.present is False:
            return
        if instance.present is None:
            self.uncertain.append(instance.decl.loc)
        try:
            self._emit_resource(instance)
        finally:
            if instance.present is None:
                self.uncertain.pop()

    def _emit_resource(self, instance: _Instance) -> None:
        if len(self.resolution.resources) >= MAX_RESOURCES:
            self.note(f"more than {MAX_RESOURCES:,} resources; the rest are not resolved")
            return
        rtype = instance.full_type()
        name = instance.full_name()
        resource_id = instance.resource_id()
        self.resolution.resources.append(ResolvedResource(
            format="arm", type=rtype,
            address=self.address(rtype, name, resource_id, instance.position),
            name=name, body=instance.body(), decl=instance.decl.loc,
            present=instance.present, api_version=instance.api_version(), id=resource_id))
        body = instance.decl.object
        for child in body.resources if body is not None else ():
            for child_instance in instance.scope.instances(child, instance):
                self.emit_resource(child_instance)

    def address(self, rtype: str, name: Sourced, resource_id: str | Unresolved,
                position: int | None) -> str:
        """`arm_resource_key` of the ID; else a stable stand-in (as `resolve.arm`)."""
        if isinstance(resource_id, str):
            key = arm_resource_key(resource_id)
            if key is not None:
                return key
            if rtype.lower() == RESOURCE_GROUPS_TYPE:
                return resource_id.lower().strip("/")
        written = name.data.reason if isinstance(name.data, Unresolved) else str(name.data)
        address = f"{rtype.lower()}/<{written}>"
        if position is not None:
            return f"{address}[{position}]"
        seen = self._fallback.get(address, 0)
        self._fallback[address] = seen + 1
        return address if not seen else f"{address}#{seen + 1}"


def _relative(path: Path, root: Path) -> str:
    resolved = path.resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return Path(os.path.relpath(resolved, root)).as_posix()


def _is_registry(source: str) -> bool:
    head = source.split(":", 1)[0].split("/", 1)[0].lower() if ":" in source else ""
    return head in ("br", "ts")


def _json_value(locate: Callable[[tuple[str | int, ...]], Location],
                path: tuple[str | int, ...], raw: object) -> Sourced:
    """A parameters-file JSON value as written, every element located."""
    loc = locate(path)
    if isinstance(raw, list):
        return Sourced([_json_value(locate, (*path, i), item) for i, item in enumerate(raw)],
                       loc)
    if isinstance(raw, dict):
        return Sourced({str(k): _json_value(locate, (*path, str(k)), v)
                        for k, v in raw.items()}, loc)
    if raw is None or isinstance(raw, str | int | float | bool):
        return Sourced(raw, loc)
    return Sourced(str(raw), loc)


def _root_deployment(tree: ast.BicepFile | None) -> Deployment:
    target = tree.target_scope if tree is not None else None
    written = target.value if target is not None else None
    scope = written.value if isinstance(written, ast.String) else None
    scopes = {"resourcegroup": "resourceGroup", "subscription": "subscription",
              "managementgroup": "managementGroup", "tenant": "tenant"}
    return Deployment(scope=scopes.get((scope or "").lower(), "resourceGroup"))


def _both(first: bool | None, second: bool | None) -> bool | None:
    """Presence of something that needs both: False wins, then unknown."""
    if first is False or second is False:
        return False
    if first is None or second is None:
        return None
    return True


# ---------------------------------------------------------------------------------------
# One file as evaluated in one place (the root, a module instance, an import)

@dataclass(slots=True)
class _Import:
    decl: ast.Import
    name: str | None  # None: the whole file (`import * as ns`)


class _FileScope:
    """The declarations of one file, what is supplied to it, and memoised values
    (implements `bicep_eval.Symbols`)."""

    def __init__(self, run: _Run, path: Path, rel: str,
                 tree: ast.BicepFile | ast.BicepParamFile, deployment: Deployment,
                 supplied: _Supplied, chain: tuple[Path, ...], present: bool | None) -> None:
        self.run = run
        self.path = path
        self.folder: Path | None = path.parent
        self.rel = rel
        self.tree = tree
        self._deployment = deployment
        self.supplied = supplied
        self.chain = chain
        self.present = present
        self.evaluator = Evaluator(self, run.budget, run.fail)
        self.extra: dict[str, Handle] = {}
        self.declared: dict[str, ast.Declaration | ast.ParamDeclaration] = {}
        self.imports: dict[str, _Import] = {}
        self.types: dict[str, ast.TypeDecl] = {}
        self.nested: dict[str, list[tuple[ast.Resource, ...]]] = {}
        self._memo: dict[object, Sourced] = {}
        self._busy: set[object] = set()
        self._instances: dict[tuple[int, int], list[_Instance]] = {}
        self._import_scopes: dict[int, _FileScope | Unresolved] = {}
        self._declare()

    def _declare(self) -> None:
        for decl in self.tree.declarations:
            if isinstance(decl, ast.Import):
                self._declare_import(decl)
            elif isinstance(decl, ast.TypeDecl):
                self.types[decl.name] = decl
            elif isinstance(decl, ast.Param | ast.Var | ast.Resource | ast.Module
                            | ast.Func | ast.Output):
                if not isinstance(decl, ast.Output):
                    self.declared[decl.name] = decl
                if isinstance(decl, ast.Resource):
                    self._declare_nested((decl,))

    def _declare_import(self, decl: ast.Import) -> None:
        if decl.wildcard is not None:
            self.imports[decl.wildcard.value] = _Import(decl, None)
        for symbol in decl.symbols:
            alias = symbol.alias.value if symbol.alias is not None else symbol.text
            self.imports[alias] = _Import(decl, symbol.text)

    def _declare_nested(self, chain: tuple[ast.Resource, ...]) -> None:
        body = chain[-1].object
        for child in body.resources if body is not None else ():
            self.nested.setdefault(child.name, []).append((*chain, child))
            self._declare_nested((*chain, child))

    # -- Symbols protocol ----------------------------------------------------------------

    def deployment(self) -> Deployment:
        return self._deployment

    def lookup(self, name: str, loc: Location) -> Sourced | Handle | None:
        decl = self.declared.get(name)
        if isinstance(decl, ast.Param):
            return self.param_value(decl)
        if isinstance(decl, ast.Var):
            return self.var_value(decl)
        if isinstance(decl, ast.Resource | ast.Module):
            return self.handle(decl, None, loc)
        if isinstance(decl, ast.Func):
            raise Failure(f"function {name!r} must be called", loc)
        if name in self.extra:
            return self.extra[name]
        if name in self.imports:
            return self.imported(self.imports[name], loc)
        chains = self.nested.get(name)
        if chains is not None and len(chains) == 1:
            return self.nested_handle(chains[0], loc)
        return None

    def function(self, name: str) -> Function | None:
        decl = self.declared.get(name)
        if isinstance(decl, ast.Func):
            return lambda args, loc: self.call(decl, args, loc)
        entry = self.imports.get(name)
        if entry is not None and entry.name is not None:
            target = self.import_scope(entry.decl)
            if isinstance(target, _FileScope):
                return target.function(entry.name)
        return None

    # -- values of declarations ----------------------------------------------------------

    def memo(self, key: object, loc: Location, what: str,
             compute: Callable[[], Sourced]) -> Sourced:
        found = self._memo.get(key)
        if found is not None:
            return found
        if key in self._busy:
            raise Failure(f"{what} refers to itself", loc)
        self._busy.add(key)
        try:
            value = compute()
        finally:
            self._busy.discard(key)
        self._memo[key] = value
        return value

    def guard(self, expr: ast.Expr, env: Env) -> Sourced:
        """`expr`'s value; a template error is reported and becomes Unresolved."""
        return self._guarded(expr, lambda: self.evaluator.value(expr, env))

    def guard_ref(self, expr: ast.Expr, env: Env) -> Sourced | Handle:
        return self._guarded(expr, lambda: self.evaluator.ref(expr, env))

    def condition(self, expr: ast.Expr, env: Env) -> bool | None:
        result = self._guarded(expr, lambda: self.evaluator.condition(expr, env))
        return None if isinstance(result, Sourced) else result

    def _guarded(self, expr: ast.Expr, evaluate: Callable[[], T]) -> T | Sourced:
        """Run one evaluation; a template error is reported and the value is Unresolved."""
        try:
            return evaluate()
        except Failure as failure:
            self.run.fail(failure)
            return Sourced(Unresolved(f"invalid expression: {failure.message}", failure.loc),
                           expr.loc)
        except RecursionError:
            self.run.error("expression nests too deeply to evaluate", expr.loc)
            return Sourced(Unresolved("expression nests too deeply", expr.loc), expr.loc)

    def param_value(self, decl: ast.Param) -> Sourced:
        return self.memo(("param", decl.name), decl.name_loc, f"parameter {decl.name!r}",
                         lambda: self._param_value(decl))

    def _param_value(self, decl: ast.Param) -> Sourced:
        """The value supplied (parameter file, module caller), else the default, else null
        for a nullable type, else Unresolved. A supplied null counts as not supplied (the
        compiled module is a nested deployment, and ARM treats null so)."""
        supplied = self.supplied.get(decl.name)
        if supplied is not None and supplied.data is not None:
            return supplied
        if decl.default is not None:
            return self.guard(decl.default, {})
        if supplied is not None:
            return supplied
        if self.nullable(decl.type):
            return Sourced(None, decl.loc)
        return Sourced(Unresolved(f"parameter {decl.name!r} has no value (no default, and "
                                  "no parameter file or module caller sets it)",
                                  decl.name_loc), decl.name_loc)

    def nullable(self, type_: ast.TypeExpr | None, depth: int = 0) -> bool:
        """Whether a type accepts null: `T?`, `null`, a union with null, or a type alias
        (declared here or imported) that does."""
        if isinstance(type_, ast.TypeNullable | ast.Null):
            return True
        if isinstance(type_, ast.TypeUnion):
            return any(self.nullable(member, depth) for member in type_.members)
        if not isinstance(type_, ast.TypeRef) or type_.args or type_.namespace \
                or depth > 8:
            return False
        alias = self.types.get(type_.name)
        if alias is not None:
            return self.nullable(alias.type, depth + 1)
        entry = self.imports.get(type_.name)
        if entry is not None and entry.name is not None:
            target = self.import_scope(entry.decl)
            if isinstance(target, _FileScope) and entry.name in target.types:
                return target.nullable(target.types[entry.name].type, depth + 1)
        return False

    def var_value(self, decl: ast.Var) -> Sourced:
        return self.memo(("var", decl.name), decl.name_loc, f"variable {decl.name!r}",
                         lambda: self.guard(decl.value, {}))

    def output_value(self, decl: ast.Output) -> Sourced:
        return self.memo(("output", decl.name), decl.name_loc, f"output {decl.name!r}",
                         lambda: self.guard(decl.value, {}))

    def output(self, name: str) -> ast.Output | None:
        if not isinstance(self.tree, ast.BicepFile):
            return None
        found = [o for o in self.tree.outputs if o.name == name]
        if not found:
            lowered = name.lower()
            found = [o for o in self.tree.outputs if o.name.lower() == lowered]
        return found[0] if found else None

    def call(self, decl: ast.Func, args: list[Sourced], loc: Location) -> Sourced:
        if len(args) != len(decl.params):
            raise Failure(f"{decl.name}() takes {len(decl.params)} arguments, got "
                          f"{len(args)}", loc)
        if self.run.call_depth >= MAX_CALL_DEPTH:
            raise Failure(f"function calls nest deeper than {MAX_CALL_DEPTH} levels", loc)
        self.run.call_depth += 1
        try:
            env = {param.name: arg for param, arg in zip(decl.params, args, strict=True)}
            return self.evaluator.value(decl.body, env)
        finally:
            self.run.call_depth -= 1

    # -- imports --------------------------------------------------------------------------

    def imported(self, entry: _Import, loc: Location) -> Sourced | Handle:
        target = self.import_scope(entry.decl)
        if entry.name is None:
            return _NamespaceHandle(target, entry.decl.path.value or "")
        if isinstance(target, Unresolved):
            return Sourced(target, loc)
        found = target.lookup(entry.name, loc)
        if found is None:
            raise Failure(f"{entry.name!r} is not declared in {target.rel}", loc)
        return found

    def import_scope(self, decl: ast.Import) -> _FileScope | Unresolved:
        key = id(decl)
        if key not in self._import_scopes:
            self._import_scopes[key] = self.open(decl.path, "imported file")
        return self._import_scopes[key]

    def open(self, written: ast.String, what: str,
              deployment: Deployment | None = None, supplied: _Supplied | None = None,
              present: bool | None = True) -> _FileScope | Unresolved:
        """Another Bicep file this one uses (a module or an import), as a scope."""
        source = written.value or ""
        if _is_registry(source):
            self.run.note(f"{written.loc}: " + _REGISTRY_NOTE.format(source=source))
            return Unresolved(f"registry reference {source!r} is not available", written.loc)
        if not source.lower().endswith(".bicep"):
            self.run.note(f"{written.loc}: {what} {source!r} is not a Bicep file; not "
                          "evaluated")
            return Unresolved(f"{what} {source!r} is not evaluated", written.loc)
        path = (self.path.parent / source).resolve()
        chain = (*self.chain, self.path)
        if path in chain:
            names = " -> ".join(self.run.rel(p) for p in (*chain[chain.index(path):], path))
            self.run.error(f"{what} cycle: {names}", written.loc)
            return Unresolved(f"{what} cycle", written.loc)
        if len(chain) > MAX_MODULE_DEPTH:
            self.run.error(f"{what}s nest deeper than {MAX_MODULE_DEPTH} levels", written.loc)
            return Unresolved(f"{what}s nest too deeply", written.loc)
        if not path.is_file():
            self.run.error(f"{what} {source!r} not found", written.loc)
            return Unresolved(f"{what} {source!r} not found", written.loc)
        tree = self.run.load(path, self.run.rel(path))
        if not isinstance(tree, ast.BicepFile):
            return Unresolved(f"{what} {source!r} does not parse", written.loc)
        return _FileScope(self.run, path, self.run.rel(path), tree,
                          deployment or self._deployment, supplied or _Values({}), chain,
                          present)

    def open_template(self, written: ast.String, deployment: Deployment,
                      supplied: _Supplied) -> ArmModule | Unresolved:
        """An ARM JSON template used as a module (`module m './main.json'`), deployed as the
        compiled Bicep deploys it: a nested deployment with the caller's values."""
        source = written.value or ""
        path = (self.path.parent / source).resolve()
        depth = len(self.chain) + 1
        if depth > MAX_MODULE_DEPTH:
            self.run.error(f"modules nest deeper than {MAX_MODULE_DEPTH} levels", written.loc)
            return Unresolved("modules nest too deeply", written.loc)
        rel = self.run.rel(path)
        try:
            document = parse_bytes(read_bytes(path, rel), rel)
        except OutsideTree as exc:
            self.run.note(f"{written.loc}: {exc.message}")
            return Unresolved(f"module {source!r} is outside the scanned tree", written.loc)
        except ParseError as exc:
            if not path.is_file():
                self.run.error(f"module {source!r} not found", written.loc)
                return Unresolved(f"module {source!r} not found", written.loc)
            self.run.parse_error(exc)
            return Unresolved(f"module {source!r} does not parse", written.loc)
        if document.kind != "template":
            self.run.error(f"module {source!r} is not an ARM template", written.loc)
            return Unresolved(f"module {source!r} is not an ARM template", written.loc)
        return ArmModule(document, supplied.arm_values(), deployment, path,
                         self.run.resolution, depth)

    # -- resources and modules -------------------------------------------------------------

    def instances(self, decl: ast.Resource | ast.Module, parent: _Instance | None,
                  loc: Location | None = None) -> list[_Instance]:
        key = (id(decl), id(parent))
        found = self._instances.get(key)
        if found is None:
            if key in self._busy:
                raise Failure(f"{decl.name!r} refers to itself", loc or decl.name_loc)
            self._busy.add(key)
            try:
                found = self._enumerate(decl, parent)
            finally:
                self._busy.discard(key)
            self._instances[key] = found
        return found

    def _enumerate(self, decl: ast.Resource | ast.Module, parent: _Instance | None
                   ) -> list[_Instance]:
        env: Env = parent.env if parent is not None else {}
        present = parent.present if parent is not None else self.present
        body = decl.body
        if isinstance(body, ast.If):
            return [_Instance(self, decl, env, parent, None,
                              _both(present, self.condition(body.condition, env)))]
        if not isinstance(body, ast.For):
            return [_Instance(self, decl, env, parent, None, present)]
        iterable = self.guard(body.iterable, env)
        unknown = unknown_of(iterable)
        if unknown is not None or not isinstance(iterable.data, list):
            if unknown is None:
                self.run.error("a loop needs an array", body.iterable.loc)
            item = Sourced(Unresolved("loop item of an unknown array"), body.loc)
            return [_Instance(self, decl, loop_env(env, body, item, item), parent, None,
                              _both(present, None))]
        items = iterable.data
        if len(items) > MAX_COPIES:
            self.run.note(f"{body.loc}: loop of {len(items)} items is over Azure's limit of "
                          f"{MAX_COPIES}; only {MAX_COPIES} instances are resolved")
        found = []
        for position, item in enumerate(items[:MAX_COPIES]):
            inner = loop_env(env, body, item, Sourced(position, body.loc))
            keep = self.condition(body.filter, inner) if body.filter is not None else True
            found.append(_Instance(self, decl, inner, parent, position, _both(present, keep)))
        return found

    def handle(self, decl: ast.Resource | ast.Module, parent: _Instance | None,
               loc: Location) -> Handle:
        found = self.instances(decl, parent, loc)
        if isinstance(decl.body, ast.For):
            return _LoopHandle(decl.name, found)
        return found[0].handle()

    def nested_handle(self, chain: tuple[ast.Resource, ...], loc: Location) -> Handle:
        """A nested resource named directly (Bicep lets siblings and descendants do so)."""
        parent: _Instance | None = None
        for decl in chain[:-1]:
            found = self.instances(decl, parent)
            if isinstance(decl.body, ast.For):
                raise Failure(f"{chain[-1].name!r} is nested in the loop {decl.name!r}", loc)
            parent = found[0]
        return self.handle(chain[-1], parent, loc)


# ---------------------------------------------------------------------------------------
# Resource and module instances

@dataclass(eq=False, slots=True)
class _Instance:
    """One instance of a resource or module declaration (one loop iteration)."""

    scope: _FileScope
    decl: ast.Resource | ast.Module
    env: Env
    parent: _Instance | None  # the resource this one is declared inside
    position: int | None
    present: bool | None
    _handle: Handle | None = field(default=None)
    _module: _FileScope | ArmModule | Unresolved | None = field(default=None)

    def handle(self) -> Handle:
        if self._handle is None:
            self._handle = _ResourceHandle(self) if isinstance(self.decl, ast.Resource) \
                else _ModuleHandle(self)
        return self._handle

    def prop(self, name: str) -> ast.ObjectProperty | None:
        body = self.decl.object
        return body.get(name) if body is not None else None

    def memo(self, what: str, compute: Callable[[], Sourced],
             loc: Location | None = None) -> Sourced:
        """A memoised value; a cycle is reported at `loc` (the referring expression). What
        goes wrong computing it for an instance that may not be deployed is a note, from
        wherever it is first read (see `_Run.error`)."""
        if self.present is None:
            inner = compute
            uncertain = self.scope.run.uncertain

            def compute() -> Sourced:
                uncertain.append(self.decl.loc)
                try:
                    return inner()
                finally:
                    uncertain.pop()

        return self.scope.memo((id(self), what), loc or self.decl.name_loc,
                               f"{self.decl.name!r} ({what})", compute)

    # -- names, types, IDs ----------------------------------------------------------------

    def own_name(self, loc: Location | None = None) -> Sourced:
        return self.memo("name", self._own_name, loc)

    def extension(self) -> bool:
        """Whether this is a resource of a Bicep extension (Kubernetes `apps/Deployment@v1`,
        Microsoft Graph `Microsoft.Graph/groups@v1.0`), not an Azure resource: it needs no
        `name`, has no resource ID, and its body is its `properties` (as compiled)."""
        version = self.api_version() if isinstance(self.decl, ast.Resource) else None
        return version is not None and extension_api_version(f"x@{version}") is not None

    def _own_name(self) -> Sourced:
        if self.extension():
            return extension_name(self.body(), self.decl.loc)
        written = self.prop("name")
        if written is None:
            if isinstance(self.decl, ast.Resource):
                self.scope.run.error(f"resource {self.decl.name!r} needs a 'name'",
                                     self.decl.name_loc)
            return Sourced(Unresolved(f"{self.decl.name!r} has no name"), self.decl.loc)
        name = self.scope.guard(written.value, self.env)
        if isinstance(name.data, str) or unknown_of(name) is not None:
            return name
        self.scope.run.error("a name must be a string", written.value.loc)
        return Sourced(Unresolved("name is not a string"), name.loc)

    def parent_resource(self) -> _Instance | Unresolved | None:
        if self.parent is not None:
            return self.parent
        written = self.prop("parent")
        if written is None:
            return None
        target = self.scope.guard_ref(written.value, self.env)
        if isinstance(target, _ResourceHandle):
            return target.instance
        if isinstance(target, Sourced) and isinstance(target.data, Unresolved):
            return target.data
        self.scope.run.error("'parent' must be a resource", written.value.loc)
        return Unresolved("parent is not a resource")

    def full_type(self) -> str:
        decl = self.decl
        if not isinstance(decl, ast.Resource):
            return "Microsoft.Resources/deployments"
        written = decl.resource_type.strip("/")
        if self.parent is not None and not _namespaced(written):
            return f"{self.parent.full_type()}/{written}"
        return written

    def api_version(self) -> str | None:
        decl = self.decl
        if isinstance(decl, ast.Resource) and decl.api_version:
            return decl.api_version
        parent = self.parent_resource()
        return parent.api_version() if isinstance(parent, _Instance) else None

    def full_name(self, loc: Location | None = None) -> Sourced:
        return self.memo("full name", self._full_name, loc)

    def _full_name(self) -> Sourced:
        own = self.own_name()
        parent = self.parent_resource()
        if parent is None or unknown_of(own) is not None or self.extension():
            return own
        if isinstance(parent, Unresolved):
            return Sourced(Unresolved(f"parent is unknown ({parent.reason})"), own.loc)
        parent_name = parent.full_name()
        unknown = unknown_of(parent_name)
        if unknown is not None:
            return Sourced(Unresolved(f"parent name is unknown ({unknown.reason})",
                                      unknown.location), own.loc)
        return Sourced(f"{parent_name.data}/{own.data}", own.loc, own.at)

    def resource_id(self, loc: Location | None = None) -> str | Unresolved:
        if self.extension():
            return Unresolved("a resource of a Bicep extension (Kubernetes, Microsoft "
                              "Graph) has no Azure resource ID")
        name = self.full_name(loc)
        unknown = unknown_of(name)
        if unknown is not None:
            return Unresolved(f"resource name is unknown ({unknown.reason})", unknown.location)
        rtype = self.full_type()
        names = [part for part in str(name.data).split("/") if part]
        if len(names) != rtype.count("/") or not names:
            self.scope.run.error(f"name {name.data!r} has {len(names)} segments but type "
                                 f"{rtype!r} needs {rtype.count('/')}", name.loc)
            return Unresolved("resource name does not match its type", name.loc)
        if rtype.lower() == RESOURCE_GROUPS_TYPE:
            subscription = self.scope.deployment().subscription_id
            sub = subscription if isinstance(subscription, str) else UNKNOWN_SUBSCRIPTION
            return f"/subscriptions/{sub}/resourceGroups/{names[0]}"
        prefix = self.scope_prefix()
        if isinstance(prefix, Unresolved):
            return prefix
        return f"{prefix}/{provider_path(rtype, names)}"

    def scope_prefix(self) -> str | Unresolved:
        """The ID prefix: the parent's, the `scope:` target's, else the deployment's."""
        parent = self.parent_resource()
        if isinstance(parent, _Instance):
            return parent.scope_prefix()
        if isinstance(parent, Unresolved):
            return parent
        target = self.scope_target()
        if isinstance(target, _Instance):
            return target.resource_id()
        if isinstance(target, Sourced):
            return deployment_prefix(deployment_of(target, self.scope.deployment()))
        return deployment_prefix(self.scope.deployment())

    def scope_target(self) -> _Instance | Sourced | None:
        written = self.prop("scope")
        if written is None:
            return None
        target = self.scope.guard_ref(written.value, self.env)
        if isinstance(target, _ResourceHandle):
            return target.instance
        if isinstance(target, Handle):
            self.scope.run.error("'scope' must be a resource or a scope function",
                                 written.value.loc)
            return Sourced(Unresolved("invalid scope"), written.value.loc)
        return target

    # -- the body ---------------------------------------------------------------------------

    def body(self, loc: Location | None = None) -> Sourced:
        return self.memo("body", self._body, loc)

    def _body(self) -> Sourced:
        decl = self.decl
        assert isinstance(decl, ast.Resource)
        where = decl.type_string.loc
        if self.extension():
            return self._extension_body(decl, where)
        result: dict[str, Sourced] = {"type": Sourced(self.full_type(), where),
                                      "apiVersion": Sourced(self.api_version(), where),
                                      "name": self.full_name()}
        if decl.existing:
            result["existing"] = Sourced(True, decl.loc)
        target = self.scope_target()
        if isinstance(target, _Instance):
            result["scope"] = Sourced(target.resource_id(), self.prop_loc("scope"))
        body = decl.object
        for item in body.items if body is not None else ():
            if isinstance(item, ast.Resource):
                continue
            if isinstance(item, ast.Spread):
                spread = self.scope.guard(item.expr, self.env)
                if isinstance(spread.data, dict):
                    result.update(spread.data)
                continue
            if item.key.value in _NOT_IN_BODY:
                continue
            key = self._key(item)
            if key is not None:
                result[key] = placed(self.scope.guard(item.value, self.env), item.loc)
        return Sourced(result, body.loc if body is not None else decl.loc)

    def _extension_body(self, decl: ast.Resource, where: Location) -> Sourced:
        """An extension resource as compiled: its type, and everything written in its body
        under `properties`."""
        properties: dict[str, Sourced] = {}
        body = decl.object
        for item in body.items if body is not None else ():
            if isinstance(item, ast.Resource):
                continue
            if isinstance(item, ast.Spread):
                spread = self.scope.guard(item.expr, self.env)
                if isinstance(spread.data, dict):
                    properties.update(spread.data)
                continue
            if item.key.value in ("parent", "dependsOn", "scope"):
                continue
            key = self._key(item)
            if key is not None:
                properties[key] = placed(self.scope.guard(item.value, self.env), item.loc)
        loc = body.loc if body is not None else decl.loc
        result = {"type": Sourced(f"{self.full_type()}@{self.api_version()}", where),
                  "properties": Sourced(properties, loc)}
        if decl.existing:
            result["existing"] = Sourced(True, decl.loc)
        return Sourced(result, loc)

    def _key(self, item: ast.ObjectProperty) -> str | None:
        try:
            key = self.scope.evaluator.key(item, self.env)
        except Failure as failure:
            self.scope.run.fail(failure)
            return None
        return key if isinstance(key, str) else None

    def prop_loc(self, name: str) -> Location:
        written = self.prop(name)
        return written.loc if written is not None else self.decl.loc

    def view(self) -> Sourced:
        """The resource as a value (`output x object = vnet`): what it declares, and what
        Azure assigns for the rest (a `RuntimeObject`)."""
        return self.memo("view", self._view)

    def _view(self) -> Sourced:
        loc = self.decl.name_loc
        data: dict[str, Sourced] = {"id": Sourced(self.resource_id(), loc),
                                    "name": self.own_name(),
                                    "type": Sourced(self.full_type(), loc),
                                    "apiVersion": Sourced(self.api_version(), loc)}
        if isinstance(self.decl, ast.Resource) and self.decl.existing:
            data["properties"] = Sourced(self.runtime("properties"), loc)
        else:
            body = self.body().data
            for key, value in body.items() if isinstance(body, dict) else ():
                if key not in data:
                    data[key] = self.runtime_view(value, (key,))
        return Sourced(RuntimeObject(data, self.runtime, ()), loc)

    def runtime_view(self, value: Sourced, path: tuple[str | int, ...]) -> Sourced:
        """A declared value of this resource at `path` as a value that reads what is not
        declared as runtime state (see `arm_expressions.runtime_view`)."""
        return runtime_view(value, path, self.runtime, self.resource_id())

    def child_id(self, path: tuple[str | int, ...], data: dict[str, Sourced],
                 loc: Location | None) -> Sourced:
        """The ID of the child declared inline at `path` (`properties.subnets[0]`)."""
        return inline_child_id(self.resource_id(), path, data, self.runtime, loc)

    def runtime(self, name: str) -> Unresolved | ResourceRef:
        """A property of the resource that Azure sets at deployment. For a resource this
        deployment declares it is, as in the compiled template (`reference(id).x`), a
        reference to that resource: still unknown, but it names the resource (a route's
        next hop that is a firewall's private IP)."""
        existing = isinstance(self.decl, ast.Resource) and self.decl.existing
        if existing:
            return Unresolved(f"{self.decl.name}.{name} of an existing resource is read "
                              "from Azure at deployment", self.decl.name_loc)
        if isinstance(self.decl, ast.Resource):
            resource_id = self.resource_id()
            key = arm_resource_key(resource_id) if isinstance(resource_id, str) else None
            if key is not None:
                return ResourceRef(key, name)
        return Unresolved(f"{self.decl.name}.{name} is assigned at deployment",
                          self.decl.name_loc)

    def member(self, name: str, loc: Location) -> Sourced | Handle:
        lowered = name.lower()
        if lowered == "id":
            return Sourced(self.resource_id(loc), loc)
        if lowered == "name":
            return self.own_name(loc)
        if lowered == "type":
            return Sourced(self.full_type(), loc)
        if lowered == "apiversion":
            return Sourced(self.api_version(), loc)
        if isinstance(self.decl, ast.Resource) and self.decl.existing:
            return Sourced(self.runtime(name), loc)
        body = self.body(loc).data
        if self.extension() and isinstance(body, dict):
            # `deploy.metadata.name`, `app.uniqueName`: what the body of an extension
            # resource writes is its properties
            body = body["properties"].data
        found = body.get(name) if isinstance(body, dict) else None
        if found is None and isinstance(body, dict):
            found = next((v for k, v in body.items() if k.lower() == lowered), None)
        if found is None:
            if lowered == "properties":
                return _Declared(self, Sourced({}, loc), ("properties",))
            return Sourced(self.runtime(name), loc)
        return _declared(self, found, (name,))

    # -- modules ----------------------------------------------------------------------------

    def module_scope(self) -> _FileScope | ArmModule | Unresolved:
        if self._module is None:
            self._module = self._module_scope()
        return self._module

    def _module_scope(self) -> _FileScope | ArmModule | Unresolved:
        decl = self.decl
        assert isinstance(decl, ast.Module)
        if decl.source_kind == "local" and decl.source.lower().endswith((".json", ".jsonc")):
            return self.scope.open_template(decl.path, self.module_deployment(),
                                            self.module_params())
        return self.scope.open(decl.path, "module", self.module_deployment(),
                                self.module_params(), self.present)

    def module_params(self) -> _Supplied:
        written = self.prop("params")
        if written is None:
            return _Values({})
        params = self.scope.guard(written.value, self.env)
        if isinstance(params.data, dict):
            # the value keeps where the caller wrote it; the module's property becomes `at`
            return _Values({key: Sourced(value.data, value.loc)
                            for key, value in params.data.items()})
        unknown = unknown_of(params)
        if unknown is None:
            self.scope.run.error("a module's 'params' must be an object", written.value.loc)
            unknown = Unresolved("invalid module params")
        return _UnknownValues(Sourced(Unresolved(f"module params are unknown "
                                                 f"({unknown.reason})", unknown.location),
                                      written.value.loc))

    def module_deployment(self) -> Deployment:
        caller = self.scope.deployment()
        written = self.prop("scope")
        if written is None:
            return caller
        target = self.scope.guard_ref(written.value, self.env)
        if isinstance(target, _ResourceHandle):
            instance = target.instance
            name = instance.own_name().data
            if instance.full_type().lower() == RESOURCE_GROUPS_TYPE:
                group = name if isinstance(name, str) else Unresolved("group name unknown")
                return Deployment("resourceGroup", caller.subscription_id, group,
                                  Unresolved("resource group location is known at "
                                             "deployment"), caller.tenant_id)
            return caller
        if isinstance(target, Sourced):
            return deployment_of(target, caller)
        return caller

    def module_output(self, name: str, loc: Location, safe: bool) -> Sourced:
        module = self.module_scope()
        if isinstance(module, Unresolved):
            return Sourced(Unresolved(f"output {name!r}: {module.reason}", module.location),
                           loc)
        if self.present is False:
            return Sourced(Unresolved(f"module {self.decl.name!r} is not deployed (its "
                                      "condition is false)"), loc)
        if isinstance(module, ArmModule):
            value = module.output(name)
        else:
            output = module.output(name)
            value = module.output_value(output) if output is not None else None
        if value is None:
            if safe:
                return Sourced(None, loc)
            raise Failure(f"module {self.decl.name!r} has no output {name!r}", loc)
        return value

    def module_outputs(self, loc: Location) -> Sourced:
        module = self.module_scope()
        if isinstance(module, Unresolved):
            return Sourced(module, loc)
        if isinstance(module, ArmModule):
            names = module.output_names()
        else:
            names = [o.name for o in module.tree.outputs] \
                if isinstance(module.tree, ast.BicepFile) else []
        return Sourced({name: self.module_output(name, loc, False) for name in names}, loc)


def _namespaced(rtype: str) -> bool:
    head = rtype.split("/", 1)[0]
    return "." in head and "/" in rtype


def deployment_of(target: Sourced, caller: Deployment) -> Deployment:
    """The deployment a scope value designates (`resourceGroup('rg')`,
    `subscription('id')`, `managementGroup()`, `tenant()`)."""
    data = target.data
    if not isinstance(data, dict):
        unknown = Unresolved("the deployment scope is unknown")
        return Deployment(caller.scope, unknown, unknown, unknown, caller.tenant_id)

    def text(key: str, fallback: str | Unresolved) -> str | Unresolved:
        found = data.get(key)
        return found.data if found is not None and isinstance(found.data, str) else fallback

    kind = str(text("type", "")).lower()
    unknown_location = Unresolved("resource group location is known at deployment")
    if kind == RESOURCE_GROUPS_TYPE:
        return Deployment("resourceGroup", text("subscriptionId", caller.subscription_id),
                          text("name", Unresolved("resource group is unknown")),
                          unknown_location, caller.tenant_id)
    if kind == "microsoft.management/managementgroups":
        return Deployment("managementGroup", caller.subscription_id, caller.resource_group,
                          unknown_location, caller.tenant_id)
    if "subscriptionId" in data:
        return Deployment("subscription", text("subscriptionId", caller.subscription_id),
                          caller.resource_group, unknown_location, caller.tenant_id)
    if "tenantId" in data:
        return Deployment("tenant", caller.subscription_id, caller.resource_group,
                          unknown_location, caller.tenant_id)
    return caller


# ---------------------------------------------------------------------------------------
# Handles: what symbolic names designate

class _ResourceHandle(Handle):
    def __init__(self, instance: _Instance) -> None:
        self.instance = instance
        self.what = f"resource {instance.decl.name!r}"

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        return self.instance.member(name, loc)

    def child(self, name: str, loc: Location) -> Sourced | Handle:
        body = self.instance.decl.object
        for decl in body.resources if body is not None else ():
            if decl.name == name:
                return self.instance.scope.handle(decl, self.instance, loc)
        raise Failure(f"{self.what} has no nested resource {name!r}", loc)

    def call(self, name: str, args: list[Sourced], loc: Location) -> Sourced:
        return Sourced(Unresolved(f"{self.instance.decl.name}.{name}() reads runtime state",
                                  loc), loc)

    def value(self, loc: Location) -> Sourced:
        return self.instance.view()


class _ModuleHandle(Handle):
    def __init__(self, instance: _Instance) -> None:
        self.instance = instance
        self.what = f"module {instance.decl.name!r}"

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        if name == "outputs":
            return _OutputsHandle(self.instance)
        if name == "name":
            return self.instance.own_name()
        return super().member(name, loc, safe)

    def value(self, loc: Location) -> Sourced:
        return Sourced({"name": self.instance.own_name(),
                        "outputs": self.instance.module_outputs(loc)}, loc)


class _OutputsHandle(Handle):
    def __init__(self, instance: _Instance) -> None:
        self.instance = instance
        self.what = f"the outputs of module {instance.decl.name!r}"

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        return self.instance.module_output(name, loc, safe)

    def index(self, position: Sourced, loc: Location, safe: bool) -> Sourced | Handle:
        if isinstance(position.data, str):
            return self.member(position.data, loc, safe)
        return super().index(position, loc, safe)

    def value(self, loc: Location) -> Sourced:
        return self.instance.module_outputs(loc)


class _LoopHandle(Handle):
    """A looped resource or module: `subnets[0]`, or the whole array as a value."""

    def __init__(self, name: str, instances: list[_Instance]) -> None:
        self.instances = instances
        self.what = f"{name!r} (a loop: index it)"

    def index(self, position: Sourced, loc: Location, safe: bool) -> Sourced | Handle:
        unknown = unknown_of(position)
        if unknown is not None:
            return Sourced(unknown, loc)
        key = position.data
        if isinstance(key, bool) or not isinstance(key, int):
            raise Failure(f"{self.what} needs an int index", loc)
        if self.instances and self.instances[0].position is None:
            return Sourced(Unresolved("the loop's array is unknown"), loc)
        if 0 <= key < len(self.instances):
            return self.instances[key].handle()
        if safe:
            return Sourced(None, loc)
        raise Failure(f"index {key} is outside the loop ({len(self.instances)} instances)",
                      loc)

    def value(self, loc: Location) -> Sourced:
        return Sourced([instance.handle().value(loc) for instance in self.instances], loc)

    def call(self, name: str, args: list[Sourced], loc: Location) -> Sourced:
        return Sourced(Unresolved(f"{name}() of a resource loop reads runtime state", loc),
                       loc)

    def length(self) -> int | None:
        if self.instances and self.instances[0].position is None:
            return None
        return len(self.instances)


class _NamespaceHandle(Handle):
    """`import * as ns from './x.bicep'`: `ns.variable`, `ns.function()`."""

    def __init__(self, target: _FileScope | Unresolved, source: str) -> None:
        self.target = target
        self.what = f"namespace of {source!r}"

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        if isinstance(self.target, Unresolved):
            return Sourced(self.target, loc)
        found = self.target.lookup(name, loc)
        if found is None:
            raise Failure(f"{name!r} is not declared in {self.target.rel}", loc)
        return found

    def call(self, name: str, args: list[Sourced], loc: Location) -> Sourced:
        if isinstance(self.target, Unresolved):
            return Sourced(self.target, loc)
        function = self.target.function(name)
        if function is None:
            raise Failure(f"function {name!r} is not declared in {self.target.rel}", loc)
        return function(args, loc)


class _BaseHandle(Handle):
    """`base` in a `.bicepparam` that `extends` another: the base file's values."""

    what = "base"

    def __init__(self, base: _Supplied) -> None:
        self.base = base

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        found = self.base.get(name)
        if found is None:
            if safe:
                return Sourced(None, loc)
            raise Failure(f"the base parameters file sets no {name!r}", loc)
        return found


class _Declared(Handle):
    """A declared value of a resource read through its symbol: a property that is not
    written is runtime state (a reference to the resource, as `reference()` in the
    compiled template), never an error; an inline child's `id`
    (`vnet.properties.subnets[0].id`) is derived from its name. As a value (an argument
    of `first()`, an output) it is a `RuntimeObject` / `RuntimeList`, which keep that
    behaviour."""

    def __init__(self, instance: _Instance, value: Sourced,
                 path: tuple[str | int, ...]) -> None:
        self.instance = instance
        self.declared = value
        self.path = path
        self.what = f"{instance.decl.name}.{path_text(path)}"

    def member(self, name: str, loc: Location, safe: bool) -> Sourced | Handle:
        data = self.declared.data
        if not isinstance(data, dict):
            return member_value(self.declared, name, loc, safe)
        key = next((k for k in data if k == name), None) or next(
            (k for k in data if k.lower() == name.lower()), None)
        if key is not None:
            return _declared(self.instance, data[key], (*self.path, key))
        if name.lower() == "id" and inline_child(self.path):
            return self.instance.child_id(self.path, data, loc)
        return Sourced(self.instance.runtime(path_text((*self.path, name))), loc)

    def index(self, position: Sourced, loc: Location, safe: bool) -> Sourced | Handle:
        data = self.declared.data
        key = position.data
        if isinstance(data, list) and isinstance(key, int) and not isinstance(key, bool) \
                and key >= len(data):
            return Sourced(self.instance.runtime(path_text((*self.path, key))), loc)
        found = index_value(self.declared, position, loc, safe)
        step = key if isinstance(key, int | str) and not isinstance(key, bool) else "?"
        return _declared(self.instance, found, (*self.path, step))

    def value(self, loc: Location) -> Sourced:
        return self.instance.runtime_view(self.declared, self.path)

    def length(self) -> int | None:
        data = self.declared.data
        return len(data) if isinstance(data, list) else None


def _declared(instance: _Instance, value: Sourced,
              path: tuple[str | int, ...]) -> Sourced | Handle:
    if isinstance(value.data, dict | list):
        return _Declared(instance, value, path)
    return value


class _ParamFileValues:
    """The values a `.bicepparam` file gives (its own, then those of the file it
    `extends`), evaluated lazily in the parameters file's own scope."""

    def __init__(self, scope: _FileScope, base: _Supplied | None) -> None:
        self.scope = scope
        self.base = base

    def get(self, name: str) -> Sourced | None:
        decl = self.scope.declared.get(name)
        if isinstance(decl, ast.Param):
            return self.scope.param_value(decl)
        return self.base.get(name) if self.base is not None else None

    def names(self) -> list[str]:
        own = [d.name for d in self.scope.declared.values() if isinstance(d, ast.Param)]
        inherited = self.base.names() if self.base is not None else []
        return own + [name for name in inherited if name not in own]

    def arm_values(self) -> dict[str, Sourced] | Sourced:
        values = {name: self.get(name) for name in self.names()}
        return {name: value for name, value in values.items() if value is not None}

