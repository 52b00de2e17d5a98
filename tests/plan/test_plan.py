"""`aksnetlint plan`: the address plan of `examples/` as data (JSON, against its schema),
and the text, Markdown (Mermaid checked structurally) and HTML renderings of it."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from aksnetlint.cli import main
from aksnetlint.lint import Options
from aksnetlint.plan import render, scan_plan
from aksnetlint.plan.model import Estate
from conftest import REPO

SCHEMA = REPO / "docs" / "plan.schema.json"
EXAMPLE_VNETS = {"vnet-hub-westeurope", "vnet-aks-dev", "vnet-aks-prod", "vnet-aks-tools",
                 "vnet-aks-analytics", "vnet-payments-prod", "vnet-aks-insights",
                 "aks-vnet-31415926", "vnet-reporting"}


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Estate:
    root = tmp_path_factory.mktemp("plan")
    shutil.copytree(REPO / "examples", root / "examples")
    found, result = scan_plan([root / "examples"], Options(root=root))
    assert not result.errors
    return found


@pytest.fixture(scope="module")
def data(estate: Estate) -> dict[str, Any]:
    return json.loads(render(estate, "json"))


def _by_id(data: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for item in data[kind]}


def test_json_matches_its_schema(data: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert data["schema_version"] == 1


def test_examples_networks(data: dict[str, Any]) -> None:
    """The hub and its spokes are one connected network: the Bicep payments spoke peers to
    the hub by reference (an `existing` VNet), which is the Terraform hub; the deployed
    state of the hub (examples/deployed, same name and address space) is the same VNet, and
    brings the legacy cluster's VNet peered to it."""
    vnets = _by_id(data, "vnets")
    assert {v["name"] for v in vnets.values()} == EXAMPLE_VNETS
    assert all(v["in_scan"] for v in vnets.values())
    networks = [(n["name"], sorted(vnets[v]["name"] for v in n["vnets"]))
                for n in data["networks"]]
    assert networks == [
        ("vnet-hub-westeurope", ["aks-vnet-31415926", "vnet-aks-dev", "vnet-aks-prod",
                                 "vnet-hub-westeurope", "vnet-payments-prod"]),
        ("vnet-aks-analytics", ["vnet-aks-analytics"]),
        ("vnet-aks-insights", ["vnet-aks-insights"]),
        ("vnet-aks-tools", ["vnet-aks-tools"]),
        ("vnet-reporting", ["vnet-reporting"]),
    ]
    assert vnets["vnet:vnet-hub-westeurope"]["format"] == "terraform"  # at home in its template
    hub = data["networks"][0]
    assert hub["vnets"][0] == "vnet:vnet-hub-westeurope"  # the most connected VNet first
    assert sorted(hub["on_premises"]) == ["onprem:lgw-acquirer", "onprem:lgw-datacenter"]
    assert sorted((link["kind"], link["from"], link["to"]) for link in hub["links"]) == [
        ("IPsec", "vnet:vnet-hub-westeurope", "onprem:lgw-datacenter"),
        ("IPsec", "vnet:vnet-payments-prod", "onprem:lgw-acquirer"),
        ("peering", "vnet:aks-vnet-31415926", "vnet:vnet-hub-westeurope"),
        ("peering", "vnet:vnet-aks-dev", "vnet:vnet-hub-westeurope"),
        ("peering", "vnet:vnet-aks-prod", "vnet:vnet-hub-westeurope"),
        ("peering", "vnet:vnet-hub-westeurope", "vnet:aks-vnet-31415926"),
        ("peering", "vnet:vnet-payments-prod", "vnet:vnet-hub-westeurope"),
    ]
    insights = data["networks"][2]
    assert insights["hubs"] == [{"id": "hub:vhub-northeurope", "name": "vhub-northeurope"}]
    assert ("VPN site", "hub:vhub-northeurope", "onprem:site-dublin-office") in {
        (link["kind"], link["from"], link["to"]) for link in insights["links"]}


