"""The README's "Checking a deployed estate" stays true: its Resource Graph query selects
every resource type the model reads from the network, and its example folder is what it
says."""

from __future__ import annotations

import re

from aksnetlint.lint import Options, lint
from aksnetlint.normalise.arm import SUPPORTED_TYPES
from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Checking a deployed estate", 1)[-1].split("\n## ", 1)[0]


def test_the_section_exists_and_fetches_nothing_itself() -> None:
    assert "## Checking a deployed estate" in README
    commands = re.findall(r"```sh\n(.*?)```", SECTION, re.S)
    assert len(commands) == 2  # a resource group, a subscription
    for block in commands:
        assert block.rstrip().endswith("aksnetlint scan estate/")


def test_the_graph_query_selects_what_the_model_reads() -> None:
    query = re.search(r'-q "([^"]+)"', SECTION)
    assert query is not None
    exact = set(re.findall(r"type =~ '([^']+)'", query.group(1)))
    prefixes = re.findall(r"type startswith '([^']+)'", query.group(1))
    # Resource Graph holds a cluster's node pools inside it (`agentPoolProfiles`), not as rows
    wanted = {t for t in SUPPORTED_TYPES if t.split("/")[0] in
              ("microsoft.network", "microsoft.containerservice")} - \
        {"microsoft.containerservice/managedclusters/agentpools"}
    missed = sorted(t for t in wanted
                    if t not in exact and not any(t.startswith(p) for p in prefixes))
    assert not missed


def test_the_example_estate_is_one_deployment_of_two_files() -> None:
    folder = REPO / "examples" / "deployed"
    result = lint([folder], Options(root=REPO))
    assert not result.errors and result.deployments == 1 and result.files_scanned == 2
    assert {f.rule_id for f in result.active} >= {"AKS001", "AKS007", "AKS201", "AKS205"}
