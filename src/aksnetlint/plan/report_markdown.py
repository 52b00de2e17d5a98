"""The plan as GitHub-flavoured Markdown: per connected network a Mermaid diagram of the
topology (GitHub renders it) and a table of every range sorted by address, then free space,
capacity at full scale, suggestions and the findings pinned to the network.

Mermaid text is generated from ids that are letters, digits and underscores only, and every
label is a quoted string with `"` written as `#quot;`, so no name can break the diagram."""

from __future__ import annotations

import re

from aksnetlint.plan.model import ROLE_WORDS, ConnectedNetwork, Estate
from aksnetlint.plan.report_json import suggestion_words
from aksnetlint.plan.report_text import FREE_SHOWN, network_title, owner_name, summary_line

_NODE_SAFE = re.compile(r"[^A-Za-z0-9_]")
LINK_STYLES = {"peering": "<-->", "gateway connection": "<-->", "virtual hub": "---",
               "IPsec": "-.-", "VPN site": "-.-"}


def node_id(oid: str) -> str:
    return "n_" + _NODE_SAFE.sub("_", oid)


def label(*lines: str) -> str:
    """A quoted Mermaid label (lines joined by `<br/>`)."""
    text = "<br/>".join(line.replace('"', "#quot;") for line in lines if line)
    return f'"{text}"'


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def mermaid(estate: Estate, network: ConnectedNetwork) -> str:
    """A `flowchart LR` of one connected network: VNets, the clusters in them, virtual WAN
    hubs and on-premises sources, joined by their links; overlapping ones are red."""
    lines = ["flowchart LR"]
    marked = set()
    for rid in network.ranges:
        rng = estate.ranges[rid]
        if any(o in network.ranges for o in rng.overlaps):
            owner = rng.owner
            if rng.role == "subnet":
                owner = estate.subnets[owner].vnet
            marked.add(owner)

    def findings(holder_findings: list[int]) -> str:
        n = len(holder_findings)
        return f"⚠ {n} finding{'s' if n != 1 else ''}" if n else ""

    for vid in network.vnets:
        vnet = estate.vnets[vid]
        spaces = ", ".join(estate.ranges[r].cidr or "?" for r in vnet.ranges) or \
            "address space unknown"
        where = "" if vnet.in_scan else "outside the scan"
        pinned = vnet.findings + [i for s in vnet.subnets for i in estate.subnets[s].findings]
        text = label("VNet " + vnet.name, spaces, where, findings(pinned))
        lines.append(f"  {node_id(vid)}[{text}]")
    for cid in network.clusters:
        cluster = estate.clusters[cid]
        cidrs = [f"{role} {estate.ranges[r].cidr or '?'}" for role, ids in
                 (("service", cluster.service), ("pod", cluster.pod)) for r in ids]
        text = label("AKS " + cluster.name, ", ".join(cidrs), findings(cluster.findings))
        lines.append(f"  {node_id(cid)}([{text}])")
        for vid in cluster.vnets:
            if vid in network.vnets:  # pools in another network's VNet are drawn there
                lines.append(f"  {node_id(cid)} --- {node_id(vid)}")
    for hid in network.hubs:
        lines.append(f"  {node_id(hid)}{{{{{label('virtual WAN hub ' + estate.hubs[hid])}}}}}")
    for oid in network.onprem:
        source = estate.onprem[oid]
        ranges = ", ".join(estate.ranges[r].cidr or "?" for r in source.ranges)
        lines.append(f"  {node_id(oid)}[/{label('on-premises: ' + source.name, ranges)}/]")
    drawn: dict[tuple[str, frozenset[str]], list[tuple[str, str, str]]] = {}
    for link in network.links:  # a peering written from both sides is one line
        drawn.setdefault((link.kind, frozenset((link.a, link.b))), []).append(
            (link.a, link.b, link.short))
    for (kind, _ends), links in drawn.items():
        a, b = links[0][0], links[0][1]
        text = " / ".join(dict.fromkeys(short for _a, _b, short in links)).replace(
            '"', "#quot;")
        lines.append(f'  {node_id(a)} {LINK_STYLES.get(kind, "---")}|"{text}"| {node_id(b)}')
    lines.append("  classDef overlap stroke:#c62828,stroke-width:3px,color:#b71c1c")
    if marked:
        lines.append(f"  class {','.join(node_id(m) for m in sorted(marked))} overlap")
    return "\n".join(lines) + "\n"


