"""The command line: exit codes, options, error lines, and the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aksnetlint.cli import main
from conftest import FIXTURES, REPO

# these tests are about the command line, not the rule catalogue: one rule is enough
ONLY = ["--select", "AKS001"]
FIRING = FIXTURES / "AKS001" / "no_ranges.tf"
CLEAN = FIXTURES / "AKS001" / "ranges_set_v4.tf"


def _copy(src: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, folder / src.name)
    return folder


def test_exit_zero_when_clean(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", *ONLY, str(_copy(CLEAN, tmp_path / "c"))]) == 0
    assert "Found 0 findings" in capsys.readouterr().out


def test_exit_one_with_findings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", *ONLY, str(_copy(FIRING, tmp_path / "f"))]) == 1
    assert "AKS001 [high]" in capsys.readouterr().out


def test_exit_zero_flag(tmp_path: Path) -> None:
    assert main(["scan", *ONLY, "--exit-zero", str(_copy(FIRING, tmp_path / "f"))]) == 0


def test_select_and_ignore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(_copy(FIRING, tmp_path / "f"))
    assert main(["scan", "--select", "AKS001", "--ignore", "AKS001", folder]) == 0
    assert main(["scan", "--select", "AKS1", folder]) == 0
    assert main(["scan", "--select", "aks00", "--ignore", "AKS002,AKS003,AKS004,AKS005,AKS006,"
                 "AKS007,AKS008", folder]) == 1
    assert main(["scan", "--select", "AKS101,AKS001", folder]) == 1
    capsys.readouterr()


def test_usage_error_is_two(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", *ONLY, "--format", "xml"]) == 2
    assert "Invalid value" in capsys.readouterr().err


def test_missing_path_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    assert main(["scan", *ONLY, str(tmp_path / "nope")]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_bad_file_does_not_hide_other_findings(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _copy(FIRING, tmp_path / "good")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "main.tf").write_text(
        'resource "azurerm_kubernetes_cluster" "a" {\n  name = "x"\n  tags = {\n}\n')
    (tmp_path / "binary").mkdir()
    (tmp_path / "binary" / "main.tf").write_bytes(b'name = "\xff\xfe"\n')
    code = main(["scan", *ONLY, str(tmp_path), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 2, "an incomplete scan takes precedence over findings"
    data = json.loads(captured.out)
    assert [f["rule"] for f in data["findings"]] == ["AKS001"]
    assert data["summary"]["complete"] is False
    errors = captured.err.strip().splitlines()
    assert len(errors) == 2
    assert any("broken/main.tf:" in e and ": error: " in e for e in errors)
    assert any("binary/main.tf:1:9: error: not valid UTF-8" in e for e in errors)
    assert "Traceback" not in captured.err


def test_output_file_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.sarif"
    assert main(["scan", *ONLY, str(_copy(FIRING, tmp_path / "f")), "--format", "sarif",
                 "--output", str(out)]) == 1
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text())["version"] == "2.1.0"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_rules_and_rule_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "AKS001" in listing and "AKS101" in listing
    assert main(["rule", "aks101"]) == 0
    doc = capsys.readouterr().out
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Fix",
                    "### terraform", "### arm", "### bicep", "## References"):
        assert heading in doc
    assert main(["rule", "AKS999"]) == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from aksnetlint import __version__

    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_var_file_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    shutil.copytree(FIXTURES / "AKS001" / "tfvars_sets_ranges", folder)
    (folder / "terraform.tfvars").unlink()
    assert main(["scan", *ONLY, str(folder)]) == 1  # the default [] fires
    varfile = tmp_path / "prod.tfvars"
    varfile.write_text('authorized_ranges = ["198.51.100.0/24"]\n')
    assert main(["scan", *ONLY, str(folder), "--var-file", str(varfile)]) == 0
    capsys.readouterr()


def test_installed_console_script(tmp_path: Path) -> None:
    script = shutil.which("aksnetlint")
    if script is None:
        candidate = Path(sys.executable).parent / "aksnetlint"
        script = str(candidate) if candidate.exists() else None
    if script is None:
        pytest.skip("the aksnetlint console script is not installed (pip install -e .)")
    folder = _copy(FIRING, tmp_path / "f")
    proc = subprocess.run([script, "scan", *ONLY, str(folder), "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["findings"][0]["path"] == "f/no_ranges.tf"
    assert data["findings"][0]["line"] == 1
    version = subprocess.run([script, "--version"], capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0 and "aksnetlint" in version.stdout


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "aksnetlint", "scan", *ONLY,
                           str(_copy(CLEAN, tmp_path / "c"))], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