def test_examples_every_range_sorted_by_address(data: dict[str, Any]) -> None:
    ranges = _by_id(data, "ranges")
    hub = data["networks"][0]
    shown = [(ranges[r]["cidr"], ranges[r]["role"], ranges[r]["owner"]) for r in hub["ranges"]]
    assert shown == [
        ("10.0.0.0/16", "service", "cluster:aks-dev-westeurope"),
        ("10.0.0.0/16", "service", "cluster:aks-legacy"),
        ("10.0.0.0/16", "vnet", "vnet:vnet-hub-westeurope"),
        ("10.0.1.0/28", "subnet", "subnet:vnet-hub-westeurope-snet-dns-inbound"),
        ("10.0.254.0/26", "subnet", "subnet:vnet-hub-westeurope-azurefirewallsubnet"),
        ("10.0.255.0/27", "subnet", "subnet:vnet-hub-westeurope-gatewaysubnet"),
        ("10.10.0.0/16", "vnet", "vnet:vnet-aks-prod"),
        ("10.10.0.0/22", "subnet", "subnet:vnet-aks-prod-snet-aks-nodes"),
        ("10.10.4.0/24", "subnet", "subnet:vnet-aks-prod-snet-aks-batch"),
        ("10.20.0.0/16", "vnet", "vnet:vnet-aks-dev"),
        ("10.20.0.0/24", "subnet", "subnet:vnet-aks-dev-snet-aks-nodes"),
        ("10.50.0.0/16", "vnet", "vnet:vnet-payments-prod"),
        ("10.50.0.0/22", "subnet", "subnet:vnet-payments-prod-snet-aks-nodes"),
        ("10.50.255.0/27", "subnet", "subnet:vnet-payments-prod-gatewaysubnet"),
        ("10.224.0.0/12", "vnet", "vnet:aks-vnet-31415926"),
        ("10.224.0.0/16", "subnet", "subnet:aks-vnet-31415926-aks-subnet"),
        ("10.244.0.0/16", "pod", "cluster:aks-legacy"),
        ("172.16.0.0/16", "service", "cluster:aks-payments-prod"),
        ("172.16.0.0/16", "service", "cluster:aks-prod-westeurope"),
        ("192.168.0.0/16", "pod", "cluster:aks-payments-prod"),
        ("192.168.0.0/16", "onprem", "onprem:lgw-datacenter"),
        ("192.168.96.0/24", "onprem", "onprem:lgw-acquirer"),
        ("192.168.128.0/17", "pod", "cluster:aks-prod-westeurope"),
    ]
    datacenter = ranges["range:lgw-datacenter"]
    # the on-premises range where it is written: the variable's default
    assert datacenter["location"]["path"].endswith("landing-zone/variables.tf")
    assert datacenter["location"]["line"] == 10
    assert ranges["range:aks-dev-westeurope-service"]["default"] is True


def test_examples_overlaps(data: dict[str, Any]) -> None:
    ranges = _by_id(data, "ranges")
    pairs = {tuple(sorted(o["ranges"])) for n in data["networks"] for o in n["overlaps"]}
    assert pairs == {
        # the dev spoke's default service CIDR is the hub's address space
        ("range:aks-dev-westeurope-service", "range:vnet-hub-westeurope"),
        # so does the legacy cluster's, found in the deployed state
        ("range:aks-legacy-service", "range:vnet-hub-westeurope"),
        # the prod pod CIDR and the payments pod CIDR lie in the data centre behind the hub
        ("range:aks-prod-westeurope-pod", "range:lgw-datacenter"),
        ("range:aks-payments-prod-pod", "range:lgw-datacenter"),
        # ... and the acquirer's network behind the payments spoke's own VPN
        ("range:aks-payments-prod-pod", "range:lgw-acquirer"),
        ("range:lgw-acquirer", "range:lgw-datacenter"),
        ("range:aks-analytics-service", "range:vnet-aks-analytics"),
        ("range:aks-insights-service", "range:site-dublin-office"),
        ("range:aks-insights-service", "range:site-dublin-office-2"),
    }
    # service CIDRs of different clusters may be the same; a subnet lies in its VNet
    assert ranges["range:aks-prod-westeurope-service"]["overlaps"] == []
    assert ranges["range:vnet-aks-dev-snet-aks-nodes"]["overlaps"] == []
    assert data["summary"]["overlaps"] == len(pairs)


