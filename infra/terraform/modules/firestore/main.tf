resource "google_firestore_database" "this" {
  project                           = var.project_id
  name                              = var.database_name
  location_id                       = var.location_id
  type                              = "FIRESTORE_NATIVE"
  point_in_time_recovery_enablement = var.point_in_time_recovery ? "POINT_IN_TIME_RECOVERY_ENABLED" : "POINT_IN_TIME_RECOVERY_DISABLED"
  delete_protection_state           = var.delete_protection ? "DELETE_PROTECTION_ENABLED" : "DELETE_PROTECTION_DISABLED"
  # Keeps the data if Terraform ever stops managing the database.
  deletion_policy = "ABANDON"
}

locals {
  ttl_collections = toset(concat(var.ttl_collections, var.extra_ttl_collections))
}

# Daily backups, kept retention days; PITR covers the last 7 days at minute precision.
resource "google_firestore_backup_schedule" "daily" {
  count = var.daily_backup_retention_days > 0 ? 1 : 0

  project   = var.project_id
  database  = google_firestore_database.this.name
  retention = "${var.daily_backup_retention_days * 86400}s"

  daily_recurrence {}
}

resource "google_firestore_field" "ttl" {
  for_each = local.ttl_collections

  project    = var.project_id
  database   = google_firestore_database.this.name
  collection = each.value
  field      = var.ttl_field

  ttl_config {}

  # An indexed, monotonically increasing timestamp makes a write hotspot; nothing queries it.
  index_config {}
}

# Composite indexes the apps' queries need, declared rather than discovered at run time.
resource "google_firestore_index" "composite" {
  for_each = { for index in var.composite_indexes : index.name => index }

  project    = var.project_id
  database   = google_firestore_database.this.name
  collection = each.value.collection

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path = fields.value.field_path
      order      = fields.value.order
    }
  }
}
