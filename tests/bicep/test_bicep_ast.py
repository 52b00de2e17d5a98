"""The shape of the tree and the exact positions of selected nodes."""

from __future__ import annotations

from pathlib import Path

import pytest

from aksnetlint.parsers import bicep_ast as ast
from aksnetlint.parsers.bicep import parse_bicep, parse_bicepparam
from aksnetlint.values import Location

SYNTAX = Path(__file__).parent / "syntax"


def load(name: str) -> ast.BicepFile:
    return parse_bicep((SYNTAX / name).read_bytes().decode("utf-8"), name)


def load_params(name: str) -> ast.BicepParamFile:
    return parse_bicepparam((SYNTAX / name).read_bytes().decode("utf-8"), name)


def expr(source: str) -> ast.Expr:
    """The value of `var x = <source>`."""
    decl = parse_bicep(f"var x = {source}\n", "e.bicep").declarations[0]
    assert isinstance(decl, ast.Var)
    return decl.value


def obj(node: ast.Expr | None) -> ast.Object:
    assert isinstance(node, ast.Object)
    return node


def prop(node: ast.Expr | None, *names: str) -> ast.Expr:
    """The value at a property path inside nested objects."""
    for name in names:
        found = obj(node).get(name)
        assert found is not None, name
        node = found.value
    assert node is not None
    return node


# -- declarations --------------------------------------------------------------------------


def test_resource_declaration_position_and_type() -> None:
    tree = load("aks_cluster.bicep")
    aks = tree.resources[1]
    assert aks.name == "aks"
    assert aks.loc.line == 16 and aks.loc.column == 1
    assert (aks.loc.end_line, aks.loc.end_column) == (50, 2)
    assert aks.name_loc == Location("aks_cluster.bicep", 16, 10, 16, 13)
    assert aks.resource_type == "Microsoft.ContainerService/managedClusters"
    assert aks.api_version == "2024-02-01"
    assert not aks.existing


def test_property_value_position() -> None:
    aks = load("aks_cluster.bicep").resources[1]
    policy = prop(aks.object, "properties", "networkProfile", "networkPolicy")
    assert isinstance(policy, ast.String) and policy.value == "cilium"
    assert policy.loc == Location("aks_cluster.bicep", 41, 22, 41, 30)
    entry = obj(aks.object).get("properties")
    assert entry is not None and entry.loc.line == 22 and entry.key.loc.column == 3


def test_array_item_positions() -> None:
    tree = load("aks_cluster.bicep")
    ranges = tree.params[2].default
    assert isinstance(ranges, ast.Array)
    assert ranges.items[0].loc.line == 5
    assert ranges.loc.line == 4 and ranges.loc.end_line == 6


def test_decorators_are_attached_and_the_declaration_starts_at_its_keyword() -> None:
    tree = load("decorators.bicep")
    name, password, plugin, count, location = tree.params
    assert [d.name for d in name.decorators] == ["description", "minLength", "maxLength"]
    assert name.loc.line == 4
    assert name.decorators[0].loc.line == 1
    assert password.decorators[0].name == "secure" and password.decorators[0].args == ()
    allowed = plugin.decorators[0].args[0]
    assert isinstance(allowed, ast.Array) and len(allowed.items) == 2
    assert [d.name for d in count.decorators] == ["minValue", "maxValue"]
    assert location.decorators[0].namespace == "sys"
    type_decl = tree.declarations[-1]
    assert isinstance(type_decl, ast.TypeDecl)
    assert [d.name for d in type_decl.decorators] == ["metadata", "export"]
    assert isinstance(type_decl.type, ast.TypeObject)
    first = type_decl.type.properties[0]
    assert first.decorators[0].name == "description" and first.loc.line == 28


def test_param_types() -> None:
    params = {p.name: p for p in load("param_types.bicep").params}
    assert isinstance(params["maybe"].type, ast.TypeNullable)
    assert isinstance(params["prefixes"].type, ast.TypeArray)
    shape = params["shape"].type
    assert isinstance(shape, ast.TypeObject)
    assert [(p.key.value, p.optional) for p in shape.properties] == [
        ("name", False),
        ("size", False),
    ]
    assert isinstance(shape.properties[1].type, ast.TypeNullable)
    choice = params["choice"].type
    assert isinstance(choice, ast.TypeUnion)
    assert [m.value for m in choice.members if isinstance(m, ast.String)] == ["azure", "kubenet"]
    nested = params["nested"].type
    assert isinstance(nested, ast.TypeArray) and isinstance(nested.item, ast.TypeObject)


