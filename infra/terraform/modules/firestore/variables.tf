variable "project_id" {
  description = "Project that holds the database."
  type        = string
}

variable "location_id" {
  description = "Firestore location (a region such as europe-west1 or a multi-region such as eur3); fixed once created."
  type        = string
}

variable "database_name" {
  description = "Database id; the apps use \"(default)\"."
  type        = string
  default     = "(default)"
}

variable "ttl_collections" {
  description = "Collection groups the runtime expires through `expire_at`: dedupe records and outbox (packages/eventing), Idempotency-Key answers (packages/http-api)."
  type        = list(string)
  default     = ["idempotency_records", "outbox", "idempotency_keys"]
}

variable "extra_ttl_collections" {
  description = "More collection groups with an `expire_at` TTL policy (an app's own expiring documents)."
  type        = list(string)
  default     = []
}

variable "daily_backup_retention_days" {
  description = "Keeps a daily backup this many days (1-98, Firestore's 14 weeks); 0 takes no backups."
  type        = number
  default     = 0

  validation {
    condition     = var.daily_backup_retention_days == 0 || (var.daily_backup_retention_days >= 1 && var.daily_backup_retention_days <= 98)
    error_message = "daily_backup_retention_days must be 0 (no backups) or from 1 to 98 (14 weeks)."
  }
}

variable "ttl_field" {
  description = "Timestamp field holding each document's expiry."
  type        = string
  default     = "expire_at"
}

variable "point_in_time_recovery" {
  description = "Keeps 7 days of versions for point-in-time reads and restores."
  type        = bool
  default     = false
}

variable "delete_protection" {
  description = "Refuses deletion of the database (API-side protection, independent of Terraform)."
  type        = bool
  default     = true
}

variable "composite_indexes" {
  description = "Composite indexes, keyed by a stable name: the collection and its ordered fields."
  type = list(object({
    name       = string
    collection = string
    fields     = list(object({ field_path = string, order = string }))
  }))
  default = [
    {
      # packages/eventing: each service sweeps its own due outbox entries, oldest first.
      name       = "outbox-producer-due"
      collection = "outbox"
      fields = [
        { field_path = "producer", order = "ASCENDING" },
        { field_path = "due_at", order = "ASCENDING" },
      ]
    },
  ]
}
