"""Hostile input never crashes, hangs or leaks: every bad file gets one positioned error
line, the rest of the scan goes on, and the exit code says the scan is incomplete."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from aksnetlint.cli import main
from aksnetlint.lint import Options, lint
from conftest import FIXTURES

HOSTILE = FIXTURES / "hostile"

# case folder -> the start of the one error it must produce (None: it must scan cleanly)
TERRAFORM = {
    "binary_tfvars": "terraform.tfvars:2:118: error: not valid UTF-8",
    "bom_crlf": None,
    "deep_nesting": "main.tf:2:",
    "deep_parens": "main.tf:2:",
    "firing_next_to_broken": None,
    "huge_count": "main.tf:2:3: error: count 100000000 is over the limit",
    "huge_numbers": "main.tf:2:7: error: number literal of 5001 digits is too large",
    "invalid_utf8": "main.tf:2:14: error: not valid UTF-8",
    "long_line": None,
    "missing_module": "main.tf:2:3: error: module folder './does-not-exist' not found",
    "module_cycle": "main.tf:2:3: error: module cycle",
    "nul_byte": "main.tf:2:9: error: file contains a NUL byte",
    "self_reference": "main.tf:3:8: error: Cycle: local.a, local.b",
    "template_directives": None,
    "truncated": "main.tf:4:13: error: unexpected end of file",
    "unknown_block_shapes": "main.tf:1:1: error: a resource block needs 2 labels",
}


ARM = {
    "bad_expression": "azuredeploy.json:8:29: error: invalid expression",
    "comments_bom_crlf": None,
    "deep_nesting": "azuredeploy.json:1:258: error: nesting deeper than 128 levels",
    "duplicate_keys": None,  # the last key wins, as in Python's json (documented leniency)
    "huge_copy": "azuredeploy.json:11:18: error: copy count 100000000 is over Azure's limit",
    "huge_number": "azuredeploy.json:1:144: error: a number of 6001 digits is too large",
    "not_arm": None,
    "nul_byte": "azuredeploy.json:1:110: error: file contains a NUL byte",
    "properties_not_object": "azuredeploy.json:10:21: error: 'properties' of a",
    "truncated": "azuredeploy.json:10:5: error: invalid JSON",
}

BICEP = {
    "deep_nesting": "main.bicep:1:73: error: nesting too deep",
    "firing_next_to_broken": None,
    "huge_loop": "main.bicep:1:94: error: range() count must be 0 to 10000",
    "invalid_utf8": "main.bicep:1:25: error: not valid UTF-8",
    "module_cycle": "main.bicep:1:14: error: module cycle",
    "undeclared": "main.bicep:2:9: error: 'nope' is not declared",
    "unterminated_string": "main.bicep:1:25: error: unterminated string",
}

CASES = [("terraform", c, e) for c, e in sorted(TERRAFORM.items())] + \
    [("arm", c, e) for c, e in sorted(ARM.items())] + \
    [("bicep", c, e) for c, e in sorted(BICEP.items())]


@pytest.mark.parametrize(("kind", "case", "expected"), CASES,
                         ids=[f"{k}/{c}" for k, c, _ in CASES])
def test_hostile_case(kind: str, case: str, expected: str | None, tmp_path: Path,
                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / case
    shutil.copytree(HOSTILE / kind / case, folder)
    code = main(["scan", str(folder), "--format", "json"])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    if expected is None:
        assert code in (0, 1), err
        assert ": error:" not in err
    else:
        assert code == 2
        assert expected in err, err
        for line in err.strip().splitlines():
            assert ": error: " in line or line.startswith("note:"), line


def test_whole_hostile_folder_still_reports_good_files(tmp_path: Path) -> None:
    shutil.copytree(HOSTILE, tmp_path / "t")
    result = lint([tmp_path / "t"], Options(root=tmp_path, select=("AKS001",)))
    assert {f.location.path for f in result.active} >= {
        "t/terraform/firing_next_to_broken/main.tf", "t/bicep/firing_next_to_broken/main.bicep",
        "t/arm/comments_bom_crlf/azuredeploy.jsonc"}
    assert len({e.path for e in result.errors}) >= 20


def test_symlink_loop_and_escaping_link(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(FIXTURES / "AKS001" / "tfvars_empty", tree / "aks")
    (tree / "aks" / "loop").symlink_to(tree, target_is_directory=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy2(FIXTURES / "AKS001" / "no_ranges.tf", outside / "main.tf")
    (tree / "escape").symlink_to(outside, target_is_directory=True)
    code = main(["scan", str(tree), "--format", "json"])
    captured = capsys.readouterr()
    assert code == 2  # the loop is reported
    assert "symlink loop" in captured.err
    assert "outside" not in captured.out and "escape" not in captured.out


def test_no_network_during_a_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("aksnetlint opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    shutil.copytree(REPO_EXAMPLES, tmp_path / "examples")
    for fmt in ("text", "json", "sarif"):
        assert main(["scan", str(tmp_path / "examples"), "--format", fmt]) in (0, 1)
    capsys.readouterr()


REPO_EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_output_is_written_atomically(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    shutil.copy2(FIXTURES / "AKS001" / "no_ranges.tf", folder / "main.tf")
    out = tmp_path / "report.sarif"
    out.write_text("previous complete report\n")
    real_replace = os.replace

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    assert main(["scan", str(folder), "--no-cache", "--format", "sarif", "-o", str(out)]) == 130
    assert out.read_text() == "previous complete report\n"  # untouched, not truncated
    assert [p.name for p in tmp_path.iterdir()] == ["m", "report.sarif"]  # no temp left
    monkeypatch.setattr(os, "replace", real_replace)
    capsys.readouterr()


def test_scan_writes_nothing_into_the_scanned_tree(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO_EXAMPLES, tmp_path / "examples")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    main(["scan", str(tmp_path / "examples")])
    after = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert before == after
    capsys.readouterr()
