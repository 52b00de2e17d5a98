"""Configuration discovery and errors, inline suppressions (and unused ones), baselines,
fingerprint stability, `--format github`, `--fail-on`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from aksnetlint.cli import main
from aksnetlint.config import find_config, load_config
from aksnetlint.errors import ConfigError
from aksnetlint.lint import Options, lint
from aksnetlint.suppress import comments, inline_suppressions
from conftest import FIXTURES

# these tests are about the command line, not the rule catalogue: one rule is enough
ONLY = ["--select", "AKS001"]
FIRING = FIXTURES / "AKS001" / "no_ranges.tf"


def _module(tmp_path: Path, text: str | None = None, name: str = "m") -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True, exist_ok=True)
    if text is None:
        shutil.copy2(FIRING, folder / "main.tf")
    else:
        (folder / "main.tf").write_text(text)
    return folder


# -- configuration -------------------------------------------------------------------------

def test_config_found_by_walking_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path, name="infra/aks")
    (tmp_path / ".aksnetlint.yaml").write_text("ignore: [AKS001]\n")
    assert find_config(folder) == tmp_path / ".aksnetlint.yaml"
    assert main(["scan", *ONLY, str(folder)]) == 0
    capsys.readouterr()


def test_pyproject_table(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.aksnetlint]\nselect = ["AKS1"]\n'
        'fail-on = "high"\n')
    config = load_config(tmp_path / "pyproject.toml")
    assert config.select == ("AKS1",) and config.fail_on == "high"
    assert main(["scan", str(folder)]) == 0
    capsys.readouterr()


def test_config_flag_and_severity_override(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    config = tmp_path / "custom.yaml"
    config.write_text("severity:\n  AKS001: low\nfail_on: medium\n")
    assert main(["scan", *ONLY, str(folder), "--config", str(config)]) == 0
    assert "AKS001 [low]" in capsys.readouterr().out
    assert main(["scan", *ONLY, str(folder), "--config", str(config), "--fail-on", "low"]) == 1
    capsys.readouterr()


@pytest.mark.parametrize(("text", "message"), [
    ("selct: [AKS001]\n", "unknown key 'selct'"),
    ("select: [FOO1]\n", "'select': 'FOO1' is not a rule id"),
    ("severity:\n  AKS001: severe\n", "'severity.AKS001'"),
    ("network:\n  hybird: true\n", "'network': unknown key 'hybird'"),
    ("fail_on: sometimes\n", "'fail_on'"),
    ("severity: true\n", "'severity' must map"),
    ("rules_dirs: [nope]\n", "'rules_dirs'"),
    ("- a\n- b\n", "must be a mapping"),
])
def test_config_errors_name_key_and_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / ".aksnetlint.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)
    assert str(path.as_posix()) in str(err.value)


def test_config_error_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    (tmp_path / ".aksnetlint.yaml").write_text("bogus: 1\n")
    assert main(["scan", *ONLY, str(folder)]) == 2
    assert "unknown key 'bogus'" in capsys.readouterr().err


def test_network_hybrid_from_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path, (FIXTURES / "AKS101" / "not_hybrid_clean.tf").read_text())
    assert main(["scan", "--select", "AKS101", str(folder)]) == 0
    (tmp_path / ".aksnetlint.yaml").write_text("network:\n  hybrid: true\n")
    assert main(["scan", "--select", "AKS101", str(folder)]) == 1
    assert "AKS101" in capsys.readouterr().out


def test_per_path_ignores_and_excludes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _module(tmp_path, name="legacy")
    _module(tmp_path, name="generated")
    _module(tmp_path, name="new")
    (tmp_path / ".aksnetlint.yaml").write_text(
        "per_path_ignores:\n  'legacy/*': [AKS0]\nexclude: [generated]\n")
    assert main(["scan", *ONLY, str(tmp_path), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    # outside a repository and the current folder, paths are relative to the scanned folder
    assert [f["path"] for f in data["findings"]] == ["new/main.tf"]


def test_extra_rules_dir_is_validated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    (tmp_path / "org-rules").mkdir()
    (tmp_path / "org-rules" / "AKS901.yaml").write_text("id: AKS901\nname: x\n")
    (tmp_path / ".aksnetlint.yaml").write_text("rules_dirs: [org-rules]\n")
    assert main(["scan", *ONLY, str(folder)]) == 2
    assert "AKS901.yaml" in capsys.readouterr().err


# -- suppressions --------------------------------------------------------------------------

def test_comment_scanner_skips_strings_and_heredocs() -> None:
    text = ('a = "# not a comment"\n# yes\nb = <<EOT\n# no\nEOT\nc = 1 // also\n'
            '/* block\n aksnetlint:ignore AKS001 */\n')
    found = [(line, body) for line, _, body in comments(text, ".tf")]
    assert found == [(2, "# yes"), (6, "// also"), (7, "/* block\n aksnetlint:ignore AKS001 */")]
    bicep = "var a = 'x // no'\nvar b = '''\n// no\n'''\n// yes\n"
    assert [line for line, _, _ in comments(bicep, ".bicep")] == [5]


def test_inline_directive_parsing() -> None:
    [sup] = inline_suppressions("a.tf", "x = 1 # aksnetlint:ignore AKS001,aks002 legacy estate\n")
    assert sup.rules == ("AKS001", "AKS002") and sup.reason == "legacy estate"
    assert (sup.first_line, sup.last_line) == (1, 2)


def test_terraform_suppression_and_unused(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    text = FIRING.read_text().replace(
        'resource "azurerm_kubernetes_cluster" "aks" { # expect: AKS001',
        '# aksnetlint:ignore AKS001 dev sandbox, torn down nightly\n'
        'resource "azurerm_kubernetes_cluster" "aks" {')
    text += '\n# aksnetlint:ignore AKS101 nothing to see here\nlocals { a = 1 }\n'
    folder = _module(tmp_path, text)
    result = lint([folder], Options(root=tmp_path, select=("AKS001", "AKS101")))
    assert result.active == []
    [finding] = result.findings
    assert finding.suppressed == "dev sandbox, torn down nightly"
    [unused] = result.unused_suppressions
    assert unused.rule == "AKS101"
    assert main(["scan", "--select", "AKS001,AKS101", str(folder)]) == 0
    captured = capsys.readouterr()
    assert "1 suppressed" in captured.out
    assert "unused suppression of AKS101" in captured.err


def test_suppressed_finding_in_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = FIRING.read_text().replace("# expect: AKS001", "# aksnetlint:ignore AKS001 accepted")
    folder = _module(tmp_path, text)
    assert main(["scan", *ONLY, str(folder), "--format", "sarif"]) == 0
    [result] = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource", "justification": "accepted"}]


def test_arm_metadata_suppression(tmp_path: Path) -> None:
    from aksnetlint.suppress import metadata_suppressions

    template = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/"
                   "deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "resources": [{
            "type": "Microsoft.ContainerService/managedClusters",
            "apiVersion": "2024-02-01", "name": "aks",
            "metadata": {"aksnetlint": {"ignore": [{"rule": "AKS001", "reason": "lab"}]}},
            "properties": {},
        }],
    }
    text = json.dumps(template, indent=2)
    [sup] = metadata_suppressions("t.json", text)
    assert sup.rules == ("AKS001",) and sup.reason == "lab"
    assert sup.first_line == 5 and sup.last_line == text.splitlines().index("    }") + 1


# -- baseline and fingerprints -------------------------------------------------------------

def test_baseline_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    baseline = tmp_path / "baseline.json"
    assert main(["scan", *ONLY, str(folder), "--write-baseline", str(baseline)]) == 0
    assert json.loads(baseline.read_text())["findings"][0]["rule"] == "AKS001"
    assert main(["scan", *ONLY, str(folder), "--baseline", str(baseline)]) == 0
    # a new problem is still reported
    _module(tmp_path, FIRING.read_text().replace('"aks"', '"aks2"'), name="m2")
    assert main(["scan", *ONLY, str(tmp_path), "--baseline", str(baseline)]) == 1
    capsys.readouterr()


def test_bad_baseline_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    bad = tmp_path / "b.json"
    bad.write_text("{}")
    assert main(["scan", *ONLY, str(folder), "--baseline", str(bad)]) == 2
    assert "not an aksnetlint baseline" in capsys.readouterr().err


def test_fingerprint_survives_inserted_lines(tmp_path: Path) -> None:
    before = lint([_module(tmp_path, name="a")], Options(root=tmp_path / "a",
                                                         select=("AKS001",)))
    shifted = "# a comment\n\n# another\n" + FIRING.read_text()
    after = lint([_module(tmp_path, shifted, name="b")], Options(root=tmp_path / "b",
                                                                 select=("AKS001",)))
    [one], [two] = before.findings, after.findings
    assert one.location.line + 3 == two.location.line
    assert one.fingerprint == two.fingerprint


# -- output --------------------------------------------------------------------------------

def test_github_format(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    assert main(["scan", *ONLY, str(folder), "--format", "github"]) == 1
    [line] = capsys.readouterr().out.splitlines()
    assert line.startswith("::error file=")
    assert ",line=1,col=1," in line
    assert "title=AKS001 Public API server without authorized IP ranges::" in line


def test_fail_on_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path)
    assert main(["scan", *ONLY, str(folder), "--fail-on", "critical"]) == 0
    # no built-in rule is critical: the scan says findings cannot fail it
    assert "no selected rule is critical or worse" in capsys.readouterr().err
    assert main(["scan", *ONLY, str(folder), "--fail-on", "high"]) == 1
    assert "no selected rule" not in capsys.readouterr().err
    (tmp_path / "crit.yaml").write_text("severity:\n  AKS001: critical\n")
    assert main(["scan", *ONLY, str(folder), "--fail-on", "critical", "--config",
                 str(tmp_path / "crit.yaml")]) == 1
    assert "no selected rule" not in capsys.readouterr().err


def test_no_color_and_plain_output_when_piped(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["scan", *ONLY, str(_module(tmp_path))]) == 1
    assert "\033[" not in capsys.readouterr().out


def test_rule_option_from_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = _module(tmp_path, FIRING.read_text().replace(
        '  dns_prefix          = "aks-public"\n',
        '  dns_prefix          = "aks-public"\n'
        '  api_server_authorized_ip_ranges = ["20.0.0.0/14"]\n'))
    assert main(["scan", "--select", "AKS003", str(folder)]) == 1  # /14 is broader than /16
    (tmp_path / ".aksnetlint.yaml").write_text("rules:\n  AKS003: {threshold: 12}\n")
    assert main(["scan", "--select", "AKS003", str(folder)]) == 0
    (tmp_path / ".aksnetlint.yaml").write_text("rules:\n  AKS003: {thresold: 12}\n")
    assert main(["scan", "--select", "AKS003", str(folder)]) == 2
    assert "'rules.AKS003.thresold': unknown option (options: threshold)" in \
        capsys.readouterr().err
    (tmp_path / ".aksnetlint.yaml").write_text("rules:\n  AKS003: {threshold: wide}\n")
    assert main(["scan", "--select", "AKS003", str(folder)]) == 2
    (tmp_path / ".aksnetlint.yaml").write_text("rules:\n  AKS999: {x: 1}\n")
    assert main(["scan", "--select", "AKS003", str(folder)]) == 2
    assert "'rules.AKS999': no such rule" in capsys.readouterr().err
