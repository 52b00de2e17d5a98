"""The estate plan as data: connected networks, VNets, subnets, clusters, on-premises
sources and their ranges, with overlaps, free space, suggestions and pinned findings. Ids
are readable and stable (`vnet:vnet-hub-westeurope`, `range:vnet-aks-dev-service`)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aksnetlint import netmath
from aksnetlint.facts_address_plan import Suggestion
from aksnetlint.findings import FileError, Finding
from aksnetlint.values import Location

ROLES = ("nodes", "pods", "apiserver", "firewall", "gateway", "other")
ROLE_WORDS = {"nodes": "node pool", "pods": "pod subnet", "apiserver": "API server",
              "firewall": "firewall", "gateway": "gateway", "other": "other"}


@dataclass
class PlanRange:
    id: str
    role: str  # vnet | subnet | service | pod | onprem
    cidr: str | None  # the network (host bits cleared); None when unknown
    written: str  # as written, or "(unresolved)"
    label: str
    owner: str  # the id of the VNet, subnet, cluster or on-premises source
    location: Location | None
    default: bool = False
    unknown: str | None = None
    network: netmath.Range | None = None
    overlaps: list[str] = field(default_factory=list)

    @property
    def addresses(self) -> int | None:
        return self.network.network.num_addresses if self.network is not None else None


@dataclass
class Capacity:
    usable: int | None
    demand: int | None
    shortfall: int | None
    summary: str
    suggestion: str | None
    suggestion_text: str


@dataclass
class PlanSubnet:
    id: str
    name: str
    vnet: str
    roles: list[str]
    ranges: list[str]
    location: Location | None
    capacity: Capacity | None = None
    findings: list[int] = field(default_factory=list)


@dataclass
class PlanVnet:
    id: str
    name: str
    deployment: str | None  # the deployment that declares it (None: outside the scan)
    format: str | None
    location: Location | None
    ranges: list[str] = field(default_factory=list)
    subnets: list[str] = field(default_factory=list)
    free: list[str] = field(default_factory=list)
    findings: list[int] = field(default_factory=list)

    @property
    def in_scan(self) -> bool:
        return self.deployment is not None


@dataclass
class PlanCluster:
    id: str
    name: str
    vnets: list[str]
    mode: str | None
    location: Location | None
    service: list[str] = field(default_factory=list)
    pod: list[str] = field(default_factory=list)
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    findings: list[int] = field(default_factory=list)


@dataclass
class PlanOnPrem:
    id: str
    name: str
    kind: str  # local network gateway | VPN site | configuration
    location: Location | None
    ranges: list[str] = field(default_factory=list)
    findings: list[int] = field(default_factory=list)


@dataclass
class PlanLink:
    kind: str  # peering | gateway connection | virtual hub | IPsec | VPN site
    a: str
    b: str
    label: str  # how, in a sentence: "peered through 'peer-dev-to-hub'"

    @property
    def short(self) -> str:
        """`peering peer-dev-to-hub`, `IPsec cn-datacenter`: the kind and the name."""
        match = re.search(r"'([^']*)'", self.label)
        return f"{self.kind} {match.group(1)}" if match else self.kind


@dataclass
class PlanOverlap:
    a: str
    b: str


@dataclass
class ConnectedNetwork:
    id: str
    name: str
    vnets: list[str]
    clusters: list[str]
    onprem: list[str]
    hubs: list[str]
    links: list[PlanLink]
    ranges: list[str]  # sorted by address
    overlaps: list[PlanOverlap]


@dataclass
class PinnedFinding:
    index: int
    finding: Finding
    targets: list[str]


@dataclass
class Estate:
    networks: list[ConnectedNetwork] = field(default_factory=list)
    vnets: dict[str, PlanVnet] = field(default_factory=dict)
    subnets: dict[str, PlanSubnet] = field(default_factory=dict)
    clusters: dict[str, PlanCluster] = field(default_factory=dict)
    onprem: dict[str, PlanOnPrem] = field(default_factory=dict)
    hubs: dict[str, str] = field(default_factory=dict)  # id -> name
    ranges: dict[str, PlanRange] = field(default_factory=dict)
    findings: list[PinnedFinding] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    deployments: int = 0
    files: int = 0


