output "database_name" {
  description = "Database id the apps connect to."
  value       = google_firestore_database.this.name
}

output "ttl_policies" {
  description = "TTL fields keyed by collection group, as `<collection>.<field>`."
  value       = { for collection, field in google_firestore_field.ttl : collection => "${collection}.${field.field}" }
}

output "backup_retention" {
  description = "Retention of the daily backup schedule, or null without one."
  value       = one(google_firestore_backup_schedule.daily[*].retention)
}
