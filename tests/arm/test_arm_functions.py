"""The ARM function library, one function at a time, including unknown inputs."""

from __future__ import annotations

from typing import Any

import pytest

from aksnetlint.resolve.arm_expressions import (
    Deployment,
    ExpressionError,
    Frame,
    UserFunction,
    evaluate_string,
)
from aksnetlint.resolve.arm_functions import FUNCTIONS, arm_resource_key
from aksnetlint.values import Location, ResourceRef, Sourced, Unresolved, sourced

HERE = Location("t.json", 10, 5)
PARAM_LOC = Location("t.parameters.json", 3, 7)


class StubScope:
    """Parameters are given as plain values (located in a parameter file)."""

    def __init__(self, parameters: dict[str, Any] | None = None,
                 copies: dict[str | None, int | Unresolved] | None = None,
                 deployment: Deployment | None = None) -> None:
        self.parameters = {k.lower(): v for k, v in (parameters or {}).items()}
        self.copies = copies or {}
        self._deployment = deployment or Deployment()

    def parameter(self, name: str, offset: int) -> Sourced:
        if name.lower() not in self.parameters:
            raise ExpressionError(f"parameter {name!r} is not declared", offset)
        return sourced(self.parameters[name.lower()], PARAM_LOC)

    def variable(self, name: str, offset: int) -> Sourced:
        raise ExpressionError("no variables here", offset)

    def copy_index(self, loop: str | None) -> int | Unresolved | None:
        return self.copies.get(loop.lower() if loop else None)

    def deployment(self) -> Deployment:
        return self._deployment

    def resource_info(self, symbol: str) -> Sourced | None:
        if symbol == "snet":
            return sourced({"id": "/subscriptions/s/resourceGroups/g/providers/"
                                  "Microsoft.Network/virtualNetworks/v/subnets/a",
                            "name": "v/a"}, HERE)
        return None

    def reference(self, key: str, full: bool) -> Sourced | None:
        return None

    def user_function(self, name: str) -> UserFunction | None:
        return None


def run(expression: str, **parameters: Any) -> Sourced:
    return evaluate_string(expression, Frame(HERE, StubScope(parameters), FUNCTIONS))


def value(expression: str, **parameters: Any) -> object:
    return run(expression, **parameters).plain()


def unknown(expression: str, **parameters: Any) -> bool:
    return isinstance(run(expression, **parameters).data, Unresolved)


UNKNOWN = Unresolved("no value")


# -- scope ---------------------------------------------------------------------------------

def test_parameters_keep_their_own_locations() -> None:
    result = run("[parameters('ranges')]", ranges=["1.2.3.0/24", "5.6.7.8/32"])
    assert result.loc == PARAM_LOC
    assert isinstance(result.data, list) and result.data[1].loc == PARAM_LOC


def test_computed_result_sits_at_the_expression() -> None:
    result = run("[toLower(parameters('n'))]", n="ABC")
    assert result == Sourced("abc", HERE)


def test_function_names_are_case_insensitive() -> None:
    assert value("[TOLOWER('A')]") == "a"
    assert value("[ConCat('a', 'b')]") == "ab"


def test_unknown_function_is_unresolved() -> None:
    result = run("[someFutureFunction(1)]")
    assert isinstance(result.data, Unresolved) and "someFutureFunction" in result.data.reason


@pytest.mark.parametrize("expression", [
    "[uniqueString('a')]", "[guid('a')]", "[utcNow()]", "[newGuid()]", "[deployment()]",
    "[environment()]", "[listKeys('x', '2020-01-01')]", "[listSomething('x', '1')]",
])
def test_deployment_time_functions_are_unresolved(expression: str) -> None:
    assert unknown(expression)


def test_unknown_propagates_through_functions() -> None:
    assert unknown("[toLower(parameters('p'))]", p=UNKNOWN)
    assert unknown("[concat('a', parameters('p'))]", p=UNKNOWN)
    assert unknown("[string(parameters('p'))]", p=["a", UNKNOWN])


def test_length_of_array_with_unknown_elements_is_known() -> None:
    assert value("[length(parameters('p'))]", p=["a", UNKNOWN]) == 2
    assert value("[empty(parameters('p'))]", p=[UNKNOWN]) is False


# -- logical -------------------------------------------------------------------------------

def test_if_evaluates_only_the_chosen_branch() -> None:
    assert value("[if(true(), 'yes', parameters('missing'))]") == "yes"
    assert value("[if(equals(1, 2), 'yes', 'no')]") == "no"
    assert unknown("[if(parameters('c'), 'a', 'b')]", c=UNKNOWN)


