variable "project_id" {
  description = "Project whose bus is watched."
  type        = string
}

variable "dead_letter_topics" {
  description = "Dead-letter topics of the bus (generated bus.auto.tfvars.json): one inflow alert each."
  type = list(object({
    name     = string
    consumer = string
  }))
}

variable "subscriptions" {
  description = "Catalog push subscriptions of the bus (generated bus.auto.tfvars.json): an unacked-age and a push-error alert each."
  type = list(object({
    name     = string
    consumer = string
  }))
}

variable "archive_subscriptions" {
  description = "Archive subscriptions of the dead-letter topics (generated bus.auto.tfvars.json): the same two alerts each."
  type = list(object({
    name     = string
    consumer = string
  }))
}

variable "notification_channels" {
  description = "Notification channel ids (projects/<project>/notificationChannels/<id>) every alert notifies."
  type        = list(string)
  default     = []
}

variable "alignment_period_seconds" {
  description = "Window the Pub/Sub metrics are aligned over."
  type        = number
  default     = 300
}

variable "dead_letter_inflow_threshold" {
  description = "Dead letters per alignment period above which a dead-letter topic alerts (0: any)."
  type        = number
  default     = 0
}

variable "oldest_unacked_age_threshold_seconds" {
  description = "Age of a subscription's oldest unacknowledged message above which it alerts."
  type        = number
  default     = 900
}

variable "push_error_ratio_threshold" {
  description = "Share of push requests not acknowledged (0-1) above which a subscription alerts."
  type        = number
  default     = 0.05

  validation {
    condition     = var.push_error_ratio_threshold > 0 && var.push_error_ratio_threshold < 1
    error_message = "push_error_ratio_threshold is a ratio between 0 and 1."
  }
}

variable "push_error_duration_seconds" {
  description = "How long the push error ratio must stay above its threshold."
  type        = number
  default     = 600
}

variable "outbox_stranded_threshold_seconds" {
  description = "Outbox entries older than this alert: every sweep (each minute) failed for this long."
  type        = number
  default     = 600

  validation {
    condition     = var.outbox_stranded_threshold_seconds >= 120
    error_message = "outbox_stranded_threshold_seconds must cover at least two sweeps (120 s)."
  }
}

variable "dashboard_name" {
  description = "Display name of the bus dashboard."
  type        = string
  default     = "GPUaaS event bus"
}

variable "labels" {
  description = "User labels on every alert policy."
  type        = map(string)
  default     = {}
}
