"""Evaluate a Terraform module the way `terraform plan` would, as far as the files allow.

A module is a folder of `.tf` files. Input variables take their values from `--var-file`
files, `*.auto.tfvars`, `terraform.tfvars` and their defaults (Terraform's precedence);
locals, resource attributes, conditionals, `count`/`for_each`, for-expressions and
built-in functions are evaluated. Anything only known at apply time (a resource `id`, a data
source, a variable without a value) becomes `Unresolved` or a `ResourceRef`, never a guess.
Every evaluated value keeps the location where it was written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from aksnetlint import budget
from aksnetlint.errors import AksnetlintError, EvaluationError, ParseError
from aksnetlint.parsers import hcl_ast as ast
from aksnetlint.resolve import terraform_numbers as numbers
from aksnetlint.resolve import terraform_types as types
from aksnetlint.resolve.resources import Resolution, ResolvedResource
from aksnetlint.resolve.terraform_types import ResourceObject as _ResourceObject
from aksnetlint.values import (
    Location,
    ResourceRef,
    Sourced,
    Unresolved,
    find_unresolved,
    sourced,
    to_plain,
)

MAX_INSTANCES = 1000
# How many labels Terraform requires on each top-level block type it defines.
_LABELS = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "locals": 0,
           "provider": 1}
MAX_EVAL_DEPTH = 150
_INSTANCE_WORK = 64  # budget steps a resource or module instance costs beyond its expressions
_BUILDERS = (ast.Template, ast.TupleExpr, ast.ObjectExpr, ast.ForExpr, ast.Call)

# Attributes Terraform computes at apply time for every resource; never written.
_UNKNOWN_PREFIXES = ("data",)


@dataclass(slots=True)
class TerraformModule:
    """The parsed files of one module folder (`folder` relative to the scan root)."""

    folder: str
    files: list[ast.HclFile] = field(default_factory=list)
    var_files: list[ast.HclFile | tuple[str, dict[str, object]]] = field(default_factory=list)


class ModuleLoader:
    """Finds and parses called modules. `load(caller_folder, source, key)` returns the child
    module, or an `Unresolved` saying why it is not available (registry module not
    downloaded); errors (missing folder) are reported through `errors`."""

    def load(self, caller: TerraformModule, source: str, key: str,
             loc: Location) -> TerraformModule | Unresolved:
        del caller, key, loc
        return Unresolved(f"module source {source!r} is not read in this scan")


MAX_MODULE_DEPTH = 16


@dataclass(slots=True)
class _Resource:
    mode: str  # "resource" or "data"
    type: str
    name: str
    block: ast.Block

    @property
    def address(self) -> str:
        prefix = "data." if self.mode == "data" else ""
        return f"{prefix}{self.type}.{self.name}"


@dataclass(frozen=True, slots=True)
class _Instance:
    key: int | str | None  # None: a single instance (no count / for_each)
    scope: dict[str, Sourced]
    present: bool | None


def resolve_terraform(module: TerraformModule, loader: ModuleLoader | None = None) -> Resolution:
    """Evaluate every managed resource of `module` (and the modules it calls) into
    `ResolvedResource`s."""
    evaluator = ModuleEvaluator(module, loader=loader)
    return evaluator.resolve()


@dataclass(slots=True)
class _Child:
    """One instance of a `module` block: its evaluator, or why it is unavailable."""

    key: int | str | None
    evaluator: ModuleEvaluator | None
    unavailable: Unresolved | None
    present: bool | None


def _cycle_message(key: object, cycle: list[str]) -> str:
    """Terraform's words for a value that depends on itself."""
    kind = key[1] if isinstance(key, tuple) and len(key) > 1 else None
    if len(cycle) == 1 and kind == "local":
        return (f"Self-referencing local value: Local value {cycle[0]} cannot use its own "
                "result as part of its expression.")
    if len(cycle) == 1 and kind == "resource":
        return f"Self-referential block: Configuration for {cycle[0]} may not refer to itself."
    return f"Cycle: {', '.join(cycle)}"


