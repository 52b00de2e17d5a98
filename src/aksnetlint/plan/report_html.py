"""The plan as one self-contained HTML page: no script, no font, no request of any kind.

Per connected network: the topology as inline SVG (on-premises sources, virtual WAN hubs and
VNets with their subnets and clusters; peerings, IPsec and hub connections between them;
overlapping objects outlined red; each finding pinned as a numbered badge on the VNet, subnet
or cluster it concerns, linking to its entry below), an address bar chart as inline SVG (one
row per VNet address space, with its subnets and free space inside, and per cluster CIDR and
on-premises range; the address axis is broken between blocks that share no address, each
block scaled on its own), and the tables of the text plan."""

from __future__ import annotations

import ipaddress
import math
from collections import defaultdict
from dataclasses import dataclass
from html import escape

from aksnetlint import __version__
from aksnetlint.plan.model import ROLE_WORDS, ConnectedNetwork, Estate, PlanRange
from aksnetlint.plan.report_json import suggestion_words
from aksnetlint.plan.report_text import free_addresses, network_title, owner_name, summary_line

COLOURS = {"vnet": "#1565c0", "subnet": "#4fc3f7", "service": "#7b1fa2", "pod": "#ef6c00",
           "onprem": "#6d4c41", "free": "#e8f5e9", "overlap": "#c62828"}
SEVERITY_COLOURS = {"critical": "#b71c1c", "high": "#c62828", "medium": "#ef6c00",
                    "low": "#f9a825", "info": "#607d8b"}
CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;
color:#212121;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:32px 0 8px;border-top:1px solid #ccc;
padding-top:16px}h3{font-size:15px;margin:18px 0 6px}
table{border-collapse:collapse;margin:6px 0 12px;background:#fff}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#eeeeee}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.overlap td{background:#ffebee}code{font:13px ui-monospace,Menlo,Consolas,monospace}
.legend span{display:inline-block;margin-right:14px}
.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
svg{background:#fff;border:1px solid #ddd;max-width:100%;height:auto;display:block}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.finding{margin:4px 0}.sev{color:#fff;border-radius:3px;padding:0 5px;font-size:12px}
.muted{color:#757575}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


# -- topology -------------------------------------------------------------------------------


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def left(self) -> tuple[float, float]:
        return (self.x, self.y + min(self.h / 2, 40))

    @property
    def right(self) -> tuple[float, float]:
        return (self.x + self.w, self.y + min(self.h / 2, 40))


VNET_W, SOURCE_W, GAP_X, GAP_Y, ROW_H = 400, 250, 170, 26, 18


def _badges(estate: Estate, findings: list[int], x: float, y: float) -> list[str]:
    """Numbered finding badges (right-aligned at x), each a link to the finding."""
    out = []
    for i, index in enumerate(reversed(findings[:8])):
        finding = estate.findings[index].finding
        colour = SEVERITY_COLOURS.get(finding.severity.value, "#607d8b")
        cx = x - 11 - i * 24
        out.append(f'<a href="#finding-{index}"><g class="badge"><title>'
                   f'{_e(finding.rule_id)}: {_e(finding.message)}</title>'
                   f'<circle cx="{cx}" cy="{y}" r="10" fill="{colour}"/>'
                   f'<text x="{cx}" y="{y + 4}" text-anchor="middle" fill="#fff" '
                   f'font-size="10">{index + 1}</text></g></a>')
    if len(findings) > 8:
        out.append(f'<text x="{x - 8 * 24 - 14}" y="{y + 4}" text-anchor="end">'
                   f'+{len(findings) - 8}</text>')
    return out


def _overlapping(estate: Estate, network: ConnectedNetwork) -> set[str]:
    """Objects (VNets, clusters, on-premises sources) holding an overlapping range."""
    found = set()
    for rid in network.ranges:
        rng = estate.ranges[rid]
        if any(o in network.ranges for o in rng.overlaps):
            found.add(estate.subnets[rng.owner].vnet if rng.role == "subnet" else rng.owner)
    return found


def topology_svg(estate: Estate, network: ConnectedNetwork) -> str:
    """On-premises sources on the left, then virtual WAN hubs and the VNets with gateways to
    on-premises (or the network's hub), then the other VNets."""
    marked = _overlapping(estate, network)
    gateway_vnets = {link.a for link in network.links if link.kind == "IPsec"}
    hub_vnet = network.vnets[0]
    first = [v for v in network.vnets if v in gateway_vnets or
             (v == hub_vnet and len(network.vnets) > 1 and not network.hubs)]
    rest = [v for v in network.vnets if v not in first]
    columns: list[list[tuple[str, str]]] = []
    if network.onprem:
        columns.append([("onprem", o) for o in network.onprem])
    middle = [("hub", h) for h in network.hubs] + [("vnet", v) for v in first]
    if middle:
        columns.append(middle)
    if rest:
        columns.append([("vnet", v) for v in rest])
    boxes: dict[str, _Box] = {}
    body: list[str] = []
    x = 20.0
    height = 0.0
    for column in columns:
        width = max(VNET_W if kind == "vnet" else SOURCE_W for kind, _ in column)
        y = 20.0
        for kind, oid in column:
            h, parts = _node(estate, kind, oid, x, y, width, oid in marked)
            boxes[oid] = _Box(x, y, width, h)
            body.extend(parts)
            y += h + GAP_Y
        height = max(height, y)
        x += width + GAP_X
    edges = []
    drawn: dict[tuple[str, frozenset[str]], list[str]] = {}
    for link in network.links:  # a peering written from both sides is one line
        drawn.setdefault((link.kind, frozenset((link.a, link.b))), []).append(link.short)
    degree: dict[str, int] = defaultdict(int)
    for _kind, ends in drawn:
        for end in ends:
            degree[end] += 1
    for (kind, ends), names in drawn.items():
        a_id, b_id = sorted(ends, key=lambda e: (boxes[e].x, boxes[e].y) if e in boxes
                            else (0.0, 0.0))
        a, b = boxes.get(a_id), boxes.get(b_id)
        if a is None or b is None:
            continue
        (x1, y1), (x2, y2) = (a.right, b.left) if a.x != b.x else (a.right, b.right)
        dash = ' stroke-dasharray="6 4"' if kind in ("IPsec", "VPN site") else ""
        colour = "#546e7a" if kind in ("peering", "gateway connection") else "#8d6e63"
        if a.x == b.x:
            bend = x1 + 40
            path = f"M{x1},{y1} C{bend},{y1} {bend},{y2} {x2},{y2}"
        else:
            mid = (x1 + x2) / 2
            path = f"M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}"
        # the label sits at the end with fewer lines (the spoke, the on-premises site),
        # so the labels of lines fanning out of a hub do not pile up
        if degree[a_id] <= degree[b_id]:
            lx, ly, anchor = x1 + 6, y1 - 6, "start"
        else:
            lx, ly, anchor = x2 - 6, y2 - 6, "end"
        text = _short(" / ".join(dict.fromkeys(names)), 34)
        title = "; ".join(link.label for link in network.links
                          if link.kind == kind and {link.a, link.b} == set(ends))
        edges.append(f'<g class="link"><title>{_e(title)}</title><path d="{path}" '
                     f'fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
                     f'<text x="{lx}" y="{ly}" text-anchor="{anchor}" fill="{colour}" '
                     f'font-size="10" stroke="#fff" stroke-width="3" paint-order="stroke">'
                     f"{_e(text)}</text></g>")
    total = max(x - GAP_X + 20, 400.0)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="topology" '
            f'viewBox="0 0 {total:.0f} {height:.0f}" width="{total:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="Topology of {_e(network.name)}">'
            + "".join(edges) + "".join(body) + "</svg>")


def _node(estate: Estate, kind: str, oid: str, x: float, y: float, width: float,
          marked: bool) -> tuple[float, list[str]]:
    stroke = COLOURS["overlap"] if marked else "#90a4ae"
    sw = 3 if marked else 1.5
    out: list[str] = []
    if kind == "onprem":
        source = estate.onprem[oid]
        lines = [f"{r.cidr or r.written}" for r in (estate.ranges[i] for i in source.ranges)]
        h = 44 + ROW_H * len(lines)
        out.append(f'<g class="onprem" data-id="{_e(oid)}"><rect x="{x}" y="{y}" '
                   f'width="{width}" height="{h}" rx="4" fill="#efebe9" stroke="{stroke}" '
                   f'stroke-width="{sw}"/>'
                   f'<text x="{x + 10}" y="{y + 18}" font-weight="600">'
                   f'{_e(source.name)}</text>'
                   f'<text x="{x + 10}" y="{y + 34}" class="muted" fill="#757575">'
                   f'on-premises, {_e(source.kind)}</text>')
        for i, text in enumerate(lines):
            out.append(f'<text x="{x + 10}" y="{y + 52 + i * ROW_H}">{_e(text)}</text>')
        out += _badges(estate, source.findings, x + width - 4, y + 14)
        out.append("</g>")
        return h, out
    if kind == "hub":
        h = 48
        out.append(f'<g class="hub"><polygon points="{x + 14},{y} {x + width - 14},{y} '
                   f'{x + width},{y + h / 2} {x + width - 14},{y + h} {x + 14},{y + h} '
                   f'{x},{y + h / 2}" fill="#e3f2fd" stroke="#90a4ae" stroke-width="1.5"/>'
                   f'<text x="{x + width / 2}" y="{y + 20}" text-anchor="middle" '
                   f'font-weight="600">{_e(estate.hubs[oid])}</text>'
                   f'<text x="{x + width / 2}" y="{y + 36}" text-anchor="middle" '
                   f'fill="#757575">virtual WAN hub</text></g>')
        return h, out
    vnet = estate.vnets[oid]
    spaces = ", ".join(r.cidr or r.written for r in (estate.ranges[i] for i in vnet.ranges)) \
        or "address space unknown"
    clusters = [c for c in estate.clusters.values() if oid in c.vnets]
    h = 46 + ROW_H * len(vnet.subnets) + 46 * len(clusters) + 8
    out.append(f'<g class="vnet" data-id="{_e(oid)}"><title>VNet {_e(vnet.name)}</title>'
               f'<rect x="{x}" y="{y}" width="{width}" height="{h}" rx="6" fill="#f5f9ff" '
               f'stroke="{stroke}" stroke-width="{sw}"/>'
               f'<text x="{x + 10}" y="{y + 18}" font-weight="600">VNet {_e(vnet.name)}</text>'
               f'<text x="{x + 10}" y="{y + 34}" fill="#1565c0">{_e(spaces)}'
               f'{"" if vnet.in_scan else " — outside the scan"}</text>')
    out += _badges(estate, vnet.findings, x + width - 4, y + 14)
    row = y + 52
    for sid in vnet.subnets:
        subnet = estate.subnets[sid]
        prefixes = ", ".join(r.cidr or r.written for r in (estate.ranges[i]
                                                           for i in subnet.ranges))
        roles = ", ".join(ROLE_WORDS[r] for r in subnet.roles)
        short = subnet.capacity is not None and (subnet.capacity.shortfall or 0) > 0
        fill = COLOURS["overlap"] if short else "#0277bd"
        out.append(f'<g class="subnet" data-id="{_e(sid)}"><title>subnet {_e(subnet.name)} '
                   f'({_e(roles)})</title><rect x="{x + 8}" y="{row - 12}" width="6" '
                   f'height="14" fill="{COLOURS["subnet"]}"/><text x="{x + 20}" y="{row}" '
                   f'fill="{fill}">{_e(subnet.name)} {_e(prefixes)} · {_e(roles)}</text>')
        out += _badges(estate, subnet.findings, x + width - 4, row - 4)
        out.append("</g>")
        row += ROW_H
    row += 6
    for cluster in clusters:
        cidrs = ", ".join(f"{role} {estate.ranges[r].cidr or '?'}" for role, ids in
                          (("service", cluster.service), ("pod", cluster.pod)) for r in ids)
        cmarked = cluster.id in estate_marked(estate, cluster.id)
        cstroke = COLOURS["overlap"] if cmarked else "#7b1fa2"
        out.append(f'<g class="cluster" data-id="{_e(cluster.id)}"><title>cluster '
                   f'{_e(cluster.name)}</title><rect x="{x + 8}" y="{row}" '
                   f'width="{width - 16}" height="40" rx="16" fill="#f3e5f5" '
                   f'stroke="{cstroke}" stroke-width="{2.5 if cmarked else 1.2}"/>'
                   f'<text x="{x + 22}" y="{row + 16}" font-weight="600">AKS '
                   f'{_e(cluster.name)}</text><text x="{x + 22}" y="{row + 32}" '
                   f'font-size="11">{_e(cidrs or "no service or pod CIDR")}</text>')
        out += _badges(estate, cluster.findings, x + width - 12, row + 20)
        out.append("</g>")
        row += 46
    out.append("</g>")
    return h, out


def estate_marked(estate: Estate, cluster_id: str) -> set[str]:
    cluster = estate.clusters[cluster_id]
    if any(estate.ranges[r].overlaps for r in (*cluster.service, *cluster.pod)):
        return {cluster_id}
    return set()


# -- address bar chart ----------------------------------------------------------------------

CHART_W, LABEL_W, BAR_H, BAR_GAP, SEG_GAP = 1200, 400, 16, 8, 18


def _segments(rows: list[PlanRange]) -> list[tuple[int, int]]:
    """Disjoint address blocks (merged ranges), each drawn on its own scale."""
    spans = sorted((r.network.first, r.network.last) for r in rows if r.network is not None)
    merged: list[tuple[int, int]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def chart_svg(estate: Estate, network: ConnectedNetwork) -> str:
    """One row per VNet address space (subnets and free space inside), cluster CIDR and
    on-premises range of the network (IPv4; IPv6 ranges are in the table)."""
    rows = [rng for r in network.ranges if (rng := estate.ranges[r]).role != "subnet"
            and rng.network is not None and rng.network.version == 4]
    if not rows:
        return '<p class="muted">No known IPv4 range to chart.</p>'
    segments = _segments(rows)
    weights = [max(1.0, math.log2(last - first + 1)) for first, last in segments]
    usable = CHART_W - LABEL_W - 20 - SEG_GAP * (len(segments) - 1)
    widths = [usable * w / sum(weights) for w in weights]
    starts = []
    cursor = float(LABEL_W)
    for width in widths:
        starts.append(cursor)
        cursor += width + SEG_GAP

    def xpos(address: int) -> float:
        for (first, last), start, width in zip(segments, starts, widths, strict=True):
            if first <= address <= last + 1:
                return start + width * (address - first) / (last - first + 1)
        return float(LABEL_W)

    height = 40 + len(rows) * (BAR_H + BAR_GAP) + 20
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {CHART_W} '
           f'{height}" width="{CHART_W}" height="{height}" role="img" '
           f'aria-label="Address plan of {_e(network.name)}">',
           '<defs><pattern id="free" width="6" height="6" patternUnits="userSpaceOnUse" '
           'patternTransform="rotate(45)"><rect width="6" height="6" fill="#e8f5e9"/>'
           '<line x1="0" y1="0" x2="0" y2="6" stroke="#81c784" stroke-width="2"/></pattern>'
           '</defs>']
    for (first, _last), start, width in zip(segments, starts, widths, strict=True):
        out.append(f'<rect x="{start}" y="24" width="{width}" height="{height - 44}" '
                   f'fill="#fafafa" stroke="#eeeeee"/>'
                   f'<text x="{start}" y="16" font-size="11" fill="#616161">'
                   f'{ipaddress.IPv4Address(first)}</text>')
    y = 32.0
    for rng in rows:
        assert rng.network is not None
        x1, x2 = xpos(rng.network.first), xpos(rng.network.last + 1)
        overlaps = [o for o in rng.overlaps if o in network.ranges]
        colour = COLOURS[rng.role]
        stroke = f' stroke="{COLOURS["overlap"]}" stroke-width="2.5"' if overlaps else ""
        title = rng.label + "".join(f"; overlaps {estate.ranges[o].label}" for o in overlaps)
        name = _chart_name(estate, rng)
        text_colour = COLOURS["overlap"] if overlaps else "#212121"
        out.append(f'<g class="bar{" overlap" if overlaps else ""}" data-range="{_e(rng.id)}">'
                   f'<title>{_e(title)}</title>'
                   f'<text x="{LABEL_W - 8}" y="{y + 12}" text-anchor="end" '
                   f'fill="{text_colour}" font-size="11">{"⚠ " if overlaps else ""}'
                   f'{_e(rng.cidr)} {_e(_short(name, 48))}</text>')
        if rng.role == "vnet":
            out.append(f'<rect x="{x1}" y="{y}" width="{max(x2 - x1, 2):.2f}" '
                       f'height="{BAR_H}" fill="url(#free)"{stroke}/>')
            for sid in estate.vnets[rng.owner].subnets:
                for rid in estate.subnets[sid].ranges:
                    sub = estate.ranges[rid].network
                    if sub is None or sub.version != 4 or not netmath_contains(rng, sub.first):
                        continue
                    sx1, sx2 = xpos(sub.first), xpos(sub.last + 1)
                    out.append(f'<rect x="{sx1}" y="{y + 2}" width="{max(sx2 - sx1, 1.5):.2f}" '
                               f'height="{BAR_H - 4}" fill="{COLOURS["vnet"]}"><title>subnet '
                               f'{_e(estate.subnets[sid].name)} {_e(sub)}</title></rect>')
        else:
            out.append(f'<rect x="{x1}" y="{y}" width="{max(x2 - x1, 2):.2f}" '
                       f'height="{BAR_H}" fill="{colour}" fill-opacity="0.75"{stroke}/>')
        out.append("</g>")
        y += BAR_H + BAR_GAP
    out.append("</svg>")
    return "".join(out)


def _chart_name(estate: Estate, rng: PlanRange) -> str:
    """A row label of the chart: `VNet vnet-hub`, `aks-dev service`, `on-prem lgw-dc`."""
    if rng.role == "vnet":
        return f"VNet {estate.vnets[rng.owner].name}"
    if rng.role in ("service", "pod"):
        default = " (default)" if rng.default else ""
        return f"{estate.clusters[rng.owner].name} {rng.role}{default}"
    return f"on-prem {estate.onprem[rng.owner].name}"


def netmath_contains(rng: PlanRange, address: int) -> bool:
    return rng.network is not None and rng.network.first <= address <= rng.network.last


def _short(text: str, limit: int = 42) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


# -- the page --------------------------------------------------------------------------------


def _legend() -> str:
    hatch = "repeating-linear-gradient(45deg,#e8f5e9 0 3px,#81c784 3px 5px)"
    items = [("free VNet space", hatch, "#81c784"),
             ("subnet", COLOURS["vnet"], COLOURS["vnet"]),
             ("service CIDR", COLOURS["service"], COLOURS["service"]),
             ("pod CIDR", COLOURS["pod"], COLOURS["pod"]),
             ("on-premises range", COLOURS["onprem"], COLOURS["onprem"]),
             ("overlap", "#ffffff", COLOURS["overlap"])]
    spans = "".join(f'<span><i style="background:{fill};border:2px solid {border}"></i>'
                    f"{_e(text)}</span>" for text, fill, border in items)
    return f'<p class="legend">{spans}</p>'


def _network_section(estate: Estate, network: ConnectedNetwork) -> str:
    out = [f'<section class="network" id="{_e(network.id)}">'
           f"<h2>{_e(network_title(estate, network))}</h2>",
           "<h3>Topology</h3>", topology_svg(estate, network),
           "<h3>Address plan</h3>", chart_svg(estate, network),
           "<table><tr><th></th><th>Range</th><th>Addresses</th><th>What</th>"
           "<th>Where</th><th>Notes</th></tr>"]
    for rid in network.ranges:
        rng = estate.ranges[rid]
        overlapping = [o for o in rng.overlaps if o in network.ranges]
        notes = [f"unknown: {rng.unknown}"] if rng.unknown else []
        notes += [f"overlaps {estate.ranges[o].cidr} {owner_name(estate, estate.ranges[o])}"
                  for o in overlapping]
        where = f"{rng.location.path}:{rng.location.line}" if rng.location else ""
        size = f"{rng.addresses:,}" if rng.addresses is not None else "?"
        out.append(f'<tr class="{"overlap" if overlapping else ""}" data-range="{_e(rid)}">'
                   f"<td>{'⚠' if overlapping else ''}</td>"
                   f"<td><code>{_e(rng.cidr or rng.written)}</code></td>"
                   f'<td class="num">{size}</td><td>{_e(owner_name(estate, rng))}</td>'
                   f"<td><code>{_e(where)}</code></td><td>{_e('; '.join(notes))}</td></tr>")
    out.append("</table>")
    vnets = [estate.vnets[v] for v in network.vnets if estate.vnets[v].in_scan]
    if vnets:
        out.append("<h3>Free space</h3><table><tr><th>VNet</th><th>Free addresses</th>"
                   "<th>Blocks</th></tr>")
        for vnet in vnets:
            blocks = ", ".join(vnet.free) or "none"
            out.append(f'<tr><td>{_e(vnet.name)}</td><td class="num">'
                       f"{free_addresses(vnet.free):,}</td><td><code>{_e(blocks)}</code></td>"
                       "</tr>")
        out.append("</table>")
    capacity = [estate.subnets[s] for v in network.vnets for s in estate.vnets[v].subnets
                if estate.subnets[s].capacity is not None]
    if capacity:
        out.append("<h3>Capacity at full scale</h3><table><tr><th>Subnet</th><th>Role</th>"
                   "<th>Needed</th><th>Usable</th><th>Verdict</th><th>How</th></tr>")
        for subnet in capacity:
            cap = subnet.capacity
            assert cap is not None
            verdict = "?" if cap.shortfall is None else (
                f"{cap.shortfall:,} short" if cap.shortfall > 0 else "fits")
            if cap.suggestion_text:
                verdict += ". " + cap.suggestion_text
            roles = ", ".join(ROLE_WORDS[r] for r in subnet.roles)
            short = cap.shortfall is not None and cap.shortfall > 0
            out.append(f'<tr class="{"overlap" if short else ""}"><td>'
                       f"{_e(estate.vnets[subnet.vnet].name)}/{_e(subnet.name)}</td>"
                       f"<td>{_e(roles)}</td><td class=\"num\">"
                       f"{'?' if cap.demand is None else f'{cap.demand:,}'}</td>"
                       f"<td class=\"num\">{'?' if cap.usable is None else f'{cap.usable:,}'}"
                       f"</td><td>{_e(verdict)}</td><td>{_e(cap.summary)}</td></tr>")
        out.append("</table>")
    suggestions = [(estate.clusters[c], role, s) for c in network.clusters
                   for role, s in estate.clusters[c].suggestions.items()]
    if suggestions:
        out.append("<h3>Suggestions</h3><ul>")
        for cluster, role, suggestion in suggestions:
            what = "service CIDR" if role == "service" else "pod CIDR"
            out.append(f"<li>cluster {_e(cluster.name)}, {what}: "
                       f"{_e(suggestion_words(suggestion))}</li>")
        out.append("</ul>")
    pinned = sorted({i for oid in (*network.vnets, *network.clusters, *network.onprem,
                                   *(s for v in network.vnets
                                     for s in estate.vnets[v].subnets))
                     for i in _findings_of(estate, oid)})
    if pinned:
        out.append("<h3>Findings</h3>")
        for index in pinned:
            finding = estate.findings[index].finding
            loc = finding.location
            colour = SEVERITY_COLOURS.get(finding.severity.value, "#607d8b")
            out.append(f'<div class="finding" id="finding-{index}"><b>{index + 1}.</b> '
                       f'<span class="sev" style="background:{colour}">'
                       f"{_e(finding.severity.value)}</span> <b>{_e(finding.rule_id)}</b> "
                       f"<code>{_e(loc.path)}:{loc.line}:{loc.column}</code> "
                       f"{_e(finding.message)}</div>")
    out.append("</section>")
    return "\n".join(out)


def _findings_of(estate: Estate, oid: str) -> list[int]:
    holder = (estate.vnets.get(oid) or estate.subnets.get(oid) or estate.clusters.get(oid)
              or estate.onprem.get(oid))
    return holder.findings if holder is not None else []


def render_html(estate: Estate) -> str:
    sections = "\n".join(_network_section(estate, n) for n in estate.networks)
    errors = "".join(f"<li><code>{_e(e)}</code></li>" for e in estate.errors)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>Address plan</title><style>{CSS}</style></head><body>"
        f"<h1>Address plan</h1><p>{_e(summary_line(estate))}. "
        f'<span class="muted">aksnetlint {_e(__version__)}</span></p>'
        + _legend()
        + (f"<p>Files that could not be scanned:</p><ul>{errors}</ul>" if errors else "")
        + sections + "</body></html>\n")
