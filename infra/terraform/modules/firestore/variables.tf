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
  description = "Collection groups whose documents Firestore deletes once `expire_at` has passed (dedupe records, outbox)."
  type        = list(string)
  default     = ["idempotency_records", "outbox"]
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