def test_resource_typed_param_and_output() -> None:
    vnet = load("param_resource_typed.bicep").params[0]
    assert isinstance(vnet.type, ast.ResourceType)
    assert vnet.type.resource_type == "Microsoft.Network/virtualNetworks"
    assert vnet.type.api_version == "2023-04-01"
    output = load("output.bicep").outputs[-1]
    assert isinstance(output.type, ast.ResourceType) and output.decorators[0].name == "description"


def test_typed_and_untyped_var() -> None:
    untyped, typed, typed_array, _, _ = load("var.bicep").variables
    assert untyped.type is None
    assert isinstance(typed.type, ast.TypeRef) and typed.type.name == "string"
    assert isinstance(typed_array.type, ast.TypeArray)


def test_existing_and_parent() -> None:
    vnet, subnet = load("resource_existing.bicep").resources
    assert vnet.existing and subnet.existing
    parent = prop(subnet.body, "parent")
    assert isinstance(parent, ast.Ident) and parent.name == "vnet"


def test_nested_child_resources_and_resource_access() -> None:
    tree = load("resource_nested.bicep")
    vnet = tree.resources[0]
    children = obj(vnet.body).resources
    assert [c.name for c in children] == ["aksSubnet", "apiSubnet"]
    assert children[0].resource_type == "subnets" and children[0].api_version is None
    assert children[0].loc.line == 10 and children[0].loc.column == 3
    assert children[1].api_version == "2023-04-01"
    assert children[1].decorators[0].name == "description"
    assert [p.name for p in obj(vnet.body).properties] == ["name", "location", "properties"]
    output = tree.outputs[0].value
    assert isinstance(output, ast.PropertyAccess) and output.name.value == "id"
    assert isinstance(output.base, ast.ResourceAccess) and output.base.name.value == "aksSubnet"


def test_if_condition_on_resource_and_module() -> None:
    tree = load("resource_condition.bicep")
    body = tree.resources[0].body
    assert isinstance(body, ast.If)
    assert isinstance(body.condition, ast.Binary) and body.condition.op == "&&"
    assert isinstance(body.body, ast.Object)
    assert tree.resources[0].object is body.body
    module_body = tree.modules[0].body
    assert isinstance(module_body, ast.If) and isinstance(module_body.condition, ast.Unary)


def test_loops_over_resources_and_modules() -> None:
    tree = load("resource_loop.bicep")
    nsgs = tree.resources[0]
    assert nsgs.decorators[0].name == "batchSize"
    loop = nsgs.body
    assert isinstance(loop, ast.For)
    assert loop.item.value == "subnet" and loop.index is not None and loop.index.value == "i"
    assert loop.filter is None and isinstance(loop.body, ast.Object)
    module_loop = tree.modules[0].body
    assert isinstance(module_loop, ast.For) and isinstance(module_loop.iterable, ast.Call)


def test_filtered_loops() -> None:
    tree = load("loop_filter.bicep")
    loop = tree.resources[0].body
    assert isinstance(loop, ast.For)
    assert isinstance(loop.filter, ast.PropertyAccess) and loop.filter.name.value == "enabled"
    assert isinstance(loop.body, ast.Object)
    assert tree.resources[0].object is loop.body
    doubled = tree.variables[1].value
    assert isinstance(doubled, ast.For) and isinstance(doubled.body, ast.Binary)


def test_module_sources() -> None:
    kinds = [(m.source, m.source_kind) for m in load("module_registry.bicep").modules]
    assert kinds == [
        ("br/public:avm/res/container-service/managed-cluster:0.1.0", "br"),
        ("br:contoso.azurecr.io/bicep/modules/aks:v1", "br"),
        ("ts:00000000-0000-0000-0000-000000000000/rg-specs/aksSpec:1.0", "ts"),
        ("ts/CoreSpecs:aks:2.0", "ts"),
    ]
    local = load("module_local.bicep").modules
    assert [m.source_kind for m in local] == ["local", "local"]
    outputs = prop(local[1].body, "params", "subnetId")
    assert isinstance(outputs, ast.PropertyAccess) and outputs.name.value == "subnetId"