def test_examples_free_space_capacity_and_suggestions(data: dict[str, Any]) -> None:
    vnets, subnets = _by_id(data, "vnets"), _by_id(data, "subnets")
    assert vnets["vnet:vnet-aks-dev"]["free"] == [
        "10.20.1.0/24", "10.20.2.0/23", "10.20.4.0/22", "10.20.8.0/21", "10.20.16.0/20",
        "10.20.32.0/19", "10.20.64.0/18", "10.20.128.0/17"]
    dev = subnets["subnet:vnet-aks-dev-snet-aks-nodes"]
    assert dev["roles"] == ["nodes"]
    assert (dev["capacity"]["demand"], dev["capacity"]["usable"],
            dev["capacity"]["shortfall"]) == (434, 251, 183)
    assert dev["capacity"]["suggestion"]["range"] == "10.20.0.0/23"
    roles = {s["name"]: s["roles"] for s in subnets.values()
             if s["vnet"] in ("vnet:vnet-hub-westeurope", "vnet:vnet-aks-analytics")}
    assert roles == {"GatewaySubnet": ["gateway"], "AzureFirewallSubnet": ["firewall"],
                     "snet-dns-inbound": ["other"], "snet-aks-nodes": ["nodes"],
                     "snet-aks-apiserver": ["apiserver"]}
    clusters = _by_id(data, "clusters")
    suggested = {(c, role): s["range"] for c, item in clusters.items()
                 for role, s in item["suggestions"].items()}
    assert suggested == {
        # what the findings propose, still free in the whole estate
        ("cluster:aks-dev-westeurope", "service"): "172.17.0.0/16",
        ("cluster:aks-prod-westeurope", "pod"): "172.18.0.0/17",
        ("cluster:aks-analytics", "service"): "172.16.0.0/17",
        ("cluster:aks-insights", "service"): "172.17.0.0/16",
        # the legacy cluster (deployed state) after the templates' proposals
        ("cluster:aks-legacy", "service"): "172.19.0.0/16",
        # the payments spoke's finding cannot see the hub; the plan can
        ("cluster:aks-payments-prod", "pod"): "172.20.0.0/16",
    }


def test_suggestions_agree_with_the_findings(data: dict[str, Any]) -> None:
    messages = {f["rule"] + f["path"].rsplit("/", 1)[-1]: f["message"] for f in data["findings"]}
    assert "use 172.17.0.0/16 (DNS service IP 172.17.0.10), free in this network" in \
        messages["AKS205spoke-dev.tf"]
    assert "use 172.18.0.0/17, free in this network" in messages["AKS209spoke-prod.tf"]


def test_findings_are_pinned(data: dict[str, Any]) -> None:
    pinned = {(f["rule"], tuple(f["pinned_to"])) for f in data["findings"]}
    assert ("AKS205", ("cluster:aks-dev-westeurope",)) in pinned
    assert ("AKS301", ("subnet:vnet-aks-dev-snet-aks-nodes",)) in pinned
    assert ("AKS307", ("subnet:vnet-payments-prod-snet-aks-nodes",)) in pinned
    assert ("AKS302", ("subnet:vnet-aks-prod-snet-aks-batch",)) in pinned
    assert all(f["pinned_to"] for f in data["findings"])
    assert len(data["findings"]) == 30
    clusters = _by_id(data, "clusters")
    for index, finding in enumerate(data["findings"]):
        for target in finding["pinned_to"]:
            if target in clusters:
                assert index in clusters[target]["findings"]


def test_json_is_deterministic(data: dict[str, Any], tmp_path: Path) -> None:
    """Another copy, scanned again: the same plan, byte for byte (paths are root-relative)."""
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    again, _result = scan_plan([tmp_path / "examples"], Options(root=tmp_path, jobs=1))
    assert json.loads(render(again, "json")) == data


