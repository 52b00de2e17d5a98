"""Terraform's regular expressions (`regex`, `regexall`, `replace` with `/.../`) on RE2.

Terraform runs Go's `regexp`, an implementation of RE2: linear time in the length of the
text, no backtracking, so no pattern can make a scan hang. This module uses RE2 itself
(the `google-re2` binding), with the differences to Go's dialect handled: `\\C` (any
byte), which Go rejects. A pattern RE2 rejects is an invalid regular expression, as in
Terraform. Searching and replacing follow Go's `FindAll` and `ReplaceAllString` (empty
matches, `$1` / `${name}` expansion); each search is one step of the work budget.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Any

from aksnetlint import budget

Regex = Any  # re2._Regexp (the binding has no type information)
Match = Any  # re2._Match


# RE2's words for an error -> Go's (what Terraform prints)
_GO_MESSAGES = (("invalid repetition size", "invalid repeat count"),
                ("missing ]", "missing closing ]"), ("missing )", "missing closing )"),
                ("invalid perl operator", "invalid or unsupported Perl syntax"))


class RegexError(Exception):
    """The pattern is not a valid regular expression (Go's message, roughly)."""


def compile(pattern: str) -> Regex:  # noqa: A001 - the module is used as `regex.compile`
    """The compiled pattern; `RegexError` when Go's regexp would reject it."""
    return _compile(pattern)


@lru_cache(maxsize=256)
def _compile(pattern: str) -> Regex:
    import re2  # google-re2 (a dependency); imported on first use, not at start-up

    if _has_any_byte_escape(pattern):
        raise RegexError("invalid escape sequence: \\C")
    options = re2.Options()
    options.log_errors = False  # a bad pattern is the template's error, not a log line
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        for re2_words, go_words in _GO_MESSAGES:
            text = text.replace(re2_words, go_words)
        raise RegexError(text) from None
    capture_shape(compiled)
    return compiled


def _has_any_byte_escape(pattern: str) -> bool:
    position = pattern.find("\\")
    while position >= 0:
        if pattern.startswith("C", position + 1):
            return True
        position = pattern.find("\\", position + 2)
    return False


def capture_value(match: Match, pattern: Regex) -> object:
    """`regex()`'s result for one match: the whole match without groups, a list of the
    groups, or a map of named groups."""
    shape = capture_shape(pattern)
    if shape == "none":
        return _text(match.group(0))
    if shape == "list":
        return [_group(group) for group in match.groups()]
    return {name: _group(match.group(name)) for name in sorted(pattern.groupindex)}


def search(pattern: Regex, text: str) -> Match | None:
    """The first match (on the UTF-8 bytes of `text`, as Go matches)."""
    budget.step(None, "regular expression")
    return pattern.search(_bytes(text))


def find_all(pattern: Regex, text: str) -> list[Match]:
    """Go's FindAll: successive non-overlapping matches; an empty match right after the
    previous match is skipped. Works on the UTF-8 bytes, so each search costs the length
    it scans, not the length of the whole text."""
    data = _bytes(text)
    matches: list[Match] = []
    position, previous_end = 0, -1
    while position <= len(data):
        budget.step(None, "regular expression")
        match = pattern.search(data, position)
        if match is None:
            break
        accept = True
        if match.end() == position:  # an empty match here
            accept = match.start() != previous_end
            position += _rune_width(data, position)
        else:
            position = match.end()
        previous_end = match.end()
        if accept:
            matches.append(match)
    return matches


def replace_all(pattern: Regex, text: str, template: str) -> str:
    """Go's Regexp.ReplaceAllString, `$1`/`${name}` expansion included."""
    data = _bytes(text)
    out: list[str] = []
    size = 0
    search_at, last_end = 0, 0
    while search_at <= len(data):
        budget.step(None, "regular expression")
        match = pattern.search(data, search_at)
        if match is None:
            break
        out.append(_text(data[last_end : match.start()]))
        if match.end() > last_end or match.start() == 0:
            out.append(_go_expand(template, match))
        size += len(out[-1]) + match.start() - last_end
        budget.fits(size, "replace()")
        last_end = match.end()
        width = _rune_width(data, search_at) if search_at < len(data) else 0
        if search_at + width > match.end():
            search_at += width
        elif search_at + 1 > match.end():
            search_at += 1
        else:
            search_at = match.end()
    out.append(_text(data[last_end:]))
    return "".join(out)


def _bytes(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogatepass")


def _group(data: bytes | None) -> str | None:
    return None if data is None else _text(data)


def _rune_width(data: bytes, position: int) -> int:
    """Bytes of the UTF-8 character at `position` (Go steps one rune past an empty
    match)."""
    if position >= len(data):
        return 1
    lead = data[position]
    return 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4


def _go_expand(template: str, match: Match) -> str:
    out: list[str] = []
    position = 0
    while position < len(template):
        dollar = template.find("$", position)
        if dollar < 0:
            out.append(template[position:])
            break
        out.append(template[position:dollar])
        if template.startswith("$$", dollar):
            out.append("$")
            position = dollar + 2
            continue
        name, consumed = _template_name(template, dollar + 1)
        if name is None:
            out.append("$")
            position = dollar + 1
            continue
        out.append(_group_text(match, name))
        position = dollar + 1 + consumed
    return "".join(out)


def _is_name_char(char: str) -> bool:
    return char.isalpha() or unicodedata.category(char) == "Nd" or char == "_"


def _template_name(template: str, start: int) -> tuple[str | None, int]:
    braced = template.startswith("{", start)
    position = start + 1 if braced else start
    end = position
    while end < len(template) and _is_name_char(template[end]):
        end += 1
    if end == position:
        return None, 0
    if braced:
        if not template.startswith("}", end):
            return None, 0
        return template[position:end], end + 1 - start
    return template[position:end], end - start


_MAX_GROUP_NUMBER = 10**8


def _group_text(match: Match, name: str) -> str:
    number = int(name) if name.isascii() and name.isdigit() else -1
    if (name.startswith("0") and len(name) > 1) or number >= _MAX_GROUP_NUMBER:
        number = -1
    group: bytes | None = None
    if 0 <= number <= (match.re.groups):
        group = match.group(number)
    elif number < 0 and name in match.re.groupindex:
        group = match.group(name)
    return _group(group) or ""


def capture_shape(pattern: Regex) -> str:
    if pattern.groups == 0:
        return "none"
    if not pattern.groupindex:
        return "list"
    if len(pattern.groupindex) == pattern.groups:
        return "map"
    raise RegexError("can't mix both named and unnamed capture groups")
