"""Differential testing against Terraform: generated expressions and typed variables,
evaluated by aksnetlint's evaluator and by `terraform console`, compared.

`terraform console` evaluates one batch of expressions per process: the batch is a
single expression, `base64encode(jsonencode([try(jsonencode(E1), null), ...]))`, so an
expression that fails yields `null` without failing the others, and the result is read
without any quoting ambiguity. A batch that Terraform rejects as a whole (a static error
in one expression) is split in halves until the culprit stands alone.

Typed variables (`type = object({a = optional(string, "x")})` and a default) are checked
with one configuration per batch: Terraform reports every variable whose default does
not convert, those are dropped, and the rest are read in one console run.
"""

from __future__ import annotations

import base64
import json
import math
import os
import random
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from aksnetlint.parsers.terraform import parse_terraform
from aksnetlint.resolve import terraform_functions as functions
from aksnetlint.resolve.terraform import ModuleEvaluator, TerraformModule
from aksnetlint.values import ResourceRef, Sourced, Unresolved, to_plain

ERROR = "<error>"
UNKNOWN = "<unknown>"


def terraform() -> str | None:
    return shutil.which("terraform")


# -- the oracle --------------------------------------------------------------------------------


def _console(folder: Path, expression: str) -> tuple[int, str, str]:
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, TF_IN_AUTOMATION="1",
               CHECKPOINT_DISABLE="1", NO_COLOR="1")
    done = subprocess.run(["terraform", "console"], input=expression + "\n", cwd=folder,
                          capture_output=True, text=True, timeout=300, env=env, check=False)
    return done.returncode, done.stdout, done.stderr


def _decode(stdout: str) -> list[object]:
    text = stdout.strip().splitlines()[-1].strip().strip('"')
    return json.loads(base64.b64decode(text).decode("utf-8"))  # type: ignore[no-any-return]


# `terraform console` reads its input with a line scanner limited to 64 KiB a line
_MAX_LINE = 48_000


def terraform_values(expressions: list[str], folder: Path | None = None) -> list[object]:
    """Each expression's value as Terraform computes it (JSON, numbers exact), or ERROR."""
    results: list[object] = []
    with tempfile.TemporaryDirectory() as scratch:
        where = folder or Path(scratch)
        chunk: list[str] = []
        size = 0
        for expression in expressions:
            if chunk and size + len(expression) > _MAX_LINE:
                results += _batch(chunk, where)
                chunk, size = [], 0
            chunk.append(expression)
            size += len(expression) + 30
        results += _batch(chunk, where)
    return results


def _batch(expressions: list[str], folder: Path) -> list[object]:
    if not expressions:
        return []
    wrapped = ", ".join(f"try(jsonencode({e}), null)" for e in expressions)
    code, stdout, _ = _console(folder, f"base64encode(jsonencode([{wrapped}]))")
    unknown = "(known after apply)" in stdout
    if code == 0 and stdout.strip() and not unknown:
        encoded = _decode(stdout)
        return [ERROR if v is None else json.loads(str(v), parse_float=Decimal)
                for v in encoded]
    if len(expressions) == 1:
        return [UNKNOWN if unknown else ERROR]
    middle = len(expressions) // 2
    return _batch(expressions[:middle], folder) + _batch(expressions[middle:], folder)


# -- aksnetlint's side -------------------------------------------------------------------------


def our_values(expressions: list[str]) -> list[object]:
    """Each expression's value from aksnetlint's evaluator, as JSON-like data; ERROR for
    a failure Terraform also reports, UNKNOWN when the evaluator could not decide."""
    text = "locals {\n" + "".join(f"  e{i} = {e}\n" for i, e in enumerate(expressions)) + "}\n"
    try:
        files = [parse_terraform(text, "main.tf")]
    except Exception:  # one expression our parser rejects: evaluate them one at a time
        if len(expressions) == 1:
            return [ERROR]
        return [v for e in expressions for v in our_values([e])]
    evaluator = ModuleEvaluator(TerraformModule(".", files))
    results: list[object] = []
    for i in range(len(expressions)):
        name = f"e{i}"
        before = evaluator.graph.unselected_failures
        value = _ours(evaluator._local(name, evaluator.locals[name].loc))  # noqa: SLF001
        if evaluator.graph.unselected_failures != before and value not in (ERROR, UNKNOWN):
            value = Typed(value)
        results.append(value)
    return results


