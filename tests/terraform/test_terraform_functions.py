from __future__ import annotations

from typing import Any

import pytest

from aksnetlint.errors import EvaluationError
from aksnetlint.resolve import terraform_types as types
from aksnetlint.resolve.terraform_functions import (
    FAILURE_MARK,
    LAZY_FUNCTIONS,
    call,
    evaluate_can,
    evaluate_try,
    failure,
    is_failure,
    is_unknown,
    supported_functions,
)
from aksnetlint.values import Location, ResourceRef, Unresolved

U = Unresolved("variable x has no value", Location("main.tf", 3))
REF = ResourceRef("azurerm_subnet.aks", "address_prefixes")


def fails(result: object, message: str = "") -> bool:
    return is_failure(result) and message in str(result)


# -- results -----------------------------------------------------------------------------

CASES: list[tuple[str, list[Any], Any]] = [
    # network
    ("cidrsubnet", ["10.0.0.0/16", 9, 0], "10.0.0.0/25"),
    ("cidrsubnet", ["10.1.0.0/16", 8, 2], "10.1.2.0/24"),
    ("cidrsubnet", ["10.1.0.0/16", "8", "2"], "10.1.2.0/24"),  # numbers convert from strings
    ("cidrsubnet", ["fd00:fd12:3456:7890::/56", 16, 162], "fd00:fd12:3456:7800:a200::/72"),
    ("cidrsubnet", ["172.16.0.0/12", 4, 2], "172.18.0.0/16"),
    ("cidrhost", ["10.12.112.0/20", 16], "10.12.112.16"),
    ("cidrhost", ["10.12.112.0/20", 268], "10.12.113.12"),
    ("cidrhost", ["10.0.0.0/8", -2], "10.255.255.254"),
    ("cidrhost", ["10.0.0.0/24", -1], "10.0.0.255"),
    ("cidrhost", ["fd00:fd12:3456:7890:00a2::/72", 34], "fd00:fd12:3456:7890::22"),
    ("cidrnetmask", ["172.16.0.0/12"], "255.240.0.0"),
    ("cidrsubnets", ["10.1.0.0/16", 4, 4, 8, 4],
     ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ["fd00:fd12:3456:7890::/56", 16, 16, 16, 32],
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
      "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]),
    ("cidrsubnets", ["10.0.0.0/8"], []),
    # collections
    ("concat", [["a", ""], ["b", "c"]], ["a", "", "b", "c"]),
    ("flatten", [[["a", "b"], [], ["c"]]], ["a", "b", "c"]),
    ("flatten", [[[["a", []], "b"], "c"]], ["a", "b", "c"]),
    ("lookup", [{"a": "ay", "b": "bee"}, "a", "what?"], "ay"),
    ("lookup", [{"a": "ay", "b": "bee"}, "c", "what?"], "what?"),
    ("lookup", [{"a": "ay"}, "a"], "ay"),
    ("lookup", [{"a": None}, "a", "d"], None),
    ("merge", [{"a": "b", "c": "d"}, {"e": "f", "c": "z"}], {"a": "b", "c": "z", "e": "f"}),
    ("merge", [{"a": 1}, None, {"b": 2}], {"a": 1, "b": 2}),
    ("merge", [], {}),
    ("coalesce", ["a", "b"], "a"),
    ("coalesce", ["", "b"], "b"),
    ("coalesce", [None, "", "c"], "c"),
    ("coalesce", [1, 2], 1),
    ("coalesce", [None, 1, "x"], "1"),  # unified to string
    ("coalesce", [False, True], False),
    ("coalescelist", [["a", "b"], ["c", "d"]], ["a", "b"]),
    ("coalescelist", [[], ["c", "d"]], ["c", "d"]),
    ("element", [["a", "b", "c"], 1], "b"),
    ("element", [["a", "b", "c"], 3], "a"),
    ("element", [["a", "b", "c"], 7], "b"),
    ("element", [types.TypedList(["a", "b", "c"]), -1], "c"),  # a list: from the end
    ("element", [["a", "b", "c"], -3], "a"),  # Go's -3 % 3 is 0
    ("index", [["a", "b", "c"], "b"], 1),
    ("contains", [["a", "b", "c"], "a"], True),
    ("contains", [["a", "b", "c"], "d"], False),
    ("contains", [[1, 2], "1"], False),  # no conversion between element types
    ("contains", [[[1, 2], [3]], [3]], True),
    ("keys", [{"b": 1, "a": 2, "c": 3}], ["a", "b", "c"]),
    ("values", [{"b": 1, "a": 2, "c": 3}], [2, 1, 3]),
    ("zipmap", [["a", "b"], [1, 2]], {"a": 1, "b": 2}),
    ("zipmap", [["a", "a"], [1, 2]], {"a": 2}),
    ("one", [[]], None),
    ("one", [["hello"]], "hello"),
    ("distinct", [["a", "b", "a", "c", "d", "b"]], ["a", "b", "c", "d"]),
    ("distinct", [[1, 1.0, "1"]], ["1"]),  # terraform console: tolist(["1"])
    ("compact", [["a", "", "b", None, "c"]], ["a", "b", "c"]),
    ("slice", [["a", "b", "c", "d"], 1, 3], ["b", "c"]),
    ("slice", [["a"], 1, 1], []),
    ("reverse", [[1, 2, 3]], [3, 2, 1]),
    ("sort", [["e", "d", "a", "x"]], ["a", "d", "e", "x"]),
    ("sort", [[10, 9, 100]], ["10", "100", "9"]),  # lexical, as strings
    ("range", [3], [0, 1, 2]),
    ("range", [1, 4], [1, 2, 3]),
    ("range", [4, 1], [4, 3, 2]),
    ("range", [1, 8, 2], [1, 3, 5, 7]),
    ("range", [1, 4, 0.5], [1, 1.5, 2, 2.5, 3, 3.5]),
    ("range", [4, 1, -0.5], [4, 3.5, 3, 2.5, 2, 1.5]),
    ("range", [0], []),
    ("setunion", [["a", "b"], ["b", "c"], ["d"]], ["a", "b", "c", "d"]),
    ("alltrue", [["true", True]], True),
    ("alltrue", [[True, False]], False),
    ("alltrue", [[]], True),
    ("anytrue", [["true", False]], True),
    ("anytrue", [[]], False),
    ("sum", [[10, 2, 6, 4]], 22),
    ("sum", [[0.1, 0.2]], 0.3),
    ("length", [[]], 0),
    ("length", [["a", "b"]], 2),
    ("length", [{"a": "b"}], 1),
    ("length", ["hello"], 5),
    ("length", ["👾🕹️"], 2),
    ("length", ["e\u0301"], 1),  # combining mark: one character
    ("length", ["🇺🇸🇫🇷"], 2),
    ("length", ["a\r\nb"], 3),
    ("length", ["\u1100\u1161"], 1),  # NFC composes the jamo pair into one syllable
    # numbers
    ("min", [12, 54, 3], 3),
    ("max", [12, 54, 3], 54),
    ("max", ["5", 2.5], 5),
    ("abs", [-12.4], 12.4),
    ("abs", [-3], 3),
    ("ceil", [5.1], 6),
    ("ceil", [5], 5),
    ("floor", [4.9], 4),
    ("floor", [-4.1], -5),
    # type conversion
    ("tolist", [["a", "b"]], ["a", "b"]),
    ("tolist", [["a", "b", 3]], ["a", "b", "3"]),
    ("tolist", [None], None),
    ("toset", [["c", "b", "b"]], ["b", "c"]),
    ("toset", [["a", "b", 3]], ["3", "a", "b"]),
    ("toset", [[3, 1, 2, 1]], [1, 2, 3]),
    ("toset", [[True, False, True]], [False, True]),
    ("toset", [[]], []),
    ("tomap", [{"b": "x", "a": 1}], {"a": "1", "b": "x"}),
    ("tostring", ["hello"], "hello"),
    ("tostring", [1], "1"),
    ("tostring", [1.5], "1.5"),
    ("tostring", [True], "true"),
    ("tostring", [None], None),
    ("tonumber", [1], 1),
    ("tonumber", ["1"], 1),
    ("tonumber", ["1.0"], 1),
    ("tonumber", ["-2.5e1"], -25),
    ("tonumber", ["0.25"], 0.25),
    ("tonumber", [None], None),
    ("tobool", ["true"], True),
    ("tobool", [None], None),
    # strings
    ("format", ["Hello, %s!", "Ander"], "Hello, Ander!"),
    ("format", ["There are %d lights", 4], "There are 4 lights"),
    ("format", ["%03d", 7], "007"),
    ("format", ["%-5d|", 7], "7    |"),
    ("format", ["%+d % d", 5, 5], "+5  5"),
    ("format", ["%.3d", 7], "007"),
    ("format", ["%x %X %o %b %#x", 255, 255, 8, 5, 255], "ff FF 10 101 0xff"),
    ("format", ["%5s|%-5s|", "ab", "ab"], "   ab|ab   |"),
    ("format", ["%.2s", "hello"], "he"),
    ("format", ["%q", "hi \"x\""], '"hi \\"x\\""'),
    ("format", ["%q", 5], '"5"'),
    ("format", ["%v %v %v %v", "a", 5, 1.5, True], "a 5 1.5 true"),
    ("format", ["%v", 1000000], "1e+06"),
    ("format", ["%v", 0.0001], "0.0001"),
    ("format", ["%v", [1, "a"]], '[1,"a"]'),
    ("format", ["%#v", "hello"], '"hello"'),
    ("format", ["%#v", {"a": 1}], '{"a":1}'),
    ("format", ["%#v", [True]], "[true]"),
    ("format", ["%t", True], "true"),
    ("format", ["%t", "false"], "false"),
    ("format", ["%f", 3.14159], "3.141590"),
    ("format", ["%.2f", 3.14159], "3.14"),
    ("format", ["%8.2f|%-8.2f|%08.2f", 3.14159, 3.14159, -3.14159], "    3.14|3.14    |-0003.14"),
    ("format", ["%e", 123456], "1.234560e+05"),
    ("format", ["%.2E", 0.000123], "1.23E-04"),
    ("format", ["%g %g", 100000, 1e21], "100000 1e+21"),
    ("format", ["%.3g", 3.14159], "3.14"),
    ("format", ["%d%%", 50], "50%"),
    ("format", ["%[2]s %[1]s %s", "a", "b"], "b a b"),
    ("format", ["%s-%02d", "aks", 3], "aks-03"),
    ("format", ["no verbs"], "no verbs"),
    ("join", ["-", ["foo", "bar", "baz"]], "foo-bar-baz"),
    ("join", [", ", ["foo"]], "foo"),
    ("join", [",", ["a"], ["b", 1]], "a,b,1"),
    ("join", [",", []], ""),
    ("split", [",", "foo,bar,baz"], ["foo", "bar", "baz"]),
    ("split", [",", "foo"], ["foo"]),
    ("split", [",", ""], [""]),
    ("split", ["", "abc"], ["a", "b", "c"]),
    ("lower", ["HELLO"], "hello"),
    ("lower", ["АЛЛО!"], "алло!"),
    ("upper", ["hello"], "HELLO"),
    ("upper", ["алло!"], "АЛЛО!"),
    ("title", ["hello world"], "Hello World"),
    ("title", ["hello-world_x y"], "Hello-World_x Y"),
    ("chomp", ["hello\n"], "hello"),
    ("chomp", ["hello\r\n\n\r"], "hello"),
    ("chomp", ["hello\nworld"], "hello\nworld"),
    ("trimspace", ["  hello\n\n"], "hello"),
    ("trimspace", ["\u00a0hi\u3000"], "hi"),
    ("trimspace", ["\x1chi"], "\x1chi"),  # not a space for Go
    ("trim", ["?!hello?!", "!?"], "hello"),
    ("trim", ["foobar", ""], "foobar"),
    ("trimprefix", ["helloworld", "hello"], "world"),
    ("trimprefix", ["helloworld", "cat"], "helloworld"),
    ("trimsuffix", ["helloworld", "world"], "hello"),
    ("startswith", ["hello world", "hello"], True),
    ("startswith", ["hello world", "world"], False),
    ("endswith", ["hello world", "world"], True),
    ("substr", ["hello world", 1, 4], "ello"),
    ("substr", ["🤔🤷", 0, 1], "🤔"),
    ("substr", ["hello world", -5, -1], "world"),
    ("substr", ["hello world", 6, 10], "world"),
    ("substr", ["hello", 10, 2], ""),
    ("substr", ["hello", 0, 0], ""),
    ("substr", ["hello", -10, 2], "he"),  # cty clamps a too-negative offset to 0
    ("substr", ["hello", -2, 0], "lo"),  # and then treats length 0 as "the rest"
    ("replace", ["1 + 2 + 3", "+", "-"], "1 - 2 - 3"),
    ("replace", ["hello world", "/w.*d/", "everybody"], "hello everybody"),
    ("replace", ["hello world", "/(o)/", "[$1]"], "hell[o] w[o]rld"),
    ("replace", ["10.0.0.0/16", "/^(\\d+)\\.(\\d+)\\..*$/", "${2}x$1"], "0x10"),
    ("replace", ["abc", "/(?P<x>b)/", "<${x}>"], "a<b>c"),
    ("replace", ["abc", "/(b)/", "$1x"], "ac"),  # Go reads $1x as the group named "1x"
    ("replace", ["abc", "/(b)/", "$$"], "a$c"),
    ("replace", ["abxd", "/x*/", "-"], "-a-b-d-"),  # Go skips the empty match after "x"
    ("replace", ["a\n", "/a$/", "b"], "a\n"),  # RE2's $ is the end of text only
    ("replace", ["a\nb", "/(?m)a$/", "x"], "x\nb"),
    ("replace", ["a/b", "/", "-"], "a-b"),  # a lone slash is a plain string
    ("regex", ["[a-z]+", "53453453.345345aaabbbccc23454"], "aaabbbccc"),
    ("regex", ["(\\d\\d\\d\\d)-(\\d\\d)-(\\d\\d)", "2019-02-01"], ["2019", "02", "01"]),
    ("regex", ["^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?",
               "https://terraform.io/docs/"], {"authority": "terraform.io", "scheme": "https"}),
    ("regex", ["(a)|(b)", "b"], [None, "b"]),
    ("regexall", ["[a-z]+", "1234abcd5678efgh9"], ["abcd", "efgh"]),
    ("regexall", ["[a-z]+", "123456789"], []),
    ("regexall", ["x*", "axb"], ["", "x", ""]),
    ("regexall", ["\\s", "a\vb c"], [" "]),  # RE2's \s has no \v
    ("regexall", ["[[:digit:]]+", "a12b3"], ["12", "3"]),
    ("regexall", ["(\\w+)=(\\w+)", "a=1 b=2"], [["a", "1"], ["b", "2"]]),
    ("regex", ["\\pL+", "abc"], "abc"),
    ("regex", ["(?i)é", "É"], "É"),  # RE2 folds Unicode case
    ("regex", ["a(?i)b", "aB"], "aB"),
    ("regex", ["(?<n>a)", "a"], {"n": "a"}),
    ("regexall", ["", "é"], ["", ""]),  # an empty match steps one character, not one byte
    ("replace", ["héllo", "/l/", "L"], "héLLo"),
    ("replace", ["aé", "/(?P<x>.)/", "[${x}]"], "[a][é]"),
    # encoding
    ("jsonencode", [{"hello": "world"}], '{"hello":"world"}'),
    ("jsonencode", [{"b": [1, 2.5, None, True], "a": "<&>"}],
     '{"a":"\\u003c\\u0026\\u003e","b":[1,2.5,null,true]}'),
    ("jsonencode", ["é\n"], '"é\\n"'),
    ("jsonencode", [1e21], "1000000000000000000000"),
    ("jsondecode", ['{"hello": "world"}'], {"hello": "world"}),
    ("jsondecode", ["true"], True),
    ("jsondecode", ['[1, 2.0, 2.5, null, "x"]'], [1, 2, 2.5, None, "x"]),
]


@pytest.mark.parametrize(("name", "args", "expected"), CASES, ids=[c[0] for c in CASES])
def test_function(name: str, args: list[Any], expected: Any) -> None:
    result = call(name, args)
    assert result == expected
    # a number that is not whole is a float carrying cty's exact 512-bit value; a list or
    # map may be typed (a Terraform list, set or map rather than a tuple or object)
    assert type(result) is type(expected) or (type(expected) in (float, list, dict) and
                                              isinstance(result, type(expected)))


def test_numbers_keep_ints_integral() -> None:
    assert type(call("tonumber", ["3.0"])) is int
    assert type(call("ceil", [2.5])) is int
    assert type(call("sum", [[1.5, 1.5]])) is int
    assert call("range", [0, 1, 0.25]) == [0, 0.25, 0.5, 0.75]


# -- Terraform's own errors ----------------------------------------------------------------

FAILURES: list[tuple[str, list[Any], str]] = [
    ("cidrsubnet", ["10.0.0.0/30", 3, 0], "insufficient address space to extend prefix of 30 by 3"),
    ("cidrsubnet", ["10.0.0.0/16", 2, 4], "does not accommodate a subnet numbered 4"),
    ("cidrsubnet", ["not-a-cidr", 2, 1], "invalid CIDR expression"),
    ("cidrsubnet", ["10.0.0.0/16", 1.5, 1], "whole number"),
    ("cidrsubnet", ["10.0.0.0/16", True, 1], "number required"),
    ("cidrhost", ["10.0.0.0/30", 4], "prefix of 30 does not accommodate a host numbered 4"),
    ("cidrhost", ["10.0.0.0/30", -5], "does not accommodate a host"),
    ("cidrnetmask", ["fd00::/8"], "IPv6 addresses cannot have a netmask"),
    ("cidrsubnets", ["10.0.0.0/8", 1, 1, 1],
     "not enough remaining address space for a subnet with a prefix of 9 bits after 10.128.0.0/9"),
    ("cidrsubnets", ["10.0.0.0/30", 1, 3], "would extend prefix to 33 bits"),
    ("cidrsubnets", ["10.0.0.0/8", 0], "must extend prefix by at least one bit"),
    # hashicorp/terraform#35486: Terraform fails on an all-zero base address
    ("cidrsubnets", ["0.0.0.0/1", 1, 1],
     "not enough remaining address space for a subnet with a prefix of 2 bits after 192.0.0.0/2"),
    ("cidrsubnets", ["::/64", 8], "after ffff:ffff:ffff:ffff:ff00::/72"),
    ("element", [[], 0], "cannot use element function with an empty list"),
    # Terraform 1.11.4 panics on a negative index into a tuple ("index out of range [-1]")
    ("element", [["a", "b", "c"], -1], "index out of range"),
    ("element", [["a"], 0.5], "whole number"),
    ("element", ["abc", 0], "must be a list"),
    ("one", [["a", "b"]], "either zero or one elements"),
    ("lookup", [{"a": 1}, "b"], 'lookup failed to find key "b"'),
    ("lookup", [["a"], "b"], "must be a map"),
    ("tonumber", ["x"], 'cannot convert "x" to number'),
    ("tonumber", [" 1"], "cannot convert"),
    ("tonumber", [True], "number required"),
    ("tostring", [["a"]], "cannot convert tuple to string"),
    ("tobool", ["yes"], "bool required"),
    ("coalesce", [None, ""], "no non-null, non-empty-string arguments"),
    ("coalesce", [1, True], "same type"),
    ("coalescelist", [[], []], "no non-null arguments"),
    ("index", [[], "a"], "cannot search an empty list"),
    ("index", [["a"], "b"], "item not found"),
    ("zipmap", [["a", "b"], [1]], "number of keys (2) does not match number of values (1)"),
    ("slice", [["a", "b"], 1, 3], "must not exceed the list length"),
    ("slice", [["a", "b"], 2, 1], "less than or equal to the ending index"),
    ("sum", [[]], "cannot sum an empty list"),
    ("sort", [["a", None]], "null"),
    ("join", [",", ["a", None]], "element 1 is null"),
    ("join", [","], "not enough arguments"),
    ("length", [None], "must not be null"),
    ("length", [5], "must be a string, a collection type"),
    ("range", [1, 2, 0], "step must not be zero"),
    ("toset", [[True, 1]], "same type"),
    ("format", ["%d", "x"], "cannot convert"),
    ("format", ["%d", 1.5], "an integer is required"),
    ("format", ["%s %s", "a"], "not enough arguments"),
    ("format", ["%y", 1], "unsupported format verb"),
    ("format", ["abc %", 1], "invalid format string"),
    ("format", ["%!", 1], "unrecognized format character"),
    ("jsondecode", ["{"], "invalid JSON"),
    ("jsondecode", ["NaN"], "invalid JSON"),
    ("regex", ["[a-z]+", "123"], "pattern did not match"),
    ("regex", ["(?=a)", "a"], "invalid regular expression"),
    ("regex", ["(a)\\1", "aa"], "invalid escape sequence"),  # RE2 has no backreferences
    ("regex", ["\\C", "a"], "invalid escape sequence"),  # C++ RE2 has it, Go does not
    ("regex", ["(?P<x>a)(b)", "ab"], "can't mix both named and unnamed capture groups"),
    ("regex", ["a{1001}", "a"], "invalid repeat count"),
    ("regex", ["a++", "a"], "bad repetition operator"),
    ("regex", ["[a", "a"], "missing closing ]"),
    ("replace", ["a", "/\\e/", "b"], "invalid escape"),
    ("lower", [], "not enough arguments"),
    ("concat", [], "at least one argument is required"),
    ("lower", ["a", "b"], "too many arguments"),
    ("can", ["a", "b"], "exactly 1 argument"),
]


@pytest.mark.parametrize(("name", "args", "message"), FAILURES, ids=[f[0] for f in FAILURES])
def test_terraform_failure(name: str, args: list[Any], message: str) -> None:
    result = call(name, args)
    assert isinstance(result, Unresolved)
    assert result.reason.startswith(f"{name}: ")
    assert result.reason.endswith(FAILURE_MARK)
    assert message in result.reason, result.reason


def test_failure_in_an_argument_is_returned_as_it_is() -> None:
    broken = call("cidrsubnet", ["10.0.0.0/30", 3, 0])
    assert call("length", [[broken, "a"]]) is broken
    assert call("concat", [["a"], [broken]]) is broken
    assert is_failure(failure("x", "boom"))
    assert not is_failure(U)


# -- unknown values --------------------------------------------------------------------------

KNOWN_DESPITE_UNKNOWNS: list[tuple[str, list[Any], Any]] = [
    ("length", [[U, "a"]], 2),
    ("length", [{"a": U, "b": REF}], 2),
    ("concat", [[U], ["a", REF]], [U, "a", REF]),
    ("lookup", [{"a": U, "b": "bee"}, "b"], "bee"),
    ("lookup", [{"a": U}, "b", "dflt"], "dflt"),
    ("lookup", [{"a": 1}, "a", U], 1),
    ("element", [[U, "b"], 1], "b"),
    ("keys", [{"b": U, "a": REF}], ["a", "b"]),
    ("values", [{"b": U, "a": REF}], [REF, U]),
    ("merge", [{"a": U}, {"b": 1}], {"a": U, "b": 1}),
    ("coalesce", ["a", U], "a"),
    ("contains", [[U, "a"], "a"], True),
    ("alltrue", [[U, False]], False),
    ("anytrue", [[U, True]], True),
    ("one", [[U]], U),
    ("reverse", [[U, 1]], [1, U]),
    ("slice", [[U, 1, 2], 1, 3], [1, 2]),
    ("zipmap", [["a"], [U]], {"a": U}),
    ("tolist", [[U, "a"]], [U, "a"]),
    ("flatten", [[["a"], "b"]], ["a", "b"]),
    ("coalescelist", [["a"], U], ["a"]),
]


@pytest.mark.parametrize(
    ("name", "args", "expected"), KNOWN_DESPITE_UNKNOWNS, ids=[c[0] for c in KNOWN_DESPITE_UNKNOWNS]
)
def test_result_known_despite_unknown_parts(name: str, args: list[Any], expected: Any) -> None:
    assert call(name, args) == expected


UNKNOWN_RESULTS: list[tuple[str, list[Any]]] = [
    ("cidrsubnet", [U, 8, 1]),
    ("cidrsubnet", ["10.0.0.0/16", U, 1]),
    ("cidrhost", [REF, 1]),
    ("cidrsubnets", ["10.0.0.0/16", 4, U]),
    ("length", [U]),
    ("concat", [["a"], U]),
    ("flatten", [[["a"], U]]),  # U might be a list
    ("lookup", [U, "a"]),
    ("lookup", [{"a": 1}, U]),
    ("merge", [{"a": 1}, U]),
    ("coalesce", [U, "x"]),  # the first may be non-null
    ("coalesce", [None, U, "x"]),
    ("coalesce", ["", REF, "x"]),
    ("coalescelist", [U, ["a"]]),
    ("element", [["a"], U]),
    ("element", [U, 0]),
    ("contains", [[U, "a"], "b"]),
    ("contains", [["a"], U]),
    ("index", [[U, "a"], "a"]),
    ("distinct", [["a", U]]),
    ("compact", [["a", U]]),
    ("toset", [["a", U]]),
    ("sort", [["b", U]]),
    ("join", [",", ["a", U]]),
    ("format", ["%s-%s", "a", U]),
    ("format", ["%v", [U]]),
    ("jsonencode", [{"a": [REF]}]),
    ("keys", [U]),
    ("alltrue", [[U, True]]),
    ("anytrue", [[U, False]]),
    ("sum", [[1, U]]),
    ("upper", [U]),
    ("replace", ["abc", U, "x"]),
    ("tostring", [U]),
    ("tonumber", [REF]),
]


@pytest.mark.parametrize(("name", "args"), UNKNOWN_RESULTS, ids=[c[0] for c in UNKNOWN_RESULTS])
def test_unknown_propagates(name: str, args: list[Any]) -> None:
    result = call(name, args)
    assert isinstance(result, Unresolved)
    assert not is_failure(result)


def test_unknown_keeps_reason_and_location() -> None:
    assert call("cidrsubnet", [U, 8, 1]) is U
    ref_result = call("cidrhost", [REF, 1])
    assert isinstance(ref_result, Unresolved)
    assert "azurerm_subnet.aks.address_prefixes" in ref_result.reason


def test_sets_of_collections_in_ctys_order() -> None:
    # terraform console: toset([["b"], ["a"], [10], [9]]) is [["a"], ["b"], ...]; numbers
    # and strings unify to strings here, and elements are ordered by cty's hash strings
    assert call("toset", [[["b"], ["a"]]]) == [["a"], ["b"]]
    assert call("toset", [[[10], [9], [100]]]) == [[100], [10], [9]]


@pytest.mark.parametrize(
    ("name", "args", "reason"),
    [
        ("nosuchfunction", [1], "function nosuchfunction"),
        ("provider::azurerm::normalise_resource_id", ["x"], "function provider::"),
        ("length", ["\u1100\u1100"], "grapheme"),  # Hangul jamo need full segmentation
        ("upper", ["straße"], "case mapping"),  # Go keeps ß; Python writes SS
        ("range", [1, 5, -1], "step"),
        ("range", [2000], "1024"),
        ("format", ["%*d", 3, 1], "width"),
    ],
)
def test_not_computable_here_is_unresolved(name: str, args: list[Any], reason: str) -> None:
    result = call(name, args)
    assert isinstance(result, Unresolved)
    assert not is_failure(result)
    assert reason in result.reason


def test_call_never_raises() -> None:
    odd_values: list[Any] = [object(), float("nan"), float("inf"), {1: 2}, (1, 2), b"x", U, REF]
    for name in sorted(supported_functions()):
        for value in odd_values:
            for count in range(4):
                call(name, [value] * count)  # must not raise


@pytest.mark.parametrize("spec", ["%v", "%#v", "%s", "%d", "x"])
def test_format_with_a_null_argument_is_unknown_at_plan(spec: str) -> None:
    # terraform plan: "(known after apply)" for format("%v", null) and every other verb
    result = call("format", [spec, None])
    assert isinstance(result, Unresolved) and not is_failure(result)


def test_is_unknown() -> None:
    assert is_unknown(U)
    assert is_unknown(REF)
    assert not is_unknown("x")
    assert not is_unknown([U])


# -- try and can -----------------------------------------------------------------------------


def raises() -> object:
    raise EvaluationError("Unsupported attribute", "main.tf", 1)


def test_lazy_function_names() -> None:
    assert {"try", "can"} == LAZY_FUNCTIONS
    assert supported_functions() >= LAZY_FUNCTIONS


def test_try_returns_first_success() -> None:
    assert evaluate_try([raises, lambda: "fallback"]) == "fallback"
    assert evaluate_try([lambda: "first", raises]) == "first"
    assert evaluate_try([lambda: None, lambda: "x"]) is None  # null is a success


def test_try_treats_terraform_failures_as_errors() -> None:
    broken = lambda: call("cidrsubnet", ["10.0.0.0/30", 3, 0])  # noqa: E731
    nested = lambda: [call("element", [[], 0])]  # noqa: E731
    assert evaluate_try([broken, nested, lambda: "10.0.0.0/24"]) == "10.0.0.0/24"


def test_try_with_unknown_argument_is_unknown() -> None:
    assert evaluate_try([lambda: U, lambda: "x"]) is U
    result = evaluate_try([raises, lambda: {"a": [REF]}, lambda: "x"])
    assert isinstance(result, Unresolved)
    assert not is_failure(result)


def test_try_all_failing_fails() -> None:
    result = evaluate_try([raises, raises])
    assert fails(result, "no expression succeeded")
    assert fails(evaluate_try([]), "at least one argument")


def test_can() -> None:
    assert evaluate_can(lambda: "x") is True
    assert evaluate_can(raises) is False
    assert evaluate_can(lambda: call("tonumber", ["x"])) is False
    assert evaluate_can(lambda: U) is U
    assert isinstance(evaluate_can(lambda: [REF]), Unresolved)


def test_eager_try_and_can_on_values() -> None:
    broken = call("cidrsubnet", ["10.0.0.0/30", 3, 0])
    assert call("try", [broken, "x"]) == "x"
    assert call("try", [U, "x"]) is U
    assert call("can", [broken]) is False
    assert call("can", ["ok"]) is True
    assert is_failure(call("try", [broken]))
