"""Deployed estates: the Azure resource JSON files of a scan, judged as one deployment.

What is deployed is not one template: `az aks show` writes the cluster, `az network vnet
list` the VNets and their subnets, a Resource Graph query a whole subscription. So the
resource-JSON files (see `parsers.azure_resources`) are grouped into **estates**, each
normalised as one deployment in which resources link by their full resource IDs:

- every resource-JSON file found under one folder named on the command line (at any
  depth) belongs to that folder's estate;
- a file named on its own belongs to the estate of its folder: the resource-JSON files
  beside it (not below), whether named or not, so pre-commit's one changed file is judged
  with the VNets and zones it refers to.

Full resource IDs are unique, so files from several resource groups or subscriptions never
link the wrong resource. A resource that two files hold (`az aks show` output beside a
Resource Graph export of the same subscription) is judged once, from the first file by
path; the other copy is noted. Node pools that name no subnet are placed in the VNet AKS
manages in the cluster's node resource group, when the estate holds it.
"""

from __future__ import annotations

import codecs
import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aksnetlint.errors import AksnetlintError, ParseError
from aksnetlint.resolve.resources import ResolvedResource
from aksnetlint.values import Sourced

SNIFF_BYTES = 1024 * 1024
"""How much of a JSON file discovery reads to tell resource JSON from other JSON."""

_ID_RE = re.compile(r'"id"\s*:\s*"/(subscriptions|providers)/', re.IGNORECASE)
_PLAN_MARKS = ('"format_version"', '"terraform_version"')
_JSON_SUFFIXES = (".json", ".jsonc")