class _Graph:
    """The values being evaluated right now, across every module of the deployment.

    Values are evaluated on demand, one named value at a time (a variable, a local, an
    output, a resource, a module's expansion), so modules may read each other's outputs
    as Terraform allows. A value reached again while it is being evaluated depends on
    itself: that is a cycle, reported once as Terraform reports it."""

    def __init__(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.active: list[tuple[object, str]] = []
        self.depth = 0  # expressions being evaluated, nested
        self.unselected_failures = 0  # conditionals whose other branch failed
        self.reported: set[frozenset[str]] = set()

    def enter(self, key: object, label: str, loc: Location) -> Unresolved | None:
        """Start evaluating `key`; the cycle's `Unresolved` when it is already underway."""
        for position, (active, _) in enumerate(self.active):
            if active == key:
                cycle = [name for _, name in self.active[position:]]
                names = frozenset(cycle)
                message = _cycle_message(key, cycle)
                if names not in self.reported:
                    self.reported.add(names)
                    self.resolution.errors.append(EvaluationError(
                        message, loc.path, loc.line, loc.column))
                return Unresolved(message, loc)
        self.active.append((key, label))
        return None

    def leave(self) -> None:
        self.active.pop()


@dataclass(frozen=True, slots=True)
class _Argument:
    """A module argument, evaluated in the caller when the module first uses it."""

    caller: ModuleEvaluator
    attr: ast.Attribute
    scope: dict[str, Sourced]

    def __call__(self) -> Sourced:
        result = self.caller.evaluate(self.attr.value, self.scope)
        return Sourced(result.data, result.loc or self.attr.loc, self.attr.loc)


class _Variables(dict[str, Sourced]):
    """A module's variable values, each converted when first used (a module's input may
    read an output of another module, or of its own module)."""

    def __init__(self, evaluator: ModuleEvaluator) -> None:
        super().__init__()
        self.evaluator = evaluator

    def __contains__(self, name: object) -> bool:
        return name in self.evaluator.variables

    def __missing__(self, name: str) -> Sourced:
        evaluator = self.evaluator
        block = evaluator.variables[name]
        argument = (evaluator.inputs or {}).get(name)
        cycle = evaluator.graph.enter((evaluator, "var", name),
                                      f"{evaluator.prefix}var.{name}",
                                      argument.attr.loc if argument else block.loc)
        if cycle is not None:
            return Sourced(cycle, block.loc)
        try:
            given = evaluator.given(name)
            value = evaluator._variable_value(name, block, given)  # noqa: SLF001
        finally:
            evaluator.graph.leave()
        self[name] = value
        return value


class ModuleEvaluator:
    """Holds one module's declarations and evaluates expressions against them."""

    def __init__(self, module: TerraformModule, loader: ModuleLoader | None = None,
                 prefix: str = "", inputs: dict[str, _Argument] | None = None,
                 resolution: Resolution | None = None, chain: tuple[str, ...] = (),
                 key_path: str = "", graph: _Graph | None = None) -> None:
        self.module = module
        self.loader = loader or ModuleLoader()
        self.prefix = prefix
        self.inputs = inputs
        self._given: dict[str, Sourced] = {}
        self.chain = (*chain, module.folder)
        self.key_path = key_path  # "net.aks": module names from the root, for modules.json
        self.module_calls: dict[str, ast.Block] = {}
        self._children: dict[str, list[_Child]] = {}
        self.resolution = resolution if resolution is not None else Resolution()
        self.graph = graph if graph is not None else _Graph(self.resolution)
        self.variables: dict[str, ast.Block] = {}
        self.locals: dict[str, ast.Attribute] = {}
        self.resources: dict[str, _Resource] = {}
        self.outputs: dict[str, ast.Attribute] = {}
        self.var_values = _Variables(self)
        self._local_cache: dict[str, Sourced] = {}
        self._output_cache: dict[str, Sourced] = {}
        self._attr_cache: dict[tuple[str, object, str], Sourced] = {}
        self._instances: dict[str, list[_Instance]] = {}
        self._collect()
        self._bind_variables()

    # -- declarations ------------------------------------------------------------------
    def _collect(self) -> None:
        from aksnetlint.resolve.terraform_override import apply_overrides

        files, errors = apply_overrides(self.module.files)
        self.resolution.errors.extend(errors)
        for hcl in files:
            for block in hcl.body.blocks:
                self._declare(block)

    def _declare(self, block: ast.Block) -> None:
        expected = _LABELS.get(block.type)
        if expected is not None and len(block.labels) != expected:
            self.resolution.errors.append(EvaluationError(
                f"a {block.type} block needs {expected} label{'s' if expected != 1 else ''}, "
                f"found {len(block.labels)}", block.loc.path, block.loc.line, block.loc.column))
            return
        if block.type == "variable" and len(block.labels) == 1:
            self.variables[block.labels[0]] = block
        elif block.type == "locals":
            for attr in block.body.attributes.values():
                self.locals[attr.name] = attr
        elif block.type in ("resource", "data") and len(block.labels) == 2:
            res = _Resource(block.type, block.labels[0], block.labels[1], block)
            self.resources[res.address] = res
        elif block.type == "module" and len(block.labels) == 1:
            self.module_calls[block.labels[0]] = block
        elif block.type == "output" and len(block.labels) == 1:
            value = block.body.attributes.get("value")
            if value is not None:
                self.outputs[block.labels[0]] = value

    def _bind_variables(self) -> None:
        """The root module's values from variable files; a called module's arguments are
        evaluated when its variables are first used."""
        if self.inputs is not None:
            return
        for var_file in self.module.var_files:
            if isinstance(var_file, ast.HclFile):
                for attr in var_file.body.attributes.values():
                    self._given[attr.name] = self._evaluate_constant(attr.value)
            else:
                path, values = var_file
                for name, value in values.items():
                    self._given[name] = sourced(value, Location(path, 1, 1))
        for name in self.variables:
            self.var_values[name]  # noqa: B018 - the root's values are checked up front

    def given(self, name: str) -> Sourced | None:
        """The value given for variable `name`: a variable file's, or the caller's."""
        if self.inputs is None:
            return self._given.get(name)
        thunk = self.inputs.get(name)
        return None if thunk is None else thunk()

    def _variable_value(self, name: str, block: ast.Block, given: Sourced | None) -> Sourced:
        """A variable's value converted to its type: the given value (tfvars or the caller's
        argument), else its default; Terraform's error when the value does not convert."""
        attrs = block.body.attributes
        var_type = types.ANY
        if "type" in attrs:
            try:
                var_type = types.parse_type(attrs["type"].value, self._evaluate_constant)
            except types.TypeSyntaxError as exc:
                self.resolution.errors.append(exc)
        default: Sourced | None = None
        default_attr = attrs.get("default")
        if default_attr is not None:
            default = self._evaluate_constant(default_attr.value)
            try:
                default = types.convert(default, var_type)
            except types.ConversionError as exc:
                loc = default_attr.loc
                message = (f"Invalid default value for variable: This default value is not "
                           f"compatible with the variable's type constraint: {exc}.")
                self.resolution.errors.append(EvaluationError(message, loc.path, loc.line,
                                                              loc.column))
                default = Sourced(Unresolved(message, loc), loc)
        nullable = attrs.get("nullable")
        not_null = nullable is not None and isinstance(nullable.value, ast.Literal) and \
            nullable.value.value is False
        if given is not None and given.data is None and not_null:
            if default is None:
                return self._variable_error(name, block, "The given value is null, but "
                                            f"{self._variable_address(name)} does not accept "
                                            "null", given.at or given.loc)
            given = None
        if given is None:
            if default is not None:
                return default
            return Sourced(Unresolved(f"variable '{name}' has no default and no value in a "
                                      "tfvars file", block.loc), block.loc)
        try:
            return types.convert(given, var_type)
        except types.ConversionError as exc:
            return self._variable_error(
                name, block, f"The given value is not suitable for "
                f"{self._variable_address(name)} declared at {block.loc.path}:"
                f"{block.loc.line}: {exc}", given.at or given.loc or block.loc)

    def _variable_address(self, name: str) -> str:
        return f"{self.prefix}var.{name}"

    def _variable_error(self, name: str, block: ast.Block, reason: str,
                        loc: Location | None) -> Sourced:
        where = loc or block.loc
        message = f"Invalid value for input variable: {reason}."
        self.resolution.errors.append(EvaluationError(message, where.path, where.line,
                                                      where.column))
        return Sourced(Unresolved(message, where), where)

    def _evaluate_constant(self, expr: ast.Expr) -> Sourced:
        """tfvars values and defaults may not refer to anything: evaluate without a scope."""
        return self.evaluate(expr, {}, constant=True)

    # -- resources ---------------------------------------------------------------------
    def resolve(self, present: bool | None = True) -> Resolution:
        for res in self.resources.values():
            if res.mode != "resource":
                continue
            for instance in self.instances(res):
                if instance.present is False:
                    continue
                resolved = self._resolved(res, instance)
                if present is None or instance.present is None:
                    resolved = replace(resolved, present=None)
                self.resolution.resources.append(resolved)
        for name in self.module_calls:
            for child in self.children(name):
                if child.evaluator is not None and child.present is not False:
                    both = None if (present is None or child.present is None) else True
                    child.evaluator.resolve(both)
        # Terraform evaluates every variable, local and output in its plan: their errors
        # (a value that does not convert, a cycle) are errors whether they are used or not
        for name in self.variables:
            self.var_values[name]  # noqa: B018
        for name, attr in self.locals.items():
            self._local(name, attr.loc)
        for name in self.outputs:
            self.output(name)
        return self.resolution

    # -- modules -----------------------------------------------------------------------
    def children(self, name: str) -> list[_Child]:
        """The instances of `module "name"`, each with its own evaluator."""
        cached = self._children.get(name)
        if cached is not None:
            return cached
        block = self.module_calls[name]
        cycle = self.graph.enter((self, "module", name), f"{self.prefix}module.{name}",
                                 block.loc)
        if cycle is not None:
            return [_Child(None, None, cycle, True)]
        try:
            result = self._expand(name, block)
        finally:
            self.graph.leave()
        self._children[name] = result
        return result

    def _expand(self, name: str, block: ast.Block) -> list[_Child]:
        attrs = block.body.attributes
        source_attr = attrs.get("source")
        source = self.evaluate(source_attr.value, {}) if source_attr else None
        if source is None or not isinstance(source.data, str):
            why = Unresolved(f"module '{name}' has no literal source", block.loc)
            return [_Child(None, None, why, True)]
        if "count" in attrs:
            instances = self._count_instances(attrs["count"])
        elif "for_each" in attrs:
            instances = self._for_each_instances(attrs["for_each"])
        else:
            instances = [_Instance(None, {}, True)]
        key_path = f"{self.key_path}.{name}" if self.key_path else name
        loaded = self._load_module(source.data, key_path, source_attr.loc if source_attr
                                   else block.loc)
        result = []
        for instance in instances:
            budget.charge(_INSTANCE_WORK, block.loc, "module instance")
            if isinstance(loaded, Unresolved):
                result.append(_Child(instance.key, None, loaded, instance.present))
                continue
            inputs = {arg: self._argument(attr, instance.scope) for arg, attr in attrs.items()
                      if arg not in ("source", "version", "count", "for_each", "providers",
                                     "depends_on")}
            prefix = f"{self.prefix}module.{name}{_key_suffix(instance.key)}."
            evaluator = ModuleEvaluator(loaded, self.loader, prefix, inputs, self.resolution,
                                        self.chain, key_path, self.graph)
            result.append(_Child(instance.key, evaluator, None, instance.present))
        return result

    def _argument(self, attr: ast.Attribute, scope: dict[str, Sourced]) -> _Argument:
        return _Argument(self, attr, scope)

    def _load_module(self, source: str, key_path: str,
                     loc: Location) -> TerraformModule | Unresolved:
        if len(self.chain) >= MAX_MODULE_DEPTH:
            self.resolution.errors.append(EvaluationError(
                f"modules nested more than {MAX_MODULE_DEPTH} deep", loc.path, loc.line,
                loc.column))
            return Unresolved("module nesting too deep", loc)
        child = self.loader.load(self.module, source, key_path, loc)
        if isinstance(child, TerraformModule) and child.folder in self.chain:
            self.resolution.errors.append(EvaluationError(
                f"module cycle: {' -> '.join((*self.chain, child.folder))}", loc.path,
                loc.line, loc.column))
            return Unresolved("module cycle", loc)
        return child

    def _module_ref(self, name: str, ops: list[str | ast.Expr], scope: dict[str, Sourced],
                    constant: bool, loc: Location) -> Sourced:
        if name not in self.module_calls:
            return Sourced(Unresolved(f"reference to undeclared module '{name}'", loc), loc)
        children = self.children(name)
        attrs = self.module_calls[name].body.attributes
        multi = "count" in attrs or "for_each" in attrs
        if not multi:
            return self._outputs_step(children[0], ops, 0, scope, constant, loc)
        if ops and not isinstance(ops[0], str):
            key = self.evaluate(ops[0], scope, constant)
            if isinstance(key.data, Unresolved):
                return key
            match = [c for c in children if c.key == key.data or str(c.key) == str(key.data)]
            if not match:
                if any(c.present is None for c in children):
                    return Sourced(Unresolved(f"module.{name} has an unknown count", loc), loc)
                return Sourced(Unresolved(f"no element {key.data!r} in module.{name}", loc), loc)
            return self._outputs_step(match[0], ops, 1, scope, constant, loc)
        objects = [self._outputs_of(c, loc) for c in children]
        if "count" in attrs:
            return self._apply(Sourced(objects, loc), ops, 0, scope, constant, loc)
        whole = Sourced({str(c.key): o for c, o in zip(children, objects, strict=True)}, loc)
        return self._apply(whole, ops, 0, scope, constant, loc)

    def _outputs_step(self, child: _Child, ops: list[str | ast.Expr], start: int,
                      scope: dict[str, Sourced], constant: bool, loc: Location) -> Sourced:
        """`module.x.out...`: only the output named is evaluated (Terraform's graph has a
        node per output), so a module may read an output of its own."""
        if len(ops) > start and isinstance(ops[start], str):
            unavailable = self._unavailable(child, loc)
            if unavailable is not None:
                return unavailable
            assert child.evaluator is not None
            out_name = ops[start]
            assert isinstance(out_name, str)
            value = child.evaluator.output(out_name)
            if value is None:
                return Sourced(Unresolved(f"no output {out_name!r} in module", loc), loc)
            return self._apply(value, ops, start + 1, scope, constant, loc)
        return self._apply(self._outputs_of(child, loc), ops, start, scope, constant, loc)

    @staticmethod
    def _unavailable(child: _Child, loc: Location) -> Sourced | None:
        if child.evaluator is None:
            reason = child.unavailable or Unresolved("module unavailable", loc)
            return Sourced(reason, loc)
        if child.present is None:
            return Sourced(Unresolved("module instance may not exist (unknown count)", loc),
                           loc)
        return None

    def _outputs_of(self, child: _Child, loc: Location) -> Sourced:
        unavailable = self._unavailable(child, loc)
        if unavailable is not None:
            return unavailable
        evaluator = child.evaluator
        assert evaluator is not None
        outputs = {}
        for out_name in evaluator.outputs:
            value = evaluator.output(out_name)
            if value is not None:
                outputs[out_name] = value
        return Sourced(outputs, loc)

    def _resolved(self, res: _Resource, instance: _Instance) -> ResolvedResource:
        budget.charge(_INSTANCE_WORK, res.block.loc, "resource instance")
        body = self.evaluate_body(res.block.body, instance.scope, res.address, instance.key)
        address = self.prefix + res.address + _key_suffix(instance.key)
        name_value = body.data.get("name") if isinstance(body.data, dict) else None
        return ResolvedResource(
            format="terraform",
            type=res.type,
            address=address,
            name=name_value if isinstance(name_value, Sourced)
            else Sourced(res.name, res.block.loc),
            body=body,
            decl=res.block.loc,
            present=instance.present,
        )

    def instances(self, res: _Resource) -> list[_Instance]:
        """Expand `count` / `for_each`; an unknown count gives one possibly-present instance."""
        cached = self._instances.get(res.address)
        if cached is not None:
            return cached
        attrs = res.block.body.attributes
        result: list[_Instance]
        if "count" in attrs:
            result = self._count_instances(attrs["count"])
        elif "for_each" in attrs:
            result = self._for_each_instances(attrs["for_each"])
        else:
            result = [_Instance(None, {}, True)]
        self._instances[res.address] = result
        return result

    def _count_instances(self, attr: ast.Attribute) -> list[_Instance]:
        count = self.evaluate(attr.value, {})
        value = count.data
        if isinstance(value, bool) or not isinstance(value, int | float):
            reason = value.reason if isinstance(value, Unresolved) else "count is not a number"
            index = Sourced(Unresolved(f"count.index: {reason}", attr.loc), attr.loc)
            return [_Instance(0, {"count.index": index}, None)]
        n = int(value)
        if n > MAX_INSTANCES:
            self.resolution.errors.append(EvaluationError(
                f"count {n} is over the limit of {MAX_INSTANCES} instances; only the first "
                f"{MAX_INSTANCES} are scanned", attr.loc.path, attr.loc.line, attr.loc.column))
            n = MAX_INSTANCES
        return [_Instance(i, {"count.index": Sourced(i, attr.loc)}, True) for i in range(n)]

    def _for_each_instances(self, attr: ast.Attribute) -> list[_Instance]:
        collection = self.evaluate(attr.value, {})
        items = _iterate(collection)
        if items is None:
            reason = collection.data.reason if isinstance(collection.data, Unresolved) else \
                "for_each is not a map or set"
            unknown = Sourced(Unresolved(f"each: {reason}", attr.loc), attr.loc)
            return [_Instance("?", {"each.key": unknown, "each.value": unknown}, None)]
        if len(items) > MAX_INSTANCES:
            self.resolution.errors.append(EvaluationError(
                f"for_each over {len(items)} elements is over the limit of {MAX_INSTANCES}; "
                f"only the first {MAX_INSTANCES} are scanned", attr.loc.path, attr.loc.line,
                attr.loc.column))
        instances = []
        for key, value in items[:MAX_INSTANCES]:
            key_text = key.data if isinstance(key.data, str) else str(key.data)
            instances.append(_Instance(key_text, {"each.key": key, "each.value": value}, True))
        return instances

    def evaluate_body(self, body: ast.Body, scope: dict[str, Sourced], address: str,
                      key: object) -> Sourced:
        """A block body as a Sourced dict: attributes, and nested blocks as lists of dicts."""
        out: dict[str, Sourced] = {}
        for name, attr in body.attributes.items():
            if name in ("count", "for_each", "depends_on", "lifecycle", "provider"):
                continue
            value = self.evaluate(attr.value, scope)
            out[name] = _at_attribute(value, attr)
        for block in body.blocks:
            if block.type in ("lifecycle", "provisioner", "connection", "timeouts"):
                continue
            if block.type == "dynamic" and block.labels:
                for element in self._dynamic(block, scope, address, key):
                    out.setdefault(block.labels[0], Sourced([], block.loc))
                    blocks_list = out[block.labels[0]].data
                    if isinstance(blocks_list, list):
                        blocks_list.append(element)
                continue
            out.setdefault(block.type, Sourced([], block.loc))
            blocks_list = out[block.type].data
            if isinstance(blocks_list, list):
                # each block keeps its own line (a security rule, a route, a node pool)
                nested = self.evaluate_body(block.body, scope, address, key)
                blocks_list.append(Sourced(nested.data, block.loc))
        return Sourced(out, None)

    def _dynamic(self, block: ast.Block, scope: dict[str, Sourced], address: str,
                 key: object) -> Iterator[Sourced]:
        iterator = block.labels[0]
        it_attr = block.body.attributes.get("iterator")
        if it_attr is not None and isinstance(it_attr.value, ast.Variable):
            iterator = it_attr.value.name
        for_each = block.body.attributes.get("for_each")
        content = [b for b in block.body.blocks if b.type == "content"]
        if for_each is None or not content:
            return
        items = _iterate(self.evaluate(for_each.value, scope))
        if items is None:
            unknown = Sourced(Unresolved("dynamic block over an unknown collection", block.loc),
                              block.loc)
            inner = dict(scope, **{f"{iterator}.key": unknown, f"{iterator}.value": unknown})
            yield self.evaluate_body(content[0].body, inner, address, key)
            return
        for k, v in items:
            inner = dict(scope, **{f"{iterator}.key": k, f"{iterator}.value": v})
            yield self.evaluate_body(content[0].body, inner, address, key)

    # -- expressions -------------------------------------------------------------------
    def evaluate(self, expr: ast.Expr, scope: dict[str, Sourced],
                 constant: bool = False) -> Sourced:
        """Evaluate an expression; never raises for unknown values (they are `Unresolved`)."""
        if self.graph.depth > MAX_EVAL_DEPTH:
            return Sourced(Unresolved("expression nested too deep", expr.loc), expr.loc)
        budget.step(expr.loc, expr)
        self.graph.depth += 1
        try:
            result = self._evaluate(expr, scope, constant)
            if isinstance(expr, _BUILDERS):  # a new string or collection: its size counts
                budget.value(result.data, expr.loc, expr)
            return result
        except EvaluationError as exc:
            return _failed(exc.message, expr.loc)
        finally:
            self.graph.depth -= 1

    def _evaluate(self, expr: ast.Expr, scope: dict[str, Sourced], constant: bool) -> Sourced:
        ev = self.evaluate
        if isinstance(expr, ast.Literal):
            if isinstance(expr.value, float):  # as Terraform parses it: 512-bit precision
                return Sourced(numbers.normal(expr.value), expr.loc)
            return Sourced(expr.value, expr.loc)
        if isinstance(expr, ast.Template):
            return self._template(expr, scope, constant)
        if isinstance(expr, ast.TupleExpr):
            items = [ev(i, scope, constant) for i in expr.items]
            failed = next((i for i in items if functions_is_failure(i.data)), None)
            return failed or Sourced(items, expr.loc)  # an element's error is the tuple's
        if isinstance(expr, ast.ObjectExpr):
            return self._object(expr, scope, constant)
        if isinstance(expr, ast.Variable | ast.GetAttr | ast.Index):
            return self._traverse(expr, scope, constant)
        if isinstance(expr, ast.Splat):
            return self._splat(expr, scope, constant)
        if isinstance(expr, ast.Conditional):
            return self._conditional(expr, scope, constant)
        if isinstance(expr, ast.Binary):
            return _binary(expr, ev(expr.left, scope, constant), ev(expr.right, scope, constant))
        if isinstance(expr, ast.Unary):
            return _unary(expr, ev(expr.operand, scope, constant))
        if isinstance(expr, ast.Call):
            return self._call(expr, scope, constant)
        if isinstance(expr, ast.ForExpr):
            return self._for(expr, scope, constant)
        return Sourced(Unresolved(f"{expr.what} is not evaluated", expr.loc), expr.loc)

    def _conditional(self, expr: ast.Conditional, scope: dict[str, Sourced],
                     constant: bool) -> Sourced:
        """HCL's conditional: both results are evaluated, their types unified (`true ? 1 :
        "a"` is "1"; a number and a bool do not unify, an error), the chosen one returned,
        converted to that type. An unknown condition leaves the result unknown."""
        ev = self.evaluate
        cond = _as_condition(ev(expr.cond, scope, constant), expr.cond.loc)
        branches = (ev(expr.if_true, scope, constant), ev(expr.if_false, scope, constant))
        if not isinstance(cond.data, bool):
            if functions_is_failure(cond.data):
                return cond
            if all(b.data is None for b in branches):
                return branches[0]  # both outcomes are null: so is the result
            return _unknown(cond, "condition", expr.loc,
                            not_null=all(_is_not_null(b) for b in branches))
        chosen = branches[0] if cond.data else branches[1]
        if any(not _typed(b) for b in branches):
            other = branches[1] if cond.data else branches[0]
            if functions_is_failure(other.data):
                # Terraform still unifies with the failed branch's type, which is not
                # known here: a type conflict it would report is missed (counted)
                self.graph.unselected_failures += 1
            return chosen
        unified = types.unify([types.shape(b) for b in branches])
        if unified is None:
            return _failed("Inconsistent conditional result types: the true and false "
                           "result expressions must have consistent types", expr.loc)
        try:
            return types.convert(chosen, unified)
        except types.ConversionError:  # pragma: no cover - unify chose a type both convert to
            return chosen

    def _template(self, expr: ast.Template, scope: dict[str, Sourced], constant: bool) -> Sourced:
        if len(expr.parts) == 1 and not isinstance(expr.parts[0], str):
            # "${x}" is x itself, whatever its type, and keeps where x was written
            return self.evaluate(expr.parts[0], scope, constant)
        text: list[str] = []
        unknown: Sourced | None = None
        for part in expr.parts:
            if isinstance(part, str):
                text.append(part)
                continue
            value = self.evaluate(part, scope, constant)
            rendered = _to_string(value.data)
            if rendered is not None:
                text.append(rendered)
            elif isinstance(value.data, Unresolved | ResourceRef):
                if functions_is_failure(value.data):
                    return value
                unknown = unknown or value
            elif value.data is None:
                return _failed("Invalid template interpolation value: the expression result "
                               "is null", part.loc)
            else:
                return _failed("Invalid template interpolation value: cannot include the "
                               "given value in a string template: string required", part.loc)
        if unknown is not None:
            return _unknown(unknown, "interpolation", expr.loc, not_null=True)
        return Sourced("".join(text), expr.loc)

    def _object(self, expr: ast.ObjectExpr, scope: dict[str, Sourced], constant: bool) -> Sourced:
        out: dict[str, Sourced] = {}
        for item in expr.items:
            key = self.evaluate(item.key, scope, constant)
            key_text = _to_string(key.data)
            if key_text is None:
                if isinstance(key.data, Unresolved | ResourceRef):
                    return _unknown(key, "object key", item.loc)
                return _failed("Incorrect key type: a string is required", item.loc)
            value = self.evaluate(item.value, scope, constant)
            if functions_is_failure(value.data):
                return value  # an attribute's error is the object's
            out[key_text] = value
        return Sourced(out, expr.loc)

    def _for(self, expr: ast.ForExpr, scope: dict[str, Sourced], constant: bool) -> Sourced:
        """HCL's for expression. A condition or key that is unknown for one element leaves
        the whole result unknown (its keys are not known), as in Terraform's plan."""
        collection = self.evaluate(expr.collection, scope, constant)
        items = _iterate(collection, keep_list_index=True)
        if items is None:
            if isinstance(collection.data, Unresolved | ResourceRef):
                return _unknown(collection, "for expression", expr.loc)
            what = "null value" if collection.data is None else "non-iterable value"
            return _failed(f"Iteration over {what}: a for expression needs a collection",
                           expr.collection.loc)
        results: list[Sourced] = []
        mapping: dict[str, Sourced] = {}
        unknown: Sourced | None = None
        for k, v in items:
            inner = dict(scope)
            if expr.key_var:
                inner[expr.key_var] = k
            inner[expr.value_var] = v
            if expr.cond is not None:
                keep = _as_condition(self.evaluate(expr.cond, inner, constant), expr.cond.loc)
                if not isinstance(keep.data, bool):
                    if functions_is_failure(keep.data):
                        return keep
                    unknown = unknown or keep
                    continue
                if not keep.data:
                    continue
            value = self.evaluate(expr.value, inner, constant)
            if expr.key is None:
                results.append(value)
                continue
            key = self.evaluate(expr.key, inner, constant)
            key_text = _to_string(key.data)
            if key_text is None:
                if not isinstance(key.data, Unresolved | ResourceRef):
                    return _failed("Invalid object key: a string is required", expr.key.loc)
                if functions_is_failure(key.data):
                    return key
                unknown = unknown or key
                continue
            if expr.group:
                group = mapping.setdefault(key_text, Sourced([], expr.loc))
                if isinstance(group.data, list):
                    group.data.append(value)
            elif key_text in mapping:
                raise EvaluationError(f"Duplicate object key {key_text!r} in for expression: "
                                      "use the ellipsis (...) to group values by key")
            else:
                mapping[key_text] = value
        if unknown is not None:
            return _unknown(unknown, "for expression", expr.loc)
        if expr.key is None:
            return Sourced(results, expr.loc)
        return Sourced(dict(sorted(mapping.items())), expr.loc)

    def _call(self, expr: ast.Call, scope: dict[str, Sourced], constant: bool) -> Sourced:
        from aksnetlint.resolve import terraform_functions as functions
        from aksnetlint.resolve.terraform_provenance import resource_result

        name = expr.name.removeprefix("provider::")
        if name in functions.LAZY_FUNCTIONS:
            ran: list[tuple[object, Sourced]] = []
            thunks = [self._thunk(arg, scope, constant, ran) for arg in expr.args]
            if name == "try":
                result = functions.evaluate_try(thunks)
                for plain_value, value in ran:
                    if plain_value is result:
                        return value
            else:
                result = functions.evaluate_can(thunks[0]) if thunks else Unresolved("can()")
            return sourced(result, expr.loc)
        args = [self.evaluate(arg, scope, constant) for arg in expr.args]
        budget.charge(budget.tree_size(args), expr.loc, expr)  # a function walks its inputs
        plain = [to_plain(a) for a in args]
        if expr.expand_last and plain:
            last = plain.pop()
            spread = args.pop()
            if not isinstance(last, list) or not isinstance(spread.data, list):
                return _unknown(spread, f"{name}(...)", expr.loc)
            plain.extend(last)
            args.extend(spread.data)
        result = functions.call(name, plain)
        if isinstance(result, Unresolved) and not functions.is_failure(result) and \
                _refined_not_null(name, plain):
            result = replace(result, not_null=True)
        if isinstance(result, Sourced):
            return result
        return resource_result(name, result, args, plain, expr.loc)

    def _thunk(self, arg: ast.Expr, scope: dict[str, Sourced], constant: bool,
               ran: list[tuple[object, Sourced]]) -> Callable[[], object]:
        def run() -> object:
            value = self.evaluate(arg, scope, constant)
            plain = to_plain(value)
            ran.append((plain, value))
            return plain

        return run

    def _splat(self, expr: ast.Splat, scope: dict[str, Sourced], constant: bool) -> Sourced:
        base = self.evaluate(expr.obj, scope, constant)
        if isinstance(base.data, Unresolved | ResourceRef):
            if functions_is_failure(base.data):
                return base
            return _unknown(base, "splat", expr.loc, not_null=True)
        elements = base.data if isinstance(base.data, list) else (
            [] if base.data is None else [base])
        out: list[Sourced] = []
        for element in elements:
            value = element
            for op in expr.ops:
                key = op if isinstance(op, str) else self.evaluate(op, scope, constant)
                value = self._step(value, key, expr.loc)
            if functions_is_failure(value.data):
                return value
            out.append(value)
        kind = types.kind_of(base.data)
        if kind in ("list", "set", "schema"):  # a list (or set) splats into a list
            return Sourced(types.TypedList(out, "schema" if kind == "schema" else "list"),
                           expr.loc)
        return Sourced(out, expr.loc)

    # -- references --------------------------------------------------------------------
    def _traverse(self, expr: ast.Expr, scope: dict[str, Sourced], constant: bool) -> Sourced:
        root, ops = _flatten(expr)
        if not isinstance(root, ast.Variable):
            # `jsondecode(x).a`, `[..][0]`, `(cond ? a : b).id`: evaluate, then step into it
            return self._apply(self.evaluate(root, scope, constant), ops, 0, scope, constant,
                               expr.loc)
        if root.name in scope:  # a for-expression variable
            return self._apply(scope[root.name], ops, 0, scope, constant, expr.loc)
        if not ops:
            return Sourced(Unresolved(f"unknown name '{root.name}'", expr.loc), expr.loc)
        first = ops[0]
        first_name = first if isinstance(first, str) else None
        if constant:
            return Sourced(Unresolved(f"'{root.name}' cannot be referred to here", expr.loc),
                           expr.loc)
        dotted = f"{root.name}.{first_name}" if first_name else None
        if dotted and dotted in scope:  # each.key, count.index, iterator.value
            return self._apply(scope[dotted], ops, 1, scope, constant, expr.loc)
        if root.name == "var" and first_name:
            if first_name not in self.var_values:
                return Sourced(Unresolved(f"undeclared variable '{first_name}'", expr.loc),
                               expr.loc)
            return self._apply(self.var_values[first_name], ops, 1, scope, constant, expr.loc)
        if root.name == "local" and first_name:
            return self._apply(self._local(first_name, expr.loc), ops, 1, scope, constant,
                               expr.loc)
        if root.name in ("each", "count", "self"):
            return Sourced(Unresolved(f"'{root.name}' used outside count/for_each", expr.loc),
                           expr.loc)
        if root.name == "path" and first_name in ("module", "root", "cwd"):
            return self._apply(Sourced(".", expr.loc), ops, 1, scope, constant, expr.loc)
        if root.name == "terraform":
            return Sourced(Unresolved("terraform.* is known only at run time", expr.loc),
                           expr.loc)
        if root.name == "module" and first_name:
            return self._module_ref(first_name, ops[1:], scope, constant, expr.loc)
        if root.name == "data" and len(ops) >= 2 and isinstance(ops[1], str):
            address = f"data.{first_name}.{ops[1]}"
            return Sourced(Unresolved(f"{address} is read from Azure at plan time", expr.loc),
                           expr.loc)
        address = f"{root.name}.{first_name}"
        resource = self.resources.get(address)
        if resource is None:
            return Sourced(Unresolved(f"reference to undeclared resource {address}", expr.loc),
                           expr.loc)
        return self._resource_ref(resource, ops[1:], scope, constant, expr.loc)

    def _local(self, name: str, loc: Location) -> Sourced:
        if name in self._local_cache:
            return self._local_cache[name]
        attr = self.locals.get(name)
        if attr is None:
            return Sourced(Unresolved(f"undeclared local '{name}'", loc), loc)
        cycle = self.graph.enter((self, "local", name), f"{self.prefix}local.{name}", loc)
        if cycle is not None:
            return Sourced(cycle, loc)
        try:
            value = self.evaluate(attr.value, {})
        finally:
            self.graph.leave()
        self._local_cache[name] = value
        return value

    def _resource_ref(self, res: _Resource, ops: list[str | ast.Expr],
                      scope: dict[str, Sourced], constant: bool, loc: Location) -> Sourced:
        instances = self.instances(res)
        multi = res.block.body.attributes.keys() & {"count", "for_each"}
        if multi:
            if not ops or isinstance(ops[0], str):
                # the whole collection: a list (count) or map (for_each) of instance objects
                objects = [self._instance_object(res, i, loc) for i in instances]
                if "count" in multi:
                    whole = Sourced(objects, loc)
                else:
                    whole = Sourced({str(i.key): o for i, o in zip(instances, objects,
                                                                   strict=True)}, loc)
                return self._apply(whole, ops, 0, scope, constant, loc)
            key = self.evaluate(ops[0], scope, constant)
            if isinstance(key.data, Unresolved):
                return key
            match = [i for i in instances if i.key == key.data or str(i.key) == str(key.data)]
            if not match:
                if any(i.present is None for i in instances):
                    return Sourced(Unresolved(f"{res.address} has an unknown count", loc), loc)
                return Sourced(Unresolved(f"no element {key.data!r} in {res.address}", loc), loc)
            return self._apply(self._instance_object(res, match[0], loc), ops, 1, scope,
                               constant, loc)
        return self._apply(self._instance_object(res, instances[0], loc), ops, 0, scope,
                           constant, loc)

    def _instance_object(self, res: _Resource, instance: _Instance, loc: Location) -> Sourced:
        """A resource instance as a value: written attributes, the rest known after apply."""
        cache_key = (res.address, instance.key, "")
        cached = self._attr_cache.get(cache_key)
        if cached is not None:
            return cached
        cycle = self.graph.enter((self, "resource", res.address),
                                 self.prefix + res.address, loc)
        if cycle is not None:
            return Sourced(cycle, loc)
        try:
            body = self.evaluate_body(res.block.body, instance.scope, res.address, instance.key)
        finally:
            self.graph.leave()
        address = self.prefix + res.address + _key_suffix(instance.key)
        assert isinstance(body.data, dict)
        value = Sourced(_ResourceObject(address, body.data), res.block.loc)
        self._attr_cache[cache_key] = value
        return value

    def _apply(self, value: Sourced, ops: list[str | ast.Expr], start: int,
               scope: dict[str, Sourced], constant: bool, loc: Location) -> Sourced:
        for op in ops[start:]:
            key = op if isinstance(op, str) else self.evaluate(op, scope, constant)
            value = self._step(value, key, loc)
        return value

    def _step(self, value: Sourced, key: str | Sourced, loc: Location) -> Sourced:
        data = value.data
        if isinstance(data, Unresolved | ResourceRef):
            return value if isinstance(data, Unresolved) else Sourced(
                Unresolved(f"{data} is known only after apply", loc), loc)
        if isinstance(key, Sourced):
            if isinstance(key.data, Unresolved):
                return key
            key_value: object = key.data
        else:
            key_value = key
        if isinstance(data, _ResourceObject):
            if isinstance(key_value, str) and key_value in data:
                return _nested_blocks(data.address, key_value, data[key_value])
            return Sourced(ResourceRef(data.address, str(key_value)), loc)
        if isinstance(data, dict):
            text = _to_string(key_value)
            if text is not None and text in data:
                return data[text]
            return _failed(f"no key {key_value!r}", loc)
        if isinstance(data, list) and types.kind_of(data) == "set":
            return _failed("Invalid index: elements of a set are identified only by their "
                           "value and don't have any separate index or key", loc)
        if isinstance(data, list):
            if isinstance(key_value, bool) or not isinstance(key_value, int | float | str):
                return _failed(f"no element {key_value!r}", loc)
            try:
                index = int(key_value)
            except ValueError:
                return _failed(f"no attribute {key_value!r} on a list", loc)
            if 0 <= index < len(data):
                return data[index]
            return _failed(f"no element {index} (length {len(data)})", loc)
        return _failed(f"no attribute {key_value!r}", loc)

    # -- outputs -----------------------------------------------------------------------
    def output(self, name: str) -> Sourced | None:
        attr = self.outputs.get(name)
        if attr is None:
            return None
        cached = self._output_cache.get(name)
        if cached is not None:
            return cached
        cycle = self.graph.enter((self, "output", name), f"{self.prefix}output.{name}",
                                 attr.loc)
        if cycle is not None:
            return Sourced(cycle, attr.loc)
        try:
            value = self.evaluate(attr.value, {})
        finally:
            self.graph.leave()
        self._output_cache[name] = value
        return value


def _nested_blocks(address: str, name: str, value: Sourced) -> Sourced:
    """Nested blocks of a resource stay resource objects, so an attribute they do not write
    (`ip_configuration[0].private_ip_address`) is a reference known after apply."""
    if not isinstance(value.data, list) or not all(isinstance(v.data, dict) for v in value.data):
        # the provider's schema decides the attribute's collection type, not the literal
        if isinstance(value.data, list) and not isinstance(value.data, types.TypedList):
            return Sourced(types.TypedList(value.data, "schema"), value.loc, value.at)
        if isinstance(value.data, dict) and not isinstance(value.data, types.TypedMap):
            return Sourced(types.TypedMap(value.data, "schema"), value.loc, value.at)
        return value
    blocks: list[Sourced] = []
    for i, block in enumerate(value.data):
        assert isinstance(block.data, dict)
        blocks.append(Sourced(_ResourceObject(f"{address}.{name}[{i}]", block.data), block.loc,
                              block.at))
    return Sourced(types.TypedList(blocks, "schema"), value.loc, value.at)


def _flatten(expr: ast.Expr) -> tuple[ast.Expr, list[str | ast.Expr]]:
    ops: list[str | ast.Expr] = []
    node = expr
    while True:
        if isinstance(node, ast.GetAttr):
            ops.append(node.name)
            node = node.obj
        elif isinstance(node, ast.Index):
            ops.append(node.key)
            node = node.obj
        else:
            break
    ops.reverse()
    return node, ops


def _key_suffix(key: object) -> str:
    if key is None:
        return ""
    if isinstance(key, int):
        return f"[{key}]"
    return f'["{key}"]'


def _at_attribute(value: Sourced, attr: ast.Attribute) -> Sourced:
    """The attribute's value, remembering both where it was written and the attribute."""
    return Sourced(value.data, value.loc or attr.loc, attr.loc)


def _iterate(value: Sourced, keep_list_index: bool = False) -> list[tuple[Sourced, Sourced]] | None:
    data = value.data
    if isinstance(data, list):
        if keep_list_index and types.kind_of(data) != "set":
            return [(Sourced(i, v.loc), v) for i, v in enumerate(data)]
        if keep_list_index:  # over a set, the key is the element itself
            return [(v, v) for v in data]
        # for_each over a set: key and value are the element
        if any(not isinstance(v.data, str) for v in data):
            return None
        return [(v, v) for v in data]
    if isinstance(data, dict):
        return [(Sourced(k, v.loc), v) for k, v in sorted(data.items())]
    return None


def _unknown(value: Sourced, what: str, loc: Location, not_null: bool = False) -> Sourced:
    """The unknown result of an operation on `value` (which is or holds the unknown that
    decides it); `not_null` where Terraform knows the result is not null (functions,
    templates, operators)."""
    data = value.data
    if isinstance(data, ResourceRef):
        return Sourced(Unresolved(f"{data} is known only after apply", loc, not_null), loc)
    found = data if isinstance(data, Unresolved) else find_unresolved(value)
    if found is None:
        found = Unresolved(f"{what}: unexpected {type(data).__name__}", loc)
    if found.not_null != not_null:
        found = replace(found, not_null=not_null)
    return Sourced(found, loc)


# Functions whose unknown result Terraform does not refine as "not null" (they may return
# null, or pass an argument through); every other function's result is never null.
_MAY_RETURN_NULL = frozenset({
    "can", "csvdecode", "element", "ephemeralasnull", "issensitive", "jsondecode", "lookup",
    "nonsensitive", "one", "strcontains", "timeadd", "tobool", "tolist", "tomap", "tonumber",
    "toset", "tostring", "try", "yamldecode", "yamlencode", "zipmap", "sensitive", "type",
})


def _refined_not_null(name: str, args: list[object]) -> bool:
    if name in _MAY_RETURN_NULL:
        return False
    if name == "flatten":  # flatten of a wholly unknown list is not refined
        return bool(args) and isinstance(args[0], list)
    return True


def functions_is_failure(value: object) -> bool:
    from aksnetlint.resolve.terraform_functions import is_failure

    return is_failure(value)


def _as_condition(cond: Sourced, loc: Location) -> Sourced:
    """A condition converted to bool as HCL does ("true" is true); a value that is not a
    bool is Terraform's error."""
    data = cond.data
    if isinstance(data, bool | Unresolved | ResourceRef):
        return cond
    if data is None:
        return _failed("Null condition: the condition value is null", loc)
    try:
        return types.convert(cond, types.BOOL)
    except types.ConversionError:
        return _failed("Incorrect condition type: the condition expression must be a bool",
                       loc)


def _typed(value: Sourced) -> bool:
    """Whether the value's type is what its data shows: no failure and no resource object
    (whose attributes Terraform knows from the provider schema) anywhere inside."""
    data = value.data
    if isinstance(data, _ResourceObject | ResourceRef) or types.kind_of(data) == "schema":
        return False
    if isinstance(data, Unresolved):
        return not functions_is_failure(data)
    if isinstance(data, list):
        return all(_typed(v) for v in data)
    if isinstance(data, dict):
        return all(_typed(v) for v in data.values())
    return True


def _first_failure(value: Sourced) -> Sourced | None:
    """The first error Terraform reports inside a value, if any."""
    data = value.data
    if isinstance(data, Unresolved):
        return value if functions_is_failure(data) else None
    items = data if isinstance(data, list) else data.values() if isinstance(data, dict) else ()
    for item in items:
        found = _first_failure(item)
        if found is not None:
            return found
    return None


def _failed(message: str, loc: Location) -> Sourced:
    """An error Terraform reports too (`try` and `can` catch it)."""
    from aksnetlint.resolve.terraform_functions import FAILURE_MARK

    return Sourced(Unresolved(f"{message} {FAILURE_MARK}", loc), loc)


def _is_not_null(value: Sourced) -> bool:
    data = value.data
    if isinstance(data, Unresolved):
        return data.not_null
    return data is not None and not isinstance(data, ResourceRef)


def _to_string(value: object) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return numbers.text(value)
    return None


def _equality(left: Sourced, right: Sourced) -> bool | Sourced:
    """cty's `==`: whether two values are equal, or the unknown value that leaves it open.
    A null and a non-null value differ even when the other holds unknowns; collections of
    different lengths or attribute names differ; elements are compared in order, and the
    first that is unknown leaves the whole comparison unknown (as cty does)."""
    a, b = left.data, right.data
    for side, other in ((left, right), (right, left)):
        if isinstance(side.data, Unresolved | ResourceRef):
            if other.data is None and _is_not_null(side):
                return False
            return side
    if a is None or b is None:
        return a is None and b is None
    kinds = {types.kind_of(a), types.kind_of(b)}
    if "schema" in kinds and kinds & {"tuple", "list", "set", "object", "map", "schema"}:
        # typed by the provider: equal only if the types agree, which is not known here
        sizes_differ = isinstance(a, list | dict) and isinstance(b, list | dict) and \
            len(a) != len(b)
        if sizes_differ:
            return False
        return Sourced(Unresolved("the provider's type of the value decides the comparison"),
                       left.loc)
    if len(kinds) == 2 and "" not in kinds:
        return False  # a list is never equal to a tuple, nor a map to an object
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        pairs = list(zip(a, b, strict=True))
    elif isinstance(a, dict) and isinstance(b, dict):
        if a.keys() != b.keys():
            return False
        pairs = [(a[k], b[k]) for k in sorted(a)]
    elif isinstance(a, list | dict) or isinstance(b, list | dict):
        return False
    else:
        if isinstance(a, bool) != isinstance(b, bool) or isinstance(a, str) != isinstance(b, str):
            return False
        if isinstance(a, int | float) and not isinstance(a, bool):
            assert isinstance(b, int | float)
            return numbers.compare(a, b) == 0
        return a == b
    for x, y in pairs:
        equal = _equality(x, y)
        if equal is not True:
            return equal
    return True


def _binary(expr: ast.Binary, left: Sourced, right: Sourced) -> Sourced:
    op, loc = expr.op.strip(), expr.loc
    for side in (left, right):
        if isinstance(side.data, Unresolved | ResourceRef) and op not in ("==", "!="):
            if functions_is_failure(side.data):
                return side
            return _unknown(side, op, loc, not_null=True)
    if op in ("==", "!="):
        for side in (left, right):
            failed = _first_failure(side)
            if failed is not None:
                return failed
        equal = _equality(left, right)
        if isinstance(equal, Sourced):
            return _unknown(equal, op, loc, not_null=True)
        return Sourced(equal if op == "==" else not equal, loc)
    if op in ("&&", "||"):
        p, q = _operand(left, types.BOOL, op), _operand(right, types.BOOL, op)
        return Sourced(bool((p and q) if op == "&&" else (p or q)), loc)
    x, y = _operand(left, types.NUMBER, op), _operand(right, types.NUMBER, op)
    assert isinstance(x, int | float) and isinstance(y, int | float)
    if op in ("<", ">", "<=", ">="):
        order = numbers.compare(x, y)
        compared = {"<": order < 0, ">": order > 0, "<=": order <= 0, ">=": order >= 0}[op]
        return Sourced(compared, loc)
    arithmetic = {"+": numbers.add, "-": numbers.subtract, "*": numbers.multiply,
                  "/": numbers.divide, "%": numbers.modulo}
    try:
        result: int | float = arithmetic[op](x, y)
        return Sourced(result, loc)
    except numbers.NumberError as exc:
        raise EvaluationError(f"Operation failed: {exc}") from None


def _operand(value: Sourced, wanted: types.TfType, op: str) -> object:
    """An operand converted to the bool or number the operator needs, as HCL converts
    it ("5" + 1 is 6); Terraform's error when it does not convert."""
    if value.data is None:
        raise EvaluationError(f"Invalid operand: unsuitable value for '{op}': a "
                              f"{wanted.kind} is required, got null")
    try:
        converted = types.convert(value, wanted).data
    except types.ConversionError as exc:
        raise EvaluationError(f"Invalid operand: unsuitable value for '{op}': {exc}") from None
    return numbers.normal(converted) if wanted.kind == "number" else converted  # type: ignore[arg-type]


def _unary(expr: ast.Unary, operand: Sourced) -> Sourced:
    value = operand.data
    if isinstance(value, Unresolved | ResourceRef):
        if functions_is_failure(value):
            return operand
        return _unknown(operand, expr.op, expr.loc, not_null=True)
    if expr.op == "!":
        return Sourced(not _operand(operand, types.BOOL, "!"), expr.loc)
    number = _operand(operand, types.NUMBER, "-")
    assert isinstance(number, int | float)
    return Sourced(numbers.negate(number), expr.loc)


def load_var_file(path: Path, rel: str) -> ast.HclFile | tuple[str, dict[str, object]]:
    """A `.tfvars` (HCL) or `.tfvars.json` file; errors are `ParseError`s."""
    from aksnetlint.parsers.terraform import parse_terraform
    from aksnetlint.sources import read_text

    text = read_text(path, rel)
    if path.name.endswith(".json"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(exc.msg, rel, exc.lineno, exc.colno) from None
        if not isinstance(data, dict):
            raise ParseError("a .tfvars.json file must hold an object", rel, 1, 1)
        return rel, data
    return parse_terraform(text, rel)


__all__ = [
    "AksnetlintError",
    "ModuleEvaluator",
    "TerraformModule",
    "load_var_file",
    "resolve_terraform",
]