def test_type_declarations() -> None:
    types = {
        d.name: d for d in load("type_decl.bicep").declarations if isinstance(d, ast.TypeDecl)
    }
    multi = types["multi"].type
    assert isinstance(multi, ast.TypeUnion) and len(multi.members) == 2
    negative = types["negative"].type
    assert isinstance(negative, ast.TypeUnion)
    assert [m.value for m in negative.members if isinstance(m, ast.Int)] == [-1, 0, 1]
    generic = types["poolProps"].type
    assert isinstance(generic, ast.TypeAccess) and isinstance(generic.base, ast.TypeRef)
    assert generic.base.name == "resourceInput" and len(generic.base.args) == 1
    item = types["itemOf"].type
    assert isinstance(item, ast.TypeIndex) and item.index is None
    first = types["firstOf"].type
    assert isinstance(first, ast.TypeIndex) and first.index == 0
    network = types["network"]
    assert network.decorators[0].name == "sealed"
    assert isinstance(network.type, ast.TypeObject)
    keys = [(p.key.value, p.optional) for p in network.type.properties]
    assert keys == [
        ("name", False), ("plugin", False), ("policy", True), ("quoted-key", False),
        ("tags", False),
    ]
    tags = network.type.properties[-1].type
    assert isinstance(tags, ast.TypeObject) and tags.properties[0].key.value == "*"
    assert isinstance(types["pair"].type, ast.TypeTuple)


def test_user_function() -> None:
    funcs = [d for d in load("func.bicep").declarations if isinstance(d, ast.Func)]
    subnet_name = funcs[0]
    assert [(p.name, getattr(p.type, "name", None)) for p in subnet_name.params] == [
        ("prefix", "string"),
        ("index", "int"),
    ]
    assert isinstance(subnet_name.return_type, ast.TypeRef)
    assert isinstance(subnet_name.body, ast.String) and subnet_name.body.interpolated
    assert [d.name for d in funcs[1].decorators] == ["export", "description"]
    assert funcs[2].params == ()


def test_imports() -> None:
    first, wildcard, multi = (
        d for d in load("import.bicep").declarations if isinstance(d, ast.Import)
    )
    assert [(s.name.value, s.alias.value if s.alias else None) for s in first.symbols] == [
        ("subnetConfig", None),
        ("cidr", "makeCidr"),
    ]
    assert first.path.value == "types.bicep"
    assert wildcard.wildcard is not None and wildcard.wildcard.value == "shared"
    assert len(multi.symbols) == 2 and multi.loc.end_line == 6


def test_extensions() -> None:
    exts = [d for d in load("extension.bicep").declarations if isinstance(d, ast.Extension)]
    assert [e.keyword for e in exts] == [
        "extension", "extension", "extension", "provider", "provider", "import",
    ]
    assert isinstance(exts[0].spec, ast.Name) and exts[0].spec.value == "microsoftGraph"
    assert isinstance(exts[1].spec, ast.String) and exts[1].alias is not None
    assert isinstance(exts[2].config, ast.Object) and exts[2].alias is not None
    assert exts[2].alias.value == "k8s"


def test_assert_target_scope_and_metadata() -> None:
    asserts = [d for d in load("assert.bicep").declarations if isinstance(d, ast.Assert)]
    assert [a.name for a in asserts] == ["validCidr", "notEmpty"]
    assert isinstance(asserts[0].condition, ast.Call)
    scope = load("target_scope.bicep").target_scope
    assert scope is not None and isinstance(scope.value, ast.String)
    assert scope.value.value == "subscription"
    meta = load("metadata.bicep").declarations
    assert all(isinstance(d, ast.Metadata) for d in meta)


# -- strings -------------------------------------------------------------------------------


def test_interpolated_part_position() -> None:
    tree = load("strings_interpolation.bicep")
    several = tree.variables[1].value
    assert isinstance(several, ast.String)
    env, sep, region, tail = several.parts
    assert isinstance(env, ast.Ident) and env.loc == Location(
        "strings_interpolation.bicep", 5, 18, 5, 21
    )
    assert sep == "-" and tail == "-aks"
    assert isinstance(region, ast.Ident) and region.loc.column == 25
    assert several.value is None and several.interpolated


def test_nested_interpolation() -> None:
    nested = load("strings_interpolation.bicep").variables[2].value
    assert isinstance(nested, ast.String)
    outer, inner, end = nested.parts
    assert outer == "outer-" and end == "-end"
    assert isinstance(inner, ast.String)
    assert inner.parts[0] == "inner-" and isinstance(inner.parts[1], ast.Call)
    with_object = load("strings_interpolation.bicep").variables[3].value
    assert isinstance(with_object, ast.String)
    assert isinstance(with_object.parts[1], ast.PropertyAccess)


