"""azurerm attributes behind the API server and private DNS rules (AKS0xx, AKS1xx).

Kept apart from `terraform.py` so the shapes these rules read stay in one place: the
addresses of public IPs and prefixes (egress), a firewall's private IP (route next hops),
subnet delegations of inline subnets, and the resources other than node pools that place
addresses in a subnet (API Server VNet integration subnet sharing).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol

from aksnetlint.model import Field, Subnet, SubnetUse
from aksnetlint.normalise.fields import as_str, field_from, get, string_list
from aksnetlint.resolve.resources import ResolvedResource
from aksnetlint.values import Location, Sourced


class Linker(Protocol):
    def link(self, value: Sourced | None, kind: type, owner_loc: Location) -> Field[object]: ...


# resource type -> (role for messages, attribute paths that name a subnet; "*" walks blocks)
SUBNET_USERS: dict[str, tuple[str, tuple[tuple[str, ...], ...]]] = {
    "azurerm_network_interface": ("network interface", (("ip_configuration", "*", "subnet_id"),)),
    "azurerm_private_endpoint": ("private endpoint", (("subnet_id",),)),
    "azurerm_linux_virtual_machine_scale_set": (
        "scale set", (("network_interface", "*", "ip_configuration", "*", "subnet_id"),)),
    "azurerm_windows_virtual_machine_scale_set": (
        "scale set", (("network_interface", "*", "ip_configuration", "*", "subnet_id"),)),
    "azurerm_orchestrated_virtual_machine_scale_set": (
        "scale set", (("network_interface", "*", "ip_configuration", "*", "subnet_id"),)),
    "azurerm_private_link_service": (
        "private link service", (("nat_ip_configuration", "*", "subnet_id"),)),
    "azurerm_lb": ("internal load balancer", (("frontend_ip_configuration", "*", "subnet_id"),)),
    "azurerm_application_gateway": (
        "application gateway", (("gateway_ip_configuration", "*", "subnet_id"),)),
}


def public_ip_address(res: ResolvedResource) -> tuple[Field[str | None], Field[str | None]]:
    """(address, prefix) of an `azurerm_public_ip` / `azurerm_public_ip_prefix`. Both are
    computed by Azure, so they are known only in plan JSON or state (or when written):
    otherwise they stay None and an egress check cannot decide."""
    address: Field[str | None] = field_from(get(res.body, "ip_address"), as_str, None, res.decl)
    prefix: Field[str | None] = field_from(get(res.body, "ip_prefix"), as_str, None, res.decl)
    return address, prefix


def firewall_private_ip(res: ResolvedResource) -> Field[str | None]:
    """The private IP of a firewall's first IP configuration (computed: plan JSON only)."""
    value: Field[str | None] = field_from(
        get(res.body, "ip_configuration", 0, "private_ip_address"), as_str, None, res.decl)
    return value


def delegations(block: Sourced, decl: Location) -> Field[tuple[Field[str], ...] | None]:
    """Service names of a subnet's `delegation` blocks (`service_delegation.name`); an
    empty tuple at the subnet's declaration when there is none."""
    blocks = get(block, "delegation")
    names: list[Sourced] = []
    if blocks is not None and isinstance(blocks.data, list):
        for item in blocks.data:
            service = get(item, "service_delegation", 0, "name")
            if service is not None:
                names.append(service)
    return string_list(Sourced(names, decl, None) if names else None, decl)


def _walk(value: Sourced | None, path: tuple[str, ...]) -> Iterator[Sourced | None]:
    if not path:
        yield value
        return
    step, rest = path[0], path[1:]
    if step == "*":
        if value is not None and isinstance(value.data, list):
            for item in value.data:
                yield from _walk(item, rest)
        return
    yield from _walk(get(value, step), rest)


def subnet_uses(by_type: dict[str, list[ResolvedResource]],
                base: Callable[[ResolvedResource], dict[str, object]],
                index: Linker) -> list[SubnetUse]:
    """One `SubnetUse` per subnet reference of a NIC, private endpoint, scale set, private
    link service, load balancer frontend or application gateway. NSG, route table and NAT
    gateway associations do not place addresses in a subnet and are not uses."""
    uses: list[SubnetUse] = []
    for type_, (role, paths) in SUBNET_USERS.items():
        for res in by_type.get(type_, []):
            for path in paths:
                for ref in _walk(res.body, path):
                    if ref is None or ref.data is None:
                        continue
                    linked = index.link(ref, Subnet, res.decl)
                    uses.append(SubnetUse(**base(res), role=role,  # type: ignore[arg-type]
                                          subnet=linked))  # type: ignore[arg-type]
    return uses
