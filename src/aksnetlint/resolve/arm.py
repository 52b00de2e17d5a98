"""Resolve an ARM deployment into `ResolvedResource`s.

Parameters come from parameter files, else `defaultValue`, else they are Unresolved (a Key
Vault reference is Unresolved too). Variables (with `copy`) and parameters are evaluated
lazily, once, with cycle detection. Resources may be an array or, with
`languageVersion: "2.0"`, an object keyed by symbolic name; nested child `resources` get
their full type and name from the parent. `copy` loops are expanded up to `MAX_COPIES`
instances, property `copy` loops too; `condition: false` drops a resource, an unknown
condition or loop count gives `present=None`. `Microsoft.Resources/deployments` with an
inline template (inner or outer expression scope) or a linked template found on disk
through `templateLink.relativePath` are resolved as part of the same deployment. A
Blueprint template artifact is resolved like an inline template.

Errors in one expression or one resource never stop the file: the value becomes
Unresolved and a positioned `EvaluationError` is added when the template itself is wrong.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aksnetlint import budget, sources
from aksnetlint.errors import AksnetlintError, EvaluationError, ParseError
from aksnetlint.parsers.arm import ArmDocument, JsonPath, parse, parse_bytes
from aksnetlint.resolve.arm_expressions import (
    Deployment,
    ExpressionError,
    Frame,
    RuntimeObject,
    UserFunction,
    evaluate,
    is_expression,
    literal_text,
    lookup_key,
    parse_expression,
    runtime_view,
)
from aksnetlint.resolve.arm_functions import (
    FUNCTIONS,
    UNKNOWN_MANAGEMENT_GROUP,
    UNKNOWN_RESOURCE_GROUP,
    UNKNOWN_SUBSCRIPTION,
    arm_resource_key,
    provider_path,
)
from aksnetlint.resolve.resources import Resolution, ResolvedResource
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved

__all__ = ["MAX_COPIES", "ArmModule", "arm_resource_key", "find_parameter_files",
           "resolve_arm", "resolve_document"]

MAX_COPIES = 800
"""Azure's limit on the instances of one copy loop."""

MAX_NESTED_DEPLOYMENTS = 16
_VALUE_WORK = 8  # budget steps one JSON value costs (locating it, walking it)
"""Deepest chain of nested or linked deployments followed."""

DEPLOYMENTS_TYPE = "microsoft.resources/deployments"

_SCOPES = {
    "subscriptiondeploymenttemplate.json": "subscription",
    "managementgroupdeploymenttemplate.json": "managementGroup",
    "tenantdeploymenttemplate.json": "tenant",
}


def find_parameter_files(template_path: Path) -> list[Path]:
    """Parameter files that belong to a template by name: `<name>.parameters.json` beside
    `<name>.json` (so `azuredeploy.parameters.json` for `azuredeploy.json`), and
    `parameters.json` beside an exported `template.json`."""
    name = template_path.name
    if not name.lower().endswith(".json") or name.lower().endswith(".parameters.json"):
        return []
    stem = name[:-5]
    candidates = [template_path.with_name(f"{stem}.parameters.json")]
    if stem.lower() == "template":
        candidates.append(template_path.with_name("parameters.json"))
    return [candidate for candidate in candidates if candidate.is_file()]


def resolve_arm(path: str, text: str, parameter_files: Sequence[tuple[str, str]] = (),
                rel_path: str | None = None, deployment: Deployment | None = None
                ) -> Resolution:
    """Resolve the template in `text` (read from `path` on disk; Locations use `rel_path`,
    default `path`). `parameter_files` are `(rel_path, text)` pairs applied in order (a
    later file wins). A file that does not parse yields a Resolution with its
    `ParseError`; JSON that is not a template yields an empty Resolution."""
    rel = rel_path or path
    resolution = Resolution()
    try:
        document = parse(text, rel)
    except ParseError as exc:
        resolution.errors.append(exc)
        return resolution
    parameter_documents = []
    for parameter_rel, parameter_text in parameter_files:
        try:
            parameter_documents.append(parse(parameter_text, parameter_rel))
        except ParseError as exc:
            resolution.errors.append(exc)
    return resolve_document(document, parameter_documents, Path(path), deployment,
                            resolution)


def resolve_document(document: ArmDocument, parameter_documents: Sequence[ArmDocument] = (),
                     disk_path: Path | None = None, deployment: Deployment | None = None,
                     resolution: Resolution | None = None) -> Resolution:
    """Resolve an already parsed template document (see `resolve_arm`)."""
    resolution = resolution if resolution is not None else Resolution()
    if document.kind != "template":
        return resolution
    resolver = _Resolver(resolution)
    template = document.template
    supplied: dict[str, Sourced] = {}
    if document.template_path:
        supplied.update(_blueprint_parameters(document))
    for parameter_document in parameter_documents:
        supplied.update(resolver.parameter_file_values(parameter_document))
    base = deployment or Deployment(scope=_deployment_scope(template))
    state = resolver.template_state(document, document.template_path, base, supplied,
                                    disk_path)
    if state is not None:
        resolver.resources_of(state, _Scope(state), None, depth=0)
    return resolution


class _AllUnknown(dict[str, Sourced]):
    """Parameter values of a deployment whose whole parameter object is unknown: every
    parameter gets `unknown`."""

    def __init__(self, unknown: Sourced) -> None:
        super().__init__()
        self.unknown = unknown

    def get(self, key: str, default: Sourced | None = None  # type: ignore[override]
            ) -> Sourced | None:
        return self.unknown


class ArmModule:
    """An ARM template used as a module of a Bicep file (`module m './main.json'`), as the
    Bicep compiler deploys it: a nested deployment with inner scope. It is resolved with
    the values the caller passes (`supplied`, by parameter name; `unknown` for all of them
    when the caller's `params` object is unknown), at the caller's `deployment`; its
    resources go into `resolution`, and its outputs are evaluated on demand."""

    def __init__(self, document: ArmDocument, supplied: Mapping[str, Sourced] | Sourced,
                 deployment: Deployment, disk_path: Path, resolution: Resolution,
                 depth: int) -> None:
        self.document = document
        self.resolver = _Resolver(resolution)
        if isinstance(supplied, Sourced):
            values: dict[str, Sourced] = _AllUnknown(supplied)
        else:
            values = {name.lower(): value for name, value in supplied.items()}
        self.depth = depth
        self.state = self.resolver.template_state(document, document.template_path,
                                                  deployment, values, disk_path) \
            if document.kind == "template" else None

    def emit(self, present: bool | None = True) -> None:
        """Add the module's resources (and those of its nested deployments); `present` is
        whether the module is deployed (None: its condition is unknown)."""
        if self.state is not None and present is not False:
            self.resolver.deployed = present
            self.resolver.resources_of(self.state, _Scope(self.state), None, self.depth)

    def output_names(self) -> list[str]:
        return list(self.state.section("outputs")) if self.state is not None else []

    def output(self, name: str) -> Sourced | None:
        """The value of output `name` (case-insensitive), None when there is none."""
        state = self.state
        if state is None:
            return None
        outputs = state.section("outputs")
        key = lookup_key(outputs, name)
        if key is None:
            return None
        found = state.values.get(f"o:{key.lower()}")
        if found is None:
            found = self.resolver.output_value(state.document, (*state.path, "outputs", key),
                                               outputs[key], _Scope(state))
            state.values[f"o:{key.lower()}"] = found
        return found



