variable "project_id" {
  description = "Project that holds the topics and subscriptions."
  type        = string
}

variable "topics" {
  description = "One topic per event type, named exactly as the event type (generated: bus.auto.tfvars.json)."
  type = list(object({
    name   = string
    labels = optional(map(string), {})
  }))
}

variable "dead_letter_topics" {
  description = "One dead-letter topic per consumer, `<consumer>.dlq` (generated: bus.auto.tfvars.json)."
  type = list(object({
    name     = string
    consumer = string
    labels   = optional(map(string), {})
  }))
}

variable "subscriptions" {
  description = "One push subscription per (event type, consumer) row of the catalog, `<event_type>.<consumer>` (generated: bus.auto.tfvars.json)."
  type = list(object({
    name                    = string
    topic                   = string
    consumer                = string
    service                 = string
    push_path               = string
    filter                  = optional(string, "")
    dead_letter_topic       = string
    max_delivery_attempts   = optional(number, 10)
    ack_deadline_seconds    = optional(number, 60)
    minimum_backoff_seconds = optional(number, 10)
    maximum_backoff_seconds = optional(number, 600)
    lease_seconds           = optional(number, 30)
    labels                  = optional(map(string), {})
  }))

  validation {
    condition     = alltrue([for s in var.subscriptions : s.max_delivery_attempts >= 5 && s.max_delivery_attempts <= 100])
    error_message = "max_delivery_attempts must be between 5 and 100 (Pub/Sub limit)."
  }
  validation {
    condition     = alltrue([for s in var.subscriptions : s.ack_deadline_seconds >= 10 && s.ack_deadline_seconds <= 600])
    error_message = "ack_deadline_seconds must be between 10 and 600 (Pub/Sub limit)."
  }
  validation {
    condition     = alltrue([for s in var.subscriptions : 0 <= s.minimum_backoff_seconds && s.minimum_backoff_seconds <= s.maximum_backoff_seconds && s.maximum_backoff_seconds <= 600])
    error_message = "Retry backoff must satisfy 0 <= minimum_backoff_seconds <= maximum_backoff_seconds <= 600."
  }
  validation {
    condition     = alltrue([for s in var.subscriptions : 0 < s.lease_seconds && s.lease_seconds < s.ack_deadline_seconds])
    error_message = "lease_seconds (the consumer's in-progress lease) must stay below ack_deadline_seconds."
  }
  # A consumer killed inside a Firestore transaction locks its documents ~60 s; every redelivery
  # meanwhile fails. 90 = 60 s x 1.5 margin (ABANDONED_TRANSACTION_LOCK_SECONDS in @gpuaas/topology).
  validation {
    condition     = alltrue([for s in var.subscriptions : (s.max_delivery_attempts - 1) * s.minimum_backoff_seconds >= 90])
    error_message = "Retries must outlast an abandoned Firestore transaction's lock (about 60 s, x 1.5 margin): (max_delivery_attempts - 1) * minimum_backoff_seconds must be at least 90 s for every subscription."
  }
}

variable "archive_subscriptions" {
  description = "One push subscription per dead-letter topic, `<consumer>.dlq.archive`, into the replay app (generated: bus.auto.tfvars.json)."
  type = list(object({
    name                    = string
    topic                   = string
    consumer                = string
    service                 = string
    push_path               = string
    ack_deadline_seconds    = optional(number, 60)
    minimum_backoff_seconds = optional(number, 10)
    maximum_backoff_seconds = optional(number, 600)
    labels                  = optional(map(string), {})
  }))

  validation {
    condition     = alltrue([for s in var.archive_subscriptions : s.ack_deadline_seconds >= 10 && s.ack_deadline_seconds <= 600])
    error_message = "ack_deadline_seconds must be between 10 and 600 (Pub/Sub limit)."
  }
}

variable "cloud_run_services" {
  description = "Push targets keyed by Cloud Run service name (outputs of modules/cloud-run-service): deterministic URL (push endpoint base and token audience), region and request timeout."
  type = map(object({
    audience                = string
    location                = string
    request_timeout_seconds = number
  }))
}

variable "pubsub_service_agent_email" {
  description = "The project's Pub/Sub service agent, service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com; pass google_project_service_identity's email so it exists before the grants naming it."
  type        = string

  validation {
    condition     = can(regex("^service-[0-9]+@gcp-sa-pubsub\\.iam\\.gserviceaccount\\.com$", var.pubsub_service_agent_email))
    error_message = "pubsub_service_agent_email must be service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com."
  }
}

variable "push_service_account_email" {
  description = "Service account whose OIDC token Pub/Sub attaches to every push; it is granted roles/run.invoker on the target services."
  type        = string
}

variable "dead_letter_retention_days" {
  description = "How long an archive subscription keeps dead letters the replay app has not acknowledged, in days (default and Pub/Sub maximum: 31)."
  type        = number
  default     = 31

  validation {
    condition     = floor(var.dead_letter_retention_days) == var.dead_letter_retention_days && var.dead_letter_retention_days >= 1 && var.dead_letter_retention_days <= 31
    error_message = "dead_letter_retention_days must be a whole number from 1 to 31 (Pub/Sub keeps messages at most 31 days)."
  }
}

variable "labels" {
  description = "Labels added to every topic and subscription."
  type        = map(string)
  default     = {}
}
