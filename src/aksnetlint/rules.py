"""Rule files: YAML under `rules/`, one rule per file, checked on load.

The checks mirror `rule_schema.json` (which the test suite validates every rule against with
jsonschema); they are written out here so that no JSON Schema library is imported at run time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aksnetlint.errors import RuleError
from aksnetlint.findings import Severity

CATEGORIES = ("api-server", "private-dns", "cluster-network", "ip-capacity", "egress",
              "node-security", "addons")
FORMATS = ("terraform", "arm", "bicep", "azure-resources")
"""Input formats a rule may be limited to (`formats`, default all); `azure-resources` is
deployed state (az CLI and Resource Graph JSON)."""
REMEDIATION_FORMATS = ("terraform", "arm", "bicep")
"""Formats every rule's remediation must cover (deployed state is fixed in the source that
deploys it, or with the az CLI: an `azure-resources` entry is optional)."""
ID_RE = re.compile(r"^AKS\d{3}$")
NAME_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED = ("id", "name", "title", "severity", "category", "select", "when", "message",
            "description", "remediation", "references")
OPTIONAL = ("formats", "anchor", "related", "on_unresolved", "aliases", "metadata", "options",
            "properties")
DESCRIPTION_HEADINGS = ("## What it does", "## Why is this bad?", "## Example", "## Fix")


@dataclass(frozen=True, slots=True)
class RelatedSpec:
    path: str
    message: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    title: str
    severity: Severity
    category: str
    select: str
    when: dict[str, Any]
    message: str
    description: str
    remediation: dict[str, str]
    references: tuple[str, ...]
    formats: tuple[str, ...] = FORMATS
    anchor: str | None = None
    related: tuple[RelatedSpec, ...] = ()
    on_unresolved: str = "report"
    aliases: tuple[str, ...] = ()
    metadata: dict[str, Any] | None = None
    options: dict[str, Any] | None = None
    properties: dict[str, str] | None = None
    source: str = ""

    @property
    def help_uri(self) -> str:
        return self.references[0] if self.references else ""


def builtin_rules_dir() -> Path:
    """`rules/` of the source tree (the package's `rules` link), or the installed copy."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise RuleError("built-in rules folder not found", str(here / "rules"))


def load_rules(folders: list[Path] | None = None) -> list[Rule]:
    """Every rule in the built-in folder (and `folders`), sorted by id; ids must be unique."""
    from aksnetlint.operators import check_condition

    paths: list[Path] = []
    for folder in [builtin_rules_dir(), *(folders or [])]:
        paths.extend(sorted(folder.glob("*.yaml")))
        paths.extend(sorted(folder.glob("*.yml")))
    rules: dict[str, Rule] = {}
    for path in paths:
        rule = load_rule(path)
        check_condition(rule.when, str(path), "when")
        if rule.id in rules:
            raise RuleError(f"duplicate rule id {rule.id} (also in {rules[rule.id].source})",
                            str(path))
        rules[rule.id] = rule
    return [rules[k] for k in sorted(rules)]


def load_rule(path: Path) -> Rule:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", str(path)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(f"invalid YAML: {getattr(exc, 'problem', exc)}", str(path),
                        mark.line + 1 if mark else None,
                        mark.column + 1 if mark else None) from None
    return parse_rule(data, str(path))