def _deployment_scope(template: Any) -> str:
    schema = template.get("$schema") if isinstance(template, dict) else None
    if isinstance(schema, str):
        lowered = schema.lower()
        for mark, scope in _SCOPES.items():
            if mark in lowered:
                return scope
    return "resourceGroup"


def _blueprint_parameters(document: ArmDocument) -> dict[str, Sourced]:
    """Values a Blueprint artifact passes to its template; blueprint-level expressions are
    unknown here."""
    values: dict[str, Sourced] = {}
    parameters = document.data.get("properties", {}).get("parameters")
    if not isinstance(parameters, dict):
        return values
    for name, entry in parameters.items():
        if not isinstance(entry, dict) or "value" not in entry:
            continue
        path: JsonPath = ("properties", "parameters", name, "value")
        raw = entry["value"]
        loc = document.locate(path)
        if isinstance(raw, str) and is_expression(raw):
            values[name.lower()] = Sourced(
                Unresolved(f"blueprint parameter {name!r} is set at assignment", loc), loc)
        else:
            values[name.lower()] = _literal(document, path, raw)
    return values


def _literal(document: ArmDocument, path: JsonPath, raw: Any) -> Sourced:
    """A JSON value as written (no expression evaluation), every element located."""
    loc = document.locate(path)
    if isinstance(raw, list):
        return Sourced([_literal(document, (*path, i), item) for i, item in enumerate(raw)],
                       loc)
    if isinstance(raw, dict):
        return Sourced({key: _literal(document, (*path, key), item)
                        for key, item in raw.items()}, loc)
    return Sourced(raw, loc)


# ---------------------------------------------------------------------------------------
# Template state and the scope expressions see

@dataclass(slots=True)
class _TemplateState:
    """One template's declarations, where they are written, and memoised values."""

    document: ArmDocument
    path: JsonPath
    data: dict[str, Any]
    deployment: Deployment
    supplied: dict[str, Sourced]
    disk_path: Path | None
    resolver: _Resolver
    parameters: dict[str, str] = field(default_factory=dict)
    variables: dict[str, str] = field(default_factory=dict)
    variable_loops: dict[str, JsonPath] = field(default_factory=dict)
    functions: dict[str, UserFunction] = field(default_factory=dict)
    symbols: dict[str, str] = field(default_factory=dict)
    values: dict[str, Sourced] = field(default_factory=dict)
    in_progress: set[str] = field(default_factory=set)
    # nested deployments by resource key (see `_Resolver.deployment_index`)
    deployments: dict[str, tuple[JsonPath, dict[str, Any]]] | None = None
    # declared resources by resource key (see `_Resolver.resource_index`)
    declared: dict[str, tuple[JsonPath, dict[str, Any], _Parent | None]] | None = None

    def section(self, name: str) -> dict[str, Any]:
        found = self.data.get(name)
        return found if isinstance(found, dict) else {}


class _Scope:
    """What an expression sees: a template's declarations plus the copy-loop indices of
    the resource or property being evaluated (implements `arm_expressions.Scope`)."""

    __slots__ = ("state", "copies")

    def __init__(self, state: _TemplateState,
                 copies: Mapping[str | None, int | Unresolved] | None = None) -> None:
        self.state = state
        self.copies: Mapping[str | None, int | Unresolved] = copies or {}

    def with_copy(self, loop: str | None, position: int | Unresolved) -> _Scope:
        copies = dict(self.copies)
        copies[loop.lower() if loop else None] = position
        return _Scope(self.state, copies)

    def parameter(self, name: str, offset: int) -> Sourced:
        state = self.state
        key = name.lower()
        declared = state.parameters.get(key)
        if declared is None:
            raise ExpressionError(f"parameter {name!r} is not declared", offset)
        return self._memo(f"p:{key}", name, offset, lambda: self._parameter_value(declared))

    def _parameter_value(self, name: str) -> Sourced:
        """The value supplied (a parameter file, the deployment resource of a nested or
        linked template), else `defaultValue`, else null when the parameter is
        `nullable`, else Unresolved. A supplied null counts as not supplied, as in ARM
        (so a Bicep module given `null` gets the module's default)."""
        state = self.state
        supplied = state.supplied.get(name.lower())
        if supplied is not None and supplied.data is not None:
            return supplied
        path: JsonPath = (*state.path, "parameters", name)
        declaration = state.section("parameters")[name]
        if isinstance(declaration, dict) and "defaultValue" in declaration:
            return state.resolver.value(state.document, (*path, "defaultValue"),
                                        declaration["defaultValue"], _Scope(state))
        if supplied is not None:
            return supplied
        loc = state.document.locate_key(path) or state.document.locate(path)
        if _nullable(state, declaration):
            return Sourced(None, loc)
        return Sourced(Unresolved(f"parameter {name!r} has no value (no defaultValue and "
                                  "no parameter file sets it)", loc), loc)

    def variable(self, name: str, offset: int) -> Sourced:
        state = self.state
        key = name.lower()
        if key in state.variable_loops:
            loop_path = state.variable_loops[key]
            return self._memo(f"v:{key}", name, offset,
                              lambda: self._variable_loop(loop_path))
        if key not in state.variables:
            raise ExpressionError(f"variable {name!r} is not declared", offset)
        declared = state.variables[key]
        path: JsonPath = (*state.path, "variables", declared)
        raw = state.section("variables")[declared]
        return self._memo(f"v:{key}", name, offset, lambda: state.resolver.value(
            state.document, path, raw, _Scope(state)))

    def _variable_loop(self, path: JsonPath) -> Sourced:
        state = self.state
        loop = state.section("variables")["copy"][path[-1]]
        return state.resolver.copy_loop(state.document, path, loop, _Scope(state))

    def _memo(self, key: str, name: str, offset: int, compute: Callable[[], Sourced],
              keep: bool = False) -> Sourced:
        """A memoised value; computed while errors are not reported (`_Resolver.quiet`) it
        is not kept (unless `keep`), so its errors are reported where it is used."""
        state = self.state
        found = state.values.get(key)
        if found is not None:
            return found
        if key in state.in_progress:
            raise ExpressionError(f"{name!r} refers to itself", offset)
        state.in_progress.add(key)
        try:
            value: Sourced = compute()
        finally:
            state.in_progress.discard(key)
        if keep or not state.resolver.quiet:
            state.values[key] = value
        return value

    def copy_index(self, loop: str | None) -> int | Unresolved | None:
        return self.copies.get(loop.lower() if loop else None)

    def deployment(self) -> Deployment:
        return self.state.deployment

    def resource_info(self, symbol: str) -> Sourced | None:
        state = self.state
        declared = lookup_key(state.symbols, symbol)
        if declared is None:
            return None
        return self._memo(f"r:{declared.lower()}", symbol, 0,
                          lambda: state.resolver.symbol_info(state, declared))

    def user_function(self, name: str) -> UserFunction | None:
        return self.state.functions.get(name.lower())

    def reference(self, key: str, full: bool) -> Sourced | None:
        state = self.state
        resolver = state.resolver
        entry = resolver.deployment_index(state).get(key)
        if entry is not None:
            outputs = self._memo(f"d:{key}", key.rsplit("/", 1)[-1], 0,
                                 lambda: resolver.deployment_reference(state, key, *entry))
            if not full:
                return outputs
            return Sourced(RuntimeObject({"properties": outputs},
                                         lambda path: ResourceRef(key, path), ()), outputs.loc)
        declared = resolver.resource_index(state).get(key)
        if declared is None:
            return None
        view = self._memo(f"s:{key}", key.rsplit("/", 1)[-1], 0,
                          lambda: resolver.declared_state(state, key, *declared), keep=True)
        if full or not isinstance(view.data, dict) or view.data.get("existing") is not None:
            return view if full else None
        properties = view.data.get("properties")
        if properties is not None and isinstance(properties.data, RuntimeObject):
            return properties
        return Sourced(RuntimeObject({}, lambda path: ResourceRef(key, path),
                                     ("properties",)), view.loc)


