variable "location" {
  description = "Azure region of the landing zone."
  type        = string
  default     = "westeurope"
}

variable "onprem_address_space" {
  description = "Address ranges of the on-premises data centre, reached over the VPN."
  type        = list(string)
  default     = ["192.168.0.0/16"]
}

variable "dev_api_ranges" {
  description = "Addresses allowed to reach the dev cluster's public API server."
  type        = list(string)
  default     = ["203.0.113.0/24"]
}

variable "kubernetes_version" {
  description = "Kubernetes version, set by the release pipeline."
  type        = string
}