def parse_rule(data: object, source: str) -> Rule:
    """Validate a rule's YAML data; errors name the file and the field."""
    if not isinstance(data, dict):
        raise RuleError("a rule file must hold a mapping", source)
    for key in data:
        if key not in REQUIRED and key not in OPTIONAL:
            raise RuleError(f"unknown field '{key}'", source)
    for key in REQUIRED:
        if key not in data:
            raise RuleError(f"missing field '{key}'", source)
    _text(data, "id", source, ID_RE)
    stem = Path(source).stem
    if stem != data["id"] and Path(source).suffix in (".yaml", ".yml"):
        raise RuleError(f"field 'id': {data['id']} does not match the file name {stem}", source)
    _text(data, "name", source, NAME_RE)
    for key in ("title", "select", "message", "description"):
        _text(data, key, source)
    if data["severity"] not in [s.value for s in Severity]:
        raise RuleError(f"field 'severity': {data['severity']!r} is not one of "
                        f"{', '.join(s.value for s in Severity)}", source)
    if data["category"] not in CATEGORIES:
        raise RuleError(f"field 'category': {data['category']!r} is not one of "
                        f"{', '.join(CATEGORIES)}", source)
    formats = data.get("formats", list(FORMATS))
    if not isinstance(formats, list) or any(f not in FORMATS for f in formats):
        raise RuleError(f"field 'formats': each entry must be one of {', '.join(FORMATS)}",
                        source)
    if not str(data["select"]).startswith("$"):
        raise RuleError("field 'select': must be a JSONPath starting with '$'", source)
    if not isinstance(data["when"], dict):
        raise RuleError("field 'when': must be a condition mapping", source)
    remediation = data["remediation"]
    if not isinstance(remediation, dict) or \
            not set(REMEDIATION_FORMATS) <= set(remediation) <= set(FORMATS) or \
            not all(isinstance(v, str) and v.strip() for v in remediation.values()):
        raise RuleError("field 'remediation': needs non-empty text for terraform, arm and "
                        "bicep (and may have azure-resources)", source)
    references = data["references"]
    if not isinstance(references, list) or not references or \
            not all(isinstance(r, str) and r.startswith("https://") for r in references):
        raise RuleError("field 'references': a non-empty list of https URLs", source)
    for heading in DESCRIPTION_HEADINGS:
        if heading not in data["description"]:
            raise RuleError(f"field 'description': missing heading '{heading}'", source)
    on_unresolved = data.get("on_unresolved", "report")
    if on_unresolved not in ("skip", "report"):
        raise RuleError("field 'on_unresolved': must be skip or report", source)
    related = []
    for i, item in enumerate(data.get("related", []) or []):
        if not isinstance(item, dict) or set(item) - {"path", "message"} or "path" not in item:
            raise RuleError(f"field 'related[{i}]': needs 'path' and optional 'message'", source)
        related.append(RelatedSpec(str(item["path"]), str(item.get("message", ""))))
    for key in ("aliases",):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and ID_RE.match(v)
                                                   for v in value):
            raise RuleError(f"field '{key}': a list of rule ids", source)
    for key in ("metadata", "options", "properties"):
        if key in data and not isinstance(data[key], dict):
            raise RuleError(f"field '{key}': must be a mapping", source)
    _compile_select(data["select"], source)
    return Rule(
        id=data["id"], name=data["name"], title=data["title"].strip(),
        severity=Severity(data["severity"]), category=data["category"],
        select=data["select"], when=data["when"], message=data["message"].strip(),
        description=data["description"], remediation=dict(remediation),
        references=tuple(references), formats=tuple(formats),
        anchor=data.get("anchor"), related=tuple(related), on_unresolved=on_unresolved,
        aliases=tuple(data.get("aliases", []) or []), metadata=data.get("metadata"),
        options=data.get("options"), properties=data.get("properties"), source=source,
    )


def _text(data: dict[str, Any], key: str, source: str, pattern: re.Pattern[str] | None = None
          ) -> None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise RuleError(f"field '{key}': must be non-empty text", source)
    if pattern is not None and not pattern.match(value):
        raise RuleError(f"field '{key}': {value!r} does not match {pattern.pattern}", source)


def _compile_select(select: str, source: str) -> None:
    from aksnetlint.engine import compile_jsonpath

    try:
        compile_jsonpath(select)
    except Exception as exc:  # jsonpath-ng raises several exception types for bad paths
        raise RuleError(f"field 'select': invalid JSONPath ({exc})", source) from None