@dataclass(frozen=True)
class Typed:
    """A value chosen by a conditional whose other branch failed: Terraform unifies the
    result with the failed branch's static type, which the evaluator does not compute,
    so Terraform may report a type conflict here."""

    value: object


def _ours(value: Sourced) -> object:
    found = _first_unknown(value)
    if found is not None:
        return ERROR if functions.is_failure(found) or _is_error(found) else UNKNOWN
    plain = to_plain(value)
    return ERROR if _infinite(plain) else plain  # Terraform's jsonencode refuses infinities


def _infinite(value: object) -> bool:
    if isinstance(value, float):
        return value in (math.inf, -math.inf)
    if isinstance(value, list):
        return any(_infinite(v) for v in value)
    if isinstance(value, dict):
        return any(_infinite(v) for v in value.values())
    return False


def _is_error(found: Unresolved) -> bool:
    """Unresolved values that stand for an error Terraform reports too."""
    return found.reason.startswith(("no attribute", "no element", "no key", "'", "division",
                                    "duplicate key", "unknown name", "Invalid"))


def _first_unknown(value: object) -> Unresolved | None:
    if isinstance(value, Sourced):
        value = value.data
    if isinstance(value, Unresolved):
        return value
    if isinstance(value, ResourceRef):
        return Unresolved(str(value))
    if isinstance(value, list):
        for item in value:
            found = _first_unknown(item)
            if found is not None:
                return found
    if isinstance(value, dict):
        for item in value.values():
            found = _first_unknown(item)
            if found is not None:
                return found
    return None


def same(terraform_value: object, ours: object) -> bool:
    """Equal as Terraform's jsonencode would write them (numbers compared exactly)."""
    if isinstance(ours, Typed):
        return terraform_value is ERROR or same(terraform_value, ours.value)
    if terraform_value is ERROR or ours is ERROR:
        return terraform_value is ours
    if isinstance(terraform_value, bool) or isinstance(ours, bool):
        return terraform_value is ours
    if isinstance(terraform_value, int | Decimal) and not isinstance(terraform_value, bool):
        if not isinstance(ours, int | float) or isinstance(ours, bool):
            return False
        return Decimal(terraform_value) == _exact(ours)
    if isinstance(terraform_value, list):
        return isinstance(ours, list) and len(ours) == len(terraform_value) and all(
            same(a, b) for a, b in zip(terraform_value, ours, strict=True))
    if isinstance(terraform_value, dict):
        return isinstance(ours, dict) and ours.keys() == terraform_value.keys() and all(
            same(terraform_value[k], ours[k]) for k in terraform_value)
    return type(terraform_value) is type(ours) and terraform_value == ours


def _exact(number: int | float) -> Decimal:
    from aksnetlint.resolve.terraform_numbers import text

    return Decimal(text(number))


# -- generated expressions --------------------------------------------------------------------

_WORDS = ["a", "b", "abc", "Hello World", "", " x ", "10.0.0.0/16", "a,b,c", "MiXeD", "x-y_z",
          "ünï", "tab\\t", "1", "0", "true", "3.5", "-2", "172.16.0.0/12", "aks", "a b  c"]
_CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/24", "172.16.0.0/12", "10.0.0.0/30",
          "fd00::/8", "2001:db8::/32", "0.0.0.0/0"]


