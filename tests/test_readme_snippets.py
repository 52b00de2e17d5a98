"""The README's snippets work as written: every YAML block parses; the pre-commit snippet
names this repository's hook; the workflow snippets give the action only inputs it has and
pin it (and every other action) by commit SHA; every `aksnetlint scan` command in a code
block is accepted by the command line (options, formats, FORMAT=FILE pairs)."""

from __future__ import annotations

import re
import shlex

import click
import yaml

from aksnetlint.cli import scan
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```(\w*)\n(.*?)^```", README, re.M | re.S)
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


def _yaml_blocks() -> list[object]:
    return [yaml.safe_load(body) for kind, body in BLOCKS if kind == "yaml"]


def test_yaml_blocks_parse() -> None:
    assert len(_yaml_blocks()) >= 6


def test_pre_commit_snippet() -> None:
    configs = [b for b in _yaml_blocks() if isinstance(b, dict) and "repos" in b]
    assert configs
    hook_ids = {hook["id"] for hook in HOOKS}
    for config in configs:
        for repo in config["repos"]:
            assert repo["repo"] == "https://github.com/aksnetlint/aksnetlint"
            assert repo["rev"] == "<commit>"  # the text says: a full commit SHA
            assert {hook["id"] for hook in repo["hooks"]} <= hook_ids


def _steps(block: object) -> list[dict[str, object]]:
    if not isinstance(block, dict) or "jobs" not in block:
        return []
    return [step for job in block["jobs"].values() for step in job.get("steps", [])]


def test_workflow_snippets_use_the_action_as_it_is() -> None:
    workflows = [yaml.safe_load((REPO / ".github" / "workflows" / "aksnetlint.yml").read_text())]
    workflows += [b for b in _yaml_blocks() if _steps(b)]
    assert len(workflows) >= 2
    used = 0
    for workflow in workflows:
        for step in _steps(workflow):
            uses = str(step.get("uses", ""))
            if uses in ("./",) or uses.startswith("aksnetlint/aksnetlint@"):
                used += 1
                assert set(step.get("with", {})) <= set(ACTION["inputs"]), step
                if uses != "./":
                    assert uses == "aksnetlint/aksnetlint@<commit>"
            elif uses:
                assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", uses), uses
    assert used >= 2


def _commands() -> list[list[str]]:
    commands = []
    for _kind, body in BLOCKS:
        text = body.replace("\\\n", " ")
        for line in text.splitlines():
            line = re.sub(r"#\s.*$", "", line).strip().lstrip("-").strip()
            if not line.startswith("aksnetlint scan") or "[PATH]" in line:
                continue
            line = re.sub(r"\$\(([^)]*)\)|\$\{([^}]*)\}", "X", line)
            commands.append(shlex.split(line)[2:])
    return commands


def test_scan_commands_in_the_readme_are_accepted() -> None:
    commands = _commands()
    assert len(commands) >= 5
    for args in commands:
        with scan.make_context("scan", list(args), resilient_parsing=False) as context:
            assert context.params is not None, args


def test_documented_options_exist() -> None:
    usage = README[README.index("aksnetlint scan [PATH]..."):]
    usage = usage[:usage.index("aksnetlint rules")]  # the scan command's part
    documented = set(re.findall(r"(?<![\w-])(--[a-z][\w-]*)", usage))
    known = {opt for param in scan.params if isinstance(param, click.Option)
             for opt in param.opts if opt.startswith("--")}
    assert documented <= known, documented - known
    assert known - documented - {"--help"} == set(), known - documented
