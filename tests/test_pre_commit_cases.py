"""Pre-commit sees what changed: each case is a repository, a commit that changes some files,
and the hook run on exactly those files (`pre-commit run --files`, as `git commit` does),
with this checkout's `.pre-commit-hooks.yaml` at its HEAD revision. The same cases run
through the command line directly first (fast, and without pre-commit).

- a `.tfvars` named alone is scanned with its module (the nearest folder above holding
  `.tf` files), with that file applied; or in the environment that names it;
- an ARM or Bicep parameters file named alone scans its template;
- a change to `.aksnetlint.yaml` re-scans everything it covers;
- a template compiled from Bicep beside its source, whatever its name, is recognised by its
  content: each finding is reported once, on the source.

The real runs take a minute (the hook's environment is installed once): they run with
`AKSNETLINT_SLOW_TESTS=1`, as `.ci/run` does. `AKSNETLINT_PRECOMMIT_TIMINGS=FILE` appends
each real run's wall time to FILE (JSON lines).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from aksnetlint.cli import main
from conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SELECT = "select: [AKS001]\n"

TERRAFORM = """\
variable "authorized_ranges" {
  type    = list(string)
  default = ["203.0.113.0/24"]
}

resource "azurerm_kubernetes_cluster" "aks" {
  name                = "aks-tf"
  location            = "westeurope"
  resource_group_name = "rg-aks"
  dns_prefix          = "akstf"

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ranges
  }

  default_node_pool {
    name       = "system"
    node_count = 2
    vm_size    = "Standard_D4s_v5"
  }
}
"""

ARM_TEMPLATE = json.dumps({
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
               "deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "parameters": {"authorizedRanges": {"type": "array", "defaultValue": ["203.0.113.0/24"]}},
    "resources": [{
        "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
        "name": "aks-arm", "location": "westeurope",
        "properties": {"dnsPrefix": "arm", "apiServerAccessProfile": {
            "authorizedIPRanges": "[parameters('authorizedRanges')]"}}}],
}, indent=2) + "\n"


def parameters(ranges: list[str]) -> str:
    return json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentParameters.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"authorizedRanges": {"value": ranges}}}, indent=2) + "\n"


BICEP = """\
param authorizedRanges array = ['203.0.113.0/24']

resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {
  name: 'aks-bicep'
  location: 'westeurope'
  properties: {
    dnsPrefix: 'bicep'
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedRanges
    }
  }
}