def test_and_or_short_circuit_over_unknowns() -> None:
    assert value("[or(parameters('c'), true())]", c=UNKNOWN) is True
    assert value("[and(parameters('c'), false())]", c=UNKNOWN) is False
    assert unknown("[and(parameters('c'), true())]", c=UNKNOWN)
    assert value("[not(false())]") is True


def test_equals_is_deep_and_case_sensitive() -> None:
    assert value("[equals('a', 'A')]") is False
    assert value("[equals(createArray(1, 'x'), createArray(1, 'x'))]") is True
    assert value("[equals(json('{\"a\": 1}'), createObject('a', 1))]") is True
    assert value("[equals(1, true())]") is False
    assert unknown("[equals(parameters('p'), 'a')]", p=UNKNOWN)
    assert value("[equals(parameters('p'), createArray(1))]", p=[UNKNOWN, 2]) is False


@pytest.mark.parametrize(("expression", "expected"), [
    ("[less(1, 2)]", True), ("[less('b', 'a')]", False), ("[greater(3, 2)]", True),
    ("[lessOrEquals(2, 2)]", True), ("[greaterOrEquals(1, 2)]", False),
])
def test_comparisons(expression: str, expected: bool) -> None:
    assert value(expression) is expected


def test_coalesce() -> None:
    assert value("[coalesce(null(), null(), 'x', parameters('p'))]", p=UNKNOWN) == "x"
    assert unknown("[coalesce(null(), parameters('p'), 'x')]", p=UNKNOWN)
    assert value("[coalesce(null())]") is None


# -- conversion ----------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ("[string(5)]", "5"),
    ("[string(true())]", "True"),
    ("[string(createArray('a', 'b'))]", '["a","b"]'),
    ("[string(createObject('k', 10))]", '{"k":10}'),
    ("[int('42')]", 42),
    ("[int(7)]", 7),
    ("[bool('TRUE')]", True),
    ("[bool(0)]", False),
    ("[json('[1, {\"a\": null}]')]", [1, {"a": None}]),
    ("[json('null')]", None),
    ("[base64('one, two, three')]", "b25lLCB0d28sIHRocmVl"),
    ("[base64ToString('b25lLCB0d28sIHRocmVl')]", "one, two, three"),
    ("[uriComponent('a b/c')]", "a%20b%2Fc"),
])
def test_conversions(expression: str, expected: object) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize("expression", ["[int('x')]", "[bool('maybe')]", "[json('{')]"])
def test_bad_conversions_are_template_errors(expression: str) -> None:
    with pytest.raises(ExpressionError):
        run(expression)


# -- arrays and objects --------------------------------------------------------------------

def test_concat_strings_numbers_and_arrays() -> None:
    assert value("[concat('vm', 1, '-', true())]") == "vm1-True"
    assert value("[concat(createArray(1), createArray(2, 3))]") == [1, 2, 3]
    result = run("[concat(parameters('a'), createArray('x'))]", a=["p"])
    assert isinstance(result.data, list) and result.data[0].loc == PARAM_LOC


def test_create_array_and_object_keep_unknown_members() -> None:
    result = run("[createArray('a', parameters('p'))]", p=UNKNOWN)
    assert isinstance(result.data, list) and isinstance(result.data[1].data, Unresolved)
    assert value("[createObject('a', 1, 'b', createArray())]") == {"a": 1, "b": []}
    with pytest.raises(ExpressionError):
        run("[createObject('a')]")


def test_array_wraps_scalars() -> None:
    assert value("[array('x')]") == ["x"]
    assert value("[array(createArray(1))]") == [1]


def test_union_arrays_dedupe_and_objects_merge_deeply() -> None:
    assert value("[union(createArray(1, 2), createArray(2, 3))]") == [1, 2, 3]
    merged = value("[union(json('{\"a\": {\"x\": 1, \"y\": 1}, \"b\": 1}'), "
                   "json('{\"a\": {\"y\": 2}, \"c\": 3}'))]")
    assert merged == {"a": {"x": 1, "y": 2}, "b": 1, "c": 3}


def test_intersection() -> None:
    assert value("[intersection(createArray(1, 2, 3), createArray(3, 2, 9))]") == [2, 3]
    assert value("[intersection(createObject('a', 1, 'b', 2), createObject('a', 1, 'b', 3))]") \
        == {"a": 1}


def test_contains() -> None:
    assert value("[contains('OneTwo', 'Two')]") is True
    assert value("[contains('OneTwo', 'two')]") is False
    assert value("[contains(createObject('Key', 1), 'key')]") is True
    assert value("[contains(createArray(1, 2), 2)]") is True
    assert value("[contains(parameters('p'), 'a')]", p=["a", UNKNOWN]) is True
    assert unknown("[contains(parameters('p'), 'b')]", p=["a", UNKNOWN])


