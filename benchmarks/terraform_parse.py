"""Terraform (HCL) parse throughput and memory on generated large files.

    python benchmarks/terraform_parse.py [--runs 3] [--profile CASE] [--files DIR...]

Cases (generated here, nothing is committed):
  long-list   one attribute holding a ~400 KB one-line list of CIDR strings
  long-map    one ~400 KB map of objects written one element per line
  module-1mb  a realistic generated module (resources with nested and dynamic blocks,
  module-4mb  locals with for expressions, typed variables, heredocs, comments), ~1 and ~4 MB

Each case runs in a fresh process: the parser is warmed on a tiny file first (grammar
loading is not part of the parse), then the file is parsed --runs times; the table gives
the best MB/s and the peak RSS growth per MB of input. `--profile CASE` prints a cProfile
of one parse instead. `--files DIR...` parses every .tf / .tf.json file under the folders
(real repositories) and prints files/s, MB/s and every file that fails to parse.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CASES = ("long-list", "long-map", "module-1mb", "module-4mb")


def long_list(size: int) -> str:
    items: list[str] = []
    length = 10
    i = 0
    while length < size:
        item = f'"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}/32"'
        items.append(item)
        length += len(item) + 2
        i += 1
    return "allowed = [" + ", ".join(items) + "]\n"


def long_map(size: int) -> str:
    lines = ["locals {", "  subnets = {"]
    length = 0
    i = 0
    while length < size:
        line = (f'    snet-{i:06d} = {{ cidr = "10.{i // 256 % 256}.{i % 256}.0/24", '
                f'delegate = {str(i % 3 == 0).lower()}, nsg = "nsg-{i % 17}" }}')
        lines.append(line)
        length += len(line) + 1
        i += 1
    lines += ["  }", "}"]
    return "\n".join(lines) + "\n"


_MODULE_UNIT = '''
# --- spoke {n}: network and cluster -------------------------------------------------
variable "spoke_{n}" {{
  description = "Settings of spoke {n}"
  type = object({{
    address_space = list(string)
    subnets = map(object({{
      cidr        = string
      delegations = optional(list(string), [])
      nsg_rules   = optional(map(object({{ priority = number, port = string }})), {{}})
    }}))
    private = optional(bool, true)
  }})
  default = {{
    address_space = ["10.{a}.0.0/16"]
    subnets = {{
      nodes = {{ cidr = "10.{a}.0.0/22" }}
      pods  = {{ cidr = "10.{a}.64.0/18", delegations = ["Microsoft.ContainerService/managedClusters"] }}
      api   = {{
        cidr        = "10.{a}.4.0/28"
        delegations = ["Microsoft.ContainerService/managedClusters"]
      }}
    }}
  }}
}}

locals {{
  spoke_{n}_name   = "${{var.prefix}}-spoke-{n}"
  spoke_{n}_tags   = merge(var.tags, {{ spoke = "{n}", owner = "team-${{var.team}}" }})
  spoke_{n}_rules  = flatten([
    for name, subnet in var.spoke_{n}.subnets : [
      for rule_name, rule in subnet.nsg_rules : {{
        key      = "${{name}}-${{rule_name}}"
        subnet   = name
        priority = rule.priority + {n} % 7
        port     = rule.port
      }}
    ]
  ])
  spoke_{n}_by_key = {{ for r in local.spoke_{n}_rules : r.key => r if r.priority < 4000 }}
  spoke_{n}_cidrs  = [for k, s in var.spoke_{n}.subnets : cidrsubnet(s.cidr, 2, 0) if length(s.delegations) == 0]
}}

resource "azurerm_virtual_network" "spoke_{n}" {{
  name                = local.spoke_{n}_name
  location            = var.location
  resource_group_name = azurerm_resource_group.spokes[{n} % length(azurerm_resource_group.spokes)].name
  address_space       = var.spoke_{n}.address_space
  dns_servers         = var.hub_dns != null ? [var.hub_dns] : []
  tags                = local.spoke_{n}_tags
}}

resource "azurerm_subnet" "spoke_{n}" {{
  for_each             = var.spoke_{n}.subnets
  name                 = "snet-${{each.key}}"
  resource_group_name  = azurerm_virtual_network.spoke_{n}.resource_group_name
  virtual_network_name = azurerm_virtual_network.spoke_{n}.name
  address_prefixes     = [each.value.cidr]

  dynamic "delegation" {{
    for_each = each.value.delegations
    content {{
      name = "delegation-${{delegation.key}}"
      service_delegation {{
        name    = delegation.value
        actions = ["Microsoft.Network/virtualNetworks/subnets/join/action"]
      }}
    }}
  }}
}}

resource "azurerm_kubernetes_cluster" "spoke_{n}" {{
  count               = var.enabled ? 1 : 0
  name                = "aks-${{local.spoke_{n}_name}}"
  location            = var.location
  resource_group_name = azurerm_virtual_network.spoke_{n}.resource_group_name
  dns_prefix          = lower(replace(local.spoke_{n}_name, "_", "-"))
  private_cluster_enabled = var.spoke_{n}.private
  private_dns_zone_id     = var.spoke_{n}.private ? azurerm_private_dns_zone.aks.id : null

  default_node_pool {{
    name                 = "system"
    vm_size              = "Standard_D4s_v5"
    vnet_subnet_id       = azurerm_subnet.spoke_{n}["nodes"].id
    pod_subnet_id        = azurerm_subnet.spoke_{n}["pods"].id
    auto_scaling_enabled = true
    min_count            = 1
    max_count            = {n} % 5 + 3
    upgrade_settings {{
      max_surge = "33%"
    }}
  }}

  api_server_access_profile {{
    authorized_ip_ranges = concat(var.office_ranges, [for ip in var.runners : "${{ip}}/32"])
    subnet_id            = azurerm_subnet.spoke_{n}["api"].id
  }}

  network_profile {{
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "cilium"
    outbound_type       = "userDefinedRouting"
    service_cidr        = "172.{b}.0.0/16"
    dns_service_ip      = "172.{b}.0.10"
  }}

  identity {{
    type         = "UserAssigned"
    identity_ids = [azurerm_user_assigned_identity.aks[{n}].id]
  }}

  tags = local.spoke_{n}_tags
}}

resource "azurerm_network_security_rule" "spoke_{n}" {{
  for_each                    = local.spoke_{n}_by_key
  name                        = each.key
  priority                    = each.value.priority
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = each.value.port
  source_address_prefixes     = local.spoke_{n}_cidrs
  destination_address_prefix  = "*"
  resource_group_name         = azurerm_virtual_network.spoke_{n}.resource_group_name
  network_security_group_name = "nsg-${{each.value.subnet}}"
}}

output "spoke_{n}" {{
  value = {{
    id      = azurerm_virtual_network.spoke_{n}.id
    subnets = {{ for k, s in azurerm_subnet.spoke_{n} : k => s.id }}
    cluster = try(azurerm_kubernetes_cluster.spoke_{n}[0].id, null)
    script  = <<-EOT
      #!/bin/sh
      az aks get-credentials --name aks-${{local.spoke_{n}_name}} \\
        --resource-group ${{azurerm_virtual_network.spoke_{n}.resource_group_name}}
    EOT
  }}
  description = "Spoke {n} (generated)"
}}
'''


def module(size: int) -> str:
    parts = ['variable "prefix" {\n  default = "corp"\n}\n']
    length = 0
    n = 0
    while length < size:
        unit = _MODULE_UNIT.format(n=n, a=n % 250, b=16 + n % 16)
        parts.append(unit)
        length += len(unit)
        n += 1
    return "".join(parts)


def generate(case: str) -> str:
    if case == "long-list":
        return long_list(400_000)
    if case == "long-map":
        return long_map(400_000)
    if case == "module-1mb":
        return module(1_000_000)
    if case == "module-4mb":
        return module(4_000_000)
    raise SystemExit(f"unknown case {case!r}")


def _rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def _child(path: str, runs: int) -> None:
    from aksnetlint.parsers.terraform import parse_terraform

    parse_terraform('a = [1, "x", {b = 2}]\n', "warm.tf")  # grammar loaded, not measured
    text = Path(path).read_text(encoding="utf-8")
    before = _rss_kib()
    times = []
    cpu = []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        parse_terraform(text, "case.tf")
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"bytes": len(text.encode()), "best": min(times), "cpu": min(cpu),
                      "peak_kib": max(0, peak - before)}))


def _profile(path: str) -> None:
    import cProfile
    import pstats

    from aksnetlint.parsers.terraform import parse_terraform

    parse_terraform("a = 1\n", "warm.tf")
    text = Path(path).read_text(encoding="utf-8")
    profiler = cProfile.Profile()
    profiler.enable()
    parse_terraform(text, "case.tf")
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def _real(folders: list[str]) -> None:
    from aksnetlint.errors import AksnetlintError
    from aksnetlint.parsers.terraform import parse_terraform

    parse_terraform("a = 1\n", "warm.tf")
    try:
        from aksnetlint.parsers.terraform_json import parse_terraform_json
    except ImportError:  # before .tf.json support
        parse_terraform_json = None
    files = 0
    size = 0
    failures: list[str] = []
    slowest: list[tuple[float, str, int]] = []
    start = time.perf_counter()
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = [d for d in dirnames if d not in (".git", ".terraform")]
            for name in sorted(filenames):
                is_json = name.endswith(".tf.json")
                if not (name.endswith(".tf") or is_json or name.endswith(".tfvars")):
                    continue
                if is_json and parse_terraform_json is None:
                    continue
                path = os.path.join(dirpath, name)
                try:
                    text = Path(path).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    failures.append(f"{path}: unreadable: {exc}")
                    continue
                files += 1
                size += len(text.encode())
                one = time.perf_counter()
                try:
                    if is_json and parse_terraform_json is not None:
                        parse_terraform_json(text, path)
                    else:
                        parse_terraform(text, path)
                except AksnetlintError as exc:
                    failures.append(f"{path}:{exc.line}:{exc.column}: {exc.message}")
                slowest.append((time.perf_counter() - one, path, len(text)))
    elapsed = time.perf_counter() - start
    print(f"{files} files, {size / 1e6:.2f} MB in {elapsed:.2f} s: "
          f"{files / elapsed:.0f} files/s, {size / 1e6 / elapsed:.2f} MB/s, "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for seconds, path, length in sorted(slowest, reverse=True)[:5]:
        print(f"  slowest: {seconds:.3f} s  {length / 1e3:.0f} KB  {path}")
    print(f"{len(failures)} files failed to parse")
    for line in failures:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--profile", metavar="CASE")
    parser.add_argument("--files", nargs="+", metavar="DIR")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]))
        return
    if args.files:
        _real(args.files)
        return
    random.seed(0)
    with tempfile.TemporaryDirectory(prefix="aksnetlint-parse-bench-") as tmp:
        if args.profile:
            path = Path(tmp) / "case.tf"
            path.write_text(generate(args.profile), encoding="utf-8")
            _profile(str(path))
            return
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; best of "
              f"{args.runs} runs; CPU = this process's CPU time (steadier on a busy machine)")
        print(f"{'case':<12} {'size':>9} {'wall s':>7} {'MB/s':>6} {'CPU s':>7} {'MB/s':>6} "
              f"{'peak MB':>8} {'MB/MB':>6}")
        for case in args.cases.split(","):
            path = Path(tmp) / f"{case}.tf"
            path.write_text(generate(case), encoding="utf-8")
            out = subprocess.run([sys.executable, __file__, "--child", str(path), str(args.runs)],
                                 capture_output=True, text=True, check=False)
            if out.returncode != 0:
                print(f"{case:<12} failed: {out.stderr.strip().splitlines()[-1:]}")
                continue
            result = json.loads(out.stdout.strip().splitlines()[-1])
            mb = result["bytes"] / 1e6
            peak = result["peak_kib"] / 1024
            cpu = result.get("cpu", result["best"])
            print(f"{case:<12} {mb:>7.2f}MB {result['best']:>7.2f} {mb / result['best']:>6.2f} "
                  f"{cpu:>7.2f} {mb / cpu:>6.2f} {peak:>8.0f} {peak / mb:>6.0f}")


if __name__ == "__main__":
    main()