def test_text_plan(estate: Estate) -> None:
    text = render(estate, "text")
    assert text.startswith("aksnetlint plan: 5 connected networks, 9 VNets, 8 clusters, "
                           "4 on-premises ranges, 9 overlaps, 30 findings")
    hub = text.split("\n\nNetwork ")[1]
    assert hub.startswith("vnet-hub-westeurope (5 VNets: vnet-hub-westeurope, ")
    rows = [line for line in hub.splitlines() if re.match(r"  [! ]  \d", line)]
    addresses = [row.split()[1 if row.startswith("  !") else 0] for row in rows]
    assert addresses[:3] == ["10.0.0.0/16", "10.0.0.0/16", "10.0.0.0/16"]
    assert any(row.startswith("  !") and "service CIDR (default)" in row and
               "overlaps 10.0.0.0/16 VNet vnet-hub-westeurope" in row for row in rows)
    assert "on-premises: local network gateway lgw-datacenter" in hub
    assert "vnet-aks-dev: 65,280 addresses free: 10.20.1.0/24, 10.20.2.0/23" in hub
    assert "vnet-aks-dev/snet-aks-nodes (node pool): 434 needed, 251 usable: 183 short" in hub
    assert "cluster aks-dev-westeurope service CIDR: use 172.17.0.0/16" in hub


MERMAID_NODE = re.compile(r'^  (n_[A-Za-z0-9_]+)(\[/"[^"]*"/\]|\(\["[^"]*"\]\)|\{\{"[^"]*"\}\}'
                          r'|\["[^"]*"\])$')
MERMAID_EDGE = re.compile(r'^  (n_[A-Za-z0-9_]+) (<-->|---|-\.-)(\|"[^"]*"\|)? '
                          r'(n_[A-Za-z0-9_]+)$')