def test_empty_and_length() -> None:
    assert value("[empty('')]") is True
    assert value("[empty(createObject())]") is True
    assert value("[empty(null())]") is True
    assert value("[length('abc')]") == 3
    assert value("[length(createObject('a', 1))]") == 1
    with pytest.raises(ExpressionError):
        run("[length(5)]")


def test_first_last_take_skip() -> None:
    assert value("[first(createArray('a', 'b'))]") == "a"
    assert value("[last('abc')]") == "c"
    assert value("[first(createArray())]") is None
    assert value("[take(createArray(1, 2, 3), 2)]") == [1, 2]
    assert value("[take('abc', -1)]") == ""
    assert value("[skip(createArray(1, 2, 3), 2)]") == [3]
    assert value("[skip('abc', 10)]") == ""
    first = run("[first(parameters('p'))]", p=["10.0.0.0/8"])
    assert first.loc == PARAM_LOC


def test_try_get_and_member_access_are_case_insensitive() -> None:
    assert value("[tryGet(createObject('Name', 'x'), 'name')]") == "x"
    assert value("[tryGet(createObject('a', 1), 'b')]") is None
    assert value("[tryGet(createArray(1), 5)]") is None
    assert value("[createObject('Name', 'x').NAME]") == "x"
    with pytest.raises(ExpressionError, match="does not exist"):
        run("[createObject('a', 1).b]")


def test_indexing() -> None:
    assert value("[createArray('a', 'b')[1]]") == "b"
    assert value("[createObject('k', 'v')['k']]") == "v"
    assert value("[split('a/b/c', '/')[2]]") == "c"
    with pytest.raises(ExpressionError, match="outside the array"):
        run("[createArray('a')[3]]")


def test_range_items_object_keys_flatten() -> None:
    assert value("[range(5, 3)]") == [5, 6, 7]
    assert value("[items(createObject('b', 2, 'a', 1))]") == [
        {"key": "a", "value": 1}, {"key": "b", "value": 2}]
    assert value("[objectKeys(createObject('a', 1))]") == ["a"]
    assert value("[flatten(createArray(createArray(1), createArray(2)))]") == [1, 2]
    with pytest.raises(ExpressionError):
        run("[range(0, 10001)]")


def test_lambdas_as_compiled_bicep_emits_them() -> None:
    nums = "createArray(1, 2, 3, 4)"
    assert value(f"[filter({nums}, lambda('n', greater(lambdaVariables('n'), 2)))]") == [3, 4]
    assert value(f"[map({nums}, lambda('n', mul(lambdaVariables('n'), 10)))]") == \
        [10, 20, 30, 40]
    assert value(f"[map({nums}, lambda('n', 'i', lambdaVariables('i')))]") == [0, 1, 2, 3]
    assert value(f"[reduce({nums}, 0, lambda('c', 'n', add(lambdaVariables('c'), "
                 "lambdaVariables('n'))))]") == 10
    assert value("[sort(createArray(3, 1, 2), lambda('a', 'b', less(lambdaVariables('a'), "
                 "lambdaVariables('b'))))]") == [1, 2, 3]
    assert value("[toObject(createArray('a', 'b'), lambda('x', lambdaVariables('x')), "
                 "lambda('x', toUpper(lambdaVariables('x'))))]") == {"a": "A", "b": "B"}
    with pytest.raises(ExpressionError):
        run("[filter(createArray(1), 'notalambda')]")


def test_min_max_and_arithmetic() -> None:
    assert value("[min(3, 1, 2)]") == 1
    assert value("[max(createArray(3, 7))]") == 7
    assert value("[add(1, 2)]") == 3
    assert value("[sub(1, 2)]") == -1
    assert value("[mul(3, 4)]") == 12
    assert value("[div(-7, 2)]") == -3
    assert value("[mod(-7, 2)]") == -1
    with pytest.raises(ExpressionError, match="by zero"):
        run("[div(1, 0)]")


# -- strings -------------------------------------------------------------------------------

