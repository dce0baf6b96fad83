variable "project_id" {
  description = "Project the deployer deploys to."
  type        = string
}

variable "github_repository" {
  description = "owner/name of the GitHub repository whose workflows may deploy."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "allowed_refs" {
  description = "Git refs whose workflow runs may deploy, e.g. refs/heads/main."
  type        = list(string)
  default     = ["refs/heads/main"]

  validation {
    condition     = length(var.allowed_refs) > 0
    error_message = "At least one ref may deploy."
  }
}

variable "pool_id" {
  description = "Workload identity pool id."
  type        = string
  default     = "ci"
}

variable "provider_id" {
  description = "Workload identity pool provider id."
  type        = string
  default     = "github"
}

variable "service_account_id" {
  description = "Account id of the deployer service account."
  type        = string
  default     = "ci-deployer"
}

variable "image_repository" {
  description = "Artifact Registry repository id the deployer pushes images to."
  type        = string
}

variable "image_repository_location" {
  description = "Region of that repository."
  type        = string
}

variable "project_roles" {
  description = "Project roles of the deployer: read everything a plan refreshes, deploy Cloud Run revisions and update scheduler jobs."
  type        = list(string)
  default = [
    "roles/viewer",
    "roles/iam.securityReviewer",
    "roles/run.developer",
    "roles/cloudscheduler.admin",
  ]
}

variable "runtime_service_account_ids" {
  description = "Fully qualified ids of the accounts revisions run as (and jobs sign as); the deployer may act as each."
  type        = list(string)
  default     = []
}

variable "state_bucket" {
  description = "GCS bucket of the Terraform state the deployer reads and locks; null to grant it elsewhere."
  type        = string
  default     = null
}
