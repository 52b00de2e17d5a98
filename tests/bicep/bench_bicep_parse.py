"""Measure Bicep parse time per 1,000 lines on a generated file (a script, not a test).

    python3 tests/bicep/bench_bicep_parse.py [--lines 20000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from aksnetlint.parsers.bicep import parse_bicep

SYNTAX = Path(__file__).parent / "syntax"


def generate(lines: int) -> str:
    """Repeat the realistic AKS file with renamed symbols until it has `lines` lines."""
    block = (SYNTAX / "aks_cluster.bicep").read_text(encoding="utf-8")
    extra = (SYNTAX / "lambdas.bicep").read_text(encoding="utf-8")
    chunks: list[str] = []
    count, index = 0, 0
    while count < lines:
        for text in (block, extra):
            renamed = (
                text.replace("clusterName", f"clusterName{index}")
                .replace("location", f"location{index}")
                .replace("authorizedRanges", f"authorizedRanges{index}")
                .replace("aksSubnet", f"aksSubnet{index}")
                .replace("vnet", f"vnet{index}")
                .replace(" aks ", f" aks{index} ")
                .replace("aks.", f"aks{index}.")
                .replace("controlPlaneFqdn", f"controlPlaneFqdn{index}")
                .replace("pools", f"pools{index}")
                .replace("var ", f"var v{index}_")
            )
            chunks.append(renamed)
            count += renamed.count("\n")
        index += 1
    return "\n".join(chunks)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    text = generate(args.lines)
    total_lines = text.count("\n") + 1
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        tree = parse_bicep(text, "generated.bicep")
        timings.append(time.perf_counter() - started)
    best = min(timings)
    print(f"{total_lines} lines, {len(tree.declarations)} declarations")
    print(f"best of {args.repeat}: {best * 1000:.1f} ms total, "
          f"{best * 1000 / total_lines * 1000:.2f} ms per 1,000 lines")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
