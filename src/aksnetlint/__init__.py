"""aksnetlint: find Azure Kubernetes Service networking risks in infrastructure-as-code."""

__version__ = "0.1.0"