def _quote(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


@dataclass
class Generator:
    """Expressions of a wanted type, built from literals, functions, operators, for
    expressions, conditionals and splats (each well-formed HCL on one line; some fail in
    Terraform on purpose: an element of an empty list, a subnet out of range...)."""

    rng: random.Random

    def pick(self, *choices: object) -> object:
        return self.rng.choice(choices)

    def expression(self) -> str:
        kind = self.rng.choice(["string", "number", "bool", "strings", "numbers", "map",
                                "object", "any"])
        return self.of(kind, 3)

    def of(self, kind: str, depth: int) -> str:
        if depth <= 0 or self.rng.random() < 0.25:
            return self.literal(kind)
        maker = getattr(self, f"_{kind}")
        # parenthesised: an operand keeps the type it was generated for (precedence is
        # the parser's concern, checked in its own tests)
        return f"({maker(depth - 1)})"

    def literal(self, kind: str) -> str:
        r = self.rng
        if kind == "string":
            return _quote(r.choice(_WORDS))
        if kind == "number":
            return str(r.choice([0, 1, 2, 3, 7, 10, 16, 24, -1, -5, 100, 255, 1024]))
        if kind == "bool":
            return r.choice(["true", "false"])
        if kind == "strings":
            return "[" + ", ".join(_quote(r.choice(_WORDS)) for _ in range(r.randint(0, 4))) + "]"
        if kind == "numbers":
            return "[" + ", ".join(str(r.randint(-3, 20)) for _ in range(r.randint(0, 4))) + "]"
        if kind in ("map", "object"):
            keys = r.sample(["a", "b", "c", "d", "key", "z"], r.randint(0, 3))
            values = ([_quote(r.choice(_WORDS)) for _ in keys] if kind == "map" else
                      [self.literal(r.choice(["string", "number", "bool", "strings"]))
                       for _ in keys])
            return "{" + ", ".join(f"{k} = {v}" for k, v in zip(keys, values, strict=True)) + "}"
        return self.literal(r.choice(["string", "number", "bool", "strings", "map", "object"]))

    def _string(self, d: int) -> str:
        s, n, ls = (lambda: self.of("string", d)), (lambda: self.of("number", d)), \
            (lambda: self.of("strings", d))
        return str(self.rng.choice([
            lambda: f"lower({s()})", lambda: f"upper({s()})", lambda: f"title({s()})",
            lambda: f"trimspace({s()})", lambda: f"chomp({s()})",
            lambda: f'trim({s()}, " x")', lambda: f'trimprefix({s()}, "a")',
            lambda: f'trimsuffix({s()}, "c")', lambda: f'replace({s()}, "a", "-")',
            lambda: f'replace({s()}, "/[a-c]+/", "$0!")',
            lambda: f"substr({s()}, {self.rng.randint(-2, 3)}, {self.rng.randint(-1, 4)})",
            lambda: f'format("%s-%d", {s()}, {n()})', lambda: f'format("%05.1f|%x", {n()}, {n()})',
            lambda: f'format("%q %v %t", {s()}, {n()}, {self.of("bool", d)})',
            lambda: f'join("{self.pick(",", "", " - ")}", {ls()})',
            lambda: f'"${{{s()}}}-${{{n()}}}"', lambda: f'"pre${{{n()}}}"',
            lambda: f"tostring({self.pick(s(), n(), self.of('bool', d))})",
            lambda: f"element({ls()}, {n()})", lambda: f"lookup({self.of('map', d)}, {s()}, {s()})",
            lambda: f"coalesce({s()}, {s()})", lambda: f"jsonencode({self.of('any', d)})",
            lambda: f"one({self.pick('[]', '[' + s() + ']')})",
            lambda: f'cidrsubnet("{self.rng.choice(_CIDRS)}", {self.rng.randint(0, 9)}, '
                    f"{self.rng.randint(0, 20)})",
            lambda: f'cidrhost("{self.rng.choice(_CIDRS)}", {self.rng.randint(-3, 300)})',
            lambda: f'cidrnetmask("{self.rng.choice(_CIDRS)}")',
            lambda: f'regex("[a-z]+", {s()})', lambda: f"{self.of('bool', d)} ? {s()} : {s()}",
            lambda: f"{ls()}[{self.rng.randint(0, 2)}]",
            lambda: f"{self.of('map', d)}[{s()}]", lambda: f"{self.of('map', d)}.a",
            lambda: f"try({ls()}[3], {s()})",
        ])())

    def _number(self, d: int) -> str:
        n = lambda: self.of("number", d)  # noqa: E731
        return str(self.rng.choice([
            lambda: f"{n()} + {n()}", lambda: f"{n()} - {n()}", lambda: f"{n()} * {n()}",
            lambda: f"{n()} / {n()}", lambda: f"{n()} % {n()}", lambda: f"-({n()})",
            lambda: f"length({self.of(self.rng.choice(['strings', 'string', 'map']), d)})",
            lambda: f"min({n()}, {n()})", lambda: f"max({n()}, {n()}, {n()})",
            lambda: f"abs({n()})", lambda: f"ceil({n()} / 4)", lambda: f"floor({n()} / 3)",
            lambda: f"sum({self.of('numbers', d)})",
            lambda: f'tonumber("{self.rng.choice(["1", "2.5", "x", "-3", "1e2", " 4"])}")',
            lambda: f"index({self.of('strings', d)}, {self.of('string', d)})",
            lambda: f"{self.of('bool', d)} ? {n()} : {n()}", lambda: f"({n()})",
            lambda: f"{self.of('numbers', d)}[0]",
        ])())

    def _bool(self, d: int) -> str:
        s, n = (lambda: self.of("string", d)), (lambda: self.of("number", d))
        any_ = lambda: self.of("any", d)  # noqa: E731
        b = lambda: self.of("bool", d)  # noqa: E731
        return str(self.rng.choice([
            lambda: f"{s()} == {s()}", lambda: f"{n()} != {n()}", lambda: f"{n()} < {n()}",
            lambda: f"{n()} >= {n()}", lambda: f"{b()} && {b()}", lambda: f"{b()} || {b()}",
            lambda: f"!({b()})", lambda: f"contains({self.of('strings', d)}, {s()})",
            lambda: f"startswith({s()}, {s()})", lambda: f"endswith({s()}, {s()})",
            lambda: f"can({self.of('strings', d)}[1])", lambda: f"alltrue([{b()}, {b()}])",
            lambda: f"anytrue([{b()}, {b()}])",
            lambda: f'tobool("{self.pick("true", "false", "1", "0", "x")}")',
            lambda: f"{any_()} == {any_()}", lambda: f"{any_()} != null",
            lambda: f"{self.of('map', d)} == {self.of('map', d)}",
        ])())

    def _strings(self, d: int) -> str:
        s, ls = (lambda: self.of("string", d)), (lambda: self.of("strings", d))
        m = lambda: self.of("map", d)  # noqa: E731
        return str(self.rng.choice([
            lambda: f'split("{self.pick(",", " ", "")}", {s()})', lambda: f"concat({ls()}, {ls()})",
            lambda: f"distinct({ls()})", lambda: f"sort({ls()})", lambda: f"compact({ls()})",
            lambda: f"reverse({ls()})", lambda: f"slice({ls()}, 0, {self.rng.randint(0, 2)})",
            lambda: f"keys({m()})", lambda: f"values({m()})",
            lambda: f"flatten([{ls()}, [{ls()}]])",
            lambda: f"tolist(toset({ls()}))", lambda: f"setunion({ls()}, {ls()})",
            lambda: f"[for x in {ls()} : upper(x)]", lambda: f'[for x in {ls()} : x if x != ""]',
            lambda: f"[for i, x in {ls()} : \"${{i}}=${{x}}\"]",
            lambda: f"[for k, v in {m()} : \"${{k}}:${{v}}\"]",
            lambda: f"[{{ a = {s()} }}, {{ a = {s()} }}][*].a",
            lambda: f"{self.of('bool', d)} ? {ls()} : {ls()}",
            lambda: f'regexall("[a-z]", {s()})', lambda: f"coalescelist({ls()}, {ls()})",
            lambda: f'cidrsubnets("10.0.0.0/16", {self.rng.randint(1, 8)}, '
                    f"{self.rng.randint(1, 8)})",
            lambda: f"[for x in {ls()} : x]", lambda: f"tolist({ls()})",
        ])())

    def _numbers(self, d: int) -> str:
        n, ln = (lambda: self.of("number", d)), (lambda: self.of("numbers", d))
        return str(self.rng.choice([
            lambda: f"range({self.rng.randint(0, 5)})",
            lambda: f"range({self.rng.randint(-3, 3)}, {self.rng.randint(-3, 6)})",
            lambda: f"[for x in {ln()} : x * 2]", lambda: f"concat({ln()}, [{n()}])",
            lambda: f"distinct({ln()})", lambda: f"reverse({ln()})", lambda: f"toset({ln()})",
            lambda: f"[{n()}, {n()}]",
        ])())

    def _map(self, d: int) -> str:
        s, m, ls = (lambda: self.of("string", d)), (lambda: self.of("map", d)), \
            (lambda: self.of("strings", d))
        return str(self.rng.choice([
            lambda: f"merge({m()}, {m()})", lambda: f"zipmap({ls()}, {ls()})",
            lambda: f"{{ for x in {ls()} : x => upper(x)... }}",
            lambda: f"{{ for x in {ls()} : lower(x) => x }}",
            lambda: f'{{ for k, v in {m()} : k => v if v != "" }}', lambda: f"tomap({m()})",
            lambda: f"{{ a = {s()}, b = {s()} }}", lambda: f"{self.of('bool', d)} ? {m()} : {m()}",
        ])())

    def _object(self, d: int) -> str:
        any_ = lambda: self.of("any", d)  # noqa: E731
        return str(self.rng.choice([
            lambda: f"{{ x = {any_()}, y = {any_()} }}",
            lambda: f"merge({{ a = {any_()} }}, {{ b = {any_()} }})",
            lambda: f"jsondecode(jsonencode({any_()}))",
            lambda: f'{{ for k, v in {{ a = {any_()}, b = null }} : k => v if v != null }}',
            lambda: f"lookup({{ a = {any_()} }}, \"a\", null)",
        ])())

    def _any(self, d: int) -> str:
        kind = self.rng.choice(["string", "number", "bool", "strings", "numbers", "map",
                                "object"])
        return self.of(kind, d)


def expressions(count: int, seed: int = 13) -> list[str]:
    generator = Generator(random.Random(seed))
    return [generator.expression() for _ in range(count)]


# -- typed variables ---------------------------------------------------------------------------

_PRIMITIVE_TYPES = ["string", "number", "bool", "any"]


@dataclass
class TypedCase:
    type: str
    default: str


class TypeGenerator:
    """A type constraint and a default that often, not always, converts to it."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.values = Generator(rng)

    def case(self) -> TypedCase:
        type_, value = self._pair(3)
        return TypedCase(type_, value)

    def _pair(self, depth: int) -> tuple[str, str]:
        r = self.rng
        kind = r.choice(["primitive", "list", "set", "map", "object", "object", "tuple"]
                        if depth > 0 else ["primitive"])
        if kind == "primitive":
            type_ = r.choice(_PRIMITIVE_TYPES)
            return type_, self._primitive(type_)
        if kind in ("list", "set", "map"):
            element, _ = self._pair(depth - 1)
            items = [self._value_of(element, depth - 1) for _ in range(r.randint(0, 3))]
            if kind == "map":
                keys = r.sample(["a", "b", "k", "z"], len(items))
                return f"map({element})", "{" + ", ".join(
                    f"{k} = {v}" for k, v in zip(keys, items, strict=True)) + "}"
            return f"{kind}({element})", "[" + ", ".join(items) + "]"
        if kind == "tuple":
            inner = [self._pair(depth - 1) for _ in range(r.randint(0, 3))]
            if r.random() < 0.1:  # a wrong length
                inner = inner[:-1] if inner else [("string", '"x"')]
            return ("tuple([" + ", ".join(t for t, _ in inner) + "])",
                    "[" + ", ".join(v for _, v in inner) + "]")
        attrs = []
        given = []
        for name in r.sample(["a", "b", "c", "d"], r.randint(1, 4)):
            attr_type, attr_value = self._pair(depth - 1)
            mode = r.random()
            required = mode < 0.35
            if required:
                attrs.append(f"{name} = {attr_type}")
            elif mode < 0.6:
                attrs.append(f"{name} = optional({attr_type})")
            else:
                default = self._value_of(attr_type, depth - 1)
                attrs.append(f"{name} = optional({attr_type}, {default})")
            if r.random() < (0.95 if required else 0.5):
                given.append(f"{name} = {attr_value if r.random() < 0.9 else 'null'}")
        if r.random() < 0.1:
            given.append("extra = 1")
        return "object({" + ", ".join(attrs) + "})", "{" + ", ".join(given) + "}"

    def _primitive(self, type_: str) -> str:
        r = self.rng
        if r.random() < 0.1:  # something that may not convert
            return self.values.literal(r.choice(["string", "number", "bool", "strings"]))
        if type_ == "number":
            return r.choice(["1", "2.5", "-3", '"7"', '"1e3"', "0.1"])
        if type_ == "bool":
            return r.choice(["true", "false", '"true"', '"false"', '"1"', '"0"'])
        return self.values.literal(r.choice(["string", "number", "bool"]))

    def _value_of(self, type_: str, depth: int) -> str:
        """A value generated for `type_` (re-generating a pair of the same shape)."""
        for _ in range(20):
            candidate_type, value = self._pair(max(depth, 0))
            if candidate_type == type_:
                return value
        if type_ in _PRIMITIVE_TYPES:
            return self._primitive(type_)
        return "null"


def typed_cases(count: int, seed: int = 17) -> list[TypedCase]:
    generator = TypeGenerator(random.Random(seed))
    return [generator.case() for _ in range(count)]


def _variables(cases: list[TypedCase], names: list[int]) -> str:
    return "".join(f'variable "v{i}" {{\n  type = {cases[i].type}\n  default = '
                   f"{cases[i].default}\n}}\n" for i in names)


_FAILED_LINE = re.compile(r'in variable "v(\d+)"')


_TYPED_BATCH = 60  # Terraform reports many invalid defaults slowly: small batches


def terraform_typed(cases: list[TypedCase]) -> list[object]:
    """Each variable's value as Terraform converts it (JSON), or ERROR."""
    results: list[object] = []
    for start in range(0, len(cases), _TYPED_BATCH):
        results += _typed_batch(cases[start:start + _TYPED_BATCH])
    return results


def _typed_batch(cases: list[TypedCase]) -> list[object]:
    results: list[object] = [ERROR] * len(cases)
    names = list(range(len(cases)))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for _ in range(3):
            (folder / "main.tf").write_text(_variables(cases, names))
            expression = "base64encode(jsonencode({" + ", ".join(
                f"v{i} = var.v{i}" for i in names) + "}))"
            code, stdout, stderr = _console(folder, expression)
            if code == 0:
                values = _decode(stdout) if names else {}
                assert isinstance(values, dict)
                for i in names:
                    results[i] = json.loads(json.dumps(values[f"v{i}"]), parse_float=Decimal)
                return results
            failed = {int(m) for m in _FAILED_LINE.findall(stderr)}
            if not failed:
                break
            names = [i for i in names if i not in failed]
        for i in names:  # one at a time: a batch Terraform rejects for another reason
            (folder / "main.tf").write_text(_variables(cases, [i]))
            code, stdout, _ = _console(folder, f"base64encode(jsonencode(var.v{i}))")
            results[i] = json.loads(json.dumps(_decode(stdout)), parse_float=Decimal) \
                if code == 0 else ERROR
    return results


def our_typed(cases: list[TypedCase]) -> list[object]:
    text = _variables(cases, list(range(len(cases))))
    evaluator = ModuleEvaluator(TerraformModule(".", [parse_terraform(text, "main.tf")]))
    failed_lines = {e.line for e in evaluator.resolution.errors}
    results: list[object] = []
    for i in range(len(cases)):
        block = evaluator.variables[f"v{i}"]
        default_line = block.body.attributes["default"].loc.line
        type_line = block.body.attributes["type"].value.loc.line
        value = evaluator.var_values[f"v{i}"]
        if default_line in failed_lines or type_line in failed_lines:
            results.append(ERROR)
        else:
            results.append(_ours(value))
    return results
