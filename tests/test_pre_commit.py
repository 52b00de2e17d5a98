"""The pre-commit hook, for real: a temporary git repository runs this checkout's hook with
the `pre-commit` package (`pre-commit try-repo`), which installs aksnetlint into its own
environment. A bad template fails the hook; the fixed template passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


def test_hook_manifest() -> None:
    import yaml

    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "aksnetlint" and hook["language"] == "python"
    import re

    pattern = re.compile(hook["files"])
    for name in ("main.tf", "prod.tfvars", "azuredeploy.json", "t.jsonc", "main.bicep",
                 "main.bicepparam", "x.tfvars.json", ".aksnetlint.yaml", "infra/.aksnetlint.yml",
                 "pyproject.toml"):
        assert pattern.search(name), name
    for name in ("README.md", "my.aksnetlint.yaml", "main.tf.bak", "pyproject.toml.orig"):
        assert not pattern.search(name), name


def test_pre_commit_try_repo(tmp_path: Path) -> None:
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    if not (REPO / ".git").exists():
        pytest.skip("this checkout is not a git repository (try-repo clones it)")
    work = tmp_path / "infra"
    work.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("NO_COLOR", None)
    assert _run(["git", "init", "-q"], work, env).returncode == 0
    # the hook reads the repository's configuration like any scan; one rule keeps this
    # test about the hook, not the catalogue
    (work / ".aksnetlint.yaml").write_text("select: [AKS001]\n")
    module = work / "aks"
    module.mkdir()
    bad = (FIXTURES / "AKS001" / "no_ranges.tf").read_text()
    (module / "main.tf").write_text(bad)
    _run(["git", "add", "-A"], work, env)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "aksnetlint",
               "--files", "aks/main.tf"]
    failed = _run(command, work, env)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0, output
    assert "AKS001" in output, output
    fixed = bad.replace('  dns_prefix          = "aks-public"\n',
                        '  dns_prefix          = "aks-public"\n\n'
                        '  api_server_access_profile {\n'
                        '    authorized_ip_ranges = ["203.0.113.0/24"]\n  }\n')
    (module / "main.tf").write_text(fixed)
    _run(["git", "add", "-A"], work, env)
    passed = _run(command, work, env)
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_installed_hook_blocks_a_bad_commit(tmp_path: Path) -> None:
    """The way users adopt it: `.pre-commit-config.yaml` naming this repository at a
    revision, `pre-commit install`, then `git commit`."""
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    if not (REPO / ".git").exists():
        pytest.skip("this checkout is not a git repository")
    work = tmp_path / "infra"
    work.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    rev = _run(["git", "rev-parse", "HEAD"], REPO, env).stdout.strip()
    assert _run(["git", "init", "-q"], work, env).returncode == 0
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n      - id: aksnetlint\n")
    (work / ".aksnetlint.yaml").write_text("select: [AKS001]\n")
    install = _run([sys.executable, "-m", "pre_commit", "install"], work, env)
    assert install.returncode == 0, install.stdout + install.stderr
    module = work / "aks"
    module.mkdir()
    bad = (FIXTURES / "AKS001" / "no_ranges.tf").read_text()
    (module / "main.tf").write_text(bad)
    _run(["git", "add", "-A"], work, env)
    blocked = _run(["git", "commit", "-q", "-m", "open cluster"], work, env)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "AKS001" in blocked.stdout + blocked.stderr
    (module / "main.tf").write_text(bad.replace(
        '  dns_prefix          = "aks-public"\n',
        '  dns_prefix          = "aks-public"\n\n  api_server_access_profile {\n'
        '    authorized_ip_ranges = ["203.0.113.0/24"]\n  }\n'))
    _run(["git", "add", "-A"], work, env)
    committed = _run(["git", "commit", "-q", "-m", "restrict the API server"], work, env)
    assert committed.returncode == 0, committed.stdout + committed.stderr
