"""Untrusted input: nothing outside the scanned tree is read (and no content of it reaches
any report), only regular files are read (FIFOs and devices never are), cached results
are authentic, and every odd path shape is handled. Hostile inputs are made here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aksnetlint import cache
from aksnetlint.cli import main
from aksnetlint.lint import Options, lint
from conftest import FIXTURES

SECRET = "TOP-SECRET-0123456789"
GOOD_TF = (FIXTURES / "AKS001" / "no_ranges.tf").read_text()
FORMATS = ("text", "json", "sarif", "github")


def _repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    return repo


def _outside(tmp_path: Path) -> Path:
    """A folder beside the repository holding secrets in every format aksnetlint reads."""
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "secret.txt").write_text(SECRET + "\n")
    (secrets / "terraform.tfvars").write_text(f'ranges = ["{SECRET}"]\n')
    (secrets / "main.tf").write_text(f'variable "x" {{ default = "{SECRET}" }}\n'
                                     f'output "o" {{ value = "{SECRET}" }}\n')
    (secrets / "linked.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
        "resources": [{"type": "Microsoft.ContainerService/managedClusters",
                       "apiVersion": "2024-02-01", "name": SECRET, "location": "x",
                       "properties": {"dnsPrefix": SECRET}}]}))
    (secrets / "mod.bicep").write_text(f"output o string = '{SECRET}'\n")
    return secrets


def _plant(repo: Path, secrets: Path) -> None:
    """Every way a pull request could reach the secrets."""
    infra = repo / "infra"
    infra.mkdir()
    (infra / "main.tf").write_text(GOOD_TF + f'''
module "m" {{
  source = "../../secrets"
}}
module "abs" {{
  source = "{secrets}"
}}
''')
    (infra / "terraform.tfvars").symlink_to(secrets / "terraform.tfvars")
    (infra / "linked.tf").symlink_to(secrets / "main.tf")
    arm = repo / "arm"
    arm.mkdir()
    (arm / "azuredeploy.json").write_text(json.dumps({
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#", "contentVersion": "1.0.0.0",
        "resources": [{"type": "Microsoft.Resources/deployments", "apiVersion": "2022-09-01",
                       "name": "linked", "properties": {
                           "mode": "Incremental",
                           "templateLink": {"relativePath": "../../secrets/linked.json"}}}]}))
    bicep = repo / "bicep"
    bicep.mkdir()
    (bicep / "main.bicep").write_text(
        "var a = loadTextContent('../../secrets/secret.txt')\n"
        "var b = loadJsonContent('../../secrets/linked.json')\n"
        "var c = loadYamlContent('../../secrets/secret.txt')\n"
        "var d = loadFileAsBase64('../../secrets/secret.txt')\n"
        "module m '../../secrets/mod.bicep' = { name: 'm' }\n"
        "resource aks 'Microsoft.ContainerService/managedClusters@2024-02-01' = {\n"
        "  name: '${a}${b}${c}${d}${m.outputs.o}'\n  location: 'x'\n"
        "  properties: { dnsPrefix: a, apiServerAccessProfile: {"
        " authorizedIPRanges: [a, d] } }\n}\n")
    (repo / ".aksnetlint.yaml").write_text("var_files: [../secrets/terraform.tfvars]\n"
                                           if False else "show_unresolved: true\n")


@pytest.mark.parametrize("fmt", FORMATS)
def test_secrets_outside_the_tree_never_reach_a_report(
        tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path)
    secrets = _outside(tmp_path)
    _plant(repo, secrets)
    monkeypatch.chdir(repo)
    out = tmp_path / f"report.{fmt}"
    main(["scan", ".", "--no-cache", "--show-unresolved", "--format", fmt, "-o", str(out)])
    captured = capsys.readouterr()
    report = out.read_text()
    for text in (report, captured.out, captured.err):
        assert SECRET not in text
        assert base64_of(SECRET) not in text
    assert "AKS001" in report  # the good cluster keeps its finding
    assert "outside the scanned tree" in captured.err


def base64_of(text: str) -> str:
    import base64

    return base64.b64encode((text + "\n").encode()).decode()[:16]


def test_config_cannot_point_outside_the_repository(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path)
    secrets = _outside(tmp_path)
    (repo / "main.tf").write_text(GOOD_TF)
    (repo / ".aksnetlint.yaml").write_text("var_files: [../secrets/terraform.tfvars]\n")
    monkeypatch.chdir(repo)
    assert main(["scan", ".", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "outside the repository" in err and SECRET not in err
    (repo / ".aksnetlint.yaml").write_text(f"rules_dirs: [{secrets}]\n")
    assert main(["scan", ".", "--no-cache"]) == 2
    assert "outside the repository" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_and_devices_are_never_read(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repo(tmp_path)
    (repo / "good").mkdir()
    (repo / "good" / "main.tf").write_text(GOOD_TF)
    os.mkfifo(repo / "pipe.tf")
    os.mkfifo(repo / "good" / "terraform.tfvars")
    os.mkfifo(repo / "azuredeploy.json")
    os.mkfifo(repo / "main.bicep")
    (repo / "zero.tf").symlink_to("/dev/zero")
    (repo / "linked.tf").symlink_to(repo / "pipe.tf")
    start = time.monotonic()
    # named on the command line too (as pre-commit does): still never opened for reading
    code = main(["scan", str(repo), str(repo / "pipe.tf"), str(repo / "zero.tf"),
                 str(repo / "main.bicep"), "--no-cache"])
    assert time.monotonic() - start < 30  # never blocks on a FIFO without a writer
    assert code == 2
    captured = capsys.readouterr()
    assert "AKS001" in captured.out
    errors = captured.err.splitlines()
    for name in ("pipe.tf", "azuredeploy.json", "main.bicep", "terraform.tfvars"):
        assert any(name in line and "not a regular file" in line for line in errors), \
            (name, errors)
    assert any("zero.tf" in line for line in errors), errors  # outside the tree, or a device


def test_tampered_cache_entry_is_not_trusted(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "main.tf").write_text(GOOD_TF)
    first = lint([folder], Options(root=folder, cache=True, select=("AKS001",)))
    assert [f.rule_id for f in first.active] == ["AKS001"]
    entries = [p for p in (tmp_path / "cache").rglob("*.json")]
    assert entries
    for entry in entries:
        digest, _, payload = entry.read_text().partition("\n")
        document = json.loads(payload)
        body = json.loads(document["body"])
        body["outcome"]["findings"] = []  # hide the finding
        document["body"] = json.dumps(body)
        payload = json.dumps(document)
        import hashlib

        entry.write_text(hashlib.sha256(payload.encode()).hexdigest() + "\n" + payload)
    again = lint([folder], Options(root=folder, cache=True, select=("AKS001",)))
    assert [f.rule_id for f in again.active] == ["AKS001"]


def test_invalid_cache_entry_is_ignored_and_rewritten(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "main.tf").write_text(GOOD_TF)
    lint([folder], Options(root=folder, cache=True))
    monkeypatch.setattr(cache, "_outcome_shape_check", None, raising=False)
    from aksnetlint import lint as lint_module

    real = lint_module._outcome_from_json
    monkeypatch.setattr(lint_module, "_outcome_from_json",
                        lambda data: real({**data, "findings": [{"severity": "nope"}]}))
    result = lint([folder], Options(root=folder, cache=True, select=("AKS001",)))
    assert [f.rule_id for f in result.active] == ["AKS001"]


def test_cached_result_is_the_same_from_any_folder(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "a" / "m"
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text(GOOD_TF)
    near = lint([folder], Options(root=folder, cache=True, select=("AKS001",)))
    far = lint([folder], Options(root=tmp_path, cache=True, select=("AKS001",)))
    assert [f.location.path for f in near.active] == ["main.tf"]
    assert [f.location.path for f in far.active] == ["a/m/main.tf"]


def test_cache_records_modules_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "root"
    vendored = root / ".terraform" / "modules" / "aks"
    vendored.mkdir(parents=True)
    (root / "main.tf").write_text('module "aks" {\n  source = "example/aks/azurerm"\n}\n')
    (vendored / "main.tf").write_text(GOOD_TF)
    options = Options(root=root, cache=True, select=("AKS001",))
    assert not lint([root], options).active  # not downloaded
    (vendored.parent / "modules.json").write_text(
        json.dumps({"Modules": [{"Key": "aks", "Dir": ".terraform/modules/aks"}]}))
    assert [f.rule_id for f in lint([root], options).active] == ["AKS001"]


def test_path_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repo(tmp_path)
    (repo / "good").mkdir()
    (repo / "good" / "main.tf").write_text(GOOD_TF)
    (repo / "loop.tf").symlink_to(repo / "loop.tf")  # a file that links to itself
    (repo / "sub").mkdir()
    (repo / "sub" / "back").symlink_to(repo)  # a folder that links to its parent
    odd = os.fsdecode(b"caf\xe9-\x1b[31m.tf")  # not UTF-8, with a terminal escape
    (repo / odd).write_text(GOOD_TF.replace("aks", "odd"))
    deep = repo
    for _ in range(100):  # (test_very_deep_tree goes past the recursion limit)
        deep = deep / "d"
    deep.mkdir(parents=True)
    (deep / "main.tf").write_text(GOOD_TF)
    (repo / "nul").mkdir()
    (repo / "nul" / "main.tf").write_text('module "x" {\n  source = "./a\\u0000b"\n}\n'
                                          'module "y" {\n  source = "./' + "x" * 5000 +
                                          '"\n}\n')
    out = tmp_path / "out.json"
    code = main(["scan", str(repo), "--no-cache", "--format", "json", "-o", str(out)])
    assert code == 2
    report = json.loads(out.read_text())
    paths = {f["path"] for f in report["findings"]}
    assert any(p.endswith("good/main.tf") for p in paths)
    assert any(p.endswith("d/main.tf") for p in paths)
    assert any("\\xe9" in p for p in paths), paths  # shown escaped
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "internal error" not in err
    main(["scan", str(repo), "--no-cache"])
    text = capsys.readouterr().out
    assert "\x1b" not in text and "caf\\xe9" in text


def test_file_named_outside_a_repository_looks_only_in_its_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "caller").mkdir()
    (tmp_path / "caller" / "main.tf").write_text('module "m" {\n  source = "../mod"\n}\n')
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text(GOOD_TF)
    monkeypatch.chdir(tmp_path)
    main(["scan", "mod/main.tf", "--no-cache", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["deployments"] == 1  # the module alone, not its caller


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_sigterm_ends_the_workers_and_leaves_no_report(tmp_path: Path) -> None:
    estate = tmp_path / "estate"
    for i in range(40):
        folder = estate / f"d{i}"
        folder.mkdir(parents=True)
        (folder / "main.tf").write_text(
            "locals {\n  a = [for i in range(1000) : [for j in range(300) : i + j]]\n}\n" +
            GOOD_TF.replace('"aks"', f'"aks{i}"').replace(
                "resource_group_name", "tags = { n = length(local.a) }\n  resource_group_name"))
    out = tmp_path / "report.sarif"
    proc = subprocess.Popen(
        [sys.executable, "-m", "aksnetlint", "scan", str(estate), "-j", "2", "--no-cache",
         "--format", "sarif", "-o", str(out)], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    children: list[int] = []
    while time.monotonic() < deadline and len(children) < 2:
        children = _children(proc.pid)
        time.sleep(0.2)
    assert children, "the scan never started its workers"
    proc.terminate()
    proc.wait(timeout=30)
    time.sleep(1)
    alive = [pid for pid in children if _alive(pid)]
    assert not alive, alive
    assert not out.exists()
    assert not list(tmp_path.glob(".report.sarif.*"))


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


__all__ = ["shutil"]


@pytest.mark.parametrize(("name", "text"), [
    (".aksnetlint.yaml", "rules: " + "[" * 5000 + "]" * 5000 + "\n"),
    ("pyproject.toml", "[tool.aksnetlint]\nselect = " + "[" * 5000 + "]" * 5000 + "\n"),
    (".aksnetlint.yaml", "exclude: [" + "'x', " * 10 + "]\n" + "#" * (2 * 1024 * 1024)),
])
def test_configuration_is_bounded(tmp_path: Path, name: str, text: str,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = _repo(tmp_path)
    (repo / "main.tf").write_text(GOOD_TF)
    (repo / name).write_text(text)
    assert main(["scan", str(repo), "--no-cache"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and name in err[0] and ": error: " in err[0], err
    assert "nested deeper" in err[0] or "over the" in err[0] or "invalid" in err[0], err


def _module(tmp_path: Path) -> Path:
    folder = tmp_path / "m"
    folder.mkdir(exist_ok=True)
    (folder / "main.tf").write_text(GOOD_TF)
    return folder


def test_output_creates_folders_with_the_usual_permissions(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "report.json"
    old = os.umask(0o022)
    try:
        assert main(["scan", str(_module(tmp_path)), "--no-cache", "--format", "json",
                     "-o", str(out)]) == 1
    finally:
        os.umask(old)
    assert json.loads(out.read_text())["summary"]["findings"] >= 1
    assert out.stat().st_mode & 0o777 == 0o644


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_output_to_a_fifo_is_written_through(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert main(["scan", str(_module(tmp_path)), "--no-cache", "--format", "json",
                 "-o", str(fifo)]) == 1
    data, _ = reader.communicate(timeout=30)
    assert json.loads(data)["summary"]["findings"] >= 1
    assert fifo.is_fifo()  # not replaced by a regular file


def test_output_through_a_symlink_is_refused(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    victim = tmp_path / "victim"
    victim.write_text("keep me\n")
    link = tmp_path / "report.sarif"
    link.symlink_to(victim)
    assert main(["scan", str(_module(tmp_path)), "--no-cache", "--format", "sarif",
                 "-o", str(link)]) == 2
    assert victim.read_text() == "keep me\n" and link.is_symlink()
    assert "symbolic link" in capsys.readouterr().err


def test_output_full_disk_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                      ) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    assert main(["scan", str(_module(tmp_path)), "--no-cache", "-o", "/dev/full"]) == 2
    err = capsys.readouterr().err
    assert "No space left on device" in err and len(err.splitlines()) == 1


def test_control_characters_never_reach_a_report_raw(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    evil = "aks\x1b]0;pwned\x07\x1b[2J"
    (folder / "main.tf").write_text(GOOD_TF.replace('"aks-public"', json.dumps(evil)) +
                                    '\n# \x1b[31m red \x1b[0m\n')
    for fmt in FORMATS:
        out = tmp_path / f"out.{fmt}"
        main(["scan", str(folder), "--no-cache", "--format", fmt, "-o", str(out)])
        text = out.read_text()
        assert "\x1b" not in text and "\x07" not in text, fmt


def test_error_lines_are_one_line_each(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    from aksnetlint.output import one_line

    assert one_line("a\nb\r\nc\x1b[0m") == "a | b | c\\x1b[0m"
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "x" "y" {\n  a = "unterminated\n')
    (folder / "big.tf").write_bytes(b"#" * (21 * 1024 * 1024))
    main(["scan", str(folder), "--no-cache"])
    err = capsys.readouterr().err.splitlines()
    assert any(line.startswith(("big.tf", str(folder / "big.tf"))) or "big.tf:" in line
               for line in err if "limit" in line), err
    assert all(": error: " in line or line.startswith("note: ") for line in err), err


def test_identical_findings_are_capped_with_a_note(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "main.tf").write_text(GOOD_TF.replace(
        'resource "azurerm_kubernetes_cluster" "aks" {',
        'resource "azurerm_kubernetes_cluster" "aks" {\n  count = 500').replace(
        '"aks-public"', '"aks-${count.index}"'))
    result = lint([folder], Options(root=folder, select=("AKS001",)))
    assert len(result.active) == 100
    assert any("400 more AKS001 findings left out" in note for note in result.notes)


def test_very_deep_tree_with_a_file_named_alone(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path)
    monkeypatch.chdir(repo)
    deep = Path(".")
    for _ in range(1100):  # deeper than Python's recursion limit
        deep = deep / "d"
        os.mkdir(deep)
    (deep / "main.tf").write_text(GOOD_TF)
    (deep / "main.bicep").write_text("param p string = 'x'\n")
    (repo / "main.tf").write_text(GOOD_TF)
    try:
        start = time.monotonic()
        code = main(["scan", "main.tf", str(deep / "main.bicep"), "--no-cache", "--format",
                     "json"])
        assert time.monotonic() - start < 60
        captured = capsys.readouterr()
        assert "internal error" not in captured.err and code == 1, captured.err
    finally:
        _remove_deep(repo / "d")


def _remove_deep(top: Path) -> None:
    """Remove a very deep tree without recursion (shutil.rmtree, and so pytest's clean-up
    of old temporary folders, would hit Python's recursion limit)."""
    depth = 0
    os.chdir(top.parent)
    while (Path("d")).is_dir():
        os.chdir("d")
        depth += 1
    for _ in range(depth):
        for entry in os.scandir("."):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.name)
        os.chdir("..")
        os.rmdir("d")


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_planted_pickle_in_the_result_cache_is_never_executed(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    monkeypatch.setenv("AKSNETLINT_CACHE_DIR", str(tmp_path / "cache"))
    folder = _module(tmp_path)
    options = Options(root=folder, cache=True, select=("AKS001",))
    lint([folder], options)
    entries = list((tmp_path / "cache").rglob("*.json"))
    assert entries
    marker = tmp_path / "executed"
    for entry in entries:  # every entry (and the secret) replaced by a pickle payload
        entry.write_bytes(pickle.dumps(_Payload(marker)))
    for secret in (tmp_path / "cache").rglob("secret"):
        secret.write_bytes(pickle.dumps(_Payload(marker)))
    result = lint([folder], options)
    assert not marker.exists()
    assert [f.rule_id for f in result.active] == ["AKS001"]