def _network(estate: Estate, network: ConnectedNetwork) -> list[str]:
    out = [f"## {network_title(estate, network)}", "", "```mermaid",
           mermaid(estate, network).rstrip("\n"), "```", "",
           "| | Range | Addresses | What | Notes |", "|---|---|---:|---|---|"]
    for rid in network.ranges:
        rng = estate.ranges[rid]
        notes = [f"unknown: {rng.unknown}"] if rng.unknown else []
        overlapping = [o for o in rng.overlaps if o in network.ranges]
        notes += [f"overlaps {estate.ranges[o].cidr} {owner_name(estate, estate.ranges[o])}"
                  for o in overlapping]
        size = f"{rng.addresses:,}" if rng.addresses is not None else "?"
        out.append(f"| {'⚠' if overlapping else ''} | `{rng.cidr or rng.written}` | {size} | "
                   f"{_cell(owner_name(estate, rng))} | {_cell('; '.join(notes))} |")
    free = [estate.vnets[v] for v in network.vnets if estate.vnets[v].in_scan]
    if free:
        out += ["", "**Free space**", ""]
        for vnet in free:
            blocks = ", ".join(f"`{b}`" for b in vnet.free[:FREE_SHOWN]) or "none"
            more = f" (+{len(vnet.free) - FREE_SHOWN} more)" if len(vnet.free) > FREE_SHOWN \
                else ""
            out.append(f"- {vnet.name}: {blocks}{more}")
    capacity = [estate.subnets[s] for v in network.vnets for s in estate.vnets[v].subnets
                if estate.subnets[s].capacity is not None]
    if capacity:
        out += ["", "**Capacity at full scale**", "",
                "| Subnet | Role | Needed | Usable | Verdict |", "|---|---|---:|---:|---|"]
        for subnet in capacity:
            cap = subnet.capacity
            assert cap is not None
            verdict = "?" if cap.shortfall is None else (
                f"{cap.shortfall:,} short" if cap.shortfall > 0 else "fits")
            if cap.suggestion_text:
                verdict += f". {cap.suggestion_text}"
            roles = ", ".join(ROLE_WORDS[r] for r in subnet.roles)
            out.append(f"| {_cell(estate.vnets[subnet.vnet].name + '/' + subnet.name)} | "
                       f"{roles} | {'?' if cap.demand is None else f'{cap.demand:,}'} | "
                       f"{'?' if cap.usable is None else f'{cap.usable:,}'} | "
                       f"{_cell(verdict)} |")
    suggestions = [(estate.clusters[c], role, s) for c in network.clusters
                   for role, s in estate.clusters[c].suggestions.items()]
    if suggestions:
        out += ["", "**Suggestions**", ""]
        for cluster, role, suggestion in suggestions:
            what = "service CIDR" if role == "service" else "pod CIDR"
            out.append(f"- cluster {cluster.name}, {what}: {suggestion_words(suggestion)}")
    pinned = sorted({i for oid in (*network.vnets, *network.clusters, *network.onprem,
                                   *(s for v in network.vnets
                                     for s in estate.vnets[v].subnets))
                     for i in _findings_of(estate, oid)})
    if pinned:
        out += ["", "**Findings**", "", "| Rule | Severity | Where | Message |",
                "|---|---|---|---|"]
        for index in pinned:
            finding = estate.findings[index].finding
            loc = finding.location
            out.append(f"| {finding.rule_id} | {finding.severity.value} | "
                       f"`{loc.path}:{loc.line}` | {_cell(finding.message)} |")
    return out


def _findings_of(estate: Estate, oid: str) -> list[int]:
    holder = (estate.vnets.get(oid) or estate.subnets.get(oid) or estate.clusters.get(oid)
              or estate.onprem.get(oid))
    return holder.findings if holder is not None else []


def render_markdown(estate: Estate) -> str:
    out = ["# Address plan", "", summary_line(estate) + "."]
    for network in estate.networks:
        out += [""] + _network(estate, network)
    return "\n".join(out) + "\n"
