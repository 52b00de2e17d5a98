"""Benchmark aksnetlint on generated estates and write a JSON file and a table.

    python benchmarks/run.py [--sizes 1,10,100,1000] [--runs 5] [--out benchmarks/results.json]

For each size N: wall time of `aksnetlint scan` (median of --runs runs after one warm-up),
with a cold cache (`--no-cache` when the CLI has it) and a warm one, peak RSS, files per
second; plus the start-up time of `aksnetlint --version`. When a `checkov` executable is on
PATH it is timed on the same estate (its AKS checks only) and the ratio is printed. Nothing
here is part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import write_estate  # noqa: E402

CHECKOV_AKS_CHECKS = "CKV_AZURE_4,CKV_AZURE_5,CKV_AZURE_6,CKV_AZURE_7,CKV_AZURE_8,CKV_AZURE_115,CKV_AZURE_141,CKV_AZURE_143,CKV_AZURE_246,CKV2_AZURE_29"


def _aksnetlint() -> list[str]:
    exe = shutil.which("aksnetlint")
    return [exe] if exe else [sys.executable, "-m", "aksnetlint"]


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int, int]:
    """Wall seconds, peak RSS (KiB) of this one child (os.wait4), exit code."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, proc.returncode


def _supports(flag: str) -> bool:
    out = subprocess.run([*_aksnetlint(), "scan", "--help"], capture_output=True, text=True,
                         check=False).stdout
    return flag in out


def _median(command: list[str], cwd: Path, env: dict[str, str], runs: int,
            before_each: list[str] | None = None) -> dict[str, float]:
    _timed(command, cwd, env)  # warm-up (page cache, grammar cache)
    times, peaks = [], []
    for _ in range(runs):
        if before_each:
            subprocess.run(before_each, check=False)
        elapsed, peak, _code = _timed(command, cwd, env)
        times.append(elapsed)
        peaks.append(peak)
    return {"median_s": statistics.median(times), "min_s": min(times),
            "max_s": max(times), "peak_rss_kib": max(peaks)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,10,100,1000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(Path(__file__).with_name("results.json")))
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    env = dict(os.environ)
    work = Path(tempfile.mkdtemp(prefix="aksnetlint-bench-"))
    cache = work / "cache"
    env["AKSNETLINT_CACHE_DIR"] = str(cache)
    has_cache_flag = _supports("--no-cache")
    results: dict[str, object] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "startup": _median([*_aksnetlint(), "--version"], work, env, max(args.runs, 5)),
        "sizes": [],
    }
    checkov = shutil.which("checkov")
    for size in sizes:
        estate = work / f"estate-{size}"
        write_estate(estate, size)
        files = sum(1 for p in estate.rglob("*") if p.is_file())
        scan = [*_aksnetlint(), "scan", ".", "--exit-zero", "--format", "json",
                "--output", str(work / "out.json")]
        cold_cmd = scan + (["--no-cache"] if has_cache_flag else [])
        cold = _median(cold_cmd, estate, env, args.runs)
        warm = _median(scan, estate, env, args.runs)
        entry: dict[str, object] = {"deployments": size, "files": files, "cold": cold,
                                    "warm": warm,
                                    "files_per_s_cold": files / cold["median_s"],
                                    "files_per_s_warm": files / warm["median_s"]}
        if checkov:
            peer = _median([checkov, "-d", ".", "--quiet", "--compact", "--check",
                            CHECKOV_AKS_CHECKS, "-o", "json"], estate, env,
                           max(1, min(args.runs, 3)))
            entry["checkov"] = peer
            entry["checkov_ratio"] = peer["median_s"] / cold["median_s"]
        results["sizes"].append(entry)  # type: ignore[union-attr]
        shutil.rmtree(estate, ignore_errors=True)
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    _print_table(results)
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _print_table(results: dict[str, object]) -> None:
    startup = results["startup"]
    assert isinstance(startup, dict)
    print(f"aksnetlint --version: {startup['median_s'] * 1000:.0f} ms (median)")
    print(f"{'N':>6} {'files':>6} {'cold s':>8} {'warm s':>8} {'files/s':>8} "
          f"{'peak MiB':>9} {'checkov s':>10} {'ratio':>6}")
    for entry in results["sizes"]:  # type: ignore[attr-defined]
        cold, warm = entry["cold"], entry["warm"]
        peer = entry.get("checkov")
        print(f"{entry['deployments']:>6} {entry['files']:>6} {cold['median_s']:>8.2f} "
              f"{warm['median_s']:>8.2f} {entry['files_per_s_cold']:>8.0f} "
              f"{max(cold['peak_rss_kib'], warm['peak_rss_kib']) / 1024:>9.1f} "
              f"{(peer['median_s'] if peer else float('nan')):>10.2f} "
              f"{entry.get('checkov_ratio', float('nan')):>6.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
