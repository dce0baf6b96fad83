variable "project_id" {
  description = "Project the platform runs in."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run services, the Artifact Registry repository and the Cloud Scheduler jobs (outbox sweeps)."
  type        = string
}

variable "environment" {
  description = "Environment name (dev, prod), added as a label."
  type        = string
}

variable "firestore_location_id" {
  description = "Firestore location; fixed once the database exists."
  type        = string
}

variable "artifact_registry_repository_id" {
  description = "Docker repository the app images are pushed to."
  type        = string
  default     = "gpuaas"
}

variable "image_tag" {
  description = "Image tag deployed for every app (a release or commit id)."
  type        = string
}

variable "image_tags" {
  description = "Per-app image tag overrides, keyed by app name."
  type        = map(string)
  default     = {}
}

variable "services" {
  description = "Cloud Run services keyed by app name (apps/<name>); see modules/cloud-run-service for each setting."
  type = map(object({
    min_instance_count               = optional(number, 0)
    max_instance_count               = optional(number, 10)
    max_instance_request_concurrency = optional(number, 80)
    request_timeout_seconds          = optional(number, 300)
    cpu                              = optional(string, "1")
    memory                           = optional(string, "512Mi")
    ingress                          = optional(string, "INGRESS_TRAFFIC_INTERNAL_ONLY")
    allow_unauthenticated            = optional(bool, false)
    env                              = optional(map(string), {})
    secret_env = optional(map(object({
      secret  = string
      version = optional(string, "latest")
    })), {})
  }))
}

variable "push_service_account_id" {
  description = "Account id of the service account Pub/Sub signs push tokens as."
  type        = string
  default     = "pubsub-push"
}

variable "topics" {
  description = "Event topics (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "dead_letter_topics" {
  description = "Dead-letter topics (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "subscriptions" {
  description = "Push subscriptions (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "archive_subscriptions" {
  description = "Archive subscriptions of the dead-letter topics (generated bus.auto.tfvars.json; typed in modules/event-bus)."
  type        = any
}

variable "deletion_protection" {
  description = "Protects Cloud Run services and the Firestore database from deletion."
  type        = bool
  default     = true
}