def test_empty_and_single_interpolation_strings() -> None:
    tree = load("strings_interpolation.bicep")
    only, empty = tree.variables[4].value, tree.variables[5].value
    assert isinstance(only, ast.String) and len(only.parts) == 1
    assert isinstance(empty, ast.String) and empty.parts == () and empty.value == ""


def test_escapes_are_decoded() -> None:
    values = [v.value for v in load("strings_escapes.bicep").variables]
    assert [v.value for v in values if isinstance(v, ast.String)] == [
        "it's",
        "C:\\temp",
        "line1\nline2",
        "a\tb\rc",
        "cost: ${notInterpolated}",
        "smile \U0001F600 and \u00e9",
        "price $5 and $",
    ]


def test_multiline_strings_do_not_interpolate() -> None:
    script, inline, escapes = (v.value for v in load("strings_multiline.bicep").variables)
    assert isinstance(script, ast.String) and script.multiline
    assert script.value == (
        '#!/bin/bash\necho "no ${interpolation} here"\necho \'single quotes ok\'\n'
    )
    assert script.loc.line == 1 and script.loc.end_line == 5
    assert isinstance(inline, ast.String) and inline.value == "one line"
    assert isinstance(escapes, ast.String) and escapes.value == "a\\nb"


# -- expressions ---------------------------------------------------------------------------


def test_object_and_array_forms() -> None:
    values = {v.name: v.value for v in load("objects_arrays.bicep").variables}
    multi = obj(values["multiLineObject"])
    keys = [p.key for p in multi.properties]
    assert [k.value for k in keys] == ["name", "quoted-key", None, "if", "nested"]
    assert isinstance(keys[1], ast.String) and isinstance(keys[2], ast.String)
    assert keys[2].interpolated
    assert [p.name for p in obj(values["singleLineObject"]).properties] == ["a", "b"]
    assert len(obj(values["commaMultiLine"]).items) == 2
    assert obj(values["emptyObject"]).items == ()
    for name, count in [("multiLineArray", 4), ("singleLineArray", 3), ("mixed", 3)]:
        array = values[name]
        assert isinstance(array, ast.Array) and len(array.items) == count


@pytest.mark.parametrize(
    ("source", "shape"),
    [
        ("a + b * c", "(a + (b * c))"),
        ("a * b + c", "((a * b) + c)"),
        ("a - b - c", "((a - b) - c)"),
        ("a % b / c", "((a % b) / c)"),
        ("a < b == c > d", "((a < b) == (c > d))"),
        ("a == b && c != d", "((a == b) && (c != d))"),
        ("a && b || c && d", "((a && b) || (c && d))"),
        ("a || b ?? c", "((a || b) ?? c)"),
        ("a ?? b ?? c", "((a ?? b) ?? c)"),
        ("a =~ b && c !~ d", "((a =~ b) && (c !~ d))"),
        ("!a && -b < c", "((!a) && ((-b) < c))"),
        ("-a.b", "(-a.b)"),
        ("!a!", "(!a!)"),
        ("a ? b : c ? d : e", "(a ? b : (c ? d : e))"),
        ("a ?? b ? c : d", "((a ?? b) ? c : d)"),
        ("(a + b) * c", "((a + b) * c)"),
    ],
)
def test_operator_precedence(source: str, shape: str) -> None:
    assert render(expr(source)) == shape


def render(node: ast.Expr) -> str:
    """A fully parenthesised rendering of an expression made of identifiers."""
    if isinstance(node, ast.Ident):
        return node.name
    if isinstance(node, ast.Binary):
        return f"({render(node.left)} {node.op} {render(node.right)})"
    if isinstance(node, ast.Unary):
        return f"({node.op}{render(node.operand)})"
    if isinstance(node, ast.Ternary):
        parts = (render(node.condition), render(node.if_true), render(node.if_false))
        return "({} ? {} : {})".format(*parts)
    if isinstance(node, ast.PropertyAccess):
        return f"{render(node.base)}.{node.name.value}"
    if isinstance(node, ast.NonNullAssert):
        return f"{render(node.expr)}!"
    raise AssertionError(node)


def test_operators_file() -> None:
    values = {v.name: v.value for v in load("operators.bicep").variables}
    multi = values["multiLineTernary"]
    assert isinstance(multi, ast.Ternary) and multi.loc.end_line == multi.loc.line + 2
    coalesce = values["coalesce"]
    assert isinstance(coalesce, ast.Binary) and coalesce.op == "??"
    assert isinstance(coalesce.left, ast.Binary) and isinstance(coalesce.left.left, ast.Null)


