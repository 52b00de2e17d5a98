"""Facts about a deployment as a network, derived from the model for rules to read.

Hybrid evidence (AKS-RULES.md): a virtual network gateway (Vpn or ExpressRoute), a local
network gateway, an ExpressRoute circuit or connection, a virtual WAN hub connection, a DNS
private resolver, a VNet with custom DNS servers (other than Azure's 168.63.129.16), or a
peering to a VNet that carries such evidence. Each piece keeps its location.
"""

from __future__ import annotations

from dataclasses import dataclass

from aksnetlint.model import Deployment, Gateway, GatewayKind, VirtualNetwork
from aksnetlint.values import Location, Unresolved

AZURE_DNS = "168.63.129.16"

_GATEWAY_WORDS = {
    GatewayKind.VPN.value: "VPN gateway",
    GatewayKind.EXPRESS_ROUTE.value: "ExpressRoute gateway",
    GatewayKind.LOCAL.value: "local network gateway",
    GatewayKind.EXPRESS_ROUTE_CIRCUIT.value: "ExpressRoute circuit",
    GatewayKind.CONNECTION.value: "gateway connection",
    GatewayKind.VIRTUAL_HUB_CONNECTION.value: "virtual WAN hub connection",
}


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason to call the network hybrid, where it is written, and the VNet it sits in."""

    description: str
    location: Location
    vnet_key: str | None = None
    hosted: bool = True  # the VNet hosts the evidence itself (False: it is peered to one)


def hybrid_evidence(deployment: Deployment) -> tuple[Evidence, ...]:
    """Every piece of hybrid evidence in the deployment, in declaration order."""
    found: list[Evidence] = []
    for gateway in deployment.gateways:
        found.append(_gateway_evidence(gateway))
    for resolver in deployment.dns_resolvers:
        vnet = resolver.vnet.value
        found.append(Evidence(f"DNS private resolver '{_name(resolver.name.value)}'",
                              resolver.decl, vnet.key if isinstance(vnet, VirtualNetwork)
                              else None))
    for vnet in deployment.vnets:
        custom = _custom_dns(vnet)
        if custom:
            where = vnet.dns_servers.loc or vnet.decl
            found.append(Evidence(
                f"VNet '{_name(vnet.name.value)}' uses custom DNS servers {', '.join(custom)}",
                where, vnet.key))
    evidence_vnets = {e.vnet_key for e in found if e.vnet_key}
    for peering in deployment.peerings:
        remote = peering.remote_vnet.value
        local = peering.local_vnet.value
        for near, far in ((local, remote), (remote, local)):
            if isinstance(far, VirtualNetwork) and far.key in evidence_vnets and \
                    isinstance(near, VirtualNetwork) and near.key not in evidence_vnets:
                found.append(Evidence(
                    f"peering '{_name(peering.name.value)}' connects VNet "
                    f"'{_name(near.name.value)}' to hybrid VNet '{_name(far.name.value)}'",
                    peering.decl, near.key, hosted=False))
    return tuple(found)


def _gateway_evidence(gateway: Gateway) -> Evidence:
    kind = gateway.kind.value
    word = _GATEWAY_WORDS.get(kind, "virtual network gateway") if isinstance(kind, str) \
        else "virtual network gateway"
    vnet = gateway.vnet.value
    return Evidence(f"{word} '{_name(gateway.name.value)}'", gateway.decl,
                    vnet.key if isinstance(vnet, VirtualNetwork) else None)


def _custom_dns(vnet: VirtualNetwork) -> list[str]:
    servers = vnet.dns_servers.value
    if not isinstance(servers, tuple):
        return []
    custom = []
    for server in servers:
        value = server.value
        if isinstance(value, Unresolved):
            continue  # unknown is not evidence
        if isinstance(value, str) and value.strip() and value.strip() != AZURE_DNS:
            custom.append(value.strip())
    return custom


def _name(value: object) -> str:
    return value if isinstance(value, str) else "?"
