"""How much of a Terraform estate aksnetlint resolves: every evaluated attribute value
(each scalar inside lists and objects), counted as known, unknown-by-nature (known only
after apply: resource ids, data sources) or unresolved for another reason, by reason.

    python benchmarks/resolution_stats.py PATH...
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from aksnetlint.deployments import LoadOptions, _module_loader, _parse_module_folder, Loaded
from aksnetlint.discover import discover
from aksnetlint.resolve.terraform import TerraformModule, resolve_terraform
from aksnetlint.values import ResourceRef, Sourced, Unresolved


def _leaves(value: Sourced) -> list[object]:
    data = value.data
    if isinstance(data, list):
        return [leaf for item in data for leaf in _leaves(item)]
    if isinstance(data, dict):
        return [leaf for item in data.values() for leaf in _leaves(item)]
    return [data]


def _reason(unknown: Unresolved) -> str:
    text = re.sub(r"'[^']*'|\"[^\"]*\"|\b\d+\b", "X", unknown.reason)
    return text[:70]


def main(argv: list[str]) -> int:
    root = Path.cwd()
    counts: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    for unit in discover([Path(p) for p in argv], root).units:
        if unit.format != "terraform":
            continue
        options = LoadOptions(root)
        loaded = Loaded()
        module = _parse_module_folder(unit.path, unit.files, options, loaded)
        assert isinstance(module, TerraformModule)
        loader = _module_loader(unit.path, options, loaded)
        for resource in resolve_terraform(module, loader).resources:  # type: ignore[arg-type]
            for leaf in _leaves(resource.body):
                if isinstance(leaf, ResourceRef):
                    counts["known after apply (reference)"] += 1
                elif isinstance(leaf, Unresolved):
                    counts["unresolved"] += 1
                    reasons[_reason(leaf)] += 1
                else:
                    counts["known"] += 1
    total = sum(counts.values()) or 1
    for kind, n in counts.most_common():
        print(f"{kind:32} {n:6}  {100 * n / total:5.1f}%")
    print("unresolved, by reason:")
    for reason, n in reasons.most_common(15):
        print(f"  {n:5}  {reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
