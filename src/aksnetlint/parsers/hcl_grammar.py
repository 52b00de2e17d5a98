"""python-hcl2's grammar compiled into a Lark LALR parser, once per user, without pickles.

Building the parser from `hcl2.lark` takes a few seconds, so its compiled form is kept in a
private cache folder (`user_cache.PrivateStore`) as JSON, keyed by the grammar text and the
Lark version. Nothing here ever loads a pickle: neither python-hcl2's own grammar cache
(next to the installed package) nor Lark's (under the temporary directory) is read.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lark import Lark

FORMAT = 1
_INT_KEYS = "\x00int-keys"


def grammar_text() -> str:
    import hcl2

    return (Path(hcl2.__file__).resolve().parent / "hcl2.lark").read_text(encoding="utf-8")


def _encode(value: Any) -> Any:
    """JSON-ready form of Lark's serialised parser (dicts with int keys are tagged)."""
    if isinstance(value, dict):
        if all(isinstance(k, str) for k in value):
            return {k: _encode(v) for k, v in value.items()}
        return {_INT_KEYS: [[k, _encode(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if _INT_KEYS in value:
            return {k: _decode(v) for k, v in value[_INT_KEYS]}
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


@functools.cache
def lark_parser() -> Lark:
    """The LALR parser of python-hcl2's grammar, with positions and its post-lexer."""
    import lark
    from hcl2.postlexer import PostLexer
    from lark import Lark
    from lark.grammar import Rule
    from lark.lexer import TerminalDef

    from aksnetlint.user_cache import PrivateStore

    text = grammar_text()
    key = hashlib.sha256(f"{FORMAT}\0{lark.__version__}\0{text}".encode()).hexdigest()
    name = f"hcl2-lalr-{key[:40]}.tables"
    store = PrivateStore("grammar")
    try:
        document = store.read(name)
        if isinstance(document, dict) and document.get("key") == key:
            try:
                loaded: Lark = Lark._load_from_dict(  # type: ignore[no-untyped-call]
                    _decode(document["data"]), _decode(document["memo"]),
                    postlex=PostLexer(), propagate_positions=True)
                return loaded
            except Exception:  # noqa: S110 - a stale or foreign document: rebuild below
                pass
        parser = Lark(text, parser="lalr", lexer="contextual", propagate_positions=True,
                      postlex=PostLexer())
        data, memo = parser.memo_serialize([TerminalDef, Rule])
        data["options"] = {k: v for k, v in data["options"].items() if k != "postlex"}
        store.write(name, {"key": key, "data": _encode(data), "memo": _encode(memo)})
        return parser
    finally:
        store.close()