def test_safe_access_index_and_non_null() -> None:
    values = {v.name: v.value for v in load("access.bicep").variables}
    safe = values["safeProp"]
    assert isinstance(safe, ast.PropertyAccess) and safe.safe
    assert isinstance(safe.base, ast.PropertyAccess) and safe.base.safe
    index = values["safeIndex"]
    assert isinstance(index, ast.Index) and index.safe
    assert isinstance(index.index, ast.Int) and index.index.value == 5
    plain = values["index"]
    assert isinstance(plain, ast.Index) and not plain.safe
    non_null = values["nonNull"]
    assert isinstance(non_null, ast.PropertyAccess)
    assert isinstance(non_null.base, ast.NonNullAssert)
    postfix = values["postfixNonNull"]
    assert isinstance(postfix, ast.NonNullAssert) and isinstance(postfix.expr, ast.Index)
    access = values["resourceAccess"]
    assert isinstance(access, ast.PropertyAccess)


def test_calls_and_namespaces() -> None:
    values = {v.name: v.value for v in load("calls.bicep").variables}
    sys_call = values["sysNs"]
    assert isinstance(sys_call, ast.Call)
    assert (sys_call.namespace, sys_call.name, len(sys_call.args)) == ("sys", "concat", 2)
    az_call = values["azNs"]
    assert isinstance(az_call, ast.Call) and az_call.namespace == "az"
    assert az_call.name == "resourceId"
    target = values["onTarget"]
    assert isinstance(target, ast.PropertyAccess) and isinstance(target.base, ast.Call)
    multi = values["multiLineArgs"]
    assert isinstance(multi, ast.Call) and len(multi.args) == 2
    assert multi.loc.line == 6 and multi.loc.end_line == 9
    method = expr("a.b.list()")
    assert isinstance(method, ast.Call) and method.namespace is None
    assert isinstance(method.target, ast.PropertyAccess)


def test_lambdas() -> None:
    values = {v.name: v.value for v in load("lambdas.bicep").variables}

    def params(name: str, arg: int = 1) -> list[str]:
        call = values[name]
        lam = call if isinstance(call, ast.Lambda) else call.args[arg]  # type: ignore[union-attr]
        assert isinstance(lam, ast.Lambda)
        return [p.name for p in lam.params]

    assert params("names") == ["pool"]
    assert params("parenthesised") == ["pool"]
    assert params("withIndex") == ["pool", "i"]
    assert params("total", 2) == ["acc", "pool"]
    assert params("sorted") == ["x", "y"]
    assert params("thunk") == []
    body = values["multiLineBody"]
    assert isinstance(body, ast.Call)
    lam = body.args[1]
    assert isinstance(lam, ast.Lambda) and isinstance(lam.body, ast.Object)


def test_spread() -> None:
    values = {v.name: v.value for v in load("spread.bicep").variables}
    extended = obj(values["extended"])
    assert isinstance(extended.items[0], ast.Spread)
    assert isinstance(extended.items[0].expr, ast.Ident)
    inline = obj(values["inline"])
    assert isinstance(inline.items[0], ast.Spread) and inline.get("name") is not None
    more = values["more"]
    assert isinstance(more, ast.Array) and isinstance(more.items[0], ast.Spread)
    inline_array = values["inlineArray"]
    assert isinstance(inline_array, ast.Array) and isinstance(inline_array.items[0], ast.Spread)


# -- comments and text encodings -----------------------------------------------------------


def test_comments_are_kept_with_positions() -> None:
    tree = load("comments.bicep")
    comments = tree.comments
    assert [c.loc.line for c in comments] == [1, 2, 3, 5, 9, 10, 11, 14]
    assert comments[2].text == "// trailing comment" and comments[2].loc.column == 16
    assert comments[3].block and comments[3].loc.end_line == 8
    suppression = comments[4]
    assert suppression.content == "aksnetlint:ignore AKS001 reason here"
    assert suppression.loc.line == tree.resources[0].loc.line
    url = tree.variables[0].value
    assert isinstance(url, ast.String) and url.value == "https://example.com/path"


def test_crlf_positions() -> None:
    tree = load("crlf.bicep")
    resource = tree.resources[0]
    name = prop(resource.body, "name")
    assert name.loc == Location("crlf.bicep", 3, 9, 3, 10)
    assert resource.loc.end_line == 7 and resource.loc.end_column == 2
    inner = obj(resource.body).get("properties")
    assert inner is not None and inner.loc.end_line == 6 and inner.loc.end_column == 4