@pytest.mark.parametrize(("expression", "expected"), [
    ("[format('{0}-{1}', 'a', 2)]", "a-2"),
    ("[format('{0:D3}', 7)]", "007"),
    ("[format('{0:N0}', 8175133)]", "8,175,133"),
    ("[format('{0:00}', 5)]", "05"),
    ("[format('{{literal}} {0}', true())]", "{literal} True"),
    ("[format('[{0,4}]', 'ab')]", "[  ab]"),
    ("[format('[{0,-4}]', 'ab')]", "[ab  ]"),
    ("[format('{0:X}', 255)]", "FF"),
    ("[split('a,b;c', createArray(',', ';'))]", ["a", "b", "c"]),
    ("[split('a,,b', ',')]", ["a", "", "b"]),
    ("[join(createArray('a', 1), '-')]", "a-1"),
    ("[replace('123-123', '-', '')]", "123123"),
    ("[toUpper('abc')]", "ABC"),
    ("[trim('  x  ')]", "x"),
    ("[substring('onetwo', 3, 3)]", "two"),
    ("[substring('onetwo', 3)]", "two"),
    ("[startsWith('AbC', 'ab')]", True),
    ("[endsWith('AbC', 'BC')]", True),
    ("[indexOf('test', 'T')]", 0),
    ("[lastIndexOf('test', 't')]", 3),
    ("[indexOf('abc', 'z')]", -1),
    ("[indexOf(createArray('a', 'b'), 'b')]", 1),
    ("[padLeft('123', 6, '0')]", "000123"),
    ("[padLeft(7, 3)]", "  7"),
])
def test_string_functions(expression: str, expected: object) -> None:
    assert value(expression) == expected


@pytest.mark.parametrize("expression", [
    "[substring('abc', 2, 5)]", "[format('{1}', 'a')]", "[format('{0', 'a')]",
    "[replace('a', '', 'b')]", "[padLeft('a', 3, 'xy')]", "[toLower(1)]",
    "[concat()]", "[not(1)]",
])
def test_string_function_misuse_is_a_template_error(expression: str) -> None:
    with pytest.raises(ExpressionError):
        run(expression)


# -- CIDR ----------------------------------------------------------------------------------

def test_parse_cidr() -> None:
    assert value("[parseCidr('10.144.0.0/20')]") == {
        "network": "10.144.0.0", "netmask": "255.255.240.0", "broadcast": "10.144.15.255",
        "firstUsable": "10.144.0.1", "lastUsable": "10.144.15.254", "cidr": 20}
    assert value("[parseCidr('fdad:3236:5555::/48')]") == {
        "network": "fdad:3236:5555::", "netmask": "ffff:ffff:ffff::",
        "firstUsable": "fdad:3236:5555::",
        "lastUsable": "fdad:3236:5555:ffff:ffff:ffff:ffff:ffff", "cidr": 48}


def test_cidr_subnet_and_host() -> None:
    assert value("[cidrSubnet('10.144.0.0/20', 24, 4)]") == "10.144.4.0/24"
    assert value("[cidrSubnet('fdad:3236:5555::/48', 52, 1)]") == "fdad:3236:5555:1000::/52"
    assert value("[cidrHost('10.144.3.0/24', 0)]") == "10.144.3.1"
    assert value("[cidrHost('fdad:3236:5555:3000::/52', 4)]") == "fdad:3236:5555:3000::5"
    for bad in ("[cidrSubnet('10.0.0.0/16', 8, 0)]", "[cidrSubnet('10.0.0.0/16', 24, 256)]",
                "[cidrHost('10.0.0.0/30', 2)]", "[parseCidr('not-a-cidr')]"):
        with pytest.raises(ExpressionError):
            run(bad)


# -- deployment and IDs --------------------------------------------------------------------

def test_resource_group_and_subscription_are_mostly_unknown() -> None:
    assert unknown("[resourceGroup().location]")
    assert value("[resourceGroup().type]") == "Microsoft.Resources/resourceGroups"
    assert unknown("[subscription().subscriptionId]")
    known = Deployment(subscription_id="s1", resource_group="rg1", location="westeurope")
    frame = Frame(HERE, StubScope(deployment=known), FUNCTIONS)
    assert evaluate_string("[resourceGroup().location]", frame).data == "westeurope"
    assert evaluate_string("[resourceGroup().id]", frame).data == \
        "/subscriptions/s1/resourceGroups/rg1"


