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

variable "push_service_account_email" {
  description = "Service account whose OIDC token Pub/Sub attaches to every push; it is granted roles/run.invoker on the target services."
  type        = string
}

variable "archive_retention_seconds" {
  description = "How long an archive subscription keeps dead letters the replay app has not acknowledged, in seconds (default and Pub/Sub maximum: 2678400 = 31 days; minimum 600)."
  type        = number
  default     = 2678400

  validation {
    condition     = var.archive_retention_seconds >= 600 && var.archive_retention_seconds <= 2678400
    error_message = "archive_retention_seconds must be between 600 (10 minutes) and 2678400 (31 days), Pub/Sub's limits."
  }
}

variable "labels" {
  description = "Labels added to every topic and subscription."
  type        = map(string)
  default     = {}
}
