"""The format-neutral result of resolution: every resource of a deployment, evaluated.

Each resolver (Terraform, ARM, Bicep) produces `ResolvedResource`s; each normaliser turns
them into the cluster model. Nothing here knows provider or API-version shapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from aksnetlint.errors import AksnetlintError
from aksnetlint.values import Location, Sourced, Unresolved


@dataclass(frozen=True, slots=True)
class ResolvedResource:
    """One resource instance with every value evaluated.

    - `format`: "terraform" or "arm" (Bicep resolves to the ARM shape).
    - `type`: `azurerm_subnet`, or `Microsoft.Network/virtualNetworks/subnets` (ARM child
      types spelled in full).
    - `address`: the key other resources use to refer to it: a Terraform address
      (`azurerm_subnet.aks`, `module.net.azurerm_subnet.aks["x"]`) or, for ARM, the
      normalised resource key (see `arm_resource_key`).
    - `name`: the resource's `name` value.
    - `body`: a Sourced dict. Terraform: attributes and nested blocks (a block is a list of
      dicts, one per occurrence). ARM: the whole resource object (`properties`, `location`,
      `sku`, `identity`, ...).
    - `decl`: the line that declares the resource (anchor when an attribute is absent).
    - `present`: True, or None when its existence depends on an unknown condition/count.
    """

    format: str
    type: str
    address: str
    name: Sourced
    body: Sourced
    decl: Location
    present: bool | None = True
    api_version: str | None = None
    id: str | Unresolved | None = None


@dataclass(slots=True)
class Resolution:
    """What resolving one deployment produced: resources, plus errors and notes that do
    not stop the scan (a positioned error for each file or expression that failed)."""

    resources: list[ResolvedResource] = field(default_factory=list)
    errors: list[AksnetlintError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
