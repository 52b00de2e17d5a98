"""The plan as text: per connected network, its links, a table of every range sorted by
address (overlaps marked `!`), the free space of each VNet, the capacity of node and pod
subnets at full scale, and the ranges proposed instead of overlapping or short ones."""

from __future__ import annotations

from aksnetlint.plan.model import ROLE_WORDS, ConnectedNetwork, Estate, PlanRange
from aksnetlint.plan.report_json import suggestion_words

FREE_SHOWN = 8  # free blocks listed per VNet before "+N more"


def owner_name(estate: Estate, rng: PlanRange) -> str:
    """Who holds a range, in a few words: `VNet vnet-hub`, `subnet vnet-hub/GatewaySubnet
    (gateway)`, `cluster aks-dev service CIDR (default)`, `local network gateway lgw-dc`."""
    if rng.role == "vnet":
        return f"VNet {estate.vnets[rng.owner].name}"
    if rng.role == "subnet":
        subnet = estate.subnets[rng.owner]
        roles = ", ".join(ROLE_WORDS[r] for r in subnet.roles)
        return f"subnet {estate.vnets[subnet.vnet].name}/{subnet.name} ({roles})"
    if rng.role in ("service", "pod"):
        what = "service CIDR" if rng.role == "service" else "pod CIDR"
        default = " (default)" if rng.default else ""
        return f"cluster {estate.clusters[rng.owner].name} {what}{default}"
    source = estate.onprem[rng.owner]
    if source.kind == "configuration":
        return "on-premises (configuration)"
    return f"on-premises: {source.kind} {source.name}"


def network_title(estate: Estate, network: ConnectedNetwork) -> str:
    vnets = [estate.vnets[v].name + ("" if estate.vnets[v].in_scan else " (outside the scan)")
             for v in network.vnets]
    count = f"{len(vnets)} VNet{'s' if len(vnets) != 1 else ''}"
    return f"Network {network.name} ({count}: {', '.join(vnets)})"


def free_addresses(blocks: list[str]) -> int:
    import ipaddress

    return sum(ipaddress.ip_network(b).num_addresses for b in blocks)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])] + [row[-1]]
        lines.append("  " + "  ".join(cells).rstrip())
    return lines


def _network(estate: Estate, network: ConnectedNetwork) -> list[str]:
    lines = [network_title(estate, network)]
    names = {**{v.id: v.name for v in estate.vnets.values()},
             **{o.id: o.name for o in estate.onprem.values()}, **estate.hubs}
    for link in network.links:
        lines.append(f"  {link.short}: {names.get(link.a, link.a)} – "
                     f"{names.get(link.b, link.b)}")
    rows = [["", "RANGE", "ADDRESSES", "WHAT", "NOTES"]]
    for rid in network.ranges:
        rng = estate.ranges[rid]
        notes = []
        if rng.unknown:
            notes.append(f"unknown: {rng.unknown}")
        for other in rng.overlaps:
            if other in network.ranges:
                o = estate.ranges[other]
                notes.append(f"overlaps {o.cidr} {owner_name(estate, o)}")
        rows.append(["!" if any(o in network.ranges for o in rng.overlaps) else " ",
                     rng.cidr or rng.written,
                     f"{rng.addresses:,}" if rng.addresses is not None else "?",
                     owner_name(estate, rng), "; ".join(notes)])
    lines += _table(rows)
    free = [(estate.vnets[v].name, estate.vnets[v].free) for v in network.vnets
            if estate.vnets[v].in_scan]
    if free:
        lines.append("  Free space:")
        for name, blocks in free:
            shown = ", ".join(blocks[:FREE_SHOWN]) or "none"
            more = f" (+{len(blocks) - FREE_SHOWN} more)" if len(blocks) > FREE_SHOWN else ""
            lines.append(f"    {name}: {free_addresses(blocks):,} addresses free: {shown}{more}")
    capacity = [estate.subnets[s] for v in network.vnets for s in estate.vnets[v].subnets
                if estate.subnets[s].capacity is not None]
    if capacity:
        lines.append("  Capacity at full scale:")
        for subnet in capacity:
            cap = subnet.capacity
            assert cap is not None
            need = "?" if cap.demand is None else f"{cap.demand:,}"
            usable = "?" if cap.usable is None else f"{cap.usable:,}"
            verdict = ""
            if cap.shortfall is not None:
                verdict = f": {cap.shortfall:,} short" if cap.shortfall > 0 else ": fits"
            roles = ", ".join(ROLE_WORDS[r] for r in subnet.roles)
            lines.append(f"    {estate.vnets[subnet.vnet].name}/{subnet.name} ({roles}): "
                         f"{need} needed, {usable} usable{verdict}")
            if cap.suggestion_text:
                lines.append(f"      {cap.suggestion_text}")
    suggestions = [(estate.clusters[c], role, s) for c in network.clusters
                   for role, s in estate.clusters[c].suggestions.items()]
    if suggestions:
        lines.append("  Suggestions:")
        for cluster, role, suggestion in suggestions:
            what = "service CIDR" if role == "service" else "pod CIDR"
            lines.append(f"    cluster {cluster.name} {what}: {suggestion_words(suggestion)}")
    pinned = sorted({i for oid in (*network.vnets, *network.clusters, *network.onprem,
                                   *(s for v in network.vnets
                                     for s in estate.vnets[v].subnets))
                     for i in _findings_of(estate, oid)})
    if pinned:
        lines.append("  Findings:")
        for index in pinned:
            finding = estate.findings[index].finding
            loc = finding.location
            lines.append(f"    {finding.rule_id} [{finding.severity.value}] "
                         f"{loc.path}:{loc.line}:{loc.column}")
    return lines


def _findings_of(estate: Estate, oid: str) -> list[int]:
    holder = (estate.vnets.get(oid) or estate.subnets.get(oid) or estate.clusters.get(oid)
              or estate.onprem.get(oid))
    return holder.findings if holder is not None else []


def summary_line(estate: Estate) -> str:
    onprem = sum(len(o.ranges) for o in estate.onprem.values())
    overlaps = sum(len(n.overlaps) for n in estate.networks)

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return (f"{count(len(estate.networks), 'connected network')}, "
            f"{count(len(estate.vnets), 'VNet')}, {count(len(estate.clusters), 'cluster')}, "
            f"{count(onprem, 'on-premises range')}, {count(overlaps, 'overlap')}, "
            f"{count(len(estate.findings), 'finding')}")


def render_text(estate: Estate) -> str:
    lines = [f"aksnetlint plan: {summary_line(estate)}"]
    for network in estate.networks:
        lines.append("")
        lines += _network(estate, network)
    unpinned = [p for p in estate.findings if not p.targets]
    if unpinned:
        lines += ["", "Findings on no VNet, subnet or cluster of the plan:"]
        lines += [f"  {p.finding.rule_id} {p.finding.location.path}:{p.finding.location.line}"
                  for p in unpinned]
    return "\n".join(lines) + "\n"
