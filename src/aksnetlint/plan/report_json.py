"""The plan as JSON: stable, versioned by `schema_version` (currently 1), described by
`docs/plan.schema.json`. Objects refer to each other by id; lists are in a fixed order
(networks largest first, ranges by address), so the same estate gives the same bytes."""

from __future__ import annotations

import json
from typing import Any

from aksnetlint import __version__
from aksnetlint.facts_address_plan import Suggestion
from aksnetlint.plan.model import Estate
from aksnetlint.values import Location

SCHEMA_VERSION = 1


def suggestion_words(suggestion: Suggestion | None) -> str:
    """A suggestion as a sentence fragment: `use 172.17.0.0/16, free in this network`."""
    if suggestion is None:
        return ""
    return suggestion.text.strip().removeprefix(": ").removeprefix("(").removesuffix(")")


def _location(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    return {"path": loc.path, "line": loc.line, "column": loc.column}


def _suggestion(suggestion: Suggestion | None) -> dict[str, Any] | None:
    if suggestion is None:
        return None
    return {"range": str(suggestion.block) if suggestion.block else None,
            "text": suggestion_words(suggestion)}


def plan_data(estate: Estate) -> dict[str, Any]:
    ranges = sorted(estate.ranges.values(), key=lambda r: (
        (r.network.version, r.network.first, r.network.prefix_len) if r.network else (9, 0, 0),
        r.id))
    overlaps = sum(len(n.overlaps) for n in estate.networks)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "aksnetlint", "version": __version__},
        "summary": {
            "networks": len(estate.networks), "vnets": len(estate.vnets),
            "subnets": len(estate.subnets), "clusters": len(estate.clusters),
            "on_premises_ranges": sum(len(o.ranges) for o in estate.onprem.values()),
            "overlaps": overlaps, "findings": len(estate.findings),
            "deployments": estate.deployments, "files": estate.files,
            "errors": len(estate.errors), "complete": not estate.errors,
        },
        "networks": [{
            "id": n.id, "name": n.name, "vnets": n.vnets, "clusters": n.clusters,
            "on_premises": n.onprem,
            "hubs": [{"id": h, "name": estate.hubs[h]} for h in n.hubs],
            "links": [{"kind": link.kind, "from": link.a, "to": link.b,
                       "description": link.label} for link in n.links],
            "ranges": n.ranges,
            "overlaps": [{"ranges": [o.a, o.b],
                          "cidrs": [estate.ranges[o.a].cidr, estate.ranges[o.b].cidr],
                          "description": f"{estate.ranges[o.a].label} overlaps "
                                         f"{estate.ranges[o.b].label}"}
                         for o in n.overlaps],
        } for n in estate.networks],
        "vnets": [{
            "id": v.id, "name": v.name, "in_scan": v.in_scan, "deployment": v.deployment,
            "format": v.format, "location": _location(v.location),
            "address_space": v.ranges, "subnets": v.subnets, "free": v.free,
            "findings": v.findings,
        } for v in (estate.vnets[vid] for n in estate.networks for vid in n.vnets)],
        "subnets": [{
            "id": s.id, "name": s.name, "vnet": s.vnet, "roles": s.roles,
            "prefixes": s.ranges, "location": _location(s.location),
            "capacity": None if s.capacity is None else {
                "usable": s.capacity.usable, "demand": s.capacity.demand,
                "shortfall": s.capacity.shortfall, "summary": s.capacity.summary,
                "suggestion": None if not s.capacity.suggestion_text else {
                    "range": s.capacity.suggestion, "text": s.capacity.suggestion_text}},
            "findings": s.findings,
        } for s in (estate.subnets[sid] for n in estate.networks for vid in n.vnets
                    for sid in estate.vnets[vid].subnets)],
        "clusters": [{
            "id": c.id, "name": c.name, "vnets": c.vnets, "network_mode": c.mode,
            "service_cidrs": c.service, "pod_cidrs": c.pod,
            "suggestions": {role: _suggestion(s) for role, s in c.suggestions.items()},
            "location": _location(c.location), "findings": c.findings,
        } for c in estate.clusters.values()],
        "on_premises": [{
            "id": o.id, "name": o.name, "kind": o.kind, "ranges": o.ranges,
            "location": _location(o.location), "findings": o.findings,
        } for o in estate.onprem.values()],
        "ranges": [{
            "id": r.id, "role": r.role, "cidr": r.cidr, "written": r.written,
            "addresses": r.addresses, "owner": r.owner, "description": r.label,
            "default": r.default, "unknown": r.unknown, "location": _location(r.location),
            "overlaps": r.overlaps,
        } for r in ranges],
        "findings": [{
            "index": p.index, "rule": p.finding.rule_id, "severity": p.finding.severity.value,
            "message": p.finding.message, "path": p.finding.location.path,
            "line": p.finding.location.line, "column": p.finding.location.column,
            "pinned_to": p.targets,
        } for p in estate.findings],
        "errors": [{"path": e.path, "line": e.line, "column": e.column, "message": e.message}
                   for e in estate.errors],
    }


def render_json(estate: Estate) -> str:
    return json.dumps(plan_data(estate), indent=2, ensure_ascii=False) + "\n"
