"""Fuzzing: mutated real templates never crash a scan, never run past its time budget and
never take more than 2 GB.

The corpus is every Terraform, ARM and Bicep file of the test fixtures and `examples/`, plus
(when present) the public repositories checked out under $AKSNETLINT_FUZZ_CORPUS (folders
of real templates; nothing of them is committed). Each case takes one file, mutates it
(bytes flipped, inserted, deleted or duplicated; lines swapped or repeated; a chunk of
another file spliced in; JSON values replaced by hostile ones; expressions that multiply
work injected) and scans it in a folder of its own. A bounded run is part of the default
suite; `AKSNETLINT_FUZZ_CASES=20000 python -m pytest -q tests/test_fuzz_untrusted.py -s`
is the big run (it prints its numbers).
"""

from __future__ import annotations

import json
import os
import random
import resource
import time
import traceback
from pathlib import Path

import pytest

from aksnetlint.lint import Options, lint
from conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent
CASES = int(os.environ.get("AKSNETLINT_FUZZ_CASES", "60"))
SEED = int(os.environ.get("AKSNETLINT_FUZZ_SEED", "1515"))
MAX_SECONDS = 20.0
MAX_RSS_BYTES = 2 * 1024 ** 3
SUFFIXES = (".tf", ".tfvars", ".json", ".bicep", ".bicepparam")
MAX_CORPUS_FILE = 256 * 1024

# pieces that multiply work or size, injected into templates
HOSTILE_HCL = [
    'locals { z = [for i in range(1000) : [for j in range(1000) : "${i}${j}"]] }\n',
    'locals { s = format("%999999999d", 1) }\n',
    'locals { r = regexall("(a+)+$", join("", [for i in range(5000) : "a"])) }\n',
    'locals { d = flatten([for i in range(1000) : [for j in range(1000) : [i, j]]]) }\n',
    'resource "azurerm_subnet" "bomb" {\n  count = 100000000\n  name = "x"\n}\n',
    'module "self" {\n  source = "./"\n  count = 1000\n}\n',
    'variable "v" {\n  default = ' + "[" * 300 + "]" * 300 + "\n}\n",
    '"${' * 50 + "x" + '}"' * 50 + "\n",
    "\x1b[31m\x00\udcff\n",
]
HOSTILE_JSON: list[object] = [
    10 ** 400, -1, 2 ** 63, 1e308, "", "[" * 200, "[concat(variables('a'), variables('a'))]",
    "[padLeft('a', 2000000000, 'b')]", "[range(0, 100000000)]", "[format('{0,999999999}', 1)]",
    {"copy": [{"name": "c", "count": 800, "input": {
        "copy": [{"name": "d", "count": 800, "input": "[copyIndex('d')]"}]}}]},
    [[[[[[[[[[]]]]]]]]]], None, True, "\x1b]0;pwned\x07", "../../../../etc/passwd",
    {"relativePath": "../../../../etc/passwd"},
]
HOSTILE_BICEP = [
    "var z = [for i in range(0, 800): [for j in range(0, 800): [for k in range(0, 800): k]]]\n",
    "var t = loadTextContent('../../../../etc/passwd')\n",
    "var p = padLeft('a', 2000000000, 'b')\n",
    "module m './main.bicep' = { name: 'm' }\n",
    "var d = " + "[" * 300 + "]" * 300 + "\n",
    "var s = '${" * 40 + "x" + "}'" * 40 + "\n",
]


def _corpus() -> list[Path]:
    folders = [FIXTURES, ROOT / "examples"]
    extra = os.environ.get("AKSNETLINT_FUZZ_CORPUS")
    if extra:
        folders += [Path(p) for p in extra.split(os.pathsep) if p]
    files = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in SUFFIXES and path.is_file() and ".git" not in path.parts and \
                    path.stat().st_size <= MAX_CORPUS_FILE:
                files.append(path)
    return files


