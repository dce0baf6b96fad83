variable "project_id" {
  description = "The prod project id."
  type        = string
}

variable "region" {
  description = "Region of the Cloud Run services and the image repository."
  type        = string
  default     = "europe-west1"
}

variable "firestore_location_id" {
  description = "Firestore location; fixed once the database exists."
  type        = string
  default     = "europe-west1"
}

variable "image_digests" {
  description = "Image digest of every app (sha256:...), keyed by app name; CI writes them to images.auto.tfvars.json. Empty on a new project's first apply."
  type        = map(string)
  default     = {}
}

variable "secret_versions" {
  description = "Pinned version number of each secret the apps read, keyed by secret id (infra/README.md \"Secrets\")."
  type        = map(string)
  default     = {}
}

variable "operator_emails" {
  description = "Operators (OPERATOR_ALLOW_LIST, and run.invoker on replay)."
  type        = list(string)
}

variable "edge_domains" {
  description = "Domain of each internet-facing service behind the load balancer and Cloud Armor, keyed by app name; empty for none."
  type        = map(string)
  default     = {}
}

variable "alert_notification_channels" {
  description = "Notification channel ids the bus alerts notify (gcloud beta monitoring channels list)."
  type        = list(string)
  default     = []
}

variable "ci_deployer" {
  description = "CI deployer through Workload Identity Federation ({ github_repository, allowed_refs, state_bucket }); null for none."
  type = object({
    github_repository = string
    allowed_refs      = optional(list(string), ["refs/heads/main"])
    state_bucket      = optional(string)
  })
  default = null
}

# The four below come from bus.auto.tfvars.json, generated from the event catalog by
# "pnpm --filter @gpuaas/topology generate"; never edit that file by hand.

variable "topics" {
  description = "Event topics (generated; typed in modules/event-bus)."
  type        = any
}

variable "dead_letter_topics" {
  description = "Dead-letter topics, one per consumer (generated; typed in modules/event-bus)."
  type        = any
}

variable "subscriptions" {
  description = "Push subscriptions, one per catalog row (generated; typed in modules/event-bus)."
  type        = any
}

variable "archive_subscriptions" {
  description = "Archive subscriptions of the dead-letter topics into the replay app (generated; typed in modules/event-bus)."
  type        = any
}

# The four below come from services.auto.tfvars.json, generated from the services table
# (packages/topology/src/services/table.ts) by "pnpm --filter @gpuaas/topology generate".

variable "services" {
  description = "Cloud Run services with sizing, ingress, secrets and scheduler tasks (generated; typed in modules/platform)."
  type        = any
}

variable "idempotency_retention_days" {
  description = "Days consumers keep dedupe records (generated; validated in modules/platform)."
  type        = number
}

variable "dead_letter_retention_days" {
  description = "Days archive subscriptions keep unacknowledged dead letters (generated; validated in modules/platform)."
  type        = number
}

variable "replay_window_days" {
  description = "The longest replay window in days (generated; validated in modules/platform)."
  type        = number
}