# ---------------------------------------------------------------------------------------
# The resolver

@dataclass(frozen=True, slots=True)
class _Parent:
    """What a nested child resource inherits from its parent."""

    type: str
    name: Sourced
    present: bool | None


class _Resolver:
    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self._reported: set[tuple[str | None, int | None, int | None, str]] = set()
        self._linked: list[Path] = []
        self._fallback_addresses: dict[str, int] = {}
        # presence of the deployment being resolved: the resources of a nested deployment
        # whose condition is unknown may not be deployed either
        self.deployed: bool | None = True
        # the declarations being resolved that may not be deployed (see `error`)
        self.uncertain: list[Location] = []
        # looking names up for `reference()`: what goes wrong is reported where the
        # resource itself is resolved (if it is deployed at all), not here
        self.quiet = 0

    # -- errors and notes -----------------------------------------------------------------

    def error(self, error: AksnetlintError) -> None:
        """Report a template error once; inside a resource that may not be deployed (its
        condition is unknown) it is a note: the template is wrong only if it is."""
        if self.quiet:
            return
        key = (error.path, error.line, error.column, error.message)
        if key in self._reported:
            return
        self._reported.add(key)
        if self.uncertain and conditional_error(error, self.uncertain[-1]):
            self.note(f"{error.path}:{error.line}:{error.column}: {error.message} (only if "
                      "deployed: whether it is deployed is known only at deployment)")
            return
        self.resolution.errors.append(error)

    def input_error(self, document: ArmDocument, path: JsonPath, message: str) -> None:
        loc = document.locate(path)
        self.error(EvaluationError(message, loc.path, loc.line, loc.column))

    def note(self, message: str) -> None:
        if self.quiet:
            return
        if message not in self.resolution.notes:
            self.resolution.notes.append(message)

    # -- templates and parameters -----------------------------------------------------------

    def parameter_file_values(self, document: ArmDocument) -> dict[str, Sourced]:
        data = document.data
        parameters = data.get("parameters") if isinstance(data, dict) else None
        if not isinstance(parameters, dict):
            self.note(f"{document.path}: no 'parameters' object; file ignored")
            return {}
        values: dict[str, Sourced] = {}
        for name, entry in parameters.items():
            path: JsonPath = ("parameters", name)
            if isinstance(entry, dict) and "value" in entry:
                values[name.lower()] = _literal(document, (*path, "value"), entry["value"])
            elif isinstance(entry, dict) and "reference" in entry:
                loc = document.locate(path)
                values[name.lower()] = Sourced(
                    Unresolved(f"parameter {name!r} is a Key Vault reference", loc), loc)
            else:
                self.input_error(document, path,
                                 f"parameter {name!r} needs a 'value' or a 'reference'")
        return values

    def template_state(self, document: ArmDocument, path: JsonPath, deployment: Deployment,
                       supplied: dict[str, Sourced], disk_path: Path | None
                       ) -> _TemplateState | None:
        data = _at(document.data, path)
        if not isinstance(data, dict):
            self.input_error(document, path, "a template must be a JSON object")
            return None
        state = _TemplateState(document, path, data, deployment, supplied, disk_path, self)
        self._declare(state)
        declared = {name.lower() for name in state.parameters}
        for name in supplied:
            if name not in declared:
                self.note(f"{document.path}: a value is given for parameter {name!r}, "
                          "which the template does not declare")
        return state

    def _declare(self, state: _TemplateState) -> None:
        for name in state.section("parameters"):
            state.parameters[name.lower()] = name
        for name, raw in state.section("variables").items():
            if name.lower() == "copy" and isinstance(raw, list):
                for position, loop in enumerate(raw):
                    if isinstance(loop, dict) and isinstance(loop.get("name"), str):
                        state.variable_loops[loop["name"].lower()] = (
                            *state.path, "variables", "copy", position)
            else:
                state.variables[name.lower()] = name
        functions = state.data.get("functions")
        if isinstance(functions, list):
            for entry in functions:
                _declare_functions(state, entry)
        resources = state.data.get("resources")
        if isinstance(resources, dict):
            state.symbols = {name: name for name in resources}

    # -- values -----------------------------------------------------------------------------

    def value(self, document: ArmDocument, path: JsonPath, raw: Any, scope: _Scope,
              span: tuple[int, int] | None = None) -> Sourced:
        """A JSON value with every expression evaluated and every element located.
        `span` (the value's offsets, when the caller has them) saves a walk from the
        root of the document."""
        source = document.source
        if span is None:
            span = source.span(path)
        loc = source.location(*span)
        budget.charge(_VALUE_WORK, loc, "template value")
        if isinstance(raw, str):
            return self.string(document, path, raw, scope, loc)
        if isinstance(raw, list):
            return Sourced([self.value(document, (*path, i), item, scope,
                                       source.child_span(span[0], i))
                            for i, item in enumerate(raw)], loc)
        if isinstance(raw, dict):
            result: dict[str, Sourced] = {}
            for key, item in raw.items():
                if key.lower() == "copy" and _is_property_loops(item):
                    for position, loop in enumerate(item):
                        loop_path = (*path, key, position)
                        result[loop["name"]] = self.copy_loop(document, loop_path, loop, scope)
                else:
                    result[key] = self.value(document, (*path, key), item, scope,
                                             source.child_span(span[0], key))
            return Sourced(result, loc)
        return Sourced(raw, loc)

    def string(self, document: ArmDocument, path: JsonPath, raw: str, scope: _Scope,
               loc: Location) -> Sourced:
        """A JSON string: literal text, or its expression evaluated. A value written
        elsewhere (a parameter file, a default, a variable) keeps its own location and
        gets `at` = this property."""
        if not is_expression(raw):
            return Sourced(literal_text(raw), loc)
        try:
            result = evaluate(parse_expression(raw), Frame(loc, scope, FUNCTIONS))
        except ExpressionError as exc:
            at = document.source.locate_in_string(path, min(exc.offset, len(raw) - 1))
            self.error(EvaluationError(f"invalid expression: {exc.message}", at.path,
                                       at.line, at.column))
            return Sourced(Unresolved(f"invalid expression: {exc.message}", loc), loc)
        except RecursionError:
            self.error(EvaluationError("expression nests too deeply to evaluate", loc.path,
                                       loc.line, loc.column))
            return Sourced(Unresolved("expression nests too deeply", loc), loc)
        if result.loc != loc and result.at is None:
            return Sourced(result.data, result.loc, loc)
        return result

    def copy_loop(self, document: ArmDocument, path: JsonPath, loop: Any,
                  scope: _Scope) -> Sourced:
        """A property or variable `copy` entry: `{name, count, input}` -> an array."""
        loc = document.locate(path)
        if not isinstance(loop, dict) or "input" not in loop:
            self.input_error(document, path, "a copy loop needs 'name', 'count' and 'input'")
            return Sourced(Unresolved("invalid copy loop", loc), loc)
        name = str(loop.get("name", ""))
        count = self.count(document, (*path, "count"), loop.get("count"), scope)
        if isinstance(count, Unresolved):
            return Sourced(count, loc)
        built = [self.value(document, (*path, "input"), loop["input"],
                            scope.with_copy(name, position)) for position in range(count)]
        budget.value(built, loc, "copy loop")
        return Sourced(built, loc)

    def count(self, document: ArmDocument, path: JsonPath, raw: Any,
              scope: _Scope) -> int | Unresolved:
        """A copy count, capped at `MAX_COPIES` (with a note when the cap is hit)."""
        if raw is None:
            self.input_error(document, path[:-1], "a copy loop needs a 'count'")
            return Unresolved("copy loop without a count")
        value = self.value(document, path, raw, scope).data
        if isinstance(value, Unresolved):
            return Unresolved(f"copy count is unknown ({value.reason})", value.location)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.input_error(document, path, "a copy count must be a non-negative integer")
            return Unresolved("invalid copy count")
        if value > MAX_COPIES:
            # Azure rejects the template; the instances past the limit are not scanned
            self.input_error(document, path, f"copy count {value} is over Azure's limit of "
                             f"{MAX_COPIES}; only {MAX_COPIES} instances are scanned")
            return MAX_COPIES
        return value

    # -- resources --------------------------------------------------------------------------

    def resources_of(self, state: _TemplateState, scope: _Scope, parent: _Parent | None,
                     depth: int, at: JsonPath | None = None) -> None:
        """Emit every resource declared at `at` (default: the template's `resources`)."""
        document = state.document
        path = at if at is not None else (*state.path, "resources")
        raw = _at(document.data, path)
        if raw is None:
            return
        if isinstance(raw, list):
            entries: Iterator[tuple[JsonPath, Any, bool]] = (
                ((*path, i), item, False) for i, item in enumerate(raw))
        elif isinstance(raw, dict) and parent is None:
            entries = (((*path, name), item, True) for name, item in raw.items())
        else:
            self.input_error(document, path, "'resources' must be an array (or, with "
                             "languageVersion 2.0, an object)")
            return
        for entry_path, item, symbolic in entries:
            if not isinstance(item, dict):
                self.input_error(document, entry_path, "a resource must be a JSON object")
                continue
            self.resource(state, scope, entry_path, item, symbolic, parent, depth)

    def resource(self, state: _TemplateState, scope: _Scope, path: JsonPath,
                 raw: dict[str, Any], symbolic: bool, parent: _Parent | None,
                 depth: int) -> None:
        document = state.document
        copy = raw.get("copy")
        if isinstance(copy, dict):
            loop = str(copy.get("name", ""))
            count = self.count(document, (*path, "copy", "count"), copy.get("count"), scope)
            if isinstance(count, Unresolved):
                unknown = scope.with_copy(None, count).with_copy(loop, count)
                self.instance(state, unknown, path, raw, symbolic, parent, depth, None, False)
                return
            for position in range(count):
                looped = scope.with_copy(None, position).with_copy(loop, position)
                self.instance(state, looped, path, raw, symbolic, parent, depth, position,
                              True)
            return
        self.instance(state, scope, path, raw, symbolic, parent, depth, None, True)

    def instance(self, state: _TemplateState, scope: _Scope, path: JsonPath,
                 raw: dict[str, Any], symbolic: bool, parent: _Parent | None, depth: int,
                 position: int | None, count_known: bool) -> None:
        document = state.document
        present = self.presence(document, path, raw, scope, parent, count_known)
        if present is False:
            return
        if self.deployed is None:
            present = None
        if present is None:
            self.uncertain.append(document.locate(path))
        try:
            self._instance(state, scope, path, raw, symbolic, parent, depth, position,
                           present)
        finally:
            if present is None:
                self.uncertain.pop()

    def _instance(self, state: _TemplateState, scope: _Scope, path: JsonPath,
                  raw: dict[str, Any], symbolic: bool, parent: _Parent | None, depth: int,
                  position: int | None, present: bool | None) -> None:
        document = state.document
        rtype = self.full_type(document, path, raw, scope, parent)
        if rtype is None:
            return
        extension = extension_api_version(rtype) if _extension_resource(raw) else None
        if extension is not None:
            self.extension_resource(document, path, raw, scope, rtype, present, position)
            return
        name = self.full_name(document, path, raw, scope, parent)
        body = self.body(document, path, raw, scope, rtype)
        properties = body.data.get("properties") if isinstance(body.data, dict) else None
        if properties is not None and not isinstance(properties.data, dict | Unresolved) \
                and properties.data is not None:
            self.input_error(document, (*path, "properties"),
                             f"'properties' of a {rtype} resource must be an object")
            return
        resource_id = self.resource_id(document, path, rtype, name, body, scope)
        decl = document.locate_key(path) if symbolic else None
        resource = ResolvedResource(
            format="arm", type=rtype,
            address=self.address(rtype, name, resource_id, position),
            name=name, body=body, decl=decl or document.locate(path), present=present,
            api_version=_api_version(body), id=resource_id)
        self.resolution.resources.append(resource)
        if isinstance(raw.get("resources"), list):
            child_parent = _Parent(rtype, name, present)
            self.resources_of(state, scope, child_parent, depth, (*path, "resources"))
        if rtype.lower() == DEPLOYMENTS_TYPE:
            self.nested_deployment(state, scope, path, raw, body, present, depth)

    def extension_resource(self, document: ArmDocument, path: JsonPath, raw: dict[str, Any],
                           scope: _Scope, rtype: str, present: bool | None,
                           position: int | None) -> None:
        """A resource of a Bicep extension (`"import": "kubernetes"`, `"extension":
        "MicrosoftGraph"`; type `apps/Deployment@v1`): not an Azure resource, so it needs
        no `name` and has no resource ID; its name is what the extension uses
        (`metadata.name`, `uniqueName`, `name` of its properties)."""
        body = self.body(document, path, raw, scope, rtype)
        written, _, version = rtype.partition("@")
        name = extension_name(body, document.locate(path))
        self.resolution.resources.append(ResolvedResource(
            format="arm", type=written, address=self.address(written, name,
                                                              _NO_EXTENSION_ID, position),
            name=name, body=body, decl=document.locate(path), present=present,
            api_version=version or None, id=_NO_EXTENSION_ID))

    def presence(self, document: ArmDocument, path: JsonPath, raw: dict[str, Any],
                 scope: _Scope, parent: _Parent | None, count_known: bool) -> bool | None:
        present: bool | None = True if count_known else None
        if parent is not None and parent.present is None:
            present = None
        if "condition" not in raw:
            return present
        condition = self.value(document, (*path, "condition"), raw["condition"], scope).data
        if condition is False:
            return False
        if isinstance(condition, str) and condition.strip().lower() in ("true", "false"):
            condition = condition.strip().lower() == "true"
            if condition is False:
                return False
        if condition is not True:
            return None
        return present

    def full_type(self, document: ArmDocument, path: JsonPath, raw: dict[str, Any],
                  scope: _Scope, parent: _Parent | None) -> str | None:
        written = self.value(document, (*path, "type"), raw.get("type"), scope).data \
            if "type" in raw else None
        if not isinstance(written, str) or not written.strip():
            if isinstance(written, Unresolved):
                self.note(f"{document.locate(path)}: resource type is unknown; resource "
                          "skipped")
            else:
                self.input_error(document, path, "a resource needs a 'type' string")
            return None
        written = written.strip().strip("/")
        if parent is None or _is_namespaced(written):
            return written
        return f"{parent.type}/{written}"

    def full_name(self, document: ArmDocument, path: JsonPath, raw: dict[str, Any],
                  scope: _Scope, parent: _Parent | None) -> Sourced:
        if "name" not in raw:
            loc = document.locate(path)
            self.input_error(document, path, "a resource needs a 'name'")
            return Sourced(Unresolved("resource has no name", loc), loc)
        name = self.value(document, (*path, "name"), raw["name"], scope)
        if parent is None or not isinstance(raw.get("type"), str) \
                or _is_namespaced(raw["type"]):
            return name
        parent_name = parent.name.data
        if isinstance(parent_name, Unresolved):
            return Sourced(parent_name, name.loc)
        if isinstance(name.data, Unresolved):
            return name
        return Sourced(f"{parent_name}/{name.data}", name.loc)

    def body(self, document: ArmDocument, path: JsonPath, raw: dict[str, Any],
             scope: _Scope, rtype: str) -> Sourced:
        """The resource object evaluated, without nested child `resources` (emitted on
        their own) and, for a deployment, without its nested template."""
        result: dict[str, Sourced] = {}
        nested = rtype.lower() == DEPLOYMENTS_TYPE
        for key, item in raw.items():
            if key.lower() == "resources" and isinstance(item, list):
                continue
            item_path = (*path, key)
            if nested and key.lower() == "properties" and isinstance(item, dict):
                result[key] = self.deployment_properties(document, item_path, item, scope)
            else:
                result[key] = self.value(document, item_path, item, scope)
        return Sourced(result, document.locate(path))

    def deployment_properties(self, document: ArmDocument, path: JsonPath,
                              raw: dict[str, Any], scope: _Scope) -> Sourced:
        result: dict[str, Sourced] = {}
        for key, item in raw.items():
            if key.lower() == "template":
                loc = document.locate((*path, key))
                result[key] = Sourced(Unresolved("nested template: its resources are "
                                                 "resolved on their own", loc), loc)
            else:
                result[key] = self.value(document, (*path, key), item, scope)
        return Sourced(result, document.locate(path))

    def resource_id(self, document: ArmDocument, path: JsonPath, rtype: str, name: Sourced,
                    body: Sourced, scope: _Scope) -> str | Unresolved:
        if isinstance(name.data, Unresolved):
            return Unresolved(f"resource name is unknown ({name.data.reason})",
                              name.data.location)
        if not isinstance(name.data, str):
            self.input_error(document, (*path, "name"), "a resource name must be a string")
            return Unresolved("resource name is not a string")
        names = [part for part in name.data.split("/") if part]
        if len(names) != rtype.count("/"):
            self.input_error(document, (*path, "name"),
                             f"name {name.data!r} has {len(names)} segments but type "
                             f"{rtype!r} needs {rtype.count('/')}")
            return Unresolved("resource name does not match its type")
        prefix = _scope_prefix(body, scope.deployment())
        if isinstance(prefix, Unresolved):
            return prefix
        return f"{prefix}/{provider_path(rtype, names)}"

    def address(self, rtype: str, name: Sourced, resource_id: str | Unresolved,
                position: int | None) -> str:
        if isinstance(resource_id, str):
            key = arm_resource_key(resource_id)
            if key is not None:
                return key
        written = name.data.reason if isinstance(name.data, Unresolved) else str(name.data)
        address = f"{rtype.lower()}/<{written}>"
        if position is not None:
            return f"{address}[{position}]"
        seen = self._fallback_addresses.get(address, 0)
        self._fallback_addresses[address] = seen + 1
        return address if not seen else f"{address}#{seen + 1}"

    def symbol_info(self, state: _TemplateState, symbol: str) -> Sourced:
        """`resourceInfo('symbol')`: id, name, type and apiVersion of a symbolic resource."""
        document = state.document
        path: JsonPath = (*state.path, "resources", symbol)
        raw = state.section("resources")[symbol]
        loc = document.locate_key(path) or document.locate(path)
        if not isinstance(raw, dict) or "copy" in raw:
            return Sourced(Unresolved(f"resource {symbol!r} is a loop or not an object", loc),
                           loc)
        scope = _Scope(state)
        rtype = self.full_type(document, path, raw, scope, None)
        if rtype is not None and _extension_resource(raw) \
                and extension_api_version(rtype) is not None:
            written, _, version = rtype.partition("@")
            body = self.body(document, path, raw, scope, rtype)
            return Sourced({"id": Sourced(_NO_EXTENSION_ID, loc),
                            "name": extension_name(body, loc),
                            "type": Sourced(written, loc), "apiVersion": Sourced(version, loc)},
                           loc)
        name = self.full_name(document, path, raw, scope, None)
        api = self.value(document, (*path, "apiVersion"), raw.get("apiVersion"), scope) \
            if "apiVersion" in raw else Sourced(None, loc)
        if rtype is None:
            return Sourced(Unresolved(f"type of resource {symbol!r} is unknown", loc), loc)
        body = self.body(document, path, {k: v for k, v in raw.items() if k == "scope"},
                         scope, rtype)
        resource_id = self.resource_id(document, path, rtype, name, body, scope)
        return Sourced({"id": Sourced(resource_id, loc), "name": name,
                        "type": Sourced(rtype, loc), "apiVersion": api}, loc)

    # -- outputs -------------------------------------------------------------------------

    def output_value(self, document: ArmDocument, path: JsonPath, raw: Any,
                     scope: _Scope) -> Sourced:
        """The value of the output declared at `path`: `value` (or `copy`), null when its
        `condition` is false."""
        loc = document.locate(path)
        if not isinstance(raw, dict):
            self.input_error(document, path, "an output must be an object")
            return Sourced(Unresolved("invalid output", loc), loc)
        if "condition" in raw:
            condition = self.value(document, (*path, "condition"), raw["condition"],
                                   scope).data
            if condition is False:
                return Sourced(None, loc)  # an output whose condition is false is absent
            if condition is not True:
                return Sourced(Unresolved(f"output {path[-1]!r} has an unknown condition",
                                          loc), loc)
        if isinstance(raw.get("copy"), dict):
            return self.copy_loop(document, (*path, "copy"), raw["copy"], scope)
        if "value" not in raw:
            self.input_error(document, path, "an output needs a 'value'")
            return Sourced(Unresolved("output without a value", loc), loc)
        return self.value(document, (*path, "value"), raw["value"], scope)

    def deployment_index(self, state: _TemplateState) -> dict[str, tuple[JsonPath,
                                                                          dict[str, Any]]]:
        """The nested deployments a template declares (not in a copy loop), by resource
        key (`microsoft.resources/deployments/<name>`), for `reference()`."""
        if state.deployments is not None:
            return state.deployments
        state.deployments = {}
        self.quiet += 1
        try:
            self._index_deployments(state, state.deployments)
        finally:
            self.quiet -= 1
        return state.deployments

    def _index_deployments(self, state: _TemplateState,
                           found: dict[str, tuple[JsonPath, dict[str, Any]]]) -> None:
        path: JsonPath = (*state.path, "resources")
        raw = _at(state.document.data, path)
        entries = raw.items() if isinstance(raw, dict) else enumerate(raw) \
            if isinstance(raw, list) else ()
        for step, item in entries:
            if not isinstance(item, dict) or "copy" in item or "name" not in item:
                continue
            written = item.get("type")
            if not isinstance(written, str) or written.strip().lower() != DEPLOYMENTS_TYPE:
                continue
            entry_path: JsonPath = (*path, step)
            name = self.value(state.document, (*entry_path, "name"), item["name"],
                              _Scope(state)).data
            if isinstance(name, str) and name and "/" not in name:
                found[f"{DEPLOYMENTS_TYPE}/{name.lower()}"] = (entry_path, item)

    def resource_index(self, state: _TemplateState
                       ) -> dict[str, tuple[JsonPath, dict[str, Any], _Parent | None]]:
        """The resources a template declares (not in a copy loop, not extension resources,
        child resources included), by resource key, for `reference()`."""
        if state.declared is None:
            state.declared = {}
            self.quiet += 1
            try:
                self._index_resources(state, (*state.path, "resources"), None,
                                      state.declared)
            finally:
                self.quiet -= 1
        return state.declared

    def _index_resources(self, state: _TemplateState, path: JsonPath, parent: _Parent | None,
                         found: dict[str, tuple[JsonPath, dict[str, Any], _Parent | None]]
                         ) -> None:
        document = state.document
        raw = _at(document.data, path)
        entries = raw.items() if isinstance(raw, dict) and parent is None else \
            enumerate(raw) if isinstance(raw, list) else ()
        scope = _Scope(state)
        for step, item in entries:
            if not isinstance(item, dict) or "copy" in item or "scope" in item \
                    or "name" not in item or _extension_resource(item):
                continue
            entry_path: JsonPath = (*path, step)
            rtype = self.full_type(document, entry_path, item, scope, parent)
            if rtype is None:
                continue
            name = self.full_name(document, entry_path, item, scope, parent)
            if not isinstance(name.data, str):
                continue
            names = [part for part in name.data.split("/") if part]
            key = arm_resource_key(f"/{provider_path(rtype, names)}") \
                if len(names) == rtype.count("/") else None
            if key is not None:
                found.setdefault(key, (entry_path, item, parent))
            if isinstance(item.get("resources"), list):
                self._index_resources(state, (*entry_path, "resources"),
                                      _Parent(rtype, name, None), found)

    def declared_state(self, state: _TemplateState, key: str, path: JsonPath,
                       raw: dict[str, Any], parent: _Parent | None) -> Sourced:
        """A declared resource as `reference(id, api, 'Full')` reads it before deployment:
        its body as written, and for the rest a reference to the resource (as Bicep reads
        `vnet.properties.subnets[0].id`); an `existing` resource is all runtime state."""
        document = state.document
        scope = _Scope(state)
        loc = document.locate(path)

        def runtime(step: str) -> ResourceRef:
            return ResourceRef(key, step)

        if raw.get("existing") is True:
            return Sourced(RuntimeObject({"existing": Sourced(True, loc)}, runtime, ()), loc)
        # its errors are reported where the resource itself is resolved (if deployed)
        self.quiet += 1
        try:
            rtype = self.full_type(document, path, raw, scope, parent) or ""
            name = self.full_name(document, path, raw, scope, parent)
            body = self.body(document, path, raw, scope, rtype)
            resource_id = self.resource_id(document, path, rtype, name, body, scope)
        finally:
            self.quiet -= 1
        return runtime_view(body, (), runtime, resource_id)

    def deployment_reference(self, state: _TemplateState, key: str, path: JsonPath,
                             raw: dict[str, Any]) -> Sourced:
        """`reference()` of a nested deployment: its outputs evaluated (inline templates,
        inner or outer scope, and linked templates on disk); every other property, and the
        outputs of a template that cannot be read, are runtime state."""
        document = state.document
        loc = document.locate(path)

        def runtime(step: str) -> ResourceRef:
            return ResourceRef(key, f"properties.{step}")

        outputs: dict[str, Sourced] = {}
        found = self._nested_outputs(state, path, raw)
        if found is None:
            return Sourced(RuntimeObject({}, runtime, ()), loc)
        outputs_document, outputs_path, outputs_raw, outputs_scope = found
        linked = outputs_document is not document and outputs_scope.state.disk_path
        if linked:
            self._linked.append(linked)
        try:
            for name, declaration in outputs_raw.items():
                output_path = (*outputs_path, name)
                value = self.output_value(outputs_document, output_path, declaration,
                                          outputs_scope)
                kind = declaration.get("type") if isinstance(declaration, dict) else None
                where = outputs_document.locate(output_path)
                outputs[name] = Sourced(RuntimeObject(
                    {"type": Sourced(kind, where), "value": value}, runtime,
                    ("outputs", name)), where)
        finally:
            if linked:
                self._linked.pop()
        return Sourced(RuntimeObject({"outputs": Sourced(RuntimeObject(
            outputs, runtime, ("outputs",)), loc)}, runtime, ()), loc)

    def _nested_outputs(self, state: _TemplateState, path: JsonPath, raw: dict[str, Any]
                        ) -> tuple[ArmDocument, JsonPath, dict[str, Any], _Scope] | None:
        """Where a nested deployment's outputs are declared and the scope they see."""
        properties = raw.get("properties")
        if not isinstance(properties, dict):
            return None
        scope = _Scope(state)
        properties_path = (*path, "properties")
        placement: dict[str, Sourced] = {
            key: self.value(state.document, (*path, key), raw[key], scope)
            for key in ("resourceGroup", "subscriptionId") if key in raw}
        deployment = _inner_deployment(Sourced(placement), scope.deployment())
        template = properties.get("template")
        if isinstance(template, dict):
            template_path = (*properties_path, "template")
            outputs = template.get("outputs")
            if not isinstance(outputs, dict):
                return None
            options = properties.get("expressionEvaluationOptions")
            if not (isinstance(options, dict)
                    and str(options.get("scope", "")).lower() == "inner"):
                return state.document, (*template_path, "outputs"), outputs, scope
            supplied = self.deployment_parameters(state.document, properties_path,
                                                  properties, scope)
            nested = self.template_state(state.document, template_path, deployment,
                                         supplied, state.disk_path)
            if nested is None:
                return None
            return state.document, (*template_path, "outputs"), outputs, _Scope(nested)
        link = properties.get("templateLink")
        if not isinstance(link, dict) or "relativePath" not in link:
            return None
        linked = self.linked_document(state, scope, (*properties_path, "templateLink"), link)
        if linked is None:
            return None
        document, disk_path = linked
        outputs = document.template.get("outputs") \
            if isinstance(document.template, dict) else None
        if not isinstance(outputs, dict):
            return None
        supplied = self.deployment_parameters(state.document, properties_path, properties,
                                              scope)
        nested = self.template_state(document, document.template_path, deployment,
                                     supplied, disk_path)
        if nested is None:
            return None
        return document, (*document.template_path, "outputs"), outputs, _Scope(nested)

    # -- nested and linked deployments --------------------------------------------------------

    def nested_deployment(self, state: _TemplateState, scope: _Scope, path: JsonPath,
                          raw: dict[str, Any], body: Sourced, present: bool | None,
                          depth: int) -> None:
        outer = self.deployed
        self.deployed = None if present is None else outer
        try:
            self._nested_deployment(state, scope, path, raw, body, depth)
        finally:
            self.deployed = outer

    def _nested_deployment(self, state: _TemplateState, scope: _Scope, path: JsonPath,
                           raw: dict[str, Any], body: Sourced, depth: int) -> None:
        properties = raw.get("properties")
        if not isinstance(properties, dict):
            return
        if depth >= MAX_NESTED_DEPLOYMENTS:
            self.note(f"{state.document.locate(path)}: nested deployments deeper than "
                      f"{MAX_NESTED_DEPLOYMENTS} levels are not followed")
            return
        deployment = _inner_deployment(body, scope.deployment())
        properties_path = (*path, "properties")
        if isinstance(properties.get("template"), dict):
            options = properties.get("expressionEvaluationOptions")
            inner = isinstance(options, dict) and str(options.get("scope", "")).lower() \
                == "inner"
            template_path = (*properties_path, "template")
            if inner:
                supplied = self.deployment_parameters(state.document, properties_path,
                                                      properties, scope)
                nested = self.template_state(state.document, template_path, deployment,
                                             supplied, state.disk_path)
                if nested is not None:
                    self.resources_of(nested, _Scope(nested), None, depth + 1)
            else:
                self.outer_template(state, scope, template_path, depth)
            return
        link = properties.get("templateLink")
        if isinstance(link, dict):
            self.linked_template(state, scope, properties_path, properties, link,
                                 deployment, depth)

    def outer_template(self, state: _TemplateState, scope: _Scope, template_path: JsonPath,
                       depth: int) -> None:
        """A nested template in outer scope: its expressions see the parent's parameters
        and variables, so its resources are evaluated with the parent's scope."""
        resources_path = (*template_path, "resources")
        if _at(state.document.data, resources_path) is not None:
            self.resources_of(state, _Scope(state), None, depth + 1, resources_path)

    def deployment_parameters(self, document: ArmDocument, path: JsonPath,
                              properties: dict[str, Any], scope: _Scope
                              ) -> dict[str, Sourced]:
        """Values a deployment resource passes to an inner-scope or linked template,
        evaluated in the parent's scope."""
        values: dict[str, Sourced] = {}
        parameters = properties.get("parameters")
        if isinstance(properties.get("parametersLink"), dict):
            self.note(f"{document.locate((*path, 'parametersLink'))}: parametersLink is "
                      "not followed; those parameters are unknown")
        if not isinstance(parameters, dict):
            return values
        for name, entry in parameters.items():
            entry_path = (*path, "parameters", name)
            if isinstance(entry, dict) and "value" in entry:
                values[name.lower()] = self.value(document, (*entry_path, "value"),
                                                  entry["value"], scope)
            elif isinstance(entry, dict) and "reference" in entry:
                loc = document.locate(entry_path)
                values[name.lower()] = Sourced(
                    Unresolved(f"parameter {name!r} is a Key Vault reference", loc), loc)
        return values

    def linked_template(self, state: _TemplateState, scope: _Scope, path: JsonPath,
                        properties: dict[str, Any], link: dict[str, Any],
                        deployment: Deployment, depth: int) -> None:
        linked = self.linked_document(state, scope, (*path, "templateLink"), link)
        if linked is None:
            return
        document, disk_path = linked
        supplied = self.deployment_parameters(state.document, path, properties, scope)
        nested = self.template_state(document, document.template_path, deployment, supplied,
                                     disk_path)
        if nested is not None:
            self._linked.append(disk_path)
            try:
                self.resources_of(nested, _Scope(nested), None, depth + 1)
            finally:
                self._linked.pop()

    def linked_document(self, state: _TemplateState, scope: _Scope, link_path: JsonPath,
                        link: dict[str, Any]) -> tuple[ArmDocument, Path] | None:
        """The template a `templateLink.relativePath` names, read from disk (inside the
        scanned tree), with its path; None (and a note) when it cannot be followed."""
        document = state.document
        relative = self.value(document, (*link_path, "relativePath"),
                              link["relativePath"], scope).data \
            if "relativePath" in link else None
        if not isinstance(relative, str) or state.disk_path is None:
            self.note(f"{document.locate(link_path)}: linked template is not on disk "
                      "(only templateLink.relativePath is followed); its resources are "
                      "unknown")
            return None
        disk_path = (state.disk_path.parent / relative).resolve()
        rel = posixpath.normpath(posixpath.join(posixpath.dirname(document.path), relative))
        if disk_path in self._linked:
            self.note(f"{document.locate(link_path)}: linked template {rel} links back to "
                      "itself; not followed again")
            return None
        try:
            data = sources.read_bytes(disk_path, rel)
            budget.charge(len(data) // 64, document.locate(link_path), "linked template")
            linked = parse_bytes(data, rel)
        except sources.OutsideTree:
            self.note(f"{document.locate(link_path)}: linked template {sources.escape(rel)} "
                      "is outside the scanned tree; not read, its resources are unknown")
            return None
        except ParseError as exc:
            if not disk_path.exists():
                self.note(f"{document.locate(link_path)}: linked template {rel} not found")
                return None
            self.error(exc)
            return None
        if linked.kind != "template":
            self.note(f"{document.locate(link_path)}: {rel} is not an ARM template")
            return None
        return linked, disk_path


# ---------------------------------------------------------------------------------------
# Small helpers

def conditional_error(error: AksnetlintError, declaration: Location) -> bool:
    """Whether a template error lies inside `declaration` (a resource that may not be
    deployed). Bicep shares it."""
    if error.path != declaration.path or error.line is None:
        return False
    start = (error.line, error.column or 1)
    if start < (declaration.line, declaration.column):
        return False
    if declaration.end_line is None or declaration.end_column is None:
        return error.line == declaration.line
    return start < (declaration.end_line, declaration.end_column)


def _at(data: Any, path: JsonPath) -> Any:
    node = data
    for step in path:
        if isinstance(step, int):
            if not isinstance(node, list) or not 0 <= step < len(node):
                return None
        elif not isinstance(node, dict) or step not in node:
            return None
        node = node[step]
    return node


_NO_EXTENSION_ID = Unresolved("a resource of a Bicep extension (Kubernetes, Microsoft Graph) "
                              "has no Azure resource ID")
_API_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?")


def extension_api_version(type_string: str) -> str | None:
    """The version of a resource type that belongs to a Bicep extension rather than to
    Azure (`apps/Deployment@v1`, `Microsoft.Graph/groups@v1.0`: not a date), else None.
    Bicep shares it."""
    _, at, version = type_string.partition("@")
    if not at or _API_DATE.fullmatch(version.strip()):
        return None
    return version.strip() or None


def extension_name(body: Sourced, loc: Location) -> Sourced:
    """The name an extension resource goes by: `metadata.name` (Kubernetes), `uniqueName`
    or `name` (Microsoft Graph) among its properties. Bicep shares it."""
    properties = body.data.get("properties") if isinstance(body.data, dict) else None
    data = properties.data if properties is not None else None
    if isinstance(data, dict):
        metadata = data.get("metadata")
        if metadata is not None and isinstance(metadata.data, dict) \
                and "name" in metadata.data:
            return metadata.data["name"]
        for key in ("uniqueName", "name", "displayName"):
            if key in data:
                return data[key]
    return Sourced(Unresolved("the extension resource has no name", loc), loc)


def _extension_resource(raw: dict[str, Any]) -> bool:
    return any(key.lower() in ("import", "extension") for key in raw) or \
        (isinstance(raw.get("type"), str) and "@" in raw["type"])


def _is_namespaced(rtype: str) -> bool:
    """Whether a type is written in full (`Microsoft.Network/...`), not as a child
    segment (`subnets`)."""
    head = rtype.split("/", 1)[0]
    return "." in head and "/" in rtype


def _is_property_loops(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(loop, dict) and isinstance(loop.get("name"), str) and "input" in loop
        for loop in value)


def _api_version(body: Sourced) -> str | None:
    if not isinstance(body.data, dict):
        return None
    found = body.data.get("apiVersion")
    return found.data if found is not None and isinstance(found.data, str) else None


def _scope_prefix(body: Sourced, deployment: Deployment) -> str | Unresolved:
    """The ID prefix of a resource: its `scope` property (extension resources), else
    the deployment's subscription and resource group."""
    written = body.data.get("scope") if isinstance(body.data, dict) else None
    if written is not None:
        if isinstance(written.data, str):
            return written.data.rstrip("/")
        return Unresolved("the resource's scope is unknown")
    return deployment_prefix(deployment)


def deployment_prefix(deployment: Deployment) -> str:
    """The ID prefix of a resource deployed at `deployment`'s scope (placeholders for
    what is chosen at deployment, which `arm_resource_key` ignores). Bicep shares it."""
    subscription = deployment.subscription_id if isinstance(deployment.subscription_id, str) \
        else UNKNOWN_SUBSCRIPTION
    group = deployment.resource_group if isinstance(deployment.resource_group, str) \
        else UNKNOWN_RESOURCE_GROUP
    if deployment.scope == "tenant":
        return ""
    if deployment.scope == "managementGroup":
        return f"/providers/Microsoft.Management/managementGroups/{UNKNOWN_MANAGEMENT_GROUP}"
    if deployment.scope == "subscription":
        return f"/subscriptions/{subscription}"
    return f"/subscriptions/{subscription}/resourceGroups/{group}"


def _inner_deployment(body: Sourced, outer: Deployment) -> Deployment:
    """Where a nested deployment goes: its `subscriptionId` / `resourceGroup`, if set."""
    data = body.data if isinstance(body.data, dict) else {}
    group = data.get("resourceGroup")
    subscription = data.get("subscriptionId")
    scope = outer.scope
    resource_group = outer.resource_group
    subscription_id = outer.subscription_id
    if group is not None:
        scope = "resourceGroup"
        resource_group = group.data if isinstance(group.data, str) else Unresolved(
            "nested deployment's resource group is unknown")
    if subscription is not None:
        if scope in ("managementGroup", "tenant"):
            scope = "subscription"
        subscription_id = subscription.data if isinstance(subscription.data, str) \
            else Unresolved("nested deployment's subscription is unknown")
    location = outer.location if group is None else Unresolved(
        "nested deployment's resource group location is unknown")
    return Deployment(scope, subscription_id, resource_group, location, outer.tenant_id)


def _nullable(state: _TemplateState, declaration: Any) -> bool:
    """Whether a parameter (or type definition) accepts null: `"nullable": true` on it or
    on the definition its `$ref` names (`#/definitions/name`), followed a few levels."""
    definitions = state.section("definitions")
    for _ in range(8):
        if not isinstance(declaration, dict):
            return False
        if declaration.get("nullable") is True:
            return True
        ref = declaration.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/definitions/"):
            return False
        declaration = definitions.get(ref[len("#/definitions/"):])
    return False


def _declare_functions(state: _TemplateState, entry: Any) -> None:
    """Register a `functions` section entry: `{namespace, members: {name: {parameters,
    output: {value}}}}`."""
    if not isinstance(entry, dict) or not isinstance(entry.get("members"), dict):
        return
    namespace = str(entry.get("namespace", ""))
    for name, member in entry["members"].items():
        if not isinstance(member, dict):
            continue
        parameters = member.get("parameters")
        names = tuple(str(p.get("name")) for p in parameters if isinstance(p, dict)) \
            if isinstance(parameters, list) else ()
        output = member.get("output")
        value = output.get("value") if isinstance(output, dict) else None
        state.functions[f"{namespace}.{name}".lower()] = UserFunction(names, value, None)