def test_resource_ids_link_to_declared_resources() -> None:
    subnet = value("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet1', "
                   "'snet1')]")
    assert subnet == ("/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/"
                      "providers/Microsoft.Network/virtualNetworks/vnet1/subnets/snet1")
    assert isinstance(subnet, str)
    assert arm_resource_key(subnet) == "microsoft.network/virtualnetworks/vnet1/subnets/snet1"
    other_group = value("[resourceId('rg2', 'Microsoft.Network/virtualNetworks', 'v')]")
    assert other_group == ("/subscriptions/{subscriptionId}/resourceGroups/rg2/providers/"
                           "Microsoft.Network/virtualNetworks/v")
    full = value("[resourceId(parameters('s'), 'rg3', 'Microsoft.Network/virtualNetworks', "
                 "'v')]", s=UNKNOWN)
    assert full == ("/subscriptions/{subscriptionId}/resourceGroups/rg3/providers/"
                    "Microsoft.Network/virtualNetworks/v")
    assert value("[subscriptionResourceId('Microsoft.Network/x', 'n')]") == \
        "/subscriptions/{subscriptionId}/providers/Microsoft.Network/x/n"
    assert value("[extensionResourceId('/subscriptions/s/resourceGroups/g/providers/A.B/c/d', "
                 "'Microsoft.Authorization/locks', 'l')]") == \
        "/subscriptions/s/resourceGroups/g/providers/A.B/c/d/providers/" \
        "Microsoft.Authorization/locks/l"
    assert unknown("[resourceId('Microsoft.Network/virtualNetworks', parameters('n'))]",
                   n=UNKNOWN)
    with pytest.raises(ExpressionError):
        run("[resourceId('Microsoft.Network/virtualNetworks/subnets', 'only-one')]")


@pytest.mark.parametrize(("resource_id", "key"), [
    ("/subscriptions/x/resourceGroups/y/providers/Microsoft.Network/virtualNetworks/V/"
     "subnets/S", "microsoft.network/virtualnetworks/v/subnets/s"),
    ("/SUBSCRIPTIONS/x/resourcegroups/y/PROVIDERS/Microsoft.Network/virtualNetworks/v/",
     "microsoft.network/virtualnetworks/v"),
    ("/providers/Microsoft.Management/managementGroups/mg/providers/"
     "Microsoft.Authorization/policyDefinitions/p",
     "microsoft.authorization/policydefinitions/p"),
    ("/subscriptions/x/resourceGroups/y", None),
    ("not an id", None),
    ("/subscriptions/x/providers/Microsoft.Network/virtualNetworks", None),
])
def test_arm_resource_key(resource_id: str, key: str | None) -> None:
    assert arm_resource_key(resource_id) == key


def test_reference_keeps_the_target_recoverable() -> None:
    result = run("[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip'), "
                 "'2023-01-01').ipAddress]")
    assert result.data == ResourceRef("microsoft.network/publicipaddresses/pip",
                                      "properties.ipAddress")
    full = run("[reference(resourceId('Microsoft.Network/publicIPAddresses', 'pip'), "
               "'2023-01-01', 'Full').properties.ipAddress]")
    assert full.data == ResourceRef("microsoft.network/publicipaddresses/pip",
                                    "properties.ipAddress")
    symbolic = run("[reference('snet').addressPrefix]")
    assert symbolic.data == ResourceRef("microsoft.network/virtualnetworks/v/subnets/a",
                                        "properties.addressPrefix")
    by_name = run("[reference('plainName').fqdn]")
    assert isinstance(by_name.data, Unresolved) and "plainName" in by_name.data.reason
    assert unknown("[concat(reference('snet').addressPrefix, 'x')]")


def test_resource_info() -> None:
    assert value("[resourceInfo('snet').name]") == "v/a"
    with pytest.raises(ExpressionError):
        run("[resourceInfo('nothing')]")


def test_copy_index() -> None:
    frame = Frame(HERE, StubScope(copies={None: 2, "loop": 2, "inner": 5}), FUNCTIONS)
    assert evaluate_string("[copyIndex()]", frame).data == 2
    assert evaluate_string("[copyIndex(1)]", frame).data == 3
    assert evaluate_string("[copyIndex('inner')]", frame).data == 5
    assert evaluate_string("[copyIndex('inner', 10)]", frame).data == 15
    with pytest.raises(ExpressionError, match="outside"):
        run("[copyIndex()]")
    unknown_loop = Frame(HERE, StubScope(copies={None: UNKNOWN}), FUNCTIONS)
    assert isinstance(evaluate_string("[copyIndex()]", unknown_loop).data, Unresolved)


def test_every_requested_function_is_registered() -> None:
    requested = str.split("""parameters variables concat format string int bool json createArray
        createObject array union intersection if equals not and or empty length contains
        first last take skip split join replace toLower toUpper trim substring startsWith
        endsWith coalesce tryGet resourceId subscriptionResourceId extensionResourceId
        resourceGroup subscription deployment environment cidrSubnet cidrHost parseCidr
        copyIndex range items filter map lambda lambdaVariables less greater lessOrEquals
        greaterOrEquals add sub mul div mod min max indexOf padLeft base64 reference
        uniqueString guid utcNow newGuid""")
    assert [name for name in requested if name.lower() not in FUNCTIONS] == []
