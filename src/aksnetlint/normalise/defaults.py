"""AKS's documented network defaults, applied the same way by every normaliser.

When a template leaves the service CIDR, DNS service IP or (kubenet / Azure CNI Overlay) pod
CIDR out, AKS uses fixed ranges
(learn.microsoft.com/azure/aks/concepts-network-ip-address-planning).
The model carries them as defaults, located at the cluster declaration, so a finding can say
"the default service CIDR 10.0.0.0/16". A value that is written but unknown (a variable
without a value) stays unresolved: it is never replaced by the default.
"""

from __future__ import annotations

from aksnetlint.model import Field
from aksnetlint.values import Location, Unresolved

DEFAULT_SERVICE_CIDR = "10.0.0.0/16"
DEFAULT_DNS_SERVICE_IP = "10.0.0.10"
DEFAULT_POD_CIDR = "10.244.0.0/16"


def uses_pod_cidr(plugin: Field[str | None], plugin_mode: Field[str | None]) -> bool | None:
    """Whether pods take addresses from a pod CIDR (kubenet, Azure CNI Overlay): True/False,
    or None when the plugin is not known (absent, unresolved, or not a valid value)."""
    kind = plugin.value
    if not isinstance(kind, str):
        return None
    kind = kind.lower()
    if kind == "kubenet":
        return True
    if kind == "azure":
        mode = plugin_mode.value
        if mode is None:
            return False
        if isinstance(mode, str) and mode.lower() == "overlay":
            return True
        return None
    if kind == "none":
        return False
    return None


def with_network_defaults(
    *,
    plugin: Field[str | None],
    plugin_mode: Field[str | None],
    service_cidr: Field[str | None],
    service_cidrs: Field[tuple[Field[str], ...]],
    dns_service_ip: Field[str | None],
    pod_cidr: Field[str | None],
    pod_cidrs: Field[tuple[Field[str], ...]],
    decl: Location,
) -> tuple[Field[str | None], Field[str | None], Field[str | None]]:
    """(service CIDR, DNS service IP, pod CIDR) with AKS's defaults filled in where the
    template leaves them out. The DNS service IP defaults only together with the service
    CIDR (a custom service CIDR has no documented DNS default)."""
    if service_cidr.value is None and _empty(service_cidrs):
        service_cidr = Field(DEFAULT_SERVICE_CIDR, decl, None, True)
        if dns_service_ip.value is None:
            dns_service_ip = Field(DEFAULT_DNS_SERVICE_IP, decl, None, True)
    if pod_cidr.value is None and _empty(pod_cidrs) and uses_pod_cidr(plugin, plugin_mode):
        pod_cidr = Field(DEFAULT_POD_CIDR, decl, None, True)
    return service_cidr, dns_service_ip, pod_cidr


def _empty(ranges: Field[tuple[Field[str], ...]]) -> bool:
    return not isinstance(ranges.value, Unresolved) and not ranges.value