@dataclass(slots=True)
class Estate:
    """What reading an estate's files produced."""

    resources: list[ResolvedResource] = field(default_factory=list)
    resource_ids: dict[str, str] = field(default_factory=dict)  # model key -> exact ID
    errors: list[AksnetlintError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: int = 0


# ---------------------------------------------------------------------------------------
# Discovery

def is_resource_json(path: Path) -> bool:
    """Whether a `.json` file holds Azure resource JSON (read once, cheaply: a file whose
    first megabyte names no `"id": "/subscriptions/…"` is not). A file that looks like
    resource JSON but does not parse counts as one, so its estate reports the error."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return False
    text = _decode_head(head)
    if text is None or not _ID_RE.search(text) or all(m in text for m in _PLAN_MARKS):
        return False
    from aksnetlint.parsers.arm import parse
    from aksnetlint.parsers.azure_resources import resource_paths
    from aksnetlint.sources import MAX_FILE_BYTES

    try:
        if len(head) < SNIFF_BYTES:
            raw = head  # the whole file
        elif path.stat().st_size > MAX_FILE_BYTES:
            return True  # reading it reports the size limit
        else:
            raw = path.read_bytes()
        return resource_paths(parse(_decode(raw, path.as_posix()), path.as_posix()).data) \
            is not None
    except ParseError:
        return True
    except OSError:
        return False


def estates(json_files: Iterable[Path], given: Iterable[Path],
            excludes: tuple[str, ...] = ()) -> list[list[Path]]:
    """The estates of a scan: resource-JSON files (absolute paths, sorted) grouped by the
    folder named on the command line they were found under; files named on their own
    join the resource-JSON files beside them."""
    folders = [path for path in given if path.is_dir()]
    named = {path.resolve() for path in given if path.is_file()}
    groups: dict[Path, set[Path]] = {}
    for path in json_files:
        if not is_resource_json(path):
            continue
        real = path.resolve()
        if real in named:
            key = real.parent
        else:
            key = next((folder.resolve() for folder in folders
                        if folder in path.parents or folder.resolve() in real.parents),
                       real.parent)
        groups.setdefault(key, set()).add(real)
    for path in named:
        if path.parent not in groups or path not in groups[path.parent]:
            continue
        for sibling in sorted(path.parent.iterdir()):
            if sibling.is_symlink() and sibling.resolve().parent != path.parent:
                continue  # a link out of the folder is not followed
            if sibling.name.endswith(_JSON_SUFFIXES) and sibling.is_file() and \
                    not any(fnmatch.fnmatch(sibling.name, p) for p in excludes) and \
                    sibling.resolve() not in groups[path.parent] and \
                    is_resource_json(sibling):
                groups[path.parent].add(sibling.resolve())
    return [sorted(files) for _, files in sorted(groups.items())]


# ---------------------------------------------------------------------------------------
# Loading

def read_estate(files: list[tuple[Path, str]]) -> Estate:
    """Parse, recognise and convert every file of an estate (absolute path, path relative
    to the scan root); one bad file never costs another file its resources."""
    from aksnetlint.parsers.arm import parse
    from aksnetlint.parsers.azure_resources import (
        resource_key,
        resource_paths,
        resources_of,
        sub_resource_ids,
    )

    estate = Estate()
    first_seen: dict[str, str] = {}
    for path, rel in files:
        try:
            document = parse(_read(path, rel), rel)
        except AksnetlintError as exc:
            estate.files += 1
            estate.errors.append(exc)
            continue
        paths = resource_paths(document.data)
        if paths is None:
            continue  # JSON that only looked like resource JSON: skipped, as other JSON is
        estate.files += 1
        for resource_path in paths:
            for sub_id in sub_resource_ids(document, resource_path):
                key = resource_key(sub_id)
                if key is not None:
                    estate.resource_ids.setdefault(key, sub_id)
        for resource in resources_of(document, paths):
            where = f"{resource.decl.path}:{resource.decl.line}"
            if resource.address in first_seen:
                estate.notes.append(f"{where}: {resource.id} is also in "
                                    f"{first_seen[resource.address]}; judged once, from "
                                    "there")
                continue
            first_seen[resource.address] = where
            assert isinstance(resource.id, str)
            estate.resource_ids[resource.address] = resource.id
            estate.resources.append(resource)
    _link_managed_vnets(estate.resources)
    estate.resources.extend(_peered_vnets_outside(estate.resources, estate.resource_ids))
    return estate


_CLUSTER = "microsoft.containerservice/managedclusters"
_AGENT_POOL = f"{_CLUSTER}/agentpools"
_VNET = "microsoft.network/virtualnetworks"
_PEERING = f"{_VNET}/virtualnetworkpeerings"
MANAGED_VNET_PREFIX = "aks-vnet-"
MANAGED_SUBNET = "aks-subnet"


def _link_managed_vnets(resources: list[ResolvedResource]) -> None:
    """Node pools without a subnet of their own sit in the VNet AKS creates in the node
    resource group (`aks-vnet-<number>`, subnet `aks-subnet`). When the estate holds that
    resource group's resources, each such pool's `vnetSubnetID` (null, or absent) is set to
    that subnet, located where the pool leaves it unset: capacity, address-space and
    peering rules then see the cluster's real network."""
    from aksnetlint.normalise.fields import get
    from aksnetlint.parsers.azure_resources import resource_key

    managed: dict[str, list[tuple[ResolvedResource, Sourced]]] = {}
    for res in resources:
        if res.type.lower() != _VNET or not isinstance(res.id, str):
            continue
        group = _resource_group(res.id)
        name = res.id.rstrip("/").rsplit("/", 1)[-1].lower()
        subnets = get(res.body, "properties", "subnets", ci=True)
        if group is None or not name.startswith(MANAGED_VNET_PREFIX) or subnets is None or \
                not isinstance(subnets.data, list):
            continue
        for subnet in subnets.data:
            subnet_name = get(subnet, "name", ci=True)
            if subnet_name is not None and isinstance(subnet_name.data, str) and \
                    subnet_name.data.lower() == MANAGED_SUBNET:
                managed.setdefault(group, []).append((res, subnet))
    if not managed:
        return
    targets: dict[str, str] = {}  # cluster key -> the managed subnet's ID
    for res in resources:
        if res.type.lower() != _CLUSTER:
            continue
        node_group = get(res.body, "properties", "nodeResourceGroup", ci=True)
        if node_group is None or not isinstance(node_group.data, str):
            continue
        found = managed.get(node_group.data.lower(), [])
        if len(found) != 1:
            continue  # none, or several: which one the pools use cannot be told
        vnet, subnet = found[0]
        subnet_id = get(subnet, "id", ci=True)
        target = subnet_id.data if subnet_id is not None and \
            isinstance(subnet_id.data, str) and resource_key(subnet_id.data) else \
            f"{vnet.id}/subnets/{MANAGED_SUBNET}"
        targets[res.address] = target
        pools = get(res.body, "properties", "agentPoolProfiles", ci=True)
        for pool in pools.data if pools is not None and isinstance(pools.data, list) else []:
            _place_in(pool, target)
    for res in resources:  # `az aks nodepool list` output: pools of their own
        parent = res.address.rsplit("/", 2)[0]
        if res.type.lower() == _AGENT_POOL and parent in targets:
            props = get(res.body, "properties", ci=True)
            if props is not None:
                _place_in(props, targets[parent])


def _place_in(pool: Sourced, subnet_id: str) -> None:
    """Set a pool's unset `vnetSubnetID` to `subnet_id`, located where it is unset."""
    if not isinstance(pool.data, dict):
        return
    key = next((k for k in pool.data if k.lower() == "vnetsubnetid"), "vnetSubnetID")
    written = pool.data.get(key)
    if written is not None and written.data is not None:
        return
    where = written.loc if written is not None and written.loc else pool.loc
    pool.data[key] = Sourced(subnet_id, where)


def _peered_vnets_outside(resources: list[ResolvedResource], resource_ids: dict[str, str]
                          ) -> list[ResolvedResource]:
    """A deployed peering reports the address space of its remote VNet
    (`remoteAddressSpace`: the ranges routed through it; else the remote's current
    `remoteVirtualNetworkAddressSpace`). A remote VNet the estate does not hold (a hub in
    another subscription) becomes a VNet with just those ranges, declared at the peering's
    `remoteVirtualNetwork`, so overlaps with it count (AKS205, AKS209). Nothing else is
    known of it: no subnets, peerings, gateways or DNS servers."""
    from aksnetlint.normalise.fields import get
    from aksnetlint.parsers.azure_resources import resource_key

    held = {res.address for res in resources if res.type.lower() == _VNET}
    found: list[ResolvedResource] = []
    for res in resources:
        rtype = res.type.lower()
        if rtype == _VNET:
            entries = get(res.body, "properties", "virtualNetworkPeerings", ci=True)
            peerings = entries.data if entries is not None and \
                isinstance(entries.data, list) else []
            holders = [get(p, "properties", ci=True) for p in peerings]
        elif rtype == _PEERING:
            holders = [get(res.body, "properties", ci=True)]
        else:
            continue
        for props in holders:
            remote = get(props, "remoteVirtualNetwork", "id", ci=True)
            rid = remote.data if remote is not None else None
            key = resource_key(rid) if isinstance(rid, str) else None
            if remote is None or key is None or key in held or not isinstance(rid, str):
                continue
            space = next((s for s in (get(props, name, ci=True) for name in (
                "remoteAddressSpace", "remoteVirtualNetworkAddressSpace"))
                if s is not None and isinstance(s.data, dict)), None)
            if space is None or remote.loc is None:
                continue
            held.add(key)
            resource_ids.setdefault(key, rid)
            decl = remote.loc
            name = Sourced(rid.rstrip("/").rsplit("/", 1)[-1], decl)
            body = Sourced({"id": Sourced(rid, decl), "name": name,
                            "type": Sourced("Microsoft.Network/virtualNetworks", decl),
                            "properties": Sourced({"addressSpace": space}, decl)}, decl)
            found.append(ResolvedResource(
                format="arm", type="Microsoft.Network/virtualNetworks", address=key,
                name=name, body=body, decl=decl, present=True, id=rid))
    return found


def _resource_group(resource_id: str) -> str | None:
    parts = [part.lower() for part in resource_id.split("/") if part]
    if len(parts) > 3 and parts[0] == "subscriptions" and parts[2] == "resourcegroups":
        return parts[3]
    return None


def _read(path: Path, rel: str) -> str:
    """The file's text: UTF-8 (through the shared reader), or UTF-16 with a byte-order mark
    (what `az … > file.json` writes in Windows PowerShell 5)."""
    from aksnetlint.sources import read_text

    try:
        return read_text(path, rel)
    except ParseError as first:
        try:
            raw = path.read_bytes()
        except OSError:
            raise first from None
        if not raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise
        return _decode(raw, rel)


def _decode(raw: bytes, rel: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise ParseError("not valid UTF-16 text", rel, 1, 1) from None
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", rel) from None


def _decode_head(head: bytes) -> str | None:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) // 2 * 2].decode("utf-16", errors="ignore")
    return head.decode("utf-8", errors="ignore")