def _mutate(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(_MUTATORS)(data, path, rng, corpus)
    return data


def _flip(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    if not data:
        return b"\xff"
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _delete(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    if len(data) < 2:
        return data
    start = rng.randrange(len(data))
    return data[:start] + data[start + rng.randint(1, min(200, len(data) - start)):]


def _duplicate(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    chunk = data[start:start + rng.randint(1, 400)]
    at = rng.randrange(len(data) + 1)
    return data[:at] + chunk * rng.randint(1, 20) + data[at:]


def _lines(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
    if rng.random() < 0.5:
        lines[i], lines[j] = lines[j], lines[i]
    else:
        lines.insert(j, lines[i])
    return b"\n".join(lines)


def _splice(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    other = rng.choice(corpus).read_bytes()
    if not other:
        return data
    start = rng.randrange(len(other))
    at = rng.randrange(len(data) + 1)
    return data[:at] + other[start:start + rng.randint(1, 2000)] + data[at:]


def _hostile(data: bytes, path: Path, rng: random.Random, corpus: list[Path]) -> bytes:
    if path.suffix == ".json":
        try:
            document = json.loads(data)
        except (ValueError, RecursionError):  # the mutator's own parse of deep JSON
            return data + json.dumps(rng.choice(HOSTILE_JSON)).encode()
        _replace_value(document, rng)
        return json.dumps(document, indent=1).encode()
    pieces = HOSTILE_BICEP if path.suffix.startswith(".bicep") else HOSTILE_HCL
    at = rng.choice([0, len(data)]) if rng.random() < 0.5 else rng.randrange(len(data) + 1)
    return data[:at] + rng.choice(pieces).encode("utf-8", "surrogateescape") + data[at:]


def _replace_value(document: object, rng: random.Random) -> None:
    node, key = document, None
    for _ in range(rng.randint(1, 8)):
        if isinstance(node, dict) and node:
            key = rng.choice(list(node))
        elif isinstance(node, list) and node:
            key = rng.randrange(len(node))
        else:
            break
        parent, node = node, node[key]  # type: ignore[index]
        if rng.random() < 0.3:
            parent[key] = rng.choice(HOSTILE_JSON)  # type: ignore[index]
            return


_MUTATORS = [_flip, _delete, _duplicate, _lines, _splice, _hostile, _hostile]


def _run(cases: int, tmp_path: Path) -> dict[str, object]:
    corpus = _corpus()
    assert corpus, "no templates to mutate"
    rng = random.Random(SEED)
    internal: list[str] = []
    slow: list[str] = []
    longest, total = 0.0, 0.0
    for number in range(cases):
        source = rng.choice(corpus)
        data = _mutate(source.read_bytes(), source, rng, corpus)
        case = tmp_path / f"case{number % 8}"
        if case.exists():
            for old in sorted(case.rglob("*"), reverse=True):
                old.unlink() if not old.is_dir() or old.is_symlink() else old.rmdir()
        case.mkdir(exist_ok=True)
        name = "main" + source.suffix if source.suffix != ".json" else source.name
        (case / name).write_bytes(data)
        if rng.random() < 0.3:  # a sibling: a variable or parameter file, a module
            sibling = rng.choice(corpus)
            (case / sibling.name).write_bytes(_mutate(sibling.read_bytes(), sibling, rng,
                                                      corpus))
        start = time.perf_counter()
        try:
            lint([case], Options(root=case, jobs=1, show_unresolved=True))
        except Exception:  # an internal error: what the CLI would print as one
            internal.append(f"case {number} from {source}: {traceback.format_exc(limit=-3)}")
        elapsed = time.perf_counter() - start
        total += elapsed
        longest = max(longest, elapsed)
        if elapsed > MAX_SECONDS:
            slow.append(f"case {number} from {source}: {elapsed:.1f} s")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    return {"cases": cases, "corpus": len(corpus), "internal_errors": internal,
            "over_20s": slow, "longest_s": round(longest, 2), "mean_s": round(total / cases, 3),
            "max_rss_mb": rss // (1024 * 1024)}


def test_mutated_templates_never_crash_hang_or_exhaust_memory(tmp_path: Path) -> None:
    numbers = _run(CASES, tmp_path)
    print(json.dumps({k: (v if not isinstance(v, list) else len(v))
                      for k, v in numbers.items()}))
    assert not numbers["internal_errors"], numbers["internal_errors"][:3]
    assert not numbers["over_20s"], numbers["over_20s"][:3]
    assert int(str(numbers["max_rss_mb"])) * 1024 * 1024 < MAX_RSS_BYTES


@pytest.mark.skipif(os.name != "posix", reason="POSIX resource accounting")
def test_corpus_has_every_format() -> None:
    suffixes = {p.suffix for p in _corpus()}
    assert {".tf", ".json", ".bicep"} <= suffixes