def check_mermaid(text: str) -> None:
    """A structural check of the flowcharts we write: a header, node definitions with quoted
    labels, edges between defined nodes, a class definition and its use."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == "flowchart LR"
    defined: set[str] = set()
    for line in lines[1:]:
        if node := MERMAID_NODE.match(line):
            assert node.group(1) not in defined, line
            defined.add(node.group(1))
        elif edge := MERMAID_EDGE.match(line):
            assert edge.group(1) in defined and edge.group(4) in defined, line
        elif line.startswith("  classDef overlap "):
            continue
        elif match := re.match(r"^  class ([A-Za-z0-9_,]+) overlap$", line):
            assert set(match.group(1).split(",")) <= defined, line
        else:
            raise AssertionError(f"not a line of the diagram: {line!r}")


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"```mermaid\n(.*?)```", markdown, re.S)


def test_markdown_plan(estate: Estate) -> None:
    markdown = render(estate, "markdown")
    blocks = mermaid_blocks(markdown)
    assert len(blocks) == 5
    for block in blocks:
        check_mermaid(block)
    hub = blocks[0]
    for name in ("vnet-hub-westeurope", "vnet-aks-dev", "vnet-aks-prod", "vnet-payments-prod",
                 "lgw-datacenter", "aks-dev-westeurope"):
        assert name in hub
    assert "n_vnet_vnet_aks_dev <-->|\"peering peer-dev-to-hub\"| n_vnet_vnet_hub_westeurope" \
        in hub
    assert "n_vnet_vnet_hub_westeurope -.-|\"IPsec cn-datacenter\"| n_onprem_lgw_datacenter" \
        in hub
    assert "| ⚠ | `10.0.0.0/16` | 65,536 | cluster aks-dev-westeurope service CIDR (default) |" \
        in markdown
    assert "- vnet-aks-dev: `10.20.1.0/24`" in markdown
    assert "| `192.168.0.0/16` | 65,536 | on-premises: local network gateway lgw-datacenter |" \
        in markdown


def test_mermaid_labels_cannot_break_the_diagram() -> None:
    from aksnetlint.plan.report_markdown import label, node_id

    assert label('vnet "x"|y', "10.0.0.0/8") == '"vnet #quot;x#quot;|y<br/>10.0.0.0/8"'
    assert re.fullmatch(r"n_[A-Za-z0-9_]+", node_id("vnet:a.b-c/d e"))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "area", "base", "wbr"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_plan_is_self_contained(estate: Estate) -> None:
    page = render(estate, "html")
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert parser.stack == []  # every element closed
    tags = {tag for tag, _ in parser.seen}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed"}
    for tag, attrs in parser.seen:
        for name, value in attrs.items():
            if name in ("href", "src", "xlink:href") and value is not None:
                assert value.startswith("#"), (tag, name, value)
    assert "url(" not in page.replace("url(#free)", "")
    text = " ".join(parser.text)
    for name in EXAMPLE_VNETS:
        assert f"VNet {name}" in text
    # the done-means of the plan, in this format too: the hub's on-premises range, the dev
    # spoke's service CIDR on the hub (marked), the free space
    assert "lgw-datacenter" in text and "192.168.0.0/16" in text
    assert re.search(r'<tr class="overlap" data-range="range:aks-dev-westeurope-service">.*?'
                     r"overlaps 10\.0\.0\.0/16 VNet vnet-hub-westeurope", page)
    assert "<h3>Free space</h3>" in page and "10.20.1.0/24, 10.20.2.0/23" in page
    assert page.count('class="bar overlap"') == 12
    assert page.count("<svg") == 10  # a topology and a chart per network


def test_cli_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for fmt in ("text", "json", "markdown", "html"):
        out = tmp_path / f"plan.{fmt}"
        assert main(["plan", "examples", "--format", fmt, "-o", str(out)]) == 0
        assert "vnet-hub-westeurope" in out.read_text(encoding="utf-8")
    (tmp_path / "examples" / "broken.tf").write_text('resource "x" {\n')
    assert main(["plan", "examples"]) == 2
    err = capsys.readouterr().err
    assert "examples/broken.tf:" in err and "error" in err


def test_plan_with_configured_on_premises_ranges(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(REPO / "examples" / "arm", tmp_path / "arm")
    (tmp_path / ".aksnetlint.yaml").write_text("network:\n  on_premises: [10.40.192.0/20]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", ".", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    configured = _by_id(data, "on_premises")["onprem:configuration"]
    assert configured["kind"] == "configuration"
    [rid] = configured["ranges"]
    rng = _by_id(data, "ranges")[rid]
    assert rng["location"] == {"path": ".aksnetlint.yaml", "line": 2, "column": 17}
    # connected to every network
    assert all("onprem:configuration" in n["on_premises"] for n in data["networks"])
    assert "range:aks-analytics-service" in rng["overlaps"]


def test_every_network_fixture_plans_in_every_format(tmp_path: Path) -> None:
    """The rule fixtures of the network rules together: hundreds of small, odd deployments
    (unknown ranges, outside VNets, dual stack, hubs, loops) plan without a failure."""
    from conftest import FIXTURES

    for rule in ("AKS205", "AKS207", "AKS209", "AKS211", "AKS301", "AKS306"):
        shutil.copytree(FIXTURES / rule, tmp_path / rule)
    estate, _result = scan_plan([tmp_path], Options(root=tmp_path, jobs=1))
    assert len(estate.networks) > 50 and estate.onprem
    for fmt in ("text", "json", "markdown", "html"):
        assert render(estate, fmt)
    for block in mermaid_blocks(render(estate, "markdown")):
        check_mermaid(block)


def test_parameter_variants_are_networks_of_their_own(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    """One module deployed per environment: each environment's VNets are its own (named
    with the environment), not merged across environments."""
    shutil.copytree(REPO / "examples" / "terraform" / "landing-zone", tmp_path / "lz")
    (tmp_path / "dev.tfvars").write_text('onprem_address_space = ["192.168.0.0/16"]\n')
    (tmp_path / "prod.tfvars").write_text('onprem_address_space = ["172.20.0.0/14"]\n')
    (tmp_path / ".aksnetlint.yaml").write_text(
        "environments:\n  dev:\n    var_files: [dev.tfvars]\n    modules: [lz]\n"
        "  prod:\n    var_files: [prod.tfvars]\n    modules: [lz]\n")
    monkeypatch.chdir(tmp_path)
    assert main(["plan", "lz", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    hubs = sorted(n["name"] for n in data["networks"] if n["name"].startswith("vnet-hub"))
    assert hubs == ["vnet-hub-westeurope [dev]", "vnet-hub-westeurope [prod]"]
    ranges = _by_id(data, "ranges")
    onprem = sorted(ranges[r]["cidr"] for o in data["on_premises"] for r in o["ranges"])
    assert onprem == ["172.20.0.0/14", "192.168.0.0/16"]
