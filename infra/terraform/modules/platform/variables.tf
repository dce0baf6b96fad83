variable "project_id" {
  description = "Project the platform runs in."
  type        = string
}

variable "region" {
  description = "Region of Cloud Run services, the Artifact Registry repository and the Cloud Scheduler jobs (scheduler tasks)."
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
  description = "Cloud Run services keyed by app name (apps/<name>), with their scheduler tasks (generated: services.auto.tfvars.json, from packages/topology/src/services/table.ts); see modules/cloud-run-service for each setting."
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
    tasks = optional(list(object({
      name        = string
      path        = string
      schedule    = string
      description = optional(string, "")
    })), [])
  }))

  # Push authentication is the platform's (push_auth of modules/cloud-run-service): no env turns it off.
  validation {
    condition     = alltrue([for s in var.services : length(setintersection(keys(s.env), ["PUSH_AUTH", "PUSH_AUDIENCE", "PUSH_SERVICE_ACCOUNT"])) == 0])
    error_message = "A service's env may not set PUSH_AUTH, PUSH_AUDIENCE or PUSH_SERVICE_ACCOUNT: push authentication is set by the platform."
  }
  validation {
    condition     = alltrue(flatten([for s in var.services : [for t in s.tasks : t.path == "/tasks/${t.name}"]]))
    error_message = "A scheduler task named <name> is served at /tasks/<name>."
  }
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

variable "idempotency_retention_days" {
  description = "Days a consumer keeps its dedupe records (IDEMPOTENCY_RETENTION_DAYS): longer than dead_letter_retention_days plus replay_window_days, so a replayed dead letter is still recognised."
  type        = number
  default     = 45

  validation {
    condition     = var.idempotency_retention_days > var.dead_letter_retention_days + var.replay_window_days
    error_message = "idempotency_retention_days must exceed dead_letter_retention_days + replay_window_days: a dedupe record gone before its dead letter is replayed lets the replay apply twice."
  }
}

variable "dead_letter_retention_days" {
  description = "Days the archive subscriptions keep unacknowledged dead letters (DEAD_LETTER_RETENTION_DAYS; Pub/Sub's maximum, 31, by default)."
  type        = number
  default     = 31

  validation {
    condition     = var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 31
    error_message = "dead_letter_retention_days must be from 1 to 31 (Pub/Sub keeps messages at most 31 days)."
  }
}

variable "replay_window_days" {
  description = "The longest window a replay may reach back, in days (REPLAY_WINDOW_DAYS)."
  type        = number
  default     = 7

  validation {
    condition     = var.replay_window_days >= 1
    error_message = "replay_window_days must be at least 1."
  }
}

variable "deletion_protection" {
  description = "Protects Cloud Run services and the Firestore database from deletion."
  type        = bool
  default     = true
}
