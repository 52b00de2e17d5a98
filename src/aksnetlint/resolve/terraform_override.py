"""Terraform override files: `override.tf`, `*_override.tf` (and their `.tf.json` forms).

Terraform reads a module's override files after its other files, in lexical order, and
merges each of their blocks into the block of the same type and labels
(developer.hashicorp.com/terraform/language/files/override):

- an attribute replaces the attribute of the same name (or adds it);
- a nested block type replaces every block of that type (a `dynamic "x"` block counts as
  type `x`); the contents of nested blocks are not merged, except `lifecycle`, which is
  merged attribute by attribute;
- locals are overridden one value at a time, whichever `locals` block holds them;
- an override block with no block to override is an error, as in Terraform.

Every merged value keeps its own location, so a finding about a value an override file
replaced points at the override file's line.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import PurePosixPath

from aksnetlint.errors import EvaluationError
from aksnetlint.parsers import hcl_ast as ast

# Block types matched by type and labels; `terraform` and provider settings are not read.
_MERGED = frozenset({"resource", "data", "module", "variable", "output"})
# Terraform's error title and description of what is missing, per block type.
_MISSING = {
    "resource": ("Missing resource to override", "{0} resource named \"{1}\"", "a resource block"),
    "data": ("Missing data resource to override", "{0} data resource named \"{1}\"",
             "a data resource block"),
    "module": ("Missing module call to override", "module call named \"{0}\"", "a module call"),
    "variable": ("Missing base variable declaration to override", "variable named \"{0}\"",
                 "a variable"),
    "output": ("Missing base output definition to override", "output named \"{0}\"",
               "an output"),
}


def is_override_file(path: str) -> bool:
    """Whether Terraform treats the file as an override file."""
    name = PurePosixPath(path).name
    for suffix in (".tf.json", ".tf"):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return stem == "override" or stem.endswith("_override")
    return False


def apply_overrides(files: list[ast.HclFile]) -> tuple[list[ast.HclFile], list[EvaluationError]]:
    """The module's primary files with its override files merged in, and the errors
    Terraform would report for override blocks that override nothing."""
    primary = [f for f in files if not is_override_file(f.path)]
    overrides = sorted((f for f in files if is_override_file(f.path)),
                       key=lambda f: PurePosixPath(f.path).name)
    if not overrides:
        return files, []
    errors: list[EvaluationError] = []
    blocks: list[list[ast.Block]] = [list(f.body.blocks) for f in primary]
    for override in overrides:
        for block in override.body.blocks:
            if block.type == "locals":
                _override_locals(blocks, block, errors)
            elif block.type in _MERGED:
                _override_block(blocks, block, errors)
    merged = [replace(f, body=replace(f.body, blocks=tuple(b)))
              for f, b in zip(primary, blocks, strict=True)]
    return merged, errors


def _override_block(blocks: list[list[ast.Block]], override: ast.Block,
                    errors: list[EvaluationError]) -> None:
    for file_blocks in blocks:
        for position, base in enumerate(file_blocks):
            if base.type == override.type and base.labels == override.labels:
                file_blocks[position] = replace(base, body=merge_body(base.body, override.body))
                return
    title, what, kind = _MISSING[override.type]
    loc = override.loc
    errors.append(EvaluationError(
        f"{title}: There is no {what.format(*override.labels)}. An override file can only "
        f"override {kind} defined in a primary configuration file.", loc.path, loc.line,
        loc.column))


def _override_locals(blocks: list[list[ast.Block]], override: ast.Block,
                     errors: list[EvaluationError]) -> None:
    for name, attr in override.body.attributes.items():
        for file_blocks in blocks:
            found = next((i for i, b in enumerate(file_blocks)
                          if b.type == "locals" and name in b.body.attributes), None)
            if found is not None:
                base = file_blocks[found]
                attributes = dict(base.body.attributes)
                attributes[name] = attr
                file_blocks[found] = replace(base, body=replace(base.body,
                                                                attributes=attributes))
                break
        else:
            errors.append(EvaluationError(
                f"Missing base local value definition to override: There is no local value "
                f'named "{name}". An override file can only override a local value that was '
                "already defined in a primary configuration file.", attr.loc.path,
                attr.loc.line, attr.loc.column))


def _block_type(block: ast.Block) -> str:
    return block.labels[0] if block.type == "dynamic" and block.labels else block.type


def merge_body(base: ast.Body, override: ast.Body) -> ast.Body:
    """`base` with `override`'s attributes and nested block types replacing its own."""
    attributes = dict(base.attributes)
    attributes.update(override.attributes)
    replaced = {_block_type(b) for b in override.blocks if b.type != "lifecycle"}
    kept = [b for b in base.blocks if _block_type(b) not in replaced
            and not (b.type == "lifecycle" and any(o.type == "lifecycle"
                                                   for o in override.blocks))]
    added: list[ast.Block] = []
    for block in override.blocks:
        if block.type == "lifecycle":
            base_lifecycle = next((b for b in base.blocks if b.type == "lifecycle"), None)
            if base_lifecycle is not None:
                lifecycle_attrs = dict(base_lifecycle.body.attributes)
                lifecycle_attrs.update(block.body.attributes)
                block = replace(block, body=replace(block.body, attributes=lifecycle_attrs))
        added.append(block)
    return replace(base, attributes=attributes, blocks=tuple(kept + added))


__all__ = ["apply_overrides", "is_override_file", "merge_body"]