def test_bom_is_not_a_column() -> None:
    param = load("bom.bicep").params[0]
    assert param.loc.column == 1 and param.name_loc.column == 7


def test_tab_is_one_column() -> None:
    name = obj(load("tabs.bicep").resources[0].body).properties[0]
    assert name.loc.column == 2
    assert prop(obj(load("tabs.bicep").resources[0].body).properties[1].value, "x").loc == (
        Location("tabs.bicep", 4, 6, 4, 7)
    )


def test_non_ascii_columns_count_characters() -> None:
    tree = load("non_ascii.bicep")
    greeting = tree.variables[0].value
    assert isinstance(greeting, ast.String)
    assert greeting.parts[0] == "こんにちは "
    ident = greeting.parts[1]
    assert isinstance(ident, ast.Ident) and ident.loc.column == 25
    assert tree.comments[0].content.startswith("Réseau")


def test_empty_file() -> None:
    tree = load("empty.bicep")
    assert tree.declarations == () and tree.comments == ()


def test_walk_reaches_every_node_in_source_order() -> None:
    tree = parse_bicep("var a = [1, {b: c}]\n", "w.bicep")
    kinds = [type(n).__name__ for n in ast.walk(tree)]
    assert kinds == [
        "BicepFile", "Var", "Array", "Int", "Object", "ObjectProperty", "Name", "Ident",
    ]


# -- .bicepparam ---------------------------------------------------------------------------


def test_bicepparam_using_and_params() -> None:
    tree = load_params("using.bicepparam")
    assert tree.using is not None and tree.using.path is not None
    assert tree.using.path.value == "./main.bicep"
    assert [p.name for p in tree.params] == [
        "clusterName", "nodeCount", "ranges", "network", "fromEnv",
    ]
    assert all(p.type is None for p in tree.params)
    ranges = tree.params[2].default
    assert isinstance(ranges, ast.Array) and ranges.items[0].loc.line == 7
    assert tree.comments[0].loc.line == 3


def test_bicepparam_using_none_extends_var_import() -> None:
    none = load_params("using_none.bicepparam").using
    assert none is not None and none.path is None
    extends = load_params("extends.bicepparam")
    assert extends.extends is not None and extends.extends.path.value == "base.bicepparam"
    tags = extends.params[1].default
    assert isinstance(obj(tags).items[0], ast.Spread)
    mixed = load_params("var_import.bicepparam")
    assert [v.name for v in mixed.variables] == ["prefix", "env"]
    imports = [d for d in mixed.declarations if isinstance(d, ast.Import)]
    assert len(imports) == 2 and imports[1].wildcard is not None


def test_diagnostic_pragmas_are_kept_as_directives() -> None:
    tree = load("pragmas.bicep")
    pragmas = [(c.loc.line, c.loc.column, c.content) for c in tree.comments if c.directive]
    assert pragmas == [
        (1, 1, "disable-next-line no-unused-params"),
        (4, 3, "disable-next-line no-hardcoded-location BCP081"),
        (7, 1, "disable-diagnostics no-unused-vars"),
        (9, 1, "restore-diagnostics no-unused-vars"),
    ]
    choice = tree.declarations[-1]
    assert isinstance(choice, ast.TypeDecl) and isinstance(choice.type, ast.TypeObject)
    assert isinstance(choice.type.properties[0].type, ast.TypeUnion)


def test_advanced_types() -> None:
    types = {
        d.name: d.type for d in load("type_advanced.bicep").declarations
        if isinstance(d, ast.TypeDecl)
    }
    matrix = types["matrix"]
    assert isinstance(matrix, ast.TypeNullable) and isinstance(matrix.inner, ast.TypeArray)
    literals = types["literals"]
    assert isinstance(literals, ast.TypeArray) and isinstance(literals.item, ast.TypeUnion)
    members = literals.item.members
    assert [m.value for m in members if isinstance(m, ast.Int)] == [443, -1]
    assert [m.value for m in members if isinstance(m, ast.Bool)] == [True, False]
    assert isinstance(types["definiteCidr"], ast.TypeNonNull)
    rule_set = types["ruleSet"]
    assert isinstance(rule_set, ast.TypeUnion) and len(rule_set.members) == 2
    assert rule_set.loc.line == 6 and rule_set.loc.end_line == 7
    described = types["describedTuple"]
    assert isinstance(described, ast.TypeTuple)
    assert [i.decorators[0].name for i in described.items] == ["description", "description"]
    assert [i.loc.line for i in described.items] == [28, 31]