output clusterName string = aks.name
"""

# what `bicep build` makes of BICEP (same parameters, outputs and resource types), under the
# name a "Deploy to Azure" button expects
COMPILED = json.dumps({
    "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
               "deploymentTemplate.json#",
    "contentVersion": "1.0.0.0",
    "metadata": {"_generator": {"name": "bicep", "version": "0.30.23.60470",
                                "templateHash": "1234567890123456789"}},
    "parameters": {"authorizedRanges": {"type": "array", "defaultValue": ["203.0.113.0/24"]}},
    "resources": [{
        "type": "Microsoft.ContainerService/managedClusters", "apiVersion": "2024-02-01",
        "name": "aks-bicep", "location": "westeurope",
        "properties": {"dnsPrefix": "bicep", "apiServerAccessProfile": {
            "authorizedIPRanges": "[parameters('authorizedRanges')]"}}}],
    "outputs": {"clusterName": {"type": "string", "value": "aks-bicep"}},
}, indent=2) + "\n"


@dataclass
class Case:
    name: str
    before: dict[str, str]  # committed first
    change: dict[str, str]  # then changed (and staged)
    run_on: list[str]  # the files pre-commit names
    fails: bool
    expect: list[str] = field(default_factory=list)
    forbid: list[str] = field(default_factory=list)


CASES = [
    Case("tfvars named alone scans its module with it",
         {".aksnetlint.yaml": SELECT, "aks/main.tf": TERRAFORM,
          "aks/env/prod.tfvars": 'authorized_ranges = ["198.51.100.0/24"]\n'},
         {"aks/env/prod.tfvars": "authorized_ranges = []\n"},
         ["aks/env/prod.tfvars"], True,
         ["aks/env/prod.tfvars:1:21: AKS001", "(variant: aks/env/prod.tfvars)"]),
    Case("tfvars named alone, fixed: passes",
         {".aksnetlint.yaml": SELECT, "aks/main.tf": TERRAFORM,
          "aks/env/prod.tfvars": "authorized_ranges = []\n"},
         {"aks/env/prod.tfvars": 'authorized_ranges = ["198.51.100.0/24"]\n'},
         ["aks/env/prod.tfvars"], False, ["in 1 deployment"]),
    Case("tfvars of a configured environment scans the module it names",
         {".aksnetlint.yaml": SELECT + "environments:\n  prod:\n"
                              "    var_files: [envs/prod.tfvars]\n    modules: [aks]\n",
          "aks/main.tf": TERRAFORM, "envs/prod.tfvars": ""},
         {"envs/prod.tfvars": "authorized_ranges = []\n"},
         ["envs/prod.tfvars"], True, ["envs/prod.tfvars:1:21: AKS001", "(variant: prod)"]),
    Case("ARM parameters file named alone scans its template",
         {".aksnetlint.yaml": SELECT, "arm/aks.json": ARM_TEMPLATE,
          "arm/aks.parameters.json": parameters(["203.0.113.0/24"])},
         {"arm/aks.parameters.json": parameters([])},
         ["arm/aks.parameters.json"], True,
         ["arm/aks.parameters.json:", "AKS001", "(variant: arm/aks.parameters.json)"]),
    Case("Bicep parameters file named alone scans the Bicep file",
         {".aksnetlint.yaml": SELECT, "bicep/main.bicep": BICEP,
          "bicep/main.parameters.json": parameters(["203.0.113.0/24"])},
         {"bicep/main.parameters.json": parameters([])},
         ["bicep/main.parameters.json"], True,
         ["bicep/main.parameters.json:", "AKS001", "(variant: bicep/main.parameters.json)"]),
    Case("a change to .aksnetlint.yaml re-scans what it covers",
         {".aksnetlint.yaml": SELECT + "ignore: [AKS001]\n",
          "aks/main.tf": TERRAFORM.replace('["203.0.113.0/24"]', "[]")},
         {".aksnetlint.yaml": SELECT},
         [".aksnetlint.yaml"], True, ["aks/main.tf:3:13: AKS001"]),
    Case("compiled Bicep beside its source: reported once, on the source",
         {".aksnetlint.yaml": SELECT, "bicep/main.bicep": BICEP,
          "bicep/azuredeploy.json": COMPILED},
         {"bicep/main.bicep": BICEP.replace("['203.0.113.0/24']", "[]"),
          "bicep/azuredeploy.json": COMPILED.replace('[\n        "203.0.113.0/24"\n      ]',
                                                     "[]")},
         ["bicep/main.bicep", "bicep/azuredeploy.json"], True,
         ["bicep/main.bicep:1:32: AKS001", "Found 1 finding (1 high) in 1 deployment"],
         ["azuredeploy.json:"]),
]


def _git(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=120, check=False)


def _env(home: Path) -> dict[str, str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "GIT_AUTHOR_NAME": "t",
           "GIT_AUTHOR_EMAIL": "t@example.invalid", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.invalid", "PIP_DISABLE_PIP_VERSION_CHECK": "1",
           "NO_COLOR": "1"}
    env.pop("AKSNETLINT_CACHE_DIR", None)
    env["AKSNETLINT_CACHE_DIR"] = str(home / "aksnetlint-cache")
    return env


def _repository(tmp_path: Path, case: Case, env: dict[str, str]) -> Path:
    work = tmp_path / "repo"
    work.mkdir()
    assert _git(["init", "-q"], work, env).returncode == 0
    for name, text in case.before.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    _git(["add", "-A"], work, env)
    assert _git(["commit", "-q", "-m", "before"], work, env).returncode == 0
    for name, text in case.change.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_text(text)
    _git(["add", "-A"], work, env)
    return work


def _check(case: Case, code: int, output: str) -> None:
    assert (code != 0) == case.fails, output
    for text in case.expect:
        assert text in output, (text, output)
    for text in case.forbid:
        assert text not in output, (text, output)
    if case.fails:
        assert output.count(": AKS001 [high]") == 1, output  # once, not per copy


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_on_the_command_line(case: Case, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    work = _repository(tmp_path, case, _env(tmp_path / "home"))
    monkeypatch.chdir(work)
    code = main(["scan", *case.run_on])
    captured = capsys.readouterr()
    _check(case, code, captured.out + captured.err)


@pytest.fixture(scope="module")
def hook_home(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """One pre-commit home for every case: the hook's environment is installed once."""
    pytest.importorskip("pre_commit", reason="pre-commit is a dev dependency")
    if not (REPO / ".git").exists():
        pytest.skip("this checkout is not a git repository")
    home = tmp_path_factory.mktemp("pre-commit-home")
    rev = _git(["rev-parse", "HEAD"], REPO, _env(home)).stdout.strip()
    dirty = _git(["status", "--porcelain", "--", "src", ".pre-commit-hooks.yaml",
                  "pyproject.toml"], REPO, _env(home)).stdout.strip()
    if dirty and not os.environ.get("CI"):
        pytest.skip("uncommitted changes to the hook or the package: the hook installs "
                    "aksnetlint at HEAD")
    return home, rev


@pytest.mark.skipif(not os.environ.get("AKSNETLINT_SLOW_TESTS"),
                    reason="real pre-commit runs (a minute): AKSNETLINT_SLOW_TESTS=1 "
                           "(.ci/run sets it)")
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_with_pre_commit(case: Case, tmp_path: Path, hook_home: tuple[Path, str]) -> None:
    home, rev = hook_home
    env = _env(home)
    work = _repository(tmp_path, case, env)
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {rev}\n    hooks:\n      - id: aksnetlint\n")
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install-hooks"], cwd=work,
                             env=env, capture_output=True, text=True, timeout=900,
                             check=False)
    assert install.returncode == 0, install.stdout + install.stderr
    start = time.perf_counter()
    # --verbose: the hook's output also when it passes
    run = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--verbose", "--files",
                          *case.run_on],
                         cwd=work, env=env, capture_output=True, text=True, timeout=900,
                         check=False)
    elapsed = time.perf_counter() - start
    output = run.stdout + run.stderr
    assert "aksnetlint (AKS networking)" in output, output
    assert "(no files to check)" not in output, output
    _check(case, run.returncode, output)
    timings = os.environ.get("AKSNETLINT_PRECOMMIT_TIMINGS")
    if timings:
        with open(timings, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"case": case.name, "files": case.run_on,
                                     "exit": run.returncode,
                                     "seconds": round(elapsed, 2)}) + "\n")
